"""Finding claims: by id or key, and by the filters `factbase list` offers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select, text
from sqlalchemy.orm import Session

from factbase.catalog.entities import resolve_entity
from factbase.catalog.outlets import get_outlet, get_stance
from factbase.catalog.sources import get_source
from factbase.catalog.topics import (
    descendant_ids,
    get_topic,
)
from factbase.claims.fields import made_up_claim_id
from factbase.claims.filter import (
    IN_TOPICS_SQL,
    INDEXED_SEARCH,
    LIVE_SQL,
    MATCHES_SEARCH_SQL,
    MAX_LIMIT,
    NEWEST_FIRST_SQL,
    WALK_BY_DATE_FROM,
    ClaimFilter,
    Sort,
    date_walk,
    search_phrase,
)
from factbase.errors import InvalidInput, NotFound, as_id
from factbase.store.models import Claim, ClaimTopic, Outlet, Source
from factbase.text.dates import parse_date
from factbase.text.language import (
    fold,
    validate_language,
)
from factbase.vocabulary import STATUSES, validate_choice

# -- finding -------------------------------------------------------------------------


def get_claim(session: Session, ref: str | int) -> Claim:
    """A claim by id or key: the claim itself, also when retracted or merged into another
    (``merged_into_id`` says so; :func:`merged_target` follows it)."""
    text_ref = str(ref).strip()
    claim_id = as_id(text_ref)
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
    else:
        claim = session.scalar(select(Claim).where(Claim.key == text_ref))
        made_up = made_up_claim_id(text_ref) if claim is None else None
        if made_up is not None:
            # The key a document gave a keyless claim (claim_ref) names it back.
            claim = session.get(Claim, made_up)
            claim = claim if claim is not None and claim.key is None else None
    if claim is None:
        raise NotFound(f"no claim {ref!r} (give its id or key; see `factbase list`)")
    return claim


def retracted_ids() -> Select[Any]:
    """The ids of retracted claims (merged ones among them): few, and indexed. Listings
    leave them out with NOT IN this, as :data:`~factbase.claims.filter.LIVE_SQL` does."""
    return select(Claim.id).where(Claim.retracted_at.is_not(None))


def merged_target(session: Session, claim: Claim) -> Claim:
    """The claim ``claim`` was merged into (through any chain), or ``claim`` itself."""
    seen = {claim.id}
    while claim.merged_into_id is not None and claim.merged_into_id not in seen:
        target = session.get(Claim, claim.merged_into_id)
        if target is None:
            break
        seen.add(target.id)
        claim = target
    return claim


def _filtered(session: Session, where: ClaimFilter) -> Select[Any]:
    query = select(Claim).join(Claim.source).join(Source.outlet)
    if where.topic:
        topic_ids = descendant_ids(session, get_topic(session, where.topic))
        in_topic = select(ClaimTopic.claim_id).where(ClaimTopic.topic_id.in_(topic_ids))
        query = query.where(Claim.id.in_(in_topic))
    if where.language:
        query = query.where(Claim.language == validate_language(where.language))
    if where.stance:
        query = query.where(Outlet.stance == get_stance(session, where.stance).name)
    if where.outlet:
        query = query.where(Source.outlet_id == get_outlet(session, where.outlet).id)
    if where.source:
        query = query.where(Claim.source_id == get_source(session, where.source).id)
    if where.subject:
        query = query.where(_names(session, Claim.subject_id, Claim.subject_key, where.subject))
    if where.speaker:
        query = query.where(_names(session, Claim.speaker_id, Claim.speaker_key, where.speaker))
    # Dates narrow the sources first, so the planner starts from the date index rather
    # than reading every claim to look at its source.
    if where.since:
        since = parse_date(where.since).start
        query = query.where(
            Claim.source_id.in_(select(Source.id).where(Source.published_end >= since))
        )
    if where.until:
        until = parse_date(where.until).end
        query = query.where(Claim.source_id.in_(select(Source.id).where(Source.published <= until)))
    if where.search and fold(where.search):
        query = query.where(_search(session, fold(where.search)))
    if where.status:
        query = query.where(Claim.status == validate_choice(where.status, STATUSES, "status", ""))
    if not where.include_retracted:
        query = query.where(Claim.id.not_in(retracted_ids()))
    return query


def _search(session: Session, folded: str) -> Any:
    """Claims whose folded text holds ``folded``: through the trigram index where there is one.

    On PostgreSQL the planner uses the trigram index for LIKE itself. On SQLite the FTS5
    table's exact trigrams (migration 0005) answer a term of three or more characters alone.
    """
    if session.get_bind().dialect.name != "sqlite" or len(folded) < INDEXED_SEARCH:
        return Claim.search_text.contains(folded, autoescape=True)
    matching = text("SELECT rowid FROM claim_search WHERE claim_search MATCH :phrase")
    return Claim.id.in_(matching.bindparams(phrase=search_phrase(folded)))


def _names(session: Session, id_column: Any, key_column: Any, name: str) -> Any:
    """Claims naming ``name`` directly or through any alias of its entity."""
    entity = resolve_entity(session, name)
    if entity is None:
        return key_column == fold(name)
    return or_(id_column == entity.id, key_column == fold(name))


def _ordered(query: Select[Any], sort: Sort) -> Select[Any]:
    if sort is Sort.PUBLISHED:
        return query.order_by(Source.published.desc().nulls_last(), Claim.id.desc())
    if sort is Sort.EVENT:
        return query.order_by(Claim.event_date.desc().nulls_last(), Claim.id.desc())
    if sort is Sort.ADDED:
        return query.order_by(Claim.id.desc())
    return query.order_by(Claim.id)


def find_claims(session: Session, where: ClaimFilter) -> list[Claim]:
    return list(session.scalars(claims_query(session, where)).unique())


def claims_query(session: Session, where: ClaimFilter) -> Select[Any]:
    """The ordered, filtered, limited select behind :func:`find_claims`, for streaming.

    Claim is joined with Source and Outlet, so callers may replace the selected
    columns (``with_only_columns``) with any of theirs.
    """
    if where.limit is not None and not 0 <= where.limit <= MAX_LIMIT:
        raise InvalidInput(f"--limit must be between 0 (no limit) and {MAX_LIMIT}")
    walked = _newest_first_ids(session, where)
    if walked is None:
        query = _ordered(_filtered(session, where), where.sort)
    else:  # the ids are the answer; the query only loads and orders those few
        rest = replace(where, topic=None, search=None)
        query = _ordered(_filtered(session, rest), where.sort)
        query = query.where(Claim.id.in_(walked))
    return query.limit(where.limit) if where.limit else query


def _newest_first_ids(session: Session, where: ClaimFilter) -> list[int] | None:
    """The ids of a newest-first page found by walking dates, when that is the fast way."""
    walk = date_walk(where)
    if session.get_bind().dialect.name != "sqlite" or walk is None:
        return None
    params: dict[str, Any] = {"limit": where.limit}
    condition = "1 = 1"
    if walk == "topic" and where.topic:
        topics = list(descendant_ids(session, get_topic(session, where.topic)))
        in_topic = select(func.count()).where(ClaimTopic.topic_id.in_(topics))
        if (session.scalar(in_topic) or 0) < WALK_BY_DATE_FROM:
            return None  # few enough to sort: the topic index finds them directly
        condition, params["topics"] = IN_TOPICS_SQL.format(topics=":topics"), topics
    elif walk == "search" and where.search:
        folded = fold(where.search)
        params["phrase"] = search_phrase(folded)
        matching = text("SELECT count(*) FROM claim_search WHERE claim_search MATCH :phrase")
        if (session.scalar(matching, {"phrase": params["phrase"]}) or 0) < WALK_BY_DATE_FROM:
            return None  # few enough to sort: the search index finds them directly
        condition = MATCHES_SEARCH_SQL.format(phrase=":phrase")
    if not where.include_retracted:
        condition = f"{condition} AND {LIVE_SQL}"
    query = text(NEWEST_FIRST_SQL.format(topic=condition, limit=":limit"))
    if "topics" in params:
        query = query.bindparams(bindparam("topics", expanding=True))
    return list(session.scalars(query, params))


def count_claims(session: Session, where: ClaimFilter) -> int:
    subquery = _filtered(session, where).with_only_columns(Claim.id).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)
