"""``painpath instruments wording``: install, list and remove a clinic's licensed questionnaire
wording (see ``docs/clinical/instruments.md``, "Wording packs")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

__all__ = ["wording_app"]

wording_app = typer.Typer(
    name="wording",
    help="Licensed questionnaire wording (wording packs) that patients read.",
    no_args_is_help=True,
)

_CLINIC_HELP = "Clinic name; without it the pack serves every clinic of this installation."


def _read(path: Path) -> Any:
    from painpath.domain.errors import InvalidInput
    from painpath.services.questionnaires import parse_pack_text

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InvalidInput(f"cannot read {path}: {err.strerror or err}") from None
    return parse_pack_text(text, filename=str(path))


def _context() -> Any:
    from painpath.bootstrap import build_container
    from painpath.config import Settings

    return build_container(Settings(), worker_threads=0).context()


@wording_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The pack, YAML or JSON.")],
    clinic: Annotated[str | None, typer.Option("--clinic", help=_CLINIC_HELP)] = None,
) -> None:
    """Check a wording pack against its instrument and install it (audited). Nothing is
    stored when the pack does not match the instrument's items; the error says what is wrong."""
    from painpath.cli._common import cli_errors
    from painpath.services.questionnaires import install_wording_pack

    with cli_errors():
        installed = install_wording_pack(_context(), document=_read(file), clinic_name=clinic)
    pack = installed.pack
    verb = "replaced" if installed.replaced else "installed"
    demo = " (PLACEHOLDER text: shown to patients with a warning)" if pack.placeholder else ""
    typer.echo(
        f"{verb} wording pack {pack.instrument_id} {pack.version} for {installed.scope}; "
        f"licence: {pack.licence_holder}, {pack.licence_reference}{demo}"
    )


@wording_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON array.")] = False,
) -> None:
    """List the installed wording packs."""
    from painpath.cli._common import cli_errors, print_json
    from painpath.services.questionnaires import list_wording_packs

    with cli_errors():
        packs = list_wording_packs(_context())
    rows = [
        {
            "instrument": p.pack.instrument_id,
            "version": p.pack.version,
            "clinic": p.clinic_name,
            "licence_holder": p.pack.licence_holder,
            "licence_reference": p.pack.licence_reference,
            "placeholder": p.pack.placeholder,
            "fits_catalogue": p.fits,
        }
        for p in packs
    ]
    if as_json:
        print_json(rows)
        return
    if not rows:
        typer.echo(
            "no wording packs installed: patients get paper forms for restricted instruments"
        )
        return
    for row in rows:
        where = row["clinic"] or "(installation)"
        flag = "  PLACEHOLDER" if row["placeholder"] else ""
        if not row["fits_catalogue"]:
            flag += "  DOES NOT FIT THE CATALOGUE (not used: import a fitting pack)"
        typer.echo(
            f"{row['instrument']:<18}{where:<28}{row['version']}  "
            f"[{row['licence_holder']}: {row['licence_reference']}]{flag}"
        )


@wording_app.command("remove")
def remove_command(
    instrument_id: Annotated[str, typer.Argument(metavar="ID", help="Instrument id, e.g. odi.")],
    clinic: Annotated[str | None, typer.Option("--clinic", help=_CLINIC_HELP)] = None,
) -> None:
    """Remove an installed wording pack (audited); its patients get the paper form again."""
    from painpath.cli._common import cli_errors
    from painpath.services.questionnaires import remove_wording_pack

    with cli_errors():
        removed = remove_wording_pack(_context(), instrument_id=instrument_id, clinic_name=clinic)
    typer.echo(f"removed wording pack {removed.pack.instrument_id} for {removed.scope}")
