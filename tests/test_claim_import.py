"""Tests of factbase.interchange.claim_writer: the batched claim path of `factbase import`.

The batched path must record exactly what `factbase add` records for the same input,
write nothing when any record fails (even after whole batches went to the database),
and keep the import's identity rules across and within batches.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factbase.claims.recording import save_claim
from factbase.claims.values import ClaimInput, claim_values
from factbase.errors import FactbaseError, ImportFailed
from factbase.interchange import claim_writer as claim_import
from factbase.interchange.claim_writer import FIELDS
from factbase.interchange.importer import ImportSummary, import_files
from factbase.store.database import Database
from factbase.store.models import Claim, ClaimTopic, Topic

BASE = [
    {"type": "entity", "name": "Caspian Pipeline Consortium", "aliases": ["CPC", "КТК"]},
    {"type": "entity", "name": "Kassym-Jomart Tokayev", "aliases": ["Tokayev", "Токаев"]},
    {"type": "topic", "slug": "energy"},
    {"type": "topic", "slug": "oil", "parent": "energy", "keywords": ["нефть", "нафта", "oil"]},
    {"type": "topic", "slug": "gas", "parent": "energy", "keywords": ["газ", "gas"]},
    {"type": "outlet", "name": "SilkBridge.info", "stance": "neutral"},
    {"type": "source", "key": "silk", "outlet": "SilkBridge.info", "title": "Статья"}
    | {"published": "июль 2022"},
    {"type": "source", "key": "ua", "outlet": "SilkBridge.info", "title": "Стаття"}
    | {"url": "https://example.org/ua"},
]


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    lines = (json.dumps(record, ensure_ascii=False) for record in records)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def claim(key: str | None, **fields: Any) -> dict[str, Any]:
    record: dict[str, Any] = {"type": "claim", "source": "silk", "statement": f"Claim {key}"}
    if key is not None:
        record["key"] = key
    record.update(fields)
    return record


@pytest.fixture
def base(db: Database, tmp_path: Path) -> Database:
    with db.session(write=True) as session:
        import_files(session, [write_jsonl(tmp_path / "base.jsonl", BASE)])
    return db


def run(db: Database, path: Path) -> ImportSummary:
    with db.session(write=True) as session:
        return import_files(session, [path])


def outcomes(summary: ImportSummary) -> dict[str, int]:
    return {key: n for key, n in summary.counts.items() if n and key.startswith("claims")}


def stored_claims(session: Session) -> list[tuple[Any, ...]]:
    """Every claim's values and topics, by key or statement, without ids and times."""
    columns = [getattr(Claim, name) for name in FIELDS]
    rows = []
    for claim_id, *values in session.execute(select(Claim.id, *columns)):
        topics = session.execute(
            select(Topic.slug, ClaimTopic.suggested)
            .join(ClaimTopic, ClaimTopic.topic_id == Topic.id)
            .where(ClaimTopic.claim_id == claim_id)
            .order_by(Topic.slug)
        )
        rows.append((*values, tuple((slug, bool(s)) for slug, s in topics)))
    return sorted(rows, key=repr)


def claim_count(db: Database) -> int:
    with db.session() as session:
        return int(session.scalar(select(func.count()).select_from(Claim)) or 0)


def test_fields_are_exactly_what_claim_values_gives(base: Database) -> None:
    with base.session() as session:
        from factbase.claims.recording import SessionLookups

        values = claim_values(ClaimInput("silk", "A statement."), SessionLookups(session), [])
    assert tuple(values) == FIELDS


# -- the same rows as `factbase add` ------------------------------------------------

TEXTS = [
    "About 80% of Kazakhstan's oil exports pass through the CPC.",
    "по которому проходит около 80% экспорта казахстанской нефти",
    "България увеличи вноса на петрола от Казахстан през тази година.",
    "Україна збільшила експорт нафти до Європи.",
    "Kaзахстан и газ",  # a Latin K among Cyrillic letters: a warning
    "Short",
]
maybe = st.one_of(st.none(), st.just(""))
claim_records = st.fixed_dictionaries(
    {"statement": st.sampled_from(TEXTS), "source": st.sampled_from(["silk", "ua", "1"])},
    optional={
        "quote": st.one_of(maybe, st.sampled_from(TEXTS)),
        "language": st.one_of(maybe, st.sampled_from(["en", "ru", "bg", "uk", "kk"])),
        "speaker": st.one_of(maybe, st.sampled_from(["Токаев", "Tokayev", "Someone"])),
        "subject": st.one_of(maybe, st.sampled_from(["CPC", "КТК", "Kazakhstan"])),
        "property": st.one_of(maybe, st.sampled_from(["share of exports", "Oil  transit"])),
        "value": st.one_of(
            maybe, st.sampled_from(["около 80%", "over 4 thousand", "441 млрд тенге", "2022"])
        ),
        "event_date": st.one_of(
            maybe, st.sampled_from(["2022", "ноябрь 2023", "1 грудня 2022", "11 июля"])
        ),
        "as_of": st.one_of(maybe, st.sampled_from(["2022", "2021-03", "April 2022"])),
        "topics": st.lists(st.sampled_from(["oil", "gas", "new-topic"]), max_size=2),
        "polarity": st.one_of(maybe, st.sampled_from(["affirmed", "DENIED"])),
        "status": st.one_of(maybe, st.sampled_from(["unverified", "disputed"])),
        "note": st.one_of(maybe, st.just("  a   note ")),
    },
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(claim_records, min_size=1, max_size=6), st.integers(1, 4))
@pytest.mark.slow
def test_import_records_what_add_records(
    base: Database, items: list[dict[str, Any]], batch_size: int
) -> None:
    """Batched import and one-at-a-time save_claim give identical rows and warnings."""
    records = [{"type": "claim", "key": f"k{n}", **item} for n, item in enumerate(items)]
    imported: list[tuple[Any, ...]] = []
    import_error = None
    with tempfile.TemporaryDirectory() as directory:
        path = write_jsonl(Path(directory) / "claims.jsonl", records)
        with base.session(write=True, commit=False) as session:
            default_size = claim_import.BATCH_SIZE
            claim_import.BATCH_SIZE = batch_size
            try:
                summary = import_files(session, [path])
                imported = stored_claims(session)
            except ImportFailed as exc:
                import_error = exc.message
            finally:
                claim_import.BATCH_SIZE = default_size
    added_warnings: list[str] = []
    created: list[str] = []
    add_error = None
    with base.session(write=True, commit=False) as session:
        for number, item in enumerate(items):
            data = {k: v for k, v in item.items() if v not in (None, "")}
            try:
                result = save_claim(session, ClaimInput(key=f"k{number}", **data))
            except FactbaseError as exc:
                add_error = f"claims.jsonl:{number + 1}: {exc.message}"
                break
            added_warnings += [f"claims.jsonl:{number + 1}: {w}" for w in result.warnings]
            created += result.created_topics
        added = stored_claims(session)
    assert import_error == add_error
    if import_error is None:
        assert imported == added
        assert summary.warnings == added_warnings
        assert summary.topics_created == created
        assert outcomes(summary) == {"claims added": len(items)}


# -- all or nothing -------------------------------------------------------------------


def test_a_bad_record_after_written_batches_leaves_nothing(
    base: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(claim_import, "BATCH_SIZE", 3)
    records = [claim(f"c{n}", topics=["brand-new"]) for n in range(10)]
    records.insert(8, claim("bad", value="около восьмидесяти"))
    with pytest.raises(ImportFailed) as info:
        run(base, write_jsonl(tmp_path / "claims.jsonl", records))
    assert info.value.message.startswith("claims.jsonl:9: value: ")
    assert claim_count(base) == 0
    with base.session() as session:
        assert session.scalar(select(Topic).where(Topic.slug == "brand-new")) is None


def test_a_failure_after_the_last_batch_leaves_nothing(
    base: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bad link comes after every claim is written: the claims go too."""
    monkeypatch.setattr(claim_import, "BATCH_SIZE", 2)
    records = [claim(f"c{n}") for n in range(5)]
    records.append({"type": "link", "claim": "c0", "other": "missing", "kind": "same"})
    with pytest.raises(ImportFailed):
        run(base, write_jsonl(tmp_path / "claims.jsonl", records))
    assert claim_count(base) == 0


# -- identity across and within batches ---------------------------------------------


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_reimport_reports_unchanged_and_updates_changed_records(
    base: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    monkeypatch.setattr(claim_import, "BATCH_SIZE", batch_size)
    first = [claim("a", value="80%"), claim("b", topics=["oil"]), claim(None, value="5%")]
    assert outcomes(run(base, write_jsonl(tmp_path / "one.jsonl", first))) == {"claims added": 3}
    again = run(base, write_jsonl(tmp_path / "two.jsonl", first))
    assert outcomes(again) == {"claims unchanged": 3}
    assert again.changed_claims == []
    changed = [claim("a", value="60%"), claim("b", topics=["gas"]), claim(None, value="6%")]
    summary = run(base, write_jsonl(tmp_path / "three.jsonl", changed))
    assert outcomes(summary) == {"claims updated": 3}
    assert len(summary.changed_claims) == 3
    with base.session() as session:
        values = dict(session.execute(select(Claim.key, Claim.value_text)).all())
        assert values == {"a": "60%", "b": None, None: "6%"}
        (b,) = session.scalars(select(Claim).where(Claim.key == "b"))
        assert b.topic_slugs == ["gas"]
        assert b.updated_at >= b.created_at


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_the_same_claim_twice_in_one_run_updates_the_first(
    base: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    monkeypatch.setattr(claim_import, "BATCH_SIZE", batch_size)
    records = [
        claim("a", value="80%"),
        claim("a", value="80%"),
        claim("a", value="60%"),
        claim(None, value="1%"),
        claim(None, value="2%"),
    ]
    summary = run(base, write_jsonl(tmp_path / "claims.jsonl", records))
    assert outcomes(summary) == {"claims added": 2, "claims unchanged": 1, "claims updated": 2}
    with base.session() as session:
        values = sorted(session.execute(select(Claim.key, Claim.value_text)).all(), key=repr)
    assert values == [("a", "60%"), (None, "2%")]


def test_sources_are_named_by_key_url_or_id(base: Database, tmp_path: Path) -> None:
    records = [
        claim("by-key", source=" silk "),
        claim("by-url", source="https://example.org/ua"),
        claim("by-id", source="1"),
    ]
    run(base, write_jsonl(tmp_path / "claims.jsonl", records))
    with base.session() as session:
        rows = dict(session.execute(select(Claim.key, Claim.source_id)).all())
    assert rows == {"by-key": 1, "by-url": 2, "by-id": 1}
    missing = [claim("x", source="nowhere")]
    with pytest.raises(ImportFailed) as info:
        run(base, write_jsonl(tmp_path / "missing.jsonl", missing))
    assert info.value.message.startswith("missing.jsonl:1: source: no source 'nowhere'")


# -- JSON Lines read a line at a time -----------------------------------------------


def test_claims_keep_file_order_when_jsonl_files_are_read_again(
    base: Database, tmp_path: Path
) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", [claim("k", value="10%"), BASE[0]])
    second = tmp_path / "b.yaml"
    second.write_text("claims:\n  - {key: k, source: silk, statement: Claim k, value: 20%}\n")
    with base.session(write=True) as session:
        summary = import_files(session, [first, second, first])
    assert outcomes(summary) == {"claims added": 1, "claims updated": 2}
    with base.session() as session:
        assert session.scalar(select(Claim.value_text)) == "10%"


@pytest.mark.parametrize(
    "content",
    [
        b'{"type": "topic", "slug": "x"}\n{"type": "topic", "slug": "\xff"}\n',
        b'{"type": "topic", "slug": "x"}\r\n\n{"type": "topic", "slug": "\x00"}\n',
        b'{"type": "topic", "slug": "x"}\n{"type": "topic"\n',
        b'{"type": "topic", "slug": "x"}\n[1]\n',
    ],
)
def test_jsonl_read_line_by_line_is_refused_as_when_read_whole(
    tmp_path: Path, content: bytes
) -> None:
    from factbase.interchange.readers import iter_records, read_file

    path = tmp_path / "file.jsonl"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as whole:
        read_file(path)
    with pytest.raises(ImportFailed) as streamed:
        list(iter_records(path))
    assert streamed.value.message == whole.value.message


def test_jsonl_read_line_by_line_gives_the_same_records(tmp_path: Path) -> None:
    from factbase.interchange.readers import iter_records, read_file

    path = tmp_path / "file.jsonl"
    text = '\ufeff{"type": "topic", "slug": "x"}\r\n\n{"type": "claim", "statement": "a\u2028b"}'
    path.write_bytes(text.encode())
    assert list(iter_records(path)) == read_file(path)
    path.write_bytes(b'\xef\xbb\xbf{"type": "topic", "slug": "x"}\n{"slug": "\xff"}\n')
    with pytest.raises(ImportFailed) as info:
        list(iter_records(path))
    assert info.value.message == (
        "file.jsonl: not UTF-8 text (byte 0xff at offset 44); save the file as UTF-8"
    )
    with pytest.raises(ImportFailed, match="no such file"):
        list(iter_records(tmp_path / "missing.jsonl"))
