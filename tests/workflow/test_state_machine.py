"""The workflow proven as a whole (issue 13 item 2): a Hypothesis state machine drives random sequences of
actions by random actors through the real services on the database, and checks after every step that no
case can get stuck, that states, buttons and services agree, and that the audit trail and the numbers add up.

Moves of the machine:
- a new case (a member's own draft, or staff entering one on a member's behalf, with 0–2 co-signers);
- ``offered``: one of the actions ``workflow.available_actions()`` offers someone on a case, with valid data
  built from the action's fields — it must succeed (no button that answers 409 or 400);
- ``anything``: any action of the table by anyone (the system included) on any of a case's assignments —
  it succeeds exactly when it was offered; a refusal changes nothing and leaves one ``refused`` event;
- the clock moves on (past return windows, views periods, due dates, rating windows);
- the scheduled commands run: ``deem_signed`` and ``send_reminders``.

After every step (``@invariant``), for every case:
- liveness: from the case's state and its live assignments' states, a search over the table's moves (and
  the declared automatic moves) reaches ``closed`` or an end state. Staff's corrective 改派 (replacing a
  unit) is left out of the search: a case that only a replacement could rescue counts as stuck;
- consistency: no automatic move is left to apply, and the case state agrees with its assignments;
- numbers unique and consecutive per session and kind, and each sequence's counter at its last number.

What keeps it cheap (CI: 200 sequences per database within 5 minutes) without checking less: the people
and units are made once per test below every sequence's savepoint (the rollback of a sequence keeps them);
liveness is searched once per abstract state (``can_finish`` is cached); which users may open a case is
one query; audit events are read by sequence number since the last check (every step that writes checks
its events, so a stray event fails the next check); snapshots read each table once for all cases.

Profiles (tests/conftest.py): ``ci`` (the default under pytest: 200 sequences of up to 30 steps,
derandomized) and ``long`` (``--hypothesis-profile=long``). ``WORKFLOW_FIGURES=path`` writes the run's
figures (sequences, steps, distinct states) as JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import time
from collections import Counter
from functools import cache
from io import StringIO
from typing import NamedTuple

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Prefetch
from hypothesis import Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from audit.models import AuditEvent
from core import clock
from members.models import Role
from proposals import services, settings_registry, workdays
from proposals.access import visible_cases
from proposals.errors import WorkflowError
from proposals.models import (
    Assignment,
    AssignmentRole,
    AssignmentStatus,
    Attachment,
    Case,
    CoHandlerView,
    ContactRecord,
    Extension,
    FollowUp,
    KeyProposal,
    NumberSequence,
    Proposer,
    Rating,
    Reply,
    Status,
)
from proposals.services.runner import _validate_structure
from proposals.workflow import (
    ACTIONS,
    AUTO_MOVES,
    IN_HANDLING,
    MERGE_HOST_STATES,
    REPLYING_ROLES,
    STAFF,
    automatic_move,
    available_actions,
    check,
    live_assignments,
    relations,
)
from tests.factories import UserFactory, World, make_member, make_unit, upload

S, A = Status, AssignmentStatus
END_STATES = frozenset({S.CLOSED, S.WITHDRAWN, S.REJECTED, S.MERGED})
MAX_CASES = 3
STARTS = (dt.date(2025, 3, 3), dt.date(2025, 1, 9), dt.date(2025, 9, 26))  # regular, plenary, before 国庆

# Figures of the run (all examples of one pytest process).
FIGURES: dict = {
    "sequences": 0,
    "steps": 0,
    "case_states": set(),
    "assignment_states": set(),
    "actions": Counter(),
    "rules": Counter(),
}


# --- Liveness over the abstract workflow ---------------------------------------------------------------


class AbsAssignment(NamedTuple):
    role: str
    status: str


def _settle(status: str, live: tuple[AbsAssignment, ...]) -> tuple[str, tuple[AbsAssignment, ...]]:
    for _ in range(len(AUTO_MOVES) + 1):
        move = next((m for m in AUTO_MOVES if status in m.states and m.when(list(live))), None)
        if move is None:
            break
        status = move.to_state
    return status, tuple(sorted(live))


def _abstract_moves(status: str, live: tuple[AbsAssignment, ...]):
    """Every (status, live assignments) one move of the table leads to. The handlers' own effects that the
    table cannot say (交办 creates assignments, 增派 adds one, 重新办理 reopens accepted replies) are modelled
    by hand; 改派 replacing a unit is left out on purpose (see the module docstring)."""
    for action in ACTIONS.values():
        if status not in action.states:
            continue
        if action.name == "assign":
            yield _settle(S.ASSIGNED, (AbsAssignment(AssignmentRole.LEAD, A.PENDING),))
        elif action.name == "reassign":
            if len(live) < 4:
                for role in AssignmentRole.values:
                    if _validate_structure([a.role for a in live] + [role]) is None:
                        yield _settle(status, live + (AbsAssignment(role, A.PENDING),))
        elif action.name == "rehandle":
            reopen = [i for i, a in enumerate(live) if a.role in REPLYING_ROLES and a.status == A.ACCEPTED]
            if reopen:
                new = list(live)
                new[reopen[0]] = AbsAssignment(new[reopen[0]].role, A.SIGNED)
                yield _settle(S.REHANDLING, tuple(new))
        elif action.on_assignment:
            if action.assignment_to is None:
                continue
            for i, a in enumerate(live):
                if a.role in action.assignment_roles and a.status in action.assignment_states:
                    new = list(live)
                    if action.assignment_to == A.WITHDRAWN_FROM_UNIT:
                        del new[i]
                    else:
                        new[i] = AbsAssignment(a.role, action.assignment_to)
                    yield _settle(action.to_state or status, tuple(new))
        elif action.to_state:
            yield _settle(action.to_state, live)


@cache
def can_finish(status: str, live: tuple[AbsAssignment, ...]) -> bool:
    """Whether the table's moves lead from here to ``closed`` or an end state (breadth-first search)."""
    seen = {(status, live)}
    frontier = [(status, live)]
    while frontier:
        nxt = []
        for state in frontier:
            if state[0] in END_STATES:
                return True
            for target in _abstract_moves(*state):
                if target not in seen:
                    seen.add(target)
                    nxt.append(target)
        frontier = nxt
    return False


def abstract_state(case: Case) -> tuple[str, tuple[AbsAssignment, ...]]:
    return case.status, tuple(sorted(AbsAssignment(a.role, a.status) for a in live_assignments(case)))


# --- What a case is made of, to see that a refusal changed nothing -----------------------------------------

RELATED = (
    Assignment,
    Proposer,
    Rating,
    Reply,
    Extension,
    ContactRecord,
    CoHandlerView,
    FollowUp,
    KeyProposal,
    Attachment,
)


def snapshot(*case_ids: int) -> dict:
    """Every row of the cases and of what they are made of (one query per table, however many cases)."""
    shot = {"case": list(Case.objects.filter(pk__in=case_ids).order_by("pk").values())}
    for model in RELATED:
        shot[model.__name__] = list(model.objects.filter(case_id__in=case_ids).order_by("pk").values())
    shot["numbers"] = list(NumberSequence.objects.order_by("pk").values())
    return shot


# --- The machine -------------------------------------------------------------------------------------------


def with_people(cases):
    """What available_actions() reads of a case, in three queries (it would take four on its own)."""
    return cases.prefetch_related(
        Prefetch("proposers", Proposer.objects.select_related("user")),
        Prefetch("assignments", Assignment.objects.select_related("unit")),
    )


def weight(action) -> int:
    """How often an offered action is drawn: moves of a case or an assignment (and the replies and ratings
    that lead to them) far more often than notes and settings, so 30 steps get a case through handling."""
    if action.to_state or action.assignment_to or action.name in ("rate", "reassign", "assign"):
        return 8
    if action.name in ("set_public", "recommend_key", "designate_key", "log_supervision", "recommend"):
        return 1
    return 2


STARTED = time.monotonic()


def figures() -> dict:
    return {
        "sequences": FIGURES["sequences"],
        "steps": FIGURES["steps"],
        "distinct_case_states": len(FIGURES["case_states"]),
        "distinct_assignment_states": len(FIGURES["assignment_states"]),
        "actions": dict(FIGURES["actions"]),
        "seconds": round(time.monotonic() - STARTED, 1),
    }


def write_figures(path: str) -> None:
    with open(path, "w") as out:
        json.dump({**figures(), "case_states": sorted(FIGURES["case_states"])}, out, ensure_ascii=False, indent=1)


class Cast(NamedTuple):
    world: World
    member3: object
    staff2: object
    unit4: object
    units: list
    users: dict
    visible: dict


_CAST: list[Cast] = []


def make_people() -> Cast:
    """Everyone the sequences act as, made once before the first sequence: each sequence runs in a
    savepoint above them, whose rollback leaves them as they were."""
    _CAST.clear()
    w = World()
    member3 = make_member(w.term, username="m4", name="赵委员")
    staff2 = UserFactory(username="s2", name="提案委小陈", roles=[Role.STAFF])
    unit4, unit4_user = make_unit("区卫健局")
    users = {**w.users(), "member3": member3, "staff2": staff2, "unit4": unit4_user}
    users.pop("outsider")
    _CAST.append(Cast(w, member3, staff2, unit4, [w.unit, w.unit2, w.unit3, unit4], users, {}))
    return _CAST[0]


class WorkflowMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._stack = contextlib.ExitStack()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        settings_registry.invalidate()
        workdays.invalidate()
        self.cases: list[int] = []
        FIGURES["sequences"] += 1

    @initialize(start=st.sampled_from(STARTS))
    def build_world(self, start):
        self.today = start
        self._stack.enter_context(clock.frozen(start))
        # The people and units are the same in every sequence and no action changes them: they are made once
        # per test (``make_people()``, below every sequence's savepoint) instead of once a sequence.
        cast = _CAST[0]
        self.w, self.member3, self.staff2, self.unit4 = cast.world, cast.member3, cast.staff2, cast.unit4
        self.units, self.users = cast.units, cast.users
        self.seen = AuditEvent.objects.aggregate(last=Max("seq"))["last"] or 0

    def teardown(self):
        if os.environ.get("WORKFLOW_FIGURES"):
            write_figures(
                os.environ["WORKFLOW_FIGURES"]
            )  # after every sequence, so a long run stopped early still tells
        self._stack.close()
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- helpers ---
    def case(self, index: int) -> Case:
        return Case.objects.get(pk=self.cases[index % len(self.cases)])

    def new_events(self) -> list[tuple[str, str]]:
        """(action, outcome) of the events written since the last call: every step that writes checks them
        all, so an event no step accounts for fails the next check (and no step needs a count first)."""
        rows = list(
            AuditEvent.objects.filter(seq__gt=self.seen).order_by("seq").values_list("seq", "action", "outcome")
        )
        if rows:
            self.seen = rows[-1][0]
        return [(action, outcome) for _, action, outcome in rows]

    def offered_to_all(self, case_id: int) -> tuple[Case, list[tuple[str, object, object]]]:
        """The case as it is now, and (user key, user, Available) for every user and every action offered on it."""
        fresh = with_people(Case.objects).get(pk=case_id)
        offered = {}
        for key, user in self.users.items():
            if not relations(user, fresh):
                continue  # no relation to the case, no action can be offered (the table names relations only)
            if items := available_actions(user, fresh):
                offered[key] = items
        # Whether each user offered something may open the case: visible_cases() of each, in one query.
        seen = self.visible_to(case_id, offered)
        return fresh, [(key, self.users[key], item) for key, items in offered.items() if seen[key] for item in items]

    def visible_to(self, case_id: int, keys) -> dict[str, bool]:
        if not keys:
            return {}
        checks = {f"v_{key}": Exists(self.visible(key).filter(pk=OuterRef("pk"))) for key in keys}
        row = Case.objects.filter(pk=case_id).values(**checks).get()
        return {key: row[f"v_{key}"] for key in keys}

    def visible(self, key: str):
        """visible_cases() of a user, built once per test: the queryset is lazy (each use reads the database
        anew) and depends only on the user's roles and units, which no action changes."""
        cache = _CAST[0].visible
        if key not in cache:
            cache[key] = visible_cases(self.users[key])
        return cache[key]

    def build_data(self, action, case: Case, user, assignment: Assignment | None, data) -> dict | None:
        """Valid data for ``action`` by ``user`` (None: no valid data exists)."""
        w, today = self.w, clock.today()
        name = action.name
        rel = relations(user, case) if user else frozenset()
        out: dict = {}
        for spec in action.fields:
            if not spec.required:
                continue
            if spec.type in ("text", "string"):
                out[spec.name] = f"测试{spec.label}"[: spec.max_length or 50]
            elif spec.type == "choice":
                out[spec.name] = data.draw(st.sampled_from([c for c, _ in spec.choices]), label=f"{name}.{spec.name}")
            elif spec.type == "date":
                out[spec.name] = today.isoformat()
        if name in ("cosign", "decline_cosign"):
            own = case.proposers.filter(user=user, role=Proposer.Role.COSIGNER).first() if user else None
            if own is not None and STAFF not in rel:
                return out
            pending = case.proposers.filter(role=Proposer.Role.COSIGNER, confirmation=Proposer.Confirmation.PENDING)
            row = data.draw(st.sampled_from(list(pending)), label="cosigner") if pending.exists() else None
            if row is None:
                return None
            out |= {"proposer": row.user_id, "scan": upload(case, user, Attachment.Purpose.COSIGN_SCAN).pk}
        elif name == "edit_for_review":
            self.edits = getattr(self, "edits", 0) + 1
            out["title"] = f"{case.title.split('（审查修改')[0][:80]}（审查修改{self.edits}）"
        elif name == "reject":
            out["ground"] = w.ground.pk
        elif name == "merge":
            hosts = Case.objects.filter(kind=case.kind, status__in=MERGE_HOST_STATES).exclude(pk=case.pk)
            if not hosts.exists():
                return None
            out["host"] = data.draw(st.sampled_from(list(hosts.values_list("pk", flat=True))), label="host")
        elif name == "assign":
            shape = data.draw(
                st.sampled_from(["single", "lead_co", "lead_co2", "separate2", "separate3"]), label="shape"
            )
            units = data.draw(st.permutations(self.units), label="units")
            roles = {
                "single": ["lead"],
                "lead_co": ["lead", "co"],
                "lead_co2": ["lead", "co", "co"],
                "separate2": ["separate"] * 2,
                "separate3": ["separate"] * 3,
            }[shape]
            out["units"] = [{"unit": u.pk, "role": r} for u, r in zip(units, roles)]
        elif name == "reassign":
            live = live_assignments(case)
            free = [u for u in self.units if u.pk not in {a.unit_id for a in live}]
            options = []
            for old in [None, *live]:
                kept = [a.role for a in live if old is None or a.pk != old.pk]
                for role in AssignmentRole.values:
                    if _validate_structure(kept + [role]) is None:
                        options.append((old, role))
            if not free or not options:
                return None
            old, role = data.draw(st.sampled_from(options), label="reassign")
            out |= {"unit": data.draw(st.sampled_from(free), label="unit").pk, "role": role}
            if old is not None:
                out["replace"] = old.pk
        elif name == "request_return":
            out["suggested_unit"] = next(u.pk for u in self.units if u.pk != assignment.unit_id)
        elif name == "request_extension":
            limit = workdays.add_months(
                clock.local_date(assignment.assigned_at), settings_registry.get("extension_max_months")
            )
            current = assignment.step_due
            if limit <= current:
                return None
            out["due"] = min(limit, current + dt.timedelta(days=30)).isoformat()
        elif name == "reply":
            if settings_registry.needs_class(case.kind):
                out["reply_class"] = data.draw(st.sampled_from("ABC"), label="class")
            if settings_registry.needs_letter_file(case.kind):
                out["letter_file"] = upload(case, user, Attachment.Purpose.REPLY_LETTER).pk
        elif name == "rate":
            ratings = st.sampled_from(["satisfied", "basic", "unsatisfied"])
            out["reply_rating"] = data.draw(ratings, label="reply_rating")
            out["contact_rating"] = data.draw(ratings, label="contact_rating")
            mine = next((p for p in case.proposers.all() if p.user_id == getattr(user, "pk", None) and p.counts), None)
            if mine is not None and STAFF not in rel:
                return out
            rated = set(assignment.ratings.filter(round=case.round).values_list("proposer_id", flat=True))
            owing = [p for p in case.proposers.all() if p.counts and p.pk not in rated]
            if not owing:
                return None
            row = data.draw(st.sampled_from(owing), label="rater")
            out |= {"proposer": row.user_id, "form_scan": upload(case, user, Attachment.Purpose.RATING_FORM).pk}
        elif name == "recommend_key":
            out["leaders"] = [w.leader.pk]
        elif name == "set_public":
            out["public"] = data.draw(st.booleans(), label="public")
            out["reason"] = "涉及个人信息"
        elif name == "follow_up":
            out["done"] = data.draw(st.booleans(), label="done")
        return out

    def perform(self, action_name, user, case: Case, data_: dict, assignment: Assignment | None):
        return services.perform(action_name, user, case.pk, data_, assignment_id=assignment.pk if assignment else None)

    def expect_success(self, action_name, user, case, data_, assignment, why: str):
        try:
            self.perform(action_name, user, case, data_, assignment)
        except WorkflowError as error:
            raise AssertionError(
                f"{why}: {action_name} by {getattr(user, 'username', 'system')} on case {case.pk} ({case.status}"
                f"{', ' + assignment.role + '/' + assignment.status if assignment else ''}) refused: "
                f"{error.code} {error.message} data={data_}"
            ) from None
        new = self.new_events()
        assert new == [(action_name, AuditEvent.Outcome.SUCCESS)], (action_name, new)
        FIGURES["actions"][action_name] += 1

    # --- rules ---
    @precondition(lambda self: len(self.cases) < MAX_CASES)
    @rule(data=st.data())
    def new_case(self, data):
        w = self.w
        cosigners = data.draw(st.lists(st.sampled_from([w.member2.pk, self.member3.pk]), unique=True, max_size=2))
        by = data.draw(st.sampled_from(["member", "staff", "staff2"]), label="drafted_by")
        fields = {
            "title": f"关于第{len(self.cases) + 1}件事项的提案",
            "facts": "情况分析。",
            "suggestions": "办法建议。",
            "category": w.category.pk,
            "cosigners": cosigners,
        }
        if by == "member":
            case = services.create_draft(w.member, **fields)
        else:
            case = services.create_draft(self.users[by], on_behalf_of=w.member.pk, **fields)
        assert self.new_events() == [("create", AuditEvent.Outcome.SUCCESS)]
        self.cases.append(case.pk)
        # Half the cases start further on (through the same services), so 30 steps reach the handling stages.
        stages = ["draft", "submitted", "filed", "assigned", "handling", "replied"]
        stage = stages.index(data.draw(st.sampled_from(stages), label="stage"))
        if stage == 0:
            return
        for row in case.proposers.filter(role=Proposer.Role.COSIGNER):
            self.expect_success("cosign", row.user, case, {}, None, "fast-forward")
        self.expect_success("submit", w.member, case, {}, None, "fast-forward")
        if stage >= 2:
            self.expect_success("file", w.reviewer, case, {}, None, "fast-forward")
        if stage >= 3:
            units = self.build_data(ACTIONS["assign"], case, w.staff, None, data)
            self.expect_success("assign", w.staff, case, units, None, "fast-forward")
        if stage >= 4:
            for a in Assignment.objects.filter(case=case).select_related("unit"):
                contact = a.unit.contacts.first()
                self.expect_success("sign", contact, case, {}, a, "fast-forward")
        if stage >= 5:  # every replying unit replies and staff accept: ratings, 不满意 and re-handling come next
            for a in Assignment.objects.filter(case=case, role__in=REPLYING_ROLES).select_related("unit"):
                contact = a.unit.contacts.first()
                reply = self.build_data(ACTIONS["reply"], case, contact, a, data)
                self.expect_success("reply", contact, case, reply, a, "fast-forward")
                self.expect_success("accept_reply", w.staff, case, {}, a, "fast-forward")

    def offered(self, data):
        FIGURES["rules"]["offered"] += 1
        index = data.draw(st.integers(0, MAX_CASES - 1), label="case")
        # The case and its assignments as available_actions() just read them (nothing was written since).
        case, options = self.offered_to_all(self.cases[index % len(self.cases)])
        if not options:
            return
        # Moves that change a state are drawn more often than notes and settings, so sequences get far.
        weighted = [o for o in options for _ in range(weight(o[2].action))]
        key, user, item = data.draw(st.sampled_from(weighted), label="offered")
        fresh, assignment = case, item.assignment
        data_ = self.build_data(item.action, fresh, user, assignment, data)
        assert data_ is not None, (
            f"{item.action.name} offered to {key} on case {case.pk} ({case.status}) but no valid data exists"
        )
        self.expect_success(item.action.name, user, fresh, data_, assignment, f"offered to {key}")

    # Hypothesis draws rules uniformly; one rule draws which kind of move comes next, offered actions most often.
    @precondition(lambda self: self.cases)
    @rule(data=st.data())
    def move(self, data):
        kind = data.draw(
            st.sampled_from(["offered"] * 6 + ["anything"] * 2 + ["clock", "deem", "reminders"]), label="move"
        )
        if kind == "offered":
            self.offered(data)
        elif kind == "anything":
            self.anything(data)
        elif kind == "clock":
            self.clock_moves_on(data.draw(st.sampled_from([1, 3, 8, 20, 40, 100]), label="days"))
        elif kind == "deem":
            self.deem_signed_runs()
        else:
            self.reminders_run()

    def anything(self, data):
        case = self.case(data.draw(st.integers(0, MAX_CASES - 1), label="case"))
        key = data.draw(st.sampled_from([*self.users, "system"]), label="actor")
        user = self.users.get(key)
        action = ACTIONS[data.draw(st.sampled_from(sorted(ACTIONS)), label="action")]
        assignment = None
        if action.on_assignment:
            choices = list(case.assignments.order_by("pk"))
            assignment = data.draw(st.sampled_from(choices), label="assignment") if choices else None
        if user is None:
            try:
                check(action, None, case, assignment)
                was_offered = True
            except WorkflowError:
                was_offered = False
        else:
            was_offered = self.visible(key).filter(pk=case.pk).exists() and any(
                a.action.name == action.name
                and (a.assignment.pk if a.assignment else None) == (assignment.pk if assignment else None)
                for a in available_actions(user, with_people(Case.objects).get(pk=case.pk))
            )
        data_ = self.build_data(action, case, user, assignment, data) if was_offered else None
        if was_offered:
            assert data_ is not None, f"{action.name} offered to {key} on case {case.pk} but no valid data exists"
            self.expect_success(action.name, user, case, data_, assignment, f"offered to {key}")
            return
        before_shot = snapshot(case.pk)
        try:
            self.perform(action.name, user, case, {}, assignment)
        except WorkflowError:
            pass
        else:
            raise AssertionError(
                f"{action.name} by {key} on case {case.pk} ({case.status}) succeeded but was not offered"
            )
        assert snapshot(case.pk) == before_shot, f"refused {action.name} changed the case"
        new = self.new_events()
        assert new == [(action.name, AuditEvent.Outcome.REFUSED)], new

    def clock_moves_on(self, days: int):
        self.today += dt.timedelta(days=days)
        self._stack.enter_context(clock.frozen(self.today))

    def deem_signed_runs(self):
        due = Assignment.objects.filter(
            status=A.PENDING, return_deadline__lt=clock.today(), case__status__in=IN_HANDLING
        ).count()
        call_command("deem_signed", stdout=StringIO())
        new = self.new_events()
        assert new == [("deem_signed", AuditEvent.Outcome.SUCCESS)] * due, new
        FIGURES["actions"]["deem_signed"] += due

    def reminders_run(self):
        shots = snapshot(*self.cases)
        call_command("send_reminders", stdout=StringIO())
        assert snapshot(*self.cases) == shots
        assert self.new_events() == []

    # --- invariants ---
    @invariant()
    def every_case_can_finish_and_agrees_with_its_assignments(self):
        if not hasattr(self, "w"):
            return
        FIGURES["steps"] += 1
        # Only the fields the checks read (a Case row is wide; this runs after every step).
        assignments = Prefetch("assignments", Assignment.objects.only("id", "case_id", "role", "status", "round"))
        for case in Case.objects.filter(pk__in=self.cases).only("id", "status", "round").prefetch_related(assignments):
            state = abstract_state(case)
            FIGURES["case_states"].add(str(state))
            for a in case.assignments.all():
                FIGURES["assignment_states"].add(f"{a.role}:{a.status}")
            assert case.status in END_STATES or can_finish(*state), f"case {case.pk} is stuck in {state}"
            assert automatic_move(case) is None, f"case {case.pk} {state}: {automatic_move(case)} not applied"
            live = live_assignments(case)
            if case.status in (S.DRAFT, S.SUBMITTED, S.RETURNED, S.FILED, S.WITHDRAWN, S.REJECTED):
                assert not case.assignments.exists(), f"case {case.pk} in {case.status} has assignments"
            if case.status in (S.REPLIED, S.CLOSED):
                replying = [a for a in live if a.role in REPLYING_ROLES]
                assert replying and all(a.status == A.ACCEPTED for a in replying), f"case {case.pk} {state}"
            assert all(a.round <= case.round for a in case.assignments.all())

    @invariant()
    def numbers_are_unique_and_consecutive(self):
        if not hasattr(self, "w"):
            return
        # Two queries whatever the number of sequences: every numbered case, and every counter.
        numbered: dict[tuple[int, str], list[int]] = {}
        for session, kind, number in Case.objects.filter(number__isnull=False).values_list("session", "kind", "number"):
            numbered.setdefault((session, kind), []).append(number)
        counters = {(seq.session_id, seq.kind): seq.last for seq in NumberSequence.objects.all()}
        for key in counters.keys() | numbered.keys():
            numbers, last = sorted(numbered.get(key, [])), counters.get(key, 0)
            assert numbers == list(range(1, last + 1)), (*key, numbers, last)


@pytest.mark.slow
def test_random_sequences_of_actions_keep_every_case_live_consistent_and_accounted(db):
    started = time.monotonic()
    profile = settings.get_current_profile_name()
    chosen = settings.get_profile(profile if profile == "long" else os.environ.get("WORKFLOW_PROFILE", "workflow-ci"))
    if os.environ.get("WORKFLOW_NO_SHRINK"):  # report the first failing sequence at once (shrinking is slow here)
        chosen = settings(chosen, phases=[Phase.explicit, Phase.reuse, Phase.generate])
    make_people()
    try:
        run_state_machine_as_test(WorkflowMachine, settings=chosen)
    finally:
        _CAST.clear()
    found = {
        "profile": profile if profile == "long" else "workflow-ci",
        **figures(),
        "test_seconds": round(time.monotonic() - started, 1),
    }
    print(json.dumps(found, ensure_ascii=False, indent=1))
    if os.environ.get("WORKFLOW_FIGURES"):
        write_figures(os.environ["WORKFLOW_FIGURES"])
