"""The staff page for importing legacy catalogues (历史提案目录): upload, dry run, confirm.

Thin view: who may import is ``access.is_staff``; the work is ``imports.catalogue.import_file``.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.params import id_param
from imports import catalogue as importer
from imports import jobs
from members.models import Session
from proposals.access import is_staff
from proposals.models import Kind

IMPORT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_SESSION_KEY = "stats_import"


def _import_dir() -> Path:
    # Uploaded files wait here between the dry run and the real run; never served.
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _import_options(post) -> dict:
    kind = post.get("kind") if post.get("kind") in Kind.values else Kind.PROPOSAL
    session_id = id_param(post, "session", "会次")
    session = Session.objects.filter(pk=session_id).first() if session_id else None
    return {
        "create_missing": post.get("create_missing") == "on",
        "kind": kind,
        "session": session.name if session else None,
    }


def _pending(request: HttpRequest) -> dict | None:
    pending = request.session.get(IMPORT_SESSION_KEY)
    if pending and request.POST.get("token") == pending.get("token") and Path(pending["path"]).exists():
        return pending
    return None


def _forget(request: HttpRequest) -> None:
    pending = request.session.pop(IMPORT_SESSION_KEY, None)
    if pending:
        Path(pending["path"]).unlink(missing_ok=True)


@require_http_methods(["GET", "POST"])
@login_required
def import_catalogue(request: HttpRequest) -> HttpResponse:
    """Upload → dry run (every rejected row and why) → confirm → import in one transaction, as a job."""
    if not is_staff(request.user):
        raise PermissionDenied("只有提案委工作人员可以导入历史提案目录。")
    context: dict = {
        "sessions": Session.objects.select_related("term").order_by("-term__number", "-number"),
        "kinds": Kind.choices,
    }
    step = request.POST.get("step") if request.method == "POST" else None
    try:
        if step == "dry_run":
            context.update(_dry_run(request))
        elif step == "import":
            pending = _pending(request)
            if pending is None:
                messages.error(request, "请先上传文件并试运行。")
                return redirect("imports:catalogue")
            # The real run is a background job (its page shows the progress and the outcome); the
            # uploaded file stays until the job has imported it.
            job = jobs.start_import(request.user, pending)
            request.session.pop(IMPORT_SESSION_KEY, None)
            return redirect("jobs:detail", job.pk)
        elif step == "cancel":
            _forget(request)
            return redirect("imports:catalogue")
    except importer.ImportFileError as error:
        context["error"] = str(error)
    return render(request, "imports/import.html", context)


def _dry_run(request: HttpRequest) -> dict:
    upload = request.FILES.get("file")
    if upload is None:
        return {"error": "请选择要导入的文件（.xlsx 或 .csv）。"}
    if upload.size > IMPORT_MAX_BYTES:
        return {"error": "文件过大（上限 10 MB）。"}
    suffix = Path(upload.name).suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        return {"error": "只能导入 .xlsx 或 .csv 文件（旧版 .xls 请先另存为 .xlsx）。"}
    _forget(request)
    path = _import_dir() / f"{uuid.uuid4().hex}{suffix}"
    with open(path, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    options = _import_options(request.POST)
    try:
        report = importer.import_file(path, filename=upload.name, dry_run=True, **options)
    except importer.ImportFileError:
        path.unlink(missing_ok=True)
        raise
    token = uuid.uuid4().hex
    if report.ok:
        request.session[IMPORT_SESSION_KEY] = {
            "token": token,
            "path": str(path),
            "filename": upload.name,
            "options": options,
        }
    else:
        path.unlink(missing_ok=True)
    return {"report": report, "token": token if report.ok else "", "options": options}
