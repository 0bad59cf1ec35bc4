import datetime as dt

from core import clock
from tests.factories import CaseBuilder


def test_a_member_lists_and_opens_their_case(world, as_):
    with clock.frozen(dt.date(2026, 3, 2)):
        b = CaseBuilder(world).filed()
    response = as_("member").get("/api/cases/")
    assert response.status_code == 200, response.content
    assert [c["id"] for c in response.json()["results"]] == [b.case.pk]
    detail = as_("member").get(f"/api/cases/{b.case.pk}/")
    assert detail.json()["display_number"].endswith("第001号")
    assert as_("unit").get(f"/api/cases/{b.case.pk}/").status_code == 404
