"""Deleting a synonym group (assist/synonyms/<id>/delete/): staff confirm, the deletion is audited and the
cases that mentioned its words are reindexed without it; nobody else may delete."""

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
    return SynonymGroup.objects.create(words="烧烤摊点 露天烧烤")


def url(group):
    return f"/assist/synonyms/{group.pk}/delete/"


def test_staff_are_asked_to_confirm_first_and_nothing_is_deleted_by_looking(client, world, bbq):
    client.force_login(world.staff)
    page = client.get(url(bbq)).content.decode()
    assert "确定删除“烧烤摊点 / 露天烧烤”吗" in page
    assert SynonymGroup.objects.filter(pk=bbq.pk).exists()


def test_staff_delete_a_group_which_is_audited_and_the_cases_are_reindexed_without_it(client, world, bbq):
    case = submitted(world.member, "规范露天烧烤经营", world)
    assert "s:烧烤摊点" in terms(case)
    client.force_login(world.staff)
    response = client.post(url(bbq))
    assert response.status_code == 302 and response.url == "/assist/synonyms/"
    assert not SynonymGroup.objects.filter(pk=bbq.pk).exists()
    assert "s:烧烤摊点" not in terms(case)
    event = AuditEvent.objects.get(action="synonym_group_deleted")
    assert event.actor == world.staff and event.object_id == str(bbq.pk)
    assert event.data == {"words": ["烧烤摊点", "露天烧烤"], "active": True, "note": ""}


def test_others_may_not_delete_and_an_unknown_group_is_404(client, world, bbq):
    for user in (world.member, world.unit_user, world.reviewer, world.leader):
        client.force_login(user)
        assert client.get(url(bbq)).status_code == 403
        assert client.post(url(bbq)).status_code == 403
    assert SynonymGroup.objects.filter(pk=bbq.pk).exists()
    client.force_login(world.staff)
    assert client.post("/assist/synonyms/999999/delete/").status_code == 404
