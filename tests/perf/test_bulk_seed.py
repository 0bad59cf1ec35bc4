"""The bulk path of ``seed_demo --cases N`` writes the rows the services would write."""

from __future__ import annotations

import datetime as dt

import pytest

from audit import trail as audit
from audit.models import AuditEvent
from demo.bulk import Actors, BulkSeeder, Copy, Replayer, capture, drive
from members.models import Session
from proposals.models import Assignment, Case, ContactRecord, Proposer, Rating, Reply

SHAPES = ["closed", "closed_suggestion", "rehandling", "handling", "rejected", "withdrawn", "draft"]
START = dt.date(2024, 3, 4)
# Ids differ by construction; the number is the next one of the sequence, and the vector contains it.
SKIP = {
    "id",
    "case_id",
    "assignment_id",
    "proposer_id",
    "seq",
    "hash",
    "prev_hash",
    "number",
    "search_vector",
    "object_id",
}
ID_KEYS = {"assignment", "reply", "rating", "contact", "number", "display_number"}


def texts(n: int) -> dict:
    return {
        "title": f"关于改善城区供暖和养老服务的提案{n}",
        "facts": f"冬季供暖不稳定，养老机构床位紧张（{n}）。",
        "suggestions": "一是加快管网改造；二是扩大医疗和教育资源供给。",
    }


def rows_of(case_id: int) -> dict[str, list[dict]]:
    def plain(qs):
        return [{k: v for k, v in vars(obj).items() if not k.startswith("_") and k not in SKIP} for obj in qs]

    events = []
    for event in AuditEvent.objects.filter(case_id=case_id).order_by("seq"):
        row = {k: v for k, v in vars(event).items() if not k.startswith("_") and k not in SKIP}
        row["data"] = {k: v for k, v in event.data.items() if k not in ID_KEYS}
        events.append(row)
    return {
        "case": plain(Case.objects.filter(pk=case_id)),
        "proposers": plain(Proposer.objects.filter(case_id=case_id).order_by("id")),
        "assignments": plain(Assignment.objects.filter(case_id=case_id).order_by("id")),
        "replies": plain(Reply.objects.filter(case_id=case_id).order_by("id")),
        "ratings": plain(Rating.objects.filter(case_id=case_id).order_by("id")),
        "contacts": plain(ContactRecord.objects.filter(case_id=case_id).order_by("id")),
        "events": events,
    }


@pytest.mark.parametrize("shape", SHAPES)
def test_a_bulk_copy_has_the_rows_the_services_write(world, shape):
    w = world
    prototype_actors = Actors(w.member, w.member2, w.staff, w.reviewer, w.unit, w.unit_user)
    other_actors = Actors(w.member2, w.outsider, w.staff, w.reviewer, w.unit2, w.unit2_user)
    proto_case = drive(shape, prototype_actors, START, category=w.category, **texts(1))
    proto = capture(shape, prototype_actors, proto_case.pk)
    # The same shape with other people, another unit and other texts, through the services...
    reference = drive(shape, other_actors, START, category=w.category, **texts(2))
    # ...and through the bulk path, from the prototype.
    replayer = Replayer(list(Session.objects.filter(term=w.term)))
    replayer.pending.append((proto, Copy(other_actors, 0, category_id=w.category.pk, **texts(2))))
    replayer.finish()
    copy = Case.objects.exclude(pk__in=[proto_case.pk, reference.pk]).get()

    expected, actual = rows_of(reference.pk), rows_of(copy.pk)
    # The one difference on purpose: the stamped letter is an upload of the prototype case, and the bulk path
    # writes no files, so a copied reply names none (bench data; the demo's own cases go through the services).
    assert all(r.pop("letter_file_id") is None for r in actual["replies"])
    for r in expected["replies"]:
        r.pop("letter_file_id")
    for table in expected:
        assert actual[table] == expected[table], table
    assert (copy.number is None) == (reference.number is None)
    assert audit.verify_chain().ok


def test_filed_copies_take_the_next_numbers_of_the_sequence(world):
    w = world
    actors = Actors(w.member, w.member2, w.staff, w.reviewer, w.unit, w.unit_user)
    proto = capture("closed", actors, drive("closed", actors, START, category=w.category, **texts(1)).pk)
    replayer = Replayer(list(Session.objects.filter(term=w.term)))
    for n in range(3):
        replayer.pending.append((proto, Copy(actors, n, category_id=w.category.pk, **texts(n))))
    replayer.finish()
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert numbers == [numbers[0] + i for i in range(4)]


@pytest.mark.slow
def test_seed_demo_cases_builds_the_world_and_n_cases_in_every_state(db):
    from demo.bulk import SHAPES as BULK_SHAPES

    BulkSeeder(300, seed=7).run()
    assert Case.objects.count() == 300
    states = set(Case.objects.values_list("status", flat=True))
    assert {"closed", "handling", "submitted", "filed", "assigned", "replied", "rehandling", "draft"} <= states
    assert Case.objects.filter(status="closed").count() > 150
    assert Case.objects.filter(title__contains="供暖").exists() or Case.objects.filter(title__contains="养老").exists()
    assert all(Case.objects.filter(search_vector__isnull=True).count() == 0 for _ in BULK_SHAPES[:1])
    report = audit.verify_chain()
    assert report.ok, report.reason
