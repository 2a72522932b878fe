"""Streamed claim rows (factbase.interchange.claim_rows) against the one-claim-at-a-time versions.

Random small databases (outlets of several stances, echoing speakers and quotes,
relayed outlets, same/supports/contradicts/refines links, conflicts in every
status) are exported in each way the rows can be read: every claim in id order
(side streams merged), another order, and a filter (sides looked up per chunk),
with chunks small enough that clusters and conflicts cross them. Each row must
equal `claim_row` plus `corroboration_fields` for its claim.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert

from factbase.analysis.corroboration import corroboration_fields
from factbase.claims.filter import ClaimFilter, Sort
from factbase.claims.record import claim_row
from factbase.interchange import claim_rows as claim_export
from factbase.interchange.exports import CLAIM_EXPORT_COLUMNS, claim_rows, write_csv
from factbase.store.database import Database
from factbase.store.models import (
    Claim,
    ClaimLink,
    ClaimTopic,
    Conflict,
    Outlet,
    Source,
    SourceCite,
    Topic,
)
from factbase.vocabulary import CONFLICT_STATUSES, LINK_KINDS

pytestmark = pytest.mark.slow

NOW = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
OUTLETS = ((1, "pro-western"), (2, "pro-kremlin"), (3, "neutral"), (4, "pro-kremlin"))
QUOTES = (None, "oil exports fell by a third", "oil exports fell by a third!", "gas rose")


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, Any]:
    n = draw(st.integers(2, 12))
    claim = st.integers(1, n)
    return {
        "n": n,
        "outlet": draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)),
        "speaker": draw(st.lists(st.sampled_from((None, "a", "b")), min_size=n, max_size=n)),
        "quote": draw(st.lists(st.sampled_from(QUOTES), min_size=n, max_size=n)),
        "published": draw(st.lists(st.sampled_from((None, 1, 2, 3)), min_size=n, max_size=n)),
        "topics": draw(st.lists(st.sets(st.integers(1, 3), max_size=3), min_size=n, max_size=n)),
        "cites": draw(st.sets(st.tuples(claim, st.integers(1, 4)), max_size=4)),
        "links": draw(
            st.lists(st.tuples(claim, claim, st.sampled_from(LINK_KINDS)), max_size=2 * n)
        ),
        "conflicts": draw(
            st.lists(st.tuples(claim, claim, st.sampled_from(CONFLICT_STATUSES)), max_size=n)
        ),
    }


def _fill(db: Database, graph: dict[str, Any]) -> None:
    n = graph["n"]
    with db.session(write=True) as session:
        for model in (Conflict, ClaimLink, ClaimTopic, Claim, SourceCite, Source, Outlet, Topic):
            session.execute(delete(model))
        session.execute(
            insert(Outlet),
            [
                {"id": i, "name": f"Outlet {i}", "name_key": f"outlet {i}", "stance": stance}
                for i, stance in OUTLETS
            ],
        )
        session.execute(
            insert(Topic), [{"id": i, "slug": f"t{i}", "label": f"T{i}"} for i in (1, 2, 3)]
        )
        session.execute(
            insert(Source),
            [
                {
                    "id": i,
                    "outlet_id": graph["outlet"][i - 1],
                    "title": f"=Source {i}",
                    "published": date(2022, month, 1) if month else None,
                    "published_precision": "month" if month else None,
                }
                for i, month in enumerate(graph["published"], start=1)
            ],
        )
        if graph["cites"]:
            session.execute(
                insert(SourceCite),
                [{"source_id": s, "outlet_id": o} for s, o in sorted(graph["cites"])],
            )
        session.execute(
            insert(Claim.__table__),
            [
                {
                    "id": i,
                    "source_id": i,
                    "statement": f'claim {i}, "quoted"\nоколо {i} %',
                    "quote": graph["quote"][i - 1],
                    "speaker": graph["speaker"][i - 1],
                    "speaker_key": graph["speaker"][i - 1],
                    "value_text": f"{i / 4}",
                    "value_num": i / 4,
                    "value_low": -i * 1.0,
                    "polarity": "affirmed",
                    "status": "unverified",
                    "search_text": "",
                    "created_at": NOW,
                    "updated_at": NOW.replace(microsecond=0),
                }
                for i in range(1, n + 1)
            ],
        )
        topics = [
            {"claim_id": i, "topic_id": t, "suggested": False}
            for i, chosen in enumerate(graph["topics"], start=1)
            for t in chosen
        ]
        if topics:
            session.execute(insert(ClaimTopic), topics)
        links = {tuple(sorted((a, b))): kind for a, b, kind in graph["links"] if a != b}
        if links:
            session.execute(
                insert(ClaimLink),
                [
                    {"claim_a_id": a, "claim_b_id": b, "kind": kind, "created_at": NOW}
                    | ({"refining_id": a} if kind == "refines" else {})
                    for (a, b), kind in links.items()
                ],
            )
        conflicts = {tuple(sorted((a, b))): status for a, b, status in graph["conflicts"] if a != b}
        if conflicts:
            session.execute(
                insert(Conflict),
                [
                    {"claim_a_id": a, "claim_b_id": b, "kind": "value", "cause": "direct",
                     "explanation": "x", "status": status, "created_at": NOW, "updated_at": NOW}
                    for (a, b), status in conflicts.items()
                ],
            )  # fmt: skip


@pytest.fixture
def opened(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.close()


WAYS = [
    ClaimFilter(limit=None, sort=Sort.ID),  # sides merged in one pass
    ClaimFilter(limit=None, sort=Sort.PUBLISHED),  # sides looked up per chunk
    ClaimFilter(limit=None, sort=Sort.ID, topic="t1"),
    ClaimFilter(limit=5, sort=Sort.ID),
]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(graph=graphs())
def test_streamed_rows_equal_one_claim_at_a_time(opened: Database, graph: dict[str, Any]) -> None:
    _fill(opened, graph)
    with pytest.MonkeyPatch.context() as patch, opened.session() as session:
        patch.setattr(claim_export, "CHUNK", 3)
        expected = {
            claim.id: claim_row(claim) | corroboration_fields(session, claim.id)
            for claim in session.query(Claim).order_by(Claim.id)
        }
        for way in WAYS:
            rows = list(claim_rows(session, way))
            assert all(list(row) == list(CLAIM_EXPORT_COLUMNS) for row in rows)
            for row in rows:
                assert row == expected[row["id"]], (way, row["id"])
            ids = [row["id"] for row in rows]
            if way.sort is Sort.ID and way.topic is None:
                assert ids == sorted(expected)[: way.limit]
            if way.topic:
                assert ids == [i for i in sorted(expected) if "t1" in expected[i]["topics"]]
            assert len(set(ids)) == len(ids)


CELLS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=6),
    st.sampled_from(["=1+1", " -2", "＋1", "\tx", "@a", "ok", "2022-11"]),
    st.lists(st.sampled_from(["oil", "-gas", "=x", "газ"]), max_size=3),
)


# Dates factbase formats itself: text starting with a digit, or nothing.
DATES = st.one_of(st.none(), st.sampled_from(["2022", "2022-11", "2024-01-01T00:00:00+00:00"]))


@given(rows=st.lists(st.tuples(CELLS, CELLS, CELLS, CELLS, DATES, CELLS), max_size=5))
def test_tuple_rows_are_written_as_mapping_rows_are(rows: list[tuple[Any, ...]]) -> None:
    """The writer's fast path for tuples gives the cells csv_cell gives."""
    columns = ("id", "statement", "value_num", "topics", "published", "note")
    as_tuples, as_mappings = io.StringIO(), io.StringIO()
    write_csv(as_tuples, columns, rows)
    write_csv(as_mappings, columns, [dict(zip(columns, row, strict=True)) for row in rows])
    assert as_tuples.getvalue() == as_mappings.getvalue()
