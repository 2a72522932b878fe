"""Pair selection for xref: small blocks in full, large blocks by nearest neighbours."""

from __future__ import annotations

from collections import Counter
from datetime import date
from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.analysis.xref import score_pair
from factbase.analysis.xref_blocks import candidate_pairs
from factbase.analysis.xref_pairs import (
    LARGE_BLOCK,
    MIN_SHARED_LEMMAS,
    NEIGHBOURS,
    ClaimFeatures,
    XrefStats,
    common_limit,
)
from factbase.text.dates import PartialDate, Precision
from factbase.text.quantities import parse_quantity


def claim(
    claim_id: int,
    *,
    source_id: int | None = None,
    subject: str | None = None,
    prop: str | None = None,
    speaker_id: int | None = None,
    lemmas: frozenset[str] = frozenset(),
    value: str | None = None,
    day: date | None = None,
) -> ClaimFeatures:
    return ClaimFeatures(
        id=claim_id,
        source_id=claim_id if source_id is None else source_id,
        subject=subject,
        property_key=prop,
        speaker_id=speaker_id,
        polarity="affirmed",
        value=parse_quantity(value) if value else None,
        event=PartialDate(day, Precision.DAY) if day else None,
        as_of=None,
        topics=frozenset(),
        statement_lemmas=lemmas,
        quote=None,
        language="en",
    )


def exhaustive(claims: list[ClaimFeatures]) -> set[tuple[int, int]]:
    """Every pair sharing a key, by comparing every pair: the reference."""

    def keys(c: ClaimFeatures) -> tuple[set[str], set[str]]:
        entities = {c.subject} if c.subject else set()
        if c.speaker_id is not None:
            entities.add(f"entity:{c.speaker_id}")
        return entities, set(c.statement_lemmas)

    counts: Counter[tuple[str, str]] = Counter()
    for c in claims:
        entities, words = keys(c)
        counts.update(("entity", e) for e in entities)
        counts.update(("lemma", w) for w in words)
    limit = common_limit(len(claims))
    pairs = set()
    for a, b in combinations(claims, 2):
        (ea, wa), (eb, wb) = keys(a), keys(b)
        entities = {e for e in ea & eb if counts["entity", e] <= limit}
        words = {w for w in wa & wb if counts["lemma", w] <= limit}
        same_block = a.block is not None and a.block == b.block
        if same_block or entities or len(words) >= MIN_SHARED_LEMMAS:
            pairs.add((min(a.id, b.id), max(a.id, b.id)))
    return pairs


small_claims = st.lists(
    st.tuples(
        st.sampled_from([None, "entity:1", "entity:2", "text:cpc"]),
        st.sampled_from([None, "share", "volume"]),
        st.sampled_from([None, 1, 2]),
        st.frozensets(st.sampled_from(["oil", "pipe", "share", "port", "wheat", "grain"])),
    ),
    max_size=LARGE_BLOCK,
)


@settings(max_examples=60, deadline=None)
@given(small_claims)
def test_small_blocks_give_the_exhaustive_pairs(rows: list[tuple[object, ...]]) -> None:
    claims = [
        claim(i, subject=s, prop=p, speaker_id=k, lemmas=w)  # type: ignore[arg-type]
        for i, (s, p, k, w) in enumerate(rows, start=1)
    ]
    found = list(candidate_pairs(claims))
    assert len(found) == len(set(found))  # each pair once
    assert set(found) == exhaustive(claims)
    for c in claims[:5]:
        focused = set(candidate_pairs(claims, focus=c.id))
        assert focused == {p for p in found if c.id in p}


def large_block(size: int) -> list[ClaimFeatures]:
    """One subject and property covered ``size`` times, figures and days all different."""
    return [
        claim(
            i,
            subject="entity:1",
            prop="share",
            lemmas=frozenset({f"word{i % 37}", f"term{i % 41}", "share"}),
            value=f"{i % 97} %",
            day=date.fromordinal(date(2019, 1, 1).toordinal() + 3 * i),
        )
        for i in range(1, size + 1)
    ]


def test_large_block_compares_a_bounded_number_of_neighbours() -> None:
    claims = large_block(1000)
    stats = XrefStats()
    found = list(candidate_pairs(claims, stats=stats))
    assert stats.large_blocks == 1
    assert len(found) == len(set(found))
    # At most 2 × NEIGHBOURS per order and claim, each pair counted from both sides.
    assert len(found) <= len(claims) * 3 * NEIGHBOURS
    assert len(found) < len(claims) * (len(claims) - 1) // 2 // 50


def test_large_block_finds_the_near_identical_twin() -> None:
    claims = large_block(600)
    target = claims[300]
    twin = claim(
        10_000,
        subject="entity:1",
        prop="share",
        lemmas=target.statement_lemmas,
        value=f"{target.value.describe()}" if target.value else None,
        day=target.event.start if target.event else None,
    )
    claims.append(twin)
    partners = {a if b == target.id else b for a, b in candidate_pairs(claims, focus=target.id)}
    assert twin.id in partners
    assert len(partners) <= 6 * NEIGHBOURS
    scored = [score_pair(target, other) for other in claims if other.id in partners]
    best = max((s for s in scored if s is not None), key=lambda s: s.score)
    assert {best.claim_a, best.claim_b} == {target.id, twin.id}
    # From the whole block's pairs too, not only when asked about the claim.
    assert (target.id, twin.id) in set(candidate_pairs(claims))
