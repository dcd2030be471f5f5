"""Who edits which part of the intake: a save from a form that shows only some fields, or
from the patient, must not drop what others recorded.

* ``CLINICIAN_ONLY_INTAKE_FIELDS``: recorded by the clinician (the reason a safety question was
  not asked); a patient's save keeps the clinician's value and may not change it.
* ``merge_intake_edit``: the stored intake with the submitted fields laid over it. Fields a form
  does not manage (``managed``) are kept from the stored version; a skip reason is dropped
  once its question is answered (the answer replaces it).
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from typing import Any

from painpath.domain.errors import InvalidCase

__all__ = ["CLINICIAN_ONLY_INTAKE_FIELDS", "merge_intake_edit"]

CLINICIAN_ONLY_INTAKE_FIELDS: frozenset[str] = frozenset({"red_flags_skipped"})


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
    kept = {k: v for k, v in old.items() if managed is not None and k not in managed}
    out: dict[str, Any] = {**kept, **submitted}
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
