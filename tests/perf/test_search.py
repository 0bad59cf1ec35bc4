"""Chinese keyword search (proposals.search): bigrams in a GIN-indexed tsvector on PostgreSQL, icontains on SQLite."""

from __future__ import annotations

from django.db import connection

from proposals import search, services
from proposals.models import Case
from tests.factories import CaseBuilder


def test_tokens_are_the_cjk_bigrams_and_the_ascii_words():
    assert search.tokens("集中供暖 PM2.5") == ["集中", "中供", "供暖", "pm2", "5"]
    assert search.tokens("暖") == []


def test_a_two_character_word_finds_cases_by_title_and_by_body(world):
    in_title = CaseBuilder(world, title="关于改善城区供暖的提案").case
    in_body = services.create_draft(world.member, title="关于老旧小区改造的提案", facts="冬季供暖温度不达标。")
    CaseBuilder(world, title="关于发展职业教育的提案")
    found = set(search.filter_cases(Case.objects.all(), "供暖").values_list("pk", flat=True))
    assert found == {in_title.pk, in_body.pk}


def test_a_single_character_searches_the_titles(world):
    titled = CaseBuilder(world, title="关于暖气费的提案").case
    services.create_draft(world.member, title="关于道路的提案", facts="冬季取暖困难。")
    assert list(search.filter_cases(Case.objects.all(), "暖").values_list("pk", flat=True)) == [titled.pk]


def test_the_vector_follows_an_edited_draft(world):
    case = CaseBuilder(world, title="关于停车难的提案").case
    services.update_draft(world.member, case.pk, title="关于养老服务的提案")
    assert list(search.filter_cases(Case.objects.all(), "养老").values_list("pk", flat=True)) == [case.pk]
    assert not search.filter_cases(Case.objects.all(), "停车").exists()


def test_on_postgresql_the_search_uses_the_bigram_vector(world, postgres_only):
    CaseBuilder(world, title="关于改善城区供暖的提案")
    sql = str(search.filter_cases(Case.objects.all(), "供暖").query)
    assert "@@" in sql and "to_tsquery" in sql
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'case_search_vector_gin'")
        assert "gin" in cursor.fetchone()[0].lower()
