"""`export all` and `--format claimreview` on hand-made claims: records the seed data lacks
(custom stances, keyless sources, refines links, units given apart, reviewed conflicts)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, schema_org_only

from factbase.catalog.audit import current_actor


@pytest.mark.slow
def test_round_trip_keeps_odd_values_links_and_keyless_records(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url)
    cli.ok("stance", "add", "anti-establishment", "--description", "Against every government")
    cli.ok("outlet", "add", "Новини", "--stance", "anti-establishment")
    cli.ok("source", "add", "--outlet", "Новини", "--title", "Без ключа")  # no key, no URL
    cli.ok("add", 'He said "yes", then\nno; «да».', "-s", "1", "--value", "около 80%")
    cli.ok("add", "Budget grew.", "-s", "1", "--value", "441 млрд", "--unit", "KZT")
    cli.ok("add", "Denied.", "-s", "1", "--polarity", "denied", "--as-of", "ноябрь 2023")
    cli.ok("link", "1", "2", "--as", "refines")
    exported = tmp_path / "a.json"
    cli.ok("export", "all", "-o", str(exported))
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["sources"][0]["key"] == "source-1"
    # Links carry who made them and when (to the second), so an import keeps both.
    made = {"created_by": current_actor(), "created_at": document["links"][0]["created_at"]}
    assert document["links"] == [
        {"claim": "claim-1", "other": "claim-2", "kind": "refines", **made}
    ]
    assert datetime.fromisoformat(made["created_at"]).tzinfo is not None
    assert document["claims"][1]["unit"] == "KZT"
    if PG_URL:
        return
    other = Cli(str(tmp_path / "empty.db"))
    other.ok("stance", "add", "anti-establishment", "--description", "Against every government")
    other.ok("import", str(exported))
    again = tmp_path / "b.json"
    other.ok("export", "all", "-o", str(again))
    assert json.loads(again.read_text(encoding="utf-8")) == document


def test_claimreview_carries_review_outcomes(db_url: str) -> None:
    from pyld import jsonld

    cli = Cli(db_url)
    cli.ok("outlet", "add", "A", "--stance", "neutral")
    cli.ok(
        "source",
        "add",
        "--outlet",
        "A",
        "--title",
        "T",
        "--key",
        "t",
        "--url",
        "https://a.example/1",
    )
    cli.ok("add", "X is 10%.", "-s", "t", "--subject", "X", "--property", "p", "--value", "10%")
    cli.ok("add", "X is 50%.", "-s", "t", "--subject", "X", "--property", "p", "--value", "50%")
    cli.ok("conflicts", "resolve", "1", "--as", "resolved", "--note", "Checked.", "--keep", "2")
    plain = json.loads(cli.ok("export", "claims", "-f", "claimreview").stdout)
    assert [n["@type"] for n in plain["@graph"]] == ["Claim", "Claim"]  # no verdicts
    document = json.loads(
        cli.ok("export", "claims", "-f", "claimreview", "--conflict-reviews").stdout
    )
    reviews = [n for n in document["@graph"] if n["@type"] == "ClaimReview"]
    outcomes = {n["itemReviewed"]["@id"]: n["reviewRating"]["alternateName"] for n in reviews}
    assert outcomes == {"urn:factbase:claim:1": "Disputed", "urn:factbase:claim:2": "Upheld"}
    assert all(n["reviewBody"] == "Checked." for n in reviews)
    expanded = jsonld.expand(document, {"documentLoader": schema_org_only})
    assert len(expanded) == 4
