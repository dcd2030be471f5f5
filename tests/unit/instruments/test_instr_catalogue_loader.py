"""The YAML -> Instrument loader refuses malformed definitions with a message naming the field."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from painpath.adapters import instrument_catalogue as cat
from painpath.domain.errors import InvalidInput, UnknownInstrument
from painpath.domain.outcomes.instruments import (
    Direction,
    FormulaKind,
    compute_wording_sha256,
    score,
)

BASE: dict[str, Any] = {
    "id": "demo",
    "name": "Demo",
    "direction": "lower_better",
    "evidence": ["project_default"],
    "licence": {"status": "restricted", "holder": "A. Author", "source": "s", "note": "ours"},
    "scales": {"s": [[0, "no"], [1, "some"], [2, "lots"]]},
    "items": [
        {"link_id": "d-1", "number": 1, "label": "one", "scale": "s"},
        {"link_id": "d-2", "number": 2, "label": "two", "scale": "s", "reverse": True},
        {"link_id": "d-3", "number": 3, "label": "three", "options": [[0, "n", 0], [1, "y", 3]]},
    ],
    "scores": [
        {
            "name": "total",
            "label": "Total",
            "items": "all",
            "formula": {"kind": "sum"},
            "missing": {"max_missing": 0, "description": "all", "evidence": ["project_default"]},
            "range": [0, 7],
            "evidence": ["project_default"],
        }
    ],
    "bands": [{"id": "low", "label": "Low", "upper": 3, "evidence": ["project_default"]}],
    "mcid": {"value": 2, "population": "x", "evidence": ["project_default"], "percent": 30},
}


def _with(path: list[Any], value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


def test_base_document_loads_with_reverse_and_explicit_scores() -> None:
    inst = cat.instrument_from_mapping(BASE, source="demo.yaml")
    assert inst.direction is Direction.LOWER_BETTER
    assert [o.score for o in inst.items[1].options] == [2, 1, 0]
    assert score(inst, [2, 0, 1]).total == 7
    assert inst.mcid is not None and inst.mcid.percent == 30 and inst.mdc is None
    assert inst.scores[0].formula.kind is FormulaKind.SUM


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["id"], KeyError, "missing field 'id'"),
        (["name"], 3, "field 'name' has the wrong type"),
        (["direction"], "sideways", "direction must be"),
        (["items", 0, "number"], 2, "numbered 1..n"),
        (["items", 0, "scale"], "nope", "unknown scale"),
        (["items", 1, "link_id"], "d-1", "duplicate link_id"),
        (["items"], [], "no items"),
        (["items", 2, "options"], [[0, "n"], [0, "y"]], "duplicate option values"),
        (["items", 2, "options"], [["a", "n"]], "must be [value, label]"),
        (["items", 2, "options"], [], "non-empty list"),
        (["scores", 0, "items"], [1, 9], "items must be 'all'"),
        (["scores", 0, "formula", "kind"], "median", "unknown formula kind"),
        (["scores", 0, "formula", "params"], {"factor": 2}, "takes parameters"),
        (["scores", 0, "formula"], {"kind": "sum", "params": {"prorate": "y"}}, "must be numbers"),
        (["scores", 0, "formula", "kind"], "percent_of_max", None),
        (["bands", 0, "upper"], KeyError, "needs 'upper' or 'when'"),
        (["bands", 0, "when"], [["nope", "le", 1]], "must be [score, op, value]"),
        (["bands", 0, "when"], [["total", "about", 1]], "bad operator"),
        (["band_score"], "nope", "band_score"),
        (["min_answers"], 9, "min_answers"),
        (["evidence"], [1], "list of strings"),
        (["licence"], "free", "field 'licence' has the wrong type"),
        (["licence", "status"], "maybe", "licence status must be one of"),
        (["licence", "holder"], KeyError, "missing field 'holder'"),
        (["licence", "source"], KeyError, "missing field 'source'"),
        (["items", 0, "not_applicable"], "yes", "field 'not_applicable' has the wrong type"),
    ],
)
def test_malformed_documents_are_refused(path: list[Any], value: Any, message: str | None) -> None:
    doc = _with(path, value)
    if message is None:  # percent_of_max is fine here: every item's lowest score is 0
        cat.instrument_from_mapping(doc, source="demo.yaml")
        return
    with pytest.raises(InvalidInput, match=message.replace("[", r"\[").replace(".", r"\.")):
        cat.instrument_from_mapping(doc, source="demo.yaml")


def test_document_must_be_a_mapping() -> None:
    with pytest.raises(InvalidInput, match=r"demo\.yaml: expected a mapping"):
        cat.instrument_from_mapping(["not", "a", "mapping"], source="demo.yaml")


def test_percent_of_max_needs_zero_based_items() -> None:
    doc = _with(["scales", "s"], [[1, "a"], [2, "b"]])
    doc["scores"][0]["formula"]["kind"] = "percent_of_max"
    with pytest.raises(InvalidInput, match="lowest score is 0"):
        cat.instrument_from_mapping(doc, source="demo.yaml")


def test_conditional_bands_load() -> None:
    doc = _with(["bands", 0], {"id": "hi", "label": "Hi", "when": [["total", "ge", 4]],
                               "evidence": ["project_default"]})  # fmt: skip
    inst = cat.instrument_from_mapping(doc, source="demo.yaml")
    assert inst.bands[0].upper is None and score(inst, [2, 0, 1]).band == "hi"


def test_check_refuses_mismatched_id_unlicensed_text_and_unknown_keys() -> None:
    inst = cat.instrument_from_mapping(BASE, source="demo.yaml")
    with pytest.raises(InvalidInput, match="does not match the file name"):
        cat._check(inst, "other")
    texty = cat.instrument_from_mapping(_with(["items", 0, "text"], "Full wording"), source="d")
    with pytest.raises(InvalidInput, match="licence does not allow"):
        cat._check(texty, "demo")
    # Even item_text_allowed is not enough while the holder's statement is not "free".
    doc = _with(["items", 0, "text"], "Full wording")
    doc["licence"]["item_text_allowed"] = True
    with pytest.raises(InvalidInput, match="licence does not allow"):
        cat._check(cat.instrument_from_mapping(doc, source="d"), "demo")
    unknown = cat.instrument_from_mapping(_with(["evidence"], ["no_such_key"]), source="d")
    with pytest.raises(InvalidInput, match="unknown evidence keys"):
        cat._check(unknown, "demo")


def test_get_instrument_unknown_lists_known_ids() -> None:
    with pytest.raises(UnknownInstrument, match=r"known: .*odi"):
        cat.get_instrument("oswestry")


def test_instrument_to_dict_is_complete() -> None:
    data = cat.instrument_to_dict(cat.get_instrument("nprs"))
    assert data["mcid"]["percent"] == 30 and data["mdc"]["value"] == 2
    assert data["scores"][0]["loinc"] == "72514-3"
    assert cat.instrument_to_dict(cat.get_instrument("csi"))["mcid"] is None


def _published_doc() -> dict[str, Any]:
    doc = copy.deepcopy(BASE)
    doc["licence"].update(status="free", item_text_allowed=True)
    for n, item in enumerate(doc["items"], start=1):
        item["text"] = f"Published item {n}"
    doc["published_wording"] = {
        "instructions": "Over the last week:",
        "attribution": "(c) A. Author",
        "verified_on": "2026-12-06",
        "sha256": "",
        "sources": [
            {"url": "https://a.example", "says": "x"},
            {"url": "https://b.example", "says": "y"},
        ],
    }
    unchecked = cat.instrument_from_mapping(doc, source="demo.yaml")
    doc["published_wording"]["sha256"] = compute_wording_sha256(unchecked)
    return doc


def test_published_wording_needs_a_free_licence_and_text_on_every_item() -> None:
    doc = _published_doc()
    inst = cat.instrument_from_mapping(doc, source="demo.yaml")
    cat._check(inst, "demo")
    assert inst.ships_published_wording
    doc["items"][2]["text"] = None  # one item without its text: not the questionnaire
    assert not cat.instrument_from_mapping(doc, source="demo.yaml").ships_published_wording
    doc["items"][2]["text"] = "Published item 3"
    doc["licence"]["status"] = "unverified"
    assert not cat.instrument_from_mapping(doc, source="demo.yaml").ships_published_wording


def test_item_text_needs_its_verification_record_with_two_sources() -> None:
    doc = _published_doc()
    del doc["published_wording"]
    with pytest.raises(InvalidInput, match="without a published_wording record"):
        cat._check(cat.instrument_from_mapping(doc, source="demo.yaml"), "demo")
    doc = _published_doc()
    doc["published_wording"]["sources"] = doc["published_wording"]["sources"][:1]
    with pytest.raises(InvalidInput, match="two or more independent sources"):
        cat.instrument_from_mapping(doc, source="demo.yaml")


@pytest.mark.parametrize(
    "edit",
    [
        lambda d: d["items"][0].update(text="Published item 1."),  # one full stop
        lambda d: d["published_wording"].update(instructions="Over the past week:"),
        lambda d: d["scales"].update(s=[[0, "no"], [1, "a bit"], [2, "lots"]]),  # a label
        lambda d: d["items"][2].update(options=[[0, "n", 0], [1, "y", 2]]),  # a score
        lambda d: d["items"].insert(0, d["items"].pop(1)),  # the order (numbers follow)
    ],
)
def test_any_change_of_the_shipped_wording_stops_the_catalogue(edit: Any) -> None:
    doc = _published_doc()
    cat._check(cat.instrument_from_mapping(doc, source="demo.yaml"), "demo")
    edit(doc)
    for n, item in enumerate(doc["items"], start=1):
        item["number"] = n
    with pytest.raises(InvalidInput, match="wording changed since it was checked"):
        cat._check(cat.instrument_from_mapping(doc, source="demo.yaml"), "demo")


def test_licence_and_not_applicable_reach_the_json_description() -> None:
    data = cat.instrument_to_dict(cat.get_instrument("odi"))
    assert data["licence"]["status"] == "restricted"
    assert "mapi" in data["licence"]["url"]
    assert [i["number"] for i in data["items"] if i["not_applicable"]] == [8]
