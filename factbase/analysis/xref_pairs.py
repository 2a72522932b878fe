"""Which pairs of claims `factbase.analysis.xref.suggest` compares: blocking, and large blocks.

Each claim gets blocking keys, and only claims that share a key are compared:

* ``block``: its subject identity and property key (``subject_id`` when the subject resolved
  to an entity through its aliases, else the folded subject text), as in conflict detection.
* ``entity``: each entity it is about or quoted from (its subject identity and its
  ``speaker_id``), so "Tokayev said …" meets "Tokayev visited …".
* ``lemma``: each content lemma of its statement.

Two claims are compared when they share a ``block`` or an ``entity`` key, or at least
:data:`MIN_SHARED_LEMMAS` (2) ``lemma`` keys: one shared word in statements of ten gives a
wording overlap far too small to make a suggestion, and there are many such pairs.

An ``entity`` or ``lemma`` key shared by more than :func:`common_limit` claims is as
uninformative as a stop word and is not used: in a database about Kazakhstan, "Kazakhstan"
blocks nothing.

A subject-and-property block is never left out, but one subject every outlet covers for
years holds thousands of claims, and every pair of them scores as a suggestion: comparing
them all grows with the square of the block and buries the useful pairs under millions of
weaker ones. A block of up to :data:`LARGE_BLOCK` claims is compared in full; in a larger
one each claim is compared with its :data:`NEIGHBOURS` nearest claims on either side in
each of three orders (:func:`block_orders`): by value, by date and by wording. The claims
a claim is most likely to repeat (the same figure, the same day, the same words) are next
to it in one of them, and linking each claim to its nearest ones is enough to join a
cluster. Neighbourhoods in an order are symmetric, so each pair is still generated once.

Work per claim is then bounded by the number of its keys times :data:`MAX_COMMON_LIMIT`
plus ``6 × NEIGHBOURS`` per large block, so it grows with the number of claims, not with
its square. Pairs are generated claim by claim (later ids only), never held all at once.
The module is pure: it works on :class:`ClaimFeatures`.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

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


_Key = tuple[str, str]


def _keys(claim: ClaimFeatures) -> tuple[_Key | None, list[_Key]]:
    """(block key, capped keys) of a claim."""
    block = None if claim.block is None else ("block", "\x1f".join(claim.block))
    capped: set[_Key] = set()
    if claim.subject is not None:
        capped.add(("entity", claim.subject))
    if claim.speaker_id is not None:
        capped.add(("entity", f"entity:{claim.speaker_id}"))
    capped.update(("lemma", lemma) for lemma in claim.statement_lemmas)
    return block, sorted(capped)


_FAR = date.max.toordinal()


def _day(claim: ClaimFeatures) -> int:
    when = claim.event or claim.as_of
    return _FAR if when is None else when.start.toordinal()


def _figure(claim: ClaimFeatures) -> tuple[str, float, float]:
    value = claim.value
    if value is None:
        return ("\x7f", math.inf, math.inf)  # claims without a figure after the rest
    low = -math.inf if value.low is None else value.low
    high = math.inf if value.high is None else value.high
    return (value.unit or "", low, high)


def _wording(claim: ClaimFeatures) -> tuple[str, ...]:
    return tuple(sorted(claim.statement_lemmas))


_ORDERS: tuple[Callable[[ClaimFeatures], tuple[Any, ...]], ...] = (
    lambda c: (c.polarity, _figure(c), _day(c), _wording(c), c.id),
    lambda c: (c.polarity, _day(c), _figure(c), _wording(c), c.id),
    lambda c: (c.polarity, _wording(c), _figure(c), _day(c), c.id),
)


def block_orders(members: Sequence[ClaimFeatures]) -> list[list[int]]:
    """The ids of a large block by value, by date and by wording (polarity first in each:
    claims of opposite polarity are never suggested)."""
    return [[claim.id for claim in sorted(members, key=order)] for order in _ORDERS]


class Blocks:
    """The blocking keys of a set of claims: which claims share which key."""

    def __init__(self, claims: Sequence[ClaimFeatures], stats: XrefStats | None = None) -> None:
        self.stats = stats if stats is not None else XrefStats()
        self.stats.claims = len(claims)
        limit = self.stats.common_limit = common_limit(len(claims))
        postings: dict[_Key, list[int]] = defaultdict(list)
        block_members: dict[_Key, list[ClaimFeatures]] = defaultdict(list)
        # A claim's keys are worked out again when its pairs are, rather than kept.
        self._claims = {claim.id: claim for claim in claims}
        for claim in claims:
            block, capped = _keys(claim)
            if block is not None:
                block_members[block].append(claim)
            for key in capped:
                postings[key].append(claim.id)
        common = {key for key, ids in postings.items() if len(ids) > limit}
        for key in common:
            del postings[key]
        self._postings = dict(postings)
        # Small blocks: their members; large blocks: their orders and each claim's places.
        self._small: dict[_Key, list[int]] = {}
        self._orders: dict[_Key, list[list[int]]] = {}
        self._places: dict[int, tuple[int, ...]] = {}
        for key, members in block_members.items():
            if len(members) <= LARGE_BLOCK:
                self._small[key] = [claim.id for claim in members]
                continue
            orders = self._orders[key] = block_orders(members)
            places: dict[int, list[int]] = defaultdict(list)
            for order in orders:
                for place, claim_id in enumerate(order):
                    places[claim_id].append(place)
            self._places.update((claim_id, tuple(p)) for claim_id, p in places.items())
        self.common_subjects = frozenset(value for kind, value in common if kind == "entity")
        self.stats.common_keys = len(common)
        self.stats.large_blocks = len(self._orders)
        self.stats.keys = sum(len(ids) > 1 for ids in postings.values()) + sum(
            len(ids) > 1 for ids in block_members.values()
        )

    def _block_neighbours(self, claim_id: int, block: _Key) -> Iterator[int]:
        if block in self._small:
            yield from self._small[block]
            return
        for order, place in zip(self._orders[block], self._places[claim_id], strict=True):
            yield from order[max(0, place - NEIGHBOURS) : place + NEIGHBOURS + 1]

    def pairs(self, focus: int | None = None) -> Iterator[tuple[int, int]]:
        """Every distinct pair (low id, high id) to compare, once; with ``focus``, its pairs.

        Pairs are generated claim by claim, so they are never all held in memory.
        """
        for claim_id in [focus] if focus is not None else sorted(self._claims):
            if claim_id not in self._claims:
                continue
            block, capped = _keys(self._claims[claim_id])
            neighbours: set[int] = set()
            if block is not None:
                neighbours.update(self._block_neighbours(claim_id, block))
            shared_lemmas: Counter[int] = Counter()
            for key in capped:
                members = self._postings.get(key, ())
                if key[0] == "lemma":
                    shared_lemmas.update(members)
                else:
                    neighbours.update(members)
            for other, count in shared_lemmas.items():
                if count >= MIN_SHARED_LEMMAS:
                    neighbours.add(other)
                elif other not in neighbours and (focus is not None or other > claim_id):
                    self.stats.single_lemma_pairs += 1
            neighbours.discard(claim_id)
            if focus is None:
                neighbours = {other for other in neighbours if other > claim_id}
            for other in sorted(neighbours):
                self.stats.candidate_pairs += 1
                yield (claim_id, other) if claim_id < other else (other, claim_id)


def candidate_pairs(
    claims: Sequence[ClaimFeatures],
    *,
    focus: int | None = None,
    stats: XrefStats | None = None,
) -> Iterator[tuple[int, int]]:
    """Every distinct pair (low id, high id) of claims to compare, once.

    With ``focus``, only the pairs involving that claim. See the module docstring.
    """
    return Blocks(claims, stats).pairs(focus)


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
