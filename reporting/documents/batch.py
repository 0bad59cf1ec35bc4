"""The 交办会 batch: every 交办通知书 of a session as one PDF (to print) or one .zip of .docx (to edit),
written by a background job with progress and downloaded from 我的导出.

Idempotent as ``jobs`` requires: run again, it writes the same files (each notice keeps its 发文字号).
"""

from __future__ import annotations

import zipfile

from jobs import registry, services, storage
from jobs.registry import JobFile
from jobs.runner import JobFailed
from members.models import Session
from proposals.access import is_staff

from . import engine, pdf
from . import registry as kinds_registry
from .selectors import session_notices

FORMATS = {"pdf": "session_notices_pdf", "zip": "session_notices_zip"}
PDF_CHUNK = 25  # notices per soffice run: its start-up is amortised, progress still moves


def start(user, session: Session, fmt: str = "pdf"):
    return services.start(FORMATS[fmt], user=user, params={"session": session.pk, "format": fmt})


def _notices(job, progress) -> JobFile:
    user = job.owner
    if user is None or not user.is_active or not is_staff(user):
        raise JobFailed("发起人已无提案委权限。")
    session = Session.objects.filter(pk=job.params.get("session")).first()
    if session is None:
        raise JobFailed("该会议已不存在。")
    fmt = job.params.get("format", "pdf")
    if fmt == "pdf" and not pdf.available():
        raise JobFailed(pdf.UNAVAILABLE)
    kind = kinds_registry.get("assignment_notice")
    assert kind is not None
    assignments = list(session_notices(session))
    if not assignments:
        raise JobFailed(f"{session.name}尚无已交办的提案。")
    # Word files count once, PDF conversion once more: the bar moves through both halves.
    total = len(assignments) * (2 if fmt == "pdf" else 1)
    progress(0, total)
    files: list[tuple[str, bytes]] = []
    for done, assignment in enumerate(assignments, start=1):
        name = f"{done:03d}_{kind.filename(assignment)}"
        files.append((name, engine.make(kind, assignment, user=user)))
        progress(done, total)
    if fmt == "zip":
        path = storage.scratch_path(".zip")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in files:
                archive.writestr(f"{name}.docx", content)
        return JobFile(path, f"{session.name}交办通知书.zip", "application/zip")
    pdfs: list[bytes] = []
    try:
        for start_at in range(0, len(files), PDF_CHUNK):
            chunk = files[start_at : start_at + PDF_CHUNK]
            pdfs += pdf.convert([content for _, content in chunk])
            progress(len(files) + len(pdfs), total)
    except pdf.PdfFailed as error:
        raise JobFailed(str(error))
    path = storage.scratch_path(".pdf")
    path.write_bytes(pdf.merge(pdfs))
    return JobFile(path, f"{session.name}交办通知书.pdf", pdf.PDF_TYPE)


registry.register("session_notices_pdf", "交办通知书批量打印（PDF）")(_notices)
registry.register("session_notices_zip", "交办通知书批量下载（Word）")(_notices)
