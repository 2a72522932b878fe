"""Correcting the record without losing it: retracting a claim, deleting one made by mistake
and restoring it.

A retraction keeps the row: the claim leaves listings, conflicts, xref, corroboration and
exports (see ``include_retracted`` on the filters) but `show` still finds it, struck
through, with the date and the reason. :func:`unretract_claim` undoes it. Both re-run the
incremental conflict check, so the open conflicts of a retracted claim are withdrawn and
the decided ones flagged stale (their decisions stay), and come back on undo.

Deletion is for real mistakes. Its audit entry holds the whole row (every column, topics,
links, conflicts with their decisions, rejected suggestions, claims merged into it), so
:func:`restore_claim` puts it back as it was, with the same id and key.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.catalog import audit
from factbase.claims.fields import claim_label
from factbase.claims.query import get_claim
from factbase.claims.values import quote_columns
from factbase.errors import AlreadyExists, InvalidInput, NotFound, as_id
from factbase.store.models import (
    AuditEntry,
    Claim,
    ClaimLink,
    ClaimTopic,
    Conflict,
    Entity,
    Source,
    SourceText,
    Topic,
    UTCDateTime,
    XrefRejection,
    utcnow,
)
from factbase.text.language import normalise_text


def describe(claim: Claim) -> str:
    """`claim 12 (cpc-share)`: how messages name a claim."""
    return claim_label(claim.id, claim.key)


def _note(note: str | None, why: str) -> str:
    text = normalise_text(note or "")
    if not text:
        raise InvalidInput(f"say why in --note: {why}")
    return text


# -- retraction ------------------------------------------------------------------------


def retract_claim(session: Session, ref: str | int, note: str) -> Claim:
    """Retract a claim: kept, hidden from listings and checks, shown struck through."""
    claim = get_claim(session, ref)
    if claim.merged_into_id is not None:
        raise InvalidInput(f"{describe(claim)} was merged into claim {claim.merged_into_id}")
    if claim.retracted_at is not None:
        raise InvalidInput(
            f"{describe(claim)} is already retracted ({claim.retracted_at.date().isoformat()})"
        )
    text = _note(note, "the retraction is kept in the audit log")
    claim.retracted_at = utcnow()
    claim.retraction_note = text
    session.flush()
    result = scan(session, [claim.id])
    audit.record(
        session,
        "retract",
        f"claim {claim.id}",
        detail={
            "changes": audit.changes(
                {"retracted_at": None, "retraction_note": None},
                {"retracted_at": claim.retracted_at, "retraction_note": text},
            ),
            "conflicts_withdrawn": result.withdrawn,
            "conflicts_stale": result.stale,
        },
        note=text,
        claim_id=claim.id,
        source_id=claim.source_id,
    )
    return claim


def unretract_claim(session: Session, ref: str | int, note: str | None = None) -> Claim:
    """Undo a retraction: the claim is back in listings and checked against the others again.

    A merged claim is not unretracted this way: its links and conflicts are the kept
    claim's now.
    """
    claim = get_claim(session, ref)
    if claim.retracted_at is None:
        raise InvalidInput(f"{describe(claim)} is not retracted")
    if claim.merged_into_id is not None:
        raise InvalidInput(
            f"{describe(claim)} was merged into claim {claim.merged_into_id}; "
            "its links and conflicts are that claim's now"
        )
    before = {"retracted_at": claim.retracted_at, "retraction_note": claim.retraction_note}
    claim.retracted_at = None
    claim.retraction_note = None
    session.flush()
    result = scan(session, [claim.id])
    audit.record(
        session,
        "unretract",
        f"claim {claim.id}",
        detail={
            "changes": audit.changes(before, {"retracted_at": None, "retraction_note": None}),
            "conflicts_found": len(result.new_ids),
        },
        note=normalise_text(note) if note else None,
        claim_id=claim.id,
        source_id=claim.source_id,
    )
    return claim


# -- deletion and restoring --------------------------------------------------------------


@dataclass
class Attached:
    """What a claim takes with it when deleted."""

    claim_id: int
    links: list[ClaimLink] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    rejections: list[XrefRejection] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)  # claims merged into this one

    @property
    def reviewed(self) -> list[str]:
        """What a person decided about the claim, as a reader names it."""
        found = [f"a link with claim {_other(link, self.claim_id)}" for link in self.links]
        found += [
            f"conflict {conflict.id} ({conflict.status})"
            for conflict in self.conflicts
            if conflict.status != "open"
        ]
        found += [f"claim {claim_id} merged into it" for claim_id in self.merged]
        return found


def _other(pair: ClaimLink | Conflict | XrefRejection, claim_id: int) -> int:
    return pair.claim_b_id if pair.claim_a_id == claim_id else pair.claim_a_id


def attached(session: Session, claim_id: int) -> Attached:
    def touching(model: Any) -> Any:
        return or_(model.claim_a_id == claim_id, model.claim_b_id == claim_id)

    return Attached(
        claim_id=claim_id,
        links=list(session.scalars(select(ClaimLink).where(touching(ClaimLink)))),
        conflicts=list(
            session.scalars(select(Conflict).where(touching(Conflict)).order_by(Conflict.id))
        ),
        rejections=list(session.scalars(select(XrefRejection).where(touching(XrefRejection)))),
        merged=list(
            session.scalars(
                select(Claim.id).where(Claim.merged_into_id == claim_id).order_by(Claim.id)
            )
        ),
    )


def row_of(item: Any) -> dict[str, Any]:
    """Every column of a mapped row by attribute name, as JSON holds it."""
    return {attr.key: _plain(getattr(item, attr.key)) for attr in inspect(type(item)).column_attrs}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _typed(model: Any, row: dict[str, Any]) -> dict[str, Any]:
    """A row as :func:`row_of` wrote it, with its dates and timestamps read back."""
    values: dict[str, Any] = {}
    for attr in inspect(model).column_attrs:
        if attr.key not in row:
            continue
        value = row[attr.key]
        column_type = attr.columns[0].type
        if value is not None and isinstance(column_type, UTCDateTime):
            value = datetime.fromisoformat(value)
        elif value is not None and isinstance(column_type, Date):
            value = date.fromisoformat(value)
        values[attr.key] = value
    return values


def delete_claim(
    session: Session, ref: str | int, *, force: bool = False, note: str | None = None
) -> AuditEntry:
    """Delete a claim, keeping the whole of it in the audit entry returned.

    Refused, unless ``force``, when a person has decided something about the claim: a
    link, a reviewed conflict, a claim merged into it.
    """
    claim = get_claim(session, ref)
    found = attached(session, claim.id)
    if found.reviewed and not force:
        raise InvalidInput(
            f"{describe(claim)} has {', '.join(found.reviewed)}; retract it instead "
            "(factbase retract) or delete with --force"
        )
    detail = {
        "claim": row_of(claim),
        "topics": [
            {
                "topic_id": link.topic_id,
                "slug": link.topic.slug,
                "suggested": link.suggested,
                "keyword": link.keyword,
            }
            for link in sorted(claim.claim_topics, key=lambda link: link.topic_id)
        ],
        "links": [row_of(link) for link in found.links],
        "conflicts": [row_of(conflict) for conflict in found.conflicts],
        "rejections": [row_of(rejection) for rejection in found.rejections],
        "merged": found.merged,
    }
    claim_id, source_id, target = claim.id, claim.source_id, f"claim {claim.id}"
    session.execute(
        update(Claim).where(Claim.merged_into_id == claim_id).values(merged_into_id=None)
    )
    session.delete(claim)  # links, conflicts, topics and rejections go with it (CASCADE)
    session.flush()
    session.expire_all()
    return audit.record(
        session,
        "delete",
        target,
        detail=detail,
        note=normalise_text(note) if note else None,
        claim_id=claim_id,
        source_id=source_id,
    )


@dataclass
class Restored:
    claim: Claim
    entry: AuditEntry
    skipped: list[str] = field(default_factory=list)  # what could not come back, and why


def get_entry(session: Session, ref: str | int) -> AuditEntry:
    entry_id = as_id(str(ref))
    entry = session.get(AuditEntry, entry_id) if entry_id is not None else None
    if entry is None:
        raise NotFound(f"no audit entry {ref!r} (see `factbase history`)")
    return entry


def restore_claim(session: Session, ref: str | int, note: str | None = None) -> Restored:
    """Put back the claim an audit entry of action "delete" holds: same id, key, topics,
    links, conflicts (with their decisions) and rejected suggestions."""
    entry = get_entry(session, ref)
    if entry.action != "delete" or not entry.detail:
        raise InvalidInput(
            f"audit entry {entry.id} is a {entry.action!r}, not a deletion; "
            "only a deleted claim can be restored"
        )
    saved = json.loads(entry.detail)
    row = _typed(Claim, saved["claim"])
    if session.get(Claim, row["id"]) is not None:
        raise AlreadyExists(f"claim {row['id']} exists (already restored, or the id is taken)")
    if row.get("key"):
        other = session.scalar(select(Claim.id).where(Claim.key == row["key"]))
        if other is not None:
            raise AlreadyExists(f"claim {other} has the key {row['key']!r} now")
    if session.get(Source, row["source_id"]) is None:
        raise NotFound(f"source {row['source_id']} of the deleted claim no longer exists")
    for name in ("subject_id", "speaker_id", "merged_into_id"):
        if row.get(name) is not None and not _exists(session, name, row[name]):
            row[name] = None
    # Its quote is located in its source's text as the text is now (which may have come or
    # changed since the claim was deleted, or the claim was deleted before quotes were).
    stored_text = session.get(SourceText, row["source_id"])
    row.update(quote_columns(stored_text.text if stored_text else None, row.get("quote")))
    session.execute(insert(Claim).values(**row))
    result = Restored(session.get_one(Claim, row["id"]), entry)
    for topic in saved["topics"]:
        topic_id = session.scalar(select(Topic.id).where(Topic.slug == topic["slug"]))
        if topic_id is None:
            result.skipped.append(f"topic {topic['slug']} (deleted since)")
            continue
        session.add(
            ClaimTopic(
                claim_id=row["id"],
                topic_id=topic_id,
                suggested=topic["suggested"],
                # Deleted before migration 0015, a suggestion's keyword is not known.
                keyword=topic.get("keyword"),
            )
        )
    for model, rows in (
        (ClaimLink, "links"),
        (Conflict, "conflicts"),
        (XrefRejection, "rejections"),
    ):
        for saved_row in saved[rows]:
            _restore_pair(session, model, _typed(model, saved_row), row["id"], result.skipped)
    if saved["merged"]:
        session.execute(
            update(Claim)
            .where(Claim.id.in_(saved["merged"]), Claim.merged_into_id.is_(None))
            .values(merged_into_id=row["id"])
        )
    session.flush()
    session.expire_all()
    scan(session, [row["id"]])
    audit.record(
        session,
        "restore",
        f"claim {row['id']}",
        detail={"audit": entry.id, "skipped": result.skipped}
        if result.skipped
        else {"audit": entry.id},
        note=normalise_text(note) if note else None,
        claim_id=row["id"],
        source_id=row["source_id"],
    )
    result.claim = session.get_one(Claim, row["id"])
    return result


_PAIRS = ((ClaimLink, "links"), (Conflict, "conflicts"), (XrefRejection, "rejections"))


def _exists(session: Session, name: str, value: int) -> bool:
    model = Claim if name == "merged_into_id" else Entity
    return session.get(model, value) is not None


def _restore_pair(
    session: Session, model: Any, row: dict[str, Any], claim_id: int, skipped: list[str]
) -> None:
    """A link, conflict or rejection back, unless its other claim is gone; a row whose id
    is taken since comes back with a new one."""
    what = {ClaimLink: "link", Conflict: "conflict", XrefRejection: "rejected suggestion"}[model]
    other = row["claim_b_id"] if row["claim_a_id"] == claim_id else row["claim_a_id"]
    if session.get(Claim, other) is None:
        skipped.append(f"{what} with claim {other} (deleted since)")
        return
    if model is Conflict and row.get("kept_claim_id") not in (
        None,
        row["claim_a_id"],
        row["claim_b_id"],
    ):
        row["kept_claim_id"] = None
    if "id" in row and session.get(model, row["id"]) is not None:
        del row["id"]
    session.execute(insert(model).values(**row))
