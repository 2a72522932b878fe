"""The claim record: its columns as listings and exports show them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy.orm import aliased

from factbase.claims.fields import (
    ClaimField,
    Decode,
    RecordReader,
    claim_columns,
    exported_fields,
    fields_named,
)
from factbase.store.columns import column_label, loaded_value, model_attribute
from factbase.store.models import Claim, Outlet, Source

# -- describing ----------------------------------------------------------------------

CLAIM_COLUMNS = claim_columns()
_READER = RecordReader(exported_fields())
# Where each column of the record comes from on a loaded claim.
_OWNER: dict[str, Callable[[Claim], Any]] = {
    "claim": lambda claim: claim,
    "source": lambda claim: claim.source,
    "outlet": lambda claim: claim.source.outlet,
}


def claim_row(claim: Claim) -> dict[str, Any]:
    """The claim as one flat record with :data:`CLAIM_COLUMNS`, for machine formats."""
    row = [_column(claim, column) for column in _READER.columns]
    return _READER.record(row, {claim.id: claim.topic_slugs})


def claim_fields_of(claim: Claim, names: tuple[str, ...]) -> dict[str, Any]:
    """The declared fields ``names`` of a loaded claim, by name (a topics field reads
    the claim's topics)."""
    reader = _reader_of(names)
    row = [_column(claim, column) for column in reader.columns]
    values = reader.values([row], {claim.id: claim.topic_slugs} if "topics" in names else {})
    return {name: column[0] for name, column in zip(reader.names, values, strict=True)}


@lru_cache(maxsize=16)
def _reader_of(names: tuple[str, ...]) -> RecordReader:
    return RecordReader(fields_named(names))


def _column(claim: Claim, column: str) -> Any:
    return loaded_value(_OWNER, claim, column)


# -- selecting -----------------------------------------------------------------------

# The claim a merged duplicate was merged into: a query reading it outer-joins MERGED on
# Claim.merged_into_id.
MERGED = aliased(Claim, name="merged")
_MODELS: dict[str, Any] = {"claim": Claim, "source": Source, "outlet": Outlet, "merged": MERGED}


def model_column(column: str, models: Mapping[str, Any] = _MODELS) -> Any:
    """``"source.title"`` as the model attribute, ``Source.title`` (or an alias's, given
    ``models`` by table)."""
    return model_attribute(models, column)


def selected(columns: Sequence[str], *, as_text: Collection[str] = ()) -> list[Any]:
    """A select list for ``columns`` (a :func:`~factbase.store.columns.column_plan`), from a
    query joining Claim, Source and Outlet; those in ``as_text`` as the driver gives them
    (text on SQLite), for decoders that take text."""
    found = []
    for column in columns:
        element = model_column(column)
        if column in as_text:
            element = type_coerce(element, String())
        found.append(element.label(column_label(column, "claim")))
    return found


def stored_as_text(fields: Sequence[ClaimField]) -> frozenset[str]:
    """The dates and timestamps ``fields`` read: decoded from text faster than from the
    date and datetime objects SQLAlchemy would make of them."""
    decoded = (Decode.DATE, Decode.TIMESTAMP)
    return frozenset(field.columns[0] for field in fields if field.decode in decoded)
