"""Changing the topic vocabulary by hand: add, edit, keywords and merge, each audited.

A topic's slug is what claims, filters and documents name it by, so it is never renamed
here; two topics that should be one are merged, and the merged topic's claims, keywords
and narrower topics move to the one kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from factbase.catalog.audit import changes, record
from factbase.catalog.topics import (
    TopicInput,
    clean_keywords,
    descendant_ids,
    find_topic,
    get_topic,
    iptc_fields,
    parent_topic_id,
    upsert_topic,
)
from factbase.errors import InvalidInput
from factbase.store.models import ClaimTopic, Topic, TopicKeyword
from factbase.text.language import normalise_text, within

# The fields `topics edit` changes, as the audit log names them.
_EDITED = ("label", "parent", "iptc_code", "iptc_label", "iptc_broader")


def _fields(topic: Topic) -> dict[str, Any]:
    return {
        "label": topic.label,
        "parent": topic.parent.slug if topic.parent else None,
        "iptc_code": topic.iptc_code,
        "iptc_label": topic.iptc_label,
        "iptc_broader": topic.iptc_broader,
        "keywords": sorted(k.keyword for k in topic.keywords),
    }


def add_topic(session: Session, data: TopicInput) -> tuple[Topic, str]:
    """`topics add`: create a topic, or update the one with this slug; audited."""
    existing = find_topic(session, data.slug)
    before = _fields(existing) if existing is not None else {}
    topic, outcome = upsert_topic(session, data)
    session.refresh(topic)
    after = _fields(topic)
    if outcome == "added":
        record(session, "topic added", f"topic {topic.slug}", detail={"topic": after})
    elif outcome == "updated":
        record(
            session,
            "topic updated",
            f"topic {topic.slug}",
            detail={"changes": changes(before, after)},
        )
    return topic, outcome


def edit_topic(
    session: Session,
    slug: str,
    *,
    label: str | None = None,
    parent: str | None = None,
    iptc_code: str | None = None,
    iptc_label: str | None = None,
    iptc_broader: str | None = None,
) -> dict[str, list[Any]]:
    """Change what is given of a topic ("" clears the parent or an IPTC field); the
    changes, field by field, as the audit log records them (empty: nothing changed)."""
    topic = get_topic(session, slug)
    before = _fields(topic)
    if label is not None:
        cleaned = normalise_text(label)
        if not cleaned:
            raise InvalidInput("label: a topic needs one")
        topic.label = within(cleaned, 200, "label")
    if parent is not None:
        topic.parent_id = parent_topic_id(session, topic, parent.strip() or None)
    given = TopicInput(slug, iptc_code=iptc_code, iptc_label=iptc_label, iptc_broader=iptc_broader)
    for name, value in iptc_fields(given).items():
        setattr(topic, name, value)
    session.flush()
    session.refresh(topic)
    changed = changes(before, _fields(topic))
    if changed:
        record(session, "topic edited", f"topic {topic.slug}", detail={"changes": changed})
    return changed


@dataclass
class KeywordChange:
    slug: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)  # all of them, afterwards


def change_keywords(
    session: Session, slug: str, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> KeywordChange:
    """Add and remove keywords of a topic; audited when anything changed. Removing a
    keyword the topic does not have is refused, naming the ones it has."""
    topic = get_topic(session, slug)
    have = {k.keyword: k for k in topic.keywords}
    result = KeywordChange(topic.slug)
    for keyword in clean_keywords(remove):
        if keyword not in have:
            known = ", ".join(sorted(have)) or "none"
            raise InvalidInput(f"topic {topic.slug!r} has no keyword {keyword!r} (it has: {known})")
        topic.keywords.remove(have.pop(keyword))
        result.removed.append(keyword)
    for keyword in clean_keywords(add):
        if keyword not in have:
            have[keyword] = TopicKeyword(keyword=keyword)
            topic.keywords.append(have[keyword])
            result.added.append(keyword)
    session.flush()
    result.keywords = sorted(have)
    if result.added or result.removed:
        detail = {"added": result.added, "removed": result.removed}
        record(session, "topic keywords", f"topic {topic.slug}", detail=detail)
    return result


@dataclass
class TopicMerge:
    merged: str
    into: str
    claims: int = 0  # claims moved to the kept topic
    already: int = 0  # claims that had both topics
    keywords: list[str] = field(default_factory=list)  # keywords the kept topic gained
    children: list[str] = field(default_factory=list)  # narrower topics moved under it

    def summary(self) -> str:
        line = f"merged topic {self.merged} into {self.into}: {self.claims} claims moved"
        if self.already:
            line += f", {self.already} had both"
        if self.keywords:
            line += f"; keywords added: {', '.join(self.keywords)}"
        if self.children:
            line += f"; narrower topics moved: {', '.join(self.children)}"
        return line


def merge_topics(session: Session, merged_slug: str, into_slug: str) -> TopicMerge:
    """Merge one topic into another: its claims, keywords and narrower topics move to the
    kept topic, and it is deleted. A claim that had both keeps one link, given (not
    suggested) if either was. Audited, with everything moved, so the log tells how to undo it."""
    merged, into = get_topic(session, merged_slug), get_topic(session, into_slug)
    if merged.id == into.id:
        raise InvalidInput(f"cannot merge topic {merged.slug!r} into itself")
    if into.id in descendant_ids(session, merged):
        raise InvalidInput(
            f"topic {into.slug!r} is under {merged.slug!r}: merge the narrower topic into "
            "the broader one instead"
        )
    result = TopicMerge(merged.slug, into.slug)
    merged_fields = _fields(merged)
    kept = {
        link.claim_id: link
        for link in session.scalars(select(ClaimTopic).where(ClaimTopic.topic_id == into.id))
    }
    moved: list[int] = []
    for link in list(session.scalars(select(ClaimTopic).where(ClaimTopic.topic_id == merged.id))):
        other = kept.get(link.claim_id)
        if other is None:
            moved.append(link.claim_id)
            continue
        result.already += 1
        if other.suggested and not link.suggested:
            other.suggested = False
    session.flush()
    if moved:
        session.execute(
            update(ClaimTopic)
            .where(ClaimTopic.topic_id == merged.id, ClaimTopic.claim_id.in_(moved))
            .values(topic_id=into.id)
        )
    session.execute(delete(ClaimTopic).where(ClaimTopic.topic_id == merged.id))
    result.claims = len(moved)
    have = {k.keyword for k in into.keywords}
    for keyword in sorted(k.keyword for k in merged.keywords):
        if keyword not in have:
            into.keywords.append(TopicKeyword(keyword=keyword))
            result.keywords.append(keyword)
    children = list(session.scalars(select(Topic).where(Topic.parent_id == merged.id)))
    for child in sorted(children, key=lambda topic: topic.slug):
        child.parent_id = into.id
        result.children.append(child.slug)
    session.flush()
    session.delete(merged)
    session.flush()
    session.expire_all()
    record(
        session,
        "topics merged",
        f"topic {into.slug}",
        detail={
            "merged": {"slug": result.merged, **merged_fields},
            "claims moved": sorted(moved),
            "claims with both": result.already,
            "keywords added": result.keywords,
            "narrower topics moved": result.children,
        },
    )
    return result
