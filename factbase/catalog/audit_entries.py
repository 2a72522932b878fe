"""Who an audit entry names and how its detail is written, without the database.

:mod:`factbase.catalog.audit` records entries through a session; the quick writers
(:mod:`factbase.store.quick_sqlite` and its users) write the same rows with ``sqlite3``.
Both take the actor and the detail's text from here, so an entry reads the same
whichever wrote it.
"""

from __future__ import annotations

import getpass
import json
import os
from datetime import date, datetime
from typing import Any

ACTOR_ENV = "FACTBASE_USER"
_acting_as: str | None = None


def acting_as(name: str | None) -> None:
    """Record the entries that follow as ``name``'s (`factbase --user`); None forgets it."""
    global _acting_as
    _acting_as = name.strip() if name and name.strip() else None


def current_actor() -> str:
    """Who is deciding: `--user`, else $FACTBASE_USER, else the login name."""
    if _acting_as:
        return _acting_as[:100]
    explicit = os.environ.get(ACTOR_ENV, "").strip()
    if explicit:
        return explicit[:100]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, e.g. in a container
        return "unknown"


def detail_text(detail: dict[str, Any] | None) -> str | None:
    """An entry's ``detail`` column: its JSON, keys sorted; None for no detail."""
    if not detail:
        return None
    return json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """field -> [before, after] for every field of ``after`` whose value differs.

    Values are kept as JSON shows them (dates as ISO text), so an entry reads the same
    in `factbase history` and in an export.
    """
    found: dict[str, list[Any]] = {}
    for name, value in after.items():
        old = before.get(name)
        if _plain(old) != _plain(value):
            found[name] = [_plain(old), _plain(value)]
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, tuple | set | frozenset):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return value


def change_lines(detail: str | None) -> list[str]:
    """An entry's changes as `field: before → after` lines, for people."""
    if not detail:
        return []
    try:
        parsed = json.loads(detail)
    except ValueError:
        return [detail]
    changed = parsed.get("changes") if isinstance(parsed, dict) else None
    if not isinstance(changed, dict):
        return []
    return [
        f"{name}: {_shown(pair[0])} → {_shown(pair[1])}"
        for name, pair in changed.items()
        if isinstance(pair, list) and len(pair) == 2
    ]


def _shown(value: Any) -> str:
    if value is None or value == []:
        return "∅"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)
