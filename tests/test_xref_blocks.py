"""Blocking on columns gives the pairs and counts of blocking claim by claim."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from xref_reference import Blocks as ReferenceBlocks

from factbase.analysis.xref_blocks import candidate_pairs
from factbase.analysis.xref_pairs import ClaimFeatures, XrefStats
from factbase.text.dates import PartialDate, Precision
from factbase.text.quantities import parse_quantity

SUBJECTS = [None, "entity:1", "entity:2", "entity:7", "text:cpc"]
PROPERTIES = [None, "share"]
VALUES = [None, "80%", "80 %", "около 80%", "0", "-0", "2", "70-85%", "5 млрд долларов", ">4000"]
LEMMAS = ["oil", "export", "pipe", "share", "tengiz", "нефть", "ёж", "ab", "zz", "ölü"]
START = date(2022, 1, 1)


@st.composite
def claims(draw: st.DrawFn) -> list[ClaimFeatures]:
    """Up to 160 claims of few subjects: blocks large and small, common keys and rare."""
    count = draw(st.integers(min_value=0, max_value=160))
    found = []
    ids = draw(st.lists(st.integers(1, 10_000), min_size=count, max_size=count, unique=True))
    for claim_id in ids:
        value = draw(st.sampled_from(VALUES))
        day = draw(st.one_of(st.none(), st.integers(0, 40)))
        precision = draw(st.sampled_from([Precision.DAY, Precision.YEAR]))
        when = None
        if day is not None:
            start = START + timedelta(days=day) if precision is Precision.DAY else START
            when = PartialDate(start, precision)
        as_of = draw(st.sampled_from([None, PartialDate(START, Precision.YEAR)]))
        found.append(
            ClaimFeatures(
                id=claim_id,
                source_id=draw(st.integers(1, 5)),
                # One subject and property most of the time: a block larger than LARGE_BLOCK.
                subject=draw(st.sampled_from(["entity:1"] * 6 + SUBJECTS)),
                property_key=draw(st.sampled_from(["share"] * 4 + PROPERTIES)),
                speaker_id=draw(st.sampled_from([None, 1, 3, 7])),
                polarity=draw(st.sampled_from(["affirmed", "affirmed", "denied"])),
                value=None if value is None else parse_quantity(value),
                event=when,
                as_of=as_of,
                topics=frozenset(),
                statement_lemmas=frozenset(draw(st.sets(st.sampled_from(LEMMAS), max_size=5))),
                quote=None,
                language="en",
            )
        )
    return found


@settings(max_examples=100, deadline=None)
@given(claims(), st.data())
def test_pairs_and_counts_are_those_of_claim_by_claim_blocking(
    found: list[ClaimFeatures], data: st.DataObject
) -> None:
    expected, stats = XrefStats(), XrefStats()
    reference = list(ReferenceBlocks(found, expected).pairs())
    assert list(candidate_pairs(found, stats=stats)) == reference
    assert stats == expected
    if found:
        focus = data.draw(st.sampled_from([c.id for c in found] + [0]))
        expected, stats = XrefStats(), XrefStats()
        reference = list(ReferenceBlocks(found, expected).pairs(focus))
        assert list(candidate_pairs(found, focus=focus, stats=stats)) == reference
        assert stats == expected


def test_a_large_block_is_ordered_as_tuples_sort() -> None:
    # Figures with and without units, open ends, equal keys: ties go to the lower id.
    values = [None, "80%", "около 80%", ">4000", "<5", "2", "2", "0", "-0", "7 т", "7 млн т"]
    words = ["oil", "pipe", "tengiz"]

    def claim(i: int) -> ClaimFeatures:
        value = values[i % len(values)]
        return ClaimFeatures(
            id=i, source_id=i, subject="entity:1", property_key="share", speaker_id=None,
            polarity="affirmed", value=parse_quantity(value) if value else None, event=None,
            as_of=None, topics=frozenset(), statement_lemmas=frozenset(words[: i % 4]),
            quote=None, language="en",
        )  # fmt: skip

    found = [claim(i) for i in range(1, 130)]
    expected, stats = XrefStats(), XrefStats()
    reference = list(ReferenceBlocks(found, expected).pairs())
    assert list(candidate_pairs(found, stats=stats)) == reference
    assert stats == expected
    assert stats.large_blocks == 1
