"""Files that ship with factbase: the Alembic migrations and the seed dataset.

In a wheel they sit inside the package (``factbase/migrations``,
``factbase/seeds``); in a source checkout they are the top-level folders.
"""

from __future__ import annotations

from pathlib import Path

from factbase.errors import FactbaseError

# This module lives in factbase/store/; the bundled folders sit beside the package root.
_PACKAGE = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    for candidate in (_PACKAGE / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FactbaseError(f"this installation of factbase is missing its {name} folder; reinstall")


def migrations_dir() -> Path:
    return _bundled("migrations")


def seeds_dir() -> Path:
    return _bundled("seeds")
