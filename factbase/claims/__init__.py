"""Claims: the record and its fields, recording, the filter, finding, the fast SQLite reader.

Imports `factbase.catalog`, `factbase.store` and `factbase.text`; never analysis or interchange.
Kept empty: `factbase.claims.fastread` must load without SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

# What `factbase.claims` held when it was one module, and where each name lives now.
_MOVED = {
    **dict.fromkeys(
        ("CLAIM_COLUMNS", "claim_row", "subject_identity", "stored_quantity"),
        "factbase.claims.record",
    ),
    **dict.fromkeys(
        (
            "ClaimInput", "ClaimResult", "ClaimLookups", "SessionLookups", "SourceRef",
            "validate_choice", "claim_values", "claim_topics", "save_claim", "add_claim",
        ),
        "factbase.claims.recording",
    ),
    **dict.fromkeys(
        ("get_claim", "view_claim", "find_claims", "claims_query", "claims_page", "count_claims"),
        "factbase.claims.query",
    ),
    **dict.fromkeys(("ClaimFilter", "Sort"), "factbase.claims.filter"),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    from factbase import moved_name

    return moved_name(__name__, _MOVED, name)
