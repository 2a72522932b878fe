"""Reading the claim records of a large JSON Lines file in other processes while this one writes.

Reading a claim record (its fields checked, dates, figures, language, lemmas, suggested
topics, the quote located) takes far longer than writing it, and needs nothing of the
database but the lookups an import loads once (:class:`ImportLookups`). So the lines of
a file go, a chunk at a time, to worker processes that read them with
:func:`~factbase.interchange.claim_intake.read_claim`, and the results come back in file
order to :class:`~factbase.interchange.claim_intake.ClaimIntake`, which decides and writes
exactly as for a record read here. Only a bounded number of chunks is in flight, so
memory does not grow with the file.

Workers are started with ``spawn``: a forked child would inherit the open database
connection and whatever locks other threads held. They ignore Ctrl-C, which this process
takes and answers by stopping them. Starting them costs about a second, so the pool is
used only for files of :data:`MIN_CLAIMS` claims or more, when the caller asks for them
(``ImportOptions.read_in_workers``: the command line does); ``FACTBASE_IMPORT_WORKERS``
sets the number of workers (0: none, read everything here), and a number given there is
used for files of any size, which is how the tests hold both ways to the same database.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

from factbase.errors import FactbaseError, ImportFailed
from factbase.interchange.claim_intake import ClaimReading, read_claim
from factbase.interchange.claim_writer import ImportLookups
from factbase.interchange.claims_report import ClaimsReport
from factbase.interchange.readers import (
    Line,
    Record,
    jsonl_line_records,
    jsonl_lines,
)
from factbase.store.workers import spare_cores, workers_asked

# Below this many claims in a run, starting the workers costs more than they save.
MIN_CLAIMS = 20_000
# Lines sent to a worker at once, and chunks in flight per worker: enough to keep the
# workers busy while this process writes, few enough to keep memory flat.
CHUNK_LINES = 2000
IN_FLIGHT = 3
# Every worker gets a copy of the sources' texts (quotes are located in them): past this
# many characters the claims are read in this process.
MAX_TEXT_CHARS = 50_000_000
WORKERS_VARIABLE = "FACTBASE_IMPORT_WORKERS"

Validate = Callable[[Record], dict[str, Any]]
# One claim record as a worker read it: its location, its validated fields, the reading.
Read = tuple[str, dict[str, Any], ClaimReading]


def workers_for(claims: int, lookups: ImportLookups, *, wanted: bool) -> int:
    """How many worker processes read the claims of a run of ``claims`` claims (0: none),
    for a caller that ``wanted`` them when they pay."""
    asked = workers_asked(WORKERS_VARIABLE)
    if asked is not None:
        return asked
    if not wanted or claims < MIN_CLAIMS or lookups.text_size() > MAX_TEXT_CHARS:
        return 0
    return spare_cores()


# Below this many source records, their dates are read in the importing process
# (factbase.interchange.date_pool): starting workers costs about a second.
MIN_SOURCES = 5_000


def dates_workers(sources: int, *, wanted: bool) -> int:
    """How many worker processes read the dates of a run's ``sources`` source records (0:
    none): as for claims, $FACTBASE_IMPORT_WORKERS decides when set."""
    asked = workers_asked(WORKERS_VARIABLE)
    if asked is not None:
        return asked
    if not wanted or sources < MIN_SOURCES:
        return 0
    return spare_cores()


class ClaimReaders:
    """Worker processes reading claim records; use as a context manager."""

    def __init__(self, workers: int, lookups: ImportLookups, validate: Validate) -> None:
        self.workers = workers
        self._pool = ProcessPoolExecutor(
            workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(lookups, validate),
        )

    def read(self, path: Path) -> Iterator[Read]:
        """The claim records of the JSON Lines file ``path``, read, in file order."""
        pending: deque[Future[list[Read]]] = deque()
        lines = jsonl_lines(path)
        try:
            while chunk := list(islice(lines, CHUNK_LINES)):
                pending.append(self._pool.submit(_read_chunk, path, chunk))
                if len(pending) >= IN_FLIGHT * self.workers:
                    yield from pending.popleft().result()
            while pending:
                yield from pending.popleft().result()
        finally:
            lines.close()
            for future in pending:
                future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def claim_readers(
    workers: int, lookups: ImportLookups, validate: Validate
) -> Iterator[ClaimReaders]:
    readers = ClaimReaders(workers, lookups, validate)
    try:
        yield readers
    finally:
        readers.close()


# -- in the worker processes --------------------------------------------------------

_lookups: ImportLookups | None = None
_validate: Validate | None = None


def _start_worker(lookups: ImportLookups, validate: Validate) -> None:
    global _lookups, _validate
    # Ctrl-C reaches the whole process group: the importing process stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _lookups, _validate = lookups, validate


def _read_chunk(path: Path, lines: list[Line]) -> list[Read]:
    assert _lookups is not None and _validate is not None
    report = ClaimsReport(path.name)
    read: list[Read] = []
    for line in lines:
        for record in jsonl_line_records(report, path, line):
            if record.section != "claims":
                continue
            try:
                data = _validate(record)
            except ImportFailed as exc:  # raised again in file order, as the importer would
                read.append((record.location, {}, ClaimReading(failure=exc.message)))
                continue
            except FactbaseError as exc:
                failure = f"{record.location}: {exc.message}"
                read.append((record.location, {}, ClaimReading(failure=failure)))
                continue
            read.append((record.location, data, read_claim(record, data, _lookups)))
    return read
