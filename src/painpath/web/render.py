"""Rendering helpers and the registries that let features add chart tabs and patient pages."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from painpath.domain.accounts import Patient
from painpath.web.security import RequestContext

__all__ = ["CHART_TABS", "ChartTab", "chart_tab", "redirect", "render"]


def render(
    request: Request,
    rc: RequestContext | None,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    templates = request.app.state.templates
    data = {"rc": rc, "actor": rc.actor if rc else None, "csrf_token": rc.csrf_token if rc else ""}
    data.update(context or {})
    response: HTMLResponse = templates.TemplateResponse(
        request, template, data, status_code=status_code
    )
    return response


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


TabRenderer = Callable[[Request, RequestContext, Patient], tuple[str, Mapping[str, Any]]]


@dataclass(frozen=True)
class ChartTab:
    """A tab of the clinician's patient chart. ``render`` returns (template, context)."""

    id: str
    label: str
    order: int
    render: TabRenderer


CHART_TABS: dict[str, ChartTab] = {}


def chart_tab(tab_id: str, label: str, *, order: int) -> Callable[[TabRenderer], TabRenderer]:
    def register(fn: TabRenderer) -> TabRenderer:
        CHART_TABS[tab_id] = ChartTab(tab_id, label, order, fn)
        return fn

    return register


def ordered_tabs() -> list[ChartTab]:
    return sorted(CHART_TABS.values(), key=lambda t: t.order)


@dataclass(frozen=True)
class HomeCard:
    """A card on the patient's home page (check-in, questionnaires, program, lessons ...)."""

    title: str
    text: str
    href: str
    action: str
    order: int = 50
    highlight: bool = False


HomeCardSource = Callable[[RequestContext, Patient], list[HomeCard]]
PATIENT_HOME_CARDS: list[HomeCardSource] = []
