"""Where the database lives, how it is opened, and how its schema is kept current.

One code path opens every database: :meth:`Database.open` resolves the location
(argument, then ``FACTBASE_DB``, then the user's data directory), connects, and
upgrades the schema to the newest revision inside one transaction. A database
that is newer than this program, or is not a factbase database, is refused,
never recreated.

SQLite specifics live here and nowhere else: foreign keys on, WAL, a busy
timeout, and write transactions that take the write lock up front
(``BEGIN IMMEDIATE``) so two writers never deadlock half-way through a command.
PostgreSQL write transactions queue the same way on one advisory lock, with
the same timeout, so both backends give writers one at a time.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DatabaseError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.orm import Session

from factbase.errors import (
    DatabaseBusy,
    FactbaseError,
    InvalidInput,
    MissingDatabase,
    ReadOnlyDatabase,
    SchemaError,
)
from factbase.store.interrupts import interrupts_deferred, refuse_after_interrupt
from factbase.store.location import (
    APP_NAME,
    HEAD_REVISION,
    default_db_path,
    given_location,
    read_only_reason,
    refuse_hard_links,
)
from factbase.store.resources import migrations_dir

if TYPE_CHECKING:
    from alembic.config import Config

BUSY_TIMEOUT_SECONDS = 10.0
# PostgreSQL advisory lock every write transaction holds until it ends: "factbase" in ASCII.
WRITER_LOCK_KEY = 0x6661637462617365


def resolve_url(location: str | None = None) -> URL:
    """Turn a path or SQLAlchemy URL (or nothing) into a database URL."""
    url = _url_of(given_location(location))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        refuse_hard_links(Path(url.database))
    return url


def _url_of(location: str | None) -> URL:
    if location is None:  # its directory is made when the database is (Database.open)
        return URL.create("sqlite", database=str(default_db_path()))
    if "://" in location:
        try:
            return make_url(location)
        except (ArgumentError, ValueError):  # ValueError: a port that is not a number
            raise InvalidInput("not a database URL: use a file path or a SQLAlchemy URL") from None
    path = Path(location).expanduser().resolve()
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory; give the database file's path")
    if not path.parent.is_dir():
        raise InvalidInput(f"directory {path.parent} does not exist")
    return URL.create("sqlite", database=str(path))


def _reason(exc: OSError) -> str:
    if isinstance(exc, FileExistsError | NotADirectoryError):
        return "a file is in the way"
    return exc.strerror or str(exc)


def _free_space(url: URL) -> str:
    """What the disk holding a SQLite file has free, when that may explain an error."""
    path = _sqlite_path(url)
    if path is None:
        return ""
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return ""
    if free > 16 * 1024 * 1024:
        return ""
    return f" ({free:,} bytes free on its disk: the disk may be full)"


def display_url(url: URL) -> str:
    """The URL as users may see it: never with its password."""
    if url.get_backend_name() == "sqlite":
        return url.database or ":memory:"
    return url.render_as_string(hide_password=True)


def _install_sqlite_behaviour(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        # WAL itself is switched on once the file is known to be ours (ensure_current):
        # it is written into the file, and a refused file must stay untouched.
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock before reading, so it waits (busy timeout) at the
        # start instead of failing with "database is locked" in the middle.
        write = connection.get_execution_options().get("factbase_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _sqlite_path(url: URL) -> Path | None:
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(str(url.database))


# Below this much free space SQLite cannot make even the shared-memory file a reader
# needs (32 KiB): the file is then read as it is, and writing is refused up front.
_NEARLY_FULL_BYTES = 64 * 1024


def _read_only(url: URL) -> str | None:
    """Why this SQLite file must be opened read-only, as the line a refused write prints;
    None when it can be written."""
    path = _sqlite_path(url)
    if path is None or not path.is_file():
        return None
    reason = read_only_reason(path)
    if reason:
        return reason
    try:
        full = shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES
    except OSError:
        full = False
    return f"disk full at {path}; nothing was written" if full else None


def _read_only_url(url: URL) -> URL:
    """The file opened read-only. Where the directory is read-only too or the disk full,
    SQLite cannot make the shared-memory file a WAL reader needs; nobody can write there
    either (and with no such file, nobody has the database open: its log is merged), so
    the file is opened as immutable unless that file exists already."""
    path = Path(str(url.database))
    query = {"mode": "ro", "uri": "true"}
    shared_memory = path.with_name(path.name + "-shm")
    if not shared_memory.exists() and (
        not os.access(path.parent, os.W_OK)
        or shutil.disk_usage(path.parent).free < _NEARLY_FULL_BYTES
    ):
        query["immutable"] = "1"
    return URL.create("sqlite", database=path.absolute().as_uri(), query=query)


def _existing_only_url(url: URL) -> URL:
    """The file opened so that SQLite never creates it (``mode=rw``): a command that only
    reads must not leave a database behind, even if the file goes while it starts."""
    path = Path(str(url.database))
    return URL.create(
        "sqlite", database=path.absolute().as_uri(), query={"mode": "rw", "uri": "true"}
    )


def refuse_missing(location: str | None) -> None:
    """Refuse a SQLite location with no database file: a command that only reads never
    creates one (nor its directory), so a mistyped --db is an error, not a new file."""
    given = given_location(location)
    if given is not None and "://" in given:
        url = _url_of(given)
        path = _sqlite_path(url)
        if path is None:
            return  # a server, or SQLite in memory: there, or not, as it is
        shown = given
    else:
        path = Path(given).expanduser().resolve() if given else default_db_path()
        shown = given or str(path)
        if path.is_dir():
            return  # resolve_url words that one
    if path.exists():
        return
    if given and "://" not in given and not path.parent.is_dir():
        raise MissingDatabase(f"no database at {shown} (directory {path.parent} does not exist)")
    raise MissingDatabase(
        f"no database at {shown} (create it with `factbase db upgrade` or any write command)"
    )


def _make_directories(directory: Path) -> list[Path]:
    """Make ``directory`` and its missing parents; the ones made, innermost first."""
    missing = []
    while not directory.exists() and directory.parent != directory:
        missing.append(directory)
        directory = directory.parent
    made: list[Path] = []
    for directory in reversed(missing):
        try:
            directory.mkdir()
        except FileExistsError:
            continue  # made meanwhile by another process: theirs, not ours to remove
        except OSError as exc:
            _remove_directories(made[::-1])
            raise InvalidInput(
                f"cannot create the data directory {missing[0]}: {_reason(exc)} "
                "(give --db or set FACTBASE_DB)"
            ) from None
        made.append(directory)
    return made[::-1]


def _create_file(path: Path) -> tuple[int, int] | None:
    """Create the empty database file, only if nobody has; its identity when this
    process made it, None when it was there already."""
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        return None
    except OSError as exc:
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise ReadOnlyDatabase(
                f"database is read-only: cannot create {path} ({_reason(exc)})"
            ) from None
        raise
    try:
        info = os.fstat(descriptor)
    finally:
        os.close(descriptor)
    return info.st_dev, info.st_ino


def _fingerprint(connection: sqlite3.Connection) -> str:
    """A digest of every row of every table: what a file holds, to tell whether anyone
    wrote to it since."""
    digest = hashlib.sha256()
    tables = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
    ).fetchall()
    for (table,) in tables:
        digest.update(f"\0{table}\0".encode())
        quoted = '"' + table.replace('"', '""') + '"'
        rows = sorted(repr(row) for row in connection.execute(f"SELECT * FROM {quoted}"))
        for row in rows:
            digest.update(row.encode())
    return digest.hexdigest()


_EMPTY_FINGERPRINT = hashlib.sha256().hexdigest()


def create_db_engine(url: URL) -> Engine:
    backend = url.get_backend_name()
    try:
        if backend == "sqlite":
            engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_SECONDS})
            _install_sqlite_behaviour(engine)
            return engine
        engine = create_engine(url, pool_pre_ping=True, connect_args=_server_connect_args(url))
        if backend == "postgresql":
            _install_postgresql_behaviour(engine)
        return engine
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        hint = ""
        if backend == "postgresql":
            # psycopg is an optional dependency: say how to get it.
            hint = "; the PostgreSQL driver comes with: pip install 'factbase[postgres]'"
        raise InvalidInput(f"no driver for database URL {display_url(url)}: {exc}{hint}") from None


def _install_postgresql_behaviour(engine: Engine) -> None:
    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Readers and writers alike give up after the busy timeout (exit 75) rather than
        # wait without end behind a lock such as a migration's ACCESS EXCLUSIVE.
        timeout_ms = max(1, int(BUSY_TIMEOUT_SECONDS * 1000))
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout_ms}")
        # Writers take turns, as on SQLite: without this, two commands creating the same
        # topic both find it absent and one fails on the unique key, and two claims
        # added at once are each checked for conflicts without seeing the other.
        if connection.get_execution_options().get("factbase_write", False):
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK_KEY})")


def _server_connect_args(url: URL) -> dict[str, Any]:
    if url.get_backend_name() == "postgresql":
        return {"connect_timeout": 10, "application_name": APP_NAME}
    return {}


def translate_operational_error(exc: DatabaseError, url: URL) -> FactbaseError:
    """Turn a driver error into one line a user can act on, without secrets."""
    message = str(exc.orig) if exc.orig is not None else str(exc)
    lowered = message.lower()
    if "file is not a database" in lowered:
        return SchemaError(f"{display_url(url)} is not a SQLite database")
    where = display_url(url)
    if "database or disk is full" in lowered:
        return FactbaseError(f"disk full at {where}; nothing was written")
    if "readonly database" in lowered or "read-only" in lowered:
        path = _sqlite_path(url)
        reason = read_only_reason(path) if path else None
        return ReadOnlyDatabase(reason or f"database is read-only: {where}")
    if "disk i/o error" in lowered or "unable to open database file" in lowered:
        return FactbaseError(f"cannot use database {where}: {message.strip()}{_free_space(url)}")
    # 55P03: PostgreSQL's lock_timeout ran out waiting for another writer.
    waited_too_long = getattr(exc.orig, "sqlstate", None) == "55P03"
    if waited_too_long or "database is locked" in lowered or "database is busy" in lowered:
        return DatabaseBusy(
            f"database busy: another process held {display_url(url)} for more than "
            f"{BUSY_TIMEOUT_SECONDS:g} s; try again"
        )
    first_line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    if url.password:
        first_line = first_line.replace(str(url.password), "***")
    return FactbaseError(f"cannot use database {display_url(url)}: {first_line}")


@dataclass
class Database:
    """An open factbase database: the engine plus schema management."""

    url: URL
    engine: Engine
    # Why this SQLite file cannot be written (a read-only file or directory): it is then
    # opened read-only, read commands work, and anything that writes says why it cannot.
    read_only: str | None = None
    # The schema revision this object upgraded the database from, when it did.
    upgraded_from: str | None = None
    # Write transactions this object committed.
    commits: int = 0
    # The SQLite file (and directories) this object created, with the file's identity and
    # a digest of what it held once created: a command that fails having committed
    # nothing removes them (discard_if_new), so a failed first write leaves no file.
    created: Path | None = None
    created_identity: tuple[int, int] | None = None
    created_directories: list[Path] = field(default_factory=list)
    created_fingerprint: str = _EMPTY_FINGERPRINT

    @classmethod
    def open(
        cls, location: str | None = None, *, upgrade: bool = True, create: bool = True
    ) -> Database:
        """Open the database ``location`` names (see :func:`resolve_url`).

        ``create=False`` is for commands that only read: a SQLite file that does not
        exist is refused (:class:`MissingDatabase`) and never created, nor its directory.
        With ``create=True`` a missing file is created and migrated.
        """
        if not create:
            refuse_missing(location)
        url = resolve_url(location)
        path = _sqlite_path(url)
        made: list[Path] = []
        identity = None
        if create and path is not None and not path.exists():
            # Ctrl-C meanwhile is taken once what was made is known, so it can be removed.
            with interrupts_deferred():
                if given_location(location) is None:
                    made = _make_directories(path.parent)
                try:
                    identity = _create_file(path)
                except BaseException:
                    _remove_directories(made)
                    raise
        try:
            read_only = _read_only(url)
            if read_only:
                engine_url = _read_only_url(url)
            elif not create and path is not None:
                engine_url = _existing_only_url(url)
            else:
                engine_url = url
            database = cls(
                url,
                create_db_engine(engine_url),
                read_only,
                created=path if identity is not None else None,
                created_identity=identity,
                created_directories=made,
            )
        except BaseException:
            if path is not None and identity is not None:
                with interrupts_deferred(), suppress(OSError, sqlite3.Error):
                    _remove_if_untouched(path, identity, _EMPTY_FINGERPRINT)
            _remove_directories(made)
            raise
        try:
            if not create and path is not None and upgrade:
                database.refuse_empty_file()
            if upgrade and database.created is not None:
                # A new file's schema and the record of it go together: Ctrl-C meanwhile
                # is taken after, when what to remove is known.
                with interrupts_deferred():
                    database.ensure_current()
                    database.note_created_content()
            elif upgrade:
                database.ensure_current()
            elif database.exists:  # looking must not create a file
                database.check_is_factbase()
        except BaseException:
            database.discard_if_new()
            database.close()
            raise
        return database

    @property
    def display(self) -> str:
        return display_url(self.url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        # Every pooled connection is closed, so a SQLite file is left with no open handle
        # (its WAL checkpointed) and a server with no idle session of ours.
        if exc_type is not None:
            self.discard_if_new()
        self.close()

    def refuse_empty_file(self) -> None:
        """A SQLite file with nothing in it (say, made by `touch`) is no database yet: a
        command that only reads must not write the schema into it."""
        with self.connect() as connection:
            empty = not inspect(connection).get_table_names()
        if empty:
            raise MissingDatabase(
                f"no database at {self.display} (the file is empty; create the database "
                "with `factbase db upgrade` or any write command)"
            )

    def note_created_content(self) -> None:
        """Remember what a file this object created holds once migrated."""
        if self.created is None:
            return
        with closing(_raw_connection(self.created)) as connection:
            self.created_fingerprint = _fingerprint(connection)

    def discard_if_new(self) -> None:
        """Remove the SQLite file this object created, when nothing was committed to it:
        by this process (its commits) or by any other (its content is still what this
        process made, and nobody else has it open). Anything else is left as it is."""
        path, identity = self.created, self.created_identity
        if path is None or self.commits:
            return
        with interrupts_deferred():
            self.close()
            gc.collect()  # closes a connection that only a finished frame still held
            try:
                _remove_if_untouched(path, identity, self.created_fingerprint)
            except sqlite3.OperationalError:
                # Locked: an interrupted frame may still hold a connection. The command
                # line tries again once the error is handled (state.discard_failed).
                return
            except (OSError, sqlite3.Error):
                pass
            self.created = None
            _remove_directories(self.created_directories)

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except IntegrityError:
            raise  # a constraint the library failed to check first: a bug, not the database
        except (OperationalError, DatabaseError) as exc:
            raise translate_operational_error(exc, self.url) from None

    @contextmanager
    def session(
        self, *, write: bool = False, commit: bool = True, snapshot: bool = False
    ) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error.

        ``commit=False`` rolls back even on success: a dry run that checks
        everything a real run would, constraints included, and keeps nothing.
        ``snapshot=True`` reads the database as it was when the first query ran, for a
        reader of many queries (`export all`); SQLite's transactions always do, PostgreSQL's
        READ COMMITTED ones would see each commit made meanwhile.
        """
        if write:
            self.refuse_if_read_only()
        bind = self.engine.execution_options(factbase_write=True) if write else self.engine
        if snapshot and self.engine.dialect.name == "postgresql":
            bind = bind.execution_options(isolation_level="REPEATABLE READ")
        try:
            with Session(bind, expire_on_commit=False) as session:
                event.listen(session, "before_flush", _refuse_nul_characters)
                transaction = session.begin()
                try:
                    yield session
                except BaseException:
                    transaction.rollback()
                    raise
                if not commit:
                    transaction.rollback()
                else:
                    # Ctrl-C is taken after the commit: it has then happened, or not.
                    refuse_after_interrupt()
                    with interrupts_deferred():
                        transaction.commit()
                        self.commits += write
        except IntegrityError:
            raise  # a constraint the library failed to check first: a bug, not the database
        except (OperationalError, DatabaseError) as exc:
            raise translate_operational_error(exc, self.url) from None

    # -- schema -------------------------------------------------------------------

    def current_revision(self) -> str | None:
        if not self.exists:
            return None
        with self.connect() as connection:
            return _read_revision(connection)

    def check_is_factbase(self) -> None:
        with self.connect() as connection:
            revision = _read_revision(connection)
            if revision is None and _user_tables(connection):
                raise SchemaError(
                    f"{self.display} is not a factbase database (it has tables but no "
                    "factbase schema version); refusing to touch it"
                )

    @property
    def exists(self) -> bool:
        """False for a SQLite file that is not there yet (servers always exist)."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:"):
            return True
        return Path(str(self.url.database)).exists()

    def refuse_if_read_only(self) -> None:
        if self.read_only:
            raise ReadOnlyDatabase(self.read_only)

    def ensure_current(self) -> None:
        """Upgrade to the newest schema when needed; refuse a newer or foreign schema."""
        self.check_is_factbase()
        revision = self.current_revision()
        if revision != HEAD_REVISION:
            self.check_known(revision)
            self.migrate("upgrade", "head")
            self.upgraded_from = revision
        self._use_wal()

    def check_known(self, revision: str | None) -> None:
        if revision is not None and revision not in _known_revisions():
            raise SchemaError(
                f"{self.display} has schema revision {revision}, which this version of "
                "factbase does not know; upgrade factbase"
            )

    def _use_wal(self) -> None:
        """Readers never wait for a writer in WAL mode; persistent, so set once per file."""
        if not self.is_sqlite or self.url.database in (None, "", ":memory:") or self.read_only:
            return
        with self.connect() as connection:
            driver = connection.connection.driver_connection
            mode = driver.execute("PRAGMA journal_mode").fetchone()[0]  # type: ignore[union-attr]
            if str(mode).lower() != "wal":
                driver.execute("PRAGMA journal_mode = WAL")  # type: ignore[union-attr]

    def migrate(self, direction: str, target: str) -> None:
        """Run Alembic in one transaction: a failed migration changes nothing."""
        # Alembic is slow to import: deferred until the schema is checked or changed.
        from alembic import command
        from alembic.util import CommandError

        if direction != "upgrade" and not self.exists:
            raise SchemaError(f"there is no database at {self.display}")
        self.check_is_factbase()
        current = self.current_revision()
        self.check_known(current)
        up_to_date = current is not None and target in ("head", current)
        if direction == "upgrade" and up_to_date and current == _script_head():
            return  # nothing to do: seen without taking the write lock
        if self.read_only:
            raise ReadOnlyDatabase(
                f"{self.display} has schema {current or 'none'} and needs an upgrade to "
                f"{HEAD_REVISION}: {self.read_only}"
            )
        if direction == "upgrade" and current and target not in ("head", current):
            self._refuse_upgrade_to_older(current, target)
        try:
            self._run_alembic(command, direction, target)
        except CommandError as exc:
            message = " ".join(str(exc).split())
            raise SchemaError(
                f"cannot {direction} {self.display} to {target!r}: {message}"
            ) from None

    def _refuse_upgrade_to_older(self, current: str, target: str) -> None:
        """Alembic would do nothing and report success; say what is meant instead."""
        # Alembic is slow to import: deferred until the schema is checked or changed.
        from alembic.script import ScriptDirectory

        scripts = ScriptDirectory(str(migrations_dir()))
        older = {s.revision for s in scripts.iterate_revisions(current, "base")} - {current}
        if target in older:
            raise SchemaError(
                f"{self.display} is at {current}, newer than {target}; "
                f"use `factbase db downgrade {target}`"
            )

    def _run_alembic(self, command: Any, direction: str, target: str) -> None:
        with self.connect() as connection:
            if self.is_sqlite:
                # Batch mode copies tables; with foreign keys on, dropping the old copy
                # would cascade. The pragma only takes effect outside a transaction.
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys = OFF"
                )
                # Batch mode renames the rebuilt table into place; without this, SQLite
                # re-checks every view at that rename and fails on the views of 0003.
                connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA legacy_alter_table = ON"
                )
            try:
                with connection.execution_options(factbase_write=True).begin():
                    config = _alembic_config(connection)
                    if direction == "upgrade":
                        command.upgrade(config, target)
                    else:
                        command.downgrade(config, target)
                    if self.is_sqlite:
                        _check_foreign_keys(connection)
            finally:
                if self.is_sqlite:
                    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                        "PRAGMA foreign_keys = ON"
                    )
                    connection.connection.driver_connection.execute(  # type: ignore[union-attr]
                        "PRAGMA legacy_alter_table = OFF"
                    )


def _raw_connection(path: Path) -> sqlite3.Connection:
    """The standard library's connection to an existing file (never creating one). It waits
    a moment for a lock: the connection an interrupt cut short may still be closing."""
    return sqlite3.connect(
        f"{path.absolute().as_uri()}?mode=rw", uri=True, timeout=0.5, isolation_level=None
    )


def _remove_if_untouched(path: Path, identity: tuple[int, int] | None, fingerprint: str) -> None:
    """Remove a database file (and its journals) this process created, if it is still that
    file, nobody else has it open, and it holds what it held when this process made it."""
    info = path.stat()
    if (info.st_dev, info.st_ino) != identity:
        return
    with closing(_raw_connection(path)) as connection:
        # Leaving WAL needs the only connection: another process with the file open keeps it.
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        if str(mode).lower() != "delete":
            return
        connection.execute("BEGIN EXCLUSIVE")  # nobody reads or writes it until it is gone
        if _fingerprint(connection) != fingerprint:
            return
        for name in (path.name, f"{path.name}-journal", f"{path.name}-wal", f"{path.name}-shm"):
            with suppress(FileNotFoundError):
                path.with_name(name).unlink()


def _remove_directories(directories: list[Path]) -> None:
    """Remove directories made for a database that was then not kept, if still empty."""
    for directory in directories:  # innermost first
        with suppress(OSError):
            directory.rmdir()


def _refuse_nul_characters(session: Session, _context: Any, _instances: Any) -> None:
    """SQLite would store a NUL character and PostgreSQL refuse it: refuse it on both."""
    for record in (*session.new, *session.dirty):
        for column in inspect(record).mapper.column_attrs:
            value = getattr(record, column.key, None)
            if isinstance(value, str) and "\x00" in value:
                raise InvalidInput(
                    f"{column.key}: contains a NUL character, which cannot be stored"
                )


def _alembic_config(connection: Connection) -> Config:
    # Alembic is slow to import: deferred until the schema is checked or changed.
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["connection"] = connection
    return config


def _known_revisions() -> set[str]:
    # Alembic is slow to import: deferred until the schema is checked or changed.
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(migrations_dir()))
    return {script.revision for script in scripts.walk_revisions()}


def _script_head() -> str | None:
    # Alembic is slow to import: deferred until the schema is checked or changed.
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(migrations_dir())).get_current_head()


def revision_history() -> list[tuple[str, str]]:
    """Every migration, oldest first, as (revision, description)."""
    # Alembic is slow to import: deferred until the schema is checked or changed.
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(migrations_dir()))
    history = [(s.revision, s.doc or "") for s in scripts.walk_revisions()]
    return list(reversed(history))


def _read_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return rows[0] if rows else None


def _user_tables(connection: Connection) -> list[str]:
    return [name for name in inspect(connection).get_table_names() if name != "alembic_version"]


def _check_foreign_keys(connection: Connection) -> None:
    problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        table = problems[0][0]
        raise SchemaError(f"migration left {len(problems)} broken references (first in {table})")
