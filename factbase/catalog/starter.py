"""The starter vocabulary: news topics with keywords in en, ru, bg and uk, aligned with
IPTC Media Topics, declared once in ``data/starter-topics-v1.yaml``.

Migration 0015 gives it to every database (a new one runs that migration too), reading
the file itself so that what it adds never changes; `factbase seed` puts back any of its
topics a database lacks, through :func:`add_missing_starter_topics`, before loading the
dataset, whose claims are filed under these topics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.catalog.topics import TopicInput, upsert_topic
from factbase.store.models import Topic

# The newest vocabulary file; an older one stays as it was, for the migration that read it.
STARTER_VERSION = "v1"


def starter_path(version: str = STARTER_VERSION) -> Path:
    return Path(__file__).resolve().parent / "data" / f"starter-topics-{version}.yaml"


def starter_records(version: str = STARTER_VERSION) -> list[dict[str, Any]]:
    """The vocabulary's topics as the file has them, parents before their children."""
    # Deferred: PyYAML is only needed when the vocabulary is read.
    import yaml

    document = yaml.safe_load(starter_path(version).read_text(encoding="utf-8"))
    return list(document["topics"])


def starter_topics(version: str = STARTER_VERSION) -> list[TopicInput]:
    """The vocabulary's topics as `topics add` takes them, each keyword once."""
    return [
        TopicInput(
            slug=entry["slug"],
            label=entry["label"],
            parent=entry.get("parent"),
            keywords=list(dict.fromkeys(w for words in entry["keywords"].values() for w in words)),
            iptc_code=entry.get("iptc_code"),
            iptc_label=entry.get("iptc_label"),
            iptc_broader=entry.get("iptc_broader"),
        )
        for entry in starter_records(version)
    ]


def add_missing_starter_topics(session: Session) -> list[str]:
    """Add the starter topics the database has no topic of that slug for; the slugs added.
    A topic the database has is left as it is: its label, parent and keywords are a
    person's choice."""
    have = set(session.scalars(select(Topic.slug)))
    added = []
    for topic in starter_topics():
        if topic.slug in have:
            continue
        if topic.parent is not None and topic.parent not in have:
            topic.parent = None
        upsert_topic(session, topic)
        have.add(topic.slug)
        added.append(topic.slug)
    return added
