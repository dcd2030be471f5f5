"""JSON API v1 for movement videos: upload (multipart), list, one analysis, delete.

The upload is ``multipart/form-data`` with the file in field ``video`` and the text fields
``test``, ``side`` (optional) and ``roi`` (optional ``x0,y0,x1,y1``). It answers 202 with the
file id and the job to poll (``GET /api/v1/patients/{patient_id}/jobs/{job_id}``); 413 when
the upload is above the size limit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from painpath.domain.access import Access
from painpath.services.movement import VideoItem, delete_video, get_analysis, list_videos
from painpath.web.pages.movement import UploadLimitRoute, store_upload
from painpath.web.security import RequestContext, add_route, request_context

__all__ = ["router"]

router = APIRouter(prefix="/api/v1", tags=["movement"], route_class=UploadLimitRoute)


def _summary(item: VideoItem) -> dict[str, Any]:
    job = item.job
    return {
        "id": item.id,
        "test": item.test,
        "status": item.status,
        "created_at": item.created_at.isoformat(),
        "filename": item.file.filename if item.file else None,
        "size_bytes": item.file.size_bytes if item.file else None,
        "video_available": item.video_available,
        "synthetic": bool(item.payload.get("synthetic")),
        "job": None
        if job is None
        else {"id": job.id, "status": job.status, "progress": job.progress, "message": job.message},
        "quality_passed": None if item.record is None else not item.failed_checks,
        "quality_messages": item.failed_checks,
    }


@add_route(router, "POST", "/patients/{patient_id}/videos", access=Access.PATIENT_SELF_REPORT,
           status_code=202)  # fmt: skip
async def api_upload_video(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> dict[str, Any]:
    """Upload a movement video (multipart field ``video``) and queue its analysis."""
    up = await store_upload(rc, patient_id, request)
    return {
        "file_id": up.file.id,
        "sha256": up.file.sha256,
        "size_bytes": up.file.size_bytes,
        "job_id": up.job.id,
        "job_url": f"/api/v1/patients/{patient_id}/jobs/{up.job.id}",
    }


@add_route(router, "GET", "/patients/{patient_id}/videos", access=Access.PATIENT_READ)
def api_list_videos(
    patient_id: str, rc: RequestContext = Depends(request_context)
) -> list[dict[str, Any]]:
    return [_summary(i) for i in list_videos(rc.ctx, patient_id=patient_id)]


@add_route(router, "GET", "/patients/{patient_id}/videos/{file_id}", access=Access.PATIENT_READ)
def api_get_video(
    patient_id: str, file_id: str, rc: RequestContext = Depends(request_context)
) -> dict[str, Any]:
    """The video's status and, once analysed, the full analysis payload (series, reps,
    metrics, findings, quality)."""
    item = get_analysis(rc.ctx, patient_id=patient_id, file_id=file_id)
    return {**_summary(item), "analysis": dict(item.payload) if item.record else None}


@add_route(
    router, "DELETE", "/patients/{patient_id}/videos/{file_id}", access=Access.PATIENT_CLINICAL
)
async def api_delete_video(
    patient_id: str, file_id: str, reason: str = "", rc: RequestContext = Depends(request_context)
) -> dict[str, Any]:
    """Delete the video file and its pictures (``?reason=`` is required); the analysis stays."""
    await run_in_threadpool(
        delete_video, rc.ctx, patient_id=patient_id, file_id=file_id, reason=reason
    )
    return {"file_id": file_id, "deleted": True}
