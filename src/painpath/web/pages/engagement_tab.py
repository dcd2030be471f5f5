"""The clinician's "Between visits" tab: the patient's sign-in or invitation, their reminder
settings, and adherence insight (reminders sent, links opened, check-ins that followed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request

from painpath.domain.accounts import Patient
from painpath.services.engagement import adherence_insight, invitation_panel, reminder_settings
from painpath.web.render import chart_tab
from painpath.web.security import RequestContext

_KIND_WORDS = {"checkin": "check-in", "questionnaire": "forms"}


def percent(share: float | None) -> str:
    return "—" if share is None else f"{round(100 * share)} %"


@chart_tab("between", "Between visits", order=70)
def between_visits_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    return "e_chart_between.html", {
        "panel": invitation_panel(rc.ctx, patient_id=patient.id),
        "reminders": reminder_settings(rc.ctx, patient_id=patient.id),
        "adherence": adherence_insight(rc.ctx, patient_id=patient.id),
        "now": rc.ctx.clock.now(),
        "percent": percent,
        "kind_words": _KIND_WORDS,
        "notice": request.query_params.get("notice", "")[:200],
    }
