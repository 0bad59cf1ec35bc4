"""The workbenches: whose they are, and lists that show the most urgent rows and link to the rest."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.auth_helpers import login

pytestmark = pytest.mark.django_db


def test_the_unit_workbench_names_the_contacts_unit(client, world):
    login(client, world.unit_user)
    page = client.get(reverse("proposals:unit_workbench")).content.decode()
    assert "<h1>承办单位工作台 · 区住建局</h1>" in page


def test_a_contact_of_two_units_sees_both_names(client, world):
    world.unit2.contacts.add(world.unit_user)
    login(client, world.unit_user)
    page = client.get(reverse("proposals:unit_workbench")).content.decode()
    assert "<h1>承办单位工作台 · 区住建局、区教育局</h1>" in page


def test_the_unit_inbox_lists_the_nearest_ten_and_links_to_the_rest(client, world):
    import datetime as dt

    from core import clock
    from tests.factories import CaseBuilder

    with clock.frozen(dt.date(2026, 3, 2)):
        for i in range(11):
            CaseBuilder(world, title=f"待签收提案{i}").assigned(co=False)
    login(client, world.unit_user)
    with clock.frozen(dt.date(2026, 3, 3)):
        response = client.get(reverse("proposals:unit_workbench"))
    assert len(response.context["inbox"]) == 10 and response.context["inbox_more"]
    assert "只列出退回期限最近的 10 件" in response.content.decode()


def test_the_member_workbench_pages_the_members_cases_ten_at_a_time(client, world):
    import datetime as dt

    from core import clock
    from tests.factories import CaseBuilder

    with clock.frozen(dt.date(2026, 3, 2)):
        ids = [CaseBuilder(world, title=f"我的提案{i}").submitted().refresh().pk for i in range(11)]
    login(client, world.member)
    first = client.get(reverse("proposals:member_workbench")).context["page"]
    assert [c.pk for c in first.items] == ids[::-1][:10] and first.has_next
    second = client.get(reverse("proposals:member_workbench"), {"after": first.next_cursor}).context["page"]
    assert [c.pk for c in second.items] == [ids[0]] and not second.has_next
