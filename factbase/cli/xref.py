"""`factbase xref`: suggested links between claims that say the same thing; `xref reject`."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE, AcceptKind
from factbase.cli.options import FormatOption
from factbase.vocabulary import LinkKind

xref_app = typer.Typer(
    help="Suggest links between claims that say the same thing; accept or reject them.",
    invoke_without_command=True,
)

STATEMENT_WIDTH = 90


def register(app: typer.Typer) -> None:
    app.add_typer(xref_app, name="xref")


@xref_app.callback()
def xref_list(
    ctx: typer.Context,
    claim: Annotated[
        str | None,
        typer.Option("--claim", metavar="ID", help="Only pairs involving this claim (id or key)."),
    ] = None,
    min_score: Annotated[
        float, typer.Option("--min-score", help="Only suggestions scoring at least this (0..1).")
    ] = 0.5,
    limit: Annotated[int, typer.Option(help="At most this many suggestions; 0 for all.")] = 50,
    accept: Annotated[
        bool,
        typer.Option("--accept", help="Link the suggestions listed, in one transaction."),
    ] = False,
    as_: Annotated[
        AcceptKind | None,
        typer.Option("--as", help="With --accept: the link kind (default same)."),
    ] = None,
    fmt: FormatOption = TABLE,
) -> None:
    """List suggested links between claims, best first, with the reasons for each score.

    Pairs already linked, rejected with `xref reject`, from the same source or of opposite
    polarity are never suggested.
    """
    if ctx.invoked_subcommand is not None:
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import XREF_COLUMNS, suggest, suggestion_rows
    from factbase.errors import InvalidInput

    if as_ is not None and not accept:
        raise InvalidInput("--as only applies with --accept")
    kind = str(as_ or LinkKind.SAME.value)
    with state.open_db(write=accept) as db, db.session(write=accept) as session:
        suggestions = suggest(session, claim_id=claim, min_score=min_score, limit=limit)
        rows = suggestion_rows(session, suggestions)
        linked: list[int] = []
        if accept:
            # Late import, for start-up time: see the module docstring of factbase.cli.
            from factbase.analysis.xref import link_suggestions

            linked = link_suggestions(session, suggestions, kind)
    if fmt != TABLE:
        render.emit_records(rows, XREF_COLUMNS, fmt)
    else:
        _print_table(rows)
    if accept:
        message = f"linked {render.plural(len(linked), 'pair')} as {kind}"
        if fmt == TABLE:
            render.console().print(message, markup=False)
        else:
            render.note(message)
    elif fmt == TABLE:
        if rows:
            render.note(
                f"{render.plural(len(rows), 'suggestion')} scoring {min_score:g} or more; "
                "link them with --accept, or rule one out with `factbase xref reject A B`"
            )
        else:
            render.note(f"no suggestions scoring {min_score:g} or more")


def _short(value: Any) -> str:
    text = " ".join(str(value or "").split())
    return text if len(text) <= STATEMENT_WIDTH else text[: STATEMENT_WIDTH - 1].rstrip() + "…"


def _print_table(rows: list[dict[str, Any]]) -> None:
    # On a narrow terminal the statements and reasons need the room; outlets are left out.
    wide = render.console().width >= 120
    columns = ["score", "claims", *(["outlet"] if wide else []), "statement", "reasons"]
    table = render.new_table(*columns)
    reasons = table.columns[-1]
    reasons.no_wrap, reasons.overflow, reasons.min_width = False, "fold", 24
    reasons.max_width = 48 if wide else None
    for row in rows:
        # One line per claim, so each statement stands next to its id; the reasons split
        # over the two so neither line is pushed far down.
        half = (len(row["reasons"]) + 1) // 2
        reason_lines = {"a": row["reasons"][:half], "b": row["reasons"][half:]}
        for side in ("a", "b"):
            cells = [
                f"{row['score']:.2f}" if side == "a" else "",
                render.escape(f"{row['claim_' + side]} {row['language_' + side] or '?'}"),
            ]
            if wide:
                cells.append(render.escape(row["outlet_" + side]))
            cells.append(render.escape(_short(row["statement_" + side])))
            cells.append(render.escape("\n".join(reason_lines[side])))
            table.add_row(*cells, end_section=side == "b")
    render.print_table(table)


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
