"""One small record with a case in every state a page shows differently, and the people of every role:
shared by the link walk (tests/web/test_every_feature_linked.py) and the browser walk
(tests/browser/test_every_page.py), both of issue 17."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from core import clock
from members.models import AdminRole
from proposals import services
from proposals.models import Assignment, Attachment
from tests.factories import CaseBuilder, UserFactory, World, upload


@dataclass
class Site:
    world: World
    auditor: object
    sysadmin: object
    cases: dict[str, int]

    def users(self) -> dict[str, object]:
        return {**self.world.users(), "auditor": self.auditor, "sysadmin": self.sysadmin}


def build_site() -> Site:
    w = World()
    auditor = UserFactory(username="a1", name="审计管理员", roles=[AdminRole.AUDITOR])
    sysadmin = UserFactory(username="sa1", name="系统管理员", roles=[AdminRole.SYSADMIN])
    cases: dict[str, int] = {}

    closed = CaseBuilder(w, title="关于加快先进制造业高质量发展的提案").closed().act("publish", w.staff)
    upload(closed.case, w.staff)
    cases["closed"] = closed.case.pk
    cases["to_rate"] = CaseBuilder(w, title="关于专精特新企业培育的提案").replied().case.pk
    cases["draft"] = CaseBuilder(w, title="关于将陈仓公交纳入全市公交一体化运营的提案").case.pk
    submitted = CaseBuilder(w, title="关于基础教育双减落地的提案").submitted()
    submitted.act("recommend", w.staff, {"outcome": "file", "reason": "内容具体，建议立案。"})
    cases["submitted"] = submitted.case.pk
    cases["sent"] = CaseBuilder(w, title="关于职业技术教育人才培养的提案").reply_sent(co=False).case.pk

    key = CaseBuilder(w, title="关于加快车站棚户区改造的提案").handling()
    key.act("recommend_key", w.staff, {"leaders": [w.leader.pk], "plan": "带案视察、上门协商督办"})
    key.act("designate_key", w.reviewer)
    photo = upload(key.case, w.leader, purpose=Attachment.Purpose.EVIDENCE, name="视察现场.pdf")
    key.act(
        "log_supervision",
        w.leader,
        {
            "kind": "inspection",
            "date": clock.today().isoformat(),
            "people": "章浩建、区住建局赵局长",
            "minutes": "实地查看车站片区，要求年内完成一期征收。",
            "photos": [photo.pk],
        },
    )
    cases["key"] = key.case.pk

    # The overdue board: one long overdue, one due in 6 days (same unit), a co-handler's views 3 days late.
    late = CaseBuilder(w, title="关于城区供暖设施改造的提案").handling(co=False)
    near = CaseBuilder(w, title="关于城镇生活污水处理的提案").assigned(co=True)
    today = clock.today()
    Assignment.objects.filter(case=late.case).update(due_date=today - dt.timedelta(days=40))
    Assignment.objects.filter(case=near.case, unit=w.unit).update(due_date=today + dt.timedelta(days=6))
    Assignment.objects.filter(case=near.case, unit=w.unit2).update(views_due=today - dt.timedelta(days=3))
    cases["late"], cases["near"] = late.case.pk, near.case.pk
    cases["late_assignment"] = late.assignment(w.unit).pk
    assert services  # the builders act through proposals.services
    return Site(w, auditor, sysadmin, cases)
