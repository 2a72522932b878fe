"""What makes a large import into SQLite fast must not change what it writes: every
table, the search index's shadow tables included, row by row, against real files."""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from factbase.errors import ImportFailed
from factbase.interchange import claim_pool, claim_writer, importer
from factbase.interchange.importer import ImportSummary, import_files
from factbase.store import bulk_insert
from factbase.store.database import Database

_ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("compare_dbs", _ROOT / "benchmarks/compare_dbs.py")
assert _spec is not None and _spec.loader is not None
compare_dbs = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(compare_dbs)

BASE = """\
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
topics:
  - {slug: energy, label: Energy}
  - {slug: oil, label: Oil, parent: energy, keywords: [oil, нефть, нафта]}
outlets:
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Kyiv Daily, stance: pro-ukrainian, country: UA, language: uk}
"""


def _records() -> list[dict[str, Any]]:
    """Sources with dates written several ways, and claims that clash on figures, name
    topics or have them suggested, repeat each other, and carry lemmas to search by."""
    records: list[dict[str, Any]] = []
    dates = ["июль 2022", "1 грудня 2022", "2023-01-05", "5 March 2021", "12.04.2020"]
    for n in range(12):
        records.append(
            {
                "type": "source",
                "key": f"s{n}",
                "outlet": "SilkBridge.info" if n % 2 else "Kyiv Daily",
                "title": f"Нефть и газ {n}",
                "published": dates[n % len(dates)],
            }
        )
    for n in range(150):
        records.append(
            {
                "type": "claim",
                "key": f"k{n}" if n % 3 else None,
                "source": f"s{n % 12}",
                "statement": f"Через КТК проходит около {n % 17}% экспорта нефти ({n})",
                "subject": "CPC" if n % 2 else f"pipeline {n % 5}",
                "property": "share of oil exports",
                "value": f"около {n % 17}%",
                "as_of": "2022" if n % 4 else "вчера",
                "topics": ["oil"] if n % 5 == 0 else None,
            }
        )
    records.append(
        {
            "type": "claim",
            "source": "s1",
            "statement": "Через КТК проходит около 1% экспорта нефти (1)",
        }
    )
    return [{k: v for k, v in r.items() if v is not None} for r in records]


def _write(directory: Path, records: list[dict[str, Any]]) -> list[Path]:
    base = directory / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    lines = directory / "records.jsonl"
    lines.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    return [base, lines]


def _import(path: Path, paths: list[Path]) -> ImportSummary:
    database = Database.open(f"sqlite:///{path}")
    try:
        with database.session(write=True) as session:
            return import_files(session, paths)
    finally:
        database.close()


def _slow(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fast path off: the way an import wrote before them."""
    monkeypatch.setattr(importer, "REBUILD_INDEXES_FROM", 10**9)
    monkeypatch.setattr(importer, "_scan_focus", lambda _session, changed: changed)
    monkeypatch.setattr(bulk_insert, "DIRECT", False)
    monkeypatch.setattr(claim_writer, "SQLITE_DIRECT", False)
    monkeypatch.setattr(importer, "dates_workers", lambda _sources, *, wanted: 0)


@pytest.mark.parametrize("workers", ["0", "2"])
def test_fast_paths_write_the_database_the_slow_ones_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, workers)
    paths = _write(tmp_path, _records())
    with monkeypatch.context() as slow:
        _slow(slow)
        before = _import(tmp_path / "slow.db", paths)
    monkeypatch.setattr(importer, "REBUILD_INDEXES_FROM", 0)  # indexes built after, too
    after = _import(tmp_path / "fast.db", paths)
    assert compare_dbs.differences(str(tmp_path / "slow.db"), str(tmp_path / "fast.db")) == []
    assert after.counts == before.counts and after.warnings == before.warnings
    assert after.conflicts_found == before.conflicts_found > 0
    with sqlite3.connect(tmp_path / "fast.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        indexes = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'")
    with sqlite3.connect(tmp_path / "slow.db") as db:
        assert (
            indexes.fetchone()
            == db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'index'").fetchone()
        )


def test_a_second_import_scans_only_what_it_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a database holding other claims, the scan keeps to the claims the run changed:
    the same conflicts as the scan of those claims alone."""
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "0")
    records = _records()
    first, second = records[:100], records[:12] + records[100:]
    for name in ("slow", "fast"):
        with monkeypatch.context() as patch:
            if name == "slow":
                _slow(patch)
            else:
                patch.setattr(importer, "REBUILD_INDEXES_FROM", 0)
            _import(tmp_path / f"{name}.db", _write(tmp_path, first))
            _import(tmp_path / f"{name}.db", _write(tmp_path, second))
    assert compare_dbs.differences(str(tmp_path / "slow.db"), str(tmp_path / "fast.db")) == []


def test_a_failing_import_keeps_every_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "0")
    monkeypatch.setattr(importer, "REBUILD_INDEXES_FROM", 0)
    db = tmp_path / "f.db"
    _import(db, _write(tmp_path, _records()[:20]))
    with sqlite3.connect(db) as connection:
        schema = connection.execute("SELECT * FROM sqlite_master ORDER BY name").fetchall()
        claims = connection.execute("SELECT * FROM claim ORDER BY id").fetchall()
    bad = [*_records(), {"type": "claim", "source": "nowhere", "statement": "No such source"}]
    with pytest.raises(ImportFailed, match="nowhere"):
        _import(db, _write(tmp_path, bad))
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT * FROM sqlite_master ORDER BY name").fetchall() == schema
        assert connection.execute("SELECT * FROM claim ORDER BY id").fetchall() == claims


@pytest.mark.parametrize("published", ["32.13.2020", "вчера", "not a date at all"])
def test_a_bad_source_date_read_by_workers_fails_as_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, published: str
) -> None:
    records = _records()
    records[3] = {**records[3], "published": published}
    paths = _write(tmp_path, records)
    messages = []
    for workers in ("0", "2"):
        monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, workers)
        with pytest.raises(ImportFailed) as failed:
            _import(tmp_path / f"w{workers}.db", paths)
        messages.append(str(failed.value))
    assert messages[0] == messages[1]
    assert "published" in messages[0]


@pytest.mark.postgres
@pytest.mark.parametrize("fails", [False, True])
def test_a_large_import_leaves_the_server_planner_statistics(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, fails: bool
) -> None:
    """On PostgreSQL a large run ends by analysing what it filled (pg_class.reltuples is
    -1 for a table never analysed); a run that fails rolls the statistics back too."""
    monkeypatch.setattr(importer, "ANALYSE_FROM", 1)
    records = _records()
    if fails:
        records.append({"type": "claim", "source": "no-such-source", "statement": "x"})
    paths = _write(tmp_path, records)
    database = Database.open(db_url)
    try:
        if fails:
            with pytest.raises(ImportFailed), database.session(write=True) as session:
                import_files(session, paths)
        else:
            with database.session(write=True) as session:
                import_files(session, paths)
        with database.session() as session:
            claims = session.execute(
                text("SELECT reltuples FROM pg_class WHERE relname = 'claim'")
            ).scalar_one()
            stored = session.execute(text("SELECT count(*) FROM claim")).scalar_one()
    finally:
        database.close()
    if fails:
        assert stored == 0
        assert claims <= 0  # never analysed (-1), as before the run
    else:
        assert stored > 100
        assert claims == stored
