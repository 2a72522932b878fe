"""Recording claims through the library: a claim's values (:mod:`factbase.claims.values`)
looked up and written with a session."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.catalog.entities import resolve_entity
from factbase.catalog.sources import get_source
from factbase.catalog.topics import TopicSuggester, ensure_topic, get_topic
from factbase.claims.values import (
    SEARCHED_VALUES,
    ClaimInput,
    SourceRef,
    TopicLinks,
    claim_topics,
    claim_values,
    published_of,
    refuse_unanchored,
    topic_link,
    topic_link_row,
)
from factbase.claims.values import stored_input as stored_input  # re-exported
from factbase.errors import AlreadyExists
from factbase.store.bulk_insert import insert_rows
from factbase.store.models import Claim, ClaimTopic, Conflict, SearchForm, SourceText
from factbase.store.upserts import insert_new
from factbase.text.language import search_forms


@dataclass
class ClaimResult:
    claim: Claim
    outcome: str  # "added", "updated" or "unchanged"
    warnings: list[str] = field(default_factory=list)
    created_topics: list[str] = field(default_factory=list)
    new_conflicts: list[Conflict] = field(default_factory=list)


# -- recording -----------------------------------------------------------------------


class SessionLookups:
    """:class:`ClaimLookups` answered by queries, for recording one claim at a time."""

    def __init__(self, session: Session, suggester: TopicSuggester | None = None) -> None:
        self.session = session
        self.suggester = suggester

    def source(self, ref: str) -> SourceRef:
        source = get_source(self.session, ref)
        stored = self.session.get(SourceText, source.id)
        return SourceRef(
            source.id,
            published_of(source.published, source.published_precision),
            stored.text if stored is not None else None,
        )

    def entity_id(self, name: str) -> int | None:
        entity = resolve_entity(self.session, name)
        return entity.id if entity else None

    def topic_id(self, slug: str) -> tuple[int, bool]:
        topic, created = ensure_topic(self.session, slug)
        return topic.id, created

    def suggested_topics(self, text: str, language: str | None) -> dict[int, str]:
        self.suggester = self.suggester or TopicSuggester(self.session)
        found = self.suggester.suggest(text, language)
        return {get_topic(self.session, slug).id: keyword for slug, keyword in found.items()}


def topic_link_models(links: TopicLinks) -> list[ClaimTopic]:
    return [ClaimTopic(**topic_link_row(topic_id, link)) for topic_id, link in links.items()]


def record_search_forms(session: Session, claims: Iterable[Mapping[str, Any]]) -> None:
    """Put the inflected forms of the claims' searched words, with their lemmas, on record
    (:class:`~factbase.store.models.SearchForm`), those already there aside.

    ``claims`` are column values as :func:`claim_values` gives them. The pairs this
    session has written are remembered in its ``info``, so an import of a million claims
    sends each pair once.
    """
    pairs: set[tuple[str, str]] = set()
    for values in claims:
        pairs |= search_form_pairs(values)
    record_form_pairs(session, pairs)


def search_form_pairs(values: Mapping[str, Any]) -> set[tuple[str, str]]:
    """The (form, lemma) pairs of one claim's searched words (:func:`search_forms`), from
    its column values; pure, so an import may work them out in another process."""
    searched = " ".join(filter(None, (values[name] for name in SEARCHED_VALUES)))
    return search_forms(searched, values["language"])


def record_form_pairs(session: Session, pairs: set[tuple[str, str]]) -> None:
    """Put (form, lemma) ``pairs`` on record, those this session has written aside."""
    written: set[tuple[str, str]] = session.info.setdefault("search_forms", set())
    new = pairs - written
    if not new:
        return
    rows = [{"form": form, "lemma": lemma} for form, lemma in sorted(new)]
    insert_rows(session, insert_new(session, SearchForm), rows)
    written |= new


def save_claim(
    session: Session,
    data: ClaimInput,
    *,
    existing: Claim | None = None,
    suggester: TopicSuggester | None = None,
    strict: bool = False,
) -> ClaimResult:
    """Add a claim, or make ``existing`` match ``data``. Never commits. ``strict``
    refuses a quote its source's text does not hold."""
    warnings: list[str] = []
    lookups = SessionLookups(session, suggester)
    fields = claim_values(data, lookups, warnings)
    record_search_forms(session, (fields,))
    if strict:
        refuse_unanchored(fields)
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
        claim.claim_topics = topic_link_models(links)
        session.add(claim)
    else:
        changed = [name for name, value in fields.items() if getattr(claim, name) != value]
        for name in changed:
            setattr(claim, name, fields[name])
        current = {
            link.topic_id: topic_link(link.suggested, link.keyword) for link in claim.claim_topics
        }
        if current != links:
            claim.claim_topics = topic_link_models(links)
            changed.append("topics")
        if changed:
            result.outcome = "updated"
    session.flush()
    return result


# -- the stored claim as input -------------------------------------------------------
