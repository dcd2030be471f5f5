"""The display filter that turns engine ids and Python values into words on clinician pages."""

from __future__ import annotations

from painpath.web.plain import plain_html, plain_words


def test_ids_and_python_values_become_words() -> None:
    assert plain_words("range_of_motion shoulder_flexion (right) = 150 deg") == (
        "range of motion shoulder flexion (right) = 150 deg"
    )
    assert plain_words("Paired with: retraining.shoulder_hiking, exercise.glute-bridge.") == (
        "Paired with: shoulder hiking, glute bridge."
    )
    assert plain_words("sleep: True; fatigue: False; temperature: None") == (
        "sleep: yes; fatigue: no; temperature: not recorded"
    )
    # English stays English; numbers and abbreviations are left alone.
    assert plain_words("None of the features. 0.11 trunk widths, e.g. walking") == (
        "None of the features. 0.11 trunk widths, e.g. walking"
    )


def test_only_text_changes_never_attributes_details_or_typed_text() -> None:
    page = (
        '<p data-testid="criterion-low_back" title="x">low_back: True</p>'
        "<details><summary>rule id</summary><code>nociplastic.2_distribution</code></details>"
        "<textarea name=note>my_note stays</textarea>"
    )
    assert str(plain_html(page)) == (
        '<p data-testid="criterion-low_back" title="x">low back: yes</p>'
        "<details><summary>rule id</summary><code>nociplastic.2_distribution</code></details>"
        "<textarea name=note>my_note stays</textarea>"
    )
