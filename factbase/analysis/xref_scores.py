"""The scores of many xref pairs at once: :func:`factbase.analysis.xref.score_pair` in bulk.

A full `xref` scores millions of pairs (about 14 per claim) and keeps a few. Scoring them
one call at a time spent two thirds of its time in Python's per-call overhead, so here the
claims' features are laid out once as columns (numpy arrays, one entry per claim) and a
chunk of pairs is scored with a few array operations per piece of evidence.

The arithmetic is the one of ``score_pair`` done in the same order (float64 products of
the same factors, a factor of 1.0 where a piece of evidence is absent, which changes
nothing), so every score is the same float, rounded as Python's ``round`` rounds; the
equivalence tests hold the two together. Only the wording (Jaccard of lemma sets) is
worked out pair by pair, on Python sets. Reasons and kinds are left to ``score_pair``,
called for the few pairs kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import numpy.typing as npt

from factbase.analysis.xref_pairs import ClaimFeatures

if TYPE_CHECKING:
    from factbase.text.dates import PartialDate

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]


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
    # What a quote says, as a set of lemmas: xref's content_lemmas.
    quote_lemmas: Callable[[str, str | None], frozenset[str]]


_COARSENESS = {"day": 0, "month": 1, "year": 2}
_NONE = -1


class _Codes:
    """Small integers for values compared only for equality."""

    def __init__(self) -> None:
        self.codes: dict[object, int] = {}

    def __call__(self, value: object) -> int:
        if value is None:
            return _NONE
        return self.codes.setdefault(value, len(self.codes))


def _dates(dates: Sequence[PartialDate | None]) -> tuple[Flags, Ints, Ints, Ints]:
    known = np.array([d is not None for d in dates], dtype=bool)
    start = np.array([d.start.toordinal() if d else 0 for d in dates], dtype=np.int64)
    end = np.array([d.end.toordinal() if d else 0 for d in dates], dtype=np.int64)
    coarse = np.array([_COARSENESS[str(d.precision)] if d else 0 for d in dates], dtype=np.int64)
    return known, start, end, coarse


class Columns:
    """The features of claims (in the order given) as arrays, and the scores of pairs of
    them by position. ``common_subjects`` as for ``score_pair``."""

    def __init__(
        self,
        claims: Sequence[ClaimFeatures],
        weights: Weights,
        common_subjects: frozenset[str] = frozenset(),
    ) -> None:
        self.weights = weights
        self.claims = claims
        self.ids = np.array([c.id for c in claims], dtype=np.int64)
        self.source = np.array([c.source_id for c in claims], dtype=np.int64)
        polarity, block, subject, unit, topics = _Codes(), _Codes(), _Codes(), _Codes(), _Codes()
        self.polarity = np.array([polarity(c.polarity) for c in claims], dtype=np.int64)
        self.block = np.array([block(c.block) for c in claims], dtype=np.int64)
        self.subject = np.array([subject(c.subject) for c in claims], dtype=np.int64)
        self.entity = np.array(
            [c.subject is not None and c.subject.startswith("entity:") for c in claims], dtype=bool
        )
        self.common = np.array(
            [c.subject is not None and c.subject in common_subjects for c in claims], dtype=bool
        )
        self.has_value = np.array([c.value is not None for c in claims], dtype=bool)
        # A unit of None is a unit too ("2" and "3" are compared): its own code, not _NONE.
        self.unit = np.array(
            [unit(("unit", c.value.unit)) if c.value is not None else _NONE for c in claims],
            dtype=np.int64,
        )
        self.unit_given = np.array(
            [c.value is not None and c.value.unit is not None for c in claims], dtype=bool
        )
        self.low = np.array(
            [-np.inf if c.value is None or c.value.low is None else c.value.low for c in claims],
            dtype=np.float64,
        )
        self.high = np.array(
            [np.inf if c.value is None or c.value.high is None else c.value.high for c in claims],
            dtype=np.float64,
        )
        self.topics = np.array([topics(c.topics) for c in claims], dtype=np.int64)
        sets = [cast(frozenset[str], topic_set) for topic_set in topics.codes]
        # Few distinct topic sets: the Jaccard of every two of them, looked up per pair.
        self.topic_jaccard = np.array(
            [[_jaccard(a, b) if a & b else 0.0 for b in sets] for a in sets], dtype=np.float64
        ).reshape(len(sets), len(sets))
        self.event = _dates([c.event for c in claims])
        self.as_of = _dates([c.as_of for c in claims])
        self._statements = [c.statement_lemmas for c in claims]
        # The language of a claim's quote, when it has both (quotes are compared only then).
        self._quoted = [c.language if c.quote and c.language else None for c in claims]
        self._quote_lemmas: dict[int, frozenset[str]] = {}

    def positions(self, ids: Ints) -> Ints:
        """Where the claims of ``ids`` are in the columns."""
        return np.searchsorted(self.ids, ids)

    def scores(self, a: Ints, b: Ints) -> tuple[Floats, Flags]:
        """The rounded score of each pair (a[i], b[i]) of positions, and whether it is one:
        False where ``score_pair`` gives None (opposite polarity, one claim twice)."""
        w = self.weights
        valid = (self.polarity[a] == self.polarity[b]) & (self.ids[a] != self.ids[b])
        missing = np.ones(len(a), dtype=np.float64)
        penalty = np.ones(len(a), dtype=np.float64)

        same_block = (self.block[a] == self.block[b]) & (self.block[a] != _NONE)
        subject = (self.subject[a] == self.subject[b]) & (self.subject[a] != _NONE)
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
        # The one piece of evidence worked out pair by pair: kept to plain lists and local
        # names, as this loop runs once per candidate pair.
        w = self.weights
        statements, quoted = self._statements, self._quoted
        overlaps = []
        for i, j in zip(a.tolist(), b.tolist(), strict=True):
            first, second = statements[i], statements[j]
            shared = len(first & second)
            overlap = shared / (len(first) + len(second) - shared) if shared else 0.0
            language = quoted[i]
            if language is not None and language == quoted[j]:
                overlap = max(overlap, _jaccard(self._quote(i), self._quote(j)))
            overlaps.append(overlap)
        found = np.array(overlaps, dtype=np.float64)
        return np.where(found > 0.0, w.wording * np.minimum(1.0, found / w.wording_saturation), 0.0)

    def _quote(self, position: int) -> frozenset[str]:
        found = self._quote_lemmas.get(position)
        if found is None:
            claim = self.claims[position]
            assert claim.quote is not None
            found = self._quote_lemmas[position] = self.weights.quote_lemmas(
                claim.quote, claim.language
            )
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
        close = (days > 0) & (days <= w.close_days) & (coarse == _COARSENESS["day"])
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
