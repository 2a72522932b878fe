"""A source's fields, declared once: what each is called, read from and turned into.

Every reader of source records derives its columns from :data:`SOURCE_FIELDS`: the
library's :func:`~factbase.catalog.sources.source_record` (`source list` and `source
show`), the streamed `export sources` (:func:`factbase.interchange.exports.source_rows`),
the sources of `export all` (:mod:`factbase.interchange.dump`) and the fields `import`
reads from a source record. A field added here reaches all of them, in its place; a
column named wrongly fails loudly (a test resolves every column against the schema).

Columns are named as ``"table.attribute"`` strings (the source and its outlet; model
attribute names), as :mod:`factbase.claims.fields` names a claim's; the SQLAlchemy side
(:mod:`factbase.catalog.sources`) resolves them. Rows are decoded by the position of each
column in the select list, worked out once from the declaration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from operator import itemgetter
from typing import Any

from factbase.store.columns import ColumnPositions, column_plan
from factbase.text.date_formats import stored_iso, stored_timestamp


class Decode(StrEnum):
    """How a source field's value is made from its columns."""

    PLAIN = "plain"  # the one column as stored (the outlet's name and stance included)
    DATE = "date"  # (first day, precision) -> "2022", "2022-11" or "2022-11-01"
    CITES = "cites"  # the source's id -> the names of the outlets it cites, by name
    CLAIMS = "claims"  # no column: the source's number of claims, given after the columns
    DOCUMENT_KEY = "document_key"  # (key, url, id) -> the key, made up when neither is set
    TIMESTAMP = "timestamp"  # a stored UTC timestamp -> ISO to the second


@dataclass(frozen=True)
class SourceField:
    """One field of a source record."""

    name: str  # as listings and exports call it
    columns: tuple[str, ...]  # "table.attribute" it is read from, in the decoder's order
    decode: Decode = Decode.PLAIN
    # A column of `source list`, `source show` and `export sources` (SOURCE_COLUMNS), in
    # the order of SOURCE_FIELDS.
    exported: bool = True
    document: str | None = None  # its name in `export all` and `import`; None: not there
    document_order: int = 0  # its place there, the lowest first

    @property
    def kind(self) -> str:
        """How `import` reads the field: "list" or "str"."""
        return "list" if self.decode is Decode.CITES else "str"


SOURCE_FIELDS: tuple[SourceField, ...] = (
    SourceField("id", ("source.id",)),
    SourceField("key", ("source.key",)),
    # Claims name their source by key or URL, so documents give a source with neither a
    # made-up key (made_up_key), first.
    SourceField(
        "document_key",
        ("source.key", "source.url", "source.id"),
        Decode.DOCUMENT_KEY,
        exported=False,
        document="key",
        document_order=1,
    ),
    SourceField("title", ("source.title",), document="title", document_order=3),
    SourceField("url", ("source.url",), document="url", document_order=4),
    SourceField("language", ("source.language",), document="language", document_order=5),
    SourceField(
        "published",
        ("source.published", "source.published_precision"),
        Decode.DATE,
        document="published",
        document_order=6,
    ),
    SourceField("author", ("source.author",), document="author", document_order=7),
    SourceField(
        "retrieved",
        ("source.retrieved", "source.retrieved_precision"),
        Decode.DATE,
        document="retrieved",
        document_order=8,
    ),
    # Documents name a source's outlet second, after its key.
    SourceField("outlet", ("outlet.name",), document="outlet", document_order=2),
    SourceField("stance", ("outlet.stance",)),
    SourceField("cites", ("source.id",), Decode.CITES, document="cites", document_order=9),
    SourceField("note", ("source.note",), document="note", document_order=10),
    # When it was recorded: documents keep it, so an import gives it back.
    SourceField(
        "created_at",
        ("source.created_at",),
        Decode.TIMESTAMP,
        exported=False,
        document="created_at",
        document_order=11,
    ),
    SourceField("claims", (), Decode.CLAIMS),
)


def exported_fields() -> tuple[SourceField, ...]:
    """The fields of listings and exports, in their order (docs/export.md)."""
    return tuple(field for field in SOURCE_FIELDS if field.exported)


def document_fields() -> tuple[SourceField, ...]:
    """The fields `export all` writes and `import` reads, in document order."""
    named = [field for field in SOURCE_FIELDS if field.document]
    return tuple(sorted(named, key=lambda field: field.document_order))


def source_columns() -> tuple[str, ...]:
    """The names of the exported fields: a source record's columns."""
    return tuple(field.name for field in exported_fields())


def made_up_key(source_id: int) -> str:
    """The key a document gives a source that has neither key nor URL."""
    return f"source-{source_id}"


def made_up_source_id(ref: str) -> int | None:
    """The id whose :func:`made_up_key` ``ref`` is, else None."""
    return made_up_id("source-", ref)


def made_up_id(prefix: str, ref: str) -> int | None:
    """The id in ``<prefix><id>``, the form of the keys documents make up, else None."""
    number = ref.strip().removeprefix(prefix)
    if number == ref.strip() or not number.isascii() or not number.isdigit():
        return None
    return int(number) if number[0] != "0" else None


def document_key(key: str | None, url: str | None, source_id: int) -> str | None:
    """A source's key in a document: its own, none beside a URL, else a made-up one."""
    return key if (key or url) else made_up_key(source_id)


Row = Sequence[Any]
Cites = Mapping[int, list[str]]
# A field's value from a row, given the cited outlets of the row's source.
FieldDecoder = Callable[[Row, Cites], Any]


def _timestamp(value: Any) -> str | None:
    return stored_timestamp(value) if value is not None else None


def _count(value: Any) -> int | None:
    return None if value is None else int(value)


class SourceReader(ColumnPositions):
    """Decodes rows into ``fields``' values.

    A row holds ``column_plan(fields)`` in order and, after them, the source's number of
    claims (read only by a :attr:`Decode.CLAIMS` field): what
    :func:`~factbase.catalog.sources.sources_query` selects. Positions are worked out
    once here, so a row is never unpacked by hand.
    """

    def __init__(self, fields: Sequence[SourceField]) -> None:
        super().__init__(column_plan(fields))
        self.fields = tuple(fields)
        self.names = tuple(field.name for field in self.fields)
        self.decoders = [self._decoder(field) for field in self.fields]

    def _decoder(self, field: SourceField) -> FieldDecoder:
        if field.decode is Decode.CLAIMS:
            claims = itemgetter(len(self.columns))
            return lambda row, _cites: _count(claims(row))
        get = self.getter(*field.columns)
        if field.decode is Decode.PLAIN:
            return lambda row, _cites: get(row)
        if field.decode is Decode.DATE:
            return lambda row, _cites: stored_iso(*get(row))
        if field.decode is Decode.CITES:
            return lambda row, cites: cites.get(get(row), [])
        if field.decode is Decode.TIMESTAMP:
            return lambda row, _cites: _timestamp(get(row))
        return lambda row, _cites: document_key(*get(row))

    def record(self, row: Row, cites: Cites) -> dict[str, Any]:
        """One row as a dict of field values, in field order."""
        return {
            name: decode(row, cites) for name, decode in zip(self.names, self.decoders, strict=True)
        }
