"""The conflicts `factbase seed` finds in the bundled Kazakhstan dataset.

Expected pairs are derived from seeds/kazakhstan.yaml (claims with the same subject and
property and opposite polarities; `contradicts` links), never from hard-coded ids.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from contextlib import closing
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import PG_URL, Cli

from factbase.text.language import fold

SEED_PATH = Path(__file__).resolve().parents[1] / "seeds" / "kazakhstan.yaml"
# The contradictions a reader of the five articles sees, as (subject, property).
# ("distancing from Russia" is not among them: no article denies it, and 004's "must stay loyal"
# is recorded as loyalty, not as a denial.)
KNOWN = [
    ("Kazakhstan", "deepening ties with China"),
    ("Kazakhstan", "upholding Western sanctions against Russia"),  # pledge vs "back door"
]


@cache
def seed_data() -> dict[str, Any]:
    data = yaml.safe_load(SEED_PATH.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def entity_of(name: str) -> str:
    """The canonical name behind any alias, or the folded text when no entity has it."""
    for entity in seed_data().get("entities", []):
        if fold(name) in {fold(n) for n in [entity["name"], *entity.get("aliases", [])]}:
            return str(entity["name"])
    return f"text:{fold(name)}"


def claims_about(subject: str, prop: str) -> list[dict[str, Any]]:
    return [
        claim
        for claim in seed_data()["claims"]
        if claim.get("subject")
        and claim.get("property")
        and entity_of(claim["subject"]) == entity_of(subject)
        and fold(claim["property"]) == fold(prop)
        and claim.get("status") != "retracted"
    ]


def expected_cause(a: str, b: str) -> str:
    """A polarity conflict's cause by the claims' as-of dates: the same (or none) is
    "direct", one given and one not "unknown-time", two different "time-scope"."""
    claims = {claim["key"]: claim for claim in seed_data()["claims"]}
    first, second = (claims[key].get("as_of") for key in (a, b))
    if first == second:
        return "direct"
    return "unknown-time" if first is None or second is None else "time-scope"


def source_of() -> dict[str, str]:
    return {claim["key"]: claim["source"] for claim in seed_data()["claims"]}


def pair(a: str, b: str) -> frozenset[str]:
    return frozenset((a, b))


def seed(cli: Cli) -> dict[str, Any]:
    return json.loads(cli.ok("seed", "--format", "json").stdout)


@pytest.fixture(scope="module")
def _seeded_template(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> tuple[Path, dict[str, Any]] | None:
    """SQLite: seed once for the module (it takes seconds) and copy it for each test."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("seeded") / "seeded.db"
    shutil.copyfile(_migrated_sqlite_template, path)
    summary = seed(Cli(str(path)))
    # The CLI leaves its pooled connections open: fold the WAL into the file before copying.
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path, summary


@pytest.fixture
def seeded(
    cli: Cli, _seeded_template: tuple[Path, dict[str, Any]] | None
) -> tuple[Cli, dict[str, Any]]:
    if _seeded_template is None:
        return cli, seed(cli)
    path, summary = _seeded_template
    shutil.copyfile(path, cli.url)
    return cli, summary


def conflicts(cli: Cli) -> list[dict[str, Any]]:
    return json.loads(cli.ok("conflicts", "--status", "all", "--format", "json").stdout)


def test_the_yaml_holds_the_contradictions_this_test_relies_on() -> None:
    assert all(claim.get("key") for claim in seed_data()["claims"])
    for subject, prop in KNOWN:
        about = claims_about(subject, prop)
        polarities = {claim.get("polarity", "affirmed") for claim in about}
        assert polarities == {"affirmed", "denied"}, (subject, prop)
        assert len({claim["source"] for claim in about}) >= 2


@pytest.mark.slow
def test_seed_lists_the_real_cross_article_contradictions(
    seeded: tuple[Cli, dict[str, Any]],
) -> None:
    cli, summary = seeded
    rows = conflicts(cli)
    assert rows and summary["conflicts_found"] >= 3
    found = {pair(r["claim_a_key"], r["claim_b_key"]): r for r in rows}
    for subject, prop in KNOWN:
        about = claims_about(subject, prop)
        affirmed = [c["key"] for c in about if c.get("polarity", "affirmed") == "affirmed"]
        denied = [c["key"] for c in about if c.get("polarity") == "denied"]
        for a in affirmed:
            for d in denied:
                row = found.get(pair(a, d))
                assert row is not None, f"{subject} · {prop}: {a} vs {d} not listed"
                assert row["kind"] == "polarity"
                assert row["status"] == "open"
                assert row["cause"] == expected_cause(a, d)
                assert fold(prop) in fold(row["explanation"])
    sanctions = claims_about(*KNOWN[1])
    keys = {c["key"] for c in sanctions}
    assert {"wsj-ru-sanctions-pledge", "visit-ru-sanctions-back-door"} <= keys


def test_declared_contradictions_of_the_seed_are_listed(seeded: tuple[Cli, dict[str, Any]]) -> None:
    cli, _ = seeded
    declared = {
        pair(r["claim_a_key"], r["claim_b_key"]) for r in conflicts(cli) if r["kind"] == "declared"
    }
    expected = {
        pair(link["claim"], link["other"])
        for link in seed_data().get("links", [])
        if link["kind"] == "contradicts"
    }
    assert declared == expected


def test_every_conflict_is_between_different_articles(seeded: tuple[Cli, dict[str, Any]]) -> None:
    cli, _ = seeded
    sources = source_of()
    rows = conflicts(cli)
    assert rows
    # A person may declare a contradiction within one article (001 calls the CPC a gas pipeline
    # a few lines after its oil share); what the scan finds is always across articles.
    within = {
        pair(link["claim"], link["other"])
        for link in seed_data().get("links", [])
        if link["kind"] == "contradicts" and sources[link["claim"]] == sources[link["other"]]
    }
    assert within == {pair("wsj-ru-cpc-called-gas-pipeline", "wsj-ru-cpc-share")}
    for row in rows:
        a, b = row["claim_a_key"], row["claim_b_key"]
        if row["kind"] == "declared" and pair(a, b) in within:
            continue
        assert sources[a] != sources[b], f"conflict {row['id']} within one article: {a}, {b}"
        assert row["outlet_a"] != row["outlet_b"]
    # Nothing is detected that the data does not support: every detected conflict is
    # between two claims of one subject and property.
    for row in rows:
        if row["kind"] == "declared":
            continue
        claims = {c["key"]: c for c in seed_data()["claims"]}
        a, b = claims[row["claim_a_key"]], claims[row["claim_b_key"]]
        assert entity_of(a["subject"]) == entity_of(b["subject"])
        assert fold(a["property"]) == fold(b["property"])


@pytest.mark.slow
def test_seeding_twice_adds_no_conflict(seeded: tuple[Cli, dict[str, Any]]) -> None:
    cli, _ = seeded
    before = conflicts(cli)
    again = seed(cli)
    assert again["conflicts_found"] == 0
    assert conflicts(cli) == before
    scan = cli.ok("conflicts", "scan").stdout
    assert "0 new conflicts" in scan and "0 withdrawn" in scan
    assert conflicts(cli) == before
