"""The claims of an import, written in batches with Core rather than one ORM object each.

A million claims cannot go through the ORM one by one (about 10 ms each). Here the
lookups a claim needs (its source, its entities, its topics) come from caches loaded
once per run, every record is checked by the same :func:`factbase.claims.recording.claim_values`
that `factbase add` uses, and new and changed claims are written a few thousand at a
time with executemany. The caller's transaction still holds everything, so an import
stays all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from factbase.catalog.source_fields import made_up_source_id
from factbase.catalog.sources import source_not_found
from factbase.catalog.topics import TopicSuggester, validate_slug
from factbase.claims.fields import SQL_COLUMN_OF, made_up_claim_id
from factbase.claims.recording import HISTORY_COLUMNS, SourceRef
from factbase.errors import as_id
from factbase.store.models import Claim, ClaimTopic, EntityAlias, Source, Topic, utcnow
from factbase.text.language import fold

BATCH_SIZE = 2000

# The tables, for Core statements that skip the ORM's unit of work.
_CLAIM = cast(Table, Claim.__table__)
_CLAIM_TOPIC = cast(Table, ClaimTopic.__table__)
_TOPIC = cast(Table, Topic.__table__)
# claim_values() names values by model attribute; the table names one column differently.
_COLUMN_OF = SQL_COLUMN_OF
FIELDS = (
    "key",
    "source_id",
    "statement",
    "quote",
    "language",
    "speaker",
    "speaker_key",
    "speaker_id",
    "subject",
    "subject_key",
    "subject_id",
    "property_name",
    "property_key",
    "value_text",
    "value_num",
    "value_unit",
    "value_low",
    "value_high",
    "value_qualifier",
    "event_date",
    "event_date_end",
    "event_precision",
    "as_of",
    "as_of_end",
    "as_of_precision",
    "polarity",
    "status",
    "note",
    "search_text",
)
_COLUMNS = [_CLAIM.c[_COLUMN_OF.get(name, name)] for name in FIELDS]
_HISTORY = [_CLAIM.c[name] for name in HISTORY_COLUMNS]


class ImportLookups:
    """:class:`factbase.claims.recording.ClaimLookups` answered from caches loaded once per import.

    Load it after the run's entities, topics and sources are applied: claims may
    name those of the same run.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.sources_by_id: dict[int, SourceRef] = {}
        self.sources_by_ref: dict[str, SourceRef] = {}
        self.unnamed_sources: set[int] = set()  # neither key nor URL
        query = select(Source.id, Source.key, Source.url, Source.published).order_by(Source.id)
        for source_id, key, url, published in session.execute(query):
            ref = SourceRef(source_id, published.year if published else None)
            self.sources_by_id[source_id] = ref
            if key is None and url is None:
                self.unnamed_sources.add(source_id)
            # Like find_source, a key or URL names the lowest-numbered source having it.
            for name in (key, url):
                if name is not None:
                    self.sources_by_ref.setdefault(name, ref)
        aliases = select(EntityAlias.alias_key, EntityAlias.entity_id)
        self.entities: dict[str, int] = dict(session.execute(aliases).all())
        self.topics: dict[str, int] = dict(session.execute(select(Topic.slug, Topic.id)).all())
        self.suggester = TopicSuggester(session)

    def source(self, ref: str) -> SourceRef:
        text = str(ref).strip()
        source_id = as_id(text)
        found = (
            self.sources_by_id.get(source_id)
            if source_id is not None
            else self.sources_by_ref.get(text)
        )
        made_up = made_up_source_id(text) if found is None and source_id is None else None
        if made_up in self.unnamed_sources:
            found = self.sources_by_id[made_up]  # as find_source reads a made-up key
        if found is None:
            raise source_not_found(ref)
        return found

    def entity_id(self, name: str) -> int | None:
        key = fold(name)
        return self.entities.get(key) if key else None

    def topic_id(self, slug: str) -> tuple[int, bool]:
        slug = validate_slug(slug)
        known = self.topics.get(slug)
        if known is not None:
            return known, False
        # A topic named only by claims gets its slug as its label, as ensure_topic does.
        created = self.session.execute(
            insert(_TOPIC).values(slug=slug, label=slug, created_at=utcnow()).returning(_TOPIC.c.id)
        ).scalar_one()
        self.topics[slug] = created
        return created, True

    def suggested_topic_ids(self, text: str, language: str | None) -> list[int]:
        return [self.topics[slug] for slug in self.suggester.suggest(text, language)]


@dataclass
class PendingClaim:
    """One checked claim record waiting to be written."""

    values: dict[str, Any]  # claim_values() output
    topics: dict[int, bool]  # topic id -> suggested
    history: dict[str, Any] = field(default_factory=dict)  # history_values() output

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes a record the same claim: its key, else its source and statement."""
        key = self.values["key"]
        if key is not None:
            return ("key", key)
        return ("text", self.values["source_id"], self.values["statement"])


@dataclass
class _Stored:
    id: int
    values: tuple[Any, ...]  # in FIELDS order
    topics: dict[int, bool]
    history: dict[str, Any]  # HISTORY_COLUMNS as stored
    # Found by the key a document made up for it (claim_ref): the claim stays keyless.
    made_up_key: bool = False

    def history_differs(self, given: dict[str, Any]) -> bool:
        """Whether ``given`` history columns differ from these, timestamps to the second
        (what documents keep)."""
        return any(_to_second(self.history[name]) != _to_second(v) for name, v in given.items())

    def history_after(self, claim: PendingClaim, now: datetime) -> dict[str, Any]:
        """The history columns once ``claim`` is written over this: changed now, then as
        the record gives them, a time the same to the second kept as stored."""
        after = {**self.history, "updated_at": now}
        for name, value in claim.history.items():
            same = _to_second(self.history[name]) == _to_second(value)
            after[name] = self.history[name] if same else value
        return after


class ClaimWriter:
    """Collects checked claims and writes them in batches: inserts new, updates changed.

    ``outcomes`` counts "added", "updated" and "unchanged"; ``changed_ids`` lists the
    claims added or updated, for the conflict scan.
    """

    def __init__(self, session: Session, batch_size: int | None = None) -> None:
        self.session = session
        self.batch_size = batch_size or BATCH_SIZE
        self.batch: dict[tuple[Any, ...], PendingClaim] = {}
        self.outcomes: dict[str, int] = {"added": 0, "updated": 0, "unchanged": 0}
        self.changed_ids: list[int] = []

    def add(self, claim: PendingClaim) -> None:
        identity = claim.identity
        if identity in self.batch:
            # The same claim twice in one run: the second record updates the first.
            self.flush()
        self.batch[identity] = claim
        if len(self.batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        stored = self._stored(self.batch)
        new: list[PendingClaim] = []
        changed: list[tuple[int, PendingClaim, bool]] = []  # id, claim, topics changed
        for identity, claim in self.batch.items():
            old = stored.get(identity)
            if old is None:
                new.append(claim)
                continue
            if old.made_up_key:
                claim.values["key"] = None
            values_changed = old.values != tuple(claim.values[name] for name in FIELDS)
            topics_changed = old.topics != claim.topics
            if values_changed or topics_changed or old.history_differs(claim.history):
                changed.append((old.id, claim, topics_changed))
            else:
                self.outcomes["unchanged"] += 1
        self.batch = {}
        self._insert(new)
        self._update(changed, stored)

    def _insert(self, claims: list[PendingClaim]) -> None:
        if not claims:
            return
        now = utcnow()
        fresh = {**dict.fromkeys(HISTORY_COLUMNS), "created_at": now, "updated_at": now}
        rows = [_row(claim.values, **{**fresh, **claim.history}) for claim in claims]
        # The new ids are matched to the claims by identity (unique within a batch) rather
        # than by asking for them in parameter order, which on SQLite made each batch an
        # INSERT ... SELECT ... ORDER BY three times slower.
        returned = _CLAIM.c.id, _CLAIM.c.key, _CLAIM.c.source_id, _CLAIM.c.statement
        created: dict[tuple[Any, ...], int] = {}
        for claim_id, key, source_id, statement in self.session.execute(
            insert(_CLAIM).returning(*returned), rows
        ):
            created[("key", key) if key is not None else ("text", source_id, statement)] = claim_id
        ids = [created[claim.identity] for claim in claims]
        self._link_topics(zip(ids, claims, strict=True))
        self.outcomes["added"] += len(ids)
        self.changed_ids.extend(ids)

    def _update(
        self, changed: list[tuple[int, PendingClaim, bool]], stored: dict[tuple[Any, ...], _Stored]
    ) -> None:
        if not changed:
            return
        now = utcnow()
        # The SET clause comes from the keys of the rows, so every row sets the history
        # columns: as stored, changed now, then as the record gives them.
        statement = update(_CLAIM).where(_CLAIM.c.id == bindparam("claim_id"))
        by_id = {old.id: old for old in stored.values()}
        rows = [
            _row(claim.values, claim_id=claim_id, **by_id[claim_id].history_after(claim, now))
            for claim_id, claim, _ in changed
        ]
        self.session.execute(statement, rows)
        retopic = [
            (claim_id, claim) for claim_id, claim, topics_changed in changed if topics_changed
        ]
        for start in range(0, len(retopic), 500):
            ids = [claim_id for claim_id, _ in retopic[start : start + 500]]
            self.session.execute(delete(_CLAIM_TOPIC).where(_CLAIM_TOPIC.c.claim_id.in_(ids)))
        self._link_topics(retopic)
        self.outcomes["updated"] += len(changed)
        self.changed_ids.extend(claim_id for claim_id, _, _ in changed)

    def _link_topics(self, claims: Iterable[tuple[int, PendingClaim]]) -> None:
        rows = [
            {"claim_id": claim_id, "topic_id": topic_id, "suggested": suggested}
            for claim_id, claim in claims
            for topic_id, suggested in claim.topics.items()
        ]
        if rows:
            self.session.execute(insert(_CLAIM_TOPIC), rows)

    def _stored(self, batch: dict[tuple[Any, ...], PendingClaim]) -> dict[tuple[Any, ...], _Stored]:
        """The claims already in the database that records of ``batch`` name."""
        keys = [identity[1] for identity in batch if identity[0] == "key"]
        texts = [identity[1:] for identity in batch if identity[0] == "text"]
        found: dict[tuple[Any, ...], _Stored] = {}
        query = select(_CLAIM.c.id, *_COLUMNS, *_HISTORY).order_by(_CLAIM.c.id)
        width = 1 + len(_COLUMNS)

        def stored(row: Any) -> _Stored:
            history = dict(zip(HISTORY_COLUMNS, row[width:], strict=True))
            return _Stored(row[0], tuple(row[1:width]), {}, history)

        if keys:
            for row in self.session.execute(query.where(_CLAIM.c.key.in_(keys))):
                found[("key", row[1])] = stored(row)
            made_up = {
                claim_id: key
                for key in keys
                if ("key", key) not in found and (claim_id := made_up_claim_id(key)) is not None
            }
            if made_up:
                keyless = query.where(_CLAIM.c.id.in_(list(made_up)), _CLAIM.c.key.is_(None))
                for row in self.session.execute(keyless):
                    found[("key", made_up[row[0]])] = replace(stored(row), made_up_key=True)
        if texts:
            # Without a key, the same statement from the same source is the same claim
            # (the first such claim, should there be several).
            wanted = set(texts)
            narrowed = query.where(
                _CLAIM.c.key.is_(None),
                _CLAIM.c.source_id.in_(sorted({source_id for source_id, _ in texts})),
                _CLAIM.c.statement.in_(sorted({statement for _, statement in texts})),
            )
            for row in self.session.execute(narrowed):
                pair = (row[2], row[3])
                if pair in wanted:
                    found.setdefault(("text", *pair), stored(row))
        by_id = {stored.id: stored for stored in found.values()}
        if by_id:
            links = select(
                _CLAIM_TOPIC.c.claim_id, _CLAIM_TOPIC.c.topic_id, _CLAIM_TOPIC.c.suggested
            )
            for claim_id, topic_id, suggested in self.session.execute(
                links.where(_CLAIM_TOPIC.c.claim_id.in_(list(by_id)))
            ):
                by_id[claim_id].topics[topic_id] = bool(suggested)
        return found


def _to_second(value: Any) -> Any:
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


def _row(values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    row = {_COLUMN_OF.get(name, name): values[name] for name in FIELDS}
    row.update(extra)
    return row
