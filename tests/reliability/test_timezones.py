"""The machine's timezone changes nothing: the same commands print the same bytes
under TZ=UTC, Asia/Almaty, and two zones 26 hours apart (so that at any hour of
the day at least one of them has a different local date than UTC: a stray use
of the local date shows up whenever the suite runs, not only late at night).

"today" and "yesterday" are counted from today's date in UTC (factbase.text.dates).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from support import child_env, start_worker

from factbase.store.database import Database

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

ZONES = ("UTC", "Asia/Almaty", "Pacific/Kiritimati", "Etc/GMT+12")


def _populate(url: str) -> None:
    """Sources published yesterday, today and tomorrow (UTC), with conflicting claims."""
    from factbase.analysis.intake import add_claim
    from factbase.analysis.links import link_claims
    from factbase.catalog.outlets import add_outlet
    from factbase.catalog.sources import SourceInput, add_source
    from factbase.claims.values import ClaimInput

    today = datetime.now(UTC).date()
    database = Database.open(url)
    try:
        with database.session(write=True) as session:
            add_outlet(session, "Steppe Daily", "neutral", country="KZ", language="ru")
            for offset, key in ((-1, "yesterday"), (0, "today"), (1, "tomorrow")):
                published = (today + timedelta(days=offset)).isoformat()
                add_source(
                    session,
                    SourceInput(outlet="Steppe Daily", title=f"Report {key}", key=key,
                                language="ru", published=published),
                )  # fmt: skip
                add_claim(
                    session,
                    ClaimInput(source=key, key=f"claim-{key}", language="ru",
                               statement=f"КТК прокачал {60 + 10 * offset}% экспорта ({key}).",
                               subject="CPC", property="share of exports",
                               value=f"{60 + 10 * offset}%", as_of="2022"),
                )  # fmt: skip
            link_claims(session, "claim-yesterday", "claim-tomorrow", "contradicts", "Disagree.")
    finally:
        database.close()


READS: list[list[str]] = [
    ["list"],
    ["list", "--format", "csv"],
    ["list", "--format", "json", "--sort", "added"],
    ["list", "--since", "yesterday", "--format", "csv"],
    ["list", "--until", "today", "--format", "csv"],
    ["list", "--since", "вчера", "--until", "сегодня", "--format", "jsonl"],
    ["list", "--since", "2 days ago", "--format", "jsonl"],
    ["show", "claim-today"],
    ["show", "claim-today", "--format", "json"],
    ["conflicts", "--status", "all"],
    ["conflicts", "--format", "json"],
    ["history"],
    ["history", "--format", "json"],
    ["source", "list", "--format", "csv"],
    ["source", "show", "today"],
]


def _run_everywhere(
    url: str, tmp_path: Path, commands: list[list[str]], zones: tuple[str, ...] = ZONES
) -> dict[str, object]:
    batch = tmp_path / "commands.json"
    batch.write_text(json.dumps([["--db", url, *args] for args in commands]), encoding="utf-8")
    results = {}
    for zone in zones:  # one after another: writes under one zone must not race another
        worker = start_worker("cli-batch", str(batch), env=child_env(TZ=zone))
        stdout, stderr = worker.communicate(timeout=120)
        assert worker.returncode == 0, stderr
        results[zone] = json.loads(stdout)
    return results


def test_every_zone_prints_the_same_bytes(db_url: str, tmp_path: Path) -> None:
    _populate(db_url)
    results = _run_everywhere(db_url, tmp_path, READS)
    reference = results["UTC"]
    for args, code, stdout, stderr in reference:  # type: ignore[attr-defined]
        assert code == 0, (args, stderr)
        assert stdout.strip(), args
    since = [r for r in reference if r[0][3:] == ["--since", "yesterday", "--format", "csv"]]  # type: ignore[attr-defined]
    assert since[0][2].count("claim-") == 3
    for zone in ZONES[1:]:
        assert results[zone] == reference, zone


def test_relative_dates_written_under_every_zone_are_the_same(db_url: str, tmp_path: Path) -> None:
    _populate(db_url)
    adds = [
        # The same claim is added under each zone: a duplicate by design.
        ["add", "Сегодня КТК прокачал 70% экспорта.", "--source", "today", "--language", "ru",
         "--event-date", "yesterday", "--as-of", "сегодня", "--format", "json",
         "--allow-duplicate"],
    ]  # fmt: skip
    # UTC and the two zones 26 hours apart (Asia/Almaty lies between, covered above).
    zones = ("UTC", "Pacific/Kiritimati", "Etc/GMT+12")
    results = _run_everywhere(db_url, tmp_path, adds, zones)
    rows = {}
    for zone, outcome in results.items():
        [(_args, code, stdout, stderr)] = outcome  # type: ignore[misc]
        assert code == 0, stderr
        [row] = json.loads(stdout)
        assert row["created_at"].endswith("+00:00"), row["created_at"]
        created = datetime.fromisoformat(row["created_at"])
        assert abs(created - datetime.now(UTC)) < timedelta(minutes=5), zone
        rows[zone] = {
            name: value
            for name, value in row.items()
            if name not in ("id", "created_at", "updated_at", "new_conflicts")
        }
    today = datetime.now(UTC).date()
    assert rows["UTC"]["event_date"] == (today - timedelta(days=1)).isoformat()
    assert rows["UTC"]["as_of"] == today.isoformat()
    for zone in zones[1:]:
        assert rows[zone] == rows["UTC"], zone
