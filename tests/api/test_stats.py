import datetime as dt

from core import clock
from members.models import Membership
from proposals.models import Case
from tests.factories import CaseBuilder


def test_the_summary_equals_counts_computed_independently(world, as_):
    with clock.frozen(dt.date(2026, 3, 2)):
        closed = CaseBuilder(world).closed("A")
        CaseBuilder(world, title="关于城镇生活污水处理的提案").handling()
        converted = CaseBuilder(world, title="关于电信网络诈骗治理的建议").submitted()
        converted.act(
            "convert_to_suggestion", world.reviewer, {"reason": "更适合作为建议", "consent": "3月1日电话同意"}
        )
        _ = CaseBuilder(world, title="草稿").case  # drafts count nowhere
        host = CaseBuilder(world, title="关于公交一体化的提案").filed()
        merged = CaseBuilder(world, title="关于公交一体化运营的提案").filed()
        merged.act("merge", world.reviewer, {"host": host.case.pk})
        body = as_("staff").get("/api/stats/summary/").json()

    cases = Case.objects.filter(term=world.term)
    assert body["proposals_filed"] == cases.filter(kind="proposal", filed_at__isnull=False).count() == 4
    assert body["suggestions"] == 1
    assert body["key_proposals"] == 0
    assert body["members"] == Membership.objects.filter(term=world.term).count() == 3
    assert body["special_committees"] == 1
    assert body["handling_units"] == 2
    assert body["replied"] == 1
    assert body["reply_classes"] == {"A": 1, "B": 0, "C": 0}
    assert body["on_time_reply_rate"] == 1.0
    assert body["satisfaction_rate"] == 1.0
    assert body["filing_rate"] == round(4 / 5, 4)  # the converted one was submitted as a proposal
    assert body["face_to_face_rate"] == 0.0
    assert body["by_status"]["closed"] == 1 and body["by_status"]["merged"] == 1 and "draft" not in body["by_status"]
    assert sum(body["by_category"].values()) == 5
    assert closed.case.pk and body["term"]["id"] == world.term.pk


def test_an_unknown_term_is_404(world, as_):
    assert as_("staff").get("/api/stats/summary/?term=999").status_code == 404
