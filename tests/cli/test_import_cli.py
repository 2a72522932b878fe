"""`factbase import` and `factbase seed` through the command line: summaries, errors, dry runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import Cli, import_counts, listed_claims, own_vocabulary_only, snapshot

from factbase.catalog.starter import starter_records

BASE = """\
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
topics:
  - {slug: energy, label: Energy}
  - {slug: oil, label: Oil, parent: energy, keywords: [нафта, петрол, нефть]}
outlets:
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Ukrainian site, stance: pro-ukrainian, country: UA, language: uk}
sources:
  - {key: silk, outlet: SilkBridge.info, title: "Казахстан отдаляется", published: "июль 2022"}
  - {key: ua, outlet: Ukrainian site, title: "Токаєв заручився підтримкою", url: https://ex.org/ua}
claims:
  - {key: a, source: silk, statement: "Kaзахстан exports oil.", subject: КТК, topics: [brand-new]}
  - {key: b, source: ua, statement: "Ukraine.", quote: "Україна збільшила експорт нафти."}
"""
CSV = "key,source,statement,value,topics\nc1,silk,From CSV.,около 80%,oil; energy\n"


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


_ROW = re.compile(
    r"^\s*(entities|topics|outlets|sources|claims|links)\s+(\d+)\s+(\d+)\s+(\d+)\s*$",
    flags=re.MULTILINE,
)


def table_rows(stdout: str) -> dict[str, tuple[int, int, int]]:
    """The summary table as section -> (added, updated, unchanged)."""
    return {section: (int(a), int(u), int(n)) for section, a, u, n in _ROW.findall(stdout)}


def verdict(stdout: str) -> tuple[str, str, str]:
    """The last line of the summary: (verdict, topics created by claims, warnings)."""
    parts = stdout.rstrip().splitlines()[-1].split("; ")
    created = parts[1].removeprefix("topics created by claims: ")
    return parts[0], created, parts[-1]


@pytest.mark.slow
def test_import_prints_the_summary_table(cli: Cli, tmp_path: Path) -> None:
    own_vocabulary_only(cli.url)
    first = cli.ok(
        "import", str(write(tmp_path, "a.yaml", BASE)), str(write(tmp_path, "b.csv", CSV))
    )
    assert re.search(r"records\s+added\s+updated\s+unchanged", first.stdout)
    assert table_rows(first.stdout) == {
        "entities": (1, 0, 0),
        "topics": (2, 0, 0),
        "outlets": (2, 0, 0),
        "sources": (2, 0, 0),
        "claims": (3, 0, 0),
    }
    assert verdict(first.stdout) == ("imported", "brand-new", "1 warning")
    assert first.stderr.splitlines() == [
        "factbase: warning: a.yaml: claims[0] (key a): 'Kaзахстан' mixes Latin and Cyrillic letters"
    ]
    assert sorted(str(row["key"]) for row in listed_claims(cli)) == ["a", "b", "c1"]

    again = cli.ok("import", str(tmp_path / "a.yaml"), str(tmp_path / "b.csv"))
    assert table_rows(again.stdout) == {
        "entities": (0, 0, 1),
        "topics": (0, 0, 2),
        "outlets": (0, 0, 2),
        "sources": (0, 0, 2),
        "claims": (0, 0, 3),
    }
    assert verdict(again.stdout) == ("imported", "none", "1 warning")


def test_sections_without_records_are_left_out_of_the_table(cli: Cli, tmp_path: Path) -> None:
    own_vocabulary_only(cli.url)
    outcome = cli.ok("import", str(write(tmp_path, "t.yaml", "topics:\n  - {slug: oil}\n")))
    assert table_rows(outcome.stdout) == {"topics": (1, 0, 0)}
    assert verdict(outcome.stdout) == ("imported", "none", "0 warnings")


def test_json_summary_is_valid_json_with_counts(cli: Cli, tmp_path: Path) -> None:
    own_vocabulary_only(cli.url)
    outcome = cli.ok(
        "import", "--json", str(write(tmp_path, "a.yaml", BASE)), str(write(tmp_path, "b.csv", CSV))
    )
    payload = json.loads(outcome.stdout)
    assert payload["dry_run"] is False
    assert payload["files"] == 2
    assert import_counts(payload) == {
        "claims added": 3,
        "entities added": 1,
        "outlets added": 2,
        "sources added": 2,
        "topics added": 2,
    }
    assert payload["topics_created"] == ["brand-new"]
    assert payload["warnings"] == [
        "a.yaml: claims[0] (key a): 'Kaзахстан' mixes Latin and Cyrillic letters"
    ]
    assert outcome.stderr == ""
    assert len(listed_claims(cli)) == 3


@pytest.mark.slow
def test_only_twenty_warnings_are_shown_and_json_has_them_all(cli: Cli, tmp_path: Path) -> None:
    claims = "".join(
        f"  - {{key: w{i}, source: silk, statement: 'Kaзахстан number {i}.'}}\n" for i in range(23)
    )
    path = write(tmp_path, "many.yaml", BASE.split("claims:")[0] + "claims:\n" + claims)
    outcome = cli.ok("import", "--dry-run", str(path))
    lines = outcome.stderr.splitlines()
    assert len(lines) == 21
    assert lines[0].startswith("factbase: warning: many.yaml: claims[0] (key w0): 'Kaзахстан'")
    assert (
        lines[-1] == "factbase: warning: … and 3 more warnings (use --format json to see them all)"
    )
    payload = json.loads(cli.ok("import", "--dry-run", "--format", "json", str(path)).stdout)
    assert len(payload["warnings"]) == 23


BAD_FILES = [
    (
        "last.yaml",
        BASE + "  - {key: last, source: silk, statement: Bad., value: abc}\n",
        "last.yaml: claims[2] (key last): value: cannot read a quantity from 'abc'",
    ),
    (
        "ragged.csv",
        "source,statement\nsilk,Good.\nsilk,Bad.,extra\n",
        "ragged.csv:3: 3 cells where the header has 2",
    ),
    (
        "bad.csv",
        "source,statement,event_date\nsilk,Good.,\nsilk,Bad.,1718000000\n",
        'bad.csv:3: event_date: "1718000000" is a bare number',
    ),
    (
        "type.jsonl",
        '{"type": "topic", "slug": "oil"}\n{"type": "claims", "source": "silk"}\n',
        "type.jsonl:2: type must be one of entity, topic, outlet, source, claim",
    ),
    (
        "nan.json",
        '{"claims": [{"source": "silk", "statement": "x", "value_num": NaN}]}',
        "nan.json: NaN is not a number JSON allows",
    ),
    (
        "evil.yaml",
        'claims: !!python/object/apply:os.system ["echo hi"]\n',
        "evil.yaml: line 1 column 9: could not determine a constructor",
    ),
    ("cp1251.csv", "source,statement\nsilk,Нефть\n".encode("cp1251"), "cp1251.csv: not UTF-8"),
    ("claims.txt", "claims: []\n", "claims.txt: unknown format"),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES)
def test_bad_file_is_one_error_line_and_changes_nothing(
    cli: Cli, db_url: str, tmp_path: Path, name: str, content: str | bytes, expected: str
) -> None:
    base = BASE.split("claims:")[0]
    cli.ok("import", str(write(tmp_path, "base.yaml", base)))
    before = snapshot(db_url)
    good = write(tmp_path, "good.yaml", BASE)
    outcome = cli("import", str(good), str(write(tmp_path, name, content)))
    assert outcome.exit_code == 1
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert lines[0].startswith(f"factbase: error: {expected}"), lines[0]
    assert "Traceback" not in outcome.stdout + outcome.stderr
    assert outcome.stdout == ""
    assert snapshot(db_url) == before


def test_missing_file_is_one_error_line(cli: Cli, db_url: str, tmp_path: Path) -> None:
    before = snapshot(db_url)
    outcome = cli("import", str(tmp_path / "absent.yaml"))
    assert outcome.exit_code == 1
    assert outcome.stderr == f"factbase: error: {tmp_path / 'absent.yaml'}: no such file\n"
    assert snapshot(db_url) == before


def test_import_without_files_is_a_usage_error(cli: Cli) -> None:
    outcome = cli("import")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("factbase: error: ")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("keys.yaml", "claims:\n  - {source: silk, [a]: b}\n"),
        ("int.yaml", "claims:\n  - {source: silk, statement: !!int }\n"),
        ("deep.yaml", "claims: " + "[" * 1000 + "]" * 1000 + "\n"),
        ("type.jsonl", '{"type": ["claim"]}\n'),
        ("surrogate.json", '{"claims": [{"source": "silk", "statement": "\\ud800"}]}'),
        ("big.json", '{"claims": [{"source": "silk", "statement": "x", "value_num": 1%s}]}'),
    ],
)
@pytest.mark.slow
def test_hostile_input_error_names_the_file(
    cli: Cli, db_url: str, tmp_path: Path, name: str, content: str
) -> None:
    cli.ok("import", str(write(tmp_path, "base.yaml", BASE)))
    before = snapshot(db_url)
    content = content.replace("%s", "0" * 400)
    outcome = cli("import", str(write(tmp_path, name, content)))
    assert outcome.exit_code == 1
    lines = outcome.stderr.splitlines()
    assert len(lines) == 1, outcome.stderr
    assert snapshot(db_url) == before
    assert lines[0].startswith(f"factbase: error: {name}"), lines[0]


# -- seed -----------------------------------------------------------------------------


@pytest.mark.slow
def test_seed_twice_second_run_changes_nothing(cli: Cli, db_url: str) -> None:
    first = cli.ok("seed")
    added = table_rows(first.stdout)
    assert {"entities", "outlets", "sources", "claims"} <= set(added)
    assert "topics" not in added  # the seed files its claims under the starter vocabulary
    assert all(updated == unchanged == 0 for _added, updated, unchanged in added.values())
    assert added["sources"] == (5, 0, 0)
    assert added["claims"][0] >= 60
    assert verdict(first.stdout)[1:] == ("none", "0 warnings")
    before = snapshot(db_url)
    assert len(before["claim"]) == added["claims"][0]

    second = json.loads(cli.ok("seed", "--format", "json").stdout)
    assert second["dry_run"] is False
    assert import_counts(second) == {
        f"{section} unchanged": counts[0] for section, counts in added.items()
    }
    assert second["topics_created"] == []
    assert second["warnings"] == []
    assert snapshot(db_url) == before


@pytest.mark.slow
def test_seed_dry_run_on_an_empty_database_writes_no_claims(empty_db_url: str) -> None:
    cli = Cli(empty_db_url)
    payload = json.loads(cli.ok("seed", "--dry-run", "--format", "json").stdout)
    assert payload["dry_run"] is True
    assert import_counts(payload)["claims added"] >= 60
    assert import_counts(payload)["sources added"] == 5
    rows = snapshot(empty_db_url)
    for table in ("claim", "claim_topic", "source", "source_cite", "outlet", "entity"):
        assert rows[table] == [], table
    # The database the dry run created has its starter vocabulary, and no more.
    assert len(rows["topic"]) == len(starter_records())
    assert listed_claims(cli) == []
