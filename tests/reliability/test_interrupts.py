"""Ctrl-C: one line, exit 130, no traceback, and the database as it was unless the line says
what was committed. Real processes get a real SIGINT at a moment drawn from a seeded
generator, once they are at work."""

from __future__ import annotations

import json
import random
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, snapshot
from support import child_env, factbase_executable

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="about SQLite files")

NOTHING_WRITTEN = "factbase: interrupted; nothing was written\n"


@pytest.fixture(scope="module")
def big_import(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12,000 claims about 1,000 subjects: an import that takes seconds (5 s on the 2-core
    machine of the README's Performance section), so the signal lands before its commit."""
    folder = tmp_path_factory.mktemp("interrupts")
    lines = [
        {"type": "outlet", "name": "Outlet", "stance": "neutral"},
        *({"type": "source", "key": f"s{n}", "outlet": "Outlet", "title": f"T {n}"}
          for n in range(100)),
        *(
            {
                "type": "claim",
                "key": f"c{n}",
                "source": f"s{n % 100}",
                "statement": f"Claim number {n} about oil exports and the CPC pipeline.",
                "subject": f"subject {n % 1_000}",
                "property": "share",
                "value": f"{n % 97}%",
                "topics": ["oil"],
            }
            for n in range(12_000)
        ),
    ]  # fmt: skip
    path = folder / "big.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def _interrupt(location: Path, started: Path, delay: float, *args: str) -> tuple[int, str, str]:
    """Run `factbase --db LOCATION ARGS`, wait until ``started`` exists (the command is
    at work, past Python's own start-up), wait ``delay`` more, and send SIGINT."""
    assert not started.exists(), "left behind by the previous run"
    process = subprocess.Popen(
        [*factbase_executable(), "--db", str(location), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_env(),
    )
    deadline = time.monotonic() + 60
    while not started.exists() and process.poll() is None:
        assert time.monotonic() < deadline, "the command never started"
        time.sleep(0.005)
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=120)
    return process.returncode, stdout, stderr


@sqlite_only
def test_ctrl_c_during_an_import_writes_nothing(
    big_import: Path, tmp_path: Path, db_url: str
) -> None:
    Cli(db_url).ok("seed")
    before = snapshot(db_url)
    wal = Path(db_url).with_name(Path(db_url).name + "-wal")  # opened: the import is at work
    delays = random.Random(2)
    for _ in range(3):
        code, stdout, stderr = _interrupt(
            Path(db_url), wal, delays.uniform(0.0, 0.5), "import", str(big_import)
        )
        assert (code, stderr) == (130, NOTHING_WRITTEN), stdout
        assert "imported" not in stdout
        assert snapshot(db_url) == before


@sqlite_only
def test_ctrl_c_while_workers_read_the_claims_writes_nothing(
    big_import: Path, tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers reading claim records (factbase.interchange.claim_pool) ignore Ctrl-C;
    the importing process takes it, stops them and writes nothing, in one line."""
    monkeypatch.setenv("FACTBASE_IMPORT_WORKERS", "2")  # for this file of 12,000 claims
    Cli(db_url).ok("seed")
    before = snapshot(db_url)
    wal = Path(db_url).with_name(Path(db_url).name + "-wal")
    delays = random.Random(4)
    for _ in range(2):
        # Later than above: past the sources, while the workers start and read.
        code, stdout, stderr = _interrupt(
            Path(db_url), wal, delays.uniform(1.0, 3.0), "import", str(big_import)
        )
        assert (code, stderr) == (130, NOTHING_WRITTEN), stdout
        assert snapshot(db_url) == before


@sqlite_only
def test_ctrl_c_during_the_first_import_into_a_new_file_leaves_no_file(
    big_import: Path, tmp_path: Path
) -> None:
    place = tmp_path / "place"
    place.mkdir()
    new = place / "new.db"
    delays = random.Random(3)
    for _ in range(3):
        code, stdout, stderr = _interrupt(
            new, new, delays.uniform(0.0, 0.5), "import", str(big_import)
        )
        assert (code, stderr) == (130, NOTHING_WRITTEN), stdout
        assert sorted(p.name for p in place.iterdir()) == []


@sqlite_only
def test_ctrl_c_during_a_read_is_one_line(big_import: Path, tmp_path: Path) -> None:
    path = tmp_path / "big.db"
    Cli(str(path)).ok("import", str(big_import))
    copy = tmp_path / "copy.db"
    shutil.copyfile(path, copy)
    before = snapshot(str(copy))
    wal = copy.with_name(copy.name + "-wal")
    code, _, stderr = _interrupt(copy, wal, 0.2, "xref", "--limit", "0")
    if code == 0:
        pytest.skip("xref finished before the signal")
    assert (code, stderr) == (130, NOTHING_WRITTEN)
    assert snapshot(str(copy)) == before
