"""Candidate claims of a stored source: what the database knows, given to the rules.

:func:`factbase.text.candidates.extract_candidates` is pure; this module gathers what it
needs from the database (the source's language and publication date, every spelling of
every entity, the properties each subject's claims use already, and the topic keywords)
and turns its candidates into claim records of the interchange format
(docs/format.md), which `factbase import` reads after a person has edited them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.catalog.source_texts import stored_text
from factbase.catalog.sources import get_source
from factbase.claims.fields import source_ref
from factbase.claims.values import ClaimInput
from factbase.errors import InvalidInput
from factbase.store.models import Claim, Entity, EntityAlias, Source, Topic, TopicKeyword
from factbase.text.candidates import (
    LANGUAGES,
    Candidate,
    KnownProperty,
    extract_candidates,
)
from factbase.text.dates import PartialDate, Precision
from factbase.text.language import detect_language, duplicate_key, normalise_text

__all__ = [
    "Extraction",
    "candidate_input",
    "candidate_record",
    "candidate_records",
    "candidate_row",
    "extract_for_source",
    "recorded",
    "source_text_for",
]

# How many of a property's claims a sentence is compared with (the first recorded).
_PROPERTY_TEXT_CLAIMS = 20


@dataclass(frozen=True)
class Extraction:
    """The candidates of one source's text, with what claim records need of the source."""

    source: str  # how claim records name it: key, URL or made-up key
    source_id: int
    language: str
    published: PartialDate | None
    candidates: list[Candidate]


def source_text_for(session: Session, source: Source) -> str | None:
    """The article text stored for ``source`` (`source add --text-file`, `seed --texts`),
    if any; `factbase extract --text-file` gives one instead."""
    stored = stored_text(session, source.id)
    return stored.text if stored is not None else None


def _entities(session: Session) -> dict[str, str]:
    rows = session.execute(select(EntityAlias.alias, Entity.name).join(Entity))
    return {str(alias): str(name) for alias, name in rows}


def _properties(session: Session) -> dict[str, list[KnownProperty]]:
    """Per subject entity, the properties its claims use, with the words of those claims."""
    rows = session.execute(
        select(Entity.name, Claim.property_name, Claim.quote, Claim.statement)
        .join(Entity, Claim.subject_id == Entity.id)
        .where(Claim.property_name.is_not(None), Claim.retracted_at.is_(None))
        .order_by(Claim.id)
    )
    known: dict[str, list[KnownProperty]] = {}
    read: dict[tuple[str, str], int] = {}
    for name, prop, quote, statement in rows:
        if prop is None:  # not asked for: the query leaves them out
            continue
        if read.get((name, prop), 0) < _PROPERTY_TEXT_CLAIMS:
            read[name, prop] = read.get((name, prop), 0) + 1
            known.setdefault(name, []).append(KnownProperty(prop, quote or statement))
    return known


def _topic_keywords(session: Session) -> dict[str, list[str]]:
    keywords: dict[str, list[str]] = {}
    for slug, keyword in session.execute(select(Topic.slug, TopicKeyword.keyword).join(Topic)):
        keywords.setdefault(slug, []).append(keyword)
    return keywords


def _language(source: Source, text: str) -> str:
    language = source.language or detect_language(text)
    if language not in LANGUAGES:
        raise InvalidInput(
            f"cannot extract claims in language {language!r}: one of {', '.join(LANGUAGES)}"
        )
    return language


def extract_for_source(session: Session, ref: str, text: str) -> Extraction:
    """The candidate claims of ``text``, the article of the source ``ref`` (id, key or URL)."""
    source = get_source(session, ref)
    if not text.strip():
        raise InvalidInput("the article text is empty")
    language = _language(source, text)
    published = None
    if source.published is not None and source.published_precision:
        published = PartialDate(source.published, Precision(source.published_precision))
    candidates = extract_candidates(
        normalise_article(text),
        language,
        published,
        entities=_entities(session),
        properties=_properties(session),
        topic_keywords=_topic_keywords(session),
    )
    named = source_ref(source.key, source.url, source.id)
    return Extraction(named, source.id, language, published, candidates)


def normalise_article(text: str) -> str:
    """The text as quotes are compared with it: NFC, line ends as "\\n"."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _dates(candidate: Candidate) -> list[str]:
    return [found.date.iso() for found in candidate.dates]


def candidate_row(number: int, candidate: Candidate) -> dict[str, Any]:
    """A candidate as a row of `factbase extract`'s table, numbered from 1."""
    return {
        "n": number,
        "start": candidate.start,
        "end": candidate.end,
        "signals": list(candidate.signals),
        "speaker": candidate.speaker,
        "value": candidate.value,
        "dates": _dates(candidate),
        "polarity": candidate.polarity,
        "subject": candidate.subject,
        "property": candidate.property,
        "topics": list(candidate.topics),
        "quote": candidate.quote,
    }


def candidate_record(extraction: Extraction, candidate: Candidate) -> dict[str, Any]:
    """A candidate as a claim record of the interchange format, to edit and import.

    The statement is the quote on one line, for a person to rewrite; the polarity is left
    to `import`, which suggests it from the same words; the note says where the claim was
    found and why.
    """
    record: dict[str, Any] = {
        "source": extraction.source,
        "statement": normalise_text(candidate.quote),
        "quote": candidate.quote,
        "language": extraction.language,
    }
    optional = {
        "speaker": candidate.speaker,
        "topics": list(candidate.topics) or None,
        "subject": candidate.subject,
        "property": candidate.property,
        "value": candidate.value,
        "event_date": _dates(candidate)[0] if candidate.dates else None,
    }
    record.update({name: value for name, value in optional.items() if value is not None})
    record["note"] = (
        f"candidate from `factbase extract`: {', '.join(candidate.signals)}; "
        f"characters {candidate.start}-{candidate.end} of the text"
    )
    return record


def candidate_records(extraction: Extraction) -> Iterable[dict[str, Any]]:
    return (candidate_record(extraction, candidate) for candidate in extraction.candidates)


def numbered(candidates: Sequence[Candidate]) -> list[dict[str, Any]]:
    return [candidate_row(n, c) for n, c in enumerate(candidates, 1)]


def candidate_input(record: Mapping[str, Any]) -> ClaimInput:
    """A claim record of :func:`candidate_record`, as edited, ready for ``add_claim``."""
    fields = {name: value for name, value in record.items() if name != "type"}
    fields["topics"] = tuple(fields.get("topics") or ())
    return ClaimInput(**fields)


def recorded(session: Session, extraction: Extraction) -> list[bool]:
    """For each candidate, whether a claim of the source quotes from its sentence already
    (a candidate accepted as it was, or with its quote cut shorter): what a review of the
    candidates resumes after."""
    rows = session.scalars(
        select(Claim.quote).where(
            Claim.source_id == extraction.source_id,
            Claim.retracted_at.is_(None),
            Claim.quote.is_not(None),
        )
    )
    quotes = [key for key in (duplicate_key(quote) for quote in rows) if key]
    found = []
    for candidate in extraction.candidates:
        sentence = duplicate_key(candidate.quote) or ""
        found.append(any(quote in sentence for quote in quotes))
    return found
