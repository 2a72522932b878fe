"""A person's word on a claim's occasion (`--once`, `--occasion once|recurring|auto`), as
`add`, `edit`, `show`, the conflict check and the interchange documents carry it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, add_outlets, add_sources, parse_json, records, writing


@pytest.fixture
def cli(db_url: str) -> Cli:
    with writing(db_url) as session:
        add_outlets(session, [("Left", "neutral", "en"), ("Right", "pro-kremlin", "ru")])
        add_sources(session, [("one", "Left", "2024-08-01"), ("two", "Right", "2024-08-02")])
    return Cli(db_url)


def _claim(cli: Cli, ref: str) -> dict[str, Any]:
    [record] = parse_json(cli.ok("show", ref, "--format", "json"))
    assert isinstance(record, dict)
    return record


def _summit(cli: Cli, key: str, source: str, when: str, *marks: str) -> str:
    # "Summit" is in no word list: as worded, a summit is one occurrence, and a meeting
    # recurs. The property below is a meeting; only a person's mark makes it one-off.
    outcome = cli.ok(
        "add", f"Tokayev met Xi Jinping ({key}).", "-s", source, "--key", key,
        "--subject", "Kazakhstan", "--property", "meeting with Xi Jinping",
        "--event-date", when, *marks,
    )  # fmt: skip
    return outcome.stdout + outcome.stderr


def _date_conflicts(cli: Cli) -> list[dict[str, Any]]:
    rows = records(cli, "conflicts", "--status", "all")
    return [row for row in rows if row["kind"] == "date"]


def test_once_turns_two_meetings_into_one_event_dated_twice(cli: Cli) -> None:
    _summit(cli, "a", "one", "14 September 2022")
    _summit(cli, "b", "two", "3 July 2024")
    assert _date_conflicts(cli) == []  # two meetings
    assert _claim(cli, "a")["occasion"] is None
    printed = cli.ok("edit", "a", "--once").stdout
    assert "occasion: ∅ → once" in printed
    assert _claim(cli, "a")["occasion"] == "once"
    assert "occasion    once" in cli.ok("show", "a").stdout
    [conflict] = _date_conflicts(cli)
    assert "marked as happening once" in conflict["explanation"]
    # Back to the wording: the conflict is withdrawn.
    cli.ok("edit", "a", "--occasion", "auto")
    assert _claim(cli, "a")["occasion"] is None
    assert [row for row in _date_conflicts(cli) if row["status"] == "open"] == []


def test_add_once_checks_at_once(cli: Cli) -> None:
    _summit(cli, "a", "one", "14 September 2022")
    printed = _summit(cli, "b", "two", "3 July 2024", "--once")
    assert "conflict" in printed
    assert len(_date_conflicts(cli)) == 1
    # The twin: the same day reported twice is no conflict, mark or not.
    _summit(cli, "c", "two", "September 2022", "--occasion", "once")
    pairs = {(row["claim_a_key"], row["claim_b_key"]) for row in _date_conflicts(cli)}
    assert pairs == {("a", "b"), ("b", "c")}


def test_recurring_overrides_a_one_off_wording(cli: Cli) -> None:
    for key, source, when in (("a", "one", "2019"), ("b", "two", "2024")):
        cli.ok(
            "add", f"First deputy's visit ({key}).", "-s", source, "--key", key,
            "--subject", "Kazakhstan", "--property", "first deputy's visit",
            "--event-date", when, "--occasion", "recurring",
        )  # fmt: skip
    assert _date_conflicts(cli) == []
    cli.ok("edit", "b", "--occasion", "auto")
    cli.ok("edit", "a", "--occasion", "auto")
    assert len(_date_conflicts(cli)) == 1  # "first" reads as one-off


@pytest.mark.parametrize(
    "args",
    [("--once", "--occasion", "recurring"), ("--occasion", "twice")],
)
def test_a_contradictory_or_unknown_mark_is_a_usage_error(cli: Cli, args: tuple[str, ...]) -> None:
    outcome = cli("add", "Met.", "-s", "one", *args)
    assert outcome.exit_code == 2
    assert "Traceback" not in outcome.stderr
    assert records(cli, "list") == []


def test_the_mark_round_trips_through_documents(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    path.write_text(
        json.dumps(
            {
                "claims": [
                    {"key": "a", "source": "one", "statement": "Met.", "occasion": "once"},
                    {"key": "b", "source": "one", "statement": "Met again.", "occasion": None},
                ]
            }
        ),
        encoding="utf-8",
    )
    cli.ok("import", str(path))
    assert [_claim(cli, key)["occasion"] for key in "ab"] == ["once", None]
    dump = tmp_path / "all.json"
    cli.ok("export", "all", "-o", str(dump))
    claims = {c["key"]: c for c in json.loads(dump.read_text(encoding="utf-8"))["claims"]}
    assert claims["a"]["occasion"] == "once"
    # A document with a word outside the vocabulary is refused whole.
    path.write_text(
        json.dumps({"claims": [{"source": "one", "statement": "X.", "occasion": "twice"}]}),
        encoding="utf-8",
    )
    outcome = cli("import", str(path))
    assert outcome.exit_code != 0 and "occasion" in outcome.stderr
    assert len(records(cli, "list")) == 2
    # CSV exports carry the column.
    listed = cli.ok("list", "--format", "csv").stdout.splitlines()
    assert "occasion" in listed[0].split(",")
