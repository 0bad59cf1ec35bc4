"""The pre-submission check (预审, issue 22): advice while drafting and at review, never a refusal; what was
shown is recorded with the submission for staff and reviewers; the rules hold their floors on the
committed labelled set."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from assist import precheck
from assist.models import PrecheckRecord
from audit.models import AuditEvent
from proposals import services, settings_registry
from tests.assist.conftest import draft
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db

GOOD_TITLE = "关于加快老旧小区加装电梯工作的提案"
GOOD_FACTS = (
    "我区2000年以前建成的老旧小区有86个，多为六层以下无电梯住宅。已加装电梯的单元不到5%，推进缓慢的原因主要是"
    "低层住户担心采光和噪音，业主意见难统一；加装费用分摊办法不明确；审批涉及多个部门，流程长。"
)
GOOD_SUGGESTIONS = (
    "一是出台加装电梯实施细则，明确费用分摊的参考标准；二是将加装电梯纳入老旧小区改造项目，每部给予不低于15万元的"
    "财政补助；三是由住建部门牵头实行联合审批，审批时限压缩到20个工作日以内。"
)
PERSONAL_FACTS = "我家与邻居因宅基地界线多年存在争议，村里调解多次没有结果，邻居加盖房屋，严重影响我家通行。"
PERSONAL_SUGGESTIONS = "建议镇政府和自然资源部门到现场重新勘界，责令邻居拆除违建，恢复我家原有通道。"


def rules(title, facts, suggestions):
    return {a.rule for a in precheck.check_text(title, facts, suggestions, bounds=(120, 5000))}


def test_a_well_formed_case_gets_no_advice():
    assert rules(GOOD_TITLE, GOOD_FACTS, GOOD_SUGGESTIONS) == set()


def test_each_rule_names_its_problem():
    assert rules("老旧小区加装电梯难在哪里", GOOD_FACTS, GOOD_SUGGESTIONS) == {"title"}
    assert rules(GOOD_TITLE, "电梯少。", GOOD_SUGGESTIONS) >= {"parts"}
    vague = "希望有关部门高度重视，切实加大工作力度，认真研究，想方设法解决好这个问题，让群众满意。"
    assert rules(GOOD_TITLE, GOOD_FACTS, vague) == {"suggestion"}
    assert "length" in rules(GOOD_TITLE, "电梯少，老人上下楼难。", "建议加装电梯。")
    assert "personal" in rules("关于解决宅基地纠纷的提案", PERSONAL_FACTS, PERSONAL_SUGGESTIONS)


def test_the_body_bounds_are_business_settings(world):
    body = GOOD_FACTS + GOOD_SUGGESTIONS
    settings_registry.set_value("precheck_body_min_chars", len(body) + 10, by=world.staff)
    try:
        assert "length" in {a.rule for a in precheck.check_text(GOOD_TITLE, GOOD_FACTS, GOOD_SUGGESTIONS)}
    finally:
        settings_registry.set_value("precheck_body_min_chars", 120, by=world.staff)
    assert precheck.body_bounds() == (120, 5000)


def test_the_drafting_panel_advises_on_the_typed_text_and_saves_nothing(world, client):
    login(client, world.member)
    before = PrecheckRecord.objects.count()
    html = client.post(
        "/assist/precheck/draft/",
        {"title": "关于解决宅基地纠纷的提案", "facts": PERSONAL_FACTS, "suggestions": PERSONAL_SUGGESTIONS},
    ).content.decode()
    assert 'data-rule="personal"' in html and "个人或家庭事务" in html and "可以直接提交" in html
    assert "填写案由和正文后" in client.post("/assist/precheck/draft/", {}).content.decode()
    assert PrecheckRecord.objects.count() == before


def test_the_member_may_submit_anyway_and_what_was_shown_is_recorded_for_review(world, client):
    case = draft(world.member, "关于解决宅基地纠纷的提案", PERSONAL_FACTS, PERSONAL_SUGGESTIONS, world)
    login(client, world.member)
    page = client.get(f"/assist/cases/{case.pk}/precheck/").content.decode()
    assert 'data-rule="personal"' in page
    events_before = AuditEvent.objects.filter(case=case).count()
    services.perform("submit", world.member, case.pk, {})
    case.refresh_from_db()
    assert case.status == "submitted"  # advice only: nothing refused
    assert AuditEvent.objects.filter(case=case).count() == events_before + 1  # the submit's own event only
    record = PrecheckRecord.objects.get(case=case)
    assert record.event.action == "submit" and record.title == case.title
    assert "personal" in {a["rule"] for a in record.advice}
    # Staff and reviewers see it at review; the member, past drafting, no longer gets the panel.
    for reviewer in (world.staff, world.reviewer):
        login(client, reviewer)
        html = client.get(f"/assist/cases/{case.pk}/precheck/").content.decode()
        assert "提交时的预审提示" in html and "个人或家庭事务" in html and "仍选择提交" in html
        assert 'id="case-precheck"' in client.get(f"/cases/{case.pk}/").content.decode()
    login(client, world.member)
    assert client.get(f"/assist/cases/{case.pk}/precheck/").status_code == 403


def test_a_clean_submission_records_that_there_was_no_advice(world, client):
    case = draft(world.member, GOOD_TITLE, GOOD_FACTS, GOOD_SUGGESTIONS, world)
    services.perform("submit", world.member, case.pk, {})
    assert PrecheckRecord.objects.get(case=case).advice == []
    login(client, world.reviewer)
    assert "预审没有提示" in client.get(f"/assist/cases/{case.pk}/precheck/").content.decode()


def test_the_labelled_set_holds_every_rules_floor(capsys):
    call_command(
        "assist_eval",
        "--precheck",
        "bench/assist/precheck.jsonl",
        "--precheck-min-rule",
        "0.8",
        "--precheck-max-clean",
        "0.1",
        "--precheck-max-ms",
        "100",
    )
    out = capsys.readouterr().out
    assert "precheck cases=" in out and "rule repeat" in out


def test_a_floor_that_cannot_be_met_fails_the_command(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text(
        '{"id": 1, "role": "case", "label": "personal", "title": "关于加强森林防火的提案", "facts": "", "suggestions": ""}\n',
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"规则 personal 命中率 0\.000"):
        call_command("assist_eval", "--precheck", str(path), "--precheck-min-rule", "0.8")
