"""Person selection rule on synthetic boxes: scoring, linking, choice, region (pure, no video)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from painpath.adapters.pose.person_detect import _tiles, merge_sightings
from painpath.adapters.pose.person_select import (
    LINK_MAX_SIZES,
    PersonBox,
    choose_person,
    decide,
    link_tracks,
    sighting_score,
    track_roi,
)

FRAME = (1000, 500)


def _box(cx: float, cy: float, half: float = 50.0, confidence: float = 0.9) -> PersonBox:
    return PersonBox(cx=cx, cy=cy, half=half, confidence=confidence)


def test_a_larger_box_at_the_same_place_scores_higher() -> None:
    small, large = _box(500, 250, 40), _box(500, 250, 80)
    largest = large.area
    assert sighting_score(large, frame_size=FRAME, largest_area=largest) == pytest.approx(1.0)
    # a quarter of the area: size 0.25, centrality 1 -> 0.5 x 0.25 + 0.5
    assert sighting_score(small, frame_size=FRAME, largest_area=largest) == pytest.approx(0.625)


def test_a_central_box_beats_the_same_box_in_a_corner() -> None:
    centre, corner = _box(500, 250), _box(0, 0)
    at_corner = sighting_score(corner, frame_size=FRAME, largest_area=centre.area)
    assert at_corner == pytest.approx(0.5)  # centrality 0 at the corner
    assert sighting_score(centre, frame_size=FRAME, largest_area=centre.area) > at_corner


@given(
    cx=st.floats(-200, 1200),
    cy=st.floats(-200, 700),
    half=st.floats(1, 400),
    largest=st.floats(1, 1e6),
)
def test_sighting_score_stays_between_0_and_1(
    cx: float, cy: float, half: float, largest: float
) -> None:
    score = sighting_score(_box(cx, cy, half), frame_size=FRAME, largest_area=largest)
    assert 0.0 <= score <= 1.0


def test_walker_and_bystander_are_followed_as_two_people() -> None:
    # A walker crossing right to left (one box width per sample) and a bystander standing still.
    samples = [[_box(900 - 100 * k, 300), _box(150, 150, 30)] for k in range(8)]
    tracks = link_tracks(samples)
    assert len(tracks) == 2
    walker = next(t for t in tracks if t[0][1].cx == 900)
    assert [i for i, _ in walker] == list(range(8))
    assert [b.cx for _, b in walker] == [900 - 100 * k for k in range(8)]


def test_a_jump_beyond_the_link_limit_starts_a_new_person() -> None:
    far = 50 * (LINK_MAX_SIZES + 0.5)
    assert len(link_tracks([[_box(100, 250)], [_box(100 + far, 250)]])) == 2
    near = 50 * (LINK_MAX_SIZES - 0.5)
    assert len(link_tracks([[_box(100, 250)], [_box(100 + near, 250)]])) == 1


def test_linking_takes_the_nearest_pairs_first() -> None:
    # Two people 120 px apart; each next sighting moved 20 px: no swap of identities.
    tracks = link_tracks([[_box(400, 250), _box(520, 250)], [_box(540, 250), _box(420, 250)]])
    assert sorted((t[0][1].cx, t[1][1].cx) for t in tracks) == [(400, 420), (520, 540)]


def test_a_person_seen_in_every_sample_beats_a_larger_one_seen_once() -> None:
    patient = tuple((k, _box(500, 250, 60)) for k in range(8))
    passer = ((3, _box(500, 250, 90)),)
    chosen = choose_person([passer, patient], n_samples=8, frame_size=FRAME)
    assert chosen is not None and chosen[0] == 1
    assert chosen[1][1] > chosen[1][0]


def test_choose_person_without_tracks_is_none() -> None:
    assert choose_person([], n_samples=8, frame_size=FRAME) is None


def test_region_covers_the_whole_track_with_a_margin() -> None:
    track = ((0, _box(800, 300, 100)), (1, _box(300, 300, 100)))
    roi = track_roi(track, frame_size=FRAME, margin=0.1)
    # x from 300 - 120 to 800 + 120, y from 300 - 120 to 300 + 120 (clipped at 500)
    assert (roi.x0, roi.y0, roi.x1, roi.y1) == pytest.approx((0.18, 0.36, 0.92, 0.84))
    edge = track_roi(((0, _box(20, 480, 100)),), frame_size=FRAME)
    assert (edge.x0, edge.y1) == (0.0, 1.0)
    with pytest.raises(ValueError):
        track_roi((), frame_size=FRAME)


def test_decide_crops_to_the_central_large_person_and_says_why() -> None:
    samples = [[_box(500, 300, 100), _box(120, 100, 40)] for _ in range(6)]
    sel = decide(samples, frame_size=FRAME)
    assert sel.people == 2 and sel.passed and sel.roi is not None
    assert sel.roi.x0 < 0.4 < 0.6 < sel.roi.x1 and sel.roi.y0 > 0.2  # around the central one
    assert not sel.roi.x0 <= 120 / 1000 <= sel.roi.x1  # the small one is left out
    assert sel.message.startswith("2 people seen on 6 sampled frames; chose the larger, more")
    # half side 100 px widened by 2 x 15 % -> 130 px around (500, 300) of 1000 x 500
    assert "analysed region x 0.37-0.63, y 0.34-0.86." in sel.message
    assert sel.passed and "not clearly" not in sel.message


def test_decide_does_nothing_for_one_person_or_none() -> None:
    one = decide([[_box(500, 250)], [_box(510, 250)]], frame_size=FRAME)
    assert one.roi is None and one.people == 1 and "One person" in one.message
    nobody = decide([[], []], frame_size=FRAME)
    assert nobody.roi is None and nobody.people == 0 and "Nobody" in nobody.message


def test_decide_keeps_the_whole_frame_when_the_chosen_person_crosses_it() -> None:
    walker = [_box(50 + 130 * k, 250, 240) for k in range(8)]
    samples = [[w, _box(900, 60, 20)] for w in walker]
    sel = decide(samples, frame_size=FRAME)
    assert sel.roi is None and sel.people == 2 and "whole frame was analysed" in sel.message
    # the other person is then inside the analysed (whole) frame: not clearly one person
    assert not sel.passed and "also enters the analysed region" in sel.message


def test_decide_fails_when_another_person_enters_the_chosen_region() -> None:
    # the patient stands in the middle; a smaller person walks past in front of them
    samples = [[_box(500, 250, 120), _box(200 + 100 * k, 300, 60)] for k in range(6)]
    sel = decide(samples, frame_size=FRAME)
    assert sel.roi is not None and not sel.passed
    assert "(another person also enters the analysed region)" in sel.message
    assert "nothing is concluded" in sel.message
    assert sel.message.endswith("crop to the patient with --roi x0,y0,x1,y1.")


def test_decide_fails_when_the_runner_up_scores_nearly_as_high() -> None:
    # same size, mirror positions: equal scores
    samples = [[_box(300, 250, 60), _box(700, 250, 60)] for _ in range(6)]
    sel = decide(samples, frame_size=FRAME)
    assert sel.roi is not None and sel.roi.x1 < 0.5  # the first on a tie, cropped to it
    assert not sel.passed and "another person scores nearly as high" in sel.message
    clear = decide([[_box(500, 250, 60), _box(900, 250, 30)] for _ in range(6)], frame_size=FRAME)
    assert clear.passed and "not clearly" not in clear.message


def _large_rare_vs_small_always(central: str) -> list[list[PersonBox]]:
    big = _box(500, 250, 100) if central == "rare" else _box(150, 100, 100)
    small = _box(150, 100, 40) if central == "rare" else _box(500, 250, 40)
    return [[small] + ([big] if k == 0 else []) for k in range(8)]


@pytest.mark.parametrize(
    ("samples", "reason"),
    [
        # larger but off-centre, seen always, against a small central one seen twice
        ([[_box(200, 250, 100)] + ([_box(500, 250, 40)] if k < 2 else []) for k in range(8)],
         "chose the larger one,"),
        # smaller but central, seen always, against a large one at the side seen once
        (_large_rare_vs_small_always("always"), "chose the more central one,"),
        # both the same size; the central one is chosen
        ([[_box(500, 250, 50), _box(900, 450, 52)] for _ in range(4)],
         "chose the more central one (about the same size),"),
        # small and off-centre but always there, against a large central one seen once
        (_large_rare_vs_small_always("rare"), "chose the one seen most often,"),
    ],
)  # fmt: skip
def test_decide_names_the_reason_honestly(samples: list[list[PersonBox]], reason: str) -> None:
    sel = decide(samples, frame_size=FRAME)
    assert reason in sel.message, sel.message


def test_merge_keeps_the_most_confident_of_one_person_seen_twice() -> None:
    merged = merge_sightings([_box(100, 100, 50, 0.6), _box(110, 105, 45, 0.9), _box(400, 100)])
    assert sorted((b.cx, b.confidence) for b in merged) == [(110, 0.9), (400, 0.9)]


def test_landscape_frames_are_tiled_and_portrait_frames_are_not() -> None:
    assert _tiles(640, 360) == [(0, 0, 640, 360), (0, 0, 360, 360), (280, 0, 640, 360)]
    assert _tiles(360, 640) == [(0, 0, 360, 640)]
    assert _tiles(400, 360) == [(0, 0, 400, 360)]  # nearly square: the whole image is enough
    wide = _tiles(1000, 200)
    assert len(wide) == 6 and wide[-1][2] == 1000  # squares reach the right edge
    assert all(math.isclose(x1 - x0, 200) for x0, _, x1, _ in wide[1:])
