"""Claims: the record and its fields, recording, the filter, finding, the fast SQLite reader.

Imports `factbase.catalog`, `factbase.store` and `factbase.text`; never analysis or interchange.
Holds only the names from before the move: `factbase.claims.fastread` loads without SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

from factbase.moved import moved_name

# What `factbase.claims` held when it was one module, and where each name lives now.
_MOVED = {
    **dict.fromkeys(
        ("CLAIM_COLUMNS", "claim_row", "subject_identity", "stored_quantity"),
        "factbase.claims.record",
    ),
    **dict.fromkeys(
        (
            "ClaimInput", "ClaimResult", "ClaimLookups", "SessionLookups", "SourceRef",
            "claim_values", "claim_topics", "save_claim",
        ),
        "factbase.claims.recording",
    ),
    "validate_choice": "factbase.vocabulary",
    **dict.fromkeys(
        ("get_claim", "find_claims", "claims_query", "count_claims"), "factbase.claims.query"
    ),
    **dict.fromkeys(("view_claim", "claims_page"), "factbase.analysis.claim_views"),
    "add_claim": "factbase.analysis.intake",
    **dict.fromkeys(("ClaimFilter", "Sort"), "factbase.claims.filter"),
}  # fmt: skip


def __getattr__(name: str) -> Any:
    return moved_name(__name__, _MOVED, name)
