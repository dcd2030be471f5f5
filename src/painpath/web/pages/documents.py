"""Printable documents (PDF) from the chart: one click downloads the file."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.services.documents import discharge_pdf, evaluation_pdf, program_pdf, progress_pdf
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


def _pdf(pdf: bytes, filename: str) -> Response:
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "content-disposition": f'attachment; filename="{filename}"',
            "cache-control": "no-store",
        },
    )


@add_route(
    router, "GET", "/patients/{patient_id}/documents/program.pdf", access=Access.PATIENT_READ
)
def program_document(patient_id: str, rc: RequestContext = Depends(request_context)) -> Response:
    return _pdf(program_pdf(rc.ctx, patient_id=patient_id), "home-program.pdf")


@add_route(
    router, "GET", "/patients/{patient_id}/documents/evaluation.pdf", access=Access.PATIENT_CLINICAL
)
def evaluation_document(patient_id: str, rc: RequestContext = Depends(request_context)) -> Response:
    return _pdf(evaluation_pdf(rc.ctx, patient_id=patient_id), "evaluation.pdf")


@add_route(
    router, "GET", "/patients/{patient_id}/documents/progress.pdf", access=Access.PATIENT_CLINICAL
)
def progress_document(patient_id: str, rc: RequestContext = Depends(request_context)) -> Response:
    return _pdf(progress_pdf(rc.ctx, patient_id=patient_id), "progress-report.pdf")


@add_route(
    router, "GET", "/patients/{patient_id}/documents/discharge.pdf", access=Access.PATIENT_CLINICAL
)
def discharge_document(patient_id: str, rc: RequestContext = Depends(request_context)) -> Response:
    return _pdf(discharge_pdf(rc.ctx, patient_id=patient_id), "discharge-summary.pdf")
