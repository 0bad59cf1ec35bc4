"""The index follows the cases: created, edited by the proposer or in review, synonyms edited, rebuilt."""

import pytest
from django.core.management import call_command

from assist.models import CaseIndex, SynonymGroup, TermStat
from proposals import services

from .conftest import draft, submitted

pytestmark = pytest.mark.django_db


def terms(case):
    row = CaseIndex.objects.get(case=case)
    return set(row.title_terms.split()) | set(row.body_terms.split())


def test_a_new_draft_is_indexed_at_once(world):
    case = draft(world.member, "推进老旧小区加装电梯", world=world)
    assert "w:电梯" in terms(case) and "s:加装电梯" in terms(case)
    assert TermStat.objects.get(term="w:电梯").df == 1


def test_editing_the_draft_reindexes_it_and_moves_the_term_counts(world):
    case = draft(world.member, "推进老旧小区加装电梯", world=world)
    services.update_draft(world.member, case.pk, title="优化城区红绿灯配时", facts="路口红绿灯配时不合理。")
    assert "w:电梯" not in terms(case) and "s:红绿灯" in terms(case)
    assert TermStat.objects.get(term="w:电梯").df == 0
    assert TermStat.objects.get(term="s:红绿灯").df == 1


def test_a_title_changed_in_review_is_what_similar_cases_are_found_by(world):
    from assist import selectors

    signals = submitted(world.member2, "关于调整路口信号灯时长的建议", world)
    case = submitted(world.member, "推进老旧小区加装电梯", world)
    assert signals.pk not in [s.case.pk for s in selectors.similar_cases(world.staff, case)]
    services.perform("edit_for_review", world.staff, case.pk, {"title": "优化城区主干道红绿灯配时"})
    case.refresh_from_db()
    assert signals.pk in [s.case.pk for s in selectors.similar_cases(world.staff, case)]


def test_a_workflow_step_that_leaves_the_text_alone_does_not_rewrite_the_index(world):
    case = submitted(world.member, "推进老旧小区加装电梯", world)
    stamp = CaseIndex.objects.get(case=case).indexed_at
    services.perform("file", world.reviewer, case.pk, {})
    assert CaseIndex.objects.get(case=case).indexed_at == stamp


def test_a_synonym_added_by_staff_reindexes_the_cases_that_mention_it(world):
    a = submitted(world.member, "整治城区夜间烧烤摊点", world)
    b = submitted(world.member2, "规范露天烧烤经营", world)
    assert "s:烧烤摊点" not in terms(a)
    SynonymGroup.objects.create(words="烧烤摊点 露天烧烤")
    assert "s:烧烤摊点" in terms(a) and "s:烧烤摊点" in terms(b)


def test_the_rebuild_command_gives_the_same_index_as_the_updates_did(world):
    cases = [
        submitted(world.member, "推进老旧小区加装电梯", world),
        submitted(world.member2, "关于既有住宅增设电梯的建议", world),
    ]
    services.update_draft  # noqa: B018 - the drafts above were indexed by the signal
    before = {c.pk: terms(c) for c in cases}
    counts = dict(TermStat.objects.filter(df__gt=0).values_list("term", "df"))
    CaseIndex.objects.all().delete()
    TermStat.objects.all().delete()
    call_command("assist_rebuild", verbosity=0)
    assert {c.pk: terms(c) for c in cases} == before
    assert dict(TermStat.objects.filter(df__gt=0).values_list("term", "df")) == counts
