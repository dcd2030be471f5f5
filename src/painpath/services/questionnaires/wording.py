"""Wording packs: install, list and remove a clinic's licensed questionnaire wording.

Two doors, one set of rules: the console (``painpath instruments wording ...``: system
operations without a signed-in actor, for any clinic or the whole installation) and the admin
page (``/admin/wording``: an admin, for their own clinic only). Both validate the pack against
the instrument's items, store it the same way and write it to the audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import yaml

from painpath.adapters.instrument_catalogue import get_instrument, load_catalogue
from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.outcomes.instruments import (
    Instrument,
    WordingPack,
    validate_wording_pack,
)
from painpath.domain.ports import UnitOfWork
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.questionnaires._common import pack_fits

__all__ = [
    "ClinicWording",
    "InstalledPack",
    "clinic_wording",
    "install_clinic_wording_pack",
    "install_wording_pack",
    "list_wording_packs",
    "parse_pack_text",
    "remove_clinic_wording_pack",
    "remove_wording_pack",
]

MAX_PACK_BYTES = 256 * 1024  # a pack is text: 10-20 items of at most 1000 characters each

_SYSTEM = "system (console)"


@dataclass(frozen=True)
class InstalledPack:
    pack: WordingPack
    clinic_name: str | None  # None = every clinic of this installation
    replaced: bool = False
    fits: bool = True  # False: the catalogue's items changed since; patients get paper

    @property
    def scope(self) -> str:
        return f"clinic {self.clinic_name}" if self.clinic_name else "the whole installation"


def _clinic_id(uow: UnitOfWork, clinic_name: str | None) -> int | None:
    if clinic_name is None:
        return None
    clinic = uow.clinics.by_name(clinic_name)
    if clinic is None:
        known = ", ".join(c.name for c in uow.clinics.list()) or "none yet"
        raise InvalidInput(f"no clinic called {clinic_name!r} (clinics: {known})")
    return clinic.id


def _detail(pack: WordingPack) -> dict[str, Any]:
    """Ids and codes only: the pack's version, licence holder and reference are free text,
    kept with the pack."""
    return {
        "instrument_id": pack.instrument_id,
        "scope": "clinic" if pack.clinic_id is not None else "installation",
        "placeholder": pack.placeholder,
    }


def parse_pack_text(text: str, *, filename: str = "pack.yaml") -> Any:
    """A pack file's text (JSON when the name ends in .json, else YAML) as parsed data.

    Raises ``InvalidInput`` with the parser's first line when the text is not well formed.
    """
    kind = "JSON" if filename.lower().endswith(".json") else "YAML"
    try:
        return json.loads(text) if kind == "JSON" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise InvalidInput(f"{filename} is not valid {kind}: {first}") from None


def _validated(document: Any) -> WordingPack:
    if not isinstance(document, Mapping) or not isinstance(document.get("instrument"), str):
        raise InvalidInput("wording pack: the file must name its instrument (instrument: ID)")
    return validate_wording_pack(get_instrument(document["instrument"]), document)


def _store(
    uow: UnitOfWork, pack: WordingPack, clinic_id: int | None, *, by: str, at: datetime
) -> tuple[WordingPack, bool]:
    pack = replace(pack, clinic_id=clinic_id, installed_by=by, installed_at=at)
    return pack, uow.wording_packs.put(pack, installed_by=by, at=at)


def install_wording_pack(
    ctx: ServiceContext, *, document: Mapping[str, Any], clinic_name: str | None = None
) -> InstalledPack:
    """Validate ``document`` (a parsed pack file) against its instrument and store it for the
    clinic (or the whole installation), replacing the pack installed there before.

    Raises ``InvalidInput`` naming every problem; nothing is stored then.
    """
    pack = _validated(document)
    with ctx.uow_factory() as uow:
        clinic_id = _clinic_id(uow, clinic_name)
        pack, replaced = _store(uow, pack, clinic_id, by=_SYSTEM, at=ctx.clock.now())
        installed = InstalledPack(pack, clinic_name, replaced)
        uow.audit.append(
            action="system.wording.install",
            actor_user_id=None,
            actor_role="system",
            clinic_id=clinic_id,
            detail={**_detail(pack), "replaced": replaced},
        )
        uow.commit()
    return installed


def list_wording_packs(ctx: ServiceContext) -> list[InstalledPack]:
    """Every installed pack with the clinic it serves."""
    with ctx.uow_factory() as uow:
        names = {c.id: c.name for c in uow.clinics.list()}
        return [
            InstalledPack(
                p,
                names.get(p.clinic_id) if p.clinic_id is not None else None,
                fits=pack_fits(get_instrument(p.instrument_id), p),
            )
            for p in uow.wording_packs.list()
        ]


def remove_wording_pack(
    ctx: ServiceContext, *, instrument_id: str, clinic_name: str | None = None
) -> InstalledPack:
    """Remove the pack of one instrument for the clinic (or the installation); audited.

    Patients of that clinic lose the form for that instrument at once (paper again).
    """
    instrument = get_instrument(instrument_id)
    with ctx.uow_factory() as uow:
        clinic_id = _clinic_id(uow, clinic_name)
        pack = uow.wording_packs.remove(instrument.id, clinic_id=clinic_id)
        if pack is None:
            where = f"clinic {clinic_name}" if clinic_name else "the whole installation"
            raise NotFound(f"no wording pack for {instrument.id} is installed for {where}")
        removed = InstalledPack(pack, clinic_name)
        uow.audit.append(
            action="system.wording.remove",
            actor_user_id=None,
            actor_role="system",
            clinic_id=clinic_id,
            detail=_detail(pack),
        )
        uow.commit()
    return removed


# -- the admin page: an admin manages the packs of their own clinic ----------------------------


@dataclass(frozen=True)
class ClinicWording:
    """What the wording page of one clinic shows.

    ``own``: packs this clinic installed (the admin may replace or remove them);
    ``installation``: packs installed at the console for every clinic (read-only here; a
    clinic pack of the same instrument wins); ``shipped``: instruments whose published wording
    comes with PainPath; ``paper_only``: instruments patients of this clinic get on paper;
    ``names``: each instrument's name by id, for the packs' rows.
    """

    clinic_name: str
    own: tuple[InstalledPack, ...]
    installation: tuple[InstalledPack, ...]
    shipped: tuple[Instrument, ...]
    paper_only: tuple[Instrument, ...]
    names: Mapping[str, str]


def _installed(pack: WordingPack, clinic_name: str | None) -> InstalledPack:
    return InstalledPack(
        pack, clinic_name, fits=pack_fits(get_instrument(pack.instrument_id), pack)
    )


@operation(Access.ADMIN)
def clinic_wording(call: Call) -> ClinicWording:
    """The wording packs that serve the admin's clinic, and what patients get without one."""
    clinic_id = call.actor.clinic_id
    clinic = call.uow.clinics.get(clinic_id)
    name = clinic.name if clinic is not None else str(clinic_id)
    packs = call.uow.wording_packs.list()
    own = tuple(_installed(p, name) for p in packs if p.clinic_id == clinic_id)
    shared = tuple(_installed(p, None) for p in packs if p.clinic_id is None)
    served = {p.pack.instrument_id for p in own + shared if p.fits}
    catalogue = sorted(load_catalogue().values(), key=lambda i: i.name)
    return ClinicWording(
        clinic_name=name,
        own=own,
        installation=shared,
        shipped=tuple(i for i in catalogue if i.ships_published_wording),
        paper_only=tuple(
            i for i in catalogue if not i.ships_published_wording and i.id not in served
        ),
        names={i.id: i.name for i in catalogue},
    )


@operation(Access.ADMIN, audit="admin.wording.install")
def install_clinic_wording_pack(call: Call, *, document: Any) -> InstalledPack:
    """Validate a parsed pack file and install it for the admin's own clinic (replacing the
    clinic's pack of that instrument). Raises ``InvalidInput`` naming every problem; nothing
    is stored then (the audit log records only installs that happened)."""
    pack = _validated(document)
    clinic_id = call.actor.clinic_id
    clinic = call.uow.clinics.get(clinic_id)
    name = clinic.name if clinic is not None else str(clinic_id)
    by = f"{call.actor.name} (admin)"
    pack, replaced = _store(call.uow, pack, clinic_id, by=by, at=call.ctx.clock.now())
    installed = InstalledPack(pack, name, replaced)
    call.audit_detail.update({**_detail(pack), "replaced": replaced})
    return installed


@operation(Access.ADMIN, audit="admin.wording.remove")
def remove_clinic_wording_pack(call: Call, *, instrument_id: str) -> InstalledPack:
    """Remove the admin's own clinic's pack of one instrument; packs installed for the whole
    installation are managed at the console only. Raises ``NotFound`` when there is none."""
    instrument = get_instrument(instrument_id)
    clinic_id = call.actor.clinic_id
    pack = call.uow.wording_packs.remove(instrument.id, clinic_id=clinic_id)
    if pack is None:
        raise NotFound(f"your clinic has no wording pack for {instrument.id} installed")
    clinic = call.uow.clinics.get(clinic_id)
    removed = InstalledPack(pack, clinic.name if clinic is not None else str(clinic_id))
    call.audit_detail.update(_detail(pack))
    return removed
