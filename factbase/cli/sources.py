"""`factbase source …`."""

from __future__ import annotations

from typing import Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    LANGUAGE_FLAGS,
    LANGUAGE_METAVAR,
    ColumnsOption,
    FormatOption,
    KeyOption,
    LimitOption,
    OutletOption,
    SourceLangOption,
    StanceOption,
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
    outlet: Annotated[str, typer.Option(help="The outlet that published it (name or id).")],
    title: Annotated[str, typer.Option(help="Headline or document title.")],
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
) -> None:
    """Record a source (an article or document) from an outlet."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.sources import SourceInput, add_source

    data = SourceInput(
        outlet=outlet,
        title=title,
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
        source = add_source(session, data)
        render.console().print(
            f"added source [bold]{source.id}[/]"
            + (f" ({render.escape(source.key)})" if source.key else "")
            + f": {render.escape(source.title)}"
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
    from factbase.catalog.sources import SOURCE_COLUMNS, source_record_of

    with state.open_db(write=False) as db, db.session() as session:
        row = source_record_of(session, ref)
        if fmt != TABLE:
            render.emit_records([row], SOURCE_COLUMNS, fmt)
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
        ],
    )
