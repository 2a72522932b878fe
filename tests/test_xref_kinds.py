"""What xref suggests two claims are to each other: same, supports, refines, update,
contradicts (`factbase.analysis.xref_pairs.pair_kind`).

Each kind is tested with its twin, the pair that differs in the one thing that decides
between them: the same period or two periods, a narrower figure or a figure outside,
one year or the next. The claims are in English, Russian, Bulgarian and Ukrainian, with
their figures as each language writes them.
"""

from __future__ import annotations

from dataclasses import replace
from itertools import combinations

from hypothesis import given
from hypothesis import strategies as st

from factbase.analysis.xref import content_lemmas, score_pair
from factbase.analysis.xref_pairs import ClaimFeatures, pair_kind, scope
from factbase.text.dates import PartialDate
from factbase.text.quantities import parse_quantity
from factbase.vocabulary import XREF_KINDS

SUBJECT = "entity:1"  # the CPC pipeline, resolved through its aliases
SHARE = "share of kazakhstan oil exports"


def claim(
    claim_id: int,
    statement: str,
    language: str,
    value: str | None = None,
    *,
    as_of: str | None = None,
    event: str | None = None,
    published: str | None = None,
    polarity: str = "affirmed",
    prop: str | None = SHARE,
) -> ClaimFeatures:
    def when(text: str | None) -> PartialDate | None:
        return None if text is None else PartialDate.from_iso(text)

    return ClaimFeatures(
        id=claim_id,
        source_id=claim_id,
        subject=SUBJECT,
        property_key=prop,
        speaker_id=None,
        polarity=polarity,
        value=None if value is None else parse_quantity(value),
        event=when(event),
        as_of=when(as_of),
        topics=frozenset({"oil"}),
        statement_lemmas=content_lemmas(statement, language),
        quote=None,
        language=language,
        published=when(published),
    )


def en(claim_id: int, value: str | None = "about 80%", **when: str) -> ClaimFeatures:
    return claim(
        claim_id, "About 80% of Kazakh oil exports go through the CPC.", "en", value, **when
    )


def ru(claim_id: int, value: str | None = "около 80%", **when: str) -> ClaimFeatures:
    return claim(
        claim_id, "Около 80% казахстанского экспорта нефти идёт через КТК.", "ru", value, **when
    )


def bg(claim_id: int, value: str | None = "близо 80%", **when: str) -> ClaimFeatures:
    return claim(claim_id, "Близо 80% от износа на петрол минава през КТК.", "bg", value, **when)


def uk(claim_id: int, value: str | None = "близько 80%", **when: str) -> ClaimFeatures:
    return claim(claim_id, "Близько 80% експорту нафти йде через КТК.", "uk", value, **when)


def kind_of(a: ClaimFeatures, b: ClaimFeatures) -> str:
    """The kind, checked to be the same whichever claim comes first, and to be what
    :func:`score_pair` carries."""
    kind = pair_kind(a, b)
    assert pair_kind(b, a) == kind
    scored = score_pair(a, b)
    assert scored is not None
    assert (scored.kind, scored.kind_reason, scored.lead) == (kind.kind, kind.reason, kind.lead)
    return kind.kind


# -- same and update: one period or two ------------------------------------------------------


def test_same_period_and_value_is_same_and_the_next_year_is_an_update() -> None:
    for first, second in combinations((en, ru, bg, uk), 2):
        assert kind_of(first(1, as_of="2022"), second(2, as_of="2022")) == "same"
        later = pair_kind(first(1, as_of="2022"), second(2, as_of="2023"))
        assert (later.kind, later.lead) == ("update", 2)
        assert later.reason == "update: claim 2 (2023) is later than claim 1 (2022)"


def test_the_reported_pair_is_an_update_not_the_same_claim() -> None:
    """ "about 70% (as of 2023)" against "около 80% (as of 2022)": values agree, years differ."""
    a = en(1, "about 70%", as_of="2023")
    b = ru(2, "около 80%", as_of="2022")
    suggestion = score_pair(a, b)
    assert suggestion is not None
    assert "values agree: 70 % ±10 % ~ 80 % ±10 %" in suggestion.reasons
    assert (suggestion.kind, suggestion.lead) == ("update", 1)
    assert suggestion.kind_reason == "update: claim 1 (2023) is later than claim 2 (2022)"
    # The same two figures of one year agree only roughly: supporting, not the same.
    assert kind_of(a, replace(b, as_of=a.as_of)) == "supports"


def test_the_time_scope_is_as_of_else_event_else_publication() -> None:
    bare = uk(1)
    assert scope(bare) is None
    published = replace(bare, published=PartialDate.from_iso("2023-01"))
    assert scope(published) == PartialDate.from_iso("2023-01")
    happened = replace(published, event=PartialDate.from_iso("2022-11"))
    assert scope(happened) == PartialDate.from_iso("2022-11")
    held = replace(happened, as_of=PartialDate.from_iso("2022"))
    assert scope(held) == PartialDate.from_iso("2022")
    # Two reports without dates of their own are of the months they were published in.
    assert kind_of(bg(1, published="2022-07"), uk(2, published="2022-07")) == "same"
    assert kind_of(bg(1, published="2022-07"), uk(2, published="2023-01")) == "update"
    # An as-of date outranks the publication date: a 2023 article on the 2022 figure.
    assert (
        kind_of(bg(1, as_of="2022", published="2022-07"), uk(2, as_of="2022", published="2023-01"))
        == "same"
    )
    # No date on one claim: nothing tells the periods apart.
    assert kind_of(bg(1, as_of="2022"), uk(2)) == "same"


def test_a_year_covers_its_months_and_adjacent_periods_do_not_overlap() -> None:
    # 2022 holds March 2022: one period (finer inside coarser), not two.
    assert kind_of(ru(1, as_of="2022"), bg(2, as_of="2022-03")) == "refines"
    assert kind_of(ru(1, as_of="2022-12"), bg(2, as_of="2023-01")) == "update"
    assert kind_of(ru(1, as_of="2022-12-31"), bg(2, as_of="2023")) == "update"


@given(
    st.sampled_from([en, ru, bg, uk]),
    st.sampled_from([en, ru, bg, uk]),
    st.integers(2000, 2030),
    st.integers(1, 5),
    st.sampled_from(["", "-06", "-06-15"]),
    st.sampled_from(["about 70%", "около 80%", "80%", "70-85%", None]),
)
def test_one_series_in_two_periods_is_never_same(
    first: object, second: object, year: int, gap: int, finer: str, value: str | None
) -> None:
    a = first(1, as_of=f"{year}{finer}")  # type: ignore[operator]
    b = second(2, value, as_of=f"{year + gap}")  # type: ignore[operator]
    kind = pair_kind(a, b)
    assert kind.kind == "update" and kind.lead == 2


# -- refines and contradicts: a figure inside or outside -------------------------------------


def test_a_narrower_figure_inside_refines_and_one_outside_contradicts() -> None:
    broad = ru(1, as_of="2022")
    narrow = uk(2, "80%", as_of="2022")
    refined = pair_kind(broad, narrow)
    assert (refined.kind, refined.lead) == ("refines", 2)
    assert refined.reason == "refines: claim 2 narrows 80 % ±10 % to 80 %"
    outside = uk(2, "лише 40%", as_of="2022")
    contradiction = pair_kind(broad, outside)
    assert (contradiction.kind, contradiction.lead) == ("contradicts", None)
    assert contradiction.reason == "contradicts: values differ (2022): 80 % ±10 % vs 40 %"
    # A range holding the figure is refined by it too, in Bulgarian and English.
    assert pair_kind(bg(1, "70-85%", as_of="2022"), en(2, "80%", as_of="2022")).lead == 2


def test_a_finer_date_inside_refines_and_a_figure_outside_it_still_contradicts() -> None:
    year = bg(1, as_of="2022")
    month = en(2, "about 80%", as_of="2022-05")
    assert pair_kind(year, month) == pair_kind(month, year)
    assert pair_kind(year, month).lead == 2
    assert pair_kind(year, month).reason == "refines: claim 2 narrows 2022 to May 2022"
    assert kind_of(year, en(2, "40%", as_of="2022-05")) == "contradicts"


def test_narrower_in_value_but_broader_in_time_only_supports() -> None:
    a = ru(1, "80%", as_of="2022")
    b = uk(2, "близько 80%", as_of="2022-05")
    kind = pair_kind(a, b)
    assert kind.kind == "supports"
    assert kind.reason == "supports: claim 1 is narrower in value, claim 2 in time"


# -- supports and same: broader or equal -----------------------------------------------------


def test_a_claim_without_a_figure_supports_one_with_and_two_without_are_the_same() -> None:
    figure = bg(1, as_of="2022")
    words = uk(2, None, as_of="2022")
    assert pair_kind(figure, words).reason == "supports: only claim 1 states a figure"
    assert kind_of(en(1, None, as_of="2022"), words) == "same"


def test_claims_of_other_properties_in_two_periods_support_each_other_at_most() -> None:
    a = ru(1, as_of="2022", prop="oil exports")
    b = en(2, as_of="2023")
    assert kind_of(a, b) == "supports"
    assert pair_kind(a, b).reason == "supports: different periods (2022 vs 2023), not one report"
    assert kind_of(a, replace(b, as_of=a.as_of)) == "same"


# -- contradicts and update: opposite polarity ----------------------------------------------


def test_opposite_polarity_contradicts_in_one_period_and_is_an_update_across_two() -> None:
    said = bg(1, None, as_of="2022")
    denied = claim(2, "Казахстан не се отдалечава от Русия.", "bg", polarity="denied", as_of="2022")
    assert pair_kind(said, denied).kind == "contradicts"
    assert pair_kind(said, denied).reason == "contradicts: opposite polarity (2022)"
    later = replace(denied, as_of=PartialDate.from_iso("2024"))
    assert (pair_kind(said, later).kind, pair_kind(said, later).lead) == ("update", 2)
    # Opposite polarity is never scored as a suggestion, whatever its kind.
    assert score_pair(said, denied) is None


def test_every_kind_is_one_the_vocabulary_declares() -> None:
    kinds = {
        pair_kind(a, b).kind
        for a in (en(1, as_of="2022"), ru(1, "80%", as_of="2022"), bg(1, None, as_of="2023"))
        for b in (uk(2, as_of="2022"), uk(2, "40%", as_of="2022"), uk(2, as_of="2022-04"))
    }
    assert kinds == set(XREF_KINDS)
