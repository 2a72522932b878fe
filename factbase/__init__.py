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

from factbase.moved import install_finder

__version__ = "0.1.0"

_API = {
    "Database": "factbase.store.database",
    "FactbaseError": "factbase.errors",
    "ClaimInput": "factbase.claims.recording",
    "ClaimFilter": "factbase.claims.filter",
    "add_claim": "factbase.analysis.intake",
    "get_claim": "factbase.claims.query",
    "find_claims": "factbase.claims.query",
    "retract_claim": "factbase.analysis.corrections",
    "unretract_claim": "factbase.analysis.corrections",
    "delete_claim": "factbase.analysis.corrections",
    "restore_claim": "factbase.analysis.corrections",
    "merge_claims": "factbase.analysis.merging",
    "SourceInput": "factbase.catalog.sources",
    "add_source": "factbase.catalog.sources",
    "get_source": "factbase.catalog.sources",
    "record_source": "factbase.catalog.source_texts",
    "attach_text": "factbase.catalog.source_texts",
    "read_text_file": "factbase.text.articles",
    "read_html_file": "factbase.text.articles",
    "locate_quote": "factbase.text.quotes",
    "add_outlet": "factbase.catalog.outlets",
    "get_outlet": "factbase.catalog.outlets",
    "parse_quantity": "factbase.text.quantities",
    "parse_date": "factbase.text.dates",
}

__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'factbase' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


install_finder()
