"""Migrations on a database in real use: the seed dataset plus a few thousand claims.

From the newest schema the database goes down to every older revision and back
up, one step at a time, then down and up again; every row of every table that
exists at that revision is intact at each step. Revisions are read from the
migration scripts, so a new one is covered the day it lands.
(tests/test_migrations.py checks the same on one row of each kind and the
failure cases.)
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, insert, inspect, select, text
from support import assert_healthy

from factbase.store.database import Database, resolve_url
from factbase.store.models import SEARCH_INDEX, is_search_index
from factbase.store.resources import migrations_dir

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

SYNTHETIC_CLAIMS = 3000
Rows = dict[str, list[dict[str, Any]]]


def revisions() -> list[str]:
    scripts = ScriptDirectory(str(migrations_dir()))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def _populate(url: str) -> None:
    """The seed dataset through the importer, then synthetic claims through Core."""
    from factbase.interchange.importer import import_files, seed_files
    from factbase.store.models import Claim, ClaimTopic, Source, Topic

    database = Database.open(url)
    try:
        with database.session(write=True) as session:
            import_files(session, seed_files())
        now = datetime(2024, 11, 27, 12, 0, tzinfo=UTC)
        with database.session(write=True) as session:
            sources = session.scalars(select(Source.id).order_by(Source.id)).all()
            topics = session.scalars(select(Topic.id).order_by(Topic.id)).all()
            rows = [
                {
                    "key": f"synthetic-{number:05d}",
                    "source_id": sources[number % len(sources)],
                    "statement": f"Synthetic claim {number}: экспорт нефти вырос на {number} %.",
                    "quote": f"«экспорт нефти вырос на {number} %»" if number % 3 else None,
                    "language": "ru",
                    "subject": "CPC" if number % 5 == 0 else None,
                    "subject_key": "cpc" if number % 5 == 0 else None,
                    "value_text": f"{number} %" if number % 5 == 0 else None,
                    "value_num": float(number) if number % 5 == 0 else None,
                    "polarity": "denied" if number % 11 == 0 else "affirmed",
                    "status": "unverified",
                    "search_text": f"synthetic claim {number}",
                    "created_at": now,
                    "updated_at": now,
                }
                for number in range(SYNTHETIC_CLAIMS)
            ]
            session.execute(insert(Claim), rows)
            ids = session.scalars(
                select(Claim.id).where(Claim.key.like("synthetic-%")).order_by(Claim.id)
            ).all()
            links = [
                {"claim_id": claim_id, "topic_id": topics[n % len(topics)], "suggested": n % 2 == 0}
                for n, claim_id in enumerate(ids)
            ]
            session.execute(insert(ClaimTopic), links)
    finally:
        database.close()


def _rows(url: str) -> tuple[Rows, dict[str, set[str]]]:
    """Every row of every table as column -> value, and each table's columns."""
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            # The search index's own tables are derived storage that a migration may
            # rebuild in another layout; _search_agrees checks what they answer instead.
            columns = {
                table: {column["name"] for column in inspector.get_columns(table)}
                for table in inspector.get_table_names()
                if table != "alembic_version"
                and not (is_search_index(table) and table != SEARCH_INDEX)
            }
            rows = {
                table: [
                    dict(row._mapping)
                    for row in connection.execute(text(f'SELECT * FROM "{table}"'))
                ]
                for table in columns
            }
    finally:
        engine.dispose()
    return rows, columns


# Values an older schema cannot hold, and what its downgrade writes instead: below 0010
# a conflict's cause is one of the four before `unknown-time`.
OLDER_VALUES = {("conflict", "cause"): ("0010", {"unknown-time": "time-scope"})}


def _as_at(rows: Rows, revision: str) -> Rows:
    """``rows`` as a database at ``revision`` holds them (OLDER_VALUES)."""
    changed = {table: [dict(row) for row in table_rows] for table, table_rows in rows.items()}
    for (table, column), (since, older) in OLDER_VALUES.items():
        if revision < since:
            for row in changed.get(table, []):
                row[column] = older.get(row[column], row[column])
    return changed


def _project(rows: Rows, columns: dict[str, set[str]]) -> dict[str, list[str]]:
    """The rows restricted to the given tables and columns, in a stable order."""
    return {
        table: sorted(
            repr(sorted((k, v) for k, v in row.items() if k in wanted)) for row in rows[table]
        )
        for table, wanted in columns.items()
    }


SEARCHED = ("нефт", "kazakh", "synthetic claim 1", "россия", "80%")


def _search_agrees(url: str) -> None:
    """On SQLite, the search index is sound and finds exactly the claims holding a term."""
    if "://" in url:
        return
    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(SEARCH_INDEX):
                return  # a revision before the index
            connection.execute(
                text(f"INSERT INTO {SEARCH_INDEX}({SEARCH_INDEX}) VALUES ('integrity-check')")
            )
            for term in SEARCHED:
                matched = connection.execute(
                    text(f"SELECT rowid FROM {SEARCH_INDEX} WHERE {SEARCH_INDEX} MATCH :phrase"),
                    {"phrase": f'"{term}"'},
                ).scalars()
                holding = connection.execute(
                    text("SELECT id FROM claim WHERE instr(search_text, :term) > 0"), {"term": term}
                ).scalars()
                assert set(matched) == set(holding), term
    finally:
        engine.dispose()


def _revision(url: str) -> str | None:
    database = Database.open(url, upgrade=False)
    try:
        return database.current_revision()
    finally:
        database.close()


def _migrate(url: str, direction: str, target: str) -> None:
    database = Database.open(url, upgrade=False)
    try:
        database.migrate(direction, target)
    finally:
        database.close()


def test_every_revision_down_and_up_with_a_populated_database(db_url: str) -> None:
    _populate(db_url)
    original, _ = _rows(db_url)
    assert len(original["claim"]) > SYNTHETIC_CLAIMS
    assert all(original[table] for table in ("conflict", "claim_link", "outlet", "source"))
    history = revisions()
    head = history[-1]
    checked: list[str] = []

    def intact_at(columns: dict[str, set[str]]) -> None:
        now, _ = _rows(db_url)
        expected = _as_at(original, _revision(db_url))
        assert _project(now, columns) == _project(expected, columns), checked
        assert_healthy(db_url)
        _search_agrees(db_url)

    # Newest first: each older revision keeps a subset of what the newer one kept.
    for older in reversed(history[:-1]):
        _migrate(db_url, "downgrade", older)
        assert _revision(db_url) == older
        _, columns_then = _rows(db_url)
        intact_at(columns_then)
        for step in history[history.index(older) + 1 :]:  # up one revision at a time
            _migrate(db_url, "upgrade", step)
            assert _revision(db_url) == step
            intact_at(columns_then)
        _migrate(db_url, "downgrade", older)  # and down and up again in one go
        intact_at(columns_then)
        _migrate(db_url, "upgrade", "head")
        assert _revision(db_url) == head
        intact_at(columns_then)
        checked.append(older)
    assert checked == list(reversed(history[:-1]))
