"""Where the database is, and which schema revision this program writes.

Kept apart from :mod:`factbase.store.database` so that finding the file costs no SQLAlchemy import:
:mod:`factbase.claims.fastread` opens it with the standard library.
"""

from __future__ import annotations

import os
from pathlib import Path

from factbase.errors import InvalidInput

ENV_VAR = "FACTBASE_DB"
APP_NAME = "factbase"
DB_FILENAME = "factbase.db"
# The newest migration. tests/test_migrations.py checks it against Alembic's head,
# so opening an up-to-date database never needs to import Alembic (~0.4 s).
HEAD_REVISION = "0015"


def default_db_path() -> Path:
    """The database file used when no location is given."""
    # Deferred: a command given --db never needs platformdirs.
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def given_location(location: str | None) -> str | None:
    """The location named by the argument, else by ``FACTBASE_DB``; None for the default.

    An empty one is an error, not the default: a script whose variable is unset must not
    write into the personal database.
    """
    what = "--db or FACTBASE_DB"
    if location is None:
        location, what = os.environ.get(ENV_VAR), ENV_VAR
    if location is None:
        return None
    if not location.strip():
        raise InvalidInput(
            f"the database location ({what}) is empty: give a database file or URL, "
            "or leave it unset for the default"
        )
    return location


def existing_sqlite_file(location: str | None) -> Path | None:
    """The SQLite file a plain path (or the default) names, when it exists; None otherwise.

    URLs, even ``sqlite:///`` ones, are left to :func:`factbase.store.database.resolve_url`.
    """
    location = given_location(location)
    if location is not None and "://" in location:
        return None
    path = Path(location).expanduser().resolve() if location else default_db_path()
    if not path.is_file():
        return None
    refuse_hard_links(path)
    return path


def refuse_hard_links(path: Path) -> None:
    """Refuse a database file that has other names.

    SQLite keeps its write-ahead log and lock files beside the name it was opened by, so
    two processes writing one file through two hard links each think they hold it alone:
    acknowledged writes are lost and the file can be left malformed.
    """
    try:
        links = path.stat().st_nlink
    except OSError:
        return
    if links > 1:
        raise InvalidInput(
            f"{path} has {links} hard links: SQLite cannot share a file between names "
            "(writes through two of them corrupt it); copy the file instead of linking it, "
            "or remove the other names"
        )


def read_only_reason(path: Path) -> str | None:
    """Why an existing SQLite file cannot be written here, as the line a refused write
    prints; None when it can be written.

    SQLite writes its write-ahead log and shared-memory files beside the database, so
    a writable file in a read-only directory cannot be written either.
    """
    if not os.access(path, os.W_OK):
        return f"database is read-only: {path}"
    if not os.access(path.parent, os.W_OK):
        return (
            f"database is read-only: {path} (its directory is read-only, and SQLite "
            "writes its journal beside the file)"
        )
    return None
