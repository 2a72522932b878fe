"""factbase: claim-level fact tracking across outlets, languages and stances.

The public API is importable from here; modules load on first use so that the
command line starts fast::

    from factbase import Database, ClaimInput, add_claim
    db = Database.open("claims.db")
    with db.session(write=True) as session:
        add_claim(session, ClaimInput(source="silkbridge-wsj", statement="..."))
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_API = {
    "Database": "factbase.db",
    "FactbaseError": "factbase.errors",
    "ClaimInput": "factbase.claims",
    "ClaimFilter": "factbase.claims",
    "add_claim": "factbase.claims",
    "get_claim": "factbase.claims",
    "find_claims": "factbase.claims",
    "SourceInput": "factbase.sources",
    "add_source": "factbase.sources",
    "get_source": "factbase.sources",
    "add_outlet": "factbase.outlets",
    "get_outlet": "factbase.outlets",
    "parse_quantity": "factbase.quantities",
    "parse_date": "factbase.dates",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'factbase' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
