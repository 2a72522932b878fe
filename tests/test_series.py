"""A claim's series: its subject and property period by period (`factbase.analysis.series`),
and `factbase show` printing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import Cli

from factbase.analysis.series import (
    Period,
    Reading,
    SeriesClaim,
    claim_series,
    group_series,
    is_series,
)
from factbase.interchange.importer import import_files
from factbase.store.database import Database
from factbase.text.dates import PartialDate
from factbase.text.quantities import parse_quantity


def point(
    claim_id: int, when: str | None, value: str | None, outlet: str, polarity: str = "affirmed"
) -> SeriesClaim:
    return SeriesClaim(
        claim_id,
        None if when is None else PartialDate.from_iso(when),
        None if value is None else parse_quantity(value),
        polarity,
        outlet,
    )


def test_periods_in_order_each_with_what_was_said_and_by_whom() -> None:
    periods = group_series(
        [
            point(5, "2023", "about 70%", "Reuters"),
            point(2, "2022", "около 80%", "SilkBridge.info"),
            point(1, "2022", "близо 80%", "BTA"),
            point(3, "2022", "80%", "Ukrinform"),
            point(6, None, "близько 75%", "Ukrinform"),
            point(4, "2022-05", "около 80%", "SilkBridge.info"),
        ]
    )
    assert [period.label for period in periods] == ["2022", "May 2022", "2023", "undated"]
    assert periods[0] == Period(
        PartialDate.from_iso("2022"),
        (
            Reading("80 % ±10 %", ("BTA", "SilkBridge.info"), (1, 2)),
            Reading("80 %", ("Ukrinform",), (3,)),
        ),
        None,
    )
    assert periods[2].readings == (Reading("70 % ±10 %", ("Reuters",), (5,)),)
    assert is_series(periods)
    # One period and undated claims are no series.
    assert not is_series(
        group_series([point(1, "2022", "80%", "BTA"), point(2, None, "80%", "BTA")])
    )


def test_disagreement_within_a_period_values_and_polarity() -> None:
    (period,) = group_series(
        [
            point(1, "2022", "близо 80%", "BTA"),
            point(2, "2022", "лише 40%", "Ukrinform"),
            point(3, "2022", "около 80%", "SilkBridge.info"),
        ]
    )
    assert period.disagreement == "40 % vs 80 % ±10 %"
    # Overlapping figures agree, however different their precision.
    (agreeing,) = group_series(
        [point(1, "2022", "близо 80%", "BTA"), point(2, "2022", "78%", "Ukrinform")]
    )
    assert agreeing.disagreement is None
    # Figures in two units are not compared.
    (units,) = group_series(
        [point(1, "2022", "80%", "BTA"), point(2, "2022", "40 million tonnes", "Reuters")]
    )
    assert units.disagreement is None
    (stances,) = group_series(
        [
            point(1, "2024", None, "Reuters"),
            point(2, "2024", None, "ТАСС", polarity="denied"),
        ]
    )
    assert stances.disagreement == "affirmed and denied"
    assert [reading.said for reading in stances.readings] == ["affirmed", "denied"]
    (denied,) = group_series([point(1, "2024", "80%", "ТАСС", polarity="denied")])
    assert denied.readings[0].said == "not 80 %"


SERIES = """
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
outlets:
  - {name: BTA, stance: neutral, country: BG, language: bg}
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Ukrinform, stance: pro-ukrainian, country: UA, language: uk}
  - {name: Reuters, stance: neutral, country: GB, language: en}
sources:
  - {key: bg-src, outlet: BTA, title: "КТК", language: bg, published: "2022-07"}
  - {key: ru-src, outlet: SilkBridge.info, title: "КТК", language: ru, published: "2022-08"}
  - {key: uk-src, outlet: Ukrinform, title: "КТК", language: uk, published: "2023-01"}
  - {key: en-src, outlet: Reuters, title: "CPC", language: en, published: "2024-02"}
claims:
  - {key: bg-2022, source: bg-src, statement: "Close to 80% of oil exports go through the CPC.",
     language: bg, subject: CPC, property: share of oil exports, value: "близо 80%",
     as_of: "2022"}
  - {key: ru-2022, source: ru-src, statement: "About 80% of oil exports go through the CPC.",
     language: ru, subject: КТК, property: share of oil exports, value: "около 80%",
     as_of: "2022"}
  - {key: uk-2022, source: uk-src, statement: "Only 40% of oil exports went through the CPC.",
     language: uk, subject: CPC, property: share of oil exports, value: "лише 40%",
     as_of: "2022"}
  - {key: en-published, source: en-src, statement: "About 70% of oil exports go through the CPC.",
     language: en, subject: CPC, property: share of oil exports, value: "about 70%"}
  - {key: en-other, source: en-src, statement: "The CPC carried 60 million tonnes.",
     language: en, subject: CPC, property: tonnes carried, value: "60 million tonnes",
     as_of: "2023"}
"""


@pytest.fixture
def series_file(tmp_path: Path) -> Path:
    path = tmp_path / "series.yaml"
    path.write_text(SERIES, encoding="utf-8")
    return path


def test_claim_series_reads_the_subject_through_aliases_and_falls_back_to_publication(
    db: Database, series_file: Path
) -> None:
    with db.session(write=True) as session:
        import_files(session, [series_file])
        periods = claim_series(session, "ru-2022")
        assert [period.label for period in periods] == ["2022", "Feb 2024"]
        assert [reading.outlets for reading in periods[0].readings] == [
            ("BTA", "SilkBridge.info"),
            ("Ukrinform",),
        ]
        assert periods[0].disagreement == "40 % vs 80 % ±10 %"
        assert periods[1].readings[0].outlets == ("Reuters",)
        # Another property of the subject is another series: one period, no series.
        assert not is_series(claim_series(session, "en-other"))


def test_show_prints_the_series_when_there_are_several_periods(cli: Cli, series_file: Path) -> None:
    cli.ok("import", str(series_file))
    out = cli.ok("show", "bg-2022").stdout
    assert "series  CPC · share of oil exports: 2 periods (* this claim)" in out
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert "2022 80 % ±10 % BTA, SilkBridge.info 1*, 2 disagree: 40 % vs 80 % ±10 %" in lines
    assert "40 % Ukrinform 3" in lines
    assert "Feb 2024 70 % ±10 % Reuters 4" in lines
    # A claim whose subject and property speak of one period has no series section.
    assert "series" not in cli.ok("show", "en-other").stdout


def test_the_report_has_a_series_table(db: Database, series_file: Path) -> None:
    from factbase.analysis.reports import ReportFilter, build_report

    with db.session(write=True) as session:
        import_files(session, [series_file])
        rows = build_report(session, ReportFilter()).table("series").rows
    assert rows == [
        {
            "subject": "Caspian Pipeline Consortium",
            "property": "share of oil exports",
            "period": "2022",
            "said": "80 % ±10 %",
            "outlets": ["BTA", "SilkBridge.info"],
            "claims": [1, 2],
            "disagreement": "40 % vs 80 % ±10 %",
        },
        {
            "subject": "Caspian Pipeline Consortium",
            "property": "share of oil exports",
            "period": "2022",
            "said": "40 %",
            "outlets": ["Ukrinform"],
            "claims": [3],
            "disagreement": None,
        },
        {
            "subject": "Caspian Pipeline Consortium",
            "property": "share of oil exports",
            "period": "2024-02",
            "said": "70 % ±10 %",
            "outlets": ["Reuters"],
            "claims": [4],
            "disagreement": None,
        },
    ]


def test_every_series_is_every_block_that_claim_series_finds_a_series(
    db: Database, series_file: Path
) -> None:
    # every_series leaves out blocks of one dated period before grouping them: the same
    # series as grouping every block, one claim's series at a time.
    extra = SERIES + (
        '  - {key: undated, source: ru-src, statement: "Tengiz output.", language: ru,\n'
        '     subject: Tengiz, property: output, value: "30 million tonnes"}\n'
        '  - {key: same-year, source: uk-src, statement: "Tengiz output.", language: uk,\n'
        '     subject: Tengiz, property: output, value: "31 million tonnes", as_of: "2022"}\n'
        '  - {key: other-year, source: bg-src, statement: "Tengiz output.", language: bg,\n'
        '     subject: Tengiz, property: output, value: "29 million tonnes", as_of: "2022"}\n'
    )
    series_file.write_text(extra, encoding="utf-8")
    from factbase.analysis.series import every_series

    with db.session(write=True) as session:
        import_files(session, [series_file])
        keys = ["bg-2022", "ru-2022", "uk-2022", "en-published", "en-other", "undated"]
        keys += ["same-year", "other-year"]
        expected = {
            tuple(periods) for key in keys if is_series(periods := claim_series(session, key))
        }
        found = {tuple(series.periods) for series in every_series(session)}
    assert found == expected
    assert len(found) == 2  # CPC's share (2022, Feb 2024) and Tengiz (2022, Aug 2022)


def test_every_series_of_generated_claims_is_each_claims_series(tmp_path: Path) -> None:
    # every_series reads plain rows (dates as text, values and periods worked out once per
    # distinct one); claim_series reads each claim's series through the models. Over
    # generated claims (entities and free-text subjects, dated and undated, figures and
    # denials, a retracted claim) both give the same series, and a scope narrows them.
    import subprocess
    import sys
    from datetime import UTC, datetime

    from sqlalchemy import select, update

    from factbase.analysis.reports import ReportFilter, report_scope
    from factbase.analysis.series import every_series
    from factbase.store.models import Claim
    from factbase.text.language import fold

    root = Path(__file__).resolve().parent.parent
    data = tmp_path / "generated.jsonl"
    generator = root / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, generator, "600", "-o", data], check=True)
    path = tmp_path / "generated.db"
    Cli(str(path)).ok("import", str(data))
    database = Database.open(str(path))
    try:
        with database.session(write=True) as session:
            session.execute(
                update(Claim)
                .where(Claim.id == 7)
                .values(status="retracted", retracted_at=datetime(2024, 1, 1, tzinfo=UTC))
            )
        with database.session() as session:
            ids = list(session.scalars(select(Claim.id).order_by(Claim.id)))
            expected: dict[tuple[Period, ...], int] = {}
            for claim_id in ids:
                periods = claim_series(session, claim_id)
                if is_series(periods):
                    expected.setdefault(tuple(periods), claim_id)
            found = every_series(session)
            assert {tuple(series.periods) for series in found} == set(expected)
            assert len(found) == len(expected) > 10
            keys = [(fold(s.subject), fold(s.property)) for s in found]
            assert keys == sorted(keys)
            where = ReportFilter(since="2022-01-01")
            scoped = every_series(session, report_scope(session, where))
            assert 0 < len(scoped) < len(found)
            in_scope = set(session.scalars(report_scope(session, where)))  # type: ignore[arg-type]
            for series in scoped:
                claims = {c for p in series.periods for r in p.readings for c in r.claims}
                assert claims <= in_scope
    finally:
        database.close()
