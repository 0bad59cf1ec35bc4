import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from proposals.views.timeline import proposer_timeline
from tests.factories import CaseBuilder, reply_letter

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def rehandled(world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).reply_sent()
        lead = b.assignment(world.unit)
        b.act("return_reply", world.staff, {"reason": "内部：答复过于简单"}, assignment=lead)
        b.act(
            "reply",
            world.unit_user,
            {
                "reply_class": "B",
                "letter": "经研究，列入明年计划。",
                "signer": "赵局长",
                "contact_person": "钱科长",
                "contact_phone": "0917-6212345",
                "letter_file": reply_letter(b.case, world.unit_user).pk,
            },
            assignment=lead,
        )
        b.act("accept_reply", world.staff, {"reply_class": "A", "reason": "内部：已解决"}, assignment=lead)
        b.act(
            "rate",
            world.member,
            {"reply_rating": "satisfied", "contact_rating": "satisfied", "comment": "张的意见"},
            assignment=lead,
        )
        b.act(
            "rate",
            world.member2,
            {"reply_rating": "unsatisfied", "contact_rating": "basic", "comment": "李的意见"},
            assignment=lead,
        )
    return b


def test_the_proposer_timeline_shows_only_steps_meant_for_proposers(world, rehandled):
    labels = [e.label for e in proposer_timeline(world.member, rehandled.case)]
    for label in ("起草", "附议确认", "提交", "立案", "交办", "签收", "答复", "评价"):
        assert label in labels
    for internal in ("退回答复", "初审意见", "审核通过答复"):
        assert internal not in labels


def test_the_accepted_reply_appears_as_an_answer_with_its_class_and_letter(world, rehandled):
    answers = [e for e in proposer_timeline(world.member, rehandled.case) if e.label == "答复"]
    assert len(answers) == 1
    assert answers[0].reply.letter == "经研究，列入明年计划。"
    assert "A类" in answers[0].text


def test_a_proposer_sees_only_their_own_ratings(world, rehandled):
    ratings = [e.text for e in proposer_timeline(world.member, rehandled.case) if e.label == "评价"]
    assert len(ratings) == 1 and "张委员" in ratings[0]


def test_the_case_page_never_shows_ips_or_internal_reasons_to_proposers(client, world, rehandled):
    client.force_login(world.member)
    html = client.get(
        reverse("proposals:case_detail", args=[rehandled.case.pk]), REMOTE_ADDR="10.9.8.7"
    ).content.decode()
    assert "内部：" not in html and "10.9.8.7" not in html and "127.0.0.1" not in html
    assert "经研究，列入明年计划。" in html


def test_staff_see_the_whole_history_with_internal_steps(client, world, rehandled):
    client.force_login(world.staff)
    html = client.get(reverse("proposals:case_detail", args=[rehandled.case.pk])).content.decode()
    assert "退回答复" in html and "办理全过程" in html


def test_contact_details_are_shown_to_the_assigned_unit_only(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).assigned()
    world.member.phone = "13900001111"
    world.member.save()
    client.force_login(world.unit_user)
    assert "13900001111" in client.get(reverse("proposals:case_detail", args=[b.case.pk])).content.decode()
    client.force_login(world.member2)
    assert "13900001111" not in client.get(reverse("proposals:case_detail", args=[b.case.pk])).content.decode()
