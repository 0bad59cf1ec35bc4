import pytest
from django.urls import reverse

from proposals.models import Case, Proposer

pytestmark = pytest.mark.django_db


def draft_data(world, **extra):
    return {
        "kind": "proposal",
        "title": "关于城区供暖设施改造的提案",
        "category": world.category.pk,
        "facts": "老旧小区供暖管网老化。",
        "suggestions": "分批改造管网。",
        "is_public": "on",
        **extra,
    }


def test_a_member_drafts_a_joint_proposal_and_invites_a_cosigner(client, world):
    client.force_login(world.member)
    response = client.post(reverse("proposals:draft_new"), draft_data(world, cosigners=[world.member2.pk]))
    case = Case.objects.get(title="关于城区供暖设施改造的提案")
    assert response.status_code == 302 and response["Location"] == reverse("proposals:case_detail", args=[case.pk])
    row = case.proposers.get(user=world.member2)
    assert row.role == Proposer.Role.COSIGNER and row.confirmation == Proposer.Confirmation.PENDING
    client.force_login(world.member2)
    assert "待我确认的附议邀请" in client.get(reverse("proposals:member_workbench")).content.decode()


def test_the_cosigner_search_finds_term_members_by_name(client, world):
    client.force_login(world.member)
    html = client.get(reverse("proposals:member_search"), {"q": "李"}).content.decode()
    assert f'value="{world.member2.pk}"' in html and "李委员" in html
    assert world.staff.display_name not in html


def test_an_invalid_draft_keeps_what_was_typed(client, world):
    client.force_login(world.member)
    response = client.post(reverse("proposals:draft_new"), draft_data(world, title="", facts="我写了很多内容"))
    assert response.status_code == 400
    assert "我写了很多内容" in response.content.decode()


def test_editing_the_text_asks_the_cosigner_again(client, world):
    client.force_login(world.member)
    client.post(reverse("proposals:draft_new"), draft_data(world, cosigners=[world.member2.pk]))
    case = Case.objects.get(title="关于城区供暖设施改造的提案")
    case.proposers.filter(user=world.member2).update(confirmation="confirmed")
    response = client.post(
        reverse("proposals:draft_edit", args=[case.pk]),
        draft_data(world, facts="补充了新的情况。", cosigners=[world.member2.pk]),
    )
    assert response.status_code == 302
    assert case.proposers.get(user=world.member2).confirmation == "pending"


def test_staff_enter_a_paper_proposal_on_a_members_behalf(client, world):
    client.force_login(world.staff)
    response = client.post(reverse("proposals:draft_new"), draft_data(world, on_behalf_of=world.member.pk))
    case = Case.objects.get(title="关于城区供暖设施改造的提案")
    assert response.status_code == 302
    assert case.created_by == world.staff and case.initiator.user == world.member
    assert client.get(reverse("proposals:case_detail", args=[case.pk])).status_code == 200


def test_a_member_submits_once_the_cosigner_confirmed(client, world):
    client.force_login(world.member)
    client.post(reverse("proposals:draft_new"), draft_data(world, cosigners=[world.member2.pk]))
    case = Case.objects.get(title="关于城区供暖设施改造的提案")
    assert 'data-action="submit"' not in client.get(reverse("proposals:case_detail", args=[case.pk])).content.decode()
    client.force_login(world.member2)
    assert client.post(reverse("proposals:case_action", args=[case.pk, "cosign"])).status_code == 302
    client.force_login(world.member)
    assert client.post(reverse("proposals:case_action", args=[case.pk, "submit"])).status_code == 302
    case.refresh_from_db()
    assert case.status == "submitted"
