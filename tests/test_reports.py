"""`factbase report` on the seed data, with a cluster that another stance corroborates."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import PG_URL, Cli, reset_postgres

from factbase.db import Database
from factbase.reports import ReportFilter, build_report


@pytest.fixture(scope="module")
def seeded_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    if PG_URL:
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = str(tmp_path_factory.mktemp("seeded") / "seeded.db")
    cli = Cli(url)
    cli.ok("seed")
    # The Bulgarian (pro-western) and the Ukrainian (pro-ukrainian) "moving away from Russia".
    cli.ok("link", "bg-distancing-from-russia", "wp-uk-distancing-from-russia", "--as", "same")
    db = Database.open(url)
    yield db
    db.close()


def test_claim_counts_add_up(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        report = build_report(session, ReportFilter())
    assert report.claims == 131
    outlets = report.table("outlets").rows
    assert sum(row["claims"] for row in outlets) == 131
    by_language = report.table("claims_by_topic_language").rows
    assert {row["language"] for row in by_language} == {"bg", "ru", "uk"}
    conflicts = report.table("conflicts_by_topic").rows
    assert {row["kind"] for row in conflicts} >= {"declared", "polarity"}


def test_corroboration_by_another_stance_and_contested_facts(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        report = build_report(session, ReportFilter())
    outlets = {row["stance"]: row for row in report.table("outlets").rows}
    assert outlets["pro-western"]["corroborated"] == 1
    assert outlets["pro-ukrainian"]["corroborated"] == 1
    assert outlets["pro-western"]["corroborated_share"] == round(1 / 21, 3)
    contested = report.table("contested").rows
    linked = next(row for row in contested if row["reports"] == 2)
    assert linked["asserting_stances"] == ["pro-ukrainian", "pro-western"]
    assert linked["origins"] == 2 and linked["disputing_origins"] >= 1
    for row in contested:
        assert set(row["disputing_stances"]) - set(row["asserting_stances"])


def test_topic_and_since_narrow_every_table(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        oil = build_report(session, ReportFilter(topic="energy"))
        recent = build_report(session, ReportFilter(since="2024"))
    assert 0 < oil.claims < 131
    topics = {row["topic"] for row in oil.table("claims_by_topic_stance").rows}
    assert topics <= {"energy", "oil", "gas", "electricity", "hydrogen", "uranium", "nuclear"}
    assert sum(r["claims"] for r in oil.table("outlets").rows) == oil.claims
    assert 0 < recent.claims < 131
