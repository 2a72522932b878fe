"""`factbase verdict`, `verdicts` and `config …`."""

from __future__ import annotations

from typing import Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    ColumnsOption,
    FormatOption,
    LimitOption,
    WideOption,
    output_options,
    page_limit,
)
from factbase.vocabulary import SETTING_NAMES

config_app = typer.Typer(
    help="The database's settings: the organisation publishing verdicts, the rating scale.",
    no_args_is_help=True,
)

VERDICT_TABLE = (
    render.Column("id", "id"),
    render.Column("claim", "id"),
    render.Column("rating", "label"),
    render.Column("statement", "prose"),
    render.Column("reviewer", "name", priority=1),
    render.Column("reviewed", "label", priority=2),
    render.Column("note", "prose", priority=3),
)
# A verdicts page in a table; other formats give them all.
PAGE = 50


def register(app: typer.Typer) -> None:
    app.command("verdict")(verdict)
    app.command("verdicts")(verdicts)
    app.add_typer(config_app, name="config")


def verdict(
    ref: Annotated[str, typer.Argument(metavar="CLAIM", help="Claim id or key.")],
    rating: Annotated[
        str,
        typer.Option(
            metavar="RATING",
            help="A rating of the scale (default: true, mostly-true, mixed, misleading, "
            "mostly-false, false, unproven; see `factbase config`).",
        ),
    ],
    note: Annotated[str, typer.Option(help="Why: published with the verdict.")],
    evidence: Annotated[
        list[str] | None,
        typer.Option(
            metavar="CLAIM|URL", help="A claim (id or key) or URL it rests on; repeat for more."
        ),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="The reviewer (default: --user, else your login)."),
    ] = None,
) -> None:
    """Give a claim a verdict; a new one replaces the claim's verdict, which stays in its
    history (`factbase verdicts --claim ID --history`)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.quick_corrections import QuickVerdict, verdict_quickly
    from factbase.catalog.audit_entries import acting_as

    acting_as(state.user)
    # Without SQLAlchemy when it can be (factbase.analysis.quick_corrections).
    made = verdict_quickly(state.db_location, ref, rating, note, evidence=evidence or (), by=by)
    if made is None:
        # The library, with SQLAlchemy, only when the shortcut leaves it the work.
        from factbase.analysis.verdicts import record_verdict

        with state.open_db(write=True) as db, db.session(write=True) as session:
            given = record_verdict(session, ref, rating, note, evidence=evidence or (), by=by)
            made = QuickVerdict(given.id, given.claim_id, given.rating, given.reviewer)
    said = f"claim {made.claim_id}: {made.rating} (verdict {made.id}, by {made.reviewer})"
    render.console().print(said)


@output_options
def verdicts(
    rating: Annotated[str | None, typer.Option(metavar="RATING", help="This rating.")] = None,
    reviewer: Annotated[str | None, typer.Option(metavar="NAME", help="By this reviewer.")] = None,
    claim: Annotated[
        str | None, typer.Option(metavar="CLAIM", help="Of this claim (id or key).")
    ] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Superseded verdicts too, not only current ones.")
    ] = False,
    limit: LimitOption = None,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List verdicts, newest first (the current one of each claim unless --history)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.verdicts import (
        VERDICT_COLUMNS,
        VerdictFilter,
        count_verdicts,
        find_verdicts,
        verdict_row,
    )

    table = render.TableView(VERDICT_TABLE, wide=wide, choice=columns)
    where = VerdictFilter(
        rating=rating,
        reviewer=reviewer,
        claim=claim,
        include_superseded=history,
        limit=page_limit(limit, fmt, PAGE),
    )
    with state.open_db(write=False) as db, db.session() as session:
        rows = [verdict_row(v) for v in find_verdicts(session, where)]
        cut = where.limit and len(rows) == where.limit
        total = count_verdicts(session, where) if cut else len(rows)
    if fmt != TABLE:
        render.emit_records(rows, VERDICT_COLUMNS, fmt)
        render.note_cut(len(rows), total)
        return
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["claim"]),
            row["rating"] + ("" if row["current"] else " (superseded)"),
            render.escape(row["statement"]),
            render.escape(row["reviewer"]),
            render.escape((row["reviewed_at"] or "")[:10]),
            render.escape(row["note"]),
        )
    table.print()
    render.note(render.counted(len(rows), total, "verdict"))


@config_app.command("set")
def config_set(
    name: Annotated[str, typer.Argument(metavar="NAME", help=", ".join(SETTING_NAMES) + ".")],
    value: Annotated[str, typer.Argument(metavar="VALUE")],
) -> None:
    """Set a setting: org.name, org.url, org.logo, org.review_url (with {key}, where each
    claim's key goes), rating.scale (`true=6, mostly-true=5, …, unproven`)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.settings import set_setting

    with state.open_db(write=True) as db, db.session(write=True) as session:
        stored = set_setting(session, name, value)
    render.console().print(f"{name.strip().lower()} = {render.escape(stored)}")


@config_app.command("unset")
def config_unset(
    name: Annotated[str, typer.Argument(metavar="NAME", help=", ".join(SETTING_NAMES) + ".")],
) -> None:
    """Remove a setting (the rating scale goes back to the default)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.settings import set_setting

    with state.open_db(write=True) as db, db.session(write=True) as session:
        set_setting(session, name, None)
    render.console().print(f"{name.strip().lower()} unset")


@config_app.command("show")
@output_options
def config_show(fmt: FormatOption = TABLE) -> None:
    """Every setting, and the rating scale in use."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.settings import rating_scale, settings

    with state.open_db(write=False) as db, db.session() as session:
        given = settings(session)
        scale = rating_scale(session)
    rows = [
        {"name": name, "value": given.get(name, scale.text() if name == "rating.scale" else None)}
        for name in SETTING_NAMES
    ]
    if fmt != TABLE:
        render.emit_records(rows, ("name", "value"), fmt)
        return
    render.print_fields(
        "Settings", [(str(r["name"]), render.escape(r["value"]) or "-") for r in rows]
    )
