"""统计分析: the dashboard, its league-table export, and the staff page for legacy catalogue import.

Thin views: who may look is ``access.can_view_statistics`` / ``can_export`` / ``is_staff``; every
number comes from ``proposals.stats``; importing is ``proposals.importer.import_file``.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from members.models import Session, Term

from . import exports, importer, stats
from .access import can_export, can_view_statistics, is_staff
from .models import Kind

LEAGUE_HEADERS = [
    ("unit", "承办单位"), ("assigned", "交办件数"), ("signed_on_time", "按时签收"), ("replied", "已答复"),
    ("replied_on_time", "按时答复"), ("on_time_rate", "按时答复率"), ("overdue", "逾期未复"),
    ("a_share", "A类占比"), ("b_share", "B类占比"), ("c_share", "C类占比"), ("ratings_given", "评价数"),
    ("satisfaction_rate", "满意率"),
]
IMPORT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_SESSION_KEY = "stats_import"


def _scope(request: HttpRequest) -> tuple[Term | None, Session | None]:
    """?term= (default: the current term) and ?session= (must belong to that term; else all sessions)."""
    term_id, session_id = request.GET.get("term", ""), request.GET.get("session", "")
    term = Term.objects.filter(pk=term_id).first() if term_id.isdigit() else None
    term = term or Term.current() or Term.objects.order_by("-number").first()
    session = None
    if term and session_id.isdigit():
        session = Session.objects.filter(pk=session_id, term=term).first()
    return term, session


def _sort(request: HttpRequest) -> tuple[str, bool]:
    sort = request.GET.get("sort", "assigned")
    return (sort if sort in stats.LEAGUE_SORTS else "assigned"), request.GET.get("order") != "asc"


def _scope_query(term: Term | None, session: Session | None) -> dict[str, int]:
    return {k: v.pk for k, v in (("term", term), ("session", session)) if v is not None}


def _league_headers(term, session, sort: str, descending: bool) -> list[dict]:
    """Each column header links to the league sorted by it; the current column's link flips the order."""
    headers = []
    for key, label in LEAGUE_HEADERS:
        current = key == sort
        # Names read naturally A→Z; numbers read best largest first.
        order = ("asc" if descending else "desc") if current else ("asc" if key == "unit" else "desc")
        query = urlencode({**_scope_query(term, session), "sort": key, "order": order})
        headers.append({"key": key, "label": label, "url": f"?{query}#league", "current": current,
                        "aria_sort": ("descending" if descending else "ascending") if current else "none"})
    return headers


def _cached_dashboard(term, session, sort: str, descending: bool) -> dict:
    """The dashboard's numbers, recomputed only when something was recorded since (every change of a
    case writes an audit event, so the newest sequence number is an exact version), or the day changes."""
    from django.core.cache import cache

    from proposals import clock
    from proposals.models import AuditEvent

    last_seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    key = f"stats:dashboard:{term.pk}:{session.pk if session else 0}:{sort}:{int(descending)}:{clock.today()}:{last_seq}"
    data = cache.get(key)
    if data is None:
        data = stats.dashboard(term, session, sort=sort, descending=descending)
        cache.set(key, data, 600)
    return data


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can_view_statistics(request.user):
        raise PermissionDenied("统计分析仅供提案委、审查和督办领导查看。")
    term, session = _scope(request)
    sort, descending = _sort(request)
    context = {"term": term, "session": session, "terms": Term.objects.all(),
               "sessions": Session.objects.filter(term=term) if term else Session.objects.none()}
    if term is not None:
        data = _cached_dashboard(term, session, sort, descending)
        context.update(data=data, headers=_league_headers(term, session, sort, descending),
                       export_query=urlencode({**_scope_query(term, session), "sort": sort,
                                               "order": "desc" if descending else "asc"}),
                       can_export=can_export(request.user), can_import=is_staff(request.user))
    return render(request, "stats/dashboard.html", context)


@require_GET
@login_required
def league_xlsx(request: HttpRequest) -> HttpResponse:
    if not (can_view_statistics(request.user) and can_export(request.user)):
        raise PermissionDenied("只有提案委、审查和督办领导可以导出。")
    term, session = _scope(request)
    if term is None:
        raise PermissionDenied("尚无届次，无可导出的数据。")
    sort, descending = _sort(request)
    league = stats.unit_league(stats.scope(term, session), sort=sort, descending=descending)
    filters = {**_scope_query(term, session), "sort": sort, "descending": descending}
    return exports.export_unit_league(request.user, league["rows"], filters=filters)


# --- Legacy catalogue import ------------------------------------------------------------------------

def _import_dir() -> Path:
    # Uploaded files wait here between the dry run and the real run; never served.
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _import_options(post) -> dict:
    kind = post.get("kind") if post.get("kind") in Kind.values else Kind.PROPOSAL
    session = Session.objects.filter(pk=post.get("session")).first() if str(post.get("session", "")).isdigit() else None
    return {"create_missing": post.get("create_missing") == "on", "kind": kind,
            "session": session.name if session else None}


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
    """Upload → dry run (every rejected row and why) → confirm → import in one transaction."""
    if not is_staff(request.user):
        raise PermissionDenied("只有提案委工作人员可以导入历史提案目录。")
    context: dict = {"sessions": Session.objects.select_related("term").order_by("-term__number", "-number"),
                     "kinds": Kind.choices}
    step = request.POST.get("step") if request.method == "POST" else None
    try:
        if step == "dry_run":
            context.update(_dry_run(request))
        elif step == "import":
            pending = _pending(request)
            if pending is None:
                messages.error(request, "请先上传文件并试运行。")
                return redirect("stats_import")
            report = importer.import_file(pending["path"], filename=pending["filename"], user=request.user,
                                          **pending["options"])
            _forget(request)
            context["report"] = report
            if report.ok:
                messages.success(request, f"已导入 {len(report.imported)} 件。")
        elif step == "cancel":
            _forget(request)
            return redirect("stats_import")
    except importer.ImportFileError as error:
        context["error"] = str(error)
    return render(request, "stats/import.html", context)


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
        request.session[IMPORT_SESSION_KEY] = {"token": token, "path": str(path), "filename": upload.name,
                                               "options": options}
    else:
        path.unlink(missing_ok=True)
    return {"report": report, "token": token if report.ok else "", "options": options}
