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

VIEWS = {"claim_details", "conflict_details"}


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
