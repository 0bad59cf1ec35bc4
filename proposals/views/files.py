"""Uploads checked by size and content, and downloads only of files the user may see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_POST

from core.http import safe_next
from proposals import access, uploads
from proposals.errors import WorkflowError
from proposals.models import Attachment

from .common import case_url


@login_required
@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_case_or_404(request.user, pk)
    back = safe_next(request, case_url(case.pk))
    allowed = access.upload_purposes(request.user, case)
    if not allowed:
        raise Http404("未找到该提案，或您无权查看。")
    purpose = request.POST.get("purpose") or Attachment.Purpose.ATTACHMENT
    if purpose not in allowed:
        messages.error(request, "您不能为本提案上传这类文件。")
        return redirect(back)
    try:
        attachment = uploads.store(case, request.user, request.FILES.get("file"), purpose)
    except WorkflowError as error:
        messages.error(request, f"上传失败：{error.message}")
        return redirect(back)
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
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
