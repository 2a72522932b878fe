"""Scoring pairs in bulk gives exactly the scores of score_pair, pair by pair."""

from __future__ import annotations

from itertools import combinations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.analysis.xref import WEIGHTS, content_lemmas, score_pair
from factbase.analysis.xref_columns import ClaimColumns
from factbase.analysis.xref_pairs import ClaimFeatures
from factbase.analysis.xref_scores import Columns, _rounded
from factbase.text.dates import PartialDate
from factbase.text.quantities import parse_quantity

SUBJECTS = [None, "entity:1", "entity:2", "text:cpc", "text:tengiz"]
PROPERTIES = [None, "share", "volume"]
VALUES = [None, "80%", "около 80%", "60%", "70-85%", "2", "3", "5 млрд долларов", ">4000"]
DATES = [None, "2022", "2022-03", "2022-03-01", "2022-03-20", "2022-05-02", "2023", "2021-12"]
TOPICS = ["oil", "gas", "china"]
LEMMAS = ["oil", "export", "pipeline", "share", "tengiz", "russia", "transit"]
QUOTES = [None, "", "oil exports rose", "oil exports fell sharply", "the pipeline carries oil"]


def _date(text: str | None) -> PartialDate | None:
    return None if text is None else PartialDate.from_iso(text)


@st.composite
def claims(draw: st.DrawFn) -> list[ClaimFeatures]:
    count = draw(st.integers(min_value=2, max_value=12))
    found = []
    for claim_id in range(1, count + 1):
        value = draw(st.sampled_from(VALUES))
        found.append(
            ClaimFeatures(
                id=claim_id * 3,
                source_id=draw(st.integers(min_value=1, max_value=4)),
                subject=draw(st.sampled_from(SUBJECTS)),
                property_key=draw(st.sampled_from(PROPERTIES)),
                speaker_id=None,
                polarity=draw(st.sampled_from(["affirmed", "affirmed", "denied"])),
                value=None if value is None else parse_quantity(value),
                event=_date(draw(st.sampled_from(DATES))),
                as_of=_date(draw(st.sampled_from(DATES))),
                topics=frozenset(draw(st.sets(st.sampled_from(TOPICS)))),
                statement_lemmas=frozenset(draw(st.sets(st.sampled_from(LEMMAS)))),
                quote=draw(st.sampled_from(QUOTES)),
                language=draw(st.sampled_from([None, "en", "en", "ru"])),
            )
        )
    return found


@settings(max_examples=300, deadline=None)
@given(claims(), st.sets(st.sampled_from(SUBJECTS[1:])))
def test_bulk_scores_are_the_scores_of_score_pair(
    found: list[ClaimFeatures], common: set[str]
) -> None:
    columns = Columns(ClaimColumns.of(found, content_lemmas), WEIGHTS, frozenset(common))
    pairs = list(combinations(range(len(found)), 2))
    a = np.array([i for i, _ in pairs], dtype=np.int64)
    b = np.array([j for _, j in pairs], dtype=np.int64)
    scores, valid = columns.scores(a, b)
    for n, (i, j) in enumerate(pairs):
        one = score_pair(found[i], found[j], common_subjects=frozenset(common), explain=False)
        assert bool(valid[n]) == (one is not None)
        if one is not None:
            assert float(scores[n]) == one.score  # the same float, not merely close


def test_a_claim_with_itself_is_no_pair() -> None:
    found = [
        ClaimFeatures(1, 1, "entity:1", "share", None, "affirmed", None, None, None,
                      frozenset(), frozenset({"oil"}), None, "en"),
    ]  # fmt: skip
    columns = ClaimColumns.of(found, content_lemmas)
    _, valid = Columns(columns, WEIGHTS).scores(np.array([0]), np.array([0]))
    assert not valid[0]


@given(st.floats(min_value=0.0, max_value=1.0))
def test_rounding_is_pythons(score: float) -> None:
    assert float(_rounded(np.array([score]), 3)[0]) == round(score, 3)


def test_rounding_of_halves_is_pythons() -> None:
    # Scores whose thousandths end in a half, as far as binary floats can say it.
    halves = [n / 1000 + 0.0005 for n in range(1000)] + [0.1235, 0.2345, 0.0015, 0.9995]
    expected = [round(score, 3) for score in halves]
    assert _rounded(np.array(halves), 3).tolist() == expected
