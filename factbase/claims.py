"""Claims: recording them with their provenance, finding them, describing them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, func, or_, select, text
from sqlalchemy.orm import Session

from factbase.claim_view import ClaimView, ConflictView, LinkedView
from factbase.dates import PartialDate, parse_date
from factbase.entities import resolve_entity
from factbase.errors import AlreadyExists, InvalidInput, NotFound, as_id, in_field
from factbase.language import (
    confusable_words,
    detect_language,
    fold,
    language_mismatch,
    normalise_quote,
    normalise_text,
    validate_language,
    within,
)
from factbase.listing import (
    IN_TOPICS_SQL,
    INDEXED_SEARCH,
    MATCHES_SEARCH_SQL,
    MAX_LIMIT,
    NEWEST_FIRST_SQL,
    WALK_BY_DATE_FROM,
    ClaimFilter,
    ClaimPage,
    ListedClaim,
    Sort,
    date_walk,
    search_phrase,
)
from factbase.models import POLARITIES, STATUSES, Claim, ClaimTopic, Conflict, Outlet, Source
from factbase.outlets import get_outlet, get_stance, stance_colours
from factbase.quantities import Quantity, normalise_unit, parse_quantity, quantity_from_parts
from factbase.sources import get_source, stored_date, validate_key
from factbase.topics import (
    TopicSuggester,
    descendant_ids,
    ensure_topic,
    get_topic,
    validate_slug,
)


@dataclass
class ClaimInput:
    """What a user gives to record a claim; text fields as typed."""

    source: str
    statement: str
    key: str | None = None
    quote: str | None = None
    language: str | None = None
    speaker: str | None = None
    topics: Sequence[str] = field(default_factory=tuple)
    subject: str | None = None
    property: str | None = None
    value: str | None = None
    value_num: float | None = None
    unit: str | None = None
    qualifier: str | None = None
    event_date: str | None = None
    as_of: str | None = None
    polarity: str | None = None
    status: str | None = None
    note: str | None = None


@dataclass
class ClaimResult:
    claim: Claim
    outcome: str  # "added", "updated" or "unchanged"
    warnings: list[str] = field(default_factory=list)
    created_topics: list[str] = field(default_factory=list)
    new_conflicts: list[Conflict] = field(default_factory=list)


# -- recording -----------------------------------------------------------------------


def validate_choice(value: str | None, allowed: tuple[str, ...], what: str, default: str) -> str:
    if value is None or not value.strip():
        return default
    value = value.strip().lower()
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} must be one of: {', '.join(allowed)}")
    return value


def _quantity(data: ClaimInput) -> Quantity | None:
    if data.value and data.value_num is not None:
        raise InvalidInput("give the value as text or as value_num/unit, not both")
    if data.value_num is not None:
        qualifier = validate_choice(data.qualifier, _QUALIFIERS, "qualifier", "exact")
        return quantity_from_parts(data.value_num, data.unit, qualifier)  # type: ignore[arg-type]
    if not data.value or not data.value.strip():
        return None
    quantity = _cached_quantity(data.value)
    if not data.unit:
        return quantity
    unit = normalise_unit(data.unit)
    if quantity.unit is None:
        # "441 млрд" with --unit KZT: the words' interval stays, the unit is added.
        return replace(quantity, unit=unit)
    if unit != quantity.unit:
        raise InvalidInput(f"the value says {quantity.unit!r} but the unit given is {unit!r}")
    return quantity


_QUALIFIERS = ("exact", "approx", "almost", "over", "at_least", "under", "up_to")


@dataclass(frozen=True, slots=True)
class SourceRef:
    """What recording a claim needs of its source."""

    id: int
    published_year: int | None


class ClaimLookups(Protocol):
    """The database facts :func:`claim_values` needs, from queries or from an import's caches."""

    def source(self, ref: str) -> SourceRef:
        """The source named by id, key or URL; raises NotFound."""
        ...

    def entity_id(self, name: str) -> int | None:
        """The entity one of whose spellings is ``name``."""
        ...

    def topic_id(self, slug: str) -> tuple[int, bool]:
        """The topic with this slug and whether it was created just now."""
        ...

    def suggested_topic_ids(self, text: str, language: str | None) -> list[int]:
        """Topics whose keywords occur in ``text``."""
        ...


class SessionLookups:
    """:class:`ClaimLookups` answered by queries, for recording one claim at a time."""

    def __init__(self, session: Session, suggester: TopicSuggester | None = None) -> None:
        self.session = session
        self.suggester = suggester

    def source(self, ref: str) -> SourceRef:
        source = get_source(self.session, ref)
        return SourceRef(source.id, source.published.year if source.published else None)

    def entity_id(self, name: str) -> int | None:
        entity = resolve_entity(self.session, name)
        return entity.id if entity else None

    def topic_id(self, slug: str) -> tuple[int, bool]:
        topic, created = ensure_topic(self.session, slug)
        return topic.id, created

    def suggested_topic_ids(self, text: str, language: str | None) -> list[int]:
        self.suggester = self.suggester or TopicSuggester(self.session)
        slugs = self.suggester.suggest(text, language)
        return [get_topic(self.session, slug).id for slug in slugs]


@lru_cache(maxsize=4096)
def _cached_date(text: str, default_year: int | None, today: date) -> PartialDate:
    # Imports repeat the same few thousand dates ("2022", "ноябрь 2023"); dateparser
    # takes about a millisecond for each.
    return parse_date(text, default_year=default_year, today=today)


@lru_cache(maxsize=8192)
def _cached_quantity(text: str) -> Quantity:
    return parse_quantity(text)


def _date(
    text: str | None, what: str, source: SourceRef, warnings: list[str]
) -> PartialDate | None:
    if not text or not text.strip():
        return None
    today = datetime.now(UTC).date()
    try:
        return _cached_date(text, None, today)
    except InvalidInput:
        if source.published_year is None:
            raise
        year = source.published_year
        parsed = _cached_date(text, year, today)
        warnings.append(f"{what} {text.strip()!r} has no year; took {year} from the source")
        return parsed


def _language(data: ClaimInput, text: str, warnings: list[str]) -> str | None:
    if data.language and data.language.strip():
        language = validate_language(data.language)
        mismatch = language_mismatch(text, language)
        if mismatch:
            warnings.append(mismatch)
        return language
    return detect_language(text)


def claim_values(data: ClaimInput, lookups: ClaimLookups, warnings: list[str]) -> dict[str, Any]:
    """The claim's column values (by model attribute) from what a user gave.

    Every check a claim goes through is here, so `factbase add` and `factbase import`
    record the same input the same way. Problems raise InvalidInput or NotFound
    prefixed with the field; warnings are appended to ``warnings``.
    """
    with in_field("statement"):
        statement = normalise_text(data.statement)
        if not statement:
            raise InvalidInput("a claim needs a statement")
    with in_field("source"):
        source = lookups.source(data.source)
    quote = normalise_quote(data.quote) if data.quote and data.quote.strip() else None
    speaker = within(normalise_text(data.speaker), 300, "speaker") if data.speaker else None
    subject = within(normalise_text(data.subject), 300, "subject") if data.subject else None
    prop = within(normalise_text(data.property), 300, "property") if data.property else None
    with in_field("value"):
        quantity = _quantity(data)
    with in_field("event_date"):
        event = _date(data.event_date, "event date", source, warnings)
    with in_field("as_of"):
        as_of = _date(data.as_of, "as_of", source, warnings)
    with in_field("language"):
        language = _language(data, quote or statement, warnings)
    with in_field("key"):
        key = validate_key(data.key) if data.key else None
    with in_field("polarity"):
        polarity = validate_choice(data.polarity, POLARITIES, "polarity", "affirmed")
    with in_field("status"):
        status = validate_choice(data.status, STATUSES, "status", "unverified")
    for word in confusable_words(f"{statement} {quote or ''}"):
        warnings.append(f"{word!r} mixes Latin and Cyrillic letters")
    speaker_key = fold(speaker) if speaker else None
    subject_key = fold(subject) if subject else None
    return {
        "key": key,
        "source_id": source.id,
        "statement": statement,
        "quote": quote,
        "language": language,
        "speaker": speaker,
        "speaker_key": speaker_key,
        "speaker_id": lookups.entity_id(speaker) if speaker else None,
        "subject": subject,
        "subject_key": subject_key,
        "subject_id": lookups.entity_id(subject) if subject else None,
        "property_name": prop,
        "property_key": fold(prop) if prop else None,
        "value_text": quantity.text if quantity else None,
        "value_num": quantity.value if quantity else None,
        "value_unit": quantity.unit if quantity else None,
        "value_low": quantity.low if quantity else None,
        "value_high": quantity.high if quantity else None,
        "value_qualifier": quantity.qualifier if quantity else None,
        "event_date": event.start if event else None,
        "event_date_end": event.end if event else None,
        "event_precision": str(event.precision) if event else None,
        "as_of": as_of.start if as_of else None,
        "as_of_end": as_of.end if as_of else None,
        "as_of_precision": str(as_of.precision) if as_of else None,
        "polarity": polarity,
        "status": status,
        "note": normalise_text(data.note) if data.note else None,
        "search_text": fold(" ".join(filter(None, (statement, quote, speaker, subject, prop)))),
    }


def claim_topics(
    data: ClaimInput, row: dict[str, Any], lookups: ClaimLookups, created: list[str]
) -> dict[int, bool]:
    """topic id -> suggested, for the topics given or, when none are, suggested.

    Slugs of topics created on the way are appended to ``created``.
    """
    links: dict[int, bool] = {}
    for slug in data.topics:
        if not normalise_text(slug):
            continue
        topic_id, was_created = lookups.topic_id(slug)
        if was_created:
            created.append(validate_slug(slug))
        links[topic_id] = False
    if links:
        return links
    text = " ".join(filter(None, (row["statement"], row["quote"])))
    return dict.fromkeys(lookups.suggested_topic_ids(text, row["language"]), True)


def save_claim(
    session: Session,
    data: ClaimInput,
    *,
    existing: Claim | None = None,
    suggester: TopicSuggester | None = None,
) -> ClaimResult:
    """Add a claim, or make ``existing`` match ``data``. Never commits."""
    warnings: list[str] = []
    lookups = SessionLookups(session, suggester)
    fields = claim_values(data, lookups, warnings)
    if fields["key"]:
        other = session.scalar(select(Claim).where(Claim.key == fields["key"]))
        if other is not None and (existing is None or other.id != existing.id):
            raise AlreadyExists(f"claim {other.id} already has key {fields['key']!r}")
    claim = existing or Claim()
    result = ClaimResult(claim, "added" if existing is None else "unchanged", warnings)
    links = claim_topics(data, fields, lookups, result.created_topics)
    if existing is None:
        for name, value in fields.items():
            setattr(claim, name, value)
        claim.claim_topics = [ClaimTopic(topic_id=t, suggested=s) for t, s in links.items()]
        session.add(claim)
    else:
        changed = [name for name, value in fields.items() if getattr(claim, name) != value]
        for name in changed:
            setattr(claim, name, fields[name])
        current = {link.topic_id: link.suggested for link in claim.claim_topics}
        if current != links:
            claim.claim_topics = [ClaimTopic(topic_id=t, suggested=s) for t, s in links.items()]
            changed.append("topics")
        if changed:
            result.outcome = "updated"
    session.flush()
    return result


def add_claim(session: Session, data: ClaimInput) -> ClaimResult:
    """Record a claim and check it against the claims about the same thing."""
    from factbase.conflicts import scan

    result = save_claim(session, data)
    new_ids = scan(session, [result.claim.id]).new_ids
    if new_ids:
        query = select(Conflict).where(Conflict.id.in_(new_ids)).order_by(Conflict.id)
        result.new_conflicts = list(session.scalars(query))
    return result


# -- finding -------------------------------------------------------------------------


def get_claim(session: Session, ref: str | int) -> Claim:
    """A claim by id or key."""
    text_ref = str(ref).strip()
    claim_id = as_id(text_ref)
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
    else:
        claim = session.scalar(select(Claim).where(Claim.key == text_ref))
    if claim is None:
        raise NotFound(f"no claim {ref!r} (give its id or key; see `factbase list`)")
    return claim


def view_claim(session: Session, ref: str | int) -> ClaimView:
    """Everything `factbase show` shows of a claim: fields, relations and corroboration."""
    from factbase.conflicts import conflicts_of
    from factbase.corroboration import corroboration
    from factbase.links import linked_claims

    claim = get_claim(session, ref)
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
    return ClaimView(
        record=claim_row(claim),
        topics=sorted((link.topic.slug, link.suggested) for link in claim.claim_topics),
        relays=[outlet.name for outlet in claim.source.cites],
        corroboration=corroboration(session, claim.id).summary(),
        links=links,
        conflicts=[
            ConflictView(c.id, c.kind, c.cause, c.status, c.explanation)
            for c in conflicts_of(session, claim.id)
        ],
        stance_colours=stance_colours(session),
    )


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
    query = text(NEWEST_FIRST_SQL.format(topic=condition, limit=":limit"))
    if "topics" in params:
        query = query.bindparams(bindparam("topics", expanding=True))
    return list(session.scalars(query, params))


def claims_page(session: Session, where: ClaimFilter, *, with_support: bool) -> ClaimPage:
    """One page of `factbase list`; with its topics and corroboration when ``with_support``."""
    from factbase.corroboration import corroboration

    claims = find_claims(session, where)
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


def count_claims(session: Session, where: ClaimFilter) -> int:
    subquery = _filtered(session, where).with_only_columns(Claim.id).subquery()
    return int(session.scalar(select(func.count()).select_from(subquery)) or 0)


# -- describing ----------------------------------------------------------------------

CLAIM_COLUMNS = (
    "id",
    "key",
    "statement",
    "quote",
    "language",
    "speaker",
    "topics",
    "subject",
    "property",
    "value",
    "value_num",
    "unit",
    "value_low",
    "value_high",
    "qualifier",
    "event_date",
    "as_of",
    "polarity",
    "status",
    "source_id",
    "source_key",
    "source_title",
    "source_url",
    "outlet",
    "stance",
    "published",
    "note",
    "created_at",
    "updated_at",
)


def subject_identity(subject_id: int | None, subject_key: str | None) -> str | None:
    """What a claim is about, for comparing claims: its entity, else its folded text."""
    if subject_id is not None:
        return f"entity:{subject_id}"
    return f"text:{subject_key}" if subject_key else None


def stored_quantity(
    text: str | None,
    value: float | None,
    unit: str | None,
    low: float | None,
    high: float | None,
    qualifier: str | None,
) -> Quantity | None:
    """The quantity kept in a claim's value columns, as parse_quantity made it."""
    if value is None:
        return None
    return Quantity(text or "", value, unit, low, high, qualifier or "exact")  # type: ignore[arg-type]


def _iso(start: Any, precision: str | None) -> str | None:
    partial = stored_date(start, precision)
    return partial.iso() if partial else None


def claim_row(claim: Claim) -> dict[str, Any]:
    """The claim as one flat record with :data:`CLAIM_COLUMNS`, for machine formats."""
    source = claim.source
    return {
        "id": claim.id,
        "key": claim.key,
        "statement": claim.statement,
        "quote": claim.quote,
        "language": claim.language,
        "speaker": claim.speaker,
        "topics": claim.topic_slugs,
        "subject": claim.subject,
        "property": claim.property_name,
        "value": claim.value_text,
        "value_num": claim.value_num,
        "unit": claim.value_unit,
        "value_low": claim.value_low,
        "value_high": claim.value_high,
        "qualifier": claim.value_qualifier,
        "event_date": _iso(claim.event_date, claim.event_precision),
        "as_of": _iso(claim.as_of, claim.as_of_precision),
        "polarity": claim.polarity,
        "status": claim.status,
        "source_id": source.id,
        "source_key": source.key,
        "source_title": source.title,
        "source_url": source.url,
        "outlet": source.outlet.name,
        "stance": source.outlet.stance,
        "published": _iso(source.published, source.published_precision),
        "note": claim.note,
        "created_at": claim.created_at.isoformat(timespec="seconds"),
        "updated_at": claim.updated_at.isoformat(timespec="seconds"),
    }
