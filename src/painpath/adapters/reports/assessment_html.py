"""The assessment as plain data (for ``--json``) and as a self-contained, escaped HTML report.

No template engine is needed: the report is small, and every value passes ``html.escape``.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Mapping
from datetime import date, datetime
from enum import Enum, IntEnum
from typing import Any

from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning import Plan

__all__ = ["assessment_to_dict", "render_assessment_html", "to_data"]


def to_data(value: Any) -> Any:
    """Dataclasses, enums, dates and mappings -> JSON-ready data (IntEnums by name)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, IntEnum):
        return value.name.lower()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(to_data(k)): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_data(v) for v in value]
    return value


def _picture(p: ClinicalPicture) -> dict[str, Any]:
    data = to_data(p)
    data["screening"]["blocks_planning"] = p.screening.blocks_planning
    data["mechanism"]["mechanisms"] = list(p.mechanism.mechanisms)
    data["fear_high"] = p.fear_high
    data["to_examine"] = list(p.to_examine)
    return dict(data)


def assessment_to_dict(
    picture: ClinicalPicture, plan: Plan | None, referral: str | None
) -> dict[str, Any]:
    return {
        "picture": _picture(picture),
        "plan": None if plan is None else to_data(plan),
        "referral": referral,
    }


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


_CSS = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
line-height:1.45;color:#1a1a1a}h1,h2{line-height:1.2}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top;text-align:left}
.urgent{background:#fde2e2;border:2px solid #b00020;padding:1rem}.small{font-size:.85em;color:#555}
.kind{font-variant:small-caps;color:#555}pre{white-space:pre-wrap}"""


def _conclusions(p: ClinicalPicture) -> str:
    rows = "".join(
        f"<tr><td>{_e(c.statement)}</td><td class='small'>{_e('; '.join(c.facts))}</td>"
        f"<td class='small'>{_e(c.rule_id)}<br>{_e(', '.join(c.evidence))}</td></tr>"
        for c in p.conclusions
    )
    return (
        "<h2>Clinical picture</h2><table><tr><th>Conclusion</th><th>Facts used</th>"
        f"<th>Rule / evidence</th></tr>{rows}</table>"
    )


def _plan(plan: Plan) -> str:
    rows = "".join(
        f"<tr><td class='kind'>{_e(i.kind.value.replace('_', ' '))}</td>"
        f"<td><strong>{_e(i.title)}</strong><br>{_e(i.details)}"
        + (f"<br><span class='small'>due {_e(i.due.isoformat())}</span>" if i.due else "")
        + f"</td><td class='small'>{_e('; '.join(i.triggered_by))}</td>"
        f"<td class='small'>{_e(i.rule_id)}<br>{_e(', '.join(i.evidence))}</td></tr>"
        for i in plan.items
    )
    signed = f"signed by {_e(plan.signed_by)}" if plan.signed_by else "not yet signed"
    return (
        f"<h2>Plan (version {plan.version}, from {_e(plan.start_date.isoformat())}, "
        f"irritability {_e(plan.irritability.value)}, {signed})</h2>"
        "<table><tr><th>Kind</th><th>Item</th><th>Triggered by</th><th>Rule / evidence</th></tr>"
        f"{rows}</table>"
    )


def render_assessment_html(
    picture: ClinicalPicture, plan: Plan | None, referral: str | None, *, title: str = ""
) -> str:
    """One self-contained HTML page (inline CSS, no scripts, no external resources)."""
    heading = title or "PainPath assessment"
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{_e(heading)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{_e(heading)}</h1>",
        f"<p class='small'>Assessed on {_e(picture.assessed_on.isoformat())}. Overall red-flag "
        f"urgency: <strong>{_e(picture.screening.urgency.label)}</strong>.</p>",
    ]
    if referral:
        cls = "urgent" if picture.screening.blocks_planning else ""
        parts.append(f"<section class='{cls}'><h2>Referral</h2><pre>{_e(referral)}</pre></section>")
    if picture.screening.safety_net:
        items = "".join(f"<li>{_e(m)}</li>" for m in picture.screening.safety_net)
        parts.append(f"<h2>Tell the patient (safety net)</h2><ul>{items}</ul>")
    parts.append(_conclusions(picture))
    if picture.to_examine:
        items = "".join(f"<li>{_e(x)}</li>" for x in picture.to_examine)
        parts.append(f"<h2>Examine next</h2><ul>{items}</ul>")
    parts.append(_plan(plan) if plan else "<h2>Plan</h2><p>No plan: see the referral.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
