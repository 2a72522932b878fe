"""How a bulk job reads the number of workers it is asked for, and the cores it may use."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from factbase.interchange import claim_pool, export_parts
from factbase.store.workers import spare_cores, workers_asked

VARIABLE = "FACTBASE_TEST_WORKERS"


@pytest.mark.parametrize(
    ("given_text", "expected"),
    [("", None), ("   ", None), ("0", 0), ("3", 3), (" 2 ", 2), ("-4", 0), ("two", 0), ("1.5", 0)],
)
def test_the_variable_is_read_one_way(
    monkeypatch: pytest.MonkeyPatch, given_text: str, expected: int | None
) -> None:
    monkeypatch.setenv(VARIABLE, given_text)
    assert workers_asked(VARIABLE) == expected


def test_an_unset_variable_leaves_the_choice_to_the_job(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(VARIABLE, raising=False)
    assert workers_asked(VARIABLE) is None


@given(st.integers(min_value=-1000, max_value=1000))
def test_any_whole_number_asks_for_that_many_or_none(number: int) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setenv(VARIABLE, str(number))
        assert workers_asked(VARIABLE) == max(0, number)


@pytest.mark.parametrize(("cores", "spare"), [(None, 0), (1, 0), (2, 2), (8, 8)])
def test_spare_cores(monkeypatch: pytest.MonkeyPatch, cores: int | None, spare: int) -> None:
    monkeypatch.setattr(os, "cpu_count", lambda: cores)
    assert spare_cores() == spare


def test_import_dates_and_export_read_their_own_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "3")
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "0")
    assert claim_pool.dates_workers(1, wanted=False) == 3
    assert export_parts.wanted_workers() == 0
    monkeypatch.setenv(claim_pool.WORKERS_VARIABLE, "0")
    monkeypatch.setenv(export_parts.WORKERS_VARIABLE, "5")
    assert claim_pool.dates_workers(10 * claim_pool.MIN_SOURCES, wanted=True) == 0
    # The export has one worker at most: any positive number cuts it in two.
    assert export_parts.wanted_workers() == 1


def test_dates_are_read_in_workers_only_when_they_pay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(claim_pool.WORKERS_VARIABLE, raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert claim_pool.dates_workers(claim_pool.MIN_SOURCES - 1, wanted=True) == 0
    assert claim_pool.dates_workers(claim_pool.MIN_SOURCES, wanted=True) == 2
    assert claim_pool.dates_workers(claim_pool.MIN_SOURCES, wanted=False) == 0
