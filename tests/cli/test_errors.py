"""Help for every command, and the error contract.

Bad input and domain errors: exactly one line on stderr starting with
"factbase: error:", exit 1, no traceback, the database unchanged. Usage
errors: exit 2, one line. `--debug` shows the traceback.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import Cli, run_factbase, snapshot


def command_paths() -> list[tuple[str, ...]]:
    """Every command and group of the Typer app, found by walking it."""
    import typer

    from factbase.cli import app

    paths: list[tuple[str, ...]] = []

    def walk(command: object, path: tuple[str, ...]) -> None:
        paths.append(path)
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            if not getattr(sub, "hidden", False):  # an alias of a listed group
                walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return paths


def command_help(path: tuple[str, ...]) -> str:
    import typer

    from factbase.cli import app

    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]  # type: ignore[attr-defined]
    return command.help or ""  # type: ignore[attr-defined]


PATHS = command_paths()


def test_the_walk_finds_the_known_commands() -> None:
    found = {" ".join(path) for path in PATHS}
    expected = {"", "add", "show", "list", "outlet add", "outlet edit", "outlet list",
                "stance list", "stance add", "source add", "source list", "source show",
                "topics", "topics add", "entities", "entities add", "db path", "db current",
                "db history", "db upgrade", "db downgrade"}  # fmt: skip
    assert expected <= found


@pytest.fixture
def no_db(tmp_path: Path) -> Iterator[Cli]:
    """A CLI pointed at a location that must never be created: help needs no database."""
    location = tmp_path / "never-created.db"
    yield Cli(str(location))
    assert not location.exists()


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "factbase")
def test_every_command_has_help(no_db: Cli, path: tuple[str, ...]) -> None:
    cli = no_db
    for flag in ("--help", "-h") if not path else ("--help",):
        out = cli(*path, flag)
        assert out.exit_code == 0, out.stderr
        assert out.stderr == ""
        assert f"Usage: {' '.join(('factbase', *path))} " in out.stdout
        summary = command_help(path).strip().splitlines()[0].strip()
        assert summary, f"{path} has no help text"
        assert " ".join(summary.split()) in " ".join(out.stdout.split())


def test_help_describes_the_options(no_db: Cli) -> None:
    out = no_db.ok("source", "add", "--help").stdout
    for option in ("--outlet", "--title", "--url", "--key", "--language", "--published", "--cites"):
        assert option in out


def test_main_help_lists_every_top_level_command(no_db: Cli) -> None:
    out = no_db.ok("--help").stdout
    for path in PATHS:
        if len(path) == 1:
            assert f" {path[0]} " in out


def test_version(no_db: Cli) -> None:
    from factbase import __version__

    assert no_db.ok("--version").stdout.strip() == f"factbase {__version__}"


@pytest.mark.parametrize("group", [(), ("db",), ("outlet",)])
def test_no_arguments_shows_help_without_an_empty_error(group: tuple[str, ...]) -> None:
    from typer.testing import CliRunner

    from factbase.cli import app

    result = CliRunner().invoke(app, list(group))
    assert "Usage:" in result.stdout
    assert result.exit_code in (0, 2)
    assert "error: (see" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout + result.stderr


# -- the error contract ------------------------------------------------------------


@pytest.fixture
def data(cli: Cli) -> Cli:
    """An outlet, a source and a claim (through the library: the CLI's add is tested elsewhere)."""
    from factbase import ClaimInput, Database, SourceInput, add_claim, add_outlet, add_source

    db = Database.open(cli.url)
    try:
        with db.session(write=True) as session:
            add_outlet(session, "SilkBridge.info", "neutral")
            add_source(
                session,
                SourceInput(
                    outlet="SilkBridge.info",
                    title="Title",
                    key="sb",
                    language="en",
                    published="2022",
                ),
            )
            add_claim(
                session,
                ClaimInput(
                    source="sb", statement="A claim.", key="c1", language="en", topics=["oil"]
                ),
            )
    finally:
        db.close()
    return cli


# name: (arguments, a fragment the one error line must contain)
DOMAIN_ERRORS: dict[str, tuple[tuple[str, ...], str]] = {
    "unknown-source": (("add", "X.", "--source", "nosuch"), "nosuch"),
    "bad-value": (("add", "X.", "-s", "sb", "--value", "abc%"), "abc%"),
    "bad-date": (("add", "X.", "-s", "sb", "--event-date", "1718000000"), "1718000000"),
    "bad-language": (("add", "X.", "-s", "sb", "--language", "xx"), "xx"),
    "empty-statement": (("add", "   ", "-s", "sb"), "statement"),
    "duplicate-key": (("add", "X.", "-s", "sb", "--key", "c1"), "c1"),
    "bad-topic": (("add", "X.", "-s", "sb", "-t", "not a slug!"), "not a slug!"),
    "unknown-claim-id": (("show", "999"), "999"),
    "unknown-claim-key": (("show", "no-such-key"), "no-such-key"),
    "list-unknown-topic": (("list", "--topic", "nosuch"), "nosuch"),
    "list-bad-since": (("list", "--since", "1718000000"), "1718000000"),
    "list-bad-until": (("list", "--until", "31.02.2022"), "31.02.2022"),
    "list-bad-lang": (("list", "--lang", "xx"), "xx"),
    "list-unknown-stance": (("list", "--stance", "nope"), "nope"),
    "list-unknown-source": (("list", "--source", "nope"), "nope"),
    "list-negative-limit": (("list", "--limit", "-1"), "--limit"),
    "outlet-duplicate": (("outlet", "add", "silkbridge.INFO", "--stance", "neutral"), "exists"),
    "outlet-bad-stance": (("outlet", "add", "X", "--stance", "nope"), "nope"),
    "source-bad-url": (
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--url", "ftp://x"),
        "ftp://x",
    ),
    "source-bad-date": (
        (
            "source",
            "add",
            "--outlet",
            "SilkBridge.info",
            "--title",
            "T",
            "--published",
            "1718000000",
        ),
        "1718000000",
    ),
    "source-unknown": (("source", "show", "nope"), "nope"),
    "stance-bad-name": (("stance", "add", "pro western"), "pro western"),
    "topic-unknown-parent": (("topics", "add", "oil2", "--parent", "nosuch"), "nosuch"),
    "topic-cycle": (("topics", "add", "energy", "--parent", "oil"), "energy"),
    # Input the database could not hold must not surface as an overflow or internal error.
    "huge-claim-id": (("show", "9" * 30), "9" * 30),
    "huge-source-id": (("source", "show", "9" * 30), "9" * 30),
    "huge-outlet-id": (("list", "--outlet", "9" * 30), "9" * 30),
    "huge-source-filter": (("list", "--source", "9" * 30), "9" * 30),
    "huge-limit": (("list", "--limit", "9" * 20), "--limit"),
    "unclosed-ipv6-url": (
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--url", "http://[::1"),
        "http://[::1",
    ),
}


@pytest.mark.parametrize(
    ("args", "fragment"), list(DOMAIN_ERRORS.values()), ids=list(DOMAIN_ERRORS)
)
def test_domain_errors_are_one_line_exit_1_and_change_nothing(
    data: Cli, args: tuple[str, ...], fragment: str
) -> None:
    if args[:2] == ("topics", "add") and args[2] == "energy":
        data.ok("topics", "add", "energy")
        data.ok("topics", "add", "oil", "--parent", "energy")
    before = snapshot(data.url)
    out = data(*args)
    assert out.exit_code == 1, (out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("factbase: error: ")
    assert fragment in lines[0]
    assert "internal error" not in lines[0]
    assert "Traceback" not in out.stdout + out.stderr
    assert out.stdout == ""
    assert snapshot(data.url) == before


USAGE_ERRORS = {
    "missing-argument": ("add",),
    "missing-option": ("add", "X."),
    "unknown-option": ("list", "--bogus"),
    "unknown-command": ("bogus-command",),
    "unknown-subcommand": ("outlet", "bogus"),
    "bad-int": ("list", "--limit", "abc"),
    "bad-choice": ("list", "--sort", "bogus"),
    # Every closed vocabulary is a choice: a word outside it is a usage error, as --sort's.
    "bad-polarity": ("add", "X.", "-s", "sb", "--polarity", "maybe"),
    "bad-status": ("add", "X.", "-s", "sb", "--status", "true"),
    "list-bad-status": ("list", "--status", "bogus"),
    "edit-bad-status": ("edit", "c1", "--status", "bogus"),
    "conflicts-bad-kind": ("conflicts", "--kind", "bogus"),
    "conflicts-bad-status": ("conflicts", "--status", "bogus"),
    "review-bad-kind": ("review", "--kind", "bogus"),
    "bad-format": ("list", "--format", "xml"),
    "option-without-value": ("list", "--topic"),
    "extra-argument": ("show", "1", "2"),
}


@pytest.mark.parametrize("args", list(USAGE_ERRORS.values()), ids=list(USAGE_ERRORS))
def test_usage_errors_are_one_line_exit_2(data: Cli, args: tuple[str, ...]) -> None:
    before = snapshot(data.url)
    out = data(*args)
    assert out.exit_code == 2, (out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("factbase: error: ")
    assert "Traceback" not in out.stdout + out.stderr
    assert snapshot(data.url) == before


@pytest.mark.parametrize(
    "args",
    [
        ("list", "--format", "CSV", "--limit", "1"),
        ("list", "--status", "Unverified", "--format", "json"),
        ("list", "--sort", "ID", "--format", "Json"),
        ("conflicts", "--status", "ALL", "--format", "jsonl"),
    ],
)
def test_choices_are_case_insensitive(data: Cli, args: tuple[str, ...]) -> None:
    lower = data(*(arg.lower() if arg[:1].isalpha() else arg for arg in args))
    out = data(*args)
    assert out.exit_code == 0, out.stderr
    assert out.stdout == lower.stdout


# -- the real process ------------------------------------------------------------------


def factbase(*args: str, url: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return run_factbase("--db", url, *args, cwd=cwd)


@pytest.mark.slow
def test_real_process_domain_error_is_one_line_exit_1(data: Cli) -> None:
    result = factbase("add", "X.", "-s", "sb", "--value", "abc%", url=data.url)
    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("factbase: error: ") and "abc%" in line


@pytest.mark.slow
def test_debug_shows_the_traceback_of_a_domain_error(data: Cli) -> None:
    before = snapshot(data.url)
    result = factbase("--debug", "add", "X.", "-s", "nosuch", url=data.url)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "NotFound" in result.stderr and "nosuch" in result.stderr
    assert snapshot(data.url) == before
