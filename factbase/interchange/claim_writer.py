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

from factbase.catalog.names import validate_slug
from factbase.catalog.source_fields import made_up_source_id
from factbase.catalog.sources import source_not_found
from factbase.catalog.topics import TopicSuggester
from factbase.claims.fields import SQL_COLUMN_OF, made_up_claim_id
from factbase.claims.recording import (
    record_form_pairs,
    record_search_forms,
    search_form_pairs,
)
from factbase.claims.values import (
    HISTORY_COLUMNS,
    SourceRef,
    TopicLinks,
    published_of,
    topic_link,
    topic_link_row,
)
from factbase.errors import as_id
from factbase.store.bulk_insert import bound_rows, insert_rows
from factbase.store.models import (
    Claim,
    ClaimTopic,
    EntityAlias,
    Source,
    SourceText,
    Topic,
    utcnow,
)
from factbase.text.language import fold

BATCH_SIZE = 2000  # claim records decided and written together

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
    "polarity_suggested",
    "forecast",
    "occasion",
    "status",
    "note",
    "quote_start",
    "quote_end",
    "quote_match",
    "search_text",
    "search_lemmas",
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
        query = (
            select(
                Source.id,
                Source.key,
                Source.url,
                Source.published,
                Source.published_precision,
                SourceText.text,
            )
            .outerjoin(SourceText, SourceText.source_id == Source.id)
            .order_by(Source.id)
        )
        for source_id, key, url, published, precision, text in session.execute(query):
            ref = SourceRef(source_id, published_of(published, precision), text)
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

    def __getstate__(self) -> dict[str, Any]:
        # Given to the processes that read claim records (claim_pool): everything but the
        # session, which only creating a topic needs, and which only this process does.
        return {**self.__dict__, "session": None}

    def text_size(self) -> int:
        """Characters of the sources' texts held, which each reading process gets a copy of."""
        return sum(len(ref.text) for ref in self.sources_by_id.values() if ref.text)

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

    def suggested_topics(self, text: str, language: str | None) -> dict[int, str]:
        found = self.suggester.suggest(text, language)
        return {self.topics[slug]: keyword for slug, keyword in found.items()}


@dataclass
class PendingClaim:
    """One checked claim record waiting to be written."""

    values: dict[str, Any]  # claim_values() output
    topics: TopicLinks
    history: dict[str, Any] = field(default_factory=dict)  # history_values() output
    # The (form, lemma) pairs of its searched words, when worked out already (claim_pool).
    forms: set[tuple[str, str]] | None = None

    @property
    def identity(self) -> tuple[Any, ...]:
        """What makes a record the same claim: its key, else its source and statement."""
        key = self.values["key"]
        if key is not None:
            return ("key", key)
        return ("text", self.values["source_id"], self.values["statement"])


@dataclass
class Stored:
    """A claim already in the database, as an import record found it."""

    id: int
    values: dict[str, Any]  # by FIELDS name
    topics: TopicLinks
    history: dict[str, Any] = field(default_factory=dict)  # HISTORY_COLUMNS as stored
    # Found by the key a document made up for it (claim_ref): the claim stays keyless.
    made_up_key: bool = False

    def unchanged_by(self, claim: PendingClaim) -> bool:
        return (
            self.topics == claim.topics
            and all(self.values[name] == claim.values[name] for name in FIELDS)
            and not self.history_differs(claim.history)
        )

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


@dataclass
class Written:
    """What :meth:`ClaimWriter.write` did: the claims added and the claims updated."""

    added: list[tuple[int, PendingClaim]]
    updated: list[tuple[Stored, PendingClaim]]


class ClaimWriter:
    """Writes checked claims in batches: inserts new, updates changed.

    ``outcomes`` counts "added", "updated" and "unchanged"; ``changed_ids`` lists the
    claims added or updated, for the conflict scan.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.outcomes: dict[str, int] = {"added": 0, "updated": 0, "unchanged": 0}
        self.changed_ids: list[int] = []

    def write(self, claims: list[tuple[PendingClaim, Stored | None]]) -> Written:
        """Insert the claims without a stored one, update those that differ from theirs.

        The identities of ``claims`` must be unique (a record naming a claim twice in a
        batch writes the batch first).
        """
        new = [claim for claim, old in claims if old is None]
        changed: list[tuple[Stored, PendingClaim]] = []
        for claim, old in claims:
            if old is None:
                continue
            if old.made_up_key:
                claim.values["key"] = None
            if old.unchanged_by(claim):
                self.outcomes["unchanged"] += 1
            else:
                changed.append((old, claim))
        return Written(self._insert(new), self._update(changed))

    def _insert(self, claims: list[PendingClaim]) -> list[tuple[int, PendingClaim]]:
        if not claims:
            return []
        now = utcnow()
        fresh = {**dict.fromkeys(HISTORY_COLUMNS), "created_at": now, "updated_at": now}
        rows = [_row(claim.values, **{**fresh, **claim.history}) for claim in claims]
        pairs: set[tuple[str, str]] = set()
        for claim in claims:
            pairs |= claim.forms if claim.forms is not None else search_form_pairs(claim.values)
        record_form_pairs(self.session, pairs)
        ids = _sqlite_insert(self.session, rows) if SQLITE_DIRECT else None
        if ids is not None:
            added = list(zip(ids, claims, strict=True))
        else:
            added = self._insert_returning(rows, claims)
        self._link_topics(added)
        self.outcomes["added"] += len(added)
        self.changed_ids.extend(claim_id for claim_id, _ in added)
        return added

    def _insert_returning(
        self, rows: list[dict[str, Any]], claims: list[PendingClaim]
    ) -> list[tuple[int, PendingClaim]]:
        # The new ids are matched to the claims by identity (unique within a batch) rather
        # than by asking for them in parameter order, which on SQLite made each batch an
        # INSERT ... SELECT ... ORDER BY three times slower.
        returned = _CLAIM.c.id, _CLAIM.c.key, _CLAIM.c.source_id, _CLAIM.c.statement
        created: dict[tuple[Any, ...], int] = {}
        for claim_id, key, source_id, statement in self.session.execute(
            insert(_CLAIM).returning(*returned), rows
        ):
            created[("key", key) if key is not None else ("text", source_id, statement)] = claim_id
        return [(created[claim.identity], claim) for claim in claims]

    def _update(
        self, changed: list[tuple[Stored, PendingClaim]]
    ) -> list[tuple[Stored, PendingClaim]]:
        if not changed:
            return []
        now = utcnow()
        # The SET clause comes from the keys of the rows, so every row sets the history
        # columns: as stored, changed now, then as the record gives them.
        statement = update(_CLAIM).where(_CLAIM.c.id == bindparam("claim_id"))
        rows = [
            _row(claim.values, claim_id=old.id, **old.history_after(claim, now))
            for old, claim in changed
        ]
        self.session.execute(statement, rows)
        record_search_forms(self.session, (claim.values for _, claim in changed))
        retopic = [(old.id, claim) for old, claim in changed if old.topics != claim.topics]
        for start in range(0, len(retopic), 500):
            ids = [claim_id for claim_id, _ in retopic[start : start + 500]]
            self.session.execute(delete(_CLAIM_TOPIC).where(_CLAIM_TOPIC.c.claim_id.in_(ids)))
        self._link_topics(retopic)
        self.outcomes["updated"] += len(changed)
        self.changed_ids.extend(old.id for old, _ in changed)
        return changed

    def _link_topics(self, claims: Iterable[tuple[int, PendingClaim]]) -> None:
        rows = [
            {"claim_id": claim_id, **topic_link_row(topic_id, link)}
            for claim_id, claim in claims
            for topic_id, link in claim.topics.items()
        ]
        insert_rows(self.session, insert(_CLAIM_TOPIC), rows)

    def stored(self, identities: Iterable[tuple[Any, ...]]) -> dict[tuple[Any, ...], Stored]:
        """The claims already in the database that ``identities`` name (see
        :attr:`PendingClaim.identity`), with their values, topics and history."""
        identities = list(identities)
        keys = [identity[1] for identity in identities if identity[0] == "key"]
        texts = [identity[1:] for identity in identities if identity[0] == "text"]
        found: dict[tuple[Any, ...], Stored] = {}
        query = select(_CLAIM.c.id, *_COLUMNS, *_HISTORY).order_by(_CLAIM.c.id)
        if keys:
            for row in self.session.execute(query.where(_CLAIM.c.key.in_(keys))):
                found[("key", row[1])] = _stored(row)
            made_up = {
                claim_id: key
                for key in keys
                if ("key", key) not in found and (claim_id := made_up_claim_id(key)) is not None
            }
            if made_up:
                keyless = query.where(_CLAIM.c.id.in_(list(made_up)), _CLAIM.c.key.is_(None))
                for row in self.session.execute(keyless):
                    found[("key", made_up[row[0]])] = replace(_stored(row), made_up_key=True)
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
                if pair in wanted and ("text", *pair) not in found:
                    found[("text", *pair)] = _stored(row)
        by_id = {stored.id: stored for stored in found.values()}
        if by_id:
            links = select(
                _CLAIM_TOPIC.c.claim_id,
                _CLAIM_TOPIC.c.topic_id,
                _CLAIM_TOPIC.c.suggested,
                _CLAIM_TOPIC.c.keyword,
            )
            for claim_id, topic_id, suggested, keyword in self.session.execute(
                links.where(_CLAIM_TOPIC.c.claim_id.in_(list(by_id)))
            ):
                by_id[claim_id].topics[topic_id] = topic_link(bool(suggested), keyword)
        return found


# On SQLite, new claims go to the driver with the values SQLAlchemy would bind (its own
# bind processors), skipping its per-row parameter handling: about a tenth
# of an import's writing process at 100k claims. False: through Core, as on PostgreSQL
# (the tests hold both to the same database).
SQLITE_DIRECT = True


def _sqlite_insert(session: Session, rows: list[dict[str, Any]]) -> range | None:
    """Insert ``rows`` into the claim table on SQLite, their ids in order; None elsewhere.

    A claim's id is its rowid, and SQLite gives a new row the largest rowid plus one:
    the import holds the write lock, so the batch's ids run on from the largest before it.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    compiled = insert(_CLAIM).compile(dialect=connection.dialect, column_keys=list(rows[0]))
    params = bound_rows(compiled, rows)
    if params is None:
        return None  # a column default SQLAlchemy would fill in: let it
    names = compiled.positiontup
    assert names is not None
    # Rows go in multi-row VALUES statements of the size Core's "insertmanyvalues" sends
    # (row by row, the search index would write a segment per row).
    head, values = compiled.string.split(" VALUES ", 1)
    dialect = connection.dialect
    size = min(
        dialect.insertmanyvalues_page_size,
        (dialect.insertmanyvalues_max_parameters or len(names) * 1000) // len(names),
    )
    cursor = connection.connection.cursor()
    try:
        before = cursor.execute("SELECT max(id) FROM claim").fetchone()[0] or 0
        for start in range(0, len(params), size):
            batch = params[start : start + size]
            statement = f"{head} VALUES {', '.join([values] * len(batch))}"
            cursor.execute(statement, [value for row in batch for value in row])
        after = cursor.execute("SELECT max(id) FROM claim").fetchone()[0]
    finally:
        cursor.close()
    assert after - before == len(rows), "claim ids run on from the largest"
    return range(before + 1, after + 1)


def _to_second(value: Any) -> Any:
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


_WIDTH = 1 + len(FIELDS)


def _stored(row: Any) -> Stored:
    history = dict(zip(HISTORY_COLUMNS, row[_WIDTH:], strict=True))
    return Stored(row[0], dict(zip(FIELDS, row[1:_WIDTH], strict=True)), {}, history)


def _row(values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    row = {_COLUMN_OF.get(name, name): values[name] for name in FIELDS}
    row.update(extra)
    return row
