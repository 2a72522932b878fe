"""Every filter the CLI offers is answered through an index, never a full scan.

SQLite's EXPLAIN QUERY PLAN is read for the query behind each `list` and `conflicts`
filter on the seeded database. A plan line `SCAN claim` (or source, conflict, …)
without `USING … INDEX` means every row is read: at a million claims that is the
difference between a millisecond and a second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import PG_URL, Cli
from sqlalchemy import Select, bindparam, select, text

from factbase.analysis.conflicts import ConflictFilter, conflicts_query
from factbase.claims import query as claims_module
from factbase.claims.filter import (
    IN_TOPICS_SQL,
    MATCHES_LEMMAS_SQL,
    MATCHES_SEARCH_SQL,
    NEWEST_FIRST_SQL,
    ClaimFilter,
    Sort,
    search_phrase,
    search_terms,
)
from factbase.claims.query import claims_query
from factbase.store.database import Database
from factbase.store.models import Topic

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="EXPLAIN QUERY PLAN is SQLite's")

# filter -> the index the plan must use
CLAIM_FILTERS: dict[str, tuple[ClaimFilter, str]] = {
    "topic": (ClaimFilter(topic="oil"), "ix_claim_topic_topic_id_claim_id"),
    "lang": (ClaimFilter(language="uk"), "ix_claim_language"),
    "stance": (ClaimFilter(stance="neutral"), "ix_outlet_stance"),
    "outlet": (ClaimFilter(outlet="SilkBridge.info"), "ix_claim_source_id"),
    "source": (ClaimFilter(source="bg-kz-us-partnership"), "ix_claim_source_id"),
    "subject": (ClaimFilter(subject="CPC"), "ix_claim_subject_id"),
    "subject text": (ClaimFilter(subject="nothing known"), "ix_claim_subject_key"),
    "speaker": (ClaimFilter(speaker="Tokayev"), "ix_claim_speaker_id"),
    "since": (ClaimFilter(since="2023"), "ix_source_published_end"),
    "until": (ClaimFilter(until="2022"), "ix_source_published"),
    "search": (ClaimFilter(search="нефть"), "claim_search VIRTUAL TABLE INDEX"),
    "lemma search": (ClaimFilter(search="нефти"), "claim_search_lemmas VIRTUAL TABLE INDEX"),
    "ranked search": (
        ClaimFilter(search="экспорт нефти", sort=Sort.RELEVANCE),
        "claim_search_lemmas VIRTUAL TABLE INDEX",
    ),
    "short ranked search": (
        ClaimFilter(search="нефть ф", sort=Sort.RELEVANCE),
        "claim_search_lemmas VIRTUAL TABLE INDEX",
    ),
    "exact phrase": (ClaimFilter(search='"около 80%"'), "claim_search VIRTUAL TABLE INDEX"),
    "status": (ClaimFilter(status="disputed"), "ix_claim_status"),
    "rating": (ClaimFilter(rating="false"), "ix_verdict_rating"),
}
CONFLICT_FILTERS: dict[str, tuple[ConflictFilter, str]] = {
    "status": (ConflictFilter(status="open"), "ix_conflict_status"),
    "kind": (ConflictFilter(status=None, kind="value"), "ix_conflict_kind"),
    "topic": (ConflictFilter(status=None, topic="oil"), "ix_claim_topic_topic_id_claim_id"),
    "stance": (ConflictFilter(status=None, stance="neutral"), "ix_outlet_stance"),
    "lang": (ConflictFilter(status=None, language="ru"), "ix_claim_language"),
}
# An FTS5 MATCH shows as a SCAN of the virtual table, but reads only the matching rows.
FULL_SCAN = re.compile(r"^SCAN (?!\w+ VIRTUAL TABLE INDEX)")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("plans") / "seeded.db"
    Cli(str(path)).ok("seed")
    database = Database.open(str(path))
    yield database
    database.close()


def plan(database: Database, query: Select[Any]) -> list[str]:
    compiled = query.compile(
        dialect=database.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with database.engine.connect() as connection:
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}").fetchall()
    return [row[3] for row in rows]


def full_scans(lines: list[str]) -> list[str]:
    return [line for line in lines if FULL_SCAN.match(line)]


@pytest.mark.slow
@pytest.mark.parametrize("name", CLAIM_FILTERS)
def test_each_list_filter_uses_its_index(seeded: Database, name: str) -> None:
    where, index = CLAIM_FILTERS[name]
    with seeded.session() as session:
        lines = plan(seeded, claims_query(session, where))
    assert full_scans(lines) == [], lines
    assert any(index in line for line in lines), lines


@pytest.mark.parametrize("name", CONFLICT_FILTERS)
def test_each_conflicts_filter_uses_its_index(seeded: Database, name: str) -> None:
    where, index = CONFLICT_FILTERS[name]
    with seeded.session() as session:
        lines = plan(seeded, conflicts_query(session, where))
    assert full_scans(lines) == [], lines
    assert any(index in line for line in lines), lines


def test_the_check_does_see_a_full_scan(seeded: Database) -> None:
    # Without a filter every claim is read: the pattern must catch that plan.
    with seeded.session() as session:
        lines = plan(seeded, claims_query(session, ClaimFilter(limit=None)))
    assert full_scans(lines) or any("SCAN claim USING INDEX" in line for line in lines)
    assert full_scans(["SCAN claim", "SEARCH source USING INTEGER PRIMARY KEY (rowid=?)"])


# -- newest-first pages of a large topic walk the date index ------------------------------


def page(database: Database, where: ClaimFilter) -> list[int]:
    with database.session() as session:
        return [claim.id for claim in claims_module.find_claims(session, where)]


SEARCHED = ["нефт", "oil", "kazakhstan", "russia", "млрд", "%", "cpc", "нефти", "pipelines"]


@pytest.mark.slow
@pytest.mark.parametrize("limit", [1, 5, 50])
def test_walking_dates_gives_the_page_sorting_gives(
    seeded: Database, limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    with seeded.session() as session:
        slugs = [None, *session.scalars(select(Topic.slug).order_by(Topic.slug))]
    filters = [ClaimFilter(topic=slug, limit=limit) for slug in slugs]
    filters += [ClaimFilter(search=term, limit=limit) for term in SEARCHED]
    filters += [ClaimFilter(search=term, limit=limit, sort=Sort.RELEVANCE) for term in SEARCHED]
    for where in filters:
        with monkeypatch.context() as patch:
            patch.setattr(claims_module, "_newest_first_ids", lambda _session, _where: None)
            sorted_page = page(seeded, where)
        with monkeypatch.context() as patch:
            patch.setattr(claims_module, "WALK_BY_DATE_FROM", 0)  # walk even a small topic
            walked_page = page(seeded, where)
        assert walked_page == sorted_page, where


@pytest.mark.parametrize("walked", ["topic", "search", "lemmas"])
def test_the_date_walk_stops_early_instead_of_sorting(seeded: Database, walked: str) -> None:
    if walked == "topic":
        condition = IN_TOPICS_SQL.format(topics=":topics")
        params: dict[str, object] = {"topics": [1, 2]}
    elif walked == "search":
        condition = MATCHES_SEARCH_SQL.format(phrase=":phrase")
        params = {"phrase": search_phrase("нефт")}
    else:  # as the walk of a search with words: the phrase or the words' lemmas
        lemmas = MATCHES_LEMMAS_SQL.format(lemmas=":lemmas")
        condition = f"({MATCHES_SEARCH_SQL.format(phrase=':phrase')} OR {lemmas})"
        params = {"phrase": search_phrase("нефти"), "lemmas": search_terms("нефти").lemma_query()}
    query = text(f"EXPLAIN QUERY PLAN {NEWEST_FIRST_SQL.format(topic=condition, limit='50')}")
    if walked == "topic":
        query = query.bindparams(bindparam("topics", expanding=True))
    with seeded.engine.connect() as connection:
        rows = connection.execute(query, params).fetchall()
    lines = [row[3] for row in rows]
    walk = re.compile(r"SCAN s USING (COVERING )?INDEX ix_source_published")
    assert any(walk.match(line) for line in lines), lines
    # Only claims of the same date are sorted among themselves, never the whole topic.
    assert "USE TEMP B-TREE FOR ORDER BY" not in lines, lines
    assert any("RIGHT PART OF ORDER BY" in line for line in lines), lines
