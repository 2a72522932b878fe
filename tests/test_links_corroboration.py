"""Links between claims, the clusters they form, and corroboration by independent origins.

Data is recorded through the library against a real database; `show` and `list --format json`
are checked through the CLI.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from helpers import Cli
from sqlalchemy import text

from factbase.analysis.conflicts import resolve_conflict
from factbase.analysis.corroboration import (
    CORROBORATION_COLUMNS,
    Evidence,
    corroboration,
    corroboration_fields,
    count_origins,
)
from factbase.analysis.intake import add_claim
from factbase.analysis.links import (
    all_clusters,
    cluster_of,
    link_claims,
    linked_claims,
    unlink_claims,
)
from factbase.catalog.audit import history
from factbase.catalog.outlets import add_outlet
from factbase.catalog.sources import SourceInput, add_source
from factbase.claims.query import get_claim
from factbase.claims.values import ClaimInput
from factbase.errors import AlreadyExists, InvalidInput, NotFound
from factbase.store.database import Database

# name, stance, language
OUTLETS = [
    ("The Wall Street Journal", "pro-western", "en"),
    ("BTA", "neutral", "bg"),
    ("SilkBridge.info", "neutral", "ru"),
    ("Ukrinform", "pro-ukrainian", "uk"),
    ("RIA Novosti", "pro-kremlin", "ru"),
]
# key, outlet, outlets it cites
SOURCES = [
    ("wsj", "The Wall Street Journal", []),
    ("bta", "BTA", ["The Wall Street Journal"]),
    ("silk", "SilkBridge.info", ["The Wall Street Journal"]),
    ("silk-own", "SilkBridge.info", []),
    ("ukr", "Ukrinform", []),
    ("ria", "RIA Novosti", []),
]
LANGUAGE = {"wsj": "en", "bta": "bg", "silk": "ru", "silk-own": "ru", "ukr": "uk", "ria": "ru"}
DISTANCING = {"subject": "Kazakhstan", "property": "distancing from Russia", "as_of": "2022"}


@pytest.fixture
def base(db: Database) -> Database:
    with db.session(write=True) as session:
        for name, stance, language in OUTLETS:
            add_outlet(session, name, stance, language=language)
        for key, outlet, cites in SOURCES:
            add_source(session, SourceInput(outlet=outlet, title=key, key=key, cites=cites))
    return db


def add(db: Database, key: str, source: str, **fields: Any) -> int:
    fields.setdefault("statement", f"Claim {key}")
    fields.setdefault("language", LANGUAGE[source])
    fields.setdefault("topics", ["diplomacy"])
    with db.session(write=True) as session:
        return add_claim(session, ClaimInput(source=source, key=key, **fields)).claim.id


def link(db: Database, a: str, b: str, kind: str, note: str | None = None) -> None:
    with db.session(write=True) as session:
        link_claims(session, a, b, kind, note)


def unlink(db: Database, a: str, b: str) -> None:
    with db.session(write=True) as session:
        unlink_claims(session, a, b)


def cluster(db: Database, key: str) -> set[str]:
    with db.session() as session:
        members = cluster_of(session, get_claim(session, key).id)
        return {get_claim(session, member).key or "" for member in members}


def support(db: Database, key: str) -> Any:
    with db.session() as session:
        return corroboration(session, get_claim(session, key).id)


# -- links and clusters ------------------------------------------------------------------


@pytest.fixture
def claims(base: Database) -> Database:
    for key, source in [("a", "bta"), ("b", "silk"), ("c", "ukr"), ("d", "ria"), ("e", "wsj")]:
        add(base, key, source)
    return base


def test_same_and_supports_links_form_a_cluster(claims: Database) -> None:
    assert cluster(claims, "a") == {"a"}
    link(claims, "a", "b", "same")
    link(claims, "c", "b", "supports")
    for member in ("a", "b", "c"):
        assert cluster(claims, member) == {"a", "b", "c"}
    assert cluster(claims, "d") == {"d"}
    with claims.session() as session:
        ids = {key: get_claim(session, key).id for key in "abcde"}
        assert all_clusters(session) == [{ids["a"], ids["b"], ids["c"]}]


def test_contradicts_and_refines_links_do_not_join_clusters(claims: Database) -> None:
    link(claims, "a", "b", "same")
    link(claims, "a", "d", "contradicts")
    link(claims, "e", "b", "refines")
    assert cluster(claims, "a") == {"a", "b"}
    assert cluster(claims, "d") == {"d"}
    assert cluster(claims, "e") == {"e"}
    with claims.session() as session:
        assert len(all_clusters(session)) == 1


def test_unlinking_splits_a_cluster(claims: Database) -> None:
    link(claims, "a", "b", "same")
    link(claims, "b", "c", "supports")
    link(claims, "d", "e", "same")
    unlink(claims, "c", "b")
    assert cluster(claims, "a") == {"a", "b"}
    assert cluster(claims, "c") == {"c"}
    with claims.session() as session:
        clusters = all_clusters(session)
        keys = [{get_claim(session, i).key for i in group} for group in clusters]
    assert keys == [{"a", "b"}, {"d", "e"}]


def test_linked_claims_from_either_side(claims: Database) -> None:
    link(claims, "c", "a", "refines", note="c gives the exact figure")
    link(claims, "a", "b", "same")
    with claims.session() as session:
        a = get_claim(session, "a")
        seen = [(item.link.kind, item.other.key) for item in linked_claims(session, a.id)]
        assert seen == [("refines", "c"), ("same", "b")]
        (back,) = linked_claims(session, get_claim(session, "c").id)
        assert back.other.key == "a"
        assert back.link.refining_id == get_claim(session, "c").id
        assert back.link.note == "c gives the exact figure"
        assert back.link.claim_a_id < back.link.claim_b_id


@pytest.mark.parametrize(
    ("a", "b", "kind", "error"),
    [
        ("a", "a", "same", InvalidInput),
        ("a", "b", "duplicate", InvalidInput),
        ("a", "missing", "same", NotFound),
        ("b", "a", "supports", AlreadyExists),  # linked already, in the other order
        ("a", "b", "same", AlreadyExists),
    ],
)
@pytest.mark.slow
def test_link_errors(claims: Database, a: str, b: str, kind: str, error: type[Exception]) -> None:
    link(claims, "a", "b", "same")
    with pytest.raises(error), claims.session(write=True) as session:
        link_claims(session, a, b, kind)
    with claims.session() as session:
        assert len(linked_claims(session, get_claim(session, "a").id)) == 1


def test_unlinking_what_is_not_linked_is_not_found(claims: Database) -> None:
    with pytest.raises(NotFound), claims.session(write=True) as session:
        unlink_claims(session, "a", "b")


def test_links_and_unlinks_are_audited(claims: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FACTBASE_USER", "curator")
    link(claims, "b", "a", "same", note="one report")
    unlink(claims, "a", "b")
    with claims.session() as session:
        low, high = sorted((get_claim(session, "a").id, get_claim(session, "b").id))
        entries = history(session, target=f"claims {low}-{high}")
        assert [(e.actor, e.action) for e in entries] == [
            ("curator", "unlink"),
            ("curator", "link"),
        ]
        assert entries[1].note == "one report"
        assert json.loads(entries[1].detail or "{}")["kind"] == "same"


# -- corroboration ---------------------------------------------------------------------


def report(claim_id: int, **fields: Any) -> Evidence:
    defaults: dict[str, Any] = {
        "outlet_id": claim_id,
        "stance": "neutral",
        "language": "en",
        "speaker": None,
        "cited_outlets": frozenset(),
        "quote_words": frozenset(),
    }
    return Evidence(claim_id=claim_id, **{**defaults, **fields})


WORDS = frozenset(
    ["kazakhstan", "is", "moving", "away", "from", "russia", "says", "the", "ministry", "of",
     "foreign", "affairs"]
)  # fmt: skip


@pytest.mark.parametrize(
    ("first", "second", "origins"),
    [
        ({}, {}, 2),
        ({"speaker": "entity:1"}, {"speaker": "entity:1"}, 1),
        ({"speaker": "entity:1"}, {"speaker": "entity:2"}, 2),
        ({"speaker": None}, {"speaker": None}, 2),  # two unknown speakers are not one
        ({"cited_outlets": frozenset({9})}, {"cited_outlets": frozenset({9})}, 1),
        ({"cited_outlets": frozenset({9})}, {"cited_outlets": frozenset({8})}, 2),
        ({"cited_outlets": frozenset({2})}, {}, 1),  # the first relays the second's outlet
        ({"quote_words": WORDS}, {"quote_words": WORDS - {"says"} | {"said"}}, 1),
        ({"quote_words": WORDS}, {"quote_words": frozenset({"a", "different", "text"})}, 2),
        ({"quote_words": frozenset()}, {"quote_words": frozenset()}, 2),
    ],
)
def test_count_origins_pairs(first: dict[str, Any], second: dict[str, Any], origins: int) -> None:
    assert count_origins([report(1, **first), report(2, **second)]) == origins


def test_count_origins_is_transitive() -> None:
    reports = [
        report(1, speaker="x"),
        report(2, speaker="x", cited_outlets=frozenset({7})),
        report(3, cited_outlets=frozenset({7})),
        report(4),
    ]
    assert count_origins(reports) == 2
    assert count_origins([]) == 0
    assert count_origins(reports[:1]) == 1


@pytest.fixture
def echoes(base: Database) -> Database:
    """One fact reported three times: two relays of the WSJ and one independent report."""
    add(base, "r1", "bta", speaker="White House officials", quote="Казахстан се отдалечава",
        **DISTANCING)  # fmt: skip
    add(base, "r2", "silk", speaker="The Wall Street Journal", quote="Казахстан отдаляется",
        **DISTANCING)  # fmt: skip
    add(base, "r3", "ukr", speaker="Олег Іванов", quote="Казахстан віддаляється від Росії",
        **DISTANCING)  # fmt: skip
    link(base, "r1", "r2", "same")
    link(base, "r2", "r3", "same")
    return base


def test_relays_of_one_outlet_count_as_one_origin(echoes: Database) -> None:
    found = support(echoes, "r1")
    assert (found.reports, found.origins) == (3, 2)
    assert found.asserting_stances == ["neutral", "pro-ukrainian"]
    assert found.asserting_languages == ["bg", "ru", "uk"]
    assert found.disputing_claims == [] and found.disputing_stances == []
    assert not found.single_stance
    assert "3 reports, 2 independent origins" in found.summary()
    assert support(echoes, "r3").cluster == found.cluster


def test_the_twin_without_a_shared_citation_counts_three_origins(base: Database) -> None:
    add(base, "r1", "bta", speaker="White House officials", quote="Казахстан се отдалечава")
    add(base, "r2", "silk-own", speaker="The Wall Street Journal", quote="Казахстан отдаляется")
    add(base, "r3", "ukr", speaker="Олег Іванов", quote="Казахстан віддаляється від Росії")
    link(base, "r1", "r2", "same")
    link(base, "r2", "r3", "supports")
    assert (support(base, "r2").reports, support(base, "r2").origins) == (3, 3)


def test_a_report_relaying_the_original_outlet_is_not_independent(base: Database) -> None:
    add(base, "orig", "wsj", speaker="White House officials")
    add(base, "relay", "bta", speaker="BTA correspondent")
    link(base, "orig", "relay", "same")
    assert support(base, "orig").origins == 1


@pytest.mark.parametrize(("second_speaker", "origins"), [("Токаев", 1), ("Путин", 2)])
def test_same_speaker_is_one_origin(base: Database, second_speaker: str, origins: int) -> None:
    from factbase.catalog.entities import EntityInput, upsert_entity

    with base.session(write=True) as session:
        upsert_entity(session, EntityInput(name="Kassym-Jomart Tokayev", aliases=["Токаев"]))
    add(base, "x", "ukr", speaker="Kassym-Jomart Tokayev", quote="Ми не визнаємо")
    add(base, "y", "ria", speaker=second_speaker, quote="Мы не признаем")
    link(base, "x", "y", "same")
    assert (support(base, "x").reports, support(base, "x").origins) == (2, origins)


QUOTE = "Kazakhstan is moving away from Russia says the Ministry of Foreign Affairs"


@pytest.mark.parametrize(
    ("second_quote", "origins"),
    [
        (QUOTE, 1),
        ("kazakhstan is moving away from RUSSIA says the ministry of foreign affairs", 1),
        (QUOTE.replace("says", "said"), 1),  # 11 of 13 words shared
        ("Astana keeps its distance from Moscow according to diplomats", 2),
        ("Kazakhstan is moving away from Russia", 2),  # 6 of 12 words: a different quote
    ],
)
@pytest.mark.slow
def test_near_identical_quotes_are_one_origin(
    base: Database, second_quote: str, origins: int
) -> None:
    add(base, "x", "ukr", quote=QUOTE, language="en")
    add(base, "y", "ria", quote=second_quote, language="en")
    link(base, "x", "y", "same")
    assert support(base, "y").origins == origins


@pytest.mark.slow
def test_quotes_differing_only_in_punctuation_are_one_origin(base: Database) -> None:
    add(base, "x", "ukr", quote=QUOTE, language="en")
    relayed = "Kazakhstan is moving away from Russia, says the Ministry of Foreign Affairs."
    add(base, "y", "ria", language="en", quote=relayed)
    link(base, "x", "y", "same")
    assert support(base, "y").origins == 1


@pytest.mark.parametrize(
    ("sources", "single"),
    [(("bta", "silk-own"), True), (("bta", "ukr"), False), (("bta",), False)],
)
@pytest.mark.slow
def test_single_stance(base: Database, sources: tuple[str, ...], single: bool) -> None:
    keys = []
    for n, source in enumerate(sources):
        keys.append(f"k{n}")
        add(base, keys[-1], source, speaker=f"speaker {n}")
    for first, second in itertools.pairwise(keys):
        link(base, first, second, "same")
    found = support(base, keys[0])
    assert found.single_stance is single
    assert ("one stance only" in found.summary()) is single


def test_the_other_side_of_a_conflict_is_disputing(echoes: Database) -> None:
    add(echoes, "denial", "ria", polarity="denied", speaker="Дмитрий Песков", **DISTANCING)
    found = support(echoes, "r1")
    with echoes.session() as session:
        denial = get_claim(session, "denial").id
    assert found.disputing_claims == [denial]
    assert found.disputing_stances == ["pro-kremlin"]
    assert found.disputing_languages == ["ru"]
    assert "disputed by pro-kremlin (ru)" in found.summary()
    opposite = support(echoes, "denial")
    assert opposite.disputing_stances == ["neutral", "pro-ukrainian"]
    assert (opposite.reports, opposite.origins) == (1, 1)


def test_dismissed_conflicts_do_not_dispute_but_contradicts_links_do(echoes: Database) -> None:
    add(echoes, "denial", "ria", polarity="denied", **DISTANCING)
    with echoes.session(write=True) as session:
        denial = get_claim(session, "denial").id
        for row in session.execute(text("SELECT id FROM conflict ORDER BY id")):
            resolve_conflict(session, row.id, "dismissed", "different periods")
    assert support(echoes, "r1").disputing_claims == []
    add(echoes, "ally", "ria", subject="Kazakhstan", property="closest ally of Russia")
    link(echoes, "ally", "r3", "contradicts")
    found = support(echoes, "r1")
    with echoes.session() as session:
        assert found.disputing_claims == [get_claim(session, "ally").id]
    assert denial not in found.disputing_claims


def test_corroboration_fields_count_open_conflicts(echoes: Database) -> None:
    add(echoes, "denial", "ria", polarity="denied", **DISTANCING)
    with echoes.session() as session:
        r1 = get_claim(session, "r1").id
        fields = corroboration_fields(session, r1)
    assert set(fields) == set(CORROBORATION_COLUMNS)
    assert fields == {
        "reports": 3,
        "origins": 2,
        "asserting_stances": ["neutral", "pro-ukrainian"],
        "disputing_stances": ["pro-kremlin"],
        "open_conflicts": 1,
    }


def test_list_json_and_show_carry_corroboration(echoes: Database, cli: Cli) -> None:
    add(echoes, "denial", "ria", polarity="denied", **DISTANCING)
    add(echoes, "alone", "wsj", subject="Kazakhstan", property="member of the CSTO")
    rows = json.loads(cli.ok("list", "--format", "json", "--limit", "0").stdout)
    by_key = {row["key"]: row for row in rows}
    assert set(CORROBORATION_COLUMNS) <= set(by_key["r1"])
    assert {k: by_key["r2"][k] for k in CORROBORATION_COLUMNS} == {
        "reports": 3,
        "origins": 2,
        "asserting_stances": ["neutral", "pro-ukrainian"],
        "disputing_stances": ["pro-kremlin"],
        "open_conflicts": 1,
    }
    assert {k: by_key["denial"][k] for k in CORROBORATION_COLUMNS} == {
        "reports": 1,
        "origins": 1,
        "asserting_stances": ["pro-kremlin"],
        "disputing_stances": ["neutral", "pro-ukrainian"],
        "open_conflicts": 3,
    }
    assert (by_key["alone"]["reports"], by_key["alone"]["open_conflicts"]) == (1, 0)
    out = cli.ok("show", "r1").stdout
    assert "3 reports, 2 independent origins" in " ".join(out.split())
    assert "disputed by pro-kremlin (ru)" in " ".join(out.split())
