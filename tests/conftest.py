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
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    PG_URL,
    Cli,
    built_template,
    drop_run_database,
    from_template,
    reset_postgres,
    seed,
)

# The `list`/`show` shortcut raises its SQLite errors rather than leaving the answer to the
# library: here one means a bug (factbase.claims.fastread.STRICT_ENV; subprocesses inherit it).
os.environ["FACTBASE_FASTREAD_STRICT"] = "1"

# Plain functions live in helpers.py; test modules import them from there, never from here.


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_run_database()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked `postgres` need the server: without FACTBASE_TEST_PG_URL they are skipped."""
    if PG_URL:
        return
    needs_server = pytest.mark.skip(reason="needs the PostgreSQL server (FACTBASE_TEST_PG_URL)")
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(needs_server)


@pytest.fixture(scope="session")
def _shared_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache directory for the run: the lemma dictionaries' tries (derived data, the
    same for every test) are built once, not in every test's home."""
    return tmp_path_factory.getbasetemp().parent / "xdg-cache"


@pytest.fixture(autouse=True)
def _isolated_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _shared_cache: Path
) -> None:
    """Point the data directory at tmp_path and make terminal output deterministic."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(_shared_cache))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FACTBASE_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TERM", "dumb")
    # The command line keeps one Rich console a process (one command, one terminal) and
    # reads its width once; each test is a terminal of its own, as wide as its COLUMNS.
    render = sys.modules.get("factbase.cli.render")
    if render is not None:
        render.console.cache_clear()
        render.err_console.cache_clear()


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


@pytest.fixture(scope="session")
def _seeded_sqlite_template(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> Path | None:
    """SQLite: the seed data loaded once per test run, copied for each test that wants it."""
    return built_template(tmp_path_factory, _migrated_sqlite_template, seed, "seeded")


@pytest.fixture
def seeded_url(db_url: str, _seeded_sqlite_template: Path | None) -> str:
    """``db_url`` holding the seed data."""
    return from_template(db_url, _seeded_sqlite_template, seed)


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


@pytest.fixture
def cli(db_url: str) -> Cli:
    return Cli(db_url)
