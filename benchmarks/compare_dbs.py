"""Whether two factbase SQLite files hold the same data, table by table and row by row.

    python benchmarks/compare_dbs.py before.db after.db

Every table is compared, the search index's shadow tables and sqlite_master included,
rows in rowid order (or primary-key order for a table without rowid). The columns that
hold the moment a row was written (``created_at``, ``updated_at``, the audit log's
``at``) differ between any two imports and are compared only for being set alike.
Prints the first differences and exits 1 when there are any.
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from typing import Any

# Columns holding the time of writing, per table ("*": any table).
_CLOCK_COLUMNS = {"*": {"created_at", "updated_at"}, "audit_log": {"at"}}


def _tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows]


def _rows(db: sqlite3.Connection, table: str) -> Iterator[tuple[Any, ...]]:
    if table == "sqlite_master":
        # Not the root pages: where a table starts in the file is no part of its data. A
        # table rebuilt by a migration lists its constraints in an order that changes from
        # one process to the next (a set's), so its lines are compared as a set.
        rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY 1, 2")
        for kind, name, table_name, sql in rows:
            yield kind, name, table_name, sorted((sql or "").split("\n"))
        return
        return
    columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
    clock = _CLOCK_COLUMNS["*"] | _CLOCK_COLUMNS.get(table, set())
    masked = [f'"{c}" IS NULL' if c in clock else f'"{c}"' for c in columns]
    without_rowid = db.execute(
        "SELECT sql LIKE '%WITHOUT ROWID%' FROM sqlite_master WHERE name = ?", (table,)
    ).fetchone()[0]
    if without_rowid:
        keys = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")') if row[5]]
        order = ", ".join(f'"{k}"' for k in keys)
        query = f'SELECT {", ".join(masked)} FROM "{table}" ORDER BY {order}'
    else:
        query = f'SELECT rowid, {", ".join(masked)} FROM "{table}" ORDER BY rowid'
    yield from db.execute(query)


def differences(first: str, second: str, limit: int = 20) -> list[str]:
    """What differs between the two files, at most ``limit`` lines of it."""
    a, b = sqlite3.connect(first), sqlite3.connect(second)
    found: list[str] = []
    tables_a, tables_b = _tables(a), _tables(b)
    if tables_a != tables_b:
        found.append(f"tables differ: {sorted(set(tables_a) ^ set(tables_b))}")
    for table in ["sqlite_master", *tables_a]:
        if table not in tables_b and table != "sqlite_master":
            continue
        count = 0
        rows_b = _rows(b, table)
        for count, row_a in enumerate(_rows(a, table), start=1):
            row_b = next(rows_b, None)
            if row_a != row_b:
                found.append(f"{table} row {count}: {row_a!r:.300} != {row_b!r:.300}")
                break
        else:
            extra = next(rows_b, None)
            if extra is not None:
                found.append(f"{table}: the second has more rows ({extra!r:.200})")
        if len(found) >= limit:
            break
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    found = differences(*argv)
    for line in found:
        print(line)
    if not found:
        print("identical")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
