"""`factbase topics`: the topic vocabulary (list, add, edit, keywords, merge) and the
topics factbase suggests for claims (suggest, accept, drop)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from factbase.cli import render, state
from factbase.cli.choices import TABLE
from factbase.cli.options import (
    ColumnsOption,
    DryRunOption,
    FormatOption,
    WideOption,
    output_options,
)

topics_app = typer.Typer(
    help="The topic vocabulary: list it (a tree), add, edit, merge topics, change keywords; "
    "suggest topics for claims without any, accept or drop a suggestion.",
    invoke_without_command=True,
)

# The slug, which people type, shows whole however deep the tree; keywords go first.
TOPIC_TABLE = (
    render.Column("topic", "id"),
    render.Column("label", "name"),
    render.Column("claims", "count"),
    render.Column("iptc", "id", priority=2),
    render.Column("keywords", "prose", priority=1),
)

SlugArgument = Annotated[str, typer.Argument(help="The topic's slug, e.g. 'oil'.")]
LabelOption = Annotated[str | None, typer.Option(help="Display name.")]
ParentOption = Annotated[
    str | None, typer.Option(help="Slug of the broader topic ('' for none, in edit).")
]
IptcCodeOption = Annotated[
    str | None,
    typer.Option("--iptc-code", help="The IPTC Media Topic it is, e.g. medtop:20000639."),
]
IptcLabelOption = Annotated[
    str | None, typer.Option("--iptc-label", help="IPTC's label for that Media Topic.")
]
IptcBroaderOption = Annotated[
    str | None,
    typer.Option(
        "--iptc-broader",
        help="The nearest broader IPTC Media Topic, when none is the topic itself.",
    ),
]
ClaimArgument = Annotated[str, typer.Argument(help="Claim id or key.")]


def register(app: typer.Typer) -> None:
    app.add_typer(topics_app, name="topics")


def _iptc(row: dict[str, object]) -> str:
    if row["iptc_code"]:
        return str(row["iptc_code"])
    return f"within {row['iptc_broader']}" if row["iptc_broader"] else ""


@topics_app.callback()
@output_options
def topics_list(
    ctx: typer.Context,
    fmt: FormatOption = TABLE,
    wide: WideOption = False,
    columns: ColumnsOption = None,
) -> None:
    """List topics as a tree with their IPTC codes, keywords and claim counts (a claim
    counts under a topic suggested for it too; `suggested` in the machine formats says
    how many of those are suggestions)."""
    if ctx.invoked_subcommand is not None:
        return
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.topics import TOPIC_COLUMNS, topic_records

    table = render.TableView(TOPIC_TABLE, wide=wide, choice=columns)
    with state.open_db(write=False) as db, db.session() as session:
        rows = topic_records(session)
    if fmt != TABLE:
        render.emit_records(rows, TOPIC_COLUMNS, fmt)
        return
    for row in rows:
        claims = str(row["claims"])
        if row["suggested"]:
            claims += f" ({row['suggested']} suggested)"
        table.add_row(
            "  " * row["depth"] + render.escape(row["slug"]),
            render.escape(row["label"]),
            claims,
            render.escape(_iptc(row)),
            render.escape(", ".join(row["keywords"])),
        )
    table.print()


@topics_app.command("add")
def topics_add(
    slug: SlugArgument,
    label: LabelOption = None,
    parent: ParentOption = None,
    keyword: Annotated[
        list[str] | None, typer.Option("--keyword", "-k", help="A keyword in any language; repeat.")
    ] = None,
    iptc_code: IptcCodeOption = None,
    iptc_label: IptcLabelOption = None,
    iptc_broader: IptcBroaderOption = None,
) -> None:
    """Add a topic, or update its label, parent, IPTC fields and keywords (the keywords
    given replace its keywords; `topics keywords` adds or removes some)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.topic_vocabulary import add_topic
    from factbase.catalog.topics import TopicInput

    data = TopicInput(
        slug=slug,
        label=label,
        parent=parent,
        keywords=keyword or (),
        iptc_code=iptc_code,
        iptc_label=iptc_label,
        iptc_broader=iptc_broader,
    )
    with state.open_db(write=True) as db, db.session(write=True) as session:
        topic, outcome = add_topic(session, data)
    render.console().print(f"{outcome}: topic {render.escape(topic.slug)}")


@topics_app.command("edit")
def topics_edit(
    slug: SlugArgument,
    label: LabelOption = None,
    parent: ParentOption = None,
    iptc_code: IptcCodeOption = None,
    iptc_label: IptcLabelOption = None,
    iptc_broader: IptcBroaderOption = None,
) -> None:
    """Change a topic's label, parent or IPTC fields ('' clears one). Its slug stays:
    claims and documents name it by that (`topics merge` joins two topics)."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.audit import change_lines
    from factbase.catalog.topic_vocabulary import edit_topic

    given = (label, parent, iptc_code, iptc_label, iptc_broader)
    if all(value is None for value in given):
        raise typer.BadParameter(
            "give what to change: --label, --parent, --iptc-code, --iptc-label or --iptc-broader"
        )
    with state.open_db(write=True) as db, db.session(write=True) as session:
        changed = edit_topic(
            session,
            slug,
            label=label,
            parent=parent,
            iptc_code=iptc_code,
            iptc_label=iptc_label,
            iptc_broader=iptc_broader,
        )
    console = render.console()
    if not changed:
        console.print(f"unchanged: topic {render.escape(slug)}")
        return
    console.print(f"edited: topic {render.escape(slug)}")
    for line in change_lines(json.dumps({"changes": changed}, ensure_ascii=False)):
        console.print("  " + render.escape(line))


@topics_app.command("keywords")
def topics_keywords(
    slug: SlugArgument,
    add: Annotated[
        list[str] | None, typer.Option("--add", "-a", help="A keyword to add; repeat.")
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", "-r", help="A keyword to remove; repeat.")
    ] = None,
) -> None:
    """Add or remove keywords of a topic, or, with neither, list them. Keywords match any
    form of the word, in the claim's language (`нефть` also finds "нефти")."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.topic_vocabulary import change_keywords

    write = bool(add or remove)
    with state.open_db(write=write) as db, db.session(write=write) as session:
        result = change_keywords(session, slug, add or (), remove or ())
    console = render.console()
    if write:
        if result.added:
            console.print("added: " + render.escape(", ".join(result.added)))
        if result.removed:
            console.print("removed: " + render.escape(", ".join(result.removed)))
        if not result.added and not result.removed:
            console.print(f"unchanged: topic {render.escape(result.slug)}")
        return
    for keyword in result.keywords:
        console.print(render.escape(keyword))


@topics_app.command("merge")
def topics_merge(
    merged: Annotated[str, typer.Argument(help="The topic that goes, e.g. 'petroleum'.")],
    into: Annotated[str, typer.Argument(help="The topic kept, e.g. 'oil'.")],
    dry_run: DryRunOption = False,
) -> None:
    """Merge a topic into another: its claims, keywords and narrower topics move to the
    topic kept, and it is deleted. The audit log keeps what moved."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.catalog.topic_vocabulary import merge_topics

    with state.open_db(write=True) as db, db.session(write=True, commit=not dry_run) as session:
        result = merge_topics(session, merged, into)
    prefix = "would have " if dry_run else ""
    render.console().print(prefix + render.escape(result.summary()))


@topics_app.command("suggest")
def topics_suggest(
    rescan: Annotated[
        bool,
        typer.Option("--rescan", help="Record the suggestions (without it, only show them)."),
    ] = False,
) -> None:
    """Suggest topics, from the keywords, for every claim that has none, as `add` does
    for a claim given no topic. With --rescan they are recorded as suggested topics, each
    with the keyword that suggested it, for a person to accept or drop; a topic dropped
    from a claim is not suggested for it again."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.topic_review import suggest_topics

    with state.open_db(write=rescan) as db, db.session(write=rescan) as session:
        found = suggest_topics(session, write=rescan)
    console = render.console()
    for item in found:
        name = f"claim {item.claim_id}" + (f" ({item.key})" if item.key else "")
        topics = ", ".join(f"{slug} ({keyword})" for slug, keyword in item.topics.items())
        console.print(render.escape(f"{name}: {topics}"))
    verb = "suggested topics for" if rescan else "would suggest topics for"
    console.print(f"{verb} {len(found)} claims" + ("" if rescan else " (--rescan records them)"))


@topics_app.command("accept")
def topics_accept(claim: ClaimArgument, topic: SlugArgument) -> None:
    """Accept a topic factbase suggested for a claim: it becomes a topic given."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.topic_review import accept_topic

    with state.open_db(write=True) as db, db.session(write=True) as session:
        accepted = accept_topic(session, claim, topic)
    word = "accepted" if accepted else "already given"
    render.console().print(f"{word}: topic {render.escape(topic)} of claim {render.escape(claim)}")


@topics_app.command("drop")
def topics_drop(claim: ClaimArgument, topic: SlugArgument) -> None:
    """Take a topic off a claim, suggested or given; a dropped suggestion is not made again."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.topic_review import drop_topic

    with state.open_db(write=True) as db, db.session(write=True) as session:
        suggested = drop_topic(session, claim, topic)
    what = "suggested topic" if suggested else "topic"
    render.console().print(
        f"dropped: {what} {render.escape(topic)} of claim {render.escape(claim)}"
    )
