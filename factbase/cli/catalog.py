"""`factbase entities`: the entities claims are about and are said by (`topics`: cli/topics.py)."""

from __future__ import annotations

from typing import Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import ColumnsOption, FormatOption, WideOption, output_options

entities_app = typer.Typer(
    help="List entities with their aliases, or add one.", invoke_without_command=True
)


ENTITY_TABLE = (
    render.Column("id", "id"),
    render.Column("name", "name"),
    render.Column("kind", "label", priority=2),
    render.Column("claims", "count"),
    render.Column("aliases", "prose", priority=1),
)


def register(app: typer.Typer) -> None:
    app.add_typer(entities_app, name="entities")
    # `factbase entity edit …` reads as naturally as `factbase source edit …`.
    app.add_typer(entities_app, name="entity", hidden=True)


@entities_app.callback()
@output_options
def entities_list(
    ctx: typer.Context,
    kind: Annotated[str | None, typer.Option(help="Only entities of this kind.")] = None,
    search: Annotated[
        str | None, typer.Option(help="Entities with a spelling containing this.")
    ] = None,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List entities with their kind, aliases and claim counts."""
    if ctx.invoked_subcommand is not None:
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.entities import ENTITY_COLUMNS, entity_records
    from factbase.claims.filter import check_search

    check_search(search)
    table = render.TableView(ENTITY_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        rows = entity_records(session, kind=kind, search=search)
    if fmt != TABLE:
        render.emit_records(rows, ENTITY_COLUMNS, fmt)
        return
    for row in rows:
        table.add_row(
            str(row["id"]),
            render.escape(str(row["name"])),
            render.escape(str(row["kind"] or "")),
            str(row["claims"]),
            render.escape(", ".join(row["aliases"])),
        )
    table.print()


@entities_app.command("add")
def entities_add(
    name: Annotated[str, typer.Argument(help="Canonical name.")],
    kind: Annotated[
        str | None, typer.Option(help="person, country, organisation, pipeline, port…")
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option("--alias", "-a", help="Another spelling, any language; repeat."),
    ] = None,
) -> None:
    """Add an entity, or add aliases to an existing one."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.entities import EntityInput, upsert_entity

    with state.open_db(write=True) as db, db.session(write=True) as session:
        entity, outcome = upsert_entity(
            session, EntityInput(name=name, kind=kind, aliases=alias or ())
        )
    render.console().print(f"{outcome}: entity {entity.id} {render.escape(entity.name)}")
