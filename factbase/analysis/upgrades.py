"""What a schema upgrade leaves to be worked out: derived tables a revision added empty.

Revision 0002 added the conflict table; a database upgraded from 0001 holds claims whose
conflicts nobody has looked for yet, so they are found here, at once, rather than on the
first `factbase conflicts scan` somebody remembers to run.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.store.models import Claim

# Revisions whose upgrade leaves conflicts to be found among the claims already there.
_CONFLICTS_ADDED_BY = "0002"


def refresh_derived(session: Session, upgraded_from: str | None) -> str | None:
    """Fill what the upgrade from ``upgraded_from`` added empty; a line for people, or None."""
    if upgraded_from is None or upgraded_from >= _CONFLICTS_ADDED_BY:
        return None
    if not session.scalar(select(func.count()).select_from(Claim)):
        return None
    found = scan(session)
    return (
        f"schema upgraded from {upgraded_from}: looked for conflicts among the claims "
        f"already recorded and found {len(found.new_ids)}"
    )
