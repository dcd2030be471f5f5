"""Printable documents (PDF): the home-program sheet and the clinical reports.

Each document is a patient read: from the web it runs as an ``operation`` (authorised by role and
clinic, audited with ids only); from the console (``painpath report``) it runs through
``for_console``, audited as a system action. The contents come from the same services the pages
use (the home program, the clinical picture, the progress summary); the typesetting is
``adapters.reports.typst_pdf``.
"""

from __future__ import annotations

from painpath.services.documents._console import for_console
from painpath.services.documents.discharge import discharge_pdf, system_discharge_pdf
from painpath.services.documents.evaluation import evaluation_pdf, system_evaluation_pdf
from painpath.services.documents.program import program_pdf, system_program_pdf
from painpath.services.documents.progress import progress_pdf, system_progress_pdf

__all__ = [
    "discharge_pdf",
    "evaluation_pdf",
    "for_console",
    "program_pdf",
    "progress_pdf",
    "system_discharge_pdf",
    "system_evaluation_pdf",
    "system_program_pdf",
    "system_progress_pdf",
]
