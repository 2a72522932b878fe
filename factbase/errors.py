"""Errors a user can see.

Every failure the library expects is a :class:`FactbaseError` whose message is a
sentence a user understands. The CLI's one error boundary prints it on stderr
and exits with :attr:`FactbaseError.exit_code`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


class FactbaseError(Exception):
    """Base of every error factbase reports to a user."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(FactbaseError):
    """A value given by the user (option, field, file content) is not acceptable."""


class InvalidUsage(InvalidInput):
    """Options that cannot go together or cannot match anything: a usage error (exit 2),
    as the command line reports an unknown option."""

    exit_code = 2


class InvalidValue(InvalidInput):
    """A quantity such as "около 80%" could not be understood."""


class InvalidDate(InvalidInput):
    """A date such as "1 грудня 2022" could not be understood."""


class NotFound(FactbaseError):
    """A named or numbered record does not exist."""


class AlreadyExists(FactbaseError):
    """A record with the same unique name, key or URL exists already."""


class ImportFailed(FactbaseError):
    """An import file could not be read; nothing was written."""


class SchemaError(FactbaseError):
    """The database is not a factbase database, or is newer than this program."""


class MissingDatabase(FactbaseError):
    """A command that only reads was pointed at a database that does not exist."""


class ReadOnlyDatabase(FactbaseError):
    """The database cannot be written here: a read-only file, directory or medium."""


class DatabaseBusy(FactbaseError):
    """Another process held the write lock for longer than the busy timeout."""

    # EX_TEMPFAIL from sysexits.h: try again later.
    exit_code = 75


@contextmanager
def in_field(name: str) -> Iterator[None]:
    """Prefix any error raised inside with the field it concerns: `value: …`."""
    try:
        yield
    except FactbaseError as exc:
        raise type(exc)(f"{name}: {exc.message}") from None


MAX_ID = 2**63 - 1


def as_id(ref: str | int) -> int | None:
    """``ref`` as a row id when it is one a database can hold, else None.

    Only ASCII digits count ("١٢" is not an id), and a number beyond the 64-bit
    range is no id at all rather than an overflow in the driver.
    """
    if isinstance(ref, int):
        return ref if 0 < ref <= MAX_ID else None
    text = ref.strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None
