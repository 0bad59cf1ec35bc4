"""The fixture world the route-walking security tests share (permission matrix, IDOR, CSRF).

One case in handling with a lead and a co-handling unit, a key proposal supervised by the
leader, a sent reply, a contact record, an attachment, a member's unsubmitted draft, a published
case and a notification: every URL kwarg the resolver asks for can be filled from it. Built once
per module inside a transaction that is rolled back afterwards (see ``module_world``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver

from core import clock
from members.models import Role
from notifications.models import Notification
from tests.factories import CaseBuilder, UserFactory, World, reply_letter, upload

ADMIN_GROUPS = ("sysadmin", "secadmin", "auditor")
ROLES = ("anonymous", "member", "other_member", "staff", "reviewer", "unit", "other_unit", "leader", *ADMIN_GROUPS)


@dataclass
class SecurityWorld:
    world: World
    users: dict  # role -> user (anonymous: None)
    ids: dict = field(default_factory=dict)  # placeholder -> id, for URL kwargs and bodies
    builder: CaseBuilder | None = None


def administrator(group_name: str):
    """While part B (三员分立) is in progress the administrators are plain users in their groups."""
    group, _ = Group.objects.get_or_create(name=group_name)
    user = UserFactory(
        username=group_name,
        name={"sysadmin": "系统管理员", "secadmin": "安全管理员", "auditor": "审计管理员"}[group_name],
    )
    user.groups.add(group)
    return user


def build() -> SecurityWorld:
    w = World()
    other_leader = UserFactory(username="l2", name="另一位督办领导", roles=[Role.LEADER])
    users = {
        "anonymous": None,
        "member": w.member,
        "other_member": w.outsider,
        "staff": w.staff,
        "reviewer": w.reviewer,
        "unit": w.unit_user,
        "other_unit": w.unit3_user,
        "leader": w.leader,
        **{name: administrator(name) for name in ADMIN_GROUPS},
    }
    b = CaseBuilder(w).handling()
    lead, co = b.assignment(w.unit), b.assignment(w.unit2)
    b.act("recommend_key", w.staff, {"leaders": [w.leader.pk], "plan": "带案视察一次，上门协商督办一次。"})
    b.act("designate_key", w.reviewer)
    b.act(
        "log_contact",
        w.unit_user,
        {
            "way": "phone",
            "point": "handling",
            "date": clock.today().isoformat(),
            "people": "钱科长",
            "summary": "电话沟通办理思路。",
        },
        assignment=lead,
    )
    b.act(
        "reply",
        w.unit_user,
        {
            "reply_class": "B",
            "letter": "经研究，答复如下……",
            "signer": "赵局长",
            "contact_person": "钱科长",
            "contact_phone": "0917-6212345",
            "letter_file": reply_letter(b.case, w.unit_user).pk,
        },
        assignment=lead,
    )
    attachment = upload(b.case, w.member)
    draft = CaseBuilder(w, cosign=False, title="关于城区供暖设施改造的提案").case
    published = CaseBuilder(w, title="关于职业技术教育人才培养的提案").closed()
    published.act("publish", w.staff)
    notice = Notification.objects.create(
        user=w.member, case=b.case, event="test", title="测试通知", link=f"/cases/{b.case.pk}/", created_at=clock.now()
    )
    # A staff member's export job with its file (the test backend runs it at once).
    from jobs import services as jobs

    export_job = jobs.start("export_cases", user=w.staff, params={"export": "case_list", "query": ""})
    duty_activity = _duty_records(w)
    # A synonym group of the similar-case list, which staff keep (issue 15).
    from assist.models import SynonymGroup

    synonym_group = SynonymGroup.objects.create(words="矩阵甲 矩阵乙", note="权限矩阵")
    ids = {
        "synonym_group": synonym_group.pk,
        "job": export_job.pk,
        "case": b.case.pk,
        "lead": lead.pk,
        "co": co.pk,
        "attachment": attachment.pk,
        "draft": draft.pk,
        "published": published.case.pk,
        "notification": notice.pk,
        "other_leader": other_leader.pk,
        "member_user": w.member.pk,
        "duty_activity": duty_activity.pk,
        "other_member_user": w.outsider.pk,
        "session": b.case.session_id,
    }
    return SecurityWorld(world=w, users=users, ids=ids, builder=b)


def _duty_records(w: World):
    """委员履职 (issue 24): a 2025 调研 the member attended (and 2025 assessed), the outsider not invited."""
    import datetime as dt

    from duty import services as duty
    from duty.models import Activity

    activity = duty.record_activity(
        w.staff, Activity(kind="research", title="城镇生活污水处理专题调研", date=dt.date(2025, 5, 20)), [w.member.pk]
    )
    row = activity.participants.get()
    duty.set_attendance(w.staff, activity, {row.pk: ("present", "")})
    duty.run_assessment(w.staff, 2025)
    return activity


def walk(patterns=None, prefix: str = "", namespace: str | None = None):
    """(key, route pattern, URLPattern) for every route; the key is the route name (namespaced),
    or the pattern itself for unnamed routes (the admin's redirects and catch-all)."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield (name or route), route, p
