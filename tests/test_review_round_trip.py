"""`export all` → `import` into an empty database → `export all`: the review work comes
back too (custom stances, decisions, a stale decision, retractions, a merged duplicate,
link authors, timestamps, the audit log), and the second export is the first, byte for
byte, in JSON and JSON Lines. Importing the same document again changes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, import_counts, query, writing

TABLES = ("claim", "conflict", "claim_link", "audit_log", "stance", "outlet", "source")
# Claims about three subjects whose figures, dates and verdicts clash, all from one source.
CLAIMS = (
    ("x-low", "X is 10%.", "X", "share", "10%", None),
    ("x-high", "X is 50%.", "X", "share", "50%", None),
    (None, "Y is 1 million.", "Y", "count", "1 million", None),
    (None, "Y is 5 million.", "Y", "count", "5 million", None),
    ("z-yes", "Z is moving away.", "Z", "moving away", None, "affirmed"),
    ("z-no", "Z is not moving away.", "Z", "moving away", None, "denied"),
    ("w-low", "W is 10%.", "W", "share", "10%", None),
    ("w-high", "W is 90%.", "W", "share", "90%", None),
    ("dup", "X is ten per cent.", None, None, None, None),
    (None, "A claim taken back.", None, None, None, None),
)


def build(cli: Cli, url: str, tmp_path: Path) -> None:
    cli.ok("stance", "add", "anti-establishment", "--description", "Against every government")
    cli.ok("stance", "add", "pro-turkish", "--colour", "cyan")
    cli.ok("outlet", "add", "Новини", "--stance", "anti-establishment", "--note", "Без дат")
    cli.ok("outlet", "add", "Haber", "--stance", "pro-turkish")
    cli.ok("source", "add", "--outlet", "Новини", "--title", "Без ключа")  # no key, no URL
    cli.ok("source", "add", "--outlet", "Haber", "--title", "T", "--key", "t", "--cites", "Новини")
    for key, statement, subject, prop, value, polarity in CLAIMS:
        args = ["add", statement, "-s", "1" if key is None else "t"]
        for option, given in (
            ("--key", key),
            ("--subject", subject),
            ("--property", prop),
            ("--value", value),
            ("--polarity", polarity),
        ):
            if given:
                args += [option, given]
        cli.ok(*args)
    conflicts = {
        (row["a"], row["b"]): row["id"]
        for row in query(url, "SELECT id, claim_a_id AS a, claim_b_id AS b FROM conflict")
    }
    assert set(conflicts) == {(1, 2), (3, 4), (5, 6), (7, 8)}
    resolve = ("conflicts", "resolve")
    cli.ok(
        *resolve, str(conflicts[1, 2]), "--as", "resolved", "--note", "Checked.", "--keep", "x-high"
    )
    cli.ok(*resolve, str(conflicts[3, 4]), "--as", "dismissed", "--note", "Counts.")
    cli.ok(*resolve, str(conflicts[5, 6]), "--as", "confirmed", "--note", "Both.")
    cli.ok(*resolve, str(conflicts[7, 8]), "--as", "confirmed", "--note", "Odd.")
    cli.ok("link", "x-low", "dup", "--as", "same", "--note", "Один и тот же отчёт")
    cli.ok("link", "3", "z-yes", "--as", "contradicts", "--note", "Reads as a denial")
    cli.ok("link", "x-high", "4", "--as", "refines")
    declared = query(url, "SELECT id FROM conflict WHERE kind = 'declared'")[0]["id"]
    cli.ok(*resolve, str(declared), "--as", "dismissed", "--note", "Not so.")
    # Correcting W's figure: the decision on its conflict stays, flagged stale.
    correction = tmp_path / "correction.yaml"
    correction.write_text(
        "claims:\n  - {key: w-high, source: t, statement: W is 10%., subject: W,"
        " property: share, value: 10%}\n",
        encoding="utf-8",
    )
    cli.ok("import", str(correction))
    assert query(url, "SELECT stale FROM conflict WHERE claim_a_id = 7")[0]["stale"]
    from factbase.catalog import audit
    from factbase.store.models import Claim

    with writing(url) as session:
        taken_back = session.get(Claim, 10)
        assert taken_back is not None
        taken_back.retracted_at = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)
        taken_back.retraction_note = "Die Quelle hat es zurückgezogen."
        duplicate = session.get(Claim, 9)
        assert duplicate is not None
        duplicate.retracted_at = datetime(2024, 5, 2, tzinfo=UTC)
        duplicate.merged_into_id = 1
        audit.record(session, "retract", "claim 10", note="withdrawn", claim_id=10)
        audit.record(session, "merge", "claims 1-9", detail={"into": 1}, claim_id=9)
        title = {"title": ["A", "B"]}
        audit.record(session, "source-edit", "source 1", detail=title, source_id=1)


def export(cli: Cli, path: Path) -> bytes:
    cli.ok("export", "all", "-o", str(path))
    return path.read_bytes()


@pytest.mark.parametrize("suffix", ["json", "jsonl"])
@pytest.mark.parametrize("built", ["here", "in a file"])
def test_review_work_round_trips_byte_for_byte(
    db_url: str, tmp_path: Path, suffix: str, built: str
) -> None:
    """Built in the run's database and imported into a SQLite file, or the other way
    round: on PostgreSQL, each backend exports and each imports."""
    file_url = str(tmp_path / "other.db")
    built_url, other_url = (db_url, file_url) if built == "here" else (file_url, db_url)
    build(Cli(built_url), built_url, tmp_path)
    first = export(Cli(built_url), tmp_path / f"first.{suffix}")
    other = Cli(other_url)
    other.ok("import", str(tmp_path / f"first.{suffix}"))
    second = export(other, tmp_path / f"second.{suffix}")
    assert second.decode() == first.decode()

    # Importing the same document again changes nothing, the log included.
    before = {table: query(other_url, f"SELECT * FROM {table} ORDER BY 1") for table in TABLES}
    summary = json.loads(
        other.ok("import", str(tmp_path / f"first.{suffix}"), "--format", "json").stdout
    )
    assert not [key for key, n in import_counts(summary).items() if n and "unchanged" not in key]
    after = {table: query(other_url, f"SELECT * FROM {table} ORDER BY 1") for table in before}
    assert after == before


def test_importing_an_export_into_its_own_database_changes_nothing(
    db_url: str, tmp_path: Path
) -> None:
    """The keys a document made up (claim-3, source-1) name the keyless records back."""
    cli = Cli(db_url)
    build(cli, db_url, tmp_path)
    first = export(cli, tmp_path / "first.jsonl")
    summary = json.loads(cli.ok("import", str(tmp_path / "first.jsonl"), "--format", "json").stdout)
    assert not [key for key, n in import_counts(summary).items() if n and "unchanged" not in key]
    assert export(cli, tmp_path / "second.jsonl") == first
    assert query(db_url, "SELECT key FROM claim WHERE id IN (3, 4, 10)") == [{"key": None}] * 3
    assert (
        cli.ok("show", "claim-3", "-f", "json").stdout == cli.ok("show", "3", "-f", "json").stdout
    )


def test_the_document_carries_the_review_work(db_url: str, tmp_path: Path) -> None:
    build(Cli(db_url), db_url, tmp_path)
    document = json.loads(export(Cli(db_url), tmp_path / "all.json"))
    # No entities here, and the starter vocabulary's topics; the sections come in the
    # order they are applied.
    assert list(document) == [
        "stances", "topics", "outlets", "sources", "claims", "links", "conflicts", "audit",
    ]  # fmt: skip
    assert document["stances"] == [
        {"name": "anti-establishment", "description": "Against every government"},
        {"name": "pro-turkish", "colour": "cyan"},
    ]
    assert all("created_at" in record for record in (*document["outlets"], *document["sources"]))
    claims = {claim.get("key") or claim["statement"]: claim for claim in document["claims"]}
    assert claims["dup"]["merged_into"] == "x-low"
    assert claims["dup"]["retracted_at"] == "2024-05-02T00:00:00+00:00"
    assert claims["claim-10"]["retraction_note"] == "Die Quelle hat es zurückgezogen."
    assert {"created_at", "updated_at"} <= set(claims["x-low"])
    decisions = {(c["claim"], c["other"], c["kind"]): c for c in document["conflicts"]}
    assert set(decisions) == {
        ("x-low", "x-high", "value"),
        ("claim-3", "claim-4", "value"),
        ("claim-3", "z-yes", "declared"),
        ("z-yes", "z-no", "polarity"),
        ("w-low", "w-high", "value"),
    }
    kept = decisions["x-low", "x-high", "value"]
    assert (kept["status"], kept["kept"], kept["note"]) == ("resolved", "x-high", "Checked.")
    assert {"decided_by", "decided_at"} <= set(kept)
    assert decisions["w-low", "w-high", "value"]["stale"] is True
    assert "stale" not in decisions["z-yes", "z-no", "polarity"]
    actions = [entry["action"] for entry in document["audit"]]
    assert actions[-3:] == ["retract", "merge", "source-edit"]
    assert document["audit"][-1]["source"] == "source-1"
    assert document["audit"][-3]["claim"] == "claim-10"
    link = next(link for link in document["links"] if link["kind"] == "same")
    assert link["note"] == "Один и тот же отчёт"
    assert {"created_by", "created_at"} <= set(link)


def test_a_decision_the_scan_no_longer_finds_is_restored_stale(tmp_path: Path) -> None:
    """A document whose decided value conflict no longer holds between its claims."""
    path = tmp_path / "doc.yaml"
    path.write_text(
        """
outlets: [{name: A, stance: neutral}]
sources: [{key: s, outlet: A, title: T}]
claims:
  - {key: a, source: s, statement: Q is 10%., subject: Q, property: p, value: 10%}
  - {key: b, source: s, statement: Q is also 10%., subject: Q, property: p, value: 10%}
conflicts:
  - {claim: b, other: a, kind: value, status: dismissed, note: Rounding., decided_by: ann,
     decided_at: "2024-01-02T03:04:05+00:00"}
""",
        encoding="utf-8",
    )
    url = str(tmp_path / "f.db")
    cli = Cli(url)
    cli.ok("import", str(path))
    rows = query(url, "SELECT claim_a_id, status, stale, decided_by, note FROM conflict")
    assert [tuple(row.values()) for row in rows] == [(1, "dismissed", 1, "ann", "Rounding.")]
    # Importing it again finds the decision restored and changes nothing.
    cli.ok("import", str(path))
    assert len(query(url, "SELECT id FROM conflict")) == 1


BASE = {
    "outlets": [{"name": "A", "stance": "neutral"}],
    "sources": [{"key": "s", "outlet": "A", "title": "T"}],
    "claims": [
        {"key": "a", "source": "s", "statement": "Q is 10%."},
        {"key": "b", "source": "s", "statement": "Q is 50%."},
        {"key": "c", "source": "s", "statement": "Q is 90%."},
    ],
}
DECISION = {"claim": "a", "other": "b", "kind": "value", "status": "dismissed"}
BAD_RECORDS = [
    ({"audit": [{"at": "2024-01-01 10:00", "actor": "x", "action": "y", "target": "t"}]},
     "audit[0]: at: '2024-01-01 10:00' has no UTC offset"),
    ({"audit": [{"at": "2024-01-01T10:00:00Z", "actor": "x", "action": "y", "target": "t",
                 "claim": "nope"}]}, "audit[0]: no claim 'nope'"),
    ({"conflicts": [{**DECISION, "kept": "c"}]}, "conflicts[0]: kept: claim 'c' is not one"),
    ({"conflicts": [{**DECISION, "status": "open"}]}, "conflicts[0]: status"),
    ({"conflicts": [{**DECISION, "stale": "maybe"}]}, "conflicts[0]: stale: expected true or"),
    ({"conflicts": [{**DECISION, "colour": "red"}]}, "conflicts[0]: unknown field 'colour'"),
    ({"claims": [{"key": "d", "source": "s", "statement": "D.", "merged_into": "zz"}]},
     "claims[0] (key d): merged_into: no claim 'zz'"),
    ({"claims": [{"key": "d", "source": "s", "statement": "D.", "created_at": "soon"}]},
     "claims[0] (key d): created_at: 'soon' is not a timestamp"),
    ({"stances": [{"name": "Not A Stance!"}]}, "stances[0]: stance 'not a stance!' must be"),
]  # fmt: skip


@pytest.mark.parametrize(("records", "expected"), BAD_RECORDS)
def test_bad_review_records_are_one_error_naming_the_field(
    tmp_path: Path, records: dict[str, Any], expected: str
) -> None:
    url = str(tmp_path / "g.db")
    cli = Cli(url)
    base = tmp_path / "base.json"
    base.write_text(json.dumps(BASE), encoding="utf-8")
    cli.ok("import", str(base))
    before = {table: query(url, f"SELECT * FROM {table}") for table in TABLES}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    failed = cli("import", str(path))
    assert failed.exit_code == 1
    assert failed.stderr.startswith(f"factbase: error: bad.json: {expected}"), failed.stderr
    assert {table: query(url, f"SELECT * FROM {table}") for table in TABLES} == before


def test_a_snapshot_session_reads_one_state_of_the_database(db_url: str) -> None:
    """`export all` reads its sections in one snapshot: REPEATABLE READ on PostgreSQL."""
    from sqlalchemy import text

    from factbase.store.database import Database

    database = Database.open(db_url)
    try:
        with database.session(snapshot=True) as session:
            if session.get_bind().dialect.name != "postgresql":
                return  # SQLite's read transaction is a snapshot already
            level = session.execute(text("SHOW transaction_isolation")).scalar_one()
            assert level == "repeatable read"
    finally:
        database.close()
