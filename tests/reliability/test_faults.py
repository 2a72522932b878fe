"""Faults from outside, as an operator meets them: kills at random moments, odd file systems,
names that are not what they seem. Each test says which promise it holds.

Signals are sent after a delay drawn from a seeded generator, so a failing run can be
repeated exactly; the invariants are checked whatever moment the signal hit.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, factbase_command
from support import child_env, run_factbase

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="about SQLite files")


def _hidden_leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.startswith("."))


# -- where the database is --------------------------------------------------------------


def test_an_empty_location_is_an_error_not_the_default(tmp_path: Path) -> None:
    """A script whose variable is unset must not write into the personal database."""
    data = tmp_path / "xdg-data"
    for args, env in (
        (["--db", "", "add", "x", "-s", "1"], {}),
        (["add", "x", "-s", "1"], {"FACTBASE_DB": ""}),
        (["list"], {"FACTBASE_DB": "  "}),
    ):
        done = run_factbase(None, *args, env=child_env(XDG_DATA_HOME=str(data), **env))
        assert done.returncode == 1
        [line] = done.stderr.splitlines()
        assert line.startswith("factbase: error:") and "empty" in line
        assert not data.exists() or not any(data.rglob("*.db"))


@sqlite_only
def test_a_database_file_with_two_names_is_refused(tmp_path: Path) -> None:
    """SQLite keeps a WAL per name: writing through two hard links loses data."""
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    Cli(str(first)).ok("db", "upgrade")  # a reader creates no database
    os.link(first, second)
    before = first.read_bytes()
    for name in (first, second):
        for args in (("list",), ("show", "1"), ("add", "x", "-s", "1"), ("stats",)):
            done = run_factbase(str(name), *args)
            assert done.returncode == 1, (name, args, done.stderr)
            assert "hard links" in done.stderr and "Traceback" not in done.stderr
        url = f"sqlite:///{name}"
        assert run_factbase(url, "stats").returncode == 1
    assert first.read_bytes() == before
    second.unlink()
    assert run_factbase(str(first), "stats").returncode == 0


# -- outputs that appear whole or not at all ----------------------------------------------


@pytest.fixture(scope="module")
def _big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """20,000 claims: an export or a report that takes a moment to write."""
    import json

    from helpers import writing

    from factbase.interchange.importer import import_files

    folder = tmp_path_factory.mktemp("big")
    lines = [
        {"type": "outlet", "name": "Outlet", "stance": "neutral"},
        *({"type": "source", "key": f"s{n}", "outlet": "Outlet", "title": f"T {n}"}
          for n in range(200)),
        *(
            {
                "type": "claim",
                "key": f"c{n}",
                "source": f"s{n % 200}",
                "statement": f"Claim number {n} about oil exports and the CPC pipeline.",
                "subject": f"subject {n % 500}",
                "property": "share",
                "value": f"{n % 97}%",
                "topics": ["oil"],
            }
            for n in range(20_000)
        ),
    ]  # fmt: skip
    data = folder / "big.jsonl"
    data.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    path = folder / "big.db"
    with writing(str(path)) as session:
        import_files(session, [data])
    return path


@pytest.fixture
def big_db(tmp_path: Path, _big_template: Path) -> str:
    path = tmp_path / "big.db"
    shutil.copyfile(_big_template, path)
    return str(path)


def _start(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*factbase_command(), "--db", url, *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=child_env(),
    )


@sqlite_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signalled_export_leaves_no_part_and_the_old_file(
    big_db: str, tmp_path: Path, signum: int
) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "claims.csv"
    target.write_text("the previous export\n", encoding="utf-8")
    delays = random.Random(signum)
    for _ in range(4):
        process = _start(big_db, "export", "claims", "-o", str(target))
        # Once the export is writing (Python's own start-up is not ours to make quiet),
        # at a moment drawn from the seeded generator: mid-write or after the rename.
        _wait_for_part(out_dir, process)
        time.sleep(delays.uniform(0.0, 0.6))
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        assert "Traceback" not in stderr
        assert _hidden_leftovers(out_dir) == []
        text = target.read_text(encoding="utf-8")
        assert text == "the previous export\n" or text.startswith("id,key,")
        if process.returncode == 0:
            assert text.startswith("id,key,")
        else:
            assert text == "the previous export\n"
        caught = process.returncode == 128 + signum and signum != signal.SIGINT
        if caught:  # a SIGTERM or SIGHUP while writing: said so, in one line
            [line] = stderr.strip().splitlines()
            assert line.startswith("factbase: error: interrupted by")


@sqlite_only
def _wait_for_part(directory: Path, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not _hidden_leftovers(directory) and process.poll() is None:
        assert time.monotonic() < deadline, "the export never started writing"
        time.sleep(0.005)


def test_a_killed_exports_part_is_swept_by_the_next_run(big_db: str, tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    process = _start(big_db, "export", "claims", "-o", str(target))
    _wait_for_part(tmp_path, process)
    process.kill()
    process.communicate(timeout=60)
    Cli(big_db).ok("export", "claims", "-o", str(target))
    assert _hidden_leftovers(tmp_path) == []
    assert target.read_text(encoding="utf-8").startswith("id,key,")


@sqlite_only
def test_a_part_of_a_live_writer_is_left_alone(tmp_path: Path, db_url: str) -> None:
    """Another process writing the same file right now keeps its part."""
    target = tmp_path / "claims.csv"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = tmp_path / f".claims.csv.{sleeper.pid}.part"
        live.write_text("being written", encoding="utf-8")
        Cli(db_url).ok("export", "claims", "-o", str(target))
        assert live.exists()
    finally:
        sleeper.kill()
        sleeper.wait()


def _report_files(directory: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(directory.iterdir())}


@sqlite_only
def test_a_report_is_swapped_in_whole_or_not_at_all(
    big_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = tmp_path / "report"
    cli = Cli(big_db)
    cli.ok("report", "-o", str(report))
    first = _report_files(report)
    assert len(first) >= 3
    cli.ok("topics", "add", "transport")
    cli.ok("edit", "c1", "--topic", "transport")  # claims per topic change

    from factbase.interchange import exports

    written = {"count": 0}
    real = exports.write_csv

    def disk_fills_up(*args: object, **kwargs: object) -> int:
        written["count"] += 1
        if written["count"] == 3:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(exports, "write_csv", disk_fills_up)
    out = cli("report", "-o", str(report))
    assert out.exit_code == 1
    assert _report_files(report) == first
    assert _hidden_leftovers(tmp_path) == []
    monkeypatch.setattr(exports, "write_csv", real)
    cli.ok("report", "-o", str(report))
    assert _report_files(report) != first
    assert set(_report_files(report)) == set(first)


@sqlite_only
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_report_leaves_the_old_set_or_the_new(
    big_db: str, tmp_path: Path, signum: int
) -> None:
    report = tmp_path / "report"
    Cli(big_db).ok("report", "-o", str(report))
    first = _report_files(report)
    delays = random.Random(signum)
    for _ in range(3):
        process = _start(big_db, "report", "-o", str(report))
        time.sleep(delays.uniform(0.0, 2.0))
        process.send_signal(signum)
        process.communicate(timeout=60)
        Cli(big_db).ok("stats")  # any later run sweeps what a kill left
        run = Cli(big_db)("report", "-o", str(report), "--rows", "1")
        assert run.exit_code == 0, run.stderr
        assert set(_report_files(report)) == set(first)
        assert _hidden_leftovers(tmp_path) == []


@sqlite_only
def test_a_report_never_replaces_a_directory_of_other_files(db_url: str, tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "draft.md").write_text("my notes", encoding="utf-8")
    out = Cli(db_url)("report", "-o", str(mine))
    assert out.exit_code == 1 and "draft.md" in out.stderr
    assert _report_files(mine) == {"draft.md": "my notes"}


# -- file systems that refuse -------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs of our own (needs the right to mount, as root in CI has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(directory: Path) -> None:
    with suppress(OSError), (directory / "filler").open("wb") as out:
        while True:
            out.write(b"\0" * 4096)
            out.flush()


@sqlite_only
def test_a_read_only_directory_still_reads_and_refuses_writes_by_name(small_disk: Path) -> None:
    path = small_disk / "f.db"
    Cli(str(path)).ok("seed")
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args in (("list",), ("show", "1"), ("stats",), ("conflicts",), ("export", "claims")):
        done = run_factbase(str(path), *args)
        assert done.returncode == 0, (args, done.stderr)
    for args in (("add", "x", "-s", "1"), ("edit", "1", "--status", "corroborated")):
        done = run_factbase(str(path), *args)
        assert done.returncode == 1
        [line] = done.stderr.splitlines()
        assert line == f"factbase: error: database is read-only: {path}"


_READS = (("list",), ("show", "1"), ("stats",), ("conflicts",), ("export", "claims"))
_WRITES = (("add", "x", "-s", "1"), ("edit", "1", "--status", "corroborated"), ("seed",))


def _bind_mount(source: Path, target: Path, *options: str) -> None:
    done = subprocess.run(
        ["mount", "--bind", str(source), str(target)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip("cannot bind-mount a file here")
    if options:
        remount = ",".join(("remount", "bind", *options))
        subprocess.run(["mount", "-o", remount, str(target)], check=True)


@sqlite_only
def test_a_read_only_file_in_a_writable_directory_reads_and_refuses_writes(
    small_disk: Path,
) -> None:
    path = small_disk / "f.db"
    Cli(str(path)).ok("seed")
    _bind_mount(path, path, "ro")  # the file alone is read-only, even for root
    try:
        before = path.read_bytes()
        for args in _READS:
            done = run_factbase(str(path), *args)
            assert done.returncode == 0, (args, done.stderr)
        for args in _WRITES:
            done = run_factbase(str(path), *args)
            assert done.returncode == 1, (args, done.stdout)
            assert done.stderr == f"factbase: error: database is read-only: {path}\n"
        assert path.read_bytes() == before
    finally:
        subprocess.run(["umount", str(path)], check=False)


@sqlite_only
def test_a_writable_file_in_a_read_only_directory_reads_and_refuses_writes(
    small_disk: Path, tmp_path: Path
) -> None:
    """SQLite writes its journal (WAL and shared memory) beside the file: the directory
    decides, and a reader opens the file as immutable since it cannot make those."""
    writable = tmp_path / "writable.db"
    Cli(str(writable)).ok("seed")
    path = small_disk / "f.db"
    path.touch()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    _bind_mount(writable, path)  # a writable file, in a directory that is not
    try:
        before = path.read_bytes()
        for args in _READS:
            done = run_factbase(str(path), *args)
            assert done.returncode == 0, (args, done.stderr)
        for args in _WRITES:
            done = run_factbase(str(path), *args)
            assert done.returncode == 1, (args, done.stdout)
            assert done.stderr == (
                f"factbase: error: database is read-only: {path} (its directory is "
                "read-only, and SQLite writes its journal beside the file)\n"
            )
        assert path.read_bytes() == before
        assert sorted(p.name for p in small_disk.iterdir()) == ["f.db"]
    finally:
        subprocess.run(["umount", str(path)], check=False)


@sqlite_only
def test_a_new_database_on_a_read_only_mount_is_refused_in_one_line(small_disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    path = small_disk / "new.db"
    done = run_factbase(str(path), "outlet", "add", "Outlet", "--stance", "neutral")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith(f"factbase: error: database is read-only: cannot create {path}")
    done = run_factbase(str(path), "list")
    assert done.returncode == 1 and "no database at" in done.stderr


@sqlite_only
def test_a_full_disk_says_so_and_reads_still_work(small_disk: Path, tmp_path: Path) -> None:
    path = small_disk / "f.db"
    Cli(str(path)).ok("outlet", "add", "Outlet", "--stance", "neutral")
    _fill(small_disk)
    assert run_factbase(str(path), "outlet", "list").returncode == 0
    before = path.read_bytes()
    done = run_factbase(str(path), "outlet", "add", "Other", "--stance", "neutral")
    assert done.returncode == 1
    assert done.stderr.strip() == f"factbase: error: disk full at {path}; nothing was written"
    assert path.read_bytes() == before
    elsewhere = tmp_path / "f.db"
    Cli(str(elsewhere)).ok("seed")
    target = small_disk / "claims.csv"
    done = run_factbase(str(elsewhere), "export", "claims", "-o", str(target))
    assert done.returncode == 1
    assert done.stderr.strip() == f"factbase: error: disk full at {target}; nothing was written"
    assert not target.exists() and _hidden_leftovers(small_disk) == []


def test_a_data_directory_that_cannot_be_made_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory would go", encoding="utf-8")
    # A writer: a reader creates no directory, and says there is no database.
    write = ("outlet", "add", "Outlet", "--stance", "neutral")
    done = run_factbase(None, *write, env=child_env(XDG_DATA_HOME=str(blocker)))
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("factbase: error: cannot create the data directory")
    assert str(blocker) in line and "Traceback" not in done.stderr


# -- locks --------------------------------------------------------------------------------


def test_db_upgrade_of_a_current_database_needs_no_lock(db_url: str) -> None:
    """Another writer at work: an upgrade with nothing to do says so at once."""
    from factbase.store.database import Database

    with Database.open(db_url) as db, db.session(write=True):
        started = time.monotonic()
        done = run_factbase(db_url, "db", "upgrade")
        assert done.returncode == 0, done.stderr
        assert "nothing to do" in done.stdout
        assert time.monotonic() - started < 8  # the busy timeout is 10 s


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="PostgreSQL's table locks")
def test_a_reader_behind_an_exclusive_lock_gives_up_with_75(db_url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("LOCK TABLE claim IN ACCESS EXCLUSIVE MODE"))
            started = time.monotonic()
            done = run_factbase(db_url, "list", timeout=60)
            waited = time.monotonic() - started
        assert done.returncode == 75, done.stderr
        assert "database busy" in done.stderr
        assert waited < 30
    finally:
        engine.dispose()


# -- upgrades -----------------------------------------------------------------------------


def test_an_upgrade_from_the_first_schema_finds_the_conflicts_at_once(db_url: str) -> None:
    from helpers import query, seed

    from factbase.store.database import Database

    seed(db_url)
    expected = query(db_url, "SELECT count(*) AS n FROM conflict WHERE kind != 'declared'")
    with Database.open(db_url) as db:
        db.migrate("downgrade", "0001")
    done = run_factbase(db_url, "conflicts", "--status", "all", "--format", "json")
    assert done.returncode == 0, done.stderr
    assert "looked for conflicts" in done.stderr
    found = query(db_url, "SELECT count(*) AS n FROM conflict WHERE kind != 'declared'")
    assert found == expected and expected[0]["n"] > 0


# -- backups that restore -------------------------------------------------------------------


def test_export_all_is_one_snapshot_while_an_import_commits(db_url: str, tmp_path: Path) -> None:
    """An import that commits half-way through `export all` is wholly in the file or wholly
    out of it: the file always imports (on SQLite and PostgreSQL alike)."""
    import io
    import json
    import threading

    from helpers import seed, writing

    from factbase.interchange.dump import interchange_records, write_lines
    from factbase.interchange.importer import import_files
    from factbase.store.database import Database

    seed(db_url)
    late = tmp_path / "late.jsonl"
    late.write_text(
        json.dumps({"type": "source", "key": "late", "outlet": "SilkBridge.info", "title": "L"})
        + "\n"
        + json.dumps({"type": "claim", "key": "late-claim", "source": "late", "statement": "L."})
        + "\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    with Database.open(db_url) as db, db.session(snapshot=True) as session:
        records = interchange_records(session)
        first = [next(records) for _ in range(3)]  # the export is under way

        def concurrent_import() -> None:
            with writing(db_url) as other:
                import_files(other, [late])

        thread = threading.Thread(target=concurrent_import)
        thread.start()
        thread.join(timeout=60)
        assert not thread.is_alive()
        write_lines(out, iter([*first, *records]))
    document = out.getvalue()
    assert "late-claim" not in document  # the state when the export began, whole
    backup = tmp_path / "backup.jsonl"
    backup.write_text(document, encoding="utf-8")
    restored = tmp_path / "restored.db"
    Cli(str(restored)).ok("import", str(backup))
