"""`factbase export …`, `report` and `stats` through the CLI: every CSV read back with csv."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import Cli

from factbase.analysis.reports import TABLE_COLUMNS
from factbase.catalog.starter import starter_records
from factbase.interchange.exports import (
    CLAIM_EXPORT_COLUMNS,
    CONFLICT_EXPORT_COLUMNS,
    OUTLET_EXPORT_COLUMNS,
    SOURCE_EXPORT_COLUMNS,
)
from factbase.store.database import HEAD_REVISION

HOSTILE = 'He said "yes, and no",\nthen: «Казахстан — союзник»'


@pytest.fixture
def recorded(cli: Cli) -> Cli:
    """Claims whose text holds quotes, commas, newlines, Cyrillic and formulas; one conflict."""
    cli.ok("outlet", "add", "=cmd|' /C calc'!A0", "--stance", "neutral", "--language", "ru")
    cli.ok(
        "source", "add", "--outlet", "=cmd|' /C calc'!A0", "--title", "@SUM(1+1)", "--key", "s",
        "--url", "https://example.org/a", "--published", "1 грудня 2022",
    )  # fmt: skip
    cli.ok("add", HOSTILE, "-s", "s", "--quote", HOSTILE, "--key", "hostile")
    cli.ok(
        "add", "--source", "s", "--subject", "X", "--property", "low", "--value=-5",
        "--key", "minus", "--", "-5 degrees is the low.",
    )  # fmt: skip
    cli.ok(
        "add", "＝1+1 is the low.", "-s", "s", "--subject", "X", "--property", "low",
        "--value", "12", "--key", "other",
    )  # fmt: skip
    return cli


def read_csv(text: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    return [dict(zip(header, row, strict=True)) for row in body]


def test_claims_csv_columns_values_and_injection(recorded: Cli, tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    recorded.ok("export", "claims", "-o", str(target))
    raw = target.read_bytes()
    assert b"\r\n" in raw and not raw.startswith(b"\xef\xbb\xbf")
    with target.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == CLAIM_EXPORT_COLUMNS
        rows = {row["key"]: row for row in reader}
    hostile = rows["hostile"]
    # Statements are kept on one line; quotes keep their line breaks verbatim.
    assert hostile["statement"] == " ".join(HOSTILE.split())
    assert hostile["quote"] == HOSTILE
    assert hostile["outlet"] == "'=cmd|' /C calc'!A0"
    assert hostile["source_title"] == "'@SUM(1+1)"
    assert hostile["published"] == "2022-12-01"
    assert hostile["reports"] == "1" and hostile["origins"] == "1"
    minus = rows["minus"]
    assert minus["value_num"] == "-5" and minus["value"] == "'-5"
    assert minus["open_conflicts"] == "1"
    assert rows["other"]["statement"] == "'＝1+1 is the low."


def test_excel_csv_starts_with_a_bom(recorded: Cli, tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    recorded.ok("export", "claims", "--excel", "-o", str(target))
    assert target.read_bytes().startswith("\ufeffid,key,".encode())
    with target.open(newline="", encoding="utf-8-sig") as f:
        assert any(row["quote"] == HOSTILE for row in csv.DictReader(f))
    out = recorded.ok("export", "claims", "--excel")
    assert out.stdout.startswith("\ufeffid,")
    failed = recorded("export", "claims", "--excel", "-f", "json")
    assert failed.exit_code == 1 and "--excel" in failed.stderr


def test_conflicts_sources_and_outlets_csv(recorded: Cli) -> None:
    [conflict] = read_csv(recorded.ok("export", "conflicts").stdout)
    assert tuple(conflict) == CONFLICT_EXPORT_COLUMNS
    assert (conflict["value_a"], conflict["value_b"]) == ("'-5", "12")
    assert conflict["status"] == "open" and conflict["kind"] == "value"
    recorded.ok("conflicts", "resolve", "1", "--as", "confirmed", "--note", "=real, see «notes»")
    [conflict] = read_csv(recorded.ok("export", "conflicts", "--status", "confirmed").stdout)
    assert conflict["note"] == "'=real, see «notes»"
    assert read_csv(recorded.ok("export", "conflicts", "--status", "open").stdout) == []
    [source] = read_csv(recorded.ok("export", "sources").stdout)
    assert tuple(source) == SOURCE_EXPORT_COLUMNS and source["claims"] == "3"
    outlets = read_csv(recorded.ok("export", "outlets").stdout)
    assert tuple(outlets[0]) == OUTLET_EXPORT_COLUMNS
    assert {o["name"]: o["claims"] for o in outlets} == {"'=cmd|' /C calc'!A0": "3"}


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_and_jsonl_tables(recorded: Cli, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"claims.{fmt}"
    recorded.ok("export", "claims", "-o", str(target), "--search", "yes")
    text = target.read_text(encoding="utf-8")
    rows = json.loads(text) if fmt == "json" else [json.loads(line) for line in text.splitlines()]
    assert [row["quote"] for row in rows] == [HOSTILE]
    assert list(rows[0]) == list(CLAIM_EXPORT_COLUMNS)
    assert "Казахстан" in text


def test_a_failing_export_leaves_no_file(recorded: Cli, tmp_path: Path) -> None:
    target = tmp_path / "claims.csv"
    failed = recorded("export", "claims", "--topic", "no-such-topic", "-o", str(target))
    assert failed.exit_code == 1
    [line] = failed.stderr.splitlines()
    assert line.startswith("factbase: error: ")
    assert list(tmp_path.iterdir()) == [tmp_path / "factbase.db"] or not target.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".claims.csv")]
    missing = recorded("export", "claims", "-o", str(tmp_path / "nope" / "x.csv"))
    assert missing.exit_code == 1 and "does not exist" in missing.stderr


def test_empty_exports_are_valid(cli: Cli) -> None:
    assert cli.ok("export", "claims").stdout.splitlines() == [",".join(CLAIM_EXPORT_COLUMNS)]
    assert json.loads(cli.ok("export", "claims", "-f", "json").stdout) == []
    assert cli.ok("export", "conflicts", "-f", "jsonl").stdout == ""
    # A new database holds the starter vocabulary and nothing else.
    document = json.loads(cli.ok("export", "all").stdout)
    assert list(document) == ["topics"]
    slugs = [topic["slug"] for topic in document["topics"]]
    assert sorted(slugs) == sorted(topic["slug"] for topic in starter_records())


def test_report_prints_and_writes_one_csv_per_table(recorded: Cli, tmp_path: Path) -> None:
    out = recorded.ok("report", "-o", str(tmp_path / "report"))
    assert "3 claims" in out.stdout and "Contested facts" in out.stdout
    files = sorted(p.name for p in (tmp_path / "report").iterdir())
    assert files == sorted(f"{name}.csv" for name in TABLE_COLUMNS)
    for name, columns in TABLE_COLUMNS.items():
        with (tmp_path / "report" / f"{name}.csv").open(newline="", encoding="utf-8") as f:
            assert tuple(csv.DictReader(f).fieldnames or ()) == columns
    with (tmp_path / "report" / "outlets.csv").open(newline="", encoding="utf-8") as f:
        [outlet] = list(csv.DictReader(f))
    assert outlet["outlet"] == "'=cmd|' /C calc'!A0" and outlet["conflicts"] == "1"
    data = json.loads(recorded.ok("report", "-f", "json").stdout)
    assert data["claims"] == 3 and data["conflicts_by_topic"][0]["conflicts"] == 1


def test_stats(recorded: Cli) -> None:
    data = json.loads(recorded.ok("stats", "-f", "json").stdout)
    assert data["counts"]["claims"] == 3 and data["counts"]["conflicts"] == 1
    assert data["schema"] == HEAD_REVISION
    assert data["conflicts_by_status"] == {"open": 1}
    out = recorded.ok("stats").stdout
    assert "claims" in out and f"schema {HEAD_REVISION}" in out
