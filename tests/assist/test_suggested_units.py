"""Suggested handling units (issue 22): learnt from past assignments of similar cases, shown to staff only
(assignment form, bulk page, API), each with its reason, never selected for the user."""

from __future__ import annotations

import re

import pytest

from assist import units
from proposals import services
from tests.assist.conftest import submitted
from tests.auth_helpers import login

pytestmark = pytest.mark.django_db

PARKING = [
    ("关于缓解老旧小区停车难的提案", "老旧小区没有规划车位，车辆乱停占用消防通道，居民意见很大。"),
    ("关于破解城区居民小区停车位不足问题的提案", "小区车位缺口大，乱停乱放堵塞消防通道，居民意见很大。"),
    ("关于多渠道增加老旧小区周边停车场供给的提案", "老城片区停车场少，车辆乱停乱放，消防通道被占。"),
]


def assigned(world, title, facts, lead, co=None):
    case = submitted(world.member, title, world, facts=facts)
    services.perform("file", world.reviewer, case.pk, {})
    rows = [{"unit": lead.pk, "role": "lead"}] + ([{"unit": co.pk, "role": "co"}] if co else [])
    return services.perform("assign", world.staff, case.pk, {"units": rows})


@pytest.fixture
def history(world):
    """Three parking cases led by 区住建局 with 区交通运输局 co-handling, one school case led by 区教育局, and
    a new parking case filed and waiting for assignment."""
    w = world
    for title, facts in PARKING:
        assigned(w, title, facts, w.unit, w.unit3)
    assigned(w, "关于加强中小学生体育锻炼的提案", "学生体质下降，近视率上升，体育课时被挤占。", w.unit2)
    new = submitted(w.outsider, "关于解决居民区停车难的提案", w, facts="小区车位不足，车辆乱停，消防通道被堵。")
    return services.perform("file", w.reviewer, new.pk, {})


def test_the_units_that_led_similar_cases_come_first_with_their_reason(world, history, client):
    login(client, world.staff)
    html = client.get(f"/assist/cases/{history.pk}/units/").content.decode()
    lead = html.split("可能的会办单位")[0]
    assert lead.index("区住建局") < lead.index("区教育局") if "区教育局" in lead else "区住建局" in lead
    assert "近3年类似提案 3 件由区住建局主办" in html
    assert "区交通运输局" in html.split("可能的会办单位")[1]


def test_the_api_gives_the_same_suggestions_to_staff(world, history, client):
    login(client, world.staff)
    body = client.get(f"/api/cases/{history.pk}/suggested-units/").json()
    assert body["lead"][0]["unit"] == "区住建局"
    assert body["lead"][0]["unit_id"] == world.unit.pk
    assert body["lead"][0]["count"] == 3
    assert body["lead"][0]["reason"].startswith("近3年类似提案 3 件由区住建局主办")
    assert {"unit_id", "unit", "score", "count", "reason", "examples"} <= set(body["lead"][0])
    assert any(s["unit"] == "区交通运输局" for s in body["co"])


@pytest.mark.parametrize("who", ["member", "reviewer"])
def test_only_staff_get_suggestions_others_who_see_the_case_are_refused_in_chinese(world, history, client, who):
    user = world.member if who == "member" else world.reviewer
    if who == "member":  # the member is not a proposer of the new case: it is hidden from them
        expected = 404
    else:
        expected = 403
    login(client, user)
    response = client.get(f"/api/cases/{history.pk}/suggested-units/")
    assert response.status_code == expected
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])
    assert client.get(f"/assist/cases/{history.pk}/units/").status_code == expected


def test_a_proposer_of_the_case_is_refused_not_shown(world, history, client):
    login(client, world.outsider)  # the new case's own proposer sees the case, never its units
    response = client.get(f"/api/cases/{history.pk}/suggested-units/")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"


def test_anonymous_callers_get_401(history, client):
    assert client.get(f"/api/cases/{history.pk}/suggested-units/").status_code == 401


def test_the_assignment_form_loads_the_suggestions_and_selects_no_unit(world, history, client):
    login(client, world.staff)
    page = client.get(f"/cases/{history.pk}/act/assign/").content.decode()
    assert f'hx-get="/assist/cases/{history.pk}/units/"' in page
    panel = client.get(f"/assist/cases/{history.pk}/units/").content.decode()
    assert "selected" not in panel and "checked" not in panel and "<input" not in panel and "<select" not in panel
    unit_selects = [part.split("</select>")[0] for part in page.split('name="unit_pick"')[1:]]
    assert unit_selects and not any(re.search(r'<option value="\d+" selected', sel) for sel in unit_selects)


def test_the_bulk_page_shows_each_rows_suggestions_to_staff(world, history, client):
    login(client, world.staff)
    page = client.get("/cases/assign/").content.decode()
    assert "建议主办单位" in page
    assert f'hx-get="/assist/cases/{history.pk}/units/?compact=1"' in page
    row = client.get(f"/assist/cases/{history.pk}/units/?compact=1").content.decode()
    assert row.index("区住建局") >= 0 and "<input" not in row


def test_the_ranking_weighs_neighbours_by_similarity_and_names_its_reason():
    past = [
        units.Past(1, 0.6, ["区住建局"], ["区交通运输局"], "停车难"),
        units.Past(2, 0.5, ["区住建局"], [], "停车位"),
        units.Past(3, 0.2, ["区城管局"], [], "占道"),
        units.Past(4, 0.05, ["区教育局"], [], "noise"),  # below the vote floor
    ]
    lead, co = units.rank(past, text="关于停车的提案", units=["区住建局", "区城管局", "区教育局", "区交通运输局"])
    assert [s.unit for s in lead] == ["区住建局", "区城管局"]
    assert lead[0].reason == "近3年类似提案 2 件由区住建局主办" and lead[0].count == 2
    assert [s.unit for s in co] == ["区交通运输局"]


def test_a_unit_named_in_the_text_is_suggested_even_without_history():
    lead, _ = units.rank([], text="关于千河镇污水处理的提案", units=["千河镇", "区住建局"])
    assert lead[0].unit == "千河镇" and "提到该单位" in lead[0].reason
    assert units.name_stem("区生态环境分局") == "生态环境" and units.name_stem("虢镇街道") == "虢镇"
