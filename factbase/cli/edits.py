"""`factbase edit`, `source edit`, `entities edit`, `entities merge` and `history`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from factbase.cli import render, state
from factbase.cli.catalog import entities_app
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    LANGUAGE_FLAGS,
    LANGUAGE_METAVAR,
    OUTLET_HELP,
    SOURCE_HELP,
    AsOfOption,
    ClaimLanguageOption,
    ClaimStatusOption,
    ColumnsOption,
    DryRunOption,
    EventDateOption,
    FormatOption,
    HtmlFileOption,
    KeyOption,
    LimitOption,
    NoteOption,
    OccasionOption,
    OnceOption,
    PolarityOption,
    PropertyOption,
    QuoteOption,
    SpeakerOption,
    StrictOption,
    SubjectOption,
    TextFileOption,
    TopicsOption,
    UnitOption,
    ValueOption,
    ViewFormatOption,
    WhyOption,
    WideOption,
    chosen_occasion,
    output_options,
    page_limit,
)
from factbase.cli.sources import source_app

if TYPE_CHECKING:
    from factbase.analysis.edit_rules import ConflictChange, Edit

CLEARS = 'An empty value ("") clears a field.'


def register(app: typer.Typer) -> None:
    app.command("edit", help=f"Correct a claim: only the fields given change. {CLEARS}")(edit)
    app.command("history")(history)
    source_app.command("edit", help=f"Correct a source: only the fields given change. {CLEARS}")(
        source_edit
    )
    entities_app.command("edit")(entity_edit)
    entities_app.command("merge")(entity_merge)


def edit(
    claim: Annotated[str, typer.Argument(metavar="CLAIM", help="Claim id or key.")],
    statement: Annotated[str | None, typer.Option(help="The claim in one sentence.")] = None,
    source: Annotated[str | None, typer.Option("--source", "-s", help=SOURCE_HELP)] = None,
    quote: QuoteOption = None,
    language: ClaimLanguageOption = None,
    speaker: SpeakerOption = None,
    topic: TopicsOption = None,
    no_topic: Annotated[bool, typer.Option("--no-topic", help="Remove every topic.")] = False,
    subject: SubjectOption = None,
    property_: PropertyOption = None,
    value: ValueOption = None,
    unit: UnitOption = None,
    event_date: EventDateOption = None,
    as_of: AsOfOption = None,
    forecast: Annotated[
        bool | None,
        typer.Option(
            "--forecast/--no-forecast",
            help="The event date is after the article's publication on purpose (or not).",
        ),
    ] = None,
    once: OnceOption = False,
    occasion: OccasionOption = None,
    polarity: PolarityOption = None,
    status: ClaimStatusOption = None,
    key: KeyOption = None,
    note: NoteOption = None,
    why: WhyOption = None,
    dry_run: DryRunOption = False,
    strict: StrictOption = False,
    fmt: ViewFormatOption = TABLE,
) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import InvalidInput

    if topic and no_topic:
        raise InvalidInput("give --topic or --no-topic, not both")
    given = _given(
        statement=statement,
        source=source,
        quote=quote,
        language=language,
        speaker=speaker,
        subject=subject,
        property=property_,
        value=value,
        unit=unit,
        event_date=event_date,
        as_of=as_of,
        forecast=forecast,
        occasion=chosen_occasion(once, occasion),
        polarity=polarity,
        status=status,
        key=key,
        note=note,
    )
    topics = () if no_topic else (tuple(topic) if topic else None)
    if not given and topics is None:
        raise InvalidInput("nothing to change: give the fields to correct (see 'edit --help')")
    if topics is None and not dry_run:
        # Without SQLAlchemy when it can be (factbase.analysis.quick_edit).
        from factbase.analysis.quick_edit import edit_quickly
        from factbase.catalog.audit_entries import acting_as
        from factbase.text.dictionaries import keep_built_dictionaries

        acting_as(state.user)
        keep_built_dictionaries()  # a writing command: the lemma tries it builds are kept
        quick = edit_quickly(state.db_location, claim, given, why=why, strict=strict)
        if quick is not None:
            _report(quick, dry_run, fmt)
            return
    # The library, with SQLAlchemy, only when the shortcut leaves it the work.
    from factbase.analysis.editing import edit_claim

    with state.open_db(write=True) as db, db.session(write=True, commit=not dry_run) as session:
        result = edit_claim(
            session, claim, given, topics=topics, why=why, create_topics=False, strict=strict
        )
    _report(result, dry_run, fmt)


def source_edit(
    source: Annotated[str, typer.Argument(metavar="SOURCE", help=SOURCE_HELP)],
    outlet: Annotated[str | None, typer.Option(help=OUTLET_HELP)] = None,
    title: Annotated[str | None, typer.Option(help="Headline or document title.")] = None,
    url: Annotated[str | None, typer.Option(help="URL, unique.")] = None,
    key: KeyOption = None,
    language: Annotated[
        str | None, typer.Option(*LANGUAGE_FLAGS, metavar=LANGUAGE_METAVAR, help="ISO 639-1 code.")
    ] = None,
    published: Annotated[str | None, typer.Option(help="Publication date.")] = None,
    author: Annotated[str | None, typer.Option(help="Byline.")] = None,
    retrieved: Annotated[str | None, typer.Option(help="When the text was retrieved.")] = None,
    cites: Annotated[
        list[str] | None,
        typer.Option(help="An outlet or agency it relays; repeat for several (replaces all)."),
    ] = None,
    no_cites: Annotated[bool, typer.Option("--no-cites", help="It relays no one.")] = False,
    note: NoteOption = None,
    text_file: TextFileOption = None,
    html_file: HtmlFileOption = None,
    why: WhyOption = None,
    dry_run: DryRunOption = False,
    fmt: ViewFormatOption = TABLE,
) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.editing import edit_source
    from factbase.errors import InvalidInput
    from factbase.text.articles import read_article

    if cites and no_cites:
        raise InvalidInput("give --cites or --no-cites, not both")
    given = _given(
        outlet=outlet,
        title=title,
        url=url,
        key=key,
        language=language,
        published=published,
        author=author,
        retrieved=retrieved,
        note=note,
    )
    if cites or no_cites:
        given["cites"] = tuple(cites or ())
    article = read_article(text_file, html_file)
    if not given and article is None:
        raise InvalidInput(
            "nothing to change: give the fields to correct (see 'source edit --help')"
        )
    with state.open_db(write=True) as db, db.session(write=True, commit=not dry_run) as session:
        result = edit_source(session, source, given, why=why, article=article)
    _report(result, dry_run, fmt)


def entity_edit(
    entity: Annotated[str, typer.Argument(metavar="ENTITY", help="Entity name, alias or id.")],
    name: Annotated[str | None, typer.Option(help="A new canonical name.")] = None,
    kind: Annotated[str | None, typer.Option(help="person, country, organisation, …")] = None,
    note: NoteOption = None,
    alias: Annotated[
        list[str] | None, typer.Option("--alias", help="Add a spelling; repeat for several.")
    ] = None,
    remove_alias: Annotated[
        list[str] | None,
        typer.Option("--remove-alias", help="Remove a spelling; its claims are unlinked."),
    ] = None,
    why: WhyOption = None,
    dry_run: DryRunOption = False,
    fmt: ViewFormatOption = TABLE,
) -> None:
    """Correct an entity: rename it, change its kind or note, add or remove spellings."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.editing import edit_entity
    from factbase.errors import InvalidInput

    given = _given(name=name, kind=kind, note=note)
    if not given and not alias and not remove_alias:
        raise InvalidInput("nothing to change: give the fields to correct")
    with state.open_db(write=True) as db, db.session(write=True, commit=not dry_run) as session:
        result = edit_entity(
            session,
            entity,
            given,
            add_aliases=alias or (),
            remove_aliases=remove_alias or (),
            why=why,
        )
    _report(result, dry_run, fmt)


def entity_merge(
    keep: Annotated[str, typer.Argument(metavar="KEEP", help="The entity that stays.")],
    drop: Annotated[
        str, typer.Argument(metavar="DROP", help="The entity that becomes its spellings.")
    ],
    why: WhyOption = None,
    dry_run: DryRunOption = False,
    fmt: ViewFormatOption = TABLE,
) -> None:
    """Merge two entities: DROP's spellings and claims move to KEEP, and DROP goes."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.editing import merge_entities

    with state.open_db(write=True) as db, db.session(write=True, commit=not dry_run) as session:
        result = merge_entities(session, keep, drop, why=why)
    _report(result, dry_run, fmt)


def _given(**options: str | bool | None) -> dict[str, Any]:
    """The options a person gave (None is "not given"; "" clears)."""
    return {name: value for name, value in options.items() if value is not None}


def _report(result: Edit, dry_run: bool, fmt: str) -> None:
    if fmt != TABLE:
        render.emit_record(_as_record(result, dry_run))
        return
    out = render.console()
    if not result.changed:
        out.print(render.escape(f"{result.target}: nothing to change"))
        return
    verb = "would change" if dry_run else "changed"
    count = render.plural(len(result.changes), "field")
    out.print(render.escape(f"{result.target}: {verb} {count}"))
    for line in _change_lines(result):
        out.print("  " + render.escape(line))
    for warning in result.warnings:
        render.warn(warning)
    would = "would " if dry_run else ""
    for change in result.appeared:
        out.print(render.escape(f"{would}add {_conflict(change)}"))
    for change in result.withdrawn:
        out.print(render.escape(f"{would}withdraw {_conflict(change)}: it no longer holds"))
    for change in result.stale:
        now = "would go" if dry_run else "is now"
        out.print(
            render.escape(
                f"{_conflict(change)} {now} stale: its decision is kept, "
                "but the claims no longer clash"
            )
        )
    if dry_run:
        out.print("dry run: nothing was written")
    elif result.audit_id is not None:
        out.print(render.escape(f"audit entry {result.audit_id} (see `factbase history`)"))


def _change_lines(result: Edit) -> list[str]:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.audit_entries import change_lines

    return change_lines(json.dumps({"changes": result.changes}, default=str))


def _conflict(change: ConflictChange) -> str:
    return f"conflict {change.conflict_id} ({change.kind}) with claim {change.other_claim}"


def _as_record(result: Edit, dry_run: bool) -> dict[str, Any]:
    def conflicts(changes: list[ConflictChange]) -> list[dict[str, Any]]:
        return [
            {"conflict": c.conflict_id, "other_claim": c.other_claim, "kind": c.kind}
            for c in changes
        ]

    return {
        "target": result.target,
        "dry_run": dry_run,
        "changes": result.changes,
        "warnings": result.warnings,
        "conflicts_added": conflicts(result.appeared),
        "conflicts_withdrawn": conflicts(result.withdrawn),
        "conflicts_stale": conflicts(result.stale),
        "audit_entry": None if dry_run else result.audit_id,
    }


# The entries a table shows unless --limit says otherwise.
HISTORY_PAGE = 50
# The why goes under the change it explains: one prose column wraps where two were cut.
HISTORY_TABLE = (
    render.Column("id", "id"),
    render.Column("at (UTC)", "date"),
    render.Column("actor", "label", priority=1),
    render.Column("action", "label"),
    render.Column("target", "id"),
    render.Column("changes", "prose", share=0.3),
)


@output_options
def history(
    claim: Annotated[
        str | None, typer.Argument(metavar="[CLAIM]", help="Only entries about this claim.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Only entries about this source.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="Only entries from this date on (any language).")
    ] = None,
    target: Annotated[
        str | None, typer.Option(help="Only entries about this, e.g. 'conflict 3'.")
    ] = None,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. edit.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only this person's entries.")] = None,
    limit: LimitOption = None,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """The audit log: who changed or decided what, when and why, field by field; newest
    first."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.audit import (
        HISTORY_COLUMNS,
        change_lines,
        count_history,
        history_records,
    )

    page = page_limit(limit, fmt, HISTORY_PAGE)
    table = render.TableView(HISTORY_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        where = _history_filter(session, claim, source, since, target, action, actor, page)
        rows = history_records(session, where)
        total = count_history(session, where) if page and len(rows) == page else len(rows)
    if fmt != TABLE:
        render.emit_records(rows, HISTORY_COLUMNS, fmt)
        render.note_cut(len(rows), total)
        return
    for row in rows:
        lines = change_lines(row["detail"])
        if row["note"]:
            lines.append(f"why: {row['note']}")
        table.add_row(
            str(row["id"]),
            # To the minute, in UTC as the title says (machine formats have the second):
            # an 80-column terminal then keeps room for the changes.
            row["at"][:16].replace("T", " "),
            *(render.escape(str(row[c] or "")) for c in ("actor", "action", "target")),
            render.escape("\n".join(lines)),
        )
    table.print()
    render.note(render.counted(len(rows), total, "entry", "newest first", nouns="entries"))


def _claim_id(session: Any, ref: str) -> int:
    """The claim's id; a deleted claim's id is still asked about by number."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.query import get_claim
    from factbase.errors import NotFound, as_id

    try:
        return get_claim(session, ref).id
    except NotFound:
        number = as_id(ref.strip())
        if number is None:
            raise
        return number


def _history_filter(
    session: Any,
    claim: str | None,
    source: str | None,
    since: str | None,
    target: str | None,
    action: str | None,
    actor: str | None,
    limit: int | None,
) -> Any:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.conflicts import conflicts_of
    from factbase.catalog.audit import HistoryFilter
    from factbase.catalog.sources import get_source
    from factbase.errors import in_field
    from factbase.text.dates import parse_date

    claim_id = _claim_id(session, claim) if claim else None
    start = None
    if since:
        with in_field("since"):
            start = datetime.combine(parse_date(since).start, time(), tzinfo=UTC)
    return HistoryFilter(
        claim_id=claim_id,
        conflict_ids=[c.id for c in conflicts_of(session, claim_id)] if claim_id else (),
        source_id=get_source(session, source).id if source else None,
        since=start,
        target=target,
        action=action,
        actor=actor,
        limit=limit,
    )
