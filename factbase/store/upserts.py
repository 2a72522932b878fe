"""INSERT … ON CONFLICT DO NOTHING, which SQLite and PostgreSQL both have but SQLAlchemy
offers per dialect."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session


def insert_new(session: Session, table: Any) -> Any:
    """An INSERT into ``table`` (a model or Table) that skips rows whose key is taken."""
    if session.get_bind().dialect.name == "postgresql":
        # Deferred: SQLAlchemy's PostgreSQL dialect (with asyncio) takes ~40 ms to import,
        # a tenth of `factbase add` on SQLite, which never needs it.
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(table).on_conflict_do_nothing()
    return sqlite.insert(table).on_conflict_do_nothing()
