"""The database file: a command that only reads never creates one, and a write that fails
on a new location leaves nothing behind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, query, whole_command

from factbase.store.location import HEAD_REVISION

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="about SQLite files")

HINT = "(create it with `factbase db upgrade` or any write command)"

# Every command that only reads, with what it needs to get as far as opening the database.
READ_COMMANDS = [
    ("show", "39"),
    ("show", "39", "--format", "json"),
    ("list",),
    ("list", "--format", "csv"),
    ("list", "--topic", "oil"),
    ("history",),
    ("history", "39"),
    ("duplicates",),
    ("report",),
    ("stats",),
    ("outlet", "list"),
    ("stance", "list"),
    ("source", "list"),
    ("source", "show", "x"),
    ("conflicts",),
    ("conflicts", "show", "1"),
    ("xref",),
    ("export", "claims"),
    ("export", "conflicts"),
    ("export", "sources"),
    ("export", "outlets"),
    ("export", "all"),
    ("topics",),
    ("entities",),
    ("review",),
]


def _everything_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def _run_without_db(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`factbase ARGS` in-process with no --db: the default database."""
    code = whole_command().main(args=list(args), prog_name="factbase", standalone_mode=False)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("args", READ_COMMANDS, ids=" ".join)
def test_a_read_command_on_a_mistyped_path_creates_nothing(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    place = tmp_path / "place"
    place.mkdir()
    typo = place / "typo.db"
    out = Cli(str(typo))(*args)
    assert out.exit_code == 1
    assert out.stderr == f"factbase: error: no database at {typo} {HINT}\n"
    assert out.stdout == ""
    assert _everything_under(place) == []  # no file, no -wal, -shm or journal


def test_the_quick_reader_of_list_and_show_creates_nothing(tmp_path: Path) -> None:
    """`list` and `show` read SQLite with the standard library first: it must not create
    the file either (it leaves a missing one to the library, which refuses it)."""
    from factbase.claims.fastread import claim_view, claims_page
    from factbase.claims.filter import ClaimFilter

    typo = tmp_path / "typo.db"
    assert claim_view(str(typo), "39") is None
    assert claims_page(str(typo), ClaimFilter(topic="oil"), with_support=True) is None
    assert claims_page(None, ClaimFilter(), with_support=False) is None  # the default
    assert _everything_under(tmp_path) == []


def test_the_message_names_the_path_as_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = Cli("typo.db")("show", "39")
    assert out.exit_code == 1
    assert out.stderr == f"factbase: error: no database at typo.db {HINT}\n"
    assert not (tmp_path / "typo.db").exists()


def test_a_read_command_makes_no_directory(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "typo.db"
    out = Cli(str(missing))("list")
    assert out.exit_code == 1
    [line] = out.stderr.splitlines()
    assert line == (
        f"factbase: error: no database at {missing} (directory {missing.parent} does not exist)"
    )
    assert not (tmp_path / "no").exists()


def test_a_sqlite_url_with_no_file_behind_it_is_no_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'typo.db'}"
    out = Cli(url)("stats")
    assert out.exit_code == 1
    assert out.stderr == f"factbase: error: no database at {url} {HINT}\n"
    assert _everything_under(tmp_path) == []


def test_an_empty_file_is_no_database_for_a_reader(tmp_path: Path) -> None:
    empty = tmp_path / "touched.db"
    empty.touch()
    out = Cli(str(empty))("list")
    assert out.exit_code == 1
    [line] = out.stderr.splitlines()
    assert line.startswith(f"factbase: error: no database at {empty} (the file is empty;")
    assert empty.stat().st_size == 0
    assert _everything_under(tmp_path) == ["touched.db"]
    Cli(str(empty)).ok("outlet", "add", "Outlet", "--stance", "neutral")  # a writer makes it
    assert query(str(empty), "SELECT version_num FROM alembic_version") == [
        {"version_num": HEAD_REVISION}
    ]


def test_the_default_database_is_not_created_by_a_reader(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "xdg-data"
    default = data / "factbase" / "factbase.db"
    for args in (("list",), ("show", "1"), ("stats",), ("export", "claims")):
        code, err = _run_without_db(*args, capsys=capsys)
        assert code == 1
        assert err == f"factbase: error: no database at {default} {HINT}\n"
    assert not data.exists()  # not even the data directory
    code, err = _run_without_db("outlet", "add", "Outlet", "--stance", "neutral", capsys=capsys)
    assert code == 0, err
    assert default.is_file()
    code, err = _run_without_db("outlet", "list", capsys=capsys)
    assert code == 0, err


def test_db_current_on_a_missing_database_says_so_without_failing(tmp_path: Path) -> None:
    typo = tmp_path / "typo.db"
    out = Cli(str(typo)).ok("db", "current")
    assert out.stdout == f"empty: no database at {typo} {HINT}\n"
    assert _everything_under(tmp_path) == []


def test_a_reader_still_answers_from_an_existing_database(cli: Cli) -> None:
    cli.ok("outlet", "add", "Outlet", "--stance", "neutral")
    assert "Outlet" in cli.ok("outlet", "list").stdout
    assert cli.ok("list").stderr.strip() == "0 claims"


# -- a failed write on a new location ---------------------------------------------------


@pytest.fixture
def bad_import(tmp_path: Path) -> Path:
    path = tmp_path / "input" / "bad.jsonl"
    path.parent.mkdir()
    good = {"type": "outlet", "name": "Outlet", "stance": "neutral"}
    path.write_text(json.dumps(good) + '\n{"type": "claim"\n', encoding="utf-8")
    return path


def _failing_writes(tmp_path: Path, bad_import: Path) -> list[tuple[str, ...]]:
    return [
        ("import", str(tmp_path / "input" / "missing.jsonl")),
        ("import", str(bad_import)),
        ("add", "A claim.", "--source", "no-such-source"),
        ("edit", "39", "--status", "corroborated"),
        ("edit", "39", "--status", "corroborated", "--dry-run"),
        ("link", "1", "2", "--type", "supports"),
        ("outlet", "add", "Outlet", "--stance", "no-such-stance"),
        ("source", "add", "--outlet", "nope", "--key", "k", "--title", "T"),
        ("retract", "1", "--note", "wrong"),
        ("db", "downgrade", "base", "--yes"),
    ]


def test_a_failed_import_into_a_new_path_leaves_no_file(tmp_path: Path, bad_import: Path) -> None:
    place = tmp_path / "place"
    place.mkdir()
    out = Cli(str(place / "new.db"))("import", str(bad_import))
    assert out.exit_code == 1 and "bad.jsonl:2" in out.stderr
    assert _everything_under(place) == []


@pytest.mark.slow
def test_a_failed_write_on_a_new_path_leaves_no_file(tmp_path: Path, bad_import: Path) -> None:
    place = tmp_path / "place"
    place.mkdir()
    new = place / "new.db"
    for args in _failing_writes(tmp_path, bad_import):
        out = Cli(str(new))(*args)
        assert out.exit_code in (1, 2), (args, out.stdout)
        assert len(out.stderr.splitlines()) == 1, (args, out.stderr)
        assert _everything_under(place) == [], args


def test_a_failed_write_to_the_default_database_makes_no_data_directory(
    tmp_path: Path, bad_import: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for args in _failing_writes(tmp_path, bad_import)[:4]:
        code, err = _run_without_db(*args, capsys=capsys)
        assert code == 1, (args, err)
        assert not (tmp_path / "xdg-data").exists(), args


def test_a_failed_write_keeps_an_existing_database(cli: Cli, bad_import: Path) -> None:
    cli.ok("outlet", "add", "Outlet", "--stance", "neutral")
    before = Path(cli.url).read_bytes()
    assert cli("import", str(bad_import)).exit_code == 1
    assert cli("add", "A claim.", "--source", "nope").exit_code == 1
    assert Path(cli.url).read_bytes() == before


def test_a_write_that_succeeds_keeps_the_new_database(tmp_path: Path) -> None:
    new = tmp_path / "new.db"
    Cli(str(new)).ok("outlet", "add", "Outlet", "--stance", "neutral")
    assert [r["name"] for r in query(str(new), "SELECT name FROM outlet")] == ["Outlet"]


def test_a_new_file_someone_else_wrote_to_is_kept(tmp_path: Path) -> None:
    """The file goes only if nobody committed anything to it: another process may have."""
    from helpers import writing

    from factbase.catalog.outlets import add_outlet
    from factbase.store.database import Database

    new = tmp_path / "new.db"
    mine = Database.open(str(new))
    assert mine.created == new
    with writing(str(new)) as session:  # another writer, between this one's transactions
        add_outlet(session, "Outlet", "neutral")
    mine.discard_if_new()
    mine.close()
    assert new.is_file()
    assert [r["name"] for r in query(str(new), "SELECT name FROM outlet")] == ["Outlet"]


def test_a_new_file_another_connection_has_open_is_kept(tmp_path: Path) -> None:
    import sqlite3

    from factbase.store.database import Database

    new = tmp_path / "new.db"
    mine = Database.open(str(new))
    other = sqlite3.connect(new)
    try:
        other.execute("SELECT count(*) FROM outlet").fetchall()
        mine.discard_if_new()
    finally:
        other.close()
        mine.close()
    assert new.is_file()


def test_a_file_made_by_someone_else_meanwhile_is_not_ours_to_remove(tmp_path: Path) -> None:
    from factbase.store.database import Database

    new = tmp_path / "new.db"
    mine = Database.open(str(new))
    Database.open(str(tmp_path / "other.db")).close()
    (tmp_path / "other.db").replace(new)
    mine.discard_if_new()
    mine.close()
    assert new.is_file()


# -- Ctrl-C ------------------------------------------------------------------------------


def _stop(*_args: object, **_kwargs: object) -> None:
    raise KeyboardInterrupt


@pytest.fixture
def one_outlet(tmp_path: Path) -> Path:
    path = tmp_path / "outlet.jsonl"
    line = {"type": "outlet", "name": "Outlet", "stance": "neutral"}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def test_ctrl_c_before_the_commit_writes_nothing_and_says_so(
    cli: Cli, one_outlet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from helpers import snapshot

    from factbase.interchange import importer

    before = snapshot(cli.url)
    monkeypatch.setattr(importer, "_import_files", _stop)
    out = cli("import", str(one_outlet))
    assert (out.exit_code, out.stdout) == (130, "")
    assert out.stderr == "factbase: interrupted; nothing was written\n"
    assert snapshot(cli.url) == before


def test_ctrl_c_after_the_commit_says_what_stays(
    cli: Cli, one_outlet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factbase.cli import imports

    monkeypatch.setattr(imports, "_print_summary", _stop)
    out = cli("import", str(one_outlet))
    assert (out.exit_code, out.stdout) == (130, "")
    assert out.stderr == (
        "factbase: interrupted; what it had committed stays (1 transaction); "
        "nothing else was written\n"
    )
    assert [r["name"] for r in query(cli.url, "SELECT name FROM outlet")] == ["Outlet"]


def test_ctrl_c_in_the_first_write_to_a_new_path_leaves_no_file(
    tmp_path: Path, one_outlet: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factbase.interchange import importer

    monkeypatch.setattr(importer, "_import_files", _stop)
    place = tmp_path / "place"
    place.mkdir()
    out = Cli(str(place / "new.db"))("import", str(one_outlet))
    assert out.exit_code == 130
    assert _everything_under(place) == []


def test_ctrl_c_during_a_commit_is_taken_once_it_is_done() -> None:
    import signal

    from factbase.store.interrupts import interrupts_deferred

    done = []
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # as in `factbase`
    try:
        with pytest.raises(KeyboardInterrupt), interrupts_deferred():
            handler = signal.getsignal(signal.SIGINT)
            assert callable(handler)
            handler(signal.SIGINT, None)  # Ctrl-C, as the signal would call it
            done.append("committed")
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert done == ["committed"]
