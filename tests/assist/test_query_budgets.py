"""The issue-22 partials stay cheap: their query counts do not grow with the number of past cases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.assist.test_precheck import GOOD_FACTS, GOOD_SUGGESTIONS, GOOD_TITLE
from tests.assist.test_suggested_units import PARKING, assigned, history  # noqa: F401  (fixture)
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db


def count(client, method, url, data=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_units_panel_costs_the_same_with_twice_the_history(world, history, client):  # noqa: F811
    login(client, world.staff)
    url = f"/assist/cases/{history.pk}/units/"
    count(client, "get", url)  # the units' profiles are built once per change of the assignments
    first = count(client, "get", url)
    for n in range(3):
        title, facts = PARKING[n % 3]
        assigned(world, title.replace("提案", f"提案（{n}）"), facts, world.unit, world.unit3)
    count(client, "get", url)
    again = count(client, "get", url)
    assert first <= 16 and again <= first


def test_the_precheck_panels_stay_within_a_detail_pages_budget(world, client):
    login(client, world.member)
    data = {"title": GOOD_TITLE, "facts": GOOD_FACTS, "suggestions": GOOD_SUGGESTIONS}
    assert count(client, "post", "/assist/precheck/draft/", data) <= 16
