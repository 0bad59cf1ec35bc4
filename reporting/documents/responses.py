"""Sending a document: the .docx or its PDF, each download audited."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from audit import trail as audit

from .engine import DOCX_TYPE
from .pdf import PDF_TYPE


def document_response(
    user, content: bytes, *, kind: str, filename_stem: str, fmt: str = "docx", case=None, data: dict | None = None
) -> HttpResponse:
    audit.record(
        "download",
        actor=user,
        object_type="document",
        object_id=case.pk if case else "",
        case=case,
        data={"kind": kind, "format": fmt, **(data or {})},
    )
    response = HttpResponse(content, content_type=PDF_TYPE if fmt == "pdf" else DOCX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, f"{filename_stem}.{fmt}")
    return response
