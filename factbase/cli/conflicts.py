"""`factbase conflicts …`, `link` and `unlink`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    ColumnsOption,
    ConflictKindOption,
    ConflictStatusOption,
    EitherLangOption,
    EitherStanceOption,
    EitherTopicOption,
    FormatOption,
    IncludeRetractedOption,
    LimitOption,
    WideOption,
    output_options,
    page_limit,
)
from factbase.vocabulary import Decision, LinkKind

if TYPE_CHECKING:
    from factbase.store.models import Claim, Conflict

conflicts_app = typer.Typer(
    help="List, show, scan and resolve conflicts between claims.", invoke_without_command=True
)


CONFLICT_TABLE = (
    render.Column("id", "id"),
    render.Column("kind", "label"),
    render.Column("cause", "label", priority=1),
    render.Column("status", "label"),
    render.Column("explanation", "prose"),
)


def register(app: typer.Typer) -> None:
    app.add_typer(conflicts_app, name="conflicts")
    app.command("link")(link)
    app.command("unlink")(unlink)


@conflicts_app.callback()
@output_options
def conflicts_list(
    ctx: typer.Context,
    status: ConflictStatusOption = "open",
    kind: ConflictKindOption = None,
    topic: EitherTopicOption = None,
    stance: EitherStanceOption = None,
    lang: EitherLangOption = None,
    limit: LimitOption = None,
    include_retracted: IncludeRetractedOption = False,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List conflicts, direct contradictions first (default: the open ones); those of
    retracted claims are left out."""
    if ctx.invoked_subcommand is not None:
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.conflict_columns import CONFLICT_COLUMNS
    from factbase.analysis.conflicts import (
        ConflictFilter,
        conflict_row,
        count_conflicts,
        find_conflicts,
    )

    table = render.TableView(CONFLICT_TABLE, wide=wide, choice=columns)
    where = ConflictFilter(
        status=None if status.strip().lower() == "all" else status,
        kind=kind,
        topic=topic,
        stance=stance,
        language=lang,
        limit=page_limit(limit, fmt, None),
        include_retracted=include_retracted,
    )
    with state.open_db(write=False) as db, db.session() as session:
        rows = [conflict_row(c) for c in find_conflicts(session, where)]
        cut = where.limit and len(rows) == where.limit
        total = count_conflicts(session, where) if cut else len(rows)
    if fmt != TABLE:
        render.emit_records(rows, CONFLICT_COLUMNS, fmt)
        render.note_cut(len(rows), total)
        return
    for row in rows:
        table.add_row(
            str(row["id"]),
            row["kind"],
            row["cause"],
            row["status"] + (" (stale)" if row["stale"] else ""),
            render.escape(row["explanation"]),
        )
    table.print()
    render.note(render.counted(len(rows), total, "conflict", status))


@conflicts_app.command("show")
@output_options
def conflicts_show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Conflict id.")],
    fmt: FormatOption = TABLE,
) -> None:
    """Put the two claims of a conflict side by side."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.conflict_columns import CONFLICT_COLUMNS
    from factbase.analysis.conflicts import conflict_row, get_conflict
    from factbase.catalog.outlets import stance_colours
    from factbase.catalog.source_texts import claim_quote_context

    with state.open_db(write=False) as db, db.session() as session:
        conflict = get_conflict(session, ref)
        row = conflict_row(conflict)
        if fmt != TABLE:
            render.emit_records([row], CONFLICT_COLUMNS, fmt)
            return
        contexts = [
            render.quote_in_context(claim_quote_context(session, claim))
            for claim in (conflict.claim_a, conflict.claim_b)
        ]
        _print_side_by_side(conflict, stance_colours(session), contexts)


def _claim_cell(claim: Claim, colours: dict[str, str | None], context: str | None) -> str:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.record import claim_row

    row = claim_row(claim)
    outlet = claim.source.outlet
    lines = [
        f"[bold]{claim.id}[/]" + (f" ({render.escape(claim.key)})" if claim.key else ""),
        render.escape(claim.statement),
        f"“{render.escape(claim.quote)}”" if claim.quote else "",
        f"in the text: {context}" if context else "",
        f"speaker: {render.escape(claim.speaker or '-')}",
        f"outlet: {render.escape(outlet.name)} "
        f"({render.stance_text(outlet.stance, colours.get(outlet.stance))})",
        f"language: {render.escape(claim.language or '-')}; published: "
        f"{render.escape(row['published'] or '-')}",
        f"as of: {render.escape(row['as_of'] or '-')}; "
        f"event: {render.escape(row['event_date'] or '-')}",
        f"value: {render.escape(claim.value_text or '-')}; {claim.polarity}; {claim.status}",
    ]
    return "\n".join(line for line in lines if line)


def _print_side_by_side(
    conflict: Conflict, colours: dict[str, str | None], contexts: list[str | None]
) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.table import Table

    console = render.console()
    console.print(
        f"[bold]Conflict {conflict.id}[/] · {conflict.kind} · {conflict.cause} · {conflict.status}"
        + (" (stale: the claims no longer clash)" if conflict.stale else "")
    )
    console.print(render.escape(conflict.explanation))
    grid = Table(show_header=False, expand=True, show_lines=False)
    grid.add_column(ratio=1, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(
        _claim_cell(conflict.claim_a, colours, contexts[0]),
        _claim_cell(conflict.claim_b, colours, contexts[1]),
    )
    console.print(grid)
    if conflict.note:
        console.print(f"note: {render.escape(conflict.note)}")


@conflicts_app.command("scan")
def conflicts_scan() -> None:
    """Check every claim against the others about the same subject and property."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.conflicts import scan

    with state.open_db(write=True) as db, db.session(write=True) as session:
        result = scan(session, in_parts=True)
        found = len(result.new_ids)
    render.console().print(
        f"compared {render.plural(result.compared_pairs, 'pair')}; "
        f"{render.plural(found, 'new conflict')}, {result.already_known} already known, "
        f"{result.withdrawn} withdrawn"
    )


@conflicts_app.command("resolve")
def conflicts_resolve(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Conflict id.")],
    decision: Annotated[
        Decision,
        typer.Option(
            "--as", help="confirmed (a real contradiction), dismissed (not one), resolved."
        ),
    ],
    note: Annotated[str, typer.Option(help="Why; kept in the audit log.")],
    keep: Annotated[
        str | None, typer.Option(help="The claim that stands; the other is marked disputed.")
    ] = None,
    rate: Annotated[
        str | None,
        typer.Option(
            metavar="RATING",
            help="With --keep: give the other claim a verdict of this rating, citing the "
            "kept one, with --note as its reasoning.",
        ),
    ] = None,
) -> None:
    """Record a decision on a conflict. Dismissed conflicts never come back on a rescan."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.conflicts import resolve_conflict

    with state.open_db(write=True) as db, db.session(write=True) as session:
        conflict = resolve_conflict(session, ref, decision.value, note, keep, rate)
        kept = f"; kept claim {conflict.kept_claim_id}" if conflict.kept_claim_id else ""
        if rate:
            kept += f"; the other claim rated {rate.strip().lower()}"
    render.console().print(f"conflict {conflict.id}: {conflict.status}{kept}")


def link(
    claim_a: Annotated[str, typer.Argument(metavar="A", help="Claim id or key.")],
    claim_b: Annotated[str, typer.Argument(metavar="B", help="Claim id or key.")],
    kind: Annotated[
        LinkKind,
        typer.Option("--as", help="same, supports, contradicts, or refines (A refines B)."),
    ],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Link two claims. `contradicts` records a declared conflict."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.links import link_claims

    with state.open_db(write=True) as db, db.session(write=True) as session:
        made = link_claims(session, claim_a, claim_b, kind.value, note)
    render.console().print(f"linked claims {made.claim_a_id} and {made.claim_b_id} as {made.kind}")


def unlink(
    claim_a: Annotated[str, typer.Argument(metavar="A", help="Claim id or key.")],
    claim_b: Annotated[str, typer.Argument(metavar="B", help="Claim id or key.")],
    note: Annotated[str | None, typer.Option(help="Why.")] = None,
) -> None:
    """Remove the link between two claims."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.links import unlink_claims

    with state.open_db(write=True) as db, db.session(write=True) as session:
        removed = unlink_claims(session, claim_a, claim_b, note)
    render.console().print(f"unlinked claims {removed.claim_a_id} and {removed.claim_b_id}")
