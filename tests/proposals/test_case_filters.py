"""One CaseFilterSet: the staff case list, GET /api/cases/ and "export what I see" return the same
cases for every filter (proposals.filters)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from core import clock
from members.models import Membership
from proposals.models import Assignment, Case, Category
from tests.auth_helpers import login
from tests.factories import CaseBuilder

T0 = dt.date(2026, 3, 2)


@pytest.fixture
def varied(world):
    """Cases in several kinds, states, categories, units and proposers' committees; one overdue."""
    other_category = Category.objects.exclude(pk=world.category.pk).order_by("id").first() or Category.objects.create(
        name="社会建设"
    )
    with clock.frozen(T0):
        closed = CaseBuilder(world, title="关于加快车站棚户区改造的提案").closed("A")
        handling = CaseBuilder(world, title="关于完善城区供暖设施的提案", cosign=False).handling(co=False)
        assigned = CaseBuilder(world, title="关于加快先进制造业高质量发展的提案").assigned()
        filed = CaseBuilder(world, title="关于培育专精特新企业的提案", cosign=False).filed()
        converted = CaseBuilder(world, title="关于加强电信网络诈骗治理的提案").converted()
        submitted = CaseBuilder(world, title="关于推进职业技术教育人才培养的提案", cosign=False).submitted()
        # A withdrawn assignment must not count for its unit: unit3 is asked, then the return approved.
        moved = CaseBuilder(world, title="关于城镇生活污水处理的提案", cosign=False).return_requested(co=False)
        moved.act(
            "approve_return",
            world.staff,
            {"reason": "同意退回。"},
            assignment=moved.case.assignments.get(unit=world.unit),
        )
    Case.objects.filter(pk=filed.case.pk).update(category=other_category, is_key=True)
    # One case is overdue: its only unit's reply was due yesterday.
    Assignment.objects.filter(case=handling.case).update(due_date=dt.date.today() - dt.timedelta(days=1))
    return {c.case.title: c.case.pk for c in (closed, handling, assigned, filed, converted, submitted, moved)}


def _page_ids(client: Client, query: dict) -> set[int]:
    html = client.get(reverse("proposals:case_list"), query).content.decode()
    return {int(pk) for pk in re.findall(r'href="/cases/(\d+)/"', html)}


def _api_ids(client: Client, query: dict) -> set[int]:
    response = client.get(reverse("api:cases"), {**query, "page_size": 200})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _export_ids(client: Client, query: dict, by_title: dict[str, int]) -> set[int]:
    response = client.get(reverse("reporting:export_cases"), query)
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    title = rows[0].index("案由")
    return {by_title[row[title]] for row in rows[1:]}


def queries(world) -> list[dict]:
    committee = (
        Membership.objects.filter(user=world.member, committee__isnull=False)
        .values_list("committee_id", flat=True)
        .first()
    )
    sector = (
        Membership.objects.filter(user=world.member, sector__isnull=False).values_list("sector_id", flat=True).first()
    )
    session = Case.objects.exclude(session=None).values_list("session_id", flat=True).first()
    return [
        {},
        {"kind": "suggestion"},
        {"kind": "proposal"},
        {"status": "closed"},
        {"status": "handling"},
        {"category": world.category.pk},
        {"unit": world.unit.pk},
        {"unit": world.unit2.pk},
        {"unit": world.unit3.pk},
        {"key": "true"},
        {"overdue": "true"},
        {"q": "供暖"},
        {"q": "棚户区"},
        {"term": world.term.pk},
        {"session": session},
        {"committee": committee},
        {"sector": sector},
        {"kind": "proposal", "status": "handling", "unit": world.unit.pk},
    ]


def test_the_list_page_the_api_and_the_export_return_the_same_cases_for_every_filter(world, varied):
    client = Client()
    login(client, world.staff)
    seen_differences = set()
    for query in queries(world):
        query = {k: v for k, v in query.items() if v is not None}
        page, api, export = _page_ids(client, query), _api_ids(client, query), _export_ids(client, query, varied)
        assert page == api == export, (query, page, api, export)
        seen_differences.add(frozenset(page))
    # The filters really filter: the queries do not all give the same answer.
    assert len(seen_differences) >= 8


def test_the_unit_filter_ignores_a_unit_whose_assignment_was_withdrawn(world, varied):
    client = Client()
    login(client, world.staff)
    moved = varied["关于城镇生活污水处理的提案"]
    assert moved not in _api_ids(client, {"unit": world.unit.pk})
    assert moved not in _export_ids(client, {"unit": world.unit.pk}, varied)


def test_a_filter_value_that_does_not_parse_is_ignored_by_the_page_and_refused_by_the_api(world, varied):
    client = Client()
    login(client, world.staff)
    assert _page_ids(client, {"unit": "x"}) == _page_ids(client, {})
    assert client.get(reverse("api:cases"), {"unit": "x"}).status_code == 400
