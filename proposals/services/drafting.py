"""Drafting: co-signing, submitting and withdrawing (handlers), and creating and editing a draft
before it is submitted (the operations around the table)."""

from __future__ import annotations

from audit import trail as audit
from core import clock
from members.models import CollectiveSigner, Membership, Role, Session, Term, User

from .. import payloads, settings_registry
from ..access import visible_cases
from ..errors import conflict, forbidden, invalid, not_found
from ..models import (
    Attachment,
    Case,
    Category,
    Kind,
    Proposer,
    Source,
)
from ..workflow import (
    STAFF,
    Context,
    draft_edit_refusal,
)
from .runner import (
    BODY_MAX,
    TITLE_MAX,
    Outcome,
    _attachment,
    _guarded,
    _lock_case,
    _now,
    _proposer_row,
    _require,
    draft_changed,
    handler,
)

# --- Handlers, in the order of the table --------------------------------------------------------------


def _answer_cosign(ctx: Context, data: dict, confirmation: str) -> Outcome:
    case = ctx.case
    if STAFF in ctx.relations and (data.get("proposer") or ctx.relations.isdisjoint({"cosigner"})):
        row = _proposer_row(case, data.get("proposer"), role=Proposer.Role.COSIGNER)
        if row.confirmation != Proposer.Confirmation.PENDING:
            raise conflict("cosign_already_answered", f"{row.user.display_name}已{row.get_confirmation_display()}。")
        scan = _attachment(case, _require(data.get("scan"), "scan", "代为确认须上传附议签名扫描件。"), "scan")
        row.confirmed_by = ctx.user
        on_behalf, extra = row.user, {"scan": scan.pk}
    else:
        row = case.proposers.get(user=ctx.user, role=Proposer.Role.COSIGNER)
        on_behalf, extra = None, {}
    row.confirmation = confirmation
    row.confirmed_at = _now()
    row.save()
    if data.get("reason"):
        extra["reason"] = data["reason"]
    return Outcome({"proposer": row.user.display_name, **extra}, on_behalf_of=on_behalf, obj=row)


@handler("cosign")
def _cosign(ctx: Context, data: dict) -> Outcome:
    return _answer_cosign(ctx, data, Proposer.Confirmation.CONFIRMED)


@handler("decline_cosign")
def _decline_cosign(ctx: Context, data: dict) -> Outcome:
    return _answer_cosign(ctx, data, Proposer.Confirmation.DECLINED)


def _check_case_text(case: Case) -> None:
    errors: dict[str, list[str]] = {}
    if not case.title.strip():
        errors["title"] = ["请填写案由。"]
    elif len(case.title) > TITLE_MAX:
        errors["title"] = [f"案由不能超过 {TITLE_MAX} 个字（现为 {len(case.title)} 个字）。"]
    if not case.facts.strip():
        errors["facts"] = ["请填写情况分析。"]
    if not case.suggestions.strip():
        errors["suggestions"] = ["请填写具体的办法建议。"]
    if case.category_id is None:
        errors["category"] = ["请选择类别。"]
    if errors:
        raise invalid("case_incomplete", "提案内容不完整：" + "；".join(m[0] for m in errors.values()), errors)


@handler("submit")
def _submit(ctx: Context, data: dict) -> Outcome:
    case = ctx.case
    _check_case_text(case)
    today = clock.today()
    plenary = Session.objects.filter(term=case.term, opens__lte=today, closes__gte=today).first()
    rows = list(case.proposers.select_related("user"))
    memberships = {
        m.user_id: m for m in Membership.objects.filter(term=case.term, user__in=[r.user_id for r in rows], active=True)
    }
    for row in rows:
        if not row.counts:
            continue
        membership = memberships.get(row.user_id)
        if membership is None:
            raise invalid(
                "proposer_not_member",
                f"{row.user.display_name}不是本届在任委员，不能作为提案人。",
                {"proposers": [f"{row.user.display_name}不是本届在任委员。"]},
            )
        if row.collective in (Proposer.Collective.SECTOR, Proposer.Collective.GROUP) and plenary is None:
            raise invalid(
                "collective_plenary_only",
                "界别和委员小组（联组）提案只能在大会期间提出。",
                {"proposers": ["界别和委员小组提案只能在大会期间提出。"]},
            )
        if row.collective:
            _check_collective(case, row)
        if not row.collective:
            # Snapshot: the case keeps the membership as it was when submitted.
            row.sector_id, row.committee_id, row.group_id = (
                membership.sector_id,
                membership.committee_id,
                membership.group_id,
            )
            row.save(update_fields=["sector", "committee", "group"])
    case.source = Source.PLENARY if plenary else Source.REGULAR
    case.session = plenary
    case.submitted_at = _now()
    case.status_reason = ""
    initiator = next(r for r in rows if r.is_initiator)
    on_behalf = initiator.user if ctx.actor.pk != initiator.user_id else None
    return Outcome({"source": case.source}, on_behalf_of=on_behalf)


COLLECTIVE_BODY: dict[str, str] = {
    Proposer.Collective.ORGANISATION: "organisation",
    Proposer.Collective.SECTOR: "sector",
    Proposer.Collective.COMMITTEE: "committee",
    Proposer.Collective.GROUP: "group",
}


def _check_collective(case: Case, row: Proposer) -> None:
    """A collective case is submitted for its body by the member the body named (contact or convener) in
    the case's term, with the sealed scan kept with the case (a setting, on by default)."""
    body_field = COLLECTIVE_BODY[row.collective]
    body_id = getattr(row, f"{body_field}_id")
    body = getattr(row, body_field)
    if body_id is None or not CollectiveSigner.may_sign(row.user, case.term, **{f"{body_field}_id": body_id}):
        name = str(body) if body is not None else Proposer.Collective(row.collective).label
        raise invalid(
            "collective_signer_required",
            f"{row.user.display_name}不是{name}本届指定的联系人或召集人，不能以其名义提出集体提案。",
            {"proposers": [f"须由{name}指定的联系人或召集人提出。"]},
        )
    if (
        settings_registry.get("collective_sealed_scan_required")
        and not case.attachments.filter(purpose=Attachment.Purpose.SEALED_SCAN).exists()
    ):
        raise invalid(
            "sealed_scan_required",
            "集体提案须上传盖章（或召集人签名）的扫描件。",
            {"sealed_scan": ["请上传盖章扫描件。"]},
        )


@handler("withdraw")
def _withdraw(ctx: Context, data: dict) -> Outcome:
    ctx.case.status_reason = data["reason"]
    return Outcome({"reason": data["reason"]})


# --- Drafting: creating and editing a case before it is submitted --------------------------------------

DRAFT_FIELDS = ("title", "facts", "suggestions", "category", "kind", "is_public", "not_public_reason")
TEXT_FIELDS = ("title", "facts", "suggestions")


def _check_cosigners(term: Term, user_ids: list[int], initiator_id: int) -> list[User]:
    ids = [int(i) for i in dict.fromkeys(user_ids) if int(i) != initiator_id]
    members = {
        m.user_id: m.user
        for m in Membership.objects.filter(term=term, active=True, user_id__in=ids).select_related("user")
    }
    missing = [i for i in ids if i not in members]
    if missing:
        names = "、".join(u.display_name for u in User.objects.filter(pk__in=missing)) or "、".join(map(str, missing))
        raise invalid(
            "cosigner_not_member",
            f"附议人须为本届在任委员：{names}不是。",
            {"cosigners": [f"{names}不是本届在任委员。"]},
        )
    return [members[i] for i in ids]


def _apply_draft_fields(case: Case, fields_: dict) -> list[str]:
    changed = []
    for name in DRAFT_FIELDS:
        if name not in fields_:
            continue
        value = fields_[name]
        if name == "category":
            value = Category.objects.filter(pk=value).first() if value else None
            if fields_[name] and value is None:
                raise invalid("category_not_found", "未找到该类别。", {"category": ["未找到该类别。"]})
            if value != case.category:
                changed.append(name)
            case.category = value
            continue
        if name == "kind" and value not in Kind.values:
            raise invalid("kind_invalid", "类型只能是提案或建议。", {"kind": ["类型只能是提案或建议。"]})
        if name in TEXT_FIELDS:
            value = (value or "").strip()
        if getattr(case, name) != value:
            changed.append(name)
            setattr(case, name, value)
    errors = {}
    if "title" in fields_ and not case.title:
        errors["title"] = ["请填写案由。"]
    if len(case.title) > TITLE_MAX:
        errors["title"] = [f"案由不能超过 {TITLE_MAX} 个字（现为 {len(case.title)} 个字）。"]
    if errors:
        raise invalid("title_invalid", errors["title"][0], errors)
    labels = {"facts": "情况分析", "suggestions": "办法建议"}
    too_long = {
        name: [f"{label}不能超过 {BODY_MAX} 个字（现为 {len(getattr(case, name))} 个字）。"]
        for name, label in labels.items()
        if len(getattr(case, name) or "") > BODY_MAX
    }
    if too_long:
        raise invalid("text_too_long", next(iter(too_long.values()))[0], too_long)
    return changed


def create_draft(
    user,
    *,
    on_behalf_of: int | None = None,
    cosigners: list[int] | tuple[int, ...] = (),
    collective: str = "",
    organisation: int | None = None,
    **fields_,
) -> Case:
    """A member's new draft, or staff entering a paper proposal on a member's behalf (代录)."""

    def body() -> Case:
        term = Term.current()
        if term is None:
            raise conflict("no_current_term", "当前没有进行中的届次。")
        roles = user.role_set()
        if on_behalf_of is not None:
            if Role.STAFF not in roles:
                raise forbidden("actor_not_allowed", "只有提案委工作人员可以代为录入提案。")
            initiator = User.objects.filter(pk=on_behalf_of).first()
        else:
            initiator = user
        if Role.MEMBER not in roles and on_behalf_of is None:
            raise forbidden("actor_not_allowed", "只有委员可以起草提案。")
        if initiator is None or not Membership.objects.filter(term=term, user=initiator, active=True).exists():
            raise invalid(
                "proposer_not_member", "领衔提案人须为本届在任委员。", {"on_behalf_of": ["须为本届在任委员。"]}
            )
        now = _now()
        case = Case(term=term, created_by=user, created_at=now, updated_at=now, title="")
        _apply_draft_fields(case, fields_)
        if not case.title:
            raise invalid("title_invalid", "请填写案由。", {"title": ["请填写案由。"]})
        cosigner_users = _check_cosigners(term, list(cosigners), initiator.pk)
        case.save()
        initiator_row = Proposer(
            case=case,
            user=initiator,
            role=Proposer.Role.INITIATOR,
            order=0,
            confirmation=Proposer.Confirmation.CONFIRMED,
            confirmed_at=now,
        )
        _set_collective(initiator_row, collective, organisation, term)
        initiator_row.save()
        for order, member in enumerate(cosigner_users, start=1):
            Proposer.objects.create(case=case, user=member, role=Proposer.Role.COSIGNER, order=order)
        data = {"title": case.title, "cosigners": [u.display_name for u in cosigner_users]}
        payloads.check_written("create", data)
        event = audit.record(
            "create",
            actor=user,
            on_behalf_of=initiator if initiator != user else None,
            obj=case,
            case=case,
            to_state=case.status,
            data=data,
        )
        draft_changed.send(sender=Case, case=case, user=user, event=event, invited=cosigner_users)
        return case

    return _guarded("create", user, None, body)


def _set_collective(row: Proposer, collective: str, organisation: int | None, term: Term) -> None:
    if not collective:
        return
    if collective not in Proposer.Collective.values:
        raise invalid("collective_invalid", "集体提案类型不正确。", {"collective": ["集体提案类型不正确。"]})
    row.collective = collective
    membership = Membership.objects.filter(term=term, user=row.user).first()
    if collective == Proposer.Collective.ORGANISATION:
        from members.models import Organisation

        row.organisation = Organisation.objects.filter(pk=organisation, active=True).first() if organisation else None
        if row.organisation is None:
            raise invalid("organisation_not_found", "请选择党派团体。", {"organisation": ["请选择党派团体。"]})
    elif membership:
        row.sector_id, row.committee_id, row.group_id = (
            membership.sector_id,
            membership.committee_id,
            membership.group_id,
        )


def _editable(user, case_id) -> Case:
    case = _lock_case(case_id)
    if not visible_cases(user).filter(pk=case.pk).exists():
        raise not_found()
    refusal = draft_edit_refusal(user, case)
    if refusal is not None:
        raise refusal
    return case


def update_draft(user, case_id, *, cosigners: list[int] | None = None, **fields_) -> Case:
    """Edit a draft (or a case returned for revision). Editing the text asks every co-signer again."""

    def body() -> Case:
        case = _editable(user, case_id)
        changed = _apply_draft_fields(case, fields_)
        initiator = case.proposers.get(role=Proposer.Role.INITIATOR)
        added, removed, added_users = [], [], []
        if cosigners is not None:
            wanted = _check_cosigners(case.term, list(cosigners), initiator.user_id)
            current = {p.user_id: p for p in case.proposers.filter(role=Proposer.Role.COSIGNER)}
            for user_id, row in current.items():
                if user_id not in {u.pk for u in wanted}:
                    removed.append(row.user.display_name)
                    row.delete()
            order = max([p.order for p in current.values()] + [0]) + 1
            for member in wanted:
                if member.pk not in current:
                    Proposer.objects.create(case=case, user=member, role=Proposer.Role.COSIGNER, order=order)
                    order += 1
                    added.append(member.display_name)
                    added_users.append(member)
        reset = 0
        invited = list(added_users)
        if set(changed) & {"title", "facts", "suggestions", "category", "kind"}:
            answered = case.proposers.filter(role=Proposer.Role.COSIGNER).exclude(
                confirmation=Proposer.Confirmation.PENDING
            )
            invited += [row.user for row in answered.select_related("user")]
            reset = answered.update(confirmation=Proposer.Confirmation.PENDING, confirmed_at=None, confirmed_by=None)
        if not changed and not added and not removed:
            return case
        case.updated_at = _now()
        case.save()
        data = {"changed": changed, "added": added, "removed": removed, "confirmations_reset": reset}
        payloads.check_written("edit_draft", data)
        event = audit.record(
            "edit_draft",
            actor=user,
            obj=case,
            case=case,
            from_state=case.status,
            to_state=case.status,
            data=data,
        )
        draft_changed.send(sender=Case, case=case, user=user, event=event, invited=invited)
        return case

    return _guarded("edit_draft", user, case_id, body)
