"""The pages of assist: the "类似提案" panels (htmx partials loaded by proposals' pages through template
hooks, so a slow or failed lookup never holds up the page or the submit button), the merge-suggestion
page for staff and reviewers, and the synonym list staff keep."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from members.models import Session
from proposals import access

from . import selectors, services
from .forms import SynonymGroupForm


@login_required
@require_GET
def case_similar(request: HttpRequest, pk: int) -> HttpResponse:
    """The panel of a case: its similar cases among those the user may see."""
    case = access.get_case_or_404(request.user, pk)
    return render(
        request,
        "assist/_similar_panel.html",
        {"items": selectors.similar_cases(request.user, case), "for_draft": False, "case": case},
    )


@login_required
@require_POST
def draft_similar(request: HttpRequest) -> HttpResponse:
    """The drafting panel: similar cases for the text being typed (nothing is saved)."""
    title = request.POST.get("title", "")[:100]
    body = f"{request.POST.get('facts', '')[:5000]}\n{request.POST.get('suggestions', '')[:5000]}"
    raw = request.POST.get("case", "")
    exclude = int(raw) if raw.isdigit() and len(raw) < 10 else None
    items = selectors.similar_to_text(request.user, title, body, exclude=exclude)
    return render(request, "assist/_similar_panel.html", {"items": items, "for_draft": True, "typed": title})


def _may_merge(user) -> bool:
    return access.is_staff(user) or access.is_reviewer(user)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 10 else None


@login_required
@require_http_methods(["GET", "POST"])
def merge_suggestions(request: HttpRequest) -> HttpResponse:
    """GET: groups of probably-the-same-matter cases with their suggested host. POST: act on one group."""
    user = request.user
    if not _may_merge(user):
        raise PermissionDenied("只有提案委和审查人员可以查看并案建议。")
    session_id = _int(request.GET.get("session") or request.POST.get("session"))
    steps: list[services.Step] = []
    error = ""
    if request.method == "POST":
        host = _int(request.POST.get("host"))
        members = [int(v) for v in request.POST.getlist("members") if v.isdigit() and len(v) < 10]
        if host is None:
            error = "请选择主案。"
        elif not [m for m in members if m != host]:
            error = "请至少勾选一件要并入主案的提案。"
        else:
            steps = services.act_on_group(
                user,
                host,
                members,
                file_host=request.POST.get("file_host") == "1",
                note=request.POST.get("note", "")[:500],
            )
    groups = selectors.merge_suggestions(user, session_id)
    titles = dict(access.visible_cases(user).filter(pk__in=[s.case_id for s in steps]).values_list("id", "title"))
    return render(
        request,
        "assist/merge_suggestions.html",
        {
            "groups": groups,
            "sessions": Session.objects.select_related("term").order_by("-term__number", "-number"),
            "session_id": session_id,
            "steps": [(s, titles.get(s.case_id, "")) for s in steps],
            "error": error,
            "is_reviewer": access.is_reviewer(user),
            "may_edit_synonyms": selectors.may_edit_synonyms(user),
            "threshold": selectors.MERGE_THRESHOLD,
        },
        status=400 if error else 200,
    )


# --- The synonym list (staff) --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def synonyms(request: HttpRequest) -> HttpResponse:
    """The list of synonym groups, with the form to add one (POST adds it)."""
    groups = selectors.synonym_groups(request.user)
    form = SynonymGroupForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        group = services.create_synonym_group(request.user, **form.cleaned_data)
        messages.success(request, f"已添加同义词组“{group}”，提到这些词的提案已重新索引。")
        return redirect("assist:synonyms")
    return render(
        request,
        "assist/synonyms.html",
        {"groups": list(groups), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def synonym_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.synonym_group_or_404(request.user, pk)
    form = SynonymGroupForm(request.POST if request.method == "POST" else None, group=group)
    if request.method == "POST" and form.is_valid():
        group = services.update_synonym_group(request.user, group.pk, **form.cleaned_data)
        messages.success(request, f"已保存同义词组“{group}”，提到修改前后这些词的提案已重新索引。")
        return redirect("assist:synonyms")
    return render(
        request, "assist/synonym_edit.html", {"group": group, "form": form}, status=400 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def synonym_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: asks to confirm; POST: deletes the group."""
    group = selectors.synonym_group_or_404(request.user, pk)
    if request.method == "POST":
        label = str(group)
        services.delete_synonym_group(request.user, group.pk)
        messages.success(request, f"已删除同义词组“{label}”，提到这些词的提案已重新索引。")
        return redirect("assist:synonyms")
    return render(request, "assist/synonym_delete.html", {"group": group})


# --- Suggested units and the pre-submission check (issue 22) ------------------------------------------------


@login_required
@require_GET
def case_units(request: HttpRequest, pk: int) -> HttpResponse:
    """The suggested lead units and co-handlers of a case (staff only), beside the assignment picker or in a
    row of the bulk assignment page (``?compact=1``). Nothing is selected for the user."""
    case = access.get_case_or_404(request.user, pk)
    if not access.is_staff(request.user):
        raise PermissionDenied("只有提案委工作人员可以查看建议承办单位。")
    lead, co = selectors.suggested_units(request.user, case)
    template = "assist/_units_compact.html" if request.GET.get("compact") == "1" else "assist/_units_panel.html"
    return render(request, template, {"lead": lead, "co": co, "case": case})


def _text_of(post) -> tuple[str, str, str]:
    return post.get("title", "")[:100], post.get("facts", "")[:20000], post.get("suggestions", "")[:20000]


@login_required
@require_POST
def draft_precheck(request: HttpRequest) -> HttpResponse:
    """The drafting page's 预审 panel: advice on the text being typed (nothing is saved)."""
    title, facts, suggestions = _text_of(request.POST)
    if not (title.strip() or facts.strip() or suggestions.strip()):
        return render(request, "assist/_precheck_panel.html", {"empty": True})
    exclude = _int(request.POST.get("case"))
    advice = selectors.precheck(request.user, title, facts, suggestions, exclude=exclude)
    return render(request, "assist/_precheck_panel.html", {"advice": advice, "live": True})


@login_required
@require_GET
def case_precheck(request: HttpRequest, pk: int) -> HttpResponse:
    """A case's 预审 panel: for its proposers while it is a draft (or returned), the advice now; for staff
    and reviewers, what was shown when it was submitted, and the advice on its text now."""
    from .models import PrecheckRecord

    case = access.get_case_or_404(request.user, pk)
    reviewing = access.is_staff(request.user) or access.is_reviewer(request.user)
    editing = case.status in ("draft", "returned")
    if not reviewing and not editing:
        raise PermissionDenied("预审提示只在起草和审查时显示。")
    advice = selectors.precheck(
        request.user, case.title, case.facts, case.suggestions, exclude=case.pk, session_id=case.session_id
    )
    record = PrecheckRecord.objects.filter(case=case).first() if reviewing else None
    return render(
        request,
        "assist/_precheck_panel.html",
        {"advice": advice, "record": record, "reviewing": reviewing, "case": case},
    )
