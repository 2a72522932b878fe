"""Links a person makes between claims, and the clusters they form.

Claims joined by `same` or `supports` links form one cluster: one fact reported
several times. `contradicts` links are declared conflicts; `refines` says one
claim is a more precise version of another.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import record_declared_conflict
from factbase.catalog import audit
from factbase.claims.query import get_claim, merged_target
from factbase.errors import AlreadyExists, InvalidInput, NotFound
from factbase.store.models import Claim, ClaimLink, Conflict, XrefRejection
from factbase.text.language import normalise_text
from factbase.vocabulary import CLUSTER_KINDS as CLUSTER_KINDS  # xref imports it from here
from factbase.vocabulary import LINK_KINDS


@dataclass(frozen=True)
class LinkedClaim:
    link: ClaimLink
    other: Claim


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _current(session: Session, ref: str, follow_merges: bool = True) -> Claim:
    """The claim ``ref`` names, or the one it was merged into: a person's links follow a
    merge; a document's (``follow_merges=False``) are restored as they were recorded."""
    claim = get_claim(session, ref)
    return merged_target(session, claim) if follow_merges else claim


def find_link(session: Session, a: int, b: int) -> ClaimLink | None:
    low, high = ordered(a, b)
    return session.scalar(
        select(ClaimLink).where(ClaimLink.claim_a_id == low, ClaimLink.claim_b_id == high)
    )


def link_claims(
    session: Session,
    ref_a: str,
    ref_b: str,
    kind: str,
    note: str | None = None,
    *,
    follow_merges: bool = True,
) -> ClaimLink:
    """Link two claims; the first refines the second when kind is 'refines'."""
    kind = kind.strip().lower()
    if kind not in LINK_KINDS:
        raise InvalidInput(f"link kind {kind!r} must be one of: {', '.join(LINK_KINDS)}")
    first = _current(session, ref_a, follow_merges)
    second = _current(session, ref_b, follow_merges)
    if first.id == second.id:
        raise InvalidInput("a claim cannot be linked to itself")
    existing = find_link(session, first.id, second.id)
    if existing is not None:
        raise AlreadyExists(
            f"claims {first.id} and {second.id} are already linked as {existing.kind!r}; "
            "unlink them first to change it"
        )
    low, high = ordered(first.id, second.id)
    link = ClaimLink(
        claim_a_id=low,
        claim_b_id=high,
        kind=kind,
        refining_id=first.id if kind == "refines" else None,
        note=normalise_text(note) if note else None,
        created_by=audit.current_actor(),
    )
    session.add(link)
    _forget_rejection(session, low, high)
    session.flush()
    audit.record(
        session, "link", f"claims {low}-{high}", detail={"kind": kind, "from": first.id}, note=note
    )
    if kind == "contradicts":
        record_declared_conflict(session, link)
    return link


def unlink_claims(
    session: Session,
    ref_a: str,
    ref_b: str,
    note: str | None = None,
    *,
    follow_merges: bool = True,
) -> ClaimLink:
    first = _current(session, ref_a, follow_merges)
    second = _current(session, ref_b, follow_merges)
    link = find_link(session, first.id, second.id)
    if link is None:
        raise NotFound(f"claims {first.id} and {second.id} are not linked")
    session.delete(link)
    if link.kind == "contradicts":
        _withdraw_declared_conflict(session, link.claim_a_id, link.claim_b_id)
    session.flush()
    audit.record(
        session,
        "unlink",
        f"claims {link.claim_a_id}-{link.claim_b_id}",
        detail={"kind": link.kind},
        note=note,
    )
    return link


def _withdraw_declared_conflict(session: Session, low: int, high: int) -> None:
    """An open declared conflict goes with its link; a decided one stays on record."""

    conflict = session.scalar(
        select(Conflict).where(
            Conflict.claim_a_id == low,
            Conflict.claim_b_id == high,
            Conflict.kind == "declared",
            Conflict.status == "open",
        )
    )
    if conflict is not None:
        session.delete(conflict)


def _forget_rejection(session: Session, low: int, high: int) -> None:
    rejection = session.get(XrefRejection, (low, high))
    if rejection is not None:
        session.delete(rejection)


def linked_claims(session: Session, claim_id: int) -> list[LinkedClaim]:
    links = session.scalars(
        select(ClaimLink)
        .where(or_(ClaimLink.claim_a_id == claim_id, ClaimLink.claim_b_id == claim_id))
        .order_by(ClaimLink.id)
    ).all()
    result = []
    for link in links:
        other_id = link.claim_b_id if link.claim_a_id == claim_id else link.claim_a_id
        result.append(LinkedClaim(link, get_claim(session, other_id)))
    return result


def cluster_of(session: Session, claim_id: int) -> set[int]:
    """Every claim reachable from ``claim_id`` through same/supports links (itself included)."""
    members, frontier = {claim_id}, [claim_id]
    while frontier:
        current = frontier.pop()
        rows = session.execute(
            select(ClaimLink.claim_a_id, ClaimLink.claim_b_id).where(
                ClaimLink.kind.in_(CLUSTER_KINDS),
                or_(ClaimLink.claim_a_id == current, ClaimLink.claim_b_id == current),
            )
        )
        for a, b in rows:
            for other in (a, b):
                if other not in members:
                    members.add(other)
                    frontier.append(other)
    return members


def all_clusters(session: Session) -> list[set[int]]:
    """Clusters of two or more claims, from every same/supports link (union-find)."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    pairs: Iterable[tuple[int, int]] = session.execute(
        select(ClaimLink.claim_a_id, ClaimLink.claim_b_id).where(ClaimLink.kind.in_(CLUSTER_KINDS))
    )
    for a, b in pairs:
        parent[root(a)] = root(b)
    groups: dict[int, set[int]] = {}
    for node in parent:
        groups.setdefault(root(node), set()).add(node)
    return sorted(groups.values(), key=min)
