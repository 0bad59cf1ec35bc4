"""The case page, the one generic action view, and the small searches its forms use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from core.params import MAX_CASE_NUMBER, id_param, parse_id
from proposals import access, services, uploads, workflow
from proposals.errors import WorkflowError
from proposals.models import Assignment, Attachment, Case, Proposer, Reply

from .common import case_url, is_htmx
from .forms import (
    FILE_FIELDS,
    LETTER_UPLOAD,
    PHOTO_UPLOAD,
    ROLE_CHOICES,
    _unit_choices,
    build_form,
    post_data,
    unit_groups,
    unit_rows,
)
from .timeline import timeline_for


def _case_context(request: HttpRequest, case: Case) -> dict:
    user = request.user
    # Fetched once: the workflow's guards, relations and access checks read case.assignments/proposers.all().
    prefetch_related_objects(
        [case],
        Prefetch("assignments", Assignment.objects.select_related("unit").order_by("id")),
        Prefetch("proposers", Proposer.objects.select_related("user").order_by("order", "id")),
    )
    assignments = list(case.assignments.all())
    available = workflow.available_actions(user, case)
    relations = workflow.relations(user, case)
    title, timeline = timeline_for(user, case)
    proposers = list(case.proposers.all())
    purposes = access.upload_purposes(user, case)
    return {
        "case": case,
        "assignments": assignments,
        "available": available,
        "relations": relations,
        "proposers": proposers,
        "show_contacts": access.can_see_contact_details(user, case),
        "attachments": access.visible_attachments(user, case).select_related("uploaded_by"),
        "timeline_title": title,
        "timeline": timeline,
        "contacts_log": access.visible_contacts(user, case, relations),
        "co_views": case.co_views.select_related("assignment__unit")
        if "unit" in relations or access.is_staff(user)
        else [],
        "internal_replies": (
            case.replies.exclude(state=Reply.State.DRAFT).select_related("assignment__unit")
            if "unit" in relations or access.is_staff(user) or access.is_reviewer(user)
            else []
        ),
        # Proposers read their own ratings in the timeline; the table is for those who see them all.
        "ratings": access.visible_ratings(user, case, relations) if access.RATING_READERS & relations else [],
        "can_edit": workflow.can_edit_draft(user, case, relations),
        "purposes": [(v, label) for v, label in Attachment.Purpose.choices if v in purposes],
        "awaiting_cosigners": [p for p in proposers if p.role == "cosigner" and p.confirmation == "pending"],
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_case_or_404(request.user, pk)
    return render(request, "proposals/case_detail.html", _case_context(request, case))


def _assignment_of(case: Case, request: HttpRequest):
    pk = id_param(request.POST if request.method == "POST" else request.GET, "assignment", "交办记录")
    if pk is None and request.method == "POST":
        pk = id_param(request.GET, "assignment", "交办记录")
    return case.assignments.select_related("unit").filter(pk=pk).first() if pk else None


def _render_action(request, case, action, assignment, form, *, error: WorkflowError | None = None, status=200):
    reply_draft = rated_reply = None
    if action.name == "reply" and assignment is not None:
        reply_draft = Reply.objects.draft_of(assignment)
    if action.name == "rate" and assignment is not None:
        # The reply being rated, shown above the form (issue 17 item 3): the accepted one of this round.
        rated_reply = (
            Reply.objects.filter(assignment=assignment, state=Reply.State.ACCEPTED)
            .select_related("assignment__unit")
            .order_by("-round", "-id")
            .first()
        )
    context = {
        "case": case,
        "action": action,
        "assignment": assignment,
        "form": form,
        "error": error,
        "unit_rows": unit_rows(request.POST if request.method == "POST" else None),
        "unit_choices": _unit_choices() if action.name == "assign" else [],
        "unit_groups": unit_groups() if action.name == "assign" else [],
        "role_choices": ROLE_CHOICES,
        "file_purposes": [
            (name, FILE_FIELDS[name])
            for name in form.fields
            if name in FILE_FIELDS
            and not (name == "letter_file" and LETTER_UPLOAD in form.fields)
            and not (name == "photos" and PHOTO_UPLOAD in form.fields)
        ],
        "reply_draft": reply_draft,
        "rated_reply": rated_reply,
        "host_case": Case.objects.filter(pk=parse_id(form["host"].value())).first()
        if "host" in form.fields and parse_id(form["host"].value())
        else None,
    }
    template = (
        "proposals/_action_form.html" if is_htmx(request) and request.method == "GET" else "proposals/action_page.html"
    )
    return render(request, template, context, status=status)


def _upload_reply_letter(request: HttpRequest, case: Case, assignment) -> int | None:
    """Store the letter chosen in the reply form; it stays with the case even if the reply is refused, so the
    re-rendered form offers it again and nothing typed or uploaded is lost. Nothing is stored when the reply
    itself would be refused: services.perform then refuses it (and records the refusal)."""
    try:
        workflow.check(workflow.ACTIONS["reply"], request.user, case, assignment)
    except WorkflowError:
        return None
    if Attachment.Purpose.REPLY_LETTER not in access.upload_purposes(request.user, case):
        return None
    with transaction.atomic():
        letter = uploads.store(
            case, request.user, request.FILES[LETTER_UPLOAD], Attachment.Purpose.REPLY_LETTER, assignment
        )
    return letter.pk


def _upload_photos(request: HttpRequest, case: Case) -> list[int]:
    """Store the photos chosen in the 督办记录 form (as the reply form does its letter): only when the
    record itself would be accepted from this user, and only a purpose the user may upload."""
    try:
        workflow.check(workflow.ACTIONS["log_supervision"], request.user, case, None)
    except WorkflowError:
        return []
    if Attachment.Purpose.EVIDENCE not in access.upload_purposes(request.user, case):
        return []
    with transaction.atomic():
        return [
            uploads.store(case, request.user, f, Attachment.Purpose.EVIDENCE).pk
            for f in request.FILES.getlist(PHOTO_UPLOAD)
        ]


@login_required
def action_view(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """GET: the action's form. POST: services.perform; a refusal re-renders with the reason and the typed data."""
    if request.method == "POST" and not access.visible_cases(request.user).filter(pk=pk).exists():
        try:  # the services answer 404 and record the refusal, as they do for the API
            services.perform(name, request.user, pk, {})
        except WorkflowError:
            pass
    case = access.get_case_or_404(request.user, pk)
    if name not in workflow.ACTIONS:
        raise Http404("没有该操作。")
    action = workflow.ACTIONS[name]
    assignment = _assignment_of(case, request)
    if request.method == "GET":
        initial = {}
        if action.name == "reply" and assignment is not None:
            draft = Reply.objects.draft_of(assignment)
            if draft:
                initial = {
                    f: getattr(draft, f) for f in ("reply_class", "letter", "signer", "contact_person", "contact_phone")
                }
                initial["letter_file"] = draft.letter_file_id
        try:
            workflow.check(action, request.user, case, assignment)
        except WorkflowError as error:
            if error.kind == WorkflowError.NOT_FOUND:
                raise Http404(error.message)
            return _render_action(
                request,
                case,
                action,
                assignment,
                build_form(action, case, request.user, initial=initial),
                error=error,
                status=error.http_status,
            )
        return _render_action(
            request, case, action, assignment, build_form(action, case, request.user, initial=initial)
        )
    if request.method != "POST":
        return HttpResponse(status=405)
    data = post_data(action, request.POST)
    try:
        if action.name == "reply" and request.FILES.get(LETTER_UPLOAD) and assignment is not None:
            data["letter_file"] = _upload_reply_letter(request, case, assignment) or data.get("letter_file")
        if action.name == "log_supervision" and request.FILES.getlist(PHOTO_UPLOAD):
            data["photos"] = list(data.get("photos") or []) + _upload_photos(request, case)
        services.perform(action.name, request.user, case.pk, data, assignment_id=assignment.pk if assignment else None)
    except WorkflowError as error:
        if error.kind == WorkflowError.NOT_FOUND and not action.on_assignment:
            raise Http404(error.message)
        form = build_form(action, case, request.user, data=data)
        form.is_valid()
        for field, problems in error.errors.items():
            if field in form.fields and field not in form.errors:
                for problem in problems:
                    form.add_error(field, problem)
        case.refresh_from_db()
        return _render_action(request, case, action, assignment, form, error=error, status=error.http_status)
    messages.success(request, f"已完成“{action.label}”。")
    return redirect(case_url(case.pk))


@login_required
@require_POST
def reply_draft_view(request: HttpRequest, pk: int, assignment_id: int) -> HttpResponse:
    case = access.get_case_or_404(request.user, pk)
    fields = {
        k: request.POST.get(k, "")
        for k in ("reply_class", "letter", "signer", "contact_person", "contact_phone", "letter_file")
    }
    try:
        services.save_reply_draft(request.user, case.pk, assignment_id, **fields)
    except WorkflowError as error:
        if error.kind == WorkflowError.NOT_FOUND:
            raise Http404(error.message)
        messages.error(request, error.message)
        return redirect(f"{case_url(case.pk)}act/reply/?assignment={assignment_id}")
    messages.success(request, "答复草稿已保存，可稍后继续填写。")
    return redirect(f"{case_url(case.pk)}act/reply/?assignment={assignment_id}")


@login_required
@require_GET
def host_search(request: HttpRequest, pk: int) -> HttpResponse:
    """Candidates to merge a case into: visible, same kind, filed or later; by number or words of the title."""
    case = access.get_case_or_404(request.user, pk)
    q = (request.GET.get("host_q") or "").strip()
    found = []
    if q:
        qs = (
            access.visible_cases(request.user)
            .filter(kind=case.kind, status__in=workflow.MERGE_HOST_STATES)
            .exclude(pk=case.pk)
        )
        match = Q(title__icontains=q)
        if (number := parse_id(q, maximum=MAX_CASE_NUMBER)) is not None:
            match |= Q(number=number) | Q(pk=number)
        found = list(qs.filter(match).select_related("session").order_by("-id")[:10])
    return render(request, "proposals/_host_results.html", {"found": found, "q": q})
