"""assist_eval on the committed labelled set, with a floor: a change that makes the ranking worse fails CI."""

import json

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db

FLOOR = 0.75


def figures(out: str) -> dict[str, float]:
    return {
        k: float(v)
        for k, v in (line.split("=") for line in out.split() if line.split("=")[0] in {"precision@3", "recall@5"})
    }


def test_the_committed_labelled_set_stays_above_the_floor(capsys):
    call_command("assist_eval", "bench/assist/cases.jsonl", "--min", str(FLOOR))
    got = figures(capsys.readouterr().out)
    assert got["precision@3"] >= FLOOR and got["recall@5"] >= FLOOR


def test_the_floor_fails_the_command_when_the_ranking_cannot_reach_it(tmp_path):
    # Two groups whose members share nothing: no ranking can find them.
    rows = [
        {"id": 1, "title": "治理城区餐饮油烟扰民", "body": "", "session": "", "group": "a", "lead_unit": ""},
        {"id": 2, "title": "加强森林防火", "body": "", "session": "", "group": "a", "lead_unit": ""},
        {"id": 3, "title": "推进高效节水灌溉", "body": "", "session": "", "group": "b", "lead_unit": ""},
        {"id": 4, "title": "加快5G网络覆盖", "body": "", "session": "", "group": "b", "lead_unit": ""},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    with pytest.raises(CommandError, match="低于下限"):
        call_command("assist_eval", str(path), "--min", "0.5")


def test_a_broken_file_is_answered_in_chinese(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "title": "甲"}\nnot json\n', encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("assist_eval", str(path))
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("assist_eval", str(tmp_path / "missing.jsonl"))


def test_the_suggested_lead_unit_holds_its_floor_on_the_hand_written_labels(capsys):
    # Issue 22's target is top-3 ≥ 0.8 on the hand-written set (measured 0.803 leave-one-out); the floor sits a
    # little below so CI fails on a real regression, not on a one-case wobble.
    call_command("assist_eval", "bench/assist/cases.jsonl", "--units", "--units-min", "0.78")
    out = capsys.readouterr().out
    assert "units leave-one-out" in out and "units time-split" in out


def test_the_database_time_split_needs_two_sessions_of_assignments():
    with pytest.raises(CommandError, match="没有足够的已交办提案"):
        call_command("assist_eval", "--units-db")
