"""Topics: a small tree of subject areas with multilingual keywords."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from factbase.catalog.names import validate_slug
from factbase.catalog.topic_tree import topic_subtree
from factbase.errors import InvalidInput, NotFound
from factbase.store.models import ClaimTopic, Topic, TopicKeyword
from factbase.text.language import KeywordIndex, normalise_text, within

# An IPTC Media Topic's QCode: "medtop:" and eight digits (medtop:20000639 is diplomacy).
_IPTC_CODE = re.compile(r"medtop:[0-9]{8}")


@dataclass
class TopicInput:
    slug: str
    label: str | None = None
    parent: str | None = None
    keywords: Sequence[str] = field(default_factory=tuple)
    iptc_code: str | None = None
    iptc_label: str | None = None
    iptc_broader: str | None = None


@dataclass(frozen=True)
class TopicSummary:
    topic: Topic
    depth: int
    claims: int  # linked to it, suggested or given
    suggested: int  # of those, only suggested so far


def validate_iptc_code(code: str, what: str = "IPTC code") -> str:
    """``code`` as stored: an IPTC Media Topic QCode such as medtop:20000639."""
    cleaned = code.strip().lower()
    if not _IPTC_CODE.fullmatch(cleaned):
        raise InvalidInput(
            f"{what} {code.strip()!r} is not an IPTC Media Topic code (medtop: and eight "
            "digits, e.g. medtop:20000639)"
        )
    return cleaned


def iptc_fields(data: TopicInput) -> dict[str, str | None]:
    """The IPTC fields ``data`` gives, checked ("" clears one; None leaves it)."""
    found: dict[str, str | None] = {}
    for name, what in (("iptc_code", "IPTC code"), ("iptc_broader", "IPTC broader code")):
        given = getattr(data, name)
        if given is not None:
            found[name] = validate_iptc_code(given, what) if given.strip() else None
    if data.iptc_label is not None:
        label = normalise_text(data.iptc_label)
        found["iptc_label"] = within(label, 200, "IPTC label") if label else None
    return found


def find_topic(session: Session, slug: str) -> Topic | None:
    return session.scalar(select(Topic).where(Topic.slug == validate_slug(slug)))


def get_topic(session: Session, slug: str) -> Topic:
    topic = find_topic(session, slug)
    if topic is None:
        raise NotFound(f"no topic {slug!r}{_did_you_mean(session, slug)} (see `factbase topics`)")
    return topic


def require_topics(session: Session, slugs: Iterable[str]) -> None:
    """Refuse any of ``slugs`` no topic has, naming the nearest and how to create it:
    a topic is created on purpose, not by a typo in a claim."""
    for slug in slugs:
        if normalise_text(slug) and find_topic(session, slug) is None:
            known = validate_slug(slug)
            near = _nearest(session, known)
            hint = f" (did you mean {near!r}?)" if near else ""
            raise NotFound(f"no topic {known!r}{hint}; `factbase topics add {known}` creates it")


def _did_you_mean(session: Session, slug: str) -> str:
    near = _nearest(session, slug)
    return f"; did you mean {near!r}?" if near else ""


def _nearest(session: Session, slug: str) -> str | None:
    """The topic slug closest to a mistyped one, if one is close."""
    slugs = list(session.scalars(select(Topic.slug)))
    near = difflib.get_close_matches(normalise_text(slug).lower(), slugs, n=1, cutoff=0.6)
    return near[0] if near else None


def ensure_topic(session: Session, slug: str) -> tuple[Topic, bool]:
    """The topic with this slug, created with the slug as its label when unknown."""
    existing = find_topic(session, slug)
    if existing is not None:
        return existing, False
    topic = Topic(slug=validate_slug(slug), label=validate_slug(slug))
    session.add(topic)
    session.flush()
    return topic, True


def clean_keywords(keywords: Iterable[str]) -> list[str]:
    cleaned = {within(normalise_text(k), 200, "topic keyword") for k in keywords}
    return sorted(k for k in cleaned if k)


def parent_topic_id(session: Session, topic: Topic | None, parent: str | None) -> int | None:
    if not parent:
        return None
    parent_topic = get_topic(session, parent)
    ancestor: Topic | None = parent_topic
    while ancestor is not None:
        if topic is not None and ancestor.id == topic.id:
            raise InvalidInput(
                f"topic {topic.slug!r} cannot be under its own descendant {parent!r}"
            )
        ancestor = ancestor.parent
    return parent_topic.id


def upsert_topic(session: Session, data: TopicInput) -> tuple[Topic, str]:
    """Create or update a topic; returns it and 'added', 'updated' or 'unchanged'."""
    slug = validate_slug(data.slug)
    topic = find_topic(session, slug)
    label = normalise_text(data.label) if data.label else None
    keywords = clean_keywords(data.keywords)
    iptc = iptc_fields(data)
    if topic is None:
        topic = Topic(
            slug=slug,
            label=label or slug,
            parent_id=parent_topic_id(session, None, data.parent),
            **iptc,
        )
        topic.keywords = [TopicKeyword(keyword=k) for k in keywords]
        session.add(topic)
        session.flush()
        return topic, "added"
    changed = False
    for name, value in iptc.items():
        if getattr(topic, name) != value:
            setattr(topic, name, value)
            changed = True
    parent_id = parent_topic_id(session, topic, data.parent)
    if data.parent is not None and topic.parent_id != parent_id:
        topic.parent_id = parent_id
        changed = True
    if label and topic.label != label:
        topic.label = label
        changed = True
    if keywords and sorted(k.keyword for k in topic.keywords) != keywords:
        topic.keywords = [TopicKeyword(keyword=k) for k in keywords]
        changed = True
    session.flush()
    return topic, "updated" if changed else "unchanged"


def descendant_ids(session: Session, topic: Topic) -> set[int]:
    """The topic and every topic under it (`--topic energy` includes oil)."""
    return topic_subtree(topic.id, session.execute(select(Topic.id, Topic.parent_id)))


# The columns of a topic in `factbase topics`, in order.
TOPIC_COLUMNS: tuple[str, ...] = (
    "slug",
    "label",
    "parent",
    "iptc_code",
    "iptc_label",
    "iptc_broader",
    "keywords",
    "claims",
    "suggested",
)


def topic_records(session: Session) -> list[dict[str, Any]]:
    """Every topic in tree order as :data:`TOPIC_COLUMNS` name its fields, and its
    ``depth`` in the tree (0 for a top topic), for showing the tree."""
    return [
        {
            "slug": summary.topic.slug,
            "label": summary.topic.label,
            "parent": summary.topic.parent.slug if summary.topic.parent else None,
            "iptc_code": summary.topic.iptc_code,
            "iptc_label": summary.topic.iptc_label,
            "iptc_broader": summary.topic.iptc_broader,
            "keywords": [k.keyword for k in summary.topic.keywords],
            "claims": summary.claims,
            "suggested": summary.suggested,
            "depth": summary.depth,
        }
        for summary in list_topics(session)
    ]


def list_topics(session: Session) -> list[TopicSummary]:
    """Every topic in tree order (parents before their children), with claim counts."""
    suggested = func.sum(case((ClaimTopic.suggested, 1), else_=0))
    query = select(ClaimTopic.topic_id, func.count(), suggested).group_by(ClaimTopic.topic_id)
    counts: dict[int, tuple[int, int]] = {
        row[0]: (int(row[1]), int(row[2] or 0)) for row in session.execute(query)
    }
    topics = list(session.scalars(select(Topic).order_by(Topic.slug)))
    by_parent: dict[int | None, list[Topic]] = {}
    for topic in topics:
        by_parent.setdefault(topic.parent_id, []).append(topic)
    ordered: list[TopicSummary] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for topic in by_parent.get(parent_id, []):
            ordered.append(TopicSummary(topic, depth, *counts.get(topic.id, (0, 0))))
            walk(topic.id, depth + 1)

    walk(None, 0)
    return ordered


class TopicSuggester:
    """Suggests topics from keyword matches; load once per command or import."""

    def __init__(self, session: Session) -> None:
        self.keywords: dict[str, list[str]] = {}
        rows = session.execute(
            select(Topic.slug, TopicKeyword.keyword)
            .join(Topic.keywords)
            .order_by(Topic.slug, TopicKeyword.keyword)
        )
        for slug, keyword in rows:
            self.keywords.setdefault(slug, []).append(keyword)
        self.index = KeywordIndex(self.keywords)

    def suggest(self, text: str, language: str | None) -> dict[str, str]:
        """Topic slug -> the keyword of it that ``text`` holds, by slug."""
        if not self.index or not text.strip():
            return {}
        return self.index.matches(text, language)
