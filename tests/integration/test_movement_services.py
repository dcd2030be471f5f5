"""Movement video services: upload limits and bad input, the analysis job, reading, deleting."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import func, select

from painpath.adapters.db.tables import JobRow, StoredFileRow
from painpath.bootstrap import Container
from painpath.domain.accounts import Actor, Role
from painpath.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied, VideoError
from painpath.domain.movement.pose import PoseSequence
from painpath.domain.movement.scenarios import single_leg_squat_recording
from painpath.domain.records import RecordKind
from painpath.domain.types import Side
from painpath.services.jobs import JOB_HANDLERS, run_job
from painpath.services.movement import (
    ANALYZE_KIND,
    UploadTooLarge,
    delete_video,
    get_analysis,
    list_videos,
    upload_video,
    video_file_for_download,
    video_image,
)
from painpath.services.movement_analysis import attach_video_findings
from painpath.services.patients import NewPatient, create_patient
from tests.conftest import PASSWORD, World, build_world
from tests.integration.pose.pose_videos import write_audio_only, write_video


class ScenarioEstimator:
    """A pose backend that replays a domain scenario (known valgus) on the real video's frames
    and timestamps, scaled to the frame size: proves findings travel from analysis to record."""

    source = "synthetic-scenario"

    def __init__(self, seq: PoseSequence) -> None:
        self.seq = seq

    def estimate(
        self, frames: Iterable[Any], *, transform: Any = None, on_progress: Any = None
    ) -> PoseSequence:
        times = []
        for i, (t_s, _rgb) in enumerate(frames, start=1):
            times.append(t_s)
            if on_progress is not None:
                on_progress(i)
        n = len(times)
        w, h = transform.original_size
        scale = np.array([w / self.seq.frame_size[0], h / self.seq.frame_size[1]])
        return PoseSequence(
            t_s=np.array(times),
            image_xy=self.seq.image_xy[:n] * scale,
            confidence=self.seq.confidence[:n],
            frame_size=(w, h),
            world_xyz=None if self.seq.world_xyz is None else self.seq.world_xyz[:n],
            source=self.source,
        )


class HeldQueue:
    """Keeps enqueued job ids instead of running them, so a test runs each job itself."""

    def __init__(self) -> None:
        self.ids: list[str] = []

    def enqueue(self, job_id: str, kind: str, payload: Any) -> None:
        self.ids.append(job_id)


@pytest.fixture
def held(world: World) -> HeldQueue:
    queue = HeldQueue()
    world.container.jobs = queue  # type: ignore[assignment]
    return queue


def _counts(container: Container, patient_id: str) -> tuple[int, int]:
    with container.uow() as uow:
        files = uow.session.scalar(
            select(func.count())
            .select_from(StoredFileRow)
            .where(StoredFileRow.patient_id == patient_id)
        )
        jobs = uow.session.scalar(
            select(func.count()).select_from(JobRow).where(JobRow.patient_id == patient_id)
        )
    return int(files or 0), int(jobs or 0)


def _files_on_disk(container: Container) -> list[Path]:
    root = Path(container.extras["video_dir"])
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _upload(world: World, path: Path, *, actor: Any = None, **kw: Any) -> Any:
    ctx = world.ctx(actor or world.clinician)
    with open(path, "rb") as fh:
        return upload_video(
            ctx,
            patient_id=world.patient.id,
            filename=kw.pop("filename", path.name),
            stream=fh,
            test=kw.pop("test", "squat"),
            **kw,
        )


def _bad(tmp_path: Path, kind: str, container: Container) -> Path:
    path = tmp_path / f"{kind}.mp4"
    if kind == "zero-bytes":
        path.write_bytes(b"")
    elif kind == "truncated":
        data = write_video(tmp_path / "whole.mp4", frames=60).read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "random-bytes":
        path.write_bytes(np.random.default_rng(1).bytes(50_000))
    elif kind == "audio-only":
        path = write_audio_only(tmp_path / "voice.m4a")
    elif kind == "too-long":
        container.extras["max_video_seconds"] = 1.0
        write_video(path, frames=60, fps=30)
    elif kind == "enormous-resolution":
        write_video(path, frames=10, width=4160, height=64)
    elif kind == "too-many-bytes":
        write_video(path, frames=30)
        container.extras["max_video_bytes"] = path.stat().st_size - 1
    return path


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("zero-bytes", "empty"),
        ("truncated", "truncated"),
        ("random-bytes", "not a video"),
        ("audio-only", "only audio"),
        ("too-long", "limit is 1 s"),
        ("enormous-resolution", "4160x64"),
        ("too-many-bytes", "larger than the limit"),
    ],
)
def test_bad_input_is_refused_clearly_and_nothing_is_kept(
    world: World, tmp_path: Path, kind: str, words: str
) -> None:
    container = world.container
    path = _bad(tmp_path, kind, container)
    with pytest.raises(VideoError) as err:
        _upload(world, path)
    assert words in str(err.value) and ".part" not in str(err.value)
    assert "Traceback" not in str(err.value) and len(str(err.value)) < 200
    assert _counts(container, world.patient.id) == (0, 0)
    assert _files_on_disk(container) == []
    if kind == "too-many-bytes":
        assert isinstance(err.value, UploadTooLarge)


def test_choices_are_checked_before_any_byte_is_stored(world: World, tmp_path: Path) -> None:
    path = write_video(tmp_path / "ok.mp4", frames=20)
    with pytest.raises(InvalidInput, match="choose a movement test"):
        _upload(world, path, test="jumping-jacks")
    with pytest.raises(InvalidInput, match="side must be"):
        _upload(world, path, side="up")
    with pytest.raises(VideoError, match="four fractions"):
        _upload(world, path, roi="half")
    assert _counts(world.container, world.patient.id) == (0, 0)
    assert _files_on_disk(world.container) == []


def _patient_of_clinic_b(world: World) -> Actor:
    ctx = world.ctx(world.other_clinician)
    new = NewPatient("Bea", "Bee", None, None, None, "bea@b.test", account_password=PASSWORD)
    patient = create_patient(ctx, new=new)
    with world.container.uow() as uow:
        user = uow.users.by_patient(patient.id)
    assert user is not None and user.clinic_id == world.other_clinician.clinic_id
    return Actor(user.id, Role.PATIENT, user.clinic_id, user.name, patient.id)


def test_a_patient_of_another_clinic_cannot_upload_or_download(
    world: World, tmp_path: Path
) -> None:
    path = write_video(tmp_path / "ok.mp4", frames=20)
    with pytest.raises(PermissionDenied):
        _upload(world, path, actor=world.other_clinician)
    with pytest.raises(PermissionDenied):
        _upload(world, path, actor=world.other_patient_actor)
    assert _files_on_disk(world.container) == []
    up = _upload(world, path, actor=world.patient_actor)
    for outsider in (world.other_clinician, world.other_patient_actor, world.admin,
                     _patient_of_clinic_b(world)):  # fmt: skip
        with pytest.raises(PermissionDenied):
            video_file_for_download(world.ctx(outsider), patient_id=world.patient.id,
                                    file_id=up.file.id)  # fmt: skip
    with pytest.raises(NotFound):  # a file id of this patient asked through another patient
        video_file_for_download(
            world.ctx(world.other_clinician),
            patient_id=world.foreign_patient.id,
            file_id=up.file.id,
        )


def test_video_without_a_person_finishes_with_plain_quality_messages(
    world: World, tmp_path: Path, held: HeldQueue
) -> None:
    path = write_video(tmp_path / "shape.mp4", frames=20)
    up = _upload(world, path, filename="../../etc/My clip.mp4")
    stored = Path(world.container.extras["video_dir"]) / up.file.storage_key / "original"
    assert stored.read_bytes() == path.read_bytes()
    assert up.file.filename == "My clip.mp4" and up.file.content_type == "video/mp4"
    assert up.job.status == "pending" and up.job.payload["file_id"] == up.file.id
    run_job(world.container.context(), up.job.id)  # the real BlazePose backend
    item = get_analysis(world.ctx(world.clinician), patient_id=world.patient.id,
                        file_id=up.file.id)  # fmt: skip
    assert item.job is not None and item.job.status == "done", item.job.message
    assert item.status == "done" and item.payload["frames_with_person"] == 0
    assert any("no person was found in the video" in m for m in item.failed_checks)
    assert item.payload["findings"] == [] and item.payload["images"] == []
    assert item.job.result is not None and item.job.result["quality_passed"] is False
    with pytest.raises(NotFound, match="not drawn"):
        video_image(world.ctx(world.clinician), patient_id=world.patient.id,
                    file_id=up.file.id, name="keyframes")  # fmt: skip


def _valgus_video(world: World, tmp_path: Path) -> tuple[Path, PoseSequence]:
    seq = single_leg_squat_recording(side=Side.RIGHT, valgus_deg=18.0, fps=15, reps=2,
                                     period_s=2.0, pause_s=0.5, noise_px=0.5)  # fmt: skip
    world.container.extras["pose_estimator_factory"] = lambda: ScenarioEstimator(seq)
    return write_video(tmp_path / "sls.mp4", frames=seq.n_frames, width=180, height=320,
                       fps=15), seq  # fmt: skip


def test_findings_reach_the_record_and_the_examination(
    world: World, tmp_path: Path, held: HeldQueue
) -> None:
    path, _ = _valgus_video(world, tmp_path)
    up = _upload(world, path, test="single-leg-squat", side="right")
    assert held.ids == [up.job.id]  # enqueued once the upload committed
    messages: list[tuple[float, str]] = []
    with world.container.uow() as uow:
        job = uow.jobs.get(up.job.id)
    assert job is not None
    result = JOB_HANDLERS[ANALYZE_KIND](world.container.context(), job,
                                        lambda f, m: messages.append((f, m)))  # fmt: skip
    assert any(m.startswith("decoding and finding the body: ") and m.endswith("%")
               for _, m in messages), (messages, result)  # fmt: skip
    assert [f for f, _ in messages] == sorted(f for f, _ in messages)
    item = get_analysis(world.ctx(world.clinician), patient_id=world.patient.id,
                        file_id=up.file.id)  # fmt: skip
    codes = {f["code"] for f in item.payload["findings"]}
    assert "dynamic_knee_valgus" in codes and result["findings"] == len(item.payload["findings"])
    assert item.payload["side"] == "right" and len(item.payload["reps"]) == 2
    assert item.payload["findings_attached"] is True and item.failed_checks == []
    with world.container.uow() as uow:
        exam = uow.records.current_by_key(kind=RecordKind.EXAMINATION,
                                          patient_id=world.patient.id,
                                          natural_key="examination")  # fmt: skip
    assert exam is not None
    assert "dynamic_knee_valgus" in {f["code"] for f in exam.payload["findings"]}
    for name in ("keyframes", "angles"):
        png = video_image(world.ctx(world.patient_actor), patient_id=world.patient.id,
                          file_id=up.file.id, name=name)  # fmt: skip
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_patients_upload_keeps_findings_for_the_clinician(world: World, tmp_path: Path) -> None:
    path, _ = _valgus_video(world, tmp_path)
    up = _upload(world, path, actor=world.patient_actor, test="single-leg-squat", side="right")
    run_job(world.container.context(), up.job.id)
    item = get_analysis(world.ctx(world.patient_actor), patient_id=world.patient.id,
                        file_id=up.file.id)  # fmt: skip
    assert item.payload["findings"] and item.payload["findings_attached"] is False
    assert "until a clinician reviews them" in item.payload["findings_note"]
    run_job(world.container.context(), up.job.id)  # not pending any more: nothing happens
    assert len(list_videos(world.ctx(world.clinician), patient_id=world.patient.id)) == 1
    with pytest.raises(PermissionDenied):
        attach_video_findings(world.ctx(world.patient_actor), patient_id=world.patient.id,
                              file_id=up.file.id)  # fmt: skip
    ctx = world.ctx(world.clinician)
    added = attach_video_findings(ctx, patient_id=world.patient.id, file_id=up.file.id)
    assert added == len(item.payload["findings"])
    with world.container.uow() as uow:
        exam = uow.records.current_by_key(kind=RecordKind.EXAMINATION,
                                          patient_id=world.patient.id,
                                          natural_key="examination")  # fmt: skip
    assert exam is not None
    video_codes = [f["code"] for f in exam.payload["findings"] if f["source"] == "video"]
    assert sorted(video_codes) == sorted(f["code"] for f in item.payload["findings"])
    again = get_analysis(ctx, patient_id=world.patient.id, file_id=up.file.id)
    assert again.payload["findings_attached"] is True
    with pytest.raises(Conflict, match="already"):
        attach_video_findings(ctx, patient_id=world.patient.id, file_id=up.file.id)


def test_delete_is_audited_removes_the_file_and_keeps_the_analysis(
    world: World, tmp_path: Path
) -> None:
    path, _ = _valgus_video(world, tmp_path)
    up = _upload(world, path, test="single-leg-squat", side="right")
    run_job(world.container.context(), up.job.id)
    folder = Path(world.container.extras["video_dir"]) / up.file.storage_key
    assert (folder / "keyframes.png").is_file()
    ctx = world.ctx(world.clinician)
    with pytest.raises(InvalidInput, match="reason"):
        delete_video(ctx, patient_id=world.patient.id, file_id=up.file.id, reason=" ")
    with pytest.raises(PermissionDenied):  # the patient may upload, not delete
        delete_video(world.ctx(world.patient_actor), patient_id=world.patient.id,
                     file_id=up.file.id, reason="mine")  # fmt: skip
    delete_video(ctx, patient_id=world.patient.id, file_id=up.file.id, reason="filmed a visitor")
    assert not folder.exists() and _files_on_disk(world.container) == []
    item = get_analysis(ctx, patient_id=world.patient.id, file_id=up.file.id)
    assert (
        not item.video_available and item.payload["video_deleted"]["reason"] == "filmed a visitor"
    )
    assert item.record is not None and item.record.version == 2
    with pytest.raises(NotFound, match="deleted"):
        video_file_for_download(ctx, patient_id=world.patient.id, file_id=up.file.id)
    with world.container.uow() as uow:
        events = uow.audit.search(patient_id=world.patient.id, action="video.delete")
    newest_first = [(e.outcome, e.actor_user_id, e.detail.get("fields")) for e in events]
    assert newest_first == [
        ("ok", world.clinician.user_id, ["reason"]),  # the reason's text is in the record
        ("denied", world.patient_actor.user_id, None),
    ]
    assert all("visitor" not in str(e.detail) for e in events)


def test_a_video_damaged_in_storage_fails_the_job_with_its_message(
    world: World, tmp_path: Path, held: HeldQueue
) -> None:
    up = _upload(world, write_video(tmp_path / "ok.mp4", frames=20))
    stored = Path(world.container.extras["video_dir"]) / up.file.storage_key / "original"
    stored.write_bytes(stored.read_bytes()[:300])
    run_job(world.container.context(), up.job.id)
    with world.container.uow() as uow:
        job = uow.jobs.get(up.job.id)
    assert job is not None and job.status == "failed"
    assert "truncated or damaged" in job.message and "Traceback" not in job.message
    items = list_videos(world.ctx(world.clinician), patient_id=world.patient.id)
    assert [(i.status, i.record) for i in items] == [("failed", None)]


def test_the_whole_flow_on_sqlite_and_postgresql(any_container: Container, tmp_path: Path) -> None:
    world = build_world(any_container)
    path, _ = _valgus_video(world, tmp_path)
    up = _upload(world, path, test="single-leg-squat", side="right")  # the job runs inline
    ctx = world.ctx(world.clinician)
    [item] = list_videos(ctx, patient_id=world.patient.id)
    assert item.id == up.file.id and item.status == "done" and item.payload["findings_attached"]
    delete_video(ctx, patient_id=world.patient.id, file_id=up.file.id, reason="duplicate")
    [kept] = list_videos(ctx, patient_id=world.patient.id)
    assert not kept.video_available and kept.record is not None and kept.record.version == 2
    assert _files_on_disk(any_container) == []


def test_leftovers_of_crashed_uploads_are_swept(world: World, tmp_path: Path) -> None:
    incoming = Path(world.container.extras["video_dir"]) / "incoming"
    incoming.mkdir(parents=True)
    old, recent = incoming / "old.part", incoming / "recent.part"
    old.write_bytes(b"x")
    recent.write_bytes(b"y")
    os.utime(old, (time.time() - 2 * 86_400, time.time() - 2 * 86_400))
    _upload(world, write_video(tmp_path / "ok.mp4", frames=20))
    assert not old.exists() and recent.exists()  # another upload may still be writing it
