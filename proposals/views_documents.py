"""Downloads: Word documents of a case, its print view, and the Excel exports.

Thin views: the case comes through ``access.get_case_or_404`` (another unit's case is a 404),
lists through ``access.visible_cases``; who may export is ``access.can_export``.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from . import clock, documents, exports
from .access import can_export, get_case_or_404, visible_cases


@require_GET
@login_required
def case_document(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    case = get_case_or_404(request.user, pk)
    if kind not in documents.CASE_DOCUMENTS:
        raise Http404("没有这种文书。")
    content = documents.case_document(kind, case)
    return documents.docx_response(request.user, content, kind=kind, case=case,
                                   filename_stem=documents.document_filename(kind, case))


@require_GET
@login_required
def case_print(request: HttpRequest, pk: int) -> HttpResponse:
    return documents.print_html(request.user, get_case_or_404(request.user, pk))


def _exporter(request: HttpRequest) -> None:
    if not can_export(request.user):
        raise PermissionDenied("只有提案委、审查和督办领导可以导出。")


def _filtered_export(request: HttpRequest, export) -> HttpResponse:
    """The user's visible cases under the list's filters, written by ``export``."""
    _exporter(request)
    cases, applied = exports.filter_cases(visible_cases(request.user), request.GET)
    return export(request.user, cases, filters=applied)


@require_GET
@login_required
def catalogue_xlsx(request: HttpRequest) -> HttpResponse:
    return _filtered_export(request, exports.export_catalogue)


@require_GET
@login_required
def cases_xlsx(request: HttpRequest) -> HttpResponse:
    return _filtered_export(request, exports.export_cases)


@require_GET
@login_required
def key_catalogue_docx(request: HttpRequest) -> HttpResponse:
    _exporter(request)
    year = request.GET.get("year", "")
    if not year.isdigit():
        year = str(clock.today().year)
    keys = documents.key_proposals_of_year(visible_cases(request.user), int(year))
    content = documents.key_catalogue(int(year), keys)
    return documents.docx_response(request.user, content, kind="key_catalogue",
                                   filename_stem=f"{year}年度重点提案目录", data={"year": int(year)})
