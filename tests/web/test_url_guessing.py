"""Guessing ids never opens what a user may not see: 404, never a hint that it exists."""

import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from proposals import services
from tests.factories import CaseBuilder, upload

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_a_unit_cannot_open_another_units_case_or_file(client, world):
    with clock.frozen(DAY):
        b = (
            CaseBuilder(world, cosign=False)
            .filed()
            .act("assign", world.staff, {"units": [{"unit": world.unit.pk, "role": "lead"}]})
        )
        scan = upload(b.case, world.staff)
    assert get(client, world.unit_user, reverse("proposals:case_detail", args=[b.case.pk])).status_code == 200
    assert get(client, world.unit_user, reverse("proposals:download", args=[scan.pk])).status_code == 200
    assert get(client, world.unit3_user, reverse("proposals:case_detail", args=[b.case.pk])).status_code == 404
    assert get(client, world.unit3_user, reverse("proposals:download", args=[scan.pk])).status_code == 404
    assert get(client, world.unit3_user, reverse("proposals:case_action", args=[b.case.pk, "sign"])).status_code == 404


def test_a_unit_loses_the_case_when_it_is_reassigned_away(client, world):
    with clock.frozen(DAY):
        b = (
            CaseBuilder(world, cosign=False)
            .filed()
            .act("assign", world.staff, {"units": [{"unit": world.unit.pk, "role": "lead"}]})
        )
        old = b.assignment(world.unit)
        b.act("reassign", world.staff, {"replace": old.pk, "unit": world.unit3.pk, "reason": "职责调整"})
    assert get(client, world.unit_user, reverse("proposals:case_detail", args=[b.case.pk])).status_code == 404
    assert get(client, world.unit3_user, reverse("proposals:case_detail", args=[b.case.pk])).status_code == 200


def test_a_member_cannot_open_another_members_draft(client, world):
    draft = services.create_draft(world.member, title="我的草稿", facts="", suggestions="")
    assert get(client, world.outsider, reverse("proposals:case_detail", args=[draft.pk])).status_code == 404
    assert get(client, world.outsider, reverse("proposals:draft_edit", args=[draft.pk])).status_code == 404
    assert get(client, world.outsider, reverse("proposals:case_action", args=[draft.pk, "submit"])).status_code == 404


def test_staff_cannot_open_a_members_draft(client, world):
    draft = services.create_draft(world.member, title="我的草稿", facts="", suggestions="")
    assert get(client, world.staff, reverse("proposals:case_detail", args=[draft.pk])).status_code == 404
    assert get(client, world.reviewer, reverse("proposals:case_detail", args=[draft.pk])).status_code == 404


def test_an_invited_cosigner_sees_the_draft_but_cannot_edit_it(client, world):
    b = CaseBuilder(world)
    assert get(client, world.member2, reverse("proposals:case_detail", args=[b.case.pk])).status_code == 200
    response = get(client, world.member2, reverse("proposals:draft_edit", args=[b.case.pk]))
    assert response.status_code == 302


def test_anonymous_visitors_are_sent_to_login(client, world):
    b = CaseBuilder(world)
    response = client.get(reverse("proposals:case_detail", args=[b.case.pk]))
    assert response.status_code == 302 and reverse("members:login") in response["Location"]


def test_an_unknown_case_is_404(client, world):
    assert get(client, world.staff, reverse("proposals:case_detail", args=[999999])).status_code == 404
