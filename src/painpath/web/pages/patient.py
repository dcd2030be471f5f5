"""The patient's own pages: home shows only their own record."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.services.patients import get_patient, list_episodes, my_patient_id
from painpath.web.render import PATIENT_HOME_CARDS, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


@add_route(router, "GET", "/me", access=Access.PATIENT_ACCOUNT)
def patient_home(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    patient_id = my_patient_id(rc.ctx)
    patient = get_patient(rc.ctx, patient_id=patient_id)
    episodes = list_episodes(rc.ctx, patient_id=patient_id)
    cards = [card for source in PATIENT_HOME_CARDS for card in source(rc, patient)]
    cards.sort(key=lambda c: (not c.highlight, c.order))
    return render(
        request, rc, "me.html", {"patient": patient, "episodes": episodes, "cards": cards}
    )
