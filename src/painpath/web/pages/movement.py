"""Movement videos on the web: the clinician's Movement tab, the patient's phone upload page,
access-checked pictures and video, and the upload size guard shared with the JSON API.

Uploads are multipart forms. ``UploadLimitRoute`` refuses a request whose ``Content-Length``
is above the video limit before a byte of the body is read, and stops a body without a length
once it passes the limit (413 with a plain message); the service then streams the file from
Starlette's spooled upload to storage with its own cap.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.types import Message, Receive

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.errors import InvalidInput
from painpath.services.movement import (
    TEST_LABELS,
    UploadTooLarge,
    VideoItem,
    VideoUpload,
    delete_video,
    list_videos,
    size_text,
    upload_video,
    video_file_for_download,
    video_image,
)
from painpath.services.movement_analysis import attach_video_findings
from painpath.services.patients import my_patient_id
from painpath.web.render import PATIENT_HOME_CARDS, HomeCard, chart_tab, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

__all__ = ["UploadLimitRoute", "read_upload", "router"]

_FORM_SLACK = 1024 * 1024  # multipart boundaries and the small form fields


def _too_large(limit: int) -> HTTPException:
    return HTTPException(
        413,
        f"the upload is larger than the video limit of {size_text(limit)};"
        " trim the clip to the movement and try again",
    )


def _capped(receive: Receive, limit: int) -> Receive:
    seen = 0

    async def capped() -> Message:
        nonlocal seen
        message = await receive()
        seen += len(message.get("body", b""))
        if seen > limit + _FORM_SLACK:
            raise _too_large(limit)
        return message

    return capped


class UploadLimitRoute(APIRoute):
    """An APIRoute whose POST bodies may not exceed the video limit (checked before parsing)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            if request.method != "POST":
                return await handler(request)
            limit = int(request.app.state.container.extras["max_video_bytes"])
            length = request.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit + _FORM_SLACK:
                raise _too_large(limit)
            return await handler(Request(request.scope, _capped(request.receive, limit)))

        return limited


router = APIRouter(include_in_schema=False, route_class=UploadLimitRoute)

# How to film each test (our own words; see docs/clinical/video-input.md): view, then steps.
FILMING: dict[str, tuple[str, str]] = {
    "squat": ("front (or side)", "Phone at hip height, 2-3 m away, whole body from head to feet "
              "in the picture. Do 3 slow squats, as deep as is comfortable."),
    "single-leg-squat": ("front", "Phone at hip height, 2-3 m away, facing you. Stand on the "
                         "leg being tested and do 3 slow, shallow squats on it."),
    "single-leg-stance": ("front", "Phone at hip height, 2-3 m away, facing you. Stand on one "
                          "leg for up to 10 seconds, near something you can hold."),
    "sit-to-stand": ("side", "Chair side-on to the phone, phone at hip height, 2-3 m away. "
                     "Arms crossed, stand up fully and sit down 5 times."),
    "overhead-reach": ("front or side", "Phone at chest height, 2-3 m away. Raise both arms "
                       "overhead as far as is comfortable and lower them, 3 times."),
    "gait": ("side", "Phone at hip height, 3-4 m from your path. Walk across the picture at "
             "your usual pace for at least 5 seconds."),
    "kinematics": ("any", "Whole body in the picture, phone still at hip height."),
}  # fmt: skip
_UNITS = {"_deg": " (°)", "_s": " (s)", "_ratio": " (ratio)", "_m": " (m)", "_per_min": " per min"}
_KNEE_HIP = ("knee_flexion_left_deg", "knee_flexion_right_deg", "hip_flexion_left_deg",
             "hip_flexion_right_deg")  # fmt: skip
_FLEXION = ("shoulder_flexion_left_deg", "shoulder_flexion_right_deg")
_ABDUCTION = ("shoulder_abduction_left_deg", "shoulder_abduction_right_deg")
# the overhead reach by camera view: arms rise in flexion seen from the side, abduction from
# the front (the other plane's angle is not measurable in that view)
_PLOTTED = {
    ("overhead-reach", "side"): ("Shoulder flexion", _FLEXION),
    ("overhead-reach", "front"): ("Shoulder abduction", _ABDUCTION),
    ("overhead-reach", None): ("Shoulder flexion and abduction", _FLEXION + _ABDUCTION),
}
_UNIT_WORDS = {"deg": "°", "deg_per_s": "°/s", "s": "s"}
_MAX_POINTS = 600  # a chart needs no more; keeps the page small for a 2-minute video


def label(name: str) -> str:
    """``peak_knee_flexion_deg`` -> ``Peak knee flexion (°)``."""
    unit = next((u for suffix, u in _UNITS.items() if name.endswith(suffix)), "")
    base = name[: -len(next(s for s in _UNITS if name.endswith(s)))] if unit else name
    return base.replace("_", " ").capitalize() + unit


def _number(value: Any) -> str:
    """One decimal for angles and times; two for small ratios (0.11, not 0.1)."""
    if isinstance(value, bool) or value is None:
        return "-" if value is None else str(value)
    if isinstance(value, float):
        return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"
    return str(value)


def _unit(unit: str | None) -> str:
    return _UNIT_WORDS.get(unit or "", (unit or "").replace("_", " "))


def _finding_row(f: Mapping[str, Any]) -> dict[str, Any]:
    """One finding as the table shows it. A count is a whole number whose label already names
    what is counted ("Sit to stand reps: 5", not "5.00 count"); no side is a blank, not
    "none"."""
    value, unit = f.get("value"), f.get("unit")
    shown, unit_shown = _number(value), _unit(unit)
    if unit == "count" and isinstance(value, int | float) and not isinstance(value, bool):
        shown, unit_shown = str(round(value)), ""
    return {
        "label": label(f.get("code", "")),
        "side": "" if f.get("side") in (None, "none") else f.get("side"),
        "value": shown,
        "unit": unit_shown,
        "abnormal": bool(f.get("abnormal")),
        "note": f.get("note") or "",
        "confidence": round(100 * float(f.get("confidence") or 0)),
    }


def _chart(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """Knee and hip flexion over time (shoulder angles for the overhead reach)."""
    t = list(payload.get("t_s") or [])
    series = payload.get("series") or {}
    test, view = str(payload.get("test")), payload.get("view")
    key = (test, view if (test, view) in _PLOTTED else None)
    title, names = _PLOTTED.get(key, ("Knee and hip flexion", _KNEE_HIP))
    step = max(1, -(-len(t) // _MAX_POINTS))
    data = [
        {"x": t[::step], "y": list(series[name])[::step], "mode": "lines", "name": label(name)}
        for name in names
        if any(v is not None for v in series.get(name) or [])
    ]
    if not data:
        return None
    layout = {
        "title": {"text": title},
        "height": 320,
        "xaxis": {"title": {"text": "time (s)"}},
        "yaxis": {"title": {"text": "degrees"}},
        "margin": {"l": 50, "r": 12, "t": 40, "b": 44},
        "legend": {"orientation": "h"},
    }
    return {"data": data, "layout": layout}


def result_view(item: VideoItem) -> dict[str, Any]:
    """What the Movement tab shows of one analysis: plain quality messages, per-rep metrics,
    findings with confidence, the pictures and the flexion chart."""
    p = item.payload
    reps = list(p.get("reps") or [])
    columns = sorted({k for r in reps for k in (r.get("metrics") or {})})
    rows = [[str(r.get("index")), *(_number((r.get("metrics") or {}).get(c)) for c in columns)]
            for r in reps]  # fmt: skip
    findings = [_finding_row(f) for f in p.get("findings") or []]
    return {
        "failed": [q["message"] for q in p.get("quality", []) if not q.get("passed")],
        "passed": [q["message"] for q in p.get("quality", []) if q.get("passed")],
        "columns": [label(c) for c in columns],
        "rows": rows,
        "metrics": [(label(k), _number(v)) for k, v in (p.get("metrics") or {}).items()],
        "findings": findings,
        "images": _image_names(p),
        "chart": _chart(p),
    }


def _image_names(payload: Mapping[str, Any]) -> set[str]:
    drawn = set(payload.get("images") or [])
    return {
        "keyframes" if n == "keyframes" else "angles" for n in drawn if n in ("keyframes", "plot")
    }


async def read_upload(request: Request) -> tuple[UploadFile | None, dict[str, str]]:
    """The ``video`` file part (None when no file was chosen) and the text fields."""
    content_type = request.headers.get("content-type", "")
    forms = ("multipart/form-data", "application/x-www-form-urlencoded")
    if not content_type.startswith(forms):
        raise InvalidInput("send the video as a multipart/form-data upload (field 'video')")
    form = await request.form()
    video = form.get("video")
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    if isinstance(video, UploadFile) and video.filename:
        return video, fields
    return None, fields


def _roi(fields: Mapping[str, str]) -> str | None:
    if fields.get("roi"):
        return fields["roi"]
    parts = [fields.get(k, "").strip() for k in ("roi_x0", "roi_y0", "roi_x1", "roi_y1")]
    if not any(parts):
        return None
    if not all(parts):
        raise InvalidInput("fill all four region fields, or leave all four empty")
    return ",".join(parts)


async def store_upload(rc: RequestContext, patient_id: str, request: Request) -> VideoUpload:
    """Parse the multipart form and run the upload service off the event loop."""
    video, fields = await read_upload(request)
    try:
        if video is None:
            raise InvalidInput("choose a video file to upload")
        return await run_in_threadpool(
            upload_video,
            rc.ctx,
            patient_id=patient_id,
            filename=video.filename or "video",
            stream=video.file,
            test=fields.get("test", ""),
            side=fields.get("side") or None,
            roi=_roi(fields),
        )
    except UploadTooLarge as err:
        raise HTTPException(413, str(err)) from err
    finally:
        if video is not None:
            await video.close()


# -- the clinician's Movement tab --------------------------------------------------------------


def _tab_context(
    rc: RequestContext, patient: Patient, selected: str | None, error: str = ""
) -> dict[str, Any]:
    items = list_videos(rc.ctx, patient_id=patient.id)
    chosen = next((i for i in items if i.id == selected), None)
    if chosen is None:
        chosen = next((i for i in items if i.record is not None), None)
    return {
        "items": items,
        "chosen": chosen,
        "result": result_view(chosen) if chosen and chosen.record else None,
        "tests": TEST_LABELS,
        "filming": FILMING,
        "error": error,
        "patient_id": patient.id,
    }


@chart_tab("movement", "Movement", order=25)
def movement_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    return "m_chart_tab.html", _tab_context(rc, patient, request.query_params.get("video"))


@add_route(router, "POST", "/patients/{patient_id}/movement", access=Access.PATIENT_CLINICAL)
async def chart_upload(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    try:
        up = await store_upload(rc, patient_id, request)
    except InvalidInput as err:
        return await run_in_threadpool(_chart_error, request, rc, patient_id, str(err))
    return redirect(f"/patients/{patient_id}/tab/movement?video={up.file.id}")


def _chart_error(request: Request, rc: RequestContext, patient_id: str, error: str) -> Response:
    from painpath.services.patients import get_patient
    from painpath.web.render import ordered_tabs

    patient = get_patient(rc.ctx, patient_id=patient_id)
    data = {"patient": patient, "tabs": ordered_tabs(), "active_tab": "movement"}
    data.update(_tab_context(rc, patient, None, error))
    return render(request, rc, "m_chart_tab.html", data, status_code=400)


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/movement/{file_id}/delete",
    access=Access.PATIENT_CLINICAL,
)
async def chart_delete(
    request: Request, patient_id: str, file_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    reason = form.get("reason")
    await run_in_threadpool(
        delete_video,
        rc.ctx,
        patient_id=patient_id,
        file_id=file_id,
        reason=reason if isinstance(reason, str) else "",
    )
    return redirect(f"/patients/{patient_id}/tab/movement?video={file_id}")


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/movement/{file_id}/attach",
    access=Access.PATIENT_CLINICAL,
)
def chart_attach(
    patient_id: str, file_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    attach_video_findings(rc.ctx, patient_id=patient_id, file_id=file_id)
    return redirect(f"/patients/{patient_id}/tab/movement?video={file_id}")


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/movement/{file_id}/image/{name}",
    access=Access.PATIENT_READ,
)
def movement_image(
    patient_id: str, file_id: str, name: str, rc: RequestContext = Depends(request_context)
) -> Response:
    path = video_image(rc.ctx, patient_id=patient_id, file_id=file_id, name=name)
    return FileResponse(path, media_type="image/png")


@add_route(
    router, "GET", "/patients/{patient_id}/movement/{file_id}/video", access=Access.PATIENT_READ
)
def movement_video(
    patient_id: str,
    file_id: str,
    download: int = 0,
    rc: RequestContext = Depends(request_context),
) -> Response:
    found = video_file_for_download(rc.ctx, patient_id=patient_id, file_id=file_id)
    return FileResponse(
        found.path,
        media_type=found.content_type,
        filename=found.filename,
        content_disposition_type="attachment" if download else "inline",
    )


# -- the patient's phone page ------------------------------------------------------------------


def _me_context(rc: RequestContext, error: str = "", notice: str = "") -> dict[str, Any]:
    patient_id = my_patient_id(rc.ctx)
    items = list_videos(rc.ctx, patient_id=patient_id)
    tests = {k: v for k, v in TEST_LABELS.items() if k != "kinematics"}
    return {"items": items, "tests": tests, "filming": FILMING, "error": error,
            "notice": notice, "patient_id": patient_id}  # fmt: skip


@add_route(router, "GET", "/me/movement", access=Access.PATIENT_ACCOUNT)
def me_movement(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    notice = "Thank you: your video is being analysed." if request.query_params.get("sent") else ""
    return render(request, rc, "m_me.html", _me_context(rc, notice=notice))


@add_route(router, "POST", "/me/movement", access=Access.PATIENT_ACCOUNT)
async def me_movement_upload(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    patient_id = await run_in_threadpool(my_patient_id, rc.ctx)
    try:
        await store_upload(rc, patient_id, request)
    except InvalidInput as err:
        context = await run_in_threadpool(_me_context, rc, str(err))
        return render(request, rc, "m_me.html", context, status_code=400)
    return redirect("/me/movement?sent=1")


def _home_card(rc: RequestContext, patient: Patient) -> list[HomeCard]:
    items: list[VideoItem] = list_videos(rc.ctx, patient_id=patient.id)
    busy = sum(1 for i in items if i.status in ("pending", "running"))
    text = "Film a movement your physiotherapist asked for; PainPath measures it for them."
    if busy:
        text += f" {busy} video(s) are being analysed now."
    return [HomeCard("Record a movement video", text, "/me/movement", "Record or upload", 40)]


PATIENT_HOME_CARDS.append(_home_card)
