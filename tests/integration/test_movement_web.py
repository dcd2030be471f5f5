"""Movement videos on the web: the chart tab, the patient's phone page, the JSON API, 413."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.demo.movement import SYNTHETIC_LABEL, left_picture, synthetic_payload
from painpath.domain.movement.analysis import analyze_movement
from painpath.domain.movement.scenarios import (
    reach_recording,
    single_leg_squat_recording,
    sit_to_stand_recording,
)
from painpath.domain.types import Side
from painpath.services.movement_analysis import store_synthetic_analysis
from tests.conftest import World, api_client
from tests.integration.pose.pose_videos import write_video
from tests.integration.test_movement_services import HeldQueue, ScenarioEstimator


def _client(container: Container, email: str) -> tuple[TestClient, str]:
    return api_client(container, email)


@pytest.fixture
def clinician(world: World) -> tuple[TestClient, str]:
    return _client(world.container, "clin@a.test")


@pytest.fixture
def patient(world: World) -> tuple[TestClient, str]:
    return _client(world.container, "pat@a.test")


@pytest.fixture
def valgus_clip(world: World, tmp_path: Path) -> Path:
    seq = single_leg_squat_recording(side=Side.RIGHT, valgus_deg=18.0, fps=15, reps=2,
                                     period_s=2.0, pause_s=0.5, noise_px=0.5)  # fmt: skip
    world.container.extras["pose_estimator_factory"] = lambda: ScenarioEstimator(seq)
    return write_video(tmp_path / "knee.mp4", frames=seq.n_frames, width=180, height=320, fps=15)


def _files(path: Path, name: str = "clip.mp4") -> dict[str, tuple[str, bytes, str]]:
    return {"video": (name, path.read_bytes(), "video/mp4")}


def test_clinician_uploads_sees_results_and_deletes(
    world: World, clinician: tuple[TestClient, str], valgus_clip: Path
) -> None:
    client, csrf = clinician
    pid = world.patient.id
    tab = client.get(f"/patients/{pid}/tab/movement")
    assert tab.status_code == 200 and 'enctype="multipart/form-data"' in tab.text
    assert "How to film each test" in tab.text and "No videos yet." in tab.text
    form = {"csrf_token": csrf, "test": "single-leg-squat", "side": "right"}
    resp = client.post(f"/patients/{pid}/movement", data=form, files=_files(valgus_clip))
    assert resp.status_code == 303, resp.text
    page = client.get(resp.headers["location"])  # the job ran inline (no worker threads)
    assert page.status_code == 200
    assert "Dynamic knee valgus" in page.text and 'data-testid="rep-table"' in page.text
    plot = json.loads(re.search(r"data-plot='([^']+)'", page.text).group(1))  # type: ignore[union-attr]
    assert {t["name"] for t in plot["data"]} >= {"Knee flexion right (°)"}
    file_id = re.search(r"/movement/([0-9a-f-]{36})/image/keyframes", page.text).group(1)  # type: ignore[union-attr]
    img = client.get(f"/patients/{pid}/movement/{file_id}/image/keyframes")
    assert img.status_code == 200 and img.headers["content-type"] == "image/png"
    video = client.get(f"/patients/{pid}/movement/{file_id}/video?download=1")
    assert video.status_code == 200 and video.content == valgus_clip.read_bytes()
    assert video.headers["content-type"] == "video/mp4"
    assert "attachment" in video.headers["content-disposition"]
    gone = client.post(f"/patients/{pid}/movement/{file_id}/delete",
                       data={"csrf_token": csrf, "reason": "wrong patient in view"})  # fmt: skip
    assert gone.status_code == 303
    assert client.get(f"/patients/{pid}/movement/{file_id}/image/keyframes").status_code == 404
    assert client.get(f"/patients/{pid}/movement/{file_id}/video").status_code == 404
    after = client.get(f"/patients/{pid}/tab/movement?video={file_id}")
    assert "wrong patient in view" in after.text and "Dynamic knee valgus" in after.text


def test_pending_job_shows_a_polling_progress_bar(
    world: World, clinician: tuple[TestClient, str], tmp_path: Path
) -> None:
    held = HeldQueue()
    world.container.jobs = held  # type: ignore[assignment]
    client, csrf = clinician
    pid = world.patient.id
    clip = write_video(tmp_path / "shape.mp4", frames=20)
    resp = client.post(f"/patients/{pid}/movement", data={"csrf_token": csrf, "test": "squat"},
                       files=_files(clip))  # fmt: skip
    assert resp.status_code == 303 and len(held.ids) == 1
    page = client.get(resp.headers["location"]).text
    assert f'data-job-url="/api/v1/patients/{pid}/jobs/{held.ids[0]}"' in page
    job = client.get(f"/api/v1/patients/{pid}/jobs/{held.ids[0]}").json()
    assert job["status"] == "pending" and job["kind"] == "movement.analyze"


def test_upload_form_errors_are_shown_on_the_tab(
    world: World, clinician: tuple[TestClient, str], tmp_path: Path
) -> None:
    client, csrf = clinician
    junk = tmp_path / "notes.mp4"
    junk.write_bytes(b"this is a shopping list, not a video" * 50)
    resp = client.post(f"/patients/{world.patient.id}/movement",
                       data={"csrf_token": csrf, "test": "squat"}, files=_files(junk))  # fmt: skip
    assert resp.status_code == 400 and "clip.mp4 is not a video file PainPath can read" in resp.text
    none = client.post(f"/patients/{world.patient.id}/movement",
                       data={"csrf_token": csrf, "test": "squat"})  # fmt: skip
    assert none.status_code == 400 and "choose a video file" in none.text
    assert not [p for p in Path(world.container.extras["video_dir"]).rglob("*") if p.is_file()]


def test_patient_phone_page_uploads_and_shows_status(
    world: World, patient: tuple[TestClient, str], tmp_path: Path
) -> None:
    client, csrf = patient
    home = client.get("/me")
    assert "Record a movement video" in home.text and 'href="/me/movement"' in home.text
    page = client.get("/me/movement")
    assert 'accept="video/*" capture="environment"' in page.text and "View: front" in page.text
    clip = write_video(tmp_path / "shape.mp4", frames=20)
    resp = client.post("/me/movement", data={"csrf_token": csrf, "test": "squat"},
                       files=_files(clip, "IMG_0001.MOV"))  # fmt: skip
    assert resp.status_code == 303 and resp.headers["location"] == "/me/movement?sent=1"
    status = client.get(resp.headers["location"]).text
    assert "your video is being analysed" in status
    assert "no person was found in the video" in status  # the real pose model saw no one


def test_api_upload_list_get_delete(
    world: World, clinician: tuple[TestClient, str], patient: tuple[TestClient, str],
    valgus_clip: Path,
) -> None:  # fmt: skip
    p_client, p_csrf = patient
    pid = world.patient.id
    headers = {"x-csrf-token": p_csrf}
    resp = p_client.post(f"/api/v1/patients/{pid}/videos", headers=headers,
                         data={"test": "single-leg-squat", "side": "right"},
                         files=_files(valgus_clip))  # fmt: skip
    assert resp.status_code == 202, resp.text
    body = resp.json()
    assert body["job_url"].endswith(body["job_id"]) and len(body["sha256"]) == 64
    listed = p_client.get(f"/api/v1/patients/{pid}/videos").json()
    assert [v["id"] for v in listed] == [body["file_id"]] and listed[0]["status"] == "done"
    one = p_client.get(f"/api/v1/patients/{pid}/videos/{body['file_id']}").json()
    assert "dynamic_knee_valgus" in {f["code"] for f in one["analysis"]["findings"]}
    c_client, c_csrf = clinician
    tab = f"/patients/{pid}/tab/movement?video={body['file_id']}"
    assert 'data-testid="attach-findings"' in c_client.get(tab).text  # a patient's upload
    attach = c_client.post(f"/patients/{pid}/movement/{body['file_id']}/attach",
                           data={"csrf_token": c_csrf})  # fmt: skip
    assert attach.status_code == 303
    assert 'data-testid="attach-findings"' not in c_client.get(tab).text
    url = f"/api/v1/patients/{pid}/videos/{body['file_id']}"
    assert p_client.delete(url, headers=headers).status_code == 403  # patients cannot delete
    no_reason = c_client.delete(url, headers={"x-csrf-token": c_csrf})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["message"]
    done = c_client.delete(url + "?reason=duplicate", headers={"x-csrf-token": c_csrf})
    assert done.status_code == 200
    assert c_client.get(url).json()["video_available"] is False


def test_a_clinician_of_another_clinic_cannot_see_the_video(
    world: World, patient: tuple[TestClient, str], tmp_path: Path
) -> None:
    p_client, p_csrf = patient
    pid = world.patient.id
    clip = write_video(tmp_path / "shape.mp4", frames=20)
    up = p_client.post(f"/api/v1/patients/{pid}/videos", headers={"x-csrf-token": p_csrf},
                       data={"test": "squat"}, files=_files(clip)).json()  # fmt: skip
    other, _ = _client(world.container, "clin@b.test")
    for path in (f"/patients/{pid}/movement/{up['file_id']}/video",
                 f"/api/v1/patients/{pid}/videos/{up['file_id']}"):  # fmt: skip
        assert other.get(path).status_code == 403


def _chunks(body: bytes) -> Iterator[bytes]:
    for i in range(0, len(body), 64 * 1024):
        yield body[i : i + 64 * 1024]


def test_too_large_uploads_get_413_and_the_server_keeps_running(
    world: World, clinician: tuple[TestClient, str], tmp_path: Path
) -> None:
    world.container.extras["max_video_bytes"] = 100_000
    client, csrf = clinician
    pid = world.patient.id
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * 1_300_000)  # above the limit plus the 1 MB form allowance
    api = client.post(f"/api/v1/patients/{pid}/videos", headers={"x-csrf-token": csrf},
                      data={"test": "squat"}, files=_files(big))  # fmt: skip
    assert api.status_code == 413 and "limit of 0 MB" not in api.text
    assert "larger than the video limit" in api.json()["error"]["message"]
    page = client.post(f"/patients/{pid}/movement", data={"csrf_token": csrf, "test": "squat"},
                       files=_files(big))  # fmt: skip
    assert page.status_code == 413 and "Too large" in page.text
    # no Content-Length (chunked): the body is cut off once it passes the limit
    boundary = "pp-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="test"\r\n\r\nsquat\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n'
            "Content-Type: video/mp4\r\n\r\n").encode() + b"\0" * 1_300_000 + \
        f"\r\n--{boundary}--\r\n".encode()  # fmt: skip
    form_type = f"multipart/form-data; boundary={boundary}"
    chunked = client.post(f"/api/v1/patients/{pid}/videos", content=_chunks(body),
                          headers={"x-csrf-token": csrf, "content-type": form_type})  # fmt: skip
    assert chunked.status_code == 413
    # just under the byte cap but over the service's own limit: 413 from the streaming copy
    mid = tmp_path / "mid.mp4"
    mid.write_bytes(b"\0" * 150_000)
    capped = client.post(f"/api/v1/patients/{pid}/videos", headers={"x-csrf-token": csrf},
                         data={"test": "squat"}, files=_files(mid))  # fmt: skip
    assert capped.status_code == 413 and "larger than the limit" in capped.text
    assert client.get(f"/api/v1/patients/{pid}/videos").json() == []
    assert not [p for p in Path(world.container.extras["video_dir"]).rglob("*") if p.is_file()]


def test_synthetic_demo_analysis_shows_on_first_click(
    world: World, clinician: tuple[TestClient, str]
) -> None:
    seq = single_leg_squat_recording(side=Side.RIGHT, valgus_deg=15.0, noise_px=1.0, seed=7)
    payload = synthetic_payload(
        seq, analyze_movement(seq, test="single-leg-squat", side=Side.RIGHT)
    )
    store_synthetic_analysis(world.ctx(world.clinician), patient_id=world.patient.id,
                             key="demo-single-leg-squat", payload=payload)  # fmt: skip
    client, _ = clinician
    page = client.get(f"/patients/{world.patient.id}/tab/movement")
    assert SYNTHETIC_LABEL in page.text and "Dynamic knee valgus" in page.text
    assert "data-plot=" in page.text and "Delete the video" not in page.text


def test_patient_sees_why_a_video_gave_no_results_and_that_the_retake_worked(
    world: World, patient: tuple[TestClient, str]
) -> None:
    """The demo's Maria: a sit-to-stand she walked out of at 0:04 (withheld, with the cause and
    what to do), then a complete retake (done, no quality message)."""
    whole = sit_to_stand_recording(reps=5, noise_px=1.0, seed=5)
    for key, seq in (("demo-sit-to-stand-1", left_picture(whole, at_s=4.0)),
                     ("demo-sit-to-stand-2", whole)):  # fmt: skip
        payload = synthetic_payload(seq, analyze_movement(seq, test="sit-to-stand"))
        store_synthetic_analysis(world.ctx(world.clinician), patient_id=world.patient.id,
                                 key=key, payload=payload)  # fmt: skip
    client, _ = patient
    page = client.get("/me/movement").text
    items = page.split('data-testid="video-item"')[1:]
    assert len(items) == 2
    cut, retake = sorted(items, key=lambda item: "left the picture" not in item)
    assert "The person left the picture at 0:04" in cut and "nothing is concluded" in cut
    assert "Keep the whole body in the picture" in cut
    assert "will go through the results with you" not in cut
    assert "left the picture" not in retake and "will go through the results with you" in retake


def test_clinician_reads_a_count_as_a_whole_number_and_why_a_video_was_withheld(
    world: World, clinician: tuple[TestClient, str]
) -> None:
    whole = sit_to_stand_recording(reps=5, noise_px=1.0, seed=5)
    records = {}
    for key, seq in (("cut", left_picture(whole, at_s=4.0)), ("whole", whole)):
        payload = synthetic_payload(seq, analyze_movement(seq, test="sit-to-stand"))
        records[key] = store_synthetic_analysis(
            world.ctx(world.clinician), patient_id=world.patient.id,
            key=f"demo-sit-to-stand-{key}", payload=payload)  # fmt: skip
    client, _ = clinician
    tab = f"/patients/{world.patient.id}/tab/movement"
    page = client.get(f"{tab}?video={records['whole'].record_id}").text
    row = re.search(r"<td>Sit to stand reps.*?</tr>", page, re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(0), re.S)
    assert [c.strip() for c in cells[1:3]] == ["", "5"]  # no side, not "none"; not "5.00 count"
    cut = client.get(f"{tab}?video={records['cut'].record_id}").text
    assert "The person left the picture at 0:04" in cut and "Sit to stand reps" not in cut


def test_reach_chart_follows_the_camera_view(
    world: World, clinician: tuple[TestClient, str]
) -> None:
    seq = reach_recording(view="front", hiking_m=0.04, noise_px=1.0, seed=11)
    payload = synthetic_payload(seq, analyze_movement(seq, test="overhead-reach"))
    record = store_synthetic_analysis(world.ctx(world.clinician), patient_id=world.patient.id,
                                      key="demo-overhead-reach", payload=payload)  # fmt: skip
    client, _ = clinician
    page = client.get(f"/patients/{world.patient.id}/tab/movement?video={record.record_id}")
    plot = json.loads(re.search(r"data-plot='([^']+)'", page.text).group(1))  # type: ignore[union-attr]
    assert plot["layout"]["title"]["text"] == "Shoulder abduction"
    assert [t["name"] for t in plot["data"]] == [
        "Shoulder abduction left (°)",
        "Shoulder abduction right (°)",
    ]
    assert "Shoulder hiking" in page.text and "0.11 trunk lengths" in page.text


def test_a_video_that_would_occupy_the_worker_for_hours_gets_a_clear_400(
    world: World, clinician: tuple[TestClient, str], tmp_path: Path
) -> None:
    """Issue 12: a small file of many tiny frames at 1000 fps is refused before the job starts,
    with nothing stored (no file, no row, no job)."""
    client, csrf = clinician
    pid = world.patient.id
    fast = write_video(tmp_path / "fast.mp4", frames=1500, width=16, height=16, fps=1000)
    api = client.post(f"/api/v1/patients/{pid}/videos", headers={"x-csrf-token": csrf},
                      data={"test": "squat"}, files=_files(fast))  # fmt: skip
    assert api.status_code in (400, 422), api.text
    assert "1000 frames per second" in api.json()["error"]["message"]
    page = client.post(f"/patients/{pid}/movement", data={"csrf_token": csrf, "test": "squat"},
                       files=_files(fast))  # fmt: skip
    assert page.status_code == 400 and "frames per second" in page.text
    assert client.get(f"/api/v1/patients/{pid}/videos").json() == []
    assert not [p for p in Path(world.container.extras["video_dir"]).rglob("*") if p.is_file()]
    with world.container.uow() as uow:
        assert uow.jobs.for_patient(pid, limit=10) == []
