"""Claims as schema.org ``Claim`` and ``ClaimReview`` JSON-LD.

Each claim becomes a ``Claim`` with its text, language, author (the speaker)
and appearances: the article it comes from and those of every claim reporting
the same fact (its same/supports cluster), with their URLs, outlets and dates;
the earliest dated one is its ``firstAppearance``. Each reviewed conflict (one
a person confirmed, dismissed or resolved) adds a ``ClaimReview`` of each of its
claims with the outcome and the reviewer's note.

The context is inline and maps every term to ``http://schema.org/``, so a
JSON-LD processor expands the document without fetching anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO
from urllib.parse import quote

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factbase.analysis.corroboration import CorroborationIndex
from factbase.claims.filter import ClaimFilter
from factbase.claims.query import claims_query
from factbase.store.batches import chunks
from factbase.store.models import Claim, Conflict, Outlet, Source
from factbase.text.date_formats import stored_iso, timestamp_iso

SCHEMA = "http://schema.org/"
CONTEXT: dict[str, Any] = {
    "@vocab": SCHEMA,
    "schema": SCHEMA,
    "url": {"@id": "schema:url", "@type": "@id"},
    "sameAs": {"@id": "schema:sameAs", "@type": "@id"},
    "itemReviewed": {"@id": "schema:itemReviewed", "@type": "@id"},
}
ID_PREFIX = "urn:factbase:"

# A conflict decision, from the side of one of its claims.
OUTCOMES = {
    "dismissed": "Not contradicted",
    "confirmed": "Contradicted",
    "resolved": "Resolved",
}


def claim_iri(claim_id: int, key: str | None) -> str:
    return f"{ID_PREFIX}claim:{quote(key, safe='')}" if key else f"{ID_PREFIX}claim:{claim_id}"


def _appearance(row: Any) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": row.title}
    if row.url:
        work["url"] = row.url
    published = stored_iso(row.published, row.published_precision)
    if published:
        work["datePublished"] = published
    if row.language:
        work["inLanguage"] = row.language
    work["publisher"] = {"@type": "Organization", "name": row.outlet}
    return work


def _appearances(session: Session, claim_ids: set[int]) -> dict[int, Any]:
    """claim id -> the row of its source, for any claims."""
    found: dict[int, Any] = {}
    ids = sorted(claim_ids)
    for start in range(0, len(ids), CorroborationIndex.CHUNK):
        query = (
            select(
                Claim.id,
                Source.id.label("source_id"),
                Source.title,
                Source.url,
                Source.published,
                Source.published_precision,
                Source.language,
                Outlet.name.label("outlet"),
            )
            .join(Source, Claim.source_id == Source.id)
            .join(Outlet, Source.outlet_id == Outlet.id)
            .where(Claim.id.in_(ids[start : start + CorroborationIndex.CHUNK]))
        )
        for row in session.execute(query):
            found[row.id] = row
    return found


def _reviews(session: Session, claim_ids: list[int]) -> dict[int, list[Any]]:
    """claim id -> the decided conflicts it is part of."""
    found: dict[int, list[Any]] = {}
    query = (
        select(
            Conflict.id,
            Conflict.claim_a_id,
            Conflict.claim_b_id,
            Conflict.kind,
            Conflict.status,
            Conflict.kept_claim_id,
            Conflict.note,
            Conflict.explanation,
            Conflict.updated_at,
        )
        .where(
            Conflict.status != "open",
            or_(Conflict.claim_a_id.in_(claim_ids), Conflict.claim_b_id.in_(claim_ids)),
        )
        .order_by(Conflict.id)
    )
    for row in session.execute(query):
        for side in (row.claim_a_id, row.claim_b_id):
            found.setdefault(side, []).append(row)
    return found


def outcome(conflict: Any, claim_id: int) -> str:
    """What a decision says of one claim: kept, disputed, or the decision's own word."""
    if conflict.kept_claim_id == claim_id:
        return "Upheld"
    if conflict.kept_claim_id is not None:
        return "Disputed"
    return str(OUTCOMES.get(conflict.status, conflict.status))


def _review(conflict: Any, claim: Any, iri: str) -> dict[str, Any]:
    other = conflict.claim_b_id if conflict.claim_a_id == claim.id else conflict.claim_a_id
    review: dict[str, Any] = {
        "@type": "ClaimReview",
        "@id": f"{ID_PREFIX}conflict:{conflict.id}:claim:{claim.id}",
        "itemReviewed": iri,
        "claimReviewed": claim.statement,
        "reviewRating": {
            "@type": "Rating",
            "alternateName": outcome(conflict, claim.id),
            "ratingExplanation": f"{conflict.kind} conflict {conflict.id} with claim {other}: "
            f"{conflict.status}",
        },
        "author": {"@type": "Organization", "name": "factbase reviewer"},
        "datePublished": timestamp_iso(conflict.updated_at),
    }
    if conflict.note:
        review["reviewBody"] = conflict.note
    return review


def claimreview_items(session: Session, where: ClaimFilter) -> Iterator[dict[str, Any]]:
    """Claim and ClaimReview nodes for the claims ``where`` selects."""
    index = CorroborationIndex(session)
    query = claims_query(session, where).with_only_columns(
        Claim.id, Claim.key, Claim.statement, Claim.language, Claim.speaker, Claim.quote
    )
    for chunk in chunks(session, query):
        ids = [row.id for row in chunk]
        clusters = {claim_id: index.cluster(claim_id) for claim_id in ids}
        sources = _appearances(session, set().union(*clusters.values()))
        reviews = _reviews(session, ids)
        for row in chunk:
            iri = claim_iri(row.id, row.key)
            yield _claim_node(row, iri, [sources[m] for m in sorted(clusters[row.id])])
            for conflict in reviews.get(row.id, []):
                yield _review(conflict, row, iri)


def _claim_node(row: Any, iri: str, appearances: list[Any]) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Claim", "@id": iri, "text": row.statement}
    if row.language:
        node["inLanguage"] = row.language
    if row.speaker:
        node["author"] = {"@type": "Thing", "name": row.speaker}
    if row.quote:
        node["description"] = row.quote
    seen: set[int] = set()
    works = []
    for source in appearances:
        if source.source_id not in seen:
            seen.add(source.source_id)
            works.append(source)
    node["appearance"] = [_appearance(source) for source in works]
    dated = [s for s in works if s.published is not None]
    if dated:
        node["firstAppearance"] = _appearance(min(dated, key=lambda s: (s.published, s.source_id)))
    return node


def write_claimreview(out: TextIO, items: Iterator[dict[str, Any]]) -> int:
    """One JSON-LD document: the inline context and a @graph written node by node."""
    count = 0
    out.write('{\n  "@context": ' + json.dumps(CONTEXT) + ',\n  "@graph": [')
    for item in items:
        out.write(",\n    " if count else "\n    ")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count
