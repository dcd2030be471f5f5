"""``painpath models install``: the optional BlazePose heavy model, fetched once at setup.

Analysis never downloads anything; this command (which ``make venv`` runs) takes the model from
the npm registry package ``@mediapipe/pose`` with ``npm pack``, checks its SHA-256 and installs
it where the ``litert-heavy`` backend looks (see ``adapters/pose/model_files.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]

models_app = typer.Typer(
    name="models",
    help="Optional pose model files (installed once, never at analysis time).",
    no_args_is_help=True,
)


@models_app.command("install")
def install(
    tarball: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="An `npm pack` tarball of @mediapipe/pose already on disk (no registry access).",
        ),
    ] = None,
) -> None:
    """Install BlazePose heavy's landmark model (backend litert-heavy); idempotent."""
    from painpath.adapters.pose.model_files import install_heavy_landmark
    from painpath.cli._common import cli_errors

    with cli_errors():
        path = install_heavy_landmark(tarball=tarball)
    typer.echo(f"installed {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(models_app, name="models")
