"""Other SQLite tools see and search the claim search index (migration 0007).

Datasette and sqlite-utils find a table's full-text index by its declaration
(`content="claim"`), and search it with the words a person types, in any case. factbase's
own `--search` folds the term itself and must find exactly what it found before.
"""

from __future__ import annotations

import sqlite3
import unicodedata
from pathlib import Path

import pytest
import sqlite_utils
from helpers import Cli, listed_claims, seed, snapshot

from factbase.store.database import Database
from factbase.store.models import is_search_index
from factbase.text.language import fold


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("third-party") / "seeded.db"
    seed(str(path))
    return path


def matching(path: Path, phrase: str) -> list[int]:
    connection = sqlite3.connect(path)
    try:
        rows = connection.execute(
            "SELECT rowid FROM claim_search WHERE claim_search MATCH ? ORDER BY rowid",
            [f'"{phrase}"'],
        )
        return [row[0] for row in rows]
    finally:
        connection.close()


def test_sqlite_utils_detects_the_search_index(seeded: Path) -> None:
    database = sqlite_utils.Database(seeded)
    try:
        assert database["claim"].detect_fts() == "claim_search"
    finally:
        database.close()


def test_sqlite_utils_search_finds_the_same_claims_in_any_case(seeded: Path) -> None:
    database = sqlite_utils.Database(seeded)
    try:
        found = {
            term: sorted(row["id"] for row in database["claim"].search(term))
            for term in ("Токаев", "токаев", "ТОКАЕВ")
        }
    finally:
        database.close()
    assert found["Токаев"], "the seed data names Tokayev"
    assert found["Токаев"] == found["токаев"] == found["ТОКАЕВ"]


def test_a_raw_match_ignores_case(seeded: Path) -> None:
    assert matching(seeded, "Токаев") == matching(seeded, "токаев") != []
    assert matching(seeded, "НЕФТ") == matching(seeded, "нефт") != []
    assert matching(seeded, "CPC") == matching(seeded, "cpc") != []


def test_factbase_search_is_unchanged(seeded: Path) -> None:
    cli = Cli(str(seeded))
    ids = {term: [c["id"] for c in listed_claims(cli, "--search", term)] for term in
           ("Токаев", "токаев", "ТОКАЕВ")}  # fmt: skip
    assert ids["Токаев"] == ids["токаев"] == ids["ТОКАЕВ"]
    assert sorted(ids["Токаев"]) == matching(seeded, "токаев")


def test_factbase_search_still_reads_yo_as_ye(db_url: str) -> None:
    cli = Cli(db_url)
    cli.ok("outlet", "add", "O", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "O", "--title", "T", "--key", "s")
    cli.ok("add", "Семёнов сказал это.", "-s", "s", "--key", "yo")
    cli.ok("add", "Семенов сказал другое.", "-s", "s", "--key", "ye")
    for term in ("Семёнов", "семенов", "СЕМЕНОВ", "семЁнов"):
        assert sorted(c["key"] for c in listed_claims(cli, "--search", term)) == ["ye", "yo"]


@pytest.mark.slow
def test_sqlite_case_folding_keeps_factbase_folded_text_apart() -> None:
    """The index folds case again (tokenize='trigram'); factbase counts `--search` from the
    index alone, which holds only while SQLite's folding changes no character that
    factbase's fold can leave in the text. Checked for every code point, on this SQLite."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='trigram')")
    connection.execute("CREATE VIRTUAL TABLE terms USING fts5vocab(t, 'instance')")
    kept = [
        chr(point)
        for point in range(1, 0x110000)  # NUL ends a C string
        if unicodedata.category(chr(point)) not in ("Cs", "Cn")
        and chr(point).strip()
        and fold(chr(point)) == chr(point)
    ]
    connection.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", [(ord(c), c * 3) for c in kept])
    instances = connection.execute("SELECT term, doc FROM terms").fetchall()
    assert len(instances) == len(kept)
    assert [(hex(row), term) for term, row in instances if term != chr(row) * 3] == []


def test_the_declaration_is_the_one_other_tools_look_for(db: Database) -> None:
    if not db.is_sqlite:  # type: ignore[attr-defined]
        pytest.skip("PostgreSQL has no FTS5 table; its trigram index needs no detection")
    with db.connect() as connection:  # type: ignore[attr-defined]
        declared = connection.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE name = 'claim_search'"
        ).scalar()
    assert 'content="claim"' in declared
    assert "case_sensitive" not in declared


def tables(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table but Alembic's and the search index's own (derived, rebuilt
    by 0007)."""
    return {
        name: rows
        for name, rows in snapshot(url).items()
        if not is_search_index(name) and name != "alembic_version"
    }


@pytest.mark.slow
def test_0007_up_down_and_up_again_keeps_the_data_and_the_search(db_url: str) -> None:
    seed(db_url)
    db = Database.open(db_url)
    try:
        db.migrate("downgrade", "0006")
        at_0006 = tables(db_url)
        assert len(at_0006["claim"]) > 100
        if db.is_sqlite:  # type: ignore[attr-defined]
            path = Path(db_url)
            assert sqlite_utils.Database(path)["claim"].detect_fts() is None
            assert matching(path, "Токаев") == []  # the case-sensitive index of 0005
            lower = matching(path, "токаев")
            assert lower
        for direction, revision in (
            ("upgrade", "0007"),
            ("downgrade", "0006"),
            ("upgrade", "0007"),
        ):
            db.migrate(direction, revision)
            assert db.current_revision() == revision
            assert tables(db_url) == at_0006
            if db.is_sqlite:  # type: ignore[attr-defined]
                upper = matching(path, "Токаев")
                assert matching(path, "токаев") == lower
                assert upper == (lower if revision == "0007" else [])
                detected = sqlite_utils.Database(path)["claim"].detect_fts()
                assert detected == ("claim_search" if revision == "0007" else None)
    finally:
        db.close()
    # The triggers still keep the index in step after the round trip.
    cli = Cli(db_url)
    cli.ok("add", "Токаев заявил новое.", "-s", "ru-putin-official-visit", "--key", "fresh")
    assert "fresh" in [c["key"] for c in listed_claims(cli, "--search", "ТОКАЕВ заявил")]
