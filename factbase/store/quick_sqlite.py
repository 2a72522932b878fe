"""The SQLite file as the quick paths open it with the standard library's ``sqlite3``.

Importing SQLAlchemy takes longer than reading one page of claims or writing one claim,
so `list`, `show`, `add`, `verdict` and `retract` answer the usual case on an up-to-date
SQLite file themselves (:mod:`factbase.claims.fastread`,
:mod:`factbase.analysis.quick_add`, :mod:`factbase.analysis.quick_corrections`) and leave
the rest to the library. What they share about the file is here: finding it, opening it
to write, running one write transaction, and the moments and values as SQLAlchemy stores
them.

A writer here declines (None, having written nothing) whenever the library must act or
word a refusal: another schema revision or journal mode, a write lock another process
holds (never waited for here: the library waits its busy timeout and words the error),
and any SQLite error, except that under tests (:data:`STRICT_ENV`) an error of the
quick path's own SQL is raised, since there it means a bug.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from factbase.errors import FactbaseError
from factbase.store.interrupts import interrupts_deferred, refuse_after_interrupt
from factbase.store.location import HEAD_REVISION, existing_sqlite_file

# Under tests, an SQLite error in a query of an up-to-date file is a bug (a column named
# wrongly, say), not a reason to let the library answer: it is raised.
STRICT_ENV = "FACTBASE_FASTREAD_STRICT"

Answer = TypeVar("Answer")


class Unanswered(Exception):
    """The library must do this one."""


def sqlite_file(location: str | None) -> Path | None:
    """The existing SQLite file named; None for anything else, even a location that cannot
    be a path at all (``~nobody/x.db``, a NUL byte): the library words that error."""
    try:
        return existing_sqlite_file(location)
    except (OSError, RuntimeError, ValueError):
        return None


def written(location: str | None, write: Callable[[sqlite3.Connection], Answer]) -> Answer | None:
    """What ``write`` answers, committed in one transaction that holds the write lock from
    its start; None, having written nothing, when the library has to do it (``write``
    raises :class:`Unanswered` or a :class:`~factbase.errors.FactbaseError` for that)."""
    path = sqlite_file(location)
    if path is None:
        return None
    try:
        connection = _connect_writer(path)
    except (Unanswered, sqlite3.Error):
        return None
    with closing(connection):
        try:
            connection.execute("BEGIN IMMEDIATE")  # the writer's lock before any read
            answer = write(connection)
            # Ctrl-C is taken after the commit, as the library takes it: it has happened, or not.
            refuse_after_interrupt()
            with interrupts_deferred():
                connection.execute("COMMIT")
            return answer
        except (Unanswered, FactbaseError):
            connection.rollback()
            return None
        except sqlite3.Error as error:
            connection.rollback()
            if os.environ.get(STRICT_ENV) and is_a_bug(error):
                raise
            return None
        except BaseException:
            connection.rollback()
            raise


def is_a_bug(error: sqlite3.Error) -> bool:
    """An error in a quick path's SQL (a column named wrongly, a constraint it failed to
    check first), not one of the file's state (locked, read-only, a full disk), which the
    library meets again and words."""
    if isinstance(error, sqlite3.OperationalError):
        return any(sign in str(error) for sign in ("no such", "syntax error", "has no column"))
    return True


def _connect_writer(path: Path) -> sqlite3.Connection:
    # mode=rw: never create a file; isolation_level None: transactions as written here.
    # timeout 0: a write lock held by another process is not waited for here but left to
    # the library, which waits its busy timeout and words the error when it runs out.
    connection = sqlite3.connect(
        f"{path.as_uri()}?mode=rw", uri=True, timeout=0, isolation_level=None
    )
    try:
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        if revision != [(HEAD_REVISION,)] or str(mode).lower() != "wal":
            raise Unanswered  # the library upgrades the file or switches it to WAL first
        # As factbase.store.database sets up each connection.
        connection.execute("PRAGMA foreign_keys = ON")
        connection.execute("PRAGMA synchronous = NORMAL")
    except BaseException:
        connection.close()
        raise
    return connection


def stored(value: Any) -> Any:
    """A column value as SQLAlchemy stores it in SQLite."""
    if isinstance(value, datetime):
        return timestamp(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def timestamp(moment: datetime) -> str:
    """SQLAlchemy's SQLite DateTime format, for the naive UTC that UTCDateTime stores."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
