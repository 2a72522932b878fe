"""Dates and times as stored, written back out: partial dates at their precision, timestamps
to the second. One place for every export, listing and view, so they print a date alike."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from factbase.errors import InvalidDate
from factbase.text.dates import PartialDate


def stored_date(start: date | None, precision: str | None) -> PartialDate | None:
    """The partial date kept in a (start, precision) column pair."""
    if start is None or precision is None:
        return None
    return PartialDate.from_parts(start, precision)


def stored_iso(start: Any, precision: str | None) -> str | None:
    """A (start, precision) column pair as ``2022``, ``2022-11`` or ``2022-11-01``."""
    partial = stored_date(start, precision)
    return partial.iso() if partial else None


class DateTexts(dict[tuple[Any, Any], str | None]):
    """(first day, precision) -> ``2022``, ``2022-11`` or ``2022-11-01``; few distinct
    pairs in any data set, so each is worked out once. The first day may be a date, a
    datetime or the text SQLite keeps."""

    def __missing__(self, key: tuple[Any, Any]) -> str | None:
        start, precision = key
        if isinstance(start, str):
            start = date.fromisoformat(start[:10])
        text = self[key] = stored_iso(start, precision)
        return text


def timestamp_iso(value: datetime | None) -> str | None:
    """A timestamp read through the models, in ISO to the second."""
    return value.isoformat(timespec="seconds") if value is not None else None


def stored_timestamp(value: str | datetime) -> str:
    """A stored timestamp as models.UTCDateTime reads it (naive UTC made aware), in ISO to
    the second: the text SQLite gives or the datetime PostgreSQL gives, without SQLAlchemy."""
    if isinstance(value, str):
        # SQLite keeps "2024-01-01 10:00:00.123456": cut to the second without parsing.
        if len(value) in (19, 26) and value[10] == " " and value[19:20] in ("", "."):
            return value[:10] + "T" + value[11:19] + "+00:00"
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC).isoformat(timespec="seconds")


def parse_timestamp(text: str) -> datetime:
    """A timestamp as exports write it (``2024-01-01T10:00:00+00:00``) back as a UTC datetime.

    A time without its offset is refused: read as local time, it would move with the
    machine's time zone.
    """
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidDate(
            f"{text!r} is not a timestamp (write it as 2024-01-01T10:00:00+00:00)"
        ) from None
    if value.tzinfo is None:
        raise InvalidDate(f"{text!r} has no UTC offset (write it as {text.strip()}+00:00)")
    return value.astimezone(UTC)
