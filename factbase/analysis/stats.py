"""`factbase stats`: how much the database holds and where it lives."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factbase.store.database import Database
from factbase.store.models import (
    AuditEntry,
    Claim,
    ClaimLink,
    Conflict,
    Entity,
    EntityAlias,
    Outlet,
    Source,
    Stance,
    Topic,
    XrefRejection,
)

# (label, model) in the order they are shown.
COUNTED: tuple[tuple[str, Any], ...] = (
    ("claims", Claim),
    ("sources", Source),
    ("outlets", Outlet),
    ("stances", Stance),
    ("topics", Topic),
    ("entities", Entity),
    ("entity aliases", EntityAlias),
    ("links", ClaimLink),
    ("conflicts", Conflict),
    ("xref rejections", XrefRejection),
    ("audit entries", AuditEntry),
)


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _by(session: Session, column: Any) -> dict[str, int]:
    query = select(column, func.count()).group_by(column).order_by(column)
    return {str(value): int(n) for value, n in session.execute(query)}


def collect_stats(session: Session, db: Database) -> dict[str, Any]:
    """Counts of everything, the breakdowns people ask for first, and the location."""
    size = None
    if db.is_sqlite and db.url.database not in (None, "", ":memory:"):
        path = Path(str(db.url.database))
        files = [path, path.with_name(path.name + "-wal")]
        size = sum(f.stat().st_size for f in files if f.exists())
    return {
        "database": db.display,
        "backend": db.url.get_backend_name(),
        "schema": db.current_revision(),
        "size_bytes": size,
        "counts": {label: _count(session, model) for label, model in COUNTED},
        "claims_by_language": _by(session, Claim.language),
        "claims_by_status": _by(session, Claim.status),
        "conflicts_by_status": _by(session, Conflict.status),
        "links_by_kind": _by(session, ClaimLink.kind),
    }
