"""`factbase report` on the seed data, with a cluster that another stance corroborates."""

from __future__ import annotations

from typing import Any

import pytest
from helpers import PG_URL, Cli, reset_postgres

from factbase.analysis.reports import ReportFilter, build_report
from factbase.store.database import Database


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if PG_URL:
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = str(tmp_path_factory.mktemp("seeded") / "seeded.db")
    cli = Cli(url)
    cli.ok("seed")
    # The Bulgarian (unrated) and the Ukrainian (pro-ukrainian) "moving away from Russia".
    cli.ok("link", "bg-distancing-from-russia", "wp-uk-distancing-from-russia", "--as", "same")
    db = Database.open(url)
    yield db
    db.close()


@pytest.mark.slow
def test_claim_counts_add_up(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        report = build_report(session, ReportFilter())
    assert report.claims == 139
    outlets = report.table("outlets").rows
    assert sum(row["claims"] for row in outlets) == 139
    by_language = report.table("claims_by_topic_language").rows
    assert {row["language"] for row in by_language} == {"bg", "ru", "uk"}
    conflicts = report.table("conflicts_by_topic").rows
    assert {row["kind"] for row in conflicts} >= {"declared", "polarity"}


def test_corroboration_by_another_stance_and_contested_facts(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        report = build_report(session, ReportFilter())
    outlets = {row["outlet"]: row for row in report.table("outlets").rows}
    # The Bulgarian portal: the link above, and the seed's `same` link of replacing Russia as
    # Europe's supplier (003). The Ukrainian portal: those two and Yakovenko, whom 004 supports.
    assert outlets["BG portal (unnamed)"]["corroborated"] == 2
    assert outlets["UA portal (unnamed)"]["corroborated"] == 3
    assert outlets["BG portal (unnamed)"]["corroborated_share"] == round(2 / 23, 3)
    contested = report.table("contested").rows
    # The White House's sanctions aim (000) with 004's "back door" that it supports, against
    # 001's pledge (neutral).
    linked = next(row for row in contested if row["reports"] == 2)
    assert linked["asserting_stances"] == ["unrated"]
    assert linked["disputing_stances"] == ["neutral"]
    assert linked["origins"] == 2 and linked["disputing_origins"] >= 1
    for row in contested:
        assert set(row["disputing_stances"]) - set(row["asserting_stances"])


def test_topic_and_since_narrow_every_table(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        oil = build_report(session, ReportFilter(topic="energy"))
        recent = build_report(session, ReportFilter(since="2024"))
    assert 0 < oil.claims < 139
    topics = {row["topic"] for row in oil.table("claims_by_topic_stance").rows}
    assert topics <= {"energy", "oil", "gas", "electricity", "hydrogen", "uranium", "nuclear"}
    assert sum(r["claims"] for r in oil.table("outlets").rows) == oil.claims
    assert 0 < recent.claims < 139


def _disputed_claim_data() -> list[dict[str, Any]]:
    """A pro-Kremlin claim disputed by six claims from six outlets, of three origins.

    Petrov speaks in two outlets and a third relays the first of them (one origin); two
    outlets print the same wire copy (another); the sixth is on its own.
    """
    outlets = [
        ("Kremlin Daily", "pro-kremlin"),
        ("West A", "pro-western"),
        ("West B", "pro-western"),
        ("Kyiv C", "pro-ukrainian"),
        ("Neutral D", "neutral"),
        ("Neutral E", "neutral"),
        ("West F", "pro-western"),
    ]
    records: list[dict[str, Any]] = [
        {"type": "outlet", "name": name, "stance": stance, "language": "en"}
        for name, stance in outlets
    ]
    cites = {"Kyiv C": ["West A"]}
    for n, (name, _) in enumerate(outlets):
        records.append(
            {
                "type": "source",
                "key": f"src-{n}",
                "outlet": name,
                "title": f"Report {n}",
                "url": f"https://example.org/{n}",
                "language": "en",
                "published": "2024-03-01",
                "cites": cites.get(name, []),
            }
        )
    wire = "the pipeline carried eighty percent of the oil exports last year said the ministry"
    quotes = [
        ("Kazakhstan ships almost no oil through the pipeline", None),
        ("the pipeline carries most of the oil, Petrov said", "Ivan Petrov"),
        ("most oil still goes through the pipeline, Petrov repeated", "Ivan Petrov"),
        ("as West A reported, the pipeline carries most oil", None),
        (wire, None),
        (wire + " again", None),
        ("our own count: the pipeline took most of the oil", None),
    ]
    for n, (quote, speaker) in enumerate(quotes):
        claim: dict[str, Any] = {
            "type": "claim",
            "key": f"pipe-{n}",
            "source": f"src-{n}",
            "language": "en",
            "statement": quote,
            "quote": quote,
        }
        if speaker:
            claim["speaker"] = speaker
        records.append(claim)
    return records


@pytest.mark.slow
def test_contested_counts_the_disputers_origins(tmp_path: Any, db_url: str) -> None:
    """A claim in no cluster: its disputers' origins, counted from the dispute edges, are
    those the corroboration index counts from the same claims read one by one."""
    import json

    from factbase.analysis.corroboration import CorroborationIndex, count_origins
    from factbase.store.models import Claim

    data = tmp_path / "pipeline.jsonl"
    lines = (json.dumps(record, ensure_ascii=False) for record in _disputed_claim_data())
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    cli = Cli(db_url)
    cli.ok("import", str(data))
    for n in range(1, 7):
        cli.ok("link", "pipe-0", f"pipe-{n}", "--as", "contradicts")
    db = Database.open(db_url)
    try:
        with db.session() as session:
            ids = dict(session.query(Claim.key, Claim.id).all())
            row = next(
                r
                for r in build_report(session, ReportFilter()).table("contested").rows
                if r["claim"] == ids["pipe-0"]
            )
            disputers = [ids[f"pipe-{n}"] for n in range(1, 7)]
            reports = CorroborationIndex(session).reports(disputers)
            one_by_one = count_origins(reports[m] for m in disputers)
    finally:
        db.close()
    assert row["disputing_claims"] == 6
    assert row["disputing_origins"] == one_by_one == 3
    assert row["asserting_stances"] == ["pro-kremlin"]
    assert row["disputing_stances"] == ["neutral", "pro-ukrainian", "pro-western"]
    assert row["statement"] == "Kazakhstan ships almost no oil through the pipeline"


def test_the_report_tables_are_the_ones_the_vocabulary_names() -> None:
    from factbase.analysis.reports import TABLE_COLUMNS, TITLES
    from factbase.vocabulary import REPORT_TABLES

    assert tuple(TABLE_COLUMNS) == REPORT_TABLES == tuple(TITLES)
