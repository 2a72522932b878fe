"""Where the database lives and how `factbase db …` manages its schema.

Opening is one code path: the first command creates and migrates the database,
later commands upgrade an older one in place, and a foreign or newer database
is refused without being touched.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, query_rows, run_factbase, snapshot
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from factbase.store.database import HEAD_REVISION

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="checks SQLite files and paths")


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    """`factbase ARGS` in-process without --db: the location comes from the environment."""
    from factbase.cli import app

    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def tables(url: str) -> set[str]:
    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    if "alembic_version" not in tables(url):
        return None
    rows = query_rows(url, "SELECT version_num FROM alembic_version")
    return rows[0][0] if rows else None


def sqlite_revision(path: Path) -> str:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- where the database is -----------------------------------------------------------


@pytest.mark.slow
def test_first_command_creates_the_database_in_the_data_directory(tmp_path: Path) -> None:
    """A real process, run from another directory, with no set-up at all."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    expected = tmp_path / "xdg-data" / "factbase" / "factbase.db"
    assert not expected.exists()
    # A command that only reads creates nothing; the first that writes creates it.
    result = run_factbase("stance", "list", "--format", "csv", cwd=elsewhere)
    assert result.returncode == 1 and "no database at" in result.stderr
    assert not expected.parent.exists()
    result = run_factbase("outlet", "add", "Outlet", "--stance", "neutral", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    result = run_factbase("stance", "list", "--format", "csv", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert "pro-western" in result.stdout
    assert expected.is_file()
    assert sqlite_revision(expected) == HEAD_REVISION
    assert list(elsewhere.iterdir()) == []
    assert run("db", "path")[1].strip() == str(expected)
    assert run("db", "current")[1].strip() == f"{HEAD_REVISION} (head)"


def test_db_path_defaults_to_the_data_directory(tmp_path: Path) -> None:
    code, out, _ = run("db", "path")
    assert code == 0
    assert out.strip() == str(tmp_path / "xdg-data" / "factbase" / "factbase.db")


def test_db_option_takes_a_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, _ = run("--db", "mine.db", "db", "path")
    assert (code, out.strip()) == (0, str(tmp_path / "mine.db"))
    code, _, _ = run("--db", "mine.db", "outlet", "add", "X", "--stance", "neutral")
    assert code == 0
    assert sqlite_revision(tmp_path / "mine.db") == HEAD_REVISION
    assert not (tmp_path / "xdg-data" / "factbase" / "factbase.db").exists()


def test_db_option_takes_a_sqlite_url(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'by-url.db'}"
    code, out, _ = run("--db", url, "db", "path")
    assert (code, out.strip()) == (0, str(tmp_path / "by-url.db"))
    code, _, _ = run("--db", url, "outlet", "add", "X", "--stance", "neutral")
    assert code == 0
    assert sqlite_revision(tmp_path / "by-url.db") == HEAD_REVISION


def test_environment_variable_points_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTBASE_DB", str(tmp_path / "from-env.db"))
    code, out, _ = run("db", "path")
    assert (code, out.strip()) == (0, str(tmp_path / "from-env.db"))
    code, _, _ = run("outlet", "add", "X", "--stance", "neutral")
    assert code == 0
    assert sqlite_revision(tmp_path / "from-env.db") == HEAD_REVISION
    # --db wins over the environment.
    code, out, _ = run("--db", str(tmp_path / "option.db"), "db", "path")
    assert out.strip() == str(tmp_path / "option.db")


def test_db_path_hides_a_password() -> None:
    code, out, _ = run(
        "--db", "postgresql+psycopg://alice:s3cr3t@db.example/factbase", "db", "path"
    )
    assert code == 0
    assert "s3cr3t" not in out and "alice:***@db.example/factbase" in out


def test_connection_error_hides_the_password() -> None:
    code, out, err = run("--db", "postgresql+psycopg://alice:s3cr3t@127.0.0.1:1/x", "list")
    assert code == 1
    assert "s3cr3t" not in out + err
    [line] = err.splitlines()
    assert line.startswith("factbase: error: ") and "***" in line


@pytest.mark.parametrize(
    ("location", "fragment"),
    [("{tmp}", "directory"), ("{tmp}/missing/dir/x.db", "does not exist")],
)
def test_unusable_locations_are_refused(tmp_path: Path, location: str, fragment: str) -> None:
    code, _, err = run("--db", location.format(tmp=tmp_path), "list")
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("factbase: error: ") and fragment in line


# -- db current / history / upgrade / downgrade ----------------------------------------


def test_db_current_shows_head(cli: Cli) -> None:
    assert cli.ok("db", "current").stdout.strip() == f"{HEAD_REVISION} (head)"


def test_db_current_on_a_new_location_does_not_create_the_schema(empty_db_url: str) -> None:
    cli = Cli(empty_db_url)
    out = cli.ok("db", "current")
    assert out.stdout.startswith("empty")
    assert revision_of(empty_db_url) is None
    assert tables(empty_db_url) == set()


@sqlite_only
def test_db_current_on_a_new_path_creates_no_file(tmp_path: Path) -> None:
    location = tmp_path / "typo.db"
    code, out, _ = run("--db", str(location), "db", "current")
    assert code == 0 and out.startswith("empty")
    assert not location.exists()


def test_db_history_lists_every_revision_oldest_first(cli: Cli) -> None:
    from alembic.script import ScriptDirectory

    from factbase.store.resources import migrations_dir

    scripts = ScriptDirectory(str(migrations_dir()))
    expected = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    lines = cli.ok("db", "history").stdout.splitlines()
    assert [line.split()[0] for line in lines] == expected
    assert expected[-1] == HEAD_REVISION
    assert all(len(line.split(None, 1)) == 2 for line in lines)  # each has its description
    assert "initial schema" in lines[0]


def test_db_upgrade_on_a_new_location_creates_the_schema(empty_db_url: str) -> None:
    cli = Cli(empty_db_url)
    out = cli.ok("db", "upgrade")
    assert out.stdout.strip().endswith(f"empty → {HEAD_REVISION}")
    assert revision_of(empty_db_url) == HEAD_REVISION
    assert {"claim", "source", "outlet", "stance"} <= tables(empty_db_url)
    again = cli.ok("db", "upgrade")  # seen without the write lock: says so
    assert again.stdout.strip().endswith(f"is at {HEAD_REVISION}: nothing to do")


def test_downgrade_to_base_then_any_command_upgrades_again(cli: Cli) -> None:
    out = cli.ok("db", "downgrade", "base", "--yes")
    assert out.stdout.strip().endswith(f"{HEAD_REVISION} → empty")
    assert revision_of(cli.url) is None
    assert tables(cli.url) <= {"alembic_version"}
    assert cli.ok("db", "current").stdout.startswith("empty")
    # Any command opens through the same path, which migrates.
    stances = cli.ok("stance", "list", "-f", "csv").stdout
    assert "pro-kremlin" in stances
    assert revision_of(cli.url) == HEAD_REVISION
    assert cli.ok("db", "current").stdout.strip() == f"{HEAD_REVISION} (head)"


def test_downgrade_to_the_previous_revision_then_upgrade(cli: Cli) -> None:
    from factbase.store.database import revision_history

    revisions = [revision for revision, _ in revision_history()]
    if len(revisions) < 2:
        pytest.skip("only one revision")
    cli.ok("db", "downgrade", revisions[-2], "--yes")
    assert revision_of(cli.url) == revisions[-2]
    assert cli.ok("db", "current").stdout.strip() == f"{revisions[-2]} (newest is {HEAD_REVISION})"
    cli.ok("db", "upgrade")
    assert revision_of(cli.url) == HEAD_REVISION


def test_upgrading_to_an_older_revision_is_refused_like_the_reverse(cli: Cli) -> None:
    from factbase.store.database import revision_history

    revisions = [revision for revision, _ in revision_history()]
    if len(revisions) < 2:
        pytest.skip("only one revision")
    before = snapshot(cli.url)
    out = cli("db", "upgrade", revisions[0])
    assert snapshot(cli.url) == before
    assert out.exit_code == 1, out.stdout
    [line] = out.stderr.splitlines()
    assert line.startswith("factbase: error: ") and revisions[0] in line


def test_downgrading_to_a_newer_revision_is_refused(cli: Cli) -> None:
    from factbase.store.database import revision_history

    revisions = [revision for revision, _ in revision_history()]
    if len(revisions) < 2:
        pytest.skip("only one revision")
    cli.ok("db", "downgrade", revisions[0], "--yes")
    before = snapshot(cli.url)
    out = cli("db", "downgrade", revisions[1], "--yes")
    assert out.exit_code == 1
    [line] = out.stderr.splitlines()
    assert line.startswith("factbase: error: ") and revisions[1] in line
    assert "internal error" not in line
    assert snapshot(cli.url) == before


@pytest.mark.parametrize("answer", [None, "", "n\n", "no\n"])
def test_downgrade_without_yes_aborts_and_changes_nothing(cli: Cli, answer: str | None) -> None:
    cli.ok("outlet", "add", "Kept", "--stance", "neutral")
    before = snapshot(cli.url)
    out = cli("db", "downgrade", "base", input=answer)
    assert out.exit_code != 0
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines()[-1].startswith("factbase: error:")
    assert "Traceback" not in out.stdout + out.stderr
    assert snapshot(cli.url) == before
    assert revision_of(cli.url) == HEAD_REVISION


def test_downgrade_confirmed_interactively(cli: Cli) -> None:
    out = cli("db", "downgrade", "base", input="y\n")
    assert out.exit_code == 0
    assert revision_of(cli.url) is None


@pytest.mark.slow
def test_downgrade_in_a_real_process_with_no_stdin_aborts(cli: Cli) -> None:
    before = snapshot(cli.url)
    result = run_factbase("--db", cli.url, "db", "downgrade", "base")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith("factbase: error:")
    assert "Traceback" not in result.stderr
    assert snapshot(cli.url) == before


# -- an existing database is upgraded, never recreated ---------------------------------


def test_existing_database_keeps_its_data_when_opened_again(cli: Cli) -> None:
    cli.ok("outlet", "add", "SilkBridge.info", "--stance", "neutral", "--note", "kept")
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--key", "k",
           "--language", "en")  # fmt: skip
    cli.ok("topics", "add", "oil")
    cli.ok("add", "A claim.", "-s", "k", "-t", "oil", "--language", "en", "--key", "c")
    before = snapshot(cli.url)
    cli.ok("db", "upgrade")
    cli.ok("list")
    assert snapshot(cli.url) == before
    assert query_rows(cli.url, "SELECT note FROM outlet") == [("kept",)]


def test_older_database_is_upgraded_in_place_with_its_data(cli: Cli) -> None:
    from factbase.store.database import revision_history

    revisions = [revision for revision, _ in revision_history()]
    if len(revisions) < 2:
        pytest.skip("only one revision")
    cli.ok("outlet", "add", "SilkBridge.info", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--key", "k",
           "--language", "en")  # fmt: skip
    cli.ok("topics", "add", "oil")
    cli.ok("add", "A claim.", "-s", "k", "-t", "oil", "--language", "en", "--key", "c")
    cli.ok("db", "downgrade", revisions[0], "--yes")
    assert revision_of(cli.url) == revisions[0]
    cli.ok("list")  # opening upgrades
    assert revision_of(cli.url) == HEAD_REVISION
    assert query_rows(cli.url, "SELECT key, statement FROM claim") == [("c", "A claim.")]
    assert query_rows(cli.url, "SELECT name FROM outlet") == [("SilkBridge.info",)]


# -- foreign and newer databases are refused -------------------------------------------


@pytest.fixture
def foreign_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "foreign.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    connection.execute("INSERT INTO notes (body) VALUES ('mine')")
    connection.commit()
    connection.close()
    return path


@sqlite_only
@pytest.mark.parametrize(
    "args", [("list",), ("outlet", "add", "X", "--stance", "neutral"), ("db", "upgrade")]
)
def test_a_sqlite_file_that_is_not_factbase_is_refused(
    foreign_sqlite: Path, args: tuple[str, ...]
) -> None:
    code, out, err = run("--db", str(foreign_sqlite), *args)
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("factbase: error: ") and "not a factbase database" in line
    assert "Traceback" not in out + err
    connection = sqlite3.connect(foreign_sqlite)
    try:
        names = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        assert names == {"notes"}
        assert connection.execute("SELECT body FROM notes").fetchall() == [("mine",)]
    finally:
        connection.close()


@sqlite_only
def test_a_refused_sqlite_file_is_left_byte_for_byte_unchanged(foreign_sqlite: Path) -> None:
    digest = sha256(foreign_sqlite)
    code, _, _ = run("--db", str(foreign_sqlite), "list")
    assert code == 1
    assert sha256(foreign_sqlite) == digest
    connection = sqlite3.connect(foreign_sqlite)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        connection.close()


@pytest.fixture
def text_file(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not a database\n" * 300)
    return path


@sqlite_only
def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(text_file: Path) -> None:
    digest = sha256(text_file)
    code, out, err = run("--db", str(text_file), "list")
    assert code == 1
    [line] = err.splitlines()
    assert line.startswith("factbase: error: ")
    assert "Traceback" not in out + err
    assert "internal error" not in line and "not a SQLite database" in line
    assert sha256(text_file) == digest
    assert sorted(p.name for p in text_file.parent.iterdir()) == ["notes.txt"]


@pytest.fixture
def newer_db(db_url: str) -> str:
    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(db_url))
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    return db_url


@pytest.mark.parametrize(
    "args", [("list",), ("outlet", "add", "X", "--stance", "neutral"), ("stance", "list")]
)
def test_a_database_from_a_newer_factbase_is_refused(newer_db: str, args: tuple[str, ...]) -> None:
    cli = Cli(newer_db)
    before = snapshot(newer_db)
    out = cli(*args)
    assert out.exit_code == 1
    [line] = out.stderr.splitlines()
    assert line.startswith("factbase: error: ")
    assert "9999" in line and "does not know; upgrade factbase" in line
    assert snapshot(newer_db) == before


@pytest.mark.parametrize("args", [("db", "upgrade"), ("db", "downgrade", "base", "--yes")])
def test_db_upgrade_of_a_newer_database_says_upgrade_factbase(
    newer_db: str, args: tuple[str, ...]
) -> None:
    before = snapshot(newer_db)
    out = Cli(newer_db)(*args)
    assert out.exit_code == 1
    assert snapshot(newer_db) == before
    assert "internal error" not in out.stderr
    assert "does not know; upgrade factbase" in out.stderr


def test_db_current_reports_a_newer_revision_without_failing(newer_db: str) -> None:
    out = Cli(newer_db).ok("db", "current")
    assert out.stdout.startswith("9999")


def test_relative_revisions_are_arguments_not_options(cli: Cli) -> None:
    from factbase.store.database import revision_history

    revisions = [revision for revision, _ in revision_history()]
    one_back = revisions[-2] if len(revisions) > 1 else None
    cli.ok("db", "downgrade", "-1", "--yes")
    assert revision_of(cli.url) == one_back
    cli.ok("db", "upgrade", "+1")
    assert revision_of(cli.url) == HEAD_REVISION
