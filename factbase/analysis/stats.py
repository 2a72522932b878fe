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
    ("entity_aliases", EntityAlias),
    ("links", ClaimLink),
    ("conflicts", Conflict),
    ("xref_rejections", XrefRejection),
    ("audit_entries", AuditEntry),
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


# The counts as rows, for the table formats: what is counted, which part of it, how many.
STATS_COLUMNS = ("group", "name", "count")
_COUNTED_GROUPS = (
    *("counts", "claims_by_language", "claims_by_status"),
    *("conflicts_by_status", "links_by_kind"),
)


def stats_rows(found: dict[str, Any]) -> list[dict[str, Any]]:
    """``found`` (from collect_stats) flattened: one row per count, in its group."""
    return [
        {"group": group, "name": name, "count": count}
        for group in _COUNTED_GROUPS
        for name, count in found[group].items()
    ]
