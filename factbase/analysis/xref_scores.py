"""The scores of many xref pairs at once: :func:`factbase.analysis.xref.score_pair` in bulk.

A full `xref` scores millions of pairs (about 14 per claim) and keeps a few. Scoring them
one call at a time spent two thirds of its time in Python's per-call overhead, so here a
chunk of pairs is scored with a few array operations per piece of evidence, on the claims'
columns (:class:`~factbase.analysis.xref_columns.ClaimColumns`).

The arithmetic is the one of ``score_pair`` done in the same order (float64 products of
the same factors, a factor of 1.0 where a piece of evidence is absent, which changes
nothing), so every score is the same float, rounded as Python's ``round`` rounds; the
equivalence tests hold the two together. The wording's Jaccard is worked out once per
distinct pair of lemma sets in a chunk, on the sets' integer ids. Reasons and kinds are
left to ``score_pair``, called for the few pairs kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from factbase.analysis.xref_columns import (
    COARSENESS,
    NONE,
    ClaimColumns,
    Flags,
    Floats,
    Integers,
    Ints,
    distinct_places,
)


@dataclass(frozen=True)
class Weights:
    """The weights of :mod:`factbase.analysis.xref` (its docstring says what each is for)."""

    same_block: float
    same_subject: float
    values_agree: float
    values_agree_loose: float
    topics: float
    wording: float
    wording_saturation: float
    dates: dict[str, float]
    close_days: int
    penalty_values_differ: float
    penalty_events_differ: float
    penalty_other_entities: float
    score_digits: int


class Columns:
    """The scores of pairs of claims, by their positions in ``columns``.
    ``common_subjects`` as for ``score_pair``."""

    def __init__(
        self,
        columns: ClaimColumns,
        weights: Weights,
        common_subjects: frozenset[str] = frozenset(),
    ) -> None:
        self.weights = weights
        self.columns = c = columns
        self.ids, self.source, self.polarity = c.ids, c.source, c.polarity
        self.block, self.subject, self.entity = c.block, c.subject, c.entity
        common = np.array([key in common_subjects for key in c.entity_keys] + [False])
        self.common = common[c.subject]  # NONE is the last entry
        self.has_value, self.unit, self.unit_given = c.unit != NONE, c.unit, c.unit_given
        self.low, self.high = c.low, c.high
        self.topics = c.topics
        sets = c.topic_sets
        # Few distinct topic sets: the Jaccard of every two of them, looked up per pair.
        self.topic_jaccard = np.array(
            [[_jaccard(a, b) if a & b else 0.0 for b in sets] for a in sets], dtype=np.float64
        ).reshape(len(sets), len(sets))
        self.event, self.as_of = c.event, c.as_of

    def positions(self, ids: Ints) -> Ints:
        """Where the claims of ``ids`` are in the columns."""
        return self.columns.positions(ids)

    def scores(self, a: Ints, b: Ints) -> tuple[Floats, Flags]:
        """The rounded score of each pair (a[i], b[i]) of positions, and whether it is one:
        False where ``score_pair`` gives None (opposite polarity, one claim twice)."""
        w = self.weights
        valid = (self.polarity[a] == self.polarity[b]) & (self.ids[a] != self.ids[b])
        missing = np.ones(len(a), dtype=np.float64)
        penalty = np.ones(len(a), dtype=np.float64)

        same_block = (self.block[a] == self.block[b]) & (self.block[a] != NONE)
        subject = (self.subject[a] == self.subject[b]) & (self.subject[a] != NONE)
        same_subject = ~same_block & subject
        strength = np.where(same_block, w.same_block, 0.0)
        strength = np.where(same_subject & ~self.common[a], w.same_subject, strength)
        missing *= 1.0 - strength
        other_entities = ~same_block & ~same_subject & self.entity[a] & self.entity[b]
        penalty *= np.where(other_entities, w.penalty_other_entities, 1.0)

        values = self.has_value[a] & self.has_value[b] & (self.unit[a] == self.unit[b])
        overlap = np.maximum(self.low[a], self.low[b]) <= np.minimum(self.high[a], self.high[b])
        agree = np.where(same_block, w.values_agree, w.values_agree_loose)
        agree = np.where(same_block | self.unit_given[a], agree, 0.0)
        missing *= 1.0 - np.where(values & overlap, agree, 0.0)
        penalty *= np.where(values & ~overlap, w.penalty_values_differ, 1.0)

        shared = self.topic_jaccard[self.topics[a], self.topics[b]]
        missing *= 1.0 - w.topics * shared

        missing *= 1.0 - self._wording(a, b)

        date_strength, date_penalty = self._dates(a, b)
        missing *= 1.0 - date_strength
        penalty *= date_penalty

        return _rounded((1.0 - missing) * penalty, w.score_digits), valid

    def _wording(self, a: Ints, b: Ints) -> Floats:
        w = self.weights
        c = self.columns
        overlap = self._jaccard(c.statement[a], c.statement[b])
        language = c.quote_language[a]
        quoted = np.flatnonzero((language != NONE) & (language == c.quote_language[b]))
        if len(quoted):
            quotes = self._jaccard(c.quote[a[quoted]], c.quote[b[quoted]])
            overlap[quoted] = np.maximum(overlap[quoted], quotes)
        return np.where(
            overlap > 0.0, w.wording * np.minimum(1.0, overlap / w.wording_saturation), 0.0
        )

    def _jaccard(self, first: Integers, second: Integers) -> Floats:
        """The Jaccard of lemma sets ``first[i]`` and ``second[i]``, each distinct pair of
        sets worked out once: claims repeat their wording."""
        count = len(self.columns.lemma_sets.sizes)
        pairs, where = distinct_places(first.astype(np.int64) * count + second)
        found: Floats = self.columns.lemma_sets.jaccard(pairs // count, pairs % count)[where]
        return found

    def _dates(self, a: Ints, b: Ints) -> tuple[Floats, Floats]:
        w = self.weights
        e_known, e_start, e_end, e_coarse = self.event
        s_known, s_start, s_end, s_coarse = self.as_of
        is_event = e_known[a] & e_known[b]
        use = is_event | (s_known[a] & s_known[b])
        start_a = np.where(is_event, e_start[a], s_start[a])
        start_b = np.where(is_event, e_start[b], s_start[b])
        end_a = np.where(is_event, e_end[a], s_end[a])
        end_b = np.where(is_event, e_end[b], s_end[b])
        coarse = np.maximum(
            np.where(is_event, e_coarse[a], s_coarse[a]),
            np.where(is_event, e_coarse[b], s_coarse[b]),
        )
        overlapping = (start_a <= end_b) & (start_b <= end_a)
        days = np.where(overlapping, 0, np.maximum(start_b - end_a, start_a - end_b))
        weights = np.array([w.dates["day"], w.dates["month"], w.dates["year"]])
        weight = weights[coarse]
        strength = np.where(days == 0, weight, 0.0)
        close = (days > 0) & (days <= w.close_days) & (coarse == COARSENESS["day"])
        strength = np.where(close, weight / 2, strength)
        far_events = is_event & (days > w.close_days)
        penalty = np.where(use & far_events, w.penalty_events_differ, 1.0)
        return np.where(use, strength, 0.0), penalty


def _jaccard(first: frozenset[str], second: frozenset[str]) -> float:
    shared = len(first & second)
    union = len(first) + len(second) - shared
    return shared / union if union else 0.0


def _rounded(scores: Floats, digits: int) -> Floats:
    """``round(score, digits)`` for each score, the same floats Python's round gives.

    Scaling, rounding to an integer and scaling back is exact except where the scaled
    score lies within rounding error of a half; those few are rounded by Python."""
    scale = 10.0**digits
    scaled = scores * scale
    rounded = np.rint(scaled) / scale
    doubtful = np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6)
    for n in doubtful.tolist():
        rounded[n] = round(float(scores[n]), digits)
    return rounded
