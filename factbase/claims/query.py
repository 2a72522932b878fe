"""Finding claims: by id or key, and by the filters `factbase list` offers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Select, bindparam, case, func, literal_column, or_, select, text
from sqlalchemy.orm import Session

from factbase.catalog.entities import resolve_entity
from factbase.catalog.outlets import get_outlet, get_stance
from factbase.catalog.settings import rating_scale
from factbase.catalog.sources import get_source
from factbase.catalog.topics import (
    descendant_ids,
    get_topic,
)
from factbase.claims.fields import made_up_claim_id
from factbase.claims.filter import (
    FORM_LEMMAS_SQL,
    IN_TOPICS_SQL,
    INDEXED_SEARCH,
    LEMMA_IDS_SQL,
    LIVE_SQL,
    MATCHES_LEMMAS_SQL,
    MATCHES_SEARCH_SQL,
    MAX_LIMIT,
    NEWEST_FIRST_SQL,
    PHRASE_IDS_SQL,
    WALK_BY_DATE_FROM,
    ClaimFilter,
    SearchTerms,
    Sort,
    date_walk,
    search_phrase,
    search_terms,
)
from factbase.errors import InvalidInput, NotFound, as_id
from factbase.store.models import Claim, ClaimTopic, Outlet, Source, Verdict
from factbase.text.dates import parse_date
from factbase.text.language import (
    fold,
    validate_language,
)
from factbase.vocabulary import QUOTE_MATCHES, STATUSES, validate_choice

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
    terms = stored_search_terms(session, where)
    if terms is not None and terms.phrase:
        query = query.where(_search(session, terms))
    if where.status:
        query = query.where(Claim.status == validate_choice(where.status, STATUSES, "status", ""))
    if where.quote_status:
        matched = validate_choice(where.quote_status, QUOTE_MATCHES, "quote status", "")
        query = query.where(Claim.quote_match == matched)
    if where.rating:
        rating = rating_scale(session).rating(where.rating).name
        rated = select(Verdict.claim_id).where(
            Verdict.rating == rating, Verdict.superseded_at.is_(None)
        )
        query = query.where(Claim.id.in_(rated))
    if not where.include_retracted:
        query = query.where(Claim.id.not_in(retracted_ids()))
    return query


def stored_search_terms(session: Session, where: ClaimFilter) -> SearchTerms | None:
    """The terms of the filter's search; a word some claim holds, as a lemma or as a form
    of one, is looked up with the lemmas on record, without loading a dictionary."""
    if not where.search:
        return None

    def stored(word: str) -> tuple[str, ...] | None:
        held = select(Claim.id).where(_lemma_match(session, (word,))).limit(1)
        lemmas = session.scalars(
            text(FORM_LEMMAS_SQL.format(form=":form")).bindparams(form=word)
        ).all()
        if session.scalar(held) is not None:
            return (word, *lemmas)
        return tuple(lemmas) or None

    return search_terms(where.search, where.language, stored)


def _search(session: Session, terms: SearchTerms) -> Any:
    """Claims whose folded text holds the search's phrase, or whose lemmas hold a form of
    one of its words (unless quoted): through the search indexes where there are some.

    On PostgreSQL the planner uses the trigram index for LIKE itself, and the GIN index of
    the lemmas' tsvector for its match. On SQLite the FTS5 table's exact trigrams (migration
    0005) answer a phrase of three or more characters alone, and the lemma table (0008) the
    words.
    """
    lemmas = terms.lemma_query()
    if session.get_bind().dialect.name != "sqlite":
        found = Claim.search_text.contains(terms.phrase, autoescape=True)
        if lemmas is None:
            return found
        return or_(found, *(_lemma_match(session, forms) for forms in terms.words))
    if len(terms.phrase) < INDEXED_SEARCH:
        found = Claim.search_text.contains(terms.phrase, autoescape=True)
        if lemmas is None:
            return found
        return or_(
            found,
            Claim.id.in_(_lemma_ids(lemmas)),
        )
    phrase = search_phrase(terms.phrase)
    if lemmas is None:
        matching = text(PHRASE_IDS_SQL.format(phrase=":phrase")).bindparams(
            bindparam("phrase", phrase, unique=True)
        )
    else:
        matching = text(
            f"{PHRASE_IDS_SQL.format(phrase=':phrase')} UNION "
            f"{LEMMA_IDS_SQL.format(lemmas=':lemmas')}"
        ).bindparams(
            bindparam("phrase", phrase, unique=True), bindparam("lemmas", lemmas, unique=True)
        )
    return Claim.id.in_(matching)


def _lemma_ids(lemmas: str | None) -> Any:
    """The ids of claims the lemma index finds for an FTS5 query (SQLite). Its parameter is
    unique: a ranked search holds one such query per word."""
    query = text(LEMMA_IDS_SQL.format(lemmas=":lemmas"))
    return query.bindparams(bindparam("lemmas", lemmas, unique=True))


def _lemma_match(session: Session, forms: tuple[str, ...]) -> Any:
    """Claims whose lemmas hold one of ``forms`` (one word of a search)."""
    if session.get_bind().dialect.name == "sqlite":
        lemmas = SearchTerms("", False, (forms,)).lemma_query()
        return Claim.id.in_(_lemma_ids(lemmas))
    # PostgreSQL: the expression of the GIN index ix_claim_search_lemmas (migration 0008).
    vector = func.to_tsvector(literal_column("'simple'"), Claim.search_lemmas)
    wanted = [func.phraseto_tsquery(literal_column("'simple'"), form) for form in forms]
    return or_(*(vector.op("@@")(query) for query in wanted))


def _rank(session: Session, terms: SearchTerms) -> Any:
    """How many of the search's words a claim holds as lemmas; all of them when its folded
    text holds the whole search (:class:`~factbase.claims.filter.SearchTerms`)."""
    held = [case((_lemma_match(session, forms), 1), else_=0) for forms in terms.words]
    total: Any = held[0]
    for one in held[1:]:
        total = total + one
    whole = Claim.search_text.contains(terms.phrase, autoescape=True)
    return case((whole, len(terms.words)), else_=total)


def _names(session: Session, id_column: Any, key_column: Any, name: str) -> Any:
    """Claims naming ``name`` directly or through any alias of its entity."""
    entity = resolve_entity(session, name)
    if entity is None:
        return key_column == fold(name)
    return or_(id_column == entity.id, key_column == fold(name))


def _ordered(
    query: Select[Any], sort: Sort, session: Session, terms: SearchTerms | None = None
) -> Select[Any]:
    if sort is Sort.RELEVANCE and terms is not None and terms.ranked:
        query = query.order_by(_rank(session, terms).desc())
    if sort in (Sort.PUBLISHED, Sort.RELEVANCE):
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
    if where.sort is Sort.CONFIDENCE:
        return _by_ranking(session, where)
    walked = _newest_first_ids(session, where)
    terms = stored_search_terms(session, where)
    if walked is None:
        query = _ordered(_filtered(session, where), where.sort, session, terms)
    else:  # the ids are the answer; the query only loads and orders those few
        rest = replace(where, topic=None, search=None)
        query = _ordered(_filtered(session, rest), where.sort, session)
        query = query.where(Claim.id.in_(walked))
    return query.limit(where.limit) if where.limit else query


def _by_ranking(session: Session, where: ClaimFilter) -> Select[Any]:
    """The claims of ``where.ranking`` (a page of it, with a limit), in its order."""
    if where.ranking is None:
        raise InvalidInput("claims sorted by confidence are ranked first (track_records.ranked)")
    page = list(where.ranking[: where.limit] if where.limit else where.ranking)
    position = case({claim_id: n for n, claim_id in enumerate(page)}, value=Claim.id, else_=0)
    query = _filtered(session, replace(where, ranking=None)).where(Claim.id.in_(page))
    return query.order_by(position) if page else query


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
        terms = stored_search_terms(session, where)
        assert terms is not None  # a search walk has a search
        params["phrase"] = search_phrase(terms.phrase)
        ids = PHRASE_IDS_SQL.format(phrase=":phrase")
        condition = MATCHES_SEARCH_SQL.format(phrase=":phrase")
        params["lemmas"] = terms.lemma_query()
        if params["lemmas"] is not None:
            ids = f"{ids} UNION {LEMMA_IDS_SQL.format(lemmas=':lemmas')}"
            lemmas = MATCHES_LEMMAS_SQL.format(lemmas=":lemmas")
            condition = f"({condition} OR {lemmas})"
        else:
            del params["lemmas"]
        counting = {name: value for name, value in params.items() if name != "limit"}
        counted = session.scalar(text(f"SELECT count(*) FROM ({ids})"), counting)
        if (counted or 0) < WALK_BY_DATE_FROM:
            return None  # few enough to sort: the search indexes find them directly
    if not where.include_retracted:
        condition = f"{condition} AND {LIVE_SQL}"
    query = text(NEWEST_FIRST_SQL.format(topic=condition, limit=":limit"))
    if "topics" in params:
        query = query.bindparams(bindparam("topics", expanding=True))
    return list(session.scalars(query, params))


def count_claims(session: Session, where: ClaimFilter) -> int:
    subquery = _filtered(session, where).with_only_columns(Claim.id).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)
