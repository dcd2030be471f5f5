"""Helpers shared by CLI modules: JSON output and the mapping of errors to exit codes."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer

from painpath.domain.errors import InvalidInput, NotFound, PainPathError

__all__ = ["EXIT_INVALID", "cli_errors", "print_json"]

EXIT_INVALID = 2  # malformed input: one clear line on stderr


def print_json(payload: Any, *, default: Callable[[Any], Any] | None = None) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=default or str))
    sys.stdout.write("\n")


@contextmanager
def cli_errors() -> Iterator[None]:
    """Turn PainPath errors into one line on stderr and a non-zero exit code."""
    try:
        yield
    except (InvalidInput, NotFound) as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(EXIT_INVALID) from None
    except PainPathError as err:
        typer.echo(f"error: {err}", err=True)
        raise typer.Exit(1) from None
