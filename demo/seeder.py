"""The demo data set: a believable 4th-term Chencang CPPCC, built as if the workflow had really run.

People, units and reference rows are inserted directly (no workflow runs for them). Every case
goes through proposals.services with the clock set back, so the audit trail, the numbering and
the working-day deadlines are real. Each case is a small script (a generator that yields the
moment of its next step); a scheduler runs all steps of all cases in time order, so numbers
follow filing order and the audit chain reads chronologically. A step planned after the real
present does not happen: that is how the recent cases end up in every state.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction

from core import clock
from demo import names as N
from demo.totp import ensure_demo_totp
from members.models import (
    Affiliation,
    CollectiveSigner,
    MemberGroup,
    Membership,
    Organisation,
    PartyBranch,
    Role,
    Sector,
    Session,
    SpecialCommittee,
    Term,
    Unit,
    User,
    role_group,
)
from proposals import services, workdays
from proposals.models import (
    Assignment,
    Attachment,
    Case,
    Category,
    Kind,
    Proposer,
    RejectionGround,
)
from proposals.services.drafting import COLLECTIVE_BODY

PASSWORD = "Chencang@2026"
TERM_NUMBER = 4
SESSION_DATES = [  # (opens, closes) of 四届一次 … 五次会议
    (dt.date(2022, 1, 6), dt.date(2022, 1, 9)),
    (dt.date(2023, 1, 5), dt.date(2023, 1, 8)),
    (dt.date(2024, 1, 9), dt.date(2024, 1, 12)),
    (dt.date(2025, 1, 7), dt.date(2025, 1, 10)),
    (dt.date(2026, 1, 6), dt.date(2026, 1, 9)),
]
CN_NUM = "一二三四五"
# Per session: filed proposals, converted to suggestions, filed as suggestions, key proposals.
PLENARY_PROPOSALS = [76, 72, 72, 70, 66]
# Most suggestions are proposals converted at review, the rest filed as suggestions by their proposers;
# the split puts the filing rate (filed / received proposals) near 68 %, inside the published 64–95 %.
PLENARY_CONVERTED = [33, 31, 29, 27, 25]
PLENARY_SUGGESTIONS = [7, 7, 7, 7, 7]
PLENARY_KEYS = [3, 2, 2, 2, 2]
EARLIER_REGULAR_PROPOSALS = 3  # per year between plenaries, 2022–2025
EARLIER_REGULAR_SUGGESTIONS = [2, 2, 1, 1]
PROGRESS_EVERY = 1000  # simulated steps between two progress lines (about ten in a full seed)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@contextlib.contextmanager
def history_is_silent():
    """Nobody is notified of what happened years ago: the receivers of the services' signals
    (in-app notices, the e-mail/SMS outbox) are detached while the history is replayed."""
    signals = [getattr(services, name) for name in ("action_performed", "draft_changed") if hasattr(services, name)]
    saved = [(signal, list(signal.receivers)) for signal in signals]
    for signal, _ in saved:
        signal.receivers = []
        signal.sender_receivers_cache.clear()
    try:
        yield
    finally:
        for signal, receivers in saved:
            signal.receivers = receivers
            signal.sender_receivers_cache.clear()


@dataclass
class Plan:
    """What will happen to one case; the script follows it until the plan or the present ends."""

    kind: str
    route: str  # file, convert, reject, withdraw, merge_submitted, merge_filed, draft, submitted, returned
    title: str
    theme: tuple
    initiator: User
    create_day: dt.date
    submit_day: dt.date
    review_day: dt.date
    assign_day: dt.date
    cosigners: list = field(default_factory=list)
    collective: str = ""
    organisation: Organisation | None = None
    units: list = field(default_factory=list)  # [(Unit, role)]
    opts: dict = field(default_factory=dict)
    case_id: int | None = None
    place: str = ""  # the street or town of the matter (demo.names.OFFICIAL_PLACES)
    figures: dict = field(default_factory=dict)  # the numbers its texts quote, facts and reply alike


class Cursor:
    """The moments of one case's steps: never backwards, office hours, staff steps on working days."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.last: dt.datetime | None = None
        self.index = 0

    def at(self, day: dt.date, *, workday: bool = False) -> dt.datetime:
        if self.last is not None:
            day = max(day, clock.local_date(self.last))
        if workday:
            day = workdays.next_workday(day)
        if self.last is None or clock.local_date(self.last) != day:
            self.index = 0
        self.index += 1
        moment = dt.datetime.combine(day, dt.time(8, 40), tzinfo=clock.LOCAL) + dt.timedelta(
            minutes=11 * self.index + self.rng.randint(0, 9)
        )
        if self.last is not None and moment <= self.last:
            moment = self.last + dt.timedelta(minutes=3)
        self.last = moment
        return moment

    def work(self, day: dt.date) -> dt.datetime:
        return self.at(day, workday=True)

    @property
    def day(self) -> dt.date:
        return clock.local_date(self.last)


class Seeder:
    def __init__(self, seed: int = 2022, demo_logins: bool = False, out=None):
        self.rng = random.Random(seed)
        self.demo_logins = demo_logins
        self.out = out
        self.today = clock.today()
        self.now_limit = clock.now() - dt.timedelta(minutes=30)
        self.scan_count = 0
        self.last_class: dict[int, str] = {}

    def log(self, message: str) -> None:
        if self.out:
            self.out(message)

    # --- Entry points -----------------------------------------------------------------------------

    @staticmethod
    def existing_reason() -> str:
        """Why seeding must not run (the data, or another current term, is there), or ''."""
        term = Term.objects.filter(number=TERM_NUMBER).first()
        if term is not None:
            return f"{term.name}届次已存在（{term.cases.count()} 件提案/建议），演示数据已就绪"
        other = Term.current()
        if other is not None:
            return f"已有当前届次“{other.name}”，为避免混入演示数据"
        return ""

    def run(self) -> None:
        with transaction.atomic(), history_is_silent():
            self.make_reference()
            self.make_people()
            self.make_units()
            self.log(f"  委员 {len(self.members)} 名，承办单位 {len(self.units)} 个")
            self.plan_cases()
            self.log(f"  规划案件 {len(self.plans)} 件，按时间顺序经由业务服务办理……")
            self.simulate()
        if self.demo_logins:
            self.set_demo_passwords()

    # --- Reference rows: term, sessions, sectors, committees, groups, branches, organisations -----

    def make_reference(self) -> None:
        self.term = Term.objects.create(
            number=TERM_NUMBER, name="四届", start_date=SESSION_DATES[0][0], is_current=True
        )
        self.sessions = [
            Session.objects.create(term=self.term, number=i + 1, name=f"四届{CN_NUM[i]}次会议", opens=o, closes=c)
            for i, (o, c) in enumerate(SESSION_DATES)
        ]
        self.sectors = {}
        for order, (name, *_rest) in enumerate(N.SECTORS):
            self.sectors[name] = Sector.objects.get_or_create(name=name, defaults={"order": order})[0]
        self.committees = [
            SpecialCommittee.objects.get_or_create(name=n, defaults={"order": i})[0] for i, n in enumerate(N.COMMITTEES)
        ]
        self.groups = [MemberGroup.objects.create(term=self.term, name=n) for n in N.GROUPS]
        self.branches = [PartyBranch.objects.create(term=self.term, name=n) for n in N.PARTY_BRANCHES]
        self.organisations = []
        for name, kind, acts_through in N.ORGANISATIONS:
            org = Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
            self.organisations.append((org, acts_through))
        self.categories = {c.name: c for c in Category.objects.all()}
        self.grounds = list(RejectionGround.objects.filter(active=True))

    # --- People ------------------------------------------------------------------------------------

    def _name(self, used: set) -> str:
        while True:
            given = "".join(self.rng.choice(N.GIVEN) for _ in range(self.rng.choice((1, 2, 2, 2))))
            name = self.rng.choice(N.SURNAMES) + given
            if name not in used:
                used.add(name)
                return name

    def _phone(self, used: set) -> str:
        while True:
            phone = self.rng.choice(
                ("133", "135", "136", "137", "138", "139", "150", "152", "158", "186", "189")
            ) + "".join(str(self.rng.randint(0, 9)) for _ in range(8))
            if phone not in used:
                used.add(phone)
                return phone

    def _work_unit(self, template: str) -> str:
        company = self.rng.choice(N.COMPANIES) + self.rng.choice(N.COMPANY_SUFFIX)
        return template.format(
            org=self.rng.choice(N.ORGS),
            school=self.rng.choice(N.SCHOOLS),
            hospital=self.rng.choice(N.HOSPITALS),
            company=company,
            town=self.rng.choice(N.TOWNS),
            village=_village(self.rng),
        )

    def _user(self, username: str, name: str, work_unit: str, used_phones: set, **extra) -> User:
        user = User(
            username=username,
            name=name,
            phone=self._phone(used_phones),
            work_unit=work_unit,
            address=f"宝鸡市陈仓区{self.rng.choice(N.ROADS)}{self.rng.randint(1, 320)}号",
            date_joined=dt.datetime(2021, 12, 20, 9, tzinfo=clock.LOCAL),
            **extra,
        )
        user.set_unusable_password()
        return user

    def make_people(self) -> None:
        used_names: set = set()
        phones: set = set()
        demo = self.demo_logins
        rows: list[tuple[User, tuple]] = []  # (user, (sector, affiliation))
        n = 0
        for sector_name, size, affiliation, templates in N.SECTORS:
            for _ in range(size):
                n += 1
                user = self._user(
                    f"wy{n:03d}", self._name(used_names), self._work_unit(self.rng.choice(templates)), phones
                )
                rows.append((user, (sector_name, affiliation)))
        # Exactly 93 Party members: the 中共 sector, then members of the mixed sectors.
        mixed = [i for i, (_, (_, aff)) in enumerate(rows) if aff is None]
        cpc_needed = 93 - sum(1 for _, (_, aff) in rows if aff == Affiliation.CPC)
        cpc_mixed = set(self.rng.sample(mixed, cpc_needed))
        order = list(range(len(rows)))
        self.rng.shuffle(order)
        standing = set(order[:48])
        # The demo personas are members of the data set (the counts stay 238).
        member_i = next(i for i, (_, (s, _)) in enumerate(rows) if s == "教育界" and i not in standing)
        member2_i = next(i for i, (_, (s, _)) in enumerate(rows) if s == "医药卫生界" and i not in standing)
        leader_is = sorted(standing)[:4]
        if demo:
            rows[member_i][0].username, rows[member2_i][0].username = "member", "member2"
            rows[leader_is[0]][0].username = "leader"
        titles = ["区政协主席", "区政协副主席", "区政协副主席", "区政协副主席"]
        for i, title in zip(leader_is, titles):
            rows[i][0].work_unit = title
        # Staff of the proposal committee office, reviewers, and one government leader: not members.
        staff = [
            self._user(
                "staff" if demo and i == 0 else f"taw{i + 1:02d}",
                self._name(used_names),
                "区政协提案委员会办公室",
                phones,
                is_staff=True,
            )
            for i in range(3)
        ]
        reviewers = [
            self._user(
                "reviewer" if demo and i == 0 else f"sc{i + 1:02d}",
                self._name(used_names),
                "区政协提案委员会",
                phones,
                is_staff=True,
            )
            for i in range(2)
        ]
        gov_leader = self._user("ld05", self._name(used_names), "陈仓区人民政府副区长", phones)
        members = [u for u, _ in rows]
        _demo_emails(members + staff + reviewers + [gov_leader])
        User.objects.bulk_create(members + staff + reviewers + [gov_leader])
        if demo:
            admin = self._user("admin", "系统管理员", "区政协办公室", phones, is_staff=True, is_superuser=True)
            _demo_emails([admin])
            admin.save()
        self.members, self.staff, self.reviewers = members, staff, reviewers
        self.member_by_id = {u.pk: u for u in members}
        self.member, self.member2 = members[member_i], members[member2_i]
        self.leaders = [members[i] for i in leader_is] + [gov_leader]
        self._grant(members, Role.MEMBER)
        self._grant(staff, Role.STAFF)
        self._grant(reviewers, Role.REVIEWER)
        self._grant(self.leaders, Role.LEADER)

        branch_of = dict(zip(self.committees, self.branches))
        memberships = []
        self.membership: dict[int, Membership] = {}
        for i, (user, (sector_name, affiliation)) in enumerate(rows):
            committee = self.committees[i % 5] if i not in (member_i,) else self.committees[2]
            aff = affiliation or (Affiliation.CPC if i in cpc_mixed else Affiliation.MASSES)
            m = Membership(
                user=user,
                term=self.term,
                sector=self.sectors[sector_name],
                committee=committee,
                group=self.groups[self.rng.randrange(len(self.groups))],
                affiliation=aff,
                party_branch=branch_of[committee] if aff == Affiliation.CPC else None,
                is_standing=i in standing,
            )
            memberships.append(m)
            self.membership[user.pk] = m
        Membership.objects.bulk_create(memberships)
        self.by_sector: dict[str, list[User]] = {}
        self.by_affiliation: dict[str, list[User]] = {}
        for user, m in zip(members, memberships):
            self.by_sector.setdefault(m.sector.name, []).append(user)
            self.by_affiliation.setdefault(m.affiliation, []).append(user)

    @staticmethod
    def _grant(users: list[User], role: str) -> None:
        group = role_group(role)
        User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=group.pk) for u in users])

    def make_units(self) -> None:
        used_names: set = set()
        phones: set = set()
        specs = (
            [(n, Unit.Kind.BUREAU) for n in N.BUREAUS]
            + [(n, Unit.Kind.TOWN) for n in N.TOWNS]
            + [(n, Unit.Kind.CITY_BRANCH) for n in N.CITY_BRANCHES]
        )
        units = Unit.objects.bulk_create(
            [Unit(name=name, kind=kind, phone=f"0917-62{self.rng.randint(10000, 99999)}") for name, kind in specs]
        )
        contacts = []
        for i, unit in enumerate(units):
            username = f"dw{i + 1:03d}"
            if self.demo_logins and unit.name == N.DEMO_UNIT:
                username = "unit"
            elif self.demo_logins and unit.name == N.DEMO_UNIT2:
                username = "unit2"
            contacts.append(self._user(username, self._name(used_names), f"{unit.name}办公室", phones))
        _demo_emails(contacts)
        User.objects.bulk_create(contacts)
        self._grant(contacts, Role.UNIT)
        Unit.contacts.through.objects.bulk_create(
            [Unit.contacts.through(unit_id=u.pk, user_id=c.pk) for u, c in zip(units, contacts)]
        )
        self.units = {u.name: u for u in units}
        self.contact_of = {u.pk: c for u, c in zip(units, contacts)}
        self.signer_of = {u.pk: self._name(used_names) + N.leader_title(u.name) for u in units}

    # --- Planning ----------------------------------------------------------------------------------

    def _title(
        self, theme: dict, kind: str, core: str | None = None, place: str | None = None, avoid: str = ""
    ) -> tuple[str, str]:
        """A title no other case has: the matter in one of its wordings, at one of its places."""
        suffix = "提案" if kind == Kind.PROPOSAL else "建议"
        for attempt in range(200):
            p = place or self.rng.choice(theme["places"])
            wording = core or self.rng.choice([c for c in theme["cores"] if c != avoid] or theme["cores"])
            adverb = self.rng.choice(N.ADVERBS) if attempt and self.rng.random() < 0.6 else ""
            title = N.title(theme, wording, p, suffix, adverb)
            if title not in self.titles:
                # Reserve the other kind's title too: a proposal converted at review becomes "…的建议" and must
                # not meet a suggestion of the same words.
                self.titles.update({title, title[: -len(suffix)] + ("建议" if suffix == "提案" else "提案")})
                return title, p
        raise RuntimeError(f"no unused title left for {theme['key']}")

    def _units_for(self, theme: dict, force_lead: str | None = None, place: str = "") -> list:
        candidates = [self.units[n] for n in theme["units"] if n in self.units]
        # The matter's first unit leads most often (the bureau whose work the texts describe).
        weights = [3 if i == 0 else 1 for i in range(len(candidates))]
        lead = self.units[force_lead] if force_lead else self.rng.choices(candidates, weights)[0]
        shape = self.rng.random()
        others = [u for u in candidates if u != lead]
        if place in self.units and lead.name != place:
            others.append(self.units[place])  # the street or town where it happens co-handles
        others = others or [self.units[self.rng.choice(N.TOWNS)]]
        if shape < 0.22:
            return [(lead, "lead"), (self.rng.choice(others), "co")]
        if shape < 0.28 and not force_lead:
            return [(lead, "separate"), (self.rng.choice(others), "separate")]
        return [(lead, "lead")]

    def _proposers(self, plenary: bool) -> dict:
        """Mostly individuals, then joint proposals, 10–20 % parties and organisations, a few collectives."""
        r = self.rng.random()
        initiator = self.rng.choice(self.members)
        if r < 0.55:
            return {"initiator": initiator}
        if r < 0.80:
            others = [u for u in self.rng.sample(self.members, 5) if u != initiator][: self.rng.randint(1, 4)]
            return {"initiator": initiator, "cosigners": others}
        if r < 0.94:
            org, acts_through = self.rng.choice(self.organisations)
            pool = self.by_sector.get(acts_through) or self.by_affiliation.get(acts_through) or self.members
            return {
                "initiator": self.rng.choice(pool),
                "collective": Proposer.Collective.ORGANISATION,
                "organisation": org,
            }
        if plenary and r < 0.97:
            return {
                "initiator": initiator,
                "collective": self.rng.choice([Proposer.Collective.SECTOR, Proposer.Collective.GROUP]),
            }
        return {"initiator": initiator, "collective": Proposer.Collective.COMMITTEE}

    def _plan(
        self,
        kind: str,
        route: str,
        *,
        plenary: Session | None = None,
        assign_day: dt.date,
        review_day: dt.date | None = None,
        submit_day: dt.date | None = None,
        theme: dict | None = None,
        core: str | None = None,
        place: str | None = None,
        who: dict | None = None,
        force_lead: str | None = None,
        **opts,
    ) -> Plan:
        if theme is None and force_lead:  # a case for a given unit is about a matter of that unit
            theme = self.rng.choice([t for t in N.THEMES if force_lead in t["units"]])
        theme = theme or self.rng.choices(N.THEMES, weights=self.matter_weights)[0]
        title, place = self._title(theme, kind, core, place)
        if plenary is not None:
            o, c = plenary.opens, plenary.closes
            submit_day = submit_day or o + days(self.rng.randint(0, (c - o).days))
            create_day = o - days(self.rng.randint(0, 6))
            review_day = review_day or c + days(self.rng.randint(10, 28))
        else:
            review_day = review_day or assign_day - days(self.rng.randint(3, 7))
            submit_day = submit_day or review_day - days(self.rng.randint(5, 14))
            create_day = submit_day - days(self.rng.randint(0, 6))
        who = who or self._proposers(plenary is not None)
        plan = Plan(
            kind=kind,
            route=route,
            title=title,
            place=place,
            figures=N.figures(theme, self.rng),
            theme=theme,
            initiator=who["initiator"],
            cosigners=list(who.get("cosigners", [])),
            collective=who.get("collective", ""),
            organisation=who.get("organisation"),
            create_day=create_day,
            submit_day=submit_day,
            review_day=review_day,
            assign_day=assign_day,
            units=self._units_for(theme, force_lead, place),
            opts=opts,
        )
        if plan.route in ("file", "convert"):
            self._flavour(plan)
        self.plans.append(plan)
        return plan

    def _flavour(self, plan: Plan) -> None:
        """Random variety of a case that runs its whole course."""
        r = self.rng.random
        o = plan.opts
        o.setdefault("recommend", r() < 0.3)
        o.setdefault("reply_class", self.rng.choices("ABC", weights=(62, 29, 7))[0])
        o.setdefault("rehandle", r() < 0.035)
        o.setdefault("stays_unsatisfied", o["rehandle"] and r() < 0.35)
        o.setdefault("unsatisfied_final", not o["rehandle"] and o["reply_class"] == "C" and r() < 0.2)
        o.setdefault("deemed", r() < 0.04)
        o.setdefault("extension", self.rng.choices(["", "approved", "refused"], weights=(92, 5, 3))[0])
        o.setdefault("return_request", "approved" if r() < 0.03 else "")
        o.setdefault("publish", r() < 0.3)
        o.setdefault("partial_rating", r() < 0.05)
        o.setdefault("paper_rating", r() < 0.02)
        o.setdefault("not_public", r() < 0.02)
        if plan.cosigners and r() < 0.06:
            o.setdefault("declines", {plan.cosigners[-1].pk})

    def plan_cases(self) -> None:
        self.plans: list[Plan] = []
        self.titles: set[str] = set()
        self.facts_seen: set[str] = set()
        self.matter_weights = N.matter_weights()
        T = self.today
        # The source report's two named key proposals, each at the place it is about.
        named_keys = [
            (self._theme("加快车站棚户区改造"), "虢镇街道"),
            (self._theme("加快先进制造业高质量发展"), "千河镇"),
        ]
        for s, session in enumerate(self.sessions):

            def assign_after(review_day: dt.date) -> dt.date:
                return review_day + days(self.rng.randint(3, 8))

            proposals = []
            for i in range(PLENARY_PROPOSALS[s]):
                review = session.closes + days(self.rng.randint(10, 28))
                opts = {}
                theme = core = place = None
                if i < PLENARY_KEYS[s]:
                    opts["key"] = True
                    if s == 0 and i < 2:
                        theme, place = named_keys[i]
                        core = theme["cores"][0]
                if 3 <= i < 5:
                    opts["returned_first"] = True
                if 5 <= i < 7:
                    opts["paper"] = True
                    opts["cosigners_n"] = 2
                route = "merge_filed" if i == PLENARY_PROPOSALS[s] - 1 else "file"
                who = (
                    {"initiator": self.rng.choice(self.members)}
                    if (opts.get("returned_first") or opts.get("key"))
                    else None
                )
                if opts.get("paper"):
                    who = {"initiator": self.rng.choice(self.members), "cosigners": self.rng.sample(self.members, 2)}
                plan = self._plan(
                    Kind.PROPOSAL,
                    route,
                    plenary=session,
                    review_day=review,
                    assign_day=assign_after(review),
                    theme=theme,
                    core=core,
                    place=place,
                    who=who,
                    **opts,
                )
                proposals.append(plan)
            hosts = [p for p in proposals if p.route == "file" and not p.opts.get("returned_first")]
            merged = proposals[-1]
            merged.opts["host"] = self.rng.choice(hosts)
            self._same_matter(merged, merged.opts["host"])
            merged.opts["merge_day"] = max(merged.review_day, merged.opts["host"].review_day) + days(7)
            for _ in range(PLENARY_CONVERTED[s]):
                review = session.closes + days(self.rng.randint(10, 28))
                self._plan(
                    Kind.PROPOSAL, "convert", plenary=session, review_day=review, assign_day=assign_after(review)
                )
            for _ in range(PLENARY_SUGGESTIONS[s]):
                review = session.closes + days(self.rng.randint(10, 28))
                self._plan(Kind.SUGGESTION, "file", plenary=session, review_day=review, assign_day=assign_after(review))
            for _ in range(3):
                self._plan(
                    Kind.PROPOSAL,
                    "reject",
                    plenary=session,
                    assign_day=session.closes,
                    review_day=session.closes + days(self.rng.randint(10, 28)),
                )
            self._plan(Kind.PROPOSAL, "withdraw", plenary=session, assign_day=session.closes)
            for _ in range(2):
                host = self.rng.choice(hosts)
                plan = self._plan(
                    Kind.PROPOSAL,
                    "merge_submitted",
                    plenary=session,
                    assign_day=session.closes,
                    review_day=host.review_day + days(7),
                    host=host,
                )
                self._same_matter(plan, host)
        # 平时 cases of the earlier years, all closed by now.
        for y, year in enumerate(range(2022, 2026)):
            for _ in range(EARLIER_REGULAR_PROPOSALS):
                self._plan(
                    Kind.PROPOSAL, "file", assign_day=dt.date(year, self.rng.randint(4, 10), self.rng.randint(1, 28))
                )
            for i in range(EARLIER_REGULAR_SUGGESTIONS[y]):
                anchor = dt.date(year, self.rng.randint(4, 10), self.rng.randint(1, 28))
                if i % 2:
                    self._plan(Kind.SUGGESTION, "file", assign_day=anchor)
                else:
                    self._plan(Kind.PROPOSAL, "convert", assign_day=anchor)
        self.plan_recent(T)

    def _prev_workday(self, day: dt.date) -> dt.date:
        while not workdays.is_workday(day):
            day -= days(1)
        return day

    def plan_recent(self, T: dt.date) -> None:
        """平时 cases placed relative to today, so that every state is on screen."""
        pw = self._prev_workday
        member, member2 = self.member, self.member2
        mine = {"initiator": member, "cosigners": [member2]}
        alone = {"initiator": member}
        late = {"reply_day": T + days(400)}
        P, S = Kind.PROPOSAL, Kind.SUGGESTION
        recent = [
            (P, "file", T + days(60), {"review_day": pw(T - days(3))}),
            (P, "file", T + days(60), {"review_day": pw(T - days(6)), "recommend": True}),
            (P, "file", pw(T - days(1)), {"force_lead": N.DEMO_UNIT, "review_day": pw(T - days(4))}),
            (P, "file", pw(T - days(2)), {"force_lead": N.DEMO_UNIT2, "review_day": pw(T - days(5))}),
            (P, "file", pw(T - days(14)), {"never_sign": True, "force_lead": "区交通运输局"}),
            (P, "file", pw(T - days(20)), {"never_sign": True, "force_lead": N.DEMO_UNIT}),
            (P, "file", pw(T - days(7)), {"return_request": "pending", "force_lead": "区农业农村局"}),
            (P, "file", T - days(45), {"return_request": "approved", **late}),
            (P, "file", T - days(25), {"force_lead": N.DEMO_UNIT, "who": mine, **late}),
            (P, "file", T - days(40), {"force_lead": N.DEMO_UNIT, **late}),
            (P, "file", T - days(60), {"force_lead": N.DEMO_UNIT2, **late}),
            (P, "file", T - days(105), {"force_lead": N.DEMO_UNIT, **late}),
            (P, "file", T - days(125), {"force_lead": "区卫健局", **late}),
            (P, "file", T - days(140), late),
            (P, "file", T - days(85), {"extension": "requested", **late}),
            (P, "file", T - days(100), {"extension": "approved", **late}),
            (P, "file", T - days(50), {"key": True, "theme": self._theme("加快先进制造业高质量发展"), **late}),
            (
                P,
                "file",
                T - days(75),
                {"force_lead": N.DEMO_UNIT, "who": mine, "reply_day": T - days(12), "skip_rating": {member.pk}},
            ),
            (P, "file", T - days(80), {"force_lead": N.DEMO_UNIT2, "reply_day": T - days(14)}),
            (P, "file", T - days(70), {"force_lead": N.DEMO_UNIT, "reply_day": pw(T - days(1)), "accept_late": True}),
            (P, "file", T - days(95), {"reply_day": T - days(45), "rehandle": True, "reply2_late": True}),
            (
                P,
                "file",
                T - days(150),
                {"who": alone, "reply_class": "B", "follow_up": True, "force_lead": N.DEMO_UNIT},
            ),
            (P, "file", T - days(170), {"reply_class": "A"}),
            (P, "file", T - days(30), {"force_lead": "区水利局", **late}),
            (P, "file", T - days(160), {"force_lead": N.DEMO_UNIT2}),
            (S, "file", T + days(60), {"review_day": pw(T - days(4))}),
            (S, "file", pw(T - days(2)), {"force_lead": N.DEMO_UNIT2}),
            (P, "convert", T - days(20), late),
            (S, "file", T - days(45), {"force_lead": N.DEMO_UNIT, **late}),
            (P, "convert", T - days(110), late),
            (S, "file", T - days(70), {"reply_day": T - days(10)}),
            (P, "convert", T - days(65), {"reply_day": T - days(9)}),
            (S, "file", T - days(140), {}),
            (P, "convert", T - days(150), {}),
            (S, "file", T - days(130), {"force_lead": N.DEMO_UNIT}),
        ]
        for kind, route, anchor, opts in recent:
            opts = dict(opts)
            who = opts.pop("who", None)
            theme = opts.pop("theme", None)
            lead = opts.pop("force_lead", None)
            review = opts.pop("review_day", None)
            plan = self._plan(
                kind,
                route,
                assign_day=anchor,
                review_day=review,
                who=who,
                theme=theme,
                force_lead=lead,
                recommend=opts.pop("recommend", False),
                return_request=opts.pop("return_request", ""),
                extension=opts.pop("extension", ""),
                deemed=False,
                publish=False,
                rehandle=opts.pop("rehandle", False),
                partial_rating=False,
                paper_rating=False,
                **opts,
            )
            if plan.opts.get("key"):
                plan.opts["leaders"] = [self.leaders[0], self.leaders[-1]]
            if plan.opts.get("return_request") == "pending" or plan.opts.get("never_sign"):
                plan.units = plan.units[:1] if plan.units[0][1] == "lead" else [(plan.units[0][0], "lead")]
        # Cases that never reach filing.
        others = [u for u in self.members if u not in (member, member2)]
        extras = [
            ("draft", {"initiator": member}, T - days(2)),
            ("draft", {"initiator": member2, "cosigners": [member]}, T - days(3)),
            (
                "draft",
                {"initiator": self.rng.choice(others), "cosigners": [member, self.rng.choice(others)]},
                T - days(5),
            ),
            ("draft", {"initiator": self.rng.choice(others)}, T - days(1)),
            ("draft", {"initiator": self.rng.choice(others)}, T - days(8)),
            ("draft", {"initiator": self.rng.choice(others), "cosigners": [self.rng.choice(others)]}, T - days(4)),
            ("submitted", {"initiator": member, "cosigners": [member2]}, T - days(3)),
            ("submitted", None, T - days(5)),
            ("submitted", None, T - days(9)),
            ("submitted", None, T - days(12)),
            ("returned", {"initiator": member}, T - days(14)),
            ("returned", None, T - days(20)),
            ("withdraw", None, T - days(40)),
            ("withdraw", None, T - days(90)),
            ("reject", None, T - days(30)),
            ("reject", None, T - days(60)),
        ]
        for i, (route, who, submit) in enumerate(extras):
            plan = self._plan(
                P,
                route,
                assign_day=T + days(90),
                review_day=T + days(90),
                submit_day=submit,
                who=who,
                recommend=route == "submitted" and i % 2 == 0,
            )
            if route == "draft":
                plan.create_day = submit
            if route in ("reject", "returned", "withdraw"):
                plan.review_day = submit + days(self.rng.randint(3, 6))
        host = next(p for p in self.plans if p.assign_day == T - days(40))
        plan = self._plan(
            P,
            "merge_submitted",
            assign_day=T + days(90),
            review_day=T - days(10),
            submit_day=T - days(18),
            host=host,
            theme=host.theme,
        )
        self._same_matter(plan, host)

    def _same_matter(self, plan: Plan, host: Plan) -> None:
        """A case merged into ``host`` raises the host's matter at the host's place, in other words."""
        self.titles.discard(plan.title)
        host_wording = next(
            (c for c in host.theme["cores"] if N.title(host.theme, c, host.place, "提案") == host.title), ""
        )
        plan.theme, plan.units = host.theme, host.units
        plan.title, plan.place = self._title(host.theme, plan.kind, place=host.place, avoid=host_wording)
        plan.figures = dict(host.figures)

    @staticmethod
    def _theme(first_core: str) -> dict:
        """The matter whose first wording begins with ``first_core`` (the seed's named cases)."""
        return next(t for t in N.THEMES if t["cores"][0].startswith(first_core))

    # --- Simulation --------------------------------------------------------------------------------

    def simulate(self) -> None:
        counter = itertools.count()
        heap: list = []
        for plan in self.plans:
            script = self.script(plan)
            first = next(script)
            heapq.heappush(heap, (first, next(counter), script))
        steps = 0
        while heap:
            moment, _, script = heapq.heappop(heap)
            if moment > self.now_limit:
                script.close()  # planned after the present: it has not happened yet
                continue
            with clock.frozen(moment):
                try:
                    following = next(script)
                except StopIteration:
                    continue
            steps += 1
            if steps % PROGRESS_EVERY == 0:
                self.log(f"  已办理 {steps} 步，模拟时间 {clock.local_date(moment):%Y年%m月}")
            heapq.heappush(heap, (following, next(counter), script))
        self.log(f"  模拟办理步骤 {steps} 个")

    def act(self, action: str, user, case_id: int, data: dict | None = None, assignment_id=None):
        return services.perform(action, user, case_id, data or {}, assignment_id=assignment_id)

    def upload(self, case_id: int, user: User, purpose: str, name: str) -> Attachment:
        self.scan_count += 1
        attachment = Attachment(
            case_id=case_id,
            purpose=purpose,
            original_name=name,
            content_type="application/pdf",
            size=len(PDF),
            uploaded_by=user,
            uploaded_at=clock.now(),
        )
        attachment.file.save(name, ContentFile(PDF), save=False)
        attachment.save()
        return attachment

    def _context(self, plan: Plan) -> dict:
        """What a case's texts may quote: its place, its year and its figures."""
        return {"p": plan.place, "y": plan.create_day.year, "y0": plan.create_day.year - 1, **plan.figures}

    def _named_signer(self, case, plan: Plan) -> None:
        """The body of a collective case names its initiator as contact (organisations) or convener."""
        row = case.proposers.get(role=Proposer.Role.INITIATOR)
        body = {f: getattr(row, f"{f}_id") for f in CollectiveSigner.BODIES}
        body = {f"{f}_id": v for f, v in body.items() if v is not None and f == COLLECTIVE_BODY[plan.collective]}
        kind = CollectiveSigner.Kind.CONTACT if plan.organisation else CollectiveSigner.Kind.CONVENER
        CollectiveSigner.objects.get_or_create(term=case.term, user=plan.initiator, defaults={"kind": kind}, **body)

    def _texts(self, plan: Plan) -> dict:
        ctx = self._context(plan)
        # Two cases of one matter at one place in one year (a merged case and its host) may draw the same
        # paragraphs; members never write the same facts twice, so draw again.
        for _ in range(20):
            facts = N.facts(plan.theme, self.rng, ctx)
            if facts not in self.facts_seen:
                break
        self.facts_seen.add(facts)
        return {
            "title": plan.title,
            "facts": facts,
            "suggestions": N.suggestions(plan.theme, self.rng, ctx),
            "category": self.categories.get(plan.theme["category"], self.categories.get("其他")).pk,
            "kind": plan.kind,
        }

    def script(self, plan: Plan) -> Iterator[dt.datetime]:
        """The life of one case, step by step; each ``yield`` waits until that moment."""
        rng, o = self.rng, plan.opts
        c = Cursor(rng)
        staff, reviewer = rng.choice(self.staff), rng.choice(self.reviewers)
        paper = o.get("paper", False)
        yield c.at(plan.create_day)
        texts = self._texts(plan)
        cosigner_ids = [u.pk for u in plan.cosigners]
        if paper:
            case = services.create_draft(staff, on_behalf_of=plan.initiator.pk, cosigners=cosigner_ids, **texts)
        else:
            case = services.create_draft(
                plan.initiator,
                cosigners=cosigner_ids,
                collective=plan.collective,
                organisation=plan.organisation.pk if plan.organisation else None,
                **texts,
            )
        plan.case_id = cid = case.pk
        if plan.collective and not paper:
            self._named_signer(case, plan)
            self.upload(cid, plan.initiator, Attachment.Purpose.SEALED_SCAN, "盖章件.pdf")
        if plan.route == "draft":
            return
        cosign_day = min(plan.create_day + days(rng.randint(0, 2)), plan.submit_day)
        scan = None
        for cosigner in plan.cosigners:
            yield c.at(cosign_day)
            if paper:
                scan = scan or self.upload(cid, staff, Attachment.Purpose.COSIGN_SCAN, "附议签名.pdf")
                self.act("cosign", staff, cid, {"proposer": cosigner.pk, "scan": scan.pk})
            elif cosigner.pk in o.get("declines", ()):
                self.act("decline_cosign", cosigner, cid, {"reason": "本人对该问题了解不多，不便附议。"})
            else:
                self.act("cosign", cosigner, cid)
        yield c.at(plan.submit_day)
        self.act("submit", staff if paper else plan.initiator, cid)
        if o.get("not_public"):
            yield c.at(plan.submit_day)
            self.act("set_public", plan.initiator, cid, {"public": False, "reason": "涉及具体企业经营情况，不宜公开。"})
        if plan.route == "withdraw":
            yield c.at(plan.submit_day + days(rng.randint(2, 6)))
            self.act("withdraw", plan.initiator, cid, {"reason": "经与相关部门沟通，问题已在解决中，申请撤案。"})
            return
        if plan.route == "returned" or o.get("returned_first"):
            yield c.work(plan.submit_day + days(2) if plan.route != "returned" else plan.review_day)
            self.act("return_for_revision", staff, cid, {"reason": "建议部分不够具体，请补充可操作的办法后再提交。"})
            if plan.route == "returned":
                return
            yield c.at(c.day + days(rng.randint(1, 3)))
            services.update_draft(
                plan.initiator, cid, suggestions=texts["suggestions"] + "同时建议明确责任单位和完成时限。"
            )
            yield c.at(c.day)
            self.act("submit", plan.initiator, cid)
        outcome = {
            "file": "file",
            "merge_filed": "file",
            "convert": "convert",
            "reject": "reject",
            "merge_submitted": "merge",
        }.get(plan.route, "file")
        if o.get("recommend") or plan.route == "reject":
            yield c.work(plan.review_day - days(rng.randint(1, 3)))
            self.act(
                "recommend",
                staff,
                cid,
                {
                    "outcome": outcome,
                    "reason": {
                        "file": "符合立案条件，建议立案。",
                        "convert": "所提问题具体、范围较小，建议转为建议办理。",
                        "reject": "不符合提案立案条件。",
                        "merge": "与已立案提案内容相同，建议并案。",
                    }[outcome],
                },
            )
        if plan.route == "submitted":
            return
        yield c.work(plan.review_day)
        if plan.route == "reject":
            # A concrete matter is turned down for what fits it (no workable suggestion, beyond the district's powers).
            ground = rng.choice([g for g in self.grounds if g.name in N.GROUNDS_FOR_MATTERS] or self.grounds)
            self.act(
                "reject",
                reviewer,
                cid,
                {"ground": ground.pk, "message": f"经审查，该件{ground.name[:-1]}，不予立案，感谢您的关心。"},
            )
            return
        if plan.route == "merge_submitted":
            yield from self._until_filed(c, o["host"])
            self.act("merge", reviewer, cid, {"host": o["host"].case_id, "reason": "内容相近，并案办理。"})
            return
        if plan.route == "convert":
            consent = f"提案人于{c.day.month}月{c.day.day}日电话确认同意转为建议"
            self.act(
                "convert_to_suggestion",
                reviewer,
                cid,
                {"reason": "所提问题较为具体，转为建议交有关单位办理。", "consent": consent},
            )
        else:
            self.act("file", reviewer, cid)
        if plan.route == "merge_filed":
            yield c.work(o["merge_day"])
            yield from self._until_filed(c, o["host"])
            self.act(
                "merge", reviewer, cid, {"host": o["host"].case_id, "reason": "与另一件已立案提案内容相同，并案办理。"}
            )
            return
        yield from self.handle(plan, c, cid, staff, reviewer)

    @staticmethod
    def _until_filed(c: Cursor, host: Plan) -> Iterator[dt.datetime]:
        """A merge waits for its host's filing (a Spring Festival holiday can push the host's review back)."""
        while not Case.objects.filter(pk=host.case_id, number__isnull=False).exists():
            yield c.work(c.day + days(3))

    def handle(self, plan: Plan, c: Cursor, cid: int, staff: User, reviewer: User) -> Iterator[dt.datetime]:
        rng, o = self.rng, plan.opts
        A = plan.assign_day
        yield c.work(A)
        self.act("assign", staff, cid, {"units": [{"unit": u.pk, "role": r} for u, r in plan.units]})
        A = c.day
        live = {a.unit_id: a for a in Assignment.objects.filter(case_id=cid)}
        if o.get("return_request"):
            first = live[plan.units[0][0].pk]
            taken = {u.name for u, _ in plan.units}
            other = self.units[rng.choice([n for n in N.BUREAUS if n not in taken])]
            yield c.work(workdays.add_workdays(A, rng.randint(1, 2)))
            self.act(
                "request_return",
                self.contact_of[first.unit_id],
                cid,
                {"reason": "该事项不属于本单位职责范围。", "suggested_unit": other.pk},
                first.pk,
            )
            if o["return_request"] == "pending":
                return
            yield c.work(workdays.add_workdays(c.day, 1))
            self.act("approve_return", staff, cid, {"reason": "同意退回，改交相关职能部门。"}, first.pk)
            yield c.at(c.day, workday=True)
            self.act(
                "reassign", staff, cid, {"replace": first.pk, "unit": other.pk, "reason": "根据承办单位申请改派。"}
            )
            live = {a.unit_id: a for a in Assignment.objects.filter(case_id=cid).exclude(status="withdrawn_from_unit")}
            plan.units = [(other if u.pk == first.unit_id else u, r) for u, r in plan.units]
            A = c.day
        if o.get("key"):
            leaders = o.setdefault("leaders", [self.leaders[0], rng.choice(self.leaders[1:])])
            yield c.work(A + days(rng.randint(2, 5)))
            self.act(
                "recommend_key",
                staff,
                cid,
                {
                    "leaders": [u.pk for u in leaders],
                    "plan": "主席会议成员领衔督办：带案视察一次，上门协商督办一次，必要时召开座谈会。",
                },
            )
            yield c.work(c.day + days(rng.randint(2, 5)))
            self.act("designate_key", reviewer, cid)
        if o.get("never_sign"):
            return
        for unit, _role in plan.units:
            a = live[unit.pk]
            if o.get("deemed"):
                yield c.work(workdays.add_workdays(clock.local_date(a.assigned_at), 6))
                self.act("deem_signed", None, cid, {}, a.pk)
            else:
                yield c.work(workdays.add_workdays(clock.local_date(a.assigned_at), rng.randint(1, 4)))
                self.act("sign", self.contact_of[unit.pk], cid, {}, a.pk)
        replying = [(u, r) for u, r in plan.units if r != "co"]
        co = [(u, r) for u, r in plan.units if r == "co"]
        names = "、".join(p.display_name for p in [plan.initiator] + plan.cosigners[:1])
        ctx = self._context(plan)
        focus = plan.title.removeprefix("关于").rsplit("的", 1)[0]
        for unit, _ in replying:
            yield c.work(A + days(rng.randint(8, 20)))
            way = rng.choice(["phone", "visit"])
            self.act(
                "log_contact",
                self.contact_of[unit.pk],
                cid,
                {
                    "way": way,
                    "point": "intake",
                    "date": c.day.isoformat(),
                    "people": f"{self.contact_of[unit.pk].display_name}（{unit.name}经办人）、{names}",
                    "summary": N.intake_summary(
                        plan.theme, rng, ctx, unit=unit.name, proposer=plan.initiator.display_name, way=way, focus=focus
                    ),
                },
                live[unit.pk].pk,
            )
        for unit, _ in co:
            yield c.work(A + days(rng.randint(12, 26)))
            self.act(
                "send_views",
                self.contact_of[unit.pk],
                cid,
                {"text": N.fill(rng.choice(N.CO_VIEWS), rng, {**ctx, "unit": unit.name})},
                live[unit.pk].pk,
            )
        if o.get("key"):
            actor, lead = o["leaders"][0], replying[0][0]
            for kind, offset in (("inspection", 20), ("visit", 38)):
                yield c.work(A + days(offset + rng.randint(0, 6)))
                self.act(
                    "log_supervision",
                    actor,
                    cid,
                    {
                        "kind": kind,
                        "date": c.day.isoformat(),
                        "people": f"{actor.display_name}、区政协提案委、{lead.name}负责同志、提案人{plan.initiator.display_name}",
                        "minutes": N.supervision_minutes(
                            plan.theme, rng, ctx, kind=kind, leader=actor.display_name, unit=lead.name, day=c.day
                        ),
                    },
                )
        for unit, _ in replying:
            if rng.random() < 0.55:
                yield c.work(A + days(rng.randint(25, 45)))
                self.act(
                    "log_contact",
                    self.contact_of[unit.pk],
                    cid,
                    {
                        "way": rng.choice(["meeting", "visit", "inspection"]),
                        "point": "handling",
                        "date": c.day.isoformat(),
                        "people": f"{self.signer_of[unit.pk]}、{self.contact_of[unit.pk].display_name}、{names}",
                        "face_to_face": True,
                        "summary": N.handling_summary(
                            plan.theme, rng, ctx, unit=unit.name, proposer=plan.initiator.display_name
                        ),
                    },
                    live[unit.pk].pk,
                )
        if o.get("extension"):
            unit = replying[0][0]
            a = live[unit.pk]
            yield c.work(A + days(rng.randint(62, 72)))
            due = workdays.add_months(A, 5)
            self.act(
                "request_extension",
                self.contact_of[unit.pk],
                cid,
                {"reason": "涉及项目立项和资金筹措，需协调市级部门，申请延期答复。", "due": due.isoformat()},
                a.pk,
            )
            if o["extension"] == "requested":
                return
            yield c.work(c.day + days(rng.randint(2, 4)))
            if o["extension"] == "approved":
                self.act("approve_extension", staff, cid, {"reason": "情况属实，同意延期。"}, a.pk)
            else:
                self.act("refuse_extension", staff, cid, {"reason": "请按期答复，后续进展可在答复中说明。"}, a.pk)
        reply_day = o.get("reply_day") or A + days(
            rng.randint(45, 80) if o.get("extension") != "approved" else rng.randint(110, 140)
        )
        if rng.random() < 0.03 and not o.get("reply_day"):
            reply_day = A + days(rng.randint(93, 100))  # a few late replies, for an honest on-time rate
        yield from self.reply_round(plan, c, cid, staff, [u for u, _ in replying], live, reply_day, 1)
        if o.get("accept_late"):
            return
        all_rated = yield from self.rate_round(plan, c, cid, staff, 1)
        if o.get("rehandle"):
            yield c.work(c.day + days(rng.randint(2, 5)))
            self.act("rehandle", staff, cid, {"reason": "提案人对答复不满意，请承办单位重新办理。"})
            if o.get("reply2_late"):
                return
            reopened = [u for u, _ in replying if Assignment.objects.get(pk=live[u.pk].pk).round == 2]
            yield from self.reply_round(plan, c, cid, staff, reopened, live, c.day + days(rng.randint(10, 25)), 2)
            all_rated = yield from self.rate_round(plan, c, cid, staff, 2)
        if all_rated:
            yield c.work(c.day + days(rng.randint(1, 4)))
        else:
            yield c.work(Case.objects.get(pk=cid).rating_deadline + days(rng.randint(1, 3)))
        self.act("close", staff, cid)
        if o.get("publish") and not o.get("not_public"):
            yield c.work(c.day + days(rng.randint(3, 15)))
            self.act("publish", staff, cid)
        if o.get("follow_up") or (self.last_class.get(cid) == "B" and rng.random() < 0.4):
            unit = replying[0][0]
            yield c.work(c.day + days(rng.randint(40, 120)))
            done = rng.random() < 0.5
            self.act(
                "follow_up",
                self.contact_of[unit.pk],
                cid,
                {
                    "date": c.day.isoformat(),
                    "done": done,
                    "content": N.follow_up_content(plan.theme, rng, self._context(plan), done=done, day=c.day),
                },
            )

    def reply_round(
        self, plan: Plan, c: Cursor, cid: int, staff: User, units: list, live: dict, reply_day: dt.date, round_: int
    ) -> Iterator[dt.datetime]:
        rng, o = self.rng, plan.opts
        reply_class = o.get("reply_class", "A") if round_ == 1 else rng.choice("AB")
        needs_class = plan.kind == Kind.PROPOSAL and plan.route != "convert"
        for unit in units:
            jitter = rng.randint(0, 4)
            if o.get("accept_late"):
                # The reply must land before today whatever weekday the seed runs on (a Sunday pushed it past
                # today and the demo lost its reply waiting for the staff's check); the draw keeps the sequence.
                jitter = 0
            yield c.work(reply_day + days(jitter))
            self.act(
                "reply",
                self.contact_of[unit.pk],
                cid,
                {
                    "reply_class": reply_class if needs_class else "",
                    "letter": N.letter(
                        plan.theme,
                        rng,
                        self._context(plan),
                        proposer=plan.initiator.display_name,
                        case_title=plan.title,  # review keeps the 案由 (conversion too)
                        unit=unit.name,
                        reply_class=reply_class,
                        reply_day=c.day,
                    ),
                    "signer": self.signer_of[unit.pk],
                    "contact_person": self.contact_of[unit.pk].display_name,
                    "contact_phone": self.units[unit.name].phone or "0917-6200000",
                    # The stamped letter goes with the reply (required for proposals by default).
                    "letter_file": self.upload(
                        cid, self.contact_of[unit.pk], Attachment.Purpose.REPLY_LETTER, "答复函.pdf"
                    ).pk,
                },
                live[unit.pk].pk,
            )
        if o.get("accept_late"):
            yield c.work(c.day + days(rng.randint(3, 5)))
        for unit in units:
            yield c.work(c.day + days(rng.randint(1, 3)))
            self.act("accept_reply", staff, cid, {}, live[unit.pk].pk)
        if needs_class:
            self.last_class[cid] = reply_class

    def rate_round(self, plan: Plan, c: Cursor, cid: int, staff: User, round_: int) -> Iterator[dt.datetime]:
        """Every proposer rates every replying unit of this round; returns whether all did."""
        rng, o = self.rng, plan.opts
        proposers = [p for p in Proposer.objects.filter(case_id=cid).select_related("user") if p.counts]
        assignments = list(Assignment.objects.filter(case_id=cid, round=round_, status="accepted").exclude(role="co"))
        users = self.member_by_id
        skip = set(o.get("skip_rating", ()))
        if o.get("partial_rating") and len(proposers) > 1:
            skip.add(proposers[-1].user_id)
        all_rated = not skip
        start = c.day + days(rng.randint(2, 8))
        for a in assignments:
            for p in proposers:
                if p.user_id in skip:
                    continue
                yield c.at(start + days(rng.randint(0, 3)))
                if round_ == 1 and o.get("rehandle") and p.is_initiator:
                    reply_rating, contact_rating = "unsatisfied", "basic"
                elif p.is_initiator and o.get("stays_unsatisfied" if round_ == 2 else "unsatisfied_final"):
                    # A few stay dissatisfied in the last round: the satisfaction rate is not 100 %.
                    reply_rating, contact_rating = "unsatisfied", rng.choice(["basic", "satisfied"])
                else:
                    # What was delivered shows in the rating: an A reply pleases more often than a C.
                    share = {"A": 0.86, "B": 0.62, "C": 0.35}[self.last_class.get(cid) or o.get("reply_class", "A")]
                    reply_rating = "satisfied" if rng.random() < share else "basic"
                    contact_rating = "satisfied" if rng.random() < 0.88 else "basic"
                comment = ""
                if reply_rating != "satisfied" and rng.random() < 0.7:
                    comment = rng.choice(N.RATING_COMMENTS[reply_rating])
                data = {"reply_rating": reply_rating, "contact_rating": contact_rating, "comment": comment}
                if o.get("paper_rating") and p.is_initiator:
                    form = self.upload(cid, staff, Attachment.Purpose.RATING_FORM, "征询意见表.pdf")
                    self.act("rate", staff, cid, {**data, "proposer": p.user_id, "form_scan": form.pk}, a.pk)
                else:
                    self.act("rate", users.get(p.user_id, p.user), cid, data, a.pk)
        return all_rated

    # --- Demo logins -------------------------------------------------------------------------------

    def set_demo_passwords(self) -> None:
        """At the real time of seeding (never the frozen clock): the logins listed in the README."""
        for user in User.objects.filter(
            username__in=["admin", "staff", "reviewer", "member", "member2", "unit", "unit2", "leader"]
        ):
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
        # 2FA + 三员 demo logins (issue 7)
        ensure_demo_totp(User.objects.filter(is_active=True), password=PASSWORD)


def _village(rng: random.Random) -> str:
    town = rng.choice(sorted(N.VILLAGES))
    return town + rng.choice(N.VILLAGES[town])


def _demo_emails(users) -> None:
    """Every demo person gets a mailbox on the reserved example.cn domain (so the e-mail channel is exercised)."""
    for user in users:
        user.email = f"{user.username}@example.cn"
