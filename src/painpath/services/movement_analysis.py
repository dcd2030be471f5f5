"""The movement video analysis job, and analyses of synthetic recordings (the demo).

The job (kind ``movement.analyze``, queued by ``services.movement.upload_video``) re-checks
that the file still exists, analyses it (pose -> ``analyze_movement``) with progress, writes key
frames and the angle plot into the file's folder, attaches the findings to the examination
when its creator may (``services.assessment.add_findings``, acting as the creator), and stores a
VIDEO_ANALYSIS record whose natural key is the file id, so an analysis is stored once. A video
that fails the quality checks still finishes: the record carries the failed checks in plain
words. A ``VideoError`` fails the job with its message.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from painpath.adapters.pose.video import parse_roi
from painpath.domain.access import Access
from painpath.domain.accounts import Actor, Role
from painpath.domain.assessment.findings import Finding
from painpath.domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied, VideoError
from painpath.domain.jobs import Job, StoredFile
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.context import Call, ServiceContext, authorize_patient, operation
from painpath.services.jobs import Progress, job_handler
from painpath.services.movement import (
    ANALYZE_KIND,
    ORIGINAL,
    analysis_for,
    video_folder,
    video_limits,
)

__all__ = [
    "attach_findings",
    "attach_video_findings",
    "findings_from_payload",
    "store_synthetic_analysis",
]


@operation(Access.PATIENT_SELF_REPORT, audit="video.analysis.store")
def _store_analysis(
    call: Call, *, patient_id: str, natural_key: str, payload: Mapping[str, Any]
) -> RecordVersion:
    existing = analysis_for(call, patient_id, natural_key)
    if existing is not None:  # idempotent: one analysis per file
        return existing
    record = call.uow.records.add(
        kind=RecordKind.VIDEO_ANALYSIS,
        patient_id=patient_id,
        payload=payload,
        created_by=call.actor.user_id,
        natural_key=natural_key,
    )
    call.audit_detail.update(record_id=record.record_id, file_id=payload.get("file_id"))
    return record


def attach_findings(
    ctx: ServiceContext, *, patient_id: str, findings: Sequence[Finding], source: str
) -> tuple[bool, str]:
    """Add ``findings`` to the examination through ``assessment.add_findings`` when that
    exists and the actor may; return (attached, a sentence saying what happened)."""
    if not findings:
        return False, "No findings to add to the examination."
    try:
        from painpath.services.assessment import add_findings
    except ImportError:
        return False, "The findings are kept with this analysis only (no examination service)."
    try:
        add_findings(ctx, patient_id=patient_id, findings=list(findings), source=source)
    except PermissionDenied:
        return False, "The findings are kept with this analysis until a clinician reviews them."
    return True, f"{len(findings)} finding(s) were added to the examination."


def _creator(ctx: ServiceContext, job: Job) -> ServiceContext:
    with ctx.uow_factory() as uow:
        user = uow.users.get(job.created_by) if job.created_by is not None else None
    if user is None or not user.active:
        raise NotFound("the person who uploaded this video no longer has an account")
    actor = Actor(user.id, user.role, user.clinic_id, user.name, user.patient_id)
    return ctx.acting_as(actor, request_id=f"job-{job.id}")


def _progress_reporter(progress: Progress) -> Callable[[int, int], None]:
    last = [-1]

    def report(done: int, total: int) -> None:
        share = min(1.0, done / total) if total else 0.0
        pct = round(100 * share)
        if pct >= last[0] + 5 or (not total and done % 50 == 0):  # a DB write per 5 %
            last[0] = pct
            progress(0.05 + 0.8 * share, f"decoding and finding the body: {pct} %")

    return report


def _estimator(ctx: ServiceContext) -> Any:
    factory = ctx.extras.get("pose_estimator_factory")
    if factory is not None:  # tests and benchmarks plug in another backend
        return factory()
    from painpath.adapters.pose.pipeline import default_estimator

    return default_estimator()


def _still_there(ctx: ServiceContext, file_id: str) -> StoredFile | None:
    with ctx.uow_factory() as uow:
        f = uow.files.get(file_id)
    return None if f is None or f.deleted else f


def _analyse(ctx: ServiceContext, job: Job, f: StoredFile, progress: Progress) -> Any:
    """Decode + pose + analysis of the stored video, then its pictures; a VideoAnalysis."""
    from painpath.adapters.pose.outputs import write_outputs
    from painpath.adapters.pose.pipeline import analyze_video

    roi = job.payload.get("roi")
    progress(0.05, "decoding and finding the body: 0 %")
    result = analyze_video(
        video_folder(ctx, f) / ORIGINAL,
        test=str(job.payload["test"]),
        side=job.payload.get("side"),
        roi=None if roi is None else parse_roi(",".join(str(v) for v in roi)),
        limits=video_limits(ctx),
        estimator=_estimator(ctx),
        on_progress=_progress_reporter(progress),
    )
    progress(0.88, "drawing key frames and the angle plot")
    written = write_outputs(result, video_folder(ctx, f))
    return result, sorted(k for k in ("keyframes", "plot") if k in written)


@job_handler(ANALYZE_KIND)
def _run_analysis(ctx: ServiceContext, job: Job, progress: Progress) -> Mapping[str, Any]:
    from painpath.adapters.pose.outputs import build_payload

    file_id, patient_id = str(job.payload["file_id"]), str(job.patient_id)
    f = _still_there(ctx, file_id)
    if f is None:
        raise VideoError("the video was deleted before it could be analysed")
    with ctx.uow_factory() as uow:
        done = uow.records.current_by_key(
            kind=RecordKind.VIDEO_ANALYSIS, patient_id=patient_id, natural_key=file_id
        )
    if done is not None:  # idempotent: analysed already
        return {"record_id": done.record_id, "already_analysed": True}
    as_creator = _creator(ctx, job)
    result, images = _analyse(ctx, job, f, progress)
    if _still_there(ctx, file_id) is None:  # deleted meanwhile: leave nothing behind
        shutil.rmtree(video_folder(ctx, f), ignore_errors=True)
        raise VideoError("the video was deleted while it was being analysed")
    findings = list(result.analysis.findings)
    attached, note = attach_findings(
        as_creator, patient_id=patient_id, findings=findings, source="video"
    )
    payload = {**build_payload(result), "file_id": file_id, "label": f.filename,
               "images": images, "findings_note": note, "findings_attached": attached}  # fmt: skip
    record = _store_analysis(as_creator, patient_id=patient_id, natural_key=file_id,
                             payload=payload)  # fmt: skip
    failed = [q["message"] for q in payload["quality"] if not q.get("passed")]
    return {"record_id": record.record_id, "quality_passed": not failed, "messages": failed,
            "findings": len(findings), "findings_note": note}  # fmt: skip


# ---------------------------------------------------------------- findings of a patient's upload


def findings_from_payload(payload: Mapping[str, Any]) -> list[Finding]:
    """The analysis payload's findings (JSON) back as domain findings, validated."""
    from painpath.domain.assessment.intake import examination_from_mapping

    raw = [
        {k: v for k, v in f.items() if k != "compensation" and v is not None}
        for f in payload.get("findings") or []
    ]
    return list(examination_from_mapping({"findings": raw}).findings)


@operation(Access.PATIENT_CLINICAL, audit="video.findings.attached")
def _mark_attached(call: Call, *, patient_id: str, file_id: str, expected_version: int) -> None:
    record = analysis_for(call, patient_id, file_id)
    if record is None:
        raise NotFound("no analysis for this video")
    note = "The findings were added to the examination by a clinician."
    call.uow.records.revise(
        record.record_id,
        expected_version=expected_version,
        payload={**record.payload, "findings_attached": True, "findings_note": note},
        reason="findings added to the examination",
        created_by=call.actor.user_id,
    )
    call.audit_detail["file_id"] = file_id


def attach_video_findings(ctx: ServiceContext, *, patient_id: str, file_id: str) -> int:
    """A clinician adds the findings of an analysed video (e.g. one the patient filmed) to the
    examination; returns how many. Refused when they are there already."""
    from painpath.services.assessment import add_findings
    from painpath.services.movement import get_analysis

    authorize_patient(ctx, Access.PATIENT_CLINICAL, patient_id)
    item = get_analysis(ctx, patient_id=patient_id, file_id=file_id)
    if item.record is None:
        raise InvalidInput("this video has not been analysed yet")
    if item.payload.get("findings_attached"):
        raise Conflict("these findings are already in the examination")
    findings = findings_from_payload(item.payload)
    if not findings:
        raise InvalidInput("this analysis has no findings to add")
    add_findings(ctx, patient_id=patient_id, findings=findings, source="video")
    _mark_attached(
        ctx, patient_id=patient_id, file_id=file_id, expected_version=item.record.version
    )
    return len(findings)


# ---------------------------------------------------------------- synthetic (demo) analyses


@operation(Access.PATIENT_CLINICAL, audit="video.analysis.synthetic")
def store_synthetic_analysis(
    call: Call, *, patient_id: str, key: str, payload: Mapping[str, Any]
) -> RecordVersion:
    """Store an analysis of a synthetic recording (no video file); ``payload`` must say so."""
    if not str(payload.get("label", "")).startswith("synthetic"):
        raise InvalidInput("a synthetic analysis must be labelled as synthetic")
    if call.actor.role is not Role.CLINICIAN:
        raise PermissionDenied("only a clinician may store a synthetic analysis")
    existing = analysis_for(call, patient_id, key)
    if existing is not None:
        return existing
    return call.uow.records.add(
        kind=RecordKind.VIDEO_ANALYSIS,
        patient_id=patient_id,
        payload=payload,
        created_by=call.actor.user_id,
        natural_key=key,
    )
