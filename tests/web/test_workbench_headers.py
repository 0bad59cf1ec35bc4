"""The unit workbench says whose it is: a contact person may answer for more than one unit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.auth_helpers import login

pytestmark = pytest.mark.django_db


def test_the_unit_workbench_names_the_contacts_unit(client, world):
    login(client, world.unit_user)
    page = client.get(reverse("unit_workbench")).content.decode()
    assert "<h1>承办单位工作台 · 区住建局</h1>" in page


def test_a_contact_of_two_units_sees_both_names(client, world):
    world.unit2.contacts.add(world.unit_user)
    login(client, world.unit_user)
    page = client.get(reverse("unit_workbench")).content.decode()
    assert "<h1>承办单位工作台 · 区住建局、区教育局</h1>" in page
