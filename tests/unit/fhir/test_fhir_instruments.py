"""FHIR R4 export of instruments and scored responses: validation and round trips."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from painpath.adapters.fhir.instruments import (
    LOINC,
    ORDINAL_VALUE_URL,
    SCORE_SYSTEM,
    answers_from_response,
    export_response,
    not_applicable_from_response,
    scores_from_observations,
    to_questionnaire,
)
from painpath.adapters.instrument_catalogue import get_instrument, load_catalogue
from painpath.domain.errors import InvalidAnswers
from painpath.domain.outcomes.instruments import Instrument, score

IDS = sorted(load_catalogue())
WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


def _some_answers(instrument: Instrument) -> list[int | None]:
    """A varied valid form: the option in the middle of each item, first item left empty."""
    answers: list[int | None] = [
        item.values[(n * 7) % len(item.values)] for n, item in enumerate(instrument.items)
    ]
    spec = instrument.total or instrument.scores[0]
    if spec.missing.max_missing >= 1:
        answers[spec.items[0] - 1] = None
    return answers


@pytest.mark.parametrize("instrument_id", IDS)
def test_questionnaire_round_trip_keeps_option_scores(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    parsed = Questionnaire.model_validate_json(to_questionnaire(instrument).model_dump_json())
    assert parsed.item is not None and len(parsed.item) == len(instrument.items)
    for fhir_item, item in zip(parsed.item, instrument.items, strict=True):
        assert fhir_item.linkId == item.link_id and fhir_item.type == "choice"
        options = fhir_item.answerOption or []
        got = [
            (int(o.valueCoding.code), o.valueCoding.display, float(o.extension[0].valueDecimal))
            for o in options
            if o.valueCoding is not None and o.extension
        ]
        assert got == [(o.value, o.label, o.score) for o in item.options]
        assert all(o.extension and o.extension[0].url == ORDINAL_VALUE_URL for o in options)


@pytest.mark.parametrize("instrument_id", IDS)
def test_response_round_trip_same_answers_and_scores(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    answers = _some_answers(instrument)
    result = score(instrument, answers)
    exported = export_response(
        instrument, answers, result, patient_reference="Patient/p1", authored=WHEN, response_id="r1"
    )
    qr = QuestionnaireResponse.model_validate_json(
        exported.questionnaire_response.model_dump_json()
    )
    observations = [
        Observation.model_validate_json(o.model_dump_json()) for o in exported.observations
    ]
    assert answers_from_response(instrument, qr) == answers
    assert qr.subject is not None and qr.subject.reference == "Patient/p1"
    expected = {"total": result.total, **result.subscales}
    assert scores_from_observations(observations) == pytest.approx(
        {k: v for k, v in expected.items() if v is not None}
    )
    for obs in observations:
        assert (
            obs.derivedFrom is not None
            and obs.derivedFrom[0].reference == "QuestionnaireResponse/r1"
        )


def test_loinc_codes_where_they_exist() -> None:
    odi = get_instrument("odi")
    answers: list[int | None] = [1] * 10
    exp = export_response(
        odi, answers, score(odi, answers), patient_reference="Patient/1", authored=date(2026, 1, 5),
        response_id="x",
    )  # fmt: skip
    codings = exp.observations[0].code.coding or []
    assert [(c.system, c.code) for c in codings] == [
        (LOINC, "97909-6"),
        (SCORE_SYSTEM, "odi.total"),
    ]
    assert exp.observations[0].interpretation is not None
    q = to_questionnaire(odi)
    assert q.code is not None and q.code[0].code == "97908-8"
    phq = to_questionnaire(get_instrument("phq-4"))
    assert phq.item is not None and phq.item[0].code is not None
    assert phq.item[0].code[0].code == "69725-0"
    assert q.copyright and "Fairbank" in q.copyright
    # The shipped PHQ-4 carries its published text and Pfizer's line, not a topic summary.
    assert phq.item[0].text == "Feeling nervous, anxious or on edge"
    assert phq.copyright and phq.copyright.startswith("Copyright © Pfizer Inc.")


def test_invalid_scores_produce_no_observation() -> None:
    qd = get_instrument("quickdash")
    answers: list[int | None] = [1] * 9 + [None, None]
    exp = export_response(
        qd,
        answers,
        score(qd, answers),
        patient_reference="Patient/1",
        authored=WHEN,
        response_id="y",
    )
    assert exp.observations == ()
    assert len(exp.questionnaire_response.item or []) == 9


def test_psfs_variable_length_round_trip() -> None:
    psfs = get_instrument("psfs")
    answers: list[int | None] = [3, 5, 8]
    exp = export_response(
        psfs, answers, score(psfs, answers), patient_reference="Patient/1", authored=WHEN,
        response_id="z",
    )  # fmt: skip
    assert answers_from_response(psfs, exp.questionnaire_response) == answers


def test_response_with_bad_answers_is_refused() -> None:
    nprs = get_instrument("nprs")
    base = {"resourceType": "QuestionnaireResponse", "status": "completed"}
    bad_code = QuestionnaireResponse.model_validate(
        {**base, "item": [{"linkId": "nprs-1", "answer": [{"valueCoding": {"code": "ten"}}]}]}
    )
    with pytest.raises(InvalidAnswers, match="not a number"):
        answers_from_response(nprs, bad_code)
    no_coding = QuestionnaireResponse.model_validate(
        {**base, "item": [{"linkId": "nprs-1", "answer": [{"valueInteger": 3}]}]}
    )
    with pytest.raises(InvalidAnswers, match="no coded answer"):
        answers_from_response(nprs, no_coding)
    out_of_range = QuestionnaireResponse.model_validate(
        {**base, "item": [{"linkId": "nprs-1", "answer": [{"valueCoding": {"code": "11"}}]}]}
    )
    with pytest.raises(InvalidAnswers, match="allowed 0 to 10"):
        answers_from_response(nprs, out_of_range)


def test_zero_scores_survive_the_round_trip() -> None:
    nprs = get_instrument("nprs")
    exp = export_response(
        nprs, [0], score(nprs, [0]), patient_reference="Patient/1", authored=WHEN, response_id="n"
    )
    observations = [Observation.model_validate_json(o.model_dump_json()) for o in exp.observations]
    assert scores_from_observations(observations) == {"total": 0.0}


def test_not_applicable_is_marked_with_data_absent_reason_and_reads_back() -> None:
    odi = get_instrument("odi")
    answers: list[int | None] = [2, 2, 2, 2, 2, 2, 2, None, 1, 1]
    result = score(odi, answers, not_applicable=[8])
    exported = export_response(
        odi, answers, result, patient_reference="Patient/p1", authored=WHEN, response_id="r8"
    )
    qr = QuestionnaireResponse.model_validate_json(
        exported.questionnaire_response.model_dump_json()
    )
    [entry] = [i for i in qr.item or [] if i.linkId == "odi-8"]
    assert entry.answer is not None and entry.answer[0].valueCoding is not None
    assert entry.answer[0].valueCoding.code == "not-applicable"
    assert answers_from_response(odi, qr) == answers
    assert not_applicable_from_response(odi, qr) == (8,)
    assert scores_from_observations(list(exported.observations))["total"] == pytest.approx(
        16 / 45 * 100
    )
