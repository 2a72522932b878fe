"""The audit log: every correction, review decision and link, with who, when, what and why.

A correction's entry holds its change as ``{"changes": {field: [before, after]}}`` (see
:func:`changes`), a deletion's the whole row, so nothing a person corrected is lost.
The actor is ``--user``, else $FACTBASE_USER, else the login name.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from factbase.store.models import AuditEntry, utcnow

ACTOR_ENV = "FACTBASE_USER"


def current_actor() -> str:
    """Who is deciding: `--user` (which sets $FACTBASE_USER), else the login name."""
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
    claim_id: int | None = None,
    source_id: int | None = None,
) -> AuditEntry:
    """Add an entry in the caller's transaction, so it lands with the decision or not at all."""
    entry = AuditEntry(
        actor=current_actor(),
        action=action,
        target=target,
        detail=_detail(detail),
        note=note,
        claim_id=claim_id,
        source_id=source_id,
    )
    session.add(entry)
    session.flush()
    return entry


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Add many entries at once (an import's), with one executemany rather than an ORM
    object each. Each entry has ``action`` and ``target`` and may have ``detail``,
    ``note``, ``claim_id`` and ``source_id``, as :func:`record` takes them."""
    if not entries:
        return
    actor, at = current_actor(), utcnow()
    rows = [
        {
            "actor": actor,
            "at": at,
            "action": entry["action"],
            "target": entry["target"],
            "detail": _detail(entry.get("detail")),
            "note": entry.get("note"),
            "claim_id": entry.get("claim_id"),
            "source_id": entry.get("source_id"),
        }
        for entry in entries
    ]
    session.execute(insert(cast(Table, AuditEntry.__table__)), rows)


def _detail(detail: dict[str, Any] | None) -> str | None:
    if not detail:
        return None
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """field -> [before, after] for every field of ``after`` whose value differs.

    Values are kept as JSON shows them (dates as ISO text), so an entry reads the same
    in `factbase history` and in an export.
    """
    found: dict[str, list[Any]] = {}
    for name, value in after.items():
        old = before.get(name)
        if _plain(old) != _plain(value):
            found[name] = [_plain(old), _plain(value)]
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return value


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
