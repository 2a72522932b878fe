"""`factbase extract`: candidate claims from an article's text, to review and import."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE, ExtractFormat
from factbase.cli.options import ColumnsOption, WideOption

# The quote is what a person reads; the signals and the speaker say why it is proposed.
CANDIDATE_TABLE = (
    render.Column("n", "count"),
    render.Column("signals", "label", priority=2),
    render.Column("speaker", "name", priority=3),
    render.Column("value", "name", priority=1),
    render.Column("dates", "date", priority=4),
    render.Column("subject", "name", priority=5),
    render.Column("property", "name", priority=6),
    render.Column("topics", "label", priority=7),
    render.Column("quote", "prose", share=0.4),
)


def register(app: typer.Typer) -> None:
    app.command("extract")(extract)


def extract(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, key or URL.")],
    text_file: Annotated[
        Path | None,
        typer.Option(
            "--text-file",
            metavar="FILE",
            help="The article's text (UTF-8; - for standard input).",
            dir_okay=False,
            allow_dash=True,
        ),
    ] = None,
    fmt: Annotated[
        ExtractFormat,
        typer.Option(
            "--format",
            "-f",
            help="table for people; json or jsonl: claim records to edit and `factbase import`.",
        ),
    ] = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """Propose candidate claims from a source's article text, offline.

    Each sentence with a figure, a date, an attribution, a negation or a known entity is a
    candidate, with its verbatim quote and where it is in the text, the speaker, the value,
    the dates counted from the publication, a subject and a property its claims use already,
    and topics. Nothing is written to the database.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis import extraction as extracting
    from factbase.catalog.sources import get_source
    from factbase.errors import InvalidInput, InvalidUsage
    from factbase.interchange.dump import write_document, write_lines

    if fmt != TABLE and (wide or columns):
        raise InvalidUsage("--columns and --wide lay out a table, not --format json or jsonl")
    with state.open_db(write=False) as db, db.session() as session:
        found = get_source(session, source)
        text = _read(text_file) if text_file else extracting.source_text_for(session, found)
        if text is None:
            raise InvalidInput(f"no text for source {source!r}; give it with --text-file FILE")
        extraction = extracting.extract_for_source(session, source, text)
    if fmt == "json":
        write_document(
            sys.stdout, (("claims", r) for r in extracting.candidate_records(extraction))
        )
        return
    if fmt == "jsonl":
        write_lines(sys.stdout, (("claims", r) for r in extracting.candidate_records(extraction)))
        return
    rows = extracting.numbered(extraction.candidates)
    table = render.TableView(CANDIDATE_TABLE, wide=wide, choice=columns)
    for row in rows:
        table.add_row(
            str(row["n"]),
            render.escape(", ".join(row["signals"])),
            render.escape(row["speaker"] or ""),
            render.escape(row["value"] or ""),
            render.escape(", ".join(row["dates"])),
            render.escape(row["subject"] or ""),
            render.escape(row["property"] or ""),
            render.escape(", ".join(row["topics"])),
            render.escape(" ".join(row["quote"].split())),
        )
    table.print()
    render.note(
        f"{render.plural(len(rows), 'candidate')} from source {extraction.source}; "
        "--format jsonl writes them as claim records to edit and import"
    )


def _read(path: Path) -> str:
    if str(path) == "-":
        return sys.stdin.read()
    return path.read_text(encoding="utf-8")
