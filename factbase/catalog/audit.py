"""The audit log: every correction, review decision and link, with who, when, what and why.

A correction's entry holds its change as ``{"changes": {field: [before, after]}}`` (see
:func:`changes`), a deletion's the whole row, so nothing a person corrected is lost.
The actor is ``--user``, else $FACTBASE_USER, else the login name.

While an import restores a document's own audit log (:func:`restoring`), nothing else is
recorded: the log restored is the log as it was, and the changes the import makes to put
the records back are the ones that log already tells.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.store.models import AuditEntry

ACTOR_ENV = "FACTBASE_USER"
_restoring: ContextVar[bool] = ContextVar("restoring_audit_log", default=False)


@contextmanager
def restoring() -> Iterator[None]:
    """While a document's audit log is put back, :func:`record` adds no entries of its own."""
    token = _restoring.set(True)
    try:
        yield
    finally:
        _restoring.reset(token)


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
    """Add an entry in the caller's transaction, so it lands with the decision or not at all.

    While :func:`restoring`, the entry is made but not added.
    """
    entry = AuditEntry(
        actor=current_actor(),
        action=action,
        target=target,
        detail=json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
        if detail
        else None,
        note=note,
        claim_id=claim_id,
        source_id=source_id,
    )
    if _restoring.get():
        return entry
    session.add(entry)
    session.flush()
    return entry


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
