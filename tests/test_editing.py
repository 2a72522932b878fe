"""Correcting the record: `edit`, `source edit`, `entities edit|merge` and `history`.

Each correction changes only what it is given, re-derives what follows from it, checks
the claim's conflicts again, and leaves an audit entry with every field before and after.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from helpers import (
    Cli,
    add_claims,
    add_outlets,
    add_sources,
    parse_json,
    query,
    seed,
    snapshot,
    writing,
)

CPC = "wsj-ru-cpc-share"


def _shown(cli: Cli, ref: str) -> dict[str, Any]:
    [record] = parse_json(cli.ok("show", ref, "--format", "json"))
    assert isinstance(record, dict)
    return record


def _last_entry(url: str) -> dict[str, Any]:
    [entry] = query(url, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    return entry


@pytest.fixture
def seeded(db_url: str) -> str:
    seed(db_url)
    return db_url


@pytest.fixture
def pair(db_url: str) -> str:
    """Two claims of one series that disagree: 80% and 50% of CPC's share, as of 2022."""
    with writing(db_url) as session:
        add_outlets(session, [("Outlet A", "neutral", "en"), ("Outlet B", "pro-kremlin", "ru")])
        add_sources(session, [("a1", "Outlet A", "2022-06-01"), ("b1", "Outlet B", "2022-07-01")])
        add_claims(
            session,
            [
                {
                    "source": "a1",
                    "key": "share-a",
                    "statement": "About 80% of oil exports go through the CPC.",
                    "subject": "CPC",
                    "property": "share of oil exports",
                    "value": "80%",
                    "as_of": "2022",
                },
                {
                    "source": "b1",
                    "key": "share-b",
                    "statement": "Half of the oil exports go through the CPC.",
                    "subject": "CPC",
                    "property": "share of oil exports",
                    "value": "50%",
                    "as_of": "2022",
                },
            ],
        )
    return db_url


def _conflicts(url: str) -> list[dict[str, Any]]:
    return query(url, "SELECT id, kind, status, stale, note FROM conflict ORDER BY id")


# -- edit ------------------------------------------------------------------------------


def test_edit_changes_only_the_fields_given_and_audits_the_diff(seeded: str) -> None:
    cli = Cli(seeded)
    before = _shown(cli, CPC)
    out = cli.ok("--user", "anna", "edit", CPC, "--status", "corroborated", "--why", "checked")
    assert "status: unverified → corroborated" in out.stdout
    after = _shown(cli, CPC)
    changed = {name for name in after if after[name] != before[name]}
    assert changed - {"updated_at"} == {"status"}
    entry = _last_entry(seeded)
    assert entry["action"] == "edit"
    assert entry["actor"] == "anna"
    assert entry["note"] == "checked"
    assert entry["claim_id"] == before["id"]
    assert json.loads(entry["detail"]) == {"changes": {"status": ["unverified", "corroborated"]}}


def test_edit_reparses_the_value_and_clears_with_an_empty_value(seeded: str) -> None:
    cli = Cli(seeded)
    cli.ok("edit", CPC, "--value", "около 70%", "--quote", "")
    [row] = query(
        seeded,
        "SELECT value_text, value_num, value_low, value_high, quote, speaker FROM claim "
        "WHERE key = :key",
        key=CPC,
    )
    assert (row["value_text"], row["value_num"]) == ("около 70%", 70.0)
    assert row["value_low"] < 70.0 < row["value_high"]
    assert row["quote"] is None
    assert row["speaker"] == "The Wall Street Journal"  # untouched
    changes = json.loads(_last_entry(seeded)["detail"])["changes"]
    assert set(changes) == {"value", "quote"}
    assert changes["value"] == ["около 80%", "около 70%"]


def test_a_new_value_replaces_the_old_unit(seeded: str) -> None:
    cli = Cli(seeded)
    cli.ok("edit", CPC, "--value", "1.2 million barrels a day")
    [row] = query(seeded, "SELECT value_unit, value_num FROM claim WHERE key = :key", key=CPC)
    assert row["value_unit"] != "%"


def test_edit_withdraws_an_open_conflict_that_no_longer_holds(pair: str) -> None:
    cli = Cli(pair)
    [conflict] = _conflicts(pair)
    assert conflict["status"] == "open"
    out = cli.ok("edit", "share-b", "--value", "около 80%")
    assert f"withdraw conflict {conflict['id']}" in out.stdout
    assert _conflicts(pair) == []
    out = cli.ok("edit", "share-b", "--value", "50%")
    assert "add conflict" in out.stdout
    assert len(_conflicts(pair)) == 1


def test_a_decided_conflict_goes_stale_and_keeps_its_decision(pair: str) -> None:
    cli = Cli(pair)
    [conflict] = _conflicts(pair)
    cli.ok("conflicts", "resolve", str(conflict["id"]), "--as", "confirmed", "--note", "real")
    out = cli.ok("edit", "share-b", "--value", "около 80%")
    assert "stale" in out.stdout
    [kept] = _conflicts(pair)
    assert (kept["id"], kept["status"], bool(kept["stale"]), kept["note"]) == (
        conflict["id"],
        "confirmed",
        True,
        "real",
    )
    [exported] = parse_json(cli.ok("export", "conflicts", "--status", "all", "-f", "json"))
    assert (exported["status"], exported["stale"], exported["note"]) == ("confirmed", True, "real")
    assert exported["decided_by"] and exported["decided_at"]
    assert "confirmed (stale)" in cli.ok("conflicts", "--status", "all").stdout
    cli.ok("edit", "share-b", "--value", "50%")
    [again] = _conflicts(pair)
    assert (again["id"], again["status"], bool(again["stale"])) == (
        conflict["id"],
        "confirmed",
        False,
    )


def test_dry_run_shows_the_change_and_writes_nothing(pair: str) -> None:
    cli = Cli(pair)
    before = snapshot(pair)
    out = cli.ok("edit", "share-b", "--value", "около 80%", "--dry-run")
    assert "would change 1 field" in out.stdout
    assert "value: 50% → около 80%" in out.stdout
    assert "would withdraw conflict" in out.stdout
    assert "nothing was written" in out.stdout
    assert snapshot(pair) == before
    record = parse_json(
        cli.ok("edit", "share-b", "--status", "disputed", "--dry-run", "-f", "json")
    )
    assert record["dry_run"] is True
    assert record["changes"] == {"status": ["unverified", "disputed"]}
    assert record["audit_entry"] is None
    assert snapshot(pair) == before


def test_edit_topics_replace_or_remove(seeded: str) -> None:
    cli = Cli(seeded)
    cli.ok("edit", CPC, "--topic", "energy")
    assert _shown(cli, CPC)["topics"] == ["energy"]
    cli.ok("edit", CPC, "--no-topic")
    assert _shown(cli, CPC)["topics"] == []
    changes = json.loads(_last_entry(seeded)["detail"])["changes"]
    assert changes == {"topics": [["energy"], []]}


def test_an_edit_that_changes_nothing_records_nothing(seeded: str) -> None:
    cli = Cli(seeded)
    status = _shown(cli, CPC)["status"]
    before = snapshot(seeded)
    out = cli.ok("edit", CPC, "--status", status)
    assert "nothing to change" in out.stdout
    assert snapshot(seeded) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("edit", "no-such-claim", "--status", "corroborated"), "no claim"),
        (("edit", CPC, "--topic", "oill"), "did you mean 'oil'?"),
        (("edit", CPC, "--value", "lots and lots"), "value"),
        (("edit", CPC, "--event-date", "when pigs fly"), "event_date"),
        (("edit", CPC, "--key", "wsj-ru-tokayev-new-routes"), "already has key"),
        (("edit", CPC, "--source", "no-such-source"), "no source"),
        (("edit", CPC, "--statement", ""), "statement"),
        (("edit", CPC), "nothing to change"),
        (("edit", CPC, "--topic", "oil", "--no-topic"), "not both"),
    ],
)
def test_bad_edits_are_one_error_line_and_write_nothing(
    seeded: str, args: tuple[str, ...], message: str
) -> None:
    cli = Cli(seeded)
    before = snapshot(seeded)
    out = cli(*args)
    assert out.exit_code == 1
    assert out.stdout == ""
    [line] = out.stderr.strip().splitlines()
    assert line.startswith("factbase: error:") and message in line
    assert snapshot(seeded) == before


def test_an_unknown_field_is_a_usage_error(seeded: str) -> None:
    out = Cli(seeded)("edit", CPC, "--colour", "red")
    assert out.exit_code == 2
    assert "No such option" in out.stderr


# -- sources and entities --------------------------------------------------------------


def test_source_edit_changes_only_the_fields_given(seeded: str) -> None:
    cli = Cli(seeded)
    key = "silkbridge-wsj-kz-distancing"
    [before] = parse_json(cli.ok("source", "show", key, "--format", "json"))
    out = cli.ok("source", "edit", key, "--author", "Jane Roe", "--why", "byline found")
    assert "author: ∅ → Jane Roe" in out.stdout
    [after] = parse_json(cli.ok("source", "show", key, "--format", "json"))
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"author"}
    entry = _last_entry(seeded)
    assert (entry["action"], entry["source_id"]) == ("source-edit", before["id"])
    out = cli("source", "edit", key, "--published", "someday")
    assert out.exit_code == 1 and "published" in out.stderr


def test_source_edit_of_the_publication_date_rechecks_its_claims(pair: str) -> None:
    cli = Cli(pair)
    cli.ok("edit", "share-b", "--as-of", "")  # the scope now comes from the publication
    before = _conflicts(pair)
    cli.ok("source", "edit", "b1", "--published", "2019-07-01", "--dry-run")
    assert _conflicts(pair) == before
    out = cli.ok("source", "edit", "b1", "--published", "2019-07-01")
    assert "published: 2022-07-01 → 2019-07-01" in out.stdout


def test_entity_edit_adds_and_removes_spellings_and_relinks_claims(seeded: str) -> None:
    cli = Cli(seeded)
    cli.ok("entities", "edit", "CPC", "--kind", "pipeline", "--alias", "Каспийская труба")
    [entity] = query(
        seeded,
        "SELECT e.id, e.kind, e.name FROM entity e JOIN entity_alias a ON a.entity_id = e.id "
        "WHERE a.alias_key = 'cpc'",
    )
    assert entity["kind"] == "pipeline"
    linked = query(
        seeded, "SELECT count(*) AS n FROM claim WHERE subject_id = :id", id=entity["id"]
    )
    cli.ok("entities", "edit", "CPC", "--remove-alias", "КТК")
    unlinked = query(
        seeded, "SELECT count(*) AS n FROM claim WHERE subject_id = :id", id=entity["id"]
    )
    spelt = query(seeded, "SELECT count(*) AS n FROM claim WHERE subject_key = 'ктк'")
    assert unlinked[0]["n"] == linked[0]["n"] - spelt[0]["n"]
    out = Cli(seeded)("entities", "edit", "CPC", "--remove-alias", entity["name"])
    assert out.exit_code == 1 and "name" in out.stderr
    # `entity` reads as `source edit` does: the same commands under the singular.
    cli.ok("entity", "edit", "CPC", "--note", "pipeline consortium")
    assert query(seeded, "SELECT note FROM entity WHERE id = :id", id=entity["id"]) == [
        {"note": "pipeline consortium"}
    ]


def test_entity_merge_moves_spellings_and_claims(db_url: str) -> None:
    cli = Cli(db_url)
    cli.ok("entities", "add", "Kazakhstan", "--alias", "Казахстан")
    cli.ok("entities", "add", "Qazaqstan")
    with writing(db_url) as session:
        add_outlets(session, [("Outlet A", "neutral", "en")])
        add_sources(session, [("a1", "Outlet A", "2022-06-01")])
        add_claims(
            session,
            [{"source": "a1", "statement": "Qazaqstan grows.", "subject": "Qazaqstan"}],
        )
    out = cli.ok("entities", "merge", "Kazakhstan", "Qazaqstan", "--why", "one country")
    assert "aliases" in out.stdout
    [row] = query(db_url, "SELECT e.name FROM claim c JOIN entity e ON e.id = c.subject_id")
    assert row["name"] == "Kazakhstan"
    assert query(db_url, "SELECT count(*) AS n FROM entity")[0]["n"] == 1
    entry = _last_entry(db_url)
    assert entry["action"] == "entity-merge"
    assert json.loads(entry["detail"])["merged"]["name"] == "Qazaqstan"
    out = cli("entities", "merge", "Kazakhstan", "Kazakhstan")
    assert out.exit_code == 1


# -- history ---------------------------------------------------------------------------


def test_history_of_a_claim_a_source_and_since(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(seeded)
    monkeypatch.setenv("FACTBASE_USER", "boris")
    cli.ok("edit", CPC, "--status", "corroborated", "--why", "second source")
    cli.ok("edit", "wsj-ru-tokayev-new-routes", "--note", "date unclear")
    rows = parse_json(cli.ok("history", CPC, "--format", "json"))
    # Newest first: the edit, then the seed's link (the CPC's "газопровод" contradicts its
    # oil share), then the import that recorded the claim (the seed).
    assert [row["action"] for row in rows] == ["edit", "link", "import-add"]
    assert rows[0]["actor"] == "boris"
    assert json.loads(rows[0]["detail"])["changes"]["status"][1] == "corroborated"
    source = _shown(cli, CPC)["source_key"]
    by_source = parse_json(cli.ok("history", "--source", source, "--format", "json"))
    assert {row["claim"] for row in by_source} >= {_shown(cli, CPC)["id"]}
    assert parse_json(cli.ok("history", "--since", "2999", "--format", "json")) == []
    table = cli.ok("history", CPC).stdout
    assert "status: unverified → corroborated" in table
    assert "second source" in table
    mine = parse_json(cli.ok("history", "--actor", "boris", "--action", "edit", "-f", "json"))
    assert len(mine) == 2
    # A limit that cuts a machine-format log says so on stderr; one that does not, nothing.
    cut = cli.ok("history", "--actor", "boris", "--limit", "1", "-f", "jsonl")
    assert len(cut.stdout.splitlines()) == 1
    assert cut.stderr.strip() == "1 of 2 rows; --limit 0 for all"
    whole = cli.ok("history", "--actor", "boris", "--limit", "2", "-f", "jsonl")
    assert len(whole.stdout.splitlines()) == 2 and whole.stderr == ""


# -- two people at once ----------------------------------------------------------------


def test_concurrent_edits_of_one_claim_both_land(pair: str) -> None:
    """The second edit waits for the first and is applied on top of it, on either backend."""
    from factbase.analysis.editing import edit_claim
    from factbase.store.database import Database

    finished = threading.Event()
    errors: list[BaseException] = []

    def second_terminal() -> None:
        try:
            with Database.open(pair) as other, other.session(write=True) as session:
                edit_claim(session, "share-a", {"note": "from the second terminal"})
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)
        finished.set()

    with Database.open(pair) as first, first.session(write=True) as session:
        edit_claim(session, "share-a", {"status": "corroborated"})
        thread = threading.Thread(target=second_terminal)
        thread.start()
        time.sleep(0.5)
        assert not finished.is_set(), "the second edit did not wait for the first"
    thread.join(timeout=30)
    assert not errors, errors
    [row] = query(pair, "SELECT status, note FROM claim WHERE key = 'share-a'")
    assert (row["status"], row["note"]) == ("corroborated", "from the second terminal")
    actions = [row["action"] for row in query(pair, "SELECT action FROM audit_log")]
    assert actions == ["edit", "edit"]
