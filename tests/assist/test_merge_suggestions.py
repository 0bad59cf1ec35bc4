"""Merge suggestions: groups of same-matter cases with a host, acted on through proposals.services.perform
— a reviewer merges, staff recommend — one audited action per case, refusals listed per case."""

import pytest

from assist import selectors
from audit.models import AuditEvent
from proposals import services
from proposals.models import Case

from .conftest import submitted

pytestmark = pytest.mark.django_db


@pytest.fixture
def elevators(world):
    w = world
    a = submitted(
        w.member,
        "推进老旧小区加装电梯",
        w,
        facts="老旧小区多为六七层步梯楼，老年人上下楼十分困难。建议简化加装电梯审批流程，加大财政补贴力度，公积金可提取用于分摊费用。",
    )
    b = submitted(
        w.member2,
        "关于老旧小区既有住宅增设电梯的建议",
        w,
        facts="老旧小区多层住宅增设电梯群众呼声高，但审批流程长、费用分摊难。",
    )
    c = submitted(
        w.outsider, "为老旧小区多层住宅装电梯", w, facts="老旧小区老人上下楼困难，建议对老楼加装电梯给予补助。"
    )
    other = submitted(w.outsider, "治理城区餐饮油烟扰民", w, facts="临街餐饮店油烟直排，周边居民意见大。")
    return a, b, c, other


def group_with(groups, case):
    return next(g for g in groups if case.pk in [c.pk for c in g.cases])


def test_cases_on_one_matter_form_one_group_whose_host_is_the_fullest_text(world, elevators):
    a, b, c, other = elevators
    groups = selectors.merge_suggestions(world.staff)
    group = group_with(groups, a)
    assert group.host.pk == a.pk and group.host_reason == "内容最完整"
    assert {m.pk for m in group.members} == {b.pk, c.pk}
    assert all(other.pk not in [x.pk for x in g.cases] for g in groups)


def test_a_filed_case_is_preferred_as_host_because_it_can_take_merges_at_once(world, elevators):
    a, b, _c, _ = elevators
    services.perform("file", world.reviewer, b.pk, {})
    group = group_with(selectors.merge_suggestions(world.reviewer), a)
    assert group.host.pk == b.pk and group.host_reason == "已立案，可直接并入"


def test_a_reviewer_files_the_host_and_merges_each_member_one_audited_action_each(client, world, elevators):
    a, b, c, _ = elevators
    client.force_login(world.reviewer)
    before = AuditEvent.objects.count()
    response = client.post("/assist/merge/", {"host": a.pk, "members": [b.pk, c.pk], "file_host": "1"})
    assert response.status_code == 200
    assert Case.objects.get(pk=a.pk).status == "filed"
    for case in (b, c):
        case.refresh_from_db()
        assert case.status == "merged" and case.merged_into_id == a.pk
    events = list(AuditEvent.objects.order_by("seq")[before:].values_list("case_id", "action", "outcome"))
    assert events == [(a.pk, "file", "success"), (b.pk, "merge", "success"), (c.pk, "merge", "success")]
    assert response.content.decode().count("已完成") >= 3


def test_staff_record_a_merge_recommendation_naming_the_host_and_merge_nothing(client, world, elevators):
    a, b, c, _ = elevators
    client.force_login(world.staff)
    response = client.post("/assist/merge/", {"host": a.pk, "members": [b.pk, c.pk], "file_host": "1"})
    assert response.status_code == 200
    for case in (b, c):
        case.refresh_from_db()
        assert case.status == "submitted" and case.recommendation == "merge"
        assert f"提案#{a.pk}" in case.recommendation_reason
    assert Case.objects.get(pk=a.pk).status == "submitted"  # staff may not file
    actions = AuditEvent.objects.filter(case__in=[b, c]).values_list("action", flat=True)
    assert list(actions).count("recommend") == 2


def test_each_refusal_is_listed_for_its_case_and_changes_nothing(client, world, elevators):
    a, b, c, _ = elevators
    services.perform("withdraw", world.outsider, c.pk, {"reason": "已另行反映。"})
    client.force_login(world.reviewer)
    # The host is still waiting and not filed first: merging into it is refused, case by case.
    response = client.post("/assist/merge/", {"host": a.pk, "members": [b.pk, c.pk]})
    html = response.content.decode()
    # The refusal is the workflow's own: no filed case to merge into (the table's guard) or a host not filed.
    assert html.count("未执行") == 2 and ("没有可并入的已立案提案" in html or "只能并入已立案的案件" in html)
    b.refresh_from_db()
    assert b.status == "submitted" and b.merged_into_id is None
    refused = AuditEvent.objects.filter(case__in=[b, c], action="merge", outcome="refused").count()
    assert refused == 2


def test_members_and_units_may_not_open_the_merge_page(client, world, elevators):
    for user in (world.member, world.unit_user):
        client.force_login(user)
        assert client.get("/assist/merge/").status_code == 403
        assert client.post("/assist/merge/", {"host": elevators[0].pk, "members": [elevators[1].pk]}).status_code == 403
    assert elevators[1].__class__.objects.get(pk=elevators[1].pk).status == "submitted"


def test_the_merge_page_shows_the_groups_and_rejects_a_post_without_members_in_chinese(client, world, elevators):
    client.force_login(world.staff)
    page = client.get("/assist/merge/").content.decode()
    assert "建议主案" in page and elevators[0].title in page and elevators[3].title not in page
    response = client.post("/assist/merge/", {"host": elevators[0].pk})
    assert response.status_code == 400 and "请至少勾选一件" in response.content.decode()


def test_the_merge_page_costs_a_bounded_number_of_queries(client, world, elevators, django_assert_max_num_queries):
    client.force_login(world.reviewer)
    client.get("/assist/merge/")
    with django_assert_max_num_queries(16):
        assert client.get("/assist/merge/").status_code == 200


def test_staff_find_the_synonym_list_from_the_merge_page_and_reviewers_do_not(client, world):
    client.force_login(world.staff)
    assert 'href="/assist/synonyms/"' in client.get("/assist/merge/").content.decode()
    client.force_login(world.reviewer)
    assert 'href="/assist/synonyms/"' not in client.get("/assist/merge/").content.decode()
