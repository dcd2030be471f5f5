"""Wording packs (migration 0005): a clinic's licensed item text for one instrument, stored as
the validated pack (``domain/outcomes/instruments/wording.py``) in JSON. ``scope`` is the clinic
id as text, or ``*`` for the whole installation; one pack per instrument and scope."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from painpath.adapters.db.tables import Base, utcnow
from painpath.domain.outcomes.instruments.wording import (
    ItemWording,
    WordingPack,
    wording_pack_to_dict,
)

__all__ = ["WordingPackRepo", "WordingPackRow"]

_INSTALLATION = "*"


class WordingPackRow(Base):
    __tablename__ = "wording_packs"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    instrument_id: Mapped[str] = mapped_column(String(40))
    scope: Mapped[str] = mapped_column(String(20))
    version: Mapped[str] = mapped_column(String(300))
    licence_holder: Mapped[str] = mapped_column(String(200))
    licence_reference: Mapped[str] = mapped_column(String(300))
    placeholder: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    installed_by: Mapped[str] = mapped_column(String(200))
    installed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (UniqueConstraint("instrument_id", "scope", name="uq_wording_pack_scope"),)


def _scope(clinic_id: int | None) -> str:
    return _INSTALLATION if clinic_id is None else str(clinic_id)


def _pack(row: WordingPackRow) -> WordingPack:
    raw = row.content
    items = tuple(
        ItemWording(
            link_id=i["id"],
            text=i["text"],
            options=tuple(i["options"]),
            not_applicable=i.get("not_applicable"),
        )
        for i in raw["items"]
    )
    return WordingPack(
        instrument_id=row.instrument_id,
        version=row.version,
        licence_holder=row.licence_holder,
        licence_reference=row.licence_reference,
        items=items,
        title=raw.get("title", ""),
        instructions=raw.get("instructions", ""),
        attribution=raw.get("attribution", ""),
        placeholder=row.placeholder,
        clinic_id=None if row.scope == _INSTALLATION else int(row.scope),
        installed_by=row.installed_by,
        installed_at=row.installed_at,
    )


class WordingPackRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def _row(self, instrument_id: str, scope: str) -> WordingPackRow | None:
        stmt = select(WordingPackRow).where(
            WordingPackRow.instrument_id == instrument_id, WordingPackRow.scope == scope
        )
        return self._s.scalars(stmt).first()

    def put(self, pack: WordingPack, *, installed_by: str, at: datetime) -> bool:
        """Store the pack for its scope; True when it replaced an installed one."""
        row = self._row(pack.instrument_id, _scope(pack.clinic_id))
        replaced = row is not None
        if row is None:
            row = WordingPackRow(instrument_id=pack.instrument_id, scope=_scope(pack.clinic_id))
            self._s.add(row)
        row.version = pack.version
        row.licence_holder = pack.licence_holder
        row.licence_reference = pack.licence_reference
        row.placeholder = pack.placeholder
        row.content = wording_pack_to_dict(pack)
        row.installed_by = installed_by
        row.installed_at = at
        self._s.flush()
        return replaced

    def for_clinic(self, instrument_id: str, clinic_id: int) -> WordingPack | None:
        """The clinic's own pack, else the installation's, else None."""
        row = self._row(instrument_id, _scope(clinic_id)) or self._row(instrument_id, _INSTALLATION)
        return _pack(row) if row is not None else None

    def list(self) -> list[WordingPack]:
        stmt = select(WordingPackRow).order_by(WordingPackRow.instrument_id, WordingPackRow.scope)
        return [_pack(r) for r in self._s.scalars(stmt)]

    def remove(self, instrument_id: str, *, clinic_id: int | None) -> WordingPack | None:
        row = self._row(instrument_id, _scope(clinic_id))
        if row is None:
            return None
        pack = _pack(row)
        self._s.delete(row)
        self._s.flush()
        return pack
