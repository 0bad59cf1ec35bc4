"""Similar cases are read through proposals.access.visible_cases: a member sees their own and published
cases among the similar ones, never someone else's unpublished case; staff and reviewers see all submitted."""

import pytest

from assist import selectors

pytestmark = pytest.mark.django_db


def ids(items):
    return [item.case.pk for item in items]


def test_a_member_sees_published_similar_cases_but_never_an_unpublished_case_of_someone_else(world, parking):
    found = ids(selectors.similar_cases(world.member, parking["own"]))
    assert parking["published"].pk in found
    assert parking["others"].pk not in found
    assert parking["own"].pk not in found  # never itself


def test_staff_and_reviewers_see_every_submitted_similar_case(world, parking):
    for user in (world.staff, world.reviewer):
        found = ids(selectors.similar_cases(user, parking["others"]))
        assert parking["own"].pk in found and parking["published"].pk in found
        assert parking["unrelated"].pk not in found


def test_the_api_answers_a_ranked_scoped_list_with_number_state_score_and_why(client, world, parking):
    client.force_login(world.member)
    response = client.get(f"/api/cases/{parking['own'].pk}/similar/")
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [parking["published"].pk]
    row = body[0]
    assert row["state"] == "closed" and row["number"].endswith("号") and row["title"] == parking["published"].title
    assert 0 < row["score"] <= 1 and row["why"]
    assert row["units"] == ["区住建局", "区教育局"]
    assert row["reply"]["unit"] == "区住建局" and row["reply"]["letter"]


def test_the_api_hides_a_case_the_user_may_not_see_and_refuses_a_bad_limit_in_chinese(client, world, parking):
    client.force_login(world.member)
    response = client.get(f"/api/cases/{parking['others'].pk}/similar/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = client.get(f"/api/cases/{parking['own'].pk}/similar/?limit=abc")
    assert response.status_code == 400
    assert "limit" in response.json()["errors"] and "整数" in response.json()["detail"]


def test_the_case_panel_lists_only_what_the_viewer_may_see(client, world, parking):
    client.force_login(world.member)
    html = client.get(f"/assist/cases/{parking['own'].pk}/similar/").content.decode()
    assert parking["published"].title in html and parking["others"].title not in html
    client.force_login(world.staff)
    html = client.get(f"/assist/cases/{parking['own'].pk}/similar/").content.decode()
    assert parking["published"].title in html and parking["others"].title in html


def test_the_drafting_panel_ranks_the_typed_text_without_saving_anything(client, world, parking):
    from proposals.models import Case

    before = Case.objects.count()
    client.force_login(world.member2)
    response = client.post(
        "/assist/similar/draft/", {"title": "小区车位太少，停车难怎么办", "facts": "", "suggestions": ""}
    )
    html = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == before
    assert parking["published"].title in html and parking["others"].title not in html
    assert "不影响保存和提交" in html


def test_the_draft_page_the_case_page_and_the_review_page_carry_the_panel_hook(client, world, parking):
    client.force_login(world.member)
    assert 'id="draft-similar"' in client.get("/cases/new/").content.decode()
    client.force_login(world.reviewer)
    page = client.get(f"/cases/{parking['others'].pk}/").content.decode()
    assert f"/assist/cases/{parking['others'].pk}/similar/" in page
    page = client.get(f"/cases/{parking['others'].pk}/act/merge/").content.decode()
    assert f"/assist/cases/{parking['others'].pk}/similar/" in page


def test_the_similar_panel_costs_a_fixed_number_of_queries(client, world, parking, django_assert_max_num_queries):
    client.force_login(world.staff)
    client.get(f"/assist/cases/{parking['own'].pk}/similar/")
    with django_assert_max_num_queries(14):
        assert client.get(f"/assist/cases/{parking['own'].pk}/similar/").status_code == 200
