"""A claim coming in: recorded through :mod:`factbase.claims.recording`, then checked at once
against the claims about the same thing (the incremental conflict scan)."""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import nullcontext

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import scan
from factbase.catalog.sources import get_source
from factbase.catalog.topics import require_topics
from factbase.claims.duplicates import find_duplicate
from factbase.claims.recording import ClaimResult, save_claim
from factbase.claims.values import ClaimInput
from factbase.errors import AlreadyExists, in_field
from factbase.store.models import Conflict
from factbase.text.language import storable


def add_claim(
    session: Session,
    data: ClaimInput,
    *,
    allow_duplicate: bool = False,
    create_topics: bool = True,
    strict: bool = False,
) -> ClaimResult:
    """Record a claim and check it against the claims about the same thing.

    A claim repeating one of the same source (the same statement or quote, however typed:
    see :func:`factbase.claims.duplicates.duplicate_key`) is refused unless
    ``allow_duplicate``; a topic no one created is created, as an import creates it, or
    refused when not ``create_topics`` (the command line refuses it: a typo is not a topic).
    A quote its source's text does not hold is a warning, or refused when ``strict``.
    """
    if not create_topics:
        require_topics(session, data.topics)
    if not allow_duplicate:
        # The words are checked before they are looked for among the source's claims.
        for name in ("statement", "quote"):
            with in_field(name):
                storable(getattr(data, name) or "")
        with in_field("source"):  # worded as recording words it
            source_id = get_source(session, data.source).id
        found = find_duplicate(session, source_id, data.statement, data.quote)
        if found is not None:
            key = f" ({found.key})" if found.key else ""
            raise AlreadyExists(
                f"claim {found.claim_id}{key} of the same source has the same {found.same}; "
                "--allow-duplicate records it anyway"
            )
    result = save_claim(session, data, strict=strict)
    new_ids = scan(session, [result.claim.id]).new_ids
    if new_ids:
        query = select(Conflict).where(Conflict.id.in_(new_ids)).order_by(Conflict.id)
        result.new_conflicts = list(session.scalars(query))
    return result


def add_claims(
    session: Session,
    claims: Iterable[tuple[str, ClaimInput]],
    *,
    allow_duplicate: bool = False,
    strict: bool = False,
) -> list[ClaimResult]:
    """Record each claim as :func:`add_claim` records one from the command line (topics
    no one created refused), in order, each checked against the claims before it too.

    ``claims`` pairs each claim with where it was given ("claims.yaml: claims[2]"; empty
    for the command line), which prefixes its errors. Never commits: a caller that
    commits only after the last records all of them or none.
    """
    results: list[ClaimResult] = []
    for location, data in claims:
        with in_field(location) if location else nullcontext():
            result = add_claim(
                session, data, allow_duplicate=allow_duplicate, create_topics=False, strict=strict
            )
        results.append(result)
    return results
