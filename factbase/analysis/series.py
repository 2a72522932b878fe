"""The series of a claim, read through the library: see :mod:`factbase.claims.series`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from factbase.claims.fields import fields_named
from factbase.claims.query import get_claim, retracted_ids
from factbase.claims.record import selected, stored_quantity, subject_identity
from factbase.claims.series import Period, Reading, SeriesClaim, group_series, is_series
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
        .order_by(Claim.id)
    )
    if within is not None:
        query = query.where(Claim.id.in_(within))
    blocks: dict[tuple[str, str], list[Any]] = {}
    # The dated periods of each block, two at most: a block of one period is no series,
    # and most blocks are left out without grouping their claims.
    dated: dict[tuple[str, str], set[PartialDate]] = {}
    for row in session.execute(query.execution_options(yield_per=_STREAM_ROWS)):
        identity = subject_identity(row.subject_id, row.subject_key)
        if identity is not None:
            key = (identity, row.property_key)
            blocks.setdefault(key, []).append(row)
            periods_seen = dated.setdefault(key, set())
            when = _when(row)
            if when is not None and len(periods_seen) < 2:
                periods_seen.add(when)
    found = []
    for key, rows in blocks.items():
        if len(dated[key]) < 2:
            continue
        periods = group_series(_member(row) for row in rows)
        if is_series(periods):
            found.append(Series(rows[0].subject_name or "", rows[0].property_name or "", periods))
    found.sort(key=lambda series: (fold(series.subject), fold(series.property)))
    return found


# Rows fetched at a time: the claims are read as a stream, not all rows first.
_STREAM_ROWS = 2000
