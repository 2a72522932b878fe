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
each of three orders (:data:`ORDERS`): by value, by date and by wording, polarity first
in each (claims of opposite polarity are never suggested), ids breaking ties. The claims
a claim is most likely to repeat (the same figure, the same day, the same words) are next
to it in one of them, and linking each claim to its nearest ones is enough to join a
cluster. Neighbourhoods in an order are symmetric, so each pair is still generated once.

Work per claim is then bounded by the number of its keys times :data:`MAX_COMMON_LIMIT`
plus ``6 × NEIGHBOURS`` per large block, so it grows with the number of claims, not with
its square.

The keys are worked out on the claims' columns (:class:`ClaimColumns`) with array
operations: each key's claims are held as one array (its *postings*), and the pairs of a
range of claims (with later claims only) are spread out of them at once, a few million
at a time, and never held all together. The module is pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from factbase.analysis.xref_columns import (
    NONE,
    ClaimColumns,
    Flags,
    Ints,
    counted,
    distinct,
    spread,
)
from factbase.analysis.xref_pairs import (
    LARGE_BLOCK,
    MIN_SHARED_LEMMAS,
    NEIGHBOURS,
    ClaimFeatures,
    XrefStats,
    common_limit,
)

# A claim without a date comes after every dated one in the orders.
FAR_DAY = 3_652_059  # date.max.toordinal()
# The orders of a large block, most significant key first (``id`` breaks ties).
ORDERS = (
    ("polarity", "figure", "day", "wording"),
    ("polarity", "day", "figure", "wording"),
    ("polarity", "wording", "figure", "day"),
)
# Candidate pairs spread out at a time (before the duplicates go): a few tens of megabytes.
SPREAD = 1 << 20


class _Postings:
    """The claims of each key, from (key, claim) incidences: ``members`` holds every key's
    claims in ascending order, key after key; for each incidence, in claim order, the
    range of its key's claims and its own place there."""

    def __init__(self, keys: Ints, claims: Ints, count: int) -> None:
        by_key = np.lexsort((claims, keys))
        self.members = claims[by_key]
        sorted_keys = keys[by_key]
        edges = np.flatnonzero(np.diff(sorted_keys)) + 1
        group_start = np.zeros(len(by_key), dtype=np.int64)
        group_end = np.full(len(by_key), len(by_key), dtype=np.int64)
        if len(by_key):
            firsts = np.concatenate(([0], edges))
            lasts = np.concatenate((edges, [len(by_key)]))
            sizes = lasts - firsts
            group_start = np.repeat(firsts, sizes)
            group_end = np.repeat(lasts, sizes)
        places = np.empty(len(by_key), dtype=np.int64)
        places[by_key] = np.arange(len(by_key), dtype=np.int64)
        by_claim = np.lexsort((keys, claims))
        self.place = places[by_claim]
        self.start = group_start[self.place]
        self.end = group_end[self.place]
        self.claims = np.searchsorted(claims[by_claim], np.arange(count + 1))

    def later(self) -> Ints:
        """For each incidence, in claim order, how many claims after its own its key has."""
        later: Ints = self.end - self.place - 1
        return later

    def after(self, low: int, high: int) -> tuple[Ints, Ints]:
        """(claim, other) for claims ``low`` to ``high`` (excluded) and the later claims of
        each of their keys."""
        first, last = self.claims[low], self.claims[high]
        owners = np.repeat(
            np.arange(low, high, dtype=np.int64), np.diff(self.claims[low : high + 1])
        )
        place = self.place[first:last]
        rows, where = spread(place + 1, self.end[first:last] - place - 1)
        return owners[rows], self.members[where]

    def around(self, claim: int) -> Ints:
        """Every claim of every key of ``claim``, itself included, once per key."""
        first, last = self.claims[claim], self.claims[claim + 1]
        start = self.start[first:last]
        _, where = spread(start, self.end[first:last] - start)
        found: Ints = self.members[where]
        return found


def _order_keys(columns: ClaimColumns, members: Ints) -> dict[str, list[npt.NDArray[Any]]]:
    """The sort keys of ``members`` for :data:`ORDERS`, each as arrays, most significant first."""
    event_known, event_start, _, _ = columns.event
    as_of_known, as_of_start, _, _ = columns.as_of
    day = np.where(
        event_known[members],
        event_start[members],
        np.where(as_of_known[members], as_of_start[members], FAR_DAY),
    )
    wording = columns.lemma_sets.wording_ranks()[columns.statement[members]]
    return {
        "polarity": [columns.polarity[members]],
        "figure": [columns.unit_rank[members], columns.low[members], columns.high[members]],
        "day": [day],
        "wording": [wording],
    }


class _Neighbours:
    """The large blocks in each of :data:`ORDERS`: each claim's place, its block's range."""

    def __init__(self, columns: ClaimColumns, large: Ints) -> None:
        count = len(columns)
        members = np.flatnonzero(np.isin(columns.block, large)).astype(np.int64)
        self.orders: list[tuple[Ints, Ints, Ints, Ints]] = []
        if not len(members):
            return
        keys = _order_keys(columns, members)
        blocks = columns.block[members]
        for order in ORDERS:
            significant = [blocks] + [k for name in order for k in keys[name]] + [members]
            ranked = members[np.lexsort(significant[::-1])]
            place = np.full(count, -1, dtype=np.int64)
            place[ranked] = np.arange(len(ranked), dtype=np.int64)
            ranked_blocks = columns.block[ranked]
            edges = np.flatnonzero(np.diff(ranked_blocks)) + 1
            firsts = np.concatenate(([0], edges))
            lasts = np.concatenate((edges, [len(ranked)]))
            start = np.zeros(count, dtype=np.int64)
            end = np.zeros(count, dtype=np.int64)
            start[ranked] = np.repeat(firsts, lasts - firsts)
            end[ranked] = np.repeat(lasts, lasts - firsts)
            self.orders.append((ranked, place, start, end))

    def of(self, claims: Ints) -> tuple[Ints, Ints]:
        """(claim, neighbour) for ``claims``: the claims within :data:`NEIGHBOURS` places of
        each in each order, within its block, itself included."""
        owners, found = [], []
        for ranked, place, start, end in self.orders:
            at = place[claims]
            inside = at >= 0
            chosen, at = claims[inside], at[inside]
            first = np.maximum(start[chosen], at - NEIGHBOURS)
            last = np.minimum(end[chosen], at + NEIGHBOURS + 1)
            rows, where = spread(first, last - first)
            owners.append(chosen[rows])
            found.append(ranked[where])
        if not owners:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty
        return np.concatenate(owners), np.concatenate(found)


class Blocks:
    """The blocking keys of claims (:class:`ClaimColumns`): which claims share which key."""

    def __init__(self, columns: ClaimColumns, stats: XrefStats | None = None) -> None:
        self.stats = stats if stats is not None else XrefStats()
        self.columns = columns
        count = self.count = len(columns)
        self.stats.claims = count
        limit = self.stats.common_limit = common_limit(count)
        everyone = np.arange(count, dtype=np.int64)

        # Entities: the subject, and the speaker unless it is the subject.
        subject, speaker = columns.subject.astype(np.int64), columns.speaker.astype(np.int64)
        has_subject, has_speaker = subject != NONE, (speaker != NONE) & (speaker != subject)
        entity_keys = np.concatenate((subject[has_subject], speaker[has_speaker]))
        entity_claims = np.concatenate((everyone[has_subject], everyone[has_speaker]))
        entity_sizes = np.bincount(entity_keys, minlength=len(columns.entity_keys))
        common_entities = entity_sizes > limit
        kept = ~common_entities[entity_keys]
        self._entities = _Postings(entity_keys[kept], entity_claims[kept], count)
        self.common_subject = np.append(common_entities, False)  # by subject code; NONE last

        # Lemmas: those of statements; a set's lemmas count once per claim holding it.
        sets = columns.lemma_sets
        set_owner = np.repeat(np.arange(len(sets.sizes), dtype=np.int64), sets.sizes)
        claims_of_set = np.bincount(columns.statement, minlength=len(sets.sizes))
        lemma_sizes = np.bincount(
            sets.lemmas, weights=claims_of_set[set_owner], minlength=len(sets.words)
        ).astype(np.int64)
        common_lemmas = lemma_sizes > limit
        usable = ~common_lemmas[sets.lemmas]
        usable_starts = np.concatenate(([0], np.cumsum(np.bincount(
            set_owner[usable], minlength=len(sets.sizes)
        ))))  # fmt: skip
        usable_lemmas = sets.lemmas[usable].astype(np.int64)
        statement = columns.statement.astype(np.int64)
        rows, where = spread(usable_starts[statement], np.diff(usable_starts)[statement])
        self._lemmas = _Postings(usable_lemmas[where], everyone[rows], count)

        # Blocks: small ones in full, large ones by neighbours.
        block = columns.block.astype(np.int64)
        has_block = block != NONE
        block_sizes = np.bincount(block[has_block], minlength=1)
        small = has_block & (block_sizes[np.where(has_block, block, 0)] <= LARGE_BLOCK)
        self._small = _Postings(block[small], everyone[small], count)
        large = np.flatnonzero(block_sizes > LARGE_BLOCK)
        self._large = _Neighbours(columns, large)

        self.common_subjects = frozenset(
            key for key, common in zip(columns.entity_keys, common_entities, strict=True) if common
        )
        self.stats.common_keys = int(common_entities.sum() + common_lemmas.sum())
        self.stats.large_blocks = len(large)
        self.stats.keys = int(
            ((entity_sizes > 1) & ~common_entities).sum()
            + ((lemma_sizes > 1) & ~common_lemmas).sum()
            + (block_sizes > 1).sum()
        )

    def pairs(self, focus: int | None = None) -> Iterator[tuple[Ints, Ints]]:
        """Every distinct pair to compare, once, as positions (lower first), in order;
        with ``focus`` (an id), the pairs of that claim. Pairs come a batch at a time, so
        they are never all held in memory."""
        if focus is not None:
            found = np.flatnonzero(self.columns.ids == focus)
            if len(found):
                yield self._focus_pairs(int(found[0]))
            return
        work = self._work()
        low = 0
        while low < self.count:
            budget = work[low] + SPREAD
            high = max(low + 1, int(np.searchsorted(work, budget, side="right")) - 1)
            high = min(high, self.count)
            lows, highs = self._pairs_of(low, high)
            if len(lows):
                yield lows, highs
            low = high

    def _work(self) -> Ints:
        """Cumulative pairs spread out before each claim (a bound: duplicates included)."""
        per_claim = np.zeros(self.count, dtype=np.int64)
        for postings in (self._entities, self._lemmas, self._small):
            owners = np.repeat(np.arange(self.count), np.diff(postings.claims))
            per_claim += np.bincount(owners, weights=postings.later(), minlength=self.count).astype(
                np.int64
            )
        per_claim += 6 * NEIGHBOURS * len(self._large.orders)
        cumulative: Ints = np.concatenate(([0], np.cumsum(per_claim)))
        return cumulative

    def _pairs_of(self, low: int, high: int) -> tuple[Ints, Ints]:
        count = self.count
        parts = [self._entities.after(low, high), self._small.after(low, high)]
        owners, others = self._large.of(np.arange(low, high, dtype=np.int64))
        later = others > owners
        parts.append((owners[later], others[later]))
        shared = distinct(np.concatenate([a * count + b for a, b in parts]))
        lemma_owners, lemma_others = self._lemmas.after(low, high)
        found, times = counted(lemma_owners * count + lemma_others)
        singles = found[times < MIN_SHARED_LEMMAS]
        self.stats.single_lemma_pairs += int((~_within(singles, shared)).sum())
        pairs = distinct(np.concatenate((shared, found[times >= MIN_SHARED_LEMMAS])))
        self.stats.candidate_pairs += len(pairs)
        return pairs // count, pairs % count

    def _focus_pairs(self, claim: int) -> tuple[Ints, Ints]:
        """The pairs of one claim, with earlier claims too."""
        _, neighbours = self._large.of(np.array([claim], dtype=np.int64))
        shared = distinct(
            np.concatenate((self._entities.around(claim), self._small.around(claim), neighbours))
        )
        found, times = counted(self._lemmas.around(claim))
        singles = found[times < MIN_SHARED_LEMMAS]
        self.stats.single_lemma_pairs += int((~_within(singles, shared)).sum())
        others = distinct(np.concatenate((shared, found[times >= MIN_SHARED_LEMMAS])))
        others = others[others != claim]
        self.stats.candidate_pairs += len(others)
        mine = np.full(len(others), claim, dtype=np.int64)
        return np.minimum(mine, others), np.maximum(mine, others)


def _within(values: Ints, sorted_values: Ints) -> Flags:
    """Whether each of ``values`` is in ``sorted_values`` (ascending, distinct)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    places = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    within: Flags = sorted_values[places] == values
    return within


def candidate_pairs(
    claims: Sequence[ClaimFeatures],
    *,
    focus: int | None = None,
    stats: XrefStats | None = None,
    quote_lemmas: Callable[[str, str | None], frozenset[str]] = lambda quote, language: frozenset(),
) -> Iterator[tuple[int, int]]:
    """Every distinct pair (low id, high id) of claims to compare, once, in order.

    With ``focus``, only the pairs involving that claim. See the module docstring.
    """
    columns = ClaimColumns.of(sorted(claims, key=lambda c: c.id), quote_lemmas)
    ids = columns.ids.tolist()
    for lows, highs in Blocks(columns, stats).pairs(focus):
        for low, high in zip(lows.tolist(), highs.tolist(), strict=True):
            yield ids[low], ids[high]
