"""``painpath score`` and ``painpath instruments``: score a paper form; browse the catalogue.

Contract (scripts rely on it): ``painpath score ID --answers "A1,...,An" --json`` prints one JSON
object (instrument, valid, total, subscales, band, missing, messages) and exits 0, also when too
many items are missing (then valid is false). Malformed input exits 2 with one line on stderr.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

__all__ = ["register"]

instruments_app = typer.Typer(
    name="instruments", help="Browse the outcome-measure catalogue.", no_args_is_help=True
)


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def score_command(
    instrument_id: Annotated[str, typer.Argument(metavar="ID", help="Instrument id, e.g. odi.")],
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            help='Numbers from the paper form in item order, e.g. "1,2,,3" (empty = missing; '
            '"na" = not applicable where the form allows it, e.g. ODI section 8).',
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Score one completed instrument from the numbers written on the form."""
    from painpath.adapters.instrument_catalogue import get_instrument
    from painpath.cli._common import cli_errors, print_json
    from painpath.domain.errors import InvalidAnswers
    from painpath.domain.outcomes.instruments import parse_response, score

    with cli_errors():
        instrument = get_instrument(instrument_id)
        if answers is None:  # our own one-line error, not typer's usage box (the contract)
            raise InvalidAnswers(f'{instrument.id}: give the answers with --answers "A1,A2,..."')
        parsed, not_applicable = parse_response(instrument, answers)
        result = score(instrument, parsed, not_applicable=not_applicable)
    payload: dict[str, Any] = {
        "instrument": result.instrument,
        "valid": result.valid,
        "total": result.total,
        "subscales": dict(result.subscales),
        "band": result.band,
        "missing": list(result.missing),
        "messages": list(result.messages),
        "not_applicable": list(result.not_applicable),
    }
    if as_json:
        print_json(payload)
        return
    lines = [f"{instrument.name} ({instrument.id}): {'valid' if result.valid else 'NOT VALID'}"]
    if instrument.total is not None:
        lines.append(f"  total: {_fmt(result.total)} {instrument.total.unit.strip('{}')}".rstrip())
    lines += [f"  {name}: {_fmt(value)}" for name, value in result.subscales.items()]
    if result.band:
        label = next(b.label for b in instrument.bands if b.id == result.band)
        lines.append(f"  band: {result.band} ({label})")
    if result.missing:
        lines.append(f"  missing items: {', '.join(map(str, result.missing))}")
    if result.not_applicable:
        lines.append(f"  not applicable: {', '.join(map(str, result.not_applicable))}")
    lines += [f"  note: {m}" for m in result.messages]
    typer.echo("\n".join(lines))


@instruments_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List every instrument in the catalogue."""
    from painpath.adapters.instrument_catalogue import load_catalogue
    from painpath.cli._common import cli_errors, print_json

    with cli_errors():
        catalogue = load_catalogue()
    rows: list[dict[str, Any]] = []
    for inst in catalogue.values():
        spec = inst.total or inst.scores[0]
        rows.append(
            {
                "id": inst.id,
                "name": inst.name,
                "items": len(inst.items),
                "range": [spec.minimum, spec.maximum],
                "direction": inst.direction.value,
                "scores": [s.name for s in inst.scores],
            }
        )
    if as_json:
        print_json(rows)
        return
    typer.echo(f"{'ID':<18}{'ITEMS':>6}  {'RANGE':<12}{'BETTER':<8}NAME")
    for row in rows:
        low, high = row["range"]
        better = "lower" if row["direction"] == "lower_better" else "higher"
        rng = f"{_fmt(low)}-{_fmt(high)}"
        typer.echo(f"{row['id']:<18}{row['items']:>6}  {rng:<12}{better:<8}{row['name']}")


@instruments_app.command("show")
def show_command(
    instrument_id: Annotated[str, typer.Argument(metavar="ID")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show one instrument: items, answer options, scores, bands, MCID/MDC and sources."""
    from painpath.adapters.instrument_catalogue import get_instrument, instrument_to_dict
    from painpath.cli._common import cli_errors, print_json

    with cli_errors():
        data = instrument_to_dict(get_instrument(instrument_id))
    if as_json:
        print_json(data)
        return
    typer.echo("\n".join(_describe(data)))


def _describe(data: dict[str, Any]) -> list[str]:
    lines = [f"{data['name']} ({data['id']})", data["description"], ""]
    better = "lower" if data["direction"] == "lower_better" else "higher"
    lines.append(f"Better: {better} scores.")
    licence = data["licence"]
    lines.append(f"Licence: {licence['status']} ({licence['holder']}). {licence['note']}")
    lines.append(
        f"  source: {licence['source']}" + (f" {licence['url']}" if licence["url"] else "")
    )
    lines.append("Items:")
    for item in data["items"]:
        opts = "; ".join(f"{v}={lab}" for v, lab, _ in item["options"])
        rev = " [reverse-scored]" if item["reverse"] else ""
        rev += " [may be not applicable]" if item["not_applicable"] else ""
        lines.append(f"  {item['number']:>2}. {item['label']}{rev}  ({opts})")
    lines.append("Scores:")
    for s in data["scores"]:
        low, high = s["range"]
        lines.append(f"  {s['name']}: {s['formula']['kind']}, {_fmt(low)}-{_fmt(high)}")
        lines.append(f"      missing items: {s['missing_rule']}")
    if data["bands"]:
        lines.append("Bands: " + ", ".join(f"{b['id']} ({b['label']})" for b in data["bands"]))
    for key in ("mcid", "mdc"):
        if data[key]:
            t = data[key]
            pct = f" or {_fmt(t['percent'])} %" if t["percent"] else ""
            lines.append(f"{key.upper()}: {_fmt(t['value'])} points{pct} ({t['population']})")
    lines.append("Evidence: " + ", ".join(data["evidence"]))
    lines += [f"Default (unverified): {note}" for note in data["unverified"]]
    return lines


def register(app: typer.Typer) -> None:
    from painpath.cli.wording import wording_app

    instruments_app.add_typer(wording_app, name="wording")
    app.command("score")(score_command)
    app.add_typer(instruments_app, name="instruments")
