"""`factbase xref`: suggested links between claims that say the same thing; `xref reject`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE, AcceptKind, XrefKind
from factbase.cli.options import (
    LIMIT_HELP,
    ColumnsOption,
    FormatOption,
    WideOption,
    output_options,
    page_limit,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from factbase.analysis.xref import Suggestion

xref_app = typer.Typer(
    help="Suggest links between claims that say the same thing; accept or reject them.",
    invoke_without_command=True,
)

# The suggestions a table shows unless --limit says otherwise.
PAGE = 50
# Statements are cut shorter than elsewhere: the pair is what is read.
XREF_TABLE = (
    render.Column("score", "count"),
    render.Column("kind", "label"),
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
        typer.Option(
            "--accept",
            help="Link the `same` suggestions listed (others with --accept-kind), in one "
            "transaction, after showing them and asking.",
        ),
    ] = False,
    accept_kinds: Annotated[
        list[XrefKind] | None,
        typer.Option(
            "--accept-kind",
            metavar="KIND",
            help="With --accept: accept the suggestions of this kind instead of `same` "
            "(repeatable); each is linked as its kind. `update` is not a link kind.",
        ),
    ] = None,
    as_: Annotated[
        AcceptKind | None,
        typer.Option(
            "--as", help="With --accept: link `same` and `supports` suggestions as this kind."
        ),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="With --accept: link without asking.")
    ] = False,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List suggested links between claims, best first, with the reasons for each score
    and the kind each pair seems to be: same, supports, refines, update or contradicts.

    Pairs already linked, rejected with `xref reject`, from the same source or of opposite
    polarity are never suggested. Claims of one subject and property about periods that do
    not overlap are an `update`, never `same`.
    """
    if ctx.invoked_subcommand is not None:
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import XrefStats, suggest, suggestion_rows

    kinds = _accepted_kinds(accept, accept_kinds, as_, yes)
    table = render.TableView(XREF_TABLE, wide=wide, choice=columns)
    # --accept links what is listed: the page a table shows, as before.
    page = page_limit(limit, fmt, PAGE)
    found = XrefStats()
    with state.open_db(write=accept) as db:
        with db.session() as session:
            suggestions = suggest(
                session, claim_id=claim, min_score=min_score, limit=page, stats=found
            )
            rows = suggestion_rows(session, suggestions)
        # Every suggestion scoring enough is counted, those a limit leaves out too.
        total = max(found.suggestions, len(rows))
        _print_listing(rows, total, fmt, table, min_score, accept)
        if accept:
            chosen = [s for s in suggestions if s.kind in kinds]
            _accept(db, chosen, kinds, None if as_ is None else str(as_), yes, fmt)


def _accepted_kinds(
    accept: bool, accept_kinds: list[str] | None, as_: str | None, yes: bool
) -> tuple[str, ...]:
    """The suggestion kinds --accept links, or why the options do not go together."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import InvalidInput
    from factbase.vocabulary import CLUSTER_KINDS, LinkKind

    for given, name in ((as_, "--as"), (accept_kinds, "--accept-kind"), (yes, "--yes")):
        if given and not accept:
            raise InvalidInput(f"{name} only applies with --accept")
    kinds = tuple(dict.fromkeys(str(k) for k in accept_kinds or [LinkKind.SAME.value]))
    if "update" in kinds:
        raise InvalidInput(
            "--accept-kind update: an update (a later figure of one series) is not a link kind "
            "and cannot be accepted; `factbase show CLAIM` shows the series"
        )
    relabelled = [k for k in kinds if k not in CLUSTER_KINDS]
    if as_ is not None and relabelled:
        raise InvalidInput(
            f"--as {as_} relabels same and supports suggestions only, not {', '.join(relabelled)}"
        )
    if accept and not yes and not _in_terminal():
        raise InvalidInput("--accept needs --yes when not run in a terminal")
    return kinds


def _in_terminal() -> bool:
    """Whether a person can answer a question: standard input and error are terminals."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _accept(
    db: Any,
    chosen: list[Suggestion],
    kinds: tuple[str, ...],
    as_: str | None,
    yes: bool,
    fmt: str,
) -> None:
    """Show the links --accept will write, ask unless --yes, and write them."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import link_kind

    say = render.note if fmt != TABLE else _say
    if not chosen:
        say(f"nothing to link: no {' or '.join(kinds)} suggestions listed")
        return
    made = [link_kind(s, as_) for s in chosen]
    render.note(f"will link {render.plural(len(chosen), 'pair')}:")
    for suggestion, kind in zip(chosen, made, strict=True):
        lead = f" (refining: {suggestion.lead})" if kind == "refines" else ""
        render.note(
            f"  {suggestion.claim_a} – {suggestion.claim_b} as {kind}{lead}, "
            f"score {suggestion.score:.2f}: {suggestion.kind_reason}"
        )
    if not yes and not typer.confirm(
        f"link these {render.plural(len(chosen), 'pair')}?", default=False, err=True
    ):
        say("nothing linked")
        return
    with db.session(write=True) as session:
        linked = _link(session, chosen, as_)
    counts = {kind: made.count(kind) for kind in dict.fromkeys(made)}
    if len(counts) == 1:
        message = f"linked {render.plural(len(linked), 'pair')} as {made[0]}"
    else:
        each = ", ".join(f"{count} as {kind}" for kind, count in counts.items())
        message = f"linked {render.plural(len(linked), 'pair')} ({each})"
    say(message)


def _link(session: Session, chosen: list[Suggestion], as_: str | None) -> list[int]:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import link_suggestions

    return link_suggestions(session, chosen, as_)


def _say(message: str) -> None:
    render.console().print(message, markup=False)


def _print_listing(
    rows: list[dict[str, Any]],
    total: int,
    fmt: str,
    table: render.TableView,
    min_score: float,
    accept: bool,
) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.xref import XREF_COLUMNS

    if fmt != TABLE:
        render.emit_records(rows, XREF_COLUMNS, fmt)
        render.note_cut(len(rows), total)
    else:
        _print_table(rows, table)
    if not accept and fmt == TABLE:
        scoring = f"scoring {min_score:g} or more"
        if rows:
            render.note(
                render.counted(
                    len(rows), total, f"suggestion {scoring}", nouns=f"suggestions {scoring}"
                )
                + "; link the `same` ones with --accept, or rule one out with "
                + "`factbase xref reject A B`"
            )
        else:
            render.note(f"no suggestions {scoring}")


def _print_table(rows: list[dict[str, Any]], table: render.TableView) -> None:
    for row in rows:
        # One line per claim, so each statement stands next to its id; the score starts
        # a pair, and the reasons split over its two lines so neither is pushed far down.
        reasons = [*row["reasons"], row["kind_reason"]]
        half = (len(reasons) + 1) // 2
        reason_lines = {"a": reasons[:half], "b": reasons[half:]}
        for side in ("a", "b"):
            table.add_row(
                f"{row['score']:.2f}" if side == "a" else "",
                row["kind"] if side == "a" else "",
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
