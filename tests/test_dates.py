"""Tests for factbase.text.dates: written dates in en/ru/bg/uk, kept at their precision."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.errors import InvalidDate
from factbase.text import dates
from factbase.text.dates import LANGUAGES, PartialDate, Precision, parse_date, parse_date_or_none

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2024, 3, 15)  # a Friday
DAY, MONTH, YEAR = Precision.DAY, Precision.MONTH, Precision.YEAR

# (text, iso(), precision); relative phrasings are read with today=TODAY.
TABLE: list[tuple[str, str, Precision]] = [
    # years
    ("2022", "2022", YEAR),
    ("2022 г.", "2022", YEAR),
    ("2022 г", "2022", YEAR),
    ("2022 року", "2022", YEAR),
    ("2022 рік", "2022", YEAR),
    ("2022 година", "2022", YEAR),
    ("в 2022 году", "2022", YEAR),
    # ISO and dotted forms (fast path)
    ("2022-11", "2022-11", MONTH),
    ("12.2022", "2022-12", MONTH),
    ("2022-11-01", "2022-11-01", DAY),
    ("2022-11-01T12:21:00", "2022-11-01", DAY),
    ("2022-11-01T23:30:00+05:00", "2022-11-01", DAY),
    ("01.12.2022", "2022-12-01", DAY),
    ("1.12.2022", "2022-12-01", DAY),
    ("01.12.2022 г.", "2022-12-01", DAY),
    # months
    ("ноябрь 2023", "2023-11", MONTH),
    ("ноября 2023", "2023-11", MONTH),
    ("ноябрь 2023 г.", "2023-11", MONTH),
    ("листопад 2023", "2023-11", MONTH),
    ("ноември 2023", "2023-11", MONTH),
    ("November 2023", "2023-11", MONTH),
    ("Nov 2023", "2023-11", MONTH),
    ("май 2023", "2023-05", MONTH),
    ("ноябрь 2023 11:00", "2023-11", MONTH),  # a time but no day: still a month
    # days
    ("1 грудня 2022", "2022-12-01", DAY),
    ("1 грудня 2022, 12:21", "2022-12-01", DAY),
    ("1 грудня 2022 р.", "2022-12-01", DAY),
    ("четвер, 1 листопада 2023", "2023-11-01", DAY),
    ("7 июля 2022", "2022-07-07", DAY),
    ("11 августа 2024", "2024-08-11", DAY),
    ("11 августа 2024 года", "2024-08-11", DAY),
    ("1-го ноября 2023", "2023-11-01", DAY),
    ("Авг11,2024", "2024-08-11", DAY),
    ("9 ноември 2023", "2023-11-09", DAY),
    ("9 ноември 2023 г., 10:15", "2023-11-09", DAY),
    ("1 November 2023", "2023-11-01", DAY),
    ("November 1st, 2023", "2023-11-01", DAY),
    ("Thursday, 1 November 2023", "2023-11-01", DAY),
    ("1 November 2023 23:30 +05:00", "2023-11-01", DAY),  # no time zone conversion
    ("1 November 2023 01:30 +05:00", "2023-11-01", DAY),
    ("1 ноября 2023 00:30 MSK", "2023-11-01", DAY),
    ("01/12/2022", "2022-12-01", DAY),  # day first, as in all four languages
    (" «1 ноября 2023 г.» ", "2023-11-01", DAY),
    # relative to TODAY
    ("yesterday", "2024-03-14", DAY),
    ("вчера", "2024-03-14", DAY),
    ("вчора", "2024-03-14", DAY),
    ("today", "2024-03-15", DAY),
    ("днес", "2024-03-15", DAY),
    ("сьогодні", "2024-03-15", DAY),
    ("позавчера", "2024-03-13", DAY),
    ("3 дня назад", "2024-03-12", DAY),
    ("преди 2 дни", "2024-03-13", DAY),
    ("2 дні тому", "2024-03-13", DAY),
    ("2 hours ago", "2024-03-15", DAY),
    ("last week", "2024-03-08", DAY),
    ("last month", "2024-02", MONTH),
    ("минулого місяця", "2024-02", MONTH),
    ("last year", "2023", YEAR),
    ("миналата година", "2023", YEAR),
]


@pytest.mark.parametrize(("text", "iso", "precision"), TABLE)
def test_table(text: str, iso: str, precision: Precision) -> None:
    parsed = parse_date(text, today=TODAY)
    assert parsed.iso() == iso
    assert parsed.precision is precision
    assert str(parsed) == iso


def test_table_covers_all_languages() -> None:
    assert LANGUAGES == ("en", "ru", "bg", "uk")
    assert len(TABLE) >= 30


@pytest.mark.parametrize(
    "variants",
    [
        ["ноябрь 2023", "НОЯБРЬ 2023", "Ноябрь 2023", "  ноябрь 2023.  ", "(ноябрь 2023)"],
        ["November 2023", "november 2023", "NOVEMBER 2023", "november 2023!"],
        ["1 грудня 2022", "1 ГРУДНЯ 2022", "1\u00a0грудня\u00a02022", "«1 грудня 2022»"],
        ["четвёрг, 2 ноября 2023", "четверг, 2 ноября 2023", "ЧЕТВЁРГ, 2 НОЯБРЯ 2023"],
        ["май 2023", unicodedata.normalize("NFD", "май 2023"), "МАЙ 2023"],
    ],
)
def test_case_whitespace_punctuation_and_normal_forms_do_not_matter(variants: list[str]) -> None:
    results = set()
    for text in variants:
        results.add(parse_date(text, today=TODAY))
        results.add(parse_date(unicodedata.normalize("NFD", text), today=TODAY))
        results.add(parse_date(unicodedata.normalize("NFC", text), today=TODAY))
    assert len(results) == 1


def test_nfd_yo_is_read_like_ye() -> None:
    decomposed = unicodedata.normalize("NFD", "четвёрг, 2 ноября 2023")
    assert decomposed != "четвёрг, 2 ноября 2023"
    assert parse_date(decomposed).iso() == "2023-11-02"


# --- text without a year ---------------------------------------------------------


@pytest.mark.parametrize("text", ["7 июля", "1 November", "1 ноября", "ноябрь", "9 ноември"])
def test_text_without_year_is_refused(text: str) -> None:
    with pytest.raises(InvalidDate, match="has no year; write it in full") as caught:
        parse_date(text, today=TODAY)
    assert f'"{text}"' in str(caught.value)


def test_default_year_fills_a_missing_year() -> None:
    assert parse_date("7 июля", default_year=2022) == PartialDate(date(2022, 7, 7), DAY)
    assert parse_date("1 November", default_year=2021).iso() == "2021-11-01"
    assert parse_date("ноябрь", default_year=2022) == PartialDate(date(2022, 11, 1), MONTH)
    assert parse_date("29 февраля", default_year=2024).iso() == "2024-02-29"


def test_default_year_does_not_override_a_written_or_relative_year() -> None:
    assert parse_date("7 июля 2021", default_year=2022).iso() == "2021-07-07"
    assert parse_date("2019", default_year=2022).iso() == "2019"
    assert parse_date("вчера", default_year=2000, today=TODAY).iso() == "2024-03-14"


@pytest.mark.parametrize("default_year", [2023, 999, 3000])
def test_default_year_that_makes_no_date_is_refused(default_year: int) -> None:
    with pytest.raises(InvalidDate):
        parse_date("29 февраля", default_year=default_year)


# --- relative dates ----------------------------------------------------------------


def test_relative_dates_follow_the_injected_today() -> None:
    assert parse_date("вчера", today=date(2024, 3, 1)).iso() == "2024-02-29"
    assert parse_date("вчора", today=date(2023, 1, 1)).iso() == "2022-12-31"
    assert parse_date("yesterday", today=date(2000, 6, 10)).iso() == "2000-06-09"
    assert parse_date("last month", today=date(2023, 1, 20)).iso() == "2022-12"
    assert parse_date("вчера", today=datetime(2024, 3, 15, 23, 59)).iso() == "2024-03-14"


def test_default_today_is_the_utc_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # 22:00 UTC on 14 March is already 15 March in Almaty (and most of Asia).
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz: object = None) -> FrozenClock:
            assert tz is UTC
            return cls(2024, 3, 14, 22, 0, tzinfo=UTC)

    monkeypatch.setattr(dates, "datetime", FrozenClock)
    assert parse_date("сегодня").iso() == "2024-03-14"
    assert parse_date("вчера").iso() == "2024-03-13"


# --- rejections --------------------------------------------------------------------

REJECTED = [
    "1718000000",  # a Unix time, never read as one
    "20221201",
    "42",
    "7",
    "999",
    "0999",
    "3000",
    "hello",
    "a",
    "…",
    "Q1 2023",
    "31.11.2022",
    "12.13.2022",
    "2023-13-01",
    "2024-02-30",
    "2022-11-01T25:99",
    "1 January 3000",
    "1 ноября 2023 — 5 ноября 2023",
    "x 2022 y",
    "١٧١٨٠٠٠٠٠٠",
]


@pytest.mark.parametrize("text", REJECTED)
def test_rejected_with_a_one_line_message_quoting_the_text(text: str) -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_date(text, today=TODAY)
    message = str(caught.value)
    assert "\n" not in message
    assert f'"{text}"' in message


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_blank_text_is_rejected(text: str) -> None:
    with pytest.raises(InvalidDate, match="empty"):
        parse_date(text)


def test_too_long_text_is_rejected() -> None:
    text = "1 ноября 2023 " + "x" * 100
    with pytest.raises(InvalidDate, match="too long") as caught:
        parse_date(text)
    assert "\n" not in str(caught.value)
    assert len(str(caught.value)) < 150


def test_multiline_text_gives_a_one_line_message() -> None:
    with pytest.raises(InvalidDate) as caught:
        parse_date("not\na\ndate")
    assert "\n" not in str(caught.value)


def test_unknown_language_text_is_rejected_when_languages_are_narrowed() -> None:
    assert parse_date("ноември 2023", languages=["bg"]).iso() == "2023-11"
    assert parse_date("ноябрь 2023", languages=("ru",)).iso() == "2023-11"
    with pytest.raises(InvalidDate):
        parse_date("ноември 2023", languages=["en"])


def test_unknown_language_code_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="xx"):
        parse_date("1 ноября 2023", languages=["xx"])
    assert parse_date("1 ноября 2023", languages=[]).iso() == "2023-11-01"  # empty: the default


def test_parse_date_or_none() -> None:
    assert parse_date_or_none(None) is None
    assert parse_date_or_none("") is None
    assert parse_date_or_none("  \n") is None
    assert parse_date_or_none("2022") == PartialDate(date(2022, 1, 1), YEAR)
    assert parse_date_or_none("7 июля", default_year=2022) == PartialDate(date(2022, 7, 7), DAY)
    assert parse_date_or_none("вчера", today=TODAY) == PartialDate(date(2024, 3, 14), DAY)
    with pytest.raises(InvalidDate):
        parse_date_or_none("hello")


# --- PartialDate ---------------------------------------------------------------------


def test_end() -> None:
    assert PartialDate.from_iso("2022").end == date(2022, 12, 31)
    assert PartialDate.from_iso("2023-11").end == date(2023, 11, 30)
    assert PartialDate.from_iso("2024-02").end == date(2024, 2, 29)
    assert PartialDate.from_iso("2023-02").end == date(2023, 2, 28)
    assert PartialDate.from_iso("2023-12").end == date(2023, 12, 31)
    assert PartialDate.from_iso("2023-11-05").end == date(2023, 11, 5)


def test_overlaps() -> None:
    year, month = PartialDate.from_iso("2023"), PartialDate.from_iso("2023-11")
    day, other_day = PartialDate.from_iso("2023-11-01"), PartialDate.from_iso("2023-11-02")
    assert year.overlaps(month) and month.overlaps(year)
    assert month.overlaps(day) and day.overlaps(year)
    assert not day.overlaps(other_day)
    assert not PartialDate.from_iso("2022").overlaps(month)
    assert PartialDate.from_iso("2023-12-31").overlaps(year)
    assert not PartialDate.from_iso("2024-01-01").overlaps(year)


def test_agrees_with() -> None:
    november = parse_date("November 2023")
    first, second = parse_date("1 November 2023"), parse_date("2 November 2023")
    assert november.agrees_with(first) and first.agrees_with(november)
    assert november.agrees_with(second)
    assert not first.agrees_with(second)
    assert parse_date("2023").agrees_with(second)
    assert not parse_date("2022").agrees_with(first)
    assert not parse_date("October 2023").agrees_with(first)
    assert first.agrees_with(first)


def test_human_is_english_and_stable() -> None:
    assert parse_date("2022").human() == "2022"
    assert parse_date("ноябрь 2023").human() == "Nov 2023"
    assert parse_date("1 листопада 2023").human() == "1 Nov 2023"
    assert parse_date("2023-09-30").human() == "30 Sep 2023"


def test_iso_and_str() -> None:
    assert PartialDate(date(1999, 1, 1), YEAR).iso() == "1999"
    assert PartialDate(date(1999, 3, 1), MONTH).iso() == "1999-03"
    assert str(PartialDate(date(1999, 3, 7), DAY)) == "1999-03-07"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2022", PartialDate(date(2022, 1, 1), YEAR)),
        ("2022-11", PartialDate(date(2022, 11, 1), MONTH)),
        ("2022-11-01", PartialDate(date(2022, 11, 1), DAY)),
        ("1000-01-01", PartialDate(date(1000, 1, 1), DAY)),
    ],
)
def test_from_iso(text: str, expected: PartialDate) -> None:
    assert PartialDate.from_iso(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "22",
        "2022-1",
        "2022-11-1",
        "2022-13",
        "2022-02-30",
        "0999",
        "3000",
        " 2022",
        "2022\n",
        "2022-11-01T00:00",
        "ноябрь 2023",
        "٢٠٢٢",
    ],
)
def test_from_iso_rejects_anything_else(text: str) -> None:
    with pytest.raises(InvalidDate):
        PartialDate.from_iso(text)


def test_from_parts_normalises_the_start() -> None:
    assert PartialDate.from_parts(date(2023, 11, 17), "month") == PartialDate.from_iso("2023-11")
    assert PartialDate.from_parts(date(2023, 11, 17), YEAR) == PartialDate.from_iso("2023")
    assert PartialDate.from_parts(date(2023, 11, 17), "day").iso() == "2023-11-17"
    assert PartialDate.from_parts(datetime(2023, 11, 17, 23, 59), DAY).start == date(2023, 11, 17)
    assert PartialDate.from_parts(date(2023, 11, 17), "month").precision is MONTH
    with pytest.raises(InvalidDate):
        PartialDate.from_parts(date(2023, 11, 17), "week")
    with pytest.raises(InvalidDate):
        PartialDate.from_parts(date(999, 11, 17), "year")


def test_constructor_keeps_the_invariants() -> None:
    with pytest.raises(InvalidDate):
        PartialDate(date(2023, 11, 17), MONTH)
    with pytest.raises(InvalidDate):
        PartialDate(date(3000, 1, 1), YEAR)
    assert PartialDate(date(2023, 11, 1), "month").precision is MONTH  # type: ignore[arg-type]


def test_ordering_hashing_and_immutability() -> None:
    items = [parse_date(t) for t in ["2023-11-02", "2022", "2023-11", "2023-11-01"]]
    assert [p.iso() for p in sorted(items)] == ["2022", "2023-11-01", "2023-11", "2023-11-02"]
    assert len({parse_date("ноябрь 2023"), parse_date("листопад 2023")}) == 1
    with pytest.raises(AttributeError):
        items[0].start = date(2000, 1, 1)  # type: ignore[misc]


# --- time zones and start-up --------------------------------------------------------

_CHILD = """
import json, sys
from datetime import date
from factbase.text.dates import parse_date
table = json.load(sys.stdin)
out = []
for text in table:
    p = parse_date(text, today=date(2024, 3, 15))
    out.append([p.iso(), str(p.precision)])
print(json.dumps(out))
"""


@pytest.mark.slow
def test_results_do_not_depend_on_the_local_time_zone() -> None:
    expected = [[iso, str(precision)] for _, iso, precision in TABLE]
    table = json.dumps([text for text, _, _ in TABLE])
    children = {
        tz: subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "TZ": tz, "PYTHONPATH": str(ROOT)},
        )
        for tz in ("UTC", "Asia/Almaty")  # run side by side to keep the suite quick
    }
    for tz, child in children.items():
        out, _ = child.communicate(table, timeout=60)
        assert child.returncode == 0, tz
        assert json.loads(out) == expected, tz


@pytest.mark.slow
def test_dateparser_is_imported_only_when_needed() -> None:
    code = (
        "import sys\n"
        "from factbase.text.dates import parse_date\n"
        "assert 'dateparser' not in sys.modules\n"
        "for text in ['2022', '2022-11', '2022-11-01T12:21:00', '01.12.2022', '12.2022']:\n"
        "    parse_date(text)\n"
        "assert 'dateparser' not in sys.modules\n"
        "parse_date('1 грудня 2022')\n"
        "assert 'dateparser' in sys.modules\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


# --- properties ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_date_or_invalid_date(text: str) -> None:
    try:
        parsed = parse_date(text, today=TODAY)
    except InvalidDate as error:
        assert "\n" not in str(error)
    else:
        assert parsed.start <= parsed.end
        assert PartialDate.from_iso(parsed.iso()) == parsed


@settings(max_examples=200, deadline=None)
@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)),
    st.sampled_from(Precision),
)
def test_iso_round_trip(day: date, precision: Precision) -> None:
    partial = PartialDate.from_parts(day, precision)
    assert PartialDate.from_iso(partial.iso()) == partial
    assert partial.start <= day <= partial.end
    assert partial.agrees_with(PartialDate(day, DAY))
    assert partial.overlaps(PartialDate(day, DAY))
    assert parse_date(partial.iso()) == partial
