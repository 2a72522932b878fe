"""The words factbase stores in its closed fields, declared once for the schema, the library
and the command line: polarities, statuses, link kinds, conflict kinds, statuses and causes.

Imports only `factbase.errors`: the schema's CHECK constraints, the library's validation and the
CLI's choices all read these.
"""

from __future__ import annotations

from enum import StrEnum

from factbase.errors import InvalidInput

PRECISIONS = ("day", "month", "year")
POLARITIES = ("affirmed", "denied")
STATUSES = ("unverified", "corroborated", "disputed", "retracted")
QUALIFIERS = ("exact", "approx", "almost", "over", "at_least", "under", "up_to", "range")
LINK_KINDS = ("same", "supports", "contradicts", "refines")
CONFLICT_KINDS = ("value", "date", "polarity", "declared")
CONFLICT_STATUSES = ("open", "confirmed", "dismissed", "resolved")
# Why two claims disagree, as far as the data tells: reviewers start with "direct".
CONFLICT_CAUSES = ("direct", "time-scope", "approximation", "declared")


class LinkKind(StrEnum):
    """How a person links two claims (`factbase link --as`)."""

    SAME = "same"
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    REFINES = "refines"


class Decision(StrEnum):
    """A reviewer's decision on a conflict: every conflict status but "open"."""

    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"


def validate_choice(value: str | None, allowed: tuple[str, ...], what: str, default: str) -> str:
    """``value`` trimmed and lower-cased if it is one of ``allowed``; ``default`` when blank."""
    if value is None or not value.strip():
        return default
    value = value.strip().lower()
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} must be one of: {', '.join(allowed)}")
    return value
