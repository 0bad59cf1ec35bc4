"""Changing a synonym group (assist/synonyms/<id>/edit/): staff only, audited with what changed, the cases
that mention the old or the new words reindexed; bad input answered in Chinese and nothing saved."""

import pytest

from assist.models import CaseIndex, SynonymGroup
from audit.models import AuditEvent

from .conftest import submitted

pytestmark = pytest.mark.django_db


def terms(case):
    row = CaseIndex.objects.get(case=case)
    return set(row.title_terms.split()) | set(row.body_terms.split())


@pytest.fixture
def bbq(world):
    return SynonymGroup.objects.create(words="烧烤摊点 露天烧烤", note="夏季")


def url(group):
    return f"/assist/synonyms/{group.pk}/edit/"


def test_the_form_shows_the_group_as_it_is(client, world, bbq):
    client.force_login(world.staff)
    page = client.get(url(bbq)).content.decode()
    assert "烧烤摊点 露天烧烤" in page and "夏季" in page and "checked" in page


def test_staff_change_the_words_and_the_cases_of_old_and_new_words_are_reindexed(client, world, bbq):
    old = submitted(world.member, "规范露天烧烤经营", world)
    new = submitted(world.member2, "治理餐饮油烟扰民", world)
    assert "s:烧烤摊点" in terms(old) and "s:烧烤摊点" not in terms(new)
    client.force_login(world.staff)
    response = client.post(url(bbq), {"words": "烧烤摊点 餐饮油烟", "active": "1", "note": "夏季"})
    assert response.status_code == 302
    bbq.refresh_from_db()
    assert bbq.word_list() == ["烧烤摊点", "餐饮油烟"]
    assert "s:烧烤摊点" not in terms(old)  # 露天烧烤 left the group
    assert "s:烧烤摊点" in terms(new)
    event = AuditEvent.objects.get(action="synonym_group_changed")
    assert event.actor == world.staff and event.object_id == str(bbq.pk)
    assert event.data["changed"] == {"words": {"from": ["烧烤摊点", "露天烧烤"], "to": ["烧烤摊点", "餐饮油烟"]}}


def test_switching_a_group_off_takes_it_out_of_the_index(client, world, bbq):
    case = submitted(world.member, "规范露天烧烤经营", world)
    client.force_login(world.staff)
    assert client.post(url(bbq), {"words": "烧烤摊点 露天烧烤", "note": "夏季"}).status_code == 302
    assert "s:烧烤摊点" not in terms(case)
    event = AuditEvent.objects.get(action="synonym_group_changed")
    assert event.data["changed"] == {"active": {"from": True, "to": False}}


def test_bad_input_is_answered_in_chinese_and_the_group_stays_as_it_was(client, world, bbq):
    client.force_login(world.staff)
    response = client.post(url(bbq), {"words": "烧烤摊点 停车场", "active": "1", "note": "改了"})
    html = response.content.decode()
    assert response.status_code == 400 and "“停车场”已在另一组" in html and "烧烤摊点 停车场" in html
    bbq.refresh_from_db()
    assert bbq.word_list() == ["烧烤摊点", "露天烧烤"] and bbq.note == "夏季"
    assert not AuditEvent.objects.filter(action="synonym_group_changed").exists()


def test_a_group_keeps_its_own_words_without_counting_them_as_taken(client, world, bbq):
    client.force_login(world.staff)
    assert client.post(url(bbq), {"words": "露天烧烤 烧烤摊点", "active": "1"}).status_code == 302
    bbq.refresh_from_db()
    assert bbq.word_list() == ["露天烧烤", "烧烤摊点"]


def test_others_get_403_and_an_unknown_group_404(client, world, bbq):
    for user in (world.member, world.unit_user, world.reviewer, world.leader):
        client.force_login(user)
        assert client.get(url(bbq)).status_code == 403
        assert client.post(url(bbq), {"words": "甲乙 丙丁", "active": "1"}).status_code == 403
    bbq.refresh_from_db()
    assert bbq.word_list() == ["烧烤摊点", "露天烧烤"]
    client.force_login(world.staff)
    assert client.get("/assist/synonyms/999999/edit/").status_code == 404
