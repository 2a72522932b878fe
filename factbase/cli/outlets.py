"""`factbase outlet …` and `factbase stance …`."""

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
    WideOption,
    output_options,
)

outlet_app = typer.Typer(
    help="Record and list outlets (publishers) and their stances.", no_args_is_help=True
)
stance_app = typer.Typer(help="List and add stance labels.", no_args_is_help=True)


# A narrow terminal leaves out the note first, then country and language.
OUTLET_TABLE = (
    render.Column("id", "id"),
    render.Column("name", "name"),
    render.Column("stance", "label"),
    render.Column("country", "label", priority=2),
    render.Column("lang", "label", priority=1),
    render.Column("sources", "count"),
    render.Column("claims", "count"),
    render.Column("note", "prose", priority=3),
    # Shown once some outlet has a track record: reliability (interval), checked count.
    render.Column("record", "label"),
)
STANCE_TABLE = (render.Column("stance", "id"), render.Column("description", "prose"))


def register(app: typer.Typer) -> None:
    app.add_typer(outlet_app, name="outlet")
    app.add_typer(stance_app, name="stance")


@outlet_app.command("add")
def outlet_add(
    name: Annotated[str, typer.Argument(help="The outlet's name, unique.")],
    stance: Annotated[
        str,
        typer.Option(
            help="pro-western, pro-kremlin, pro-ukrainian, neutral, state-affiliated, unrated, "
            "or your own."
        ),
    ],
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 country code.")] = None,
    language: Annotated[
        str | None,
        typer.Option(
            *LANGUAGE_FLAGS, metavar=LANGUAGE_METAVAR, help="ISO 639-1 code of its main language."
        ),
    ] = None,
    homepage: Annotated[str | None, typer.Option(help="Homepage URL.")] = None,
    note: Annotated[str | None, typer.Option(help="Why that stance, in a line.")] = None,
) -> None:
    """Record an outlet with its stance."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.outlets import add_outlet

    with state.open_db(write=True) as db, db.session(write=True) as session:
        outlet = add_outlet(
            session, name, stance, country=country, language=language, homepage=homepage, note=note
        )
        render.console().print(
            f"added outlet [bold]{outlet.id}[/] {render.escape(outlet.name)} ({outlet.stance})"
        )


@outlet_app.command("edit")
def outlet_edit(
    name: Annotated[str, typer.Argument(help="Outlet name or id.")],
    stance: Annotated[str | None, typer.Option(help="New stance.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 country code.")] = None,
    language: Annotated[
        str | None, typer.Option(*LANGUAGE_FLAGS, metavar=LANGUAGE_METAVAR, help="ISO 639-1 code.")
    ] = None,
    homepage: Annotated[str | None, typer.Option(help="Homepage URL.")] = None,
    note: Annotated[str | None, typer.Option(help="Why that stance.")] = None,
) -> None:
    """Change an outlet's stance or details."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.outlets import get_outlet, update_outlet

    with state.open_db(write=True) as db, db.session(write=True) as session:
        outlet = get_outlet(session, name)
        changed = update_outlet(
            session,
            outlet,
            stance=stance,
            country=country,
            language=language,
            homepage=homepage,
            note=note,
        )
        render.console().print(
            f"{'updated' if changed else 'unchanged'}: outlet {outlet.id} "
            f"{render.escape(outlet.name)}"
        )


@outlet_app.command("list")
@output_options
def outlet_list(
    stance: Annotated[str | None, typer.Option(help="Only outlets with this stance.")] = None,
    with_records: Annotated[
        bool,
        typer.Option(
            "--track-records",
            help="Machine formats: each outlet's track record too (a table shows it once "
            "any outlet has one).",
        ),
    ] = False,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List outlets with their stance, how many sources and claims they have, and their
    track record from verdicts and decided conflicts."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.track_records import TRACK_RECORD_COLUMNS, TrackRecord, track_records
    from factbase.catalog.outlets import OUTLET_COLUMNS, outlet_records, stance_colours

    with state.open_db(write=False) as db, db.session() as session:
        rows = outlet_records(session, stance=stance)
        records = track_records(session).outlets
        if fmt != TABLE:
            if with_records:
                for row in rows:
                    row |= records.get(int(row["id"]), TrackRecord(str(row["name"]))).row()
            render.emit_records(
                rows, (*OUTLET_COLUMNS, *(TRACK_RECORD_COLUMNS if with_records else ())), fmt
            )
            return
        colours = stance_colours(session)
    # Until something is judged, no outlet has a record: the column would say nothing.
    laid_out = OUTLET_TABLE if records else OUTLET_TABLE[:-1]
    table = render.TableView(laid_out, wide=wide, choice=columns)
    for row in rows:
        record = records.get(int(row["id"]))
        cells = [
            str(row["id"]),
            render.escape(str(row["name"])),
            render.stance_text(str(row["stance"]), colours.get(str(row["stance"]))),
            render.escape(row["country"] or ""),
            render.escape(row["language"] or ""),
            str(row["sources"]),
            str(row["claims"]),
            render.escape(row["note"] or ""),
            render.escape(record.summary() if record else "not checked"),
        ][: len(laid_out)]
        table.add_row(*cells)
    table.print()


@stance_app.command("list")
@output_options
def stance_list(
    fmt: FormatOption = TABLE, wide: WideOption = False, columns: ColumnsOption = None
) -> None:
    """List the stance labels outlets can carry."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.outlets import STANCE_COLUMNS, stance_records

    table = render.TableView(STANCE_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        rows = stance_records(session)
    if fmt != TABLE:
        render.emit_records(rows, STANCE_COLUMNS, fmt)
        return
    for row in rows:
        table.add_row(
            render.stance_text(str(row["name"]), row["colour"]), render.escape(row["description"])
        )
    table.print()


@stance_app.command("add")
def stance_add(
    name: Annotated[
        str, typer.Argument(help="Lower-case words joined by hyphens, e.g. 'pro-turkish'.")
    ],
    description: Annotated[str | None, typer.Option(help="What the stance means.")] = None,
    colour: Annotated[
        str | None, typer.Option(help="Colour in tables (a Rich colour name).")
    ] = None,
) -> None:
    """Add a stance label of your own."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.outlets import add_stance

    if colour:
        from rich.color import Color, ColorParseError

        try:
            Color.parse(colour)
        except ColorParseError:
            raise typer.BadParameter(f"unknown colour {colour!r}", param_hint="--colour") from None
    with state.open_db(write=True) as db, db.session(write=True) as session:
        stance = add_stance(session, name, description, colour)
    render.console().print(f"added stance {render.stance_text(stance.name, stance.colour)}")
