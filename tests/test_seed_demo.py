"""manage.py seed_demo: the figures of the source report, every state on screen, and a second run that changes nothing.

The seeder runs once per database (one test function): it replays several thousand workflow actions.
"""

from __future__ import annotations

import io

import pytest
from django.apps import apps
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count

from audit import trail as audit
from audit.models import AuditEvent
from core import clock
from members.models import Affiliation, Membership, PartyBranch, SpecialCommittee, Term, Unit, User
from proposals.models import Assignment, AssignmentStatus, Case, KeyProposal, Kind, Reply, ReplyClass, Status

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=False)]

DEMO_LOGINS = ["admin", "staff", "reviewer", "member", "member2", "unit", "unit2", "leader"]


def _row_counts() -> dict[str, int]:
    models = [
        m
        for label in ("members", "proposals", "audit", "notifications", "auth")
        for m in apps.get_app_config(label).get_models()
    ]
    counts = {m._meta.label: m.objects.count() for m in models}
    for m in models:
        for field in m._meta.many_to_many:
            through = field.remote_field.through
            counts[through._meta.label] = through.objects.count()
    return counts


def _seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_the_seeder_builds_the_reports_figures_and_a_second_run_changes_nothing():
    _seed("--demo-logins")

    term = Term.objects.get(is_current=True)
    assert term.name == "四届"
    assert list(term.sessions.values_list("name", flat=True)) == [f"四届{n}次会议" for n in "一二三四五"]
    cases = Case.objects.filter(term=term)

    # The figures of the source report.
    assert cases.filter(kind=Kind.PROPOSAL, number__isnull=False).count() == 393
    assert cases.filter(kind=Kind.SUGGESTION, number__isnull=False).count() == 196
    keys = KeyProposal.objects.filter(case__term=term, state=KeyProposal.State.DESIGNATED)
    assert keys.count() == 12
    assert cases.filter(is_key=True).count() == 12
    key_titles = " ".join(keys.values_list("case__title", flat=True))
    assert "加快车站棚户区改造" in key_titles and "加快先进制造业高质量发展" in key_titles
    memberships = Membership.objects.filter(term=term, active=True)
    assert memberships.count() == 238
    assert SpecialCommittee.objects.count() == 5
    assert memberships.exclude(committee__in=SpecialCommittee.objects.all()).count() == 0
    cpc = memberships.filter(affiliation=Affiliation.CPC)
    assert cpc.count() == 93
    assert cpc.filter(party_branch__isnull=True).count() == 0
    assert PartyBranch.objects.filter(term=term).count() == 5
    assert cpc.values("party_branch").distinct().count() == 5
    assert 40 <= Unit.objects.filter(active=True).count() <= 70
    assert cases.filter(title__regex=r"^.{101,}$").count() == 0
    # Everybody can be reached: a mailbox on the reserved example.cn domain and a valid mainland mobile.
    people = User.objects.all()
    assert not people.exclude(email__regex=r"^[a-z0-9]+@example\.cn$").exists()
    assert not people.exclude(phone="").exclude(phone__regex=r"^1[3-9][0-9]{9}$").exists()
    assert not people.filter(groups__name__in=["member", "unit"], phone="").exists()
    assert people.get(username="member").email == "member@example.cn"

    # Every state is on screen, with deadlines ahead and behind.
    present = set(cases.values_list("status", flat=True))
    assert set(Status.values) <= present, set(Status.values) - present
    assignment_states = set(Assignment.objects.values_list("status", flat=True))
    assert set(AssignmentStatus.values) <= assignment_states, set(AssignmentStatus.values) - assignment_states
    today = clock.today()
    open_work = Assignment.objects.filter(
        case__status__in=[Status.HANDLING, Status.ASSIGNED, Status.REHANDLING],
        status__in=[AssignmentStatus.PENDING, AssignmentStatus.SIGNED],
    )
    assert open_work.filter(due_date__lt=today).exists(), "some assignments are overdue"
    assert open_work.filter(due_date__gte=today).exists(), "some are still within their period"
    assert Assignment.objects.filter(status=AssignmentStatus.PENDING, return_deadline__gte=today).exists()
    assert Assignment.objects.filter(status=AssignmentStatus.PENDING, return_deadline__lt=today).exists()

    # Reply classes in realistic shares: most A, then B, a few C.
    shares = dict(
        Reply.objects.filter(state=Reply.State.ACCEPTED, case__kind=Kind.PROPOSAL)
        .values_list("reply_class")
        .annotate(n=Count("id"))
    )
    assert shares[ReplyClass.A] > shares[ReplyClass.B] > shares[ReplyClass.C] > 0

    # Demo logins are people of the data set and the password works.
    for username in DEMO_LOGINS:
        assert authenticate(username=username, password="Chencang@2026") is not None, username
    member = User.objects.get(username="member")
    assert memberships.filter(user=member).exists()
    assert member.proposer_rows.filter(role="cosigner", confirmation="pending", case__status="draft").exists()
    assert (
        len(set(cases.filter(proposers__user=member, proposers__role="initiator").values_list("status", flat=True)))
        >= 4
    )
    unit_states = set(Assignment.objects.filter(unit__contacts__username="unit").values_list("status", flat=True))
    assert {AssignmentStatus.PENDING, AssignmentStatus.SIGNED, AssignmentStatus.REPLIED} <= unit_states
    assert KeyProposal.objects.filter(leaders__username="leader").exists()
    assert User.objects.get(username="staff").is_staff

    assert audit.verify_chain().ok

    # A second run detects the data and changes nothing.
    before = _row_counts()
    events = AuditEvent.objects.count()
    output = _seed("--demo-logins")
    assert "未做任何更改" in output
    assert _row_counts() == before
    assert AuditEvent.objects.count() == events
