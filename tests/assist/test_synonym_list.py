"""The synonym list page (assist/synonyms/): staff see every group and add one — audited, checked, the cases
that mention its words reindexed at once; nobody else may open it."""

import pytest

from assist.models import CaseIndex, SynonymGroup
from audit.models import AuditEvent

from .conftest import submitted

pytestmark = pytest.mark.django_db
URL = "/assist/synonyms/"


def terms(case):
    row = CaseIndex.objects.get(case=case)
    return set(row.title_terms.split()) | set(row.body_terms.split())


def test_staff_see_every_group_with_links_to_change_and_delete_it(client, world):
    off = SynonymGroup.objects.create(words="夜市摊点 夜间集市", active=False, note="暂不使用")
    client.force_login(world.staff)
    page = client.get(URL).content.decode()
    assert "停车难" in page  # a group of the seeded list
    assert "夜市摊点" in page and "已停用" in page and "暂不使用" in page
    assert f"/assist/synonyms/{off.pk}/edit/" in page and f"/assist/synonyms/{off.pk}/delete/" in page


def test_staff_add_a_group_which_is_audited_and_reindexes_the_cases_that_mention_it(client, world):
    a = submitted(world.member, "整治城区夜间烧烤摊点", world)
    b = submitted(world.member2, "规范露天烧烤经营", world)
    assert "s:烧烤摊点" not in terms(a)
    client.force_login(world.staff)
    response = client.post(URL, {"words": "烧烤摊点，露天烧烤、烧烤摊点", "active": "1", "note": "夏季油烟"})
    assert response.status_code == 302 and response.url == URL
    group = SynonymGroup.objects.get(note="夏季油烟")
    assert group.word_list() == ["烧烤摊点", "露天烧烤"] and group.active
    assert "s:烧烤摊点" in terms(a) and "s:烧烤摊点" in terms(b)
    event = AuditEvent.objects.get(action="synonym_group_created")
    assert event.actor == world.staff and event.object_id == str(group.pk)
    assert event.data == {"words": ["烧烤摊点", "露天烧烤"], "active": True, "note": "夏季油烟"}
    assert "已添加同义词组" in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ("", "请填写同义词。"),
        ("烧烤摊点", "一组至少要有两个不同的说法"),
        ("烧烤摊点 烧烤摊点", "一组至少要有两个不同的说法"),
        ("烧烤 烤", "“烤”太短"),
        ("烧烤摊点 " + "很长" * 11, "太长：每个词不超过20个字"),
        ("停车位 泊车位", "“停车位”已在另一组"),  # 停车位 belongs to the seeded 停车难 group
    ],
)
def test_bad_input_gets_a_chinese_message_keeps_what_was_typed_and_adds_nothing(client, world, words, message):
    before = SynonymGroup.objects.count()
    client.force_login(world.staff)
    response = client.post(URL, {"words": words, "active": "1", "note": "我的说明"})
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    assert "我的说明" in html and (words.split()[0] in html if words else True)
    assert SynonymGroup.objects.count() == before
    assert not AuditEvent.objects.filter(action="synonym_group_created").exists()


def test_a_word_of_another_group_is_allowed_when_the_new_group_is_not_active(client, world):
    client.force_login(world.staff)
    response = client.post(URL, {"words": "停车位 泊车位", "note": "备用"})
    assert response.status_code == 302
    assert not SynonymGroup.objects.get(note="备用").active


def test_members_units_reviewers_and_leaders_may_not_open_or_post_the_list(client, world):
    before = SynonymGroup.objects.count()
    for user in (world.member, world.unit_user, world.reviewer, world.leader):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"words": "烧烤摊点 露天烧烤", "active": "1"}).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302  # to the login page
    assert SynonymGroup.objects.count() == before


def test_the_list_page_takes_the_same_queries_however_many_groups_there_are(client, world, django_assert_num_queries):
    client.force_login(world.staff)
    client.get(URL)  # warm the session and the user's roles
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    SynonymGroup.objects.bulk_create(SynonymGroup(words=f"词组{i}甲 词组{i}乙") for i in range(20))
    with django_assert_num_queries(len(few)):
        assert client.get(URL).status_code == 200
    assert len(few) <= 8
