"""Dates counted from a day ("вчера", "last month"): read from the article's publication.

A claim's event date and as-of date that are relative are counted from its source's
publication date, on `add`, `edit` and `import`; without a publication date they are
refused naming the field. A source's own publication date must be absolute.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, add_outlets, add_sources, parse_json, writing
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.text.dates import PartialDate, is_relative, parse_date

PUBLISHED = "2024-03-15"  # a Friday

# (text, what it means on 2024-03-15): relative, in the four languages.
RELATIVE = [
    ("next tuesday", "2024-03-19"),
    ("the day before yesterday", "2024-03-13"),
    ("last month", "2024-02"),
    ("last year", "2023"),
    ("вчера", "2024-03-14"),
    ("позавчера", "2024-03-13"),
    ("в прошлом году", "2023"),
    ("в прошлом месяце", "2024-02"),
    ("миналата седмица", "2024-03-08"),
    ("миналата година", "2023"),
    ("вчора", "2024-03-14"),
    ("минулого року", "2023"),
    ("минулого місяця", "2024-02"),
]
# The twins: the same kind of dates written out, never counted from a day.
ABSOLUTE = [
    ("19 March 2024", "2024-03-19"),
    ("February 2024", "2024-02"),
    ("2023", "2023"),
    ("14 марта 2024", "2024-03-14"),
    ("ноябрь 2023", "2023-11"),
    ("8 март 2024", "2024-03-08"),
    ("ноември 2023", "2023-11"),
    ("14 березня 2024", "2024-03-14"),
    ("листопад 2023", "2023-11"),
    ("2024-03-19", "2024-03-19"),
    ("01.12.2022", "2022-12-01"),
    ("7 июля", None),  # no year: the source's year is taken, no day counted from
]


@pytest.mark.parametrize(("text", "meaning"), RELATIVE)
def test_relative_text_is_relative(text: str, meaning: str) -> None:
    assert is_relative(text)
    assert parse_date(text, today=date(2024, 3, 15)).iso() == meaning


@pytest.mark.parametrize(("text", "meaning"), ABSOLUTE)
def test_absolute_text_is_not_relative(text: str, meaning: str | None) -> None:
    assert not is_relative(text)
    if meaning is not None:
        assert parse_date(text, today=date(2031, 7, 2)).iso() == meaning


@pytest.mark.parametrize("text", ["", "   ", "hello", "не дата", "12345", "x" * 200])
def test_text_that_is_no_date_is_not_relative(text: str) -> None:
    assert not is_relative(text)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=40))
def test_is_relative_never_raises_on_text(text: str) -> None:
    assert is_relative(text) in (True, False)


@settings(max_examples=100, deadline=None)
@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)),
    st.sampled_from(["day", "month", "year"]),
)
def test_a_date_written_as_factbase_writes_it_is_never_relative(day: date, precision: str) -> None:
    written = PartialDate.from_parts(day, precision).iso()
    assert not is_relative(written)


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from([text for text, _ in RELATIVE]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
def test_relative_text_moves_with_the_day_it_is_counted_from(
    text: str, first: date, second: date
) -> None:
    # Counted from days a year or more apart, a relative date is never the same date.
    if abs(first.year - second.year) >= 2:
        assert parse_date(text, today=first) != parse_date(text, today=second)


# -- recording ------------------------------------------------------------------------


@pytest.fixture
def sources(db_url: str) -> str:
    with writing(db_url) as session:
        add_outlets(session, [("Outlet", "neutral", "en")])
        add_sources(session, [("dated", "Outlet", PUBLISHED), ("undated", "Outlet", "")])
    return db_url


def _claim(cli: Cli, ref: str) -> dict[str, Any]:
    [record] = parse_json(cli.ok("show", ref, "--format", "json"))
    assert isinstance(record, dict)
    return record


@pytest.mark.parametrize(("text", "meaning"), RELATIVE)
@pytest.mark.parametrize("field", ["--event-date", "--as-of"])
def test_add_counts_a_relative_date_from_the_publication(
    sources: str, field: str, text: str, meaning: str
) -> None:
    cli = Cli(sources)
    cli.ok(
        "add", "Something happened.", "--source", "dated", field, text, "--key", "c", "--forecast"
    )
    name = "event_date" if field == "--event-date" else "as_of"
    assert _claim(cli, "c")[name] == meaning


@pytest.mark.parametrize(("text", "meaning"), [a for a in ABSOLUTE if a[1]])
def test_add_keeps_an_absolute_date_as_written(sources: str, text: str, meaning: str) -> None:
    cli = Cli(sources)
    cli.ok("add", "Something happened.", "--source", "dated", "--as-of", text, "--key", "c")
    assert _claim(cli, "c")["as_of"] == meaning


def test_the_day_before_yesterday_is_not_counted_from_today(sources: str) -> None:
    cli = Cli(sources)
    cli.ok("add", "Talks began.", "--source", "dated", "--event-date", "the day before yesterday",
           "--key", "c")  # fmt: skip
    assert _claim(cli, "c")["event_date"] == "2024-03-13"


@pytest.mark.parametrize(("field", "name"), [("--event-date", "event_date"), ("--as-of", "as_of")])
@pytest.mark.parametrize("text", ["вчера", "last month", "минулого року", "миналата седмица"])
def test_a_relative_date_needs_the_source_publication(
    sources: str, field: str, name: str, text: str
) -> None:
    cli = Cli(sources)
    outcome = cli("add", "Something happened.", "--source", "undated", field, text)
    assert outcome.exit_code == 1
    assert f"{name}: relative date needs the source's publication date" in outcome.stderr
    assert outcome.stderr.count("\n") == 1


@pytest.mark.parametrize("text", ["2023", "ноябрь 2023", "1 грудня 2022", "8 март 2024"])
def test_an_absolute_date_needs_no_publication(sources: str, text: str) -> None:
    Cli(sources).ok("add", "Something happened.", "--source", "undated", "--as-of", text)


def test_edit_counts_a_relative_date_from_the_publication(sources: str) -> None:
    cli = Cli(sources)
    cli.ok("add", "Something happened.", "--source", "dated", "--key", "c")
    cli.ok("edit", "c", "--as-of", "в прошлом году")
    assert _claim(cli, "c")["as_of"] == "2023"
    cli.ok("edit", "c", "--as-of", "2021")
    assert _claim(cli, "c")["as_of"] == "2021"
    cli.ok("edit", "c", "--source", "undated")  # the stored date is absolute by now
    outcome = cli("edit", "c", "--event-date", "вчора")
    assert outcome.exit_code == 1
    assert "event_date: relative date needs the source's publication date" in outcome.stderr


def _document(path: Path, claims: list[dict[str, Any]], sources: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"sources": sources, "claims": claims}), encoding="utf-8")
    return path


def test_import_counts_relative_dates_from_each_claims_source(sources: str, tmp_path: Path) -> None:
    cli = Cli(sources)
    document = _document(
        tmp_path / "in.json",
        [
            {"key": "a", "source": "dated", "statement": "One.", "event_date": "вчера"},
            {"key": "b", "source": "later", "statement": "Two.", "as_of": "минулого року"},
            {"key": "c", "source": "dated", "statement": "Three.", "as_of": "2020"},
        ],
        [{"key": "later", "outlet": "Outlet", "title": "Later", "published": "2025-01-10"}],
    )
    cli.ok("import", str(document))
    assert _claim(cli, "a")["event_date"] == "2024-03-14"
    assert _claim(cli, "b")["as_of"] == "2024"
    assert _claim(cli, "c")["as_of"] == "2020"


def test_import_refuses_a_relative_date_of_an_undated_source(sources: str, tmp_path: Path) -> None:
    cli = Cli(sources)
    document = _document(
        tmp_path / "in.json",
        [{"source": "undated", "statement": "One.", "event_date": "last month"}],
        [],
    )
    outcome = cli("import", str(document))
    assert outcome.exit_code == 1
    assert "event_date: relative date needs the source's publication date" in outcome.stderr
    twin = _document(
        tmp_path / "twin.json",
        [{"source": "undated", "statement": "One.", "event_date": "February 2024"}],
        [],
    )
    cli.ok("import", str(twin))


# -- a source's publication date --------------------------------------------------------


@pytest.mark.parametrize("text", ["next tuesday", "вчера", "вчора", "миналата седмица", "today"])
def test_a_relative_publication_date_is_refused(sources: str, text: str) -> None:
    cli = Cli(sources)
    outcome = cli("source", "add", "--outlet", "Outlet", "--title", "New", "--published", text)
    assert outcome.exit_code == 1
    assert outcome.stderr.count("\n") == 1
    assert "published:" in outcome.stderr and "must be absolute" in outcome.stderr
    assert cli("source", "edit", "dated", "--published", text).exit_code == 1


@pytest.mark.parametrize("text", ["19 March 2024", "14 марта 2024", "8 март 2024", "березень 2024"])
def test_an_absolute_publication_date_is_taken(sources: str, text: str) -> None:
    cli = Cli(sources)
    cli.ok("source", "add", "--outlet", "Outlet", "--title", "New", "--published", text)
    cli.ok("source", "edit", "dated", "--published", text)


def test_import_refuses_a_relative_publication_date(sources: str, tmp_path: Path) -> None:
    cli = Cli(sources)
    bad = _document(
        tmp_path / "in.json",
        [],
        [{"key": "n", "outlet": "Outlet", "title": "N", "published": "вчера"}],
    )
    outcome = cli("import", str(bad))
    assert outcome.exit_code == 1
    assert "must be absolute" in outcome.stderr
    good = _document(
        tmp_path / "ok.json",
        [],
        [{"key": "n", "outlet": "Outlet", "title": "N", "published": "2024"}],
    )
    cli.ok("import", str(good))
