"""`factbase export …`, `factbase report` and `factbase stats`."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from factbase.claims.filter import ClaimFilter, Sort
from factbase.cli import render, state
from factbase.cli.choices import TABLE, DocumentFormat, ReportTableName
from factbase.cli.options import (
    FORMAT_HELP,
    ClaimLimitOption,
    ColumnsOption,
    ConflictKindOption,
    ConflictStatusOption,
    DocumentOrRowsOption,
    EitherLangOption,
    EitherStanceOption,
    EitherTopicOption,
    IncludeRetractedOption,
    LimitOption,
    OutletOption,
    SourceLangOption,
    StanceOption,
    TableFormatOption,
    WideOption,
    claim_filters,
    listed,
    output_options,
    page_limit,
)
from factbase.vocabulary import DOCUMENT_FORMATS, REPORT_TABLES, TABLE_FORMATS, ExportFormat

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from factbase.analysis.reports import Report, ReportFilter

export_app = typer.Typer(
    help="Write claims, conflicts, sources or outlets as CSV, TSV, Markdown, JSON or JSON Lines.",
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


def _write(output: Path | None, excel: bool, write: Callable[[TextIO], int], what: str) -> int:
    """Run ``write`` on stdout, or on a file that appears only once complete; how many it
    wrote."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import atomic_output

    if output is None:
        if excel:
            sys.stdout.write("\ufeff")
        count = write(sys.stdout)
        sys.stdout.flush()
        return count
    with atomic_output(output, bom=excel) as out:
        count = write(out)
    render.note(f"wrote {render.plural(count, what)} to {output}")
    return count


def _table_format(
    output: Path | None,
    fmt: str | None,
    excel: bool,
    allowed: tuple[ExportFormat, ...] = TABLE_FORMATS,
) -> ExportFormat:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import InvalidInput
    from factbase.interchange.exports import format_for

    chosen = format_for(output, fmt, ExportFormat.CSV, allowed)
    if excel and chosen is not ExportFormat.CSV:
        raise InvalidInput("--excel goes with CSV output (--format csv)")
    return chosen


def _export_table(
    chosen: ExportFormat,
    output: Path | None,
    excel: bool,
    table: str,
    rows_of: Callable[[Any], Any],
    limit: int | None = None,
    total_of: Callable[[Any], int] | None = None,
) -> None:
    """Write the rows ``rows_of`` a session reads; when ``limit`` cut them, say so on
    stderr (``total_of`` counts them all)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import COLUMNS, write_table

    given = render.layout()
    columns = COLUMNS[table]

    def write(out: TextIO, rows: Any) -> int:
        return write_table(out, chosen, columns, rows, fields=given.fields, headers=given.headers)

    with (
        state.open_db(write=False) as db,
        db.session() as session,
        render.streamed(rows_of(session)) as rows,
    ):
        count = _write(output, excel, lambda out: write(out, rows), table[:-1])
        if limit and total_of is not None and count == limit:
            render.note_cut(count, total_of(session))


@export_app.command("claims")
@output_options
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
    limit: ClaimLimitOption = None,
    sort: Annotated[Sort, typer.Option(help="Order of the claims (default: id).")] = Sort.ID,
    include_retracted: IncludeRetractedOption = False,
    conflict_reviews: Annotated[
        bool,
        typer.Option(
            "--conflict-reviews",
            help="claimreview: a ClaimReview for each side of each decided conflict too.",
        ),
    ] = False,
) -> None:
    """Claims with their source, outlet, stance, corroboration and open conflicts.

    --format claimreview writes schema.org Claim JSON-LD, and a ClaimReview of each
    claim's verdict (set the organisation first: `factbase config`).
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.query import count_claims
    from factbase.interchange.claim_rows import claim_records

    chosen = _table_format(output, fmt, excel, (*TABLE_FORMATS, ExportFormat.CLAIMREVIEW))
    limit = page_limit(limit, chosen, None)
    where = replace(where, limit=limit, sort=sort, include_retracted=include_retracted)
    if chosen is ExportFormat.CLAIMREVIEW:
        _export_claimreview(output, where, conflict_reviews)
        return
    if _export_every_claim(chosen, output, excel, where):
        return
    _export_table(
        chosen,
        output,
        excel,
        "claims",
        lambda session: claim_records(session, where),
        limit,
        lambda session: count_claims(session, where),
    )


def _export_every_claim(
    chosen: ExportFormat, output: Path | None, excel: bool, where: ClaimFilter
) -> bool:
    """Every claim in id order, written in two parts at once where that pays
    (factbase.interchange.export_parts); False, having done nothing, for any other export."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.export_parts import TableOutput, cuttable, write_claims

    given = render.layout()
    fields = tuple(given.fields) if given.fields is not None else None
    table = TableOutput(chosen, fields, given.headers)
    if not cuttable(where, table):
        return False
    with state.open_db(write=False) as db, db.session(snapshot=True) as session:
        _write(
            output, excel, lambda out: write_claims(db, session, where, out, table, output), "claim"
        )
    return True


def _export_claimreview(output: Path | None, where: ClaimFilter, conflicts: bool) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.settings import organisation
    from factbase.errors import InvalidUsage
    from factbase.interchange.claimreview import (
        ReviewOptions,
        claimreview_items,
        missing_for_google,
        write_claimreview,
    )

    given = render.layout()
    if given.fields or not given.headers:
        raise InvalidUsage("--fields and --no-headers go with the table formats, not claimreview")
    with state.open_db(write=False) as db, db.session() as session:
        options = ReviewOptions(organisation(session), conflicts=conflicts)
        missing = missing_for_google(options.organisation)
        if missing:
            render.warn(
                f"{', '.join(missing)} not set: ClaimReviews lack what Google requires "
                "(factbase config set NAME VALUE)"
            )
        with render.streamed(claimreview_items(session, where, options)) as items:
            _write(output, False, lambda out: write_claimreview(out, items), "node")


@export_app.command("conflicts")
@output_options
def export_conflicts(
    fmt: TableFormatOption = None,
    output: OutputOption = None,
    excel: ExcelOption = False,
    status: ConflictStatusOption = "all",
    kind: ConflictKindOption = None,
    topic: EitherTopicOption = None,
    stance: EitherStanceOption = None,
    lang: EitherLangOption = None,
    limit: LimitOption = None,
    include_retracted: IncludeRetractedOption = False,
) -> None:
    """Conflicts with both claims side by side, the decision and the review note."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.exports import (
        ConflictExportFilter,
        conflict_rows,
        count_exported_conflicts,
    )

    chosen = _table_format(output, fmt, excel)
    limit = page_limit(limit, chosen, None)
    where = ConflictExportFilter(status, kind, topic, stance, lang, limit, include_retracted)
    _export_table(
        chosen,
        output,
        excel,
        "conflicts",
        lambda session: conflict_rows(session, where),
        limit,
        lambda session: count_exported_conflicts(session, where),
    )


@export_app.command("sources")
@output_options
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
        _table_format(output, fmt, excel),
        output,
        excel,
        "sources",
        lambda session: source_rows(session, outlet=outlet, language=lang, stance=stance),
    )


@export_app.command("outlets")
@output_options
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
        _table_format(output, fmt, excel),
        output,
        excel,
        "outlets",
        lambda session: outlet_rows(session, stance=stance),
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

    chosen = format_for(output, fmt, ExportFormat.JSON, DOCUMENT_FORMATS)
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


@output_options
@claim_filters(
    "topic",
    "since",
    "until",
    "stance",
    "lang",
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
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the report as a static site (pages, charts) into this directory.",
        ),
    ] = None,
    fmt: DocumentOrRowsOption = TABLE,
    table_name: Annotated[
        ReportTableName | None,
        typer.Option("--table", help="The table a row format writes (json has them all)."),
    ] = None,
    rows: Annotated[
        int,
        typer.Option("--limit", "--rows", help="Rows shown per table in the terminal; 0 for all."),
    ] = 15,
    wide: WideOption = False,
) -> None:
    """A summary: claims per topic, stance and language; conflicts; contested facts; outlets.

    --format json gives every table in one document; csv and the other row formats give
    the one --table names; -o DIR writes one CSV per table; --html DIR writes a site to
    open from disk or publish as it is.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.reports import ReportFilter, build_report

    if fmt not in (TABLE, ExportFormat.JSON) and table_name is None:
        raise typer.BadParameter(
            f"{fmt} writes one table: choose it with --table ({listed(REPORT_TABLES)}), "
            "or use --format json or -o DIR for all of them",
            param_hint="'--table'",
        )
    selected = ReportFilter(
        topic=where.topic,
        since=where.since,
        until=where.until,
        stance=where.stance,
        language=where.language,
    )
    with state.open_db(write=False) as db, db.session() as session:
        found = build_report(session, selected)
        if html is not None:
            _write_site(session, selected, found, html)
    if output is not None:
        _write_report(found, output)
    if fmt == ExportFormat.JSON:
        tables = {t.name: t.rows for t in found.tables}
        render.emit_record({"claims": found.claims, **tables})
        return
    if fmt != TABLE:
        chosen = next(t for t in found.tables if t.name == table_name)
        render.emit_records(chosen.rows, chosen.columns, fmt)
        return
    _print_report(found, rows, wide)


def _write_site(session: Session, where: ReportFilter, found: Report, directory: Path) -> None:
    # Late import, for start-up time: matplotlib and Jinja2 load only here.
    from factbase.analysis.verdicts import current_ratings
    from factbase.interchange.site import build_site

    site = build_site(
        session, where, directory, now=datetime.now(UTC), report=found, verdicts=current_ratings
    )
    render.note(
        f"wrote {render.plural(site.pages, 'page')} ({render.plural(site.claims, 'claim')}) "
        f"to {directory}"
    )


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


# Each table of the report as the terminal shows it: (field, column). The CSVs have every
# field; the wide tables show fewer in the terminal.
_TOPIC = render.Column("topic", "id")
REPORT_TERMINAL_COLUMNS: dict[str, list[tuple[str, render.Column]]] = {
    "claims_by_topic_stance": [
        ("topic", _TOPIC),
        ("stance", render.Column("stance", "label")),
        ("claims", render.Column("claims", "count")),
    ],
    "claims_by_topic_language": [
        ("topic", _TOPIC),
        ("language", render.Column("language", "label")),
        ("claims", render.Column("claims", "count")),
    ],
    "conflicts_by_topic": [
        ("topic", _TOPIC),
        ("kind", render.Column("kind", "label")),
        ("cause", render.Column("cause", "label")),
        ("status", render.Column("status", "label")),
        ("conflicts", render.Column("conflicts", "count")),
    ],
    "contested": [
        ("claim", render.Column("claim", "id")),
        ("statement", render.Column("statement", "prose", share=0.3)),
        ("asserting_stances", render.Column("asserted by", "name", priority=2)),
        ("origins", render.Column("origins", "count")),
        ("disputing_stances", render.Column("disputed by", "name", priority=1)),
        ("disputing_origins", render.Column("against", "count")),
    ],
    "outlets": [
        ("outlet", render.Column("outlet", "name")),
        ("stance", render.Column("stance", "label")),
        ("claims", render.Column("claims", "count")),
        ("conflicts", render.Column("conflicts", "count")),
        ("corroborated_share", render.Column("corroborated", "count")),
    ],
    # The score beside its count and interval, never alone.
    "track_records": [
        ("of", render.Column("of", "label")),
        ("name", render.Column("name", "name")),
        ("checked", render.Column("checked", "count")),
        ("reliability", render.Column("reliability", "count")),
        ("reliability_low", render.Column("from", "count")),
        ("reliability_high", render.Column("to", "count")),
        ("rated", render.Column("rated", "prose", priority=1)),
    ],
    "series": [
        ("subject", render.Column("subject", "name")),
        ("property", render.Column("property", "prose", priority=2)),
        ("period", render.Column("period", "label")),
        ("said", render.Column("said", "name")),
        ("outlets", render.Column("outlets", "prose", priority=1)),
        ("disagreement", render.Column("disagreement", "prose")),
    ],
}
STATS_TABLE = (
    render.Column("what", "label"),
    render.Column("count", "count"),
    render.Column("breakdown", "prose"),
)


def _print_report(found: Report, limit: int, wide: bool) -> None:
    console = render.console()
    scope = [f"topic {found.filter.topic}"] if found.filter.topic else []
    scope += [f"published since {found.filter.since}"] if found.filter.since else []
    console.print(
        f"[bold]{render.plural(found.claims, 'claim')}[/]"
        + render.escape(f" ({'; '.join(scope)})" if scope else "")
    )
    for table in found.tables:
        if table.name == "track_records" and not table.rows:
            continue  # nothing judged yet: no record to show (the CSV has its header)
        shown = table.rows[:limit] if limit else table.rows
        columns = REPORT_TERMINAL_COLUMNS.get(table.name) or [
            (name, render.Column(name, "label")) for name in table.columns
        ]
        grid = render.TableView(
            [column for _, column in columns], wide=wide, title=table.title, hint="--wide for all"
        )
        for row in shown:
            grid.add_row(*(_cell(row[name]) for name, _ in columns))
        grid.print()
        if len(shown) < len(table.rows):
            render.note(f"{len(table.rows) - len(shown)} more rows (--rows 0 or -o DIR for all)")


@output_options
def stats(
    fmt: DocumentOrRowsOption = TABLE, wide: WideOption = False, columns: ColumnsOption = None
) -> None:
    """Counts of everything, and where the database lives.

    json gives one document; csv and the other row formats one row per count (group, name,
    count).
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.stats import STATS_COLUMNS, collect_stats, stats_rows

    table = render.TableView(STATS_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        found = collect_stats(session, db)
    if fmt == ExportFormat.JSON:
        render.emit_record(found)
        return
    if fmt != TABLE:
        render.emit_records(stats_rows(found), STATS_COLUMNS, fmt)
        return
    console = render.console()
    console.print(f"[bold]database[/]  {render.escape(found['database'])}")
    size = found["size_bytes"]
    extra = f", {size / 1_048_576:.1f} MiB" if size is not None else ""
    console.print(render.escape(f"{found['backend']}, schema {found['schema']}{extra}"))
    breakdowns = {
        "claims": {**found["claims_by_language"], **found["claims_by_status"]},
        "conflicts": found["conflicts_by_status"],
        "links": found["links_by_kind"],
    }
    for label, count in found["counts"].items():
        by = ", ".join(f"{k} {v}" for k, v in breakdowns.get(label, {}).items())
        table.add_row(label.replace("_", " "), str(count), render.escape(by))
    table.print()
