"""Exports: claims, conflicts, sources and outlets as CSV, TSV, Markdown, JSON or JSON Lines.

Rows are read with Core in chunks (``yield_per``) and written as they come, so
memory stays flat whatever the size of the database. Claim rows, with their
topics, corroboration and open conflicts, come from
:func:`~factbase.interchange.claim_rows.claim_records` as tuples; writers take tuples in
column order or mappings by column name.

Column names and their order are part of the interface (docs/export.md): new
columns are only ever added at the end.

CSV is written for spreadsheets: RFC 4180 quoting, and any text cell a
spreadsheet would run as a formula is prefixed with a single quote (OWASP's
advice against CSV injection). Numbers are written as numbers and never
prefixed: -5 in a numeric column stays -5. TSV cells are CSV cells with every tab and
line break replaced by a space (TSV has no quoting); Markdown is a GitHub pipe table whose
cells have | escaped and line breaks written as <br>.

A file is written to a temporary name beside it and moved into place only once
complete (:func:`atomic_output`): an interrupted or failed export leaves no
half-written file behind, and no temporary file either.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from factbase.analysis.conflict_columns import (
    CONFLICT_EXPORT_COLUMNS,
    CONFLICT_HEAD,
    CONFLICT_TAIL,
    EXPORTED_SIDE_GROUPS,
    SIDES,
    side_column,
    side_fields,
)
from factbase.analysis.conflicts import ConflictFilter, conflicts_query
from factbase.catalog.outlets import OUTLET_COLUMNS, outlets_query
from factbase.catalog.source_fields import SourceReader, exported_fields
from factbase.catalog.sources import SOURCE_COLUMNS, selected_source_columns, sources_query
from factbase.claims.fields import RecordReader, fields_named
from factbase.claims.filter import ClaimFilter
from factbase.claims.record import model_column
from factbase.errors import InvalidInput, InvalidUsage
from factbase.interchange.claim_rows import CLAIM_EXPORT_COLUMNS, claim_records
from factbase.interchange.outputs import part_path, signals_as_errors, sweep_stale_parts
from factbase.store.batches import chunks
from factbase.store.models import Claim, ClaimTopic, Conflict, Outlet, Source, SourceCite, Topic
from factbase.text.date_formats import timestamp_iso
from factbase.vocabulary import (
    FORMAT_SUFFIXES,
    TABLE_FORMATS,
    ExportFormat,
    check_headers,
    chosen_fields,
)

T = TypeVar("T")


TABLES = ("claims", "conflicts", "sources", "outlets")

# Sources and outlets export the columns their listings show.
SOURCE_EXPORT_COLUMNS = SOURCE_COLUMNS
OUTLET_EXPORT_COLUMNS = OUTLET_COLUMNS
COLUMNS: dict[str, tuple[str, ...]] = {
    "claims": CLAIM_EXPORT_COLUMNS,
    "conflicts": CONFLICT_EXPORT_COLUMNS,
    "sources": SOURCE_EXPORT_COLUMNS,
    "outlets": OUTLET_EXPORT_COLUMNS,
}
# Columns that hold numbers (or nothing): written as numbers, never neutralised.
NUMERIC_COLUMNS = frozenset(
    {
        "id",
        "value_num",
        "value_low",
        "value_high",
        "source_id",
        "reports",
        "origins",
        "open_conflicts",
        "claim_a",
        "claim_b",
        "kept_claim",
        "sources",
        "claims",
    }
)

# Dates and timestamps that factbase writes itself (2022-11, 2024-01-01T00:00:00+00:00):
# they start with a digit, so a tuple row's cells in them are written as they are.
FORMATTED_COLUMNS = frozenset(
    {"event_date", "as_of", "published", "created_at", "updated_at", "decided_at"}
)


# -- cells and writers ------------------------------------------------------------------

# OWASP (CSV injection): a cell starting with one of these is a formula to a spreadsheet.
# The full-width and small forms are folded to ASCII by some spreadsheets, so they count too.
FORMULA_STARTS = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\n",
    "＝",
    "＋",
    "－",
    "＠",
    "﹦",
    "﹢",
    "﹣",
    "﹫",
)


def number_text(value: int | float) -> str:
    """A number as a spreadsheet reads it: 80.0 -> "80", 0.5 -> "0.5"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def plain_cell(value: Any) -> str:
    """One cell as text: numbers as numbers, lists joined with '; ', nothing as ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, list | tuple):
        return "; ".join(str(item) for item in value)
    return str(value)


def csv_cell(value: Any) -> str:
    """One CSV cell: :func:`plain_cell`, with formulas neutralised."""
    if value is None or isinstance(value, bool | int | float):
        return plain_cell(value)
    text = plain_cell(value)
    # Leading spaces do not stop every spreadsheet from reading " =1+1" as a formula.
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


# A text cell needs a closer look only when it starts with one of these (or a space).
_RISKY_FIRST = frozenset(start[0] for start in FORMULA_STARTS) | {" "}

Row = Mapping[str, Any] | tuple[Any, ...]


def write_csv(
    out: TextIO, columns: Sequence[str], rows: Iterable[Row], *, headers: bool = True
) -> int:
    """RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break.

    A row is a mapping by column name or a tuple in column order. Tuples take a
    fast path giving the cells :func:`csv_cell` gives: the csv module already
    writes None as nothing and whole numbers as digits, so only floats, lists and
    text starting with a risky character need converting.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    if headers:
        writer.writerow(columns)
    numeric = [i for i, column in enumerate(columns) if column in NUMERIC_COLUMNS]
    textual = [
        i
        for i, column in enumerate(columns)
        if column not in NUMERIC_COLUMNS and column not in FORMATTED_COLUMNS
    ]
    risky = _RISKY_FIRST
    count = 0
    for row in rows:
        if isinstance(row, tuple):
            cells = list(row)
            for i in numeric:
                value = cells[i]
                if value.__class__ is float:
                    # number_text, inlined: a third of the cells of a claim row.
                    whole = value.is_integer() and -(2**53) < value < 2**53
                    cells[i] = str(int(value)) if whole else repr(value)
                elif not (value is None or value.__class__ is int):
                    cells[i] = csv_cell(value)
            for i in textual:
                value = cells[i]
                kind = value.__class__
                if kind is str:
                    if value and value[0] in risky:
                        cells[i] = csv_cell(value)
                elif kind is bool:  # csv_cell's words for a flag (two columns of a claim)
                    cells[i] = "true" if value else "false"
                elif kind is list:
                    try:
                        text = "; ".join(value)
                    except TypeError:  # not all text: csv_cell writes each item as str()
                        text = csv_cell(value)
                    cells[i] = csv_cell(text) if text and text[0] in risky else text
                elif value is not None:
                    cells[i] = csv_cell(value)
            writer.writerow(cells)
        else:
            writer.writerow([csv_cell(row.get(column)) for column in columns])
        count += 1
    return count


def _record(columns: Sequence[str], row: Row) -> str:
    if isinstance(row, tuple):
        return json.dumps(dict(zip(columns, row, strict=True)), ensure_ascii=False)
    return json.dumps({c: row.get(c) for c in columns}, ensure_ascii=False)


def _values(columns: Sequence[str], row: Row) -> Iterable[Any]:
    """A row's values in column order."""
    return row if isinstance(row, tuple) else (row.get(column) for column in columns)


def tsv_cell(value: Any) -> str:
    """A CSV cell with its tabs and line breaks replaced by spaces: TSV has no quoting."""
    return " ".join(csv_cell(value).replace("\t", " ").splitlines())


def write_tsv(
    out: TextIO, columns: Sequence[str], rows: Iterable[Row], *, headers: bool = True
) -> int:
    """Tab-separated values, one row a line (LF): cells as :func:`tsv_cell` gives them."""
    if headers:
        out.write("\t".join(tsv_cell(column) for column in columns) + "\n")
    count = 0
    for row in rows:
        out.write("\t".join(tsv_cell(value) for value in _values(columns, row)) + "\n")
        count += 1
    return count


def markdown_cell(value: Any) -> str:
    """A cell of a GitHub pipe table: | escaped, line breaks as <br>."""
    text = plain_cell(value).replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.splitlines())


def write_markdown(
    out: TextIO, columns: Sequence[str], rows: Iterable[Row], *, headers: bool = True
) -> int:
    """A GitHub-flavoured Markdown pipe table; without headers, its body rows only (to be
    added to a table)."""

    def line(cells: Iterable[str]) -> str:
        return "| " + " | ".join(cells) + " |\n"

    if headers:
        out.write(line(markdown_cell(column) for column in columns))
        out.write(line("---" for _ in columns))
    count = 0
    for row in rows:
        out.write(line(markdown_cell(value) for value in _values(columns, row)))
        count += 1
    return count


def write_json(
    out: TextIO, columns: Sequence[str], rows: Iterable[Row], *, headers: bool = True
) -> int:
    """A JSON array written one record at a time (every record names its fields, so
    ``headers`` changes nothing)."""
    count = 0
    out.write("[")
    for row in rows:
        out.write(",\n  " if count else "\n  ")
        out.write(_record(columns, row))
        count += 1
    out.write("\n]\n" if count else "]\n")
    return count


def write_jsonl(
    out: TextIO, columns: Sequence[str], rows: Iterable[Row], *, headers: bool = True
) -> int:
    count = 0
    for row in rows:
        out.write(_record(columns, row) + "\n")
        count += 1
    return count


WRITERS = {
    ExportFormat.CSV: write_csv,
    ExportFormat.TSV: write_tsv,
    ExportFormat.MARKDOWN: write_markdown,
    ExportFormat.JSON: write_json,
    ExportFormat.JSONL: write_jsonl,
}


def picked(columns: Sequence[str], chosen: Sequence[str], rows: Iterable[Row]) -> Iterator[Row]:
    """``rows`` (of ``columns``) with only the ``chosen`` columns, in that order."""
    where = [columns.index(name) for name in chosen]
    for row in rows:
        if isinstance(row, tuple):
            yield tuple(row[i] for i in where)
        else:
            yield {name: row.get(name) for name in chosen}


def write_table(
    out: TextIO,
    fmt: str,
    columns: Sequence[str],
    rows: Iterable[Row],
    *,
    fields: Sequence[str] | None = None,
    headers: bool = True,
) -> int:
    """``rows`` in ``fmt``, with only the ``fields`` asked for (in their order) and, where
    the format has one, a header row unless ``headers`` is False. The row count."""
    chosen = chosen_fields(columns, fields)
    check_headers(fmt, headers)
    if chosen != tuple(columns):
        rows = picked(columns, chosen, rows)
    return WRITERS[ExportFormat(fmt)](out, chosen, rows, headers=headers)


def _either(words: Sequence[str]) -> str:
    *others, last = words
    return f"{', '.join(others)} or {last}" if others else last


def format_for(
    path: Path | None,
    given: str | None,
    default: ExportFormat,
    allowed: Sequence[ExportFormat] = TABLE_FORMATS,
) -> ExportFormat:
    """The format asked for, else the one the -o file's suffix says, else ``default``.

    One rule for every -o: a file whose suffix names no format offered here
    (claims.xlsx; all.csv for `export all`), or another one than --format says
    (x.json --format csv), is refused as a usage error rather than written in a format
    its name does not say. A file without a suffix takes any format.
    """
    chosen: ExportFormat | None = None
    if given:
        try:
            chosen = ExportFormat(given.strip().lower())
        except ValueError:
            chosen = None
        if chosen not in allowed:
            raise InvalidUsage(f"format {given!r} must be one of: {', '.join(allowed)}")
    suffix = path.suffix.lower() if path is not None else ""
    if path is None or not suffix:
        return chosen or default
    if chosen is not None:
        if suffix not in FORMAT_SUFFIXES[chosen]:
            raise InvalidUsage(
                f"-o {path.name}: a {suffix} file cannot hold {chosen}; "
                f"name it {_either(FORMAT_SUFFIXES[chosen])}, or leave out --format"
            )
        return chosen
    for fmt in allowed:
        if suffix in FORMAT_SUFFIXES[fmt]:
            return fmt
    names = list(dict.fromkeys(FORMAT_SUFFIXES[f][0] for f in allowed))
    raise InvalidUsage(
        f"-o {path.name}: factbase writes no {suffix} files here; name it {_either(names)}"
    )


@contextmanager
def atomic_output(path: Path, *, bom: bool = False) -> Iterator[TextIO]:
    """A text file that appears at ``path`` complete, or not at all.

    Written to a hidden ``.NAME.PID.part`` in the same directory (so the final move is
    an atomic rename on one file system), flushed to disk, then moved over ``path``.
    Any exception, Ctrl-C, SIGTERM and SIGHUP included, removes the part and leaves
    whatever was at ``path`` before untouched; parts a SIGKILL left are swept by the
    next write towards the same file (:mod:`factbase.interchange.outputs`).
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise InvalidInput(f"{path} is a directory; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise InvalidInput(f"directory {parent} does not exist")
    sweep_stale_parts(path)
    temp = part_path(path)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise InvalidInput(f"cannot write in {parent}: {exc.strerror}") from None
    try:
        with signals_as_errors():
            with os.fdopen(fd, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as out:
                yield out
                out.flush()
                os.fsync(out.fileno())
            temp.chmod(_file_mode(path))
            temp.replace(path)
    except BaseException as exc:
        with suppress(FileNotFoundError):
            temp.unlink()
        if isinstance(exc, OSError) and not exc.filename:
            raise OSError(exc.errno, exc.strerror, str(path)) from None  # say which file
        raise


def _file_mode(path: Path) -> int:
    """The mode a new file would get (mkstemp makes 0600), or the replaced file's mode."""
    with suppress(FileNotFoundError):
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


# -- rows -------------------------------------------------------------------------------


def topics_of(session: Session, claim_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    query = (
        select(ClaimTopic.claim_id, Topic.slug)
        .join(Topic, ClaimTopic.topic_id == Topic.id)
        .where(ClaimTopic.claim_id.in_(list(claim_ids)))
        .order_by(ClaimTopic.claim_id, Topic.slug)
    )
    for claim_id, slug in session.execute(query):
        found.setdefault(claim_id, []).append(slug)
    return found


def claim_rows(session: Session, where: ClaimFilter) -> Iterator[dict[str, Any]]:
    """Claim rows with :data:`CLAIM_EXPORT_COLUMNS`, as `list` gives them, streamed."""
    for record in claim_records(session, where):
        yield dict(zip(CLAIM_EXPORT_COLUMNS, record, strict=True))


@dataclass
class ConflictExportFilter:
    status: str | None = None  # None: every status
    kind: str | None = None
    topic: str | None = None
    stance: str | None = None
    language: str | None = None
    limit: int | None = None
    include_retracted: bool = False


def conflict_export_query(session: Session, where: ConflictExportFilter) -> Select[Any]:
    """Conflict ids in id order with the filters of `factbase conflicts` (and status all)."""

    status = where.status
    if status and status.strip().lower() == "all":
        status = None
    if where.limit is not None and where.limit < 0:
        raise InvalidInput("--limit must be 0 (no limit) or more")
    conditions = ConflictFilter(
        status=status,
        kind=where.kind,
        topic=where.topic,
        stance=where.stance,
        language=where.language,
        include_retracted=where.include_retracted,
    )
    query = (
        conflicts_query(session, conditions).with_only_columns(Conflict.id).order_by(Conflict.id)
    )
    return query.limit(where.limit) if where.limit else query


def count_exported_conflicts(session: Session, where: ConflictExportFilter) -> int:
    """How many conflicts ``where`` selects, its limit aside."""
    query = conflict_export_query(session, replace(where, limit=None))
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def conflict_rows(session: Session, where: ConflictExportFilter) -> Iterator[dict[str, Any]]:
    """Conflict rows with :data:`CONFLICT_EXPORT_COLUMNS`: both claims side by side."""
    reader = RecordReader(fields_named(side_fields(EXPORTED_SIDE_GROUPS)))
    own: list[Any] = [
        *(getattr(Conflict, name) for name in CONFLICT_HEAD),
        Conflict.kept_claim_id,
        *(getattr(Conflict, name) for name in CONFLICT_TAIL[1:]),
    ]
    query = select(*own)
    for side in SIDES:
        claim, source, outlet = aliased(Claim), aliased(Source), aliased(Outlet)
        models = {"claim": claim, "source": source, "outlet": outlet}
        query = query.add_columns(*(model_column(c, models) for c in reader.columns))
        claim_id = Conflict.claim_a_id if side == "a" else Conflict.claim_b_id
        query = (
            query.join(claim, claim.id == claim_id)
            .join(source, source.id == claim.source_id)
            .join(outlet, outlet.id == source.outlet_id)
        )
    query = query.where(Conflict.id.in_(conflict_export_query(session, where))).order_by(
        Conflict.id
    )
    head, width = len(own), len(reader.columns)
    names = [*CONFLICT_HEAD, *CONFLICT_TAIL]
    for chunk in chunks(session, query):
        sides = [
            reader.values([row[start : start + width] for row in chunk], {})
            for start in (head, head + width)
        ]
        for i, row in enumerate(chunk):
            record = dict(zip(names, row[:head], strict=True))
            for stamp in ("decided_at", "created_at", "updated_at"):
                record[stamp] = timestamp_iso(record[stamp])
            record["stale"] = bool(record["stale"])
            for side, values in zip(SIDES, sides, strict=True):
                for field, column in zip(reader.names, values, strict=True):
                    record[side_column(field, side)] = column[i]
            yield record


def cited_outlets(session: Session, source_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    query = (
        select(SourceCite.source_id, Outlet.name)
        .join(Outlet, SourceCite.outlet_id == Outlet.id)
        .where(SourceCite.source_id.in_(list(source_ids)))
        .order_by(SourceCite.source_id, Outlet.name)
    )
    for source_id, name in session.execute(query):
        found.setdefault(source_id, []).append(name)
    return found


def source_rows(
    session: Session,
    *,
    outlet: str | None = None,
    language: str | None = None,
    stance: str | None = None,
) -> Iterator[dict[str, Any]]:
    """Source rows with :data:`SOURCE_EXPORT_COLUMNS`, in id order."""
    reader = SourceReader(exported_fields())
    source_id = reader.getter("source.id")
    columns = selected_source_columns(reader.columns)
    filters = {"outlet": outlet, "language": language, "stance": stance}
    query = sources_query(session, columns, **filters).order_by(Source.id)
    for chunk in chunks(session, query):
        cites = cited_outlets(session, list(map(source_id, chunk)))
        for row in chunk:
            yield reader.record(row, cites)


def outlet_rows(session: Session, *, stance: str | None = None) -> Iterator[dict[str, Any]]:
    """Outlet rows with :data:`OUTLET_EXPORT_COLUMNS`, by name."""
    columns = (
        Outlet.id,
        Outlet.name,
        Outlet.stance,
        Outlet.country,
        Outlet.language,
        Outlet.homepage,
        Outlet.note,
    )
    query = outlets_query(session, columns, stance=stance)
    for chunk in chunks(session, query):
        for row in chunk:
            record = dict(row._mapping)
            record["sources"], record["claims"] = int(row.sources), int(row.claims)
            yield record


def primed(rows: Iterator[T]) -> Iterator[T]:
    """``rows`` with its first row already read, so a bad filter fails before any output."""
    first = next(rows, None)
    if first is None:
        return iter(())
    return itertools.chain((first,), rows)
