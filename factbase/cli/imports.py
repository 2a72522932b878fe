"""`factbase import` and `factbase seed`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import ViewFormatOption
from factbase.vocabulary import ExportFormat

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from factbase.interchange.importer import ImportSummary

MAX_WARNINGS_SHOWN = 20
MAX_UPDATES_SHOWN = 50


DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Check everything, write nothing.")]
# `--format json` before it was a format; kept for the scripts that use it.
JsonSummaryOption = Annotated[
    bool, typer.Option("--json", hidden=True, help="The same as --format json.")
]
ReplaceOption = Annotated[
    bool,
    typer.Option(
        "--replace",
        help="A record is the whole claim or source: clear the fields it leaves out "
        "(each record's are listed first). Without it a record updates only its fields.",
    ),
]
AllowDuplicateOption = Annotated[
    bool,
    typer.Option(
        "--allow-duplicate",
        help="Record a keyless claim even when its source already has the same statement or quote.",
    ),
]


StrictImportOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="A claim whose quote its source's text does not hold fails the import."
    ),
]
TextsOption = Annotated[
    Path | None,
    typer.Option(
        "--texts",
        metavar="DIR",
        help="A folder of article texts: each source naming a text_sha256 gets the file "
        "with that hash.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("seed")(seed_command)


def import_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="Files in the interchange format: .yaml, .yml, .json, .jsonl, .csv."),
    ],
    dry_run: DryRunOption = False,
    fmt: ViewFormatOption = TABLE,
    json_summary: JsonSummaryOption = False,
    replace: ReplaceOption = False,
    allow_duplicate: AllowDuplicateOption = False,
    strict: StrictImportOption = False,
    texts: TextsOption = None,
) -> None:
    """Import entities, topics, outlets, sources, claims and links; all or nothing.

    A record naming a stored claim (by key) or source (by key or URL) updates only the
    fields it gives; `null` clears a field, an empty CSV cell keeps it.
    """
    _run_import(
        files,
        dry_run=dry_run,
        json_summary=json_summary or fmt == ExportFormat.JSON,
        replace=replace,
        allow_duplicate=allow_duplicate,
        strict=strict,
        texts=texts,
    )


def seed_command(
    dry_run: DryRunOption = False,
    fmt: ViewFormatOption = TABLE,
    json_summary: JsonSummaryOption = False,
    texts: Annotated[
        Path | None,
        typer.Option(
            "--texts",
            metavar="DIR",
            help="A folder holding the five articles' texts (not shipped): each is attached "
            "to its source by its SHA-256, and the quotes are located in it.",
        ),
    ] = None,
    strict: StrictImportOption = False,
) -> None:
    """Load the bundled dataset: claims from five articles on Kazakhstan's foreign policy.

    Idempotent: running it again changes nothing.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.importer import seed_files

    json_summary = json_summary or fmt == ExportFormat.JSON
    _run_import(
        seed_files(),
        dry_run=dry_run,
        json_summary=json_summary,
        texts=texts,
        strict=strict,
        starter_topics=True,
    )


def _run_import(
    files: list[Path],
    *,
    dry_run: bool,
    json_summary: bool,
    replace: bool = False,
    allow_duplicate: bool = False,
    strict: bool = False,
    texts: Path | None = None,
    starter_topics: bool = False,
) -> None:
    """Import ``files`` in one transaction; ``starter_topics`` first puts back the starter
    topics the database lacks (the seed's claims are filed under them)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.starter import add_missing_starter_topics
    from factbase.interchange.importer import ImportOptions, import_files

    options = ImportOptions(
        replace=replace,
        allow_duplicate=allow_duplicate,
        notice=render.warn,
        strict=strict,
        texts=texts,
        read_in_workers=True,  # the entry point guards its main module
    )
    with (
        state.open_db(write=True) as db,
        db.session(write=True, commit=not dry_run) as session,
        ProgressBar() as progress,
    ):
        if starter_topics:
            add_missing_starter_topics(session)
        summary = import_files(session, files, progress=progress, options=options)
    if json_summary:
        _print_json(summary, dry_run)
    else:
        _print_summary(summary, dry_run)


class ProgressBar:
    """A progress bar on stderr for long imports, only when stderr is a terminal."""

    def __init__(self) -> None:
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        return self

    def __call__(self, done: int, total: int) -> None:
        if total < 500 or not sys.stderr.isatty():
            return
        if self.bar is None:
            from rich.progress import Progress

            self.bar = Progress(console=render.err_console(), transient=True)
            self.bar.start()
            self.task = self.bar.add_task("importing claims", total=total)
        assert self.task is not None
        self.bar.update(self.task, completed=done)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print_summary(summary: ImportSummary, dry_run: bool) -> None:
    for warning in summary.warnings[:MAX_WARNINGS_SHOWN]:
        render.warn(warning)
    hidden = len(summary.warnings) - MAX_WARNINGS_SHOWN
    if hidden > 0:
        render.warn(f"… and {hidden} more warnings (use --format json to see them all)")
    outcomes = ["added", "updated", "unchanged"]
    if any(key.endswith(" skipped") for key in summary.counts):
        outcomes.append("skipped")
    table = render.TableView(
        [render.Column("records", "label"), *(render.Column(o, "count") for o in outcomes)],
        hint=None,
    )
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.interchange.readers import SECTIONS

    for section in SECTIONS:
        counts = [summary.count(section, outcome) for outcome in outcomes]
        if any(counts):
            table.add_row(section, *(str(n) for n in counts))
    table.print()
    out = render.console()
    for label, fields in summary.updated[:MAX_UPDATES_SHOWN]:
        out.print(f"updated {label}: {', '.join(fields) or 'derived fields'}", markup=False)
    hidden = len(summary.updated) - MAX_UPDATES_SHOWN
    if hidden > 0:
        out.print(f"… and {hidden} more updated records (use --format json to see them all)")
    texts = summary.counts["texts attached"]
    if texts:
        out.print(f"article texts attached: {texts}; their sources' quotes located in them")
    created = ", ".join(sorted(set(summary.topics_created))) or "none"
    verdict = "dry run: nothing written" if dry_run else "imported"
    render.console().print(
        f"{verdict}; topics created by claims: {render.escape(created)}; "
        f"{render.plural(summary.conflicts_found, 'new conflict')}; "
        f"{render.plural(len(summary.warnings), 'warning')}"
    )


def _print_json(summary: ImportSummary, dry_run: bool) -> None:
    payload = {
        "dry_run": dry_run,
        "files": summary.files,
        "counts": summary.counts_by_section(),
        "topics_created": sorted(set(summary.topics_created)),
        "conflicts_found": summary.conflicts_found,
        "texts_attached": summary.counts["texts attached"],
        "warnings": summary.warnings,
        "updated": [{"record": label, "fields": fields} for label, fields in summary.updated],
        "replaced": summary.replaced,
    }
    sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
