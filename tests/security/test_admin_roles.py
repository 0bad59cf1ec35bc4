"""三员分立 in the admin, round 2 (issue 20 item 1): no account holds an administrator role together with
a business role, whoever assigns it; the security administrator manages others' roles, never its own;
role groups are never renamed or deleted; every refused attempt is an audited ``refused`` event; and
every admin change form, for every administrator, exposes role fields only where the rule allows."""

import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from audit.models import AuditEvent
from members.admin_roles import allowed
from members.models import ROLE_GROUPS, AdminRole, Role, role_group
from tests.auth_helpers import login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLE_INPUTS = {"groups", "user_permissions", "is_superuser"}


@pytest.fixture
def admins(db):
    people = {}
    for role in AdminRole.values:
        user = UserFactory(username=role, is_staff=True)
        user.groups.add(role_group(role))
        people[role] = user
    return people


def refusals(actor) -> int:
    return AuditEvent.objects.filter(actor=actor, action="admin_change", outcome="refused").count()


@pytest.mark.parametrize("business", Role.values)
@pytest.mark.parametrize("target", AdminRole.values)
def test_the_secadmin_cannot_give_an_administrator_a_business_role(client, admins, target, business):
    login(client, admins["secadmin"])
    person = admins[target]
    url = reverse("admin:members_user_change", args=[person.pk])
    groups = [role_group(target).pk, role_group(business).pk]
    before = refusals(admins["secadmin"])
    response = client.post(url, {"groups": groups, "is_staff": "on"})
    if target == "secadmin":  # its own account: never its own roles
        assert response.status_code == 403
    else:
        assert response.status_code == 200 and "三员分立" in response.content.decode()
    assert set(person.groups.values_list("name", flat=True)) == {target}
    assert refusals(admins["secadmin"]) == before + 1


@pytest.mark.parametrize("business", Role.values)
@pytest.mark.parametrize("target", AdminRole.values)
def test_no_code_path_combines_an_administrator_and_a_business_role(admins, target, business):
    person = admins[target]
    with pytest.raises(ValidationError), transaction.atomic():
        person.groups.add(role_group(business))
    with pytest.raises(ValidationError), transaction.atomic():
        role_group(business).user_set.add(person)
    worker = UserFactory(roles=[business])
    with pytest.raises(ValidationError), transaction.atomic():
        worker.groups.add(role_group(target))
    assert set(person.groups.values_list("name", flat=True)) == {target}


def test_the_secadmin_still_sets_business_roles_of_ordinary_users(client, admins, world):
    login(client, admins["secadmin"])
    url = reverse("admin:members_user_change", args=[world.outsider.pk])
    groups = [role_group(Role.MEMBER).pk, role_group(Role.LEADER).pk]
    assert client.post(url, {"groups": groups, "is_staff": ""}).status_code == 302
    assert set(world.outsider.groups.values_list("name", flat=True)) == {"member", "leader"}


def test_the_secadmin_cannot_drop_or_change_its_own_role(client, admins):
    me = admins["secadmin"]
    login(client, me)
    url = reverse("admin:members_user_change", args=[me.pk])
    page = client.get(url).content.decode()
    assert 'name="groups"' not in page and 'name="user_permissions"' not in page
    assert client.post(url, {"groups": [role_group(Role.STAFF).pk]}).status_code == 403
    assert client.post(url, {"user_permissions": [1]}).status_code == 403
    assert set(me.groups.values_list("name", flat=True)) == {"secadmin"}
    assert refusals(me) == 2


@pytest.mark.parametrize("name", ROLE_GROUPS)
def test_role_groups_cannot_be_renamed_or_deleted(client, admins, name):
    me = admins["secadmin"]
    login(client, me)
    group = role_group(name)
    change = reverse("admin:auth_group_change", args=[group.pk])
    assert 'name="name"' not in client.get(change).content.decode()
    assert client.post(change, {"name": f"{name}-x"}).status_code == 403
    assert client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [group.pk], "post": "yes"}
    assert client.post(reverse("admin:auth_group_changelist"), bulk).status_code == 403
    assert Group.objects.filter(pk=group.pk, name=name).exists()
    assert refusals(me) == 3


def test_other_groups_stay_the_secadmins_to_manage(client, admins):
    login(client, admins["secadmin"])
    group = Group.objects.create(name="临时工作组")
    change = reverse("admin:auth_group_change", args=[group.pk])
    assert client.post(change, {"name": "专项工作组"}).status_code == 302
    assert client.post(reverse("admin:auth_group_delete", args=[group.pk]), {"post": "yes"}).status_code == 302
    assert not Group.objects.filter(pk=group.pk).exists()


def _inputs(html: str) -> set[str]:
    return set(re.findall(r'name="([^"]+)"', html))


def _change_url(model, obj):
    try:
        return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    except NoReverseMatch:
        return None


@pytest.mark.parametrize("role", AdminRole.values)
def test_every_admin_change_form_answers_each_administrator_by_the_one_mapping(client, admins, world, role):
    """Every registered model's add and change forms: opened only as ADMIN_MODELS allows, and a field
    granting roles appears only on another user's form, for the security administrator."""
    me = admins[role]
    login(client, me)
    checked = []
    for model in admin.site._registry:
        label = model._meta.label_lower
        add_url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
        add = client.get(add_url)
        assert add.status_code == (200 if allowed(me, label, "add") else 403), (role, label, "add")
        if add.status_code == 200:
            assert not ROLE_INPUTS & _inputs(add.content.decode()), (role, label)
        for obj in [model._default_manager.order_by("pk").first(), me if label == "members.user" else None]:
            url = obj is not None and _change_url(model, obj)
            if not url:
                continue
            response = client.get(url)
            may_open = allowed(me, label, "view") or allowed(me, label, "change")
            assert response.status_code == (200 if may_open else 403), (role, label, response.status_code)
            if response.status_code == 200:
                shown = ROLE_INPUTS & _inputs(response.content.decode())
                may_set_roles = role == "secadmin" and label == "members.user" and obj.pk != me.pk
                assert bool(shown) == may_set_roles, (role, label, shown)
            if not allowed(me, label, "change"):
                assert client.post(url, {}).status_code == 403, (role, label)
            checked.append(label)
    assert "members.user" in checked and "auth.group" in checked
