"""The duty pages (namespace ``duty``): thin views; who may see what is ``duty.access``, reads are
``duty.selectors``, writes ``duty.services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.params import parse_id
from members.models import Membership

from . import access, selectors, services
from .forms import ActivityForm, OpinionForm, SelfReportForm, filter_activities
from .models import STUDY_KINDS, Assessment, Participation, SelfReport


def _year_or_404(year: int):
    term = selectors.term_for_year(year) if 2000 <= year <= 2100 else None
    if term is None:
        raise Http404("该年度没有届次记录。")
    return term


def _errors(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [m for ms in error.message_dict.values() for m in ms]
    return list(error.messages)


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    access.require_use(request.user)
    year = selectors.default_year()
    term = selectors.term_for_year(year)
    pending = (
        Participation.objects.filter(user=request.user, confirmed_at__isnull=True)
        .exclude(status=Participation.Status.INVITED)
        .count()
    )
    membership = Membership.objects.filter(user=request.user, term=term).first() if term else None
    return render(
        request,
        "duty/home.html",
        {
            "year": year,
            "years": selectors.years_of(term)[::-1],
            "membership": membership,
            "pending": pending,
            "can_manage": access.can_manage(request.user),
            "has_report": SelfReport.objects.filter(user=request.user, year=year).exists(),
            # The years whose assessment has been run: their public 通报 is every member's to read.
            "notice_years": list(
                Assessment.objects.filter(term=term).order_by("-year").values_list("year", flat=True) if term else []
            ),
        },
    )


@require_GET
@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    activities = access.visible_activities(request.user).select_related("committee", "sector", "group")
    filterset, activities = filter_activities(request.GET, activities)
    page = Paginator(activities.order_by("-date", "-id"), 30).get_page(request.GET.get("page"))
    mine = {}
    if not access.can_manage(request.user):
        mine = {
            p.activity_id: p
            for p in Participation.objects.filter(user=request.user, activity__in=[a.pk for a in page.object_list])
        }
    rows = [(a, mine.get(a.pk)) for a in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "duty/activity_list.html",
        {
            "filterset": filterset,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_manage": access.can_manage(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def activity_new(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    term = selectors.term_for_year(selectors.default_year())
    form = ActivityForm(request.POST or None, term=term)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.record_activity(request.user, form.save(commit=False), form.invitees())
        except ValidationError as e:
            for message in _errors(e):
                form.add_error(None, message)
        else:
            messages.success(request, f"已登记“{activity.title}”，共邀请 {activity.participants.count()} 名委员。")
            return redirect("duty:activity_detail", pk=activity.pk)
    return render(request, "duty/activity_form.html", {"form": form})


@require_GET
@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_or_404(request.user, pk)
    manage = access.can_manage(request.user)
    participants = activity.participants.select_related("user").order_by("user__name")
    if not manage:
        participants = participants.filter(user=request.user)
    opinions = activity.opinions.select_related("author")
    participant_rows = list(participants)
    others = []
    if manage:
        others = (
            Membership.objects.filter(term=activity.term, active=True)
            .exclude(user__in=[p.user_id for p in participant_rows])
            .select_related("user", "sector")
            .order_by("sector__order", "user__name")
        )
    return render(
        request,
        "duty/activity_detail.html",
        {
            "activity": activity,
            "participants": participant_rows,
            "opinions": opinions if manage else opinions.filter(author=request.user),
            "can_manage": manage,
            "is_study": activity.kind in STUDY_KINDS,
            "statuses": Participation.Status.choices,
            "opinion_form": OpinionForm(),
            "others": others,
            "counts": {s: sum(1 for p in participant_rows if p.status == s) for s in Participation.Status.values},
        },
    )


@require_POST
@login_required
def activity_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_or_404(request.user, pk)  # another member's activity: 404 before 403
    access.require_manage(request.user)
    statuses = {}
    for p in activity.participants.all():
        status = request.POST.get(f"status_{p.pk}")
        if status is not None:
            statuses[p.pk] = (status, request.POST.get(f"reason_{p.pk}", ""))
    report_title = request.POST.get("report_title") if "report_title" in request.POST else None
    try:
        changed = services.set_attendance(
            request.user,
            activity,
            statuses,
            report_title=report_title,
            report_author=parse_id(request.POST.get("report_author") or ""),
        )
    except ValidationError as e:
        for message in _errors(e):
            messages.error(request, message)
    else:
        messages.success(request, f"已保存出席情况（{changed} 人有变动）。")
    return redirect("duty:activity_detail", pk=activity.pk)


@require_POST
@login_required
def activity_invite(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_or_404(request.user, pk)  # another member's activity: 404 before 403
    access.require_manage(request.user)
    ids = [i for i in (parse_id(v) for v in request.POST.getlist("members")[:500]) if i is not None]
    try:
        added = services.invite(request.user, activity, ids)
    except ValidationError as e:
        for message in _errors(e):
            messages.error(request, message)
    else:
        messages.success(request, f"已增加邀请 {added} 名委员。")
    return redirect("duty:activity_detail", pk=activity.pk)


@require_POST
@login_required
def activity_opinion(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access.get_activity_or_404(request.user, pk)  # another member's activity: 404 before 403
    access.require_manage(request.user)
    try:
        services.add_opinion(
            request.user,
            activity,
            request.POST.get("text", ""),
            parse_id(request.POST.get("author") or ""),
        )
    except ValidationError as e:
        for message in _errors(e):
            messages.error(request, message)
    else:
        messages.success(request, "已登记意见建议。")
    return redirect(reverse("duty:activity_detail", args=[activity.pk]) + "#opinions")


@require_POST
@login_required
def activity_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_use(request.user)
    activity = access.get_activity_or_404(request.user, pk)
    try:
        services.confirm(request.user, activity)
    except ValidationError as e:
        for message in _errors(e):
            messages.error(request, message)
    else:
        messages.success(request, "已确认出席情况。")
    return redirect("duty:activity_detail", pk=activity.pk)


def _dossier(request: HttpRequest, year: int, user_id: int):
    user = access.get_member_or_404(request.user, user_id)
    term = _year_or_404(year)
    return selectors.dossier(user, year, term), term


@require_GET
@login_required
def dossier(request: HttpRequest, year: int, user_id: int) -> HttpResponse:
    d, term = _dossier(request, year, user_id)
    return render(
        request,
        "duty/dossier.html",
        {"d": d, "years": selectors.years_of(term), "can_manage": access.can_manage(request.user)},
    )


@require_GET
@login_required
def dossier_print(request: HttpRequest, year: int, user_id: int) -> HttpResponse:
    return render(request, "duty/print_dossier.html", {"d": _dossier(request, year, user_id)[0]})


@require_GET
@login_required
def totals(request: HttpRequest, year: int) -> HttpResponse:
    access.require_use(request.user)
    term = _year_or_404(year)
    rows = selectors.public_totals(year)
    return render(
        request,
        "duty/totals.html",
        {"year": year, "rows": rows, "years": selectors.years_of(term), "can_manage": access.can_manage(request.user)},
    )


@require_http_methods(["GET", "POST"])
@login_required
def self_report(request: HttpRequest, year: int) -> HttpResponse:
    access.require_use(request.user)
    _year_or_404(year)
    existing = SelfReport.objects.filter(user=request.user, year=year).first()
    form = SelfReportForm(request.POST or None, initial={"text": existing.text if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_self_report(request.user, year, form.cleaned_data["text"])
        except ValidationError as e:
            for message in _errors(e):
                form.add_error(None, message)
        else:
            messages.success(request, f"已提交{year}年度履职工作报告。")
            return redirect("duty:self_report", year=year)
    return render(request, "duty/self_report.html", {"form": form, "year": year, "existing": existing})


@require_GET
@login_required
def self_reports(request: HttpRequest, year: int) -> HttpResponse:
    access.require_manage(request.user)
    term = _year_or_404(year)
    reports = {r.user_id: r for r in SelfReport.objects.filter(year=year)}
    standing = Membership.objects.filter(term=term, active=True, is_standing=True).select_related("user", "sector")
    rows = [(m, reports.get(m.user_id)) for m in standing.order_by("sector__order", "user__name")]
    others = SelfReport.objects.filter(year=year).exclude(user__in=[m.user_id for m, _ in rows]).select_related("user")
    return render(request, "duty/self_reports.html", {"year": year, "rows": rows, "others": others})


@require_http_methods(["GET", "POST"])
@login_required
def assessment(request: HttpRequest, year: int) -> HttpResponse:
    access.require_manage(request.user)
    term = _year_or_404(year)
    if request.method == "POST":
        try:
            services.run_assessment(request.user, year)
        except ValidationError as e:
            for message in _errors(e):
                messages.error(request, message)
        else:
            messages.success(request, f"已完成{year}年度履职考核评定。")
        return redirect("duty:assessment", year=year)
    found = selectors.assessment_of(year)
    results = list(selectors.assessment_results(found)) if found else []
    return render(
        request,
        "duty/assessment.html",
        {
            "year": year,
            "years": selectors.years_of(term),
            "assessment": found,
            "results": results,
            "policy": selectors.policy_text(found.policy if found else selectors.policy_for(year)),
            "notice": selectors.notice(year) if found else None,
        },
    )


@require_GET
@login_required
def notice_print(request: HttpRequest, year: int) -> HttpResponse:
    access.require_use(request.user)
    _year_or_404(year)
    n = selectors.notice(year)
    if n is None:
        raise Http404("该年度尚未进行履职考核。")
    return render(request, "duty/print_notice.html", {"n": n})
