"""A `factbase` process builds only the command it runs (`list`, `show` and `add` above all);
it answers as the whole CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import Cli

from factbase.cli.commands import COMMANDS

pytestmark = pytest.mark.slow

WHOLE_CLI = """
import sys
from factbase import cli
sys.argv = ["factbase", *sys.argv[1:]]
cli.__getattr__("app")()
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quick-commands") / "seeded.db"
    Cli(str(path)).ok("seed")
    return path


def _run(program: list[str], db: Path, args: list[str]) -> tuple[int, str, str]:
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, *program, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--topic", "oil"],
        ["list", "--search", "нефт", "--format", "csv"],
        ["show", "1"],
        ["show", "no-such-claim"],
        ["list", "--bogus"],
        ["list", "--help"],
        ["show"],
        ["--debug", "show", "1"],
        ["--db=" + os.devnull, "show", "1"],
        ["--user", "list", "stats"],  # --user takes the next word
        ["--version"],
        ["--help"],
        ["-h", "list"],
        [],
        ["source", "--help"],  # `source edit` is registered by another module
        ["entities", "--help"],
        ["lsit"],
    ],
)
def test_a_quick_command_answers_as_the_whole_command_line(seeded: Path, args: list[str]) -> None:
    quick = _run(["-m", "factbase"], seeded, args)
    whole = _run(["-c", WHOLE_CLI], seeded, args)
    assert quick == whole
    assert quick[1] or quick[2]


LOADED_MODULES = """
import sys
from factbase.cli import main
sys.argv = ["factbase", *sys.argv[1:]]
try:
    main()
finally:
    loaded = sorted(m for m in sys.modules if m.startswith("factbase.cli."))
    print("loaded:", " ".join(loaded), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("args", "quick"),
    [(["list", "--topic", "oil"], True), (["show", "1"], True), (["stats"], False)],
)
def test_only_a_quick_command_leaves_the_other_commands_unloaded(
    seeded: Path, args: list[str], quick: bool
) -> None:
    code, _, stderr = _run(["-c", LOADED_MODULES], seeded, args)
    assert code == 0, stderr
    loaded = stderr.rsplit("loaded:", 1)[1].split()
    assert ("factbase.cli.claims" in loaded) is quick
    assert ("factbase.cli.exports" not in loaded) is quick


@pytest.mark.parametrize("args", [["--help"], ["--version"], []])
def test_the_help_and_the_version_load_no_command(seeded: Path, args: list[str]) -> None:
    _, stdout, stderr = _run(["-c", LOADED_MODULES], seeded, args)
    assert stdout or stderr.startswith("factbase: error: Missing command")
    loaded = stderr.rsplit("loaded:", 1)[1].split()
    commands = {f"factbase.cli.{listed.module}" for listed in COMMANDS.values()}
    assert not commands & set(loaded), loaded


@pytest.mark.parametrize(
    "args",
    [
        ["add", "Oil exports rose by 5% in May", "--source", "1"],
        ["add", "Oil exports rose by 5% in May", "--source", "no-such-source"],
        ["add", "--from-file", "no-such-file.yaml"],
        ["add", "--bogus"],
        ["add", "--help"],
        ["add"],
    ],
)
def test_an_add_process_answers_as_the_whole_command_line(
    seeded: Path, tmp_path: Path, args: list[str]
) -> None:
    """Each run writes to a copy of its own, so both record the same claim."""
    quick_db, whole_db = tmp_path / "quick.db", tmp_path / "whole.db"
    shutil.copyfile(seeded, quick_db)
    shutil.copyfile(seeded, whole_db)
    quick = _run(["-m", "factbase"], quick_db, args)
    whole = _run(["-c", WHOLE_CLI], whole_db, args)
    assert quick == whole
    assert quick[1] or quick[2]
