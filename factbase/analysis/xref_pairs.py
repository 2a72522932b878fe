"""What xref knows of claims and of pairs of them: :class:`ClaimFeatures`, the constants of
blocking (:mod:`factbase.analysis.xref_blocks` says how they are used), and what two claims
are to each other (:func:`pair_kind`). The module is pure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from factbase.text.dates import PartialDate
from factbase.text.quantities import Quantity
from factbase.vocabulary import XREF_KINDS


@dataclass(frozen=True, slots=True)
class ClaimFeatures:
    """What scoring and blocking need to know of a claim: plain values, no ORM."""

    id: int
    source_id: int
    subject: str | None  # "entity:3" (resolved through aliases) or "text:<folded subject>"
    property_key: str | None
    speaker_id: int | None
    polarity: str
    value: Quantity | None
    event: PartialDate | None
    as_of: PartialDate | None
    topics: frozenset[str]
    statement_lemmas: frozenset[str]
    quote: str | None
    language: str | None
    published: PartialDate | None = None  # the source's publication date

    @property
    def block(self) -> tuple[str, str] | None:
        if self.subject is None or self.property_key is None:
            return None
        return (self.subject, self.property_key)


COMMON_SHARE = 0.05
MIN_COMMON_LIMIT = 10
MAX_COMMON_LIMIT = 200
MIN_SHARED_LEMMAS = 2
# Blocks up to this size are compared pair by pair.
LARGE_BLOCK = 50
# In a larger block: neighbours on either side of a claim in each order.
NEIGHBOURS = 3


@dataclass
class XrefStats:
    """What a run of :func:`factbase.analysis.xref.suggest` did: the counts a benchmark watches."""

    claims: int = 0
    common_limit: int = 0
    keys: int = 0  # blocking keys in use
    common_keys: int = 0  # entity and lemma keys left out as too common
    large_blocks: int = 0  # subject-and-property blocks compared by neighbourhood
    candidate_pairs: int = 0  # distinct pairs sharing a key
    single_lemma_pairs: int = 0  # sharing one lemma and nothing else: not candidates
    excluded_pairs: int = 0  # of those: same source, linked or rejected
    compared_pairs: int = 0  # pairs scored
    suggestions: int = 0  # at or above the minimum score, before the limit


def common_limit(claims: int) -> int:
    """More claims than this sharing an entity or lemma key make it too common to block on."""
    share = math.ceil(COMMON_SHARE * claims)
    return min(MAX_COMMON_LIMIT, max(MIN_COMMON_LIMIT, share))


# -- what two claims are to each other: the kind of a suggestion ---------------------------

SAME, SUPPORTS, REFINES, UPDATE, CONTRADICTS = XREF_KINDS


@dataclass(frozen=True, slots=True)
class PairKind:
    """What two claims are to each other (one of :data:`XREF_KINDS`) and why.

    ``lead`` is the claim the kind points at: the narrower one of ``refines``, the later
    one of ``update``; None for the others.
    """

    kind: str
    reason: str
    lead: int | None = None


def scope(claim: ClaimFeatures) -> PartialDate | None:
    """The time a claim speaks of: its as-of date, else its event date, else the date its
    source was published; each with its precision (a year covers the whole year)."""
    return claim.as_of or claim.event or claim.published


_FINENESS = {"day": 0, "month": 1, "year": 2}


def _bounds(value: Quantity) -> tuple[float, float]:
    low = -math.inf if value.low is None else value.low
    high = math.inf if value.high is None else value.high
    return low, high


def _narrower_value(a: ClaimFeatures, b: ClaimFeatures) -> ClaimFeatures | None:
    """The claim whose value interval lies inside the other's and is narrower, if one does."""
    assert a.value is not None and b.value is not None
    (a_low, a_high), (b_low, b_high) = _bounds(a.value), _bounds(b.value)
    if (a_low, a_high) == (b_low, b_high):
        return None
    if b_low <= a_low and a_high <= b_high:
        return a
    if a_low <= b_low and b_high <= a_high:
        return b
    return None


def _finer_date(a: ClaimFeatures, b: ClaimFeatures) -> ClaimFeatures | None:
    """The claim whose time scope is more precise and inside the other's, if one is."""
    first, second = scope(a), scope(b)
    if first is None or second is None:
        return None
    fine_a, fine_b = _FINENESS[str(first.precision)], _FINENESS[str(second.precision)]
    if fine_a < fine_b and second.start <= first.start and first.end <= second.end:
        return a
    if fine_b < fine_a and first.start <= second.start and second.end <= first.end:
        return b
    return None


def _when(claim: ClaimFeatures) -> str:
    period = scope(claim)
    return "no date" if period is None else period.human()


def pair_kind(a: ClaimFeatures, b: ClaimFeatures) -> PairKind:
    """What two claims are to each other, by these rules, in this order:

    1. Time scopes (:func:`scope`) that are both known and do not overlap: ``update`` when
       the claims are of one subject and property (or of opposite polarity: a change over
       time), the later one leading; else ``supports`` (related reports of two periods).
       Such a pair is never ``same``.
    2. Opposite polarity, or values in one unit that do not overlap: ``contradicts``.
    3. One claim narrower than the other in value (its interval inside the other's) or in
       time (a finer date inside the other's period), and not the other way round in the
       other respect: ``refines``, the narrower one leading.
    4. Agreeing, but one is broader or less precise: values that overlap without either
       holding the other, only one claim with a figure, or each narrower in one respect:
       ``supports``.
    5. Otherwise (the same period, or no date to tell them apart, and the same value or no
       value): ``same``.
    """
    if a.id > b.id:
        a, b = b, a
    first, second = scope(a), scope(b)
    same_block = a.block is not None and a.block == b.block
    if first is not None and second is not None and not first.overlaps(second):
        later, earlier = (a, b) if first.start > second.start else (b, a)
        if same_block or a.polarity != b.polarity:
            return PairKind(
                UPDATE,
                f"update: claim {later.id} ({_when(later)}) is later than "
                f"claim {earlier.id} ({_when(earlier)})",
                later.id,
            )
        return PairKind(
            SUPPORTS, f"supports: different periods ({_when(a)} vs {_when(b)}), not one report"
        )
    period = f" ({_when(a)})" if first is not None and first == second else ""
    if a.polarity != b.polarity:
        return PairKind(CONTRADICTS, f"contradicts: opposite polarity{period}")
    values = a.value is not None and b.value is not None and a.value.unit == b.value.unit
    if values:
        assert a.value is not None and b.value is not None
        if not a.value.overlaps(b.value):
            return PairKind(
                CONTRADICTS,
                f"contradicts: values differ{period}: {a.value.describe()} vs {b.value.describe()}",
            )
    by_value = _narrower_value(a, b) if values else None
    by_date = _finer_date(a, b)
    if by_value is not None and by_date is not None and by_value is not by_date:
        return PairKind(
            SUPPORTS,
            f"supports: claim {by_value.id} is narrower in value, claim {by_date.id} in time",
        )
    if by_value is not None:
        other = b if by_value is a else a
        assert by_value.value is not None and other.value is not None
        return PairKind(
            REFINES,
            f"refines: claim {by_value.id} narrows {other.value.describe()} "
            f"to {by_value.value.describe()}",
            by_value.id,
        )
    if by_date is not None:
        other = b if by_date is a else a
        return PairKind(
            REFINES,
            f"refines: claim {by_date.id} narrows {_when(other)} to {_when(by_date)}",
            by_date.id,
        )
    if values:
        assert a.value is not None and b.value is not None
        if _bounds(a.value) != _bounds(b.value):
            return PairKind(
                SUPPORTS,
                f"supports: values agree only roughly{period}: "
                f"{a.value.describe()} ~ {b.value.describe()}",
            )
        return PairKind(SAME, f"same: same value{period}: {a.value.describe()}")
    if (a.value is None) != (b.value is None):
        stated = a if a.value is not None else b
        return PairKind(SUPPORTS, f"supports: only claim {stated.id} states a figure")
    if period:
        return PairKind(SAME, f"same: same period{period}")
    if first is None or second is None:
        return PairKind(SAME, "same: no date sets them apart")
    return PairKind(SAME, f"same: overlapping periods ({_when(a)} ~ {_when(b)})")
