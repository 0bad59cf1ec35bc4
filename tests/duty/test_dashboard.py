"""The statistics page shows the duty section (from duty's template hook) with the year's figures."""

from __future__ import annotations

from django.core.cache import cache

from duty import selectors


def test_the_dashboard_shows_participation_points_and_activities_per_month(client, duty_world):
    w = duty_world
    figures = selectors.dashboard(w.term, 2025)
    assert {r["name"]: (r["invited"], r["present"]) for r in figures["by_committee"]} == {"提案委员会": (6, 3)}
    assert sum(b["members"] for b in figures["points"]) == 3
    assert [m["activities"] for m in figures["per_month"]] == [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    client.force_login(w.staff)
    client.get("/stats/")  # the first visit computes the snapshot (in process under the test backend)
    cache.clear()
    html = client.get("/stats/").content.decode()
    assert "委员履职（" in html and "出席率（按专委会）" in html
