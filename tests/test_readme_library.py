"""The README's library example runs as printed, on the seed data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import Cli

README = Path(__file__).resolve().parent.parent / "README.md"


def library_example() -> str:
    section = README.read_text(encoding="utf-8").split("## Using it as a library", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found, "the README shows the library in a python block"
    return found.group(1)


@pytest.mark.slow
def test_the_library_example_lists_russian_claims_about_oil(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    Cli(str(tmp_path / "claims.db")).ok("seed")
    monkeypatch.chdir(tmp_path)
    exec(compile(library_example(), "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines
    database = Cli(str(tmp_path / "claims.db"))
    listed = database.ok("list", "--topic", "oil", "--lang", "ru", "--format", "jsonl").stdout
    assert [line.split()[0] for line in lines] == [
        str(json.loads(row)["id"]) for row in listed.splitlines()
    ]
