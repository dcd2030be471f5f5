"""Wording packs at the console: install, list and remove a clinic's licensed questionnaire
wording (``painpath instruments wording ...``). System operations (no signed-in actor), each
written to the audit log like ``create_staff_user``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.outcomes.instruments import WordingPack, validate_wording_pack
from painpath.domain.ports import UnitOfWork
from painpath.services.context import ServiceContext
from painpath.services.questionnaires._common import pack_fits

__all__ = ["InstalledPack", "install_wording_pack", "list_wording_packs", "remove_wording_pack"]

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


def install_wording_pack(
    ctx: ServiceContext, *, document: Mapping[str, Any], clinic_name: str | None = None
) -> InstalledPack:
    """Validate ``document`` (a parsed pack file) against its instrument and store it for the
    clinic (or the whole installation), replacing the pack installed there before.

    Raises ``InvalidInput`` naming every problem; nothing is stored then.
    """
    if not isinstance(document, Mapping) or not isinstance(document.get("instrument"), str):
        raise InvalidInput("wording pack: the file must name its instrument (instrument: ID)")
    instrument = get_instrument(document["instrument"])
    pack = validate_wording_pack(instrument, document)
    with ctx.uow_factory() as uow:
        clinic_id = _clinic_id(uow, clinic_name)
        pack = replace(pack, clinic_id=clinic_id)
        replaced = uow.wording_packs.put(pack, installed_by=_SYSTEM, at=ctx.clock.now())
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
