"""The series of a claim, read through the library: see :mod:`factbase.claims.series`."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.claims.fields import fields_named
from factbase.claims.query import get_claim, retracted_ids
from factbase.claims.record import row_quantity, selected
from factbase.claims.series import Period, Reading, SeriesClaim, group_series, is_series
from factbase.store.columns import column_plan
from factbase.store.models import Claim, Outlet, Source
from factbase.text.date_formats import stored_date

__all__ = ["Period", "Reading", "SeriesClaim", "claim_series", "group_series", "is_series"]


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
    query = (
        select(*selected(_COLUMNS))
        .join_from(Claim, Source, Claim.source_id == Source.id)
        .join(Outlet, Source.outlet_id == Outlet.id)
        .where(
            subject,
            Claim.property_key == claim.property_key,
            Claim.status != "retracted",
            Claim.id.not_in(retracted_ids()),
        )
    )
    members = []
    for row in session.execute(query):
        when = (
            stored_date(row.as_of, row.as_of_precision)
            or stored_date(row.event_date, row.event_precision)
            or stored_date(row.source_published, row.source_published_precision)
        )
        members.append(SeriesClaim(row.id, when, row_quantity(row), row.polarity, row.outlet_name))
    return group_series(members)
