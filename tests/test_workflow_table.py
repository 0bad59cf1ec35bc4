"""Tests generated from the workflow table (proposals.workflow.ACTIONS).

Every action is tried from every scenario below (a case in a known state, with known
assignments), by every kind of user:

- the allowed actor succeeds where the table allows the case state (and assignment state), and
  leaves exactly one new success audit event;
- the allowed actor is refused everywhere else (``conflict``, or ``not_found`` where the case or
  the named assignment is out of its sight);
- every other user is refused where the action would otherwise succeed (``not_found`` when the
  case is not visible to them, ``forbidden`` when it is).

A refusal leaves the case row, its assignments and its success history unchanged and adds exactly
one ``refused`` event. The expectations are worked out here from the table's actor tokens and a
static description of each scenario, independently of workflow.relations() and visible_cases();
the fixture checks that the built cases match their description.

The scenarios are built once per module, inside an outer transaction that is rolled back at the
end; every test runs in its own savepoint on top of them, which keeps some 900 tests fast.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from audit.models import AuditEvent
from core import clock
from proposals import services
from proposals.errors import WorkflowError
from proposals.models import Assignment, Attachment, Case, KeyProposal
from proposals.workflow import (
    ACTIONS,
    COSIGNER,
    CREATOR,
    INITIATOR,
    LEADER,
    PROPOSER,
    PROXY,
    REVIEWER,
    STAFF,
    SYSTEM,
    UNIT,
    ActionDef,
)
from tests.factories import CaseBuilder, World, upload

T0 = dt.date(2026, 3, 2)  # a Monday; every scenario is built on this day
AFTER_RETURN_WINDOW = T0 + dt.timedelta(days=10)
UNITS = ("unit", "unit2", "unit3")
ACTOR_KEYS = ("member", "member2", "outsider", "staff", "reviewer", "leader", "unit", "unit2", "unit3", "system")


# --- Scenarios: what each built case looks like ------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    status: str
    assignments: dict[str, tuple[str, str]] = field(default_factory=dict)  # unit key -> (role, status)
    kind: str = "proposal"
    creator: str = "member"


SCENARIOS: dict[str, Scenario] = {
    "draft": Scenario("draft"),
    "paper_draft": Scenario("draft", creator="staff"),
    "returned": Scenario("returned"),
    "submitted": Scenario("submitted"),
    "filed": Scenario("filed"),
    "suggestion": Scenario("filed", kind="suggestion"),
    "assigned": Scenario("assigned", {"unit": ("lead", "pending"), "unit2": ("co", "pending")}),
    "assigned_partly": Scenario("assigned", {"unit": ("lead", "signed"), "unit2": ("co", "pending")}),
    "return_requested": Scenario("assigned", {"unit": ("lead", "return_requested"), "unit2": ("co", "pending")}),
    "return_approved": Scenario("assigned", {"unit": ("lead", "withdrawn_from_unit"), "unit2": ("co", "pending")}),
    "handling": Scenario("handling", {"unit": ("lead", "signed"), "unit2": ("co", "signed")}),
    "reply_sent": Scenario("handling", {"unit": ("lead", "replied"), "unit2": ("co", "views_sent")}),
    "partly_accepted": Scenario("handling", {"unit": ("separate", "accepted"), "unit2": ("separate", "signed")}),
    "replied": Scenario("replied", {"unit": ("lead", "accepted"), "unit2": ("co", "signed")}),
    "rehandling": Scenario("rehandling", {"unit": ("lead", "signed"), "unit2": ("co", "signed")}),
    "closed": Scenario("closed", {"unit": ("lead", "accepted"), "unit2": ("co", "signed")}),
    "withdrawn": Scenario("withdrawn"),
    "rejected": Scenario("rejected"),
    "merged": Scenario("merged"),
}


def _build_scenarios(w: World) -> tuple[dict[str, Case], dict[str, Case]]:
    hosts = {
        "proposal": CaseBuilder(w, cosign=False, title="关于城区供暖设施改造的提案").filed().case,
        "suggestion": CaseBuilder(w, cosign=False, title="关于城镇生活污水处理的建议").converted().case,
    }
    built: dict[str, Case] = {}
    built["draft"] = CaseBuilder(w).case
    built["paper_draft"] = services.create_draft(
        w.staff,
        on_behalf_of=w.member.pk,
        title="关于职业技术教育人才培养的提案",
        facts="纸质提案，大会期间提交。",
        suggestions="校企合作。",
        category=w.category.pk,
        cosigners=[w.member2.pk],
    )
    built["returned"] = CaseBuilder(w).returned().case
    built["submitted"] = CaseBuilder(w).submitted().case
    built["filed"] = CaseBuilder(w).filed().case
    built["suggestion"] = CaseBuilder(w).converted().case
    built["assigned"] = CaseBuilder(w).assigned().case
    b = CaseBuilder(w).assigned()
    built["assigned_partly"] = b.act("sign", w.unit_user, assignment=b.assignment(w.unit)).case
    built["return_requested"] = CaseBuilder(w).return_requested().case
    b = CaseBuilder(w).return_requested()
    built["return_approved"] = b.act(
        "approve_return", w.staff, {"reason": "同意改派。"}, assignment=b.assignment(w.unit)
    ).case
    built["handling"] = CaseBuilder(w).handling().case
    b = CaseBuilder(w).handling()
    b.act("send_views", w.unit2_user, {"text": "会办意见：同意主办单位意见。"}, assignment=b.assignment(w.unit2))
    built["reply_sent"] = b.reply_sent().case
    b = (
        CaseBuilder(w)
        .filed()
        .act(
            "assign",
            w.staff,
            {"units": [{"unit": w.unit.pk, "role": "separate"}, {"unit": w.unit2.pk, "role": "separate"}]},
        )
    )
    b.act("sign", w.unit_user, assignment=b.assignment(w.unit)).act(
        "sign", w.unit2_user, assignment=b.assignment(w.unit2)
    )
    b.reply_sent()
    built["partly_accepted"] = b.act("accept_reply", w.staff, assignment=b.assignment(w.unit)).case
    built["replied"] = CaseBuilder(w).replied().case
    built["rehandling"] = CaseBuilder(w).rehandling().case
    built["closed"] = CaseBuilder(w).closed("B").case
    built["withdrawn"] = CaseBuilder(w).withdrawn().case
    built["rejected"] = CaseBuilder(w).rejected().case
    built["merged"] = CaseBuilder(w).merged_into(hosts["proposal"]).case
    return built, hosts


@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    """World and scenarios, created once; rolled back when the module is done."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with clock.frozen(T0):
                w = World()
                cases, hosts = _build_scenarios(w)
            for name, case in cases.items():
                _assert_matches_description(w, name, case)
            yield w, {name: case.pk for name, case in cases.items()}, hosts
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _unit_key(w: World, unit_id: int) -> str:
    return {w.unit.pk: "unit", w.unit2.pk: "unit2", w.unit3.pk: "unit3"}[unit_id]


def _assert_matches_description(w: World, name: str, case: Case) -> None:
    scn = SCENARIOS[name]
    case.refresh_from_db()
    latest = {}
    for a in case.assignments.order_by("id"):
        latest[_unit_key(w, a.unit_id)] = (a.role, a.status)
    assert (case.status, case.kind, latest) == (scn.status, scn.kind, scn.assignments), name
    assert case.created_by == (w.staff if scn.creator == "staff" else w.member), name


# --- The expected answer, from the table's actor tokens ---------------------------------------------


def target_unit(action: ActionDef, scn: Scenario) -> str | None:
    """The unit whose assignment the action names: the lead unit's, else one whose role fits."""
    present = [u for u in ("unit", "unit2") if u in scn.assignments]
    for unit in present:
        if scn.assignments[unit][0] in action.assignment_roles:
            return unit
    return present[0] if present else None


def _live(scn: Scenario, unit: str | None) -> bool:
    return unit in scn.assignments and scn.assignments[unit][1] != "withdrawn_from_unit"


def visible(scn: Scenario, actor: str, key_leader: bool = False) -> bool:
    if actor in ("system", "member", "member2"):  # the system, the initiator and the (invited) co-signer
        return True
    if actor in ("staff", "reviewer"):
        return scn.status != "draft" or scn.creator == actor
    if actor in UNITS:
        return _live(scn, actor)
    if actor == "leader":
        return key_leader
    return False


def allowed(action: ActionDef, scn: Scenario, key_state: str = "") -> set[str]:
    found: set[str] = set()
    for token in action.actors:
        if token == INITIATOR:
            found.add("member")
        elif token == COSIGNER:
            found.add("member2")
        elif token == PROPOSER:
            found |= {"member"} if scn.status == "draft" else {"member", "member2"}
        elif token == CREATOR:
            found.add(scn.creator)
        elif token == PROXY and scn.creator == "staff":
            found.add("staff")
        elif token == STAFF:
            found.add("staff")
        elif token == REVIEWER:
            found.add("reviewer")
        elif token == UNIT:
            if action.on_assignment:
                unit = target_unit(action, scn)
                found |= {unit} if _live(scn, unit) else set()
            else:
                found |= {u for u in UNITS if _live(scn, u)}
        elif token == LEADER and key_state == "designated":
            found.add("leader")
        elif token == SYSTEM:
            found.add("system")
    return found


def state_matches(action: ActionDef, scn: Scenario) -> bool:
    if scn.kind not in action.kinds or scn.status not in action.states:
        return False
    if not action.on_assignment:
        return True
    unit = target_unit(action, scn)
    if unit is None:
        return False
    role, status = scn.assignments[unit]
    return role in action.assignment_roles and status in action.assignment_states


def expected(action: ActionDef, scn: Scenario, actor: str, key_state: str = "") -> str:
    """'success' or the error kind, in the order the checks run."""
    if not visible(scn, actor, key_leader=bool(key_state)):
        return "not_found"
    unit = target_unit(action, scn) if action.on_assignment else None
    if action.on_assignment and unit is None:
        return "not_found"
    if actor not in allowed(action, scn, key_state):
        return "forbidden"
    if action.on_assignment and scn.assignments[unit][0] not in action.assignment_roles:
        return "forbidden"
    return "success" if state_matches(action, scn) else "conflict"


# --- Per action: who to try, with which data, after which preparation --------------------------------


@dataclass
class Ctx:
    w: World
    case: Case
    assignment: Assignment | None
    actor: str
    hosts: dict[str, Case]

    @property
    def user(self):
        return None if self.actor == "system" else self.w.users()[self.actor]

    def act(self, action: str, user, data=None, assignment: Assignment | None = None) -> None:
        services.perform(action, user, self.case.pk, data or {}, assignment_id=assignment.pk if assignment else None)

    def scan(self, purpose: str) -> int:
        return upload(self.case, self.w.staff, purpose).pk


@dataclass
class Spec:
    actors: tuple[str, ...]  # the first is the one tried in every state; "target" = the named assignment's unit
    payload: Callable[[Ctx], dict] = lambda c: {}
    prepare: Callable[[Ctx], None] | None = None
    key_state: str = ""  # what prepare makes of the case: "recommended" or "designated" key proposal
    when: dt.date = T0


def _reason(c: Ctx) -> dict:
    return {"reason": "经研究，理由如下。"}


def _cosign_payload(c: Ctx) -> dict:
    if c.actor == "staff":
        return {"proposer": c.w.member2.pk, "scan": c.scan(Attachment.Purpose.COSIGN_SCAN)}
    return {}


def _ask_cosigner_again(c: Ctx) -> None:
    row = c.case.proposers.get(user=c.w.member2)
    if row.confirmation != "pending":  # editing the text asks every co-signer again
        services.update_draft(c.w.member, c.case.pk, facts=c.case.facts + "（补充）")


def _cosigners_confirmed(c: Ctx) -> None:
    if c.case.proposers.filter(role="cosigner", confirmation="pending").exists():
        c.act("cosign", c.w.member2)


def _reassign_payload(c: Ctx) -> dict:
    roles = {a.role for a in c.case.assignments.all() if a.is_live}
    role = "separate" if "separate" in roles else "co" if "lead" in roles else "lead"
    return {"unit": c.w.unit3.pk, "role": role, "reason": "增派相关单位。"}


def _rate_payload(c: Ctx) -> dict:
    data = {"reply_rating": "satisfied", "contact_rating": "satisfied", "comment": "办理认真。"}
    if c.actor == "staff":
        data |= {"proposer": c.w.member.pk, "form_scan": c.scan(Attachment.Purpose.RATING_FORM)}
    return data


def _rate_all(reply_rating: str, who: str = "both"):
    def prepare(c: Ctx) -> None:
        lead = c.case.assignments.get(unit=c.w.unit, status="accepted")
        users = [c.w.member] if who == "member" else [c.w.member, c.w.member2]
        for user in users:
            c.act("rate", user, {"reply_rating": reply_rating, "contact_rating": "satisfied"}, lead)

    return prepare


def _recommend_key(c: Ctx) -> None:
    c.act("recommend_key", c.w.staff, {"leaders": [c.w.leader.pk], "plan": "带案视察一次，上门协商督办一次。"})


def _designate_key(c: Ctx) -> None:
    _recommend_key(c)
    c.act("designate_key", c.w.reviewer)


def _request_extension(c: Ctx) -> None:
    c.act(
        "request_extension",
        c.w.users()[_unit_key(c.w, c.assignment.unit_id)],
        {"reason": "情况复杂。", "due": c.assignment.due_date + dt.timedelta(days=10)},
        c.assignment,
    )


REPLY = {
    "reply_class": "B",
    "letter": "经研究，已列入明年计划。",
    "signer": "赵局长",
    "contact_person": "钱科长",
    "contact_phone": "0917-6212345",
}

SPECS: dict[str, Spec] = {
    "cosign": Spec(("member2", "staff"), _cosign_payload, _ask_cosigner_again),
    "decline_cosign": Spec(
        ("member2", "staff"), lambda c: {**_cosign_payload(c), "reason": "不熟悉此事。"}, _ask_cosigner_again
    ),
    "submit": Spec(("member", "staff"), prepare=_cosigners_confirmed),
    "withdraw": Spec(("member",), _reason),
    "recommend": Spec(("staff",), lambda c: {"outcome": "file", "reason": "符合立案条件。"}),
    "edit_for_review": Spec(
        ("staff", "reviewer"), lambda c: {"title": "关于加快车站片区棚户区改造的提案", "note": "规范案由。"}
    ),
    "return_for_revision": Spec(("reviewer", "staff"), _reason),
    "file": Spec(("reviewer",)),
    "convert_to_suggestion": Spec(("reviewer",), lambda c: {"reason": "转为建议办理。", "consent": "提案人电话同意"}),
    "reject": Spec(("reviewer",), lambda c: {"ground": c.w.ground.pk, "message": "不属于提案范围。"}),
    "merge": Spec(("reviewer",), lambda c: {"host": c.hosts[c.case.kind].pk, "reason": "内容相近。"}),
    "assign": Spec(
        ("staff",), lambda c: {"units": [{"unit": c.w.unit.pk, "role": "lead"}, {"unit": c.w.unit2.pk, "role": "co"}]}
    ),
    "reassign": Spec(("staff",), _reassign_payload),
    "sign": Spec(("target",)),
    "deem_signed": Spec(("system",), when=AFTER_RETURN_WINDOW),
    "request_return": Spec(("target",), lambda c: {"reason": "不属于本单位职责。", "suggested_unit": c.w.unit3.pk}),
    "approve_return": Spec(("staff",), _reason),
    "refuse_return": Spec(("staff",), _reason),
    "log_contact": Spec(
        ("target",),
        lambda c: {
            "way": "visit",
            "point": "handling",
            "date": T0,
            "people": "钱科长、张委员",
            "summary": "上门面商。",
            "face_to_face": True,
        },
    ),
    "send_views": Spec(("target",), lambda c: {"text": "会办意见：同意。"}),
    "request_extension": Spec(
        ("target",), lambda c: {"reason": "情况复杂。", "due": c.assignment.due_date + dt.timedelta(days=10)}
    ),
    "approve_extension": Spec(("staff",), prepare=_request_extension),
    "refuse_extension": Spec(("staff",), _reason, _request_extension),
    "reply": Spec(("target",), lambda c: dict(REPLY, letter_file=c.scan(Attachment.Purpose.REPLY_LETTER))),
    "return_reply": Spec(("staff",), _reason),
    "accept_reply": Spec(("staff",)),
    "rate": Spec(("member", "member2", "staff"), _rate_payload),
    "rehandle": Spec(("staff",), lambda c: {"reason": "不满意，重新办理。"}, _rate_all("unsatisfied", "member")),
    "close": Spec(("staff",), prepare=_rate_all("satisfied")),
    "follow_up": Spec(("staff", "unit"), lambda c: {"date": T0, "content": "已完成一期工程。", "done": False}),
    "recommend_key": Spec(("staff",), lambda c: {"leaders": [c.w.leader.pk], "plan": "带案视察。"}),
    "designate_key": Spec(("reviewer",), prepare=_recommend_key, key_state="recommended"),
    "log_supervision": Spec(
        ("staff", "leader"),
        lambda c: {"kind": "inspection", "date": T0, "people": "督办领导、提案委", "minutes": "现场查看进度。"},
        _designate_key,
        key_state="designated",
    ),
    "set_public": Spec(("member", "staff"), lambda c: {"public": False, "reason": "涉及个人信息。"}),
    "publish": Spec(("staff",)),
}


def _actor(spec_actor: str, action: ActionDef, scn: Scenario) -> str:
    return (target_unit(action, scn) or "unit") if spec_actor == "target" else spec_actor


# --- Generated parameters -----------------------------------------------------------------------------


def _success_params():
    for name, action in ACTIONS.items():
        spec = SPECS[name]
        for scn_name, scn in SCENARIOS.items():
            if not state_matches(action, scn):
                continue
            for spec_actor in spec.actors:
                actor = _actor(spec_actor, action, scn)
                if expected(action, scn, actor, spec.key_state) == "success":
                    yield pytest.param(name, scn_name, actor, id=f"{name}-by-{actor}-from-{scn_name}")


def _wrong_state_params():
    for name, action in ACTIONS.items():
        for scn_name, scn in SCENARIOS.items():
            if state_matches(action, scn):
                continue
            actor = _actor(SPECS[name].actors[0], action, scn)
            kind = expected(action, scn, actor)
            yield pytest.param(name, scn_name, actor, kind, id=f"{name}-by-{actor}-in-{scn_name}-is-{kind}")


def _first_success_scenario(name: str) -> str:
    action = ACTIONS[name]
    return next(
        s
        for s, scn in SCENARIOS.items()
        if expected(action, scn, _actor(SPECS[name].actors[0], action, scn), SPECS[name].key_state) == "success"
    )


def _wrong_actor_params():
    for name, action in ACTIONS.items():
        spec = SPECS[name]
        scn_name = _first_success_scenario(name)
        scn = SCENARIOS[scn_name]
        for actor in ACTOR_KEYS:
            kind = expected(action, scn, actor, spec.key_state)
            if kind != "success":
                yield pytest.param(name, scn_name, actor, kind, id=f"{name}-by-{actor}-in-{scn_name}-is-{kind}")


# --- Running one attempt --------------------------------------------------------------------------------


def _context(built, name: str, scn_name: str, actor: str) -> Ctx:
    w, case_ids, hosts = built
    case = Case.objects.get(pk=case_ids[scn_name])
    unit = target_unit(ACTIONS[name], SCENARIOS[scn_name]) if ACTIONS[name].on_assignment else None
    assignment = None
    if unit:
        unit_obj = {"unit": w.unit, "unit2": w.unit2}[unit]
        assignment = case.assignments.filter(unit=unit_obj).order_by("-id").first()
    return Ctx(w, case, assignment, actor, hosts)


def _snapshot(case: Case) -> dict:
    return {
        "case": Case.objects.filter(pk=case.pk).values().get(),
        "assignments": list(Assignment.objects.filter(case=case).order_by("id").values()),
        "proposers": list(case.proposers.order_by("id").values()),
        "key": list(KeyProposal.objects.filter(case=case).values()),
        "history": list(AuditEvent.objects.filter(case=case, outcome="success").values_list("seq", flat=True)),
        "success_total": AuditEvent.objects.filter(outcome="success").count(),
        "refused_total": AuditEvent.objects.filter(outcome="refused").count(),
    }


def _attempt(c: Ctx, name: str, data: dict):
    return services.perform(name, c.user, c.case.pk, data, assignment_id=c.assignment.pk if c.assignment else None)


def _assert_refused(c: Ctx, name: str, data: dict, kind: str) -> None:
    before = _snapshot(c.case)
    with pytest.raises(WorkflowError) as caught:
        _attempt(c, name, data)
    assert caught.value.kind == kind, caught.value
    assert caught.value.message
    after = _snapshot(c.case)
    assert after["refused_total"] == before["refused_total"] + 1
    del before["refused_total"], after["refused_total"]
    assert after == before
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.outcome, event.data["kind"]) == (name, "refused", kind)


@pytest.mark.django_db
@pytest.mark.parametrize("name,scn_name,actor", list(_success_params()))
def test_the_allowed_actor_succeeds(built, name, scn_name, actor):
    spec = SPECS[name]
    with clock.frozen(T0):
        c = _context(built, name, scn_name, actor)
        if spec.prepare:
            spec.prepare(c)
            c = _context(built, name, scn_name, actor)
        data = spec.payload(c)
    with clock.frozen(spec.when):
        before = _snapshot(c.case)
        case = _attempt(c, name, data)
    action = ACTIONS[name]
    assert AuditEvent.objects.filter(outcome="success").count() == before["success_total"] + 1
    assert AuditEvent.objects.filter(outcome="refused").count() == before["refused_total"]
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.outcome, event.case_id) == (name, "success", c.case.pk)
    if action.to_state:
        assert case.status == action.to_state
    if action.assignment_to:
        c.assignment.refresh_from_db()
        assert c.assignment.status == action.assignment_to
        assert (event.from_state, event.to_state) == (
            SCENARIOS[scn_name].assignments[_unit_key(c.w, c.assignment.unit_id)][1],
            action.assignment_to,
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name,scn_name,actor,kind", list(_wrong_state_params()))
def test_the_allowed_actor_is_refused_in_any_other_state(built, name, scn_name, actor, kind):
    with clock.frozen(T0):
        c = _context(built, name, scn_name, actor)
        _assert_refused(
            c, name, SPECS[name].payload(c) if c.assignment or not ACTIONS[name].on_assignment else {}, kind
        )


@pytest.mark.django_db
@pytest.mark.parametrize("name,scn_name,actor,kind", list(_wrong_actor_params()))
def test_every_other_actor_is_refused(built, name, scn_name, actor, kind):
    spec = SPECS[name]
    with clock.frozen(T0):
        c = _context(built, name, scn_name, SPECS[name].actors[0])
        if spec.prepare:
            spec.prepare(c)
        c = _context(built, name, scn_name, actor)
        data = spec.payload(c)
    with clock.frozen(spec.when):
        _assert_refused(c, name, data, kind)


def test_every_action_of_the_table_has_a_spec_and_succeeds_somewhere():
    assert set(SPECS) == set(ACTIONS)
    succeeding = {p.values[0] for p in _success_params()}
    assert succeeding == set(ACTIONS)


def test_the_scenarios_cover_every_case_and_assignment_state():
    from proposals.models import AssignmentStatus, Status

    assert {s.status for s in SCENARIOS.values()} == set(Status.values)
    assert {st for s in SCENARIOS.values() for _, st in s.assignments.values()} == set(AssignmentStatus.values)


def _available_params():
    for scn_name, scn in SCENARIOS.items():
        for actor in ACTOR_KEYS:
            if actor != "system" and visible(scn, actor):
                yield pytest.param(scn_name, actor, id=f"{actor}-in-{scn_name}")


# Actions whose availability depends on more than actor and state (a guard, a prepared record or a
# later day) are left to the tests above.
PLAIN = [n for n, a in ACTIONS.items() if a.guard is None and SPECS[n].prepare is None and SPECS[n].when == T0]


@pytest.mark.django_db
@pytest.mark.parametrize("scn_name,actor", list(_available_params()))
def test_the_offered_actions_are_exactly_those_the_table_allows(built, scn_name, actor):
    from proposals.workflow import available_actions

    w, case_ids, _ = built
    scn = SCENARIOS[scn_name]
    case = Case.objects.get(pk=case_ids[scn_name])
    with clock.frozen(T0):
        offered = {
            (a.action.name, a.assignment.unit_id if a.assignment else None)
            for a in available_actions(w.users()[actor], case)
            if a.action.name in PLAIN
        }
    units = {"unit": w.unit.pk, "unit2": w.unit2.pk}
    wanted = set()
    for name in PLAIN:
        action = ACTIONS[name]
        if expected(action, scn, actor) == "success":
            wanted.add((name, units[target_unit(action, scn)] if action.on_assignment else None))
    # An assignment action may also be offered on the other unit's assignment; compare on the named one.
    offered = {
        (n, u) for n, u in offered if not ACTIONS[n].on_assignment or u == units.get(target_unit(ACTIONS[n], scn))
    }
    assert offered == wanted
