from django.urls import reverse

from proposals.models import Case
from tests.factories import CaseBuilder


def _filed(world, n):
    return [CaseBuilder(world, cosign=False, title=f"关于城区供暖设施建设的提案{i}").filed().case for i in range(n)]


def _post(client, cases, units):
    data = {"case": [c.pk for c in cases], "unit_pick": [u for u, _ in units], "role_pick": [r for _, r in units]}
    return client.post(reverse("proposals:bulk_assign"), data)


def test_it_assigns_several_cases_to_a_lead_and_a_co_unit(client, world):
    cases = _filed(world, 3)
    client.force_login(world.staff)
    response = _post(client, cases, [(world.unit.pk, "lead"), (world.unit2.pk, "co")])
    assert response.status_code == 302
    for case in Case.objects.filter(pk__in=[c.pk for c in cases]):
        assert case.status == "assigned"
        assert sorted(case.assignments.values_list("unit__name", "role")) == [("区住建局", "lead"), ("区教育局", "co")]


def test_it_reports_each_refused_case_and_assigns_the_others(client, world):
    cases = _filed(world, 2)
    from proposals import services

    services.perform("assign", world.staff, cases[0].pk, {"units": [{"unit": world.unit3.pk, "role": "lead"}]})
    client.force_login(world.staff)
    response = _post(client, cases, [(world.unit.pk, "lead")])
    assert response.status_code == 400
    assert "未能交办" in response.content.decode()
    assert Case.objects.get(pk=cases[1].pk).status == "assigned"
    assert list(Case.objects.get(pk=cases[0].pk).assignments.values_list("unit", flat=True)) == [world.unit3.pk]


def test_it_keeps_the_choices_when_the_units_do_not_form_a_valid_assignment(client, world):
    cases = _filed(world, 1)
    client.force_login(world.staff)
    response = _post(client, cases, [(world.unit.pk, "co")])
    body = response.content.decode()
    assert response.status_code == 400
    assert "主办单位" in body
    assert f'value="{cases[0].pk}" aria-label="选择 {cases[0].title}" checked' in body
    assert Case.objects.get(pk=cases[0].pk).status == "filed"


def test_it_is_refused_to_units(client, world):
    client.force_login(world.unit_user)
    assert client.get(reverse("proposals:bulk_assign")).status_code == 403
