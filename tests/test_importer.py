"""Tests of factbase.interchange.importer against a real database: every section, counts,
idempotence, all-or-nothing failures, language detection, topic suggestion, entity resolution
and a property-based round trip through `factbase list --format json`.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from helpers import PG_URL, Cli, import_counts, own_vocabulary_only, snapshot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from factbase.errors import ImportFailed
from factbase.interchange.importer import ImportOptions, ImportSummary, import_files
from factbase.store.database import Database, resolve_url
from factbase.store.models import (
    Base,
    Claim,
    ClaimLink,
    ClaimTopic,
    Conflict,
    Entity,
    EntityAlias,
    Outlet,
    Source,
    SourceCite,
    Topic,
)
from factbase.text.language import normalise_quote, normalise_text

BASE = """\
entities:
  - name: Caspian Pipeline Consortium
    kind: pipeline
    aliases: [CPC, КТК, Каспийский трубопроводный консорциум]
  - {name: Kassym-Jomart Tokayev, kind: person, aliases: [Tokayev, Токаев, Токаєв]}
topics:
  - {slug: energy, label: Energy}
  - {slug: oil, label: Oil, parent: energy, keywords: [нафта, петрол, нефть]}
outlets:
  - name: SilkBridge.info
    stance: neutral
    country: RU
    language: ru
    homepage: https://silkbridge.info
    note: China-focused news site.
  - {name: Ukrainian site, stance: pro-ukrainian, country: UA, language: uk}
sources:
  - key: silk
    outlet: SilkBridge.info
    title: "Казахстан отдаляется от РФ в сторону Китая и Турции"
    language: ru
    published: "июль 2022"
    retrieved: "2024-11-27"
    cites: [The Wall Street Journal]
    note: Undated; July 2022 inferred.
  - key: ua
    outlet: Ukrainian site
    title: "Токаєв заручився підтримкою Сі Цзіньпіна та Ердогана, аби відсторонитись від Путіна"
    url: https://example.org/ua/tokayev
    published: "1 грудня 2022"
"""

FULL_CLAIM = """\
claims:
  - key: cpc-share
    source: silk
    statement: "About 80% of Kazakhstan's oil exports pass through the CPC."
    quote: "по которому проходит около 80% экспорта казахстанской нефти"
    language: ru
    speaker: Токаев
    topics: [oil]
    subject: КТК
    property: share of Kazakhstan oil exports
    value: "около 80%"
    as_of: "2022"
    event_date: "11 июля 2022"
    polarity: denied
    status: disputed
    note: A note.
"""

UK_QUOTE = "Україна збільшила експорт нафти до Європи."
BG_QUOTE = "България увеличи вноса на петрола от Казахстан през тази година."
RU_QUOTE = "Казахстан увеличил экспорт нефти, это было заявлено в июле."


def write(directory: Path, name: str, content: str | bytes) -> Path:
    path = directory / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def run_import(db: Database, *paths: Path) -> ImportSummary:
    with db.session(write=True) as session:
        return import_files(session, list(paths))


def failed_import(db: Database, *paths: Path) -> str:
    with pytest.raises(ImportFailed) as info:
        run_import(db, *paths)
    return info.value.message


def claim_by_key(session: Session, key: str) -> Claim:
    claim = session.scalar(select(Claim).where(Claim.key == key))
    assert claim is not None, key
    return claim


def topic_links(session: Session, claim: Claim) -> dict[str, bool]:
    rows = session.execute(
        select(Topic.slug, ClaimTopic.suggested)
        .join(ClaimTopic, ClaimTopic.topic_id == Topic.id)
        .where(ClaimTopic.claim_id == claim.id)
    )
    return {slug: bool(suggested) for slug, suggested in rows}


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def counts(summary: ImportSummary) -> dict[str, int]:
    return {key: n for key, n in summary.counts.items() if n}


# -- every section, with its fields ---------------------------------------------------


def test_all_sections_are_stored_with_their_fields(db: Database, tmp_path: Path) -> None:
    own_vocabulary_only(db)
    summary = run_import(db, write(tmp_path, "full.yaml", BASE + FULL_CLAIM))
    assert counts(summary) == {
        "entities added": 2,
        "topics added": 2,
        "outlets added": 2,
        "sources added": 2,
        "claims added": 1,
    }
    assert summary.files == 1
    assert summary.topics_created == []
    assert summary.warnings == []
    with db.session() as session:
        cpc = session.scalar(select(Entity).where(Entity.name == "Caspian Pipeline Consortium"))
        assert cpc is not None and cpc.kind == "pipeline"
        assert sorted(a.alias for a in cpc.aliases) == sorted(
            ["Caspian Pipeline Consortium", "CPC", "КТК", "Каспийский трубопроводный консорциум"]
        )

        oil = session.scalar(select(Topic).where(Topic.slug == "oil"))
        energy = session.scalar(select(Topic).where(Topic.slug == "energy"))
        assert oil is not None and energy is not None
        assert (oil.label, oil.parent_id, energy.parent_id) == ("Oil", energy.id, None)
        assert [k.keyword for k in oil.keywords] == ["нафта", "нефть", "петрол"]

        silk_outlet = session.scalar(select(Outlet).where(Outlet.name == "SilkBridge.info"))
        assert silk_outlet is not None
        assert (
            silk_outlet.stance,
            silk_outlet.country,
            silk_outlet.language,
            silk_outlet.homepage,
            silk_outlet.note,
        ) == ("neutral", "RU", "ru", "https://silkbridge.info", "China-focused news site.")

        silk = session.scalar(select(Source).where(Source.key == "silk"))
        assert silk is not None
        assert silk.outlet_id == silk_outlet.id
        assert (silk.published, silk.published_end, silk.published_precision) == (
            date(2022, 7, 1),
            date(2022, 7, 31),
            "month",
        )
        assert (silk.retrieved, silk.retrieved_precision) == (date(2024, 11, 27), "day")
        assert silk.note == "Undated; July 2022 inferred."
        ua = session.scalar(select(Source).where(Source.key == "ua"))
        assert ua is not None
        assert (ua.url, ua.published, ua.published_precision) == (
            "https://example.org/ua/tokayev",
            date(2022, 12, 1),
            "day",
        )
        assert ua.language == "uk"  # detected from the title

        claim = claim_by_key(session, "cpc-share")
        tokayev = session.scalar(select(Entity).where(Entity.name == "Kassym-Jomart Tokayev"))
        assert tokayev is not None
        assert claim.source_id == silk.id
        assert claim.statement == "About 80% of Kazakhstan's oil exports pass through the CPC."
        assert claim.quote == "по которому проходит около 80% экспорта казахстанской нефти"
        assert claim.language == "ru"
        assert (claim.speaker, claim.speaker_id) == ("Токаев", tokayev.id)
        assert (claim.subject, claim.subject_id) == ("КТК", cpc.id)
        assert claim.property_name == "share of Kazakhstan oil exports"
        assert (claim.value_text, claim.value_num, claim.value_unit, claim.value_qualifier) == (
            "около 80%",
            80.0,
            "%",
            "approx",
        )
        assert (claim.as_of, claim.as_of_end, claim.as_of_precision) == (
            date(2022, 1, 1),
            date(2022, 12, 31),
            "year",
        )
        assert (claim.event_date, claim.event_precision) == (date(2022, 7, 11), "day")
        assert (claim.polarity, claim.status, claim.note) == ("denied", "disputed", "A note.")
        assert topic_links(session, claim) == {"oil": False}


def test_value_given_as_parts(db: Database, tmp_path: Path) -> None:
    claims = """\
claims:
  - {key: parts, source: silk, statement: "Exports.", value_num: 1.5, unit: "t", qualifier: over}
"""
    run_import(db, write(tmp_path, "parts.yaml", BASE + claims))
    with db.session() as session:
        claim = claim_by_key(session, "parts")
        assert (claim.value_num, claim.value_unit, claim.value_qualifier) == (1.5, "t", "over")
        assert claim.value_low == 1.5


@pytest.mark.slow
def test_source_cites_create_unrated_outlets_and_keep_known_ones(
    db: Database, tmp_path: Path
) -> None:
    extra = """\
  - key: relay
    outlet: Ukrainian site
    title: "Ще одна стаття про Казахстан та Китай"
    cites: [SilkBridge.info, Reuters, The Wall Street Journal]
"""
    summary = run_import(db, write(tmp_path, "cites.yaml", BASE + extra))
    assert summary.count("outlets", "added") == 2  # the cited ones are not records of the file
    with db.session() as session:
        outlets = {o.name: o for o in session.scalars(select(Outlet))}
        assert set(outlets) == {
            "SilkBridge.info",
            "Ukrainian site",
            "The Wall Street Journal",
            "Reuters",
        }
        for name in ("The Wall Street Journal", "Reuters"):
            assert outlets[name].stance == "unrated"
            assert outlets[name].note == "Created when a source cited it."
        assert outlets["SilkBridge.info"].stance == "neutral"
        relay = session.scalar(select(Source).where(Source.key == "relay"))
        silk = session.scalar(select(Source).where(Source.key == "silk"))
        assert relay is not None and silk is not None
        assert sorted(o.name for o in relay.cites) == [
            "Reuters",
            "SilkBridge.info",
            "The Wall Street Journal",
        ]
        cite_rows = session.execute(select(SourceCite.source_id, SourceCite.outlet_id)).all()
        assert sorted(cite_rows) == sorted(
            [(relay.id, outlets[n].id) for n in ("Reuters", "SilkBridge.info")]
            + [(relay.id, outlets["The Wall Street Journal"].id)]
            + [(silk.id, outlets["The Wall Street Journal"].id)]
        )


# -- order and counts -----------------------------------------------------------------


def test_jsonl_records_apply_in_section_order_whatever_the_line_order(
    db: Database, tmp_path: Path
) -> None:
    own_vocabulary_only(db)
    lines = [
        {
            "type": "claim",
            "key": "first-line",
            "source": "src",
            "statement": "The CPC carries oil.",
            "subject": "CPC",
            "topics": ["oil"],
        },
        {"type": "source", "key": "src", "outlet": "Wire", "title": "Oil exports grow again"},
        {"type": "outlet", "name": "Wire", "stance": "neutral"},
        {"type": "topic", "slug": "energy"},
        {"type": "topic", "slug": "oil", "parent": "energy"},
        {"type": "entity", "name": "Caspian Pipeline Consortium", "aliases": ["CPC"]},
    ]
    path = write(
        tmp_path,
        "reversed.jsonl",
        "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n",
    )
    summary = run_import(db, path)
    assert counts(summary) == {
        "entities added": 1,
        "topics added": 2,
        "outlets added": 1,
        "sources added": 1,
        "claims added": 1,
    }
    with db.session() as session:
        claim = claim_by_key(session, "first-line")
        cpc = session.scalar(select(EntityAlias).where(EntityAlias.alias == "CPC"))
        assert cpc is not None and claim.subject_id == cpc.entity_id
        assert topic_links(session, claim) == {"oil": False}
        assert claim.source.outlet.name == "Wire"


def test_summary_counts_per_section_topics_created_and_warnings(
    db: Database, tmp_path: Path
) -> None:
    own_vocabulary_only(db)
    claims = f"""\
claims:
  - {{key: a, source: silk, statement: "Kaзахстан exports oil.", topics: [oil, new-topic]}}
  - {{source: ua, statement: "Ukrainian quote.", quote: "{UK_QUOTE}"}}
  - {{key: wrong, source: ua, statement: "Declared wrongly.", quote: "{UK_QUOTE}", language: ru}}
"""
    summary = run_import(db, write(tmp_path, "counts.yaml", BASE + claims))
    assert counts(summary) == {
        "entities added": 2,
        "topics added": 2,
        "outlets added": 2,
        "sources added": 2,
        "claims added": 3,
    }
    assert summary.topics_created == ["new-topic"]
    assert summary.warnings == [
        "counts.yaml: claims[0] (key a): 'Kaзахстан' mixes Latin and Cyrillic letters",
        "counts.yaml: claims[2] (key wrong): text looks like uk, declared ru",
    ]
    assert summary.changed

    changed = BASE.replace("China-focused news site.", "Another note.") + claims.replace(
        "Ukrainian quote.", "A new statement."
    )
    second = run_import(db, write(tmp_path, "counts.yaml", changed))
    assert counts(second) == {
        "entities unchanged": 2,
        "topics unchanged": 2,
        "outlets updated": 1,
        "outlets unchanged": 1,
        "sources unchanged": 2,
        # A keyless claim with another statement but the quote of a claim of its source
        # repeats that claim: skipped, with a warning.
        "claims skipped": 1,
        "claims unchanged": 2,
    }
    assert second.topics_created == []

    with db.session(write=True) as session:
        third = import_files(
            session,
            [write(tmp_path, "counts.yaml", changed)],
            options=ImportOptions(allow_duplicate=True),
        )
    # Allowed, a keyless claim with another statement is another claim.
    assert counts(third)["claims added"] == 1


# -- idempotence and updates ------------------------------------------------------------

REIMPORT_CLAIMS = f"""\
claims:
  - {{key: keyed, source: silk, statement: "Keyed claim.", value: "441 млрд тенге", topics: [new]}}
  - {{source: ua, statement: "Keyless, suggested topics.", quote: "{UK_QUOTE}"}}
  - {{source: "https://example.org/ua/tokayev", statement: "By URL.", subject: Tokayev}}
  - {{source: silk, statement: "Kaзахстан.", as_of: "ноябрь 2023", event_date: "2022"}}
"""


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_importing_the_same_file_twice_changes_nothing(
    db: Database, db_url: str, tmp_path: Path, fmt: str
) -> None:
    import yaml

    document = BASE + REIMPORT_CLAIMS
    if fmt == "json":
        document = json.dumps(yaml.safe_load(document), ensure_ascii=False)
    path = write(tmp_path, f"same.{fmt}", document)
    first = run_import(db, path)
    assert first.count("claims", "added") == 4
    before = snapshot(db_url)
    second = run_import(db, path)
    assert counts(second) == {
        "entities unchanged": 2,
        "topics unchanged": 2,
        "outlets unchanged": 2,
        "sources unchanged": 2,
        "claims unchanged": 4,
    }
    assert second.topics_created == []
    assert snapshot(db_url) == before


def test_changed_record_with_the_same_key_is_updated(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    original = "claims:\n  - {key: k1, source: silk, statement: Old statement., value: около 80%}\n"
    run_import(db, write(tmp_path, "v1.yaml", BASE + original))
    with db.session() as session:
        claim_id = claim_by_key(session, "k1").id
    changed = original.replace("Old statement.", "New statement.").replace("около 80%", "до 90%")
    summary = run_import(db, write(tmp_path, "v2.yaml", BASE + changed))
    assert summary.count("claims", "updated") == 1
    assert summary.count("claims", "added") == 0
    with db.session() as session:
        claim = claim_by_key(session, "k1")
        assert claim.id == claim_id
        assert claim.statement == "New statement."
        assert (claim.value_text, claim.value_num, claim.value_qualifier) == (
            "до 90%",
            90.0,
            "up_to",
        )
        assert count(session, Claim) == 1
    assert (
        run_import(db, write(tmp_path, "v2.yaml", BASE + changed)).count("claims", "unchanged") == 1
    )


def test_keyless_claim_is_matched_by_source_and_statement(db: Database, tmp_path: Path) -> None:
    first = "claims:\n  - {source: silk, statement: '  Same   statement. ', value: около 80%}\n"
    run_import(db, write(tmp_path, "k.yaml", BASE + first))
    # The source named by URL instead of key, the statement spaced differently: the same claim.
    second = (
        "claims:\n"
        "  - {source: silk, statement: 'Same statement.', value: около 90%}\n"
        "  - {source: ua, statement: 'Same statement.'}\n"
    )
    summary = run_import(db, write(tmp_path, "k.yaml", BASE + second))
    assert summary.count("claims", "updated") == 1
    assert summary.count("claims", "added") == 1  # same statement, another source
    with db.session() as session:
        rows = session.execute(
            select(Source.key, Claim.statement, Claim.value_text)
            .join(Source, Claim.source_id == Source.id)
            .order_by(Source.key)
        ).all()
        assert [tuple(r) for r in rows] == [
            ("silk", "Same statement.", "около 90%"),
            ("ua", "Same statement.", None),
        ]


def test_source_record_with_the_same_key_is_updated(db: Database, tmp_path: Path) -> None:
    run_import(db, write(tmp_path, "s.yaml", BASE))
    changed = BASE.replace('published: "июль 2022"', 'published: "2022"')
    summary = run_import(db, write(tmp_path, "s.yaml", changed))
    assert (summary.count("sources", "updated"), summary.count("sources", "unchanged")) == (1, 1)
    with db.session() as session:
        silk = session.scalar(select(Source).where(Source.key == "silk"))
        assert silk is not None
        assert (silk.published, silk.published_end, silk.published_precision) == (
            date(2022, 1, 1),
            date(2022, 12, 31),
            "year",
        )


def test_reimporting_a_source_citing_several_outlets_changes_nothing(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    sources = """\
outlets:
  - {name: Site, stance: neutral}
sources:
  - {key: relay, outlet: Site, title: A title, cites: [Zeta News, alpha wire, Ab C, Abb, ~Tilde]}
"""
    path = write(tmp_path, "cites.yaml", sources)
    run_import(db, path)
    before = snapshot(db_url)
    second = run_import(db, path)
    assert snapshot(db_url) == before
    assert counts(second) == {"outlets unchanged": 1, "sources unchanged": 1}


# -- all or nothing ---------------------------------------------------------------------

GOOD_CLAIMS = """\
claims:
  - {key: first, source: silk, statement: "A good claim.", value: "около 80%"}
  - {key: second, source: ua, statement: "Another good claim.", topics: [brand-new]}
"""

BAD_LAST_CLAIMS = [
    ("{key: last, source: nope, statement: Bad.}", "source: no source 'nope'"),
    ("{key: last, source: silk, statement: Bad., value: abc}", "value: cannot read a quantity"),
    (
        '{key: last, source: silk, statement: Bad., event_date: "1718000000"}',
        'event_date: "1718000000" is a bare number, not a date',
    ),
    ('{key: last, source: silk, statement: Bad., value: "1e309"}', "value: cannot read a quantity"),
    ("{key: last, source: silk, statement: Bad., quoet: x}", "unknown field 'quoet'"),
    ("{key: last, source: silk}", "statement: required"),
    ("{key: last, source: silk, statement: Bad., language: xx}", "language: unknown language"),
    ("{key: last, source: silk, statement: Bad., topics: [Not A Slug]}", "topic slug"),
    ("{key: last, source: silk, statement: Bad., value_num: .nan}", "is not a finite number"),
    ("{key: last, source: silk, statement: [a, b]}", "statement: expected text"),
    ("{key: first, source: silk, statement: Bad., value: 1 млрд, value_num: 1}", "value:"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("record", "expected"), BAD_LAST_CLAIMS)
def test_bad_last_claim_leaves_the_database_exactly_as_before(
    db: Database, db_url: str, tmp_path: Path, record: str, expected: str
) -> None:
    run_import(db, write(tmp_path, "earlier.yaml", BASE + FULL_CLAIM))
    before = snapshot(db_url)
    path = write(tmp_path, "bad.yaml", BASE + GOOD_CLAIMS + "  - " + record + "\n")
    message = failed_import(db, path)
    key = "first" if "key: first" in record else "last"
    assert message.startswith(f"bad.yaml: claims[2] (key {key}): "), message
    assert expected in message, message
    assert "\n" not in message
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "bad.csv",
            "source,statement,value,topics\n"
            "silk,Good.,около 80%,oil; brand-new\n"
            "silk,Also good.,,\n"
            "silk,Bad.,abc,\n",
            "bad.csv:4: value: cannot read a quantity from 'abc'",
        ),
        (
            "bad.jsonl",
            '{"type": "claim", "source": "silk", "statement": "Good."}\n'
            '{"type": "claim", "source": "silk", "statement": "Bad.", "as_of": "1718000000"}\n',
            'bad.jsonl:2: as_of: "1718000000" is a bare number',
        ),
        (
            "bad.json",
            '{"claims": [{"source": "silk", "statement": "Good."},'
            ' {"key": "x", "source": "silk", "statement": "Bad.", "quoet": "q"}]}',
            "bad.json: claims[1] (key x): unknown field 'quoet'",
        ),
    ],
)
def test_first_file_good_second_file_bad_writes_nothing_from_either(
    db: Database, db_url: str, tmp_path: Path, name: str, content: str, expected: str
) -> None:
    own_vocabulary_only(db_url)
    before = snapshot(db_url)
    good = write(tmp_path, "good.yaml", BASE + GOOD_CLAIMS)
    bad = write(tmp_path, name, content)
    message = failed_import(db, good, bad)
    assert message.startswith(expected), message
    assert snapshot(db_url) == before
    with db.session() as session:
        assert [count(session, m) for m in (Claim, Source, Outlet, Topic, Entity)] == [0] * 5


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (
            "sources:\n  - {key: s2, outlet: Nowhere, title: T}\n",
            "sources[0] (key s2): outlet: no outlet 'Nowhere'",
        ),
        (
            "sources:\n  - {key: s2, outlet: Site, title: T, published: soon}\n",
            "sources[0] (key s2): published: ",
        ),
        (
            "sources:\n  - {key: s2, outlet: Site, title: T, url: ftp://x}\n",
            "sources[0] (key s2): url: URL 'ftp://x' must start with http",
        ),
        (
            "sources:\n  - {key: s2, outlet: Site, title: T, url: https://example.org/ua/tokayev}\n",
            "sources[0] (key s2): source 2 already has url",
        ),
        ("sources:\n  - {key: s2, outlet: Site}\n", "sources[0] (key s2): title: required"),
        ("outlets:\n  - {name: Other, stance: evil}\n", "outlets[0]: unknown stance 'evil'"),
        ("outlets:\n  - {name: Other}\n", "outlets[0]: stance: required"),
        (
            "outlets:\n  - {name: Other, stance: neutral, country: Russia}\n",
            "outlets[0]: country 'RUSSIA' must be a two-letter",
        ),
        ("topics:\n  - {slug: child, parent: missing}\n", "topics[0]: no topic 'missing'"),
        ("topics:\n  - {slug: energy, parent: oil}\n", "topics[0]: topic 'energy' cannot be"),
        (
            "entities:\n  - {name: Other, aliases: [CPC, Tokayev]}\n",
            "entities[0]: the spellings",
        ),
        ("entities:\n  - {kind: person}\n", "entities[0]: name: required"),
    ],
)
@pytest.mark.slow
def test_bad_record_in_any_section_writes_nothing(
    db: Database, db_url: str, tmp_path: Path, record: str, expected: str
) -> None:
    site = "outlets:\n  - {name: Site, stance: neutral}\n"
    run_import(db, write(tmp_path, "base.yaml", BASE), write(tmp_path, "s.yaml", site))
    before = snapshot(db_url)
    message = failed_import(db, write(tmp_path, "bad.yaml", record))
    assert message.startswith(f"bad.yaml: {expected}"), message
    assert snapshot(db_url) == before


def test_a_string_where_a_list_is_expected_is_read_as_a_semicolon_list(
    db: Database, tmp_path: Path
) -> None:
    run_import(db, write(tmp_path, "e.yaml", "entities:\n  - {name: Other, aliases: A; B ;}\n"))
    with db.session() as session:
        other = session.scalar(select(Entity).where(Entity.name == "Other"))
        assert other is not None
        assert sorted(a.alias for a in other.aliases) == ["A", "B", "Other"]


def test_dry_run_writes_nothing_but_reports_counts(db_url: str, cli: Cli, tmp_path: Path) -> None:
    own_vocabulary_only(db_url)
    before = snapshot(db_url)
    path = write(tmp_path, "dry.yaml", BASE + GOOD_CLAIMS)
    payload = json.loads(cli.ok("import", "--dry-run", "--format", "json", str(path)).stdout)
    assert payload["dry_run"] is True
    assert import_counts(payload) == {
        "claims added": 2,
        "entities added": 2,
        "outlets added": 2,
        "sources added": 2,
        "topics added": 2,
    }
    assert payload["topics_created"] == ["brand-new"]
    assert snapshot(db_url) == before
    table = cli.ok("import", "--dry-run", str(path)).stdout
    assert "dry run: nothing written" in table
    assert snapshot(db_url) == before


# -- language, topics, entities, confusables ------------------------------------------


def test_language_detected_when_absent(db: Database, tmp_path: Path) -> None:
    claims = f"""\
claims:
  - {{key: uk, source: ua, statement: "Ukraine exports oil.", quote: "{UK_QUOTE}"}}
  - {{key: bg, source: ua, statement: "Bulgaria imports oil.", quote: "{BG_QUOTE}"}}
  - {{key: ru, source: ua, statement: "Kazakhstan exports oil.", quote: "{RU_QUOTE}"}}
  - {{key: en, source: ua, statement: "Kazakhstan exports more oil to Europe than before."}}
  - {{key: short, source: ua, statement: "Нефть"}}
"""
    summary = run_import(db, write(tmp_path, "lang.yaml", BASE + claims))
    assert summary.warnings == []
    with db.session() as session:
        found = {key: claim_by_key(session, key).language for key in ("uk", "bg", "ru", "en")}
        assert found == {"uk": "uk", "bg": "bg", "ru": "ru", "en": "en"}
        assert claim_by_key(session, "short").language is None  # one word: undecidable


def test_declared_language_contradicting_the_text_is_kept_with_a_warning(
    db: Database, tmp_path: Path
) -> None:
    claims = f"""\
claims:
  - {{key: wrong, source: ua, statement: "Ukraine.", quote: "{UK_QUOTE}", language: RU}}
  - {{key: right, source: ua, statement: "Bulgaria.", quote: "{BG_QUOTE}", language: bg}}
"""
    summary = run_import(db, write(tmp_path, "declared.yaml", BASE + claims))
    assert summary.warnings == [
        "declared.yaml: claims[0] (key wrong): text looks like uk, declared ru"
    ]
    with db.session() as session:
        assert claim_by_key(session, "wrong").language == "ru"
        assert claim_by_key(session, "right").language == "bg"


def test_topics_suggested_from_keywords_when_absent(db: Database, tmp_path: Path) -> None:
    own_vocabulary_only(db)
    claims = f"""\
claims:
  - {{key: uk, source: ua, statement: "Ukraine exports oil.", quote: "{UK_QUOTE}"}}
  - {{key: bg, source: ua, statement: "Bulgaria imports oil.", quote: "{BG_QUOTE}"}}
  - {{key: ru, source: ua, statement: "Kazakhstan exports oil.", quote: "{RU_QUOTE}"}}
  - {{key: given, source: ua, statement: "Given topics.", quote: "{UK_QUOTE}", topics: [energy]}}
  - {{key: none, source: ua, statement: "Met.", quote: "Токаєв зустрівся з Ердоганом."}}
"""
    run_import(db, write(tmp_path, "suggest.yaml", BASE + claims))
    with db.session() as session:
        assert topic_links(session, claim_by_key(session, "uk")) == {"oil": True}
        assert topic_links(session, claim_by_key(session, "bg")) == {"oil": True}
        assert topic_links(session, claim_by_key(session, "ru")) == {"oil": True}
        assert topic_links(session, claim_by_key(session, "given")) == {"energy": False}
        assert topic_links(session, claim_by_key(session, "none")) == {}
        suggested = session.scalars(
            select(ClaimTopic.claim_id).where(ClaimTopic.suggested.is_(True))
        ).all()
        assert len(suggested) == 3


def test_topics_defined_in_the_same_file_are_used_for_suggestions(
    db: Database, tmp_path: Path
) -> None:
    own_vocabulary_only(db)
    # The claims come first in the file; their topics and keywords come after them.
    document = f"""\
claims:
  - {{key: bg, source: s, statement: "Bulgaria imports oil.", quote: "{BG_QUOTE}"}}
outlets:
  - {{name: O, stance: neutral}}
sources:
  - {{key: s, outlet: O, title: Title}}
topics:
  - {{slug: oil, keywords: [петрол]}}
"""
    run_import(db, write(tmp_path, "late.yaml", document))
    with db.session() as session:
        assert topic_links(session, claim_by_key(session, "bg")) == {"oil": True}


def test_unknown_topic_slugs_on_a_claim_are_created_and_reported(
    db: Database, tmp_path: Path
) -> None:
    own_vocabulary_only(db)
    claims = """\
claims:
  - {key: a, source: silk, statement: "First.", topics: [oil, Brand-New, brand-new]}
  - {key: b, source: silk, statement: "Second.", topics: [brand-new, another]}
"""
    summary = run_import(db, write(tmp_path, "new.yaml", BASE + claims))
    assert sorted(summary.topics_created) == ["another", "brand-new"]
    assert summary.count("topics", "added") == 2  # the records of the topics section only
    with db.session() as session:
        created = session.scalar(select(Topic).where(Topic.slug == "brand-new"))
        assert created is not None
        assert (created.label, created.parent_id, created.keywords) == ("brand-new", None, [])
        assert topic_links(session, claim_by_key(session, "a")) == {
            "oil": False,
            "brand-new": False,
        }
        assert topic_links(session, claim_by_key(session, "b")) == {
            "brand-new": False,
            "another": False,
        }
    again = run_import(db, write(tmp_path, "new.yaml", BASE + claims))
    assert again.topics_created == []


def test_subject_and_speaker_resolved_through_entity_aliases(db: Database, tmp_path: Path) -> None:
    claims = """\
claims:
  - {key: ru, source: silk, statement: "One.", subject: "Каспийский  трубопроводный консорциум"}
  - {key: upper, source: silk, statement: "Two.", subject: ктк, speaker: TOKAYEV}
  - {key: canonical, source: silk, statement: "Three.", subject: caspian pipeline consortium}
  - {key: unknown, source: silk, statement: "Four.", subject: Some Pipeline, speaker: Nobody}
"""
    run_import(db, write(tmp_path, "subjects.yaml", BASE + claims))
    with db.session() as session:
        cpc = session.scalar(select(Entity).where(Entity.name == "Caspian Pipeline Consortium"))
        tokayev = session.scalar(select(Entity).where(Entity.name == "Kassym-Jomart Tokayev"))
        assert cpc is not None and tokayev is not None
        for key in ("ru", "upper", "canonical"):
            assert claim_by_key(session, key).subject_id == cpc.id, key
        upper = claim_by_key(session, "upper")
        assert (upper.subject, upper.speaker, upper.speaker_id) == ("ктк", "TOKAYEV", tokayev.id)
        assert claim_by_key(session, "ru").subject == "Каспийский трубопроводный консорциум"
        unknown = claim_by_key(session, "unknown")
        assert (unknown.subject, unknown.subject_id, unknown.speaker_id) == (
            "Some Pipeline",
            None,
            None,
        )


def test_latin_cyrillic_lookalikes_give_a_warning(db: Database, tmp_path: Path) -> None:
    claims = """\
claims:
  - {key: mixed, source: silk, statement: "Kaзахстан (Latin K) and Кaзахстан (Latin a)."}
  - {key: quote, source: silk, statement: "Clean.", quote: "нефтьoil and PR-кампания"}
  - {key: clean, source: silk, statement: "Казахстан and Kazakhstan, PR-кампания."}
"""
    summary = run_import(db, write(tmp_path, "mixed.yaml", BASE + claims))
    assert summary.warnings == [
        "mixed.yaml: claims[0] (key mixed): 'Kaзахстан' mixes Latin and Cyrillic letters",
        "mixed.yaml: claims[0] (key mixed): 'Кaзахстан' mixes Latin and Cyrillic letters",
        "mixed.yaml: claims[1] (key quote): 'нефтьoil' mixes Latin and Cyrillic letters",
    ]
    with db.session() as session:  # warned, still stored as written
        assert claim_by_key(session, "mixed").statement.startswith("Kaзахстан (Latin K)")


def test_sql_metacharacters_are_stored_literally(db: Database, cli: Cli, tmp_path: Path) -> None:
    nasty = 'Robert\'); DROP TABLE claim; -- 50% of _all_ \\ "quoted" `tick` $1 ?'
    record = {
        "key": "k';--%_",
        "source": "silk",
        "statement": nasty,
        "quote": nasty + "\n' OR '1'='1",
        "speaker": "x' OR 1=1 --",
        "subject": "%",
        "property": "_",
        "note": "'; DELETE FROM source; --",
    }
    other = {"key": "plain", "source": "silk", "statement": "Fifty of all."}
    document = {"claims": [record, other]}
    run_import(db, write(tmp_path, "base.yaml", BASE))
    run_import(db, write(tmp_path, "sql.json", json.dumps(document, ensure_ascii=False)))
    with db.session() as session:
        claim = claim_by_key(session, "k';--%_")
        assert claim.statement == nasty
        assert claim.quote == nasty + "\n' OR '1'='1"
        assert (claim.speaker, claim.subject, claim.property_name, claim.note) == (
            "x' OR 1=1 --",
            "%",
            "_",
            "'; DELETE FROM source; --",
        )
        assert count(session, Claim) == 2
        assert count(session, Source) == 2
    found = json.loads(cli.ok("list", "--search", "50%", "--format", "json").stdout)
    assert [row["key"] for row in found] == ["k';--%_"]
    found = json.loads(cli.ok("list", "--subject", "%", "--format", "json").stdout)
    assert [row["key"] for row in found] == ["k';--%_"]
    shown = json.loads(cli.ok("show", "k';--%_", "--format", "json").stdout)
    assert shown[0]["statement"] == nasty


def test_csv_list_cells_are_split_on_semicolons(db: Database, tmp_path: Path) -> None:
    run_import(db, write(tmp_path, "base.yaml", BASE))
    csv_text = (
        "key,source,statement,topics,value_num,unit,qualifier\n"
        'c1,silk,First.,oil; brand-new ;,"1,5",t,approx\n'
        "c2,https://example.org/ua/tokayev,Second.,,,,\n"
    )
    summary = run_import(db, write(tmp_path, "claims.csv", csv_text))
    assert summary.topics_created == ["brand-new"]
    assert summary.count("claims", "added") == 2
    with db.session() as session:
        first = claim_by_key(session, "c1")
        assert topic_links(session, first) == {"oil": False, "brand-new": False}
        assert (first.value_num, first.value_unit, first.value_qualifier) == (1.5, "t", "approx")
        second = claim_by_key(session, "c2")
        assert second.source.key == "ua"
        assert second.value_num is None


def test_links_are_applied_after_claims_and_reimport_unchanged(
    db: Database, db_url: str, tmp_path: Path
) -> None:
    document = """\
links:
  - {claim: ally, other: away, kind: contradicts, note: 'Ally, or moving away.'}
  - {claim: away, other: away-too, kind: same}
claims:
  - {key: ally, source: silk, statement: "Kazakhstan is Russia's closest ally."}
  - {key: away, source: silk, statement: "Kazakhstan is moving away from Russia."}
  - {key: away-too, source: ua, statement: "Kazakhstan is distancing from Russia."}
"""
    path = write(tmp_path, "links.yaml", BASE + document)  # links before the claims they name
    summary = run_import(db, path)
    assert summary.count("links", "added") == 2
    with db.session() as session:
        ids = {key: claim_by_key(session, key).id for key in ("ally", "away", "away-too")}
        links = {
            (row.claim_a_id, row.claim_b_id): (row.kind, row.note)
            for row in session.scalars(select(ClaimLink))
        }
        pair = tuple(sorted((ids["ally"], ids["away"])))
        assert links == {
            pair: ("contradicts", "Ally, or moving away."),
            tuple(sorted((ids["away"], ids["away-too"]))): ("same", None),
        }
        declared = session.scalars(select(Conflict).where(Conflict.kind == "declared")).all()
        assert [(c.claim_a_id, c.claim_b_id, c.status) for c in declared] == [(*pair, "open")]
    before = snapshot(db_url)
    again = run_import(db, path)
    assert (again.count("links", "unchanged"), again.count("links", "added")) == (2, 0)
    assert snapshot(db_url) == before

    changed = document.replace("kind: same", "kind: supports")
    third = run_import(db, write(tmp_path, "links.yaml", BASE + changed))
    assert (third.count("links", "updated"), third.count("links", "unchanged")) == (1, 1)
    with db.session() as session:
        kinds = sorted(row.kind for row in session.scalars(select(ClaimLink)))
        assert kinds == ["contradicts", "supports"]


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        ("{claim: a1, other: nope, kind: same}", "links[0]: no claim 'nope'"),
        ("{claim: a1, other: a2, kind: friends}", "links[0]: link kind 'friends'"),
        ("{claim: a1, other: a1, kind: same}", "links[0]: a claim cannot be linked to itself"),
        ("{claim: a1, other: a2}", "links[0]: kind: required"),
    ],
)
@pytest.mark.slow
def test_bad_link_writes_nothing(
    db: Database, db_url: str, tmp_path: Path, link: str, expected: str
) -> None:
    before = snapshot(db_url)
    claims = (
        "claims:\n"
        "  - {key: a1, source: silk, statement: One.}\n"
        "  - {key: a2, source: silk, statement: Two.}\n"
    )
    path = write(tmp_path, "bad-link.yaml", BASE + claims + "links:\n  - " + link + "\n")
    message = failed_import(db, path)
    assert message.startswith(f"bad-link.yaml: {expected}"), message
    assert snapshot(db_url) == before


def test_date_without_a_year_takes_the_year_of_the_source(db: Database, tmp_path: Path) -> None:
    claims = "claims:\n  - {key: d, source: silk, statement: Closed., event_date: 11 июля}\n"
    summary = run_import(db, write(tmp_path, "noyear.yaml", BASE + claims))
    assert summary.warnings == [
        "noyear.yaml: claims[0] (key d): event date '11 июля' has no year; "
        "took 2022 from the source"
    ]
    with db.session() as session:
        claim = claim_by_key(session, "d")
        assert (claim.event_date, claim.event_precision) == (date(2022, 7, 11), "day")


KEYED = (
    "claims:\n"
    "  - {key: CPC-Share, source: silk, statement: First.}\n"
    "  - {key: cpc-share-2, source: silk, statement: Second.}\n"
)


@pytest.mark.parametrize(
    "second",
    [
        "claims:\n  - {key: other, source: SILK, statement: Another.}\n",
        "links:\n  - {claim: CPC-SHARE, other: cpc-share-2, kind: same}\n",
    ],
)
def test_keys_are_exact_identifiers_a_differently_cased_reference_fails(
    db: Database, tmp_path: Path, second: str
) -> None:
    """docs/format.md: keys and URLs match exactly; a wrong case is an error, not a guess."""
    run_import(db, write(tmp_path, "first.yaml", BASE + KEYED))
    before = snapshot(db.url.render_as_string(hide_password=False))
    with pytest.raises(ImportFailed, match=r"second\.yaml"):
        run_import(db, write(tmp_path, "second.yaml", second))
    assert snapshot(db.url.render_as_string(hide_password=False)) == before


def test_keys_differing_only_in_case_are_two_claims(db: Database, tmp_path: Path) -> None:
    run_import(db, write(tmp_path, "first.yaml", BASE + KEYED))
    again = "claims:\n  - {key: cpc-share, source: silk, statement: Changed.}\n"
    summary = run_import(db, write(tmp_path, "second.yaml", again))
    assert summary.count("claims", "added") == 1
    with db.session() as session:
        assert count(session, Claim) == 3
        assert claim_by_key(session, "CPC-Share").statement == "First."


# -- bugs: input that should be refused with ImportFailed ---------------------------------


def test_huge_integer_value_num_is_refused(db: Database, db_url: str, tmp_path: Path) -> None:
    before = snapshot(db_url)
    document = '{"claims": [{"source": "s", "statement": "x", "value_num": 1' + "0" * 400 + "}]}"
    message = failed_import(db, write(tmp_path, "big.json", document))
    assert message.startswith("big.json: claims[0]: value_num: ")
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("nul.json", '{"claims": [{"source": "silk", "statement": "a\\u0000b"}]}'),
        ("nul.yaml", 'claims:\n  - {source: silk, statement: "a\\0b"}\n'),
    ],
)
def test_escaped_nul_in_text_is_refused(
    db: Database, db_url: str, tmp_path: Path, name: str, content: str
) -> None:
    run_import(db, write(tmp_path, "base.yaml", BASE))
    before = snapshot(db_url)
    message = failed_import(db, write(tmp_path, name, content))
    assert message.startswith(f"{name}: claims[0]: statement"), message
    assert snapshot(db_url) == before


def test_lone_surrogate_escape_is_refused(db: Database, db_url: str, tmp_path: Path) -> None:
    run_import(db, write(tmp_path, "base.yaml", BASE))
    before = snapshot(db_url)
    content = '{"claims": [{"source": "silk", "statement": "a\\ud800b"}]}'
    message = failed_import(db, write(tmp_path, "surrogate.json", content))
    assert message.startswith("surrogate.json: claims[0]: statement"), message
    assert snapshot(db_url) == before


@pytest.mark.parametrize(
    ("record", "field"),
    [
        ("claims:\n  - {key: " + "k" * 201 + ", source: silk, statement: x}\n", "key"),
        ("claims:\n  - {source: silk, statement: x, subject: " + "я" * 301 + "}\n", "subject"),
        ("outlets:\n  - {name: " + "o" * 201 + ", stance: neutral}\n", "name"),
        (
            "sources:\n  - {outlet: Ukrainian site, title: t, url: https://x.org/"
            + "a" * 2000
            + "}\n",
            "url",
        ),
    ],
)
def test_text_longer_than_its_column_is_refused(
    db: Database, db_url: str, tmp_path: Path, record: str, field: str
) -> None:
    run_import(db, write(tmp_path, "base.yaml", BASE))
    before = snapshot(db_url)
    message = failed_import(db, write(tmp_path, "long.yaml", record))
    assert message.startswith("long.yaml: "), message
    assert field in message, message
    assert snapshot(db_url) == before


# -- property: import, export as JSON, re-import into a fresh database ----------------------

ROUNDTRIP_BASE: dict[str, Any] = {
    "topics": [
        {"slug": "energy", "label": "Energy"},
        {"slug": "oil", "parent": "energy", "keywords": ["нафта", "петрол", "нефть", "oil"]},
    ],
    "outlets": [{"name": "Site", "stance": "neutral"}],
    "sources": [{"key": "src", "outlet": "Site", "title": "A title"}],
}
_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґ"
_LATIN = "abcdefghijklmnopqrstuvwxyz"
_LETTERS = _CYRILLIC + _CYRILLIC.upper() + _LATIN + _LATIN.upper()
_PUNCTUATION = " .,;:!?-'\"«»()%—"
_words = st.text(alphabet=_LETTERS + _PUNCTUATION, min_size=1, max_size=60).filter(
    lambda s: any(c.isalpha() for c in s)
)
_quotes = st.none() | st.text(alphabet=_LETTERS + _PUNCTUATION + "\n", max_size=80)
_claims = st.fixed_dictionaries(
    {
        "statement": _words,
        "quote": _quotes,
        "language": st.sampled_from([None, "ru", "uk", "bg", "en"]),
        "value": st.sampled_from(
            [
                None,
                "около 80%",
                "441 млрд тенге",
                "up to 20 million tonnes",
                "понад 4 тисячі",
                "1,5 милиона тона",
                "почти 2 млн баррелей",
            ]
        ),
        "topics": st.sampled_from([[], ["oil"], ["energy", "oil"], ["brand-new"]]),
    }
)


def _fresh_database(template: Path, directory: Path, name: str) -> str:
    """An empty migrated database: a copy of the template, or PostgreSQL emptied."""
    if not PG_URL:
        path = directory / name
        shutil.copyfile(template, path)
        return str(path)
    Database.open(PG_URL).close()  # migrated, whatever the previous test left
    engine = create_engine(resolve_url(PG_URL))
    with engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):  # children before parents
            if table.name != "stance":  # the built-in stances come with the schema
                connection.execute(text(f'DELETE FROM "{table.name}"'))
    engine.dispose()
    return PG_URL


def _import_and_export(url: str, directory: Path, document: dict[str, Any]) -> list[dict[str, Any]]:
    path = write(directory, "claims.json", json.dumps(document, ensure_ascii=False))
    database = Database.open(url)
    try:
        run_import(database, path)
    finally:
        database.close()
    # `factbase list`, through a Click command built once: Typer rebuilds it on every
    # CliRunner call otherwise, which is most of this test's time.
    args = ["--db", url, "list", "--format", "json", "--limit", "0", "--sort", "id"]
    with CliRunner().isolation() as (stdout, stderr, _output):
        code = _factbase_command().main(args, prog_name="factbase", standalone_mode=False)
        sys.stdout.flush()
        assert code == 0, stderr.getvalue().decode()
        rows: list[dict[str, Any]] = json.loads(stdout.getvalue().decode())
    return rows


@cache
def _factbase_command() -> Any:
    import typer.main

    from factbase.cli import app

    return typer.main.get_command(app)


_EXPORTED = (
    "key",
    "statement",
    "quote",
    "language",
    "speaker",
    "topics",
    "subject",
    "property",
    "value",
    "event_date",
    "as_of",
    "polarity",
    "status",
    "note",
)


def _as_import_records(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Exported claim rows back into documented claim fields."""
    return [
        {"source": row["source_key"]}
        | {name: row[name] for name in _EXPORTED if row[name] not in (None, [])}
        for row in rows
    ]


def _essentials(rows: Sequence[dict[str, Any]]) -> dict[str, tuple[Any, ...]]:
    return {
        row["key"]: (row["statement"], row["quote"], row["language"], row["value"], row["topics"])
        for row in rows
    }


# Each example imports twice; on PostgreSQL every statement is a network round trip.
@settings(
    max_examples=10 if PG_URL else 25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(claims=st.lists(_claims, min_size=1, max_size=3))
@pytest.mark.slow
def test_import_export_reimport_round_trip(
    _migrated_sqlite_template: Path, claims: list[dict[str, Any]]
) -> None:
    records = [
        {"key": f"k{i}", "source": "src"} | {k: v for k, v in claim.items() if v not in (None, [])}
        for i, claim in enumerate(claims)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        first_url = _fresh_database(_migrated_sqlite_template, directory, "first.db")
        first = _import_and_export(first_url, directory, {**ROUNDTRIP_BASE, "claims": records})
        assert [row["key"] for row in first] == [r["key"] for r in records]
        for row, claim in zip(first, claims, strict=True):
            assert row["statement"] == normalise_text(claim["statement"])
            quote = claim["quote"]
            assert row["quote"] == (normalise_quote(quote) if quote and quote.strip() else None)
            assert row["value"] == claim["value"]
            if claim["language"]:
                assert row["language"] == claim["language"]
            if claim["topics"]:
                assert row["topics"] == sorted(claim["topics"])

        rebuilt = {**ROUNDTRIP_BASE, "claims": _as_import_records(first)}
        second_url = _fresh_database(_migrated_sqlite_template, directory, "second.db")
        second = _import_and_export(second_url, directory, rebuilt)
    assert _essentials(second) == _essentials(first)
