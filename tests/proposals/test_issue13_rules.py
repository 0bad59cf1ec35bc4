"""The domain rules of issue 13 (item 3) that were missing or different from DOMAIN.md, one test each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from audit.models import AuditEvent
from core import clock
from members.models import CollectiveSigner, Organisation, Role
from proposals import services, settings_registry
from proposals.errors import WorkflowError
from proposals.models import Assignment, Attachment, Case, Reply
from proposals.workflow import available_actions
from tests.factories import CaseBuilder, UserFactory, named_signer, sealed_scan

T0 = dt.date(2026, 3, 2)
LETTER = {
    "reply_class": "B",
    "letter": "经研究，列入计划。",
    "signer": "赵局长",
    "contact_person": "钱科长",
    "contact_phone": "0917-6212345",
}


def offered(user, case) -> set[str]:
    case.refresh_from_db()
    return {a.action.name for a in available_actions(user, case)}


def refused(code: str, *args, **kwargs) -> WorkflowError:
    with pytest.raises(WorkflowError) as caught:
        services.perform(*args, **kwargs)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- Any staff member submits on a proposer's behalf ---------------------------------------------------


def test_any_staff_member_submits_a_draft_another_staff_member_entered_on_a_members_behalf(world):
    colleague = UserFactory(username="s9", name="提案委小王", roles=[Role.STAFF])
    with clock.frozen(T0):
        case = services.create_draft(
            world.staff,
            on_behalf_of=world.member.pk,
            title="关于城区供暖设施的提案",
            facts="情况。",
            suggestions="建议。",
            category=world.category.pk,
        )
        assert "submit" in offered(colleague, case)
        services.perform("submit", colleague, case.pk)
    event = AuditEvent.objects.get(case=case, action="submit")
    assert (event.actor, event.on_behalf_of, Case.objects.get(pk=case.pk).status) == (
        colleague,
        world.member,
        "submitted",
    )


def test_staff_cannot_submit_a_members_own_draft_or_resubmit_a_members_returned_case(world):
    with clock.frozen(T0):
        own = CaseBuilder(world).cosigned().case
        refused("not_found", "submit", world.staff, own.pk)  # a member's unsubmitted draft stays private
        returned = CaseBuilder(world).returned().cosigned().case
        assert "submit" not in offered(world.staff, returned)
        refused("actor_not_allowed", "submit", world.staff, returned.pk)


# --- set_public in any state ------------------------------------------------------------------------


def test_the_proposer_asks_not_to_publish_while_the_case_is_still_a_draft(world):
    with clock.frozen(T0):
        b = CaseBuilder(world)
        assert "set_public" in offered(world.member, b.case)
        b.act("set_public", world.member, {"public": False, "reason": "涉及个人信息。"})
    case = b.refresh()
    assert (case.status, case.is_public, case.not_public_reason) == ("draft", False, "涉及个人信息。")


# --- A co-handling unit extends its views period -------------------------------------------------------


def test_a_co_handler_requests_an_extension_of_its_views_date_and_staff_approve_it(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).handling(co=True)
        co = b.assignment(world.unit2)
        assert "request_extension" in {
            a.action.name for a in available_actions(world.unit2_user, b.case) if a.assignment == co
        }
        old_views, reply_due = co.views_due, co.due_date
        wanted = old_views + dt.timedelta(days=14)
        b.act(
            "request_extension", world.unit2_user, {"reason": "需实地调研。", "due": wanted.isoformat()}, assignment=co
        )
        b.act("approve_extension", world.staff, {}, assignment=co)
    co = Assignment.objects.get(pk=co.pk)
    assert (co.views_due, co.due_date, co.step_due) == (wanted, reply_due, wanted)
    assert AuditEvent.objects.get(case=b.case, action="approve_extension").data["old_due"] == old_views.isoformat()


def test_a_co_handlers_extension_must_be_later_than_its_views_date(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).handling(co=True)
        co = b.assignment(world.unit2)
        error = refused(
            "extension_not_later",
            "request_extension",
            world.unit2_user,
            b.case.pk,
            {"reason": "需调研。", "due": co.views_due.isoformat()},
            assignment_id=co.pk,
        )
    assert "会办意见期限" in error.message


# --- A co-handler's due date is its views date everywhere; views sent are never overdue --------------------


def test_a_co_handlers_due_date_is_its_views_date_on_the_case_page_the_workbench_and_the_overdue_board(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).handling(co=True)
        co = b.assignment(world.unit2)
    late = co.views_due + dt.timedelta(days=1)
    assert co.due_date > late  # the reply date is far off, the views date has passed
    with clock.frozen(late):
        assert set(Assignment.objects.overdue(clock.today()).values_list("pk", flat=True)) == {co.pk}
        assert co.is_overdue(clock.today())
        staff, unit = Client(), Client()
        staff.force_login(world.staff)
        unit.force_login(world.unit2_user)
        page = staff.get(f"/cases/{b.case.pk}/").content.decode()
        assert f"{co.views_due:%Y-%m-%d}（会办意见）" in page
        board = staff.get("/cases/overdue/").content.decode()
        assert f"{co.views_due:%Y-%m-%d}" in board and world.unit2.name in board
        bench = unit.get("/workbench/unit/").content.decode()
        assert f"{co.views_due:%Y-%m-%d}（已逾期）" in bench
        b.act("send_views", world.unit2_user, {"text": "同意主办单位意见。"}, assignment=co)
        assert not Assignment.objects.overdue(clock.today()).filter(pk=co.pk).exists()
        assert not Assignment.objects.get(pk=co.pk).is_overdue(clock.today())


def test_the_assignment_notice_gives_a_co_handler_its_views_date(world):
    from notifications.models import Notification

    with clock.frozen(T0):
        b = CaseBuilder(world).assigned(co=True)
    co = b.assignment(world.unit2)
    text = " ".join(Notification.objects.filter(user=world.unit2_user).values_list("body", flat=True))
    assert f"会办意见期限 {co.views_due:%Y年%m月%d日}" in text


# --- The stamped reply letter ------------------------------------------------------------------------------


def test_a_proposals_reply_needs_the_stamped_letter_by_default_and_a_suggestions_does_not(world):
    assert settings_registry.needs_letter_file("proposal") and not settings_registry.needs_letter_file("suggestion")
    with clock.frozen(T0):
        b = CaseBuilder(world).handling(co=False)
        lead = b.assignment(world.unit)
        refused("letter_file_required", "reply", world.unit_user, b.case.pk, LETTER, assignment_id=lead.pk)
        s = CaseBuilder(world, title="关于城镇生活污水处理的提案").converted()
        s.act("assign", world.staff, {"units": [{"unit": world.unit.pk, "role": "lead"}]})
        s.act("sign", world.unit_user, assignment=s.assignment(world.unit))
        s.act(
            "reply",
            world.unit_user,
            {k: v for k, v in LETTER.items() if k != "reply_class"},
            assignment=s.assignment(world.unit),
        )
    assert s.assignment(world.unit).status == "replied"


def test_the_unit_uploads_the_stamped_letter_in_the_reply_form_itself(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).handling(co=False)
        lead = b.assignment(world.unit)
        client = Client()
        client.force_login(world.unit_user)
        form = client.get(f"/cases/{b.case.pk}/act/reply/?assignment={lead.pk}").content.decode()
        assert 'enctype="multipart/form-data"' in form and 'name="letter_upload"' in form
        letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n%stamped\n", content_type="application/pdf")
        response = client.post(
            f"/cases/{b.case.pk}/act/reply/", {**LETTER, "assignment": lead.pk, "letter_upload": letter}
        )
    assert response.status_code == 302, response.content.decode()[:500]
    reply = Reply.objects.get(assignment=lead, state="submitted")
    assert reply.letter_file.purpose == Attachment.Purpose.REPLY_LETTER
    assert reply.letter_file.original_name == "答复函.pdf"


def test_a_refused_reply_keeps_the_uploaded_letter_for_the_next_try(world):
    with clock.frozen(T0):
        b = CaseBuilder(world).handling(co=False)
        lead = b.assignment(world.unit)
        client = Client()
        client.force_login(world.unit_user)
        letter = SimpleUploadedFile("答复函.pdf", b"%PDF-1.4\n%stamped\n", content_type="application/pdf")
        data = {**LETTER, "reply_class": "", "assignment": lead.pk, "letter_upload": letter}
        response = client.post(f"/cases/{b.case.pk}/act/reply/", data)
    assert response.status_code == 400
    kept = Attachment.objects.get(case=b.case, purpose=Attachment.Purpose.REPLY_LETTER)
    assert f'value="{kept.pk}" selected' in response.content.decode()


# --- Collective proposals -------------------------------------------------------------------------------


def _party_draft(world, user):
    party, _ = Organisation.objects.get_or_create(name="民进陈仓区委会", defaults={"kind": Organisation.Kind.PARTY})
    return services.create_draft(
        user,
        title="关于专精特新企业培育的提案",
        facts="情况。",
        suggestions="建议。",
        category=world.category.pk,
        collective="organisation",
        organisation=party.pk,
    ), party


def test_a_collective_case_is_submitted_only_by_the_organisations_named_contact_with_the_sealed_scan(world):
    with clock.frozen(T0):
        case, party = _party_draft(world, world.member)
        error = refused("collective_signer_required", "submit", world.member, case.pk)
        assert "民进陈仓区委会" in error.message
        CollectiveSigner.objects.create(term=world.term, user=world.member, organisation=party)
        refused("sealed_scan_required", "submit", world.member, case.pk)
        sealed_scan(case, world.member)
        services.perform("submit", world.member, case.pk)
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_a_contact_named_for_another_term_or_another_body_does_not_count(world):
    from tests.factories import make_term

    older = make_term(number=3, current=False, start=dt.date(2017, 1, 5))
    with clock.frozen(T0):
        case, party = _party_draft(world, world.member)
        sealed_scan(case, world.member)
        other, _ = Organisation.objects.get_or_create(
            name="九三学社陈仓区支社", defaults={"kind": Organisation.Kind.PARTY}
        )
        CollectiveSigner.objects.create(term=older, user=world.member, organisation=party)
        CollectiveSigner.objects.create(term=world.term, user=world.member, organisation=other)
        refused("collective_signer_required", "submit", world.member, case.pk)


def test_the_sealed_scan_requirement_is_a_setting(world):
    settings_registry.set_value("collective_sealed_scan_required", False)
    with clock.frozen(T0):
        case, party = _party_draft(world, world.member)
        CollectiveSigner.objects.create(term=world.term, user=world.member, organisation=party)
        services.perform("submit", world.member, case.pk)
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_a_committee_case_is_submitted_by_the_committees_convener(world):
    with clock.frozen(T0):
        case = services.create_draft(
            world.member,
            title="关于基础教育双减的提案",
            facts="情况。",
            suggestions="建议。",
            category=world.category.pk,
            collective="committee",
        )
        refused("collective_signer_required", "submit", world.member, case.pk)
        named_signer(case)
        services.perform("submit", world.member, case.pk)
    assert Case.objects.get(pk=case.pk).status == "submitted"


# --- A converted suggestion's title --------------------------------------------------------------------------


def test_a_converted_suggestions_title_ends_in_jianyi_and_the_trail_keeps_the_original(world):
    with clock.frozen(T0):
        b = CaseBuilder(world, title="关于加快车站棚户区改造的提案").converted()
    case = b.refresh()
    assert (case.kind, case.title) == ("suggestion", "关于加快车站棚户区改造的建议")
    event = AuditEvent.objects.get(case=case, action="convert_to_suggestion")
    assert event.data["original_title"] == "关于加快车站棚户区改造的提案"


def test_a_title_without_the_proposal_ending_is_kept_when_converted(world):
    with clock.frozen(T0):
        b = CaseBuilder(world, title="车站片区棚户区改造").converted()
    assert b.refresh().title == "车站片区棚户区改造"


def test_deem_signed_and_reminders_still_run_with_co_handlers_dates(world):
    with clock.frozen(T0):
        CaseBuilder(world).assigned(co=True)
    with clock.frozen(T0 + dt.timedelta(days=40)):
        call_command("deem_signed", stdout=open("/dev/null", "w"))
        call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert not Assignment.objects.filter(status="pending").exists()
