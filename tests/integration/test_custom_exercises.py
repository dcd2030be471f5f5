"""Custom exercises per clinic (issue 14 item 1): own text, dose and a drawing from joint
angles or an uploaded picture (checked by its bytes); only the clinic's own staff see them;
they can be added to a plan and reach the patient's program."""

from __future__ import annotations

import struct
import zlib

import pytest

from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.planning.custom import check_image
from painpath.services import assessment as svc
from tests.conftest import World, api_client, csrf_from
from tests.integration.test_assessment_services import _assessed, _clin


def _png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


FIELDS = {
    "name": "Towel slide",
    "region": "knee",
    "targets": "quadriceps_weakness",
    "level": "1",
    "purpose": "Bends the knee gently with a towel under the foot.",
    "cues": "Sit with a towel under your foot.\nSlide the foot back and forth.",
    "sets": "2",
    "reps": "10",
    "per_week": "5",
    "start_knee": "10",
    "end_knee": "80",
}


def test_images_are_checked_by_their_bytes() -> None:
    assert check_image(_png()) == "image/png"
    with pytest.raises(InvalidInput, match="PNG or JPEG"):
        check_image(b"GIF89a" + b"\x00" * 20)
    with pytest.raises(InvalidInput, match="pixels"):
        check_image(_png(5000, 1))
    with pytest.raises(InvalidInput, match="kB"):
        check_image(_png() + b"\x00" * 1_000_001)
    with pytest.raises(InvalidInput, match="empty"):
        check_image(b"")


def test_a_custom_exercise_joins_the_clinic_library_and_a_plan(world: World) -> None:
    made = svc.add_custom_exercise(_clin(world), fields=dict(FIELDS))
    assert made.id == "clinic-towel-slide" and made.custom and "<svg" in made.svg
    page = svc.exercise_library(_clin(world), query=svc.parse_query(text="towel slide"))
    assert "clinic-towel-slide" in [e.id for e in page.exercises]
    other = svc.exercise_library(
        world.ctx(world.other_clinician), query=svc.parse_query(text="towel slide")
    )
    assert "clinic-towel-slide" not in [e.id for e in other.exercises]  # other clinic
    with pytest.raises(InvalidInput, match="already has"):
        svc.add_custom_exercise(_clin(world), fields=dict(FIELDS))
    pid = _assessed(world)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    view = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=saved.record_id or "",
        expected_version=1,
        changes=svc.PlanEdits(
            add_exercises=(svc.ExerciseChoice("clinic-towel-slide", days=("0",)),)
        ),
        reason="our own exercise",
    )
    assert view.plan.item("exercise.clinic-towel-slide").attributes["dose"] == "2 x 10 reps"
    svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id or "", expected_version=2)
    program = svc.home_program(world.ctx(world.patient_actor), patient_id=pid)
    assert program is not None
    assert "Towel slide" in [e.name for e in program.exercises]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "name"),
        ({"sets": "99"}, "sets"),
        ({"per_week": "0"}, "times a week"),
        ({"start_knee": "400"}, "outside"),
        ({"region": "moon"}, "region"),
        ({"cues": ""}, "cues"),
    ],
)
def test_bad_custom_exercises_are_refused(
    world: World, change: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        svc.add_custom_exercise(_clin(world), fields={**FIELDS, **change})
    found = svc.exercise_library(_clin(world), query=svc.parse_query(text="towel"))
    assert not [e for e in found.exercises if e.custom]


def test_the_form_uploads_a_picture_served_to_the_clinic_only(world: World) -> None:
    staff, _ = api_client(world.container, "clin@a.test")
    page = staff.get("/library").text
    files = {"picture": ("slide.png", _png(), "image/png")}
    resp = staff.post(
        "/library/custom", data={"csrf_token": csrf_from(page), **FIELDS}, files=files
    )
    assert resp.status_code == 303
    shown = staff.get("/library", params={"q": "towel slide"}).text
    assert '<img src="/library/custom/clinic-towel-slide/image"' in shown
    image = staff.get("/library/custom/clinic-towel-slide/image")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content == _png()
    with pytest.raises(NotFound):
        svc.custom_image(world.ctx(world.other_clinician), exercise_id="clinic-towel-slide")
    bad = staff.post(
        "/library/custom",
        data={"csrf_token": csrf_from(page), **FIELDS, "name": "Other slide"},
        files={"picture": ("x.png", b"<svg onload=alert(1)>", "image/png")},
    )
    assert bad.status_code == 400 and 'data-testid="custom-error"' in bad.text
    assert "Other slide" in bad.text  # what was typed is kept
    found = svc.exercise_library(_clin(world), query=svc.parse_query(text="other slide"))
    assert "clinic-other-slide" not in [e.id for e in found.exercises]
