"""The pure comparison of two claims (factbase.analysis.conflicts.compare): no database.

Every rule has its twin: the pair that must conflict next to the nearly identical pair
that must not, so a rule that always (or never) fires fails here.
"""

from __future__ import annotations

import math
import re
from datetime import date

import pytest
from helpers import CONFLICT_BLOCK as BLOCK
from helpers import conflict_facts as facts
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.analysis.conflict_rules import CAUSE_ORDER, EDGE_TOLERANCE, Finding, compare
from factbase.text.dates import PartialDate
from factbase.text.quantities import Quantity, parse_quantity, quantity_from_parts
from factbase.vocabulary import CONFLICT_CAUSES


def kinds(findings: list[Finding]) -> list[str]:
    return [finding.kind for finding in findings]


def only(findings: list[Finding], kind: str) -> Finding:
    assert kinds(findings) == [kind], findings
    return findings[0]


# -- values ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("около 80%", "близо 80%"),  # ru and bg "about 80 %"
        ("over 4 thousand", "about 4,200"),
        ("80%", "80 %"),
        ("up to 20 million tonnes", "19 million tonnes"),
        ("почти 80%", "78%"),  # almost: 72..80
        ("10–15 %", "около 12%"),
    ],
)
def test_values_whose_intervals_overlap_agree(first: str, second: str) -> None:
    assert compare(facts(first), facts(second)) == []
    assert compare(facts(second), facts(first)) == []


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("~80%", "60%"),
        ("up to 20 million tonnes", "22 million tonnes"),
        ("over 4 thousand", "about 3,000"),
        ("почти 80%", "81%"),
        ("10–15 %", "около 20%"),
    ],
)
def test_values_whose_intervals_are_disjoint_conflict(first: str, second: str) -> None:
    finding = only(compare(facts(first), facts(second)), "value")
    assert finding.cause in CAUSE_ORDER
    assert kinds(compare(facts(second), facts(first))) == ["value"]


def test_figures_for_different_years_do_not_conflict_but_the_same_year_does() -> None:
    old, new = facts("80%", as_of="2019"), facts("60%", as_of="2022")
    assert compare(old, new) == []
    same_year = facts("80%", as_of="2022")
    assert kinds(compare(same_year, new)) == ["value"]


def test_an_unknown_as_of_overlaps_every_period() -> None:
    undated = facts("80%", as_of=None)
    for year in ("2019", "2022", "2024-03-01"):
        finding = only(compare(undated, facts("60%", as_of=year)), "value")
        # Undated against dated: not known to be another period, so not "time-scope";
        # a cause of its own, which a reviewer meets right after direct ones.
        assert finding.cause == "unknown-time"
    # Its twin: both periods known and different (but overlapping) is "time-scope".
    finding = only(compare(facts("80%", as_of="2022"), facts("60%", as_of="2022-03")), "value")
    assert finding.cause == "time-scope"
    # And the same period on both sides is "direct".
    assert only(compare(facts("80%"), facts("60%")), "value").cause == "direct"


def test_unknown_time_is_ranked_right_after_direct() -> None:
    ranked = sorted(CAUSE_ORDER, key=CAUSE_ORDER.__getitem__)
    assert ranked[:2] == ["direct", "unknown-time"]
    assert set(ranked) == set(CONFLICT_CAUSES)


def test_two_undated_figures_are_a_direct_conflict() -> None:
    undated = facts("80%", as_of=None)
    both_undated = only(compare(undated, facts("60%", as_of=None)), "value")
    assert both_undated.cause == "direct"


def test_different_currencies_are_never_compared() -> None:
    tenge, dollars = facts("441 млрд тенге"), facts("918 million dollars")
    assert tenge.value is not None and dollars.value is not None
    assert (tenge.value.unit, dollars.value.unit) == ("KZT", "USD")
    assert compare(tenge, dollars) == []
    # The twin: the same currency and a different amount is a conflict.
    assert kinds(compare(tenge, facts("918 млрд тенге"))) == ["value"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("20 million tonnes", "30 million barrels"),
        ("80%", "60 million tonnes"),
        ("80", "60%"),  # no unit at all vs percent
        ("20 km", "30 MW"),
    ],
)
def test_values_in_different_units_are_not_compared(first: str, second: str) -> None:
    assert compare(facts(first), facts(second)) == []


def test_same_unit_twin_of_the_unit_rule() -> None:
    assert kinds(compare(facts("20 million tonnes"), facts("30 million tonnes"))) == ["value"]
    assert kinds(compare(facts("20 million barrels"), facts("30 million barrels"))) == ["value"]


def test_only_claims_of_one_block_are_compared() -> None:
    a = facts("80%")
    other_property = facts("60%", block=("entity:1", "share of kazakhstan gas exports"))
    other_subject = facts("60%", block=("entity:2", BLOCK[1]))
    text_subject = facts("60%", block=("text:cpc", BLOCK[1]))
    assert compare(a, other_property) == []
    assert compare(a, other_subject) == []
    assert compare(a, text_subject) == []
    assert compare(a, facts("60%", block=None)) == []
    assert compare(facts("80%", block=None), facts("60%", block=None)) == []
    assert kinds(compare(a, facts("60%"))) == ["value"]


def test_a_claim_is_not_compared_with_itself() -> None:
    a = facts("80%", id=7)
    assert compare(a, a) == []
    assert compare(a, facts("60%", id=7)) == []


def test_value_comparison_needs_the_same_polarity() -> None:
    affirmed, denied = facts("80%"), facts("80%", polarity="denied")
    # Denying the affirmed figure is a polarity finding, not a second, value finding.
    assert kinds(compare(affirmed, denied)) == ["polarity"]


def test_figures_about_different_events_are_not_compared() -> None:
    first = facts("80%", event="2022-01")
    # The event dates disagree (a date finding); the figures are not compared as well.
    assert kinds(compare(first, facts("60%", event="2022-03"))) == ["date"]
    assert kinds(compare(first, facts("80%", event="2022-03"))) == ["date"]
    assert kinds(compare(first, facts("60%", event="2022-01-15"))) == ["value"]
    assert kinds(compare(first, facts("60%"))) == ["value"]  # one event unknown


def test_a_claim_without_a_value_has_no_value_finding() -> None:
    assert compare(facts("80%"), facts(None)) == []
    assert compare(facts(None), facts(None)) == []


# -- causes -----------------------------------------------------------------------------


def test_exact_against_exact_for_the_same_period_is_direct() -> None:
    finding = only(compare(facts("80%"), facts("60%")), "value")
    assert finding.cause == "direct"
    # Even when the gap is tiny: two exact figures cannot both be right.
    assert only(compare(facts("80%"), facts("82%")), "value").cause == "direct"


def test_approximation_just_outside_its_band_is_an_approximation() -> None:
    approx = facts("около 80%")  # 72..88
    assert approx.value is not None and approx.value.high == pytest.approx(88)
    finding = only(compare(approx, facts("89%")), "value")
    assert finding.cause == "approximation"
    assert only(compare(facts("89%"), approx), "value").cause == "approximation"
    # The twin: far outside the band is direct, whatever the qualifier.
    assert only(compare(approx, facts("100%")), "value").cause == "direct"
    assert only(compare(facts("~80%"), facts("60%")), "value").cause == "direct"


def test_edge_tolerance_boundary() -> None:
    approx = facts("около 80%")  # 72..88; the larger figure sets the scale of the tolerance
    assert pytest.approx(0.10) == EDGE_TOLERANCE
    # 98 % (97.5..98.5): a gap of 9.5 is within 10 % of 98.
    assert only(compare(approx, facts("98%")), "value").cause == "approximation"
    # 99 % (98.5..99.5): a gap of 10.5 is more than 10 % of 99.
    assert only(compare(approx, facts("99%")), "value").cause == "direct"


def test_overlapping_periods_of_different_scope_are_time_scope() -> None:
    year, month = facts("80%", as_of="2022"), facts("60%", as_of="2022-07")
    assert only(compare(year, month), "value").cause == "time-scope"
    assert only(compare(month, year), "value").cause == "time-scope"
    # Scope is checked before looseness: an approximation across scopes is still time-scope.
    assert only(compare(facts("~80%"), facts("89%", as_of="2022-07")), "value").cause == (
        "time-scope"
    )
    # The twin: the same month on both sides is direct.
    assert only(compare(facts("80%", as_of="2022-07"), month), "value").cause == "direct"


def test_value_explanation_names_both_sides() -> None:
    a = facts("около 80%", outlet="SilkBridge.info", language="ru", as_of="2022")
    b = facts("60%", outlet="Ukrinform", language="uk", as_of="2022")
    finding = only(compare(a, b), "value")
    text = finding.explanation
    assert text.startswith("CPC · share of Kazakhstan oil exports: ")
    assert "80 % ±10 % (SilkBridge.info, ru, 2022) vs 60 % (Ukrinform, uk, 2022)" in text
    assert text.index("SilkBridge.info") < text.index("Ukrinform")


def test_explanation_falls_back_to_publication_date_and_unknowns() -> None:
    a = facts("80%", as_of=None, published="2023-02", language=None)
    b = facts("60%", as_of=None, published=None, outlet="TASS", language="ru")
    text = only(compare(a, b), "value").explanation
    assert "(SilkBridge.info, ?, 2023-02)" in text
    assert "(TASS, ru, undated)" in text


# -- event dates ------------------------------------------------------------------------


def test_event_dates_that_agree_at_the_coarser_precision_do_not_conflict() -> None:
    month, day = facts(event="November 2023"), facts(event="1 November 2023")
    assert compare(month, day) == []
    assert compare(day, month) == []
    assert compare(facts(event="2023"), facts(event="30 November 2023")) == []


def test_different_days_conflict() -> None:
    first, second = facts(event="1 November 2023"), facts(event="2 November 2023")
    finding = only(compare(first, second), "date")
    assert finding.cause == "direct"
    assert "1 Nov 2023" in finding.explanation and "2 Nov 2023" in finding.explanation
    assert kinds(compare(facts(event="November 2023"), facts(event="1 December 2023"))) == ["date"]


def test_event_dates_of_different_periods_or_polarities_are_not_compared() -> None:
    first = facts(event="1 November 2023", as_of="2022")
    assert compare(first, facts(event="2 November 2023", as_of="2023")) == []
    denied = facts(event="1 November 2023", polarity="denied")
    # Denying the event of the same day is a polarity finding, not also a date finding.
    assert kinds(compare(facts(event="1 November 2023"), denied)) == ["polarity"]
    assert compare(facts(event="1 November 2023"), facts(event=None)) == []


# -- polarity ---------------------------------------------------------------------------


def test_affirmed_against_denied_conflicts() -> None:
    affirmed, denied = facts(as_of="2022"), facts(as_of="2022", polarity="denied")
    finding = only(compare(affirmed, denied), "polarity")
    assert finding.cause == "direct"
    assert "affirmed (SilkBridge.info, ru, 2022) vs denied" in finding.explanation
    assert only(compare(denied, affirmed), "polarity").cause == "direct"


def test_affirmed_against_denied_for_another_period_is_time_scope() -> None:
    finding = only(compare(facts(as_of="2022"), facts(as_of="2023", polarity="denied")), "polarity")
    assert finding.cause == "time-scope"
    # One side undated is not another period: its own cause.
    assert only(compare(facts(as_of=None), facts(polarity="denied")), "polarity").cause == (
        "unknown-time"
    )


def test_same_polarity_does_not_conflict() -> None:
    assert compare(facts(), facts()) == []
    assert compare(facts(polarity="denied"), facts(polarity="denied")) == []


def test_two_denials_never_contradict() -> None:
    assert compare(facts("80%", polarity="denied"), facts("60%", polarity="denied")) == []
    first = facts(event="1 November 2023", polarity="denied")
    assert compare(first, facts(event="5 November 2023", polarity="denied")) == []


def test_denying_another_figure_or_event_is_not_a_direct_contradiction() -> None:
    assert compare(facts("около 80%"), facts("60%", polarity="denied")) == []
    visited = facts(event="1 November 2023")
    findings = compare(visited, facts(event="5 November 2023", polarity="denied"))
    assert all(finding.cause != "direct" for finding in findings), findings
    # The twins stay conflicts: denying the very figure or day that is affirmed.
    assert kinds(compare(facts("около 80%"), facts("80%", polarity="denied"))) == ["polarity"]
    same_day = facts(event="1 November 2023", polarity="denied")
    assert kinds(compare(visited, same_day)) == ["polarity"]


def test_one_pair_can_disagree_in_two_ways() -> None:
    a = facts("80%", event="1 November 2023")
    b = facts("60%", event="1 November 2023")
    assert kinds(compare(a, b)) == ["value"]
    c = facts(None, event="2 November 2023")
    assert kinds(compare(a, c)) == ["date"]


def test_cause_order_puts_direct_first() -> None:
    order = sorted(CAUSE_ORDER, key=CAUSE_ORDER.__getitem__)
    assert order[0] == "direct"
    assert order.index("time-scope") > order.index("direct")
    assert order.index("approximation") > order.index("direct")


# -- properties -------------------------------------------------------------------------

QUALIFIERS = ("exact", "approx", "almost", "over", "at_least", "under", "up_to")
quantities = st.builds(
    quantity_from_parts,
    st.integers(min_value=-10_000, max_value=10_000),
    st.sampled_from([None, "%", "t", "USD"]),
    st.sampled_from(QUALIFIERS),
)
periods = st.sampled_from([None, "2021", "2022", "2022-07", "2022-07-15", "2023"])


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(quantities, quantities, periods, periods)
def test_value_conflict_iff_disjoint_and_comparable(
    first: Quantity, second: Quantity, as_of_a: str | None, as_of_b: str | None
) -> None:
    a, b = facts(first, as_of=as_of_a), facts(second, as_of=as_of_b)
    found = compare(a, b)
    periods_overlap = a.as_of is None or b.as_of is None or a.as_of.overlaps(b.as_of)
    expected = first.unit == second.unit and periods_overlap and not first.overlaps(second)
    assert (kinds(found) == ["value"]) is expected
    # Symmetric: the order of the two claims changes nothing but the wording.
    assert [(f.kind, f.cause) for f in compare(b, a)] == [(f.kind, f.cause) for f in found]
    if expected:
        assert first.describe() in found[0].explanation
        assert second.describe() in found[0].explanation


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(quantities, periods)
def test_a_figure_never_conflicts_with_itself(quantity: Quantity, as_of: str | None) -> None:
    assert compare(facts(quantity, as_of=as_of), facts(quantity, as_of=as_of)) == []


DAYS = st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))
PRECISIONS = st.sampled_from(["day", "month", "year"])


@settings(max_examples=200, deadline=None)
@given(DAYS, DAYS, PRECISIONS, PRECISIONS)
def test_date_conflict_iff_the_coarser_periods_differ(
    day_a: date, day_b: date, precision_a: str, precision_b: str
) -> None:
    first = PartialDate.from_parts(day_a, precision_a)
    second = PartialDate.from_parts(day_b, precision_b)
    a, b = facts(event=first.iso()), facts(event=second.iso())
    coarser = max((precision_a, precision_b), key=["day", "month", "year"].index)
    same = PartialDate.from_parts(day_a, coarser) == PartialDate.from_parts(day_b, coarser)
    assert (kinds(compare(a, b)) == ["date"]) is (not same)
    assert (kinds(compare(b, a)) == ["date"]) is (not same)


def test_describe_forms_used_in_explanations() -> None:
    # The explanation relies on these stable short forms.
    assert parse_quantity("около 80%").describe() == "80 % ±10 %"
    assert parse_quantity("60%").describe() == "60 %"
    assert parse_quantity("over 4 thousand").describe() == ">4 000"
    assert re.fullmatch(r"≤20 000 000 t", parse_quantity("up to 20 million tonnes").describe())
    assert math.isclose(parse_quantity("about 4,200").value, 4200)


# -- approximate figures that touch at the edges of their ranges --------------------------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("about 70%", "about 80%"),
        ("около 70%", "примерно 80%"),
        ("близо 70%", "около 80%"),
        ("близько 70%", "приблизно 80%"),
        ("about 4,000", "about 4,800"),
        ("около 70 млн т", "около 80 Mt"),
    ],
)
def test_approximate_figures_whose_centres_are_apart_conflict(first: str, second: str) -> None:
    a, b = facts(first), facts(second)
    assert a.value is not None and b.value is not None and a.value.overlaps(b.value)
    finding = only(compare(a, b), "value")
    assert finding.cause == "approximation"
    assert only(compare(b, a), "value").cause == "approximation"


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("about 75%", "about 80%"),  # 80 lies within 75 ± 7.5
        ("около 75%", "примерно 80%"),
        ("близо 75%", "около 80%"),
        ("близько 75%", "приблизно 80%"),
        ("около 80%", "близо 80%"),
        ("over 4,000", "about 4,500"),  # "over" has no centre: its interval decides
        ("about 75%", "80%"),  # the exact figure lies within the approximate one
        ("10–15 %", "около 16%"),  # a range has no centre either
        ("около 72%", "около 80%"),  # 8 apart: the larger tolerance (8) still allows it
    ],
)
def test_approximate_figures_whose_centres_are_close_agree(first: str, second: str) -> None:
    assert compare(facts(first), facts(second)) == []
    assert compare(facts(second), facts(first)) == []


def test_approximate_figures_of_another_period_keep_their_time_cause() -> None:
    finding = only(compare(facts("about 70%", as_of="2022-03"), facts("about 80%")), "value")
    assert finding.cause == "time-scope"


@given(
    st.integers(min_value=1, max_value=10_000),
    st.integers(min_value=1, max_value=10_000),
)
def test_centres_apart_is_symmetric_and_needs_more_than_the_larger_tolerance(
    x: int, y: int
) -> None:
    a, b = facts(f"about {x}%"), facts(f"about {y}%")
    assert a.value is not None and b.value is not None
    apart = bool(compare(a, b))
    assert apart == bool(compare(b, a))
    # ±10 %: the larger figure's tolerance is a tenth of it (never under half a unit).
    larger = max(max(x, y) / 10, 0.5)
    assert apart == (abs(x - y) > larger)
