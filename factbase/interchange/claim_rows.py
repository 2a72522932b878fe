"""Claim rows for exports and machine listings, streamed at close to the storage engine's pace.

A claim row is the claim joined with its source and outlet, plus three things
kept in other tables: its topics, its open conflicts and the stances of the
claims disputing it (for corroboration). Those are read as *side streams*:

- when claims come in ascending id order from an unfiltered query (a full
  export), each side is one query ordered by claim id, read alongside the claims
  and merged a chunk at a time: one pass over each table, whatever its size;
- otherwise (another order, a filter, a short listing), each chunk of claims
  looks its sides up by id, a few queries per chunk.

Corroboration is cheap for the common case: a claim in no same/supports cluster
is one report from one origin, asserted by its own outlet's stance and disputed
by the stances of whatever disputes it, which the dispute side stream gives.
Only claims in a cluster go through :class:`~factbase.analysis.corroboration.CorroborationIndex`.

Rows are plain tuples in :data:`CLAIM_EXPORT_COLUMNS` order: writers turn them
into CSV cells or JSON records without building a dict per row. Their claim fields are
decoded as :data:`~factbase.claims.fields.CLAIM_FIELDS` declares, a column per field
and chunk, and zipped into rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from factbase.analysis.corroboration import (
    CORROBORATION_COLUMNS,
    DISPUTING_STATUSES,
    CorroborationIndex,
)
from factbase.analysis.track_records import ranked
from factbase.claims.display import Corroboration
from factbase.claims.fields import RecordReader, exported_fields
from factbase.claims.filter import ClaimFilter, Sort
from factbase.claims.query import claims_query
from factbase.claims.record import CLAIM_COLUMNS, selected, stored_as_text
from factbase.store.batches import CHUNK, plain_chunks
from factbase.store.models import Claim, ClaimLink, ClaimTopic, Conflict, Outlet, Source, Topic

CLAIM_EXPORT_COLUMNS: tuple[str, ...] = (*CLAIM_COLUMNS, *CORROBORATION_COLUMNS)


# The status a `contradicts` link stands under in the dispute side stream.
CONTRADICTS = "contradicts"
_DISPUTING = frozenset((*DISPUTING_STATUSES, CONTRADICTS))

Restriction = Callable[[Any], ColumnElement[bool] | None]


@dataclass(frozen=True)
class IdSpan:
    """The claims with ``after < id <= upto`` (None: no bound), a part of an export."""

    after: int | None = None
    upto: int | None = None

    def restrict(self, column: Any) -> ColumnElement[bool] | None:
        bounds = []
        if self.after is not None:
            bounds.append(column > self.after)
        if self.upto is not None:
            bounds.append(column <= self.upto)
        return and_(*bounds) if bounds else None


def _topic_links(restrict: Restriction) -> Select[*tuple[Any, ...]]:
    query = select(ClaimTopic.claim_id, ClaimTopic.topic_id)
    condition = restrict(ClaimTopic.claim_id)
    if condition is not None:
        query = query.where(condition)
    return query.order_by(ClaimTopic.claim_id)


def _disputes(restrict: Restriction) -> Select[*tuple[Any, ...]]:
    """(claim id, stance of a claim disputing it, 1 when that is an open conflict).

    Disputes are `contradicts` links and open or confirmed conflicts, read from
    either side; each part joins the other claim to its outlet for the stance.
    """
    parts = []
    sides = (
        (Conflict, Conflict.claim_a_id, Conflict.claim_b_id, Conflict.status),
        (Conflict, Conflict.claim_b_id, Conflict.claim_a_id, Conflict.status),
        (ClaimLink, ClaimLink.claim_a_id, ClaimLink.claim_b_id, literal(CONTRADICTS)),
        (ClaimLink, ClaimLink.claim_b_id, ClaimLink.claim_a_id, literal(CONTRADICTS)),
    )
    for table, own, other, status in sides:
        part = (
            select(own.label("claim_id"), Outlet.stance.label("stance"), status.label("status"))
            .select_from(table)
            .join(Claim, Claim.id == other)
            .join(Source, Source.id == Claim.source_id)
            .join(Outlet, Outlet.id == Source.outlet_id)
        )
        # A conflict's status is left to Python: given it, SQLite's planner walks the
        # status index instead of the claim index.
        if table is ClaimLink:
            part = part.where(ClaimLink.kind == "contradicts")
        condition = restrict(own)
        parts.append(part.where(condition) if condition is not None else part)
    every = union_all(*parts).subquery()
    return select(every.c.claim_id, every.c.stance, every.c.status).order_by(every.c.claim_id)


class _Sides:
    """Topics, disputing stances and open-conflict counts of a chunk of claims."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.slugs = dict(iter(session.execute(select(Topic.id, Topic.slug))))

    def rows(self, ids: Sequence[int]) -> tuple[Iterator[Any], Iterator[Any]]:
        """Rows of the two side queries that concern ``ids`` (and maybe others)."""

        def among(column: Any) -> ColumnElement[bool]:
            condition: ColumnElement[bool] = column.in_(ids)
            return condition

        connection = self.session.connection()
        topics = connection.execute(_topic_links(among))
        disputes = connection.execute(_disputes(among))
        return iter(topics), iter(disputes)

    def close(self) -> None:
        pass

    def of(
        self, ids: Sequence[int]
    ) -> tuple[dict[int, list[str]], dict[int, set[str]], dict[int, int]]:
        topic_rows, dispute_rows = self.rows(ids)
        slugs = self.slugs
        topics: dict[int, list[str]] = {}
        for claim_id, topic_id in topic_rows:
            topics.setdefault(claim_id, []).append(slugs[topic_id])
        for found in topics.values():
            found.sort()
        stances: dict[int, set[str]] = {}
        opened: dict[int, int] = {}
        disputing = _DISPUTING
        for claim_id, stance, status in dispute_rows:
            if status in disputing:
                stances.setdefault(claim_id, set()).add(stance)
                if status == "open":
                    opened[claim_id] = opened.get(claim_id, 0) + 1
        return topics, stances, opened


class _MergedSides(_Sides):
    """The side queries read once each, in claim id order, alongside ascending claims."""

    def __init__(self, session: Session, span: IdSpan) -> None:
        super().__init__(session)
        self.results = [
            session.connection().execute(query.execution_options(yield_per=CHUNK))
            for query in (_topic_links(span.restrict), _disputes(span.restrict))
        ]
        self.streams = [
            _Ahead(itertools.chain.from_iterable(result.partitions())) for result in self.results
        ]

    def rows(self, ids: Sequence[int]) -> tuple[Iterator[Any], Iterator[Any]]:
        topics, disputes = (stream.upto(ids[-1]) for stream in self.streams)
        return iter(topics), iter(disputes)

    def close(self) -> None:
        for result in self.results:
            result.close()


class _Ahead:
    """An iterator of rows ordered by their first field, taken a range at a time."""

    def __init__(self, rows: Iterator[Any]) -> None:
        self.rows = rows
        self.next = next(rows, None)

    def upto(self, last: int) -> list[Any]:
        taken = []
        row, rows = self.next, self.rows
        while row is not None and row[0] <= last:
            taken.append(row)
            row = next(rows, None)
        self.next = row
        return taken


def _merges(where: ClaimFilter) -> bool:
    """Whether every claim comes, in ascending id order: then sides are read in one pass."""
    short = where.limit is not None and 0 < where.limit <= CHUNK
    return where.sort is Sort.ID and not short and not any(where.filters().values())


def claim_records(
    session: Session, where: ClaimFilter, span: IdSpan | None = None
) -> Generator[tuple[Any, ...]]:
    """Claim rows as tuples in :data:`CLAIM_EXPORT_COLUMNS` order, streamed; only those of
    ``span``, when given (a part of a whole export, cut by id)."""
    where = ranked(session, where)
    reader = RecordReader(exported_fields())
    columns = selected(reader.columns, as_text=stored_as_text(reader.fields))
    query = claims_query(session, where).with_only_columns(*columns)
    within = span.restrict(Claim.id) if span is not None else None
    if within is not None:
        query = query.where(within)
    index = CorroborationIndex(session)
    clustered = index.cluster_of
    if _merges(where):
        sides: _Sides = _MergedSides(session, span or IdSpan())
    else:
        sides = _Sides(session)
    result = plain_chunks(session, query)
    claim_id, stance = reader.getter("claim.id"), reader.getter("outlet.stance")
    try:
        for chunk in result:
            ids = list(map(claim_id, chunk))
            topics, disputing, opened = sides.of(ids)
            in_clusters = [found for found in ids if found in clustered]
            support: dict[int, Corroboration] = (
                index.corroborations(in_clusters) if in_clusters else {}
            )
            stances = list(map(stance, chunk))
            yield from zip(
                *reader.values(chunk, topics),
                *_support(ids, stances, support, disputing, opened),
                strict=True,
            )
    finally:
        result.close()
        sides.close()


def _support(
    ids: list[int],
    stances: list[str],
    support: dict[int, Corroboration],
    disputing: dict[int, set[str]],
    opened: dict[int, int],
) -> list[list[Any]]:
    """The :data:`CORROBORATION_COLUMNS` of a chunk's claims, a list per column."""
    reports: list[int] = []
    origins: list[int] = []
    asserting: list[list[str]] = []
    disputed: list[list[str]] = []
    for claim_id, stance in zip(ids, stances, strict=True):
        found = support.get(claim_id) if support else None
        if found is None:
            # In no cluster: one report, one origin, its own stance.
            reports.append(1)
            origins.append(1)
            asserting.append([stance])
            against = disputing.get(claim_id)
            disputed.append(sorted(against) if against else [])
        else:
            reports.append(found.reports)
            origins.append(found.origins)
            asserting.append(found.asserting_stances)
            disputed.append(found.disputing_stances)
    return [reports, origins, asserting, disputed, [opened.get(i, 0) for i in ids]]
