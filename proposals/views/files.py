"""Uploads checked by size and content, and downloads only of files the user may see."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from proposals import access, clock, workflow
from proposals.models import Attachment

from .common import case_url, safe_next

# (magic bytes, content type). OFD, DOCX and XLSX are zip containers.
SIGNATURES = [
    (b"%PDF", "application/pdf"),
    (b"PK\x03\x04", "application/zip"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
]
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "application/zip": {".ofd", ".docx", ".xlsx"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/png": {".png"},
}
ZIP_TYPES = {
    ".ofd": "application/ofd",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(head: bytes, filename: str) -> tuple[str | None, str]:
    """(content type, "") when the bytes are an allowed kind matching the name, else (None, the reason)."""
    suffix = ("." + filename.rsplit(".", 1)[-1].lower()) if "." in filename else ""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            if suffix not in EXTENSIONS[content_type]:
                return None, "文件内容与扩展名不符。"
            return ZIP_TYPES.get(suffix, content_type), ""
    return None, "只能上传 PDF、OFD、Word（docx）、Excel（xlsx）、JPG 或 PNG 文件。"


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_case_or_404(request.user, pk)
    back = safe_next(request, case_url(case.pk))
    if not workflow.relations(request.user, case):
        raise Http404("未找到该提案，或您无权查看。")
    uploaded = request.FILES.get("file")
    purpose = request.POST.get("purpose") or Attachment.Purpose.ATTACHMENT
    if purpose not in Attachment.Purpose.values:
        purpose = Attachment.Purpose.ATTACHMENT
    if uploaded is None:
        messages.error(request, "请选择要上传的文件。")
        return redirect(back)
    if uploaded.size > settings.UPLOAD_MAX_BYTES:
        messages.error(request, f"文件过大：不能超过 {settings.UPLOAD_MAX_BYTES // (1024 * 1024)} MB。")
        return redirect(back)
    head = uploaded.read(16)
    uploaded.seek(0)
    content_type, reason = sniff(head, uploaded.name)
    if content_type is None:
        messages.error(request, f"上传失败：{reason}")
        return redirect(back)
    attachment = Attachment(case=case, purpose=purpose, original_name=uploaded.name[:200], content_type=content_type,
                            size=uploaded.size, uploaded_by=request.user, uploaded_at=clock.now())
    attachment.file.save(uploaded.name, uploaded, save=False)
    attachment.save()
    messages.success(request, f"已上传“{attachment.original_name}”。")
    return redirect(back)


@login_required
@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.only("id", "case_id"), pk=pk)
    case = access.get_case_or_404(request.user, attachment.case_id)
    attachment = access.visible_attachments(request.user, case).filter(pk=pk).first()
    if attachment is None:
        raise Http404("未找到该文件，或您无权下载。")
    response = FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response
