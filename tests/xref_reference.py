"""xref's candidate pairs worked out claim by claim, on ClaimFeatures: the implementation the
column-wise one (factbase.analysis.xref_blocks) replaced, kept as its reference."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from factbase.analysis.xref_pairs import (
    LARGE_BLOCK,
    MIN_SHARED_LEMMAS,
    NEIGHBOURS,
    ClaimFeatures,
    XrefStats,
    common_limit,
)

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
    return [[claim.id for claim in sorted(members, key=order)] for order in _ORDERS]


class Blocks:
    """The blocking keys of a set of claims: which claims share which key."""

    def __init__(self, claims: Sequence[ClaimFeatures], stats: XrefStats | None = None) -> None:
        self.stats = stats if stats is not None else XrefStats()
        self.stats.claims = len(claims)
        limit = self.stats.common_limit = common_limit(len(claims))
        postings: dict[_Key, list[int]] = defaultdict(list)
        block_members: dict[_Key, list[ClaimFeatures]] = defaultdict(list)
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
