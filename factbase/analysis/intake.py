"""A claim coming in: recorded through :mod:`factbase.claims.recording`, then checked at once
against the claims about the same thing (the incremental conflict scan)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.claims.recording import ClaimInput, ClaimResult, save_claim
from factbase.store.models import Conflict


def add_claim(session: Session, data: ClaimInput) -> ClaimResult:
    """Record a claim and check it against the claims about the same thing."""
    result = save_claim(session, data)
    new_ids = scan(session, [result.claim.id]).new_ids
    if new_ids:
        query = select(Conflict).where(Conflict.id.in_(new_ids)).order_by(Conflict.id)
        result.new_conflicts = list(session.scalars(query))
    return result
