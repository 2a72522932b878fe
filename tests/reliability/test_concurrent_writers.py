"""Several people writing at once: every claim lands exactly once, nobody sees
"database is locked", and a lock held past the busy timeout is exit code 75.

On SQLite writers queue on the file's write lock (BEGIN IMMEDIATE and the busy
timeout); on PostgreSQL on factbase's writer lock. The same tests run on both.
"""

from __future__ import annotations

import json
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import Cli, snapshot
from sqlalchemy import text
from support import (
    add_source,
    assert_healthy,
    claim_keys,
    run_factbase,
    start_factbase,
    start_worker,
)

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

WRITERS = 8
CLAIMS_PER_WRITER = 100
CLI_WRITERS = 2  # the last two writers go through `factbase add`'s entry point
IMPORTED_CLAIMS = 100
CONCURRENT_ROUNDS = 3
# The reader that runs while everyone writes. When `factbase export` lands, switch
# to it here, e.g. ("export", "--format", "jsonl"); the checks below stay the same.
CONCURRENT_READER = ("list", "--format", "jsonl", "--limit", "0")
# What must never reach a user while writers wait their turn.
NEVER_SHOWN = ("database is locked", "Traceback", "factbase: error", "internal error")


def _import_file(directory: Path) -> Path:
    lines = [
        {
            "type": "claim",
            "key": f"imp-{number:03d}",
            "source": "rel-src",
            "statement": f"The imported file reports finding number {number}.",
            "language": "en",
            "topics": ["concurrency", "imported"],
        }
        for number in range(IMPORTED_CLAIMS)
    ]
    path = directory / "imported.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _expected_keys() -> list[str]:
    written = [
        f"w{writer}-{number:03d}"
        for writer in range(WRITERS)
        for number in range(CLAIMS_PER_WRITER)
    ]
    return sorted(written + [f"imp-{number:03d}" for number in range(IMPORTED_CLAIMS)])


def _finished(process: subprocess.Popen[str], what: str) -> str:
    stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, f"{what} exited {process.returncode}: {stderr}"
    for text_ in NEVER_SHOWN:
        assert text_ not in stderr, f"{what}: {stderr}"
    return stdout


def _check_reader_output(stdout: str) -> int:
    rows = [json.loads(line) for line in stdout.splitlines()]
    keys = [row["key"] for row in rows]
    assert len(keys) == len(set(keys)), "a claim was listed twice"
    return len(rows)


def test_eight_writers_an_import_a_scan_and_a_reader_at_once(db_url: str, tmp_path: Path) -> None:
    add_source(db_url)
    imported = _import_file(tmp_path)
    go = tmp_path / "go"
    writers = [
        start_worker(
            "cli" if number >= WRITERS - CLI_WRITERS else "library",
            db_url,
            f"w{number}",
            str(CLAIMS_PER_WRITER),
            str(go),
        )
        for number in range(WRITERS)
    ]
    for writer in writers:  # loaded and connected: now they start together
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "ready", writer.communicate()[1]
    go.touch()
    importer = start_factbase(db_url, "import", str(imported))
    # A few rounds of a full scan and a full read while the writers work: more would
    # only take the two cores away from the writers.
    seen_while_writing: list[int] = []
    for _round in range(CONCURRENT_ROUNDS):
        scan = start_factbase(db_url, "conflicts", "scan")
        reader = start_factbase(db_url, *CONCURRENT_READER)
        seen_while_writing.append(_check_reader_output(_finished(reader, "reader")))
        _finished(scan, "conflicts scan")
        if all(writer.poll() is not None for writer in writers):
            break
    for number, writer in enumerate(writers):
        _finished(writer, f"writer {number}")
    assert "imported" in _finished(importer, "import")

    keys = claim_keys(db_url)
    assert keys == _expected_keys()  # every claim once: none lost, none doubled
    assert seen_while_writing == sorted(seen_while_writing)  # readers saw only committed work
    final = run_factbase(db_url, *CONCURRENT_READER)
    assert final.returncode == 0 and _check_reader_output(final.stdout) == len(keys)
    # Each claim was checked against everything committed before it, so a full scan
    # afterwards finds nothing the concurrent writers missed.
    rescan = run_factbase(db_url, "conflicts", "scan")
    assert rescan.returncode == 0, rescan.stderr
    assert " 0 new conflicts" in rescan.stdout, rescan.stdout
    topics = run_factbase(db_url, "topics", "--format", "json")
    slugs = [row["slug"] for row in json.loads(topics.stdout)]
    assert slugs.count("concurrency") == 1
    assert_healthy(db_url)


# -- the busy timeout -------------------------------------------------------------------


@contextmanager
def write_lock_held(url: str, *, release_after: float | None = None) -> Iterator[None]:
    """Another client holding the write lock, as a long `factbase import` would."""
    from factbase.store.database import Database

    taken, release = threading.Event(), threading.Event()
    failure: list[BaseException] = []

    def hold() -> None:
        try:
            database = Database.open(url)
            try:
                with database.session(write=True) as session:
                    session.execute(text("SELECT 1"))  # the lock is taken at the first statement
                    taken.set()
                    release.wait(release_after or 30)
            finally:
                database.close()
        except BaseException as exc:  # reported by the test, not lost in the thread
            failure.append(exc)
            taken.set()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert taken.wait(30) and not failure, failure
        yield
    finally:
        release.set()
        holder.join(30)
    assert not failure, failure


def test_a_lock_held_past_the_busy_timeout_is_exit_75_and_writes_nothing(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import factbase.store.database

    add_source(db_url)
    monkeypatch.setattr(factbase.store.database, "BUSY_TIMEOUT_SECONDS", 0.3)
    cli = Cli(db_url)
    with write_lock_held(db_url):
        before = snapshot(db_url)  # readers are never blocked by a writer
        listed = cli("list", "--format", "jsonl")
        started = time.monotonic()
        out = cli("add", "Blocked.", "--source", "rel-src", "--language", "en")
        waited = time.monotonic() - started
    assert listed.exit_code == 0, listed.stderr
    assert out.exit_code == 75, (out.stdout, out.stderr)
    [line] = out.stderr.splitlines()
    assert line.startswith("factbase: error: database busy")
    assert line.endswith("try again")
    assert "locked" not in line and "Traceback" not in out.stderr
    assert 0.2 <= waited < 5
    assert snapshot(db_url) == before


def test_a_writer_waits_for_a_lock_held_less_than_the_timeout(db_url: str) -> None:
    add_source(db_url)
    cli = Cli(db_url)
    with write_lock_held(db_url, release_after=0.5):
        started = time.monotonic()
        out = cli("add", "Waited.", "--source", "rel-src", "--language", "en", "--key", "waited")
        waited = time.monotonic() - started
    assert out.exit_code == 0, out.stderr
    assert waited >= 0.4
    assert "waited" in claim_keys(db_url)
