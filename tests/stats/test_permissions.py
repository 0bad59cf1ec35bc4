"""Who may open the statistics, export the league table and import catalogues."""

from __future__ import annotations

import pytest
from django.test import Client

PAGES = ["/stats/", "/stats/league.xlsx", "/stats/import/"]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("who", ["member", "unit_user"])
def test_members_and_units_are_refused(world, login, who, path):
    assert login(getattr(world, who)).get(path).status_code == 403


@pytest.mark.parametrize("path", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(world, path):
    response = Client().get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["staff", "reviewer", "leader"])
def test_staff_reviewers_and_leaders_see_the_dashboard(world, login, who):
    response = login(getattr(world, who)).get("/stats/")
    assert response.status_code == 200
    assert "统计分析" in response.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "leader"])
def test_only_staff_import_catalogues(world, login, who):
    assert login(getattr(world, who)).get("/stats/import/").status_code == 403
    assert login(world.staff).get("/stats/import/").status_code == 200


def test_the_import_link_shows_only_for_staff(world, login):
    assert "/stats/import/" in login(world.staff).get("/stats/").content.decode()
    assert "/stats/import/" not in login(world.reviewer).get("/stats/").content.decode()
