"""`factbase add` of one claim to an up-to-date SQLite file, without SQLAlchemy.

Recording by hand should feel instant, and importing SQLAlchemy's ORM alone takes longer
than the whole write. This is :func:`factbase.analysis.intake.add_claim` for the usual
case, on the standard library's ``sqlite3``, as :mod:`factbase.claims.fastread` is for
`list` and `show`. It is a shortcut, never a second set of rules: the claim's values come
from :func:`~factbase.claims.values.claim_values` and its conflicts from
:func:`~factbase.analysis.conflict_rules.compare` with the pairs
:func:`~factbase.analysis.conflict_pairs.block_pairs` selects, exactly as the library
records them; this module only reads what they need and writes what they give.

It answers ``None``, having written nothing, whenever the library must do the work or
word the refusal: a URL or a missing file, another schema revision or journal mode, a
topic no one created, a duplicate of a claim of the source, a key already taken, a
quote refused by ``--strict``, any invalid field, a recorded conflict already naming
the new claim's id, a write lock another process holds (the library waits for it), and
any SQLite error (one of this module's SQL is raised instead under tests, where
:data:`~factbase.store.quick_sqlite.STRICT_ENV` is set: there it means a bug).
``tests/test_quick_add.py`` holds both writers to identical databases.
"""

from __future__ import annotations

import sqlite3
from collections import namedtuple
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from factbase.analysis.conflict_pairs import ClaimFacts, block_pairs
from factbase.analysis.conflict_rules import FACT_COLUMNS, Finding, compare, facts_from_row
from factbase.catalog.names import validate_slug
from factbase.catalog.source_fields import made_up_source_id
from factbase.claims.fields import SQL_COLUMN_OF, sql_column
from factbase.claims.filter import RETRACTED_IDS_SQL
from factbase.claims.values import (
    SEARCHED_VALUES,
    ClaimInput,
    SourceRef,
    claim_topics,
    claim_values,
    published_of,
    refuse_unanchored,
    subject_identity,
)
from factbase.errors import FactbaseError, as_id, in_field
from factbase.store.columns import column_label
from factbase.store.quick_sqlite import Unanswered, stored, timestamp, written
from factbase.text.language import (
    KeywordIndex,
    duplicate_key,
    fold,
    normalise_text,
    search_forms,
    storable,
)
from factbase.text.urls import normalise_url

_DATE_LABELS = frozenset({"as_of", "event_date", "source_published"})
_FACTS = f"""
SELECT {", ".join(f"{sql_column(ref)} AS {column_label(ref, 'claim')}" for ref in FACT_COLUMNS)}
FROM claim AS c JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id
WHERE c.status != 'retracted' AND c.id NOT IN ({RETRACTED_IDS_SQL})
  AND c.property_key = ? AND {{subject}} ORDER BY c.id
"""
# Columns of a claim that recording leaves to the database or to later corrections.
_LEFT_OUT = frozenset({"id", "retracted_at", "retraction_note", "merged_into_id"})


@dataclass
class QuickAdded:
    """What `add` reports of a claim recorded here."""

    claim_id: int
    key: str | None
    outlet: str
    topics: list[str]
    warnings: list[str] = field(default_factory=list)
    # (id, kind, explanation) of each conflict the claim brought.
    new_conflicts: list[tuple[int, str, str]] = field(default_factory=list)


def add_quickly(
    location: str | None, data: ClaimInput, *, allow_duplicate: bool, strict: bool
) -> QuickAdded | None:
    """Record ``data`` as `factbase add` would; None, having written nothing, when the
    library has to."""
    return written(
        location,
        lambda connection: _add(connection, data, allow_duplicate=allow_duplicate, strict=strict),
    )


def _add(
    connection: sqlite3.Connection, data: ClaimInput, *, allow_duplicate: bool, strict: bool
) -> QuickAdded:
    lookups = SqliteLookups(connection)
    for slug in data.topics:  # topics are created on purpose, never by `add`
        if normalise_text(slug):
            lookups.topic_id(slug)
    if not allow_duplicate:
        for name in ("statement", "quote"):
            with in_field(name):
                storable(getattr(data, name) or "")
        with in_field("source"):
            source_id = lookups.source(data.source).id
        if _repeats(connection, source_id, data.statement, data.quote):
            raise Unanswered  # the library names the claim it repeats
    warnings: list[str] = []
    values = claim_values(data, lookups, warnings)
    if strict:
        refuse_unanchored(values)
    if any(isinstance(value, str) and "\x00" in value for value in values.values()):
        raise Unanswered  # the library refuses a NUL character, naming the field
    key = values["key"]
    if key and connection.execute("SELECT 1 FROM claim WHERE key = ?", (key,)).fetchone():
        raise Unanswered  # the library names the claim that has it
    links = claim_topics(data, values, lookups, [])
    record_search_forms(connection, values)
    claim_id = _insert_claim(connection, values)
    connection.executemany(
        "INSERT INTO claim_topic (claim_id, topic_id, suggested, keyword) VALUES (?, ?, ?, ?)",
        [(claim_id, topic_id, link is not None, link or None) for topic_id, link in links.items()],
    )
    conflicts = _check_conflicts(connection, claim_id, values)
    outlet, topics = _described(connection, claim_id)
    return QuickAdded(claim_id, key, outlet, topics, warnings, conflicts)


class SqliteLookups:
    """:class:`~factbase.claims.values.ClaimLookups` answered with ``sqlite3``, as
    :class:`~factbase.claims.recording.SessionLookups` answers them with queries."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection
        self.keyword_index: KeywordIndex | None = None

    def source(self, ref: str) -> SourceRef:
        # As factbase.catalog.sources.find_source: an id, a key, a URL as typed or as
        # stored; anything else (a made-up key, no such source) the library words.
        ref = ref.strip()
        source_id = as_id(ref)
        if source_id is None:
            if made_up_source_id(ref) is not None:
                raise Unanswered
            urls = sorted({ref, _normalised_or_same(ref)})
            found = self.connection.execute(
                f"SELECT id FROM source WHERE key = ? OR url IN ({', '.join('?' * len(urls))}) "
                "LIMIT 1",
                (ref, *urls),
            ).fetchone()
            if found is None:
                raise Unanswered
            source_id = found[0]
        row = self.connection.execute(
            "SELECT s.id, s.published, s.published_precision, t.text FROM source AS s "
            "LEFT JOIN source_text AS t ON t.source_id = s.id WHERE s.id = ?",
            (source_id,),
        ).fetchone()
        if row is None:
            raise Unanswered
        published = date.fromisoformat(row[1][:10]) if row[1] else None
        return SourceRef(row[0], published_of(published, row[2]), row[3])

    def entity_id(self, name: str) -> int | None:
        if not fold(name):
            return None
        row = self.connection.execute(
            "SELECT e.id FROM entity AS e JOIN entity_alias AS a ON a.entity_id = e.id "
            "WHERE a.alias_key = ?",
            (fold(name),),
        ).fetchone()
        return row[0] if row else None

    def topic_id(self, slug: str) -> tuple[int, bool]:
        row = self.connection.execute(
            "SELECT id FROM topic WHERE slug = ?", (validate_slug(slug),)
        ).fetchone()
        if row is None:
            raise Unanswered  # the library refuses it, naming the nearest topic
        return row[0], False

    def suggested_topics(self, text: str, language: str | None) -> dict[int, str]:
        if self.keyword_index is None:
            keywords: dict[str, list[str]] = {}
            # In TopicSuggester's order, so both name the same keyword of a topic.
            rows = self.connection.execute(
                "SELECT t.slug, k.keyword FROM topic AS t JOIN topic_keyword AS k "
                "ON k.topic_id = t.id ORDER BY t.slug, k.keyword"
            )
            for slug, keyword in rows:
                keywords.setdefault(slug, []).append(keyword)
            self.keyword_index = KeywordIndex(keywords)
        if not self.keyword_index or not text.strip():
            return {}
        found = self.keyword_index.matches(text, language)
        return {self.topic_id(slug)[0]: keyword for slug, keyword in found.items()}


def _normalised_or_same(ref: str) -> str:
    try:
        return normalise_url(ref)
    except FactbaseError:
        return ref


def _repeats(
    connection: sqlite3.Connection, source_id: int, statement: str, quote: str | None
) -> bool:
    """Whether a claim of the source, not retracted, has the same statement or quote once
    folded (factbase.claims.duplicates.find_duplicate)."""
    wanted = {"statement": duplicate_key(statement), "quote": duplicate_key(quote)}
    if not any(wanted.values()):
        return False
    live = f"id NOT IN ({RETRACTED_IDS_SQL})"
    rows = connection.execute(
        f"SELECT statement, quote FROM claim WHERE source_id = ? AND {live}", (source_id,)
    )
    return any(
        wanted[same] is not None and duplicate_key(text) == wanted[same]
        for row in rows
        for same, text in zip(("statement", "quote"), row, strict=True)
    )


def record_search_forms(connection: sqlite3.Connection, values: dict[str, Any]) -> None:
    searched = " ".join(filter(None, (values[name] for name in SEARCHED_VALUES)))
    connection.executemany(
        "INSERT OR IGNORE INTO search_form (form, lemma) VALUES (?, ?)",
        sorted(search_forms(searched, values["language"])),
    )


def _insert_claim(connection: sqlite3.Connection, values: dict[str, Any]) -> int:
    now = timestamp(datetime.now(UTC))
    row = {SQL_COLUMN_OF.get(name, name): stored(value) for name, value in values.items()}
    row |= {"created_at": now, "updated_at": now}
    columns = [info[1] for info in connection.execute("PRAGMA table_info(claim)")]
    missing = set(columns) - set(row) - _LEFT_OUT
    if missing or set(row) - set(columns):
        # A column added to the claim that recording here does not know of.
        raise sqlite3.OperationalError(f"claim columns not written here: {sorted(missing)}")
    names = [name for name in columns if name in row]
    cursor = connection.execute(
        f"INSERT INTO claim ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [row[name] for name in names],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


# A row of _FACTS read by label, as facts_from_row() reads one.
_FACT_LABELS = [column_label(ref, "claim") for ref in FACT_COLUMNS]
_FactRow = namedtuple("_FactRow", _FACT_LABELS)  # type: ignore[misc]
_DATE_POSITIONS = [i for i, label in enumerate(_FACT_LABELS) if label in _DATE_LABELS]


@lru_cache(maxsize=4096)
def _day(stored: str) -> date:
    return date.fromisoformat(stored[:10])


def _fact_row(values: tuple[Any, ...]) -> Any:
    """A row of :data:`_FACTS`, its dates as dates (SQLAlchemy's Date reads them so)."""
    row = list(values)
    for position in _DATE_POSITIONS:
        if row[position] is not None:
            row[position] = _day(str(row[position]))
    return _FactRow._make(row)


def _check_conflicts(
    connection: sqlite3.Connection, claim_id: int, values: dict[str, Any]
) -> list[tuple[int, str, str]]:
    """Record the new claim's conflicts as :func:`factbase.analysis.conflicts.scan` does
    with it as the focus: the same pairs of its block, judged by the same rules."""
    subject = subject_identity(values["subject_id"], values["subject_key"])
    prop = values["property_key"]
    if subject is None or prop is None:
        return []
    if connection.execute(
        "SELECT 1 FROM conflict WHERE claim_a_id = ? OR claim_b_id = ?", (claim_id, claim_id)
    ).fetchone():
        raise Unanswered  # conflicts left by a claim that had this id: the scan decides
    members = list(block_members(connection, subject, prop))
    findings = focus_findings(members, claim_id)
    if not findings:
        return []
    now = timestamp(datetime.now(UTC))
    recorded: list[tuple[int, str, str]] = []
    for (first, second, kind), finding in findings.items():
        cursor = connection.execute(
            "INSERT INTO conflict (claim_a_id, claim_b_id, kind, cause, explanation, status, "
            "stale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', 0, ?, ?)",
            (first, second, kind, finding.cause, finding.explanation, now, now),
        )
        assert cursor.lastrowid is not None
        recorded.append((cursor.lastrowid, kind, finding.explanation))
    return recorded


def block_members(connection: sqlite3.Connection, subject: str, prop: str) -> Iterator[ClaimFacts]:
    kind, _, identity = subject.partition(":")
    where = "c.subject_id = ?" if kind == "entity" else "c.subject_id IS NULL AND c.subject_key = ?"
    value: int | str = int(identity) if kind == "entity" else identity
    for row in connection.execute(_FACTS.format(subject=where), (prop, value)):
        facts = facts_from_row(_fact_row(row))
        if facts.block == (subject, prop):
            yield facts


def focus_findings(members: list[ClaimFacts], claim_id: int) -> dict[tuple[int, int, str], Finding]:
    """(claim a, claim b, kind) -> finding, for the pairs involving ``claim_id``, in the
    order a scan finds them."""
    judged: dict[tuple[int, int], list[Finding]] = {}

    def conflicting(a: ClaimFacts, b: ClaimFacts) -> bool:
        first, second = (a, b) if a.id < b.id else (b, a)
        if (first.id, second.id) not in judged:
            judged[(first.id, second.id)] = compare(first, second)
        return bool(judged[(first.id, second.id)])

    found: dict[tuple[int, int, str], Finding] = {}
    for first, second in block_pairs(members, conflicting, {claim_id}):
        if claim_id not in (first.id, second.id) or not conflicting(first, second):
            continue
        for finding in judged[(first.id, second.id)]:
            found[(first.id, second.id, finding.kind)] = finding
    return found


def _described(connection: sqlite3.Connection, claim_id: int) -> tuple[str, list[str]]:
    """The claim's outlet and topic slugs, as `add` reports them."""
    outlet = connection.execute(
        "SELECT o.name FROM claim AS c JOIN source AS s ON s.id = c.source_id "
        "JOIN outlet AS o ON o.id = s.outlet_id WHERE c.id = ?",
        (claim_id,),
    ).fetchone()[0]
    topics = connection.execute(
        "SELECT t.slug FROM claim_topic AS ct JOIN topic AS t ON t.id = ct.topic_id "
        "WHERE ct.claim_id = ?",
        (claim_id,),
    )
    return outlet, sorted(slug for (slug,) in topics)
