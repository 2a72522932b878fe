"""Secondary indexes built once after a bulk insert into a nearly empty table, on SQLite.

Inserting a million claims row by row into a dozen indexes whose pages no longer fit the
page cache costs more than sorting each index once at the end. The indexes are dropped
and created again with their own SQL inside the caller's transaction, so an insert that
fails rolls the drop back with everything else, and the rows of every table stay exactly
what inserting through the indexes writes (only the index b-trees are laid out anew).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.orm import Session


@contextmanager
def indexes_built_after(
    session: Session, tables: Collection[str], *, kept: Collection[str] = ()
) -> Iterator[list[str]]:
    """Drop the secondary indexes of ``tables`` but ``kept`` (which the inserts' own
    lookups read), and create them again on leaving without an error: yields the names
    dropped. Does nothing but on SQLite; unique indexes, a table's own constraints, are
    never dropped."""
    dropped: list[tuple[str, str]] = []
    if session.get_bind().dialect.name == "sqlite" and tables:
        marks = ", ".join(f":t{n}" for n in range(len(tables)))
        rows = session.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks}) ORDER BY rowid"
            ),
            {f"t{n}": table for n, table in enumerate(tables)},
        )
        dropped = [
            (name, sql)
            for name, sql in rows
            if name not in kept and not sql.upper().startswith("CREATE UNIQUE")
        ]
    for name, _sql in dropped:
        session.execute(text(f'DROP INDEX "{name}"'))
    yield [name for name, _sql in dropped]
    for _name, sql in dropped:
        session.execute(text(sql))


def refresh_statistics(session: Session, tables: Collection[str]) -> None:
    """On PostgreSQL, gather the planner's statistics of ``tables`` after a bulk write.

    Until autovacuum gets to them the planner plans for the tables as it last saw them,
    often empty: the first newest-first topic page after importing 100k claims hash-joined
    every claim (154 ms) instead of 78 ms once analysed. ANALYZE is transactional there:
    statistics gathered inside a write that fails are rolled back with it. SQLite keeps
    no statistics unless asked, and its plans are chosen (and tested) without them.
    """
    if session.get_bind().dialect.name == "postgresql" and tables:
        session.execute(text(f"ANALYZE {', '.join(sorted(tables))}"))
