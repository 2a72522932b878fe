"""`factbase db …`: where the database is and which schema it has."""

from __future__ import annotations

from typing import Annotated

import typer

from factbase.cli import render, state

db_app = typer.Typer(help="Show and manage the database and its schema.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")


@db_app.command("path")
def db_path() -> None:
    """Print where the database is (a file path, or the URL without its password)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.store.database import display_url, resolve_url

    typer.echo(display_url(resolve_url(state.db_location)))


@db_app.command("current")
def db_current() -> None:
    """Print the database's schema revision and whether it is the newest."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import MissingDatabase
    from factbase.store.location import HEAD_REVISION

    try:
        with state.open_db(write=False, upgrade=False) as db:
            revision = db.current_revision()
    except MissingDatabase as missing:  # a status, not a failure
        typer.echo(f"empty: {missing.message}")
        return
    if revision is None:
        typer.echo("empty (no schema yet; any write command creates it)")
    else:
        latest = "(head)" if revision == HEAD_REVISION else f"(newest is {HEAD_REVISION})"
        typer.echo(f"{revision} {latest}")


@db_app.command("history")
def db_history() -> None:
    """List every schema revision, oldest first."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.store.database import revision_history

    for revision, doc in revision_history():
        typer.echo(f"{revision}  {doc.splitlines()[0] if doc else ''}")


@db_app.command("upgrade", context_settings={"ignore_unknown_options": True})
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
) -> None:
    """Upgrade the schema (every command does this on open; this makes it explicit)."""
    with state.open_db(write=True, upgrade=False) as db:
        before = db.current_revision()
        db.migrate("upgrade", revision)
        after = db.current_revision()
        if after == before:
            render.console().print(f"{render.escape(db.display)} is at {after}: nothing to do")
            return
        state.refresh_after_upgrade(db, before)
        render.console().print(
            f"upgraded {render.escape(db.display)}: {before or 'empty'} → {after}"
        )


# "-1" (one step back) is a revision, not an option.
@db_app.command("downgrade", context_settings={"ignore_unknown_options": True})
def db_downgrade(
    revision: Annotated[
        str, typer.Argument(help="Target revision, or 'base' for an empty schema.")
    ],
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Do not ask; downgrading can drop data.")
    ] = False,
) -> None:
    """Downgrade the schema to an older revision (drops what later revisions added)."""
    with state.open_db(write=True, create=False, upgrade=False) as db:
        before = db.current_revision()
        if not yes and not typer.confirm(f"downgrade {db.display} from {before} to {revision}?"):
            raise typer.Abort()
        db.migrate("downgrade", revision)
        after = db.current_revision()
        render.console().print(
            f"downgraded {render.escape(db.display)}: {before} → {after or 'empty'}"
        )
