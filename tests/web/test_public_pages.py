import datetime as dt

import pytest
from django.urls import reverse

from core import clock
from tests.factories import CaseBuilder

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


@pytest.fixture
def published(world):
    world.member.phone = "13900002222"
    world.member.save()
    with clock.frozen(DAY):
        return CaseBuilder(world).closed().act("publish", world.staff).case


def test_anyone_finds_a_published_case_with_its_reply_and_no_contact_details(client, world, published):
    listing = client.get(reverse("proposals:public_list"), {"q": "棚户区"}).content.decode()
    # The search says how many it found and marks the words in each title (issue 17 item 7).
    assert published.title.replace("棚户区", "<mark>棚户区</mark>") in listing
    assert "共找到 <strong>1</strong> 件" in listing
    detail = client.get(reverse("proposals:public_detail", args=[published.pk])).content.decode()
    assert "经研究，答复如下" in detail
    assert "13900002222" not in detail and "0917-6212345" not in detail


def test_an_unpublished_case_is_not_public(client, world):
    with clock.frozen(DAY):
        case = CaseBuilder(world).filed().case
    assert client.get(reverse("proposals:public_detail", args=[case.pk])).status_code == 404
    assert case.title not in client.get(reverse("proposals:public_list")).content.decode()


def test_home_sends_each_role_to_its_workbench(client, world):
    expected = {
        "member": "proposals:member_workbench",
        "staff": "proposals:staff_workbench",
        "reviewer": "proposals:reviewer_workbench",
        "unit": "proposals:unit_workbench",
        "leader": "proposals:leader_workbench",
    }
    for who, url_name in expected.items():
        client.force_login(world.users()[who])
        assert client.get(reverse("proposals:home"))["Location"] == reverse(url_name)


def test_the_login_page_is_in_chinese(client, world):
    html = client.get(reverse("members:login")).content.decode()
    assert "登录" in html and 'lang="zh-Hans"' in html
    response = client.post(reverse("members:login"), {"username": world.member.username, "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()
