"""Suggested topics and a person's word on them: accept, drop, and suggest again.

A topic factbase suggested from a keyword stays marked as suggested, with the keyword,
until a person accepts it (it becomes a topic given) or drops it. `topics suggest
--rescan` suggests topics for claims that have none (an import without topics, claims
recorded before the vocabulary had keywords), never for claims a person gave topics,
and never a topic a person dropped from that claim. Every decision is audited.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from factbase.catalog.audit import record, record_many
from factbase.catalog.topics import TopicSuggester, get_topic
from factbase.claims.query import get_claim
from factbase.errors import InvalidInput
from factbase.store.models import AuditEntry, Claim, ClaimTopic, Topic

DROPPED = "topic dropped"


def _link(session: Session, claim: Claim, slug: str) -> ClaimTopic:
    topic = get_topic(session, slug)
    link = session.get(ClaimTopic, (claim.id, topic.id))
    if link is None:
        raise InvalidInput(f"claim {claim.id} has no topic {topic.slug!r}, suggested or given")
    return link


def accept_topic(session: Session, claim_ref: str, slug: str) -> bool:
    """Make a suggested topic of a claim a topic given; False when it was given already."""
    claim = get_claim(session, claim_ref)
    link = _link(session, claim, slug)
    if not link.suggested:
        return False
    link.suggested = False
    record(
        session,
        "topic accepted",
        f"claim {claim.id}",
        claim_id=claim.id,
        detail={"topic": link.topic.slug, "keyword": link.keyword},
    )
    session.flush()
    return True


def drop_topic(session: Session, claim_ref: str, slug: str) -> bool:
    """Take a topic off a claim (suggested or given); True when it was a suggestion.
    `topics suggest --rescan` never suggests it for this claim again."""
    claim = get_claim(session, claim_ref)
    link = _link(session, claim, slug)
    suggested = bool(link.suggested)
    detail = {"topic": link.topic.slug, "suggested": suggested, "keyword": link.keyword}
    session.delete(link)
    session.flush()
    record(session, DROPPED, f"claim {claim.id}", claim_id=claim.id, detail=detail)
    return suggested


@dataclass(frozen=True)
class Suggestion:
    claim_id: int
    key: str | None
    topics: dict[str, str]  # slug -> the keyword that suggested it


def _dropped(session: Session) -> set[tuple[int, str]]:
    """(claim id, topic slug) of every topic a person dropped from a claim."""
    found: set[tuple[int, str]] = set()
    query = select(AuditEntry.claim_id, AuditEntry.detail).where(AuditEntry.action == DROPPED)
    for claim_id, detail in session.execute(query):
        slug = json.loads(detail or "{}").get("topic")
        if claim_id is not None and slug:
            found.add((int(claim_id), str(slug)))
    return found


def _untopicked(session: Session) -> Iterator[tuple[int, str | None, str, str | None, str | None]]:
    """Claims in the record (not retracted) without any topic, by id."""
    query = (
        select(Claim.id, Claim.key, Claim.statement, Claim.quote, Claim.language)
        .where(
            Claim.retracted_at.is_(None),
            ~exists().where(ClaimTopic.claim_id == Claim.id),
        )
        .order_by(Claim.id)
    )
    for row in session.execute(query):
        yield row[0], row[1], row[2], row[3], row[4]


def suggest_topics(session: Session, *, write: bool) -> list[Suggestion]:
    """Topics the keywords suggest for each claim without topics, as `add` suggests them;
    with ``write``, recorded as suggested topics (audited, one entry a claim)."""
    suggester = TopicSuggester(session)
    ids = dict(session.execute(select(Topic.slug, Topic.id)).all())
    dropped = _dropped(session)
    found: list[Suggestion] = []
    for claim_id, key, statement, quote, language in _untopicked(session):
        text = " ".join(filter(None, (statement, quote)))
        matches = {
            slug: keyword
            for slug, keyword in suggester.suggest(text, language).items()
            if (claim_id, slug) not in dropped
        }
        if matches:
            found.append(Suggestion(claim_id, key, matches))
    if write and found:
        session.add_all(
            ClaimTopic(claim_id=item.claim_id, topic_id=ids[slug], suggested=True, keyword=keyword)
            for item in found
            for slug, keyword in item.topics.items()
        )
        session.flush()
        record_many(
            session,
            [
                {
                    "action": "topics suggested",
                    "target": f"claim {item.claim_id}",
                    "claim_id": item.claim_id,
                    "detail": {"topics": item.topics},
                }
                for item in found
            ],
        )
    return found
