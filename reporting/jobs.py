"""The reporting app's background jobs: large Excel exports and the dashboard refresh (issue 14).

Both are idempotent, as ``jobs`` requires: an export run again writes a new file from the same
parameters (the owner's scope and filters, read afresh); a refresh run again overwrites the snapshot.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import transaction
from django.http import QueryDict

from audit import trail as audit
from audit.models import AuditEvent
from core import clock
from jobs import registry, services, storage
from jobs.registry import JobFile
from jobs.runner import JobFailed
from members.models import Session, Term
from proposals.access import can_export, visible_cases
from proposals.filters import filter_cases
from reporting import exports, stats
from reporting.models import DashboardSnapshot

EXPORT_KINDS = {"catalogue": "export_catalogue", "case_list": "export_cases"}


def start_export(user, export: str, query: QueryDict):
    """Queue the export of ``export`` ("catalogue" or "case_list") under the list's filters ``query``."""
    return services.start(EXPORT_KINDS[export], user=user, params={"export": export, "query": query.urlencode()})


def _export(job, progress) -> JobFile:
    user = job.owner
    if user is None or not user.is_active or not can_export(user):
        raise JobFailed("发起人已无导出权限。")
    export = job.params["export"]
    # The owner's scope as it is now, under the filters of the list page the export was asked from.
    cases, applied = filter_cases(visible_cases(user), QueryDict(job.params.get("query", "")))
    total = exports.rows_to_export(export, cases)
    progress(0, total)
    path = storage.scratch_path(".xlsx")
    try:
        count = exports.write_case_export(user, export, cases, str(path), filters=applied, progress=progress)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    progress(count, count)
    return JobFile(path, exports.CASE_EXPORTS[export].filename())


registry.register("export_catalogue", "提案目录导出")(_export)
registry.register("export_cases", "提案列表导出")(_export)


# --- The dashboard snapshot -----------------------------------------------------------------------


def latest_change() -> int:
    """The newest audit sequence number of a change to a case (what makes a snapshot out of date)."""
    return AuditEvent.objects.filter(case__isnull=False).order_by("-seq").values_list("seq", flat=True).first() or 0


def compute_snapshot(term: Term, session: Session | None, year: int | None = None) -> DashboardSnapshot:
    version = audit.head_seq()
    started = time.perf_counter()
    data = stats.dashboard(term, session, year=year)
    seconds = time.perf_counter() - started
    snapshot, _ = DashboardSnapshot.objects.update_or_create(
        scope_key=DashboardSnapshot.key_for(term.pk, session.pk if session else None, year),
        defaults={
            "term": term,
            "session": session,
            "year": year,
            "data": data,
            "version": version,
            "computed_for": clock.today(),
            "computed_at": clock.now(),
            "seconds": seconds,
        },
    )
    return snapshot


@registry.register("dashboard_refresh", "统计数据更新", listed=False)
def _refresh(job, progress) -> dict:
    """Recompute the asked scope, or every scope someone has looked at (and the current term)."""
    if job.params.get("term"):
        scopes = [(job.params["term"], job.params.get("session"), job.params.get("year"))]
    else:
        scopes = list(DashboardSnapshot.objects.values_list("term_id", "session_id", "year"))
        current = Term.current()
        if current is not None and (current.pk, None, None) not in scopes:
            scopes.append((current.pk, None, None))
    progress(0, len(scopes))
    for done, (term_id, session_id, year) in enumerate(scopes, start=1):
        term = Term.objects.filter(pk=term_id).first()
        session = Session.objects.filter(pk=session_id, term_id=term_id).first() if session_id else None
        if term is not None and (session_id is None or session is not None):
            compute_snapshot(term, session, year)
        progress(done, len(scopes))
    return {"scopes": len(scopes)}


def request_refresh(
    term: Term | None = None, session: Session | None = None, *, delay: float | None = None, year: int | None = None
):
    """Debounced: at most one refresh waits in the queue per scope; changes meanwhile are seen when it runs."""
    if term is not None:
        key = "dashboard:" + DashboardSnapshot.key_for(term.pk, session.pk if session else None, year)
        params = {"term": term.pk, "session": session.pk if session else None, "year": year}
    else:
        key, params = "dashboard:all", {}
    wait = settings.DASHBOARD_REFRESH_DELAY if delay is None else delay
    return services.start("dashboard_refresh", params=params, dedupe_key=key, delay=wait)


def case_changed(sender, instance: AuditEvent, created: bool, **kwargs) -> None:
    """After a change to a case commits, refresh the snapshots (if anyone has looked at one yet)."""
    if not created or instance.case_id is None or instance.outcome != AuditEvent.Outcome.SUCCESS:
        return

    def refresh() -> None:
        if DashboardSnapshot.objects.exists():
            request_refresh()

    transaction.on_commit(refresh)


# --- The annual 提案工作情况报告 (issue 23) ----------------------------------------------------------


def start_annual_report(user, term: Term, session: Session | None, year: int | None, fmt: str = "docx"):
    params = {
        "term": term.pk,
        "session": session.pk if session else None,
        "year": year,
        "format": "pdf" if fmt == "pdf" else "docx",
    }
    return services.start("annual_report", user=user, params=params)


@registry.register("annual_report", "提案工作情况报告")
def _annual_report(job, progress) -> JobFile:
    """Computes the scope's figures afresh (the dashboard's own function), renders the office's text
    template around them and writes the Word draft."""
    from proposals.access import is_staff
    from reporting import annual

    user = job.owner
    if user is None or not user.is_active or not is_staff(user):
        raise JobFailed("发起人已无生成报告的权限。")
    term = Term.objects.filter(pk=job.params.get("term")).first()
    session_id = job.params.get("session")
    session = Session.objects.filter(pk=session_id, term=term).first() if session_id else None
    if term is None or (session_id and session is None):
        raise JobFailed("所选届次或会议已不存在。")
    scope = annual.Scope(term, session, job.params.get("year"))
    as_pdf = job.params.get("format") == "pdf"
    steps = 4 if as_pdf else 3
    progress(0, steps)
    data = stats.dashboard(term, session, year=scope.year)
    progress(1, steps)
    try:
        blocks = annual.render(scope, data)
    except annual.ReportTemplateError as exc:
        raise JobFailed(str(exc)) from exc
    progress(2, steps)
    content = annual.to_docx(scope, blocks, annual.figures(data), user=user)
    name = f"{annual.title(scope)}（草稿）"
    if as_pdf:
        from reporting.documents import pdf

        progress(3, steps)
        try:
            content = pdf.to_pdf(content)
        except (pdf.PdfUnavailable, pdf.PdfFailed) as exc:
            raise JobFailed(str(exc)) from exc
    path = storage.scratch_path(".pdf" if as_pdf else ".docx")
    path.write_bytes(content)
    progress(steps, steps)
    if as_pdf:
        return JobFile(path, f"{name}.pdf", "application/pdf")
    return JobFile(path, f"{name}.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
