"""Dates as people write them, kept at the precision they were written with.

"2022" is a year, "ноябрь 2023" a month and "1 грудня 2022" a day: a
:class:`PartialDate` keeps the first day of the period and its precision, so
nothing pretends to know more than the source said.

ISO forms and the dotted European forms (``01.12.2022``, ``12.2022``) are read
here directly. Everything else goes to dateparser, imported only when needed,
restricted to :data:`LANGUAGES`, with the date order fixed to day-month-year
and relative expressions ("вчера") counted from ``today`` (UTC by default).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

from factbase.errors import InvalidDate

__all__ = [
    "LANGUAGES",
    "PartialDate",
    "Precision",
    "is_relative",
    "parse_date",
    "parse_date_or_none",
    "relative_publication",
]

LANGUAGES: tuple[str, ...] = ("en", "ru", "bg", "uk")
MIN_YEAR = 1000
MAX_YEAR = 2999
MAX_LENGTH = 100

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_EXAMPLES = 'e.g. 2022, 2022-11, 2022-11-01 or "1 November 2023"'


class Precision(StrEnum):
    """How much of a date the source gave."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


_COARSENESS = {Precision.DAY: 0, Precision.MONTH: 1, Precision.YEAR: 2}


def _truncate(day: date, precision: Precision) -> date:
    if precision is Precision.YEAR:
        return day.replace(month=1, day=1)
    if precision is Precision.MONTH:
        return day.replace(day=1)
    return day


def _precision(value: Precision | str) -> Precision:
    try:
        return Precision(value)
    except ValueError:
        raise InvalidDate(f"{value!r} is not a date precision (day, month or year)") from None


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A day, a month or a year: ``start`` is the first day of the period."""

    start: date
    precision: Precision

    def __post_init__(self) -> None:
        precision = _precision(self.precision)
        start = self.start.date() if isinstance(self.start, datetime) else self.start
        if not MIN_YEAR <= start.year <= MAX_YEAR:
            raise InvalidDate(f"{start.year} is outside the years {MIN_YEAR}–{MAX_YEAR}")
        if _truncate(start, precision) != start:
            raise InvalidDate(f"{start.isoformat()} is not the first day of its {precision}")
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "start", start)

    @property
    def end(self) -> date:
        """The last day of the period."""
        if self.precision is Precision.YEAR:
            return date(self.start.year, 12, 31)
        if self.precision is Precision.MONTH:
            next_month = self.start.replace(day=28) + timedelta(days=4)
            return next_month - timedelta(days=next_month.day)
        return self.start

    def iso(self) -> str:
        """``2022``, ``2022-11`` or ``2022-11-01``."""
        if self.precision is Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision is Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def __str__(self) -> str:
        return self.iso()

    def human(self) -> str:
        """``2022``, ``Nov 2023`` or ``1 Nov 2023``, whatever the locale."""
        month = _MONTHS[self.start.month - 1]
        if self.precision is Precision.YEAR:
            return str(self.start.year)
        if self.precision is Precision.MONTH:
            return f"{month} {self.start.year}"
        return f"{self.start.day} {month} {self.start.year}"

    def overlaps(self, other: PartialDate) -> bool:
        """Whether the two periods share at least one day."""
        return self.start <= other.end and other.start <= self.end

    def agrees_with(self, other: PartialDate) -> bool:
        """Whether the two are equal at the coarser of their precisions."""
        coarser = max(self.precision, other.precision, key=_COARSENESS.__getitem__)
        return _truncate(self.start, coarser) == _truncate(other.start, coarser)

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        """The inverse of :meth:`iso`; anything else raises :class:`InvalidDate`."""
        match = _ISO_EXACT.fullmatch(text) if isinstance(text, str) else None
        if match is None:
            raise InvalidDate(
                f"{_quote(str(text))} is not an ISO date: 2022, 2022-11 or 2022-11-01"
            )
        return _from_match(match, text)

    @classmethod
    def from_parts(cls, start: date, precision: Precision | str) -> PartialDate:
        """The period of ``precision`` that contains ``start``."""
        wanted = _precision(precision)
        if isinstance(start, datetime):
            start = start.date()
        return cls(_truncate(start, wanted), wanted)


_ISO_EXACT = re.compile(r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?")
_FAST = (  # read without dateparser; the fields name the precision
    re.compile(r"(?:(?:в|у|през|in)\s+)?(?P<y>[0-9]{4})", re.IGNORECASE),
    re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})"),
    re.compile(
        r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"  # the time, if any, is ignored
        r"(?:[t ](?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.,][0-9]+)?)?"
        r"\s*(?:z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?",
        re.IGNORECASE,
    ),
    re.compile(r"(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})"),
    re.compile(r"(?P<m>[0-9]{1,2})\.(?P<y>[0-9]{4})"),
)
# "2022 г.", "2022 року", "2022 година": the word only says that the number is a year.
_YEAR_WORD = re.compile(r"(?<=[0-9]{4})\s*(?:г|гг|год|года|году|година|р|рік|року)$", re.I)
_ORDINAL = re.compile(r"\b([0-9]{1,2})-(?:го|е|ое|ого)\b", re.IGNORECASE)  # "1-го ноября"
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")
_DIGITS = re.compile(r"\d+")
_FOUR_DIGITS = re.compile(r"(?<![0-9])[0-9]{4}(?![0-9])")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"))

_PERIODS = dict.fromkeys(("day", "week", "time", "part_of_day"), Precision.DAY)
_PERIODS.update(month=Precision.MONTH, year=Precision.YEAR)


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return f'"{flat[:60]}…"' if len(flat) > 60 else f'"{flat}"'


def _not_understood(text: str) -> InvalidDate:
    return InvalidDate(f"{_quote(text)} is not a date factbase understands; write {_EXAMPLES}")


def _build(text: str, year: int, month: int, day: int, precision: Precision) -> PartialDate:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(f"{_quote(text)} is outside the years {MIN_YEAR}–{MAX_YEAR}")
    try:
        return PartialDate(date(year, month, day), precision)
    except ValueError:
        raise InvalidDate(
            f"{_quote(text)} is not a real date (month or day out of range)"
        ) from None


def _from_match(match: re.Match[str], text: str) -> PartialDate:
    fields = match.groupdict()
    month, day = fields.get("m"), fields.get("d")
    precision = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    return _build(text, int(fields["y"]), int(month or 1), int(day or 1), precision)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("ё", "е").replace("Ё", "Е")
    text = " ".join(text.translate(_DASHES).split())
    text = _EDGES.sub("", text)
    return _ORDINAL.sub(r"\1", _YEAR_WORD.sub("", text))


@lru_cache(maxsize=16)
def _parser(languages: tuple[str, ...], today: date) -> Any:
    """One dateparser parser per languages and day: the day is a setting of the parser."""
    # dateparser takes ~0.2 s to import: deferred until a date is parsed.
    from dateparser.date import DateDataParser

    settings = {
        "DATE_ORDER": "DMY",
        "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False,
        # Noon, so that "2 hours ago" stays on the day: only the date is known.
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PARSERS": ["relative-time", "custom-formats", "absolute-time"],  # not "timestamp"
    }
    parser = DateDataParser(languages=list(languages), settings=settings)
    parser.get_date_data("2000")  # loads the languages now: ValueError for an unknown code
    return parser


# News repeats its dates (every article of a day carries the same one), and dateparser
# takes about a millisecond each: a date read once is kept. The key holds everything the
# result depends on, "today" included; PartialDate is frozen, so sharing it is safe.
@lru_cache(maxsize=16384)
def _read(
    text: str,
    original: str,
    languages: tuple[str, ...],
    default_year: int | None,
    today: date,
) -> PartialDate:
    if not text:
        raise _not_understood(original)
    for pattern in _FAST:
        if match := pattern.fullmatch(text):
            return _from_match(match, original)
    if _DIGITS.fullmatch(text):
        raise InvalidDate(
            f"{_quote(original)} is a bare number, not a date; "
            f"a year has four digits ({MIN_YEAR}–{MAX_YEAR})"
        )
    parser = _parser(languages, today)
    try:
        data = parser.get_date_data(text)
    except Exception as exc:  # dateparser's failures on odd text are not ours to show
        raise _not_understood(original) from exc
    found, precision = data.date_obj, _PERIODS.get(data.period)
    parts = getattr(data, "parts", None)
    if parts is None:
        raise RuntimeError("factbase needs dateparser 1.5 or later (DateData.parts)")
    if found is None or precision is None:
        raise _not_understood(original)
    if "year" not in parts:
        if "month" not in parts or (precision is Precision.DAY and "day" not in parts):
            raise _not_understood(original)
        if default_year is None:
            example = _quote(f"{text} {today.year}")
            raise InvalidDate(f"{_quote(original)} has no year; write it in full, e.g. {example}")
        day = found.day if precision is Precision.DAY else 1
        return _build(original, default_year, found.month, day, precision)
    years = {int(y) for y in _FOUR_DIGITS.findall(text)}
    if years and found.year not in years:
        raise _not_understood(original)
    if "month" not in parts:
        precision = Precision.YEAR
    elif "day" not in parts and precision is Precision.DAY:
        precision = Precision.MONTH
    start = _truncate(found.date(), precision)
    return _build(original, start.year, start.month, start.day, precision)


def parse_date(
    text: str,
    *,
    languages: Sequence[str] | None = None,
    default_year: int | None = None,
    today: date | None = None,
) -> PartialDate:
    """Read a date as written in en/ru/bg/uk, keeping its precision.

    ``default_year`` is used for text without a year ("7 июля"); without it such
    text is refused. ``today`` anchors relative text ("yesterday"); it defaults
    to today's date in UTC. Bad text raises :class:`InvalidDate`; a language
    code dateparser does not know raises ``ValueError``.
    """
    if not isinstance(text, str):
        raise InvalidDate(f"a date must be text, not {type(text).__name__}")
    stripped = text.strip()
    if not stripped:
        raise InvalidDate("the date is empty; write " + _EXAMPLES)
    if len(stripped) > MAX_LENGTH:
        raise InvalidDate(
            f"{_quote(stripped)} is too long for a date (over {MAX_LENGTH} characters)"
        )
    cleaned = _clean(stripped)
    wanted = tuple(languages or LANGUAGES)
    base = today if today is not None else datetime.now(UTC).date()
    if isinstance(base, datetime):
        base = base.date()
    return _read(cleaned, stripped, wanted, default_year, base)


def parse_date_or_none(
    text: str | None,
    *,
    languages: Sequence[str] | None = None,
    default_year: int | None = None,
    today: date | None = None,
) -> PartialDate | None:
    """Like :func:`parse_date`, but ``None`` or blank text gives ``None``."""
    if text is None or not text.strip():
        return None
    return parse_date(text, languages=languages, default_year=default_year, today=today)


# Two days far apart that differ in year, month, day of the month and day of the week:
# text read the same from both says its date outright, text read differently counts it
# from the day ("вчера", "last month", "next tuesday", "минулого року").
_PROBES = (date(2003, 2, 11), date(2011, 9, 23))


@lru_cache(maxsize=4096)
def _relative(cleaned: str, languages: tuple[str, ...]) -> bool:
    found = []
    for probe in _PROBES:
        try:
            found.append(_read(cleaned, cleaned, languages, MIN_YEAR, probe))
        except InvalidDate:
            return False
    return found[0] != found[1]


def is_relative(text: str, *, languages: Sequence[str] | None = None) -> bool:
    """Whether ``text`` gives a date counted from some day ("yesterday", "в прошлом
    году") rather than the date itself ("2022", "1 грудня 2022").

    Text is relative when it reads as different dates from two different days. Text
    that is no date at all is not relative (:func:`parse_date` says what is wrong with
    it); a day and month without a year ("7 июля") are not either: the year they lack
    is taken from the source, not counted from a day. Never raises on text.
    """
    if not isinstance(text, str):
        return False
    stripped = text.strip()
    if not stripped or len(stripped) > MAX_LENGTH:
        return False
    cleaned = _clean(stripped)
    if not cleaned or any(pattern.fullmatch(cleaned) for pattern in _FAST):
        return False
    try:
        return _relative(cleaned, tuple(languages or LANGUAGES))
    except ValueError:  # a language dateparser does not know
        raise
    except Exception:  # dateparser's failures on odd text: not a date, so not relative
        return False


def relative_publication(text: str) -> str:
    """Why a relative publication date is refused: the message, one line."""
    return (
        f"{_quote(text.strip())} is relative to today; a source's publication date must be "
        f"absolute, {_EXAMPLES}"
    )
