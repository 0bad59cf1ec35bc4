"""The legacy import as a background job (issue 14): the confirmed real run of a dry-run-checked file.

Idempotent, as ``jobs`` requires: the import and the job's record of it commit in one transaction, so a
run whose worker died either left nothing (run again from the start) or left both (a rerun finds the
record and reports it without importing twice; the number check would refuse duplicates anyway).
"""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from imports import catalogue as importer
from jobs import registry, services
from jobs.models import Job
from jobs.runner import JobFailed
from proposals.access import is_staff


@registry.register("import_catalogue", "历史提案目录导入")
def run_import(job, progress) -> dict:
    if job.owner is None or not is_staff(job.owner):
        raise JobFailed("发起人已无导入权限。")
    done = Job.objects.filter(pk=job.pk).values_list("result", flat=True).first() or {}
    if done.get("committed"):
        return done
    path = Path(job.params["path"])
    if not path.exists():
        raise JobFailed("待导入的文件已不存在，请重新上传。")
    progress(0, 1)
    try:
        with transaction.atomic():
            report = importer.import_file(
                path, filename=job.params["filename"], user=job.owner, **job.params["options"]
            )
            result = {
                "committed": report.ok,
                "imported": len(report.imported),
                "summary": f"已导入 {len(report.imported)} 件。" if report.ok else "文件有问题，未导入任何数据。",
                "lines": report.lines(),
                "problems": [{"row": p.row, "reasons": p.reasons} for p in report.problems],
            }
            Job.objects.filter(pk=job.pk).update(result=result)
    except importer.ImportFileError as error:
        raise JobFailed(str(error))
    if report.ok:
        path.unlink(missing_ok=True)
    progress(1, 1)
    return result


def start_import(user, pending: dict):
    """Queue the real run of a file whose dry run passed (``pending``: path, filename, options)."""
    return services.start(
        "import_catalogue",
        user=user,
        params={"path": pending["path"], "filename": pending["filename"], "options": pending["options"]},
    )
