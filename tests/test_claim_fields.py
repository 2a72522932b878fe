"""A claim's fields are declared once (factbase.claims.fields) and every reader follows.

The declaration is checked against the schema, the record, the filters and the importer;
then a throwaway field, on a column added to a copy of a database, is shown to reach
`claim_row`, `show`'s SQLite shortcut, the CSV, JSON and JSON Lines exports and `export
all` with no other edit, and `import` to refuse it by name until recording learns it
(the one reader that opts in).
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli

from factbase.claims import fastread
from factbase.claims.fields import (
    CLAIM_FIELDS,
    SQL_COLUMN_OF,
    Decode,
    claim_columns,
    document_fields,
    sql_column,
)
from factbase.claims.filter import FAST_FILTERS, FILTER_NAMES, ClaimFilter
from factbase.claims.record import CLAIM_COLUMNS, model_column
from factbase.claims.values import ClaimInput
from factbase.interchange.importer import FIELDS

COLUMN = "mood"  # the throwaway column and field


def test_every_declared_column_is_a_column_of_the_schema() -> None:
    for field in CLAIM_FIELDS:
        assert field.columns, field.name
        for column in field.columns:
            attribute = column.split(".")[1]
            (mapped,) = model_column(column).property.columns
            assert mapped.name == SQL_COLUMN_OF.get(attribute, attribute), column
            assert sql_column(column).endswith(f".{mapped.name}")


def test_decoders_read_the_columns_they_need() -> None:
    arity = {Decode.DATE: 2, Decode.SOURCE_REF: 3, Decode.CLAIM_REF: 2}
    for field in CLAIM_FIELDS:
        assert len(field.columns) == arity.get(field.decode, 1), field.name
        assert field.kind in ("str", "list", "num", "bool")  # the kinds import reads


def test_the_record_columns_are_the_exported_fields_in_order() -> None:
    assert claim_columns() == CLAIM_COLUMNS
    assert tuple(field.name for field in CLAIM_FIELDS if field.exported) == CLAIM_COLUMNS
    assert len(set(CLAIM_COLUMNS)) == len(CLAIM_COLUMNS)


def test_import_takes_every_document_field_and_recording_knows_each() -> None:
    named = [field.document for field in document_fields() if field.document]
    assert list(FIELDS["claims"]) == named
    assert set(named) == {given.name for given in fields(ClaimInput)}


def test_the_filters_and_the_fast_ones_are_read_from_the_filter_fields() -> None:
    declared = [f for f in fields(ClaimFilter) if f.metadata.get("filter")]
    assert [f.name for f in declared] == list(FILTER_NAMES)
    assert all(isinstance(f.metadata["fast"], bool) for f in declared)
    assert {f.name for f in declared if f.metadata["fast"]} == FAST_FILTERS
    assert {"outlet", "source", "subject", "speaker"}.isdisjoint(FAST_FILTERS)


@pytest.mark.slow
def test_the_shortcut_declines_every_filter_not_marked_fast(seeded: Path) -> None:
    for name in set(FILTER_NAMES) - FAST_FILTERS:
        where = ClaimFilter(**{name: "1"})
        assert fastread.claims_page(str(seeded), where, with_support=False) is None, name


def test_the_shortcut_raises_sqlite_errors_under_tests(
    seeded: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(fastread, "_CLAIM", fastread._CLAIM.replace("c.key", "c.no_such"))
    with pytest.raises(sqlite3.OperationalError):
        fastread.claim_view(str(seeded), "1")
    monkeypatch.delenv(fastread.STRICT_ENV)
    assert fastread.claim_view(str(seeded), "1") is None


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fields") / "seeded.db"
    Cli(str(path)).ok("seed")
    return path


# Run in a process of its own: the field and the column are added to the declaration and
# the model before any reader is imported, as if they had always been there.
WITH_A_NEW_FIELD = """
import json, sys
from pathlib import Path
from sqlalchemy import Column, Text
from factbase.claims import fields
from factbase.store.models import Claim

Claim.__table__.append_column(Column("mood", Text))
Claim.__mapper__.add_property("mood", Claim.__table__.c.mood)
mood = fields.ClaimField("mood", ("claim.mood",), document="mood")
fields.CLAIM_FIELDS = (*fields.CLAIM_FIELDS, mood)

from factbase.claims import fastread
from factbase.claims.filter import ClaimFilter, Sort
from factbase.claims.query import get_claim
from factbase.claims.record import claim_row
from factbase.errors import ImportFailed
from factbase.interchange.claim_rows import CLAIM_EXPORT_COLUMNS, claim_records
from factbase.interchange.dump import interchange_records, write_document
from factbase.interchange.exports import WRITERS, ExportFormat
from factbase.interchange.importer import import_files
from factbase.store.database import Database

db_path, out = Path(sys.argv[1]), Path(sys.argv[2])
found = {}
database = Database.open(str(db_path))
with database.session() as session:
    found["claim_row"] = claim_row(get_claim(session, "1"))
    everything = ClaimFilter(limit=None, sort=Sort.ID)
    for fmt in (ExportFormat.CSV, ExportFormat.JSON, ExportFormat.JSONL):
        with open(out / f"claims.{fmt.value}", "w", encoding="utf-8", newline="") as file:
            WRITERS[fmt](file, CLAIM_EXPORT_COLUMNS, claim_records(session, everything))
    with open(out / "all.json", "w", encoding="utf-8") as file:
        write_document(file, interchange_records(session))
database.close()
found["show"] = fastread.claim_view(str(db_path), "1").record
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
def test_a_new_field_reaches_every_reader_and_writer(seeded: Path, tmp_path: Path) -> None:
    path = tmp_path / "extended.db"
    with sqlite3.connect(seeded) as source, sqlite3.connect(path) as copy:
        source.backup(copy)  # the seeded file's write-ahead log included
    with sqlite3.connect(path) as connection:
        connection.execute(f"ALTER TABLE claim ADD COLUMN {COLUMN} TEXT")
        connection.execute(f"UPDATE claim SET {COLUMN} = 'calm, «спокойно»' WHERE id = 1")
    done = subprocess.run(
        [sys.executable, "-c", WITH_A_NEW_FIELD, str(path), str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, Any] = json.loads(done.stdout)
    expected = "calm, «спокойно»"
    # The library's record and the shortcut's, the field last.
    for reader in ("claim_row", "show"):
        assert list(found[reader]) == [*CLAIM_COLUMNS, COLUMN], reader
        assert found[reader][COLUMN] == expected
    assert found["show"] == found["claim_row"]
    # Exports: after the record's columns, before the corroboration columns.
    header, first = (tmp_path / "claims.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert header.split(",")[len(CLAIM_COLUMNS)] == COLUMN
    assert f'"{expected}"' in first
    records = json.loads((tmp_path / "claims.json").read_text(encoding="utf-8"))
    lines = (tmp_path / "claims.jsonl").read_text(encoding="utf-8").splitlines()
    for record in (records[0], json.loads(lines[0])):
        assert list(record)[len(CLAIM_COLUMNS)] == COLUMN
        assert record[COLUMN] == expected
    assert all(record[COLUMN] is None for record in records[1:])
    # `export all` writes it, under its document name, last.
    document = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    assert list(document["claims"][0])[-1] == COLUMN
    assert document["claims"][0][COLUMN] == expected
    # `import` is the one that opts in: ClaimInput and claim_values must learn the field.
    assert f"unknown field {COLUMN!r}" in found["import"]
