"""Verdicts: a reviewer's rating of a claim on the rating scale, with the reasoning.

A verdict names its rating (:func:`factbase.catalog.settings.rating_scale`), says why,
who gave it and when, and may cite evidence: claims of the database or URLs. Giving a claim
a new verdict supersedes the one it had, which stays on record (:func:`verdict_history`);
every verdict is in the audit log too. A conflict resolved with ``--keep`` may propose a
verdict for the claim not kept (:func:`record_verdict` with ``conflict``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from factbase.catalog import audit
from factbase.catalog.settings import rating_scale
from factbase.claims.display import VerdictView
from factbase.claims.fields import claim_ref
from factbase.claims.query import get_claim
from factbase.errors import InvalidInput, InvalidValue
from factbase.store.models import Claim, Conflict, Verdict, VerdictEvidence, utcnow
from factbase.text.date_formats import timestamp_iso
from factbase.text.language import normalise_text
from factbase.text.urls import normalise_url

# The columns of a verdict as `factbase verdicts` and its exports give them.
VERDICT_COLUMNS = (
    "id",
    "claim",
    "claim_key",
    "statement",
    "outlet",
    "speaker",
    "rating",
    "rating_value",
    "best_rating",
    "worst_rating",
    "note",
    "evidence",
    "reviewer",
    "reviewed_at",
    "conflict",
    "current",
    "superseded_at",
)


def record_verdict(
    session: Session,
    ref: str | int,
    rating: str,
    note: str,
    *,
    evidence: Sequence[str] = (),
    by: str | None = None,
    conflict: Conflict | None = None,
    now: datetime | None = None,
) -> Verdict:
    """Give the claim ``ref`` a verdict, superseding the one it had; audited.

    ``evidence``: claim ids or keys and http(s) URLs, in order. ``by``: the reviewer
    (default: the one acting, as the audit log names them).
    """
    claim = get_claim(session, ref)
    if claim.retracted_at is not None:
        raise InvalidInput(f"claim {claim.id} is retracted: it takes no verdict")
    scale = rating_scale(session)
    chosen = scale.rating(rating)
    reason = normalise_text(note or "")
    if not reason:
        raise InvalidInput("say why in --note: a verdict is published with its reasoning")
    reviewer = normalise_text(by or "") or audit.current_actor()
    cited = [cited_evidence(session, claim, given) for given in evidence]
    when = now or utcnow()
    previous = current_verdict(session, claim.id)
    if previous is not None:
        previous.superseded_at = when
    verdict = Verdict(
        claim_id=claim.id,
        rating=chosen.name,
        rating_value=chosen.value,
        best_rating=scale.best,
        worst_rating=scale.worst,
        note=reason,
        reviewer=reviewer[:100],
        reviewed_at=when,
        conflict_id=conflict.id if conflict else None,
    )
    verdict.evidence = evidence_rows(cited)
    session.add(verdict)
    session.flush()
    audit.record(
        session,
        "verdict",
        f"claim {claim.id}",
        detail={
            # As a correction's entry says it, so `factbase history` shows the change.
            "changes": {"rating": [previous.rating if previous else None, verdict.rating]},
            "reviewer": verdict.reviewer,
            "evidence": [url or claim_id for claim_id, url in cited],
            "conflict": verdict.conflict_id,
        },
        note=reason,
        claim_id=claim.id,
    )
    return verdict


def cited_evidence(session: Session, claim: Claim, given: str) -> tuple[int | None, str | None]:
    """What ``given`` cites as evidence on ``claim``: (claim id, None) or (None, URL)."""
    text = str(given).strip()
    if "://" in text:
        return None, normalise_url(text)
    cited = get_claim(session, text)
    if cited.id == claim.id:
        raise InvalidValue(f"claim {claim.id} cannot be evidence on itself")
    return cited.id, None


def evidence_rows(cited: Sequence[tuple[int | None, str | None]]) -> list[VerdictEvidence]:
    """A verdict's evidence rows, in the order cited."""
    return [
        VerdictEvidence(position=position, claim_id=claim_id, url=url)
        for position, (claim_id, url) in enumerate(cited, start=1)
    ]


def current_verdict(session: Session, claim_id: int) -> Verdict | None:
    return session.scalar(
        select(Verdict).where(Verdict.claim_id == claim_id, Verdict.superseded_at.is_(None))
    )


def current_ratings(session: Session, claim_ids: Sequence[int]) -> dict[int, str]:
    """The rating of each claim's current verdict, for the claims of ``claim_ids`` that
    have one (the report's site shows them)."""
    found = session.execute(
        select(Verdict.claim_id, Verdict.rating).where(
            Verdict.claim_id.in_(list(claim_ids)), Verdict.superseded_at.is_(None)
        )
    )
    return {int(claim_id): str(rating) for claim_id, rating in found}


def verdict_history(session: Session, ref: str | int) -> list[Verdict]:
    """Every verdict the claim ``ref`` was given, oldest first."""
    claim = get_claim(session, ref)
    return list(
        session.scalars(select(Verdict).where(Verdict.claim_id == claim.id).order_by(Verdict.id))
    )


@dataclass(frozen=True)
class VerdictFilter:
    rating: str | None = None
    reviewer: str | None = None
    claim: str | None = None
    include_superseded: bool = False
    limit: int | None = None


def _filtered(session: Session, where: VerdictFilter) -> Select[Any]:
    query = select(Verdict)
    if where.rating:
        query = query.where(Verdict.rating == rating_scale(session).rating(where.rating).name)
    if where.reviewer:
        query = query.where(Verdict.reviewer == normalise_text(where.reviewer))
    if where.claim:
        query = query.where(Verdict.claim_id == get_claim(session, where.claim).id)
    if not where.include_superseded:
        query = query.where(Verdict.superseded_at.is_(None))
    return query


def find_verdicts(session: Session, where: VerdictFilter) -> list[Verdict]:
    """Verdicts, newest first (current ones only unless ``include_superseded``)."""
    query = _filtered(session, where).order_by(Verdict.reviewed_at.desc(), Verdict.id.desc())
    if where.limit:
        query = query.limit(where.limit)
    return list(session.scalars(query))


def count_verdicts(session: Session, where: VerdictFilter) -> int:
    subquery = _filtered(session, where).subquery()
    return session.scalar(select(func.count()).select_from(subquery)) or 0


def evidence_refs(verdict: Verdict) -> list[str]:
    """What the verdict cites: URLs, and claims as `claim 7` (or their key)."""
    refs: list[str] = []
    for item in verdict.evidence:
        if item.url:
            refs.append(item.url)
        elif item.claim_id is not None:
            refs.append(f"claim {item.claim_id}")
    return refs


def verdict_row(verdict: Verdict) -> dict[str, Any]:
    """The verdict as one flat record with :data:`VERDICT_COLUMNS`."""
    claim = verdict.claim
    return {
        "id": verdict.id,
        "claim": verdict.claim_id,
        "claim_key": claim_ref(claim.key, claim.id),
        "statement": claim.statement,
        "outlet": claim.source.outlet.name,
        "speaker": claim.speaker,
        "rating": verdict.rating,
        "rating_value": verdict.rating_value,
        "best_rating": verdict.best_rating,
        "worst_rating": verdict.worst_rating,
        "note": verdict.note,
        "evidence": "; ".join(evidence_refs(verdict)),
        "reviewer": verdict.reviewer,
        "reviewed_at": timestamp_iso(verdict.reviewed_at),
        "conflict": verdict.conflict_id,
        "current": verdict.superseded_at is None,
        "superseded_at": timestamp_iso(verdict.superseded_at),
    }


def verdict_view(session: Session, claim_id: int) -> VerdictView | None:
    """The claim's current verdict as `show` gives it, None when it has none."""
    verdict = current_verdict(session, claim_id)
    if verdict is None:
        return None
    evidence: list[tuple[int | None, str]] = []
    for item in verdict.evidence:
        if item.url is not None:
            evidence.append((None, item.url))
        elif item.claim_id is not None:
            cited = session.get(Claim, item.claim_id)
            evidence.append((item.claim_id, cited.statement if cited else "-"))
    earlier = session.scalar(
        select(func.count()).where(Verdict.claim_id == claim_id, Verdict.superseded_at.is_not(None))
    )
    return VerdictView(
        rating=verdict.rating,
        value=verdict.rating_value,
        best=verdict.best_rating,
        worst=verdict.worst_rating,
        reviewer=verdict.reviewer,
        reviewed_at=timestamp_iso(verdict.reviewed_at) or "",
        note=verdict.note,
        evidence=evidence,
        earlier=earlier or 0,
    )
