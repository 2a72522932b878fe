"""A source's fields are declared once (factbase.catalog.source_fields) and every path follows.

The declaration is checked against the schema and the importer; the listings, `export
sources`, `export all` and `import` are shown to carry exactly the declared fields in the
declared order; then a throwaway field, on a column added to a copy of a database, is shown
to reach `source list`, `source show`, `export sources` and `export all` with no other
edit, and `import` to refuse it by name until recording a source learns it.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from helpers import writing

from factbase.analysis.intake import add_claim
from factbase.catalog.outlets import add_outlet
from factbase.catalog.source_fields import (
    SOURCE_FIELDS,
    Decode,
    document_fields,
    exported_fields,
    made_up_key,
    source_columns,
)
from factbase.catalog.sources import (
    SOURCE_COLUMNS,
    SourceInput,
    add_source,
    source_column,
    source_record_of,
    source_records,
)
from factbase.claims.values import ClaimInput
from factbase.interchange.dump import interchange_records
from factbase.interchange.exports import COLUMNS, SOURCE_EXPORT_COLUMNS, source_rows
from factbase.interchange.importer import FIELDS
from factbase.interchange.source_texts import TEXT_FIELDS
from factbase.store.database import Database

COLUMN = "mood"  # the throwaway column and field

# The interface as docs/export.md and docs/format.md give it: new fields only at the end.
LISTED = (
    *("id", "key", "title", "url", "language", "published", "author", "retrieved"),
    *("outlet", "stance", "cites", "note", "claims"),
)
DOCUMENT = (
    *("key", "outlet", "title", "url", "language", "published", "author", "retrieved"),
    *("cites", "note", "created_at"),
)

FULL = SourceInput(
    outlet="Wire",
    title="Oil exports, in full",
    key="full",
    url="https://example.org/full",
    language="en",
    published="2022-11",
    author="A. Writer",
    retrieved="2023-01-05",
    cites=["SilkBridge.info"],
    note="every field given",
)
BARE = SourceInput(outlet="SilkBridge.info", title="Экспорт нефти")


# -- the declaration ------------------------------------------------------------------


def test_every_declared_column_is_a_column_of_the_schema() -> None:
    for field in SOURCE_FIELDS:
        for column in field.columns:
            table, attribute = column.split(".")
            assert table in ("source", "outlet"), column
            (mapped,) = source_column(column).property.columns
            assert mapped.name == attribute, column


def test_decoders_read_the_columns_they_need() -> None:
    arity = {Decode.DATE: 2, Decode.DOCUMENT_KEY: 3, Decode.CLAIMS: 0}
    for field in SOURCE_FIELDS:
        assert len(field.columns) == arity.get(field.decode, 1), field.name
        assert field.kind == ("list" if field.decode is Decode.CITES else "str")


def test_the_listed_columns_are_the_exported_fields_in_order() -> None:
    names = tuple(field.name for field in SOURCE_FIELDS if field.exported)
    assert names == source_columns() == SOURCE_COLUMNS == LISTED
    assert SOURCE_EXPORT_COLUMNS == COLUMNS["sources"] == SOURCE_COLUMNS
    assert len(set(names)) == len(names)


def test_the_document_fields_have_one_name_and_place_each() -> None:
    named = [field for field in SOURCE_FIELDS if field.document]
    assert tuple(field.document for field in document_fields()) == DOCUMENT
    assert len({field.document for field in named}) == len(named)
    assert len({field.document_order for field in named}) == len(named)
    # Only a field in documents has a place there.
    assert all(field.document_order == 0 for field in SOURCE_FIELDS if not field.document)


def test_import_takes_every_document_field_and_recording_knows_each() -> None:
    # The article's text fields (declared with the code that attaches texts) come last.
    assert tuple(FIELDS["sources"]) == (*DOCUMENT, *TEXT_FIELDS)
    assert FIELDS["sources"] == {
        **{field.document: field.kind for field in document_fields()},
        **TEXT_FIELDS,
    }
    assert set(DOCUMENT) == {given.name for given in fields(SourceInput)}


# -- every path, the declared fields in order -------------------------------------------


def _fill(url: str) -> None:
    with writing(url) as session:
        add_outlet(session, "Wire", "pro-western", language="en")
        add_outlet(session, "SilkBridge.info", "neutral", language="ru")
        add_source(session, FULL)
        add_source(session, BARE)
        add_claim(session, ClaimInput(source="full", statement="Exports grew in 2022."))


def test_every_path_carries_the_declared_fields_in_order(db_url: str) -> None:
    _fill(db_url)
    database = Database.open(db_url)
    try:
        with database.session() as session:
            listed = source_records(session)
            shown = [source_record_of(session, record["id"]) for record in listed]
            streamed = list(source_rows(session))
            document = [r for section, r in interchange_records(session) if section == "sources"]
    finally:
        database.close()
    for record in (*listed, *shown, *streamed):
        assert tuple(record) == SOURCE_COLUMNS
    by_id = {record["id"]: record for record in listed}
    assert shown == listed
    assert streamed == [by_id[record["id"]] for record in streamed]
    full, bare = sorted(streamed, key=lambda record: record["id"])
    assert full == {
        "id": full["id"],
        "key": "full",
        "title": FULL.title,
        "url": FULL.url,
        "language": "en",
        "published": "2022-11",
        "author": "A. Writer",
        "retrieved": "2023-01-05",
        "outlet": "Wire",
        "stance": "pro-western",
        "cites": ["SilkBridge.info"],
        "note": "every field given",
        "claims": 1,
    }
    assert (bare["key"], bare["cites"], bare["claims"]) == (None, [], 0)
    # `export all`: every document field of a source with all of them, in document order;
    # one with neither key nor URL under the key its claims would name it by.
    first, second = document
    assert tuple(first) == DOCUMENT
    assert first["outlet"] == "Wire" and first["cites"] == ["SilkBridge.info"]
    assert second["key"] == made_up_key(bare["id"])
    assert tuple(second) == tuple(name for name in DOCUMENT if name in second)


# -- a field added to the declaration -------------------------------------------------

# Run in a process of its own: the field and the column are added to the declaration and
# the model before any reader is imported, as if they had always been there.
WITH_A_NEW_FIELD = """
import json, sys
from pathlib import Path
from sqlalchemy import Column, Text
from typer.testing import CliRunner
from factbase.catalog import source_fields
from factbase.store.models import Source

Source.__table__.append_column(Column("mood", Text))
Source.__mapper__.add_property("mood", Source.__table__.c.mood)
last = max(field.document_order for field in source_fields.SOURCE_FIELDS)
mood = source_fields.SourceField(
    "mood", ("source.mood",), document="mood", document_order=last + 1
)
source_fields.SOURCE_FIELDS = (*source_fields.SOURCE_FIELDS, mood)

from factbase.cli import app
from factbase.errors import ImportFailed
from factbase.interchange.importer import import_files
from factbase.store.database import Database

db_path, out = Path(sys.argv[1]), Path(sys.argv[2])
runner = CliRunner()
found = {}
for name, args in {
    "list": ["source", "list", "--format", "json"],
    "show": ["source", "show", "full", "--format", "json"],
    "export.csv": ["export", "sources", "--format", "csv"],
    "export.json": ["export", "sources", "--format", "json"],
    "all": ["export", "all", "--format", "json", "--output", str(out / "all.json")],
}.items():
    result = runner.invoke(app, ["--db", str(db_path), *args])
    if result.exit_code:
        raise SystemExit(f"{name}: exit {result.exit_code}: {result.stderr} {result.exception}")
    found[name] = result.stdout
other = Database.open(str(out / "other.db"))
try:
    with other.session(write=True) as session:
        import_files(session, [out / "all.json"])
except ImportFailed as exc:
    found["import"] = exc.message
other.close()
print(json.dumps(found, ensure_ascii=False))
"""


@pytest.mark.slow
def test_a_new_field_reaches_every_reader_and_writer(tmp_path: Path) -> None:
    path = tmp_path / "extended.db"
    _fill(str(path))
    with sqlite3.connect(path) as connection:
        connection.execute(f"ALTER TABLE source ADD COLUMN {COLUMN} TEXT")
        connection.execute(f"UPDATE source SET {COLUMN} = 'calm, «спокойно»' WHERE key = 'full'")
    done = subprocess.run(
        [sys.executable, "-c", WITH_A_NEW_FIELD, str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    expected = "calm, «спокойно»"
    columns = [*SOURCE_COLUMNS, COLUMN]
    # `source list` and `source show`: the field last, after the claim count.
    listed = json.loads(found["list"])
    assert [list(record) for record in listed] == [columns, columns]
    assert {record["key"]: record[COLUMN] for record in listed} == {"full": expected, None: None}
    [shown] = json.loads(found["show"])
    assert list(shown) == columns and shown[COLUMN] == expected
    # `export sources`, CSV and JSON: the field its last column.
    rows = list(csv.reader(io.StringIO(found["export.csv"])))
    assert rows[0] == columns
    assert rows[1][-1] == expected and rows[2][-1] == ""
    exported = json.loads(found["export.json"])
    assert [list(record) for record in exported] == [columns, columns]
    assert exported[0][COLUMN] == expected
    # `export all` writes it, under its document name, last.
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert list(document["sources"][0]) == [*DOCUMENT, COLUMN]
    assert document["sources"][0][COLUMN] == expected
    assert COLUMN not in document["sources"][1]
    # `import` is the one that opts in: SourceInput and source_fields must learn the field.
    assert f"unknown field {COLUMN!r}" in found["import"]
    assert list(exported_fields())[-1].name == "claims"  # this process's declaration untouched
