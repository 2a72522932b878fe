"""Tests of factbase.interchange.source_writer: the batched source path of `factbase import`.

Whatever the batch size, the batched path with ``--replace`` (a record is the whole
source) must store exactly what applying the records one at a time through
:func:`factbase.catalog.sources.add_source` and :func:`factbase.catalog.sources.update_source`
stores, count the same outcomes and fail on the same record with the same message. Without
``--replace`` a record updates only the fields it gives (tests/test_partial_import.py).
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factbase.catalog.outlets import find_outlet
from factbase.catalog.sources import SourceInput, add_source, find_source, update_source
from factbase.errors import FactbaseError, ImportFailed
from factbase.interchange import source_writer as source_import
from factbase.interchange.importer import ImportOptions, import_files
from factbase.interchange.source_writer import FIELDS
from factbase.store.database import Database
from factbase.store.models import Outlet, Source, SourceCite
from factbase.text.language import normalise_text

OUTLETS = [
    {"type": "outlet", "name": "SilkBridge.info", "stance": "neutral"},
    {"type": "outlet", "name": "Wire", "stance": "pro-western"},
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


@pytest.fixture
def outlets(db: Database, tmp_path: Path) -> Database:
    with db.session(write=True) as session:
        import_files(session, [write_jsonl(tmp_path / "outlets.jsonl", OUTLETS)])
    return db


def one_at_a_time(session: Session, data: SourceInput) -> str:
    """The documented rules applied with the ORM functions: key, else URL, else outlet+title."""
    existing = None
    for ref in (data.key, data.url):
        if ref:
            existing = find_source(session, ref)
            if existing is not None or data.key:
                break
    else:
        outlet = find_outlet(session, data.outlet)
        if outlet is not None:
            existing = session.scalar(
                select(Source)
                .where(
                    Source.outlet_id == outlet.id,
                    Source.title == normalise_text(data.title),
                    Source.key.is_(None),
                    Source.url.is_(None),
                )
                .order_by(Source.id)
            )
    if existing is None:
        add_source(session, data)
        return "added"
    return "updated" if update_source(session, existing, data) else "unchanged"


def stored_sources(session: Session) -> list[tuple[Any, ...]]:
    """Every source's values with the names of the outlets it cites, in id order.

    Not the ids: a rolled-back run still uses up PostgreSQL sequence numbers.
    """
    rows = []
    columns = [getattr(Source, name) for name in FIELDS]
    for source_id, *values in session.execute(select(Source.id, *columns).order_by(Source.id)):
        cited = session.scalars(
            select(Outlet.name)
            .join(SourceCite, SourceCite.outlet_id == Outlet.id)
            .where(SourceCite.source_id == source_id)
            .order_by(Outlet.name)
        )
        rows.append((*values, tuple(cited)))
    return rows


def stored_outlets(session: Session) -> list[tuple[Any, ...]]:
    """Outlets in id order; ids themselves differ between runs on PostgreSQL (sequences)."""
    query = select(Outlet.name, Outlet.stance).order_by(Outlet.id)
    return [tuple(row) for row in session.execute(query)]


def without_ids(message: str) -> str:
    return re.sub(r"source \d+ already", "source N already", message)


maybe = st.one_of(st.none(), st.just(""))
source_records = st.fixed_dictionaries(
    {
        "outlet": st.sampled_from(["SilkBridge.info", "silkbridge.INFO", "Wire", "1", "Nowhere"]),
        "title": st.sampled_from(["Статья", " Статья ", "Стаття про нафту", "Oil news", ""]),
    },
    optional={
        "key": st.one_of(maybe, st.sampled_from(["a", "b", " a ", "12", "bad key"])),
        "url": st.one_of(
            maybe, st.sampled_from(["https://x.org/1", "https://x.org/2", " https://x.org/1"])
        )
        | st.just("ftp://x"),
        "language": st.one_of(maybe, st.sampled_from(["ru", "uk", "xx"])),
        "published": st.one_of(maybe, st.sampled_from(["2022", "ноябрь 2023", "soon"])),
        "author": st.one_of(maybe, st.just(" A.  Author ")),
        "cites": st.lists(st.sampled_from(["Wire", "Reuters", "reuters", " "]), max_size=2),
        "note": st.one_of(maybe, st.just("a note")),
    },
)


def _bulk(db: Database, runs: list[list[dict[str, Any]]], batch_size: int) -> Any:
    """Import ``runs`` in turn with the batched path: rows, outlets and counts, or the error."""
    default = source_import.BATCH_SIZE
    source_import.BATCH_SIZE = batch_size
    try:
        with tempfile.TemporaryDirectory() as directory, db.session(write=True, commit=False) as s:
            counts = []
            for number, items in enumerate(runs):
                records = [{"type": "source", **item} for item in items]
                path = write_jsonl(Path(directory) / f"run{number}.jsonl", records)
                try:
                    summary = import_files(s, [path], options=ImportOptions(replace=True))
                except ImportFailed as exc:
                    return without_ids(exc.message)
                counts.append({k: n for k, n in summary.counts.items() if n})
            return stored_sources(s), stored_outlets(s), counts
    finally:
        source_import.BATCH_SIZE = default


def _orm(db: Database, runs: list[list[dict[str, Any]]]) -> Any:
    with db.session(write=True, commit=False) as session:
        counts = []
        for number, items in enumerate(runs):
            outcomes: dict[str, int] = {}
            for line, item in enumerate(items, start=1):
                data = {k: v for k, v in item.items() if v not in (None, "")}
                if not data.get("title"):
                    return f"run{number}.jsonl:{line}: title: required"
                try:
                    outcome = one_at_a_time(session, SourceInput(**data))
                except FactbaseError as exc:
                    return without_ids(f"run{number}.jsonl:{line}: {exc.message}")
                outcomes[f"sources {outcome}"] = outcomes.get(f"sources {outcome}", 0) + 1
            counts.append(outcomes)
        return stored_sources(session), stored_outlets(session), counts


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(st.lists(source_records, min_size=1, max_size=6), min_size=1, max_size=2),
    st.integers(1, 4),
)
@pytest.mark.slow
def test_batched_sources_store_what_one_at_a_time_stores(
    outlets: Database, runs: list[list[dict[str, Any]]], batch_size: int
) -> None:
    """Same rows, cited outlets, outcome counts and first error, for any batch size."""
    assert _bulk(outlets, runs, batch_size) == _orm(outlets, runs)


@pytest.mark.parametrize("replace", [False, True])
def test_a_repeated_key_in_one_batch_updates_the_source_just_added(
    outlets: Database, tmp_path: Path, replace: bool
) -> None:
    records: list[dict[str, Any]] = [
        {"type": "source", "key": "a", "outlet": "Wire", "title": "First", "cites": ["Reuters"]},
        {"type": "source", "key": "a", "outlet": "Wire", "title": "Second", "url": "https://x/1"},
        {"type": "source", "url": "https://x/1", "outlet": "Wire", "title": "Third"},
    ]
    with outlets.session(write=True) as session:
        summary = import_files(
            session,
            [write_jsonl(tmp_path / "s.jsonl", records)],
            options=ImportOptions(replace=replace),
        )
    assert summary.count("sources", "added") == 1
    assert summary.count("sources", "updated") == 2
    with outlets.session() as session:
        source = session.scalars(select(Source)).one()
        if replace:
            # The keyless record found it by URL and, being the whole source, took its
            # key and cited outlets away.
            assert (source.key, source.url, source.title) == (None, "https://x/1", "Third")
            assert source.cites == []
        else:
            # It found it by URL and changed only the title it gives.
            assert (source.key, source.url, source.title) == ("a", "https://x/1", "Third")
            assert [outlet.name for outlet in source.cites] == ["Reuters"]


def test_a_bad_source_after_written_batches_leaves_nothing(
    outlets: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(source_import, "BATCH_SIZE", 2)
    records = [
        {"type": "source", "key": f"s{n}", "outlet": "Wire", "title": f"T{n}", "cites": ["New"]}
        for n in range(7)
    ]
    records.append({"type": "source", "key": "s0x", "outlet": "Wire", "title": "T", "url": "x"})
    with pytest.raises(ImportFailed) as info, outlets.session(write=True) as session:
        import_files(session, [write_jsonl(tmp_path / "s.jsonl", records)])
    assert info.value.message.startswith("s.jsonl:8: url: URL 'x' must start with http")
    with outlets.session() as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 0
        assert find_outlet(session, "New") is None
