"""`factbase xref`: suggested links between claims that say the same thing; `xref reject`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE, AcceptKind
from factbase.cli.options import (
    LIMIT_HELP,
    ColumnsOption,
    FormatOption,
    WideOption,
    output_options,
    page_limit,
)
from factbase.vocabulary import LinkKind

xref_app = typer.Typer(
    help="Suggest links between claims that say the same thing; accept or reject them.",
    invoke_without_command=True,
)

# The suggestions a table shows unless --limit says otherwise.
PAGE = 50
# Statements are cut shorter than elsewhere: the pair is what is read.
XREF_TABLE = (
    render.Column("score", "count"),
    render.Column("claims", "id"),
    render.Column("outlet", "name", priority=1),
    render.Column("statement", "prose", limit=90, share=0.3),
    render.Column("reasons", "prose", min_width=24),
)


def register(app: typer.Typer) -> None:
    app.add_typer(xref_app, name="xref")


@xref_app.callback()
@output_options
def xref_list(
    ctx: typer.Context,
    claim: Annotated[
        str | None,
        typer.Option("--claim", metavar="ID", help="Only pairs involving this claim (id or key)."),
    ] = None,
    min_score: Annotated[
        float, typer.Option("--min-score", help="Only suggestions scoring at least this (0..1).")
    ] = 0.5,
    limit: Annotated[
        int | None, typer.Option(help=f"At most this many suggestions; {LIMIT_HELP}")
    ] = None,
    accept: Annotated[
        bool,
        typer.Option("--accept", help="Link the suggestions listed, in one transaction."),
    ] = False,
    as_: Annotated[
        AcceptKind | None,
        typer.Option("--as", help="With --accept: the link kind (default same)."),
    ] = None,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List suggested links between claims, best first, with the reasons for each score.

    Pairs already linked, rejected with `xref reject`, from the same source or of opposite
    polarity are never suggested.
    """
    if ctx.invoked_subcommand is not None:
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import XREF_COLUMNS, XrefStats, suggest, suggestion_rows
    from factbase.errors import InvalidInput

    if as_ is not None and not accept:
        raise InvalidInput("--as only applies with --accept")
    table = render.TableView(XREF_TABLE, wide=wide, choice=columns)
    kind = str(as_ or LinkKind.SAME.value)
    # --accept links what is listed: the page a table shows, as before.
    page = page_limit(limit, fmt, PAGE)
    found = XrefStats()
    with state.open_db(write=accept) as db, db.session(write=accept) as session:
        suggestions = suggest(session, claim_id=claim, min_score=min_score, limit=page, stats=found)
        rows = suggestion_rows(session, suggestions)
        linked: list[int] = []
        if accept:
            # Late import, for start-up time: see the module docstring of factbase.cli.
            from factbase.analysis.xref import link_suggestions

            linked = link_suggestions(session, suggestions, kind)
    # Every suggestion scoring enough is counted, those a limit leaves out too.
    total = max(found.suggestions, len(rows))
    if fmt != TABLE:
        render.emit_records(rows, XREF_COLUMNS, fmt)
        render.note_cut(len(rows), total)
    else:
        _print_table(rows, table)
    if accept:
        message = f"linked {render.plural(len(linked), 'pair')} as {kind}"
        if fmt == TABLE:
            render.console().print(message, markup=False)
        else:
            render.note(message)
    elif fmt == TABLE:
        scoring = f"scoring {min_score:g} or more"
        if rows:
            render.note(
                render.counted(
                    len(rows), total, f"suggestion {scoring}", nouns=f"suggestions {scoring}"
                )
                + "; link them with --accept, or rule one out with `factbase xref reject A B`"
            )
        else:
            render.note(f"no suggestions {scoring}")


def _print_table(rows: list[dict[str, Any]], table: render.TableView) -> None:
    for row in rows:
        # One line per claim, so each statement stands next to its id; the score starts
        # a pair, and the reasons split over its two lines so neither is pushed far down.
        half = (len(row["reasons"]) + 1) // 2
        reason_lines = {"a": row["reasons"][:half], "b": row["reasons"][half:]}
        for side in ("a", "b"):
            table.add_row(
                f"{row['score']:.2f}" if side == "a" else "",
                render.escape(f"{row['claim_' + side]} {row['language_' + side] or '?'}"),
                render.escape(row["outlet_" + side]),
                render.escape(row["statement_" + side]),
                render.escape("\n".join(reason_lines[side])),
            )
    table.print()


@xref_app.command("reject")
def xref_reject(
    first: Annotated[str, typer.Argument(metavar="A", help="Claim id or key.")],
    second: Annotated[str, typer.Argument(metavar="B", help="Claim id or key.")],
    note: Annotated[str | None, typer.Option(help="Why the two are not related.")] = None,
) -> None:
    """Record that two claims are not related: the pair is never suggested again."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import reject

    with state.open_db(write=True) as db, db.session(write=True) as session:
        rejection = reject(session, first, second, note)
        low, high = rejection.claim_a_id, rejection.claim_b_id
    render.console().print(f"rejected: claims {low} and {high} will not be suggested again")
