"""Which pairs of claims within one block are worth comparing and recording.

A block (one subject and one property) of a few dozen claims is compared pair by pair.
A block of thousands, a subject every outlet covers for years, holds a consensus and
some outliers. Every pair there would record each outlier once per agreeing report:
hundreds of conflicts that say the same thing, in time that grows with the square of
the block. So a large block is compared differently:

- along each axis on which claims can disagree (value interval or centre, event date,
  polarity) a claim is compared only with its nearest disagreeing neighbours, found by sorting;
- a pair is recorded from the side of the claim that more reports disagree with. The
  outlier names up to ``PARTNERS`` reports of the consensus; the consensus does not
  name the outlier back once per report.

Work per block is O(n log n) and the conflicts recorded are at most ``PARTNERS`` per
claim and axis, so a full scan grows close to linearly with the number of claims. The
module is pure: it works on :class:`ClaimFacts` and is told by the
caller which pairs really conflict.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, zip_longest

from factbase.analysis.occasions import Occasion
from factbase.text.dates import PartialDate
from factbase.text.quantities import Quantity


@dataclass(frozen=True)
class ClaimFacts:
    """What conflict detection needs to know of a claim."""

    id: int
    block: tuple[str, str] | None  # (subject identity, property key)
    polarity: str
    value: Quantity | None
    as_of: PartialDate | None
    event: PartialDate | None
    outlet: str
    language: str | None
    published: PartialDate | None
    about: str = ""  # "Kazakhstan · distancing from Russia", for explanations
    # What the event is: one-off, recurring (a meeting), or neither; a person's word
    # (`--once`, `--occasion`) if given, else the wording's.
    occasion: Occasion | None = None
    # The occasion was a person's word, not read from the wording.
    occasion_given: bool = False

    def context(self) -> str:
        when = self.as_of or self.published
        parts = [self.outlet, self.language or "?", when.iso() if when else "undated"]
        return ", ".join(parts)


# Blocks up to this size are compared pair by pair: every conflict is recorded.
SMALL_BLOCK = 40
# In a larger block, a contested claim is recorded against this many disagreeing reports.
PARTNERS = 3
# Neighbours looked at per claim to find PARTNERS that really conflict (the interval
# test ignores dates of validity, which the caller's comparison checks).
POOL = 4 * PARTNERS

Pair = tuple["ClaimFacts", "ClaimFacts"]
# For each claim: how many claims disagree with it on the axis, and its nearest ones.
Axis = tuple[dict[int, int], list[tuple["ClaimFacts", list["ClaimFacts"]]]]


def block_pairs(
    members: Sequence[ClaimFacts],
    conflicting: Callable[[ClaimFacts, ClaimFacts], bool],
    focus: Collection[int] | None = None,
) -> Iterator[Pair]:
    """The pairs of a block to record when ``conflicting`` says they conflict.

    With ``focus`` (claims just recorded or changed), at least the pairs involving one of
    them, as a scan of the whole block selects them, asking ``conflicting`` only about
    the neighbours that decide those: an incremental check of a block of thousands then
    compares dozens of pairs, not thousands.
    """
    if len(members) <= SMALL_BLOCK:
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                yield first, second
        return
    seen: set[tuple[int, int]] = set()
    for axis in (value_axis(members), date_axis(members), polarity_axis(members)):
        for pair in select(axis, conflicting, focus):
            key = (pair[0].id, pair[1].id)
            if key not in seen:
                seen.add(key)
                yield pair


def select(
    axis: Axis,
    conflicting: Callable[[ClaimFacts, ClaimFacts], bool],
    focus: Collection[int] | None = None,
) -> Iterator[Pair]:
    """Pairs named by the claim that more reports disagree with (ties: both sides).

    With ``focus``, a claim whose neighbours hold none of it is passed over: none of the
    pairs it names could involve one.
    """
    disagreements, neighbours = axis
    for claim, candidates in neighbours:
        if focus is not None and not _involves(focus, claim, candidates):
            continue
        named = 0
        for other in candidates:
            if disagreements[claim.id] < disagreements[other.id]:
                continue  # the other side names this pair, or leaves it to its peers
            if conflicting(claim, other):
                yield (claim, other) if claim.id < other.id else (other, claim)
                named += 1
                if named == PARTNERS:
                    break


def _involves(focus: Collection[int], claim: ClaimFacts, candidates: list[ClaimFacts]) -> bool:
    return claim.id in focus or any(other.id in focus for other in candidates)


def _bound(value: float | None, default: float) -> float:
    return default if value is None else value


def interval_axis(items: Sequence[tuple[ClaimFacts, float, float]]) -> Axis:
    """Nearest disjoint intervals on either side of each claim's closed interval."""
    by_high = sorted(items, key=lambda item: item[2])
    by_low = sorted(items, key=lambda item: item[1])
    highs = [item[2] for item in by_high]
    lows = [item[1] for item in by_low]
    disagreements: dict[int, int] = {}
    neighbours: list[tuple[ClaimFacts, list[ClaimFacts]]] = []
    for claim, low, high in items:
        left_end = bisect_left(highs, low)  # by_high[:left_end] end before this one starts
        right_start = bisect_right(lows, high)  # by_low[right_start:] start after it ends
        disagreements[claim.id] = left_end + len(items) - right_start
        left = [item[0] for item in reversed(by_high[max(0, left_end - POOL) : left_end])]
        right = [item[0] for item in by_low[right_start : right_start + POOL]]
        nearest = [c for c in chain.from_iterable(zip_longest(left, right)) if c is not None]
        neighbours.append((claim, nearest))
    return disagreements, neighbours


def _merge(axes: Sequence[Axis]) -> Axis:
    disagreements: dict[int, int] = {}
    neighbours: list[tuple[ClaimFacts, list[ClaimFacts]]] = []
    for counts, pairs in axes:
        disagreements.update(counts)
        neighbours.extend(pairs)
    return disagreements, neighbours


def value_axis(members: Sequence[ClaimFacts]) -> Axis:
    """Affirmed figures, per unit: intervals that share no value, and approximate figures
    whose centres are apart (:func:`centre_axis`); different units are never compared."""
    by_unit: dict[str | None, list[tuple[ClaimFacts, float, float]]] = defaultdict(list)
    for claim in members:
        if claim.value is not None and claim.polarity == "affirmed":
            low = _bound(claim.value.low, -math.inf)
            high = _bound(claim.value.high, math.inf)
            by_unit[claim.value.unit].append((claim, low, high))
    intervals = _merge([interval_axis(items) for items in by_unit.values()])
    return _combine(intervals, centre_axis(members))


def _combine(first: Axis, second: Axis) -> Axis:
    """Two ways of disagreeing on one axis: each claim's nearest of both, nearest first,
    and the larger of its two counts of disagreeing claims."""
    counts, pairs = first
    more_counts, more_pairs = second
    more = {claim.id: nearest for claim, nearest in more_pairs}
    disagreements = {
        claim_id: max(count, more_counts.get(claim_id, 0)) for claim_id, count in counts.items()
    }
    neighbours: list[tuple[ClaimFacts, list[ClaimFacts]]] = []
    for claim, nearest in pairs:
        extra = more.get(claim.id, [])
        merged = chain.from_iterable(zip_longest(nearest, extra))
        unique = {c.id: c for c in merged if c is not None}
        neighbours.append((claim, list(unique.values())))
    return disagreements, neighbours


# Figures whose central values count for more than their intervals: "about 70 %" says 70,
# give or take; an exact figure says its value. "Over 4,000" or "10–15 %" has no centre.
CENTRED = ("approx", "exact")


def tolerance(value: Quantity) -> float | None:
    """Half the width of a centred figure's interval: 7 for "about 70 %"; else None."""
    if value.qualifier not in CENTRED or value.low is None or value.high is None:
        return None
    return (value.high - value.low) / 2


def centres_apart(a: Quantity, b: Quantity) -> bool:
    """Whether two approximate figures whose intervals overlap still disagree.

    Each is "about" its central value: when at least one of them is approximate and each
    central value lies outside the other's tolerance interval (the centres differ by more
    than the larger tolerance), they name different figures that merely touch at the edges
    of their ranges: "about 70 %" (63–77) and "about 80 %" (72–88). "About 75 %" and "80 %"
    agree: 80 lies within 67.5–82.5.
    """
    if a.unit != b.unit or "approx" not in (a.qualifier, b.qualifier):
        return False
    ta, tb = tolerance(a), tolerance(b)
    if ta is None or tb is None:
        return False
    larger = max(ta, tb)
    return abs(a.value - b.value) > larger * (1 + 1e-9)


def centre_axis(members: Sequence[ClaimFacts]) -> Axis:
    """Centred figures, per unit, against the nearest central values outside each one's
    tolerance: the other way figures disagree (:func:`centres_apart`)."""
    by_unit: dict[str | None, list[tuple[ClaimFacts, float, float]]] = defaultdict(list)
    for claim in members:
        if claim.value is None or claim.polarity != "affirmed":
            continue
        spread = tolerance(claim.value)
        if spread is not None:
            by_unit[claim.value.unit].append((claim, claim.value.value, spread))
    axes: list[Axis] = []
    for items in by_unit.values():
        by_centre = sorted(items, key=lambda item: item[1])
        centres = [item[1] for item in by_centre]
        disagreements: dict[int, int] = {}
        neighbours: list[tuple[ClaimFacts, list[ClaimFacts]]] = []
        for claim, centre, spread in items:
            left_end = bisect_left(centres, centre - spread)
            right_start = bisect_right(centres, centre + spread)
            disagreements[claim.id] = left_end + len(items) - right_start
            left = [item[0] for item in reversed(by_centre[max(0, left_end - POOL) : left_end])]
            right = [item[0] for item in by_centre[right_start : right_start + POOL]]
            pairs = chain.from_iterable(zip_longest(left, right))
            neighbours.append((claim, [c for c in pairs if c is not None]))
        axes.append((disagreements, neighbours))
    return _merge(axes)


def date_axis(members: Sequence[ClaimFacts]) -> Axis:
    """Affirmed event dates as day intervals: periods that share no day disagree."""
    items = [
        (claim, float(claim.event.start.toordinal()), float(claim.event.end.toordinal()))
        for claim in members
        if claim.event is not None and claim.polarity == "affirmed"
    ]
    return interval_axis(items)


def polarity_axis(members: Sequence[ClaimFacts]) -> Axis:
    """Affirmed against denied; partners of the same period first, then the earliest."""
    sides: dict[str, list[ClaimFacts]] = defaultdict(list)
    for claim in members:
        sides[claim.polarity].append(claim)
    disagreements: dict[int, int] = {}
    neighbours: list[tuple[ClaimFacts, list[ClaimFacts]]] = []
    for polarity, claims in sides.items():
        opposite = [c for side, group in sides.items() if side != polarity for c in group]
        same_period: dict[object, list[ClaimFacts]] = defaultdict(list)
        for other in opposite:
            if len(same_period[other.as_of]) < POOL:
                same_period[other.as_of].append(other)
        # Claims of one period share their partners: built once per period, not per claim.
        partners: dict[object, list[ClaimFacts]] = {}
        for claim in claims:
            disagreements[claim.id] = len(opposite)
            if claim.as_of not in partners:
                first = same_period.get(claim.as_of, [])
                taken = {c.id for c in first}
                partners[claim.as_of] = first + [c for c in opposite[:POOL] if c.id not in taken]
            neighbours.append((claim, partners[claim.as_of]))
    return disagreements, neighbours
