"""demo/names.py's matters compose into whole texts for every place, every class, without the database.

The seeded demo is measured in tests/test_seed_demo.py (slow); this catches a broken placeholder or a
reply without figures in a second.
"""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from demo import names as N

DATES = re.compile(r"20\d\d年(\d{1,2}月)?(\d{1,2}日)?")
FIGURE = re.compile(r"\d+(\.\d+)?[%万亿元个户名公里人次套家台处所件平亩吨部条期场株座支]")


@pytest.mark.parametrize("matter", N.MATTERS, ids=[m["key"] for m in N.MATTERS])
def test_every_matter_composes_at_every_place_and_each_reply_class_says_something_different(matter):
    rng = random.Random(7)
    assert matter["category"] in N.CATEGORY_WEIGHTS
    assert set(matter["places"]) <= set(N.OFFICIAL_PLACES)
    for place in matter["places"]:
        ctx = {"p": place, "y": 2024, "y0": 2023, **N.figures(matter, rng)}
        for core in matter["cores"]:
            assert place in N.title(matter, core, place, "提案")
        facts = N.facts(matter, rng, ctx)
        assert facts.count("\n") >= 1 and place in facts and "{" not in facts
        assert "二、" in N.suggestions(matter, rng, ctx)
        letters = {
            c: N.letter(
                matter,
                rng,
                ctx,
                proposer="某某",
                case_title="关于某事的提案",
                unit=matter["units"][0],
                reply_class=c,
                reply_day=dt.date(2024, 5, 20),
            )
            for c in "ABC"
        }
        for c, letter in letters.items():
            assert "{" not in letter and FIGURE.search(DATES.sub("", letter)), letter
            assert ("暂不具备" in letter) == (c == "C")
        assert "列入计划的事项" in letters["B"] and "列入计划的事项" not in letters["A"]
        for kind in ("inspection", "visit"):
            minutes = N.supervision_minutes(
                matter, rng, ctx, kind=kind, leader="某某", unit="某局", day=dt.date(2024, 4, 1)
            )
            assert "{" not in minutes
        assert place in N.handling_summary(matter, rng, ctx, unit="某局", proposer="某某")


def test_the_matters_can_give_far_more_distinct_titles_than_the_demo_needs():
    titles = {N.title(m, c, p, "提案") for m in N.MATTERS for c in m["cores"] for p in m["places"]}
    assert len(titles) > 2 * 636
