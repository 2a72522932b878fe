"""The site's charts, drawn at build time as SVG: the heatmap and bars with matplotlib, the
timelines written directly.

matplotlib is imported here only, when a site is built: it takes about half a second,
which no other command pays. Each chart is inline SVG in its page: text stays text (so
Cyrillic is the browser's font and can be searched), no script, no link outside the page,
and the same data gives the same bytes (fixed hash salt, no date, no metadata block).
"""

from __future__ import annotations

import io
import math
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
    stance, ranges as bars; periods whose reports disagree are shaded.

    Written as SVG directly rather than drawn with matplotlib: a site has up to sixty of
    them, and matplotlib spent most of a site's build laying out these simple charts."""
    dated = [p for p in found.series.periods if p.period is not None]
    plot = _Plot(len(dated), _value_range(found))
    parts: list[str] = []
    for place, period in enumerate(dated):
        if period.disagreement:
            left, right = plot.x(place - 0.45), plot.x(place + 0.45)
            parts.append(
                f'<rect x="{left:.1f}" y="{_TOP}" width="{right - left:.1f}" '
                f'height="{_BOTTOM - _TOP}" fill="#bbbbbb" fill-opacity="0.35"/>'
            )
            parts.append(_text(plot.x(place), _TOP - 3, "disagree", size=7, anchor="middle"))
    parts.append(
        f'<path d="M{_LEFT} {_TOP}V{_BOTTOM}H{_RIGHT}" fill="none" stroke="#000000" '
        'stroke-width="0.8"/>'
    )
    for tick in plot.y_ticks():
        y = plot.y(tick)
        parts.append(f'<path d="M{_LEFT - 4} {y:.1f}H{_LEFT}" stroke="#000000"/>')
        parts.append(_text(_LEFT - 6, y + 3, f"{tick:g}", size=8, anchor="end"))
    rotate = len(dated) > 6
    for place, period in enumerate(dated):
        x = plot.x(place)
        parts.append(f'<path d="M{x:.1f} {_BOTTOM}v4" stroke="#000000"/>')
        if rotate:
            parts.append(
                f'<text x="{x:.1f}" y="{_BOTTOM + 12}" font-size="8" text-anchor="end" '
                f'transform="rotate(-45 {x:.1f} {_BOTTOM + 12})">{_escape(period.label)}</text>'
            )
        else:
            parts.append(_text(x, _BOTTOM + 14, period.label, size=8, anchor="middle"))
    middle = (_TOP + _BOTTOM) / 2
    parts.append(
        f'<text x="14" y="{middle:.1f}" font-size="8" text-anchor="middle" '
        f'transform="rotate(-90 14 {middle:.1f})">{_escape(found.unit or "value")}</text>'
    )
    stances = sorted({p.stance for p in found.points})
    for place, stance in enumerate(stances):
        # One mark per value said of a period by a stance, however many claims said it.
        points = sorted(
            {(p.period, p.value, p.low, p.high) for p in found.points if p.stance == stance},
            key=lambda p: (
                p[0],
                p[1],
                -1e300 if p[2] is None else p[2],
                -1e300 if p[3] is None else p[3],
            ),
        )
        colour = colours.get(stance, "#000000")
        shape = sorted(colours).index(stance) % len(MARKERS) if stance in colours else 0
        offset = (place - (len(stances) - 1) / 2) * 0.1
        marks = []
        for spot, value, low, high in points:
            x, y = plot.x(spot + offset), plot.y(value)
            top = plot.y(value if high is None else high)
            bottom = plot.y(value if low is None else low)
            if top != bottom:  # a range, not an exact figure
                marks.append(
                    f'<path d="M{x:.1f} {top:.1f}V{bottom:.1f}M{x - 3:.1f} {top:.1f}h6'
                    f'M{x - 3:.1f} {bottom:.1f}h6" stroke="{colour}" fill="none"/>'
                )
            marks.append(_marker(shape, x, y, colour))
        parts.append(f'<g opacity="0.8">{"".join(marks)}</g>')
        legend_y = _TOP + 6 + 14 * place
        parts.append(_marker(shape, _RIGHT + 16, legend_y, colour))
        parts.append(_text(_RIGHT + 26, legend_y + 3, stance, size=7))
    label = f"{found.series.subject} · {found.series.property}: values by period"
    return (
        f'<svg role="img" aria-label="{_attr(label)}" id="{_attr(name)}" width="{_WIDTH}pt" '
        f'height="{_HEIGHT}pt" viewBox="0 0 {_WIDTH} {_HEIGHT}" version="1.1">'
        f'<rect width="{_WIDTH}" height="{_HEIGHT}" fill="#ffffff"/>{"".join(parts)}</svg>'
    )


# The timeline's canvas, in points (6.8 × 3.5 inches: room for turned period labels),
# and its plotting area.
_WIDTH, _HEIGHT = 490, 252
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 382, 22, 180


class _Plot:
    """Places on the canvas of the timeline's periods (x) and values (y)."""

    def __init__(self, periods: int, values: tuple[float, float]) -> None:
        self.first, self.last = -0.6, periods - 0.4
        self.low, self.high = values

    def x(self, place: float) -> float:
        share = (place - self.first) / (self.last - self.first)
        return _LEFT + share * (_RIGHT - _LEFT)

    def y(self, value: float) -> float:
        share = (value - self.low) / (self.high - self.low)
        return _BOTTOM - share * (_BOTTOM - _TOP)

    def y_ticks(self) -> list[float]:
        """Round values, five or so, within the range."""
        step = _nice_step((self.high - self.low) / 5)
        tick = math.ceil(self.low / step) * step
        ticks = []
        while tick <= self.high + step * 1e-9:
            ticks.append(round(tick, 12) + 0.0)
            tick += step
        return ticks


def _nice_step(rough: float) -> float:
    power = 10.0 ** math.floor(math.log10(rough))
    for factor in (1, 2, 2.5, 5, 10):
        if rough <= factor * power:
            return float(factor * power)
    return 10.0 * power


def _value_range(found: Timeline) -> tuple[float, float]:
    """The values charted, low and high ends of ranges too, with a margin of 5 %."""
    ends = [p.value for p in found.points]
    ends += [p.low for p in found.points if p.low is not None]
    ends += [p.high for p in found.points if p.high is not None]
    ends = [v for v in ends if math.isfinite(v)] or [0.0]
    low, high = min(ends), max(ends)
    margin = (high - low) * 0.05 or max(abs(high) * 0.05, 1.0)
    return low - margin, high + margin


def _marker(shape: int, x: float, y: float, colour: str) -> str:
    """A mark of one of eight shapes (as MARKERS names them), 6 points across."""
    r = 3.0
    paths = (
        f"M{x - r:.1f} {y:.1f}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0z",  # circle
        f"M{x - r:.1f} {y - r:.1f}h{2 * r}v{2 * r}h{-2 * r}z",  # square
        f"M{x:.1f} {y - r:.1f}l{r} {2 * r}h{-2 * r}z",  # triangle up
        f"M{x:.1f} {y - r:.1f}l{r} {r}l{-r} {r}l{-r} {-r}z",  # diamond
        f"M{x:.1f} {y + r:.1f}l{r} {-2 * r}h{-2 * r}z",  # triangle down
        f"M{x - 1:.1f} {y - r:.1f}h2v2h2v2h-2v2h-2v-2h-2v-2h2z",  # plus
        f"M{x - r:.1f} {y - r:.1f}l{2 * r} {2 * r}M{x - r:.1f} {y + r:.1f}l{2 * r} {-2 * r}",  # x
        f"M{x:.1f} {y - r:.1f}l1 2h2l-1.6 1.4l0.6 2.6l-2 -1.4l-2 1.4l0.6 -2.6l-1.6 -1.4h2z",  # *
    )
    width = ' stroke-width="1.5"' if shape == 6 else ""
    return f'<path d="{paths[shape]}" fill="{colour}" stroke="{colour}"{width}/>'


def _text(x: float, y: float, text: str, *, size: int, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}">'
        f"{_escape(text)}</text>"
    )


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
