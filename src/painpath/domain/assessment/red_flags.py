"""Red-flag rules as data: the questions, the examination signs, the context facts drawn from
the history, and the rules that combine them (Finucane 2020: flags weigh more in combination
and in context). ``screening.evaluate_red_flags`` evaluates the table; every rule names its
sources (keys of ``knowledge/evidence.yaml``) and is documented in ``docs/clinical/reasoning.md``.

A *fact* is a yes/no id: a question id (answered by the patient), an examination sign id
(``examination.red_flag_signs``) or a context id computed from the intake (``CONTEXT_FACTS``).
A rule fires when every fact of ``all_of`` is true and at least ``min_any`` facts of ``any_of``
are true. Unknown or unanswered facts never count as true.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum

__all__ = [
    "CONTEXT_FACTS",
    "EXAM_SIGNS",
    "RED_FLAG_QUESTIONS",
    "RED_FLAG_RULES",
    "ExamSign",
    "RedFlagCondition",
    "RedFlagQuestion",
    "RedFlagRule",
    "Urgency",
]


class Urgency(IntEnum):
    """Ordered so that ``max`` gives the overall urgency."""

    NONE = 0
    SOON = 1  # medical review within days (GP / specialist), physiotherapy may go on
    URGENT = 2  # medical assessment within 24 hours; no treatment plan
    EMERGENCY = 3  # emergency department now; no treatment plan

    @property
    def label(self) -> str:
        return self.name.lower()

    @property
    def action(self) -> str:
        return _ACTIONS[self]


_ACTIONS = {
    Urgency.NONE: "no referral needed for red flags",
    Urgency.SOON: "medical review within days",
    Urgency.URGENT: "medical assessment within 24 hours",
    Urgency.EMERGENCY: "emergency assessment now",
}


class RedFlagCondition(StrEnum):
    CAUDA_EQUINA = "cauda_equina"
    CORD_COMPRESSION = "cord_compression"
    PROGRESSIVE_DEFICIT = "progressive_neurological_deficit"
    FRACTURE = "fracture"
    CANCER = "cancer"
    INFECTION = "infection"
    VASCULAR = "vascular"
    INFLAMMATORY = "inflammatory"


@dataclass(frozen=True, slots=True)
class RedFlagQuestion:
    """``text`` is asked of the patient in plain words; ``critical`` questions must be answered
    (or skipped with a reason) before a plan can be signed."""

    id: str
    text: str
    condition: RedFlagCondition
    critical: bool = False


@dataclass(frozen=True, slots=True)
class ExamSign:
    """A sign the clinician examines for; absent = not examined."""

    id: str
    label: str  # clinician wording
    condition: RedFlagCondition


@dataclass(frozen=True, slots=True)
class RedFlagRule:
    id: str
    condition: RedFlagCondition
    urgency: Urgency
    description: str  # what the rule says, clinician wording (shown with the flag)
    referral: str  # what the clinician does, referral wording
    safety_net: str  # for the patient, plain words
    evidence: tuple[str, ...]
    all_of: tuple[str, ...] = ()
    any_of: tuple[str, ...] = ()
    min_any: int = 0

    @property
    def facts(self) -> tuple[str, ...]:
        return (*self.all_of, *self.any_of)


_C = RedFlagCondition
_Q = RedFlagQuestion

RED_FLAG_QUESTIONS: tuple[RedFlagQuestion, ...] = (
    _Q(
        "ces_bladder",
        "Have you recently had trouble passing urine, not felt when your bladder is full, or "
        "leaked urine?",
        _C.CAUDA_EQUINA,
        critical=True,
    ),
    _Q("ces_bowel", "Have you recently lost control of your bowels?", _C.CAUDA_EQUINA, True),
    _Q(
        "ces_saddle_numbness",
        "Is there new numbness or tingling between your legs or around your bottom?",
        _C.CAUDA_EQUINA,
        critical=True,
    ),
    _Q(
        "ces_bilateral_leg_symptoms",
        "Has pain, numbness or weakness spread to both legs?",
        _C.CAUDA_EQUINA,
        critical=True,
    ),
    _Q(
        "ces_sexual_dysfunction",
        "Have you noticed new changes in sexual function or sensation?",
        _C.CAUDA_EQUINA,
        critical=True,
    ),
    _Q(
        "progressive_leg_weakness",
        "Are your legs getting weaker, or has your foot started to drop or slap?",
        _C.PROGRESSIVE_DEFICIT,
        critical=True,
    ),
    _Q(
        "gait_disturbance_clumsy_hands",
        "Has your walking become unsteady or your hands clumsy over recent weeks?",
        _C.CORD_COMPRESSION,
        critical=True,
    ),
    _Q(
        "major_trauma",
        "Did the pain start after a serious accident or a bad fall?",
        _C.FRACTURE,
        critical=True,
    ),
    _Q(
        "minor_trauma_osteoporosis",
        "Did it start after a small fall or strain, and do you have thin bones (osteoporosis)?",
        _C.FRACTURE,
    ),
    _Q("prolonged_steroids", "Have you taken steroid tablets for several months?", _C.FRACTURE),
    _Q("cancer_history", "Have you ever been treated for cancer?", _C.CANCER, critical=True),
    _Q(
        "unexplained_weight_loss",
        "Have you lost weight recently without trying?",
        _C.CANCER,
        critical=True,
    ),
    _Q(
        "constant_progressive_night_pain",
        "Is the pain constant, getting worse, and unchanged by resting or moving, even at night?",
        _C.CANCER,
    ),
    _Q(
        "pain_worse_straining",
        "Is the pain in your back or neck worse when you cough, sneeze or strain on the toilet?",
        _C.CANCER,
    ),
    _Q(
        "fever_with_spinal_pain",
        "Have you had a fever, chills or felt generally unwell along with this pain?",
        _C.INFECTION,
        critical=True,
    ),
    _Q(
        "immunosuppression_or_iv_drugs",
        "Is your immune system weakened (medicines or illness), or have you injected drugs?",
        _C.INFECTION,
    ),
    _Q(
        "recent_infection",
        "Have you had an infection in the last few weeks, or an operation or a jab in your back?",
        _C.INFECTION,
    ),
    _Q(
        "pulsatile_abdominal_mass",
        "Do you feel a throbbing lump in your belly, or a tearing pain in your belly or back?",
        _C.VASCULAR,
    ),
    _Q(
        "cervical_arterial_signs",
        "Since your neck pain began, have you felt dizzy or seen double? Have you had "
        "trouble speaking or swallowing, or sudden falls?",
        _C.VASCULAR,
    ),
    _Q(
        "sudden_severe_headache",
        "Have you had a sudden, very bad headache, unlike any you have had before?",
        _C.VASCULAR,
    ),
    _Q(
        "ibp_onset_before_40",
        "Did this back pain first start before you were 40?",
        _C.INFLAMMATORY,
    ),
    _Q(
        "ibp_insidious_onset",
        "Did the back pain come on slowly, without an injury or strain?",
        _C.INFLAMMATORY,
    ),
    _Q(
        "ibp_improves_with_exercise",
        "Does the back pain get better when you move about or exercise?",
        _C.INFLAMMATORY,
    ),
    _Q(
        "ibp_no_improvement_with_rest",
        "Does the back pain stay the same or get worse when you rest?",
        _C.INFLAMMATORY,
    ),
    _Q(
        "ibp_night_pain_second_half",
        "Does back pain wake you at night, and get better once you get up?",
        _C.INFLAMMATORY,
    ),
)

EXAM_SIGNS: tuple[ExamSign, ...] = (
    ExamSign(
        "saddle_sensation_reduced",
        "reduced or altered sensation in the saddle (perianal, S2-S5) area",
        _C.CAUDA_EQUINA,
    ),
    ExamSign(
        "bilateral_leg_neuro_deficit",
        "neurological deficit (myotomal weakness, reflex or sensory loss) in both legs",
        _C.CAUDA_EQUINA,
    ),
    ExamSign(
        "upper_motor_neuron_signs",
        "upper-motor-neuron signs (Hoffmann, Babinski, clonus, hyperreflexia, spastic gait)",
        _C.CORD_COMPRESSION,
    ),
    ExamSign(
        "spinal_percussion_tenderness",
        "focal tenderness on percussion of a spinous process",
        _C.CANCER,
    ),
)

# Context facts: computed from the intake by ``screening.context_facts`` (the boundaries are
# exclusive where a source says "over": age 50 is not over 50).
CONTEXT_FACTS: dict[str, str] = {
    "age_over_50": "age over 50",
    "age_over_70": "age over 70",
    "spinal_pain": "pain in the neck, thoracic spine, low back or sacrum",
    "thoracic_pain": "pain in the thoracic spine",
    "neck_pain": "pain in the neck",
    "night_pain": "pain at night",
    "chronic_back_pain": "back pain for 12 weeks or longer",
}

_CES = ("finucane2020", "girft_ces2023", "greenhalgh2018")
_MSCC = ("nice_ng234",)
_FRACTURE = ("finucane2020", "henschke2009", "downie2013")
_MALIGNANCY = ("finucane2020", "downie2013")
_INFECTION = ("finucane2020", "uk_red_flag_pathway")
_CORD = ("uk_red_flag_pathway", "finucane2020")

_U = Urgency
_R = RedFlagRule

_ED_NOW = "go to an emergency department now, or call an ambulance. Do not wait for your next "
_CES_NET = (
    "Watch for these signs: numb skin between your legs or around your bottom. Trouble when you "
    "pass urine, or leaks. Leaks from your bowels. Less feeling during sex. Weak legs, both "
    "sides. If you get any of them, " + _ED_NOW + "appointment."
)
_CES_REFERRAL = (
    "Suspected cauda equina syndrome: send to the emergency department now for same-day "
    "MRI and a spinal surgical opinion (national suspected-CES pathway)."
)
_MSCC_NET = (
    "Because you have had cancer, new pain in your back or neck needs checking quickly. If "
    "your legs get weak or numb, walking gets harder, or you have trouble with your bladder or "
    "bowels, " + _ED_NOW + "appointment."
)
_INFECTION_NET = (
    "If you get a fever or shivers, feel very unwell, or your legs get weak or numb, "
    + _ED_NOW
    + "appointment."
)
_FRACTURE_NET = (
    "Your doctor needs to check whether a bone in your back is broken before you start "
    "exercises. If the pain suddenly gets much worse, or your legs get weak or numb, "
    + _ED_NOW
    + "appointment."
)
_SOON_NET = (
    "Please see your doctor in the next few days about this. If you get new weakness or "
    "numbness in your legs, trouble with your bladder or bowels, or feel very unwell, "
    + _ED_NOW
    + "appointment."
)

RED_FLAG_RULES: tuple[RedFlagRule, ...] = (
    # ---------------------------------------------------------------- cauda equina
    *(
        _R(
            f"ces.{fact}",
            _C.CAUDA_EQUINA,
            _U.EMERGENCY,
            f"Cauda equina: {what}.",
            _CES_REFERRAL,
            _CES_NET,
            _CES,
            all_of=(fact,),
        )
        for fact, what in (
            ("ces_bladder", "new bladder disturbance reported"),
            ("ces_bowel", "new bowel incontinence reported"),
            ("ces_saddle_numbness", "new saddle numbness or tingling reported"),
            ("ces_sexual_dysfunction", "new sexual dysfunction reported"),
            ("ces_bilateral_leg_symptoms", "symptoms in both legs (bilateral radicular pain)"),
            ("saddle_sensation_reduced", "reduced saddle sensation on examination"),
            ("bilateral_leg_neuro_deficit", "neurological deficit in both legs on examination"),
        )
    ),
    # ---------------------------------------------------------------- spinal cord
    _R(
        "cord.mscc_neuro",
        _C.CORD_COMPRESSION,
        _U.EMERGENCY,
        "History of cancer with neurological symptoms or signs: suspected metastatic spinal "
        "cord compression (NICE NG234: immediate discussion, MRI within 24 hours).",
        "Suspected metastatic spinal cord compression: contact the acute oncology / MSCC "
        "coordinator or emergency department now for whole-spine MRI.",
        _MSCC_NET,
        _MSCC,
        all_of=("cancer_history",),
        any_of=(
            "progressive_leg_weakness",
            "gait_disturbance_clumsy_hands",
            "ces_bladder",
            "ces_bowel",
            "ces_saddle_numbness",
            "saddle_sensation_reduced",
            "bilateral_leg_neuro_deficit",
            "upper_motor_neuron_signs",
        ),
        min_any=1,
    ),
    _R(
        "cord.myelopathy_progressing",
        _C.CORD_COMPRESSION,
        _U.EMERGENCY,
        "Reported deterioration of walking or hand dexterity together with upper-motor-neuron "
        "signs: deteriorating myelopathy.",
        "Suspected deteriorating myelopathy / cord compression: emergency same-day spinal "
        "assessment and MRI.",
        "If walking or using your hands gets worse, or you have trouble with your bladder or "
        "bowels, " + _ED_NOW + "appointment.",
        _CORD,
        all_of=("gait_disturbance_clumsy_hands", "upper_motor_neuron_signs"),
    ),
    _R(
        "cord.gait_or_hands",
        _C.CORD_COMPRESSION,
        _U.URGENT,
        "Unsteady walking or clumsy hands developing over weeks: possible cord compression "
        "or myelopathy.",
        "Possible myelopathy: medical / spinal assessment within 24 hours; examine for "
        "upper-motor-neuron signs.",
        "A doctor needs to see you within a day. If walking or using your hands gets worse "
        "quickly, " + _ED_NOW + "appointment.",
        _CORD,
        all_of=("gait_disturbance_clumsy_hands",),
    ),
    _R(
        "cord.umn_signs",
        _C.CORD_COMPRESSION,
        _U.URGENT,
        "Upper-motor-neuron signs on examination: possible cord compression or myelopathy.",
        "Upper-motor-neuron signs: medical / spinal assessment within 24 hours.",
        "A doctor needs to see you within a day. If walking or using your hands gets worse, "
        + _ED_NOW
        + "appointment.",
        _CORD,
        all_of=("upper_motor_neuron_signs",),
    ),
    # ---------------------------------------------------------------- progressive deficit
    _R(
        "neuro.progressive_weakness",
        _C.PROGRESSIVE_DEFICIT,
        _U.URGENT,
        "Progressive leg weakness or new foot drop: rapidly progressive radiculopathy.",
        "Progressive motor deficit: same-day (within 24 hours) spinal surgical opinion.",
        "A doctor needs to see you within a day. If the weakness spreads to both legs, or you "
        "get numbness between your legs or trouble with your bladder or bowels, "
        + _ED_NOW
        + "appointment.",
        ("uk_red_flag_pathway", "finucane2020"),
        all_of=("progressive_leg_weakness",),
    ),
    # ---------------------------------------------------------------- malignancy
    _R(
        "cancer.suspected_spinal_metastasis",
        _C.CANCER,
        _U.URGENT,
        "History of cancer with spinal pain of a kind NICE NG234 lists as suggesting spinal "
        "metastases (thoracic or neck pain, night pain, constant progressive pain, pain on "
        "straining, focal spinal tenderness).",
        "Suspected spinal metastases: contact the acute oncology / MSCC coordinator within "
        "24 hours (NICE NG234); MRI of the whole spine.",
        _MSCC_NET,
        _MSCC,
        all_of=("cancer_history", "spinal_pain"),
        any_of=(
            "thoracic_pain",
            "neck_pain",
            "night_pain",
            "constant_progressive_night_pain",
            "pain_worse_straining",
            "spinal_percussion_tenderness",
        ),
        min_any=1,
    ),
    _R(
        "cancer.cluster_without_history",
        _C.CANCER,
        _U.URGENT,
        "Age over 50, unexplained weight loss and spinal pain that is constant, at night or "
        "thoracic: a combination that raises concern for malignancy even without a cancer "
        "history.",
        "Possible spinal malignancy: medical assessment within 24 hours (bloods, imaging).",
        "A doctor needs to see you within a day about this pain and the weight loss. If your "
        "legs get weak or numb, or you have trouble with your bladder or bowels, "
        + _ED_NOW
        + "appointment.",
        (*_MALIGNANCY, "project_default"),
        all_of=("age_over_50", "unexplained_weight_loss", "spinal_pain"),
        any_of=("night_pain", "constant_progressive_night_pain", "thoracic_pain"),
        min_any=1,
    ),
    *(
        _R(
            f"cancer.{fact}",
            _C.CANCER,
            _U.SOON,
            f"{what} (single flag: low accuracy alone, Downie 2013).",
            "Inform the GP; medical review within days. Re-screen at every visit.",
            _SOON_NET,
            _MALIGNANCY,
            all_of=(fact,),
        )
        for fact, what in (
            ("cancer_history", "History of cancer"),
            ("unexplained_weight_loss", "Unexplained weight loss"),
            ("constant_progressive_night_pain", "Constant, progressive, non-mechanical pain"),
        )
    ),
    # ---------------------------------------------------------------- infection
    _R(
        "infection.fever_with_risk",
        _C.INFECTION,
        _U.EMERGENCY,
        "Fever or feeling unwell with spinal pain in a person with a risk factor "
        "(immunosuppression, injected drugs, recent infection or spinal procedure).",
        "Suspected spinal infection (discitis / epidural abscess): emergency assessment now.",
        _INFECTION_NET,
        _INFECTION,
        all_of=("fever_with_spinal_pain",),
        any_of=("immunosuppression_or_iv_drugs", "recent_infection"),
        min_any=1,
    ),
    _R(
        "infection.fever",
        _C.INFECTION,
        _U.URGENT,
        "Fever, chills or feeling unwell with spinal pain.",
        "Possible spinal infection: medical assessment within 24 hours (temperature, "
        "inflammatory markers).",
        _INFECTION_NET,
        _INFECTION,
        all_of=("fever_with_spinal_pain",),
    ),
    _R(
        "infection.risk_with_sign",
        _C.INFECTION,
        _U.URGENT,
        "A risk factor for spinal infection with focal spinal tenderness or a recent infection "
        "or spinal procedure.",
        "Possible spinal infection: medical assessment within 24 hours.",
        _INFECTION_NET,
        (*_INFECTION, "project_default"),
        all_of=("immunosuppression_or_iv_drugs", "spinal_pain"),
        any_of=("spinal_percussion_tenderness", "recent_infection"),
        min_any=1,
    ),
    *(
        _R(
            f"infection.{fact}",
            _C.INFECTION,
            _U.SOON,
            f"{what} (single risk factor).",
            "Inform the GP; medical review within days. Ask about fever at every visit.",
            _SOON_NET,
            _INFECTION,
            all_of=(fact,),
        )
        for fact, what in (
            ("immunosuppression_or_iv_drugs", "Immunosuppression or injected drug use"),
            ("recent_infection", "Recent infection or spinal procedure"),
        )
    ),
    # ---------------------------------------------------------------- fracture
    _R(
        "fracture.major_trauma",
        _C.FRACTURE,
        _U.URGENT,
        "Pain began with major trauma.",
        "Possible spinal fracture: medical assessment and imaging within 24 hours (emergency "
        "department if neurological symptoms).",
        _FRACTURE_NET,
        _FRACTURE,
        all_of=("major_trauma",),
    ),
    _R(
        "fracture.cluster",
        _C.FRACTURE,
        _U.URGENT,
        "Two or more fracture risk features together (age over 70, prolonged corticosteroids, "
        "minor trauma with osteoporosis, focal spinal percussion tenderness): combinations "
        "raise the probability of vertebral fracture well above single flags.",
        "Suspected vertebral (fragility) fracture: medical assessment and imaging within "
        "24 hours before any loading.",
        _FRACTURE_NET,
        _FRACTURE,
        all_of=("spinal_pain",),
        any_of=(
            "age_over_70",
            "prolonged_steroids",
            "minor_trauma_osteoporosis",
            "spinal_percussion_tenderness",
        ),
        min_any=2,
    ),
    *(
        _R(
            f"fracture.{fact}",
            _C.FRACTURE,
            _U.SOON,
            f"{what} (single fracture risk feature).",
            "Inform the GP; medical review within days; consider imaging.",
            _SOON_NET,
            _FRACTURE,
            all_of=(fact,),
        )
        for fact, what in (
            ("prolonged_steroids", "Prolonged corticosteroid use"),
            ("minor_trauma_osteoporosis", "Minor trauma with known osteoporosis"),
        )
    ),
    # ---------------------------------------------------------------- vascular
    _R(
        "vascular.aaa",
        _C.VASCULAR,
        _U.EMERGENCY,
        "Pulsatile abdominal mass or tearing abdominal / back pain: possible abdominal aortic "
        "aneurysm.",
        "Suspected abdominal aortic aneurysm: emergency department now (call an ambulance).",
        "If you have a tearing pain in your belly or back, or feel faint, call an ambulance now.",
        ("aaa_warning_signs",),
        all_of=("pulsatile_abdominal_mass",),
    ),
    _R(
        "vascular.cervical_arterial",
        _C.VASCULAR,
        _U.EMERGENCY,
        "Neck pain with dizziness, double vision, trouble speaking or swallowing, or drop "
        "attacks: possible cervical arterial dysfunction (dissection).",
        "Suspected cervical arterial dysfunction: emergency assessment now; no neck "
        "manipulation or end-range loading.",
        "Watch for these signs: you feel dizzy or see double. You find it hard to talk or "
        "swallow. Your face goes numb, or you fall all of a sudden. If you get any of them, call "
        "an ambulance now.",
        ("rushton2023",),
        all_of=("cervical_arterial_signs",),
    ),
    _R(
        "vascular.sudden_headache",
        _C.VASCULAR,
        _U.EMERGENCY,
        "Sudden severe headache unlike any before: possible arterial dissection or bleed.",
        "Sudden severe headache: emergency assessment now.",
        "If you get a sudden, very bad headache, call an ambulance now. Do the same if you feel "
        "dizzy, see double or find it hard to talk.",
        ("rushton2023",),
        all_of=("sudden_severe_headache",),
    ),
    # ---------------------------------------------------------------- inflammatory
    _R(
        "inflammatory.asas_ibp",
        _C.INFLAMMATORY,
        _U.SOON,
        "Inflammatory back pain by the ASAS expert criteria: back pain for 12 weeks or more "
        "and at least 4 of 5 features (onset before 40, insidious onset, better with exercise, "
        "not better with rest, night pain that improves on getting up).",
        "Possible axial spondyloarthritis: refer to rheumatology (routine-soon); exercise "
        "continues.",
        "Please see your doctor in the next weeks about a referral to a joint specialist. "
        "Keep moving: it usually helps this kind of back pain.",
        ("sieper2009",),
        all_of=("chronic_back_pain",),
        any_of=(
            "ibp_onset_before_40",
            "ibp_insidious_onset",
            "ibp_improves_with_exercise",
            "ibp_no_improvement_with_rest",
            "ibp_night_pain_second_half",
        ),
        min_any=4,
    ),
)
