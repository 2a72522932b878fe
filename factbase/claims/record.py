"""The claim record: its columns as listings and exports show them."""

from __future__ import annotations

from typing import Any

from factbase.store.models import Claim
from factbase.text.date_formats import stored_date
from factbase.text.quantities import Quantity

# -- describing ----------------------------------------------------------------------

CLAIM_COLUMNS = (
    "id",
    "key",
    "statement",
    "quote",
    "language",
    "speaker",
    "topics",
    "subject",
    "property",
    "value",
    "value_num",
    "unit",
    "value_low",
    "value_high",
    "qualifier",
    "event_date",
    "as_of",
    "polarity",
    "status",
    "source_id",
    "source_key",
    "source_title",
    "source_url",
    "outlet",
    "stance",
    "published",
    "note",
    "created_at",
    "updated_at",
)


def subject_identity(subject_id: int | None, subject_key: str | None) -> str | None:
    """What a claim is about, for comparing claims: its entity, else its folded text."""
    if subject_id is not None:
        return f"entity:{subject_id}"
    return f"text:{subject_key}" if subject_key else None


def stored_quantity(
    text: str | None,
    value: float | None,
    unit: str | None,
    low: float | None,
    high: float | None,
    qualifier: str | None,
) -> Quantity | None:
    """The quantity kept in a claim's value columns, as parse_quantity made it."""
    if value is None:
        return None
    return Quantity(text or "", value, unit, low, high, qualifier or "exact")  # type: ignore[arg-type]


def _iso(start: Any, precision: str | None) -> str | None:
    partial = stored_date(start, precision)
    return partial.iso() if partial else None


def claim_row(claim: Claim) -> dict[str, Any]:
    """The claim as one flat record with :data:`CLAIM_COLUMNS`, for machine formats."""
    source = claim.source
    return {
        "id": claim.id,
        "key": claim.key,
        "statement": claim.statement,
        "quote": claim.quote,
        "language": claim.language,
        "speaker": claim.speaker,
        "topics": claim.topic_slugs,
        "subject": claim.subject,
        "property": claim.property_name,
        "value": claim.value_text,
        "value_num": claim.value_num,
        "unit": claim.value_unit,
        "value_low": claim.value_low,
        "value_high": claim.value_high,
        "qualifier": claim.value_qualifier,
        "event_date": _iso(claim.event_date, claim.event_precision),
        "as_of": _iso(claim.as_of, claim.as_of_precision),
        "polarity": claim.polarity,
        "status": claim.status,
        "source_id": source.id,
        "source_key": source.key,
        "source_title": source.title,
        "source_url": source.url,
        "outlet": source.outlet.name,
        "stance": source.outlet.stance,
        "published": _iso(source.published, source.published_precision),
        "note": claim.note,
        "created_at": claim.created_at.isoformat(timespec="seconds"),
        "updated_at": claim.updated_at.isoformat(timespec="seconds"),
    }
