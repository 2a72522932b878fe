"""Files in and out: reading and importing the interchange format, exports, dumps, ClaimReview.

Imports `factbase.analysis` and everything below it; never cli.
"""

from __future__ import annotations

from typing import Any

from factbase.moved import moved_name

# What `factbase.interchange` held when it was one module (it wrote `export all`).
_MOVED = dict.fromkeys(
    (
        "interchange_records", "write_document", "write_lines", "source_ref", "claim_ref",
        "value_fields", "TYPE_OF_SECTION",
    ),
    "factbase.interchange.dump",
)  # fmt: skip


def __getattr__(name: str) -> Any:
    return moved_name(__name__, _MOVED, name)
