"""Reading a large query a chunk at a time: every export, dump and stream goes through here."""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

# Rows read per round trip.
CHUNK = 1000


def chunks(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Sequence[Any]]:
    """The query's rows a chunk at a time; a server-side cursor where the driver has one."""
    result = session.execute(query.execution_options(yield_per=CHUNK))
    yield from result.partitions()


def plain_chunks(
    session: Session, query: Select[*tuple[Any, ...]]
) -> Generator[Sequence[Sequence[Any]]]:
    """The query's rows a chunk at a time, as plain tuples where that is safe and faster.

    On SQLite, with parameters the driver takes as they are (integers, text), the
    compiled statement runs on the driver's cursor: no Row objects, no result
    processing (dates and timestamps are selected as text anyway). Otherwise
    Core runs it, on a server-side cursor where the driver has one.
    """
    connection = session.connection()
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    names = compiled.positiontup
    values = compiled.params
    plain = names is not None and all(
        values[name] is None or values[name].__class__ in (int, str) for name in names
    )
    if connection.dialect.name != "sqlite" or not plain:
        result = connection.execute(query.execution_options(yield_per=CHUNK))
        try:
            yield from result.partitions()
        finally:
            result.close()
        return
    cursor = connection.connection.cursor()
    try:
        cursor.execute(compiled.string, [values[name] for name in names or ()])
        while rows := cursor.fetchmany(CHUNK):
            yield rows
    finally:
        cursor.close()
