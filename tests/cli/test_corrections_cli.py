"""`factbase retract`, `unretract`, `delete`, `restore`, `merge`, `duplicates` and `add`'s
duplicate check: each with its audit entry, with links and reviewed conflicts attached,
and what a retracted claim leaves (listings, conflicts, exports, report)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import Cli, listed_claims, own_vocabulary_only, parse_json, query, records, snapshot

CPC = "About 80% of Kazakhstan's oil exports pass through the CPC."


@pytest.fixture
def data(cli: Cli) -> Cli:
    """Two outlets, two sources, five claims: 1 and 2 conflict on a value (decided:
    confirmed), 1 supports 4, 3 is about something else, 5 repeats 4's subject."""
    cli.ok("outlet", "add", "Alpha", "--stance", "neutral", "--language", "en")
    cli.ok("outlet", "add", "Beta", "--stance", "pro-western", "--language", "en")
    cli.ok(
        "source",
        "add",
        "--outlet",
        "Alpha",
        "--key",
        "src-a",
        "--title",
        "A",
        "--published",
        "2022",
    )
    cli.ok(
        "source", "add", "--outlet", "Beta", "--key", "src-b", "--title", "B", "--published", "2023"
    )
    share = ("--subject", "CPC", "--property", "share of oil exports", "--as-of", "2022")
    cli.ok(
        "add",
        CPC,
        "--source",
        "src-a",
        "--key",
        "c1",
        "--value",
        "80%",
        "--quote",
        "около 80% экспорта",
        *share,
    )
    cli.ok(
        "add",
        "60% of oil exports pass through the CPC.",
        "--source",
        "src-b",
        "--key",
        "c2",
        "--value",
        "60%",
        *share,
    )
    cli.ok("add", "Kazakhstan is moving away from Russia.", "--source", "src-b", "--key", "c3")
    cli.ok("add", "The CPC carries most of Kazakhstan's oil.", "--source", "src-b", "--key", "c4")
    cli.ok("add", "Kazakhstan ships oil through Novorossiysk.", "--source", "src-a", "--key", "c5")
    cli.ok("conflicts", "resolve", "1", "--as", "confirmed", "--note", "both stand")
    cli.ok("link", "c1", "c4", "--as", "supports")
    return cli


def ids(rows: list[dict[str, Any]], column: str = "id") -> list[int]:
    return sorted(row[column] for row in rows)


def audit(url: str, action: str) -> list[dict[str, Any]]:
    return query(url, "SELECT * FROM audit_log WHERE action = :a ORDER BY id", a=action)


def conflict_rows(url: str) -> list[dict[str, Any]]:
    return query(
        url, "SELECT id, claim_a_id, claim_b_id, status, note, stale FROM conflict ORDER BY id"
    )


def fails(cli: Cli, *args: str) -> str:
    """The command fails with one error line, exit 1, and writes nothing."""
    before = snapshot(cli.url)
    outcome = cli(*args)
    assert outcome.exit_code == 1, outcome
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factbase: error: "), outcome.stderr
    assert snapshot(cli.url) == before
    return lines[0]


# -- retract ------------------------------------------------------------------------------


def test_a_retracted_claim_leaves_listings_conflicts_exports_and_the_report(data: Cli) -> None:
    cli = data
    assert ids(listed_claims(cli)) == [1, 2, 3, 4, 5]
    report_before = parse_json(cli.ok("report", "--format", "json"))
    cli.ok("retract", "c2", "--note", "misquoted: the article says 70%")

    assert ids(listed_claims(cli)) == [1, 3, 4, 5]
    assert ids(listed_claims(cli, "--include-retracted")) == [1, 2, 3, 4, 5]
    assert ids(listed_claims(cli, "--search", "oil")) == [1, 4, 5]
    assert "60% of oil" not in cli.ok("list").stdout
    assert "60% of oil" in cli.ok("list", "--include-retracted").stdout
    # The decided conflict stays on record, flagged stale, and out of the listing.
    assert conflict_rows(cli.url)[0]["status"] == "confirmed"
    assert conflict_rows(cli.url)[0]["stale"]
    assert records(cli, "conflicts", "--status", "all") == []
    assert ids(records(cli, "conflicts", "--status", "all", "--include-retracted")) == [1]
    exported = json.loads(cli.ok("export", "claims", "--format", "json").stdout)
    assert ids(exported) == [1, 3, 4, 5]
    exported = cli.ok("export", "claims", "--format", "json", "--include-retracted").stdout
    assert ids(json.loads(exported)) == [1, 2, 3, 4, 5]
    assert json.loads(cli.ok("export", "conflicts", "--format", "json").stdout) == []
    exported = cli.ok("export", "conflicts", "--format", "json", "--include-retracted").stdout
    assert ids(json.loads(exported)) == [1]
    report = parse_json(cli.ok("report", "--format", "json"))
    assert report["claims"] == report_before["claims"] - 1
    assert report["conflicts_by_topic"] == []
    assert report_before["conflicts_by_topic"] != []
    # show still finds it, struck through, with the date and the reason
    shown = cli.ok("show", "c2").stdout
    assert "Claim 2 (c2) (retracted)" in shown and "misquoted: the article says 70%" in shown

    [entry] = audit(cli.url, "retract")
    assert (entry["claim_id"], entry["source_id"], entry["target"]) == (2, 2, "claim 2")
    assert entry["note"] == "misquoted: the article says 70%"
    assert json.loads(entry["detail"])["changes"]["retraction_note"][0] is None


def test_unretract_brings_the_claim_and_its_conflicts_back(data: Cli) -> None:
    cli = data
    cli.ok("retract", "2", "--note", "wrong")
    cli.ok("unretract", "c2", "--note", "it was right after all")
    assert ids(listed_claims(cli)) == [1, 2, 3, 4, 5]
    [conflict] = conflict_rows(cli.url)
    assert (conflict["status"], bool(conflict["stale"])) == ("confirmed", False)
    assert ids(records(cli, "conflicts", "--status", "all")) == [1]
    [entry] = audit(cli.url, "unretract")
    assert entry["claim_id"] == 2 and entry["note"] == "it was right after all"
    assert "retracted" not in cli.ok("show", "c2").stdout


def test_retracting_withdraws_open_conflicts_and_unretracting_finds_them_again(
    cli: Cli,
) -> None:
    cli.ok("outlet", "add", "Alpha", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "Alpha", "--key", "s", "--title", "S")
    share = ("--subject", "CPC", "--property", "share", "--as-of", "2022")
    cli.ok("add", "80% go through the CPC.", "--source", "s", "--value", "80%", *share)
    cli.ok("add", "60% go through the CPC.", "--source", "s", "--value", "60%", *share)
    assert len(conflict_rows(cli.url)) == 1
    cli.ok("retract", "2", "--note", "typo")
    assert conflict_rows(cli.url) == []
    cli.ok("unretract", "2")
    assert len(conflict_rows(cli.url)) == 1


def test_retract_refuses_bad_input_and_writes_nothing(data: Cli) -> None:
    assert "no claim" in fails(data, "retract", "nope", "--note", "x")
    assert "--note" in fails(data, "retract", "c1", "--note", "  ")
    data.ok("retract", "c1", "--note", "x")
    assert "already retracted" in fails(data, "retract", "c1", "--note", "y")
    assert "not retracted" in fails(data, "unretract", "c2")
    assert data("retract", "c3").exit_code == 2  # --note is required


# -- delete and restore -------------------------------------------------------------------


def test_delete_needs_yes_and_force_for_a_claim_with_reviewed_conflicts_or_links(
    data: Cli,
) -> None:
    assert "--yes" in fails(data, "delete", "c1")
    refused = fails(data, "delete", "c1", "--yes")
    assert "conflict 1 (confirmed)" in refused and "link with claim 4" in refused
    assert "no claim" in fails(data, "delete", "404", "--yes")
    data.ok("delete", "c3", "--yes")  # nothing attached
    assert ids(listed_claims(data)) == [1, 2, 4, 5]


def test_delete_then_restore_puts_back_the_claim_its_topics_links_and_decisions(
    data: Cli,
) -> None:
    cli = data
    cli.ok("topics", "add", "oil")
    cli.ok("topics", "add", "transport")
    before = {
        "claim": query(cli.url, "SELECT * FROM claim WHERE id = 1"),
        "topics": query(cli.url, "SELECT * FROM claim_topic WHERE claim_id = 1 ORDER BY topic_id"),
        "links": query(cli.url, "SELECT * FROM claim_link ORDER BY id"),
        "conflicts": query(cli.url, "SELECT * FROM conflict ORDER BY id"),
        "search": query(cli.url, "SELECT id FROM claim WHERE search_text LIKE '%cpc%' ORDER BY id"),
    }
    deleted = cli.ok("delete", "c1", "--yes", "--force", "--note", "entered twice")
    assert "factbase restore" in deleted.stderr
    assert query(cli.url, "SELECT id FROM claim WHERE id = 1") == []
    assert query(cli.url, "SELECT * FROM conflict ORDER BY id") == []
    [entry] = audit(cli.url, "delete")
    assert (entry["claim_id"], entry["source_id"], entry["note"]) == (1, 1, "entered twice")
    detail = json.loads(entry["detail"])
    assert detail["claim"]["key"] == "c1" and detail["conflicts"][0]["status"] == "confirmed"
    assert len(detail["links"]) == 1

    cli.ok("restore", str(entry["id"]))
    after = {
        "claim": query(cli.url, "SELECT * FROM claim WHERE id = 1"),
        "topics": query(cli.url, "SELECT * FROM claim_topic WHERE claim_id = 1 ORDER BY topic_id"),
        "links": query(cli.url, "SELECT * FROM claim_link ORDER BY id"),
        "conflicts": query(cli.url, "SELECT * FROM conflict ORDER BY id"),
        "search": query(cli.url, "SELECT id FROM claim WHERE search_text LIKE '%cpc%' ORDER BY id"),
    }
    assert after == before
    assert ids(listed_claims(cli, "--search", "80%")) == [1]
    [restored] = audit(cli.url, "restore")
    assert json.loads(restored["detail"]) == {"audit": entry["id"]}
    assert restored["claim_id"] == 1

    # Once back, the same entry cannot restore it again.
    assert "exists" in fails(cli, "restore", str(entry["id"]))


def test_restore_refuses_a_taken_key_an_entry_not_a_deletion_and_a_bad_id(data: Cli) -> None:
    cli = data
    cli.ok("delete", "c3", "--yes")
    [entry] = audit(cli.url, "delete")
    cli.ok("add", "Something else.", "--source", "src-b", "--key", "c3")
    assert "key 'c3'" in fails(cli, "restore", str(entry["id"]))
    [decision] = audit(cli.url, "conflict-confirmed")
    assert "not a deletion" in fails(cli, "restore", str(decision["id"]))
    assert "no audit entry" in fails(cli, "restore", "99999")
    assert "no audit entry" in fails(cli, "restore", "abc")


# -- duplicates and merge -----------------------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        CPC,
        CPC.upper(),
        "  About 80%   of Kazakhstan’s oil exports pass through the CPC  ",
        "About 80% of Kazakhstan's oil exports pass through the CPC!",
    ],
)
def test_add_refuses_a_claim_the_source_has_already(data: Cli, statement: str) -> None:
    refused = fails(data, "add", statement, "--source", "src-a")
    assert "claim 1 (c1)" in refused and "same statement" in refused
    assert "--allow-duplicate" in refused


def test_add_compares_quotes_and_only_within_the_source(data: Cli) -> None:
    refused = fails(
        data, "add", "Other words.", "--source", "src-a", "--quote", "«Около 80% экспорта»"
    )
    assert "claim 1 (c1)" in refused and "same quote" in refused
    data.ok("add", CPC, "--source", "src-b")  # another source: not a duplicate
    added = data.ok("add", CPC, "--source", "src-a", "--allow-duplicate", "--format", "json")
    assert parse_json(added)[0]["id"] == 7


def test_a_retracted_claim_is_no_duplicate(data: Cli) -> None:
    data.ok("retract", "c1", "--note", "withdrawn")
    data.ok("add", CPC, "--source", "src-a")


def test_duplicates_lists_groups_of_one_source(data: Cli) -> None:
    cli = data
    cli.ok("add", CPC.lower(), "--source", "src-a", "--allow-duplicate")  # 6
    cli.ok(
        "add",
        "Quite different.",
        "--source",
        "src-a",
        "--quote",
        "ОКОЛО 80% экспорта",
        "--allow-duplicate",
    )  # 7
    cli.ok("add", CPC, "--source", "src-b")  # 8: another source
    groups = records(cli, "duplicates")
    assert groups == [
        {
            "source_id": 1,
            "source_key": "src-a",
            "claims": [1, 6, 7],
            "keys": ["c1", None, None],
            "same": ["quote", "statement"],
            "statement": CPC,
        }
    ]
    assert records(cli, "duplicates", "--source", "src-b") == []
    assert "1 group of duplicates" in cli.ok("duplicates").stderr
    assert "source_id,source_key" in cli.ok("duplicates", "--format", "csv").stdout


def test_merge_moves_links_conflicts_topics_and_audit_and_leaves_a_redirect(data: Cli) -> None:
    cli = data
    own_vocabulary_only(cli.url)
    cli.ok("topics", "add", "pipelines")
    cli.ok("add", CPC.upper(), "--source", "src-a", "--key", "dup", "--allow-duplicate",
           "--topic", "pipelines", "--value", "80%", "--subject", "CPC",
           "--property", "share of oil exports", "--as-of", "2022")  # fmt: skip
    assert {row["claim_a_id"]: row["status"] for row in conflict_rows(cli.url)} == {
        1: "confirmed",
        2: "open",
    }  # dup (6) conflicts with 2 too: open
    cli.ok("link", "dup", "c3", "--as", "same")
    cli.ok("link", "dup", "c1", "--as", "same")
    cli.ok("xref", "reject", "dup", "c5")
    before = snapshot(cli.url)
    dry = cli.ok("merge", "c1", "dup", "--dry-run")
    assert "dry run" in dry.stderr and snapshot(cli.url) == before

    cli.ok("merge", "c1", "dup", "--note", "entered twice")
    # The pair with the kept claim went; the link to 3 and the rejection moved.
    links = query(cli.url, "SELECT claim_a_id, claim_b_id, kind FROM claim_link ORDER BY id")
    assert links == [
        {"claim_a_id": 1, "claim_b_id": 4, "kind": "supports"},
        {"claim_a_id": 1, "claim_b_id": 3, "kind": "same"},
    ]
    assert query(cli.url, "SELECT claim_a_id, claim_b_id FROM xref_rejection") == [
        {"claim_a_id": 1, "claim_b_id": 5}
    ]
    # Two conflicts with claim 2 collapse into the reviewed one.
    assert [(r["claim_a_id"], r["claim_b_id"], r["status"]) for r in conflict_rows(cli.url)] == [
        (1, 2, "confirmed")
    ]
    topics = query(
        cli.url,
        "SELECT t.slug FROM claim_topic ct JOIN topic t ON t.id = ct.topic_id "
        "WHERE ct.claim_id = 1",
    )
    assert topics == [{"slug": "pipelines"}]
    dropped = query(
        cli.url, "SELECT retracted_at, retraction_note, merged_into_id FROM claim WHERE id = 6"
    )
    assert dropped[0]["retraction_note"] == "merged into 1" and dropped[0]["merged_into_id"] == 1
    assert dropped[0]["retracted_at"] is not None
    # Every audit entry of the dropped claim is the kept claim's now.
    assert query(cli.url, "SELECT id FROM audit_log WHERE claim_id = 6") == []
    [entry] = audit(cli.url, "merge")
    assert (entry["claim_id"], entry["target"], entry["note"]) == (1, "claim 6", "entered twice")
    detail = json.loads(entry["detail"])
    assert detail["keep"] == 1 and detail["drop"] == 6
    assert len(detail["dropped"]["conflicts"]) == 1 and len(detail["dropped"]["links"]) == 1

    # The old id and key still lead to the kept claim.
    assert ids(listed_claims(cli)) == [1, 2, 3, 4, 5]
    for ref in ("6", "dup"):
        shown = cli.ok("show", ref)
        assert "claim 6 (dup) was merged into claim 1" in shown.stderr
        assert "Claim 1 (c1)" in shown.stdout
    assert records(cli, "show", "dup")[0]["id"] == 1
    cli.ok("link", "dup", "c2", "--as", "contradicts")  # follows the redirect
    assert query(cli.url, "SELECT kind FROM claim_link WHERE claim_a_id = 1 AND claim_b_id = 2")


def test_merge_refuses_itself_retracted_merged_and_other_sources(data: Cli) -> None:
    cli = data
    cli.ok("add", CPC, "--source", "src-a", "--key", "dup", "--allow-duplicate")
    assert "into itself" in fails(cli, "merge", "c1", "1")
    assert "different sources" in fails(cli, "merge", "c1", "c2")
    cli.ok("merge", "c1", "dup")
    assert "merged into claim 1" in fails(cli, "merge", "dup", "c5")
    assert "merged into claim 1" in fails(cli, "merge", "c5", "dup")
    cli.ok("retract", "c5", "--note", "x")
    assert "retracted" in fails(cli, "merge", "c1", "c5")
    assert "no claim" in fails(cli, "merge", "c1", "nope")
    forced = cli.ok("merge", "c1", "c4", "--force")
    assert "different sources" in forced.stderr  # said, as a warning
