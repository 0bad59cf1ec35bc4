"""统计分析 and downloads: the dashboard and its league table, a case's Word documents and print view,
and the Excel exports.

Thin views: who may look is ``access.can_view_statistics`` / ``can_export``; every number comes from
``reporting.stats``; the case comes through ``access.get_case_or_404`` (another unit's case is a 404),
lists through ``access.visible_cases``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.params import id_param, int_param
from members.models import Session, Term
from proposals.access import can_export, can_view_statistics, get_case_or_404, is_staff, visible_cases
from proposals.filters import filter_cases
from reporting import documents, exports, stats
from reporting import jobs as reporting_jobs
from reporting.documents import batch as documents_batch
from reporting.documents import offers as documents_offers
from reporting.documents import pdf as documents_pdf
from reporting.documents import printing as documents_printing
from reporting.documents import proposal_documents as documents_kinds
from reporting.documents import responses as documents_responses
from reporting.documents import selectors as document_selectors
from reporting.models import DashboardSnapshot

LEAGUE_HEADERS = [
    ("unit", "承办单位"),
    ("assigned", "交办件数"),
    ("signed_on_time", "按时签收"),
    ("replied", "已答复"),
    ("replied_on_time", "按时答复"),
    ("on_time_rate", "按时答复率"),
    ("overdue", "逾期未复"),
    ("a_share", "A类占比"),
    ("b_share", "B类占比"),
    ("c_share", "C类占比"),
    ("ratings_given", "评价数"),
    ("satisfaction_rate", "满意率"),
]


def _scope(request: HttpRequest) -> tuple[Term | None, Session | None]:
    """?term= (default: the current term) and ?session= (must belong to that term; else all sessions)."""
    term_id, session_id = id_param(request.GET, "term", "届次"), id_param(request.GET, "session", "会次")
    term = Term.objects.filter(pk=term_id).first() if term_id else None
    term = term or Term.current() or Term.objects.order_by("-number").first()
    session = None
    if term and session_id:
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
        headers.append(
            {
                "key": key,
                "label": label,
                "url": f"?{query}#league",
                "current": current,
                "aria_sort": ("descending" if descending else "ascending") if current else "none",
            }
        )
    return headers


def _snapshot(term: Term, session: Session | None, sort: str, descending: bool) -> tuple[dict | None, Any]:
    """The stored numbers of this scope, never computed here (the refresh job does that): when none
    exists yet, one is queued and the page shows a waiting state; a snapshot of an earlier day is shown
    while a refresh is queued."""
    snapshot = DashboardSnapshot.objects.filter(
        scope_key=DashboardSnapshot.key_for(term.pk, session.pk if session else None)
    ).first()
    if snapshot is None:
        reporting_jobs.request_refresh(term, session, delay=0)
        # Under the in-process backend (tests) the job has run already.
        snapshot = DashboardSnapshot.objects.filter(
            scope_key=DashboardSnapshot.key_for(term.pk, session.pk if session else None)
        ).first()
        if snapshot is None:
            return None, None
    elif snapshot.computed_for != clock.today():
        reporting_jobs.request_refresh(term, session, delay=0)
    data = dict(snapshot.data)
    data["league"] = stats.sort_league(data["league"], sort, descending)
    return data, snapshot


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    if not can_view_statistics(request.user):
        raise PermissionDenied("统计分析仅供提案委、审查和督办领导查看。")
    term, session = _scope(request)
    sort, descending = _sort(request)
    context = {
        "term": term,
        "session": session,
        "terms": Term.objects.all(),
        "sessions": Session.objects.filter(term=term) if term else Session.objects.none(),
    }
    if term is not None:
        data, snapshot = _snapshot(term, session, sort, descending)
        context.update(
            data=data,
            snapshot=snapshot,
            today=clock.today(),
            headers=_league_headers(term, session, sort, descending),
            export_query=urlencode(
                {**_scope_query(term, session), "sort": sort, "order": "desc" if descending else "asc"}
            ),
            can_export=can_export(request.user),
            can_import=is_staff(request.user),
        )
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


# --- Documents and exports -----------------------------------------------------------------------


def _case_document(request: HttpRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    offer = documents_offers.find(request.user, case, kind, request.GET)
    document_kind = documents.get(kind)
    assert document_kind is not None  # find() refused unknown kinds
    content = documents.make(document_kind, offer.obj, user=request.user)
    if fmt == "pdf":
        content = _pdf_or_page(request, content, case=case)
        if isinstance(content, HttpResponse):
            return content
    return documents_responses.document_response(
        request.user,
        content,
        kind=kind,
        fmt=fmt,
        case=case,
        filename_stem=document_kind.filename(offer.obj),
        data={"item": offer.param} if offer.param else None,
    )


def _pdf_or_page(request: HttpRequest, content: bytes, *, case=None) -> bytes | HttpResponse:
    """The PDF of a .docx; without LibreOffice (or when it fails), a page that says so and links the Word file."""
    try:
        return documents_pdf.to_pdf(content)
    except (documents_pdf.PdfUnavailable, documents_pdf.PdfFailed) as error:
        word_url = request.path.removesuffix(".pdf") + ".docx"
        if request.GET:
            word_url += "?" + request.GET.urlencode()
        return render(
            request,
            "reporting/pdf_unavailable.html",
            {"reason": str(error), "word_url": word_url, "case": case},
            status=503,
        )


@require_GET
@login_required
def case_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _case_document(request, pk, kind, "docx")


@require_GET
@login_required
def case_document_pdf(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    return _case_document(request, pk, kind, "pdf")


@require_GET
@login_required
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    return documents_printing.print_html(request.user, get_case_or_404(request.user, pk))


def _exporter(request: HttpRequest) -> None:
    if not can_export(request.user):
        raise PermissionDenied("只有提案委、审查和督办领导可以导出。")


def _filtered_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The user's visible cases under the list's filters: downloaded at once, or — more than
    EXPORT_JOB_THRESHOLD rows — written by a background job whose progress page opens instead."""
    _exporter(request)
    cases, applied = filter_cases(visible_cases(request.user), request.GET)
    if exports.rows_to_export(kind, cases) > settings.EXPORT_JOB_THRESHOLD:
        job = reporting_jobs.start_export(request.user, kind, request.GET)
        return redirect("jobs:detail", job.pk)
    if kind == "catalogue":
        return exports.export_catalogue(request.user, cases, filters=applied)
    return exports.export_cases(request.user, cases, filters=applied)


@require_GET
@login_required
def catalogue_xlsx(request: HttpRequest) -> HttpResponse:
    return _filtered_export(request, "catalogue")


@require_GET
@login_required
def cases_xlsx(request: HttpRequest) -> HttpResponse:
    return _filtered_export(request, "case_list")


def _listing_document(request: HttpRequest, kind: str, listing, fmt: str) -> HttpResponse:
    document_kind = documents.get(kind)
    assert document_kind is not None
    content = documents.make(document_kind, listing, user=request.user)
    if fmt == "pdf":
        content = _pdf_or_page(request, content)
        if isinstance(content, HttpResponse):
            return content
    return documents_responses.document_response(
        request.user,
        content,
        kind=kind,
        fmt=fmt,
        filename_stem=document_kind.filename(listing),
        data={"scope": listing.scope, "rows": len(listing.items)},
    )


@require_GET
@login_required
def key_catalogue_docx(request: HttpRequest, fmt: str = "docx") -> HttpResponse:
    _exporter(request)
    year = int_param(request.GET, "year", "年度", minimum=1990, maximum=2100) or clock.today().year
    keys = list(document_selectors.key_proposals_of_year(visible_cases(request.user), year))
    listing = documents_kinds.Listing(scope=f"{year}年度", year=year, items=keys)
    return _listing_document(request, "key_catalogue", listing, fmt)


@require_GET
@login_required
def key_catalogue_pdf(request: HttpRequest) -> HttpResponse:
    return key_catalogue_docx(request, "pdf")


@require_GET
@login_required
def catalogue_docx(request: HttpRequest, fmt: str = "docx") -> HttpResponse:
    """提案目录 of a session (?session=), as a Word table: the cases the person may see."""
    _exporter(request)
    session = Session.objects.filter(pk=id_param(request.GET, "session", "会次")).first()
    if session is None:
        raise Http404("请选择会次。")
    cases = list(document_selectors.session_catalogue(visible_cases(request.user), session))
    listing = documents_kinds.Listing(scope=session.name, year=session.opens.year, items=cases)
    return _listing_document(request, "catalogue", listing, fmt)


@require_GET
@login_required
def catalogue_pdf(request: HttpRequest) -> HttpResponse:
    return catalogue_docx(request, "pdf")


def _session_for_staff(request: HttpRequest, pk: int) -> Session:
    if not is_staff(request.user):
        raise PermissionDenied("只有提案委可以打印交办材料。")
    session = Session.objects.filter(pk=pk).first()
    if session is None:
        raise Http404("没有这次会议。")
    return session


@require_GET
@login_required
def assignment_list(request: HttpRequest, pk: int, fmt: str = "docx") -> HttpResponse:
    """交办清单 of a session (staff)."""
    session = _session_for_staff(request, pk)
    document_kind = documents.get("assignment_list")
    assert document_kind is not None
    content = documents.make(document_kind, session, user=request.user)
    if fmt == "pdf":
        content = _pdf_or_page(request, content)
        if isinstance(content, HttpResponse):
            return content
    return documents_responses.document_response(
        request.user,
        content,
        kind="assignment_list",
        fmt=fmt,
        filename_stem=document_kind.filename(session),
        data={"session": session.pk},
    )


@require_POST
@login_required
def session_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the 交办会 batch: every 交办通知书 of the session as one PDF and one .zip of .docx (a job)."""
    session = _session_for_staff(request, pk)
    fmt = request.POST.get("format", "pdf")
    job = documents_batch.start(request.user, session, fmt if fmt in documents_batch.FORMATS else "pdf")
    return redirect("jobs:detail", job.pk)
