"""The series of a claim, read through the library: see :mod:`factbase.claims.series`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy import Select, String, case, func, select, type_coerce
from sqlalchemy.orm import Session

from factbase.claims.fields import fields_named
from factbase.claims.query import get_claim, retracted_ids
from factbase.claims.record import selected
from factbase.claims.series import (
    Period,
    Reading,
    SeriesClaim,
    group_rows,
    group_series,
    is_series,
    said_of,
)
from factbase.claims.values import stored_quantity, subject_identity
from factbase.store.columns import column_plan
from factbase.store.models import Claim, Entity, Outlet, Source
from factbase.text.date_formats import stored_date
from factbase.text.dates import PartialDate
from factbase.text.language import fold
from factbase.text.quantities import Quantity

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
    # Plain rows, read through Core with the dates as the driver gives them (text on
    # SQLite): the ORM's rows and SQLAlchemy's date parsing cost more than the grouping.
    dates = [
        type_coerce(column, String())
        for column in (Claim.as_of, Claim.event_date, Source.published)
    ]
    query = (
        select(
            Claim.id,
            Claim.subject_id,
            text_subject,
            Claim.property_key,
            dates[0],
            Claim.as_of_precision,
            dates[1],
            Claim.event_precision,
            dates[2],
            Source.published_precision,
            Claim.value_text,
            Claim.value_num,
            Claim.value_unit,
            Claim.value_low,
            Claim.value_high,
            Claim.value_qualifier,
            Claim.polarity,
            Outlet.name,
            func.coalesce(Entity.name, Claim.subject),
            Claim.property_name,
        )
        .join_from(Claim, Source, Claim.source_id == Source.id)
        .join(Outlet, Source.outlet_id == Outlet.id)
        .outerjoin(Entity, Entity.id == Claim.subject_id)
        .where(Claim.status != "retracted", Claim.id.not_in(retracted_ids()))
        .where(Claim.property_key.is_not(None), Claim.property_key != "")
        .order_by(Claim.subject_id, text_subject, Claim.property_key, Claim.id)
    )
    if within is not None:
        query = query.where(Claim.id.in_(within))
    when = _Periods()
    values = _Values()
    found: list[tuple[int, Series]] = []
    rows = session.connection().execute(query.execution_options(yield_per=_STREAM_ROWS))
    for key, block in groupby(rows, key=itemgetter(1, 2, 3)):
        if subject_identity(key[0], key[1]) is None:
            continue  # no subject: no block
        rows_of_block = list(block)
        members = [(row[0], when[row[4:10]], *values[row[10:17]], row[17]) for row in rows_of_block]
        # A block of one dated period is no series: left out without grouping its claims.
        dated = {member[1] for member in members}
        dated.discard(None)
        if len(dated) < 2:
            continue
        periods = group_rows(members)
        if is_series(periods):
            first = rows_of_block[0]
            found.append((first[0], Series(first[18] or "", first[19] or "", periods)))
    # By subject and property; series whose names fold alike in the order of their first
    # claims, as when the claims were read by id.
    found.sort(key=lambda item: (fold(item[1].subject), fold(item[1].property), item[0]))
    return [series for _, series in found]


class _Periods(dict[tuple[Any, ...], PartialDate | None]):
    """(as-of, precision, event date, precision, published, precision) -> the claim's
    period (:func:`_when`), the dates as the driver gives them; worked out once each."""

    def __missing__(self, key: tuple[Any, ...]) -> PartialDate | None:
        found = self[key] = (
            _read_date(key[0], key[1]) or _read_date(key[2], key[3]) or _read_date(key[4], key[5])
        )
        return found


def _read_date(start: Any, precision: str | None) -> PartialDate | None:
    if isinstance(start, str):
        start = date.fromisoformat(start[:10])
    return _stored_date(start, precision)


class _Values(dict[tuple[Any, ...], tuple[str, str, Quantity | None]]):
    """(value columns, polarity) -> (what the claim says, its polarity, its value), worked
    out once each: drawn from far fewer values than claims."""

    def __missing__(self, key: tuple[Any, ...]) -> tuple[str, str, Quantity | None]:
        value = _stored_quantity(*key[:6])
        polarity = key[6]
        found = self[key] = (said_of(value, polarity), polarity, value)
        return found


# Rows fetched at a time: the claims are read as a stream, not all rows first.
_STREAM_ROWS = 2000
