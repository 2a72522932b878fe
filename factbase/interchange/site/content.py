"""What the pages of `factbase report --html` show, read from the database.

Every list is in a fixed order (ids, names, counts with ids to break ties), so that the
same database gives the same pages. Lists that grow with the database are capped; each
page says how many of how many it shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from factbase.analysis.corroboration import CorroborationIndex
from factbase.analysis.reports import Report, ReportFilter, build_report, report_scope
from factbase.analysis.series import Series
from factbase.catalog.source_texts import claim_quote_context
from factbase.claims.query import retracted_ids
from factbase.store.models import Claim, ClaimLink, Conflict, Outlet, Source, Stance

# Caps that keep the site a few tens of megabytes at 100k claims; each page that hits one
# says so. Claim pages are the bulk (a few kB each).
CLAIM_PAGES = 2_000
CONFLICTS = 2_000
CONTESTED = 200
TIMELINES = 60
LATEST_DECISIONS = 10
_CHUNK = 500
# Rows fetched at a time where a query streams every claim.
_ROWS = 2000
# Claims whose verdicts are looked up at a time when every claim in scope is: 2,000
# lookups of 500 at 1M cost seconds in queries alone; both SQLite (32,766) and PostgreSQL
# (65,535) take this many parameters.
_LOOKUP = 10_000

# Verdicts (fact-check rulings) are kept by another part of factbase: a lookup from claim
# ids to the verdict on each claim that has one. Without one, pages show none.
VerdictLookup = Callable[[Session, Sequence[int]], Mapping[int, str]]


def no_verdicts(session: Session, claim_ids: Sequence[int]) -> Mapping[int, str]:
    return {}


@dataclass(frozen=True)
class ClaimCard:
    """A claim as the pages show it: what was said, by whom, where and when."""

    id: int
    key: str | None
    statement: str
    quote: str | None
    speaker: str | None
    subject: str | None
    property: str | None
    value: str | None
    language: str | None
    status: str
    published: str | None
    source_title: str
    url: str | None
    outlet: str
    stance: str


@dataclass(frozen=True)
class ConflictRow:
    id: int
    kind: str
    cause: str
    status: str
    explanation: str
    note: str | None
    decided_at: str | None
    a: int
    b: int


@dataclass
class ContestedFact:
    claim: int
    statement: str
    subject: str | None
    property: str | None
    origins: int
    disputing_origins: int
    asserting_stances: list[str]
    disputing_stances: list[str]
    asserting: list[int]
    disputing: list[int]


@dataclass(frozen=True)
class TimelinePoint:
    claim: int
    period: int  # the period's place in the timeline
    value: float
    low: float | None
    high: float | None
    outlet: str
    stance: str


@dataclass
class Timeline:
    series: Series
    unit: str | None
    points: list[TimelinePoint]

    @property
    def claims(self) -> list[int]:
        return sorted({c for p in self.series.periods for r in p.readings for c in r.claims})


@dataclass
class SiteContent:
    where: ReportFilter
    report: Report
    stances: list[str]
    claims_by_language: list[tuple[str, int]]
    conflicts_by: list[tuple[str, str, str, int]]  # kind, cause, status, conflicts
    conflicts_total: int
    conflicts: list[ConflictRow]
    latest_decisions: list[ConflictRow]
    contested: list[ContestedFact]
    contested_total: int
    timelines: list[Timeline]
    timelines_total: int
    paged: list[int]  # the claims with a page, in id order
    cards: dict[int, ClaimCard]
    verdicts: Mapping[int, str]
    # outlet name -> (verdict, claims) for its claims in scope with a verdict.
    track_record: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    links: dict[int, list[tuple[str, int]]] = field(default_factory=dict)
    contexts: dict[int, tuple[str, str, str]] = field(default_factory=dict)


def _in_scope(claim_id: Any, scope: Select[Any] | None) -> ColumnElement[bool]:
    condition: ColumnElement[bool] = (
        claim_id.in_(scope) if scope is not None else claim_id.is_not(None)
    )
    return condition


def _conflicts_where(scope: Select[Any] | None) -> ColumnElement[bool]:
    """Conflicts with a claim in scope on a side and no retracted claim on either."""
    return and_(
        or_(_in_scope(Conflict.claim_a_id, scope), _in_scope(Conflict.claim_b_id, scope)),
        Conflict.claim_a_id.not_in(retracted_ids()),
        Conflict.claim_b_id.not_in(retracted_ids()),
    )


_CONFLICT_COLUMNS = (
    Conflict.id,
    Conflict.kind,
    Conflict.cause,
    Conflict.status,
    Conflict.explanation,
    Conflict.note,
    Conflict.decided_at,
    Conflict.claim_a_id,
    Conflict.claim_b_id,
)


def _conflict_rows(
    session: Session, where: ColumnElement[bool], order: Sequence[Any], limit: int
) -> list[ConflictRow]:
    query = select(*_CONFLICT_COLUMNS).where(where).order_by(*order).limit(limit)
    return [
        ConflictRow(
            row.id,
            row.kind,
            row.cause,
            row.status,
            row.explanation,
            row.note,
            row.decided_at.strftime("%Y-%m-%d %H:%M") if row.decided_at else None,
            row.claim_a_id,
            row.claim_b_id,
        )
        for row in session.execute(query)
    ]


def claim_cards(session: Session, claim_ids: Iterable[int]) -> dict[int, ClaimCard]:
    ids = sorted(set(claim_ids))
    found: dict[int, ClaimCard] = {}
    for start in range(0, len(ids), _CHUNK):
        query = (
            select(
                Claim.id,
                Claim.key,
                Claim.statement,
                Claim.quote,
                Claim.speaker,
                Claim.subject,
                Claim.property_name,
                Claim.value_text,
                Claim.language,
                Claim.status,
                Source.published,
                Source.title,
                Source.url,
                Outlet.name,
                Outlet.stance,
            )
            .join(Source, Source.id == Claim.source_id)
            .join(Outlet, Outlet.id == Source.outlet_id)
            .where(Claim.id.in_(ids[start : start + _CHUNK]))
        )
        for row in session.execute(query):
            found[row.id] = ClaimCard(
                id=row.id,
                key=row.key,
                statement=row.statement,
                quote=row.quote,
                speaker=row.speaker,
                subject=row.subject,
                property=row.property_name,
                value=row.value_text,
                language=row.language,
                status=row.status,
                published=row.published.isoformat() if row.published else None,
                source_title=row.title,
                url=row.url,
                outlet=row.name,
                stance=row.stance,
            )
    return found


def _contested(
    session: Session, report: Report, index: CorroborationIndex
) -> tuple[list[ContestedFact], int]:
    rows = report.table("contested").rows
    shown = rows[:CONTESTED]
    found = index.corroborations(row["claim"] for row in shown)
    facts = []
    for row in shown:
        corroboration = found[row["claim"]]
        facts.append(
            ContestedFact(
                row["claim"],
                row["statement"],
                row["subject"],
                row["property"],
                row["origins"],
                row["disputing_origins"],
                list(row["asserting_stances"]),
                list(row["disputing_stances"]),
                sorted(corroboration.cluster),
                sorted(corroboration.disputing_claims),
            )
        )
    return facts, len(rows)


def _timelines(session: Session, every: list[Series]) -> tuple[list[Timeline], int]:
    """The series (``every``, the report's) with figures in more than one period (the
    most claims first, up to :data:`TIMELINES`, then in subject order), and how many there
    are."""
    ids = {c for s in every for p in s.periods for r in p.readings for c in r.claims}
    # Only a figure that is not denied can be a point: those are read in one pass over the
    # claims, not every series claim by id 500 at a time (1,600 queries at 1M claims).
    query = (
        select(
            Claim.id,
            Claim.value_num,
            Claim.value_low,
            Claim.value_high,
            Claim.value_unit,
            Claim.polarity,
            Outlet.name,
            Outlet.stance,
        )
        .join(Source, Source.id == Claim.source_id)
        .join(Outlet, Outlet.id == Source.outlet_id)
        .where(Claim.value_num.is_not(None))
    )
    values: dict[int, tuple[Any, ...]] = {
        row[0]: tuple(row[1:])
        for row in session.connection().execute(query.execution_options(yield_per=_ROWS))
        if row[0] in ids and row[5] != "denied"
    }
    found = []
    for series in every:
        dated = [p for p in series.periods if p.period is not None]
        members = [
            (place, claim_id)
            for place, period in enumerate(dated)
            for reading in period.readings
            for claim_id in reading.claims
            if claim_id in values
        ]
        units = Counter(values[c][3] for _, c in members)
        unit = min(units, key=lambda u: (-units[u], u or "")) if units else None
        points = [
            TimelinePoint(c, place, values[c][0], values[c][1], values[c][2], *values[c][5:])
            for place, c in members
            if values[c][3] == unit
        ]
        if len({point.period for point in points}) > 1:
            found.append(Timeline(series, unit, points))
    chosen = sorted(range(len(found)), key=lambda n: (-len(found[n].points), n))[:TIMELINES]
    return [found[n] for n in sorted(chosen)], len(found)


def gather(
    session: Session,
    where: ReportFilter,
    verdicts: VerdictLookup = no_verdicts,
    report: Report | None = None,
) -> SiteContent:
    """Everything the site shows for the claims ``where`` selects (``report``: its report,
    when already built)."""
    if report is None:
        report = build_report(session, where)
    scope = report_scope(session, where)
    index = CorroborationIndex(session)
    stances = sorted(session.scalars(select(Stance.name)))
    language = func.coalesce(Claim.language, "")
    by_language = [
        (lang or "(unknown)", int(n))
        for lang, n in session.execute(
            select(language, func.count())
            .where(_in_scope(Claim.id, scope), Claim.id.not_in(retracted_ids()))
            .group_by(language)
            .order_by(func.count().desc(), language)
        )
    ]
    conflicts_where = _conflicts_where(scope)
    conflicts_by = [
        (kind, cause, status, int(n))
        for kind, cause, status, n in session.execute(
            select(Conflict.kind, Conflict.cause, Conflict.status, func.count())
            .where(conflicts_where)
            .group_by(Conflict.kind, Conflict.cause, Conflict.status)
            .order_by(Conflict.kind, Conflict.cause, Conflict.status)
        )
    ]
    conflicts = _conflict_rows(session, conflicts_where, [Conflict.id], CONFLICTS)
    latest = _conflict_rows(
        session,
        and_(conflicts_where, Conflict.decided_at.is_not(None)),
        [Conflict.decided_at.desc(), Conflict.id.desc()],
        LATEST_DECISIONS,
    )
    contested, contested_total = _contested(session, report, index)
    timelines, timelines_total = _timelines(session, report.series)
    wanted: dict[int, None] = {}
    for conflict in (*conflicts, *latest):
        wanted.update({conflict.a: None, conflict.b: None})
    for fact in contested:
        wanted.update(dict.fromkeys((*fact.asserting, *fact.disputing)))
    for timeline in timelines:
        wanted.update(dict.fromkeys(timeline.claims))
    # Pages for claims in scope only: a conflict's other side may be outside it, and is
    # shown where it is quoted, without a page.
    live = Claim.id.not_in(retracted_ids())
    ordered = list(wanted)
    in_scope: set[int] = set()
    for start in range(0, len(ordered), _CHUNK):
        chunk = ordered[start : start + _CHUNK]
        query = select(Claim.id).where(Claim.id.in_(chunk), _in_scope(Claim.id, scope), live)
        in_scope.update(session.scalars(query))
    paged = [claim_id for claim_id in ordered if claim_id in in_scope][:CLAIM_PAGES]
    if len(paged) < CLAIM_PAGES:
        more = (
            select(Claim.id)
            .where(_in_scope(Claim.id, scope), live)
            .order_by(Claim.id)
            .limit(CLAIM_PAGES + len(paged))
        )
        for claim_id in session.scalars(more):
            if len(paged) >= CLAIM_PAGES:
                break
            if claim_id not in in_scope:
                paged.append(claim_id)
    paged.sort()
    cards = claim_cards(session, set(wanted) | set(paged))
    content = SiteContent(
        where,
        report,
        stances,
        by_language,
        conflicts_by,
        sum(row[3] for row in conflicts_by),
        conflicts,
        latest,
        contested,
        contested_total,
        timelines,
        timelines_total,
        paged,
        cards,
        verdicts(session, sorted(cards)),
    )
    if verdicts is not no_verdicts:
        content.track_record = _track_record(session, scope, verdicts)
    _claim_details(session, content)
    return content


def _track_record(
    session: Session, scope: Select[Any] | None, verdicts: VerdictLookup
) -> dict[str, list[tuple[str, int]]]:
    """The verdicts on each outlet's claims in scope, counted, most frequent first."""
    ids = (
        session.connection()
        .execute(
            select(Claim.id)
            .where(_in_scope(Claim.id, scope), Claim.id.not_in(retracted_ids()))
            .order_by(Claim.id)
        )
        .scalars()
        .all()
    )
    counts: dict[str, Counter[str]] = {}
    for start in range(0, len(ids), _LOOKUP):
        found = verdicts(session, ids[start : start + _LOOKUP])
        if not found:
            continue
        query = (
            select(Claim.id, Outlet.name)
            .join(Source, Source.id == Claim.source_id)
            .join(Outlet, Outlet.id == Source.outlet_id)
            .where(Claim.id.in_(sorted(found)))
        )
        for claim_id, outlet in session.execute(query):
            counts.setdefault(outlet, Counter())[found[claim_id]] += 1
    return {
        outlet: sorted(counted.items(), key=lambda item: (-item[1], item[0]))
        for outlet, counted in counts.items()
    }


def _claim_details(session: Session, content: SiteContent) -> None:
    """The links and the article context of each claim with a page."""
    paged = content.paged
    for start in range(0, len(paged), _CHUNK):
        chunk = paged[start : start + _CHUNK]
        query = (
            select(ClaimLink.claim_a_id, ClaimLink.claim_b_id, ClaimLink.kind)
            .where(or_(ClaimLink.claim_a_id.in_(chunk), ClaimLink.claim_b_id.in_(chunk)))
            .order_by(ClaimLink.id)
        )
        for a, b, kind in session.execute(query):
            content.links.setdefault(a, []).append((kind, b))
            content.links.setdefault(b, []).append((kind, a))
        with_text = select(Claim).where(Claim.id.in_(chunk), Claim.quote_start.is_not(None))
        for claim in session.scalars(with_text):
            context = claim_quote_context(session, claim)
            if context is not None:
                content.contexts[claim.id] = (context.before, context.quote, context.after)
    missing = {other for found in content.links.values() for _, other in found}
    content.cards.update(claim_cards(session, missing - set(content.cards)))
