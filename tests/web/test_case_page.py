import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from proposals.models import Case
from tests.factories import CaseBuilder

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def page(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def test_the_case_page_shows_exactly_the_available_actions_as_buttons(client, world):
    with clock.frozen(DAY):
        CaseBuilder(world, title="关于车站片区改造的提案").filed()  # a host for 并案, which is offered only then
        b = CaseBuilder(world).submitted()
        html = page(client, world.reviewer, reverse("proposals:case_detail", args=[b.case.pk])).content.decode()
    for name in ("file", "reject", "merge", "return_for_revision", "convert_to_suggestion", "edit_for_review"):
        assert f'data-action="{name}"' in html
    assert 'data-action="assign"' not in html
    assert 'data-action="recommend"' not in html


def test_every_role_can_open_a_case_in_handling(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).handling()
        for user in (world.member, world.member2, world.staff, world.reviewer, world.unit_user, world.unit2_user):
            response = page(client, user, reverse("proposals:case_detail", args=[b.case.pk]))
            assert response.status_code == 200, user


def test_an_action_form_opens_in_place_for_htmx(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).filed()
        response = page(
            client, world.staff, reverse("proposals:case_action", args=[b.case.pk, "assign"]), HTTP_HX_REQUEST="true"
        )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert 'name="unit_pick"' in response.content.decode()


def test_a_refused_action_keeps_what_was_typed_and_says_why_in_chinese(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).submitted()
        client.force_login(world.staff)
        response = client.post(
            reverse("proposals:case_action", args=[b.case.pk, "recommend"]),
            {"outcome": "nonsense", "reason": "建议立案，内容具体可行"},
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert "建议立案，内容具体可行" in html
    assert 'role="alert"' in html


def test_an_action_by_the_wrong_person_is_refused_with_403_and_the_form_kept(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).submitted()
        client.force_login(world.staff)
        response = client.post(reverse("proposals:case_action", args=[b.case.pk, "file"]), {})
    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_an_action_in_the_wrong_state_is_refused_with_409(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).filed()
        client.force_login(world.member)
        response = client.post(reverse("proposals:case_action", args=[b.case.pk, "withdraw"]), {"reason": "不想提了"})
    assert response.status_code == 409
    assert "不想提了" in response.content.decode()


def test_a_successful_action_redirects_back_with_a_message(client, world):
    with clock.frozen(DAY):
        b = CaseBuilder(world).filed()
        client.force_login(world.staff)
        response = client.post(
            reverse("proposals:case_action", args=[b.case.pk, "assign"]),
            {"unit_pick": [world.unit.pk, world.unit2.pk], "role_pick": ["lead", "co"]},
            follow=True,
        )
    assert response.status_code == 200
    assert "已完成“交办”" in response.content.decode()
    assert Case.objects.get(pk=b.case.pk).status == "assigned"
