"""Drafting a case: the member's own draft, or staff entering a paper proposal on a member's behalf (代录)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from core.params import id_list
from members.models import Membership, Term, User
from proposals import access, services, workflow
from proposals.errors import WorkflowError
from proposals.models import Category, Kind, Proposer

from .common import case_url


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Kind.choices, initial=Kind.PROPOSAL)
    title = forms.CharField(label="案由", max_length=100, help_text="一事一案，不超过 100 字")
    category = forms.TypedChoiceField(label="类别", coerce=int, required=False)
    facts = forms.CharField(label="情况分析", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    suggestions = forms.CharField(label="办法建议", widget=forms.Textarea(attrs={"rows": 6}), required=False)
    is_public = forms.BooleanField(label="同意公开", required=False, initial=True)
    not_public_reason = forms.CharField(label="不公开理由", max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "——请选择——")] + list(
            Category.objects.filter(active=True).values_list("pk", "name")
        )


# More co-signers than any real case has (a 联名 proposal has a handful); a bound keeps a forged
# form of 300,000 ids from becoming one query with 300,000 parameters.
MAX_COSIGNERS = 200


def _cosigners_picked(request: HttpRequest) -> list[int]:
    return id_list(request.POST.getlist("cosigners"), "cosigners", "附议人", limit=MAX_COSIGNERS)


def _render(request, form, *, case=None, cosigners=(), error=None, on_behalf=None, status=200):
    term = Term.current()
    members = []
    if request.user.has_role("staff") and case is None:
        members = [
            (m.user_id, m.user.display_name)
            for m in Membership.objects.filter(term=term, active=True).select_related("user").order_by("user__name")
        ]
    picked = list(User.objects.filter(pk__in=list(cosigners)))
    return render(
        request,
        "proposals/draft_form.html",
        {
            "form": form,
            "case": case,
            "picked": picked,
            "error": error,
            "members": members,
            "on_behalf": on_behalf,
        },
        status=status,
    )


def _fields(form: DraftForm) -> dict:
    data = dict(form.cleaned_data)
    data["category"] = data.get("category") or None
    return data


@login_required
def draft_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _render(request, DraftForm())
    form = DraftForm(request.POST)
    cosigners = _cosigners_picked(request)
    on_behalf = request.POST.get("on_behalf_of") or None
    if not form.is_valid():
        return _render(request, form, cosigners=cosigners, on_behalf=on_behalf, status=400)
    try:
        case = services.create_draft(
            request.user, on_behalf_of=int(on_behalf) if on_behalf else None, cosigners=cosigners, **_fields(form)
        )
    except WorkflowError as error:
        return _render(request, form, cosigners=cosigners, error=error, on_behalf=on_behalf, status=error.http_status)
    messages.success(request, "草稿已保存。" + ("已邀请附议人确认。" if cosigners else ""))
    return redirect(case_url(case.pk))


@login_required
def draft_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_case_or_404(request.user, pk)
    current = list(case.proposers.filter(role=Proposer.Role.COSIGNER).values_list("user_id", flat=True))
    refusal = workflow.draft_edit_refusal(request.user, case)
    if refusal is not None:
        messages.error(request, refusal.message)
        return redirect(case_url(case.pk))
    if request.method != "POST":
        form = DraftForm(
            initial={
                "kind": case.kind,
                "title": case.title,
                "category": case.category_id,
                "facts": case.facts,
                "suggestions": case.suggestions,
                "is_public": case.is_public,
                "not_public_reason": case.not_public_reason,
            }
        )
        return _render(request, form, case=case, cosigners=current)
    form = DraftForm(request.POST)
    cosigners = _cosigners_picked(request)
    if not form.is_valid():
        return _render(request, form, case=case, cosigners=cosigners, status=400)
    try:
        services.update_draft(request.user, case.pk, cosigners=cosigners, **_fields(form))
    except WorkflowError as error:
        if error.kind == WorkflowError.NOT_FOUND:
            raise Http404(error.message)
        return _render(request, form, case=case, cosigners=cosigners, error=error, status=error.http_status)
    messages.success(request, "草稿已保存。修改正文后，附议人需要重新确认。")
    return redirect(case_url(case.pk))


@login_required
@require_GET
def member_search(request: HttpRequest) -> HttpResponse:
    """Co-signer search by name among the current term's members (an htmx fragment)."""
    q = (request.GET.get("q") or "").strip()
    found = []
    if q:
        found = [
            m.user
            for m in Membership.objects.filter(term=Term.current(), active=True, user__name__icontains=q)
            .exclude(user=request.user)
            .select_related("user")
            .order_by("user__name")[:15]
        ]
    return render(request, "proposals/_member_results.html", {"found": found, "q": q})
