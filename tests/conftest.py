"""Shared fixtures: every test runs against a real database it owns.

By default that is a SQLite file under the test's tmp_path. When
FACTBASE_TEST_PG_URL is set (CI does), the same tests run on that PostgreSQL
server instead, in a database of their own created for the run (so two runs
against one server never collide) and reset to an empty schema before each test.
No test ever touches the user's real data directory.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
# The `list`/`show` shortcut raises its SQLite errors rather than leaving the answer to the
# library: here one means a bug (factbase.claims.fastread.STRICT_ENV; subprocesses inherit it).
os.environ["FACTBASE_FASTREAD_STRICT"] = "1"


def _run_database(server_url: str) -> str:
    """Create a database for this test run on the server and return its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"factbase_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_run_database(server_url: str, run_url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = make_url(run_url).database
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


_PG_SERVER_URL = os.environ.get("FACTBASE_TEST_PG_URL")
# Test modules import this file as `conftest` too; the variable keeps them on one database.
PG_URL = os.environ.get("_FACTBASE_TEST_RUN_PG_URL") or (
    _run_database(_PG_SERVER_URL) if _PG_SERVER_URL else None
)
if PG_URL:
    os.environ["_FACTBASE_TEST_RUN_PG_URL"] = PG_URL


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _PG_SERVER_URL and PG_URL:
        _drop_run_database(_PG_SERVER_URL, PG_URL)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the data directory at tmp_path and make terminal output deterministic."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FACTBASE_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def _migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test run; each test gets a copy (fast)."""
    from factbase.store.database import Database

    path = tmp_path_factory.mktemp("template") / "template.db"
    Database.open(str(path)).close()
    return path


@pytest.fixture
def empty_db_url(tmp_path: Path) -> str:
    """A location with no database yet (the first command creates it)."""
    if PG_URL:
        reset_postgres(PG_URL)
        return PG_URL
    return str(tmp_path / "factbase.db")


@pytest.fixture
def db_url(tmp_path: Path, _migrated_sqlite_template: Path) -> str:
    """A location holding an empty, fully migrated factbase database."""
    if PG_URL:
        from factbase.store.database import Database

        reset_postgres(PG_URL)
        Database.open(PG_URL).close()
        return PG_URL
    path = tmp_path / "factbase.db"
    shutil.copyfile(_migrated_sqlite_template, path)
    return str(path)


@pytest.fixture
def db(db_url: str) -> Iterator[object]:
    from factbase.store.database import Database

    database = Database.open(db_url)
    yield database
    database.close()


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `factbase --db URL …` in-process through Typer's CliRunner."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Outcome:
        from factbase.cli import app

        result = self.runner.invoke(app, ["--db", self.url, *args], input=input)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Outcome(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, input: str | None = None) -> Outcome:
        outcome = self(*args, input=input)
        assert outcome.exit_code == 0, f"exit {outcome.exit_code}: {outcome.stderr}"
        return outcome


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a failed command wrote nothing."""
    from sqlalchemy import create_engine, inspect, text

    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    with engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        rows = {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                key=repr,
            )
            for table in tables
        }
    engine.dispose()
    return rows
