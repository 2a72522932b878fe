"""A full conflict scan handed half to a second process (factbase.analysis.conflicts,
``in_parts``) records exactly what one process records: the same conflicts found, found
again, withdrawn and flagged stale, numbered alike, on real databases."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import PG_URL, Cli, query_rows, reset_postgres, writing
from sqlalchemy import text

from factbase.analysis import conflicts
from factbase.store.database import Database

_ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("generate", _ROOT / "benchmarks/generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

CONFLICT_ROWS = (
    "SELECT id, claim_a_id, claim_b_id, kind, cause, explanation, status, stale "
    "FROM conflict ORDER BY id"
)


@pytest.fixture(scope="module")
def claims_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scan-parts") / "claims.jsonl"
    with path.open("w", encoding="utf-8") as out:
        generate.write(3000, 7, out)
    return path


def _prepared(url: str, claims_file: Path) -> None:
    """Imported, then changed behind the scan's back: some conflicts forgotten (found
    anew), some decided, and some claims moved to another property (their conflicts no
    longer hold: the open ones are withdrawn, the decided flagged stale)."""
    Cli(url).ok("import", str(claims_file))
    with writing(url) as session:
        session.execute(text("DELETE FROM conflict WHERE id % 3 = 0"))
        session.execute(text("UPDATE conflict SET status = 'dismissed' WHERE id % 5 = 1"))
        session.execute(
            text("UPDATE claim SET property_key = property_key || '-x' WHERE id % 7 = 0")
        )


def _scanned(url: str, workers: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    monkeypatch.setenv(conflicts.SCAN_WORKERS_VARIABLE, workers)
    said = Cli(url).ok("conflicts", "scan").stdout
    return said, query_rows(url, CONFLICT_ROWS)


@pytest.mark.slow
def test_two_halves_record_what_one_process_records(
    db_url: str, tmp_path: Path, claims_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pristine = None if PG_URL else tmp_path / "pristine.db"
    if pristine is not None:
        shutil.copyfile(db_url, pristine)
    _prepared(db_url, claims_file)
    alone = _scanned(db_url, "0", monkeypatch)
    # The same changes again, on a database as empty as the first.
    if pristine is None:
        reset_postgres(db_url)
        Database.open(db_url).close()
    else:
        shutil.copyfile(pristine, db_url)
    _prepared(db_url, claims_file)
    halves = _scanned(db_url, "1", monkeypatch)
    assert halves == alone
    said = alone[0]
    # Every path of the scan was taken: found anew, found again, withdrawn.
    assert " 0 new conflicts" not in said and " 0 already known" not in said, said
    assert " 0 withdrawn" not in said, said
    assert any(row[-1] for row in alone[1]), "no conflict was flagged stale"


def test_each_half_holds_whole_blocks(db_url: str, claims_file: Path) -> None:
    Cli(db_url).ok("import", str(claims_file))
    database = Database.open(db_url, create=False)
    try:
        with database.session() as session:
            halves = [list(conflicts._blocks(session, None, part)) for part in (0, 1)]
            whole = list(conflicts._blocks(session, None))
    finally:
        database.close()
    keys = [{block[0].block for block in half} for half in halves]
    assert keys[0] and keys[1] and not keys[0] & keys[1]
    by_key = {block[0].block: [m.id for m in block] for block in whole}
    assert {block[0].block: [m.id for m in block] for half in halves for block in half} == by_key


def test_only_a_writing_session_hands_half_away(
    db_url: str, claims_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other process reads what is committed: only a session holding the writers off
    can be sure that is what it reads."""
    Cli(db_url).ok("import", str(claims_file))
    monkeypatch.setenv(conflicts.SCAN_WORKERS_VARIABLE, "1")
    database = Database.open(db_url, create=False)
    try:
        with database.session() as session, conflicts._second_half(session) as other:
            assert other is None
        with database.session(write=True) as session, conflicts._second_half(session) as other:
            assert other is not None
        monkeypatch.setenv(conflicts.SCAN_WORKERS_VARIABLE, "0")
        with database.session(write=True) as session, conflicts._second_half(session) as other:
            assert other is None
        # Unasked, a database as small as this one is scanned in one process.
        monkeypatch.delenv(conflicts.SCAN_WORKERS_VARIABLE)
        with database.session(write=True) as session, conflicts._second_half(session) as other:
            assert other is None
    finally:
        database.close()


def test_a_second_half_that_fails_writes_nothing(
    db_url: str, claims_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Cli(db_url).ok("import", str(claims_file))
    with writing(db_url) as session:
        session.execute(text("DELETE FROM conflict WHERE id % 2 = 0"))
    before = query_rows(db_url, CONFLICT_ROWS)
    started = conflicts.WorkerProcess
    missing = str(tmp_path / "missing.db")

    def elsewhere(name: str, target: Any, _location: str, *args: Any) -> Any:
        return started(name, target, missing, *args)

    monkeypatch.setattr(conflicts, "WorkerProcess", elsewhere)
    monkeypatch.setenv(conflicts.SCAN_WORKERS_VARIABLE, "1")
    failed = Cli(db_url)("conflicts", "scan")
    assert failed.exit_code != 0
    assert "missing.db" in failed.stderr and len(failed.stderr.strip().splitlines()) == 1
    assert query_rows(db_url, CONFLICT_ROWS) == before
