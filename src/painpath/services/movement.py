"""Movement videos: upload, background analysis, results, download and deletion.

Upload streams the file to a temporary path under ``extras["video_dir"]`` (capped at
``max_video_bytes``, hashed while streaming), probes it with the video limits, and only then
moves it to ``<video_dir>/<random uuid>/original`` and records the ``stored_files`` row and a
``movement.analyze`` job in one transaction; the job is enqueued after commit. A file that fails
any check leaves nothing behind: no file, no row, no job. The user's filename is kept only as
a label, never used on disk.

The analysis job itself lives in ``services.movement_analysis``.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import shutil
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from painpath.adapters.pose.limits import VideoLimits, VideoTooLarge
from painpath.adapters.pose.pipeline import TESTS
from painpath.adapters.pose.video import parse_roi, probe_video
from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput, NotFound, VideoError
from painpath.domain.jobs import Job, StoredFile
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.context import Call, ServiceContext, authorize_patient, operation

__all__ = [
    "ANALYZE_KIND",
    "IMAGES",
    "ORIGINAL",
    "TEST_LABELS",
    "UploadTooLarge",
    "VideoDownload",
    "VideoItem",
    "VideoUpload",
    "analysis_for",
    "check_choices",
    "delete_video",
    "get_analysis",
    "list_videos",
    "size_text",
    "upload_video",
    "video_file_for_download",
    "video_folder",
    "video_image",
    "video_limits",
]

log = logging.getLogger(__name__)

ANALYZE_KIND = "movement.analyze"
CHUNK_BYTES = 1024 * 1024
IMAGES = {"keyframes": "keyframes.png", "angles": "angles.png"}  # public name -> file
ORIGINAL = "original"
_KEY = re.compile(r"^[0-9a-f]{32}$")
TEST_LABELS: dict[str, str] = {
    "squat": "Squat (both legs)",
    "single-leg-squat": "Single-leg squat",
    "single-leg-stance": "Single-leg stance",
    "sit-to-stand": "Sit to stand",
    "overhead-reach": "Overhead reach",
    "gait": "Walking (gait)",
    "kinematics": "Joint angles only (any movement)",
}
assert set(TEST_LABELS) == set(TESTS)


def size_text(n_bytes: int) -> str:
    """Bytes as megabytes for people: ``200 MB``, ``0.1 MB``."""
    mb = n_bytes / 1e6
    return f"{mb:.0f} MB" if mb >= 10 else f"{mb:.2g} MB"


class UploadTooLarge(VideoTooLarge):
    """The upload is bigger than ``max_video_bytes`` (the web edge answers 413)."""


@dataclass(frozen=True)
class VideoUpload:
    file: StoredFile
    job: Job


@dataclass(frozen=True)
class VideoDownload:
    path: Path
    filename: str
    content_type: str
    size_bytes: int


@dataclass(frozen=True)
class VideoItem:
    """One video and what became of it; ``id`` is the file id (or the record id of a
    synthetic demo analysis, which has no file)."""

    id: str
    file: StoredFile | None
    job: Job | None
    record: RecordVersion | None

    @property
    def payload(self) -> Mapping[str, Any]:
        return self.record.payload if self.record else {}

    @property
    def status(self) -> str:
        if self.record is not None:
            return "done"
        return self.job.status if self.job else "pending"

    @property
    def test(self) -> str:
        return str(self.payload.get("test") or (self.job.payload.get("test") if self.job else ""))

    @property
    def video_available(self) -> bool:
        return self.file is not None and not self.file.deleted

    @property
    def failed_checks(self) -> list[str]:
        return [q["message"] for q in self.payload.get("quality", []) if not q.get("passed")]

    @property
    def created_at(self) -> Any:
        return self.file.created_at if self.file else self.record.created_at  # type: ignore[union-attr]


# ---------------------------------------------------------------- upload


def video_limits(ctx: ServiceContext) -> VideoLimits:
    default = VideoLimits()
    return VideoLimits(
        max_bytes=int(ctx.extras.get("max_video_bytes", default.max_bytes)),
        max_duration_s=float(ctx.extras.get("max_video_seconds", default.max_duration_s)),
    )


def _video_dir(ctx: ServiceContext) -> Path:
    root = ctx.extras.get("video_dir")
    if root is None:
        raise InvalidInput("video storage is not configured")
    return Path(root)


def video_folder(ctx: ServiceContext, f: StoredFile) -> Path:
    if not _KEY.match(f.storage_key):  # storage keys are ours; anything else is tampering
        raise NotFound("no such video")
    return _video_dir(ctx) / f.storage_key


def check_choices(
    test: str, side: str | None, roi: str | None
) -> tuple[str, str | None, list[float] | None]:
    """Validate the test, side (left/right/none) and ROI text; return them normalised."""
    if test not in TESTS:
        raise InvalidInput(f"choose a movement test: {', '.join(TESTS)}")
    side = (side or "").strip().lower() or None
    if side not in (None, "left", "right"):
        raise InvalidInput("the side must be left, right or empty")
    box = parse_roi(roi.strip()) if roi and roi.strip() else None
    return test, side, None if box is None else [box.x0, box.y0, box.x1, box.y1]


def _copy_capped(stream: IO[bytes], target: Path, max_bytes: int) -> tuple[int, str]:
    """Copy ``stream`` to ``target`` in chunks; refuse past ``max_bytes``; return size, sha256."""
    digest = hashlib.sha256()
    size = 0
    with open(target, "wb") as out:
        while chunk := stream.read(CHUNK_BYTES):
            size += len(chunk)
            if size > max_bytes:
                raise UploadTooLarge(
                    f"the video is larger than the limit of {size_text(max_bytes)};"
                    " trim the clip to the movement and try again"
                )
            digest.update(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _sniff_type(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "video/webm"
    if head[:4] == b"RIFF":
        return "video/x-msvideo"
    if head[4:8] == b"ftyp" and head[8:10] == b"qt":
        return "video/quicktime"
    return "video/mp4"


def _label(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name
    return re.sub(r"[^\w .()-]", "_", name)[:120] or "video"


def _sweep(incoming: Path, *, max_age_s: float = 86_400.0) -> None:
    """Create the folder for uploads in progress; remove leftovers of crashed uploads."""
    incoming.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - max_age_s
    for part in incoming.glob("*.part"):
        with contextlib.suppress(OSError):
            if part.stat().st_mtime < cutoff:
                part.unlink()


def upload_video(
    ctx: ServiceContext,
    *,
    patient_id: str,
    filename: str,
    stream: IO[bytes],
    test: str,
    side: str | None = None,
    roi: str | None = None,
) -> VideoUpload:
    """Store a movement video and queue its analysis (the patient, or a clinician of theirs).

    Access is checked before a byte is read; the copy and the probe run outside any database
    transaction (so a slow upload never holds the write lock), then ``_register`` stores the
    file row and the job in one audited transaction.
    """
    authorize_patient(ctx, Access.PATIENT_SELF_REPORT, patient_id)
    test, side, box = check_choices(test, side, roi)
    root = _video_dir(ctx)
    _sweep(root / "incoming")
    tmp = root / "incoming" / f"{uuid.uuid4().hex}.part"
    key = uuid.uuid4().hex
    try:
        size, sha = _copy_capped(stream, tmp, video_limits(ctx).max_bytes)
        try:
            probe_video(tmp, limits=video_limits(ctx))
        except VideoError as err:  # name the user's file, not our temporary one
            raise type(err)(str(err).replace(tmp.name, _label(filename))) from err
        content_type = _sniff_type(tmp)
        (root / key).mkdir()
        tmp.replace(root / key / ORIGINAL)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        return _register(
            ctx,
            patient_id=patient_id,
            fields={
                "filename": _label(filename),
                "content_type": content_type,
                "size_bytes": size,
                "sha256": sha,
                "storage_key": key,
            },
            job_payload={"test": test, "side": side, "roi": box},
        )
    except BaseException:
        shutil.rmtree(root / key, ignore_errors=True)
        raise


@operation(Access.PATIENT_SELF_REPORT, audit="video.upload")
def _register(
    call: Call, *, patient_id: str, fields: Mapping[str, Any], job_payload: Mapping[str, Any]
) -> VideoUpload:
    patient = call.the_patient
    stored = call.uow.files.add(
        patient_id=patient.id, clinic_id=patient.clinic_id, created_by=call.actor.user_id, **fields
    )
    job = call.uow.jobs.add(
        kind=ANALYZE_KIND,
        payload={"file_id": stored.id, **job_payload},
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        created_by=call.actor.user_id,
    )

    def enqueue() -> None:
        try:
            call.ctx.jobs.enqueue(job.id, job.kind, job.payload)
        except Exception:  # the job is stored as pending: workers pick it up when they start
            log.exception("could not enqueue video analysis %s; it stays pending", job.id)

    call.after_commit.append(enqueue)
    call.audit_detail.update(file_id=stored.id, job_id=job.id, bytes=stored.size_bytes)
    return VideoUpload(stored, job)


# ---------------------------------------------------------------- reading


def analysis_for(call: Call, patient_id: str, file_id: str) -> RecordVersion | None:
    return call.uow.records.current_by_key(
        kind=RecordKind.VIDEO_ANALYSIS, patient_id=patient_id, natural_key=file_id
    )


def _items(call: Call, patient_id: str) -> list[VideoItem]:
    records = call.uow.records.list_current(
        kind=RecordKind.VIDEO_ANALYSIS, patient_id=patient_id, newest_first=True
    )
    by_id: dict[str, VideoItem] = {}
    for job in reversed(call.uow.jobs.for_patient(patient_id, limit=200)):  # newest wins
        if job.kind == ANALYZE_KIND:
            fid = str(job.payload.get("file_id"))
            by_id[fid] = VideoItem(fid, call.uow.files.get(fid), job, None)
    for rec in records:
        rid = str(rec.payload.get("file_id") or rec.record_id)
        old = by_id.get(rid)
        f = old.file if old else call.uow.files.get(rid)
        by_id[rid] = VideoItem(rid, f, old.job if old else None, rec)
    items = [i for i in by_id.values() if i.record is not None or i.video_available]
    return sorted(items, key=lambda i: i.created_at, reverse=True)


@operation(Access.PATIENT_READ, audit="video.list")
def list_videos(call: Call, *, patient_id: str) -> list[VideoItem]:
    """Every video of the patient with its job and analysis, newest first."""
    return _items(call, patient_id)


def _item(call: Call, patient_id: str, item_id: str) -> VideoItem:
    f = call.uow.files.get(item_id)
    if f is not None and f.patient_id == patient_id:
        jobs = [
            j
            for j in call.uow.jobs.for_patient(patient_id, limit=200)
            if j.kind == ANALYZE_KIND and j.payload.get("file_id") == item_id
        ]
        return VideoItem(
            item_id, f, jobs[0] if jobs else None, analysis_for(call, patient_id, item_id)
        )
    try:
        rec = call.uow.records.current(item_id)
    except NotFound:
        rec = None
    ok = rec is not None and rec.kind is RecordKind.VIDEO_ANALYSIS and rec.patient_id == patient_id
    if rec is None or not ok or rec.voided:
        raise NotFound("no such video for this patient")
    return VideoItem(item_id, None, None, rec)


@operation(Access.PATIENT_READ, audit="video.analysis.read")
def get_analysis(call: Call, *, patient_id: str, file_id: str) -> VideoItem:
    call.audit_detail["file_id"] = file_id
    return _item(call, patient_id, file_id)


def _live_file(call: Call, patient_id: str, file_id: str) -> StoredFile:
    f = call.uow.files.get(file_id)
    if f is None or f.patient_id != patient_id:
        raise NotFound("no such video for this patient")
    if f.deleted:
        raise NotFound("this video was deleted; its analysis is kept")
    return f


@operation(Access.PATIENT_READ, audit="video.read")
def video_file_for_download(call: Call, *, patient_id: str, file_id: str) -> VideoDownload:
    f = _live_file(call, patient_id, file_id)
    path = video_folder(call.ctx, f) / ORIGINAL
    if not path.is_file():
        raise NotFound("the video file is missing from storage")
    call.audit_detail["file_id"] = file_id
    return VideoDownload(path, f.filename, f.content_type, f.size_bytes)


@operation(Access.PATIENT_READ, audit="video.image.read")
def video_image(call: Call, *, patient_id: str, file_id: str, name: str) -> Path:
    """Path of a derived picture (``keyframes`` or ``angles``) of a video that still exists."""
    if name not in IMAGES:
        raise NotFound("no such picture")
    path = video_folder(call.ctx, _live_file(call, patient_id, file_id)) / IMAGES[name]
    if not path.is_file():
        raise NotFound("this picture was not drawn (no person was found in the video)")
    call.audit_detail.update(file_id=file_id, image=name)
    return path


# ---------------------------------------------------------------- deleting


@operation(Access.PATIENT_CLINICAL, audit="video.delete")
def delete_video(call: Call, *, patient_id: str, file_id: str, reason: str) -> None:
    """Delete the video and its pictures; the analysis record stays (a clinical fact) and is
    revised to say the video is gone, and why."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("give a reason for deleting the video")
    f = _live_file(call, patient_id, file_id)
    folder = video_folder(call.ctx, f)
    call.uow.files.mark_deleted(file_id, by=call.actor.user_id, reason=reason)
    record = analysis_for(call, patient_id, file_id)
    if record is not None:
        gone = {"at": call.ctx.clock.now().isoformat(), "by": call.actor.user_id, "reason": reason}
        call.uow.records.revise(
            record.record_id,
            expected_version=record.version,
            payload={**record.payload, "video_deleted": gone},
            reason=f"video deleted: {reason}",
            created_by=call.actor.user_id,
        )
    # content goes only once the deletion is committed: a failed transaction loses nothing
    call.after_commit.append(lambda: shutil.rmtree(folder, ignore_errors=True))
    call.audit_detail.update(file_id=file_id, fields=["reason"])  # the reason is in the record
