"""What the global options set for the command being run."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factbase.store.database import Database

db_location: str | None = None
debug: bool = False
user: str | None = None
# Every database this command opened: what they committed is what an interruption kept.
_opened: list[Database] = []


def reset(*, db: str | None, debug: bool, user: str | None = None) -> None:
    globals().update(db_location=db, debug=debug, user=user)
    _opened.clear()


def _password() -> str | None:
    """The password in the database URL given, if any. Read only when a message is
    redacted: SQLAlchemy's URL parser costs a `list` or `show` process ~0.25 s."""
    if not (db_location and "://" in db_location):
        return None
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        password = make_url(db_location).password
    except (ArgumentError, ValueError):  # e.g. a port that is not a number
        return None
    return str(password) if password else None


def override(**given: str | bool) -> None:
    """A global option given after the subcommand, where it wins over the one before."""
    reset(
        db=str(given.get("db", db_location)) if given.get("db", db_location) else None,
        debug=bool(given.get("debug", debug)),
        user=str(given.get("user", user)) if given.get("user", user) else None,
    )


def redact(text: str) -> str:
    """Hide the database password wherever it would appear in a message."""
    password = _password()
    return text.replace(password, "***") if password else text


def open_db(*, write: bool, create: bool | None = None, upgrade: bool = True) -> Database:
    """The database the global options name; open it with `with`, which closes it.

    Every command says here whether it writes. One that only reads (``write=False``)
    never creates a database: a SQLite file that is not there is an error (exit 1), so a
    mistyped --db says so instead of answering from a new, empty file. One that writes
    creates and migrates a new file, and removes it again if it fails having committed
    nothing; ``create=False`` is for a writer that has nothing to do in a new database
    (`review`, `db downgrade`). A server database (PostgreSQL) is there or not, either way.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog import audit
    from factbase.store.database import Database
    from factbase.text.dictionaries import keep_built_dictionaries

    audit.acting_as(user)
    if write:
        keep_built_dictionaries()  # a reading command creates no file, not even a cache
    database = Database.open(
        db_location, upgrade=upgrade, create=write if create is None else create
    )
    _opened.append(database)
    if database.upgraded_from is not None:
        try:
            refresh_after_upgrade(database, database.upgraded_from)
        except BaseException:
            database.close()
            raise
    return database


def discard_failed() -> None:
    """After a failed command: remove each database file it created and committed nothing
    to (tried again here, once the error and its frames are gone; see discard_if_new)."""
    for database in _opened:
        database.discard_if_new()


def committed() -> int:
    """How many write transactions this command has committed so far."""
    return sum(database.commits for database in _opened)


def refresh_after_upgrade(database: Database, before: str | None) -> None:
    """Build what an upgrade added empty (conflicts, from revision 0002) and say so."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.upgrades import refresh_derived

    with database.session(write=True) as session:
        found = refresh_derived(session, before)
    if found:  # a remark for people, on stderr (this module is below render)
        print(f"factbase: {found}", file=sys.stderr)
