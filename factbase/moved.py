"""Import paths from before the role packages (0.2), kept working with a DeprecationWarning.

Imports only the standard library: `factbase/__init__.py` installs the finder on every start.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
import warnings
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from importlib.abc import Loader

# Modules that moved into the role packages (0.2): the old import paths keep working,
# with a DeprecationWarning naming the new one. `factbase.claims` and
# `factbase.interchange` became packages; their old names are kept by their own
# __getattr__ (see moved_name).
MOVED_MODULES = {
    "factbase.quantities": "factbase.text.quantities",
    "factbase.dates": "factbase.text.dates",
    "factbase.language": "factbase.text.language",
    "factbase.models": "factbase.store.models",
    "factbase.db": "factbase.store.database",
    "factbase.location": "factbase.store.location",
    "factbase.resources": "factbase.store.resources",
    "factbase.memory": "factbase.store.memory",
    "factbase.outlets": "factbase.catalog.outlets",
    "factbase.sources": "factbase.catalog.sources",
    "factbase.entities": "factbase.catalog.entities",
    "factbase.topics": "factbase.catalog.topics",
    "factbase.audit": "factbase.catalog.audit",
    "factbase.listing": "factbase.claims.filter",
    "factbase.claim_view": "factbase.claims.display",
    "factbase.quickread": "factbase.claims.fastread",
    "factbase.conflicts": "factbase.analysis.conflicts",
    "factbase.conflict_pairs": "factbase.analysis.conflict_pairs",
    "factbase.xref": "factbase.analysis.xref",
    "factbase.xref_pairs": "factbase.analysis.xref_pairs",
    "factbase.links": "factbase.analysis.links",
    "factbase.corroboration": "factbase.analysis.corroboration",
    "factbase.review": "factbase.analysis.review",
    "factbase.reports": "factbase.analysis.reports",
    "factbase.stats": "factbase.analysis.stats",
    "factbase.readers": "factbase.interchange.readers",
    "factbase.importer": "factbase.interchange.importer",
    "factbase.claim_import": "factbase.interchange.claim_writer",
    "factbase.source_import": "factbase.interchange.source_writer",
    "factbase.claim_export": "factbase.interchange.claim_rows",
    "factbase.exporters": "factbase.interchange.exports",
    "factbase.claimreview": "factbase.interchange.claimreview",
}


def warn_moved(old: str, new: str) -> None:
    warnings.warn(f"{old} moved to {new}; import it from there", DeprecationWarning, stacklevel=3)


class _MovedModuleFinder:
    """Answers an old module path with the module at its new path.

    A finder and loader by protocol: subclassing importlib.abc would cost every command
    ~35 ms of start-up."""

    def find_spec(
        self, fullname: str, path: Any = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname not in MOVED_MODULES:
            return None
        return importlib.machinery.ModuleSpec(fullname, cast("Loader", self))

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        new = MOVED_MODULES[spec.name]
        warn_moved(spec.name, new)
        return importlib.import_module(new)

    def exec_module(self, module: ModuleType) -> None:
        """The module at the new path is already executed."""


def moved_name(package: str, moved: dict[str, str], name: str) -> Any:
    """``package.name`` from before the move, found in the module ``moved`` names, with a
    warning; AttributeError for a name that never was there."""
    module = moved.get(name)
    if module is None:
        raise AttributeError(f"module {package!r} has no attribute {name!r}")
    warn_moved(f"{package}.{name}", f"{module}.{name}")
    return getattr(importlib.import_module(module), name)


def install_finder() -> None:
    """Let the old module paths import (once, however often factbase is imported)."""
    if not any(isinstance(finder, _MovedModuleFinder) for finder in sys.meta_path):
        sys.meta_path.append(_MovedModuleFinder())
