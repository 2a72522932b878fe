"""factbase.db: locating, opening, upgrading and refusing databases (no CLI)."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
import threading
from pathlib import Path

import pytest
from helpers import PG_URL, snapshot
from sqlalchemy import inspect, select, text

from factbase.errors import DatabaseBusy, InvalidInput, SchemaError
from factbase.store.database import (
    HEAD_REVISION,
    Database,
    default_db_path,
    display_url,
    resolve_url,
)

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="checks SQLite files and pragmas")


# -- where ---------------------------------------------------------------------------


def test_default_path_is_in_the_xdg_data_directory(tmp_path: Path) -> None:
    assert default_db_path() == tmp_path / "xdg-data" / "factbase" / "factbase.db"


def test_resolve_url_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = tmp_path / "xdg-data" / "factbase" / "factbase.db"
    assert resolve_url(None).database == str(default)
    # Naming the location makes nothing: the directory is made with the database itself.
    assert not default.parent.exists()
    Database.open(None).close()
    assert default.is_file()
    monkeypatch.setenv("FACTBASE_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).database == str(tmp_path / "env.db")
    assert resolve_url(str(tmp_path / "arg.db")).database == str(tmp_path / "arg.db")
    url = resolve_url("postgresql+psycopg://u:pw@host:5433/name")
    assert (url.get_backend_name(), url.host, url.port, url.database) == (
        "postgresql",
        "host",
        5433,
        "name",
    )


def test_relative_and_home_paths_are_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("rel.db").database == str(tmp_path / "rel.db")
    (tmp_path / "home").mkdir()
    assert resolve_url("~/home.db").database == str(tmp_path / "home" / "home.db")


@pytest.mark.parametrize(
    ("location", "fragment"),
    [("{tmp}", "is a directory"), ("{tmp}/no/such/dir/x.db", "does not exist")],
)
def test_bad_locations_are_invalid_input(tmp_path: Path, location: str, fragment: str) -> None:
    with pytest.raises(InvalidInput, match=fragment):
        resolve_url(location.format(tmp=tmp_path))


def test_display_url_never_shows_the_password(tmp_path: Path) -> None:
    shown = display_url(resolve_url("postgresql+psycopg://alice:s3cr3t@db/fb"))
    assert "s3cr3t" not in shown and "alice" in shown
    assert display_url(resolve_url(str(tmp_path / "x.db"))) == str(tmp_path / "x.db")


# -- opening -------------------------------------------------------------------------


def test_open_creates_and_migrates_a_new_database(empty_db_url: str) -> None:
    db = Database.open(empty_db_url)
    try:
        assert db.current_revision() == HEAD_REVISION
        with db.connect() as connection:
            assert inspect(connection).has_table("claim")
    finally:
        db.close()


def test_open_without_upgrade_leaves_a_new_location_empty(empty_db_url: str) -> None:
    db = Database.open(empty_db_url, upgrade=False)
    try:
        assert db.current_revision() is None
        with db.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        db.close()


def test_open_of_the_default_location_creates_the_file(tmp_path: Path) -> None:
    db = Database.open()
    try:
        assert db.url.database == str(tmp_path / "xdg-data" / "factbase" / "factbase.db")
        assert db.current_revision() == HEAD_REVISION
    finally:
        db.close()
    assert (tmp_path / "xdg-data" / "factbase" / "factbase.db").is_file()


def test_reopening_keeps_the_data(db_url: str) -> None:
    from factbase.catalog.outlets import add_outlet

    db = Database.open(db_url)
    with db.session(write=True) as session:
        add_outlet(session, "SilkBridge.info", "neutral", note="kept")
    db.close()
    before = snapshot(db_url)
    db = Database.open(db_url)
    db.close()
    assert snapshot(db_url) == before
    assert ("SilkBridge.info",) in [row[1:2] for row in before["outlet"]]


UPGRADE = '''
    """an extra table and column (test only)"""

    import sqlalchemy as sa
    from alembic import op

    revision = "zz01"
    down_revision = "{down}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        op.create_table("extra_feature", sa.Column("id", sa.Integer(), primary_key=True))
        with op.batch_alter_table("outlet") as batch:
            batch.add_column(sa.Column("extra_rank", sa.Integer(), nullable=True))


    def downgrade() -> None:
        with op.batch_alter_table("outlet") as batch:
            batch.drop_column("extra_rank")
        op.drop_table("extra_feature")
'''


def test_an_older_database_is_upgraded_on_open_not_recreated(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pretend this factbase is one revision newer than the database."""
    import factbase.store.database
    from factbase.analysis.intake import add_claim
    from factbase.catalog.outlets import add_outlet
    from factbase.catalog.sources import SourceInput, add_source
    from factbase.claims.values import ClaimInput

    db = Database.open(db_url)
    with db.session(write=True) as session:
        add_outlet(session, "SilkBridge.info", "neutral")
        add_source(
            session, SourceInput(outlet="SilkBridge.info", title="T", key="s", language="en")
        )
        add_claim(session, ClaimInput(source="s", statement="Kept.", key="c", language="en"))
    db.close()
    before = snapshot(db_url)

    copy = tmp_path / "migrations"
    shutil.copytree(
        factbase.store.database.migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__")
    )
    (copy / "versions" / "zz01_extra.py").write_text(
        textwrap.dedent(UPGRADE).format(down=HEAD_REVISION)
    )
    monkeypatch.setattr(factbase.store.database, "migrations_dir", lambda: copy)
    monkeypatch.setattr(factbase.store.database, "HEAD_REVISION", "zz01")

    db = Database.open(db_url)
    try:
        assert db.current_revision() == "zz01"
        with db.connect() as connection:
            assert inspect(connection).has_table("extra_feature")
            rows = connection.execute(text("SELECT name, extra_rank FROM outlet")).all()
            assert [tuple(r) for r in rows] == [("SilkBridge.info", None)]
            claims = connection.execute(text("SELECT key, statement FROM claim")).all()
            assert [tuple(r) for r in claims] == [("c", "Kept.")]
    finally:
        db.close()
    after = snapshot(db_url)
    for table, rows in before.items():
        if table not in ("alembic_version", "outlet"):
            assert after[table] == rows, table


@sqlite_only
def test_a_sqlite_file_that_is_not_factbase_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "foreign.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    for upgrade in (True, False):
        with pytest.raises(SchemaError, match="not a factbase database"):
            Database.open(str(path), upgrade=upgrade)
    connection = sqlite3.connect(path)
    names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master")]
    connection.close()
    assert names == ["notes"]


def test_a_database_from_a_newer_factbase_is_refused(db_url: str) -> None:
    db = Database.open(db_url)
    with db.connect() as connection, connection.begin():
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    db.close()
    before = snapshot(db_url)
    with pytest.raises(SchemaError, match=r"9999.*does not know; upgrade factbase"):
        Database.open(db_url)
    assert snapshot(db_url) == before
    readonly = Database.open(db_url, upgrade=False)  # `db current` can still look
    try:
        assert readonly.current_revision() == "9999"
    finally:
        readonly.close()


# -- SQLite behaviour ------------------------------------------------------------------


@sqlite_only
def test_sqlite_pragmas(db: Database) -> None:
    from factbase.store.database import BUSY_TIMEOUT_SECONDS

    with db.connect() as connection:  # type: ignore[attr-defined]
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == int(
            BUSY_TIMEOUT_SECONDS * 1000
        )
        assert BUSY_TIMEOUT_SECONDS >= 1


@sqlite_only
def test_a_busy_database_is_reported_with_exit_code_75(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factbase.store.database
    from factbase.catalog.outlets import add_outlet

    monkeypatch.setattr(factbase.store.database, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(db_url, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        db = Database.open(db_url)  # reading is fine while another process writes (WAL)
        try:
            with pytest.raises(DatabaseBusy) as caught, db.session(write=True) as session:
                add_outlet(session, "Blocked", "neutral")
            assert caught.value.exit_code == 75
            assert "busy" in caught.value.message
        finally:
            db.close()
    finally:
        holder.rollback()
        holder.close()
    db = Database.open(db_url)
    try:
        with db.session() as session:
            from factbase.store.models import Outlet

            assert session.scalars(select(Outlet.name)).all() == []
    finally:
        db.close()


@sqlite_only
def test_a_busy_database_through_the_cli(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from helpers import Cli

    import factbase.store.database

    monkeypatch.setattr(factbase.store.database, "BUSY_TIMEOUT_SECONDS", 0.2)
    holder = sqlite3.connect(db_url, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        out = Cli(db_url)("outlet", "add", "Blocked", "--stance", "neutral")
    finally:
        holder.rollback()
        holder.close()
    assert out.exit_code == 75
    [line] = out.stderr.splitlines()
    assert line.startswith("factbase: error: database busy")


@sqlite_only
def test_a_writer_waits_for_the_lock_instead_of_failing(db_url: str) -> None:
    """Within the busy timeout a second writer waits, then succeeds."""
    from factbase.catalog.outlets import add_outlet

    holder = sqlite3.connect(db_url, timeout=0, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.3, holder.rollback)
    releaser.start()
    db = Database.open(db_url)
    try:
        with db.session(write=True) as session:
            add_outlet(session, "Waited", "neutral")
        with db.session() as session:
            from factbase.store.models import Outlet

            assert session.scalars(select(Outlet.name)).all() == ["Waited"]
    finally:
        releaser.join()
        holder.close()
        db.close()
