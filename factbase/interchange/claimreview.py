"""Claims as schema.org ``Claim``, and verdicts as ``ClaimReview``, in JSON-LD.

Each claim becomes a ``Claim`` with its statement (in English), its quote (in its own
language, as a language-tagged value), its author (the speaker, else the outlet), its
date and its appearances: the article it comes from and those of every claim reporting
the same fact (its same/supports cluster), with their URLs, outlets and dates; the
earliest dated one is its ``firstAppearance``.

Each current verdict adds a ``ClaimReview`` with the properties Google's fact-check
structured data asks for (developers.google.com/search/docs/appearance/structured-data/
factcheck): ``url`` (the organisation's review URL pattern with the claim's key),
``claimReviewed``, ``author`` (the organisation, with name and url), ``datePublished``,
``reviewRating`` (``ratingValue``, ``bestRating``, ``worstRating``, ``alternateName``)
and ``itemReviewed``, the ``Claim`` embedded. With ``conflicts``, each side of a decided
conflict adds one too, rated by its outcome (Upheld, Disputed, …) without a number.

The context is ``https://schema.org``. A processor that may not fetch it (a test, an
offline machine) is given :data:`SCHEMA_ORG_CONTEXT`, the part of schema.org's published
context these documents use, through its document loader.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO
from urllib.parse import quote

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factbase.analysis.corroboration import CorroborationIndex
from factbase.analysis.track_records import ranked
from factbase.catalog.settings import Organisation
from factbase.claims.fields import claim_ref
from factbase.claims.filter import ClaimFilter
from factbase.claims.query import claims_query
from factbase.store.batches import chunks
from factbase.store.models import Claim, Conflict, Entity, Outlet, Source, Verdict
from factbase.text.date_formats import stored_iso

CONTEXT_URL = "https://schema.org"
# What https://schema.org serves as its JSON-LD context, cut to the terms written here: its
# vocabulary is http://schema.org/ and a URL-valued property is typed @id, as there.
SCHEMA = "http://schema.org/"
SCHEMA_ORG_CONTEXT: dict[str, Any] = {
    "@context": {
        "@vocab": SCHEMA,
        "schema": SCHEMA,
        "url": {"@id": "schema:url", "@type": "@id"},
        "sameAs": {"@id": "schema:sameAs", "@type": "@id"},
        "logo": {"@id": "schema:logo", "@type": "@id"},
    }
}
ID_PREFIX = "urn:factbase:"
# The language of every statement: factbase records statements in English.
STATEMENT_LANGUAGE = "en"
# Entity kinds whose speaker is a Person; a speaker of any other kind is an Organization.
PERSON_KINDS = ("person",)

# A conflict decision, from the side of one of its claims.
OUTCOMES = {
    "dismissed": "Not contradicted",
    "confirmed": "Contradicted",
    "resolved": "Resolved",
}


@dataclass(frozen=True)
class ReviewOptions:
    organisation: Organisation
    # A ClaimReview for each side of each decided conflict too, not only for verdicts.
    conflicts: bool = False


def claim_iri(claim_id: int, key: str | None) -> str:
    return f"{ID_PREFIX}claim:{quote(key, safe='')}" if key else f"{ID_PREFIX}claim:{claim_id}"


def _published(row: Any) -> str | None:
    return stored_iso(row.published, row.published_precision)


def _appearance(row: Any) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "headline": row.title}
    if row.url:
        work["url"] = row.url
    published = _published(row)
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
                Outlet.homepage.label("outlet_url"),
            )
            .join(Source, Claim.source_id == Source.id)
            .join(Outlet, Source.outlet_id == Outlet.id)
            .where(Claim.id.in_(ids[start : start + CorroborationIndex.CHUNK]))
        )
        for row in session.execute(query):
            found[row.id] = row
    return found


def _conflict_reviews(session: Session, claim_ids: list[int]) -> dict[int, list[Any]]:
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
            Conflict.decided_at,
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


def _verdicts(session: Session, claim_ids: list[int]) -> dict[int, Verdict]:
    """claim id -> its current verdict."""
    query = select(Verdict).where(Verdict.claim_id.in_(claim_ids), Verdict.superseded_at.is_(None))
    return {verdict.claim_id: verdict for verdict in session.scalars(query)}


def _speaker_kinds(session: Session, ids: list[int]) -> dict[int, str | None]:
    query = (
        select(Claim.id, Entity.kind)
        .join(Entity, Claim.speaker_id == Entity.id)
        .where(Claim.id.in_(ids))
    )
    return {row.id: row.kind for row in session.execute(query)}


def outcome(conflict: Any, claim_id: int) -> str:
    """What a decision says of one claim: kept, disputed, or the decision's own word."""
    if conflict.kept_claim_id == claim_id:
        return "Upheld"
    if conflict.kept_claim_id is not None:
        return "Disputed"
    return str(OUTCOMES.get(conflict.status, conflict.status))


def _author(organisation: Organisation) -> dict[str, Any]:
    author: dict[str, Any] = {"@type": "Organization"}
    if organisation.name:
        author["name"] = organisation.name
    if organisation.url:
        author["url"] = organisation.url
    if organisation.logo:
        author["logo"] = organisation.logo
    return author


def _review(
    claim: dict[str, Any], rating: dict[str, Any], body: str | None, when: str
) -> dict[str, Any]:
    review: dict[str, Any] = {
        "claimReviewed": claim["text"],
        "itemReviewed": claim,
        "datePublished": when,
        "reviewRating": {"@type": "Rating", **rating},
    }
    if body:
        review["reviewBody"] = body
    return review


def _verdict_review(
    verdict: Verdict, claim: dict[str, Any], key: str, options: ReviewOptions
) -> dict[str, Any]:
    rating: dict[str, Any] = {"alternateName": verdict.rating}
    if verdict.rating_value is not None:
        rating |= {
            "ratingValue": verdict.rating_value,
            "bestRating": verdict.best_rating,
            "worstRating": verdict.worst_rating,
        }
    rating["ratingExplanation"] = verdict.note
    review = _review(claim, rating, verdict.note, verdict.reviewed_at.date().isoformat())
    return _published_by(review, f"{ID_PREFIX}verdict:{verdict.id}", key, options)


def _conflict_review(
    conflict: Any, claim: dict[str, Any], claim_id: int, key: str, options: ReviewOptions
) -> dict[str, Any]:
    other = conflict.claim_b_id if conflict.claim_a_id == claim_id else conflict.claim_a_id
    rating = {
        "alternateName": outcome(conflict, claim_id),
        "ratingExplanation": f"{conflict.kind} conflict {conflict.id} with claim {other}: "
        f"{conflict.status}",
    }
    decided = conflict.decided_at or conflict.updated_at
    review = _review(claim, rating, conflict.note, decided.date().isoformat())
    return _published_by(
        review,
        f"{ID_PREFIX}conflict:{conflict.id}:claim:{claim_id}",
        f"{key}-c{conflict.id}",
        options,
    )


def _published_by(
    review: dict[str, Any], iri: str, key: str, options: ReviewOptions
) -> dict[str, Any]:
    url = options.organisation.review_url_for(quote(key, safe=""))
    head: dict[str, Any] = {"@type": "ClaimReview", "@id": iri}
    if url:
        head["url"] = url
    head["author"] = _author(options.organisation)
    return head | review


def claimreview_items(
    session: Session, where: ClaimFilter, options: ReviewOptions
) -> Iterator[dict[str, Any]]:
    """Claim and ClaimReview nodes for the claims ``where`` selects."""
    index = CorroborationIndex(session)
    query = claims_query(session, ranked(session, where)).with_only_columns(
        Claim.id, Claim.key, Claim.statement, Claim.language, Claim.speaker, Claim.quote
    )
    for chunk in chunks(session, query):
        ids = [row.id for row in chunk]
        clusters = {claim_id: index.cluster(claim_id) for claim_id in ids}
        sources = _appearances(session, set().union(*clusters.values()))
        verdicts = _verdicts(session, ids)
        conflicts = _conflict_reviews(session, ids) if options.conflicts else {}
        kinds = _speaker_kinds(session, ids)
        for row in chunk:
            appearances = [sources[m] for m in sorted(clusters[row.id])]
            node = _claim_node(row, sources[row.id], appearances, kinds.get(row.id))
            yield node
            key = claim_ref(row.key, row.id)
            if row.id in verdicts:
                yield _verdict_review(verdicts[row.id], node, key, options)
            for conflict in conflicts.get(row.id, []):
                yield _conflict_review(conflict, node, row.id, key, options)


def _claim_author(row: Any, own: Any, kind: str | None) -> dict[str, Any]:
    """The speaker (a Person, or an Organization when its entity says so), else the outlet."""
    if row.speaker:
        if kind is not None and kind not in PERSON_KINDS:
            return {"@type": "Organization", "name": row.speaker}
        if kind is None and row.speaker.casefold() == own.outlet.casefold():
            return {"@type": "Organization", "name": row.speaker}
        return {"@type": "Person", "name": row.speaker}
    author: dict[str, Any] = {"@type": "Organization", "name": own.outlet}
    if own.outlet_url:
        author["url"] = own.outlet_url
    return author


def _claim_node(row: Any, own: Any, appearances: list[Any], kind: str | None) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "Claim",
        "@id": claim_iri(row.id, row.key),
        "text": row.statement,
        "inLanguage": STATEMENT_LANGUAGE,
        "author": _claim_author(row, own, kind),
    }
    if row.quote:
        quoted: dict[str, Any] = {"@value": row.quote}
        if row.language:
            quoted["@language"] = row.language
        node["description"] = quoted
    seen: set[int] = set()
    works = []
    for source in appearances:
        if source.source_id not in seen:
            seen.add(source.source_id)
            works.append(source)
    node["appearance"] = [_appearance(source) for source in works]
    dated = [s for s in works if s.published is not None]
    first = min(dated, key=lambda s: (s.published, s.source_id)) if dated else None
    if first is not None:
        node["firstAppearance"] = _appearance(first)
    published = _published(first or own)
    if published:
        node["datePublished"] = published
    return node


def missing_for_google(organisation: Organisation) -> list[str]:
    """The settings a ClaimReview needs for Google and that are not set."""
    given = {
        "org.name": organisation.name,
        "org.url": organisation.url,
        "org.review_url": organisation.review_url,
    }
    return [name for name, value in given.items() if not value]


def write_claimreview(out: TextIO, items: Iterator[dict[str, Any]]) -> int:
    """One JSON-LD document: the schema.org context and a @graph written node by node."""
    count = 0
    out.write('{\n  "@context": ' + json.dumps(CONTEXT_URL) + ',\n  "@graph": [')
    for item in items:
        out.write(",\n    " if count else "\n    ")
        out.write(json.dumps(item, ensure_ascii=False))
        count += 1
    out.write("\n  ]\n}\n" if count else "]\n}\n")
    return count
