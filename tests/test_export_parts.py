"""A whole claims export written in two parts at once (factbase.interchange.export_parts):
the same bytes as one process writes, one snapshot, nothing left behind, against real
databases."""

from __future__ import annotations

import multiprocessing
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from helpers import PG_URL, Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbase.claims.filter import ClaimFilter, Sort
from factbase.errors import FactbaseError
from factbase.interchange import export_parts
from factbase.interchange.claim_rows import IdSpan, claim_records
from factbase.interchange.export_parts import TableOutput, cuttable, middle_id
from factbase.store.database import Database
from factbase.store.worker_process import run_target
from factbase.vocabulary import ExportFormat

EVERY_CLAIM = ClaimFilter(limit=None, sort=Sort.ID)

OPTIONS = [
    ["--format", "csv"],
    ["--format", "tsv"],
    ["--format", "jsonl"],
    ["--format", "csv", "--excel"],
    ["--format", "csv", "--fields", "id,statement,topics,disputing_stances", "--no-headers"],
    ["--format", "jsonl", "--fields", "id,quote,open_conflicts", "--include-retracted"],
]


@pytest.fixture
def seeded(seeded_url: str) -> str:
    return seeded_url


def _export(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, workers: str, target: Path, *options: str
) -> bytes:
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, workers)
    cli.ok("export", "claims", *options, "-o", str(target))
    return target.read_bytes()


@pytest.mark.parametrize("options", OPTIONS, ids=" ".join)
def test_two_parts_write_the_bytes_one_process_writes(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    cli = Cli(seeded)
    suffix = options[1]
    alone = _export(cli, monkeypatch, "0", tmp_path / f"alone.{suffix}", *options)
    cut = _export(cli, monkeypatch, "1", tmp_path / f"cut.{suffix}", *options)
    assert cut == alone
    assert alone.count(b"\n") > 100  # every claim, not an empty file twice
    # Nothing beside the outputs: the second part was appended and removed.
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == f".{suffix}") == [
        f"alone.{suffix}",
        f"cut.{suffix}",
    ]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_two_parts_to_stdout(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = Cli(seeded)
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "0")
    alone = cli.ok("export", "claims", "--format", "csv").stdout
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "1")
    cut = cli.ok("export", "claims", "--format", "csv")
    assert cut.stdout == alone
    assert len(alone.splitlines()) > 100


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(place=st.floats(min_value=-0.1, max_value=1.1))
def test_parts_cut_anywhere_add_up_to_the_whole(seeded: str, place: float) -> None:
    with Database.open(seeded, create=False) as database, database.session() as session:
        whole = list(claim_records(session, EVERY_CLAIM))
        first, last = whole[0][0], whole[-1][0]
        cut = int(first - 1 + place * (last - first + 1))
        parts = list(claim_records(session, EVERY_CLAIM, IdSpan(upto=cut)))
        parts += list(claim_records(session, EVERY_CLAIM, IdSpan(after=cut)))
    assert parts == whole


def test_only_a_whole_export_in_a_flat_format_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(export_parts.WORKERS_VARIABLE, raising=False)
    csv = TableOutput(ExportFormat.CSV)
    assert cuttable(EVERY_CLAIM, csv)
    assert cuttable(EVERY_CLAIM, TableOutput(ExportFormat.JSONL, ("id",), True))
    assert not cuttable(ClaimFilter(topic="oil", limit=None, sort=Sort.ID), csv)
    assert not cuttable(ClaimFilter(limit=10, sort=Sort.ID), csv)
    assert not cuttable(ClaimFilter(limit=None, sort=Sort.PUBLISHED), csv)
    assert not cuttable(EVERY_CLAIM, TableOutput(ExportFormat.JSON))
    assert not cuttable(EVERY_CLAIM, TableOutput(ExportFormat.MARKDOWN))
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "0")
    assert not cuttable(EVERY_CLAIM, csv)


def test_small_exports_stay_in_one_process(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with Database.open(seeded, create=False) as database, database.session() as session:
        monkeypatch.delenv(export_parts.WORKERS_VARIABLE, raising=False)
        assert middle_id(session) is None  # the seed: far fewer than MIN_CLAIMS
        monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "1")
        ids = [
            row[0]
            for row in claim_records(
                session, ClaimFilter(limit=None, sort=Sort.ID, include_retracted=True)
            )
        ]
        assert middle_id(session) == (min(ids) + max(ids)) // 2


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
def test_commits_are_held_off_until_both_snapshots_are_taken(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "1")  # the seed is cut only when asked
    with Database.open(seeded, create=False) as database:
        held = export_parts._CommitsHeld.take(database)
        assert held is not None
        other = sqlite3.connect(seeded, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
            held.release()
            other.execute("BEGIN IMMEDIATE")  # free again
            # Another writer holding the lock: no second part, no waiting on it.
            assert export_parts._CommitsHeld.take(database) is None
            other.execute("ROLLBACK")
        finally:
            other.close()


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
def test_an_export_too_small_to_cut_holds_off_no_writer(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(export_parts.WORKERS_VARIABLE, raising=False)
    with Database.open(seeded, create=False) as database:
        assert export_parts._CommitsHeld.take(database) is None
        other = sqlite3.connect(seeded, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # the lock is free: nothing took it
            other.execute("ROLLBACK")
        finally:
            other.close()


def test_the_second_part_loses_its_name_once_the_worker_has_started(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written to stdout, the part goes in the temporary folder: it must not outlive a kill
    of both processes there, where no later export sweeps."""
    temporary, output = tmp_path / "tmp", tmp_path / "out"
    temporary.mkdir()
    output.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    csv = TableOutput(ExportFormat.CSV)
    with (
        Database.open(seeded, create=False) as database,
        database.session(snapshot=True) as session,
    ):
        expected = len(list(claim_records(session, EVERY_CLAIM, None)))
        snapshot = export_parts._exported_snapshot(session)
        every = IdSpan(after=0)
        with export_parts._Worker(database, EVERY_CLAIM, every, csv, None, snapshot) as worker:
            worker.wait_started()
            assert list(temporary.iterdir()) == []
            with (output / "part.csv").open("w", encoding="utf-8", newline="") as out:
                assert worker.append_to(out) == expected
    assert list(temporary.iterdir()) == []
    lines = (output / "part.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("1,")  # the second part has no header row


@pytest.mark.skipif(bool(PG_URL), reason="SQLite's write lock")
def test_a_writer_at_work_means_one_process_and_the_same_bytes(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(seeded)
    alone = _export(cli, monkeypatch, "0", tmp_path / "alone.csv", "--format", "csv")
    other = sqlite3.connect(seeded, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        during = _export(cli, monkeypatch, "1", tmp_path / "during.csv", "--format", "csv")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert during == alone


def test_a_failing_second_part_says_why_and_leaves_no_file(tmp_path: Path) -> None:
    receiving, sending = multiprocessing.Pipe(duplex=False)
    beside = tmp_path / "claims.csv"
    run_target(
        "the export's second process",
        export_parts._write_part,
        sending,
        str(tmp_path / "missing.db"),
        EVERY_CLAIM,
        IdSpan(after=0),
        TableOutput(ExportFormat.CSV),
        str(beside),
        None,
    )
    kind, error = receiving.recv()
    assert kind == "failed"
    assert isinstance(error, FactbaseError)
    assert "missing.db" in str(error)
    assert list(tmp_path.iterdir()) == []


def test_a_worker_that_cannot_start_fails_the_export_in_one_line(
    seeded: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """This process writes its half while the worker starts: a worker that never does
    must still end the export with its reason, leaving no output and no part."""
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "1")
    started = export_parts.WorkerProcess
    missing = str(tmp_path / "missing.db")

    def elsewhere(name: str, target: Any, _location: str, *args: Any) -> Any:
        return started(name, target, missing, *args)

    monkeypatch.setattr(export_parts, "WorkerProcess", elsewhere)
    folder = tmp_path / "out"
    folder.mkdir()
    failed = Cli(seeded)("export", "claims", "--format", "csv", "-o", str(folder / "c.csv"))
    assert failed.exit_code != 0
    assert "missing.db" in failed.stderr and len(failed.stderr.strip().splitlines()) == 1
    assert "Traceback" not in failed.stderr
    assert list(folder.iterdir()) == []
