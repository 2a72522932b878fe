"""What `factbase edit` of a claim takes, lays over the stored claim and reports; no database.

:mod:`factbase.analysis.editing` edits through a session, the quick writer
(:mod:`factbase.analysis.quick_edit`) with ``sqlite3``; both take the fields, the edited
input, the snapshot an edit's changes are told from, and the report from here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from factbase.claims.values import HISTORY_COLUMNS, ClaimInput
from factbase.errors import InvalidInput
from factbase.vocabulary import QUOTE_NO_TEXT

# What `factbase edit` may change: every field a claim is recorded with, but its topics
# (given apart) and its history (retraction, merging and timestamps have commands of
# their own, or are the record's own).
# A polarity is suggested by factbase, never by a person: --polarity "" asks for one.
_NOT_EDITED = ("topics", "merged_into", "polarity_suggested", *HISTORY_COLUMNS)
CLAIM_EDIT_FIELDS: tuple[str, ...] = tuple(
    given.name for given in fields(ClaimInput) if given.name not in _NOT_EDITED
)

# A quantity is given as words or as parts: a new one replaces every part of the old.
_QUANTITY_PARTS = ("value", "value_num", "unit", "qualifier")


@dataclass(frozen=True)
class ConflictChange:
    """A conflict of the edited claim that appeared, went, or went stale."""

    conflict_id: int
    other_claim: int
    kind: str
    status: str


@dataclass
class Edit:
    """What an edit did (or, in a dry run, would do)."""

    target: str  # "claim 12", "source 3", "entity 5"
    changes: dict[str, list[Any]] = field(default_factory=dict)  # field -> [before, after]
    warnings: list[str] = field(default_factory=list)
    appeared: list[ConflictChange] = field(default_factory=list)
    withdrawn: list[ConflictChange] = field(default_factory=list)
    stale: list[ConflictChange] = field(default_factory=list)
    audit_id: int | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def unknown_fields(given: Mapping[str, Any], allowed: Sequence[str], what: str) -> None:
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise InvalidInput(
            f"{what} has no field {unknown[0]!r} (fields: {', '.join(sorted(allowed))})"
        )


def blank_is_none(given: Mapping[str, Any]) -> dict[str, Any]:
    """An empty value clears a field: "" and None both mean "nothing"."""
    return {
        name: (None if isinstance(value, str) and not value.strip() else value)
        for name, value in given.items()
    }


def edited_input(base: ClaimInput, given: dict[str, Any]) -> ClaimInput:
    """The stored claim ``base`` with the fields ``given`` laid over it."""
    if any(part in given for part in _QUANTITY_PARTS):
        # A new figure replaces the old one whole: "80%" must not keep an old unit.
        base = replace(base, value=None, value_num=None, unit=None, qualifier=None)
    for required in ("source", "statement"):
        if required in given and given[required] is None:
            raise InvalidInput(f"{required}: a claim needs one")
    return replace(base, **given)


def claim_snapshot(
    stored: ClaimInput,
    *,
    polarity: str,
    polarity_suggested: bool,
    quote_match: str | None,
    topics: Iterable[tuple[str, bool]],
) -> dict[str, Any]:
    """The claim as a person reads it: the fields `edit` takes, and its topics
    ((slug, suggested) of each)."""
    snapshot = {name: getattr(stored, name) for name in CLAIM_EDIT_FIELDS}
    if "polarity" in snapshot and polarity_suggested:
        snapshot["polarity"] = f"{polarity} (suggested)"
    # Worked out, not given: shown when a corrected quote or source matches the source's
    # text otherwise (a source without text says nothing of it).
    if quote_match not in (None, QUOTE_NO_TEXT):
        snapshot["quote_match"] = quote_match
    snapshot["topics"] = sorted(
        f"{slug} (suggested)" if suggested else slug for slug, suggested in topics
    )
    return snapshot


def conflict_changes(
    before: Mapping[int, ConflictChange], after: Mapping[int, ConflictChange], edit: Edit
) -> None:
    """Which of the claim's conflicts appeared, went or went stale, told from their
    states before and after it was checked again."""
    edit.appeared = [change for cid, change in after.items() if cid not in before]
    edit.withdrawn = [change for cid, change in before.items() if cid not in after]
    edit.stale = [
        change
        for cid, change in after.items()
        if change.status == "stale" and cid in before and before[cid].status != "stale"
    ]
