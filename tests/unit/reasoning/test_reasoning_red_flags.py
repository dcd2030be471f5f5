"""Red flags in context: the rule table, single answers, combinations with age and history,
examination signs, boundaries, unanswered critical questions, and the never-a-plan property."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reasoning_helpers import intake, lessons, library, picture
from tests.readability import fk_grade

from painpath.adapters.knowledge import load_evidence
from painpath.domain.assessment.intake import Examination, examination_from_mapping
from painpath.domain.assessment.reasoning import evaluate_case, screen
from painpath.domain.assessment.red_flags import CONTEXT_FACTS
from painpath.domain.assessment.screening import (
    CRITICAL_QUESTIONS,
    EXAM_SIGNS,
    RED_FLAG_QUESTIONS,
    RED_FLAG_RULES,
    RedFlagCondition,
    RedFlagRule,
    Urgency,
    context_facts,
    evaluate_red_flags,
)
from painpath.domain.errors import InvalidCase, SafetyBlock
from painpath.domain.planning import build_plan, referral_note
from painpath.domain.types import Region
from strategies_reasoning import intakes

E, U, S, N = Urgency.EMERGENCY, Urgency.URGENT, Urgency.SOON, Urgency.NONE
C = RedFlagCondition
QUESTION_IDS = {q.id for q in RED_FLAG_QUESTIONS}
SIGN_IDS = {s.id for s in EXAM_SIGNS}


def _all_no() -> dict[str, bool]:
    return dict.fromkeys(QUESTION_IDS, False)


def spine_intake(**overrides: Any) -> Any:
    """A 45-year-old with 6 weeks of low back pain, every safety question answered no."""
    raw: dict[str, Any] = {
        "age": 45,
        "pain_sites": [{"region": "low_back", "primary": True}],
        "duration_weeks": 6,
        "red_flags": _all_no(),
    }
    answers = overrides.pop("yes", ())
    raw.update(overrides)
    raw["red_flags"] = {**raw["red_flags"], **dict.fromkeys(answers, True)}
    return intake(**raw)


def urgency_of(i: Any, signs: dict[str, bool] | None = None) -> Urgency:
    return screen(i, Examination(red_flag_signs=signs or {})).urgency


# ---------------------------------------------------------------- the table itself


def test_catalogue_is_consistent() -> None:
    ids = [q.id for q in RED_FLAG_QUESTIONS]
    assert len(ids) == len(set(ids)) and all(q.text.endswith("?") for q in RED_FLAG_QUESTIONS)
    known = QUESTION_IDS | SIGN_IDS | set(CONTEXT_FACTS)
    rule_ids = [r.id for r in RED_FLAG_RULES]
    assert len(rule_ids) == len(set(rule_ids))
    for rule in RED_FLAG_RULES:
        assert set(rule.facts) <= known, rule.id
        assert 0 <= rule.min_any <= len(rule.any_of), rule.id
        assert rule.description and rule.referral and rule.safety_net and rule.evidence
    used = {f for r in RED_FLAG_RULES for f in r.facts}
    assert used >= QUESTION_IDS | SIGN_IDS  # every question and sign feeds some rule
    assert {r.condition for r in RED_FLAG_RULES} == set(RedFlagCondition)


def test_every_rule_cites_resolving_evidence() -> None:
    catalogue = load_evidence()
    assert catalogue.unresolved(k for r in RED_FLAG_RULES for k in r.evidence) == []


def test_blocking_rules_need_an_answer_or_sign() -> None:
    """Context alone (age, region) never blocks: a person must report or show something."""
    for rule in RED_FLAG_RULES:
        if rule.urgency >= Urgency.URGENT:
            context_only = len(set(rule.any_of) & set(CONTEXT_FACTS))
            assert set(rule.all_of) & (QUESTION_IDS | SIGN_IDS) or (context_only < rule.min_any), (
                rule.id
            )


@pytest.mark.parametrize("rule", RED_FLAG_RULES, ids=lambda r: r.id)
def test_safety_net_is_plain_and_says_where_to_go(rule: RedFlagRule) -> None:
    text = rule.safety_net.lower()
    for word in ("cauda", "equina", "metasta", "myelopathy", "radicul", "mscc", "spondyl"):
        assert word not in text, (rule.id, word)
    if rule.urgency >= Urgency.URGENT:
        assert "emergency department" in text or "ambulance" in text, rule.id
    assert fk_grade(rule.safety_net) <= 8, rule.safety_net  # reading grade 8, as elsewhere


# ---------------------------------------------------------------- single answers


@pytest.mark.parametrize(
    ("answer", "condition", "urgency"),
    [
        ("ces_bladder", C.CAUDA_EQUINA, E),
        ("ces_bowel", C.CAUDA_EQUINA, E),
        ("ces_saddle_numbness", C.CAUDA_EQUINA, E),
        ("ces_sexual_dysfunction", C.CAUDA_EQUINA, E),
        ("ces_bilateral_leg_symptoms", C.CAUDA_EQUINA, E),
        ("progressive_leg_weakness", C.PROGRESSIVE_DEFICIT, U),
        ("gait_disturbance_clumsy_hands", C.CORD_COMPRESSION, U),
        ("major_trauma", C.FRACTURE, U),
        ("minor_trauma_osteoporosis", C.FRACTURE, S),
        ("prolonged_steroids", C.FRACTURE, S),
        ("cancer_history", C.CANCER, S),
        ("unexplained_weight_loss", C.CANCER, S),
        ("constant_progressive_night_pain", C.CANCER, S),
        ("fever_with_spinal_pain", C.INFECTION, U),
        ("immunosuppression_or_iv_drugs", C.INFECTION, S),
        ("recent_infection", C.INFECTION, S),
        ("pulsatile_abdominal_mass", C.VASCULAR, E),
        ("cervical_arterial_signs", C.VASCULAR, E),
        ("sudden_severe_headache", C.VASCULAR, E),
    ],
)
def test_single_answer(answer: str, condition: RedFlagCondition, urgency: Urgency) -> None:
    s = screen(spine_intake(yes=[answer]), Examination())
    assert [(f.condition, f.urgency) for f in s.red_flags] == [(condition, urgency)]
    assert s.urgency is urgency and answer in s.red_flags[0].triggered_by
    flag = s.red_flags[0]
    assert flag.referral and flag.safety_net and flag.findings[0].startswith("answered yes: ")


@pytest.mark.parametrize(
    "answer",
    ["pain_worse_straining", *(q.id for q in RED_FLAG_QUESTIONS if q.id.startswith("ibp"))],
)
def test_answers_that_count_only_in_combination(answer: str) -> None:
    assert screen(spine_intake(yes=[answer]), Examination()).red_flags == ()


def test_no_answers_no_flags_and_critical_missing() -> None:
    s = evaluate_red_flags({})
    assert s.urgency is N and not s.red_flags and not s.blocks_planning
    assert len(s.unanswered) == len(RED_FLAG_QUESTIONS)
    assert s.missing_critical == CRITICAL_QUESTIONS and s.blocks_signing


def test_all_no_raises_nothing_and_misses_nothing() -> None:
    s = screen(spine_intake(age=80, duration_weeks=50), Examination())
    assert s.urgency is N and s.unanswered == () and s.missing_critical == ()
    assert not s.blocks_signing


# ---------------------------------------------------------------- combinations and context


def test_cancer_history_with_thoracic_night_pain_and_weight_loss_over_50_is_urgent() -> None:
    """The combination of the issue: stays "soon" if judged one answer at a time."""
    i = spine_intake(
        age=62,
        pain_sites=[{"region": "thoracic_spine", "primary": True}],
        pattern={"night_pain": True},
        yes=["cancer_history", "unexplained_weight_loss"],
    )
    s = screen(i, Examination())
    cancer = next(f for f in s.red_flags if f.condition is C.CANCER)
    assert cancer.urgency is U and s.blocks_planning
    assert cancer.rules[0] == "cancer.suspected_spinal_metastasis"
    assert {"cancer_history", "spinal_pain", "thoracic_pain", "night_pain"} <= set(
        cancer.triggered_by
    )
    assert "nice_ng234" in cancer.evidence and "24 hours" in cancer.referral
    with pytest.raises(SafetyBlock):
        build_plan(picture(i), library(), lessons(), start_date=date(2026, 12, 1))


def test_cancer_history_without_spinal_pain_stays_soon() -> None:
    i = spine_intake(
        pain_sites=[{"region": "knee", "primary": True}],
        pattern={"night_pain": True},
        yes=["cancer_history"],
    )
    assert urgency_of(i) is S


@pytest.mark.parametrize(
    ("region", "extra", "urgency"),
    [
        ("low_back", {}, S),  # cancer history alone with mechanical low back pain
        ("thoracic_spine", {}, U),
        ("neck", {}, U),
        ("low_back", {"yes": ["pain_worse_straining"]}, U),
        ("low_back", {"yes": ["constant_progressive_night_pain"]}, U),
        ("low_back", {"pattern": {"night_pain": True}}, U),
        ("low_back", {"yes": ["progressive_leg_weakness"]}, E),  # NG234: neurology -> now
    ],
)
def test_cancer_history_in_context(region: str, extra: dict[str, Any], urgency: Urgency) -> None:
    yes = ["cancer_history", *extra.pop("yes", [])]
    i = spine_intake(pain_sites=[{"region": region, "primary": True}], yes=yes, **extra)
    assert urgency_of(i) is urgency


def test_cancer_history_with_percussion_tenderness_is_urgent() -> None:
    i = spine_intake(yes=["cancer_history"])
    assert urgency_of(i) is S
    assert urgency_of(i, {"spinal_percussion_tenderness": True}) is U
    assert urgency_of(i, {"spinal_percussion_tenderness": False}) is S


@pytest.mark.parametrize(("age", "urgency"), [(50, S), (51, U)])
def test_malignancy_cluster_age_boundary_over_50(age: int, urgency: Urgency) -> None:
    """ "Over 50" is exclusive: at 50 the cluster without a cancer history stays soon."""
    i = spine_intake(age=age, pattern={"night_pain": True}, yes=["unexplained_weight_loss"])
    assert urgency_of(i) is urgency


@pytest.mark.parametrize(
    ("age", "yes", "signs", "urgency"),
    [
        (70, ["prolonged_steroids"], {}, S),  # 70 is not over 70: one feature
        (71, ["prolonged_steroids"], {}, U),  # older age + steroids
        (71, [], {}, N),  # age alone is no flag
        (45, ["prolonged_steroids", "minor_trauma_osteoporosis"], {}, U),
        (71, [], {"spinal_percussion_tenderness": True}, U),
        (45, [], {"spinal_percussion_tenderness": True}, N),
    ],
)
def test_fracture_cluster(
    age: int, yes: list[str], signs: dict[str, bool], urgency: Urgency
) -> None:
    assert urgency_of(spine_intake(age=age, yes=yes), signs) is urgency


def test_fracture_cluster_needs_spinal_pain() -> None:
    i = spine_intake(
        age=80, pain_sites=[{"region": "hip", "primary": True}], yes=["prolonged_steroids"]
    )
    assert urgency_of(i) is S


@pytest.mark.parametrize(
    ("yes", "urgency"),
    [
        (["fever_with_spinal_pain"], U),
        (["fever_with_spinal_pain", "immunosuppression_or_iv_drugs"], E),
        (["fever_with_spinal_pain", "recent_infection"], E),
        (["immunosuppression_or_iv_drugs", "recent_infection"], U),
        (["immunosuppression_or_iv_drugs"], S),
    ],
)
def test_infection_combinations(yes: list[str], urgency: Urgency) -> None:
    assert urgency_of(spine_intake(yes=yes)) is urgency


@pytest.mark.parametrize(
    ("yes", "signs", "condition", "urgency"),
    [
        ([], {"saddle_sensation_reduced": True}, C.CAUDA_EQUINA, E),
        ([], {"bilateral_leg_neuro_deficit": True}, C.CAUDA_EQUINA, E),
        ([], {"upper_motor_neuron_signs": True}, C.CORD_COMPRESSION, U),
        (
            ["gait_disturbance_clumsy_hands"],
            {"upper_motor_neuron_signs": True},
            C.CORD_COMPRESSION,
            E,
        ),
    ],
)
def test_examination_signs_raise_flags(
    yes: list[str], signs: dict[str, bool], condition: RedFlagCondition, urgency: Urgency
) -> None:
    s = screen(spine_intake(yes=yes), Examination(red_flag_signs=signs))
    assert [(f.condition, f.urgency) for f in s.red_flags] == [(condition, urgency)]
    assert any(f.startswith("examination: ") for f in s.red_flags[0].findings)


def test_signs_examined_absent_raise_nothing() -> None:
    signs = {s.id: False for s in EXAM_SIGNS}
    assert screen(spine_intake(age=80), Examination(red_flag_signs=signs)).red_flags == ()


_IBP = [q.id for q in RED_FLAG_QUESTIONS if q.id.startswith("ibp")]


@pytest.mark.parametrize(
    ("n", "weeks", "raised"),
    [(3, 52, False), (4, 52, True), (5, 52, True), (5, 11.9, False), (4, 12, True)],
)
def test_inflammatory_back_pain_asas_four_of_five_in_chronic_back_pain(
    n: int, weeks: float, raised: bool
) -> None:
    s = screen(spine_intake(duration_weeks=weeks, yes=_IBP[:n]), Examination())
    assert (C.INFLAMMATORY in {f.condition for f in s.red_flags}) is raised
    assert s.urgency is (S if raised else N)


def test_context_facts_boundaries() -> None:
    f = context_facts(age=50, regions=[Region.LOW_BACK], night_pain=False, duration_weeks=12)
    assert f["age_over_50"] is False and f["chronic_back_pain"] is True
    f = context_facts(age=71, regions=[Region.NECK], night_pain=True, duration_weeks=30)
    assert f["age_over_70"] and f["neck_pain"] and f["spinal_pain"]
    assert f["chronic_back_pain"] is False  # neck pain is not back pain (ASAS)


def test_most_urgent_flag_sets_overall_urgency_and_safety_net_order() -> None:
    s = screen(spine_intake(yes=["prolonged_steroids", "ces_bowel"]), Examination())
    assert s.urgency is E and s.blocks_planning
    assert [f.condition for f in s.red_flags] == [C.CAUDA_EQUINA, C.FRACTURE]
    assert "emergency department now" in s.safety_net[0]


# ---------------------------------------------------------------- critical questions


def test_missing_critical_questions_and_skips() -> None:
    answers = _all_no()
    del answers["ces_bladder"], answers["cancer_history"], answers["recent_infection"]
    i = spine_intake(red_flags=answers)
    s = screen(i, Examination())
    assert set(s.missing_critical) == {"ces_bladder", "cancer_history"}  # recent_infection: not
    skipped = spine_intake(
        red_flags=answers, red_flags_skipped={"ces_bladder": "patient declined to answer"}
    )
    s = screen(skipped, Examination())
    assert s.missing_critical == ("cancer_history",) and s.blocks_signing
    assert s.skipped == {"ces_bladder": "patient declined to answer"}
    conclusion = next(c for c in picture(skipped).conclusions if c.id.endswith("critical"))
    assert "cancer" in conclusion.facts[0]


@pytest.mark.parametrize(
    ("skips", "message"),
    [
        ({"nope": "x y z"}, "unknown question 'nope'"),
        ({"ces_bowel": ""}, "give the reason"),
        ({"ces_bowel": 3}, "give the reason"),
        ({"ces_bladder": "asked already"}, "was answered"),
    ],
)
def test_skips_are_validated(skips: dict[str, Any], message: str) -> None:
    answers = _all_no()
    del answers["ces_bowel"]
    with pytest.raises(InvalidCase, match=message):
        intake(red_flags=answers, red_flags_skipped=skips)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"red_flag_signs": {"babinski": True}}, "unknown sign 'babinski'"),
        ({"red_flag_signs": {"upper_motor_neuron_signs": "yes"}}, "expected true or false"),
        ({"red_flag_signs": ["saddle"]}, "expected a mapping"),
    ],
)
def test_exam_signs_are_validated(raw: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidCase, match=message):
        examination_from_mapping(raw)


def test_exam_signs_parse_and_null_means_not_examined() -> None:
    e = examination_from_mapping(
        {"red_flag_signs": {"saddle_sensation_reduced": False, "upper_motor_neuron_signs": None}}
    )
    assert e.red_flag_signs == {"saddle_sensation_reduced": False}


def test_referral_note_names_findings_and_actions() -> None:
    i = spine_intake(age=75, yes=["prolonged_steroids"])
    p = evaluate_case(
        i,
        Examination(red_flag_signs={"spinal_percussion_tenderness": True}),
        {},
        today=date(2026, 12, 1),
    )
    note = referral_note(p)
    assert "URGENT" in note and "within 24 hours" in note
    assert "percussion" in note and "steroid" in note and "age over 70" in note


# ---------------------------------------------------------------- properties

FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BLOCKING = [r for r in RED_FLAG_RULES if r.urgency >= Urgency.URGENT]


def _satisfy(rule: RedFlagRule, draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, bool]]:
    """Intake overrides and exam signs that make ``rule`` fire (plus nothing else forced)."""
    chosen = list(rule.all_of) + draw(
        st.lists(st.sampled_from(rule.any_of), min_size=rule.min_any, unique=True)
        if rule.any_of
        else st.just([])
    )
    while len(set(chosen) & set(rule.any_of)) < rule.min_any:  # pragma: no cover - safety
        chosen.append(next(f for f in rule.any_of if f not in chosen))
    answers = {f: True for f in chosen if f in QUESTION_IDS}
    signs = {f: True for f in chosen if f in SIGN_IDS}
    over: dict[str, Any] = {"red_flags": answers}
    regions = ["low_back"]
    if "thoracic_pain" in chosen:
        regions.append("thoracic_spine")
    if "neck_pain" in chosen:
        regions.append("neck")
    over["pain_sites"] = [{"region": r} for r in regions]
    over["age"] = 75 if "age_over_70" in chosen else 55 if "age_over_50" in chosen else 40
    over["pattern"] = {"night_pain": "night_pain" in chosen}
    over["duration_weeks"] = 20 if "chronic_back_pain" in chosen else 4
    return over, signs


@st.composite
def guideline_urgent_cases(draw: st.DrawFn) -> tuple[RedFlagRule, Any, Examination]:
    rule = draw(st.sampled_from(BLOCKING))
    over, signs = _satisfy(rule, draw)
    noise = draw(st.dictionaries(st.sampled_from(sorted(QUESTION_IDS)), st.booleans()))
    over["red_flags"] = {**noise, **over["red_flags"]}  # noise never overrides a required yes
    more_signs = draw(st.dictionaries(st.sampled_from(sorted(SIGN_IDS)), st.booleans()))
    return rule, intake(**over), Examination(red_flag_signs={**more_signs, **signs})


@FAST
@given(guideline_urgent_cases())
def test_no_urgent_combination_ever_yields_a_plan(case: tuple[Any, Any, Examination]) -> None:
    rule, i, e = case
    p = evaluate_case(i, e, {}, today=date(2026, 12, 1))
    assert rule.id in {r for f in p.screening.red_flags for r in f.rules}
    assert p.screening.urgency >= rule.urgency and p.screening.blocks_planning
    with pytest.raises(SafetyBlock):
        build_plan(p, library(), lessons(), start_date=date(2026, 12, 1))
    lines = referral_note(p).splitlines()
    assert sum(line.startswith("- Suspected") for line in lines) == len(p.screening.red_flags)


@FAST
@given(
    intakes(),
    st.sampled_from(sorted(QUESTION_IDS | SIGN_IDS)),
    st.dictionaries(st.sampled_from(sorted(SIGN_IDS)), st.booleans()),
)
def test_one_more_yes_never_lowers_urgency(i: Any, fact: str, signs: dict[str, bool]) -> None:
    before = screen(i, Examination(red_flag_signs=signs))
    if fact in QUESTION_IDS:
        i = i.__class__(**{**_fields(i), "red_flag_answers": {**i.red_flag_answers, fact: True}})
    else:
        signs = {**signs, fact: True}
    after = screen(i, Examination(red_flag_signs=signs))
    assert after.urgency >= before.urgency
    assert {f.condition for f in before.red_flags} <= {f.condition for f in after.red_flags}


def _fields(obj: Any) -> dict[str, Any]:
    import dataclasses

    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
