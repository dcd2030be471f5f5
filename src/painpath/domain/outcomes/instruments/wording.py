"""Wording packs: the licensed item text of an instrument, installed by a clinic.

Most instruments in the catalogue may not be reproduced without the copyright holder's licence
(``Instrument.licence``), so PainPath ships topic summaries, not the questionnaire. A clinic that
holds a licence installs the published wording as a pack; only then can patients fill in that
instrument on their own pages. A pack carries wording only: the scoring stays the catalogue's,
so a pack must match the instrument's item structure exactly (same item ids in the same order,
one answer label per scored option, "not applicable" only where the form offers it).

A pack file (YAML or JSON)::

    instrument: odi
    version: "2.1a, English (UK)"
    licence: {holder: "Riverside Physiotherapy", reference: "ePROVIDE licence 12345"}
    title: "..."            # optional: the questionnaire's heading
    instructions: "..."     # optional: the instructions printed above the items
    attribution: "..."      # optional: the copyright/attribution line the holder requires
    placeholder: false      # true for demo packs: shown with a warning, never as the real text
    items:
      - id: odi-1
        text: "..."
        options: ["...", "..."]      # in the order of the catalogue's options for this item
        not_applicable: "..."        # optional, only on items that allow it

Answer labels map to the catalogue's options by position: the first label names the first
option of ``painpath instruments show ID`` for that item, and so on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments.model import Instrument, Item

__all__ = ["ItemWording", "WordingPack", "validate_wording_pack", "wording_pack_to_dict"]

_TOP_KEYS = frozenset(
    {
        "instrument",
        "version",
        "licence",
        "title",
        "instructions",
        "attribution",
        "placeholder",
        "items",
    }
)
_ITEM_KEYS = frozenset({"id", "text", "options", "not_applicable"})
_MAX_TEXT = 1000  # characters of one item's text or of the instructions
_MAX_LABEL = 300  # characters of one answer label


@dataclass(frozen=True, slots=True)
class ItemWording:
    """One item's licensed text and its answer labels (one per catalogue option, in order)."""

    link_id: str
    text: str
    options: tuple[str, ...]
    not_applicable: str | None = None


@dataclass(frozen=True, slots=True)
class WordingPack:
    """The licensed wording of one instrument, for one clinic (or the whole installation when
    ``clinic_id`` is None). ``placeholder`` packs hold sample text, never the questionnaire.
    ``attribution`` is the copyright line the holder requires beside the form; ``installed_by``
    and ``installed_at`` are filled in by storage (who installed it, when)."""

    instrument_id: str
    version: str
    licence_holder: str
    licence_reference: str
    items: tuple[ItemWording, ...]
    title: str = ""
    instructions: str = ""
    placeholder: bool = False
    clinic_id: int | None = None
    attribution: str = ""
    installed_by: str = ""
    installed_at: datetime | None = None

    def for_item(self, link_id: str) -> ItemWording:
        return next(i for i in self.items if i.link_id == link_id)


def _text(raw: Any, where: str, problems: list[str], *, limit: int, required: bool) -> str:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            problems.append(f"{where} is missing or empty")
        return ""
    if not isinstance(raw, str):
        problems.append(f"{where} must be text")
        return ""
    if len(raw) > limit:
        problems.append(f"{where} is longer than {limit} characters")
    return raw.strip()


def _item(
    item: Item, raw: Any, position: int, problems: list[str], *, placeholder: bool
) -> ItemWording | None:
    where = f"item {position} ({item.link_id})"
    if not isinstance(raw, Mapping):
        problems.append(f"{where} must be a mapping with id, text and options")
        return None
    unknown = sorted(set(raw) - _ITEM_KEYS)
    if unknown:
        problems.append(f"{where} has unknown fields {unknown}")
    if raw.get("id") != item.link_id:
        problems.append(
            f"item {position} has id {raw.get('id')!r}; the instrument's item {position} "
            f"is {item.link_id!r} (same ids, same order)"
        )
    text = _text(raw.get("text"), f"{where} text", problems, limit=_MAX_TEXT, required=True)
    labels = raw.get("options")
    options: list[str] = []
    if not isinstance(labels, list):
        problems.append(f"{where} options must be a list of {len(item.options)} answer labels")
    else:
        if len(labels) != len(item.options):
            problems.append(
                f"{where} has {len(labels)} answer labels; the scoring expects "
                f"{len(item.options)} (values {', '.join(str(v) for v in item.values)})"
            )
        for n, label in enumerate(labels, start=1):
            options.append(
                _text(label, f"{where} answer {n}", problems, limit=_MAX_LABEL, required=True)
            )
    na_raw = raw.get("not_applicable")
    not_applicable = None
    if na_raw is not None:
        if not item.not_applicable:
            problems.append(f"{where} offers 'not applicable' but the instrument does not allow it")
        not_applicable = _text(
            na_raw, f"{where} not_applicable", problems, limit=_MAX_LABEL, required=True
        )
    elif item.not_applicable and not placeholder:
        problems.append(f"{where} allows 'not applicable': give its label in not_applicable")
    return ItemWording(item.link_id, text, tuple(options), not_applicable or None)


def validate_wording_pack(instrument: Instrument, raw: Any) -> WordingPack:
    """Check a parsed pack file against the instrument's item structure.

    Raises ``InvalidInput`` listing every problem (item, field and what was expected), so a
    clinic can fix the file in one go; nothing is returned unless the whole pack is valid.
    """
    head = f"wording pack for {instrument.id}"
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{head}: the file must hold a mapping (instrument, version, ...)")
    problems: list[str] = []
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        problems.append(f"unknown fields {unknown}")
    if raw.get("instrument") != instrument.id:
        problems.append(f"instrument is {raw.get('instrument')!r}, expected {instrument.id!r}")
    version = _text(raw.get("version"), "version", problems, limit=_MAX_LABEL, required=True)
    licence = raw.get("licence")
    if not isinstance(licence, Mapping):
        problems.append("licence must give holder and reference (who holds the licence, which)")
        licence = {}
    holder = _text(licence.get("holder"), "licence holder", problems, limit=200, required=True)
    reference = _text(
        licence.get("reference"), "licence reference", problems, limit=300, required=True
    )
    placeholder = raw.get("placeholder", False)
    if not isinstance(placeholder, bool):
        problems.append("placeholder must be true or false")
        placeholder = False
    title = _text(raw.get("title"), "title", problems, limit=_MAX_LABEL, required=False)
    instructions = _text(
        raw.get("instructions"), "instructions", problems, limit=_MAX_TEXT, required=False
    )
    attribution = _text(
        raw.get("attribution"), "attribution", problems, limit=_MAX_TEXT, required=False
    )
    raw_items = raw.get("items")
    items: list[ItemWording] = []
    if not isinstance(raw_items, list):
        problems.append(f"items must be a list of the instrument's {len(instrument.items)} items")
    else:
        if len(raw_items) != len(instrument.items):
            problems.append(
                f"items has {len(raw_items)} entries; {instrument.id} has "
                f"{len(instrument.items)} items"
            )
        for position, (item, raw_item) in enumerate(
            zip(instrument.items, raw_items, strict=False), start=1
        ):
            wording = _item(item, raw_item, position, problems, placeholder=placeholder)
            if wording is not None:
                items.append(wording)
    if problems:
        raise InvalidInput(f"{head}: " + "; ".join(problems))
    return WordingPack(
        instrument_id=instrument.id,
        version=version,
        licence_holder=holder,
        licence_reference=reference,
        items=tuple(items),
        title=title,
        instructions=instructions,
        placeholder=placeholder,
        attribution=attribution,
    )


def wording_pack_to_dict(pack: WordingPack) -> dict[str, Any]:
    """The pack in its file format (what ``validate_wording_pack`` reads back)."""
    items: list[dict[str, Any]] = []
    for item in pack.items:
        row: dict[str, Any] = {"id": item.link_id, "text": item.text, "options": list(item.options)}
        if item.not_applicable:
            row["not_applicable"] = item.not_applicable
        items.append(row)
    return {
        "instrument": pack.instrument_id,
        "version": pack.version,
        "licence": {"holder": pack.licence_holder, "reference": pack.licence_reference},
        "title": pack.title,
        "instructions": pack.instructions,
        "attribution": pack.attribution,
        "placeholder": pack.placeholder,
        "items": items,
    }
