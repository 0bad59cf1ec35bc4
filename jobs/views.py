"""我的导出 (a person's jobs), one job's progress (polled by htmx) and the download of its file.

Who sees a job is decided once, in ``services.visible_jobs`` (the owner; staff also see staff jobs); any
other job is a 404, so its existence is not revealed. Files are sent only through ``download``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from audit import trail as audit
from jobs import registry, services, storage
from jobs.models import Job


def _job_or_404(user, pk: int) -> Job:
    return get_object_or_404(services.visible_jobs(user).select_related("owner"), pk=pk)


@require_GET
@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = services.visible_jobs(request.user).filter(kind__in=registry.listed_kinds()).select_related("owner")
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    return render(request, "jobs/list.html", {"page": page})


@require_GET
@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_or_404(request.user, pk)
    # htmx polls the progress block only; a full page load renders it inside the page.
    template = "jobs/_progress.html" if request.headers.get("HX-Request") else "jobs/detail.html"
    return render(request, template, {"job": job})


@require_GET
@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job_or_404(request.user, pk)
    path = storage.resolve(job.result_file) if job.state == Job.State.SUCCEEDED else None
    if path is None:
        raise Http404("文件不存在或尚未生成。")
    audit.record(
        "download", actor=request.user, obj=job, object_type="job", data={"kind": job.kind, "file": job.result_name}
    )
    return FileResponse(
        open(path, "rb"),
        as_attachment=True,
        filename=job.result_name or path.name,
        content_type=job.result_type or "application/octet-stream",
    )
