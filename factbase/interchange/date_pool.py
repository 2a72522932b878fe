"""The publication dates of an import's sources, read in worker processes.

A source's date is read by dateparser, which takes milliseconds, and checked for being
relative ("yesterday"), which reads it twice more: at a million claims, the run's 125,000
sources give some 8,000 different texts, most of the importing process's time on
sources. They need nothing of the database, so the distinct texts go, a chunk at a time,
to spawned workers (as claim records do, factbase.interchange.claim_pool), and what they
read seeds the source writer's caches. A text a worker cannot read is left out, to be
read again here, where it raises the error an import reports.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor

from factbase.text.dates import PartialDate, is_relative, parse_date

# Texts sent to a worker at once.
CHUNK_TEXTS = 250

# text -> its date, and whether it is relative to today
Read = dict[str, tuple[PartialDate, bool]]


def read_dates(texts: Iterable[str], workers: int) -> Read:
    """What :func:`parse_date` and :func:`is_relative` give for each of ``texts`` that
    reads as a date, worked out by ``workers`` processes."""
    distinct = sorted(set(texts))
    if not distinct or workers < 1:
        return {}
    chunks = [distinct[n : n + CHUNK_TEXTS] for n in range(0, len(distinct), CHUNK_TEXTS)]
    found: Read = {}
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for read in pool.map(_read_chunk, chunks):
            found.update(read)
    return found


def _read_chunk(texts: list[str]) -> Read:
    read: Read = {}
    for text in texts:
        try:
            read[text] = (parse_date(text), is_relative(text))
        except Exception:  # read again by the importing process, which reports it
            continue
    return read
