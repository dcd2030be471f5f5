"""Wording packs are checked against the instrument's item structure; every problem is named."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from tests.wording_support import sample_pack

from painpath.adapters.instrument_catalogue import get_instrument, load_catalogue
from painpath.demo.questionnaires import demo_wording_pack
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments import (
    Instrument,
    validate_wording_pack,
    wording_pack_to_dict,
)

ODI = get_instrument("odi")


@pytest.mark.parametrize("instrument", list(load_catalogue().values()), ids=lambda i: i.id)
def test_a_well_formed_pack_round_trips_for_every_instrument(instrument: Instrument) -> None:
    pack = validate_wording_pack(instrument, sample_pack(instrument.id))
    assert [i.link_id for i in pack.items] == [i.link_id for i in instrument.items]
    assert all(
        len(w.options) == len(i.options) for w, i in zip(pack.items, instrument.items, strict=True)
    )
    assert validate_wording_pack(instrument, wording_pack_to_dict(pack)) == pack
    assert not pack.placeholder


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(instrument="ndi"), "instrument is 'ndi', expected 'odi'"),
        (lambda d: d.pop("version"), "version is missing"),
        (lambda d: d["licence"].pop("reference"), "licence reference is missing"),
        (lambda d: d.pop("licence"), "licence must give holder and reference"),
        (lambda d: d["items"].pop(), "items has 9 entries; odi has 10 items"),
        (lambda d: d["items"][2].update(id="odi-4"), "item 3 has id 'odi-4'"),
        (
            lambda d: d["items"][2]["options"].pop(),
            "item 3 (odi-3) has 5 answer labels; the scoring expects 6 (values 0, 1, 2, 3, 4, 5)",
        ),
        (lambda d: d["items"][0].update(text=" "), "item 1 (odi-1) text is missing or empty"),
        (lambda d: d["items"][0]["options"].__setitem__(0, 7), "item 1 (odi-1) answer 1 must be"),
        (
            lambda d: d["items"][0].update(not_applicable="n/a"),
            "item 1 (odi-1) offers 'not applicable' but the instrument does not allow it",
        ),
        (lambda d: d["items"][7].pop("not_applicable"), "item 8 (odi-8) allows 'not applicable'"),
        (lambda d: d.update(extra=1), "unknown fields ['extra']"),
        (lambda d: d["items"][1].update(note="x"), "item 2 (odi-2) has unknown fields ['note']"),
        (lambda d: d.update(placeholder="yes"), "placeholder must be true or false"),
        (lambda d: d.update(items="odi"), "items must be a list of the instrument's 10 items"),
        (lambda d: d["items"].__setitem__(0, "text"), "item 1 (odi-1) must be a mapping"),
        (lambda d: d["items"][0].update(options="A/B"), "item 1 (odi-1) options must be a list"),
        (lambda d: d["items"][0].update(text="x" * 1001), "longer than 1000 characters"),
    ],
)
def test_malformed_packs_name_what_is_wrong(change: Any, message: str) -> None:
    doc = copy.deepcopy(sample_pack("odi"))
    change(doc)
    with pytest.raises(InvalidInput) as err:
        validate_wording_pack(ODI, doc)
    assert str(err.value).startswith("wording pack for odi: ")
    assert message in str(err.value)


def test_every_problem_is_listed_at_once() -> None:
    doc = sample_pack("odi")
    doc["version"] = ""
    doc["items"][4]["options"] = ["only one"]
    with pytest.raises(InvalidInput) as err:
        validate_wording_pack(ODI, doc)
    message = str(err.value)
    assert "version is missing" in message and "item 5 (odi-5) has 1 answer labels" in message


def test_a_pack_must_be_a_mapping() -> None:
    with pytest.raises(InvalidInput, match="must hold a mapping"):
        validate_wording_pack(ODI, ["odi"])


def test_the_demo_pack_is_a_labelled_placeholder_with_the_right_structure() -> None:
    pack = validate_wording_pack(ODI, demo_wording_pack(ODI))
    assert pack.placeholder
    assert all(i.text.startswith("Sample question") for i in pack.items)
    assert pack.for_item("odi-8").not_applicable


def test_the_example_template_is_a_valid_placeholder_pack() -> None:
    import yaml

    path = Path(__file__).parents[3] / "examples" / "wording-packs" / "odi-template.yaml"
    pack = validate_wording_pack(ODI, yaml.safe_load(path.read_text(encoding="utf-8")))
    assert pack.placeholder  # the template carries no licensed text


STARTBACK_ITEMS = [  # Keele's wording, as checked against its sources (see the pack's header)
    "My back pain has spread down my leg(s) at some time in the last 2 weeks",
    "I have had pain in the shoulder or neck at some time in the last 2 weeks",
    "I have only walked short distances because of my back pain",
    "In the last 2 weeks, I have dressed more slowly than usual because of back pain",
    "It’s not really safe for a person with a condition like mine to be physically active",
    "Worrying thoughts have been going through my mind a lot of the time",
    "I feel that my back pain is terrible and it’s never going to get any better",
    "In general I have not enjoyed all the things I used to enjoy",
    "Overall, how bothersome has your back pain been in the last 2 weeks?",
]


def test_the_startback_example_is_keeles_wording_with_its_copyright_statement() -> None:
    import yaml

    from painpath.adapters.instrument_catalogue import get_instrument

    path = Path(__file__).parents[3] / "examples" / "wording-packs" / "startback-keele.yaml"
    startback = get_instrument("startback")
    pack = validate_wording_pack(startback, yaml.safe_load(path.read_text(encoding="utf-8")))
    assert not pack.placeholder
    assert [i.text for i in pack.items] == STARTBACK_ITEMS
    assert all(i.options == ("Disagree", "Agree") for i in pack.items[:8])
    assert pack.items[8].options == (
        "Not at all",
        "Slightly",
        "Moderately",
        "Very much",
        "Extremely",
    )
    # Scores stay the catalogue's: "very much" and "extremely" count 1 (Keele's scoring).
    assert [o.score for o in startback.items[8].options] == [0, 0, 0, 1, 1]
    assert pack.attribution.startswith("The copyright (©2007) of the STarT Back Screening Tool")
    assert "part funded by Arthritis Research UK" in pack.attribution
