"""The counting rules of issue 13, each on a small hand-built case set whose answer is worked out here by hand."""

from __future__ import annotations

import datetime as dt

from core import clock
from members.models import Sector, SpecialCommittee
from proposals import services
from proposals.models import ContactRecord, Extension
from reporting import stats
from tests.factories import CaseBuilder, make_member, named_signer, reply_letter
from tests.stats.conftest import _builder

T0 = dt.date(2026, 3, 2)
LATER = dt.date(2026, 12, 1)
LETTER = {
    "letter": "经研究，答复如下……",
    "signer": "赵局长",
    "contact_person": "钱科长",
    "contact_phone": "0917-6212345",
}


def reply(b: CaseBuilder, unit, user, reply_class: str = "A") -> CaseBuilder:
    a = b.assignment(unit)
    b.act(
        "reply",
        user,
        {"reply_class": reply_class, **LETTER, "letter_file": reply_letter(b.case, user).pk},
        assignment=a,
    )
    return b.act("accept_reply", b.w.staff, assignment=b.assignment(unit))


def rate(b: CaseBuilder, unit, **by_user) -> CaseBuilder:
    for user, value in by_user.items():
        b.act(
            "rate",
            getattr(b.w, user),
            {"reply_rating": value, "contact_rating": "satisfied"},
            assignment=b.assignment(unit),
        )
    return b


def test_satisfaction_uses_each_replying_assignments_latest_round(world):
    """分办 to 区住建局 and 区交通运输局; 区住建局 is re-handled, 区交通运输局 is not.

    Round 1: 住建局 — 张 不满意, 李 满意; 交通局 — 张 满意, 李 基本满意.
    Round 2 (住建局 only): 张 基本满意, 李 不满意.
    Latest rounds: 住建局 round 2 (basic, unsatisfied) + 交通局 round 1 (satisfied, basic):
    4 given, 3 satisfied or basic -> 0.75. (Counting the case's latest round only would give 1/2.)
    """
    w = world
    with clock.frozen(T0):
        b = (
            CaseBuilder(w)
            .filed()
            .act(
                "assign",
                w.staff,
                {"units": [{"unit": w.unit.pk, "role": "separate"}, {"unit": w.unit3.pk, "role": "separate"}]},
            )
        )
        b.act("sign", w.unit_user, assignment=b.assignment(w.unit))
        b.act("sign", w.unit3_user, assignment=b.assignment(w.unit3))
        reply(b, w.unit, w.unit_user)
        reply(b, w.unit3, w.unit3_user, "B")
        assert b.refresh().status == "replied"
        rate(b, w.unit, member="unsatisfied", member2="satisfied")
        rate(b, w.unit3, member="satisfied", member2="basic")
        b.act("rehandle", w.staff, {"reason": "提案人不满意，重新办理。"})
        # Between the rounds: 住建局's round 2 has no rating yet; 交通局's round 1 still counts.
        mid = stats.satisfaction(w.term, T0)
        assert (mid["given"], mid["satisfied"], mid["basic"], mid["rate"]) == (2, 1, 1, 1.0)
        reply(b, w.unit, w.unit_user)
        assert b.refresh().status == "replied" and b.case.round == 2
        rate(b, w.unit, member="basic", member2="unsatisfied")
    s = stats.satisfaction(w.term, T0)
    assert (s["given"], s["satisfied"], s["basic"], s["unsatisfied"]) == (4, 1, 2, 1)
    assert s["rate"] == 0.75
    league = {r["unit"]: r for r in stats.unit_league(stats.scope(w.term), T0)["rows"]}
    assert (league["区住建局"]["ratings_given"], league["区住建局"]["satisfaction_rate"]) == (2, 0.5)
    assert (league["区交通运输局"]["ratings_given"], league["区交通运输局"]["satisfaction_rate"]) == (2, 1.0)
    assert stats.dashboard(w.term, today=T0)["headline"]["satisfaction_rate"] == 0.75


def test_unrated_after_the_window_counts_each_assignments_latest_round(world):
    """分办 to two units, two proposers: round 1 rated by 张 only, for both units; 住建局 re-handled
    and replied again; nobody rates round 2. Past the window: 住建局's round 2 owes 2 pairs, 交通局's
    round 1 (its latest) owes 李's -> 3. (Counting the case's latest round only would give 2.)"""
    w = world
    with clock.frozen(T0):
        b = (
            CaseBuilder(w)
            .filed()
            .act(
                "assign",
                w.staff,
                {"units": [{"unit": w.unit.pk, "role": "separate"}, {"unit": w.unit3.pk, "role": "separate"}]},
            )
        )
        b.act("sign", w.unit_user, assignment=b.assignment(w.unit))
        b.act("sign", w.unit3_user, assignment=b.assignment(w.unit3))
        reply(b, w.unit, w.unit_user)
        reply(b, w.unit3, w.unit3_user)
        rate(b, w.unit, member="unsatisfied")
        rate(b, w.unit3, member="satisfied")
        b.act("rehandle", w.staff, {"reason": "重新办理。"})
        reply(b, w.unit, w.unit_user)
    assert stats.satisfaction(w.term, LATER)["unrated_after_window"] == 3
    assert stats.satisfaction(w.term, T0)["unrated_after_window"] == 0  # the window is still open


def test_on_time_uses_the_due_date_staff_approved_not_the_one_requested(world):
    """Both cases assigned 2 March 2026 to one unit (due 2 June). Each unit asks to extend to 3 Aug;
    staff approve 1 July. Case 1's reply is accepted 15 July: late against the approved date (on
    time against the requested one). Case 2's on 30 June: on time. Both are then re-handled (round
    2), so the first round's due date comes from the approved extension. On time: 1 of 2."""
    w = world
    built = []
    with clock.frozen(T0):
        for title in ("关于城区供暖设施改造的提案", "关于城镇生活污水处理的提案"):
            b = CaseBuilder(w, cosign=False, title=title).handling(co=False)
            a = b.assignment(w.unit)
            b.act(
                "request_extension",
                w.unit_user,
                {"reason": "涉及资金筹措，需协调市级部门。", "due": "2026-08-03"},
                assignment=a,
            )
            b.act("approve_extension", w.staff, {"due": "2026-07-01", "reason": "同意延至7月1日。"}, assignment=a)
            built.append(b)
    ext = Extension.objects.filter(case=built[0].case).get()
    assert (ext.requested_due, ext.approved_due) == (dt.date(2026, 8, 3), dt.date(2026, 7, 1))
    for b, accepted_on in zip(built, (dt.date(2026, 7, 15), dt.date(2026, 6, 30))):
        with clock.frozen(accepted_on):
            reply(b, w.unit, w.unit_user)
            rate(b, w.unit, member="unsatisfied")
            b.act("rehandle", w.staff, {"reason": "重新办理。"})
    assert built[0].assignment(w.unit).round == 2
    assert stats.on_time(w.term, LATER) == (1, 2)
    assert stats.summary(w.term, LATER)["on_time_reply_rate"] == 0.5
    totals = stats.unit_league(stats.scope(w.term), LATER)["totals"]
    assert (totals["replied_on_time"], totals["replies_due"]) == (1, 2)


def test_filing_rate_counts_each_received_proposal_once_and_leaves_review_apart(world):
    """A filed; B returned, resubmitted, filed; C filed then merged into A; D converted; E merged into
    A before filing; F rejected; G withdrawn after submission; H submitted (under review); I returned
    (under review); J a draft.
    Filed: A, B, C = 3. Received: A–G = 7. Under review: H, I = 2. 立案率 = 3/7 = 0.4286."""
    w = world
    with clock.frozen(T0):
        a = CaseBuilder(w).filed()
        b = (
            CaseBuilder(w)
            .returned()
            .act("submit", w.member)
            .act("return_for_revision", w.reviewer, {"reason": "再补充。"})
            .act("submit", w.member)
            .act("file", w.reviewer)
        )
        CaseBuilder(w).filed().act("merge", w.reviewer, {"host": a.case.pk, "reason": "内容相近。"})
        CaseBuilder(w).converted()
        CaseBuilder(w).merged_into(a.case)
        CaseBuilder(w).rejected()
        CaseBuilder(w).withdrawn()
        CaseBuilder(w).submitted()
        CaseBuilder(w).returned()
        CaseBuilder(w)
    assert b.refresh().number is not None
    f = stats.filing(stats.scope(w.term))
    assert (f["filed"], f["received"], f["under_review"]) == (3, 7, 2)
    assert f["rate"] == round(3 / 7, 4) == 0.4286
    s = stats.summary(w.term, LATER)
    assert (s["filing_rate"], s["received"], s["under_review"], s["proposals_filed"]) == (0.4286, 7, 2, 3)
    # Per session: a 平时提案 takes its session when numbered, so only A, B, C and D (numbered) are in it.
    h = stats.dashboard(w.term, b.case.session, today=LATER)["headline"]
    assert (h["filing_rate"], h["received"], h["under_review"]) == (0.75, 4, 0)


def _member(world, username, name, sector, committee):
    user = make_member(world.term, username=username, name=name)
    m = user.memberships.get()
    m.sector, m.committee = sector, committee
    m.save()
    return user


def test_counts_by_sector_and_committee_split_by_kind_with_rates_beside(world):
    """Members: 张 and 李 (经济界, 提案委员会), 赵 (教育界, 文史委员会), 孙 (教育界, 文史委员会).

    P1 张 + 赵 (joint): one unit, replied A on time; ratings 张 满意, 赵 不满意.
    P2 张 + 李 (two 经济界 proposers): one unit, signed, never replied, past due.
    P3 a 专委会 collective case by 张: counts for 提案委员会 only, not for 经济界.
    P4 a 界别 collective case by 赵 (plenary): counts for 教育界 only, not for 文史委员会.
    S1 张's case converted to a suggestion; 孙 declined to co-sign: 经济界 / 提案委员会 only.

    Proposals by sector — 经济界: P1, P2 = 2; replying assignments 2, replied 1 (0.5), due 2, on time
    1 (0.5), A 1 (1.0), ratings 2 of which 1 satisfied (0.5). 教育界: P1, P4 = 2; replying 1, replied 1
    (1.0), on time 1.0, A 1.0, satisfaction 0.5. Proposals by committee — 提案委员会: P1, P2, P3 = 3,
    rates as 经济界; 文史委员会: P1 = 1, rates as 教育界. Suggestions: 经济界 1 and 提案委员会 1, nothing
    assigned (rates None); none for 教育界 or 文史委员会.
    """
    w = world
    edu = Sector.objects.create(name="教育界")
    wenshi = SpecialCommittee.objects.create(name="文史委员会")
    zhao = _member(w, "m8", "赵委员", edu, wenshi)
    sun = _member(w, "m9", "孙委员", edu, wenshi)
    plenary = dt.date(2026, 1, 9)

    def draft(user, cosigners=(), **kw):
        case = services.create_draft(
            user,
            title="关于职业技术教育人才培养的提案",
            facts="情况。",
            suggestions="建议。",
            category=w.category.pk,
            cosigners=list(cosigners),
            **kw,
        )
        if kw.get("collective"):
            named_signer(case)  # the committee or sector names its convener, who submits with the sealed scan
        return _builder(w, case)

    with clock.frozen(plenary):
        p1 = draft(w.member, [zhao.pk]).act("cosign", zhao).act("submit", w.member).act("file", w.reviewer)
        p2 = draft(w.member, [w.member2.pk]).act("cosign", w.member2).act("submit", w.member).act("file", w.reviewer)
        draft(w.member, collective="committee").act("submit", w.member).act("file", w.reviewer)
        draft(zhao, collective="sector").act("submit", zhao).act("file", w.reviewer)
        s1 = draft(w.member, [sun.pk]).act("decline_cosign", sun).act("submit", w.member)
        s1.act("convert_to_suggestion", w.reviewer, {"reason": "转为建议。", "consent": "提案人同意"})
        for b in (p1, p2):
            b.act("assign", w.staff, {"units": [{"unit": w.unit.pk, "role": "lead"}]})
            b.act("sign", w.unit_user, assignment=b.assignment(w.unit))
        reply(p1, w.unit, w.unit_user, "A")
        p1.act(
            "rate",
            w.member,
            {"reply_rating": "satisfied", "contact_rating": "satisfied"},
            assignment=p1.assignment(w.unit),
        )
        p1.act(
            "rate", zhao, {"reply_rating": "unsatisfied", "contact_rating": "basic"}, assignment=p1.assignment(w.unit)
        )
    assert s1.refresh().kind == "suggestion"

    def pick(rows):
        return {
            r["name"]: (
                r["count"],
                r["replying"],
                r["replied"],
                r["reply_rate"],
                r["replies_due"],
                r["replied_on_time"],
                r["on_time_rate"],
                r["A"],
                r["a_share"],
                r["ratings_given"],
                r["satisfaction_rate"],
            )
            for r in rows
        }

    busy = (2, 2, 1, 0.5, 2, 1, 0.5, 1, 1.0, 2, 0.5)
    single = (1, 1, 1.0, 1, 1, 1.0, 1, 1.0, 2, 0.5)
    idle = (1, 0, 0, None, 0, 0, None, 0, None, 0, None)
    sectors = stats.group_table(stats.scope(w.term), "sector", LATER)
    assert pick(sectors["proposal"]) == {"经济界": busy, "教育界": (2, *single)}
    assert pick(sectors["suggestion"]) == {"经济界": idle}
    committees = stats.group_table(stats.scope(w.term), "committee", LATER)
    assert pick(committees["proposal"]) == {"提案委员会": (3, *busy[1:]), "文史委员会": (1, *single)}
    assert pick(committees["suggestion"]) == {"提案委员会": idle}
    # The chart lists (both kinds together) follow the same collective rule.
    d = stats.dashboard(w.term, today=LATER)
    assert {r["name"]: r["count"] for r in d["by_sector"]} == {"经济界": 3, "教育界": 2}
    assert {r["name"]: r["count"] for r in d["by_committee"]} == {"提案委员会": 4, "文史委员会": 1}
    assert d["sector_table"] == sectors and stats.summary(w.term, LATER)["committee_table"] == committees


def test_share_of_replied_cases_with_contact_at_each_point(world):
    """Three replied cases: X contacts at 接案 and 答复; Y at 办理 twice; Z none. A fourth case with
    a 接案 contact is not yet replied and stays out. Of 3 replied: 接案 1, 办理 1, 答复 1 — 1/3 each."""
    w = world
    with clock.frozen(T0):
        cases = [CaseBuilder(w, cosign=False).handling(co=False) for _ in range(4)]

        def contact(b, point):
            b.act(
                "log_contact",
                w.unit_user,
                {"way": "phone", "point": point, "date": T0, "people": "钱科长", "summary": "沟通。"},
                assignment=b.assignment(w.unit),
            )

        x, y, z, open_case = cases
        contact(x, "intake")
        contact(x, "reply")
        contact(y, "handling")
        contact(y, "handling")
        contact(open_case, "intake")
        for b in (x, y, z):
            reply(b, w.unit, w.unit_user)
    assert ContactRecord.objects.filter(point="intake").count() == 2
    points = {p["point"]: (p["cases"], p["rate"]) for p in stats.summary(w.term, LATER)["contact_points"]}
    assert points == {"intake": (1, 0.3333), "handling": (1, 0.3333), "reply": (1, 0.3333)}
    assert stats.dashboard(w.term, today=LATER)["headline"]["contact_points"][0]["label"] == "接案"


def test_the_dashboard_and_the_api_show_the_sector_tables_and_contact_points(world, login):
    w = world
    with clock.frozen(T0):
        b = CaseBuilder(w, cosign=False).handling(co=False)
        b.act(
            "log_contact",
            w.unit_user,
            {
                "way": "visit",
                "point": "reply",
                "date": T0,
                "people": "钱科长",
                "summary": "面对面答复。",
                "face_to_face": True,
            },
            assignment=b.assignment(w.unit),
        )
        reply(b, w.unit, w.unit_user, "A")
    html = login(w.staff).get("/stats/").content.decode()
    assert "按界别、专委会：提案与建议分列" in html and "答复环节有沟通记录" in html
    body = login(w.staff).get("/api/stats/summary/").json()
    assert body["sector_table"]["proposal"][0]["name"] == "经济界"
    assert body["sector_table"]["proposal"][0]["a_share"] == 1.0
    assert {p["point"]: p["cases"] for p in body["contact_points"]} == {"intake": 0, "handling": 0, "reply": 1}
