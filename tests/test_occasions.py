"""Dates of one occurrence against dates of two occasions of a recurring relation.

A `date` conflict says two reports date the same occurrence differently. Meetings, visits,
talks and calls recur, so far-apart dates of one are two occasions; a signing, an election
or anything called the first or the last happens once. Each case is written in en, ru, bg
and uk, and each conflicting pair has its twin that must not conflict.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from helpers import conflict_facts
from hypothesis import given
from hypothesis import strategies as st

from factbase.analysis.conflict_pairs import ClaimFacts
from factbase.analysis.conflict_rules import compare
from factbase.analysis.occasions import SAME_OCCASION_DAYS, days_apart, occasion_of
from factbase.text.dates import PartialDate

BLOCK = ("entity:1", "meeting")


def dated(wording: str, language: str, event: str) -> ClaimFacts:
    """A claim worded ``wording`` about an event on ``event``, as a scan reads it."""
    facts = conflict_facts(event=event, language=language, block=BLOCK, about=wording)
    return replace(facts, occasion=occasion_of(wording, language))


# A recurring relation, as a claim words it in each language.
MEETINGS = [
    ("Tokayev met Xi Jinping", "en"),
    ("Токаев встретился с Си Цзиньпином", "ru"),
    ("Токаев се срещна със Си Дзинпин", "bg"),
    ("Токаєв зустрівся з Сі Цзіньпіном", "uk"),
    ("visit to Beijing", "en"),
    ("визит в Пекин", "ru"),
    ("посещение в Пекин", "bg"),
    ("візит до Пекіна", "uk"),
    ("talks with Xi Jinping", "en"),
    ("переговоры с Си Цзиньпином", "ru"),
    ("разговор със Си Дзинпин", "bg"),
    ("переговори з Сі Цзіньпіном", "uk"),
    ("phone call with Xi Jinping", "en"),
    ("телефонный разговор с Си Цзиньпином", "ru"),
    ("розмова з Сі Цзіньпіном", "uk"),
]
# One-off events: an ordinal (first, last) or a one-off act.
ONE_OFFS = [
    ("Tokayev's first meeting with Xi Jinping", "en"),
    ("первая встреча Токаева с Си Цзиньпином", "ru"),
    ("първата среща на Токаев със Си Дзинпин", "bg"),
    ("перша зустріч Токаєва з Сі Цзіньпіном", "uk"),
    ("the last visit to Beijing", "en"),
    ("последний визит в Пекин", "ru"),
    ("последното посещение в Пекин", "bg"),
    ("останній візит до Пекіна", "uk"),
    ("inaugural summit", "en"),
    ("signing of the gas agreement", "en"),
    ("подписание газового соглашения", "ru"),
    ("подписване на газовото споразумение", "bg"),
    ("підписання газової угоди", "uk"),
    ("election of the president", "en"),
    ("выборы президента", "ru"),
    ("избори за президент", "bg"),
    ("вибори президента", "uk"),
    ("appointment of the ambassador", "en"),
    ("назначение посла", "ru"),
    ("назначаване на посланик", "bg"),
    ("призначення посла", "uk"),
    ("founding of the consortium", "en"),
    ("court order to suspend the terminal", "en"),
]


@pytest.mark.parametrize(("wording", "language"), MEETINGS)
def test_a_recurring_relation_is_read_in_each_language(wording: str, language: str) -> None:
    assert occasion_of(wording, language) == "recurring"


@pytest.mark.parametrize(("wording", "language"), ONE_OFFS)
def test_one_off_wording_is_read_in_each_language(wording: str, language: str) -> None:
    assert occasion_of(wording, language) == "once"


@pytest.mark.parametrize(
    ("wording", "language"),
    [("distancing from Russia", "en"), ("дистанцирование от России", "ru"),
     ("дистанциране от Русия", "bg"), ("дистанціювання від Росії", "uk")],
)  # fmt: skip
def test_other_wording_says_neither(wording: str, language: str) -> None:
    assert occasion_of(wording, language) is None


@pytest.mark.parametrize(("wording", "language"), MEETINGS)
def test_far_apart_meetings_are_two_occasions(wording: str, language: str) -> None:
    # The report: a meeting on 3 July 2024 against the seed's meeting in September 2022.
    first, second = dated(wording, language, "2022-09"), dated(wording, language, "2024-07-03")
    assert compare(first, second) == []
    assert compare(second, first) == []


@pytest.mark.parametrize(("wording", "language"), MEETINGS)
def test_a_meeting_dated_a_few_days_apart_is_one_occasion_reported_twice(
    wording: str, language: str
) -> None:
    first, second = dated(wording, language, "2022-09-14"), dated(wording, language, "2022-09-16")
    [finding] = compare(first, second)
    assert (finding.kind, finding.cause) == ("date", "direct")
    assert "2 days apart" in finding.explanation
    # Its twin: the same day at a coarser precision agrees.
    assert compare(first, dated(wording, language, "2022-09")) == []


@pytest.mark.parametrize(("wording", "language"), ONE_OFFS)
def test_a_one_off_event_dated_twice_conflicts(wording: str, language: str) -> None:
    first, second = dated(wording, language, "2022-09"), dated(wording, language, "2024-07-03")
    [finding] = compare(first, second)
    assert (finding.kind, finding.cause) == ("date", "direct")
    # Its twin: the same month agrees.
    assert compare(first, dated(wording, language, "2022-09-14")) == []


def test_a_first_meeting_against_a_later_meeting_is_two_occasions() -> None:
    # "The first meeting" happened once, but a plain "meeting" may be any later one.
    first = dated("первая встреча с Си Цзиньпином", "ru", "2019-09")
    later = dated("встреча с Си Цзиньпином", "ru", "2024-07-03")
    assert compare(first, later) == []
    close = dated("встреча с Си Цзиньпином", "ru", "2019-10-02")
    assert [f.kind for f in compare(first, close)] == ["date"]


def test_wording_that_says_neither_keeps_one_occurrence() -> None:
    # Claims that name no recurring relation are dated occurrences, as before.
    first = dated("berths reopened", "en", "2022-07-01")
    assert [f.kind for f in compare(first, dated("berths reopened", "en", "2022-07-05"))] == [
        "date"
    ]
    assert compare(first, dated("berths reopened", "en", "2022-07")) == []


def test_the_boundary_of_one_occasion_is_seven_days() -> None:
    assert SAME_OCCASION_DAYS == 7
    base = dated("talks", "en", "2022-09-01")
    assert compare(base, dated("talks", "en", "2022-09-08")) != []
    assert compare(base, dated("talks", "en", "2022-09-09")) == []
    # Months are compared by the days between them: August's end is a day before September.
    assert compare(dated("talks", "en", "2022-08"), dated("talks", "en", "2022-09-03")) != []


@given(
    st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 1, 1)),
    st.integers(min_value=0, max_value=4000),
)
def test_days_apart_of_two_days_is_their_distance(day: date, gap: int) -> None:
    a = PartialDate(day, "day")
    b = PartialDate.from_parts(date.fromordinal(day.toordinal() + gap), "day")
    assert days_apart(a, b) == days_apart(b, a) == gap
    year = PartialDate.from_parts(day, "year")
    assert days_apart(year, a) == 0


@pytest.mark.parametrize(
    ("wording", "expected"),
    [("Tokayev met Xi Jinping", "recurring"), ("встреча с Си Цзиньпином", "recurring"),
     ("първата среща", "once"), ("підписання угоди", "once"), ("berths reopened", None)],
)  # fmt: skip
def test_a_claim_of_no_stated_language_is_read_without_detection(
    wording: str, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(text: str) -> str | None:
        raise AssertionError("language detection was called")

    monkeypatch.setattr("factbase.text.language.detect_language", refuse)
    occasion_of.cache_clear()
    assert occasion_of(wording, None) == expected


def given_occasion(facts: ClaimFacts, occasion: str) -> ClaimFacts:
    """``facts`` with a person's word on its occasion (`--once`, `--occasion`)."""
    return replace(facts, occasion=occasion, occasion_given=True)


@pytest.mark.parametrize(("wording", "language"), MEETINGS)
def test_a_recurring_relation_marked_once_conflicts_when_its_dates_differ(
    wording: str, language: str
) -> None:
    # "The inaugural summit" worded as a plain meeting: a person says it happened once.
    first, second = dated(wording, language, "2022-09"), dated(wording, language, "2024-07-03")
    assert compare(first, second) == []
    [finding] = compare(given_occasion(first, "once"), second)
    assert (finding.kind, finding.cause) == ("date", "direct")
    assert "marked as happening once" in finding.explanation
    # Either side's mark is the person's word on the property.
    assert [f.kind for f in compare(first, given_occasion(second, "once"))] == ["date"]
    # Its twin: the same month agrees, mark or not.
    assert compare(given_occasion(first, "once"), dated(wording, language, "2022-09-14")) == []


@pytest.mark.parametrize(("wording", "language"), ONE_OFFS)
def test_a_one_off_wording_marked_recurring_is_two_occasions(wording: str, language: str) -> None:
    # A "first" misread (a first deputy's visit, say): the person's word wins over the words.
    first, second = dated(wording, language, "2022-09"), dated(wording, language, "2024-07-03")
    assert [f.kind for f in compare(first, second)] == ["date"]
    recurring = given_occasion(first, "recurring")
    assert compare(recurring, given_occasion(second, "recurring")) == []
    # Its twin: a few days apart it is still one occasion reported twice.
    close = given_occasion(dated(wording, language, "2022-10-03"), "recurring")
    assert [f.kind for f in compare(recurring, close)] == ["date"]
