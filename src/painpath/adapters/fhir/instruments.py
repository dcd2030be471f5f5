"""Instruments and scored responses as FHIR R4 resources (``fhir.resources.R4B`` models).

* ``to_questionnaire``: each item a ``choice`` question; every answer option carries its item
  score in the core ``ordinalValue`` extension (R4; SDC calls the same idea ``itemWeight``).
* ``to_questionnaire_response`` / ``to_observations``: one QuestionnaireResponse per completed
  form plus one Observation per computed total and subscale, LOINC-coded where a code exists,
  otherwise coded in the PainPath code system. Scores stay unrounded.
* ``answers_from_response`` / ``scores_from_observations`` read them back (round trip).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from painpath.domain.errors import InvalidAnswers
from painpath.domain.outcomes.instruments import (
    Instrument,
    ScoreResult,
    ScoreSpec,
    validate_answers,
)

__all__ = [
    "ORDINAL_VALUE_URL",
    "PAINPATH_BASE",
    "ResponseExport",
    "answers_from_response",
    "export_response",
    "not_applicable_from_response",
    "questionnaire_url",
    "scores_from_observations",
    "to_observations",
    "to_questionnaire",
    "to_questionnaire_response",
]

PAINPATH_BASE = "https://painpath.example.org/fhir"
ORDINAL_VALUE_URL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
LOINC = "http://loinc.org"
SCORE_SYSTEM = f"{PAINPATH_BASE}/CodeSystem/instrument-scores"
BAND_SYSTEM = f"{PAINPATH_BASE}/CodeSystem/instrument-bands"
_SURVEY = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey",
        }
    ]
}


def questionnaire_url(instrument: Instrument) -> str:
    return f"{PAINPATH_BASE}/Questionnaire/{instrument.id}"


def _answer_system(instrument: Instrument) -> str:
    return f"{PAINPATH_BASE}/CodeSystem/{instrument.id}-answers"


def _item(instrument: Instrument, index: int) -> dict[str, Any]:
    item = instrument.items[index]
    entry: dict[str, Any] = {
        "linkId": item.link_id,
        "prefix": str(item.number),
        # Licensed wording only where allowed; otherwise our own topic label.
        "text": item.text if instrument.item_text_allowed and item.text else item.label,
        "type": "choice",
        "required": item.number <= instrument.fewest_answers,
        "answerOption": [
            {
                "extension": [{"url": ORDINAL_VALUE_URL, "valueDecimal": option.score}],
                "valueCoding": {
                    "system": _answer_system(instrument),
                    "code": str(option.value),
                    "display": option.label,
                },
            }
            for option in item.options
        ],
    }
    if item.loinc:
        entry["code"] = [{"system": LOINC, "code": item.loinc}]
    return entry


DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
_NA = {"system": DATA_ABSENT_REASON, "code": "not-applicable", "display": "Not Applicable"}


def _copyright(instrument: Instrument) -> str:
    licence = instrument.licence
    if licence is None:
        return instrument.licence_note
    if instrument.ships_published_wording and instrument.published is not None:
        return instrument.published.attribution
    return f"Copyright holder: {licence.holder}. {licence.note}"


def to_questionnaire(instrument: Instrument) -> Questionnaire:
    """The instrument as a Questionnaire; the licence note goes into ``copyright``."""
    data: dict[str, Any] = {
        "id": instrument.id,
        "url": questionnaire_url(instrument),
        "name": instrument.id.replace("-", "_").upper(),
        "title": instrument.name,
        "status": "active",
        "description": instrument.description or instrument.name,
        "copyright": _copyright(instrument),
        "item": [_item(instrument, i) for i in range(len(instrument.items))],
    }
    if instrument.loinc_panel:
        data["code"] = [{"system": LOINC, "code": instrument.loinc_panel}]
    return Questionnaire.model_validate(data)


def _when(authored: datetime | date) -> str:
    return authored.isoformat()


def to_questionnaire_response(
    instrument: Instrument,
    answers: Sequence[int | None],
    *,
    patient_reference: str,
    authored: datetime | date,
    response_id: str,
    not_applicable: Sequence[int] = (),
) -> QuestionnaireResponse:
    """Answered items only (FHIR has no empty answers); missing items are simply absent. An
    item marked "not applicable" carries the data-absent-reason code ``not-applicable``."""
    validate_answers(instrument, answers, not_applicable=not_applicable)
    items = []
    for item, value in zip(instrument.items, answers, strict=False):
        if item.number in not_applicable:
            items.append(
                {"linkId": item.link_id, "text": item.label, "answer": [{"valueCoding": _NA}]}
            )
            continue
        option = item.option_for(value) if value is not None else None
        if option is None:
            continue
        coding = {"system": _answer_system(instrument), "code": str(value), "display": option.label}
        items.append(
            {"linkId": item.link_id, "text": item.label, "answer": [{"valueCoding": coding}]}
        )
    data: dict[str, Any] = {
        "id": response_id,
        "questionnaire": questionnaire_url(instrument),
        "status": "completed",
        "subject": {"reference": patient_reference},
        "authored": _when(authored),
        "item": items,
    }
    return QuestionnaireResponse.model_validate(data)


def _code(instrument: Instrument, spec: ScoreSpec) -> dict[str, Any]:
    codings = []
    if spec.loinc:
        codings.append({"system": LOINC, "code": spec.loinc, "display": spec.label})
    codings.append(
        {"system": SCORE_SYSTEM, "code": f"{instrument.id}.{spec.name}", "display": spec.label}
    )
    return {"coding": codings, "text": f"{instrument.name}: {spec.label}"}


def to_observations(
    instrument: Instrument,
    result: ScoreResult,
    *,
    patient_reference: str,
    authored: datetime | date,
    response_id: str,
) -> list[Observation]:
    """One Observation per computed score (total first, then subscales)."""
    values = {"total": result.total, **dict(result.subscales)}
    observations = []
    for spec in instrument.scores:
        value = values.get(spec.name)
        if value is None:
            continue
        data: dict[str, Any] = {
            "id": f"{response_id}-{spec.name.replace('_', '-')}",
            "status": "final",
            "category": [_SURVEY],
            "code": _code(instrument, spec),
            "subject": {"reference": patient_reference},
            "effectiveDateTime": _when(authored),
            "valueQuantity": {
                "value": value,
                "unit": spec.unit.strip("{}"),
                "system": "http://unitsofmeasure.org",
                "code": spec.unit,
            },
            "derivedFrom": [{"reference": f"QuestionnaireResponse/{response_id}"}],
        }
        if spec.name == instrument.band_score and result.band is not None:
            data["interpretation"] = [{"coding": [{"system": BAND_SYSTEM, "code": result.band}]}]
        observations.append(Observation.model_validate(data))
    return observations


@dataclass(frozen=True, slots=True)
class ResponseExport:
    questionnaire_response: QuestionnaireResponse
    observations: tuple[Observation, ...]


def export_response(
    instrument: Instrument,
    answers: Sequence[int | None],
    result: ScoreResult,
    *,
    patient_reference: str,
    authored: datetime | date,
    response_id: str,
) -> ResponseExport:
    """QuestionnaireResponse plus its score Observations, linked by ``derivedFrom``."""
    common: dict[str, Any] = {
        "patient_reference": patient_reference,
        "authored": authored,
        "response_id": response_id,
    }
    return ResponseExport(
        questionnaire_response=to_questionnaire_response(
            instrument, answers, not_applicable=result.not_applicable, **common
        ),
        observations=tuple(to_observations(instrument, result, **common)),
    )


def answers_from_response(
    instrument: Instrument, response: QuestionnaireResponse
) -> list[int | None]:
    """The answers in item order (None for absent items), checked against the instrument.

    For instruments with a variable number of items (PSFS), trailing absent items are dropped.
    """
    by_link: dict[str, int] = {}
    for entry in response.item or []:
        coding = entry.answer[0].valueCoding if entry.answer else None
        if coding is None or coding.code is None or entry.linkId is None:
            raise InvalidAnswers(f"{instrument.id}: item {entry.linkId} has no coded answer")
        if coding.system == DATA_ABSENT_REASON:
            continue  # "not applicable": no answer (not_applicable_from_response names it)
        try:
            by_link[entry.linkId] = int(coding.code)
        except ValueError:
            raise InvalidAnswers(
                f"{instrument.id}: answer code {coding.code!r} is not a number"
            ) from None
    answers: list[int | None] = [by_link.get(item.link_id) for item in instrument.items]
    while len(answers) > instrument.fewest_answers and answers[-1] is None:
        answers.pop()
    validate_answers(instrument, answers)
    return answers


def not_applicable_from_response(
    instrument: Instrument, response: QuestionnaireResponse
) -> tuple[int, ...]:
    """Item numbers the response marks "not applicable" (data-absent-reason)."""
    numbers = {item.link_id: item.number for item in instrument.items}
    marked = []
    for entry in response.item or []:
        coding = entry.answer[0].valueCoding if entry.answer else None
        if coding is not None and coding.system == DATA_ABSENT_REASON and entry.linkId in numbers:
            marked.append(numbers[entry.linkId])
    return tuple(sorted(marked))


def scores_from_observations(observations: Sequence[Observation]) -> dict[str, float]:
    """Score name -> value, read from the PainPath coding of each Observation."""
    scores: dict[str, float] = {}
    for obs in observations:
        for coding in obs.code.coding or []:
            quantity = obs.valueQuantity
            if (
                coding.system == SCORE_SYSTEM
                and coding.code
                and quantity
                and quantity.value is not None
            ):
                scores[coding.code.split(".", 1)[1]] = float(quantity.value)
    return scores
