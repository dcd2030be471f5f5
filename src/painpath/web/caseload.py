"""The caseload rows: patients with their summary columns and alert badges.

Columns (last check-in, adherence, pain and function trends, next review, alerts) come from the
read model (``services/caseload.py``), sorted and filtered in SQL. Features contribute extra
badges through ``CASELOAD_BADGES`` (a function of the service context and the patients on
screen, one query each), so the caseload grows with the product without edits here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from painpath.domain.accounts import Patient
from painpath.domain.caseload import (
    PAIN_CHANGE_POINTS,
    CaseloadFilter,
    CaseloadSort,
    PatientSummary,
)
from painpath.domain.errors import InvalidInput
from painpath.services.caseload import caseload
from painpath.services.context import ServiceContext

__all__ = [
    "ALERT_LABELS",
    "CASELOAD_BADGES",
    "Badge",
    "CaseloadRow",
    "caseload_rows",
    "parse_caseload_query",
    "sort_links",
]

ALERT_LABELS = {
    "red_flag": "Red flag",
    "worsening": "Worse",
    "depression_screen": "Low mood screen",
    "anxiety_screen": "Anxiety screen",
    "repeated_flares": "Repeated flares",
    "missed_checkins": "Missed check-ins",
    "low_adherence": "Talk about barriers",
    "plateau": "Plateau",
}
_FUNCTION_WORDS = {
    "improved": "better",
    "worsened": "worse",
    "within measurement error": "no clear change",
    "no important change": "no clear change",
}
# The choices the filter form offers (the page refuses anything else with a 400).
ADHERENCE_CHOICES = (25, 50, 75)
SILENT_CHOICES = (3, 7, 14)
REVIEW_CHOICES = (0, 7, 14, 30)


@dataclass(frozen=True)
class Badge:
    label: str
    severity: str  # urgent | high | medium | low
    detail: str = ""


@dataclass
class CaseloadRow:
    patient: Patient
    summary: PatientSummary
    today: date
    badges: list[Badge] = field(default_factory=list)

    @property
    def last_checkin(self) -> str:
        last = self.summary.last_checkin
        if last is None:
            return "never"
        days = (self.today - last).days
        return {0: "today", 1: "yesterday"}.get(days, f"{days} days ago")

    @property
    def adherence(self) -> str:
        share = self.summary.adherence_7
        return "—" if share is None else f"{round(share * 100)} %"

    @property
    def adherence_detail(self) -> str:
        share = self.summary.adherence_28
        return "" if share is None else f"last 28 days: {round(share * 100)} %"

    @property
    def pain(self) -> str:
        trend = self.summary.pain_trend
        if trend is None:
            return "—"
        if trend <= -PAIN_CHANGE_POINTS:
            word = "better"
        elif trend >= PAIN_CHANGE_POINTS:
            word = "worse"
        else:
            word = "about the same"
        return f"{word} ({trend:+.1f})"

    @property
    def function(self) -> str:
        trend = self.summary.function_trend
        return "—" if trend is None else _FUNCTION_WORDS.get(trend, trend)

    @property
    def review(self) -> str:
        due = self.summary.next_review
        if due is None:
            return "—"
        return f"{due.isoformat()} (overdue)" if due < self.today else due.isoformat()


@dataclass(frozen=True)
class CaseloadQuery:
    where: CaseloadFilter
    sort: CaseloadSort
    descending: bool

    def as_params(self) -> dict[str, str]:
        w = self.where
        params = {
            "q": w.query,
            "alerts": w.alerts,
            "adherence": "" if w.adherence_below is None else str(round(w.adherence_below * 100)),
            "silent": "" if w.silent_days is None else str(w.silent_days),
            "pain": "worse" if w.pain_worse else "",
            "function": "worse" if w.function_worse else "",
            "review": "" if w.review_within_days is None else str(w.review_within_days),
            "episodes": "" if w.episodes == "active" else w.episodes,
        }
        return params


def _choice(raw: str, choices: Sequence[int], label: str) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or int(raw) not in choices:
        allowed = ", ".join(str(c) for c in choices)
        raise InvalidInput(f"{label} must be one of {allowed}")
    return int(raw)


def parse_caseload_query(params: Mapping[str, str]) -> CaseloadQuery:
    """The caseload's query string as a filter and an order; a bad value is InvalidInput."""
    sort_raw = params.get("sort", "") or CaseloadSort.URGENCY.value
    try:
        sort = CaseloadSort(sort_raw)
    except ValueError:
        raise InvalidInput(f"cannot sort the caseload by {sort_raw[:40]!r}") from None
    order = params.get("order", "") or "asc"
    if order not in ("asc", "desc"):
        raise InvalidInput("order must be asc or desc")
    alerts = params.get("alerts", "")
    if alerts not in ("", "any", "urgent"):
        raise InvalidInput("the alerts filter must be any or urgent")
    for name in ("pain", "function"):
        if params.get(name, "") not in ("", "worse"):
            raise InvalidInput(f"the {name} filter can only be worse")
    adherence = _choice(params.get("adherence", ""), ADHERENCE_CHOICES, "adherence below")
    episodes = params.get("episodes", "") or "active"
    if episodes not in ("active", "discharged", "all"):
        raise InvalidInput("the episodes filter must be active, discharged or all")
    where = CaseloadFilter(
        query=params.get("q", "")[:100],
        alerts=alerts,
        adherence_below=None if adherence is None else adherence / 100,
        silent_days=_choice(params.get("silent", ""), SILENT_CHOICES, "no check-in for"),
        pain_worse=params.get("pain") == "worse",
        function_worse=params.get("function") == "worse",
        review_within_days=_choice(params.get("review", ""), REVIEW_CHOICES, "review due within"),
        episodes=episodes,
    )
    return CaseloadQuery(where, sort, order == "desc")


def sort_links(query: CaseloadQuery) -> dict[str, str]:
    """Per sortable column, the caseload URL sorting by it (the current column flips order)."""
    kept = {k: v for k, v in query.as_params().items() if v}
    links = {}
    for sort in CaseloadSort:
        flip = sort is query.sort and not query.descending
        params = {**kept, "sort": sort.value, "order": "desc" if flip else "asc"}
        links[sort.value] = "/caseload?" + urlencode(params)
    return links


BadgeSource = Callable[[ServiceContext, Sequence[Patient]], dict[str, list[Badge]]]
CASELOAD_BADGES: list[BadgeSource] = []


def caseload_rows(ctx: ServiceContext, query: CaseloadQuery | None = None) -> list[CaseloadRow]:
    query = query or parse_caseload_query({})
    today = ctx.clock.today()
    entries = caseload(ctx, where=query.where, sort=query.sort, descending=query.descending)
    rows = [CaseloadRow(e.patient, e.summary, today) for e in entries]
    for row in rows:
        row.badges.extend(
            Badge(ALERT_LABELS.get(a.code, a.code.replace("_", " ")), a.severity, a.message)
            for a in row.summary.alerts
        )
    by_id = {row.patient.id: row for row in rows}
    patients = [row.patient for row in rows]
    for source in CASELOAD_BADGES:
        for patient_id, badges in source(ctx, patients).items():
            if patient_id in by_id:
                by_id[patient_id].badges.extend(badges)
    return rows
