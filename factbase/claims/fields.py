"""A claim's fields, declared once: what each is called, read from and turned into.

Every reader and writer of claim records derives its columns from :data:`CLAIM_FIELDS`:
the library's :func:`~factbase.claims.record.claim_row`, the SQLite shortcut of `list`
and `show` (:mod:`factbase.claims.fastread`), the streamed exports
(:mod:`factbase.interchange.claim_rows`), `export all` and `import`, and the conflict
export. A field added here reaches all of them, in its place; a field named wrongly fails
loudly (a test resolves every column against the schema) instead of shifting the others.

Columns are named as ``"table.attribute"`` strings (the claim, its source and that
source's outlet; model attribute names), not SQLAlchemy objects: the shortcut reads this
module without importing SQLAlchemy, and the SQLAlchemy side resolves the names.

Rows are decoded column-wise, a chunk at a time: one decoder per field, each a few
C-level ``map`` calls over the chunk, and the records zipped from the columns. That keeps
a million-claim export as fast as hand-unpacked tuples without a tuple unpack to keep in
step with the select list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from factbase.catalog.source_fields import made_up_id, made_up_key
from factbase.store.columns import ColumnPositions, column_plan
from factbase.text.date_formats import DateTexts, stored_timestamp

# The tables a claim record reads, and the aliases the SQL of the shortcut gives them:
# "merged" is the claim a merged duplicate was merged into.
TABLE_ALIASES = {"claim": "c", "source": "s", "outlet": "o", "merged": "m"}
# Model attributes whose column is named otherwise ("property" would shadow the builtin).
SQL_COLUMN_OF = {"property_name": "property"}


class Decode(StrEnum):
    """How a field's value is made from its columns."""

    PLAIN = "plain"  # the one column as stored
    FLAG = "flag"  # a boolean column -> True or False (SQLite gives 0 and 1)
    DATE = "date"  # (first day, precision) -> "2022", "2022-11" or "2022-11-01"
    TIMESTAMP = "timestamp"  # a stored UTC timestamp -> ISO to the second
    TOPICS = "topics"  # the claim's topic slugs, sorted, looked up by claim id
    SOURCE_REF = "source_ref"  # (key, url, id) -> how a document names the source
    CLAIM_REF = "claim_ref"  # (key, id) of another claim -> how a document names it


@dataclass(frozen=True)
class ClaimField:
    """One field of a claim record."""

    name: str  # as listings and exports call it
    columns: tuple[str, ...]  # "table.attribute" it is read from, in the decoder's order
    decode: Decode = Decode.PLAIN
    exported: bool = True  # a column of listings and CSV/JSON exports (CLAIM_COLUMNS)
    document: str | None = None  # its name in `export all` and `import`; None: not there
    kind: str = "str"  # how `import` reads it: "str", "list", "num" or "bool"
    # Written to documents together, as the words or parts that parse back to the same
    # figures (factbase.interchange.dump.value_fields), rather than one by one.
    quantity: bool = False


CLAIM_FIELDS: tuple[ClaimField, ...] = (
    ClaimField("id", ("claim.id",)),
    ClaimField("key", ("claim.key",), document="key"),
    # Documents name a claim's source second, by key, else URL, else a made-up key.
    ClaimField(
        "source",
        ("source.key", "source.url", "claim.source_id"),
        Decode.SOURCE_REF,
        exported=False,
        document="source",
    ),
    ClaimField("statement", ("claim.statement",), document="statement"),
    ClaimField("quote", ("claim.quote",), document="quote"),
    ClaimField("language", ("claim.language",), document="language"),
    ClaimField("speaker", ("claim.speaker",), document="speaker"),
    ClaimField("topics", ("claim.id",), Decode.TOPICS, document="topics", kind="list"),
    ClaimField("subject", ("claim.subject",), document="subject"),
    ClaimField("property", ("claim.property_name",), document="property"),
    ClaimField("value", ("claim.value_text",), document="value", quantity=True),
    ClaimField("value_num", ("claim.value_num",), document="value_num", kind="num", quantity=True),
    ClaimField("unit", ("claim.value_unit",), document="unit", quantity=True),
    ClaimField("value_low", ("claim.value_low",), quantity=True),
    ClaimField("value_high", ("claim.value_high",), quantity=True),
    ClaimField("qualifier", ("claim.value_qualifier",), document="qualifier", quantity=True),
    ClaimField(
        "event_date",
        ("claim.event_date", "claim.event_precision"),
        Decode.DATE,
        document="event_date",
    ),
    ClaimField("as_of", ("claim.as_of", "claim.as_of_precision"), Decode.DATE, document="as_of"),
    ClaimField("forecast", ("claim.forecast",), Decode.FLAG, document="forecast", kind="bool"),
    ClaimField("occasion", ("claim.occasion",), document="occasion"),
    ClaimField("polarity", ("claim.polarity",), document="polarity"),
    ClaimField(
        "polarity_suggested",
        ("claim.polarity_suggested",),
        Decode.FLAG,
        document="polarity_suggested",
        kind="bool",
    ),
    ClaimField("status", ("claim.status",), document="status"),
    ClaimField("source_id", ("claim.source_id",)),
    ClaimField("source_key", ("source.key",)),
    ClaimField("source_title", ("source.title",)),
    ClaimField("source_url", ("source.url",)),
    ClaimField("outlet", ("outlet.name",)),
    ClaimField("stance", ("outlet.stance",)),
    ClaimField("published", ("source.published", "source.published_precision"), Decode.DATE),
    ClaimField("note", ("claim.note",), document="note"),
    # A retracted claim keeps its record; a merged duplicate names the claim it went into.
    ClaimField(
        "retracted_at",
        ("claim.retracted_at",),
        Decode.TIMESTAMP,
        exported=False,
        document="retracted_at",
    ),
    ClaimField(
        "retraction_note", ("claim.retraction_note",), exported=False, document="retraction_note"
    ),
    ClaimField(
        "merged_into",
        ("merged.key", "claim.merged_into_id"),
        Decode.CLAIM_REF,
        exported=False,
        document="merged_into",
    ),
    ClaimField("created_at", ("claim.created_at",), Decode.TIMESTAMP, document="created_at"),
    ClaimField("updated_at", ("claim.updated_at",), Decode.TIMESTAMP, document="updated_at"),
    # Where the quote stands in the source's text (migration 0012): worked out again on
    # import, so not in documents. Last, as exports add columns (docs/export.md).
    ClaimField("quote_match", ("claim.quote_match",)),
    ClaimField("quote_start", ("claim.quote_start",)),
    ClaimField("quote_end", ("claim.quote_end",)),
)


def exported_fields() -> tuple[ClaimField, ...]:
    """The fields of listings and exports, in their order (docs/export.md)."""
    return tuple(field for field in CLAIM_FIELDS if field.exported)


def document_fields() -> tuple[ClaimField, ...]:
    """The fields `export all` writes and `import` reads, in document order, and the
    quantity fields they are written from."""
    return tuple(field for field in CLAIM_FIELDS if field.document or field.quantity)


def claim_columns() -> tuple[str, ...]:
    """The names of the exported fields: a claim record's columns."""
    return tuple(field.name for field in exported_fields())


def fields_named(names: Sequence[str]) -> tuple[ClaimField, ...]:
    """The declared fields of ``names``, in that order."""
    by_name = {field.name: field for field in CLAIM_FIELDS}
    return tuple(by_name[name] for name in names)


def sql_column(ref: str) -> str:
    """``"claim.property_name"`` as the shortcut's SQL names it: ``c.property``."""
    table, attribute = ref.split(".")
    return f"{TABLE_ALIASES[table]}.{SQL_COLUMN_OF.get(attribute, attribute)}"


def source_ref(key: str | None, url: str | None, source_id: int) -> str:
    """How claims name a source in a document: its key, else its URL, else a made-up key."""
    return key or url or made_up_key(source_id)


def claim_ref(key: str | None, claim_id: int) -> str:
    """How a document names a claim: its key, else ``claim-<id>``, which the document then
    gives the claim as its key (a keyless claim named by a link, a decision, a merged
    duplicate or the audit log)."""
    return key or f"claim-{claim_id}"


def claim_label(claim_id: int, key: str | None) -> str:
    """`claim 12 (cpc-share)`: how messages name a claim."""
    return f"claim {claim_id}" + (f" ({key})" if key else "")


def made_up_claim_id(ref: str) -> int | None:
    """The id of the keyless claim that ``ref`` names as :func:`claim_ref` does, else None."""
    return made_up_id("claim-", ref)


def _claim_ref(parts: tuple[str | None, int | None]) -> str | None:
    key, claim_id = parts
    return claim_ref(key, claim_id) if claim_id is not None else None


Row = Sequence[Any]
Topics = Mapping[int, list[str]]
# A field's values for a chunk of rows, given the topics of the chunk's claims.
ColumnDecoder = Callable[[Sequence[Row], Topics], list[Any]]


def _timestamp(value: str | datetime | None) -> str | None:
    return stored_timestamp(value) if value is not None else None


class RecordReader(ColumnPositions):
    """Decodes rows that hold ``column_plan(fields)`` in order into ``fields``' values.

    The plan is the select list; positions are worked out once here, so a row is never
    unpacked by hand.
    """

    def __init__(self, fields: Sequence[ClaimField]) -> None:
        super().__init__(column_plan(fields))
        self.fields = tuple(fields)
        self.names = tuple(field.name for field in self.fields)
        self.dates = DateTexts()
        self.decoders = [self._decoder(field) for field in self.fields]

    def _decoder(self, field: ClaimField) -> ColumnDecoder:
        get = self.getter(*field.columns)
        if field.decode is Decode.PLAIN:
            return lambda chunk, _topics: list(map(get, chunk))
        if field.decode is Decode.FLAG:
            return lambda chunk, _topics: list(map(bool, map(get, chunk)))
        if field.decode is Decode.DATE:
            dates = self.dates
            return lambda chunk, _topics: list(map(dates.__getitem__, map(get, chunk)))
        if field.decode is Decode.TIMESTAMP:
            return lambda chunk, _topics: list(map(_timestamp, map(get, chunk)))
        if field.decode is Decode.TOPICS:
            return lambda chunk, topics: [topics.get(claim_id, []) for claim_id in map(get, chunk)]
        if field.decode is Decode.CLAIM_REF:
            return lambda chunk, _topics: list(map(_claim_ref, map(get, chunk)))
        return lambda chunk, _topics: [source_ref(*parts) for parts in map(get, chunk)]

    def values(self, chunk: Sequence[Row], topics: Topics) -> list[list[Any]]:
        """Each field's values for ``chunk``: one list per field, in field order."""
        return [decode(chunk, topics) for decode in self.decoders]

    def tuples(self, chunk: Sequence[Row], topics: Topics) -> Iterator[tuple[Any, ...]]:
        """One tuple of field values per row of ``chunk``."""
        return zip(*self.values(chunk, topics), strict=True)

    def record(self, row: Row, topics: Topics) -> dict[str, Any]:
        """One row as a dict of field values, in field order."""
        return dict(zip(self.names, next(self.tuples([row], topics)), strict=True))
