"""Track records of outlets and speakers on a small case computed by hand, an echo among
it, and the confidence ranking `list --sort confidence` gives.

The case: outlets A, B, C. B's article relays A (it cites A).
- a1 (A, speaker Minister X) is rated false; b1 (B, Minister X, relaying A) reports the
  same (a `same` link) and is rated false too: one origin, an echo; it counts once, for A
  and once for Minister X, never for B.
- a2 (A) is rated true.
- c1 (C, Minister X) is rated mostly-false: 2 on the 1–6 scale, a credit of 1/5.
- c2 (C) and a3 (A) contradict; the decision keeps c2: c2 credits 1, a3 credits 0.
- u1 (C) and u2 (A) are unreviewed.

By hand (credit: 1 true … 0 false; Beta(1 + upheld, 1 + checked - upheld)):
- A: {a1, b1} 0, a2 1, a3 0 → 3 checked, upheld 1, share 1/3, reliability 2/5 = 0.4;
  Beta(2, 3): sd = √(6 / (25·6)) = 0.2, interval 0.4 ± 0.392 = 0.008–0.792.
- C: c1 0.2, c2 1 → 2 checked, upheld 1.2, share 0.6, reliability 2.2/4 = 0.55.
- B: nothing of its own.
- Minister X: {a1, b1} 0, c1 0.2 → 2 checked (not 3), upheld 0.2, reliability 1.2/4 = 0.3.
"""

from __future__ import annotations

import math

import pytest
from helpers import Cli, add_claims, add_outlets, parse_json, query, records, writing

from factbase.analysis.track_records import confidences, track_records
from factbase.catalog.sources import SourceInput, add_source


@pytest.fixture
def judged(db_url: str) -> str:
    with writing(db_url) as session:
        add_outlets(
            session, [("A", "neutral", "en"), ("B", "neutral", "en"), ("C", "neutral", "en")]
        )
        for key, outlet, cites in (("sa", "A", ()), ("sb", "B", ("A",)), ("sc", "C", ())):
            add_source(
                session,
                SourceInput(outlet=outlet, title=key, key=key, published="2024-01-01", cites=cites),
            )
        minister = {"speaker": "Minister X"}
        add_claims(
            session,
            [
                {"source": "sa", "key": "a1", "statement": "Exports doubled.", **minister},
                {"source": "sb", "key": "b1", "statement": "Exports doubled, A says.", **minister},
                {"source": "sa", "key": "a2", "statement": "The port opened."},
                {"source": "sc", "key": "c1", "statement": "Imports halved.", **minister},
                {"source": "sc", "key": "c2", "statement": "The dam is 100 m high."},
                {"source": "sa", "key": "a3", "statement": "The dam is 40 m high."},
                {"source": "sc", "key": "u1", "statement": "The bridge is new."},
                {"source": "sa", "key": "u2", "statement": "The bridge is old."},
            ],
        )
    cli = Cli(db_url)
    cli.ok("link", "a1", "b1", "--as", "same")
    for key, rating in (("a1", "false"), ("b1", "false"), ("a2", "true"), ("c1", "mostly-false")):
        cli.ok("verdict", key, "--rating", rating, "--note", "Checked.")
    cli.ok("link", "c2", "a3", "--as", "contradicts")
    [conflict] = query(db_url, "SELECT id FROM conflict")
    cli.ok(
        "conflicts",
        "resolve",
        str(conflict["id"]),
        "--as",
        "resolved",
        "--note",
        "Measured.",
        "--keep",
        "c2",
    )
    return db_url


def _by_name(db_url: str) -> dict[str, object]:
    with writing(db_url) as session:
        found = track_records(session)
        outlets = {r.name: r for r in found.outlets.values()}
        speakers = {r.name: r for r in found.speakers.values()}
    return {"outlets": outlets, "speakers": speakers}


def test_track_records_match_the_hand_computed_case(judged: str) -> None:
    found = _by_name(judged)
    outlets, speakers = found["outlets"], found["speakers"]
    assert isinstance(outlets, dict) and isinstance(speakers, dict)
    a = outlets["A"]
    assert (a.checked, a.scored) == (3, 3)
    assert a.upheld == pytest.approx(1)
    assert a.share_upheld == pytest.approx(1 / 3)
    assert a.reliability == pytest.approx(0.4)
    assert a.interval == pytest.approx((0.4 - 1.96 * 0.2, 0.4 + 1.96 * 0.2))
    assert a.ratings == {"false": 1, "true": 1, "disputed": 1}
    assert a.summary() == "0.40 (0.01–0.79), 3 checked"
    c = outlets["C"]
    assert (c.checked, c.upheld, c.reliability) == (2, pytest.approx(1.2), pytest.approx(0.55))
    assert "B" not in outlets  # b1 relays A: it counts with its origin
    minister = speakers["Minister X"]
    assert minister.checked == 2  # the echo b1 does not count a second time
    assert minister.upheld == pytest.approx(0.2)
    assert minister.reliability == pytest.approx(0.3)


def test_outlet_list_and_show_give_the_score_with_its_count(judged: str) -> None:
    cli = Cli(judged)
    rows = {r["name"]: r for r in records(cli, "outlet", "list", "--track-records")}
    assert rows["A"]["checked"] == 3
    assert rows["A"]["rated"] == "disputed 1; false 1; true 1"
    assert rows["A"]["reliability"] == pytest.approx(0.4)
    assert rows["A"]["reliability_low"] == pytest.approx(0.008)
    assert rows["B"]["checked"] == 0 and rows["B"]["reliability"] is None
    assert "reliability" not in records(cli, "outlet", "list")[0]
    table = cli.ok("outlet", "list").stdout
    assert "0.40 (0.01–0.79), 3 checked" in table
    assert "not checked" in table
    shown = cli.ok("show", "u2").stdout
    assert "outlet A" in shown and "0.40 (0.01–0.79), 3 checked" in shown
    shown = cli.ok("show", "c1").stdout
    assert "speaker Minister X" in shown and "0.30" in shown and "2 checked" in shown


def test_confidence_follows_the_origins_track_records(judged: str) -> None:
    with writing(judged) as session:
        ids = {r["key"]: r["id"] for r in query(judged, "SELECT id, key FROM claim")}
        found = confidences(session, list(ids.values()))
    # unreviewed: one origin each, trusted as its outlet: C 0.55, A 0.4
    expected_u1 = 1 / (1 + math.exp(-0.3 * -math.log(1 - 0.55)))
    expected_u2 = 1 / (1 + math.exp(-0.3 * -math.log(1 - 0.4)))
    assert found[ids["u1"]] == pytest.approx(expected_u1)
    assert found[ids["u2"]] == pytest.approx(expected_u2)
    # reviewed: the verdict's credit
    assert found[ids["a2"]] == 1 and found[ids["a1"]] == 0
    assert found[ids["c1"]] == pytest.approx(0.2)
    cli = Cli(judged)
    listed = [r["key"] for r in records(cli, "list", "--sort", "confidence")]
    assert listed == ["a2", "c2", "u1", "u2", "c1", "a1", "b1", "a3"]
    page = cli.ok("list", "--sort", "confidence", "--limit", "2").stdout
    assert page.index("The port opened.") < page.index("The dam is 100 m high.")


def test_open_conflicts_lower_confidence(judged: str) -> None:
    cli = Cli(judged)
    cli.ok("link", "u1", "u2", "--as", "contradicts")
    with writing(judged) as session:
        ids = {r["key"]: r["id"] for r in query(judged, "SELECT id, key FROM claim")}
        found = confidences(session, [ids["u1"], ids["u2"]])
    s1, s2 = -math.log(1 - 0.55), -math.log(1 - 0.4)
    assert found[ids["u1"]] == pytest.approx(1 / (1 + math.exp(-0.3 * (s1 - 0.5 * s2))))
    assert found[ids["u2"]] == pytest.approx(1 / (1 + math.exp(-0.3 * (s2 - 0.5 * s1))))


def test_the_report_lists_every_track_record_with_its_count(judged: str) -> None:
    cli = Cli(judged)
    rows = parse_json(cli.ok("report", "--format", "json"))["track_records"]
    assert [(r["of"], r["name"], r["checked"]) for r in rows] == [
        ("outlet", "A", 3),
        ("outlet", "C", 2),
        ("speaker", "Minister X", 2),
    ]
    assert rows[0]["reliability"] == pytest.approx(0.4)
    printed = cli.ok("report").stdout
    assert "Track records of outlets and speakers" in printed
