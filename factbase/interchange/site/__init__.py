"""`factbase report --html DIR`: the report as a static site, readable from disk.

:func:`build_site` reads what the pages show (:mod:`.content`), draws the charts as SVG
(:mod:`.charts`), fills the Jinja2 templates (autoescaped: claim text is untrusted) and
writes the whole directory at once (:func:`factbase.interchange.outputs.atomic_directory`).
The stylesheet and script are files of this package, copied into the site; nothing is
fetched from the network when it is built or read.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from factbase.analysis.reports import Report, ReportFilter
from factbase.interchange.outputs import atomic_directory
from factbase.interchange.site import charts
from factbase.interchange.site.content import (
    CLAIM_PAGES,
    CONFLICTS,
    CONTESTED,
    TIMELINES,
    SiteContent,
    VerdictLookup,
    gather,
    no_verdicts,
)

__all__ = ["SiteSummary", "build_site"]

HERE = Path(__file__).parent
PAGES = ("index", "contested", "conflicts", "timelines", "outlets", "claims")
STATIC = ("site.css", "site.js")


@dataclass(frozen=True)
class SiteSummary:
    directory: Path
    pages: int
    claims: int


def _environment() -> Any:
    # Late import: Jinja2 loads only when a site is built.
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _charts(content: SiteContent, colours: dict[str, str]) -> dict[str, Any]:
    report = content.report
    by_stance = report.table("claims_by_topic_stance").rows
    topics = sorted({row["topic"] for row in by_stance})
    stances = sorted({row["stance"] for row in by_stance})
    counts = {(row["topic"], row["stance"]): row["claims"] for row in by_stance}
    outlets = report.table("outlets").rows[:40]
    return {
        "heatmap": charts.heatmap("heatmap", topics, stances, counts) if counts else None,
        "languages": charts.bars(
            "languages",
            "Claims per language",
            [(lang, n, charts.PALETTE[0]) for lang, n in content.claims_by_language],
        )
        if content.claims_by_language
        else None,
        "outlets": charts.bars(
            "outlets",
            "Claims per outlet, coloured by stance",
            [
                (f"{r['outlet']} ({r['stance']})", r["claims"], colours[r["stance"]])
                for r in outlets
            ],
        )
        if outlets
        else None,
        "timelines": [
            charts.timeline(f"timeline-{n}", timeline, colours) if timeline.points else None
            for n, timeline in enumerate(content.timelines)
        ],
    }


def build_site(
    session: Session,
    where: ReportFilter,
    directory: Path,
    *,
    now: datetime,
    verdicts: VerdictLookup = no_verdicts,
    report: Report | None = None,
) -> SiteSummary:
    """Write the site for the claims ``where`` selects into ``directory`` (new, or an
    earlier site, swapped out whole). ``now`` is the one line that differs between two
    builds of the same database. ``report``, when given, is the report of ``where``
    already built."""
    content = gather(session, where, verdicts, report)
    colours = charts.stance_colours(content.stances)
    environment = _environment()
    shared = {
        "c": content,
        "colours": colours,
        "charts": _charts(content, colours),
        "caps": {
            "claims": CLAIM_PAGES,
            "conflicts": CONFLICTS,
            "contested": CONTESTED,
            "timelines": TIMELINES,
        },
        "paged": set(content.paged),
        "filters": {k: v for k, v in vars(where).items() if v},
        "generated": now.strftime("%Y-%m-%d %H:%M UTC"),
    }
    conflicts_of: dict[int, list[Any]] = {}
    for conflict in content.conflicts:
        conflicts_of.setdefault(conflict.a, []).append(conflict)
        conflicts_of.setdefault(conflict.b, []).append(conflict)
    shared["conflicts_of"] = conflicts_of
    names = {f"{page}.html" for page in PAGES} | {"claim", "static"}
    pages = 0
    with atomic_directory(directory, names) as part:
        for page in PAGES:
            template = environment.get_template(f"{page}.html")
            text = template.render(shared, page=page, root="")
            (part / f"{page}.html").write_text(text, encoding="utf-8")
            pages += 1
        (part / "claim").mkdir()
        template = environment.get_template("claim.html")
        for claim_id in content.paged:
            text = template.render(shared, page="claim", root="../", claim=claim_id)
            (part / "claim" / f"{claim_id}.html").write_text(text, encoding="utf-8")
            pages += 1
        (part / "static").mkdir()
        for name in STATIC:
            shutil.copyfile(HERE / "static" / name, part / "static" / name)
    return SiteSummary(Path(directory), pages, content.report.claims)
