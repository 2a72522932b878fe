"""The series of a claim, read through the library: see :mod:`factbase.claims.series`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from factbase.claims.fields import fields_named
from factbase.claims.query import get_claim, retracted_ids
from factbase.claims.record import selected
from factbase.claims.series import Period, Reading, SeriesClaim, group_series, is_series
from factbase.claims.values import stored_quantity, subject_identity
from factbase.store.columns import column_plan
from factbase.store.models import Claim, Entity, Outlet, Source
from factbase.text.date_formats import stored_date
from factbase.text.dates import PartialDate
from factbase.text.language import fold

__all__ = [
    "Period",
    "Reading",
    "Series",
    "SeriesClaim",
    "claim_series",
    "every_series",
    "group_series",
    "is_series",
]


_COLUMNS = (
    "claim.id",
    "outlet.name",
    "source.published",
    "source.published_precision",
    *column_plan(
        fields_named(
            (
                *("polarity", "value", "value_num", "unit", "value_low", "value_high"),
                *("qualifier", "event_date", "as_of"),
            )
        )
    ),
)


def claim_series(session: Session, ref: int | str) -> list[Period]:
    """The series of a claim (id or key): every claim that is not retracted of its subject
    and property, period by period; empty when it has no subject or property."""
    claim = get_claim(session, ref)
    if not claim.property_key or (claim.subject_id is None and not claim.subject_key):
        return []
    if claim.subject_id is not None:
        subject = Claim.subject_id == claim.subject_id
    else:
        subject = (Claim.subject_id.is_(None)) & (Claim.subject_key == claim.subject_key)
    query = _claims().where(subject, Claim.property_key == claim.property_key)
    return group_series(_member(row) for row in session.execute(query))


def _claims() -> Select[Any]:
    """Every claim that is not retracted, with what a series needs of it."""
    return (
        select(*selected(_COLUMNS))
        .join_from(Claim, Source, Claim.source_id == Source.id)
        .join(Outlet, Source.outlet_id == Outlet.id)
        .where(Claim.status != "retracted", Claim.id.not_in(retracted_ids()))
    )


# A report reads every claim's dates and value, drawn from a few thousand of each; both are
# immutable, so one object serves every claim with the same one.
_stored_date = lru_cache(maxsize=65536)(stored_date)
_stored_quantity = lru_cache(maxsize=65536)(stored_quantity)


def _when(row: Any) -> PartialDate | None:
    return (
        _stored_date(row.as_of, row.as_of_precision)
        or _stored_date(row.event_date, row.event_precision)
        or _stored_date(row.source_published, row.source_published_precision)
    )


def _member(row: Any) -> SeriesClaim:
    value = _stored_quantity(
        row.value_text, row.value_num, row.value_unit, row.value_low, row.value_high,
        row.value_qualifier,
    )  # fmt: skip
    return SeriesClaim(row.id, _when(row), value, row.polarity, row.outlet_name)


@dataclass(frozen=True)
class Series:
    """The claims of one subject and property that speak of several periods."""

    subject: str  # the entity's name, else the subject as the first claim gives it
    property: str  # as the first claim gives it
    periods: list[Period]


def every_series(session: Session, within: Select[Any] | None = None) -> list[Series]:
    """Every series among the claims (of ``within``, a select of claim ids; None for all),
    by subject and property."""
    # The claims in block order (entity, else folded subject text; then property), so that
    # each block is one run of rows, grouped and let go before the next is read.
    text_subject = case((Claim.subject_id.is_(None), Claim.subject_key), else_=None)
    query = (
        _claims()
        .add_columns(
            Claim.subject_id,
            Claim.subject_key,
            Claim.property_key,
            func.coalesce(Entity.name, Claim.subject).label("subject_name"),
            Claim.property_name,
        )
        .outerjoin(Entity, Entity.id == Claim.subject_id)
        .where(Claim.property_key.is_not(None), Claim.property_key != "")
        .order_by(Claim.subject_id, text_subject, Claim.property_key, Claim.id)
    )
    if within is not None:
        query = query.where(Claim.id.in_(within))
    found: list[tuple[int, Series]] = []
    rows = session.execute(query.execution_options(yield_per=_STREAM_ROWS))
    for _, block in groupby(rows, key=lambda row: _block(row)):
        members = list(block)
        if subject_identity(members[0].subject_id, members[0].subject_key) is None:
            continue  # no subject: no block
        # A block of one dated period is no series: left out without grouping its claims.
        dated = {when for row in members if (when := _when(row)) is not None}
        if len(dated) < 2:
            continue
        periods = group_series(_member(row) for row in members)
        if is_series(periods):
            first = members[0]
            series = Series(first.subject_name or "", first.property_name or "", periods)
            found.append((first.id, series))
    # By subject and property; series whose names fold alike in the order of their first
    # claims, as when the claims were read by id.
    found.sort(key=lambda item: (fold(item[1].subject), fold(item[1].property), item[0]))
    return [series for _, series in found]


def _block(row: Any) -> tuple[int | None, str | None, str]:
    """The block of a row: its entity, else its folded subject text, and its property."""
    if row.subject_id is not None:
        return (row.subject_id, None, row.property_key)
    return (None, row.subject_key, row.property_key)


# Rows fetched at a time: the claims are read as a stream, not all rows first.
_STREAM_ROWS = 2000
