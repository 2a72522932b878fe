"""The site's timeline chart, written as SVG without matplotlib."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from factbase.analysis.series import Period, Reading, Series
from factbase.interchange.site.charts import stance_colours, timeline
from factbase.interchange.site.content import Timeline, TimelinePoint
from factbase.text.dates import PartialDate


def _timeline() -> Timeline:
    periods = [
        Period(PartialDate.from_iso("2021"), (Reading("80 %", ("A",), (1,)),), None),
        Period(
            PartialDate.from_iso("2022"),
            (Reading("40 %", ("B",), (2,)), Reading("80 %", ("A",), (3, 4))),
            "40 % vs 80 %",
        ),
    ]
    points = [
        TimelinePoint(1, 0, 80.0, 70.0, 90.0, "A", "neutral"),
        TimelinePoint(2, 1, 40.0, None, None, "B", "pro-<western>"),
        TimelinePoint(3, 1, 80.0, 70.0, 90.0, "A", "neutral"),
        TimelinePoint(4, 1, 80.0, 70.0, 90.0, "C", "neutral"),  # the same mark as claim 3
        TimelinePoint(5, 0, 50.0, 50.0, 50.0, "D", "neutral"),  # exact: a mark, no range
    ]
    return Timeline(Series("CPC & partners", "share", periods), "%", points)


def test_a_timeline_is_well_formed_svg_with_its_marks_legend_and_disagreement() -> None:
    found = _timeline()
    svg = timeline("timeline-0", found, stance_colours(["neutral", "pro-<western>"]))
    root = ET.fromstring(svg)  # well formed, names escaped
    assert root.get("aria-label") == "CPC & partners · share: values by period"
    texts = [element.text for element in root.iter("text")]
    assert {"neutral", "pro-<western>", "disagree", "2021", "2022", "%"} <= set(texts)
    assert texts.count("disagree") == 1  # only 2022's reports disagree
    # Four marks (claims 3 and 4 say one value of one period for one stance), a range bar
    # for each 70–90 % and none for the exact 50 %, and a legend mark per stance.
    marks = [p for p in root.iter("path") if p.get("fill", "none") not in ("none",)]
    assert len(marks) == 4 + 2
    assert len(re.findall(r"h6[M\"]", svg)) == 2 * 2  # two range bars, two caps each


def test_higher_values_are_drawn_higher() -> None:
    found = _timeline()
    svg = timeline("t", found, stance_colours(["neutral", "pro-<western>"]))
    root = ET.fromstring(svg)
    colours = stance_colours(["neutral", "pro-<western>"])

    def heights(colour: str) -> list[float]:
        found = []
        for path in root.iter("path"):
            if path.get("fill") == colour:
                numbers = re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))
                found.append(float(numbers[1]))
        return found

    eighty = min(heights(colours["neutral"])[:-1])  # the last is the legend's
    forty = heights(colours["pro-<western>"])[0]
    assert eighty < forty  # SVG's y grows downwards
