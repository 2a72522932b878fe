"""Which pairs of a block are compared and recorded (factbase.analysis.conflict_pairs).

Small blocks: every pair. Large blocks: each claim against its nearest disagreeing
neighbours, recorded from the side more reports disagree with. The pure part runs on
ClaimFacts; the last tests scan a real database so a full and an incremental scan agree.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

import pytest
from helpers import conflict_facts as facts
from helpers import snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select, text

from factbase.analysis.conflict_pairs import PARTNERS, SMALL_BLOCK, ClaimFacts, block_pairs
from factbase.analysis.conflict_rules import compare
from factbase.analysis.conflicts import scan
from factbase.store.database import Database
from factbase.store.models import Claim, Outlet, Source
from factbase.text.quantities import quantity_from_parts


def conflicting(a: ClaimFacts, b: ClaimFacts) -> bool:
    return bool(compare(a, b))


def recorded(members: list[ClaimFacts]) -> list[tuple[int, int]]:
    """The pairs a scan would record: selected and really in conflict."""
    return [(a.id, b.id) for a, b in block_pairs(members, conflicting) if conflicting(a, b)]


def figure(value: float, *, qualifier: str = "exact", **fields: Any) -> ClaimFacts:
    return facts(quantity_from_parts(value, "%", qualifier), **fields)  # type: ignore[arg-type]


def test_a_small_block_compares_every_pair() -> None:
    members = [figure(80 + i) for i in range(SMALL_BLOCK)]
    pairs = list(block_pairs(members, conflicting))
    assert len(pairs) == SMALL_BLOCK * (SMALL_BLOCK - 1) // 2
    assert {(a.id, b.id) for a, b in pairs} == {(a.id, b.id) for a, b in combinations(members, 2)}


def test_one_outlier_among_hundreds_names_a_few_of_them() -> None:
    consensus = [figure(80, qualifier="approx") for _ in range(300)]
    outlier = figure(130)
    pairs = recorded([*consensus, outlier])
    # Pair by pair, the outlier would clash with all 300 reports.
    assert len(pairs) == PARTNERS
    assert all(outlier.id in pair for pair in pairs)


def test_the_same_outlier_in_a_small_block_clashes_with_every_report() -> None:
    consensus = [figure(80, qualifier="approx") for _ in range(SMALL_BLOCK - 1)]
    outlier = figure(130)
    assert len(recorded([*consensus, outlier])) == SMALL_BLOCK - 1


def test_two_even_camps_both_name_partners() -> None:
    members = [figure(80 if i % 2 else 60) for i in range(100)]
    pairs = recorded(members)
    named = {claim for pair in pairs for claim in pair}
    # Every claim is as contested as the others: each names up to PARTNERS of the other camp.
    assert named == {claim.id for claim in members}
    assert len(pairs) <= PARTNERS * len(members)
    for a, b in pairs:
        assert compare(*sorted((by_id(members, a), by_id(members, b)), key=lambda c: c.id))


def by_id(members: list[ClaimFacts], claim_id: int) -> ClaimFacts:
    return next(claim for claim in members if claim.id == claim_id)


def test_figures_of_other_years_are_passed_over_for_real_partners() -> None:
    consensus = [figure(80) for _ in range(60)]
    # The nearest disagreeing figures are of 2019: not conflicts; the pool goes past them.
    older = [figure(100, as_of="2019") for _ in range(5)]
    outlier = figure(130)
    pairs = recorded([*consensus, *older, outlier])
    assert len(pairs) == PARTNERS
    assert all(outlier.id in pair for pair in pairs)
    assert not any(claim.id in pair for claim in older for pair in pairs)


def test_denials_name_affirming_reports_of_their_own_period_first() -> None:
    affirmed = [facts(as_of="2021") for _ in range(40)] + [facts(as_of="2023") for _ in range(40)]
    denied = facts(polarity="denied", as_of="2023")
    pairs = recorded([*affirmed, denied])
    assert len(pairs) == PARTNERS
    partners = [by_id(affirmed, a if b == denied.id else b) for a, b in pairs]
    assert {str(partner.as_of) for partner in partners} == {str(denied.as_of)}


def test_a_different_event_day_names_a_few_of_the_agreed_day() -> None:
    agreed = [facts(event="2022-07-03") for _ in range(50)] + [facts(event="July 2022")]
    odd = facts(event="2022-07-04")
    pairs = recorded([*agreed, odd])
    assert len(pairs) == PARTNERS
    assert all(odd.id in pair for pair in pairs)
    assert not any(agreed[-1].id in pair for pair in pairs)  # the month agrees with both


@settings(max_examples=60, deadline=None)
@given(
    values=st.lists(
        st.tuples(st.integers(0, 40), st.sampled_from(["exact", "approx", "over", "up_to"])),
        min_size=SMALL_BLOCK + 1,
        max_size=120,
    )
)
@pytest.mark.slow
def test_large_blocks_record_only_real_conflicts_and_stay_linear(
    values: list[tuple[int, str]],
) -> None:
    members = [figure(10 * value + 10, qualifier=qualifier) for value, qualifier in values]
    pairs = recorded(members)
    assert len(set(pairs)) == len(pairs)
    assert len(pairs) <= PARTNERS * len(members)
    lookup = {claim.id: claim for claim in members}
    for a, b in pairs:
        assert a < b and compare(lookup[a], lookup[b])
    # The most contested claim always names as many partners as it can.
    clashes = {
        claim.id: sum(1 for other in members if other is not claim and conflicting(claim, other))
        for claim in members
    }
    most = max(clashes, key=lambda claim_id: clashes[claim_id])
    assert sum(1 for pair in pairs if most in pair) >= min(PARTNERS, clashes[most])


# -- against a database ------------------------------------------------------------------


def bulk_block(db: Database, figures: list[float], *, first: int = 0) -> list[int]:
    """Claims about one subject and property, inserted with Core; their ids."""
    now = datetime.now(UTC)
    with db.session(write=True) as session:
        if session.scalar(select(Outlet.id)) is None:
            session.execute(
                insert(Outlet),
                [{"name": "Wire", "name_key": "wire", "stance": "neutral", "created_at": now}],
            )
            session.execute(
                insert(Source),
                [{"outlet_id": 1, "title": "Wire copy", "key": "wire", "created_at": now}],
            )
        rows = []
        for offset, value in enumerate(figures):
            quantity = quantity_from_parts(value, "%", "approx")
            rows.append(
                {
                    "key": f"wire-{first + offset}",
                    "source_id": 1,
                    "statement": f"Wire report {first + offset}: {quantity.describe()}",
                    "subject": "CPC",
                    "subject_key": "cpc",
                    "property_name": "share of oil exports",
                    "property_key": "share of oil exports",
                    "value_text": quantity.text,
                    "value_num": quantity.value,
                    "value_unit": "%",
                    "value_low": quantity.low,
                    "value_high": quantity.high,
                    "value_qualifier": quantity.qualifier,
                    "polarity": "affirmed",
                    "status": "unverified",
                    "search_text": f"wire report {first + offset}",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        ids = session.scalars(insert(Claim).returning(Claim.id), rows).all()
    return list(ids)


def pairs_in(db: Database) -> set[tuple[int, int, str]]:
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT claim_a_id, claim_b_id, kind FROM conflict"))
        return {(a, b, kind) for a, b, kind in rows}


def test_incremental_checks_record_what_a_full_scan_would(db: Database, db_url: str) -> None:
    rng = random.Random(7)
    bulk_block(db, [80 + rng.choice((-1, 0, 1)) for _ in range(150)])
    with db.session(write=True) as session:
        scan(session)
    # New outliers arrive one at a time, each checked incrementally as `add` does.
    for index, value in enumerate((130, 40, 131)):
        (claim_id,) = bulk_block(db, [value], first=1000 + index)
        with db.session(write=True) as session:
            result = scan(session, [claim_id])
        assert len(result.new_ids) == PARTNERS
    incremental = pairs_in(db)
    before = snapshot(db_url)
    with db.session(write=True) as session:
        result = scan(session)
    assert (len(result.new_ids), result.withdrawn) == (0, 0)
    assert snapshot(db_url) == before
    assert len(incremental) == result.already_known


def test_a_growing_consensus_does_not_withdraw_conflicts_that_still_hold(db: Database) -> None:
    bulk_block(db, [80.0] * 60 + [130.0])
    with db.session(write=True) as session:
        scan(session)
    first = pairs_in(db)
    assert len(first) == PARTNERS
    # Reports nearer to the outlier than the first ones: the scan may pick new partners,
    # but the conflicts already recorded are still true and stay.
    bulk_block(db, [100.0] * 60, first=500)
    with db.session(write=True) as session:
        result = scan(session)
    assert result.withdrawn == 0
    assert first <= pairs_in(db)


def test_an_approximate_outlier_whose_range_touches_the_consensus_names_a_few() -> None:
    # "About 70 %" (63–77) touches "about 80 %" (72–88): no interval axis finds the pair,
    # the centres do, and the outlier names PARTNERS of the consensus.
    consensus = [figure(80, qualifier="approx") for _ in range(SMALL_BLOCK + 20)]
    outlier = figure(70, qualifier="approx")
    pairs = recorded([*consensus, outlier])
    assert len(pairs) == PARTNERS
    assert all(outlier.id in pair for pair in pairs)
    # Its twin: "about 75 %" has 80 within its range, and nothing is recorded.
    assert recorded([*consensus, figure(75, qualifier="approx")]) == []
