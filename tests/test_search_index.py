"""`list --search` through the search index finds exactly what a substring test finds.

On SQLite the FTS5 table's exact trigrams (migrations 0004, 0005) answer a term of three
or more characters alone; on PostgreSQL LIKE runs as it is, over a trigram index. Either
way the claims found must be those whose folded text holds the folded term, whatever the
term: Cyrillic, ё, quotes, SQL wildcards, one or two characters (too short for a trigram),
after updates and deletes.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, text

from factbase.claims.filter import ClaimFilter
from factbase.claims.query import find_claims
from factbase.store.database import Database
from factbase.store.models import SEARCH_TRIGRAM_INDEX, Claim, Outlet, Source
from factbase.text.language import fold

# Letters that case folding treats in unusual ways (ß, İ, Cherokee, the Kelvin sign,
# final sigma, a lone combining diaeresis) among the ordinary ones.
ALPHABET = "нефтьёЁеЕкКтТ нафтаї%_\"'*()-:80Oil oilßẞİıᏀꮐKςσΣ\u0308"


def corpus(size: int = 200) -> list[str]:
    rng = random.Random(11)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(3, 40))) for _ in range(size)]
    return [*texts, "Экспорт нефти — около 80%", "Ёлка", '100% "quoted" text', "a_b%c"]


@pytest.fixture
def searchable(db: Database) -> tuple[Database, list[str]]:
    texts = corpus()
    now = datetime.now(UTC)
    with db.session(write=True) as session:
        session.execute(insert(Outlet), [{"name": "O", "name_key": "o", "stance": "neutral"}])
        session.execute(insert(Source), [{"outlet_id": 1, "title": "S", "key": "s"}])
        session.execute(
            insert(Claim),
            [
                {
                    "source_id": 1,
                    "statement": statement,
                    "search_text": fold(statement),
                    "polarity": "affirmed",
                    "status": "unverified",
                    "created_at": now,
                    "updated_at": now,
                }
                for statement in texts
            ],
        )
    return db, texts


def found(db: Database, term: str) -> set[str]:
    with db.session() as session:
        claims = find_claims(session, ClaimFilter(search=term, limit=None))
        return {claim.statement for claim in claims}


def expected(texts: list[str], term: str) -> set[str]:
    return {statement for statement in texts if fold(term) in fold(statement)}


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@pytest.mark.slow
@given(data=st.data())
def test_search_finds_exactly_the_claims_holding_the_term(
    searchable: tuple[Database, list[str]], data: st.DataObject
) -> None:
    db, texts = searchable
    source = data.draw(st.sampled_from(texts))
    start = data.draw(st.integers(0, len(source) - 1))
    length = data.draw(st.integers(1, 8))
    term = data.draw(st.sampled_from([source[start : start + length], source.upper()[start:]]))
    if not fold(term):
        return
    assert found(db, term) == expected(texts, term)


@pytest.mark.parametrize("term", ["НЕФТ", "елка", "ЁЛКА", '"quoted"', "%", "a_b", "0%", "ф"])
def test_search_terms_that_look_special(searchable: tuple[Database, list[str]], term: str) -> None:
    db, texts = searchable
    assert found(db, term) == expected(texts, term)
    assert found(db, term)  # every one of these terms is somewhere in the corpus


def test_the_index_follows_updates_and_deletes(searchable: tuple[Database, list[str]]) -> None:
    db, _texts = searchable
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE claim SET statement = :s, search_text = :f WHERE statement = :old"),
            {"s": "Ёлка", "f": fold("Транзит нефти"), "old": "Экспорт нефти — около 80%"},
        )
        connection.execute(text("DELETE FROM claim WHERE statement = 'a_b%c'"))
    assert found(db, "транзит") == {"Ёлка"}
    assert found(db, "экспорт нефти") == set()
    assert found(db, "a_b%") == set()


def test_postgresql_answers_substring_search_from_the_trigram_index(db: Database) -> None:
    if db.is_sqlite:  # type: ignore[attr-defined]
        pytest.skip("SQLite searches through its FTS5 table (tests/test_query_plans.py)")
    with db.engine.begin() as connection:
        # With so few rows the planner would rightly read the table; forbid that to see
        # whether it can use the index at all.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = connection.execute(
            text("EXPLAIN SELECT id FROM claim WHERE search_text LIKE :term"), {"term": "%нефт%"}
        ).scalars()
        assert any(SEARCH_TRIGRAM_INDEX in line for line in plan)
