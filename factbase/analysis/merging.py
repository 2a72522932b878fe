"""Merging a claim recorded twice into one: `factbase merge KEEP DROP`.

Everything people attached to the dropped claim moves to the kept one: links, conflicts
with their decisions, rejected suggestions, topics, audit entries and claims merged into
it before. A pair is stored once (lower id first), so moving can meet a pair the kept
claim has already: a link or rejection the kept claim has stays and the dropped claim's
goes; of two conflicts of one kind the reviewed one stays (the kept claim's when both
are, or neither). Anything between the two claims themselves goes: a claim does not
conflict with, or link to, itself.

The dropped claim stays as a redirect: retracted, "merged into N", ``merged_into_id`` set,
so its id and key still lead to the kept claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.analysis.corrections import describe, row_of
from factbase.catalog import audit
from factbase.claims.query import get_claim
from factbase.errors import InvalidInput
from factbase.store.models import (
    AuditEntry,
    Claim,
    ClaimLink,
    ClaimTopic,
    Conflict,
    XrefRejection,
    utcnow,
)
from factbase.text.language import duplicate_key, normalise_text


@dataclass
class MergePlan:
    """What a merge did (or, in a dry run, would do)."""

    keep: int
    drop: int
    moved: dict[str, int] = field(default_factory=dict)  # links, conflicts, … moved
    dropped: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # rows that went
    topics: list[str] = field(default_factory=list)  # added to the kept claim
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        moved = ", ".join(f"{n} {what}" for what, n in self.moved.items() if n) or "nothing"
        gone = ", ".join(f"{len(rows)} {what}" for what, rows in self.dropped.items() if rows)
        line = f"moved {moved}"
        if self.topics:
            line += f"; topics added: {', '.join(self.topics)}"
        if gone:
            line += f"; dropped {gone} (kept in the audit log)"
        return line


def merge_claims(
    session: Session,
    keep_ref: str | int,
    drop_ref: str | int,
    *,
    note: str | None = None,
    force: bool = False,
) -> MergePlan:
    """Merge the claim ``drop_ref`` into ``keep_ref``; see the module docstring."""
    keep, drop = get_claim(session, keep_ref), get_claim(session, drop_ref)
    _check(keep, drop, force)
    plan = MergePlan(keep.id, drop.id)
    if keep.source_id != drop.source_id:
        plan.warnings.append(f"claims of different sources ({keep.source_id}, {drop.source_id})")
    elif duplicate_key(keep.statement) != duplicate_key(drop.statement) and (
        not keep.quote or duplicate_key(keep.quote) != duplicate_key(drop.quote)
    ):
        plan.warnings.append("neither the statements nor the quotes are the same")
    for model, what in (
        (ClaimLink, "links"),
        (XrefRejection, "rejections"),
        (Conflict, "conflicts"),
    ):
        _move_pairs(session, model, what, keep.id, drop.id, plan)
    plan.topics = _move_topics(session, keep, drop)
    plan.moved["redirects"] = _repoint(session, Claim.merged_into_id, drop.id, keep.id)
    plan.moved["audit entries"] = _repoint(session, AuditEntry.claim_id, drop.id, keep.id)
    drop.retracted_at = utcnow()
    drop.retraction_note = f"merged into {keep.id}"
    drop.merged_into_id = keep.id
    session.flush()
    session.expire_all()
    scan(session, [keep.id, drop.id])
    text = normalise_text(note) if note else None
    audit.record(
        session,
        "merge",
        f"claim {drop.id}",
        detail={
            "keep": keep.id,
            "drop": drop.id,
            "moved": plan.moved,
            "dropped": plan.dropped,
            "topics": plan.topics,
        },
        note=text,
        claim_id=keep.id,
        source_id=keep.source_id,
    )
    return plan


_PAIRS = ((ClaimLink, "links"), (XrefRejection, "rejections"), (Conflict, "conflicts"))


def _check(keep: Claim, drop: Claim, force: bool) -> None:
    if keep.id == drop.id:
        raise InvalidInput(f"cannot merge {describe(keep)} into itself")
    for claim, role in ((keep, "kept"), (drop, "dropped")):
        if claim.merged_into_id is not None:
            raise InvalidInput(
                f"{describe(claim)} was merged into claim {claim.merged_into_id} already; "
                f"name that claim as the {role} one"
            )
        if claim.retracted_at is not None:
            raise InvalidInput(
                f"{describe(claim)} is retracted; undo that first (factbase unretract {claim.id})"
            )
    if keep.source_id != drop.source_id and not force:
        raise InvalidInput(
            f"{describe(keep)} and {describe(drop)} come from different sources "
            f"({keep.source_id} and {drop.source_id}); merge them with --force if they are "
            "one claim all the same"
        )


def _move_pairs(
    session: Session, model: Any, what: str, keep: int, drop: int, plan: MergePlan
) -> None:
    """Re-point the dropped claim's pairs of ``model`` to the kept claim."""
    plan.moved[what] = 0
    plan.dropped[what] = []
    pairs = session.scalars(
        select(model).where(or_(model.claim_a_id == drop, model.claim_b_id == drop))
    ).all()
    for item in pairs:
        other = item.claim_b_id if item.claim_a_id == drop else item.claim_a_id
        if other == keep:
            plan.dropped[what].append(row_of(item))
            _forget(session, model, item)
            continue
        low, high = sorted((keep, other))
        clash = _same_pair(session, model, low, high, getattr(item, "kind", None))
        if clash is not None:
            loser = item if not _wins(item, clash) else clash
            plan.dropped[what].append(row_of(loser))
            _forget(session, model, loser)
            if loser is clash:
                session.flush()
                _repoint_pair(session, model, item, low, high, drop, keep)
                plan.moved[what] += 1
            continue
        _repoint_pair(session, model, item, low, high, drop, keep)
        plan.moved[what] += 1


def _same_pair(session: Session, model: Any, low: int, high: int, kind: str | None) -> Any:
    query = select(model).where(model.claim_a_id == low, model.claim_b_id == high)
    if model is Conflict:
        query = query.where(Conflict.kind == kind)
    return session.scalar(query)


def _wins(moving: Any, staying: Any) -> bool:
    """Whether the dropped claim's row replaces the kept claim's: only a reviewed conflict
    replaces an open one."""
    return isinstance(moving, Conflict) and moving.status != "open" and staying.status == "open"


def _forget(session: Session, model: Any, item: Any) -> None:
    if model is XrefRejection:
        condition = [model.claim_a_id == item.claim_a_id, model.claim_b_id == item.claim_b_id]
    else:
        condition = [model.id == item.id]
    session.execute(delete(model).where(*condition))


def _repoint_pair(
    session: Session, model: Any, item: Any, low: int, high: int, drop: int, keep: int
) -> None:
    values: dict[str, Any] = {"claim_a_id": low, "claim_b_id": high}
    if model is ClaimLink and item.refining_id == drop:
        values["refining_id"] = keep
    if model is Conflict and item.kept_claim_id == drop:
        values["kept_claim_id"] = keep
    if model is XrefRejection:
        condition = [model.claim_a_id == item.claim_a_id, model.claim_b_id == item.claim_b_id]
    else:
        condition = [model.id == item.id]
    session.execute(update(model).where(*condition).values(**values))


def _move_topics(session: Session, keep: Claim, drop: Claim) -> list[str]:
    """Give the kept claim the dropped claim's topics it lacks; the slugs added."""
    have = {link.topic_id for link in keep.claim_topics}
    added = []
    for link in sorted(drop.claim_topics, key=lambda link: link.topic.slug):
        if link.topic_id not in have:
            session.add(
                ClaimTopic(
                    claim_id=keep.id,
                    topic_id=link.topic_id,
                    suggested=link.suggested,
                    keyword=link.keyword,
                )
            )
            added.append(link.topic.slug)
    return added


def _repoint(session: Session, column: Any, drop: int, keep: int) -> int:
    result = session.execute(update(column.class_).where(column == drop).values({column: keep}))
    return int(getattr(result, "rowcount", 0) or 0)
