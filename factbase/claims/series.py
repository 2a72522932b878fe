"""A series: what the claims of one subject and property say, period by period.

The claims of one subject (its entity, through aliases, else its folded text) and one
property form a series when they speak of more than one period. Each claim's period is its
time scope (as :func:`factbase.analysis.xref_pairs.scope` reads it: its as-of date, else its event
date, else the date its source was published), with its precision: "2022" and "May 2022"
are two periods, the second inside the first.

:func:`group_series` is pure: per period, oldest first (a period before the finer ones it
holds; undated claims last), what was said (a value as :meth:`Quantity.describe` gives it,
"not …" when denied, or the polarity alone), by which outlets and claims, and where the
reports of the period disagree: opposite polarities, or values in one unit that do not
overlap. Pure, and free of SQLAlchemy: `factbase show` reads a series straight from
SQLite (:mod:`factbase.claims.fastread`) or through the library
(:func:`factbase.analysis.series.claim_series`), and both group it here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from factbase.text.dates import PartialDate
from factbase.text.quantities import Quantity

__all__ = [
    "Period",
    "Reading",
    "SeriesClaim",
    "SeriesRow",
    "group_rows",
    "group_series",
    "is_series",
    "said",
    "said_of",
]


@dataclass(frozen=True, slots=True)
class SeriesClaim:
    """What a series needs of a claim: plain values, no ORM."""

    id: int
    period: PartialDate | None
    value: Quantity | None
    polarity: str
    outlet: str


@dataclass(frozen=True, slots=True)
class Reading:
    """One thing said of a period, by these outlets (by name) in these claims (by id)."""

    said: str
    outlets: tuple[str, ...]
    claims: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Period:
    """What the claims of one period say; ``disagreement`` says where they differ."""

    period: PartialDate | None
    readings: tuple[Reading, ...]
    disagreement: str | None

    @property
    def label(self) -> str:
        return "undated" if self.period is None else self.period.human()


def said(claim: SeriesClaim) -> str:
    """A claim's reading: its value, "not" it when denied, or its polarity alone."""
    return said_of(claim.value, claim.polarity)


def said_of(value: Quantity | None, polarity: str) -> str:
    """:func:`said` of a claim with this value and polarity."""
    if value is None:
        return polarity
    described = _described(value)
    return described if polarity != "denied" else f"not {described}"


# A report describes the value of every claim of every series (800k at 1M claims), drawn
# from far fewer values; a Quantity is immutable, so its description is kept.
_described = lru_cache(maxsize=65536)(Quantity.describe)


def _disagreement(claims: Sequence[SeriesRow]) -> str | None:
    """Where the claims of one period disagree, or None: opposite polarities, else the
    two values in one unit furthest apart that do not overlap."""
    if len({claim[3] for claim in claims}) > 1:
        return "affirmed and denied"
    by_unit: dict[str | None, list[Quantity]] = defaultdict(list)
    for claim in claims:
        if (value := claim[4]) is not None:
            by_unit[value.unit].append(value)
    for values in by_unit.values():
        # Intervals that all overlap pairwise share a point: the highest low is no higher
        # than the lowest high. Otherwise those two are a pair that does not overlap.
        highest_low = max(values, key=lambda v: -float("inf") if v.low is None else v.low)
        lowest_high = min(values, key=lambda v: float("inf") if v.high is None else v.high)
        if not highest_low.overlaps(lowest_high):
            return f"{lowest_high.describe()} vs {highest_low.describe()}"
    return None


_FINENESS = {"year": 0, "month": 1, "day": 2}


def _order(period: PartialDate | None) -> tuple[int, Any, int]:
    if period is None:
        return (1, None, 0)
    return (0, period.start, _FINENESS[str(period.precision)])


# A claim of a series as a plain tuple: (id, period, what it says as :func:`said` gives it,
# polarity, value, outlet). A report groups 800k claims at 1M: tuples, made without a
# dataclass's constructor, halve that work.
SeriesRow = tuple[int, PartialDate | None, str, str, Quantity | None, str]


def group_series(claims: Iterable[SeriesClaim]) -> list[Period]:
    """The claims of one series, period by period (see the module docstring)."""
    rows = [(c.id, c.period, said(c), c.polarity, c.value, c.outlet) for c in claims]
    rows.sort(key=itemgetter(0))
    return group_rows(rows)


def group_rows(rows: Sequence[SeriesRow]) -> list[Period]:
    """:func:`group_series` of claims given as :data:`SeriesRow` tuples in id order."""
    by_period: dict[PartialDate | None, list[SeriesRow]] = defaultdict(list)
    for row in rows:
        by_period[row[1]].append(row)
    periods = []
    for period in sorted(by_period, key=_order):
        members = by_period[period]
        readings: dict[str, list[SeriesRow]] = defaultdict(list)
        for row in members:
            readings[row[2]].append(row)
        periods.append(
            Period(
                period,
                tuple(
                    Reading(
                        text,
                        tuple(sorted({row[5] for row in group})),
                        tuple([row[0] for row in group]),
                    )
                    for text, group in readings.items()
                ),
                _disagreement(members),
            )
        )
    return periods


def is_series(periods: Sequence[Period]) -> bool:
    """Whether the claims speak of more than one period: then they are a series."""
    return sum(period.period is not None for period in periods) > 1
