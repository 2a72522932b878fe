"""One set of limits for every way in: what `import` refuses, `add`, `edit` and `source add`
refuse too, in the same words; and whatever the database holds exports and imports again
(`export all --verify` checks exactly that)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import Cli, seed

from factbase.text.language import MAX_TEXT

TOO_LONG = "ж" * (MAX_TEXT + 1)
AT_LIMIT = "ж" * MAX_TEXT
CLAIM_TEXT_FIELDS = ("statement", "quote", "speaker", "subject", "property", "note")
# Fields with a column of their own: a shorter limit, the same everywhere.
COLUMN_LIMITS = {"speaker": 300, "subject": 300, "property": 300}


@pytest.fixture
def seeded(db_url: str) -> str:
    seed(db_url)
    return db_url


def _one_error(out: object, field: str) -> str:
    assert out.exit_code == 1  # type: ignore[attr-defined]
    [line] = out.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert line.startswith("factbase: error:") and field in line
    return str(line)


@pytest.mark.parametrize("field", CLAIM_TEXT_FIELDS)
def test_every_way_in_refuses_what_import_refuses(seeded: str, tmp_path: Path, field: str) -> None:
    cli = Cli(seeded)
    limit = COLUMN_LIMITS.get(field, MAX_TEXT)
    text = "ж" * (limit + 1)
    record = {"source": "1", "statement": "A claim.", field: text}
    document = tmp_path / "one.json"
    document.write_text(json.dumps({"claims": [record]}, ensure_ascii=False), encoding="utf-8")
    _one_error(cli("import", str(document)), field)
    if field == "statement":
        added = cli("add", text, "-s", "1")
    else:
        added = cli("add", "A claim.", "-s", "1", f"--{field}", text)
    _one_error(added, field)
    _one_error(cli("edit", "wsj-ru-cpc-share", f"--{field}", text), field)


def test_sources_and_outlets_share_the_limit(seeded: str) -> None:
    cli = Cli(seeded)
    _one_error(cli("source", "add", "--outlet", "1", "--title", TOO_LONG), "title")
    _one_error(cli("source", "edit", "1", "--note", TOO_LONG), "note")
    _one_error(cli("outlet", "add", TOO_LONG, "--stance", "neutral"), "name")


def test_undecodable_bytes_in_an_argument_are_refused_by_name(seeded: str) -> None:
    out = Cli(seeded)("add", "bad \udcff bytes", "-s", "1")
    _one_error(out, "statement")
    assert "surrogate" in out.stderr


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
def test_whatever_the_database_holds_exports_and_imports_again(
    seeded: str, tmp_path: Path, suffix: str
) -> None:
    cli = Cli(seeded)
    cli.ok("add", AT_LIMIT, "-s", "1", "--quote", AT_LIMIT, "--note", AT_LIMIT, "--key", "long")
    document = tmp_path / f"all.{suffix}"
    out = cli.ok("export", "all", "-o", str(document), "--verify")
    assert "exports again byte for byte" in out.stderr
    restored = Cli(str(tmp_path / "restored.db"))
    restored.ok("import", str(document))
    [shown] = json.loads(restored.ok("show", "long", "-f", "json").stdout)
    assert (shown["statement"], shown["quote"], shown["note"]) == (AT_LIMIT, AT_LIMIT, AT_LIMIT)


def test_verify_says_when_a_file_does_not_restore(seeded: str, tmp_path: Path) -> None:
    cli = Cli(seeded)
    assert cli("export", "all", "--verify").exit_code == 1  # needs a file
    from factbase.interchange.verify import NotRestorable, verify_document

    broken = tmp_path / "broken.json"
    broken.write_text('{"claims": [{"source": "nowhere", "statement": "x"}]}', encoding="utf-8")
    with pytest.raises(NotRestorable, match="does not import"):
        verify_document(broken, lines=False, whole=True)
