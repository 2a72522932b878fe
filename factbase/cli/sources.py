"""`factbase source …`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    LANGUAGE_FLAGS,
    LANGUAGE_METAVAR,
    ColumnsOption,
    FormatOption,
    HtmlFileOption,
    KeyOption,
    LimitOption,
    OutletOption,
    SourceLangOption,
    StanceOption,
    TextFileOption,
    WideOption,
    output_options,
    page_limit,
)

source_app = typer.Typer(
    help="Record, list and show sources (articles and documents).", no_args_is_help=True
)


# A narrow terminal leaves out the stance first, then the outlet and the language; the
# key, which people type, always shows whole.
SOURCE_TABLE = (
    render.Column("id", "id"),
    render.Column("key", "id"),
    render.Column("title", "prose", share=0.3),
    render.Column("lang", "label", priority=1),
    render.Column("published", "date"),
    render.Column("outlet", "name", priority=2),
    render.Column("stance", "label", priority=3),
    render.Column("claims", "count"),
)


def register(app: typer.Typer) -> None:
    app.add_typer(source_app, name="source")


@source_app.command("add")
def source_add(
    outlet: Annotated[
        str | None,
        typer.Option(
            help="The outlet that published it (name or id); with --html-file, the page's "
            "site name if not given."
        ),
    ] = None,
    title: Annotated[
        str | None,
        typer.Option(help="Headline or document title; with --html-file, the page's if not given."),
    ] = None,
    url: Annotated[str | None, typer.Option(help="URL, unique.")] = None,
    key: KeyOption = None,
    language: Annotated[
        str | None,
        typer.Option(
            *LANGUAGE_FLAGS,
            metavar=LANGUAGE_METAVAR,
            help="ISO 639-1 code (detected from the title if absent).",
        ),
    ] = None,
    published: Annotated[
        str | None,
        typer.Option(
            help="Publication date, precision kept: '2022', 'ноябрь 2023', '1 грудня 2022'."
        ),
    ] = None,
    author: Annotated[str | None, typer.Option(help="Byline.")] = None,
    retrieved: Annotated[str | None, typer.Option(help="When the text was retrieved.")] = None,
    cites: Annotated[
        list[str] | None, typer.Option(help="An outlet or agency it relays; repeat for several.")
    ] = None,
    note: Annotated[
        str | None, typer.Option(help="How the date or outlet was established.")
    ] = None,
    text_file: TextFileOption = None,
    html_file: HtmlFileOption = None,
) -> None:
    """Record a source (an article or document) from an outlet, with its text if given.

    The claims' quotes are then located in the text. A saved page (--html-file) is
    reduced to the article's main text; its title, author, date and site name fill the
    options not given, never those given.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.source_texts import record_source
    from factbase.catalog.sources import SourceInput
    from factbase.text.articles import read_article

    article = read_article(text_file, html_file)
    data = SourceInput(
        outlet=outlet or "",
        title=title or "",
        key=key,
        url=url,
        language=language,
        published=published,
        author=author,
        retrieved=retrieved,
        cites=cites or (),
        note=note,
    )
    with state.open_db(write=True) as db, db.session(write=True) as session:
        source, attached = record_source(session, data, article)
        render.console().print(
            f"added source [bold]{source.id}[/]"
            + (f" ({render.escape(source.key)})" if source.key else "")
            + f": {render.escape(source.title)}"
        )
        if attached is not None and article is not None:
            render.console().print(
                render.escape(
                    f"text: {article.length} characters, sha256 {attached.sha256[:16]}…, "
                    f"from {article.extractor}"
                )
            )


@source_app.command("list")
@output_options
def source_list(
    outlet: OutletOption = None,
    lang: SourceLangOption = None,
    stance: StanceOption = None,
    limit: LimitOption = None,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List sources, newest first."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.outlets import stance_colours
    from factbase.catalog.sources import SOURCE_COLUMNS, count_sources, source_records

    page = page_limit(limit, fmt, None)
    filters = {"outlet": outlet, "language": lang, "stance": stance}
    table = render.TableView(SOURCE_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        rows = source_records(session, **filters, limit=page)
        total = count_sources(session, **filters) if page and len(rows) == page else len(rows)
        if fmt != TABLE:
            render.emit_records(rows, SOURCE_COLUMNS, fmt)
            render.note_cut(len(rows), total)
            return
        colours = stance_colours(session)
    for row in rows:
        stance_name = str(row["stance"])
        table.add_row(
            str(row["id"]),
            render.escape(str(row["key"] or "")),
            render.escape(str(row["title"])),
            render.escape(str(row["language"] or "")),
            render.escape(str(row["published"] or "")),
            render.escape(str(row["outlet"])),
            render.stance_text(stance_name, colours.get(stance_name)),
            str(row["claims"]),
        )
    table.print()
    render.note(render.counted(len(rows), total, "source"))


@source_app.command("show")
@output_options
def source_show(
    ref: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, key or URL.")],
    fmt: FormatOption = TABLE,
) -> None:
    """Show one source with its outlet and the outlets it relays."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.outlets import stance_colours
    from factbase.catalog.source_texts import text_summary
    from factbase.catalog.sources import SOURCE_COLUMNS, source_record_of

    with state.open_db(write=False) as db, db.session() as session:
        row = source_record_of(session, ref)
        text = text_summary(session, int(row["id"]))
        if fmt != TABLE:
            columns = [*SOURCE_COLUMNS, *(text or {})]
            render.emit_records([{**row, **(text or {})}], columns, fmt)
            return
        colours = stance_colours(session)
    render.print_fields(
        f"Source {row['id']}" + (f" ({row['key']})" if row["key"] else ""),
        [
            (label, render.escape(str(value)) if value not in (None, [], "") else None)
            for label, value in (
                ("title", row["title"]),
                ("url", row["url"]),
                ("language", row["language"]),
                ("published", row["published"]),
                ("author", row["author"]),
                ("retrieved", row["retrieved"]),
                ("outlet", row["outlet"]),
            )
        ]
        + [
            ("stance", render.stance_text(str(row["stance"]), colours.get(str(row["stance"])))),
            ("relays", render.escape(", ".join(row["cites"])) or None),
            ("note", render.escape(str(row["note"])) if row["note"] else None),
            ("claims", str(row["claims"])),
        ]
        + _text_fields(text),
    )


def _text_fields(text: dict[str, Any] | None) -> list[tuple[str, str | None]]:
    if text is None:
        return [("text", "none (--text-file or --html-file on `source edit` attaches one)")]
    return [
        ("text", render.escape(f"{text['text_length']} characters, from {text['text_extractor']}")),
        ("sha256", text["text_sha256"]),
        ("retrieved at", render.escape(str(text["text_retrieved_at"]))),
        ("anchored", f"{text['anchored_quotes']} quotes found in the text"),
    ]


@source_app.command("text")
def source_text_command(
    ref: Annotated[str, typer.Argument(metavar="SOURCE", help="Source id, key or URL.")],
) -> None:
    """Print a source's article text, as stored."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.source_texts import source_text
    from factbase.catalog.sources import get_source

    with state.open_db(write=False) as db, db.session() as session:
        stored = source_text(session, get_source(session, ref))
        text = stored.text
    render.write_text(text)
