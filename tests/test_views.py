"""The readable views of revision 0003: they answer on both backends, go away on downgrade,
and do not stop a later revision from rebuilding the tables they read (SQLite batch mode)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from helpers import Cli
from sqlalchemy import inspect, text

from factbase.store.database import HEAD_REVISION, Database
from factbase.store.resources import migrations_dir

VIEWS = {"claim_details", "conflict_details", "verdict_details"}


def views(db: Database) -> set[str]:
    with db.connect() as connection:
        return set(inspect(connection).get_view_names())


@pytest.fixture
def recorded(db_url: str) -> str:
    cli = Cli(db_url)
    cli.ok("outlet", "add", "Новини", "--stance", "pro-ukrainian")
    cli.ok(
        "source", "add", "--outlet", "Новини", "--title", "Т", "--key", "s", "--published", "2023"
    )
    cli.ok("topics", "add", "oil")
    cli.ok("topics", "add", "energy")
    cli.ok("add", "X is 10%.", "-s", "s", "--subject", "X", "--property", "p", "--value", "10%",
           "--topic", "oil", "--topic", "energy", "--key", "ten")  # fmt: skip
    cli.ok("add", "X is 50%.", "-s", "s", "--subject", "X", "--property", "p", "--value", "50%")
    return db_url


def test_views_join_claims_and_conflicts_with_readable_columns(recorded: str) -> None:
    db = Database.open(recorded)
    try:
        assert views(db) == VIEWS
        with db.connect() as connection:
            claim = (
                connection.execute(text("SELECT * FROM claim_details WHERE claim_key = 'ten'"))
                .one()
                ._mapping
            )
            conflict = connection.execute(text("SELECT * FROM conflict_details")).one()._mapping
        assert claim["outlet"] == "Новини" and claim["stance"] == "pro-ukrainian"
        assert claim["topics"] == "energy; oil" and claim["value"] == "10%"
        assert claim["source_key"] == "s" and claim["value_number"] == 10
        assert conflict["statement_a"] == "X is 10%." and conflict["statement_b"] == "X is 50%."
        assert conflict["outlet_a"] == conflict["outlet_b"] == "Новини"
        assert conflict["kind"] == "value" and conflict["review_note"] is None
    finally:
        db.close()


def test_downgrade_drops_the_views_and_upgrade_brings_them_back(recorded: str) -> None:
    db = Database.open(recorded)
    try:
        db.migrate("downgrade", "0002")
        assert views(db) == set()
        db.migrate("upgrade", "head")
        assert views(db) == VIEWS and db.current_revision() == HEAD_REVISION
    finally:
        db.close()


LATER = '''
    """a later revision that rebuilds the tables the views read (test only)"""

    import sqlalchemy as sa
    from alembic import op

    revision = "zz98"
    down_revision = "{down}"
    branch_labels = None
    depends_on = None


    def recreate() -> str:
        # SQLite rebuilds the table (the case at stake); PostgreSQL alters it in place.
        return "always" if op.get_context().dialect.name == "sqlite" else "auto"


    def upgrade() -> None:
        for table in ("claim", "conflict", "outlet"):
            with op.batch_alter_table(table, recreate=recreate()) as batch:
                batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))


    def downgrade() -> None:
        for table in ("claim", "conflict", "outlet"):
            with op.batch_alter_table(table, recreate=recreate()) as batch:
                batch.drop_column("extra")
'''


@pytest.mark.slow
def test_a_later_table_rebuild_keeps_the_views_working(
    recorded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factbase.store.database

    copy = tmp_path / "migrations"
    shutil.copytree(migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "versions" / "zz98_later.py").write_text(
        textwrap.dedent(LATER).format(down=HEAD_REVISION)
    )
    monkeypatch.setattr(factbase.store.database, "migrations_dir", lambda: copy)
    db = Database.open(recorded, upgrade=False)
    try:
        db.migrate("upgrade", "zz98")
        db.migrate("downgrade", HEAD_REVISION)
        with db.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM claim_details")).scalar() == 2
            assert connection.execute(text("SELECT count(*) FROM conflict_details")).scalar() == 1
    finally:
        db.close()


def test_views_give_dates_at_their_precision(db_url: str) -> None:
    """`published` and `as_of` hold a period's first day; the `_text` columns (0007) give
    the period as exports write it."""
    cli = Cli(db_url)
    cli.ok("outlet", "add", "O", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "O", "--title", "T", "--key", "feb",
           "--published", "February 2023")  # fmt: skip
    cli.ok("source", "add", "--outlet", "O", "--title", "T", "--key", "day",
           "--published", "2023-11-09")  # fmt: skip
    cli.ok("add", "X is 10%.", "-s", "feb", "--subject", "X", "--property", "p", "--value",
           "10%", "--as-of", "2022", "--event-date", "March 2022", "--key", "a")  # fmt: skip
    cli.ok("add", "X is 50%.", "-s", "day", "--subject", "X", "--property", "p",
           "--value", "50%", "--key", "b")  # fmt: skip
    db = Database.open(db_url)
    try:
        with db.connect() as connection:
            claims = {
                row.claim_key: row
                for row in connection.execute(text("SELECT * FROM claim_details"))
            }
            conflict = connection.execute(text("SELECT * FROM conflict_details")).one()
    finally:
        db.close()
    a, b = claims["a"], claims["b"]
    assert str(a.published)[:10] == "2023-02-01" and a.published_precision == "month"
    assert (a.published_text, a.as_of_text, a.event_date_text) == ("2023-02", "2022", "2022-03")
    assert str(a.as_of)[:10] == "2022-01-01"
    assert (b.published_text, b.as_of_text, b.event_date_text) == ("2023-11-09", None, None)
    pair = {conflict.claim_a_key: conflict.published_a_text,
            conflict.claim_b_key: conflict.published_b_text}  # fmt: skip
    assert pair == {"a": "2023-02", "b": "2023-11-09"}
    assert str(conflict.published_a)[:10] in ("2023-02-01", "2023-11-09")


def test_the_dated_columns_come_last_and_go_on_downgrade(recorded: str) -> None:
    db = Database.open(recorded)
    try:
        db.migrate("downgrade", "0012")  # the last revision before 0013 added columns after them
        with db.connect() as connection:
            claim_columns = [c["name"] for c in inspect(connection).get_columns("claim_details")]
            conflict_columns = [
                c["name"] for c in inspect(connection).get_columns("conflict_details")
            ]
        assert claim_columns[-3:] == ["published_text", "as_of_text", "event_date_text"]
        assert claim_columns[:2] == ["claim_id", "claim_key"]
        assert conflict_columns[-2:] == ["published_a_text", "published_b_text"]
        db.migrate("downgrade", "0006")
        with db.connect() as connection:
            older = [c["name"] for c in inspect(connection).get_columns("claim_details")]
            rows = connection.execute(text("SELECT count(*) FROM claim_details")).scalar()
        assert older == claim_columns[:-3] and rows == 2
        db.migrate("upgrade", "head")
        with db.connect() as connection:
            row = connection.execute(
                text("SELECT published_text FROM claim_details WHERE claim_key = 'ten'")
            ).one()
        assert row.published_text == "2023"
    finally:
        db.close()


def test_the_quote_columns_come_last_and_go_on_downgrade(recorded: str) -> None:
    """0013 adds the claim columns of 0009 and 0011, and each claim's quote match (and
    span), after the columns of 0007."""
    db = Database.open(recorded)
    try:
        with db.connect() as connection:
            claim_columns = [c["name"] for c in inspect(connection).get_columns("claim_details")]
            conflict_columns = [
                c["name"] for c in inspect(connection).get_columns("conflict_details")
            ]
            rows = connection.execute(
                text("SELECT claim_key, quote_match FROM claim_details ORDER BY claim_id")
            ).all()
        assert claim_columns[-9:] == [
            *("published_text", "as_of_text", "event_date_text"),
            *("forecast", "polarity_suggested", "occasion"),
            *("quote_match", "quote_start", "quote_end"),
        ]
        assert conflict_columns[-2:] == ["quote_match_a", "quote_match_b"]
        assert [tuple(row) for row in rows] == [("ten", None), (None, None)]  # no quotes
        db.migrate("downgrade", "0012")
        with db.connect() as connection:
            older = [c["name"] for c in inspect(connection).get_columns("claim_details")]
        assert older == claim_columns[:-6]
    finally:
        db.close()
