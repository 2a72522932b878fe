"""The claim records of a JSON Lines file read by worker processes
(factbase.interchange.claim_pool): the same database, summary and errors as when this
process reads them, against real databases."""

from __future__ import annotations

import json
import os
import re
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import snapshot

from factbase.errors import ImportFailed
from factbase.interchange import claim_pool
from factbase.interchange.claim_writer import ImportLookups
from factbase.interchange.importer import ImportSummary, import_files
from factbase.store.database import Database

BASE = """\
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
topics:
  - {slug: energy, label: Energy}
  - {slug: oil, label: Oil, parent: energy, keywords: [oil, нефть, нафта, петрол]}
outlets:
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Kyiv Daily, stance: pro-ukrainian, country: UA, language: uk}
sources:
  - {key: silk, outlet: SilkBridge.info, title: Нефть, language: ru, published: "июль 2022",
     text: "Через КТК проходит около 80% экспорта казахстанской нефти, сообщил источник."}
  - {key: kyiv, outlet: Kyiv Daily, title: Нафта, language: uk, published: "1 грудня 2022"}
"""


def _claims() -> list[dict[str, Any]]:
    """Claim records exercising what reading decides: keys and keyless claims, a claim
    named twice, a duplicate, topics given, suggested and created, dates relative to
    the source, figures, quotes found and not, warnings."""
    claims: list[dict[str, Any]] = []
    for n in range(40):
        claims.append(
            {
                "type": "claim",
                "key": f"k{n}",
                "source": "silk" if n % 2 else "kyiv",
                "statement": f"Через КТК проходит около {n}% экспорта нефти",
                "quote": "около 80% экспорта казахстанской нефти" if n % 5 == 0 else None,
                "subject": "CPC",
                "property": "share of oil exports",
                "value": f"около {n}%",
                "as_of": "2022" if n % 3 else "вчера",
                "event_date": "2023-01-05" if n % 7 == 0 else None,
            }
        )
    claims += [
        {"type": "claim", "source": "kyiv", "statement": "Україна збільшила експорт нафти."},
        # The same words again, typed otherwise: skipped as a duplicate, with a warning.
        {"type": "claim", "source": "kyiv", "statement": "україна   збільшила експорт нафти"},
        {"type": "claim", "source": "silk", "statement": "Цена нефти выросла", "topics": ["new"]},
        {"type": "claim", "source": "silk", "statement": "Kaзахстан (a Latin K)", "language": "ru"},
        # k3 again: the second record updates the first.
        {"type": "claim", "key": "k3", "source": "silk", "statement": "Исправлено", "value": "5"},
        {"type": "claim", "source": "silk", "statement": "Gas is flowing again", "topics": []},
    ]
    return [{k: v for k, v in claim.items() if v is not None} for claim in claims]


def _write(directory: Path, claims: list[dict[str, Any]]) -> list[Path]:
    base = directory / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    lines = directory / "claims.jsonl"
    lines.write_text(
        "".join(json.dumps(claim, ensure_ascii=False) + "\n" for claim in claims),
        encoding="utf-8",
    )
    return [base, lines]


def _import(url: str, paths: list[Path]) -> ImportSummary:
    database = Database.open(url)
    try:
        with database.session(write=True) as session:
            return import_files(session, paths)
    finally:
        database.close()


def _without_clock(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[Any]]:
    """Every row, the times of writing left out (dates of claims are kept)."""

    def cell(value: object) -> object:
        if isinstance(value, datetime):
            return "<time>"
        if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
            return "<time>"  # a SQLite timestamp read through raw SQL
        return value

    return {
        table: sorted(map(repr, (tuple(map(cell, row)) for row in found)))
        for table, found in rows.items()
    }


def _summary(summary: ImportSummary) -> dict[str, Any]:
    return {
        "counts": dict(summary.counts),
        "warnings": summary.warnings,
        "topics": summary.topics_created,
        "updated": summary.updated,
        "conflicts": summary.conflicts_found,
    }


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    # A few lines a chunk, so that even a small file goes out in many chunks.
    monkeypatch.setattr(claim_pool, "CHUNK_LINES", 3)


def test_workers_build_the_database_one_process_builds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    paths = _write(tmp_path, _claims())
    results = {}
    for workers in ("0", "2"):
        monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, workers)
        url = f"sqlite:///{tmp_path / f'workers-{workers}.db'}"
        first = _summary(_import(url, paths))
        again = _summary(_import(url, paths))  # stored claims: decided here, not ahead
        results[workers] = (first, again, _without_clock(snapshot(url)))
    assert results["2"] == results["0"]
    first, again, rows = results["0"]
    assert first["counts"]["claims added"] == 44 and first["counts"]["claims skipped"] == 1
    # k3, named twice, is set back and forth; every other claim is as stored.
    assert again["counts"]["claims unchanged"] == 43 and again["counts"]["claims updated"] == 2
    assert any("duplicate of" in warning for warning in first["warnings"])
    assert first["topics"] == ["new"]
    assert len(rows["claim"]) == 44


def test_workers_import_and_reimport_on_this_backend(
    db: Database, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_chunks: None
) -> None:
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "2")
    once = [claim for claim in _claims() if claim.get("statement") != "Исправлено"]
    paths = _write(tmp_path, once)
    with db.session(write=True) as session:
        first = import_files(session, paths)
    assert first.count("claims", "added") == 44
    before = snapshot(db_url)
    with db.session(write=True) as session:
        again = import_files(session, paths)
    assert again.count("claims", "unchanged") == 44 and not again.changed
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        # Found when the record is taken (its fields, its source) ...
        ({"source": "silk", "statement": "x", "quoet": "q"}, "claims.jsonl:8: unknown field"),
        ({"source": "nowhere", "statement": "x"}, "claims.jsonl:8: source: no source"),
        # ... and when its claim is made (a figure, a date).
        ({"source": "silk", "statement": "x", "value": "abc"}, "claims.jsonl:8: value: "),
        ({"source": "silk", "statement": "x", "as_of": "1718000000"}, "claims.jsonl:8: as_of: "),
    ],
)
def test_a_bad_record_fails_as_in_one_process_and_writes_nothing(
    db: Database,
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    small_chunks: None,
    bad: dict[str, Any],
    expected: str,
) -> None:
    claims = _claims()
    # Line 8, and a later bad record in another chunk: the first in the file is reported.
    claims.insert(7, {"type": "claim", **bad})
    claims.insert(30, {"type": "claim", "source": "silk", "statement": "y", "value": "zzz"})
    paths = _write(tmp_path, claims)
    messages = {}
    for workers in ("0", "2"):
        monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, workers)
        before = snapshot(db_url)
        with pytest.raises(ImportFailed) as info, db.session(write=True) as session:
            import_files(session, paths)
        assert snapshot(db_url) == before
        messages[workers] = info.value.message
    assert messages["2"] == messages["0"]
    assert messages["0"].startswith(expected), messages["0"]
    assert "\n" not in messages["0"]


def test_small_imports_start_no_workers(
    db: Database, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(claim_pool.WORKERS_VARIABLE, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 4)
    with db.session() as session:
        lookups = ImportLookups(session)
    assert claim_pool.workers_for(claim_pool.MIN_CLAIMS - 1, lookups, wanted=True) == 0
    assert claim_pool.workers_for(claim_pool.MIN_CLAIMS, lookups, wanted=True) == 4
    # A caller that did not ask (a script that may not guard its main module) gets none.
    assert claim_pool.workers_for(claim_pool.MIN_CLAIMS, lookups, wanted=False) == 0
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert claim_pool.workers_for(10 * claim_pool.MIN_CLAIMS, lookups, wanted=True) == 0
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "3")
    assert claim_pool.workers_for(5, lookups, wanted=False) == 3
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "0")
    assert claim_pool.workers_for(10 * claim_pool.MIN_CLAIMS, lookups, wanted=True) == 0


def test_a_claim_date_keeps_its_day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates cross between processes as dates: the same day on both sides."""
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "1")
    url = f"sqlite:///{tmp_path / 'dates.db'}"
    _import(url, _write(tmp_path, _claims()))
    database = Database.open(url)
    try:
        with database.session() as session:
            from factbase.claims.query import get_claim

            assert get_claim(session, "k7").event_date == date(2023, 1, 5)
    finally:
        database.close()


def test_claims_written_through_the_driver_are_those_core_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite new claims skip SQLAlchemy's per-row handling (claim_writer.SQLITE_DIRECT):
    the same rows, ids and stored text as through Core, and the same search index, byte
    for byte (its segments follow the statements that fill it)."""
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect

    from factbase.interchange import claim_writer

    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "0")
    # Statements of 7 rows: the batches of a large import, in a small one.
    monkeypatch.setattr(SQLiteDialect, "insertmanyvalues_page_size", 7)
    paths = _write(tmp_path, _claims())
    found = {}
    for direct in (False, True):
        monkeypatch.setattr(claim_writer, "SQLITE_DIRECT", direct)
        url = f"sqlite:///{tmp_path / f'direct-{direct}.db'}"
        summary = _summary(_import(url, paths))
        with sqlite3.connect(tmp_path / f"direct-{direct}.db") as connection:
            # As stored: the text of dates, times and flags, not what SQLAlchemy reads back.
            stored = connection.execute("SELECT * FROM claim ORDER BY id").fetchall()
            search = connection.execute(
                "SELECT rowid FROM claim_search WHERE claim_search MATCH 'нефти' ORDER BY rowid"
            ).fetchall()
        found[direct] = (summary, _without_clock(snapshot(url)), _masked(stored), search)
    assert found[True] == found[False]
    assert found[True][3], "the search index holds the claims written directly"


def _masked(rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows as stored, a timestamp's digits left out but its form kept."""
    stamp = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$")
    return [
        tuple(stamp.sub("<time>", v) if isinstance(v, str) and stamp.match(v) else v for v in row)
        for row in rows
    ]
