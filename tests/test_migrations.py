"""The Alembic migrations: one head, every step reversible with data in place,
models identical to the migrated schema, and a failed migration changes nothing."""

from __future__ import annotations

import itertools
import shutil
import textwrap
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from helpers import snapshot
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from factbase.store.database import HEAD_REVISION, Database
from factbase.store.models import is_search_index
from factbase.store.resources import migrations_dir


def scripts() -> ScriptDirectory:
    return ScriptDirectory(str(migrations_dir()))


def revisions() -> list[str]:
    """Every revision, oldest first."""
    return [script.revision for script in reversed(list(scripts().walk_revisions()))]


# -- the revision graph --------------------------------------------------------------


def test_there_is_exactly_one_head_and_it_is_head_revision() -> None:
    heads = scripts().get_heads()
    assert heads == [HEAD_REVISION]


def test_history_is_linear_and_documented() -> None:
    found = list(reversed(list(scripts().walk_revisions())))
    assert found[0].down_revision is None
    for previous, script in itertools.pairwise(found):
        assert script.down_revision == previous.revision, script.revision
    for script in found:
        assert script.doc and script.doc.strip(), f"{script.revision} has no description"
    assert [s.revision for s in found][-1] == HEAD_REVISION


# -- upgrading and downgrading -------------------------------------------------------

MODEL_TABLES = {
    "stance",
    "outlet",
    "source",
    "source_cite",
    "topic",
    "topic_keyword",
    "entity",
    "entity_alias",
    "claim",
    "claim_topic",
}


def user_tables(db: Database) -> set[str]:
    """Tables of the schema, without Alembic's and the search index's own."""
    with db.connect() as connection:
        names = set(inspect(connection).get_table_names()) - {"alembic_version"}
    return {name for name in names if not is_search_index(name)}


def test_upgrade_from_empty_creates_every_model_table(empty_db_url: str) -> None:
    from factbase.store.models import Base

    db = Database.open(empty_db_url)
    try:
        assert db.current_revision() == HEAD_REVISION
        assert user_tables(db) == set(Base.metadata.tables)
        assert user_tables(db) >= MODEL_TABLES
        with db.connect() as connection:
            stances = connection.execute(text("SELECT name FROM stance ORDER BY name")).scalars()
            assert list(stances) == [
                "neutral",
                "pro-kremlin",
                "pro-ukrainian",
                "pro-western",
                "state-affiliated",
                "unrated",
            ]
    finally:
        db.close()


NOW = datetime(2024, 11, 27, 12, 0, 0)

# Written against the first revision's columns, so that every later step carries them.
SEED_SQL = [
    (
        "INSERT INTO outlet (id, name, name_key, stance, country, language, created_at) "
        "VALUES (1, 'SilkBridge.info', 'silkbridge.info', 'neutral', 'RU', 'ru', :now)"
    ),
    (
        "INSERT INTO outlet (id, name, name_key, stance, created_at) "
        "VALUES (2, 'WSJ', 'wsj', 'unrated', :now)"
    ),
    (
        "INSERT INTO source (id, key, outlet_id, title, url, language, published, published_end, "
        "published_precision, created_at) VALUES (1, 'sb', 1, 'Казахстан', "
        "'https://silkbridge.info/a', 'ru', '2022-07-01', '2022-07-31', 'month', :now)"
    ),
    "INSERT INTO source_cite (source_id, outlet_id) VALUES (1, 2)",
    "INSERT INTO topic (id, slug, label, created_at) VALUES (1, 'energy', 'Energy', :now)",
    (
        "INSERT INTO topic (id, slug, label, parent_id, created_at) "
        "VALUES (2, 'oil', 'Oil', 1, :now)"
    ),
    "INSERT INTO topic_keyword (topic_id, keyword) VALUES (2, 'нефть')",
    "INSERT INTO entity (id, name, kind, created_at) VALUES (1, 'CPC', 'pipeline', :now)",
    "INSERT INTO entity_alias (id, entity_id, alias, alias_key) VALUES (1, 1, 'КТК', 'ктк')",
    (
        "INSERT INTO claim (id, key, source_id, statement, quote, language, subject, subject_key, "
        "subject_id, value_text, value_num, value_unit, value_low, value_high, value_qualifier, "
        "polarity, status, search_text, created_at, updated_at) VALUES (1, 'cpc-share', 1, "
        "'About 80% of exports pass through the CPC.', 'около 80% экспорта', 'ru', 'КТК', 'ктк', "
        "1, 'около 80%', 80.0, '%', 72.0, 88.0, 'approx', 'affirmed', 'unverified', "
        "'about 80% of exports', :now, :now)"
    ),
    "INSERT INTO claim_topic (claim_id, topic_id, suggested) VALUES (1, 2, :false)",
]

CHECK_SQL = {
    "outlet": "SELECT id, name, name_key, stance, country FROM outlet ORDER BY id",
    "source": "SELECT id, key, outlet_id, title, url, published_precision FROM source",
    "source_cite": "SELECT source_id, outlet_id FROM source_cite",
    # The topics SEED_SQL made; from 0015 on the starter vocabulary stands beside them,
    # which test_0015_* checks.
    "topic": "SELECT id, slug, label, parent_id FROM topic WHERE id IN (1, 2) ORDER BY id",
    "topic_keyword": "SELECT topic_id, keyword FROM topic_keyword WHERE topic_id IN (1, 2)",
    "entity": "SELECT id, name, kind FROM entity",
    "entity_alias": "SELECT entity_id, alias, alias_key FROM entity_alias",
    "claim": (
        "SELECT id, key, source_id, statement, quote, subject_id, value_num, value_unit, "
        "value_low, value_high, value_qualifier, polarity, status FROM claim"
    ),
    "claim_topic": "SELECT claim_id, topic_id FROM claim_topic",
    "stance": "SELECT name FROM stance ORDER BY name",
}


def seed(connection: Connection) -> None:
    params = {"now": NOW, "false": False}
    for sql in SEED_SQL:
        connection.execute(text(sql), params)


def read_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    with db.connect() as connection:
        return {
            table: [tuple(row) for row in connection.execute(text(sql))]
            for table, sql in CHECK_SQL.items()
        }


@pytest.fixture
def first_revision_db(empty_db_url: str) -> Iterator[Database]:
    """A database at the first revision holding one row of every kind."""
    db = Database.open(empty_db_url, upgrade=False)
    db.migrate("upgrade", revisions()[0])
    with db.engine.begin() as connection:
        seed(connection)
    yield db
    db.close()


def test_seed_rows_are_readable(first_revision_db: Database) -> None:
    rows = read_rows(first_revision_db)
    assert rows["claim"] == [
        (1, "cpc-share", 1, "About 80% of exports pass through the CPC.", "около 80% экспорта",
         1, 80.0, "%", 72.0, 88.0, "approx", "affirmed", "unverified"),
    ]  # fmt: skip
    assert len(rows["stance"]) == 6 and all(rows.values())


STEPS = list(itertools.pairwise(revisions()))


@pytest.mark.parametrize(("previous", "revision"), STEPS, ids=[f"{a}-{b}" for a, b in STEPS])
def test_every_step_down_and_up_keeps_the_data(
    first_revision_db: Database, previous: str, revision: str
) -> None:
    db = first_revision_db
    expected = read_rows(db)
    db.migrate("upgrade", previous)
    assert read_rows(db) == expected
    db.migrate("upgrade", revision)
    assert db.current_revision() == revision
    assert read_rows(db) == expected
    db.migrate("downgrade", previous)
    assert db.current_revision() == previous
    assert read_rows(db) == expected
    db.migrate("upgrade", revision)
    assert db.current_revision() == revision
    assert read_rows(db) == expected


@pytest.mark.slow
def test_walk_every_revision_up_then_all_the_way_down_and_up(first_revision_db: Database) -> None:
    db = first_revision_db
    expected = read_rows(db)
    for revision in revisions():
        db.migrate("upgrade", revision)
        assert db.current_revision() == revision
        assert read_rows(db) == expected
    for revision in reversed(revisions()[:-1]):
        db.migrate("downgrade", revision)
        assert db.current_revision() == revision
        assert read_rows(db) == expected
    # The first revision's downgrade empties the schema; upgrading rebuilds it.
    db.migrate("downgrade", "base")
    assert db.current_revision() is None
    assert user_tables(db) == set()
    db.migrate("upgrade", "head")
    assert db.current_revision() == HEAD_REVISION
    rows = read_rows(db)
    assert rows["claim"] == [] and len(rows["stance"]) == 6


def test_models_match_the_migrated_schema(db: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from factbase.store.models import Base

    with db.connect() as connection:  # type: ignore[attr-defined]
        context = MigrationContext.configure(
            connection,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "include_name": lambda name, _kind, _parent: not is_search_index(name),
            },
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_migrations_leave_no_broken_references(db: Database) -> None:
    if not db.is_sqlite:  # type: ignore[attr-defined]
        pytest.skip("PostgreSQL checks references on every statement")
    with db.connect() as connection:  # type: ignore[attr-defined]
        assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


# -- a failed migration changes nothing ------------------------------------------------

BROKEN = '''
    """a migration that fails half-way (test only)"""

    import sqlalchemy as sa
    from alembic import op

    revision = "zz99"
    down_revision = "{down}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("INSERT INTO stance (name, description) VALUES ('zz-temp', 'temp')")
        with op.batch_alter_table("outlet") as batch:
            batch.add_column(sa.Column("half_column", sa.Integer(), nullable=True))
        {failure}


    def downgrade() -> None:
        op.drop_table("half_done")
'''

FAILURES = {
    "python-error": 'raise RuntimeError("boom in migration")',
    "sql-error": 'op.execute("SELECT no_such_column FROM no_such_table")',
}


@pytest.fixture(params=sorted(FAILURES))
def broken_migrations(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the migrations with a failing revision on top, used by factbase.db."""
    import factbase.store.database

    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    source = textwrap.dedent(BROKEN).format(down=HEAD_REVISION, failure=FAILURES[request.param])
    (copy / "versions" / "zz99_broken.py").write_text(source)
    monkeypatch.setattr(factbase.store.database, "migrations_dir", lambda: copy)
    return copy


def test_a_failed_migration_leaves_the_previous_schema_intact(
    db_url: str, broken_migrations: Path
) -> None:
    from factbase import FactbaseError

    db = Database.open(db_url)
    try:
        with db.engine.begin() as connection:
            # SEED_SQL gives its topics the ids the starter vocabulary took (0015).
            connection.execute(text("DELETE FROM topic"))
            seed(connection)
        before = snapshot(db_url)
        with pytest.raises((RuntimeError, FactbaseError, DBAPIError)):
            db.migrate("upgrade", "head")
        assert db.current_revision() == HEAD_REVISION
        assert "half_done" not in user_tables(db)
        with db.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("outlet")}
        assert "half_column" not in columns
        assert snapshot(db_url) == before
    finally:
        db.close()


def test_a_failed_first_upgrade_leaves_an_empty_database(
    empty_db_url: str, broken_migrations: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every revision runs in one transaction: nothing of 0001… survives zz99's failure."""
    import factbase.store.database
    from factbase import FactbaseError

    monkeypatch.setattr(factbase.store.database, "HEAD_REVISION", "zz99")
    with pytest.raises((RuntimeError, FactbaseError, DBAPIError)):
        Database.open(empty_db_url)
    db = Database.open(empty_db_url, upgrade=False)
    try:
        assert db.current_revision() is None
        assert user_tables(db) == set()
    finally:
        db.close()


def test_a_failed_migration_through_the_cli_is_one_error_line(
    db_url: str, broken_migrations: Path
) -> None:
    from helpers import Cli

    before = snapshot(db_url)
    out = Cli(db_url)("db", "upgrade")
    assert out.exit_code == 1
    [line] = out.stderr.splitlines()
    assert line.startswith("factbase: error: ")
    assert snapshot(db_url) == before


def test_0009_adds_forecast_and_suggested_polarity_and_drops_them_with_data_in_place(
    first_revision_db: Database,
) -> None:
    db = first_revision_db
    db.migrate("upgrade", "0008")
    expected = read_rows(db)
    db.migrate("upgrade", "0009")
    flags = "SELECT id, forecast, polarity_suggested FROM claim"
    with db.engine.begin() as connection:
        assert [(i, bool(f), bool(s)) for i, f, s in connection.execute(text(flags))] == [
            (1, False, False)
        ]
        connection.execute(text("UPDATE claim SET forecast = :true"), {"true": True})
    assert read_rows(db) == expected
    db.migrate("downgrade", "0008")
    assert db.current_revision() == "0008"
    assert read_rows(db) == expected
    with db.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("claim")}
        assert not {"forecast", "polarity_suggested"} & columns
        if db.is_sqlite:
            triggers = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name")
            ).scalars()
            assert list(triggers) == [
                "claim_search_delete",
                "claim_search_insert",
                "claim_search_lemmas_delete",
                "claim_search_lemmas_insert",
                "claim_search_lemmas_update",
                "claim_search_update",
            ]
    db.migrate("upgrade", "0009")
    assert read_rows(db) == expected
    with db.connect() as connection:
        assert [tuple(row) for row in connection.execute(text(flags))] in (
            [(1, False, False)],
            [(1, 0, 0)],
        )


def test_lemma_step_fills_and_drops_the_lemmas_with_claims_in_place(
    first_revision_db: Database,
) -> None:
    from factbase.claims.filter import ClaimFilter
    from factbase.claims.query import find_claims

    db = first_revision_db
    db.migrate("upgrade", "0007")
    expected = read_rows(db)
    db.migrate("upgrade", "0008")
    with db.connect() as connection:  # type: ignore[attr-defined]
        lemmas = connection.execute(text("SELECT search_lemmas FROM claim")).scalar_one()
    # statement, quote and subject of the seeded claim, read as Russian
    assert {"экспорт", "около", "export", "ктк", "pass"} <= set(lemmas.split())
    db.migrate("upgrade", "head")  # the models are the newest revision's
    with db.session() as session:
        # "экспорту" is in no claim's text: only its lemma finds the claim
        assert [c.id for c in find_claims(session, ClaimFilter(search="экспорту"))] == [1]
        assert find_claims(session, ClaimFilter(search="экспортёр")) == []
    db.migrate("downgrade", "0007")
    assert read_rows(db) == expected
    columns = {column["name"] for column in inspect(db.engine).get_columns("claim")}
    assert "search_lemmas" not in columns and "search_text" in columns
    assert "claim_search_lemmas" not in inspect(db.engine).get_table_names()


def _claim_sql(claim_id: int, as_of: str | None) -> str:
    dated = ("'2022-01-01'", "'2022-12-31'", "'year'") if as_of else ("NULL", "NULL", "NULL")
    return (
        "INSERT INTO claim (id, key, source_id, statement, language, subject, subject_key, "
        "subject_id, polarity, status, search_text, as_of, as_of_end, as_of_precision, "
        f"created_at, updated_at) VALUES ({claim_id}, 'c{claim_id}', 1, 'Statement', 'ru', "
        f"'КТК', 'ктк', 1, 'affirmed', 'unverified', 'statement', {', '.join(dated)}, "
        ":now, :now)"
    )


def _conflict_sql(conflict_id: int, a: int, b: int, cause: str) -> str:
    return (
        "INSERT INTO conflict (id, claim_a_id, claim_b_id, kind, cause, explanation, status, "
        f"stale, created_at, updated_at) VALUES ({conflict_id}, {a}, {b}, 'polarity', "
        f"'{cause}', 'why', 'open', :false, :now, :now)"
    )


def test_0010_gives_time_scope_conflicts_with_one_undated_side_their_own_cause(
    first_revision_db: Database,
) -> None:
    db = first_revision_db
    db.migrate("upgrade", "0007")
    params = {"now": NOW, "false": False}
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE claim SET as_of = NULL WHERE id = 1"))
        for claim_id in (2, 3):
            connection.execute(text(_claim_sql(claim_id, "2022")), params)
        # 1 is undated, 2 and 3 are dated: 1-2 was time-scope, as was 2-3.
        connection.execute(text(_conflict_sql(1, 1, 2, "time-scope")), params)
        connection.execute(text(_conflict_sql(2, 2, 3, "time-scope")), params)
    causes = "SELECT id, cause FROM conflict ORDER BY id"

    def read() -> list[tuple[Any, ...]]:
        with db.connect() as connection:
            return [tuple(row) for row in connection.execute(text(causes))]

    db.migrate("upgrade", "0010")
    assert read() == [(1, "unknown-time"), (2, "time-scope")]
    db.migrate("downgrade", "0007")
    assert read() == [(1, "time-scope"), (2, "time-scope")]
    # The old constraint is back: the new cause is refused again.
    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        connection.execute(text(_conflict_sql(3, 1, 3, "unknown-time")), params)
    db.migrate("upgrade", "0010")
    with db.engine.begin() as connection:
        connection.execute(text(_conflict_sql(3, 1, 3, "unknown-time")), params)
    assert read() == [(1, "unknown-time"), (2, "time-scope"), (3, "unknown-time")]


def test_occasion_step_adds_a_checked_column_and_keeps_the_search_triggers(
    first_revision_db: Database,
) -> None:
    db = first_revision_db
    db.migrate("upgrade", "0010")
    expected = read_rows(db)
    db.migrate("upgrade", "0011")
    occasions = "SELECT id, occasion FROM claim ORDER BY id"
    with db.engine.begin() as connection:
        assert [tuple(row) for row in connection.execute(text(occasions))] == [(1, None)]
        connection.execute(text("UPDATE claim SET occasion = 'once'"))
    # The CHECK constraint holds the column to its words.
    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        connection.execute(text("UPDATE claim SET occasion = 'twice'"))
    assert read_rows(db) == expected
    db.migrate("downgrade", "0010")
    assert read_rows(db) == expected
    with db.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("claim")}
        assert "occasion" not in columns
    db.migrate("upgrade", "head")
    params = {"now": NOW, "false": False}
    with db.engine.begin() as connection:
        # The rebuilt table still feeds both search indexes: a new claim is found.
        connection.execute(text(_claim_sql(2, None)), params)
        connection.execute(
            text(
                "UPDATE claim SET search_text = 'about exports', search_lemmas = 'нефть' "
                "WHERE id = 2"
            )
        )
    from factbase.claims.filter import ClaimFilter
    from factbase.claims.query import find_claims

    with db.session() as session:
        assert sorted(c.id for c in find_claims(session, ClaimFilter(search="exports"))) == [1, 2]
        assert [c.id for c in find_claims(session, ClaimFilter(search="нефти"))] == [2]


def test_forms_step_puts_every_stored_claims_forms_on_record(
    first_revision_db: Database,
) -> None:
    db = first_revision_db
    db.migrate("upgrade", "0011")
    expected = read_rows(db)
    db.migrate("upgrade", "0012")
    with db.connect() as connection:
        forms = {tuple(row) for row in connection.execute(text("SELECT * FROM search_form"))}
    # the seeded claim's statement and quote, read as Russian (Latin words as English)
    assert {("экспорта", "экспорт"), ("exports", "export")} <= forms
    assert not [pair for pair in forms if pair[0] == pair[1]]
    db.migrate("downgrade", "0011")
    assert read_rows(db) == expected
    assert "search_form" not in inspect(db.engine).get_table_names()


def test_0013_adds_source_texts_and_quote_spans_and_drops_them_with_data_in_place(
    first_revision_db: Database,
) -> None:
    db = first_revision_db
    db.migrate("upgrade", "0012")
    expected = read_rows(db)
    db.migrate("upgrade", "0013")
    spans = "SELECT id, quote_start, quote_end, quote_match FROM claim"
    with db.engine.begin() as connection:
        # The seeded claim has a quote, and no source had a text before 0013.
        assert [tuple(row) for row in connection.execute(text(spans))] == [
            (1, None, None, "no-text")
        ]
        connection.execute(
            text(
                "INSERT INTO source_text (source_id, text, sha256, length, extractor, "
                "retrieved_at) VALUES (1, 'около 80% экспорта', 'ab', 18, 'plain', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(text("UPDATE claim SET quote_start = 0, quote_end = 18"))
        connection.execute(text("UPDATE claim SET quote_match = 'exact'"))
    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        connection.execute(text("UPDATE claim SET quote_match = 'fuzzy'"))
    assert read_rows(db) == expected
    db.migrate("downgrade", "0012")
    assert read_rows(db) == expected
    with db.connect() as connection:
        columns = {column["name"] for column in inspect(connection).get_columns("claim")}
        assert not {"quote_start", "quote_end", "quote_match"} & columns
        assert "source_text" not in inspect(connection).get_table_names()
        if db.is_sqlite:
            triggers = connection.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            ).scalar()
            assert triggers == 6
    db.migrate("upgrade", "0012")
    assert read_rows(db) == expected


def test_0014_adds_verdicts_and_settings_and_drops_them_with_data_in_place(
    first_revision_db: Database,
) -> None:
    db = first_revision_db
    db.migrate("upgrade", "0013")
    expected = read_rows(db)
    db.migrate("upgrade", "0014")
    with db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO verdict (id, claim_id, rating, rating_value, best_rating, "
                "worst_rating, note, reviewer, reviewed_at) "
                "VALUES (1, 1, 'false', 1, 6, 1, 'why', 'Ana', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text("INSERT INTO verdict_evidence (verdict_id, position, url) VALUES (1, 1, 'u')")
        )
        connection.execute(
            text("INSERT INTO setting (name, value, updated_at) VALUES ('org.name', 'X', :now)"),
            {"now": NOW},
        )
        view = connection.execute(text("SELECT claim_id, rating, current FROM verdict_details"))
        assert [tuple(row) for row in view] == [(1, "false", 1)]
    with pytest.raises(DBAPIError), db.engine.begin() as connection:
        # evidence is a claim or a URL, never both nor neither
        connection.execute(
            text("INSERT INTO verdict_evidence (verdict_id, position) VALUES (1, 2)")
        )
    assert read_rows(db) == expected
    db.migrate("downgrade", "0013")
    assert read_rows(db) == expected
    with db.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert not {"verdict", "verdict_evidence", "setting"} & tables
        if db.is_sqlite:
            triggers = connection.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'")
            ).scalar()
            assert triggers == 6
    db.migrate("upgrade", "0014")
    assert read_rows(db) == expected


def _topics(db: Database) -> dict[str, tuple[Any, ...]]:
    with db.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT t.slug, t.label, p.slug FROM topic AS t "
                "LEFT JOIN topic AS p ON p.id = t.parent_id ORDER BY t.slug"
            )
        )
        return {row[0]: tuple(row[1:]) for row in rows}


def test_0015_adds_the_starter_vocabulary_beside_the_topics_there_and_keeps_them_down(
    first_revision_db: Database,
) -> None:
    from factbase.catalog.starter import starter_records

    db = first_revision_db
    db.migrate("upgrade", "0014")
    with db.engine.begin() as connection:
        # A topic of the user's own, and one with a starter slug but other words.
        connection.execute(
            text(
                "INSERT INTO topic (id, slug, label, created_at) "
                "VALUES (3, 'my-story', 'Mine', :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text(
                "INSERT INTO topic (id, slug, label, parent_id, created_at) "
                "VALUES (4, 'gas', 'Gas prices', 3, :now)"
            ),
            {"now": NOW},
        )
        connection.execute(
            text("INSERT INTO topic_keyword (topic_id, keyword) VALUES (4, 'метан')")
        )
    expected = read_rows(db)
    before = _topics(db)
    db.migrate("upgrade", "0015")
    assert read_rows(db) == expected
    after = _topics(db)
    starter = {entry["slug"]: entry for entry in starter_records()}
    # Nothing the database had is renamed, moved or deleted.
    assert {slug: after[slug] for slug in before} == before
    assert set(after) == set(before) | set(starter)
    with db.connect() as connection:
        keywords = connection.execute(
            text("SELECT keyword FROM topic_keyword WHERE topic_id = 4")
        ).scalars()
        assert list(keywords) == ["метан"]  # the user's gas keeps its own keywords
        codes = dict(
            connection.execute(
                text("SELECT slug, coalesce(iptc_code, iptc_broader) FROM topic")
            ).all()
        )
    assert codes["my-story"] is None
    # A topic of a starter slug gains the IPTC fields it had none of.
    assert codes["gas"] == "medtop:20000263" and codes["oil"] == "medtop:20001243"
    assert after["diplomacy"] == ("Diplomacy", None)
    assert after["hydrogen"] == ("Hydrogen", "energy")
    assert codes["defence"] == "medtop:16000000"
    db.migrate("downgrade", "0014")
    assert read_rows(db) == expected
    assert _topics(db) == after  # the topics stay, as ordinary topics of 0014
    with db.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("topic")}
        assert not {"iptc_code", "iptc_label", "iptc_broader"} & columns
        link_columns = {c["name"] for c in inspect(connection).get_columns("claim_topic")}
        assert "keyword" not in link_columns
    db.migrate("upgrade", "0015")
    assert _topics(db) == after  # nothing added twice
    assert read_rows(db) == expected
