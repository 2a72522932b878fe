"""`factbase export all --verify`: a backup is only a backup once it is known to restore.

The written document is imported into a new, empty SQLite database in a temporary
directory, exactly as `factbase import` would; a whole-database export must then export
again byte for byte (the format's round-trip promise, docs/format.md). Nothing of the
check is kept.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from factbase.errors import FactbaseError
from factbase.interchange.dump import interchange_records, write_document, write_lines
from factbase.interchange.importer import import_files
from factbase.store.database import Database


class NotRestorable(FactbaseError):
    """An export that `factbase import` would not read back as it was."""


@dataclass(frozen=True)
class Verified:
    records: int  # records the import read
    identical: bool | None  # re-exported byte for byte; None when not compared (a selection)


def verify_document(path: Path, *, lines: bool, whole: bool) -> Verified:
    """Import ``path`` into an empty database; with ``whole``, export it again and compare.

    Raises :class:`NotRestorable` saying what failed.
    """
    with (
        tempfile.TemporaryDirectory(prefix="factbase-verify-") as folder,
        Database.open(str(Path(folder) / "verify.db")) as database,
        database.session(write=True) as session,
    ):
        try:
            summary = import_files(session, [path])
        except FactbaseError as exc:
            raise NotRestorable(f"{path} does not import: {exc.message}") from None
        records = sum(summary.counts.values())
        if not whole:
            return Verified(records, None)
        again = io.StringIO(newline="")
        (write_lines if lines else write_document)(again, interchange_records(session))
    written = path.read_text(encoding="utf-8")
    if again.getvalue() != written:
        raise NotRestorable(
            f"{path} imports, but what it gives back differs from the database it was "
            "written from; keep the database, and report this"
        )
    return Verified(records, True)
