"""A conflict's columns, declared once: its own, and each claim's side by side.

`factbase conflicts --format …` lists a summary and `export conflicts` writes both claims
in full; both are the conflict's own head and tail around pairs of claim record fields
(:mod:`factbase.claims.fields`), a group's fields of claim a, then those of claim b.
"""

from __future__ import annotations

from collections.abc import Sequence

# A conflict's own columns, before and after its two claims.
CONFLICT_HEAD = ("id", "kind", "cause", "status", "explanation")
# A decision's who and when, and whether it is stale (its claims no longer clash).
CONFLICT_TAIL = (
    "kept_claim",
    "note",
    "decided_by",
    "decided_at",
    "stale",
    "created_at",
    "updated_at",
)
SIDES = ("a", "b")

# The claim fields each listing shows per side, in groups: claim_a, claim_a_key, claim_b,
# claim_b_key, statement_a, statement_b, ...
LISTED_SIDE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("id", "key"),
    *((name,) for name in ("statement", "outlet", "stance", "language")),
)
EXPORTED_SIDE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("id", "key"),
    *((name,) for name in ("statement", "quote", "speaker", "value", "event_date", "as_of")),
    *((name,) for name in ("outlet", "stance", "language", "published")),
    *((name,) for name in ("source_title", "source_url")),
)


def side_fields(groups: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The claim fields of one side, in the order a record reader reads them."""
    return tuple(name for group in groups for name in group)


def side_column(field: str, side: str) -> str:
    """A claim field's column beside the conflict: ``claim_a``, ``claim_a_key``,
    ``statement_a``."""
    if field in ("id", "key"):
        return f"claim_{side}" + ("_key" if field == "key" else "")
    return f"{field}_{side}"


def conflict_columns(groups: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Every column of a conflict record whose claims show ``groups``."""
    return (
        *CONFLICT_HEAD,
        *(side_column(field, side) for group in groups for side in SIDES for field in group),
        *CONFLICT_TAIL,
    )


CONFLICT_COLUMNS = conflict_columns(LISTED_SIDE_GROUPS)
CONFLICT_EXPORT_COLUMNS = conflict_columns(EXPORTED_SIDE_GROUPS)
