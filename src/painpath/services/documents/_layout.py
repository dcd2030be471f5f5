"""Pieces of Typst markup shared by the documents (all user text through ``text``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from painpath.adapters.reports.typst_pdf import text
from painpath.domain.accounts import Patient

__all__ = ["bullets", "header", "number", "table", "words"]


def words(identifier: object) -> str:
    """A stored id (``dynamic_knee_valgus``) as words (``dynamic knee valgus``)."""
    return str(identifier).replace("_", " ")


def number(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 1):g}"


def bullets(lines: Iterable[str]) -> str:
    return "".join(f"- {text(line)}\n" for line in lines)


def header(title: str, patient: Patient, *, printed_on: str, lines: Sequence[str] = ()) -> str:
    born = f"born {patient.birth_date.isoformat()}" if patient.birth_date else ""
    facts = ", ".join(x for x in (born, patient.sex.value if patient.sex else "") if x)
    out = [
        f"= {text(title)}\n",
        f"*{text(patient.display_name)}*",
        f" {text(f'({facts})')}" if facts else "",
        f" #h(1fr) {text(f'printed {printed_on}')}\n\n",
    ]
    out += [f"{text(line)}\\\n" for line in lines]
    return "".join(out) + "\n"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, columns: str = "") -> str:
    """A ruled table; every cell is user text; ``columns`` a track list like ``(2fr, 1fr)``."""
    cells = [f"[*{text(h)}*]" for h in headers]
    for row in rows:
        cells += [f"[{text(cell)}]" for cell in row]
    return (
        f"#table(columns: {columns or len(headers)}, inset: 5pt, stroke: 0.5pt, align: left,\n"
        + ",\n".join(cells)
        + ")\n\n"
    )
