"""The rating scale verdicts are given on, read from its setting's text; no database.

:mod:`factbase.catalog.settings` reads the setting through a session, the quick verdict
writer (:mod:`factbase.analysis.quick_corrections`) with ``sqlite3``; both read it here.
"""

from __future__ import annotations

from dataclasses import dataclass

from factbase.errors import InvalidValue
from factbase.vocabulary import DEFAULT_RATING_SCALE


@dataclass(frozen=True)
class Rating:
    name: str
    value: float | None  # None: off the scale (unproven)


@dataclass(frozen=True)
class RatingScale:
    """The ratings a verdict may give, best first."""

    ratings: tuple[Rating, ...]

    @property
    def best(self) -> float | None:
        values = [r.value for r in self.ratings if r.value is not None]
        return max(values) if values else None

    @property
    def worst(self) -> float | None:
        values = [r.value for r in self.ratings if r.value is not None]
        return min(values) if values else None

    def rating(self, name: str) -> Rating:
        wanted = name.strip().lower()
        for rating in self.ratings:
            if rating.name == wanted:
                return rating
        names = ", ".join(r.name for r in self.ratings)
        raise InvalidValue(f"rating {name.strip()!r} is not on the scale: {names}")

    def text(self) -> str:
        """The scale as `config set rating.scale` takes it."""
        return ", ".join(
            r.name if r.value is None else f"{r.name}={r.value:g}" for r in self.ratings
        )


DEFAULT_SCALE = RatingScale(tuple(Rating(name, value) for name, value in DEFAULT_RATING_SCALE))


def parse_scale(text: str) -> RatingScale:
    """``true=6, mostly-true=5, …, unproven``: ratings with their values (a higher value is
    a truer claim), a rating without one being off the scale; at least two on it."""
    ratings: list[Rating] = []
    for item in text.split(","):
        name, _, value = item.partition("=")
        name = name.strip().lower()
        if not name or " " in name:
            raise InvalidValue(f"rating scale: {item.strip()!r} is not a rating (name=value)")
        if any(r.name == name for r in ratings):
            raise InvalidValue(f"rating scale: {name!r} is given twice")
        number: float | None = None
        if value.strip():
            try:
                number = float(value)
            except ValueError:
                raise InvalidValue(f"rating scale: {value.strip()!r} is not a number") from None
        ratings.append(Rating(name, number))
    if len({r.value for r in ratings if r.value is not None}) < 2:
        raise InvalidValue("rating scale: give at least two ratings with different values")
    ordered = sorted(ratings, key=lambda r: (r.value is None, -(r.value or 0)))
    return RatingScale(tuple(ordered))
