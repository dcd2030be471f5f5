"""Questionnaires in care: assign instruments on a schedule, collect and score responses,
follow each score over time against its MCID/MDC, and export everything as FHIR.

A response is an append-only RESPONSE record whose payload other features read (progress,
reports), so its schema is fixed::

    {"instrument": id, "answers": [...], "valid": bool, "total": float|None,
     "subscales": {...}, "band": str|None, "missing": [...], "messages": [...],
     "completed_on": "YYYY-MM-DD", "entered_by_role": "patient"|"clinician",
     "not_applicable": [...]}   # item numbers marked "not applicable" (absent in old records)

The PSFS activities the patient named go into the record's ``meta`` (``{"activities": [...]}``)
so the payload schema stays the same for every instrument; so does the wording a patient
answered online (``{"wording": {"version", "licence_reference", "placeholder"}}``: the pack, or
the published text; absent for a paper form entered by the clinician). A correction is a new
version with a reason; a mistake is voided with a reason; nothing is overwritten.
"""

from __future__ import annotations

from painpath.services.questionnaires._common import (
    CATALOGUE_WORDING,
    EARLY_DAYS,
    GRACE_DAYS,
    GROUPS,
    SCHEDULE_PRESETS,
    DueItem,
    HistoryPoint,
    IncompleteAnswers,
    InstrumentHistory,
    QuestionnaireForm,
    ResponseView,
    catalogue_by_group,
    group_of,
)
from painpath.services.questionnaires.catalogue import (
    catalogue_instrument,
    describe_instrument,
    list_instruments,
)
from painpath.services.questionnaires.fhir import export_fhir_bundle
from painpath.services.questionnaires.history import response_history
from painpath.services.questionnaires.responses import (
    check_answers,
    correct_response,
    list_responses,
    questionnaire_form,
    submit_response,
    void_response,
)
from painpath.services.questionnaires.schedule import (
    assign_instruments,
    due_items,
    due_questionnaires,
)
from painpath.services.questionnaires.wording import (
    ClinicWording,
    InstalledPack,
    clinic_wording,
    install_clinic_wording_pack,
    install_wording_pack,
    list_wording_packs,
    parse_pack_text,
    remove_clinic_wording_pack,
    remove_wording_pack,
)

__all__ = [
    "CATALOGUE_WORDING",
    "EARLY_DAYS",
    "GRACE_DAYS",
    "GROUPS",
    "SCHEDULE_PRESETS",
    "ClinicWording",
    "DueItem",
    "HistoryPoint",
    "IncompleteAnswers",
    "InstalledPack",
    "InstrumentHistory",
    "QuestionnaireForm",
    "ResponseView",
    "assign_instruments",
    "catalogue_by_group",
    "catalogue_instrument",
    "check_answers",
    "clinic_wording",
    "correct_response",
    "describe_instrument",
    "due_items",
    "due_questionnaires",
    "export_fhir_bundle",
    "group_of",
    "install_clinic_wording_pack",
    "install_wording_pack",
    "list_instruments",
    "list_responses",
    "list_wording_packs",
    "parse_pack_text",
    "questionnaire_form",
    "remove_clinic_wording_pack",
    "remove_wording_pack",
    "response_history",
    "submit_response",
    "void_response",
]
