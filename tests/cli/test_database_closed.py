"""Every command closes the database it opened: `Database` is a context manager."""

from __future__ import annotations

import pytest
from conftest import Cli
from sqlalchemy import text

from factbase.store.database import Database


def test_database_as_a_context_manager_disposes_its_engine(db_url: str) -> None:
    with Database.open(db_url) as database:
        with database.session() as session:
            session.execute(text("SELECT 1"))
        assert database.engine.pool.checkedin() == 1  # pooled, still open
    assert database.engine.pool.checkedin() == 0


def test_database_is_closed_when_the_block_fails(db_url: str) -> None:
    with pytest.raises(RuntimeError), Database.open(db_url) as database:
        with database.session() as session:
            session.execute(text("SELECT 1"))
        raise RuntimeError("the command failed")
    assert database.engine.pool.checkedin() == 0


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> dict[int, bool]:
    """Every Database opened from now on: its id -> whether it was closed."""
    found: dict[int, bool] = {}
    real_open, real_close = Database.open.__func__, Database.close  # type: ignore[attr-defined]

    def open_(cls: type[Database], *args: object, **kwargs: object) -> Database:
        database = real_open(cls, *args, **kwargs)
        found[id(database)] = False
        return database

    def close(self: Database) -> None:
        found[id(self)] = True
        real_close(self)

    monkeypatch.setattr(Database, "open", classmethod(open_))
    monkeypatch.setattr(Database, "close", close)
    return found


COMMANDS = [
    ("outlet", "add", "BTA", "--stance", "neutral"),
    ("source", "add", "--outlet", "BTA", "--title", "Article", "--key", "a", "--language", "en"),
    ("add", "Oil exports rose 5% in 2022.", "-s", "a", "--subject", "oil", "--property", "x"),
    ("list", "--format", "json"),
    ("show", "1"),
    ("outlet", "list"),
    ("stance", "list"),
    ("source", "list"),
    ("source", "show", "a"),
    ("topics",),
    ("entities",),
    ("conflicts",),
    ("conflicts", "scan"),
    ("history",),
    ("xref",),
    ("review",),
    ("export", "claims"),
    ("export", "all"),
    ("report",),
    ("stats",),
    ("db", "current"),
    ("db", "upgrade"),
]


@pytest.mark.slow
def test_every_command_closes_the_database_it_opened(cli: Cli, opened: dict[int, bool]) -> None:
    for command in COMMANDS:
        opened.clear()
        cli.ok(*command, input="q\n")
        assert all(opened.values()), f"`factbase {' '.join(command)}` left it open"


def test_a_failing_command_closes_the_database_too(cli: Cli, opened: dict[int, bool]) -> None:
    assert cli("source", "show", "no-such-source").exit_code == 1
    assert opened and all(opened.values())
