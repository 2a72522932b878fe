"""Re-importing a record never loses data: partial updates, explicit clears, --replace,
the summary and audit of updates, and duplicates caught at the door (issue 15)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, import_counts, parse_json, query, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.interchange.dump import interchange_records
from factbase.interchange.importer import import_files
from factbase.store.database import Database
from factbase.store.models import Claim, ClaimTopic

CPC_KEY = "wsj-ru-cpc-share"
CPC_SOURCE = "silkbridge-wsj-kz-distancing"
CPC_STATEMENT = (
    "About 80% of Kazakhstan's oil exports pass through the CPC pipeline across Russia "
    "to Novorossiysk."
)
VOLATILE = ("updated_at",)


def write_json(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    return path


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def shown(cli: Cli, ref: str) -> dict[str, Any]:
    claim = parse_json(cli.ok("show", ref, "--format", "json"))[0]
    return {name: value for name, value in claim.items() if name not in VOLATILE}


def audit_entries(url: str, action: str) -> list[dict[str, Any]]:
    return query(url, "SELECT * FROM audit_log WHERE action = :action ORDER BY id", action=action)


@pytest.fixture
def seeded(seeded_url: str) -> Cli:
    return Cli(seeded_url)


# -- the case of the issue ----------------------------------------------------------------


def test_a_keyed_record_with_a_new_status_changes_only_the_status(
    seeded: Cli, tmp_path: Path
) -> None:
    before = shown(seeded, CPC_KEY)
    record = {"key": CPC_KEY, "source": CPC_SOURCE, "statement": CPC_STATEMENT}
    path = write_json(tmp_path / "claims.json", {"claims": [{**record, "status": "corroborated"}]})

    outcome = seeded.ok("import", str(path))

    assert shown(seeded, CPC_KEY) == {**before, "status": "corroborated"}
    assert before["quote"] and before["speaker"] and before["value"] and before["as_of"]
    assert f"updated claim {CPC_KEY}: status" in outcome.stdout
    assert outcome.stderr == ""
    [entry] = audit_entries(seeded.url, "import-update")
    assert entry["claim_id"] == before["id"]
    assert entry["target"] == f"claim {before['id']}"
    assert json.loads(entry["detail"]) == {"changes": {"status": ["unverified", "corroborated"]}}
    assert entry["note"] == f"claims.json: claims[0] (key {CPC_KEY})"

    # The same record again changes nothing and audits nothing.
    again = parse_json(seeded.ok("import", str(path), "--format", "json"))
    assert import_counts(again) == {"claims unchanged": 1}
    assert again["updated"] == []
    assert len(audit_entries(seeded.url, "import-update")) == 1


def test_a_record_of_a_key_and_one_field_is_enough(seeded: Cli, tmp_path: Path) -> None:
    before = shown(seeded, CPC_KEY)
    path = write_jsonl(
        tmp_path / "note.jsonl", [{"type": "claim", "key": CPC_KEY, "note": "Checked."}]
    )
    summary = parse_json(seeded.ok("import", str(path), "--format", "json"))
    assert summary["updated"] == [{"record": f"claim {CPC_KEY}", "fields": ["note"]}]
    assert shown(seeded, CPC_KEY) == {**before, "note": "Checked."}


def test_an_unknown_key_without_source_fails_and_writes_nothing(
    seeded: Cli, tmp_path: Path
) -> None:
    before = snapshot(seeded.url)
    path = write_jsonl(tmp_path / "bad.jsonl", [{"type": "claim", "key": "nope", "note": "x"}])
    outcome = seeded("import", str(path))
    assert outcome.exit_code == 1
    assert outcome.stderr == "factbase: error: bad.jsonl:1: source: required\n"
    assert snapshot(seeded.url) == before


def test_a_bad_field_in_a_partial_record_fails_and_writes_nothing(
    seeded: Cli, tmp_path: Path
) -> None:
    before = snapshot(seeded.url)
    records = [
        {"type": "claim", "key": CPC_KEY, "status": "corroborated"},
        {"type": "claim", "key": CPC_KEY, "as_of": "someday"},
    ]
    outcome = seeded("import", str(write_jsonl(tmp_path / "bad.jsonl", records)))
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("factbase: error: bad.jsonl:2: as_of: ")
    assert outcome.stderr.count("\n") == 1
    assert snapshot(seeded.url) == before


# -- clearing -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".jsonl"])
def test_an_explicit_null_clears_that_field_only(seeded: Cli, tmp_path: Path, suffix: str) -> None:
    before = shown(seeded, CPC_KEY)
    record = {"key": CPC_KEY, "quote": None, "speaker": None, "value": None}
    if suffix == ".json":
        path = write_json(tmp_path / "clear.json", {"claims": [record]})
    else:
        path = write_jsonl(tmp_path / "clear.jsonl", [{"type": "claim", **record}])
    outcome = seeded.ok("import", str(path))
    after = shown(seeded, CPC_KEY)
    cleared = ("quote", "speaker", "value", "value_num", "unit", "value_low", "value_high")
    cleared += ("quote_match",)  # no quote: nothing to locate in the source's text
    assert after == {**before, **dict.fromkeys(cleared), "qualifier": None}
    # The language checked against the statement now, but kept: it was not given.
    assert after["language"] == "ru"
    assert f"updated claim {CPC_KEY}: quote, speaker, value" in outcome.stdout


def test_csv_empty_cells_keep_what_is_stored(seeded: Cli, tmp_path: Path) -> None:
    before = shown(seeded, CPC_KEY)
    path = tmp_path / "claims.csv"
    path.write_text(
        f"key,source,statement,quote,speaker,value,status\n{CPC_KEY},,,,,около 90%,corroborated\n",
        "utf-8",
    )
    seeded.ok("import", str(path))
    after = shown(seeded, CPC_KEY)
    assert after == {
        **before,
        "value": "около 90%",
        "value_num": 90.0,
        "value_low": 81.0,
        "value_high": 99.0,
        "status": "corroborated",
    }


# -- --replace ----------------------------------------------------------------------------


def test_replace_clears_what_the_record_leaves_out_and_says_so_first(
    seeded: Cli, tmp_path: Path
) -> None:
    record = {"key": CPC_KEY, "source": CPC_SOURCE, "statement": CPC_STATEMENT}
    path = write_json(tmp_path / "claims.json", {"claims": [{**record, "status": "corroborated"}]})

    outcome = seeded.ok("import", "--replace", str(path))

    assert outcome.stderr == (
        f"factbase: warning: claims.json: claims[0] (key {CPC_KEY}): --replace clears "
        "7 fields: quote, speaker, topics, subject, property, value, as_of\n"
    )
    after = shown(seeded, CPC_KEY)
    assert after["quote"] is None and after["speaker"] is None and after["as_of"] is None
    assert after["status"] == "corroborated"
    [entry] = audit_entries(seeded.url, "import-update")
    changes = json.loads(entry["detail"])["changes"]
    assert changes["quote"][1] is None
    assert changes["topics"][0] == ["oil", "transport"]


def test_replace_with_the_whole_record_clears_nothing(seeded: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "all.json"
    seeded.ok("export", "all", "-o", str(exported))
    outcome = seeded.ok("import", "--replace", str(exported), "--format", "json")
    assert outcome.stderr == ""
    assert parse_json(outcome)["replaced"] == []
    assert not any(key.endswith(("added", "updated")) for key in import_counts(parse_json(outcome)))


# -- sources ------------------------------------------------------------------------------


def test_a_source_record_updates_only_its_fields(seeded: Cli, tmp_path: Path) -> None:
    def source() -> dict[str, Any]:
        return parse_json(seeded.ok("source", "show", CPC_SOURCE, "--format", "json"))[0]

    before = source()
    records = [
        {"type": "source", "key": CPC_SOURCE, "note": "Dated from the events.", "author": None}
    ]
    outcome = seeded.ok("import", str(write_jsonl(tmp_path / "s.jsonl", records)))
    after = source()
    assert after == {**before, "note": "Dated from the events.", "author": None}
    assert before["title"] and before["published"] and before["cites"]
    assert f"updated source {CPC_SOURCE}: " in outcome.stdout
    [entry] = audit_entries(seeded.url, "import-update")
    assert entry["source_id"] == before["id"]
    assert "note" in json.loads(entry["detail"])["changes"]


def test_a_new_source_still_needs_an_outlet_and_title(seeded: Cli, tmp_path: Path) -> None:
    records = [{"type": "source", "key": "brand-new", "note": "x"}]
    outcome = seeded("import", str(write_jsonl(tmp_path / "s.jsonl", records)))
    assert outcome.exit_code == 1
    assert outcome.stderr == "factbase: error: s.jsonl:1: outlet: required\n"


# -- duplicates ---------------------------------------------------------------------------


def test_a_keyless_repeat_of_a_stored_claim_is_skipped(seeded: Cli, tmp_path: Path) -> None:
    cpc = shown(seeded, CPC_KEY)
    variants = [
        # case, whitespace and quote marks folded
        {
            "statement": "about 80%  of kazakhstan’s OIL exports pass through the CPC pipeline "
            "across Russia to Novorossiysk"
        },
        {"statement": "Another wording.", "quote": "«" + cpc["quote"].upper() + "»"},
    ]
    records = [{"type": "claim", "source": CPC_SOURCE, **v} for v in variants]
    path = write_jsonl(tmp_path / "dups.jsonl", records)

    outcome = seeded.ok("import", str(path), "--format", "json")

    summary = parse_json(outcome)
    assert import_counts(summary) == {"claims skipped": 2}
    assert summary["warnings"] == [
        f"dups.jsonl:{line}: duplicate of claim {cpc['id']} (key {CPC_KEY}); skipped; "
        "--allow-duplicate to record it"
        for line in (1, 2)
    ]
    allowed = parse_json(seeded.ok("import", str(path), "--allow-duplicate", "--format", "json"))
    assert import_counts(allowed) == {"claims added": 2}
    # Re-importing the same keyless file changes nothing and skips nothing.
    again = parse_json(seeded.ok("import", str(path), "--format", "json"))
    assert import_counts(again) == {"claims unchanged": 2}


def test_a_repeat_within_one_run_is_skipped(seeded: Cli, tmp_path: Path) -> None:
    records = [
        {"type": "claim", "source": CPC_SOURCE, "statement": "Oil flows west."},
        {"type": "claim", "source": CPC_SOURCE, "statement": '"OIL  flows West"'},
    ]
    path = write_jsonl(tmp_path / "run.jsonl", records)
    summary = parse_json(seeded.ok("import", str(path), "--format", "json"))
    assert import_counts(summary) == {"claims added": 1, "claims skipped": 1}
    assert summary["warnings"] == [
        "run.jsonl:2: duplicate of the claim of run.jsonl:1; skipped; "
        "--allow-duplicate to record it"
    ]
    again = parse_json(seeded.ok("import", str(path), "--format", "json"))
    assert import_counts(again) == {"claims unchanged": 1, "claims skipped": 1}
    [added] = query(seeded.url, "SELECT id FROM claim WHERE statement = 'Oil flows west.'")
    assert f"duplicate of claim {added['id']};" in again["warnings"][0]


def test_a_retracted_claim_is_not_a_duplicate(seeded: Cli, tmp_path: Path) -> None:
    from sqlalchemy import create_engine, text

    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(seeded.url))
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE claim SET retracted_at = CURRENT_TIMESTAMP WHERE key = :key"),
            {"key": CPC_KEY},
        )
    engine.dispose()
    records = [{"type": "claim", "source": CPC_SOURCE, "statement": CPC_STATEMENT.upper()}]
    summary = parse_json(
        seeded.ok("import", str(write_jsonl(tmp_path / "r.jsonl", records)), "--format", "json")
    )
    assert import_counts(summary) == {"claims added": 1}


# -- added records are audited ------------------------------------------------------------


def test_each_added_record_gets_an_audit_entry(cli: Cli, tmp_path: Path) -> None:
    records = [
        {"type": "outlet", "name": "Wire", "stance": "neutral"},
        {"type": "source", "key": "s", "outlet": "Wire", "title": "Oil news"},
        {"type": "claim", "key": "a", "source": "s", "statement": "Oil flows."},
        {"type": "claim", "source": "s", "statement": "Gas flows."},
    ]
    cli.ok("import", str(write_jsonl(tmp_path / "new.jsonl", records)))
    added = audit_entries(cli.url, "import-add")
    assert [(e["target"].split()[0], e["note"]) for e in added] == [
        ("source", "new.jsonl:2"),
        ("claim", "new.jsonl:3"),
        ("claim", "new.jsonl:4"),
    ]
    claims = query(cli.url, "SELECT id FROM claim ORDER BY id")
    assert [e["claim_id"] for e in added[1:]] == [row["id"] for row in claims]


# -- any subset of a stored claim's fields ------------------------------------------------

EDITS = {"status": "corroborated", "note": "Checked again.", "polarity": "denied"}


@pytest.fixture
def seeded_db(seeded: Cli) -> Iterator[Database]:
    database = Database.open(seeded.url)
    yield database
    database.close()


def claim_state(session: Session, key: str) -> tuple[dict[str, Any], dict[int, bool]]:
    row = session.execute(select(Claim.__table__).where(Claim.key == key)).one()
    values = {k: v for k, v in row._mapping.items() if k != "updated_at"}
    topics = dict(
        session.execute(
            select(ClaimTopic.topic_id, ClaimTopic.suggested).where(
                ClaimTopic.claim_id == values["id"]
            )
        ).all()
    )
    return values, topics


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
@pytest.mark.slow
def test_any_subset_of_a_claims_fields_leaves_the_others_as_they_were(
    seeded_db: Database, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    with seeded_db.session() as session:
        documents = [r for s, r in interchange_records(session) if s == "claims" and "key" in r]
    document = data.draw(st.sampled_from(documents))
    names = sorted(name for name in document if name != "key")
    subset = data.draw(st.sets(st.sampled_from(names)))
    edit = data.draw(st.sampled_from([None, *EDITS]))
    record = {"type": "claim", "key": document["key"], **{n: document[n] for n in subset}}
    if edit is not None:
        record[edit] = EDITS[edit]
    path = write_jsonl(tmp_path_factory.mktemp("subset") / "subset.jsonl", [record])

    with seeded_db.session(write=True, commit=False) as session:
        before, topics_before = claim_state(session, document["key"])
        import_files(session, [path])
        after, topics_after = claim_state(session, document["key"])

    expected = dict(before)
    if edit is not None:
        expected[edit] = EDITS[edit]
    assert after == expected
    if "topics" in subset:
        assert set(topics_after) == set(topics_before)
    else:
        assert topics_after == topics_before


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"type": "claim", "key": CPC_KEY, "statement": None}, "statement: required"),
        ({"type": "claim", "key": CPC_KEY, "source": ""}, "source: required"),
        ({"type": "source", "key": CPC_SOURCE, "title": None}, "title: required"),
        ({"type": "source", "key": CPC_SOURCE, "outlet": None}, "outlet: required"),
    ],
)
def test_what_a_record_needs_cannot_be_cleared(
    seeded: Cli, tmp_path: Path, record: dict[str, Any], message: str
) -> None:
    before = snapshot(seeded.url)
    outcome = seeded("import", str(write_jsonl(tmp_path / "clear.jsonl", [record])))
    assert outcome.exit_code == 1
    assert outcome.stderr == f"factbase: error: clear.jsonl:1: {message}; it cannot be cleared\n"
    assert snapshot(seeded.url) == before


def test_the_stored_language_given_back_warns_only_when_its_text_changes(
    seeded: Cli, tmp_path: Path
) -> None:
    def imported(*records: dict[str, Any]) -> dict[str, Any]:
        path = write_jsonl(tmp_path / "lang.jsonl", [{"type": "claim", **r} for r in records])
        return parse_json(seeded.ok("import", str(path), "--format", "json"))

    first = imported(
        {
            "key": "declared-wrongly",
            "source": CPC_SOURCE,
            "statement": "Ukraine exports more oil.",
            "quote": "Україна збільшила експорт нафти до Європи.",
            "language": "ru",
        }
    )
    assert first["warnings"] == ["lang.jsonl:1: text looks like uk, declared ru"]
    # Warned once when recorded; a correction of another field does not warn again.
    assert imported({"key": "declared-wrongly", "status": "disputed"})["warnings"] == []
    # A new quote is checked against the kept language, as `add` checks a given one.
    changed = imported(
        {"key": "declared-wrongly", "quote": "Україна збільшила імпорт газу з Європи."}
    )
    assert changed["warnings"] == ["lang.jsonl:1: text looks like uk, declared ru"]
