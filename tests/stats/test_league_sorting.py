"""The unit league table sorts by each column, server-side, and exports what it shows."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from audit.models import AuditEvent
from reporting import stats
from tests.stats.conftest import LATER


@pytest.mark.parametrize("key", [k for k in stats.LEAGUE_SORTS if k != "unit"])
@pytest.mark.parametrize("descending", [True, False])
def test_the_league_sorts_by_each_numeric_column_with_empty_rates_last(seeded, world, key, descending):
    rows = stats.unit_league(stats.scope(world.term), LATER, sort=key, descending=descending)["rows"]
    values = [r[key] for r in rows if r[key] is not None]
    assert values == sorted(values, reverse=descending)
    blanks = [r[key] is None for r in rows]
    assert blanks == sorted(blanks)  # rows with nothing to rate come after every rated row


def test_the_league_sorts_by_unit_name_both_ways(seeded, world):
    up = [r["unit"] for r in stats.unit_league(stats.scope(world.term), LATER, sort="unit", descending=False)["rows"]]
    down = [r["unit"] for r in stats.unit_league(stats.scope(world.term), LATER, sort="unit", descending=True)["rows"]]
    assert up == sorted(up) and down == up[::-1]


def test_an_unknown_sort_falls_back_to_assigned(seeded, world):
    league = stats.unit_league(stats.scope(world.term), LATER, sort="password")
    assert league["sort"] == "assigned"


def test_the_page_orders_rows_by_the_requested_column_and_its_header_flips_the_order(seeded, world, login):
    client = login(world.staff)
    html = client.get("/stats/?sort=unit&order=asc").content.decode()
    table = html[html.index('class="stats-table league"') :]
    positions = [table.index(name) for name in ("区交通运输局", "区住建局", "区教育局")]
    names_in_order = [n for _, n in sorted(zip(positions, ("区交通运输局", "区住建局", "区教育局")))]
    assert names_in_order == sorted(names_in_order)
    assert 'aria-sort="ascending"' in table
    assert f"?term={world.term.pk}&amp;sort=unit&amp;order=desc#league" in table
    assert f"?term={world.term.pk}&amp;sort=replied&amp;order=desc#league" in table
    desc = client.get("/stats/?sort=overdue").content.decode()
    table = desc[desc.index('class="stats-table league"') :]
    assert table.index("区住建局") < table.index("区交通运输局") < table.index("区教育局")


def test_the_league_export_is_an_audited_workbook_in_the_page_order(seeded, world, login):
    response = login(world.reviewer).get(f"/stats/league.xlsx?term={world.term.pk}&sort=unit&order=asc")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("承办单位", "交办件数", "按时签收")
    names = [r[0] for r in rows[1:]]
    assert names == sorted(names) and len(names) == 3
    event = AuditEvent.objects.filter(action="export").last()
    assert event.actor == world.reviewer and event.data["kind"] == "unit_league" and event.data["rows"] == 3
