"""Many rows into one table at once, past SQLAlchemy's per-row parameter handling on SQLite.

Core's executemany turns every row into parameters one at a time (processing each
value, checking each key): for an import's hundreds of thousands of audit entries,
claim-topic links and search forms that was a tenth of the writing process. On SQLite the
compiled statement goes to the driver's cursor instead, each value through the same bind
processor Core would apply, so the rows written are the same. Elsewhere Core runs it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, cast

from sqlalchemy import Insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]

# False: every statement through Core, as on PostgreSQL (the tests hold both to the same
# database).
DIRECT = True


def bound_rows(
    compiled: SQLCompiler, rows: Sequence[dict[str, Any]]
) -> list[tuple[Any, ...]] | None:
    """The driver's parameters for ``rows``, in the order of ``compiled``'s placeholders,
    each value through its bind processor; None when the statement binds anything the
    rows do not give (a column default SQLAlchemy would fill in)."""
    names = compiled.positiontup
    if names is None or set(names) != set(rows[0]):
        return None
    processors = cast(dict[str, Processor], compiled._bind_processors)
    processed = [(i, processors[name]) for i, name in enumerate(names) if name in processors]
    take = itemgetter(*names)
    # itemgetter of one name gives the value, not a tuple of it
    plain = [(take(row),) for row in rows] if len(names) == 1 else [take(row) for row in rows]
    if not processed:
        return plain
    bound = []
    for values in plain:
        row = list(values)
        for i, process in processed:
            row[i] = process(row[i])
        bound.append(tuple(row))
    return bound


def insert_rows(session: Session, statement: Insert, rows: Sequence[dict[str, Any]]) -> None:
    """Execute ``statement`` (an INSERT without RETURNING) for each of ``rows``, all of
    which give the same columns: as Core's executemany would, straight to the driver on
    SQLite."""
    if not rows:
        return
    session.flush()  # what Core's execute writes first
    connection = session.connection()
    if DIRECT and connection.dialect.name == "sqlite":
        compiled = statement.compile(dialect=connection.dialect, column_keys=list(rows[0]))
        params = bound_rows(compiled, rows)
        if params is not None:
            cursor = connection.connection.cursor()
            try:
                cursor.executemany(compiled.string, params)
            finally:
                cursor.close()
            return
    session.execute(statement, list(rows))
