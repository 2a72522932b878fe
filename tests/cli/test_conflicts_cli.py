"""`factbase conflicts …`, `link`, `unlink`, `history`, and the warning `add` prints.

All data goes in through the CLI; results are read back through the machine formats and,
where it matters, straight from the database.
"""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from helpers import (
    Cli,
    add_claims,
    add_outlets,
    add_sources,
    built_template,
    from_template,
    query,
    snapshot,
    writing,
)
from sqlalchemy import text

from factbase.analysis.conflict_columns import CONFLICT_COLUMNS

OUTLETS = [
    ("SilkBridge.info", "neutral", "ru"),
    ("Ukrinform", "pro-ukrainian", "uk"),
    ("RIA Novosti", "pro-kremlin", "ru"),
    ("BTA", "neutral", "bg"),
]
SOURCES = [
    ("silk", "SilkBridge.info", "2022-07"),
    ("ukr", "Ukrinform", "2022-12-01"),
    ("ria", "RIA Novosti", "2023-11"),
    ("bta", "BTA", "2023-02"),
]


_command = functools.cache(typer.testing._get_command)


@pytest.fixture(autouse=True)
def _click_command_built_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Typer rebuilds the Click command from the signatures on every invoke (about half of
    each call here); the command is the same for every call, so build it once."""
    monkeypatch.setattr(typer.testing, "_get_command", _command)


def build_base(url: str) -> None:
    """Outlets, sources, an entity with aliases and topics, through the library (fast)."""
    from factbase.catalog.entities import EntityInput, upsert_entity
    from factbase.catalog.topics import TopicInput, upsert_topic

    with writing(url) as session:
        add_outlets(session, OUTLETS)
        add_sources(session, SOURCES)
        upsert_entity(
            session, EntityInput(name="Caspian Pipeline Consortium", aliases=["CPC", "КТК"])
        )
        for slug in ("oil", "diplomacy", "transport"):
            upsert_topic(session, TopicInput(slug=slug))


# (key, statement, source, language, fields): three conflicts, value/direct (a-b),
# polarity/time-scope (c-d) and date/direct (e-f), recorded in that order.
SHARE = {"subject": "CPC", "property": "share of oil exports", "as_of": "2022"}
DISTANCING = {"subject": "Kazakhstan", "property": "distancing from Russia"}
BERTHS = {"subject": "CPC", "property": "terminal berths reopened"}
WORLD: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("a", "About 80% of oil exports go via the CPC", "silk", "ru",
     {**SHARE, "value": "около 80%", "topics": ["oil"], "quote": "около 80% экспорта нефти",
      "speaker": "The Wall Street Journal"}),
    ("b", "60% of oil exports go via the CPC", "ukr", "uk",
     {**SHARE, "subject": "КТК", "value": "60%", "topics": ["oil"],
      "quote": "60% експорту нафти", "speaker": "Олег Іванов"}),
    ("c", "Kazakhstan is distancing from Russia", "silk", "ru",
     {**DISTANCING, "as_of": "2022", "topics": ["diplomacy"]}),
    ("d", "Kazakhstan is not distancing from Russia", "ria", "ru",
     {**DISTANCING, "as_of": "2023", "polarity": "denied", "topics": ["diplomacy"]}),
    ("e", "The CPC berths reopened on 1 July", "bta", "bg",
     {**BERTHS, "event_date": "1 юли 2022", "topics": ["transport"]}),
    ("f", "The CPC berths reopened on 5 July", "ukr", "uk",
     {**BERTHS, "event_date": "5 July 2022", "topics": ["oil"]}),
]  # fmt: skip


def build_world(url: str) -> None:
    build_base(url)
    with writing(url) as session:
        add_claims(
            session,
            (
                dict(source=source, statement=statement, key=key, language=language, **fields)
                for key, statement, source, language, fields in WORLD
            ),
        )


@pytest.fixture(scope="module")
def _base_template(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> Path | None:
    return built_template(tmp_path_factory, _migrated_sqlite_template, build_base, "base")


@pytest.fixture(scope="module")
def _world_template(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> Path | None:
    return built_template(tmp_path_factory, _migrated_sqlite_template, build_world, "world")


@pytest.fixture
def base(cli: Cli, _base_template: Path | None) -> Cli:
    from_template(cli.url, _base_template, build_base)
    return cli


@pytest.fixture
def world(cli: Cli, _world_template: Path | None) -> Cli:
    from_template(cli.url, _world_template, build_world)
    return cli


def add(cli: Cli, key: str, statement: str, source: str, language: str, *args: str) -> Any:
    return cli.ok("add", statement, "--source", source, "--key", key, "--language", language,
                  *args)  # fmt: skip


def listed(cli: Cli, *args: str) -> list[dict[str, Any]]:
    return json.loads(cli.ok("conflicts", "--format", "json", *args).stdout)


def keyed(cli: Cli, *args: str) -> list[tuple[str, str, str]]:
    return [(r["claim_a_key"], r["claim_b_key"], r["kind"]) for r in listed(cli, *args)]


# -- detection on add and import -------------------------------------------------------


def test_add_warns_about_the_new_conflict_and_its_twin_does_not(base: Cli) -> None:
    share = ("--subject", "CPC", "--property", "share of oil exports", "--as-of", "2022")
    first = add(base, "a", "About 80%", "silk", "ru", *share, "--value", "около 80%")
    assert "conflict" not in first.stderr
    agree = add(base, "agree", "Close to 80%", "bta", "bg", *share, "--value", "близо 80%")
    assert "conflict" not in agree.stderr
    clash = add(base, "b", "Sixty per cent", "ukr", "uk", *share, "--value", "60%")
    conflicts = listed(base)
    assert [(c["claim_a_key"], c["claim_b_key"]) for c in conflicts] == [("a", "b"), ("agree", "b")]
    warnings = [line for line in clash.stderr.splitlines() if "new conflict" in line]
    assert warnings == [
        f"factbase: warning: new conflict {c['id']} (value): {c['explanation']}" for c in conflicts
    ]
    assert "80 % ±10 % (SilkBridge.info, ru, 2022) vs 60 % (Ukrinform, uk, 2022)" in warnings[0]
    assert "80 % ±10 % (BTA, bg, 2022) vs 60 % (Ukrinform, uk, 2022)" in warnings[1]
    assert "added claim" in clash.stdout
    assert "conflict" not in clash.stdout


@pytest.mark.parametrize(
    ("first", "second", "extra_first", "extra_second", "expected"),
    [
        # The rules are covered in tests/test_conflicts.py; these check the CLI's path to them.
        ("около 80%", "близо 80%", (), (), None),
        ("~80%", "60%", (), (), "direct"),
        ("up to 20 million tonnes", "22 million tonnes", (), (), "approximation"),
        ("80%", "60%", ("--as-of", "2019"), ("--as-of", "2022"), None),
        ("80%", "60%", ("--as-of", "2022"), ("--as-of", "July 2022"), "time-scope"),
        ("441 млрд тенге", "918 million dollars", (), (), None),
    ],
)
def test_value_pairs_through_the_cli(
    base: Cli,
    first: str,
    second: str,
    extra_first: tuple[str, ...],
    extra_second: tuple[str, ...],
    expected: str | None,
) -> None:
    about = ("--subject", "CPC", "--property", "exports")
    add(base, "a", "First figure", "silk", "ru", *about, "--value", first, *extra_first)
    add(base, "b", "Second figure", "ukr", "uk", *about, "--value", second, *extra_second)
    rows = listed(base, "--status", "all")
    assert [(r["kind"], r["cause"]) for r in rows] == ([("value", expected)] if expected else [])


def test_aliases_are_compared_but_different_properties_are_not(base: Cli) -> None:
    add(base, "a", "First", "silk", "ru", "--subject", "CPC", "--property", "exports",
        "--value", "80%")  # fmt: skip
    add(base, "b", "Second", "ukr", "uk", "--subject", "КТК", "--property", "imports",
        "--value", "60%")  # fmt: skip
    assert listed(base) == []
    add(base, "c", "Third", "ria", "ru", "--subject", "Caspian Pipeline Consortium",
        "--property", "exports", "--value", "60%")  # fmt: skip
    assert keyed(base) == [("a", "c", "value")]


@pytest.mark.parametrize(
    ("first", "second", "conflict"),
    [("November 2023", "1 November 2023", False), ("1 November 2023", "2 November 2023", True)],
)
def test_event_dates(base: Cli, first: str, second: str, conflict: bool) -> None:
    about = ("--subject", "Vladimir Putin", "--property", "visit to Astana")
    add(base, "a", "Putin visited Astana", "ria", "ru", *about, "--event-date", first)
    add(base, "b", "Putin arrived in Astana", "bta", "bg", *about, "--event-date", second)
    rows = listed(base)
    assert [(r["kind"], r["cause"]) for r in rows] == ([("date", "direct")] if conflict else [])


@pytest.mark.parametrize(
    ("polarity", "as_of", "expected"),
    [
        ("denied", "2022", ("polarity", "direct")),
        ("denied", "2023", ("polarity", "time-scope")),
        ("affirmed", "2022", None),
    ],
)
def test_polarity(base: Cli, polarity: str, as_of: str, expected: tuple[str, str] | None) -> None:
    about = ("--subject", "Kazakhstan", "--property", "distancing from Russia")
    add(base, "a", "Distancing", "silk", "ru", *about, "--as-of", "2022")
    add(base, "b", "Not distancing", "ria", "ru", *about, "--as-of", as_of,
        "--polarity", polarity)  # fmt: skip
    rows = listed(base)
    assert [(r["kind"], r["cause"]) for r in rows] == ([expected] if expected else [])


@pytest.mark.slow
def test_import_checks_new_claims_at_once(world: Cli, tmp_path: Path) -> None:
    path = tmp_path / "more.yaml"
    path.write_text(
        "claims:\n"
        "  - {key: g, source: ria, statement: Forty per cent, language: ru, subject: КТК,\n"
        "     property: share of oil exports, value: '40%', as_of: '2022', topics: [oil]}\n"
        "  - {key: h, source: bta, statement: Unrelated, language: bg, subject: Bulgaria,\n"
        "     property: share of oil exports, value: '40%', as_of: '2022', topics: [oil]}\n",
        encoding="utf-8",
    )
    before = keyed(world)
    summary = json.loads(world.ok("import", str(path), "--format", "json").stdout)
    assert summary["conflicts_found"] == 2
    assert set(keyed(world)) - set(before) == {("a", "g", "value"), ("b", "g", "value")}
    again = json.loads(world.ok("import", str(path), "--format", "json").stdout)
    assert again["conflicts_found"] == 0
    assert len(keyed(world)) == len(before) + 2


# -- scan ------------------------------------------------------------------------------


def test_scan_twice_never_duplicates(world: Cli) -> None:
    before = listed(world, "--status", "all")
    first = world.ok("conflicts", "scan")
    assert "0 new conflicts, 3 already known, 0 withdrawn" in first.stdout
    world.ok("conflicts", "scan")
    assert listed(world, "--status", "all") == before
    rows = query(world.url, "SELECT claim_a_id, claim_b_id, kind FROM conflict")
    assert len(rows) == len({tuple(r.values()) for r in rows}) == 3


def test_scan_finds_what_is_missing(world: Cli) -> None:
    world.ok("link", "a", "b", "--as", "same")  # a link adds no detected conflict
    with writing(world.url) as session:
        session.execute(text("DELETE FROM conflict WHERE kind = 'polarity'"))
    out = world.ok("conflicts", "scan").stdout
    assert "1 new conflict, 2 already known" in out
    assert "compared 3 pairs" in out  # one pair in each of the three blocks
    assert sorted(keyed(world)) == [("a", "b", "value"), ("c", "d", "polarity"),
                                    ("e", "f", "date")]  # fmt: skip


# -- review ----------------------------------------------------------------------------


def conflict_id(cli: Cli, a: str, b: str, kind: str) -> int:
    (row,) = query(
        cli.url,
        "SELECT f.id FROM conflict f JOIN claim x ON x.id = f.claim_a_id"
        " JOIN claim y ON y.id = f.claim_b_id WHERE x.key = :a AND y.key = :b AND f.kind = :kind",
        a=a,
        b=b,
        kind=kind,
    )
    return int(row["id"])


def test_dismissed_conflict_stays_dismissed_after_a_scan(world: Cli) -> None:
    target = conflict_id(world, "a", "b", "value")
    out = world.ok("conflicts", "resolve", str(target), "--as", "dismissed",
                   "--note", "different years in fact")  # fmt: skip
    assert f"conflict {target}: dismissed" in out.stdout
    world.ok("conflicts", "scan")
    assert ("a", "b", "value") not in keyed(world)
    rows = [r for r in listed(world, "--status", "all") if r["claim_a_key"] == "a"]
    assert [(r["id"], r["status"], r["note"]) for r in rows] == [
        (target, "dismissed", "different years in fact")
    ]
    # Adding a claim in the same block rescans the block: the pair still stays quiet.
    add(world, "g", "Forty", "ria", "ru", "--subject", "CPC", "--property",
        "share of oil exports", "--as-of", "2022", "--value", "40%")  # fmt: skip
    rows = listed(world, "--status", "all")
    pairs = [(r["claim_a_key"], r["claim_b_key"], r["status"]) for r in rows]
    assert pairs.count(("a", "b", "dismissed")) == 1
    assert ("a", "b", "open") not in pairs
    assert {("a", "g", "open"), ("b", "g", "open")} <= set(pairs)


def test_resolve_keep_marks_the_other_claim_disputed(world: Cli) -> None:
    target = conflict_id(world, "a", "b", "value")
    out = world.ok("conflicts", "resolve", str(target), "--as", "resolved", "--keep", "b",
                   "--note", "the pipeline operator confirms 60%")  # fmt: skip
    assert "kept claim" in out.stdout
    (row,) = listed(world, "--status", "resolved")
    claim_ids = {r["key"]: r["id"] for r in query(world.url, "SELECT id, key FROM claim")}
    assert row["kept_claim"] == claim_ids["b"]
    statuses = {r["key"]: r["status"] for r in query(world.url, "SELECT key, status FROM claim")}
    assert statuses["a"] == "disputed"
    assert statuses["b"] == "unverified"
    assert {k for k, s in statuses.items() if s == "disputed"} == {"a"}


def test_keep_with_a_claim_outside_the_conflict_changes_nothing(world: Cli) -> None:
    target = conflict_id(world, "a", "b", "value")
    before = snapshot(world.url)
    bad = world("conflicts", "resolve", str(target), "--as", "resolved", "--keep", "c",
                "--note", "wrong claim")  # fmt: skip
    assert bad.exit_code == 1
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factbase: error:")
    assert "not part of conflict" in lines[0]
    assert snapshot(world.url) == before


@pytest.mark.parametrize(
    "args",
    [
        ("--as", "dismissed"),  # --note is required
        ("--note", "why"),  # --as is required
        ("--as", "maybe", "--note", "why"),
    ],
)
def test_resolve_usage_errors(world: Cli, args: tuple[str, ...]) -> None:
    target = conflict_id(world, "a", "b", "value")
    before = snapshot(world.url)
    bad = world("conflicts", "resolve", str(target), *args)
    assert bad.exit_code == 2
    assert bad.stderr.startswith("factbase: error:")
    assert snapshot(world.url) == before


def test_every_decision_is_in_the_history(world: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    value = conflict_id(world, "a", "b", "value")
    polarity = conflict_id(world, "c", "d", "polarity")
    date = conflict_id(world, "e", "f", "date")
    monkeypatch.setenv("FACTBASE_USER", "анна")
    world.ok("conflicts", "resolve", str(value), "--as", "confirmed", "--note", "real gap")
    monkeypatch.setenv("FACTBASE_USER", "bob")
    world.ok("conflicts", "resolve", str(polarity), "--as", "dismissed", "--note", "2022 vs 2023")
    world.ok("conflicts", "resolve", str(date), "--as", "resolved", "--note", "BTA was right",
             "--keep", "e")  # fmt: skip
    entries = json.loads(world.ok("history", "--format", "json").stdout)
    decisions = [(e["actor"], e["action"], e["target"], e["note"]) for e in entries]
    assert decisions[:3] == [  # newest first
        ("bob", "conflict-resolved", f"conflict {date}", "BTA was right"),
        ("bob", "conflict-dismissed", f"conflict {polarity}", "2022 vs 2023"),
        ("анна", "conflict-confirmed", f"conflict {value}", "real gap"),
    ]
    assert all(e["at"] for e in entries[:3])
    only = json.loads(
        world.ok("history", "--target", f"conflict {date}", "--format", "json").stdout
    )
    assert [(e["action"], e["note"]) for e in only] == [("conflict-resolved", "BTA was right")]
    table = world.ok("history").stdout
    for needle in ("анна", "bob", "conflict-confirmed", f"conflict {polarity}", "BTA was right"):
        assert needle in table
    jsonl = world.ok("history", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line)["id"] for line in jsonl] == [e["id"] for e in entries]


# -- listing ---------------------------------------------------------------------------


def test_list_orders_direct_before_time_scope(world: Cli) -> None:
    rows = listed(world)
    assert [(r["claim_a_key"], r["kind"], r["cause"]) for r in rows] == [
        ("a", "value", "direct"),
        ("e", "date", "direct"),
        ("c", "polarity", "time-scope"),
    ]
    assert rows[0]["id"] < rows[2]["id"] < rows[1]["id"]  # not simply id order
    table = world.ok("conflicts")
    assert table.stdout.index("direct") < table.stdout.index("time-scope")
    assert "3 conflicts (open)" in table.stderr
    # A declared contradiction comes after the direct ones and before differences of scope.
    world.ok("link", "b", "c", "--as", "contradicts")
    assert [(r["claim_a_key"], r["cause"]) for r in listed(world)] == [
        ("a", "direct"),
        ("e", "direct"),
        ("b", "declared"),
        ("c", "time-scope"),
    ]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--kind", "value"), ["a"]),
        (("--kind", "polarity"), ["c"]),
        (("--kind", "declared"), []),
        (("--topic", "oil"), ["a", "e"]),  # e's partner f is in oil: either side counts
        (("--topic", "transport"), ["e"]),
        (("--topic", "diplomacy"), ["c"]),
        (("--stance", "pro-kremlin"), ["c"]),
        (("--stance", "pro-ukrainian"), ["a", "e"]),
        (("--lang", "bg"), ["e"]),
        (("--lang", "uk"), ["a", "e"]),
        (("--lang", "ru"), ["a", "c"]),
        (("--kind", "value", "--lang", "bg"), []),
        (("--limit", "1"), ["a"]),
    ],
)
def test_list_filters(world: Cli, args: tuple[str, ...], expected: list[str]) -> None:
    assert [r["claim_a_key"] for r in listed(world, *args)] == expected


@pytest.mark.slow
def test_list_status_filters(world: Cli) -> None:
    polarity = conflict_id(world, "c", "d", "polarity")
    world.ok("conflicts", "resolve", str(polarity), "--as", "dismissed", "--note", "n")
    assert [r["claim_a_key"] for r in listed(world)] == ["a", "e"]
    assert [r["claim_a_key"] for r in listed(world, "--status", "open")] == ["a", "e"]
    assert [r["claim_a_key"] for r in listed(world, "--status", "dismissed")] == ["c"]
    assert [r["claim_a_key"] for r in listed(world, "--status", "all")] == ["a", "e", "c"]
    assert listed(world, "--status", "confirmed") == []
    bad = world("conflicts", "--status", "closed")
    assert bad.exit_code != 0 and bad.stderr.startswith("factbase: error:")


def test_list_machine_formats(world: Cli) -> None:
    rows = listed(world)
    first = rows[0]
    assert set(first) == set(CONFLICT_COLUMNS)
    assert (first["claim_a_key"], first["claim_b_key"]) == ("a", "b")
    assert (first["kind"], first["status"]) == ("value", "open")
    assert isinstance(first["claim_a"], int) and isinstance(first["claim_b"], int)
    assert first["claim_a"] < first["claim_b"]
    assert "80 % ±10 %" in first["explanation"]
    assert (first["outlet_a"], first["outlet_b"]) == ("SilkBridge.info", "Ukrinform")
    assert (first["stance_a"], first["stance_b"]) == ("neutral", "pro-ukrainian")
    assert (first["language_a"], first["language_b"]) == ("ru", "uk")

    out = world.ok("conflicts", "--format", "csv").stdout
    parsed = list(csv.reader(io.StringIO(out, newline="")))
    assert tuple(parsed[0]) == CONFLICT_COLUMNS
    assert len(parsed) == 1 + len(rows)
    by_column = [dict(zip(CONFLICT_COLUMNS, line, strict=True)) for line in parsed[1:]]
    assert [r["id"] for r in by_column] == [str(r["id"]) for r in rows]
    assert by_column[0]["explanation"] == first["explanation"]

    lines = world.ok("conflicts", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == rows


def test_show_puts_both_claims_side_by_side(world: Cli) -> None:
    target = conflict_id(world, "a", "b", "value")
    out = world.ok("conflicts", "show", str(target)).stdout
    for needle in (
        f"Conflict {target}",
        "value",
        "direct",
        "About 80% of oil exports go via the CPC",
        "60% of oil exports go via the CPC",
        "около 80% экспорта нефти",
        "60% експорту нафти",
        "The Wall Street Journal",
        "Олег Іванов",
        "SilkBridge.info",
        "Ukrinform",
        "neutral",
        "pro-ukrainian",
        "language: ru",
        "language: uk",
    ):
        assert needle in out, needle
    (row,) = json.loads(world.ok("conflicts", "show", str(target), "--format", "json").stdout)
    assert row["statement_b"] == "60% of oil exports go via the CPC"


@pytest.mark.parametrize("ref", ["999", "abc", "-1"])
def test_show_unknown_conflict(world: Cli, ref: str) -> None:
    bad = (
        world("conflicts", "show", "--", ref)
        if ref.startswith("-")
        else world("conflicts", "show", ref)
    )
    assert bad.exit_code == 1
    assert bad.stdout == ""
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factbase: error:")


# -- links -----------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["same", "supports", "contradicts", "refines"])
def test_link_and_unlink_every_kind(world: Cli, kind: str) -> None:
    before = listed(world, "--status", "all")
    out = world.ok("link", "c", "a", "--as", kind, "--note", "checked by hand")
    ids = {r["key"]: r["id"] for r in query(world.url, "SELECT id, key FROM claim")}
    low, high = sorted((ids["a"], ids["c"]))
    assert f"linked claims {low} and {high} as {kind}" in out.stdout
    (link,) = query(world.url, "SELECT * FROM claim_link")
    assert (link["claim_a_id"], link["claim_b_id"], link["kind"]) == (low, high, kind)
    assert link["refining_id"] == (ids["c"] if kind == "refines" else None)
    after = listed(world, "--status", "all")
    added = [r for r in after if r not in before]
    if kind == "contradicts":
        assert [(r["claim_a_key"], r["claim_b_key"], r["kind"], r["cause"]) for r in added] == [
            ("a", "c", "declared", "declared")
        ]
    else:
        assert added == []
    assert "unlinked" in world.ok("unlink", "a", "c").stdout
    assert query(world.url, "SELECT * FROM claim_link") == []
    world.ok("link", "a", "c", "--as", kind)  # relinking after an unlink works
    history = json.loads(world.ok("history", "--format", "json").stdout)
    assert [(e["action"], e["target"]) for e in history[:3]] == [
        ("link", f"claims {low}-{high}"),
        ("unlink", f"claims {low}-{high}"),
        ("link", f"claims {low}-{high}"),
    ]
    assert history[2]["note"] == "checked by hand"
    assert json.loads(history[2]["detail"])["kind"] == kind


def test_link_errors_change_nothing(world: Cli) -> None:
    world.ok("link", "a", "c", "--as", "supports")
    before = snapshot(world.url)
    for args, code in [
        (("link", "a", "a", "--as", "same"), 1),
        (("link", "a", "c", "--as", "same"), 1),  # already linked (either order)
        (("link", "c", "a", "--as", "supports"), 1),
        (("link", "a", "nope", "--as", "same"), 1),
        (("link", "a", "b", "--as", "friends"), 2),
        (("link", "a", "b"), 2),
        (("unlink", "a", "b"), 1),  # not linked
    ]:
        bad = world(*args)
        assert bad.exit_code == code, args
        lines = bad.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("factbase: error:"), args
    assert snapshot(world.url) == before


def test_show_lists_linked_claims_and_conflicts(world: Cli) -> None:
    world.ok("link", "a", "f", "--as", "supports")
    world.ok("link", "c", "a", "--as", "refines")
    out = world.ok("show", "a").stdout
    linked = out[out.index("linked claims") :]
    for needle in (
        "supports",
        "The CPC berths reopened on 5 July",
        "Ukrinform",
        "pro-ukrainian",
        "refined by",
        "Kazakhstan is distancing from Russia",
        "SilkBridge.info",
    ):
        assert needle in linked, needle
    assert " uk " in linked and " ru " in linked
    assert "conflicts" in linked and "80 % ±10 %" in linked
    assert "refines" in world.ok("show", "c").stdout
    plain = world.ok("show", "d").stdout
    assert "linked claims" not in plain
