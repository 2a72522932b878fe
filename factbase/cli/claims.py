"""`factbase add`, `show` and `list`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from factbase.claims.filter import ClaimFilter, Sort
from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    AsOfOption,
    ClaimLanguageOption,
    ClaimLimitOption,
    ClaimStatusOption,
    ColumnsOption,
    EventDateOption,
    FormatOption,
    IncludeRetractedOption,
    KeyOption,
    NoteOption,
    OccasionOption,
    OnceOption,
    PolarityOption,
    PropertyOption,
    QuoteOption,
    SpeakerOption,
    StrictOption,
    SubjectOption,
    TopicsOption,
    UnitOption,
    ValueOption,
    WideOption,
    chosen_occasion,
    claim_filters,
    output_options,
    page_limit,
)

if TYPE_CHECKING:
    from factbase.claims.display import ClaimDetail, ClaimPage
    from factbase.claims.series import Period
    from factbase.claims.values import ClaimInput

# `list`, by what a reader needs most: on a narrow terminal topics go first, then stance
# (the outlet's colour still shows it), origins, language and value.
LIST_COLUMNS = (
    render.Column("id", "id"),
    render.Column("statement", "prose", min_width=30, share=0.4),
    render.Column("value", "name", priority=2),
    render.Column("lang", "label", priority=3),
    render.Column("outlet", "name", priority=1),
    render.Column("published", "date"),
    render.Column("stance", "label", priority=5),
    render.Column("topics", "prose", priority=6),
    render.Column("origins", "count", priority=4),
)
# Topics and origins need the claims' corroboration read too, which takes longer: read
# only when a terminal this wide may have room for them, or when asked for.
SUPPORT_FROM_WIDTH = 110
LINK_COLUMNS = (
    render.Column("link", "label"),
    render.Column("claim", "id"),
    render.Column("statement", "prose"),
    render.Column("outlet", "name", priority=2),
    render.Column("stance", "label", priority=3),
    render.Column("lang", "label", priority=1),
)
# A claim's series: what its subject and property were said to be, period by period.
SERIES_COLUMNS = (
    render.Column("period", "label"),
    render.Column("said", "name"),
    render.Column("outlets", "prose"),
    render.Column("claims", "prose", priority=1),
    render.Column("disagreement", "prose"),
)
CLAIM_CONFLICT_COLUMNS = (
    render.Column("conflict", "id"),
    render.Column("kind", "label"),
    render.Column("cause", "label", priority=1),
    render.Column("status", "label"),
    render.Column("explanation", "prose"),
)


# The claims a table shows unless --limit says otherwise.
PAGE = 50


def register(app: typer.Typer) -> None:
    app.command("add")(add)
    app.command("show")(show)
    app.command("list")(list_claims)


@output_options
def add(
    statement: Annotated[
        str | None, typer.Argument(help="The claim in one sentence, any language.")
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", "-s", help="Source id, key or URL.")
    ] = None,
    quote: QuoteOption = None,
    language: ClaimLanguageOption = None,
    speaker: SpeakerOption = None,
    topic: TopicsOption = None,
    subject: SubjectOption = None,
    property_: PropertyOption = None,
    value: ValueOption = None,
    unit: UnitOption = None,
    event_date: EventDateOption = None,
    as_of: AsOfOption = None,
    forecast: Annotated[
        bool,
        typer.Option(
            "--forecast",
            help="The event date is after the article's publication on purpose: a forecast.",
        ),
    ] = False,
    once: OnceOption = False,
    occasion: OccasionOption = None,
    polarity: PolarityOption = None,
    status: ClaimStatusOption = None,
    key: KeyOption = None,
    note: NoteOption = None,
    from_file: Annotated[
        Path | None,
        typer.Option(
            "--from-file",
            help="Add every claim of this file (YAML, JSON or JSON Lines in the interchange "
            "format, each naming its source) in one go: all of them or, on an error, none.",
            dir_okay=False,
        ),
    ] = None,
    allow_duplicate: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate",
            help="Record it even when a claim of the source has the same statement or quote.",
        ),
    ] = False,
    strict: StrictOption = False,
    fmt: FormatOption = TABLE,
) -> None:
    """Record a claim from a source, or with --from-file each claim of a file.

    A claim with the same statement or quote as one of the same source (case, ё/е,
    whitespace, quote marks and dashes aside) is refused, naming that claim, unless
    --allow-duplicate is given. Topics are created with `factbase topics add`, not here.
    """
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.values import ClaimInput
    from factbase.errors import InvalidUsage

    given = ClaimInput(
        source=source or "",
        statement=statement or "",
        key=key,
        quote=quote,
        language=language,
        speaker=speaker,
        topics=topic or (),
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
        note=note,
    )
    if from_file is not None:
        per_claim: tuple[object, ...] = (statement, source, quote, language, speaker, topic)
        per_claim += (subject, property_, value, unit, event_date, as_of, forecast, once)
        if any(per_claim) or occasion or polarity or status or key or note:
            raise InvalidUsage("--from-file takes each claim's fields from the file, not here")
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.interchange.importer import claims_to_add

        claims = claims_to_add(from_file)
    elif statement is None or source is None:
        raise InvalidUsage("give the claim's statement and its --source (or --from-file)")
    else:
        claims = [("", given)]
        if fmt == TABLE and _added_quickly(given, allow_duplicate=allow_duplicate, strict=strict):
            return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.intake import add_claims
    from factbase.claims.record import claim_row

    with state.open_db(write=True) as db, db.session(write=True) as session:
        results = add_claims(session, claims, allow_duplicate=allow_duplicate, strict=strict)
        rows = [claim_row(result.claim) for result in results]
    for (location, _), result in zip(claims, results, strict=True):
        where = f"{location}: " if location else ""
        for warning in result.warnings:
            render.warn(where + warning)
        for conflict in result.new_conflicts:
            render.warn(
                f"{where}new conflict {conflict.id} ({conflict.kind}): {conflict.explanation}"
            )
    if fmt != TABLE:
        render.emit_records(rows, list(rows[0]) if rows else [], fmt)
        return
    for row in rows:
        _report_added(row["id"], row["key"], row["outlet"], row["topics"])


def _added_quickly(given: ClaimInput, *, allow_duplicate: bool, strict: bool) -> bool:
    """Record one claim without SQLAlchemy (factbase.analysis.quick_add) and report it as
    the library's path does; False, having written nothing, when the library must."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.quick_add import add_quickly
    from factbase.text.dictionaries import keep_built_dictionaries

    keep_built_dictionaries()  # a writing command: the lemma tries it builds are kept
    added = add_quickly(state.db_location, given, allow_duplicate=allow_duplicate, strict=strict)
    if added is None:
        return False
    for warning in added.warnings:
        render.warn(warning)
    for conflict_id, kind, explanation in added.new_conflicts:
        render.warn(f"new conflict {conflict_id} ({kind}): {explanation}")
    _report_added(added.claim_id, added.key, added.outlet, added.topics)
    return True


def _report_added(claim_id: int, key: str | None, outlet: str, topics: list[str]) -> None:
    shown_key = f" ({key})" if key else ""
    render.console().print(
        f"added claim [bold]{claim_id}[/]"
        + render.escape(f"{shown_key} from {outlet}; topics: {', '.join(topics) or '-'}")
    )


@output_options
def show(
    ref: Annotated[str, typer.Argument(metavar="ID", help="Claim id or key.")],
    fmt: FormatOption = TABLE,
) -> None:
    """Show one claim with its source, outlet, stance and every field."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.fastread import claim_view as quick_view

    view = quick_view(state.db_location, ref)
    if view is None:
        from factbase.analysis.claim_views import view_claim

        with state.open_db(write=False) as db, db.session() as session:
            view = view_claim(session, ref)
    if view.merged_from:
        render.note(f"{view.merged_from} was merged into claim {view.record['id']}: shown here")
    if fmt != TABLE:
        render.emit_records([view.record], list(view.record), fmt)
        return
    _print_claim(view)
    _print_relations(view)
    if view.verdict:
        _print_verdict(view)
    if view.track_records:
        render.print_fields(
            "Track records (reliability, 95% interval, checked claims)",
            [(render.escape(who), render.escape(summary)) for who, summary in view.track_records],
        )
    if view.series:
        _print_series(view, view.series)


def _shown_topic(link: tuple[str, bool, str | None]) -> str:
    """`oil (suggested: нефти)`: a suggested topic says which keyword suggested it."""
    slug, suggested, keyword = link
    if not suggested:
        return slug
    return f"{slug} (suggested: {keyword})" if keyword else f"{slug} (suggested)"


def _print_claim(view: ClaimDetail) -> None:
    row = view.record

    def text(name: str) -> str | None:
        value = row.get(name)
        return render.escape(str(value)) if value not in (None, "", []) else None

    topics = ", ".join(map(_shown_topic, view.topics))
    value = None
    if row["value"]:
        interval = f"{_num(row['value_low'])} … {_num(row['value_high'])}"
        value = render.escape(
            f"{row['value']}  →  {_num(row['value_num'])} {row['unit'] or ''}"
            f"  [{interval}]  {row['qualifier']}"
        )
    polarity = text("polarity")
    if polarity and row.get("polarity_suggested"):
        polarity += " (suggested from the wording)"
    stance = row["stance"]
    statement = text("statement")
    retracted = None
    if view.retracted_on:
        # Struck through: still on record, no longer asserted by the database.
        statement = f"[strike]{statement}[/strike]"
        retracted = render.escape(f"{view.retracted_on}: {view.retraction_note or '-'}")
    render.print_fields(
        f"Claim {row['id']}"
        + (f" ({row['key']})" if row["key"] else "")
        + (" (retracted)" if view.retracted_on else ""),
        [
            ("statement", statement),
            ("retracted", retracted),
            ("quote", f"“{render.escape(row['quote'])}”" if row["quote"] else None),
            ("quote match", _quote_match(row)),
            ("in the text", render.quote_in_context(view.quote_context)),
            ("language", text("language")),
            ("speaker", text("speaker")),
            ("topics", render.escape(topics) or None),
            ("subject", text("subject")),
            ("property", text("property")),
            ("value", value),
            ("event date", text("event_date")),
            ("as of", text("as_of")),
            ("forecast", "yes" if row["forecast"] else None),
            ("occasion", text("occasion")),
            ("polarity", polarity),
            ("status", text("status")),
            ("note", text("note")),
            ("source", render.escape(f"{row['source_id']}: {row['source_title']}")),
            ("source key", text("source_key")),
            ("url", text("source_url")),
            ("outlet", render.escape(row["outlet"])),
            ("stance", render.stance_text(stance, view.stance_colours.get(stance))),
            ("published", text("published")),
            ("relays", render.escape(", ".join(view.relays)) or None),
            ("added", text("created_at")),
            ("updated", text("updated_at")),
        ],
    )


def _print_verdict(view: ClaimDetail) -> None:
    verdict = view.verdict
    assert verdict is not None
    scale = ""
    if verdict.value is not None:
        scale = f" ({_num(verdict.value)} on {_num(verdict.worst)}–{_num(verdict.best)})"
    earlier = f"; {render.plural(verdict.earlier, 'earlier verdict')}" if verdict.earlier else ""
    render.print_fields(
        "Verdict",
        [
            ("rating", render.escape(verdict.rating + scale)),
            ("by", render.escape(f"{verdict.reviewer}, {verdict.reviewed_at}{earlier}")),
            ("why", render.escape(verdict.note)),
            *(
                ("evidence", render.escape(text if cited is None else f"claim {cited}: {text}"))
                for cited, text in verdict.evidence
            ),
        ],
    )


def _quote_match(row: dict[str, Any]) -> str | None:
    match = row.get("quote_match")
    if match is None:
        return None
    where = f" at {row['quote_start']}–{row['quote_end']}" if row["quote_start"] is not None else ""
    return render.escape(f"{match}{where}")


def _print_relations(view: ClaimDetail) -> None:
    """Linked claims, conflicts and corroboration under the claim's fields."""
    console = render.console()
    console.print(f"[bold]corroboration[/]  {render.escape(view.corroboration)}")
    if view.links:
        table = render.TableView(LINK_COLUMNS, hint=None)
        for link in view.links:
            table.add_row(
                link.kind,
                str(link.claim_id),
                render.escape(link.statement),
                render.escape(link.outlet),
                render.stance_text(link.stance, view.stance_colours.get(link.stance)),
                render.escape(link.language),
            )
        console.print("[bold]linked claims[/]")
        table.print()
    if view.conflicts:
        table = render.TableView(CLAIM_CONFLICT_COLUMNS, hint=None)
        for conflict in view.conflicts:
            table.add_row(
                str(conflict.id),
                conflict.kind,
                conflict.cause,
                conflict.status,
                render.escape(conflict.explanation),
            )
        console.print("[bold]conflicts[/]")
        table.print()


def _print_series(view: ClaimDetail, periods: list[Period]) -> None:
    """What the claim's subject and property were said to be in each period, by whom, and
    where the reports of a period disagree."""
    row = view.record
    about = render.escape(f"{row['subject']} · {row['property']}")
    count = render.plural(len(periods), "period")
    render.console().print(f"[bold]series[/]  {about}: {count} (* this claim)")
    table = render.TableView(SERIES_COLUMNS, hint=None)
    for period in periods:
        for place, reading in enumerate(period.readings):
            claims = ", ".join(
                f"{claim_id}*" if claim_id == row["id"] else str(claim_id)
                for claim_id in reading.claims
            )
            first = place == 0
            table.add_row(
                render.escape(period.label) if first else "",
                render.escape(reading.said),
                render.escape(", ".join(reading.outlets)),
                claims,
                render.escape(f"disagree: {period.disagreement}")
                if first and period.disagreement
                else "",
            )
    table.print()


def _num(value: float | None) -> str:
    if value is None:
        return "∞"
    return f"{value:,.6g}".replace(",", " ") if abs(value) < 1e6 else f"{value:.4g}"


@output_options
@claim_filters()
def list_claims(
    *,
    where: ClaimFilter,
    limit: ClaimLimitOption = None,
    sort: Annotated[
        Sort | None,
        typer.Option(
            help="Newest first by publication, event date, or when added; id ascending; "
            "relevance: claims holding more of the --search words first, then newest "
            "(the default with --search; otherwise published).",
            show_default=False,
        ),
    ] = None,
    include_retracted: IncludeRetractedOption = False,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List claims; filters combine. Retracted claims are left out."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.claims.fastread import claims_page as quick_page

    if sort is None:
        sort = Sort.RELEVANCE if where.search else Sort.PUBLISHED
    where = replace(
        where, limit=page_limit(limit, fmt, PAGE), sort=sort, include_retracted=include_retracted
    )
    if fmt != TABLE:
        _emit_claims(where, fmt)
        return
    table = render.TableView(LIST_COLUMNS, wide=wide, choice=columns)
    support = (table.may_show("topics") or table.may_show("origins")) and (
        wide or columns is not None or render.console().width >= SUPPORT_FROM_WIDTH
    )
    page = quick_page(state.db_location, where, with_support=support)
    if page is None:
        from factbase.analysis.claim_views import claims_page

        with state.open_db(write=False) as db, db.session() as session:
            page = claims_page(session, where, with_support=support)
    if not support:
        table.leave_out("topics", "origins")
    _print_page(page, table)


def _emit_claims(where: ClaimFilter, fmt: str) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.corroboration import CORROBORATION_COLUMNS
    from factbase.claims.query import count_claims
    from factbase.claims.record import CLAIM_COLUMNS
    from factbase.interchange.exports import claim_rows

    with (
        state.open_db(write=False) as db,
        db.session() as session,
        render.streamed(claim_rows(session, where)) as rows,  # like an export
    ):
        shown = render.Counted(rows)
        render.emit_records(shown, (*CLAIM_COLUMNS, *CORROBORATION_COLUMNS), fmt)
        if where.limit and shown.count == where.limit:
            render.note_cut(shown.count, count_claims(session, where))


def _print_page(page: ClaimPage, table: render.TableView) -> None:
    for claim in page.claims:
        colour = page.stance_colours.get(claim.stance)
        origins = f"{claim.origins} of {claim.reports}" if claim.reports is not None else ""
        table.add_row(
            str(claim.id),
            render.escape(claim.statement),
            render.escape(claim.value),
            render.escape(claim.language),
            f"[{colour or 'default'}]{render.escape(claim.outlet)}[/]",
            render.escape(claim.published),
            render.stance_text(claim.stance, colour),
            render.escape(", ".join(claim.topics)),
            origins,
        )
    table.print()
    render.note(render.counted(len(page.claims), page.total, "claim"))
