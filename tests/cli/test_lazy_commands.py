"""A `factbase` process builds only the command it runs (factbase/cli/commands.py); it
answers as the whole command line, `factbase.cli.app`, does."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from factbase.cli import _new_app, app
from factbase.cli.commands import COMMANDS


def _whole() -> Any:
    return typer.main.get_command(app)


def _paths(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [path]
    for name, sub in getattr(command, "commands", {}).items():
        found += _paths(sub, (*path, name))
    return found


PATHS = _paths(_whole())


def _command_at(path: tuple[str, ...]) -> Any:
    command = _whole()
    for name in path:
        command = command.commands[name]
    return command


def _both(args: list[str], tmp_path: Path) -> tuple[tuple[int, str], tuple[int, str]]:
    """``args`` run by a command line built on demand, and by the whole one."""
    env = {"COLUMNS": "100", "NO_COLOR": "1", "FACTBASE_DB": str(tmp_path / "none" / "x.db")}
    lazy = CliRunner().invoke(_new_app(), args, env=env)
    whole = CliRunner().invoke(app, args, env=env)
    return (lazy.exit_code, lazy.output), (whole.exit_code, whole.output)


def test_the_table_lists_every_command_in_the_order_and_words_of_the_whole_help() -> None:
    whole = _whole()
    assert list(COMMANDS) == list(whole.commands)
    for name, command in whole.commands.items():
        listed = COMMANDS[name]
        summary = inspect.cleandoc(command.short_help or command.help or "").split("\n\n")[0]
        assert listed.summary == summary.strip(), name
        assert listed.hidden == command.hidden, name


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["-h"],
        [],
        ["--version"],
        ["lsit"],
        ["--bogus"],
        ["list", "--help"],
        ["source", "--help"],
        ["entity", "edit", "--help"],
        ["export", "claims", "--bogus"],
        ["db"],
    ],
)
def test_built_on_demand_it_answers_as_the_whole_command_line(
    args: list[str], tmp_path: Path
) -> None:
    lazy, whole = _both(args, tmp_path)
    assert lazy == whole
    assert lazy[1]


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS, ids=lambda path: " ".join(path) or "factbase")
def test_every_command_answers_help_and_a_wrong_option_as_the_whole_command_line(
    path: tuple[str, ...], tmp_path: Path
) -> None:
    asked = [["--help"], ["--bogus"]]
    if hasattr(_command_at(path), "commands"):  # a group without its subcommand
        asked.append([])
    for extra in asked:
        lazy, whole = _both([*path, *extra], tmp_path)
        assert lazy == whole, extra


def test_the_help_builds_no_command() -> None:
    root = typer.main.get_command(_new_app())
    out = CliRunner().invoke(_new_app(), ["--help"], env={"COLUMNS": "100"})
    assert out.exit_code == 0
    assert not root.commands  # a fresh root holds none until one is run
    for name in ("add", "export", "db"):
        assert name in out.output


def test_a_command_built_on_demand_takes_the_global_options_once() -> None:
    root: Any = typer.main.get_command(_new_app())
    listed = root.get_command(None, "list")
    again = root.get_command(None, "list")
    assert listed is again
    names = [param.name for param in listed.params]
    for inherited in ("db", "user", "debug"):
        assert names.count(inherited) == 1
