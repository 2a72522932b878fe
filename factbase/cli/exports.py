"""`factbase export …`, `factbase report` and `factbase stats`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from factbase.claims.filter import ClaimFilter, Sort
from factbase.cli import render, state
from factbase.cli.choices import TABLE, DocumentFormat
from factbase.cli.options import (
    FORMAT_HELP,
    ClaimLimitOption,
    ConflictKindOption,
    ConflictStatusOption,
    EitherLangOption,
    EitherStanceOption,
    EitherTopicOption,
    IncludeRetractedOption,
    LimitOption,
    OutletOption,
    SourceLangOption,
    StanceOption,
    TableFormatOption,
    ViewFormatOption,
    claim_filters,
    listed,
)
from factbase.vocabulary import DOCUMENT_FORMATS, ExportFormat

if TYPE_CHECKING:
    from factbase.analysis.reports import Report

export_app = typer.Typer(
    help="Write claims, conflicts, sources or outlets as CSV, JSON or JSON Lines.",
    no_args_is_help=True,
)


OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="Write to this file (atomically) instead of standard output."
    ),
]
ExcelOption = Annotated[
    bool, typer.Option("--excel", help="CSV as UTF-8 with a BOM, so Excel shows Cyrillic.")
]


def _filtered(where: ClaimFilter) -> bool:
    return any(value for value in where.filters().values())


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
    app.command("report")(report)
    app.command("stats")(stats)


def _write(output: Path | None, excel: bool, write: Callable[[TextIO], int], what: str) -> None:
    """Run ``write`` on stdout, or on a file that appears only once complete."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import atomic_output

    if output is None:
        if excel:
            sys.stdout.write("\ufeff")
        write(sys.stdout)
        sys.stdout.flush()
        return
    with atomic_output(output, bom=excel) as out:
        count = write(out)
    render.note(f"wrote {render.plural(count, what)} to {output}")


def _table_format(output: Path | None, fmt: str | None, excel: bool) -> ExportFormat:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import InvalidInput
    from factbase.interchange.exports import format_for

    chosen = format_for(output, fmt, ExportFormat.CSV)
    if excel and chosen is not ExportFormat.CSV:
        raise InvalidInput("--excel goes with CSV output (--format csv)")
    return chosen


def _export_table(
    output: Path | None,
    fmt: str | None,
    excel: bool,
    table: str,
    rows_of: Callable[[Any], Any],
) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import COLUMNS, WRITERS

    chosen = _table_format(output, fmt, excel)
    with (
        state.open_db(write=False) as db,
        db.session() as session,
        render.streamed(rows_of(session)) as rows,
    ):
        _write(output, excel, lambda out: WRITERS[chosen](out, COLUMNS[table], rows), table[:-1])


@export_app.command("claims")
@claim_filters()
def export_claims(
    fmt: Annotated[
        ExportFormat | None,
        typer.Option("--format", "-f", help=f"{listed(ExportFormat)}. {FORMAT_HELP}"),
    ] = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    *,
    where: ClaimFilter,
    limit: ClaimLimitOption = 0,
    sort: Annotated[Sort, typer.Option(help="Order of the claims (default: id).")] = Sort.ID,
    include_retracted: IncludeRetractedOption = False,
) -> None:
    """Claims with their source, outlet, stance, corroboration and open conflicts.

    --format claimreview writes schema.org Claim/ClaimReview JSON-LD.
    """
    where = replace(where, limit=limit or None, sort=sort, include_retracted=include_retracted)
    if fmt is ExportFormat.CLAIMREVIEW:
        _export_claimreview(output, excel, where)
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.claim_rows import claim_records

    _export_table(output, fmt, excel, "claims", lambda session: claim_records(session, where))


def _export_claimreview(output: Path | None, excel: bool, where: ClaimFilter) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import InvalidInput
    from factbase.interchange.claimreview import claimreview_items, write_claimreview

    if excel:
        raise InvalidInput("--excel goes with CSV output (--format csv)")
    with (
        state.open_db(write=False) as db,
        db.session() as session,
        render.streamed(claimreview_items(session, where)) as items,
    ):
        _write(output, False, lambda out: write_claimreview(out, items), "node")


@export_app.command("conflicts")
def export_conflicts(
    fmt: TableFormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    status: ConflictStatusOption = "all",
    kind: ConflictKindOption = None,
    topic: EitherTopicOption = None,
    stance: EitherStanceOption = None,
    lang: EitherLangOption = None,
    limit: LimitOption = 0,
    include_retracted: IncludeRetractedOption = False,
) -> None:
    """Conflicts with both claims side by side, the decision and the review note."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import ConflictExportFilter, conflict_rows

    where = ConflictExportFilter(
        status, kind, topic, stance, lang, limit or None, include_retracted
    )
    _export_table(output, fmt, excel, "conflicts", lambda session: conflict_rows(session, where))


@export_app.command("sources")
def export_sources(
    fmt: TableFormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    outlet: OutletOption = None,
    lang: SourceLangOption = None,
    stance: StanceOption = None,
) -> None:
    """Sources with their outlet, stance, the outlets they relay and their claim count."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import source_rows

    _export_table(
        output,
        fmt,
        excel,
        "sources",
        lambda session: source_rows(session, outlet=outlet, language=lang, stance=stance),
    )


@export_app.command("outlets")
def export_outlets(
    fmt: TableFormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    stance: StanceOption = None,
) -> None:
    """Outlets with their stance and how many sources and claims they have."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import outlet_rows

    _export_table(
        output, fmt, excel, "outlets", lambda session: outlet_rows(session, stance=stance)
    )


@export_app.command("all")
@claim_filters()
def export_all(
    fmt: Annotated[
        DocumentFormat | None,
        typer.Option(
            "--format", "-f", help=f"{listed(DOCUMENT_FORMATS)} (default: from -o, else json)."
        ),
    ] = None,
    output: OutputOption = None,
    verify: Annotated[
        bool,
        typer.Option(
            "--verify",
            help="Then import the file into an empty database and check it gives back the same "
            "(needs -o).",
        ),
    ] = False,
    *,
    where: ClaimFilter,
) -> None:
    """The database in the interchange format: `factbase import` reads it back whole.

    Stances, entities, topics, outlets, sources, claims, links, conflict decisions and
    the audit log. With claim filters, only those claims, the sources and outlets they
    need, the links and decisions between them and the audit entries about them.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import InvalidInput
    from factbase.interchange.dump import interchange_records, write_document, write_lines
    from factbase.interchange.exports import format_for

    chosen = format_for(output, fmt, ExportFormat.JSON)
    if chosen not in DOCUMENT_FORMATS:
        raise InvalidInput("export all writes json or jsonl")
    if verify and output is None:
        raise InvalidInput("--verify checks a file: give -o FILE")
    # Without a filter, the whole database, not a selection of every claim.
    chosen_claims = replace(where, limit=None, sort=Sort.ID) if _filtered(where) else None
    writer = write_lines if chosen is ExportFormat.JSONL else write_document
    with (
        state.open_db(write=False) as db,
        db.session(snapshot=True) as session,  # one state of the database, in every section
        render.streamed(interchange_records(session, chosen_claims)) as records,
    ):
        _write(output, False, lambda out: writer(out, records), "record")
    if verify and output is not None:
        _verify(output, chosen is ExportFormat.JSONL, whole=chosen_claims is None)


def _verify(path: Path, lines: bool, whole: bool) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.verify import verify_document

    found = verify_document(path.expanduser(), lines=lines, whole=whole)
    how = "and exports again byte for byte" if found.identical else "(a selection: not compared)"
    render.note(f"verified: {path} imports into an empty database {how}")


# -- report and stats -------------------------------------------------------------------


@claim_filters(
    "topic",
    "since",
    help={
        "topic": "Only claims in this topic (and its sub-topics).",
        "since": "Only claims from sources published on or after.",
    },
)
def report(
    *,
    where: ClaimFilter,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Also write one CSV per table into this directory."),
    ] = None,
    fmt: ViewFormatOption = TABLE,
    rows: Annotated[
        int, typer.Option(help="Rows shown per table in the terminal; 0 for all.")
    ] = 15,
) -> None:
    """A summary: claims per topic, stance and language; conflicts; contested facts; outlets."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.reports import ReportFilter, build_report

    with state.open_db(write=False) as db, db.session() as session:
        found = build_report(session, ReportFilter(topic=where.topic, since=where.since))
    if output is not None:
        _write_report(found, output)
    if fmt == ExportFormat.JSON:
        tables = {t.name: t.rows for t in found.tables}
        render.emit_record({"claims": found.claims, **tables})
        return
    _print_report(found, rows)


def _write_report(found: Report, directory: Path) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import write_csv
    from factbase.interchange.outputs import atomic_directory

    names = {f"{table.name}.csv" for table in found.tables}
    # The tables are one report: written together and swapped in whole, never a mix of
    # this run's and the last one's.
    with atomic_directory(directory, names) as part:
        for table in found.tables:
            with (part / f"{table.name}.csv").open("w", encoding="utf-8", newline="") as out:
                write_csv(out, table.columns, table.rows)
                out.flush()
                os.fsync(out.fileno())
    render.note(f"wrote {render.plural(len(found.tables), 'CSV file')} to {directory}")


def _cell(value: object) -> str:
    if isinstance(value, list):
        return render.escape(", ".join(str(v) for v in value) or "-")
    if isinstance(value, float):
        return f"{value:.0%}"
    return render.escape("-" if value is None else str(value))


# The wide tables, narrowed for a terminal: (column, header). The CSVs have every column.
TERMINAL_COLUMNS = {
    "contested": [
        ("claim", "claim"),
        ("statement", "statement"),
        ("asserting_stances", "asserted by"),
        ("origins", "origins"),
        ("disputing_stances", "disputed by"),
        ("disputing_origins", "against"),
    ],
    "outlets": [
        ("outlet", "outlet"),
        ("stance", "stance"),
        ("claims", "claims"),
        ("conflicts", "conflicts"),
        ("corroborated_share", "corroborated"),
    ],
}


def _print_report(found: Report, limit: int) -> None:
    console = render.console()
    scope = [f"topic {found.filter.topic}"] if found.filter.topic else []
    scope += [f"published since {found.filter.since}"] if found.filter.since else []
    console.print(
        f"[bold]{render.plural(found.claims, 'claim')}[/]"
        + render.escape(f" ({'; '.join(scope)})" if scope else "")
    )
    for table in found.tables:
        shown = table.rows[:limit] if limit else table.rows
        columns = TERMINAL_COLUMNS.get(table.name) or [(c, c) for c in table.columns]
        grid = render.new_table(*(header for _, header in columns), title=table.title)
        for row in shown:
            grid.add_row(*(_cell(row[name]) for name, _ in columns))
        render.print_table(grid)
        if len(shown) < len(table.rows):
            render.note(f"{len(table.rows) - len(shown)} more rows (--rows 0 or -o DIR for all)")


def stats(fmt: ViewFormatOption = TABLE) -> None:
    """Counts of everything, and where the database lives."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.stats import collect_stats

    with state.open_db(write=False) as db, db.session() as session:
        found = collect_stats(session, db)
    if fmt == ExportFormat.JSON:
        render.emit_record(found)
        return
    console = render.console()
    console.print(f"[bold]database[/]  {render.escape(found['database'])}")
    size = found["size_bytes"]
    extra = f", {size / 1_048_576:.1f} MiB" if size is not None else ""
    console.print(render.escape(f"{found['backend']}, schema {found['schema']}{extra}"))
    table = render.new_table("what", "count", "breakdown")
    breakdowns = {
        "claims": {**found["claims_by_language"], **found["claims_by_status"]},
        "conflicts": found["conflicts_by_status"],
        "links": found["links_by_kind"],
    }
    for label, count in found["counts"].items():
        by = ", ".join(f"{k} {v}" for k, v in breakdowns.get(label, {}).items())
        table.add_row(label, str(count), render.escape(by))
    render.print_table(table)
