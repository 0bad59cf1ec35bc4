"""``seed_demo --cases N``: 1,000 to 100,000 cases for the benchmark, in minutes rather than hours.

Running every step of 100,000 cases through ``services.perform`` would take hours, so the bulk path
records and replays: it drives one *prototype* case per shape (a state and its route) through the
real services, reads back every row those services wrote (case, proposers, assignments, replies,
ratings, contact records, audit events), and writes N copies with ``bulk_create`` in batches —
each copy with its own proposers, unit, staff, texts, number and a whole-week time shift. Rows are
therefore the services' rows by construction; tests/perf/test_bulk_seed.py compares them field by
field. The audit events of all copies are put in time order and hash-chained in Python with
``audit.trail.compute_hash``, continuing the existing chain, so ``verify_chain()`` holds.

A time shift moves every date and time of a copy by the same number of weeks, deadlines included
(the weekday is kept; holidays are not looked up again for the shifted dates).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import connection, transaction

from audit import trail as audit
from audit.models import AuditEvent
from core import clock
from demo import names as N
from demo.seeder import TERM_NUMBER, Seeder, history_is_silent
from members.models import Membership, Role, Session, Term, Unit, User
from proposals import services, settings_registry, workdays
from proposals.models import (
    Assignment,
    Attachment,
    Case,
    Category,
    ContactRecord,
    Kind,
    NumberSequence,
    Proposer,
    Rating,
    RejectionGround,
    Reply,
)
from proposals.search import vector_of

BATCH = 2000
# Words people search for most: every title carries one, bodies carry more.
COMMON_WORDS = [
    "供暖",
    "养老",
    "教育",
    "医疗",
    "交通",
    "就业",
    "住房",
    "环保",
    "农业",
    "文化",
    "安全",
    "停车",
    "社区",
    "饮水",
    "物业",
    "旅游",
    "托育",
    "电商",
    "垃圾",
    "道路",
]
# Share of cases per final state, like a record of many years: most are closed, every open state has a slice.
SHAPES: list[tuple[str, float]] = [
    ("closed", 0.70),
    ("closed_suggestion", 0.08),
    ("withdrawn", 0.02),
    ("rejected", 0.03),
    ("draft", 0.01),
    ("submitted", 0.02),
    ("returned", 0.01),
    ("filed", 0.02),
    ("assigned", 0.02),
    ("handling", 0.05),
    ("replied", 0.02),
    ("rehandling", 0.02),
]
CLOSED_SHAPES = {"closed", "closed_suggestion", "withdrawn", "rejected"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass
class Actors:
    """Who plays the parts of one case; the prototype's actors are replaced by a copy's."""

    initiator: User
    cosigner: User
    staff: User
    reviewer: User
    unit: Unit
    contact: User


@dataclass
class Prototype:
    shape: str
    actors: Actors
    case: dict
    proposers: list[dict]
    assignments: list[dict]
    replies: list[dict]
    ratings: list[dict]
    contacts: list[dict]
    events: list[dict]
    last_at: dt.datetime = field(default=None)  # type: ignore[assignment]


def _row(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


class Stepper:
    """The frozen moments of a prototype's steps: one working day apart, mid-morning."""

    def __init__(self, start: dt.date):
        self.day = start
        self.n = 0

    def next(self) -> dt.datetime:
        self.day = workdays.next_workday(self.day + dt.timedelta(days=1 if self.n else 0))
        self.n += 1
        return dt.datetime.combine(self.day, dt.time(10, 0), tzinfo=clock.LOCAL)


def drive(shape: str, a: Actors, start: dt.date, **texts) -> Case:
    """Run one case of ``shape`` through the services, each step at its own frozen moment."""
    case = _drive(shape, a, start, **texts)
    return Case.objects.get(pk=case.pk)


def _letter(case: Case, user) -> Attachment:
    """The stamped reply letter uploaded with the reply (required for proposals by default)."""
    attachment = Attachment(
        case=case,
        purpose=Attachment.Purpose.REPLY_LETTER,
        original_name="答复函.pdf",
        content_type="application/pdf",
        size=len(_PDF),
        uploaded_by=user,
        uploaded_at=clock.now(),
    )
    attachment.file.save("答复函.pdf", ContentFile(_PDF), save=False)
    attachment.save()
    return attachment


_PDF = b"%PDF-1.4\n%demo reply letter\n"


def _drive(
    shape: str, a: Actors, start: dt.date, *, title: str, facts: str, suggestions: str, category: Category
) -> Case:
    step = Stepper(start)

    def at(fn: Callable[[], Any]):
        with clock.frozen(step.next()):
            return fn()

    def act(action: str, user, data: dict | None = None, assignment: Assignment | None = None):
        return at(
            lambda: services.perform(
                action, user, case.pk, data or {}, assignment_id=assignment.pk if assignment else None
            )
        )

    case = at(
        lambda: services.create_draft(
            a.initiator,
            title=title,
            facts=facts,
            suggestions=suggestions,
            category=category.pk,
            cosigners=[a.cosigner.pk],
        )
    )
    if shape == "draft":
        return case
    act("cosign", a.cosigner)
    act("submit", a.initiator)
    if shape == "submitted":
        return case
    if shape == "withdrawn":
        return act("withdraw", a.initiator, {"reason": "经与相关部门沟通，问题已在解决中，申请撤案。"})
    if shape == "returned":
        return act("return_for_revision", a.staff, {"reason": "建议部分不够具体，请补充可操作的办法后再提交。"})
    if shape == "rejected":
        ground = RejectionGround.objects.filter(active=True).order_by("id").first()
        return act(
            "reject",
            a.reviewer,
            {"ground": ground.pk, "message": "经审查，该件不符合立案条件，不予立案，感谢您的关心。"},
        )
    if shape == "closed_suggestion":
        act(
            "convert_to_suggestion",
            a.reviewer,
            {"reason": "所提问题较为具体，转为建议交有关单位办理。", "consent": "提案人电话确认同意转为建议"},
        )
    else:
        act("file", a.reviewer)
    if shape == "filed":
        return case
    act("assign", a.staff, {"units": [{"unit": a.unit.pk, "role": "lead"}]})
    lead = Assignment.objects.get(case=case, unit=a.unit)
    if shape == "assigned":
        return case
    act("sign", a.contact, assignment=lead)
    act(
        "log_contact",
        a.contact,
        {
            "way": "phone",
            "point": "handling",
            "date": step.day.isoformat(),
            "people": "承办单位经办人、提案人",
            "summary": "接案后与提案人沟通，了解提案背景和具体诉求，商定办理思路。",
        },
        lead,
    )
    if shape == "handling":
        return case
    needs_class = shape != "closed_suggestion"
    act(
        "reply",
        a.contact,
        {
            "reply_class": "A" if needs_class else "",
            "signer": "王局长",
            "contact_person": "李科长",
            "contact_phone": "0917-6212345",
            "letter": "您提出的提案收悉。我单位高度重视，经认真研究，现答复如下：已将相关事项落实到位。",
            "letter_file": _letter(case, a.contact).pk,
        },
        lead,
    )
    act("accept_reply", a.staff, assignment=lead)
    if shape == "replied":
        return case
    if shape == "rehandling":
        act("rate", a.initiator, {"reply_rating": "unsatisfied", "contact_rating": "basic"}, lead)
        act("rate", a.cosigner, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, lead)
        return act("rehandle", a.staff, {"reason": "提案人对答复不满意，请承办单位重新办理。"})
    if settings_registry.needs_rating(Case.objects.get(pk=case.pk).kind):
        act("rate", a.initiator, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, lead)
        act("rate", a.cosigner, {"reply_rating": "satisfied", "contact_rating": "basic"}, lead)
    return act("close", a.staff)


def capture(shape: str, actors: Actors, case_id: int) -> Prototype:
    """Every row the services wrote for one case, as plain dicts."""
    events = [_row(e) for e in AuditEvent.objects.filter(case_id=case_id).order_by("seq")]
    return Prototype(
        shape=shape,
        actors=actors,
        case=_row(Case.objects.get(pk=case_id)),
        proposers=[_row(r) for r in Proposer.objects.filter(case_id=case_id).order_by("id")],
        assignments=[_row(r) for r in Assignment.objects.filter(case_id=case_id).order_by("id")],
        replies=[_row(r) for r in Reply.objects.filter(case_id=case_id).order_by("id")],
        ratings=[_row(r) for r in Rating.objects.filter(case_id=case_id).order_by("id")],
        contacts=[_row(r) for r in ContactRecord.objects.filter(case_id=case_id).order_by("id")],
        events=events,
        last_at=events[-1]["at"],
    )


@dataclass
class Copy:
    """What changes from the prototype to one copy."""

    actors: Actors
    weeks: int
    title: str
    facts: str
    suggestions: str
    category_id: int


class Replayer:
    """Writes copies of prototypes with bulk_create; ``flush()`` inserts what is pending."""

    def __init__(self, sessions: list[Session]):
        self.sessions = sorted(sessions, key=lambda s: s.opens)
        self.session_name = {s.pk: s.name for s in sessions}
        self.usernames: dict[int, str] = {}
        self.seq: int | None = None
        self.prev_hash = audit.GENESIS
        self.events_written = 0
        self.next_number: dict[tuple[int, str], int] = {}
        self.membership: dict[int, Membership] = {}
        self.pending: list[tuple[Prototype, Copy]] = []

    # --- Mapping one prototype row onto a copy -------------------------------------------------------

    def _session_for(self, filed: dt.datetime) -> Session:
        day = clock.local_date(filed)
        before = [s for s in self.sessions if s.opens <= day]
        return before[-1] if before else self.sessions[0]

    def _number(self, session: Session, kind: str) -> int:
        key = (session.pk, kind)
        if key not in self.next_number:
            last = NumberSequence.objects.filter(session=session, kind=kind).values_list("last", flat=True).first() or 0
            self.next_number[key] = last
        self.next_number[key] += 1
        return self.next_number[key]

    def _snapshot(self, user_id: int) -> Membership | None:
        if user_id not in self.membership:
            self.membership[user_id] = Membership.objects.filter(user_id=user_id, active=True).order_by("-id").first()
        return self.membership[user_id]

    def flush(self) -> int:
        """Insert the pending copies (cases, then their rows); their audit events wait for ``finish``."""
        if not self.pending:
            return 0
        batch, self.pending = self.pending, []
        plans = [self._plan(proto, copy) for proto, copy in batch]
        cases = Case.objects.bulk_create([p["case"] for p in plans], batch_size=BATCH)
        for plan, case in zip(plans, cases):
            plan["ids"]["case"][plan["proto_case_id"]] = case.pk
        self._insert(plans, "proposers", Proposer, {"case_id": "case"})
        self._insert(plans, "assignments", Assignment, {"case_id": "case"})
        self._insert(plans, "replies", Reply, {"case_id": "case", "assignment_id": "assignment"})
        self._insert(
            plans, "ratings", Rating, {"case_id": "case", "assignment_id": "assignment", "proposer_id": "proposer"}
        )
        self._insert(plans, "contacts", ContactRecord, {"case_id": "case", "assignment_id": "assignment"})
        self._chain([event for plan in plans for event in self._events(plan)])
        return len(plans)

    def _chain(self, events: list[AuditEvent]) -> None:
        """Append to the audit chain in seq order (time order within the batch), hashes computed here."""
        if self.seq is None:
            audit._lock_chain()  # held to the end of the caller's transaction
            last = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
            self.seq, self.prev_hash = (last["seq"], last["hash"]) if last else (0, audit.GENESIS)
        for event in sorted(events, key=lambda e: e.at):
            self.seq += 1
            event.seq, event.prev_hash = self.seq, self.prev_hash
            self.prev_hash = audit.seal(event).hash
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)
        self.events_written += len(events)

    def _plan(self, proto: Prototype, copy: Copy) -> dict:
        pa, ca = proto.actors, copy.actors
        users = {
            pa.initiator.pk: ca.initiator.pk,
            pa.cosigner.pk: ca.cosigner.pk,
            pa.staff.pk: ca.staff.pk,
            pa.reviewer.pk: ca.reviewer.pk,
            pa.contact.pk: ca.contact.pk,
        }
        delta = dt.timedelta(weeks=copy.weeks)
        strings = {
            pa.initiator.display_name: ca.initiator.display_name,
            pa.cosigner.display_name: ca.cosigner.display_name,
            pa.unit.name: ca.unit.name,
            proto.case["title"]: copy.title,
        }
        row = dict(proto.case)
        proto_case_id = row.pop("id")
        row.update(title=copy.title, facts=copy.facts, suggestions=copy.suggestions, category_id=copy.category_id)
        row = self._shift(row, delta)
        for key in ("created_by_id", "recommended_by_id"):
            row[key] = users.get(row[key], row[key])
        if row["number"] is not None:
            session = self._session_for(row["filed_at"])
            old_session = self.session_name[proto.case["session_id"]]
            old_display = (
                f"{old_session} {'建议' if row['kind'] == Kind.SUGGESTION else ''}第{proto.case['number']:03d}号"
            )
            row["session_id"], row["number"] = session.pk, self._number(session, row["kind"])
            new_display = f"{session.name} {'建议' if row['kind'] == Kind.SUGGESTION else ''}第{row['number']:03d}号"
            strings[old_display] = new_display
            strings[old_session] = session.name
        case = Case(**row)
        case.search_vector = vector_of(case)
        return {
            "proto": proto,
            "copy": copy,
            "case": case,
            "proto_case_id": proto_case_id,
            "users": users,
            "units": {pa.unit.pk: ca.unit.pk},
            "strings": strings,
            "delta": delta,
            "number": row["number"],
            "ids": {"case": {}, "proposer": {}, "assignment": {}, "reply": {}, "rating": {}, "contactrecord": {}},
        }

    @staticmethod
    def _shift(row: dict, delta: dt.timedelta) -> dict:
        for key, value in row.items():
            if isinstance(value, (dt.datetime, dt.date)):
                row[key] = value + delta
        return row

    _ID_OF = {
        "proposers": "proposer",
        "assignments": "assignment",
        "replies": "reply",
        "ratings": "rating",
        "contacts": "contactrecord",
    }

    def _insert(self, plans: list[dict], attr: str, model, links: dict[str, str]) -> None:
        objs, keys = [], []
        for plan in plans:
            for proto_row in getattr(plan["proto"], attr):
                row = self._shift(dict(proto_row), plan["delta"])
                old_id = row.pop("id")
                for fk, kind in links.items():
                    row[fk] = plan["ids"][kind][row[fk]]
                for name, value in list(row.items()):
                    if name.endswith("_id") and name not in links:
                        if name in ("unit_id", "return_suggested_unit_id"):
                            row[name] = plan["units"].get(value, value)
                        elif value in plan["users"] and model._meta.get_field(name[:-3]).related_model is User:
                            row[name] = plan["users"][value]
                if model is Reply:
                    row["letter_file_id"] = None  # the prototype's letter file belongs to the prototype case
                if model is Proposer and not row["collective"] and row["sector_id"] is not None:
                    m = self._snapshot(row["user_id"])
                    row["sector_id"], row["committee_id"], row["group_id"] = m.sector_id, m.committee_id, m.group_id
                objs.append(model(**row))
                keys.append((plan, old_id))
        created = model.objects.bulk_create(objs, batch_size=BATCH)
        for (plan, old_id), obj in zip(keys, created):
            plan["ids"][self._ID_OF[attr]][old_id] = obj.pk

    def _data(self, value, plan: dict, key: str = ""):
        ids = plan["ids"]
        if isinstance(value, dict):
            return {k: self._data(v, plan, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._data(v, plan, key) for v in value]
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            if key == "number":
                return plan["number"]
            kind = {
                "assignment": "assignment",
                "reply": "reply",
                "rating": "rating",
                "contact": "contactrecord",
                "host": "case",
            }.get(key)
            return ids[kind].get(value, value) if kind else value
        if isinstance(value, str):
            if _ISO_DATE.match(value):
                return (dt.date.fromisoformat(value) + plan["delta"]).isoformat()
            return plan["strings"].get(value, value)
        return value

    def _events(self, plan: dict) -> list[AuditEvent]:
        out = []
        for proto_row in plan["proto"].events:
            row = dict(proto_row)
            for key in ("id", "seq", "hash", "prev_hash"):
                row.pop(key)
            row["at"] = row["at"] + plan["delta"]
            row["case_id"] = plan["ids"]["case"][row["case_id"]]
            for key in ("actor_id", "on_behalf_of_id"):
                row[key] = plan["users"].get(row[key], row[key])
            if row["actor_id"] is not None:
                row["actor_label"] = self._username(row["actor_id"])
            if row["object_type"] in plan["ids"] and row["object_id"]:
                row["object_id"] = str(plan["ids"][row["object_type"]].get(int(row["object_id"]), row["object_id"]))
            row["data"] = self._data(row["data"], plan)
            out.append(AuditEvent(**row))
        return out

    def _username(self, user_id: int) -> str:
        if user_id not in self.usernames:
            self.usernames[user_id] = User.objects.get(pk=user_id).get_username()
        return self.usernames[user_id]

    def finish(self) -> int:
        """Write what is pending and bring the number sequences up to the numbers given. Call inside a transaction."""
        self.flush()
        for (session_id, kind), last_number in self.next_number.items():
            NumberSequence.objects.bulk_create(
                [NumberSequence(session_id=session_id, kind=kind)], ignore_conflicts=True
            )
            NumberSequence.objects.filter(session_id=session_id, kind=kind, last__lt=last_number).update(
                last=last_number
            )
        return self.events_written


class BulkSeeder:
    """N cases over the demo world (built first if missing), through prototypes and bulk inserts."""

    def __init__(self, cases: int, *, seed: int = 2022, demo_logins: bool = False, out=None):
        self.n = cases
        self.rng = random.Random(seed)
        self.seed = seed
        self.demo_logins = demo_logins
        self.out = out or (lambda message: None)

    def world(self) -> None:
        if Term.objects.filter(number=TERM_NUMBER).exists():
            return
        seeder = Seeder(seed=self.seed, demo_logins=self.demo_logins, out=self.out)
        with transaction.atomic(), history_is_silent():
            seeder.make_reference()
            seeder.make_people()
            seeder.make_units()
        if self.demo_logins:
            seeder.set_demo_passwords()

    def cast(self) -> None:
        term = Term.objects.get(number=TERM_NUMBER)
        self.term = term
        member_ids = Membership.objects.filter(term=term, active=True).values_list("user_id", flat=True)
        self.members = list(User.objects.filter(pk__in=member_ids).order_by("id"))
        self.staff = list(User.objects.filter(groups__name=Role.STAFF, is_active=True).order_by("id"))
        self.reviewers = list(User.objects.filter(groups__name=Role.REVIEWER, is_active=True).order_by("id"))
        self.units = [
            u for u in Unit.objects.filter(active=True).prefetch_related("contacts").order_by("id") if u.contacts.all()
        ]
        self.categories = list(Category.objects.filter(active=True).order_by("id"))
        self.sessions = list(Session.objects.filter(term=term))

    def actors(self) -> Actors:
        initiator, cosigner = self.rng.sample(self.members, 2)
        unit = self.rng.choice(self.units)
        return Actors(
            initiator,
            cosigner,
            self.rng.choice(self.staff),
            self.rng.choice(self.reviewers),
            unit,
            unit.contacts.all()[0],
        )

    def texts(self, shape: str) -> tuple[str, str, str, int]:
        """The seed's matters at their places (demo.names), each title with one of the words people search for."""
        matter = self.rng.choice(N.THEMES)
        word, other = self.rng.sample(COMMON_WORDS, 2)
        suffix = "建议" if shape == "closed_suggestion" else "提案"
        place = self.rng.choice(matter["places"])
        ctx = {"p": place, "y": 2024, "y0": 2023, **N.figures(matter, self.rng)}
        title = f"关于{self.rng.choice(matter['cores']).format(p=place)}和{word}问题的{suffix}"[:100]
        facts = N.facts(matter, self.rng, ctx) + f"\n{other}方面的问题也较突出。"
        body = N.suggestions(matter, self.rng, ctx) + f"\n同时统筹做好{word}和{other}相关工作。"
        category = next((c for c in self.categories if c.name == matter["category"]), self.categories[0])
        return title, facts, body, category.pk

    def prototypes(self) -> dict[str, Prototype]:
        protos = {}
        start = self.sessions[0].closes + dt.timedelta(days=30)
        with transaction.atomic(), history_is_silent():
            for shape, _share in SHAPES:
                actors = self.actors()
                title, facts, body, category = self.texts(shape)
                case = drive(
                    shape,
                    actors,
                    start,
                    title=title,
                    facts=facts,
                    suggestions=body,
                    category=Category.objects.get(pk=category),
                )
                protos[shape] = capture(shape, actors, case.pk)
        return protos

    def weeks_for(self, proto: Prototype) -> int:
        """A whole-week shift placing the copy in the past: closed ones anywhere in the term, open ones recent."""
        now = clock.now()
        span = (proto.last_at - proto.events[0]["at"]).days
        latest = (now - dt.timedelta(days=7) - proto.last_at).days // 7
        if proto.shape in CLOSED_SHAPES:
            return self.rng.randint(0, max(0, latest))
        earliest_recent = max(0, latest - max(8, span // 7 + 2))
        return self.rng.randint(earliest_recent, max(earliest_recent, latest))

    def run(self) -> int:
        self.world()
        self.cast()
        protos = self.prototypes()
        self.out(f"  原型案件 {len(protos)} 件（经由业务服务办理）")
        replayer = Replayer(self.sessions)
        shapes = [s for s, _ in SHAPES]
        weights = [w for _, w in SHAPES]
        remaining = max(0, self.n - len(protos))
        # Planned first and written oldest first, so ids and the audit chain run roughly in time order.
        planned = []
        for _ in range(remaining):
            proto = protos[self.rng.choices(shapes, weights)[0]]
            planned.append((self.weeks_for(proto), proto.shape))
        planned.sort()
        written = 0
        with transaction.atomic(), history_is_silent():
            for weeks, shape in planned:
                title, facts, body, category = self.texts(shape)
                replayer.pending.append((protos[shape], Copy(self.actors(), weeks, title, facts, body, category)))
                if len(replayer.pending) >= BATCH:
                    written += replayer.flush()
                    self.out(f"  已写入 {written + len(protos)} / {self.n} 件")
            events = replayer.finish()
        self.out(f"  批量写入 {remaining} 件，审计事件 {events} 条")
        return remaining + len(protos)


def analyze() -> None:
    """Fresh planner statistics after a bulk load (VACUUM cannot run in a transaction; ANALYZE can)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
