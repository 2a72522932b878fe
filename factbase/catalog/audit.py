"""The audit log: every correction, review decision and link, with who, when, what and why.

A correction's entry holds its change as ``{"changes": {field: [before, after]}}`` (see
:func:`changes`), a deletion's the whole row, so nothing a person corrected is lost.
The actor is ``--user``, else $FACTBASE_USER, else the login name.

While an import restores a document's own audit log (:func:`restoring`), nothing else is
recorded: the log restored is the log as it was, and the changes the import makes to put
the records back are the ones that log already tells.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, Table, func, insert, or_, select
from sqlalchemy.orm import Session

# The library's names for these since before they moved, re-exported.
from factbase.catalog.audit_entries import ACTOR_ENV as ACTOR_ENV
from factbase.catalog.audit_entries import acting_as as acting_as
from factbase.catalog.audit_entries import change_lines as change_lines
from factbase.catalog.audit_entries import changes as changes
from factbase.catalog.audit_entries import current_actor as current_actor
from factbase.catalog.audit_entries import detail_text
from factbase.store.bulk_insert import insert_rows
from factbase.store.models import AuditEntry, Claim, utcnow

_restoring: ContextVar[bool] = ContextVar("restoring_audit_log", default=False)


@contextmanager
def restoring() -> Iterator[None]:
    """While a document's audit log is put back, :func:`record` adds no entries of its own."""
    token = _restoring.set(True)
    try:
        yield
    finally:
        _restoring.reset(token)


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
        detail=detail_text(detail),
        note=note,
        claim_id=claim_id,
        source_id=source_id,
    )
    if _restoring.get():
        return entry
    session.add(entry)
    session.flush()
    return entry


def record_many(session: Session, entries: list[dict[str, Any]]) -> None:
    """Add many entries at once (an import's), with one executemany rather than an ORM
    object each. Each entry has ``action`` and ``target`` and may have ``detail``,
    ``note``, ``claim_id`` and ``source_id``, as :func:`record` takes them. Nothing is
    added while a log is being restored (:func:`restoring`)."""
    if _restoring.get():
        return
    if not entries:
        return
    actor, at = current_actor(), utcnow()
    rows = [
        {
            "actor": actor,
            "at": at,
            "action": entry["action"],
            "target": entry["target"],
            "detail": detail_text(entry.get("detail")),
            "note": entry.get("note"),
            "claim_id": entry.get("claim_id"),
            "source_id": entry.get("source_id"),
        }
        for entry in entries
    ]
    insert_rows(session, insert(cast(Table, AuditEntry.__table__)), rows)


@dataclass(frozen=True)
class HistoryFilter:
    """Which audit entries `factbase history` shows; every part narrows."""

    claim_id: int | None = None
    conflict_ids: Sequence[int] = ()  # the claim's conflicts, whose decisions concern it
    source_id: int | None = None
    since: datetime | None = None
    target: str | None = None
    action: str | None = None
    actor: str | None = None
    limit: int | None = 50


def history(
    session: Session, where: HistoryFilter | None = None, **narrowing: Any
) -> list[AuditEntry]:
    """The entries ``where`` (or the HistoryFilter fields given by name) selects, newest
    first."""
    where = where or HistoryFilter(**narrowing)
    query = _history_query(where).order_by(AuditEntry.id.desc())
    if where.limit:
        query = query.limit(where.limit)
    return list(session.scalars(query))


def count_history(session: Session, where: HistoryFilter) -> int:
    """How many entries ``where`` selects, its limit aside."""
    query = _history_query(where).with_only_columns(func.count(AuditEntry.id))
    return int(session.scalar(query) or 0)


def _history_query(where: HistoryFilter) -> Select[Any]:
    """The entries ``where`` selects, unordered and without its limit."""
    query = select(AuditEntry)
    if where.claim_id is not None:
        query = query.where(_about_claim(where.claim_id, where.conflict_ids))
    if where.source_id is not None:
        of_source = select(Claim.id).where(Claim.source_id == where.source_id)
        query = query.where(
            or_(AuditEntry.source_id == where.source_id, AuditEntry.claim_id.in_(of_source))
        )
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since)
    if where.target:
        query = query.where(AuditEntry.target == where.target.strip())
    if where.action:
        query = query.where(AuditEntry.action == where.action.strip().lower())
    if where.actor:
        query = query.where(AuditEntry.actor == where.actor.strip())
    return query


def _about_claim(claim_id: int, conflict_ids: Sequence[int]) -> Any:
    """Entries about the claim: its own, and those about its links and conflicts (written
    before entries named their claim, or naming two)."""
    return or_(
        AuditEntry.claim_id == claim_id,
        AuditEntry.target == f"claim {claim_id}",
        AuditEntry.target.like(f"claims {claim_id}-%"),
        AuditEntry.target.like(f"claims %-{claim_id}"),
        AuditEntry.target.in_([f"conflict {cid}" for cid in conflict_ids]),
    )


# The columns of an audit entry in `factbase history`, in order.
HISTORY_COLUMNS: tuple[str, ...] = (
    "id",
    "at",
    "actor",
    "action",
    "target",
    "claim",
    "source",
    "detail",
    "note",
)


def history_records(
    session: Session, where: HistoryFilter | None = None, **narrowing: Any
) -> list[dict[str, Any]]:
    """:func:`history` as :data:`HISTORY_COLUMNS` name the fields; times to the second.

    ``detail`` is the entry's JSON as stored (text), so every format carries it alike.
    """
    return [
        {
            "id": entry.id,
            "at": entry.at.isoformat(timespec="seconds"),
            "actor": entry.actor,
            "action": entry.action,
            "target": entry.target,
            "claim": entry.claim_id,
            "source": entry.source_id,
            "detail": entry.detail,
            "note": entry.note,
        }
        for entry in history(session, where, **narrowing)
    ]
