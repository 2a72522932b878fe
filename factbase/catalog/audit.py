"""The audit log: every review decision and link, with who, when, what and why."""

from __future__ import annotations

import getpass
import json
import os
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.store.models import AuditEntry

ACTOR_ENV = "FACTBASE_USER"


def current_actor() -> str:
    """Who is deciding: $FACTBASE_USER, else the login name."""
    explicit = os.environ.get(ACTOR_ENV, "").strip()
    if explicit:
        return explicit
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "unknown"


def record(
    session: Session,
    action: str,
    target: str,
    *,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction, so it lands with the decision or not at all."""
    entry = AuditEntry(
        actor=current_actor(),
        action=action,
        target=target,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else None,
        note=note,
    )
    session.add(entry)
    session.flush()
    return entry


def history(
    session: Session, *, target: str | None = None, limit: int | None = 50
) -> list[AuditEntry]:
    """Newest first."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc())
    if target:
        query = query.where(AuditEntry.target == target)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


# The columns of an audit entry in `factbase history`, in order.
HISTORY_COLUMNS: tuple[str, ...] = ("id", "at", "actor", "action", "target", "detail", "note")


def history_records(
    session: Session, *, target: str | None = None, limit: int | None = 50
) -> list[dict[str, Any]]:
    """:func:`history` as :data:`HISTORY_COLUMNS` name the fields; times to the second."""
    return [
        {
            "id": entry.id,
            "at": entry.at.isoformat(timespec="seconds"),
            "actor": entry.actor,
            "action": entry.action,
            "target": entry.target,
            "detail": entry.detail,
            "note": entry.note,
        }
        for entry in history(session, target=target, limit=limit)
    ]
