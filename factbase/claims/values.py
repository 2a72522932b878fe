"""A claim as a user gives it, checked and turned into column values, without a database.

:func:`claim_values` holds every check a claim goes through; what it needs of the
database (the source, entities, topics) it asks a :class:`ClaimLookups`, which the
library answers with queries (:mod:`factbase.claims.recording`), an import from its
caches, and the quick `add` (:mod:`factbase.claims.fastwrite`) with the standard
library's ``sqlite3``. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any, Protocol

from factbase.catalog.names import validate_key, validate_slug
from factbase.errors import InvalidInput, in_field
from factbase.text.date_formats import parse_timestamp, stored_iso
from factbase.text.dates import PartialDate, is_relative, parse_date
from factbase.text.language import (
    confusable_words,
    detect_language,
    fold,
    language_mismatch,
    normalise_quote,
    normalise_text,
    search_lemmas,
    tidied_field,
    validate_language,
)
from factbase.text.polarity import resolve_polarity
from factbase.text.quantities import Quantity, normalise_unit, parse_quantity, quantity_from_parts
from factbase.text.quotes import locate_quote
from factbase.vocabulary import (
    OCCASION_FROM_WORDING,
    OCCASIONS,
    POLARITIES,
    QUOTE_NOT_FOUND,
    STATUSES,
    validate_choice,
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
    # The polarity given was suggested from the wording (as `export all` writes a claim
    # whose polarity no one gave); left out, a polarity given is a person's.
    polarity_suggested: bool | None = None
    # An event date after the article's publication, on purpose: a forecast, a plan.
    forecast: bool | None = None
    # "once" or "recurring", a person's word on what a dated claim reports; None (or
    # "auto"): its wording decides (factbase.analysis.occasions).
    occasion: str | None = None
    status: str | None = None
    note: str | None = None
    # The claim's history, as a document from `export all` carries it: left out, a new
    # claim is created now and an updated one changed now. `merged_into` names the claim
    # a merged duplicate went into; an import resolves it after every claim of the run.
    retracted_at: str | None = None
    retraction_note: str | None = None
    merged_into: str | None = None
    created_at: str | None = None
    updated_at: str | None = None


# The columns :func:`history_values` fills, in the order of the claim's fields.
HISTORY_COLUMNS = ("retracted_at", "retraction_note", "created_at", "updated_at")


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
    published: PartialDate | None = None
    # The article's text, when the source has one: quotes are located in it.
    text: str | None = None

    @property
    def published_year(self) -> int | None:
        return self.published.start.year if self.published else None


# A claim's topics: topic id -> None for a topic a person gave, else the keyword that
# suggested it ("" when that is not known: suggested before keywords were recorded).
TopicLinks = dict[int, str | None]


def topic_link(suggested: bool, keyword: str | None) -> str | None:
    """A stored claim_topic row's ``suggested`` and ``keyword`` as a :data:`TopicLinks` value."""
    return (keyword or "") if suggested else None


def topic_link_row(topic_id: int, link: str | None) -> dict[str, Any]:
    """The claim_topic columns of one :data:`TopicLinks` entry (without the claim)."""
    return {"topic_id": topic_id, "suggested": link is not None, "keyword": link or None}


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

    def suggested_topics(self, text: str, language: str | None) -> dict[int, str]:
        """Topic id -> the keyword of it that ``text`` holds, for each topic it holds one of."""
        ...


@lru_cache(maxsize=4096)
def _cached_date(text: str, default_year: int | None, today: date) -> PartialDate:
    # Imports repeat the same few thousand dates ("2022", "ноябрь 2023"); dateparser
    # takes about a millisecond for each.
    return parse_date(text, default_year=default_year, today=today)


@lru_cache(maxsize=8192)
def _cached_quantity(text: str) -> Quantity:
    return parse_quantity(text)


def published_of(day: date | None, precision: str | None) -> PartialDate | None:
    """A source's stored publication date (first day, precision) as a PartialDate."""
    if day is None:
        return None
    return PartialDate.from_parts(day, precision or "day")


def _date(
    text: str | None, what: str, source: SourceRef, warnings: list[str]
) -> PartialDate | None:
    if not text or not text.strip():
        return None
    # "вчера", "last month": counted from the article's day, not from the day it is typed.
    if is_relative(text):
        if source.published is None:
            raise InvalidInput("relative date needs the source's publication date")
        today = source.published.start
    else:
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
    with in_field("quote"):
        quote = normalise_quote(data.quote) if data.quote and data.quote.strip() else None
    speaker = tidied_field(data.speaker, "speaker", 300)
    subject = tidied_field(data.subject, "subject", 300)
    prop = tidied_field(data.property, "property", 300)
    note = tidied_field(data.note, "note")
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
        given = validate_choice(data.polarity, POLARITIES, "polarity", "") or None
        polarity, suggested = resolve_polarity(given, statement, quote)
        if given and data.polarity_suggested:
            suggested = True  # as a document of `export all` carries it
    forecast = bool(data.forecast)
    if event and source.published and event.start > source.published.end and not forecast:
        warnings.append(
            f"event date {event} is after the article's publication {source.published}; "
            "--forecast records a forecast"
        )
    with in_field("occasion"):
        occasion = validate_choice(
            data.occasion, (*OCCASIONS, OCCASION_FROM_WORDING), "occasion", OCCASION_FROM_WORDING
        )
    with in_field("status"):
        status = validate_choice(data.status, STATUSES, "status", "unverified")
    for word in confusable_words(f"{statement} {quote or ''}"):
        warnings.append(f"{word!r} mixes Latin and Cyrillic letters")
    speaker_key = fold(speaker) if speaker else None
    subject_key = fold(subject) if subject else None
    anchor = quote_columns(source.text, quote)
    if anchor["quote_match"] == QUOTE_NOT_FOUND:
        warnings.append(QUOTE_NOT_FOUND_WARNING)
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
        "polarity_suggested": suggested,
        "forecast": forecast,
        "occasion": None if occasion == OCCASION_FROM_WORDING else occasion,
        "status": status,
        "note": note,
        **anchor,
        **search_columns(statement, quote, speaker, subject, prop, language=language),
    }


# What `add`, `edit` and `import` say of a quote the source's text does not hold; with
# --strict it is an error instead (QuoteNotFound).
QUOTE_NOT_FOUND_WARNING = "quote: not found in the source's text, even normalised"


def quote_columns(text: str | None, quote: str | None) -> dict[str, Any]:
    """Where ``quote`` stands in the source's ``text``: the claim's quote_start,
    quote_end and quote_match (factbase.text.quotes); all None without a quote."""
    if not quote:
        return {"quote_start": None, "quote_end": None, "quote_match": None}
    found = locate_quote(text, quote)
    return {"quote_start": found.start, "quote_end": found.end, "quote_match": found.mode}


def refuse_unanchored(values: dict[str, Any]) -> None:
    """--strict: a quote the source's text does not hold is an error, not a warning."""
    if values.get("quote_match") == QUOTE_NOT_FOUND:
        raise InvalidInput(f"{QUOTE_NOT_FOUND_WARNING} (--strict)")


def search_columns(*fields: str | None, language: str | None) -> dict[str, str]:
    """What `list --search` looks in, from the searched fields (statement, quote, speaker,
    subject, property) of a claim in ``language``: their folded text and its lemmas.
    Migration 0008 fills stored claims with it too."""
    searched = " ".join(filter(None, fields))
    return {"search_text": fold(searched), "search_lemmas": search_lemmas(searched, language)}


# The claim values search_columns() reads, in its order.
SEARCHED_VALUES = ("statement", "quote", "speaker", "subject", "property_name")


def history_values(data: ClaimInput) -> dict[str, Any]:
    """The :data:`HISTORY_COLUMNS` that ``data`` gives, by model attribute; those it
    leaves out are not there (a new claim then gets the time now, a changed one keeps
    its own)."""
    found: dict[str, Any] = {}
    for name in HISTORY_COLUMNS:
        given = getattr(data, name)
        if given is None or not str(given).strip():
            continue
        with in_field(name):
            text = normalise_text(given) if name == "retraction_note" else None
            found[name] = text if text is not None else parse_timestamp(given)
    return found


def claim_topics(
    data: ClaimInput, row: dict[str, Any], lookups: ClaimLookups, created: list[str]
) -> TopicLinks:
    """The claim's topics: those given or, when none are, those its words suggest.

    Slugs of topics created on the way are appended to ``created``.
    """
    links: TopicLinks = {}
    for slug in data.topics:
        if not normalise_text(slug):
            continue
        topic_id, was_created = lookups.topic_id(slug)
        if was_created:
            created.append(validate_slug(slug))
        links[topic_id] = None
    if links:
        return links
    text = " ".join(filter(None, (row["statement"], row["quote"])))
    return dict(lookups.suggested_topics(text, row["language"]))


def quantity_fields(
    text: str | None,
    number: float | None,
    unit: str | None,
    low: float | None,
    high: float | None,
    qualifier: str | None,
) -> dict[str, Any]:
    """A stored quantity as the :class:`ClaimInput` fields that give it back exactly.

    The words as written when they parse to the stored figures (the usual case), with
    the unit when it was given apart from them; else the parts.
    """
    if number is None:
        return {}
    stored = (number, unit, low, high, qualifier)
    if text:
        try:
            parsed: Quantity | None = _cached_quantity(text)
        except InvalidInput:
            parsed = None
        if parsed is not None:
            again = (parsed.value, parsed.unit, parsed.low, parsed.high, parsed.qualifier)
            if again == stored:
                return {"value": text}
            if parsed.unit is None and again == (number, None, low, high, qualifier):
                return {"value": text, "unit": unit}
    return {"value_num": number, "unit": unit, "qualifier": qualifier}


# -- stored values as facts ---------------------------------------------------------


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


def row_quantity(row: Any) -> Quantity | None:
    """The quantity of a row that selected the claim's value columns under their own names
    (``value_text`` … ``value_qualifier``)."""
    return stored_quantity(
        row.value_text, row.value_num, row.value_unit, row.value_low, row.value_high,
        row.value_qualifier,
    )  # fmt: skip


def stored_input(claim: Any, source_ref: str | None = None) -> ClaimInput:
    """The claim as the input that would record it again as it is (topics aside):
    ``claim`` has a claim's attributes, a model's or a row read without one."""
    quantity = quantity_fields(
        claim.value_text,
        claim.value_num,
        claim.value_unit,
        claim.value_low,
        claim.value_high,
        claim.value_qualifier,
    )
    return ClaimInput(
        source=source_ref or str(claim.source_id),
        statement=claim.statement,
        key=claim.key,
        quote=claim.quote,
        language=claim.language,
        speaker=claim.speaker,
        topics=tuple(claim.topic_slugs),
        subject=claim.subject,
        property=claim.property_name,
        event_date=stored_iso(claim.event_date, claim.event_precision),
        as_of=stored_iso(claim.as_of, claim.as_of_precision),
        # A suggested polarity is read from the words again, as they are now.
        polarity=None if claim.polarity_suggested else claim.polarity,
        forecast=claim.forecast,
        occasion=claim.occasion,
        status=claim.status,
        note=claim.note,
        **quantity,
    )
