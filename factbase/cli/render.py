"""All terminal output: Rich tables for people, CSV/TSV/Markdown/JSON/JSONL for programs.

Colour follows Rich's rules: none when stdout is not a terminal or when
NO_COLOR is set. Machine formats never carry colour or markup.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from factbase.vocabulary import ExportFormat

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

T = TypeVar("T")


def _color_system() -> Literal["auto"] | None:
    # NO_COLOR (no-color.org) asks for plain text: no bold or dim either, which Rich
    # would otherwise keep.
    return None if os.environ.get("NO_COLOR") else "auto"


@cache
def console() -> Console:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, color_system=_color_system())


@cache
def err_console() -> Console:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.console import Console

    return Console(stderr=True, highlight=False, color_system=_color_system())


def error(message: str) -> None:
    """One line on stderr: `factbase: error: …`."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.cli import state

    line = state.redact(" ".join(message.split()))
    print(f"factbase: error: {line}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"factbase: warning: {' '.join(message.split())}", file=sys.stderr)


def note(message: str) -> None:
    """A remark for people (counts, hints) that must not pollute machine output."""
    err_console().print(message, style="dim", markup=False)


def escape(text: str | None) -> str:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.markup import escape as rich_escape

    return rich_escape(text or "")


# -- machine formats --------------------------------------------------------------


def csv_cell(value: Any) -> Any:
    """A CSV-safe cell (see factbase.interchange.exports.csv_cell): formulas neutralised."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import csv_cell as safe_cell

    return safe_cell(value)


@contextmanager
def streamed(rows: Iterator[T]) -> Iterator[Iterator[T]]:
    """``rows``, read from a session, with the first read already (so a bad filter fails
    before any output), and closed at the end of the block, while the session is open:
    a write that failed must not leave the query to be closed after the database."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import primed

    try:
        yield primed(rows)
    finally:
        close = getattr(rows, "close", None)  # a generator's
        if close is not None:
            close()


class Counted(Iterator[T]):
    """``rows`` as they go by, counted: how many a writer took."""

    def __init__(self, rows: Iterable[T]) -> None:
        self._rows = iter(rows)
        self.count = 0

    def __iter__(self) -> Counted[T]:
        return self

    def __next__(self) -> T:
        row = next(self._rows)
        self.count += 1
        return row


@dataclass(frozen=True)
class Layout:
    """How machine formats lay rows out: --fields and --no-headers (options.output_options)."""

    fields: tuple[str, ...] | None = None
    headers: bool = True


_LAYOUT: ContextVar[Layout | None] = ContextVar("layout", default=None)


def layout() -> Layout:
    """The layout the running command was given."""
    return _LAYOUT.get() or Layout()


@contextmanager
def laid_out(given: Layout) -> Iterator[None]:
    token = _LAYOUT.set(given)
    try:
        yield
    finally:
        _LAYOUT.reset(token)


def emit_records(rows: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str) -> None:
    """Write records to stdout in a machine format, with the command's --fields and
    --no-headers: CSV (RFC 4180), TSV and Markdown as the exports write them, JSON as an
    indented array, JSON Lines."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import write_table
    from factbase.vocabulary import check_headers, chosen_fields

    given = layout()
    out = sys.stdout
    if fmt in (ExportFormat.JSON, ExportFormat.JSONL):
        chosen = chosen_fields(columns, given.fields)
        check_headers(fmt, given.headers)
        if fmt == ExportFormat.JSONL:
            for row in rows:
                out.write(json.dumps({c: row.get(c) for c in chosen}, ensure_ascii=False) + "\n")
        else:
            records = [{c: row.get(c) for c in chosen} for row in rows]
            out.write(json.dumps(records, ensure_ascii=False, indent=2) + "\n")
    else:
        write_table(out, fmt, columns, rows, fields=given.fields, headers=given.headers)
    out.flush()


def emit_record(row: Mapping[str, Any]) -> None:
    """One JSON document: it has keys, not columns, so --fields and --no-headers refuse it."""
    if layout() != Layout():
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.errors import InvalidUsage

        raise InvalidUsage("--fields and --no-headers lay out rows; this json is one document")
    sys.stdout.write(json.dumps(row, ensure_ascii=False, indent=2, default=str) + "\n")


# -- tables for people --------------------------------------------------------------


# Columns holding prose get the spare width; the rest stay on one line.
_WIDE_COLUMNS = {
    "statement",
    "title",
    "note",
    "keywords",
    "aliases",
    "description",
    "name",
    "explanation",
    "reasons",
    "breakdown",
    "changes",
}


def new_table(*columns: str, title: str | None = None) -> Table:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich import box
    from rich.table import Table

    table = Table(title=title, box=box.SIMPLE_HEAD, show_lines=False, title_justify="left")
    for column in columns:
        if column in _WIDE_COLUMNS:
            table.add_column(column, overflow="fold", min_width=24)
        else:
            # Dates and ids must never be cut; names and values may be.
            min_width = {"published": 10, "event": 10, "as of": 10, "at": 20}.get(column)
            table.add_column(
                column,
                overflow="ellipsis",
                no_wrap=True,
                max_width=max(18, min_width or 0),
                min_width=min_width,
            )
    return table


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {nouns or noun + 's'}"


ALL_HINT = "--limit 0 for all"


def counted(shown: int, total: int, noun: str, *remarks: str, nouns: str | None = None) -> str:
    """A table's count, of the whole and not of the page: `3 of 22 suggestions`,
    `3 of 10 conflicts (open; use --limit 0 for all)`, `10 conflicts (open)`."""
    cut = total > shown
    said = f"{shown} of {total} {nouns or noun + 's'}" if cut else plural(total, noun, nouns)
    remarks = (*remarks, f"use {ALL_HINT}") if cut else remarks
    return said + (f" ({'; '.join(remarks)})" if remarks else "")


def note_cut(shown: int, total: int) -> None:
    """For machine formats, which return every row unless --limit says otherwise: one
    line on stderr when the limit left rows out, nothing when it did not."""
    if total > shown:
        note(f"{shown} of {total} rows; {ALL_HINT}")


def stance_text(stance: str, colour: str | None) -> str:
    colour = colour or "default"
    return f"[{colour}]{escape(stance)}[/]"


def print_table(table: Table) -> None:
    console().print(table)


def print_fields(title: str, fields: Sequence[tuple[str, str | None]]) -> None:
    """A record shown as `label  value` lines; empty values are left out."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in fields:
        if value not in (None, ""):
            grid.add_row(label, value)
    console().print(f"[bold]{escape(title)}[/]")
    console().print(grid)
