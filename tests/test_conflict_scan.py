"""Conflict scanning against a real database: blocks, incremental and full scans, decisions.

Claims are recorded through the library (ClaimInput / add_claim); what was recorded is read
back with plain SQL, bypassing factbase's own queries.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import add_outlets, add_sources, snapshot
from sqlalchemy import insert, select, text

from factbase.analysis.conflicts import resolve_conflict, scan
from factbase.analysis.intake import add_claim
from factbase.analysis.links import link_claims, unlink_claims
from factbase.catalog.audit import history
from factbase.catalog.entities import EntityInput, upsert_entity
from factbase.catalog.outlets import add_outlet
from factbase.catalog.sources import SourceInput, add_source
from factbase.claims.query import get_claim
from factbase.claims.recording import save_claim
from factbase.claims.values import ClaimInput
from factbase.errors import InvalidInput, NotFound
from factbase.interchange.importer import import_files
from factbase.store.database import Database
from factbase.store.models import Claim

OUTLETS = [
    ("SilkBridge.info", "neutral", "ru"),
    ("Ukrinform", "pro-ukrainian", "uk"),
    ("RIA Novosti", "pro-kremlin", "ru"),
]
SOURCES = [("silk", "SilkBridge.info", "2022-07"), ("ukr", "Ukrinform", "2022-12-01")]
SOURCES += [("ria", "RIA Novosti", "2023-11")]
CPC = ("Caspian Pipeline Consortium", ["CPC", "КТК"])
SHARE = "share of Kazakhstan oil exports"


@pytest.fixture
def base(db: Database) -> Database:
    with db.session(write=True) as session:
        add_outlets(session, OUTLETS)
        add_sources(session, SOURCES)
        upsert_entity(session, EntityInput(name=CPC[0], aliases=CPC[1]))
    return db


def add(db: Database, key: str, source: str, **fields: Any) -> list[int]:
    """Record a claim; the ids of the conflicts it brought."""
    fields.setdefault("statement", f"Statement {key}")
    fields.setdefault("topics", ["oil"])
    fields.setdefault("language", {"silk": "ru", "ukr": "uk", "ria": "ru"}[source])
    with db.session(write=True) as session:
        result = add_claim(session, ClaimInput(source=source, key=key, **fields))
        return [conflict.id for conflict in result.new_conflicts]


def cpc(db: Database, key: str, source: str, value: str | None, **fields: Any) -> list[int]:
    fields.setdefault("subject", "CPC")
    fields.setdefault("property", SHARE)
    fields.setdefault("as_of", "2022")
    return add(db, key, source, value=value, **fields)


def sql(db: Database, query: str, **params: Any) -> list[dict[str, Any]]:
    with db.engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(text(query), params)]


def conflicts(db: Database) -> list[dict[str, Any]]:
    """Every conflict row, with the claim keys, in id order."""
    return sql(
        db,
        "SELECT f.id, a.key AS a, b.key AS b, f.kind, f.cause, f.status, f.explanation,"
        " f.kept_claim_id, f.note, f.claim_a_id, f.claim_b_id"
        " FROM conflict f JOIN claim a ON a.id = f.claim_a_id"
        " JOIN claim b ON b.id = f.claim_b_id ORDER BY f.id",
    )


def pairs(db: Database) -> set[tuple[str, str, str]]:
    return {(row["a"], row["b"], row["kind"]) for row in conflicts(db)}


# -- blocks ------------------------------------------------------------------------------


def test_aliases_of_one_entity_are_compared(base: Database) -> None:
    assert cpc(base, "en", "silk", "около 80%") == []
    new = cpc(base, "ru", "ukr", "60%", subject="КТК")
    rows = conflicts(base)
    assert [row["id"] for row in rows] == new
    assert len(rows) == 1
    row = rows[0]
    assert (row["a"], row["b"], row["kind"], row["status"]) == ("en", "ru", "value", "open")
    assert row["claim_a_id"] < row["claim_b_id"]
    assert row["cause"] == "direct"
    explanation = row["explanation"]
    assert "80 % ±10 % (SilkBridge.info, ru, 2022) vs 60 % (Ukrinform, uk, 2022)" in explanation
    # The twin: an alias-free text subject that merely looks similar is another block.
    assert cpc(base, "other", "ria", "60%", subject="CPC Blend") == []


def test_different_properties_are_not_compared(base: Database) -> None:
    cpc(base, "a", "silk", "около 80%")
    assert cpc(base, "b", "ukr", "60%", property="share of Kazakhstan gas exports") == []
    assert cpc(base, "c", "ria", "60%", property=SHARE.upper()) != []  # folded: one property
    assert pairs(base) == {("a", "c", "value")}


def test_text_subjects_are_matched_case_insensitively(base: Database) -> None:
    add(base, "a", "silk", subject="Middle Corridor", property="route", polarity="affirmed")
    assert add(base, "b", "ukr", subject="Bosphorus", property="route", polarity="denied") == []
    assert add(base, "c", "ria", subject="MIDDLE CORRIDOR", property="Route", polarity="denied")
    assert pairs(base) == {("a", "c", "polarity")}


def test_claims_without_subject_or_property_are_never_compared(base: Database) -> None:
    add(base, "a", "silk", subject="Kazakhstan", property="distancing from Russia")
    assert add(base, "b", "ukr", subject="Kazakhstan", polarity="denied") == []
    assert add(base, "c", "ria", property="distancing from Russia", polarity="denied") == []
    assert add(base, "d", "ria", polarity="denied") == []
    assert scan_once(base).new_ids == []
    assert conflicts(base) == []


def test_aliases_added_after_the_claims_still_join_one_block(db: Database) -> None:
    with db.session(write=True) as session:
        for name, stance, language in OUTLETS[:2]:
            add_outlet(session, name, stance, language=language)
        for key, outlet, published in SOURCES[:2]:
            add_source(session, SourceInput(outlet=outlet, title=key, key=key, published=published))
    cpc(db, "before", "silk", "около 80%", subject="КТК")
    cpc(db, "before-cpc", "silk", "около 80%", subject="CPC")
    with db.session(write=True) as session:
        upsert_entity(session, EntityInput(name=CPC[0], aliases=CPC[1]))
    new = cpc(db, "after", "ukr", "60%", subject="CPC")
    assert pairs(db) == {("before", "after", "value"), ("before-cpc", "after", "value")}
    assert len(new) == 2
    assert scan_once(db).new_ids == []


# -- full and incremental scans ---------------------------------------------------------


def scan_once(db: Database, claim_ids: list[int] | None = None) -> Any:
    with db.session(write=True) as session:
        return scan(session, claim_ids)


def ids(db: Database, *keys: str) -> list[int]:
    with db.session() as session:
        return [get_claim(session, key).id for key in keys]


def test_full_scan_twice_records_each_conflict_once(base: Database) -> None:
    cpc(base, "a", "silk", "около 80%")
    cpc(base, "b", "ukr", "60%")
    cpc(base, "c", "ria", None, polarity="denied")  # denies the whole claim
    first = conflicts(base)
    assert pairs(base) == {("a", "b", "value"), ("a", "c", "polarity"), ("b", "c", "polarity")}
    with base.session(write=True) as session:
        session.execute(text("DELETE FROM conflict"))
    result = scan_once(base)
    assert result.compared_pairs == 3
    assert len(result.new_ids) == 3 and result.already_known == 0
    again = scan_once(base)
    assert (len(again.new_ids), again.already_known, again.withdrawn) == (0, 3, 0)
    assert again.compared_pairs == 3
    rows = conflicts(base)
    assert len(rows) == 3
    assert {(r["a"], r["b"], r["kind"], r["cause"]) for r in rows} == {
        (r["a"], r["b"], r["kind"], r["cause"]) for r in first
    }


def test_a_full_scan_numbers_conflicts_by_the_first_claim_of_their_block(base: Database) -> None:
    # The scan reads the claims block by block in the database's order (here "Aral" before
    # "Zhanaozen"); the conflicts are still numbered as when the claims were read by id.
    add(base, "z1", "silk", subject="Zhanaozen", property="protest", polarity="affirmed")
    add(base, "a1", "silk", subject="Aral", property="shrinking", polarity="affirmed")
    add(base, "z2", "ukr", subject="Zhanaozen", property="protest", polarity="denied")
    add(base, "a2", "ria", subject="Aral", property="shrinking", polarity="denied")
    add(base, "a3", "ukr", subject="Aral", property="shrinking", polarity="denied")
    with base.session(write=True) as session:
        session.execute(text("DELETE FROM conflict"))
    result = scan_once(base)
    rows = conflicts(base)
    assert [row["id"] for row in rows] == result.new_ids
    assert [(row["a"], row["b"]) for row in rows] == [("z1", "z2"), ("a1", "a2"), ("a1", "a3")]


def test_the_scan_reads_the_claims_block_by_block(base: Database) -> None:
    # Each block comes whole and alone, so the scan can let it go before the next one.
    from factbase.analysis.conflicts import _blocks

    for n in range(3):
        cpc(base, f"cpc{n}", "silk", f"{60 + 10 * n}%")
        add(base, f"kz{n}", "ukr", subject="Kazakhstan", property="gdp", value=f"{n + 1} %")
    with base.session() as session:
        seen = []
        for members in _blocks(session, None):
            assert len({member.block for member in members}) == 1
            seen.append(sorted(member.id for member in members))
            del members
    assert sorted(len(block) for block in seen) == [3, 3]
    assert sorted(claim for block in seen for claim in block) == ids(
        base, "cpc0", "kz0", "cpc1", "kz1", "cpc2", "kz2"
    )


def test_incremental_scan_compares_only_pairs_with_the_given_claims(base: Database) -> None:
    with base.session(write=True) as session:
        for key, source, value in [("a", "silk", "80%"), ("b", "ukr", "60%"), ("c", "ria", "40%")]:
            save_claim(
                session,
                ClaimInput(
                    source=source,
                    key=key,
                    statement=key,
                    subject="CPC",
                    property=SHARE,
                    value=value,
                    as_of="2022",
                    topics=["oil"],
                ),
            )
    assert conflicts(base) == []  # save_claim alone does not scan
    (c,) = ids(base, "c")
    result = scan_once(base, [c])
    assert result.compared_pairs == 2
    assert pairs(base) == {("a", "c", "value"), ("b", "c", "value")}
    # The a-b conflict appears in a full scan only.
    result = scan_once(base)
    assert result.compared_pairs == 3 and len(result.new_ids) == 1
    assert ("a", "b", "value") in pairs(base)


def test_add_checks_a_new_claim_at_once(base: Database) -> None:
    assert cpc(base, "a", "silk", "около 80%") == []
    assert cpc(base, "agree", "ukr", "близо 80%", language="bg") == []
    new = cpc(base, "b", "ria", "60%")
    assert len(new) == 2
    assert pairs(base) == {("a", "b", "value"), ("agree", "b", "value")}


def test_incremental_scan_ignores_claims_of_other_blocks(base: Database) -> None:
    cpc(base, "a", "silk", "80%")
    add(base, "x", "ukr", subject="Kazakhstan", property="distancing from Russia")
    (x,) = ids(base, "x")
    result = scan_once(base, [x])
    assert result.compared_pairs == 0
    assert scan_once(base, []).compared_pairs == 0


def test_retracted_claims_are_not_compared(base: Database) -> None:
    cpc(base, "a", "silk", "80%")
    assert cpc(base, "b", "ukr", "60%", status="retracted") == []
    assert cpc(base, "c", "ukr", "60%", status="disputed") != []
    assert pairs(base) == {("a", "c", "value")}


def test_corrected_claim_withdraws_its_open_conflict(base: Database) -> None:
    cpc(base, "a", "silk", "80%")
    cpc(base, "b", "ukr", "60%")
    assert len(conflicts(base)) == 1
    with base.session(write=True) as session:
        claim = get_claim(session, "b")
        save_claim(
            session,
            ClaimInput(
                source="ukr",
                key="b",
                statement="Statement b",
                subject="CPC",
                property=SHARE,
                value="80%",
                as_of="2022",
                language="uk",
                topics=["oil"],
            ),
            existing=claim,
        )
        result = scan(session, [claim.id])
    assert (len(result.new_ids), result.withdrawn) == (0, 1)
    assert conflicts(base) == []


def test_a_decided_conflict_is_not_withdrawn_when_a_claim_changes(base: Database) -> None:
    cpc(base, "a", "silk", "80%")
    (conflict,) = cpc(base, "b", "ukr", "60%")
    with base.session(write=True) as session:
        resolve_conflict(session, conflict, "confirmed", "checked against the CPC report")
        session.execute(
            text("UPDATE claim SET value_num = 80, value_low = 79.5, value_high = 80.5")
        )
        result = scan(session)
    assert result.withdrawn == 0
    assert [(r["id"], r["status"]) for r in conflicts(base)] == [(conflict, "confirmed")]


def test_a_dismissed_conflict_stays_dismissed_on_rescan(base: Database) -> None:
    cpc(base, "a", "silk", "80%")
    (conflict,) = cpc(base, "b", "ukr", "60%")
    with base.session(write=True) as session:
        resolve_conflict(session, str(conflict), "dismissed", "different definitions of exports")
    for claim_ids in (None, ids(base, "a"), ids(base, "b")):
        result = scan_once(base, claim_ids)
        assert (len(result.new_ids), result.already_known, result.withdrawn) == (0, 1, 0)
    rows = conflicts(base)
    assert len(rows) == 1
    assert (rows[0]["id"], rows[0]["status"]) == (conflict, "dismissed")
    assert rows[0]["note"] == "different definitions of exports"
    # A new claim still conflicts with both: only the decided pair stays quiet.
    assert len(cpc(base, "c", "ria", "40%")) == 2


def test_a_pair_can_have_conflicts_of_several_kinds(base: Database) -> None:
    add(base, "a", "silk", subject="CPC", property="berths reopened", event_date="1 July 2022")
    new = add(base, "b", "ukr", subject="CPC", property="berths reopened", event_date="5 July 2022")
    assert len(new) == 1
    with base.session(write=True) as session:
        link_claims(session, "a", "b", "contradicts", note="the dates differ")
    assert pairs(base) == {("a", "b", "date"), ("a", "b", "declared")}
    result = scan_once(base)
    assert (len(result.new_ids), result.already_known, result.withdrawn) == (0, 1, 0)
    assert len(conflicts(base)) == 2


def test_incremental_scan_of_many_claims(base: Database) -> None:
    now = datetime.now(UTC)
    rows = [
        {
            "key": f"bulk-{i}",
            "source_id": 1 + i % 3,
            "statement": f"Bulk claim {i}",
            "language": "en",
            "subject": f"Subject {i % 40}",
            "subject_key": f"subject {i % 40}",
            "property_name": "share",
            "property_key": "share",
            "value_text": "60%" if i % 40 == 0 and i >= 40 else "80%",
            "value_num": 60.0 if i % 40 == 0 and i >= 40 else 80.0,
            "value_unit": "%",
            "value_low": 59.5 if i % 40 == 0 and i >= 40 else 79.5,
            "value_high": 60.5 if i % 40 == 0 and i >= 40 else 80.5,
            "value_qualifier": "exact",
            "polarity": "affirmed",
            "status": "unverified",
            "search_text": f"bulk claim {i}",
            "created_at": now,
            "updated_at": now,
        }
        for i in range(1200)
    ]
    with base.session(write=True) as session:
        session.execute(insert(Claim), rows)
    with base.session(write=True) as session:
        claim_ids = list(session.scalars(select(Claim.id)))
        result = scan(session, claim_ids)
    # Subject 0 has 30 claims: 1 of 80 % and 29 of 60 %, so 29 conflicts.
    assert len(result.new_ids) == 29
    assert result.compared_pairs == sum(k * (k - 1) // 2 for k in [30] * 40)


# -- declared conflicts -----------------------------------------------------------------


@pytest.mark.slow
def test_contradicts_link_declares_a_conflict_and_others_do_not(base: Database) -> None:
    add(base, "a", "silk", subject="Kazakhstan", property="closest ally of Russia")
    add(base, "b", "ukr", subject="Kazakhstan", property="distancing from Russia")
    add(base, "c", "ria", subject="Kazakhstan", property="distancing from Russia")
    with base.session(write=True) as session:
        for kind, other in (("same", "c"), ("supports", "c"), ("refines", "c")):
            link_claims(session, "b", other, kind)
            unlink_claims(session, "b", other)
        assert conflicts(base) == []
        link_claims(session, "b", "a", "contradicts", note="Putin calls it the closest ally")
    rows = conflicts(base)
    assert [(r["a"], r["b"], r["kind"], r["cause"], r["status"]) for r in rows] == [
        ("a", "b", "declared", "declared", "open")
    ]
    assert "SilkBridge.info" in rows[0]["explanation"]
    assert "Ukrinform" in rows[0]["explanation"]
    # A scan neither withdraws nor duplicates a declared conflict.
    result = scan_once(base)
    assert (len(result.new_ids), result.withdrawn) == (0, 0)
    assert len(conflicts(base)) == 1


def test_unlinking_withdraws_an_open_declared_conflict_but_not_a_decided_one(
    base: Database,
) -> None:
    for key, source in (("a", "silk"), ("b", "ukr"), ("c", "ria")):
        add(base, key, source, subject="Kazakhstan", property=f"property {key}")
    with base.session(write=True) as session:
        link_claims(session, "a", "b", "contradicts")
        link_claims(session, "a", "c", "contradicts")
    decided = next(r["id"] for r in conflicts(base) if r["b"] == "c")
    with base.session(write=True) as session:
        resolve_conflict(session, decided, "confirmed", "both cannot hold")
        unlink_claims(session, "a", "b")
        unlink_claims(session, "a", "c")
    assert [(r["a"], r["b"], r["status"]) for r in conflicts(base)] == [("a", "c", "confirmed")]


# -- decisions --------------------------------------------------------------------------


def test_keep_marks_the_other_claim_disputed(
    base: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FACTBASE_USER", "reviewer-7")
    cpc(base, "a", "silk", "80%")
    (conflict,) = cpc(base, "b", "ukr", "60%")
    with base.session(write=True) as session:
        resolve_conflict(session, conflict, "resolved", "  the CPC annual report  says 80 %", "a")
    row = conflicts(base)[0]
    assert (row["status"], row["note"]) == ("resolved", "the CPC annual report says 80 %")
    assert row["kept_claim_id"] == ids(base, "a")[0]
    statuses = {r["key"]: r["status"] for r in sql(base, "SELECT key, status FROM claim")}
    assert statuses == {"a": "unverified", "b": "disputed"}
    with base.session() as session:
        (entry,) = history(session, target=f"conflict {conflict}")
        assert (entry.actor, entry.action, entry.note) == (
            "reviewer-7",
            "conflict-resolved",
            "the CPC annual report says 80 %",
        )


def test_changing_the_kept_claim_leaves_the_kept_claim_undisputed(base: Database) -> None:
    cpc(base, "a", "silk", "80%")
    (conflict,) = cpc(base, "b", "ukr", "60%")
    with base.session(write=True) as session:
        resolve_conflict(session, conflict, "resolved", "the report says 80 %", "a")
    with base.session(write=True) as session:
        resolve_conflict(session, conflict, "resolved", "the report was misread: 60 %", "b")
    statuses = {r["key"]: r["status"] for r in sql(base, "SELECT key, status FROM claim")}
    assert statuses["a"] == "disputed"
    assert statuses["b"] != "disputed"
    assert conflicts(base)[0]["kept_claim_id"] == ids(base, "b")[0]


@pytest.mark.parametrize(
    ("decision", "note", "keep", "error"),
    [
        ("resolved", "why", "c", InvalidInput),  # not part of the conflict
        ("dismissed", "why", "a", InvalidInput),  # keeping goes with resolved/confirmed
        ("resolved", "   ", None, InvalidInput),  # a note is required
        ("wrong", "why", None, InvalidInput),
        ("resolved", "why", "no-such-claim", NotFound),
    ],
)
def test_invalid_decisions_change_nothing(
    base: Database,
    db_url: str,
    decision: str,
    note: str,
    keep: str | None,
    error: type[Exception],
) -> None:
    cpc(base, "a", "silk", "80%")
    (conflict,) = cpc(base, "b", "ukr", "60%")
    add(base, "c", "ria", subject="Kazakhstan", property="distancing from Russia")
    before = snapshot(db_url)
    with pytest.raises(error), base.session(write=True) as session:
        resolve_conflict(session, conflict, decision, note, keep)
    assert snapshot(db_url) == before


def test_unknown_conflict_is_not_found(base: Database) -> None:
    with pytest.raises(NotFound), base.session(write=True) as session:
        resolve_conflict(session, 99, "dismissed", "why")


# -- import -----------------------------------------------------------------------------

IMPORT = """\
claims:
  - key: imp-a
    source: silk
    statement: "About 80% of Kazakhstan's oil exports pass through the CPC."
    language: ru
    topics: [oil]
    subject: КТК
    property: share of Kazakhstan oil exports
    value: "около 80%"
    as_of: "2022"
  - key: imp-b
    source: ukr
    statement: "60% of Kazakhstan's oil exports pass through the CPC."
    language: uk
    topics: [oil]
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "60%"
    as_of: "2022"
  - key: imp-agree
    source: ria
    statement: "Close to 80% of Kazakhstan's oil exports pass through the CPC."
    language: ru
    topics: [oil]
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "близо 80%"
    as_of: "2022"
"""


def import_text(db: Database, tmp_path: Path, body: str, name: str = "claims.yaml") -> int:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    with db.session(write=True) as session:
        return import_files(session, [path]).conflicts_found


def test_import_scans_the_claims_it_changed(base: Database, tmp_path: Path) -> None:
    assert import_text(base, tmp_path, IMPORT) == 2
    assert pairs(base) == {("imp-a", "imp-b", "value"), ("imp-b", "imp-agree", "value")}
    assert import_text(base, tmp_path, IMPORT) == 0  # unchanged: nothing rescanned or added
    assert len(conflicts(base)) == 2
    # A claim recorded later conflicts with the imported ones at once.
    assert len(cpc(base, "late", "silk", "40%")) == 3


def test_import_summary_counts_every_new_conflict(base: Database, tmp_path: Path) -> None:
    linked = IMPORT + (
        "links:\n"
        "  - {claim: imp-a, other: imp-agree, kind: contradicts, note: the curators disagree}\n"
    )
    found = import_text(base, tmp_path, linked)
    assert {kind for _, _, kind in pairs(base)} == {"value", "declared"}
    assert found == len(conflicts(base)) == 3


def test_import_of_a_corrected_claim_withdraws_its_conflicts(
    base: Database, tmp_path: Path
) -> None:
    import_text(base, tmp_path, IMPORT)
    corrected = IMPORT.replace('value: "60%"', 'value: "78%"')
    assert import_text(base, tmp_path, corrected) == 0
    assert conflicts(base) == []


def test_meetings_far_apart_are_two_occasions_and_a_first_one_is_one(base: Database) -> None:
    meeting = {"subject": "CPC", "property": "meeting with the board"}
    add(base, "sep", "silk", event_date="September 2022", **meeting)
    assert add(base, "jul", "ukr", event_date="3 July 2024", **meeting) == []
    assert add(base, "sep-16", "ria", event_date="16 September 2022", **meeting) == []
    assert len(add(base, "oct", "ria", event_date="2 October 2022", **meeting)) == 1
    assert pairs(base) == {("sep", "oct", "date")}
    # The statement is read as well as the property: here only it says "first".
    session = {"subject": "CPC", "property": "board session"}
    add(base, "f1", "silk", event_date="2019", statement="The board met for the first time.",
        **session)  # fmt: skip
    first = add(base, "f2", "ukr", event_date="2021", statement="Первое заседание.", **session)
    assert len(first) == 1
