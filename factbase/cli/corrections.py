"""`factbase retract`, `unretract`, `delete`, `restore`, `duplicates` and `merge`."""

from __future__ import annotations

from typing import Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import ColumnsOption, FormatOption, WideOption, output_options

ClaimArgument = Annotated[str, typer.Argument(metavar="CLAIM", help="Claim id or key.")]
# Why, for the audit log: `--why` as `edit` has it (`--note` still works here).
NoteOption = Annotated[
    str | None, typer.Option("--why", "--note", help="Why: kept in the audit log.")
]

DUPLICATE_COLUMNS = ("source_id", "source_key", "claims", "keys", "same", "statement")


def register(app: typer.Typer) -> None:
    app.command("retract")(retract)
    app.command("unretract")(unretract)
    app.command("delete")(delete)
    app.command("restore")(restore)
    app.command("duplicates")(duplicates)
    app.command("merge")(merge)


def retract(
    ref: ClaimArgument,
    note: Annotated[str, typer.Option(help="Why the claim is retracted (required).")],
) -> None:
    """Retract a claim: kept, shown struck through by `show`, left out of listings,
    conflicts, xref, corroboration, exports and reports (`unretract` undoes it)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.quick_corrections import retract_quickly
    from factbase.catalog.audit_entries import acting_as
    from factbase.claims.fields import claim_label

    acting_as(state.user)
    # Without SQLAlchemy when it can be (factbase.analysis.quick_corrections).
    done = retract_quickly(state.db_location, ref, note)
    if done is not None:
        render.note(f"retracted {claim_label(done.claim_id, done.key)}")
        return
    # The library, with SQLAlchemy, only when the shortcut leaves it the work.
    from factbase.analysis.corrections import describe, retract_claim

    with state.open_db(write=True) as db, db.session(write=True) as session:
        claim = retract_claim(session, ref, note)
        render.note(f"retracted {describe(claim)}")


def unretract(ref: ClaimArgument, note: NoteOption = None) -> None:
    """Undo a retraction: the claim is listed and checked for conflicts again."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.corrections import describe, unretract_claim

    with state.open_db(write=True) as db, db.session(write=True) as session:
        claim = unretract_claim(session, ref, note)
        render.note(f"{describe(claim)} is no longer retracted")


def delete(
    ref: ClaimArgument,
    yes: Annotated[bool, typer.Option("--yes", help="Really delete (required).")] = False,
    force: Annotated[
        bool, typer.Option(help="Delete even with links, reviewed conflicts or merged claims.")
    ] = False,
    note: NoteOption = None,
) -> None:
    """Delete a claim recorded by mistake; `factbase restore AUDIT_ID` puts it back.

    Prefer `retract`: a retracted claim stays on record. The whole claim, with its
    topics, links and conflicts, is kept in the audit log.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.corrections import delete_claim, describe
    from factbase.claims.query import get_claim
    from factbase.errors import InvalidInput

    with state.open_db(write=yes) as db, db.session(write=yes) as session:
        if not yes:
            claim = get_claim(session, ref)
            raise InvalidInput(
                f"deleting {describe(claim)} needs --yes (or retract it instead: "
                f"factbase retract {claim.id} --note WHY)"
            )
        entry = delete_claim(session, ref, force=force, note=note)
        render.note(f"deleted {entry.target}; `factbase restore {entry.id}` puts it back")


def restore(
    entry: Annotated[
        str, typer.Argument(metavar="AUDIT_ID", help="The audit entry of the deletion.")
    ],
    note: NoteOption = None,
) -> None:
    """Put back a deleted claim, with its id, key, topics, links and conflicts."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.corrections import describe, restore_claim

    with state.open_db(write=True) as db, db.session(write=True) as session:
        result = restore_claim(session, entry, note)
        for skipped in result.skipped:
            render.warn(f"not restored: {skipped}")
        render.note(f"restored {describe(result.claim)}")


DUPLICATE_TABLE = (
    render.Column("source", "id"),
    render.Column("claims", "id"),
    render.Column("same", "label"),
    render.Column("statement", "prose"),
)


@output_options
def duplicates(
    source: Annotated[
        str | None, typer.Option(help="Only this source's claims (id, key or URL).")
    ] = None,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """Claims recorded twice: of one source, with the same statement or quote (case,
    ё/е, whitespace, quote marks and dashes aside). Merge them with `factbase merge`."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.duplicates import duplicate_groups

    table = render.TableView(DUPLICATE_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        groups = duplicate_groups(session, source)
    rows = [
        {
            "source_id": group.source_id,
            "source_key": group.source_key,
            "claims": group.claim_ids,
            "keys": group.keys,
            "same": group.same,
            "statement": group.statement,
        }
        for group in groups
    ]
    if fmt != TABLE:
        render.emit_records(rows, DUPLICATE_COLUMNS, fmt)
        return
    for group in groups:
        table.add_row(
            render.escape(group.source_key or str(group.source_id)),
            ", ".join(map(str, group.claim_ids)),
            ", ".join(group.same),
            render.escape(group.statement),
        )
    table.print()
    render.note(render.plural(len(groups), "group") + " of duplicates")


def merge(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="The claim to keep (id or key).")],
    drop: Annotated[
        str, typer.Argument(metavar="DROP", help="The duplicate, which becomes a redirect.")
    ],
    note: NoteOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Say what would move; change nothing.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Merge claims of different sources.")] = False,
) -> None:
    """Merge a duplicate into the claim kept: its links, conflicts (with decisions),
    topics and audit entries move over; its id and key lead to the kept claim."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.merging import merge_claims

    with state.open_db(write=True) as db, db.session(write=True, commit=not dry_run) as session:
        plan = merge_claims(session, keep, drop, note=note, force=force)
    for warning in plan.warnings:
        render.warn(warning)
    verdict = "dry run: nothing written; would merge" if dry_run else "merged"
    render.note(f"{verdict} claim {plan.drop} into claim {plan.keep}: {plan.summary()}")
