"""What `factbase list` and `show` display, as the library reads it: any backend, every filter.

A page of claims with their topics and corroboration, and one claim with its links,
conflicts and corroboration. :mod:`factbase.claims.fastread` answers the common cases
straight from the SQLite file; ``tests/test_quickread.py`` holds both to the same answer.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from factbase.analysis.conflicts import conflicts_of
from factbase.analysis.corroboration import corroboration
from factbase.analysis.links import linked_claims
from factbase.analysis.series import claim_series, is_series
from factbase.analysis.track_records import claim_track_records, ranked
from factbase.analysis.verdicts import verdict_view
from factbase.catalog.outlets import stance_colours
from factbase.catalog.source_texts import claim_quote_context
from factbase.claims.display import ClaimDetail, ClaimPage, ConflictView, LinkedView, ListedClaim
from factbase.claims.filter import ClaimFilter
from factbase.claims.query import count_claims, find_claims, get_claim, merged_target
from factbase.claims.record import claim_row


def view_claim(session: Session, ref: str | int) -> ClaimDetail:
    """Everything `factbase show` shows of a claim: fields, relations and corroboration.

    A claim merged into another leads to that one (``merged_from`` names the one asked
    for); a retracted claim is shown with its retraction.
    """
    claim = get_claim(session, ref)
    merged_from = None
    if claim.merged_into_id is not None:
        merged_from = f"claim {claim.id}" + (f" ({claim.key})" if claim.key else "")
        claim = merged_target(session, claim)
    links = []
    for item in linked_claims(session, claim.id):
        kind = item.link.kind
        if kind == "refines" and item.link.refining_id != claim.id:
            kind = "refined by"
        other = item.other
        outlet = other.source.outlet
        links.append(
            LinkedView(kind, other.id, other.statement, outlet.name, outlet.stance, other.language)
        )
    return ClaimDetail(
        record=claim_row(claim),
        topics=sorted(
            (link.topic.slug, link.suggested, link.keyword) for link in claim.claim_topics
        ),
        relays=[outlet.name for outlet in claim.source.cites],
        corroboration=corroboration(session, claim.id).summary(),
        links=links,
        conflicts=[
            ConflictView(c.id, c.kind, c.cause, c.status, c.explanation)
            for c in conflicts_of(session, claim.id)
        ],
        stance_colours=stance_colours(session),
        retracted_on=claim.retracted_at.date().isoformat() if claim.retracted_at else None,
        retraction_note=claim.retraction_note,
        merged_from=merged_from,
        series=periods if is_series(periods := claim_series(session, claim.id)) else [],
        quote_context=claim_quote_context(session, claim),
        verdict=verdict_view(session, claim.id),
        track_records=claim_track_records(session, claim),
    )


def claims_page(session: Session, where: ClaimFilter, *, with_support: bool) -> ClaimPage:
    """One page of `factbase list`; with its topics and corroboration when ``with_support``."""
    claims = find_claims(session, ranked(session, where))
    listed = []
    for claim in claims:
        row = claim_row(claim)
        support = corroboration(session, claim.id) if with_support else None
        listed.append(
            ListedClaim(
                id=claim.id,
                statement=claim.statement,
                value=claim.value_text,
                language=claim.language,
                outlet=row["outlet"],
                stance=row["stance"],
                published=row["published"],
                topics=tuple(row["topics"]) if with_support else (),
                reports=support.reports if support else None,
                origins=support.origins if support else None,
            )
        )
    more = where.limit and len(claims) == where.limit
    return ClaimPage(
        claims=listed,
        total=count_claims(session, where) if more else len(claims),
        stance_colours=stance_colours(session),
    )
