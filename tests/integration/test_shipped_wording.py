"""A patient reads the PHQ-4 in its published wording, shipped with PainPath (Pfizer allows
reproduction), with the holder's attribution line; the answers score by the published rules."""

from __future__ import annotations

import html

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.services.questionnaires import list_responses
from tests.conftest import World, api_client, csrf_from
from tests.demo_pages import template_of
from tests.wording_support import assign_due_today


def test_the_patient_reads_the_exact_phq4_text_and_its_attribution(world: World) -> None:
    assign_due_today(world, ["phq-4"])
    client, _ = api_client(world.container, "pat@a.test", follow_redirects=True)
    page = client.get("/me/questionnaires/phq-4")
    assert template_of(page) == "q_form.html"
    text = html.unescape(page.text)
    phq = get_instrument("phq-4")
    assert phq.published is not None
    assert phq.published.instructions in text
    for item in phq.items:
        assert f"{item.number}.</span> {item.text}</legend>" in text
        for option in item.options:
            assert f'value="{option.value}" data-item> {option.label}</label>' in text
        assert f"</span> {item.label}</legend>" not in text  # never the topic summary
    assert 'data-testid="q-attribution"' in page.text
    assert phq.published.attribution in text
    assert "Demo pack" not in text

    csrf = csrf_from(page.text)
    sent = client.post(
        "/me/questionnaires/phq-4",
        data={"csrf_token": csrf, "item-1": "2", "item-2": "2", "item-3": "1", "item-4": "0"},
    )
    assert sent.status_code == 200
    [response] = list_responses(world.ctx(world.clinician), patient_id=world.patient.id)
    assert response.total == 5 and response.band == "mild"
    assert response.subscales == {"anxiety": 4, "depression": 1}
    assert response.wording is not None and response.wording["placeholder"] is False
    assert response.wording["version"] == "as published (shipped with PainPath)"


def test_the_clinician_is_told_the_wording_ships_and_sees_the_attribution(world: World) -> None:
    assign_due_today(world, ["phq-4"])
    client, _ = api_client(world.container, "clin@a.test", follow_redirects=True)
    page = client.get(f"/patients/{world.patient.id}/questionnaires/phq-4/enter")
    assert page.status_code == 200
    assert 'data-testid="q-shipped"' in page.text
    assert 'data-testid="q-paper-only"' not in page.text
