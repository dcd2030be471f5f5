"""Citation keys -> references. Every clinical rule, threshold, lesson and plan item cites keys."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from painpath.domain.errors import InvalidInput

__all__ = ["EvidenceCatalogue", "EvidenceStatus", "Reference"]


class EvidenceStatus(StrEnum):
    VERIFIED = "verified"  # read in the cited source
    SECONDARY = "secondary"  # read only in a secondary source
    UNVERIFIED = "unverified"  # documented default; no published rule found
    PROJECT = "project"  # an engineering decision, not a clinical fact


@dataclass(frozen=True, slots=True)
class Reference:
    key: str
    citation: str
    url: str
    status: EvidenceStatus
    supports: str


@dataclass(frozen=True, slots=True)
class EvidenceCatalogue:
    references: Mapping[str, Reference]

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Mapping[str, str]]) -> EvidenceCatalogue:
        refs: dict[str, Reference] = {}
        for key, fields in raw.items():
            try:
                refs[key] = Reference(
                    key=key,
                    citation=fields["citation"],
                    url=fields["url"],
                    status=EvidenceStatus(fields["status"]),
                    supports=fields["supports"],
                )
            except (KeyError, ValueError) as err:
                raise InvalidInput(f"evidence entry {key!r} is malformed: {err}") from err
        return cls(references=refs)

    def __contains__(self, key: object) -> bool:
        return key in self.references

    def get(self, key: str) -> Reference:
        try:
            return self.references[key]
        except KeyError:
            raise InvalidInput(f"unknown evidence key {key!r}") from None

    def unresolved(self, keys: Iterable[str]) -> list[str]:
        """Keys that are not in the catalogue, in the order given."""
        return [k for k in keys if k not in self.references]
