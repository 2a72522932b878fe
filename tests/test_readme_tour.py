"""The README's tour runs as printed, on the seed data, and every command answers with rows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from helpers import Cli

README = Path(__file__).resolve().parent.parent / "README.md"


def shell_block(after: str) -> str:
    """The first ```sh block after the line starting with ``after``."""
    section = README.read_text(encoding="utf-8").split(f"\n{after}", 1)[1]
    found = re.search(r"```sh\n(.*?)```", section, re.DOTALL)
    assert found, f"the README shows a sh block after {after!r}"
    return found.group(1)


def commands(block: str) -> list[list[str]]:
    """Each `factbase …` line of ``block`` as its arguments (continuations joined,
    comments dropped); lines that only set the environment are left out."""
    found = []
    for line in block.replace("\\\n", " ").splitlines():
        words = shlex.split(line, comments=True)
        if words and words[0] == "factbase":
            found.append(words[1:])
        elif words:
            assert words[0] == "export", f"the tour runs only factbase: {line!r}"
    return found


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Cli:
    cli = Cli(str(tmp_path_factory.mktemp("tour") / "tour.db"))
    cli.ok("seed")
    return cli


TOUR = commands(shell_block("## A short tour"))


def test_the_tour_has_the_commands_it_promises() -> None:
    assert len(TOUR) >= 8
    assert ["list", "--topic", "oil"] in TOUR


@pytest.mark.parametrize("args", TOUR, ids=" ".join)
def test_every_tour_command_answers_with_rows(seeded: Cli, args: list[str]) -> None:
    if ">" in args:  # a redirection: the output is what the file would hold
        args = args[: args.index(">")]
    out = seeded.ok(*args)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    # More than a header: a tour command that finds nothing would be a surprise.
    assert len(lines) >= 2, (args, out.stdout, out.stderr)
    assert "0 claims" not in out.stderr


def test_the_csv_line_of_the_tour_writes_every_claim(seeded: Cli) -> None:
    [csv_line] = [args for args in TOUR if ">" in args]
    rows = seeded.ok(*csv_line[: csv_line.index(">")]).stdout.strip().splitlines()
    listed = seeded.ok("list", "--format", "jsonl").stdout.strip().splitlines()
    assert len(rows) - 1 == len(listed) == 139


def test_recording_by_hand_runs_in_a_new_database(tmp_path: Path) -> None:
    block = shell_block("Recording by hand")
    cli = Cli(str(tmp_path / "notes.db"))
    for args in commands(block):
        cli.ok(*args)
    [claim] = [
        line
        for line in cli.ok("list", "--format", "jsonl").stdout.splitlines()
        if '"cpc-share"' in line
    ]
    assert "около 80%" in claim


def test_the_quick_start_lists_oil_claims(seeded: Cli) -> None:
    quick = shell_block("## Quick start")
    assert "factbase seed && .venv/bin/factbase list --topic oil" in quick
    out = seeded.ok("list", "--topic", "oil", "--format", "jsonl")
    assert len(out.stdout.splitlines()) >= 5


def test_recording_an_article_from_a_saved_page_runs_as_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk-through, with the saved page of the tests as `page.html`."""
    page = Path(__file__).resolve().parent / "fixtures" / "saved_page.html"
    (tmp_path / "page.html").write_bytes(page.read_bytes())
    monkeypatch.chdir(tmp_path)
    cli = Cli(str(tmp_path / "notes.db"))
    outputs = [cli.ok(*args) for args in commands(shell_block("## Recording an article"))]
    assert "sha256" in outputs[2].stdout and "Около 80% экспорта" in outputs[3].stdout
    assert "⟦Около 80% экспорта казахстанской нефти⟧" in outputs[5].stdout.replace("\n", " ")
    assert "0 claims" in outputs[6].stderr
