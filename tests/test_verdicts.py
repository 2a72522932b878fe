"""Verdicts: ratings on a configurable scale, their history, evidence and audit, and the
commands that give, list and show them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import Cli, add_claims, add_outlets, add_sources, query, records, snapshot, writing

from factbase.analysis.verdicts import record_verdict, verdict_history
from factbase.catalog.settings import DEFAULT_SCALE, parse_scale, rating_scale, set_setting
from factbase.errors import InvalidInput, InvalidValue

NOW = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
LATER = datetime(2025, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture
def claims(db_url: str) -> str:
    with writing(db_url) as session:
        add_outlets(session, [("Daily", "neutral", "en"), ("Weekly", "neutral", "en")])
        add_sources(session, [("d1", "Daily", "2024-05-01"), ("w1", "Weekly", "2024-05-02")])
        add_claims(
            session,
            [
                {"source": "d1", "statement": "Exports rose by 10% in 2023.", "key": "rise"},
                {"source": "w1", "statement": "Exports fell in 2023.", "key": "fall"},
            ],
        )
    return db_url


# -- the scale ----------------------------------------------------------------------------


def test_default_scale_has_numeric_values_best_and_worst() -> None:
    names = [r.name for r in DEFAULT_SCALE.ratings]
    assert names == [
        "true",
        "mostly-true",
        "mixed",
        "misleading",
        "mostly-false",
        "false",
        "unproven",
    ]
    assert (DEFAULT_SCALE.best, DEFAULT_SCALE.worst) == (6, 1)
    assert DEFAULT_SCALE.rating("Unproven").value is None
    assert DEFAULT_SCALE.rating(" FALSE ").value == 1


def test_a_scale_is_read_best_first_and_checked() -> None:
    scale = parse_scale("wrong=0, right=2, half=1, unclear")
    assert [(r.name, r.value) for r in scale.ratings] == [
        ("right", 2),
        ("half", 1),
        ("wrong", 0),
        ("unclear", None),
    ]
    assert scale.text() == "right=2, half=1, wrong=0, unclear"
    for bad in ("right=2", "a=1, a=2", "a=x, b=1", "a b=1, c=2", "a=1, b=1"):
        with pytest.raises(InvalidValue):
            parse_scale(bad)


def test_a_configured_scale_is_the_one_verdicts_use(claims: str) -> None:
    with writing(claims) as session:
        set_setting(session, "rating.scale", "accurate=1, inaccurate=0")
        assert rating_scale(session).text() == "accurate=1, inaccurate=0"
        made = record_verdict(session, "rise", "inaccurate", "No.", now=NOW)
        assert (made.rating_value, made.best_rating, made.worst_rating) == (0, 1, 0)
        with pytest.raises(InvalidValue, match="not on the scale: accurate, inaccurate"):
            record_verdict(session, "rise", "false", "No.", now=NOW)


# -- verdicts and their history -------------------------------------------------------------


def test_a_verdict_is_stored_with_reviewer_date_evidence_and_audit(claims: str) -> None:
    with writing(claims) as session:
        made = record_verdict(
            session,
            "rise",
            "Mostly-False",
            "  The statistics office says 4%. ",
            evidence=["fall", "https://example.org/stats 2023"],
            by="Ana",
            now=NOW,
        )
        assert made.rating == "mostly-false"
        assert (made.rating_value, made.best_rating, made.worst_rating) == (2, 6, 1)
        assert made.note == "The statistics office says 4%."
        assert made.reviewer == "Ana"
        assert made.reviewed_at == NOW
    evidence = query(claims, "SELECT position, claim_id, url FROM verdict_evidence")
    assert evidence == [
        {"position": 1, "claim_id": 2, "url": None},
        {"position": 2, "claim_id": None, "url": "https://example.org/stats%202023"},
    ]
    [entry] = query(claims, "SELECT action, target, claim_id, note FROM audit_log")
    assert entry == {
        "action": "verdict",
        "target": "claim 1",
        "claim_id": 1,
        "note": "The statistics office says 4%.",
    }


def test_a_new_verdict_supersedes_and_keeps_the_old_one(claims: str) -> None:
    with writing(claims) as session:
        record_verdict(session, "rise", "mixed", "First look.", by="Ana", now=NOW)
        record_verdict(session, "rise", "false", "Checked the data.", by="Ben", now=LATER)
    with writing(claims) as session:
        history = verdict_history(session, "rise")
        assert [(v.rating, v.reviewer, v.superseded_at) for v in history] == [
            ("mixed", "Ana", LATER),
            ("false", "Ben", None),
        ]
    assert len(query(claims, "SELECT id FROM audit_log WHERE action = 'verdict'")) == 2


@pytest.mark.parametrize(
    ("rating", "note", "evidence", "error"),
    [
        ("bogus", "why", [], InvalidValue),
        ("false", "  ", [], InvalidInput),
        ("false", "why", ["rise"], InvalidValue),  # itself
        ("false", "why", ["ftp://example.org/x"], InvalidValue),
        ("false", "why", ["no-such-claim"], Exception),
    ],
)
def test_bad_verdicts_are_refused(
    claims: str, rating: str, note: str, evidence: list[str], error: type[Exception]
) -> None:
    with writing(claims) as session, pytest.raises(error):
        record_verdict(session, "rise", rating, note, evidence=evidence)


# -- the command line ---------------------------------------------------------------------


def test_verdict_command_show_list_and_verdicts(claims: str) -> None:
    cli = Cli(claims)
    out = cli.ok(
        "verdict",
        "rise",
        "--rating",
        "misleading",
        "--note",
        "Cherry-picked.",
        "--evidence",
        "fall",
        "--by",
        "Ana",
    )
    assert out.stdout.strip() == "claim 1: misleading (verdict 1, by Ana)"
    shown = cli.ok("show", "rise").stdout
    assert "misleading (3 on 1–6)" in shown
    assert "Cherry-picked." in shown
    assert "claim 2: Exports fell in 2023." in shown
    assert [r["id"] for r in records(cli, "list", "--rating", "misleading")] == [1]
    assert records(cli, "list", "--rating", "false") == []
    cli.ok("verdict", "rise", "--rating", "false", "--note", "Worse.", "--by", "Ben")
    assert [r["rating"] for r in records(cli, "verdicts")] == ["false"]
    history = records(cli, "verdicts", "--claim", "rise", "--history")
    assert [(r["rating"], r["current"]) for r in history] == [
        ("false", True),
        ("misleading", False),
    ]
    assert [r["reviewer"] for r in records(cli, "verdicts", "--reviewer", "Ana", "--history")] == [
        "Ana"
    ]
    csv = cli.ok("verdicts", "--format", "csv", "--fields", "claim,rating").stdout
    assert csv.splitlines() == ["claim,rating", "1,false"]
    assert "1 earlier verdict" in cli.ok("show", "rise").stdout


def test_bad_verdict_is_one_line_and_writes_nothing(claims: str) -> None:
    cli = Cli(claims)
    before = snapshot(claims)
    failed = cli("verdict", "rise", "--rating", "sort-of", "--note", "x")
    assert failed.exit_code == 1
    assert failed.stderr.strip().count("\n") == 0
    assert "not on the scale" in failed.stderr
    failed = cli("verdict", "rise", "--rating", "false", "--note", "x", "--evidence", "nope")
    assert failed.exit_code == 1
    assert snapshot(claims) == before


def test_resolving_a_conflict_can_rate_the_claim_not_kept(claims: str) -> None:
    cli = Cli(claims)
    cli.ok("link", "rise", "fall", "--as", "contradicts")
    [conflict] = records(cli, "conflicts")
    cli.ok(
        "conflicts",
        "resolve",
        str(conflict["id"]),
        "--as",
        "resolved",
        "--note",
        "The office says they rose.",
        "--keep",
        "rise",
        "--rate",
        "false",
    )
    [made] = records(cli, "verdicts")
    assert (made["claim"], made["rating"], made["evidence"], made["conflict"]) == (
        2,
        "false",
        "claim 1",
        conflict["id"],
    )
    failed = cli(
        "conflicts",
        "resolve",
        str(conflict["id"]),
        "--as",
        "resolved",
        "--note",
        "x",
        "--rate",
        "false",
    )
    assert failed.exit_code == 1 and "--keep" in failed.stderr


def test_config_settings(claims: str) -> None:
    cli = Cli(claims)
    cli.ok("config", "set", "org.name", "Example Checks")
    cli.ok("config", "set", "org.url", "https://example.org")
    cli.ok("config", "set", "org.review_url", "https://example.org/checks/{key}")
    shown = {r["name"]: r["value"] for r in records(cli, "config", "show")}
    assert shown["org.name"] == "Example Checks"
    assert shown["org.review_url"] == "https://example.org/checks/{key}"
    assert shown["rating.scale"].startswith("true=6, mostly-true=5")
    before = snapshot(claims)
    for bad in (
        ("org.colour", "red"),
        ("org.url", "example.org"),
        ("org.review_url", "https://example.org/checks/"),
        ("rating.scale", "only=1"),
    ):
        failed = cli("config", "set", *bad)
        assert failed.exit_code == 1, bad
    assert snapshot(claims) == before
    cli.ok("config", "unset", "org.name")
    assert {r["name"]: r["value"] for r in records(cli, "config", "show")}["org.name"] is None


def test_history_shows_each_rating_change(claims: str) -> None:
    cli = Cli(claims)
    cli.ok("verdict", "rise", "--rating", "mixed", "--note", "First look.")
    cli.ok("verdict", "rise", "--rating", "false", "--note", "Checked the data.")
    shown = cli.ok("history", "rise", "--wide").stdout
    assert "rating: ∅ → mixed" in shown
    assert "rating: mixed → false" in shown


# -- the interchange format -----------------------------------------------------------


def verdict_rows(url: str) -> list[tuple[object, ...]]:
    """Every verdict as a tuple of what it holds, timestamps to the second (as every
    timestamp of the format travels), evidence by claim key or URL, in the order given."""
    from factbase.store.models import Claim, Verdict

    def second(value: datetime | None) -> datetime | None:
        return value.replace(microsecond=0, tzinfo=None) if value else None

    rows = []
    with writing(url) as session:
        for verdict in session.query(Verdict).order_by(Verdict.id):
            cited = [
                item.url or session.get(Claim, item.claim_id).key  # type: ignore[union-attr]
                for item in verdict.evidence
            ]
            rows.append(
                (verdict.claim.key, verdict.rating, verdict.rating_value, verdict.best_rating,
                 verdict.worst_rating, verdict.note, verdict.reviewer,
                 second(verdict.reviewed_at), second(verdict.superseded_at),
                 verdict.conflict_id is not None, cited)
            )  # fmt: skip
    return rows


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_verdicts_and_settings_round_trip_through_export_all(
    claims: str, fmt: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cli = Cli(claims)
    cli.ok("config", "set", "org.name", "Проверка фактов")
    cli.ok("config", "set", "org.review_url", "https://example.org/checks/{key}")
    cli.ok("config", "set", "rating.scale", "right=2, half=1, wrong=0, unclear")
    cli.ok("verdict", "fall", "--rating", "half", "--note", "Partly.", "--by", "Анна")
    cli.ok("link", "rise", "fall", "--as", "contradicts")
    [conflict] = records(cli, "conflicts")
    cli.ok("conflicts", "resolve", str(conflict["id"]), "--as", "resolved", "--note", "Office.",
           "--keep", "rise", "--rate", "wrong")  # fmt: skip
    cli.ok("verdict", "rise", "--rating", "right", "--note", "The office's figure.",
           "--evidence", "fall", "--evidence", "https://example.org/office report")  # fmt: skip
    # The scale changes later: what was given stays as it was given.
    cli.ok("config", "set", "rating.scale", "true=1, false=0")
    dump = tmp_path_factory.mktemp("dump") / f"all.{fmt}"
    cli.ok("export", "all", "--format", fmt, "-o", str(dump))
    other = Cli(str(tmp_path_factory.mktemp("other") / "other.db"))
    other.ok("import", str(dump))
    assert verdict_rows(other.url) == verdict_rows(claims)
    assert len(verdict_rows(claims)) == 3
    settings = "SELECT name, value FROM setting ORDER BY name"
    assert query(other.url, settings) == query(claims, settings)
    # Imported again, nothing changes; exported again, the same document.
    before = snapshot(other.url)
    again = json.loads(other.ok("import", str(dump), "--format", "json").stdout)
    assert again["counts"]["verdicts"] == {"unchanged": 3}
    assert snapshot(other.url) == before
    second = dump.with_name(f"again.{fmt}")
    other.ok("export", "all", "--format", fmt, "-o", str(second))
    assert second.read_text(encoding="utf-8") == dump.read_text(encoding="utf-8")


def test_a_verdict_record_is_checked_and_a_bad_one_writes_nothing(
    claims: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cli = Cli(claims)
    path = tmp_path_factory.mktemp("bad") / "verdicts.yaml"
    for bad, message in (
        ("{claim: rise, rating: nonsense, note: x}", "nonsense"),
        ("{claim: rise, rating: 'true', note: ''}", "note"),
        ("{claim: nowhere, rating: 'true', note: x}", "nowhere"),
        ("{claim: rise, rating: 'true', note: x, evidence: [rise]}", "evidence"),
    ):
        path.write_text(f"verdicts:\n  - {bad}\n", encoding="utf-8")
        before = snapshot(claims)
        outcome = cli("import", str(path))
        assert outcome.exit_code == 1 and message in outcome.stderr, outcome.stderr
        assert len(outcome.stderr.strip().splitlines()) == 1
        assert snapshot(claims) == before
    # A record without the scale's numbers is rated on the database's scale.
    path.write_text("verdicts:\n  - {claim: rise, rating: 'TRUE', note: Checked.}\n", "utf-8")
    cli.ok("import", str(path))
    [row] = query(claims, "SELECT rating, rating_value, best_rating FROM verdict")
    assert (row["rating"], row["rating_value"], row["best_rating"]) == ("true", 6, 6)
