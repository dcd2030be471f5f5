"""Who edits which part of the intake: a save from a form that shows only some fields, or
from the patient, must not drop what others recorded.

* ``CLINICIAN_ONLY_INTAKE_FIELDS``: recorded by the clinician (the reason a safety question was
  not asked); a patient's save keeps the clinician's value and may not change it.
* ``merge_intake_edit``: the stored intake with the submitted fields laid over it. Fields a form
  does not manage (``managed``) are kept from the stored version; ``"pattern.night_pain"``
  names one sub-field, so the stored sub-fields the form does not show are kept too (night and
  rest pain behind the night-pain tick box). A yes/no form answer in ``DETAIL_BEHIND_YES``
  keeps the stored detail (sensitivity per modality) while the answer stays yes. A skip reason
  is dropped once its question is answered (the answer replaces it).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from painpath.domain.errors import InvalidCase

__all__ = ["CLINICIAN_ONLY_INTAKE_FIELDS", "DETAIL_BEHIND_YES", "merge_intake_edit"]

CLINICIAN_ONLY_INTAKE_FIELDS: frozenset[str] = frozenset({"red_flags_skipped"})
# Fields a form asks as yes/no that may be stored in more detail (a mapping of parts).
DETAIL_BEHIND_YES: frozenset[str] = frozenset({"hypersensitivity_history"})


def _form_merge(
    old: Mapping[str, Any], submitted: Mapping[str, Any], managed: Set[str]
) -> dict[str, Any]:
    whole = {m for m in managed if "." not in m}
    parts: dict[str, set[str]] = {}
    for m in managed:
        if "." in m:
            key, _, sub = m.partition(".")
            parts.setdefault(key, set()).add(sub)
    out = {k: v for k, v in old.items() if k not in whole and k not in parts}
    out.update(submitted)
    for key, subs in parts.items():
        stored, new = old.get(key), submitted.get(key)
        rest = (
            {k: v for k, v in stored.items() if k not in subs}
            if isinstance(stored, Mapping)
            else {}
        )
        merged = {**(dict(new) if isinstance(new, Mapping) else {}), **rest}
        if merged:
            out[key] = merged
        else:
            out.pop(key, None)
    for key in DETAIL_BEHIND_YES & whole:
        stored = old.get(key)
        if out.get(key) is True and isinstance(stored, Mapping) and any(stored.values()):
            out[key] = dict(stored)
    return out


def _open_skips(skips: Any, answers: Any) -> Any:
    """Skip reasons of the questions still unanswered (other shapes are left to validation)."""
    if not isinstance(skips, Mapping):
        return skips
    answered = set(answers) if isinstance(answers, Mapping) else set()
    return {k: v for k, v in skips.items() if k not in answered}


def merge_intake_edit(
    current: Mapping[str, Any] | None,
    submitted: Mapping[str, Any],
    *,
    managed: Set[str] | None = None,
    by_patient: bool = False,
) -> dict[str, Any]:
    """The intake to store. ``managed``: the fields the submitting form shows (None: all of
    them, as from the API). ``by_patient``: clinician-only fields come from ``current``; a
    submitted value that differs raises ``InvalidCase`` naming the field."""
    old = dict(current or {})
    out = dict(submitted) if managed is None else _form_merge(old, submitted, managed)
    if by_patient:
        answers = out.get("red_flags")
        for key in sorted(CLINICIAN_ONLY_INTAKE_FIELDS):
            theirs = _open_skips(submitted.get(key), answers)
            ours = _open_skips(old.get(key), answers)
            if key in submitted and theirs != ours:
                raise InvalidCase(
                    f"intake.{key}: recorded by your therapist; it cannot be changed here"
                )
            out.pop(key, None)
            if ours:
                out[key] = ours
    return out
