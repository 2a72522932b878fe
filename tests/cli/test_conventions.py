"""What every command does the same way: global options anywhere, real metavars in help."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import Cli, parse_json, query, run_factbase
from typer.testing import CliRunner

from factbase.cli import app


def test_global_options_work_after_the_subcommand(cli: Cli, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    run = CliRunner().invoke(app, ["seed", "--db", str(other)])
    assert run.exit_code == 0, run.output
    # cli passes --db before the command; the one after it wins.
    listed = cli("list", "--db", str(other), "--format", "json", "--limit", "0")
    assert listed.exit_code == 0, listed.stderr
    assert len(parse_json(listed)) == 139
    assert parse_json(cli("list", "--format", "json")) == []


def test_user_after_the_subcommand_is_the_actor(cli: Cli) -> None:
    cli.ok("seed")
    cli.ok("edit", "wsj-ru-cpc-share", "--status", "corroborated", "--user", "anna")
    actors = query(cli.url, "SELECT actor FROM audit_log ORDER BY id DESC")
    assert actors[0]["actor"] == "anna"


def test_global_options_after_the_subcommand_in_a_real_process(tmp_path: Path) -> None:
    db = tmp_path / "after.db"
    seeded = run_factbase("seed", "--db", str(db), cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    shown = run_factbase("show", "wsj-ru-cpc-share", "--db", str(db), "-f", "json", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert '"key": "wsj-ru-cpc-share"' in shown.stdout


def _every_command(app_command: object, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(app_command, "commands", {}).items():
        found += _every_command(sub, (*path, name))
    return found


def _commands() -> list[tuple[str, ...]]:
    import typer.main

    return [path for path in _every_command(typer.main.get_command(app)) if path]


@pytest.mark.parametrize("path", _commands(), ids=" ".join)
def test_help_names_what_each_option_takes(path: tuple[str, ...]) -> None:
    out = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert out.exit_code == 0, out.output
    # Typer's own placeholders: `<str>`, `<int>`, `{ID}` in the usage line.
    assert not re.search(r"<(str|int|float|path)>", out.output), out.output
    usage = next(line for line in out.output.splitlines() if "Usage:" in line)
    assert "{" not in usage, usage


def test_language_is_one_option_with_a_short_name(cli: Cli) -> None:
    for command in (("list",), ("source", "list"), ("conflicts",), ("export", "claims")):
        long = cli(*command, "--language", "ru", "--format", "json")
        short = cli(*command, "--lang", "ru", "--format", "json")
        assert long.exit_code == short.exit_code == 0, (command, long.stderr)
        assert long.stdout == short.stdout
    for command in (("add",), ("edit",), ("outlet", "add"), ("source", "add"), ("review",)):
        out = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert "--language" in out.output and "--lang" in out.output, command


def _keys(document: object) -> list[str]:
    if isinstance(document, dict):
        return [*document, *(key for value in document.values() for key in _keys(value))]
    if isinstance(document, list):
        return [key for value in document for key in _keys(value)]
    return []


def test_stats_in_every_format(cli: Cli) -> None:
    import csv
    import io

    cli.ok("seed")
    document = parse_json(cli.ok("stats", "--format", "json"))
    # Names a program can use: no spaces in any key (the counts' labels are keys).
    assert not [key for key in _keys(document) if " " in key]
    rows = list(csv.DictReader(io.StringIO(cli.ok("stats", "--format", "csv").stdout)))
    assert {(r["group"], r["name"]): int(r["count"]) for r in rows} == {
        (group, name): count
        for group, counts in document.items()
        if isinstance(counts, dict)
        for name, count in counts.items()
    }


def test_report_rows_come_one_table_at_a_time(cli: Cli) -> None:
    cli.ok("seed")
    document = parse_json(cli.ok("report", "--format", "json"))
    refused = cli("report", "--format", "csv")
    assert refused.exit_code == 2 and refused.stdout == ""
    assert len(refused.stderr.splitlines()) == 1 and "--table" in refused.stderr
    lines = cli.ok("report", "--format", "jsonl", "--table", "outlets").stdout.splitlines()
    assert [json.loads(line) for line in lines] == document["outlets"]


def test_seed_and_import_summaries_take_format_json(cli: Cli, tmp_path: Path) -> None:
    first = parse_json(cli.ok("seed", "--format", "json"))
    assert first["counts"]["claims"]["added"] == 139
    again = parse_json(cli.ok("seed", "--json"))  # the older spelling still works
    assert again["counts"]["claims"] == {"unchanged": 139}
    exported = tmp_path / "all.jsonl"
    cli.ok("export", "all", "-o", str(exported))
    summary = parse_json(cli.ok("import", str(exported), "-f", "JSON"))
    assert summary["counts"]["claims"] == {"unchanged": 139}


@pytest.mark.slow
def test_shell_completion_completes_commands_and_options(tmp_path: Path) -> None:
    import os

    script = run_factbase("--show-completion", "bash", cwd=tmp_path)
    assert script.returncode == 0 and "_factbase_completion" in script.stdout
    env = dict(os.environ, _FACTBASE_COMPLETE="complete_bash")
    commands = run_factbase(
        cwd=tmp_path, env=env | {"COMP_WORDS": "factbase li", "COMP_CWORD": "1"}
    )
    assert {"list", "link"} <= set(commands.stdout.split())
    options = run_factbase(
        cwd=tmp_path, env=env | {"COMP_WORDS": "factbase list --so", "COMP_CWORD": "2"}
    )
    assert {"--source", "--sort"} <= set(options.stdout.split())
    formats = run_factbase(
        cwd=tmp_path, env=env | {"COMP_WORDS": "factbase list --format t", "COMP_CWORD": "3"}
    )
    assert set(formats.stdout.split()) == {"table", "tsv"}


def test_why_is_the_audit_reason_of_every_correction(cli: Cli) -> None:
    cli.ok("seed")
    for command in (("delete",), ("restore",), ("merge",), ("unretract",), ("edit",)):
        out = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
        assert "--why" in out.output, command
    cli.ok("retract", "wsj-ru-cpc-share", "--note", "the WSJ corrected it")
    cli.ok("unretract", "wsj-ru-cpc-share", "--why", "the correction was withdrawn")
    [entry] = query(cli.url, "SELECT note FROM audit_log WHERE action = 'unretract'")
    assert entry["note"] == "the correction was withdrawn"


def test_report_takes_limit_as_every_listing_does(cli: Cli) -> None:
    cli.ok("seed")
    limited = cli.ok("report", "--limit", "1", "--wide")
    older = cli.ok("report", "--rows", "1", "--wide")
    assert limited.stdout == older.stdout
    assert "more rows" in limited.stderr
