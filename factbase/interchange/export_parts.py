"""A whole claims export written by two processes at once, as one snapshot.

Writing a claim row (decoding its fields, its topics and corroboration, the CSV cells)
takes several times longer than SQLite takes to read it, and one process uses one core.
So an export of every claim in id order, in a format whose rows simply follow each other
(CSV, TSV, JSON Lines), is cut in two at the middle id: this process writes the first
half where the output goes while a worker writes the second half into a part file
beside it, appended once both are done. The rows, their order and the bytes are those
one process writes (``tests/test_export_parts.py``).

Both halves read the same state of the database. On SQLite, when the export will be
cut, a second connection holds the write lock from before this process's first read
until the worker has made its first, so no commit can fall between the two snapshots (a
writer waits that long, well under a second, within its busy timeout); when the lock
cannot be had at once, the export is written by this process alone. An export too small
to cut takes no lock. On PostgreSQL the worker adopts this transaction's exported
snapshot.

The worker writes its part into a file it creates beside the output (in the temporary
folder for stdout). This process opens that file as soon as the worker names it and
removes its name at once, so the part lives on only as the two open files: a kill of
both processes leaves nothing behind, unless it falls in the moment between.

The worker is a :class:`~factbase.store.worker_process.WorkerProcess`; starting it
costs about half a second of the other core, so exports of fewer than
:data:`MIN_CLAIMS` claims are written here alone. ``FACTBASE_EXPORT_WORKERS=0`` writes
every export in one process, ``1`` cuts any export that can be cut, however small (the
tests use it).
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from factbase.claims.filter import ClaimFilter, Sort
from factbase.errors import FactbaseError
from factbase.interchange.claim_rows import IdSpan, claim_records
from factbase.interchange.exports import COLUMNS, primed, write_table
from factbase.interchange.outputs import part_path
from factbase.store.database import Database
from factbase.store.models import Claim
from factbase.store.worker_process import WorkerProcess
from factbase.store.workers import workers_asked
from factbase.vocabulary import ExportFormat

WORKERS_VARIABLE = "FACTBASE_EXPORT_WORKERS"
# Below this many ids between the first claim and the last, starting a worker costs more
# than it saves.
MIN_CLAIMS = 50_000
# Formats whose rows follow each other with nothing between or around them.
CUTTABLE = frozenset((ExportFormat.CSV, ExportFormat.TSV, ExportFormat.JSONL))
# How long the worker may take to open the database and read its first rows.
START_SECONDS = 120.0


@dataclass(frozen=True)
class TableOutput:
    """How rows are written: the format, the fields asked for, a header row or not."""

    fmt: ExportFormat
    fields: tuple[str, ...] | None = None
    headers: bool = True

    def write(self, out: TextIO, rows: Any, *, first: bool) -> int:
        # Only the first part has the header row (JSON Lines has none to leave out).
        headers = self.headers and first if self.fmt is not ExportFormat.JSONL else True
        return write_table(
            out, self.fmt, COLUMNS["claims"], rows, fields=self.fields, headers=headers
        )


def wanted_workers() -> int | None:
    """What ``FACTBASE_EXPORT_WORKERS`` asks: 0 (never cut), 1 (cut any size), or None."""
    asked = workers_asked(WORKERS_VARIABLE)
    return None if asked is None else min(asked, 1)


def cuttable(where: ClaimFilter, output: TableOutput) -> bool:
    """Whether this export is every claim in id order, in a format that can be cut."""
    whole = where.sort is Sort.ID and not where.limit and not any(where.filters().values())
    return whole and output.fmt in CUTTABLE and wanted_workers() != 0


def middle_id(session: Session) -> int | None:
    """The id to cut at (the first part ends there), or None when the export is too small
    to be worth cutting."""
    low, high = session.execute(select(func.min(Claim.id), func.max(Claim.id))).one()
    return _cut_between(low, high)


def _cut_between(low: int | None, high: int | None) -> int | None:
    if low is None or high is None or low == high:
        return None
    if wanted_workers() is None and high - low < MIN_CLAIMS:
        return None
    return (low + high) // 2


def write_claims(
    database: Database,
    session: Session,
    where: ClaimFilter,
    out: TextIO,
    output: TableOutput,
    target: Path | None,
) -> int:
    """Every claim as ``output`` says, into ``out``, in two parts when that pays (see the
    module docstring); ``target`` is the file ``out`` becomes (None: stdout), beside which
    the second part is written. How many rows were written. ``session`` should read a
    snapshot (``Database.session(snapshot=True)``)."""
    held = _CommitsHeld.take(database)
    try:
        # The first read: this process's snapshot, taken while no commit can land.
        cut = middle_id(session) if held is not None else None
        if cut is None:
            _release(held)
            with _rows(session, where, None) as rows:
                return output.write(out, rows, first=True)
        snapshot = _exported_snapshot(session)
        with _Worker(database, where, IdSpan(after=cut), output, target, snapshot) as worker:
            # The worker starts (half a second, then its first read) while this process
            # writes its own half; a thread lets other writers go on once both snapshots
            # are taken.
            started = _Started(worker, held)
            with _rows(session, where, IdSpan(upto=cut)) as rows:
                count = output.write(out, rows, first=True)
            started.wait()
            return count + worker.append_to(out)
    finally:
        _release(held)


class _Started:
    """A thread waiting for the worker's first read, then releasing the held commits."""

    def __init__(self, worker: _Worker, held: _CommitsHeld | None) -> None:
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._wait, args=(worker, held), daemon=True)
        self.thread.start()

    def _wait(self, worker: _Worker, held: _CommitsHeld | None) -> None:
        try:
            worker.wait_started()
        except BaseException as exc:  # raised in the exporting thread by wait()
            self.failure = exc
        finally:
            _release(held)

    def wait(self) -> None:
        self.thread.join()
        if self.failure is not None:
            raise self.failure


@contextmanager
def _rows(session: Session, where: ClaimFilter, span: IdSpan | None) -> Iterator[Any]:
    rows = claim_records(session, where, span)
    try:
        yield primed(rows)
    finally:
        rows.close()


_ID_RANGE = f"SELECT min(id), max(id) FROM {Claim.__tablename__}"


class _CommitsHeld:
    """Other writers' commits held off (SQLite: the write lock, on a connection of its
    own), until :meth:`release`. PostgreSQL shares snapshots instead: nothing is held."""

    def __init__(self, connection: sqlite3.Connection | None) -> None:
        self.connection = connection
        # Released by the thread that sees the worker start, or by the exporting thread
        # on the way out, whichever comes first.
        self._releasing = threading.Lock()

    @classmethod
    def take(cls, database: Database) -> _CommitsHeld | None:
        """Commits held off, or None when the export will not be cut or the lock cannot
        be had at once."""
        if not database.is_sqlite:
            return cls(None)
        if database.read_only or database.url.database in (None, "", ":memory:"):
            return None
        path = Path(str(database.url.database)).absolute()
        try:
            connection = sqlite3.connect(
                f"{path.as_uri()}?mode=rw",
                uri=True,
                timeout=0.5,
                isolation_level=None,
                check_same_thread=False,  # released from another thread (_Started)
            )
        except sqlite3.Error:
            return None
        try:
            # Only an export that will be cut needs the lock: a smaller one is written by
            # this process alone and must not hold off, nor wait for, any writer.
            low, high = connection.execute(_ID_RANGE).fetchone()
            if _cut_between(low, high) is None:
                connection.close()
                return None
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.Error:
            connection.close()
            return None
        return cls(connection)

    def release(self) -> None:
        with self._releasing:
            if self.connection is not None:
                with suppress(sqlite3.Error):
                    self.connection.execute("ROLLBACK")
                self.connection.close()
                self.connection = None


def _release(held: _CommitsHeld | None) -> None:
    if held is not None:
        held.release()


def _exported_snapshot(session: Session) -> str | None:
    """This transaction's snapshot, for the worker to read the same (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    return str(session.execute(text("SELECT pg_export_snapshot()")).scalar_one())


_NAME = "the export's second process"


class _Worker:
    """The process writing the second part; a context manager that stops it on the way
    out and removes its part file."""

    def __init__(
        self,
        database: Database,
        where: ClaimFilter,
        span: IdSpan,
        output: TableOutput,
        target: Path | None,
        snapshot: str | None,
    ) -> None:
        # Beside the output, as `.NAME.PID.part` with the worker's PID: the next write
        # towards the same file sweeps it if a kill left it there.
        beside = target if target is not None else Path(tempfile.gettempdir()) / "factbase-export"
        self.part: Path | None = None  # the part's name, while it has one
        self.reading: BinaryIO | None = None
        location = database.url.render_as_string(hide_password=False)
        self.process = WorkerProcess(
            _NAME, _write_part, location, where, span, output, str(beside), snapshot
        )

    def __enter__(self) -> _Worker:
        self.process.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.__exit__(*exc)
        if self.reading is not None:
            self.reading.close()
        self._unname()

    def _unname(self) -> None:
        if self.part is not None:
            with suppress(OSError):  # a platform that keeps an open file's name: at exit
                self.part.unlink()
                self.part = None

    def wait_started(self) -> None:
        """Wait until the worker has read its first rows (its snapshot is taken), then
        hold its part open and take away its name."""
        self.part = Path(self.process.receive(START_SECONDS)[1])
        self.reading = self.part.open("rb")
        self._unname()

    def append_to(self, out: TextIO) -> int:
        """Wait for the part, then append it to ``out``; how many rows it holds."""
        count = int(self.process.receive()[1])
        assert self.reading is not None
        out.flush()
        shutil.copyfileobj(self.reading, out.buffer, 1 << 20)
        out.buffer.flush()
        return count


def _write_part(
    messages: Any,
    location: str,
    where: ClaimFilter,
    span: IdSpan,
    output: TableOutput,
    beside: str,
    snapshot: str | None,
) -> None:
    """The worker: the claims of ``span`` into a part file beside ``beside``; says where
    once its snapshot is taken, then how many rows it wrote."""
    part = part_path(Path(beside))
    try:
        with (
            Database.open(location, create=False, upgrade=False) as database,
            database.session(snapshot=True) as session,
        ):
            if snapshot is not None:
                _adopt(session, snapshot)
            with (
                _rows(session, where, span) as rows,
                part.open("x", encoding="utf-8", newline="") as out,
            ):
                messages.send(("started", str(part)))
                count = output.write(out, rows, first=False)
        messages.send(("done", count))
    except BaseException:
        with suppress(FileNotFoundError):
            part.unlink()
        raise


def _adopt(session: Session, snapshot: str) -> None:
    """Read the exporting transaction's snapshot (PostgreSQL's SET takes no parameter)."""
    if not re.fullmatch(r"[0-9A-Fa-f-]+", snapshot):
        raise FactbaseError(f"not a snapshot id: {snapshot!r}")
    session.execute(text(f"SET TRANSACTION SNAPSHOT '{snapshot}'"))
