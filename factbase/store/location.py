"""Where the database is, and which schema revision this program writes.

Kept apart from :mod:`factbase.store.database` so that finding the file costs no SQLAlchemy import:
:mod:`factbase.claims.fastread` opens it with the standard library.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "FACTBASE_DB"
APP_NAME = "factbase"
DB_FILENAME = "factbase.db"
# The newest migration. tests/test_migrations.py checks it against Alembic's head,
# so opening an up-to-date database never needs to import Alembic (~0.4 s).
HEAD_REVISION = "0006"


def default_db_path() -> Path:
    """The database file used when no location is given."""
    # Deferred: a command given --db never needs platformdirs.
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DB_FILENAME


def given_location(location: str | None) -> str | None:
    """The location named by the argument, else by ``FACTBASE_DB``; None for the default."""
    return location or os.environ.get(ENV_VAR) or None


def existing_sqlite_file(location: str | None) -> Path | None:
    """The SQLite file a plain path (or the default) names, when it exists; None otherwise.

    URLs, even ``sqlite:///`` ones, are left to :func:`factbase.store.database.resolve_url`.
    """
    location = given_location(location)
    if location is not None and "://" in location:
        return None
    path = Path(location).expanduser().resolve() if location else default_db_path()
    return path if path.is_file() else None
