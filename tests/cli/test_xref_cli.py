"""`factbase xref` and `factbase xref reject`: listing, formats, accepting, rejecting, errors.

A Bulgarian and a Russian report of the CPC's share of Kazakhstan's oil exports ("CPC" and
"КТК" are one entity) are the pair to find; around them, a claim from the same source, a
Ukrainian figure that disagrees and an unrelated claim.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, query, snapshot

from factbase.analysis.xref import XREF_COLUMNS
from factbase.cli import render

CORPUS = """
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
topics:
  - {slug: oil, label: Oil}
  - {slug: transport, label: Transport}
  - {slug: agriculture, label: Agriculture}
outlets:
  - {name: BTA, stance: neutral, country: BG, language: bg}
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Ukrinform, stance: pro-ukrainian, country: UA, language: uk}
sources:
  - {key: bg-src, outlet: BTA, title: "КТК", language: bg, published: "2022-07"}
  - {key: ru-src, outlet: SilkBridge.info, title: "КТК", language: ru, published: "2022-07"}
  - {key: uk-src, outlet: Ukrinform, title: "КТК", language: uk, published: "2023-01"}
claims:
  - key: bg-cpc-share
    source: bg-src
    statement: "Nearly 80% of Kazakhstan's oil exports go through the CPC pipeline."
    quote: "близо 80% от износа на петрол"
    language: bg
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "близо 80%"
    as_of: "2022"
    topics: [oil, transport]
  - key: ru-cpc-share
    source: ru-src
    statement: "The Caspian pipeline carries about 80 per cent of the crude Kazakhstan sells."
    quote: "около 80% экспорта казахстанской нефти"
    language: ru
    subject: КТК
    property: share of Kazakhstan oil exports
    value: "около 80%"
    as_of: "2022"
    topics: [oil, transport]
  - key: ru-cpc-share-again
    source: ru-src
    statement: "About 80% of Kazakhstan's oil exports go through the CPC pipeline."
    quote: "около 80% экспорта нефти"
    language: ru
    subject: КТК
    property: share of Kazakhstan oil exports
    value: "около 80%"
    as_of: "2022"
    topics: [oil, transport]
  - key: uk-cpc-share-low
    source: uk-src
    statement: "Only 40% of Kazakhstan's oil exports pass through the CPC."
    quote: "лише 40% експорту казахстанської нафти"
    language: uk
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "40%"
    as_of: "2022"
    topics: [oil, transport]
  - key: uk-wheat
    source: uk-src
    statement: "Ukraine's wheat harvest grew this year."
    quote: "Урожай пшениці в Україні зріс"
    language: uk
    subject: Ukraine
    property: wheat harvest
    topics: [agriculture]
"""


# -- helpers -------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _xref_registered() -> None:
    """`factbase xref` is wired into the app in factbase/cli/__init__.py; until then, here."""
    from factbase.cli import app, xref

    if "xref" not in [group.name for group in app.registered_groups]:
        xref.register(app)


@pytest.fixture
def corpus(cli: Cli, tmp_path: Path) -> Cli:
    path = tmp_path / "corpus.yaml"
    path.write_text(CORPUS, encoding="utf-8")
    cli.ok("import", str(path))
    return cli


def ids(cli: Cli) -> dict[str, int]:
    return {row["key"]: row["id"] for row in query(cli.url, "SELECT id, key FROM claim")}


def listed(cli: Cli, *args: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(cli.ok("xref", "--format", "json", *args).stdout)
    return records


def pair_of(row: dict[str, Any]) -> tuple[str, str]:
    return (row["claim_a_key"], row["claim_b_key"])


PAIR = ("bg-cpc-share", "ru-cpc-share")
PAIR_AGAIN = ("bg-cpc-share", "ru-cpc-share-again")


# -- listing -------------------------------------------------------------------------


def test_table_shows_scores_claims_outlets_statements_and_reasons(
    corpus: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = ids(corpus)
    rows = listed(corpus)
    # Wide enough for every column, the kind too, with no statement or reason wrapped.
    monkeypatch.setenv("COLUMNS", "170")
    render.console.cache_clear()
    out = corpus.ok("xref")
    lines = [line.split() for line in out.stdout.splitlines()]
    # The score and the kind stand on the line of the first claim, before its id and language.
    for row in rows:
        assert [f"{row['score']:.2f}", row["kind"], str(row["claim_a"]), row["language_a"]] in [
            line[:4] for line in lines
        ]
    for text_ in (
        f"{key['ru-cpc-share']} ru",
        "BTA",
        "SilkBridge.info",
        "Nearly 80% of Kazakhstan's oil exports go through the CPC pipeline.",
        "The Caspian pipeline carries about 80 per cent of the crude Kazakhstan sells.",
        "same subject and property",
        "values agree: 80 % ±10 % ~ 80 % ±10 %",
        "shared topics: oil, transport",
    ):
        assert text_ in out.stdout
    assert "uk-wheat" not in out.stdout and "Ukraine's wheat" not in out.stdout
    assert "2 suggestions scoring 0.5 or more" in out.stderr


def test_json_rows_have_stable_columns_best_first(corpus: Cli) -> None:
    key = ids(corpus)
    rows = listed(corpus)
    assert [pair_of(row) for row in rows] == [PAIR_AGAIN, PAIR]
    assert all(list(row) == list(XREF_COLUMNS) for row in rows)
    first = rows[1]
    assert first["claim_a"] == key["bg-cpc-share"] and first["claim_b"] == key["ru-cpc-share"]
    assert (first["language_a"], first["language_b"]) == ("bg", "ru")
    assert (first["outlet_a"], first["outlet_b"]) == ("BTA", "SilkBridge.info")
    assert first["statement_b"].startswith("The Caspian pipeline carries")
    assert first["reasons"][:2] == [
        "same subject and property",
        "values agree: 80 % ±10 % ~ 80 % ±10 %",
    ]
    assert 0.5 <= first["score"] <= rows[0]["score"] <= 1.0


def test_csv_and_jsonl_carry_the_same_rows(corpus: Cli) -> None:
    rows = listed(corpus)
    reader = csv.DictReader(io.StringIO(corpus.ok("xref", "--format", "csv").stdout))
    assert reader.fieldnames == list(XREF_COLUMNS)
    from_csv = list(reader)
    assert len(from_csv) == len(rows) == 2
    for parsed, row in zip(from_csv, rows, strict=True):
        assert float(parsed["score"]) == row["score"]
        assert int(parsed["claim_a"]) == row["claim_a"]
        assert parsed["claim_b_key"] == row["claim_b_key"]
        assert parsed["statement_a"] == row["statement_a"]
        assert parsed["reasons"].split("; ") == row["reasons"]
    jsonl = corpus.ok("xref", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == rows


def test_min_score_limit_and_claim_filter(corpus: Cli) -> None:
    key = ids(corpus)
    everything = listed(corpus, "--min-score", "0")
    low = [row for row in everything if "uk-cpc-share-low" in pair_of(row)]
    assert low and all(row["score"] < 0.5 for row in low)
    assert any(reason.startswith("values differ") for reason in low[0]["reasons"])
    # Same source: never, whatever the threshold.
    assert ("ru-cpc-share", "ru-cpc-share-again") not in [pair_of(row) for row in everything]
    assert listed(corpus, "--min-score", "0", "--limit", "1") == everything[:1]
    assert listed(corpus, "--min-score", "1") == []
    focused = listed(corpus, "--min-score", "0", "--claim", "uk-cpc-share-low")
    assert focused == low
    by_id = listed(corpus, "--min-score", "0", "--claim", str(key["uk-cpc-share-low"]))
    assert by_id == low
    assert listed(corpus, "--claim", "uk-wheat", "--min-score", "0") == []
    empty = corpus.ok("xref", "--claim", "uk-wheat")
    assert "no suggestions scoring 0.5 or more" in empty.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--claim", "nope"), "factbase: error: no claim 'nope'"),
        (("--min-score", "1.5"), "factbase: error: --min-score must be between 0 and 1"),
        (("--min-score", "-0.1"), "factbase: error: --min-score must be between 0 and 1"),
        (("--limit", "-1"), "factbase: error: --limit must be 0 (no limit) or more"),
        (("--as", "supports"), "factbase: error: --as only applies with --accept"),
        (("--accept", "--yes", "--claim", "nope"), "factbase: error: no claim 'nope'"),
    ],
)
def test_errors_are_one_line_and_write_nothing(
    corpus: Cli, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(corpus.url)
    outcome = corpus("xref", *args)
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(message)
    assert len(outcome.stderr.strip().splitlines()) == 1
    assert outcome.stdout == ""
    assert snapshot(corpus.url) == before


def test_unknown_link_kind_is_a_usage_error(corpus: Cli) -> None:
    outcome = corpus("xref", "--accept", "--as", "contradicts")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("factbase: error:")
    assert query(corpus.url, "SELECT * FROM claim_link") == []


# -- accepting -----------------------------------------------------------------------


def test_accept_links_what_is_listed_and_it_is_not_suggested_again(corpus: Cli) -> None:
    key = ids(corpus)
    out = corpus.ok("xref", "--accept", "--yes")
    assert "linked 2 pairs as same" in out.stdout
    links = query(
        corpus.url, "SELECT claim_a_id, claim_b_id, kind, note FROM claim_link ORDER BY id"
    )
    assert [(link["claim_a_id"], link["claim_b_id"], link["kind"]) for link in links] == [
        (key["bg-cpc-share"], key["ru-cpc-share-again"], "same"),
        (key["bg-cpc-share"], key["ru-cpc-share"], "same"),
    ]
    assert all(link["note"].startswith("accepted xref suggestion (score 0.") for link in links)
    assert "same subject and property; values agree" in links[0]["note"]
    audit = query(corpus.url, "SELECT action FROM audit_log WHERE action = 'link'")
    assert len(audit) == 2
    assert listed(corpus) == []
    assert all(pair_of(row) != PAIR for row in listed(corpus, "--min-score", "0"))


def test_accept_as_supports_within_the_limit_machine_output_stays_clean(corpus: Cli) -> None:
    out = corpus.ok(
        "xref", "--accept", "--yes", "--as", "supports", "--limit", "1", "--format", "json"
    )
    rows = json.loads(out.stdout)
    assert [pair_of(row) for row in rows] == [PAIR_AGAIN]
    assert "linked 1 pair as supports" in out.stderr
    assert query(corpus.url, "SELECT kind FROM claim_link") == [{"kind": "supports"}]
    assert [pair_of(row) for row in listed(corpus)] == [PAIR]


# -- rejecting -----------------------------------------------------------------------


def test_reject_is_recorded_audited_and_never_offered_again(corpus: Cli) -> None:
    key = ids(corpus)
    a, b = key["bg-cpc-share"], key["ru-cpc-share"]
    out = corpus.ok("xref", "reject", "ru-cpc-share", str(a), "--note", "different pipelines")
    assert f"rejected: claims {a} and {b}" in out.stdout
    assert query(corpus.url, "SELECT claim_a_id, claim_b_id, note FROM xref_rejection") == [
        {"claim_a_id": a, "claim_b_id": b, "note": "different pipelines"}
    ]
    audit = query(corpus.url, "SELECT target, note FROM audit_log WHERE action = 'xref-reject'")
    assert audit == [{"target": f"claims {a}-{b}", "note": "different pipelines"}]
    assert [pair_of(row) for row in listed(corpus)] == [PAIR_AGAIN]
    assert PAIR not in [pair_of(row) for row in listed(corpus, "--min-score", "0")]
    focused = listed(corpus, "--claim", "ru-cpc-share", "--min-score", "0")
    assert focused and all(pair_of(row) != PAIR for row in focused)
    # --accept never links a rejected pair.
    corpus.ok("xref", "--accept", "--yes")
    assert len(query(corpus.url, "SELECT * FROM claim_link")) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("bg-cpc-share", "nope"), "no claim 'nope'"),
        (("bg-cpc-share", "bg-cpc-share"), "a claim cannot be rejected as unrelated to itself"),
        (("bg-cpc-share", "ru-cpc-share-again"), "are linked as 'same'; unlink them first"),
        (("bg-cpc-share", "ru-cpc-share"), "are already rejected as unrelated"),
    ],
)
def test_reject_errors(corpus: Cli, args: tuple[str, str], message: str) -> None:
    corpus.ok(
        "xref", "--accept", "--yes", "--limit", "1"
    )  # links bg-cpc-share and ru-cpc-share-again
    corpus.ok("xref", "reject", *PAIR)
    before = snapshot(corpus.url)
    outcome = corpus("xref", "reject", *args)
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("factbase: error: ")
    assert message in outcome.stderr
    assert len(outcome.stderr.strip().splitlines()) == 1
    assert snapshot(corpus.url) == before


def test_help_lists_the_options_and_the_subcommand(cli: Cli) -> None:
    out = cli.ok("xref", "--help").stdout
    options = ("--claim", "--min-score", "--limit", "--accept", "--accept-kind", "--as", "--yes")
    for option in (*options, "--format", "reject"):
        assert option in out


# -- kinds, and what --accept writes ---------------------------------------------------------

# One series in four languages: the CPC's share of Kazakhstan's oil exports as of 2022 in
# Bulgarian and Russian (the same), exactly in Ukrainian (a refinement), and a year later in
# English (an update of each); and a Ukrainian figure of 2022 that does not agree.
SERIES = """
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
topics:
  - {slug: oil, label: Oil}
outlets:
  - {name: BTA, stance: neutral, country: BG, language: bg}
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Ukrinform, stance: pro-ukrainian, country: UA, language: uk}
  - {name: Reuters, stance: neutral, country: GB, language: en}
sources:
  - {key: bg-src, outlet: BTA, title: "КТК", language: bg, published: "2022-07"}
  - {key: ru-src, outlet: SilkBridge.info, title: "КТК", language: ru, published: "2022-08"}
  - {key: uk-src, outlet: Ukrinform, title: "КТК", language: uk, published: "2023-01"}
  - {key: uk-src-2, outlet: Ukrinform, title: "КТК", language: uk, published: "2023-02"}
  - {key: en-src, outlet: Reuters, title: "CPC", language: en, published: "2024-02"}
claims:
  - key: bg-2022
    source: bg-src
    statement: "Close to 80% of Kazakhstan's oil exports go through the CPC."
    quote: "близо 80% от износа на петрол"
    language: bg
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "близо 80%"
    as_of: "2022"
    topics: [oil]
  - key: ru-2022
    source: ru-src
    statement: "About 80% of Kazakhstan's oil exports go through the CPC."
    quote: "около 80% экспорта нефти"
    language: ru
    subject: КТК
    property: share of Kazakhstan oil exports
    value: "около 80%"
    as_of: "2022"
    topics: [oil]
  - key: uk-2022-exact
    source: uk-src
    statement: "80% of Kazakhstan's oil exports went through the CPC in 2022."
    quote: "80% експорту нафти"
    language: uk
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "80%"
    as_of: "2022"
    topics: [oil]
  - key: uk-2022-low
    source: uk-src-2
    statement: "Only 40% of Kazakhstan's oil exports went through the CPC in 2022."
    quote: "лише 40% експорту нафти"
    language: uk
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "40%"
    as_of: "2022"
    topics: [oil]
  - key: en-2023
    source: en-src
    statement: "About 70% of Kazakhstan's oil exports go through the CPC."
    quote: "about 70% of its oil exports"
    language: en
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "about 70%"
    as_of: "2023"
    topics: [oil]
"""


@pytest.fixture
def series(cli: Cli, tmp_path: Path) -> Cli:
    path = tmp_path / "series.yaml"
    path.write_text(SERIES, encoding="utf-8")
    cli.ok("import", str(path))
    return cli


def kinds(cli: Cli, *args: str) -> dict[tuple[str, str], str]:
    return {pair_of(row): row["kind"] for row in listed(cli, "--min-score", "0", *args)}


def links(cli: Cli) -> list[tuple[str, str, str, str | None]]:
    rows = query(
        cli.url,
        "SELECT a.key AS a, b.key AS b, l.kind, r.key AS refining FROM claim_link l "
        "JOIN claim a ON a.id = l.claim_a_id JOIN claim b ON b.id = l.claim_b_id "
        "LEFT JOIN claim r ON r.id = l.refining_id ORDER BY l.id",
    )
    return [(row["a"], row["b"], row["kind"], row["refining"]) for row in rows]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if run in a terminal: --accept asks before it writes."""
    from factbase.cli import xref

    monkeypatch.setattr(xref, "_in_terminal", lambda: True)


def test_each_pair_has_a_kind_and_a_reason_in_every_format(series: Cli) -> None:
    assert kinds(series) == {
        ("bg-2022", "ru-2022"): "same",
        ("bg-2022", "uk-2022-exact"): "refines",
        ("ru-2022", "uk-2022-exact"): "refines",
        ("bg-2022", "uk-2022-low"): "contradicts",
        ("ru-2022", "uk-2022-low"): "contradicts",
        ("uk-2022-exact", "uk-2022-low"): "contradicts",
        ("bg-2022", "en-2023"): "update",
        ("ru-2022", "en-2023"): "update",
        ("uk-2022-exact", "en-2023"): "update",
        ("uk-2022-low", "en-2023"): "update",
    }
    key = ids(series)
    rows = {pair_of(row): row for row in listed(series, "--min-score", "0")}
    update = rows[("ru-2022", "en-2023")]
    # The user's report: the figures agree and score high, but two years are two claims.
    assert "values agree: 80 % ±10 % ~ 70 % ±10 %" in update["reasons"]
    assert update["score"] >= 0.5
    assert update["lead"] == key["en-2023"]
    assert update["kind_reason"] == (
        f"update: claim {key['en-2023']} (2023) is later than claim {key['ru-2022']} (2022)"
    )
    assert rows[("bg-2022", "uk-2022-exact")]["lead"] == key["uk-2022-exact"]
    reader = csv.DictReader(io.StringIO(series.ok("xref", "-f", "csv", "--min-score", "0").stdout))
    assert {(r["claim_a_key"], r["claim_b_key"]): r["kind"] for r in reader} == kinds(series)
    table = series.ok("xref", "--min-score", "0", "--wide").stdout
    assert "update: claim" in table and "refines" in table and "contradicts" in table


def test_accept_without_a_terminal_needs_yes(series: Cli) -> None:
    before = snapshot(series.url)
    outcome = series("xref", "--accept")
    assert outcome.exit_code == 1
    assert outcome.stderr == "factbase: error: --accept needs --yes when not run in a terminal\n"
    assert outcome.stdout == ""
    assert snapshot(series.url) == before


def test_accept_links_only_same_suggestions_the_2023_figure_stays_unlinked(series: Cli) -> None:
    out = series.ok("xref", "--accept", "--yes")
    assert links(series) == [("bg-2022", "ru-2022", "same", None)]
    assert "will link 1 pair:" in out.stderr
    assert "linked 1 pair as same" in out.stdout
    # What was not accepted is still suggested, with its kind.
    assert ("ru-2022", "en-2023") in kinds(series)


def test_accept_shows_what_it_will_write_and_asks(series: Cli, terminal: None) -> None:
    key = ids(series)
    before = snapshot(series.url)
    refused = series("xref", "--accept", "--accept-kind", "refines", input="n\n")
    assert refused.exit_code == 0
    preview = " ".join(refused.stderr.split())
    assert "will link 2 pairs:" in preview
    assert f"{key['bg-2022']} – {key['uk-2022-exact']} as refines (refining: " in preview
    assert "link these 2 pairs? [y/N]" in preview
    assert "nothing linked" in refused.stdout
    assert snapshot(series.url) == before
    accepted = series.ok("xref", "--accept", "--accept-kind", "refines", input="y\n")
    assert "linked 2 pairs as refines" in accepted.stdout
    assert links(series) == [
        ("bg-2022", "uk-2022-exact", "refines", "uk-2022-exact"),
        ("ru-2022", "uk-2022-exact", "refines", "uk-2022-exact"),
    ]


def test_yes_links_without_asking_even_in_a_terminal(series: Cli, terminal: None) -> None:
    out = series.ok(
        "xref", "--accept", "--yes", "--accept-kind", "same", "--accept-kind", "refines"
    )
    assert "?" not in out.stderr
    assert "linked 3 pairs (1 as same, 2 as refines)" in out.stdout
    assert len(links(series)) == 3


def test_accepting_contradictions_declares_conflicts_machine_output_stays_clean(
    series: Cli,
) -> None:
    out = series.ok(
        "xref", "--accept", "--yes", "--accept-kind", "contradicts", "--min-score", "0",
        "--format", "json",
    )  # fmt: skip
    assert len(json.loads(out.stdout)) == 10
    assert "linked 3 pairs as contradicts" in out.stderr
    assert {link[2] for link in links(series)} == {"contradicts"}
    declared = query(series.url, "SELECT COUNT(*) AS n FROM conflict WHERE kind = 'declared'")
    assert declared == [{"n": 3}]


def test_as_relabels_same_suggestions_only(series: Cli) -> None:
    series.ok("xref", "--accept", "--yes", "--as", "supports")
    assert links(series) == [("bg-2022", "ru-2022", "supports", None)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--accept", "--yes", "--accept-kind", "update"),
            "--accept-kind update: an update (a later figure of one series) is not a link kind",
        ),
        (
            ("--accept", "--yes", "--accept-kind", "refines", "--as", "same"),
            "--as same relabels same and supports suggestions only, not refines",
        ),
        (("--accept-kind", "same"), "--accept-kind only applies with --accept"),
        (("--yes",), "--yes only applies with --accept"),
    ],
)
def test_accept_kind_errors_write_nothing(series: Cli, args: tuple[str, ...], message: str) -> None:
    before = snapshot(series.url)
    outcome = series("xref", *args)
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith(f"factbase: error: {message}")
    assert len(outcome.stderr.strip().splitlines()) == 1
    assert outcome.stdout == ""
    assert snapshot(series.url) == before
