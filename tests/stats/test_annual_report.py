"""The annual 提案工作情况报告 (issue 23): every figure equals the dashboard's for the same scope (a
term, a year, a session), on a hand-built set whose figures are worked out by hand below; the text
is the office's template; the Word draft is a background job."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import override_settings
from docx import Document

from core import clock
from jobs.models import Job
from reporting import annual, stats
from tests.factories import CaseBuilder

SPRING_2025 = dt.date(2025, 3, 3)
SPRING_2026 = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 3, 10)


def _rate_and_close(b: CaseBuilder, second: str) -> CaseBuilder:
    lead = b.assignment(b.w.unit)
    b.act("rate", b.w.member, {"reply_rating": "satisfied", "contact_rating": "satisfied"}, assignment=lead)
    b.act("rate", b.w.member2, {"reply_rating": second, "contact_rating": "satisfied"}, assignment=lead)
    return b.act("close", b.w.staff)


@pytest.fixture
def built(world):
    """2025 (四届四次会议): A closed class A (met face to face at 接案, both proposers 满意), B closed
    class B (one 满意, one 不满意; its commitment delivered), C converted, D not filed.
    2026: E withdrawn, F merged into A before filing, G filed and a key proposal under handling with an
    inspection and a door-to-door visit, H still under review. Only numbered cases (and plenary ones)
    take a session: D, E, F and H belong to none."""
    w = world
    with clock.frozen(SPRING_2025):
        a = CaseBuilder(w, title="关于加快车站棚户区改造的提案").handling()
        a.act(
            "log_contact",
            w.unit_user,
            {
                "way": "visit",
                "point": "intake",
                "date": SPRING_2025,
                "people": "钱科长",
                "summary": "上门听取意见。",
                "face_to_face": True,
            },
            assignment=a.assignment(w.unit),
        )
        _rate_and_close(a.replied("A"), "satisfied")
        b = _rate_and_close(CaseBuilder(w, title="关于城区供暖设施改造的提案").replied("B"), "unsatisfied")
        b.act("follow_up", w.staff, {"date": SPRING_2025, "content": "改造工程已完工。", "done": True})
        CaseBuilder(w, title="关于电信网络诈骗治理的提案").converted()
        CaseBuilder(w, title="关于某企业产品推广的提案").rejected()
    with clock.frozen(SPRING_2026):
        CaseBuilder(w, title="关于基础教育双减的提案").withdrawn()
        CaseBuilder(w, title="关于车站片区棚户区改造的提案").merged_into(a.case)
        g = CaseBuilder(w, title="关于加快先进制造业高质量发展的提案").assigned(co=False)
        g.act("recommend_key", w.staff, {"leaders": [w.leader.pk], "plan": "带案视察、上门督办。"})
        g.act("designate_key", w.reviewer)
        CaseBuilder(w, title="关于专精特新企业培育的提案").submitted()
    for kind, day in (("inspection", SPRING_2026), ("visit", dt.date(2026, 3, 5))):
        with clock.frozen(day):
            g.act(
                "log_supervision", w.leader, {"kind": kind, "date": day, "people": "督办领导", "minutes": "推进办理。"}
            )
    return {"a": a, "b": b, "g": g}


# The figures worked out by hand from the cases above (rates as fractions to four places).
TERM = {
    "received": 7,  # A B C D E F G (H is under review)
    "filed": 3,  # A B G
    "proposals_filed": 3,
    "suggestions": 1,  # C
    "key_proposals": 1,  # G
    "converted": 1,
    "merged": 1,
    "merged_after_filing": 0,
    "rejected": 1,
    "withdrawn": 1,
    "under_review": 1,
    "filing_rate": 0.4286,  # 3 / 7
    "handling_units": 2,  # 区住建局 (A B G), 区教育局 (co-handler of A B)
    "replying": 3,  # the lead units of A B G
    "replied": 2,
    "reply_rate": 0.6667,
    "replies_due": 2,  # G's three months are not up on TODAY
    "replies_on_time": 2,
    "on_time_rate": 1.0,
    "class_a": 1,
    "class_b": 1,
    "class_c": 0,
    "a_share": 0.5,
    "b_share": 0.5,
    "c_share": 0.0,
    "cases_replied": 2,
    "cases_face_to_face": 1,
    "face_to_face_rate": 0.5,
    "contact_intake_cases": 1,
    "contact_intake_rate": 0.5,
    "contact_handling_cases": 0,
    "contact_handling_rate": 0.0,
    "contact_reply_cases": 0,
    "contact_reply_rate": 0.0,
    "satisfaction_rate": 0.75,  # 3 of the 4 ratings 满意 or 基本满意
    "rehandled": 0,
    "b_commitments": 1,
    "b_delivered": 1,
}
YEAR_2025 = {
    **TERM,
    "received": 4,  # A B C D
    "filed": 2,
    "proposals_filed": 2,
    "key_proposals": 0,
    "merged": 0,
    "withdrawn": 0,
    "under_review": 0,
    "filing_rate": 0.5,
    "replying": 2,
    "reply_rate": 1.0,
}
YEAR_2026 = {
    **{k: 0 for k in TERM},
    "received": 3,  # E F G
    "filed": 1,
    "proposals_filed": 1,
    "key_proposals": 1,
    "merged": 1,
    "withdrawn": 1,
    "under_review": 1,
    "filing_rate": 0.3333,
    "handling_units": 1,
    "replying": 1,
    "reply_rate": 0.0,
    **dict.fromkeys(
        (
            "on_time_rate",
            "a_share",
            "b_share",
            "c_share",
            "face_to_face_rate",
            "contact_intake_rate",
            "contact_handling_rate",
            "contact_reply_rate",
            "satisfaction_rate",
        )
    ),
}
SESSION_4 = {**YEAR_2025, "received": 3, "rejected": 0, "filing_rate": 0.6667}  # D took no number, no session
SESSION_5 = {**YEAR_2026, "received": 1, "merged": 0, "withdrawn": 0, "under_review": 0, "filing_rate": 1.0}


def _scopes(world):
    sessions = {s.number: s for s in world.term.sessions.all()}
    return {
        "term": (annual.Scope(world.term), TERM),
        "2025": (annual.Scope(world.term, year=2025), YEAR_2025),
        "2026": (annual.Scope(world.term, year=2026), YEAR_2026),
        "session4": (annual.Scope(world.term, session=sessions[4]), SESSION_4),
        "session5": (annual.Scope(world.term, session=sessions[5]), SESSION_5),
    }


def _query(scope: annual.Scope) -> dict:
    query = {"term": scope.term.pk}
    if scope.session:
        query["session"] = scope.session.pk
    if scope.year:
        query["year"] = scope.year
    return query


def test_every_figure_of_the_report_is_the_one_worked_out_by_hand_for_each_scope(built, world):
    for name, (scope, expected) in _scopes(world).items():
        data = stats.dashboard(scope.term, scope.session, today=TODAY, year=scope.year)
        got = annual.figures(data)
        assert got == expected, name


def test_every_figure_of_the_report_equals_the_dashboards_for_the_same_scope(built, world, login):
    client = login(world.staff)
    with clock.frozen(TODAY):
        for name, (scope, _expected) in _scopes(world).items():
            page = client.get("/stats/", _query(scope))
            assert page.status_code == 200
            shown = page.context["data"]
            report = client.get("/stats/annual/", _query(scope))
            assert report.status_code == 200
            fresh = stats.dashboard(scope.term, scope.session, year=scope.year)
            figures = annual.figures(fresh)
            assert set(figures) >= set(annual.FIGURES)
            for key, value in figures.items():
                assert value == annual.figures(shown)[key], (name, key)
            # The page shows the figures of the dashboard's snapshot in the office's text.
            assert report.context["data"] == shown, name


def test_the_key_proposal_the_units_and_the_award_candidates_are_in_the_report(built, world):
    with clock.frozen(TODAY):
        data = stats.dashboard(world.term)
    key = data["key_progress"][0]
    assert key["title"] == "关于加快先进制造业高质量发展的提案"
    assert key["leaders"] == "督办领导"
    kinds = {a["kind"]: (a["count"], a["dates"]) for a in key["activity_kinds"]}
    assert kinds == {"inspection": (1, ["2026-03-02"]), "visit": (1, ["2026-03-05"]), "symposium": (0, [])}
    # 优秀提案: closed, class A, every latest rating 满意 — A only (B's class is B and one proposer
    # was 不满意). 办理先进单位: no unit has the three replies the rule asks.
    assert [p["title"] for p in data["award_candidates"]["proposals"]] == ["关于加快车站棚户区改造的提案"]
    assert data["award_candidates"]["units"] == []
    blocks = annual.render(annual.Scope(world.term), data)
    tables = {b.table.title: b.table for b in blocks if b.kind == "table"}
    assert tables["重点提案督办情况"].rows[0][4] == "带案视察1次（3月2日）；上门协商督办1次（3月5日）"
    assert [r[0] for r in tables["承办单位办理情况"].rows] == ["区住建局", "区教育局"]
    text = "\n".join(b.text for b in blocks)
    assert "共立案提案3件、建议1件，确立重点提案1件" in text
    assert "立案3件，立案率42.9%；转为建议1件，并案1件，不予立案1件，提案人撤案1件" in text
    assert "满意率为75.0%" in text and "暂按以下规则提出候选" in text


def test_the_opening_names_the_period_of_the_scope(built, world):
    with clock.frozen(TODAY):
        for name, (scope, _) in _scopes(world).items():
            data = stats.dashboard(scope.term, scope.session, year=scope.year)
            opening = annual.opening(annual.render(scope, data))
            expected = {
                "term": "四届一次会议以来",
                "2025": "2025年",
                "2026": "2026年",
                "session4": "四届四次会议以来",
                "session5": "四届五次会议以来",
            }[name]
            assert opening.startswith(expected + "共立案提案"), opening


def test_a_replaced_template_is_the_one_used_and_a_broken_one_is_refused_in_chinese(built, world, tmp_path):
    mine = tmp_path / "mine.j2"
    mine.write_text(
        "本年度立案{{ n.proposals_filed }}件，满意率{{ n.satisfaction_rate|pct }}。\n\n[表] league\n", "utf-8"
    )
    with clock.frozen(TODAY):
        data = stats.dashboard(world.term)
    with override_settings(ANNUAL_REPORT_TEMPLATE=str(mine)):
        blocks = annual.render(annual.Scope(world.term), data)
    assert [b.kind for b in blocks] == ["paragraph", "table"]
    assert blocks[0].text == "本年度立案3件，满意率75.0%。"
    for broken, says in (
        ("{{ n.no_such_figure }}", "报告模板有误"),
        ("{{ n.__class__.__mro__ }}", "报告模板有误"),
        ("[表] nothing", "没有名为“nothing”的表格"),
    ):
        with pytest.raises(annual.ReportTemplateError, match=says):
            annual.render(annual.Scope(world.term), data, broken)


def test_the_word_draft_is_a_background_job_of_staff_with_progress(built, world, login):
    client = login(world.staff)
    with clock.frozen(TODAY):
        response = client.post(f"/stats/annual/?term={world.term.pk}&year=2025")
    job = Job.objects.get(kind="annual_report")
    assert response.status_code == 302 and response["Location"].endswith(f"/{job.pk}/")
    assert job.state == Job.State.SUCCEEDED, job.message
    assert (job.done, job.total) == (3, 3)
    assert job.result_name == "政协陈仓区委员会2025年度提案工作情况报告（草稿）.docx"
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download.status_code == 200
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "政协陈仓区委员会2025年度提案工作情况报告（草稿）" in text
    assert "2025年共立案提案2件、建议1件，确立重点提案0件" in text
    assert len(document.tables) >= 10


def test_only_staff_draft_the_report(built, world, login):
    for user in (world.member, world.unit_user, world.leader):
        assert login(user).get("/stats/annual/").status_code == 403
        assert login(user).post("/stats/annual/").status_code == 403
    assert not Job.objects.filter(kind="annual_report").exists()


def test_the_word_draft_uses_the_template_the_administrator_uploaded(built, world):
    from django.utils import timezone

    from reporting import documents
    from reporting.models import DocumentTemplate

    kind = documents.get("annual_report")
    assert documents.check_template(kind, kind.default_template.read_bytes()) == []
    mine = Document()
    mine.add_paragraph("{{ committee }}：{{ scope }}立案{{ n.proposals_filed }}件，立案率{{ n.filing_rate }}。")
    mine.add_paragraph("{%p for b in body %}")
    mine.add_paragraph("【{{ b.kind }}】{{ b.text }}{{ b.title }}")
    mine.add_paragraph("{%p endfor %}")
    buffer = io.BytesIO()
    mine.save(buffer)
    assert documents.check_template(kind, buffer.getvalue()) == []
    DocumentTemplate.objects.create(
        kind="annual_report",
        version=1,
        content=buffer.getvalue(),
        filename="报告.docx",
        uploaded_by=world.staff,
        uploaded_at=timezone.now(),
    )
    scope = annual.Scope(world.term, year=2025)
    with clock.frozen(TODAY):
        data = stats.dashboard(world.term, year=2025)
    content = annual.to_docx(scope, annual.render(scope, data), annual.figures(data))
    text = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert text[0] == "中国人民政治协商会议陈仓区委员会：2025年度立案2件，立案率50.0%。"
    assert "【heading】一、提案提交和审查情况" in text
    assert "【table】提案审查情况" in text
