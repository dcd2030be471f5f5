"""The ``painpath`` command line.

Each module in this package registers its commands through ``register(app)``. Modules import
only ``typer`` at top level and load heavy libraries inside the command body, so that
``painpath --help`` answers quickly.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="painpath",
    help="PainPath: physical therapy for chronic pain, from evaluation to honest progress.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)


_register_commands()


def main() -> None:
    app()
