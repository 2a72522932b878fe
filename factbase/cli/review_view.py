"""How `factbase review` shows an item: two claims side by side, fitting 80 columns."""

from __future__ import annotations

from typing import TYPE_CHECKING

from factbase.cli import render

if TYPE_CHECKING:
    from rich.text import Text

    from factbase.analysis.review import ConflictItem, MatchItem, ReviewSide

# Without colour (NO_COLOR, a pipe) a style is invisible: the marked words get these.
MARK_OPEN, MARK_CLOSE = "**", "**"
MARK_STYLE = "bold reverse"


def _coloured() -> bool:
    console = render.console()
    return console.color_system is not None and not console.no_color


def quote_text(quote: str, marked: tuple[tuple[int, int], ...]) -> Text:
    """The quote with the disagreeing words marked: reversed, or **starred** without colour."""
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.text import Text

    text = Text()
    position = 0
    for start, end in marked:
        if start < position:
            continue
        text.append(quote[position:start])
        if _coloured():
            text.append(quote[start:end], style=MARK_STYLE)
        else:
            text.append(f"{MARK_OPEN}{quote[start:end]}{MARK_CLOSE}")
        position = end
    text.append(quote[position:])
    return text


def claim_text(side: ReviewSide, label: str, colours: dict[str, str | None]) -> Text:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.text import Text

    text = Text()
    text.append(f"{label} · claim {side.id}", style="bold")
    if side.key:
        text.append(f" ({side.key})")
    text.append("\n" + side.statement)
    if side.quote:
        text.append("\n“")
        text.append_text(quote_text(side.quote, side.marked))
        text.append("”")
    if side.quote_context is not None:
        text.append("\nin the text: ")
        text.append(side.quote_context.before, style="dim")
        text.append("⟦")
        text.append(side.quote_context.quote, style="bold")
        text.append("⟧")
        text.append(side.quote_context.after, style="dim")
    text.append(f"\nspeaker: {side.speaker or '-'}")
    text.append(f"\noutlet: {side.outlet} (")
    text.append(side.stance, style=colours.get(side.stance) or "")
    text.append(")")
    text.append(f"\nlanguage: {side.language or '-'} · published: {side.published or '-'}")
    line = f"\nas of: {side.as_of or '-'}"
    if side.event_date:
        line += f" · event: {side.event_date}"
    text.append(line)
    facts = [f"value: {side.value}"] if side.value else []
    facts += [side.polarity, side.status]
    text.append("\n" + " · ".join(facts))
    found = side.corroboration
    text.append(
        f"\n{render.plural(found.reports, 'report')}, "
        f"{render.plural(found.origins, 'independent origin')}"
    )
    text.append(f"\nasserted by: {', '.join(found.asserting_stances) or '-'}")
    if found.disputing_claims:
        text.append(f"\ndisputed by: {', '.join(found.disputing_stances) or '-'}")
    return text


def _side_by_side(left: ReviewSide, right: ReviewSide, colours: dict[str, str | None]) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich import box
    from rich.table import Table

    grid = Table(show_header=False, expand=True, box=box.SQUARE, padding=(0, 1))
    grid.add_column(ratio=1, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")
    grid.add_row(claim_text(left, "left", colours), claim_text(right, "right", colours))
    render.console().print(grid)


def show_item(
    item: ConflictItem | MatchItem, position: int, total: int, colours: dict[str, str | None]
) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.text import Text

    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.analysis.review import ConflictItem

    console = render.console()
    console.print()
    if isinstance(item, ConflictItem):
        why = item.kind if item.kind == item.cause else f"{item.kind} · {item.cause}"
        title = f"#{position} of {total} · conflict {item.id} · {why}"
        console.rule(Text(title, style="bold"), align="left")
        console.print(item.explanation, markup=False)
    else:
        title = f"#{position} of {total} · suggested match · score {item.score:.2f}"
        console.rule(Text(title, style="bold"), align="left")
        console.print("why: " + "; ".join(item.reasons), markup=False)
    _side_by_side(item.left, item.right, colours)


def show_help(hints: list[tuple[str, str]]) -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for key, meaning in hints:
        grid.add_row(render.escape(key), render.escape(meaning))
    render.console().print(grid)


def show_sources(item: ConflictItem | MatchItem) -> None:
    console = render.console()
    for label, side in (("left", item.left), ("right", item.right)):
        where = side.url or f"no URL recorded (source {side.source})"
        console.print(f"{label}: {where}", markup=False, soft_wrap=True)
