"""The site's charts, drawn at build time as SVG with matplotlib.

matplotlib is imported here only, when a site is built: it takes about half a second,
which no other command pays. Each chart is inline SVG in its page: text stays text (so
Cyrillic is the browser's font and can be searched), no script, no link outside the page,
and the same data gives the same bytes (fixed hash salt, no date, no metadata block).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from factbase.interchange.site.content import Timeline

# Okabe & Ito's palette, made to be told apart with every common colour-vision deficiency;
# stances take it in name order, and every chart also names the stance in text.
PALETTE = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


def stance_colours(stances: Sequence[str]) -> dict[str, str]:
    return {stance: PALETTE[n % len(PALETTE)] for n, stance in enumerate(sorted(stances))}


def _figure(
    width: float, height: float, *, layout: Literal["constrained"] | None = "constrained"
) -> Any:
    # Late import, for start-up time: matplotlib loads only when a chart is drawn.
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout=layout)


_PROLOGUE = re.compile(r"\A.*?(?=<svg)", re.S)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.S)
_NAMESPACES = re.compile(r'\s+xmlns(:\w+)?="[^"]*"')


def _svg(figure: Any, name: str, label: str) -> str:
    """The figure as an inline <svg> for an HTML page: no XML prologue, metadata or
    namespace declarations (HTML needs none, and they are URLs)."""
    # Late import, for start-up time: see _figure.
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": name, "svg.id": name}):
        figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _PROLOGUE.sub("", out.getvalue()))
    text = _NAMESPACES.sub("", text)
    return text.replace("<svg ", f'<svg role="img" aria-label="{_attr(label)}" ', 1)


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


def heatmap(
    name: str, rows: Sequence[str], columns: Sequence[str], counts: Mapping[tuple[str, str], int]
) -> str:
    """Counts of (row, column) as a grid of shaded cells, each with its number."""
    figure = _figure(1.6 + 1.1 * len(columns), 0.9 + 0.32 * len(rows))
    axes = figure.add_subplot()
    grid = [[counts.get((r, c), 0) for c in columns] for r in rows]
    axes.pcolormesh(grid, cmap="cividis", edgecolors="white", linewidth=1)
    peak = max((max(line) for line in grid), default=0)
    for y, line in enumerate(grid):
        for x, n in enumerate(line):
            dark = n < peak * 0.6
            axes.text(
                x + 0.5,
                y + 0.5,
                str(n),
                ha="center",
                va="center",
                fontsize=8,
                color="white" if dark else "black",
            )
    axes.set_xticks([x + 0.5 for x in range(len(columns))], list(columns), fontsize=8)
    axes.set_yticks([y + 0.5 for y in range(len(rows))], list(rows), fontsize=8)
    axes.invert_yaxis()
    axes.xaxis.tick_top()
    axes.tick_params(length=0)
    return _svg(figure, name, "Claims per topic (rows) and stance (columns)")


def bars(name: str, label: str, items: Sequence[tuple[str, int, str]]) -> str:
    """Horizontal bars, one per (label, value, colour), first at the top."""
    figure = _figure(6.0, 0.6 + 0.28 * max(len(items), 1))
    axes = figure.add_subplot()
    places = list(range(len(items)))
    axes.barh(places, [n for _, n, _ in items], color=[c for _, _, c in items])
    axes.set_yticks(places, [text for text, _, _ in items], fontsize=8)
    axes.invert_yaxis()
    for place, (_, n, _) in zip(places, items, strict=True):
        axes.text(n, place, f" {n}", va="center", fontsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="x", labelsize=8)
    return _svg(figure, name, label)


def timeline(name: str, found: Timeline, colours: Mapping[str, str]) -> str:
    """The values said of each period, a mark per value and stance, coloured and shaped by
    stance, ranges as bars; periods whose reports disagree are shaded."""
    dated = [p for p in found.series.periods if p.period is not None]
    # A fixed layout with room for the legend on the right: the constrained layout costs
    # more than the chart at sixty charts a site.
    figure = _figure(6.8, 3.0, layout=None)
    figure.subplots_adjust(left=0.1, right=0.78, bottom=0.12, top=0.9)
    axes = figure.add_subplot()
    for place, period in enumerate(dated):
        if period.disagreement:
            axes.axvspan(place - 0.45, place + 0.45, color="#bbbbbb", alpha=0.35, hatch="//")
            axes.text(
                place,
                1.0,
                "disagree",
                transform=axes.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7,
            )
    stances = sorted({p.stance for p in found.points})
    for place, stance in enumerate(stances):
        # One artist per stance, not per claim or outlet: a timeline can hold thousands of
        # claims from a dozen outlets (the table under the chart names them), and the same
        # value said of a period by several claims of a stance is one mark.
        points = sorted(
            {(p.period, p.value, p.low, p.high) for p in found.points if p.stance == stance},
            key=lambda p: (
                p[0],
                p[1],
                -1e300 if p[2] is None else p[2],
                -1e300 if p[3] is None else p[3],
            ),
        )
        offset = (place - (len(stances) - 1) / 2) * 0.1
        below = [value - low if low is not None else 0.0 for _, value, low, _ in points]
        above = [high - value if high is not None else 0.0 for _, value, _, high in points]
        axes.errorbar(
            [period + offset for period, _, _, _ in points],
            [value for _, value, _, _ in points],
            yerr=[below, above],
            fmt=MARKERS[sorted(colours).index(stance) % len(MARKERS)] if stance in colours else "o",
            color=colours.get(stance, "#000000"),
            markersize=6,
            capsize=3,
            alpha=0.8,
            label=stance,
        )
    axes.set_xticks(range(len(dated)), [p.label for p in dated], fontsize=8)
    if len(dated) > 6:
        axes.tick_params(axis="x", labelrotation=45)
    axes.set_xlim(-0.6, len(dated) - 0.4)
    axes.set_ylabel(found.unit or "value", fontsize=8)
    axes.tick_params(axis="y", labelsize=8)
    axes.spines[["top", "right"]].set_visible(False)
    if stances:
        axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    label = f"{found.series.subject} · {found.series.property}: values by period"
    return _svg(figure, name, label)
