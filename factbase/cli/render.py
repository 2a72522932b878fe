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
    from rich.text import Text

    from factbase.text.quotes import QuoteContext

T = TypeVar("T")


def _color_system() -> Literal["auto"] | None:
    # NO_COLOR (no-color.org) asks for plain text: no bold or dim either, which Rich
    # would otherwise keep.
    return None if os.environ.get("NO_COLOR") else "auto"


@cache
def console() -> Console:
    return _console()


def _console(width: int | None = None) -> Console:
    """A console on stdout; ``width`` wider than the terminal's for a table that is."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.console import Console

    return Console(highlight=False, soft_wrap=False, color_system=_color_system(), width=width)


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


def write_text(text: str) -> None:
    """A text to stdout as it is, with no markup read and no wrapping (an article's text)."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    sys.stdout.flush()


def emit_record(row: Mapping[str, Any]) -> None:
    """One JSON document: it has keys, not columns, so --fields and --no-headers refuse it."""
    if layout() != Layout():
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.errors import InvalidUsage

        raise InvalidUsage("--fields and --no-headers lay out rows; this json is one document")
    sys.stdout.write(json.dumps(row, ensure_ascii=False, indent=2, default=str) + "\n")


# -- tables for people --------------------------------------------------------------


# Every table for people is declared as a list of Columns and printed by TableView, so
# which columns show, how wide, and what is left out on a narrow terminal is decided here,
# once, by each column's role:
#
# - id, date, count: what a user types or compares (keys, slugs, ids, dates, numbers):
#   never cut, never wrapped; the column is as wide as its widest cell.
# - label: short words from a small vocabulary (stance, kind, language): the same.
# - name: a name (an outlet's, an entity's): wraps at word boundaries, never cut, so
#   two names never read alike.
# - prose: statements, notes, explanations: wraps, and each line stops at `limit`
#   characters with "…" (`show` and the machine formats have the whole text).
#
# When the columns do not fit the terminal, whole columns are left out, highest
# `priority` first (0: never), and a note on stderr names them. `--wide` shows every
# column at its natural width (the terminal wraps or scrolls); `--columns a,b` picks and
# orders them.

Role = Literal["id", "date", "count", "label", "name", "prose"]
_ONE_LINE_ROLES = frozenset({"id", "date", "count", "label"})

PROSE_LIMIT = 300  # characters of a prose line a table shows
PROSE_MIN_WIDTH = 20  # the narrowest a prose column is worth showing
PROSE_LAST_RESORT_WIDTH = 10  # narrower still when nothing else can be left out
NAME_COMFORT_WIDTH = 24  # names get this much of the spare width before prose does
LONGEST_UNBROKEN_NAME = 24  # a longer word of a name folds rather than widen its column
LONGEST_UNBROKEN_WORD = 30  # the same for a word of prose


@dataclass(frozen=True)
class Column:
    """One column of a table for people: its header (which --columns takes), its role,
    and when it is left out on a narrow terminal (0: never; else highest first)."""

    name: str
    role: Role
    priority: int = 0
    min_width: int | None = None  # prose: narrowest worth showing (PROSE_MIN_WIDTH)
    share: float = 0.0  # prose: at least this part of the terminal's width, if it has as much
    limit: int = PROSE_LIMIT  # prose: characters a line shows before "…"

    @property
    def wraps(self) -> bool:
        return self.role not in _ONE_LINE_ROLES


def _frame(count: int) -> int:
    """Characters of a SIMPLE_HEAD table's edges, dividers and padding for ``count`` columns."""
    return 3 * count + 1


def column_names(columns: Sequence[Column]) -> str:
    return ", ".join(column.name for column in columns)


def chosen_columns(columns: Sequence[Column], choice: str | None) -> list[Column] | None:
    """The columns `--columns a,b,c` names, in its order; a usage error names the valid ones."""
    if choice is None:
        return None
    by_name = {column.name.lower(): column for column in columns}
    # "at" for "at (UTC)": a header's remark in brackets need not be typed.
    by_name |= {column.name.split(" (")[0].lower(): column for column in columns}
    names = [name.strip().lower() for name in choice.split(",") if name.strip()]
    unknown = [name for name in names if name not in by_name]
    if unknown or not names:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        import typer

        what = f"unknown column {', '.join(unknown)}" if unknown else "no column named"
        raise typer.BadParameter(
            f"{what}; choose from: {column_names(columns)}", param_hint="--columns"
        )
    return list(dict.fromkeys(by_name[name] for name in names))


class TableView:
    """A table for people: rows added cell by cell in the declared order of ``columns``
    (Rich markup, escaped by the caller), laid out for the terminal when printed."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        wide: bool = False,
        choice: str | None = None,
        title: str | None = None,
        hint: str | None = "--wide or --columns to choose",
    ) -> None:
        self.columns = list(columns)
        self.wide = wide
        self.chosen = chosen_columns(self.columns, choice)
        self.title = title
        self.hint = hint  # how to get the columns left out, if the command has a way
        self.rows: list[list[str]] = []
        self.unread: list[str] = []

    def leave_out(self, *names: str) -> None:
        """Columns the command did not read (to be quick): named in the note, empty."""
        self.unread += names

    def may_show(self, name: str) -> bool:
        """Whether the column can be shown at all (a command can then skip reading it)."""
        if self.chosen is not None:
            return any(column.name == name for column in self.chosen)
        return True

    def add_row(self, *cells: str) -> None:
        if len(cells) != len(self.columns):
            raise ValueError(f"{len(cells)} cells for {len(self.columns)} columns")
        self.rows.append(list(cells))

    def print(self) -> None:
        unread = [column for column in self.columns if column.name in self.unread]
        shown = self.chosen or [column for column in self.columns if column not in unread]
        where = {column.name: index for index, column in enumerate(self.columns)}
        cells: dict[str, list[Text]] = {
            column.name: [_cell(row[where[column.name]], column) for row in self.rows]
            for column in shown
        }
        available = console().width
        sizes = {column.name: _sizes(column, cells[column.name], available) for column in shown}
        dropped: list[Column] = []
        if self.wide:
            layout = list(shown)
            widths = {name: natural for name, (_, natural) in sizes.items()}
        else:
            layout, dropped = _fit(shown, sizes, available, droppable=self.chosen is None)
            dropped = [c for c in self.columns if c in dropped or (c in unread and not self.chosen)]
            widths = _spread(layout, sizes, available)
        self._render(layout, cells, widths, available)
        if dropped:
            hint = f"; {self.hint}" if self.hint else ""
            left_out = f"columns left out at {available} columns: {column_names(dropped)}"
            # One line, however narrow the terminal: it is read, and searched for, whole.
            err_console().print(left_out + hint, style="dim", markup=False, soft_wrap=True)

    def _render(
        self,
        layout: Sequence[Column],
        cells: Mapping[str, Sequence[Text]],
        widths: Mapping[str, int],
        available: int,
    ) -> None:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from rich import box
        from rich.table import Table

        table = Table(title=self.title, box=box.SIMPLE_HEAD, show_lines=False, title_justify="left")
        for column in layout:
            table.add_column(
                column.name,
                width=widths[column.name],
                no_wrap=not column.wraps,
                overflow="fold" if column.wraps else "ellipsis",
            )
        for index in range(len(self.rows)):
            table.add_row(*(cells[column.name][index] for column in layout))
        total = sum(widths[column.name] for column in layout) + _frame(len(layout))
        if total <= available:
            console().print(table)
        else:
            # Wider than the terminal: asked for (--wide, --columns), or the columns that
            # are never left out need more. Nothing is cut; the terminal wraps or scrolls.
            _console(width=total).print(table, crop=False)


def _cell(markup: str, column: Column) -> Text:
    """A cell as Rich Text: one line for the one-line roles; prose without blank lines,
    each line capped at the column's limit."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.text import Text

    if not column.wraps:  # one line, its leading spaces kept (the topic tree's indent)
        return Text.from_markup(" ".join(markup.rstrip().splitlines()))
    lines = [" ".join(line.split()) for line in markup.splitlines()]
    text = Text.from_markup("\n".join(line for line in lines if line))
    if column.role != "prose":
        return text
    capped = [_capped(line, column.limit) for line in text.split("\n")]
    return Text("\n").join(capped)


def _capped(line: Text, limit: int) -> Text:
    if len(line.plain) <= limit:
        return line
    cut = line.plain.rfind(" ", 0, limit)
    cut = cut if cut > limit * 3 // 4 else limit - 1
    shown = line[:cut]
    shown.rstrip()
    shown.append("…")
    return shown


def _sizes(column: Column, cells: Sequence[Text], available: int) -> tuple[int, int]:
    """The narrowest and the natural width of a column, header included."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.cells import cell_len

    lines = [line for text in cells for line in text.plain.split("\n")]
    natural = max([cell_len(column.name), *(cell_len(line) for line in lines)])
    if not column.wraps:
        return natural, natural
    words = [cell_len(word) for line in [column.name, *lines] for word in line.split()]
    if column.role == "name":
        least = min(max(words, default=1), LONGEST_UNBROKEN_NAME)
    else:
        wanted = max(column.min_width or PROSE_MIN_WIDTH, int(available * column.share))
        # Wide enough for its longest word, unless that is a URL or the like: it then folds.
        least = max(wanted, min(max(words, default=1), LONGEST_UNBROKEN_WORD))
    return min(least, natural), natural


def _needed(layout: Sequence[Column], sizes: Mapping[str, tuple[int, int]]) -> int:
    return sum(sizes[column.name][0] for column in layout) + _frame(len(layout))


def _fit(
    shown: Sequence[Column],
    sizes: dict[str, tuple[int, int]],
    available: int,
    *,
    droppable: bool,
) -> tuple[list[Column], list[Column]]:
    """The columns that fit ``available`` characters, leaving out whole columns by
    priority when ``droppable``; and those left out, in their declared order."""
    layout = list(shown)
    if droppable:
        candidates = sorted(
            (column for column in layout if column.priority),
            key=lambda column: (-column.priority, -layout.index(column)),
        )
        for column in candidates:
            if _needed(layout, sizes) <= available:
                break
            layout.remove(column)
    if _needed(layout, sizes) > available:
        # Nothing more can go: prose narrows further before the table outgrows the terminal.
        for column in layout:
            least, natural = sizes[column.name]
            if column.role == "prose":
                floor = max(PROSE_LAST_RESORT_WIDTH, len(column.name))
                sizes[column.name] = (min(least, floor, natural), natural)
    return layout, [column for column in shown if column not in layout]


def _spread(
    layout: Sequence[Column], sizes: Mapping[str, tuple[int, int]], available: int
) -> dict[str, int]:
    """Each column's width: one-line columns at their natural width, wrapping ones from
    their narrowest up, names first to a comfortable width, then the column that
    lacks most, one character at a time."""
    widths = {column.name: sizes[column.name][0] for column in layout}
    spare = available - _needed(layout, sizes)
    names = [column for column in layout if column.role == "name"]
    for column in names:
        goal = min(sizes[column.name][1], max(widths[column.name], NAME_COMFORT_WIDTH))
        grant = max(0, min(spare, goal - widths[column.name]))
        widths[column.name] += grant
        spare -= grant
    wrapping = [column for column in layout if column.wraps]
    while spare > 0 and wrapping:
        column = max(wrapping, key=lambda c: sizes[c.name][1] - widths[c.name])
        lack = sizes[column.name][1] - widths[column.name]
        if lack <= 0:
            break
        widths[column.name] += 1
        spare -= 1
    return widths


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


def quote_in_context(context: QuoteContext | None) -> str | None:
    """A quote in its article: the quote marked ⟦…⟧ and bold, the text around it dim."""
    if context is None:
        return None
    before, quote, after = (escape(part) for part in (context.before, context.quote, context.after))
    return f"[dim]{before}[/]⟦[bold]{quote}[/]⟧[dim]{after}[/]"


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
