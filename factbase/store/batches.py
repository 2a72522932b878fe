"""Reading a large query a chunk at a time: every export, dump and stream goes through here."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

# Rows read per round trip.
CHUNK = 1000


def chunks(session: Session, query: Select[*tuple[Any, ...]]) -> Iterator[Sequence[Any]]:
    """The query's rows a chunk at a time; a server-side cursor where the driver has one."""
    result = session.execute(query.execution_options(yield_per=CHUNK))
    yield from result.partitions()
