"""`factbase report`: what the database says, in tables an editor can publish.

Each table is computed with grouped SQL or, where corroboration is involved,
from the same/supports clusters (:class:`~factbase.analysis.corroboration.CorroborationIndex`),
never claim by claim. The filters (:class:`ReportFilter`: topic, since, until, stance,
language) narrow every table to the claims a listing with them gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, func, or_, select, true, union_all
from sqlalchemy.orm import Session, aliased

from factbase.analysis.corroboration import (
    DISPUTING_STATUSES,
    CorroborationIndex,
    Evidence,
    citations,
    count_origins,
    evidence_of,
    origin_groups,
)
from factbase.analysis.series import Series, every_series
from factbase.analysis.track_records import TRACK_RECORD_COLUMNS, track_records
from factbase.catalog.topics import descendant_ids, get_topic
from factbase.claims.filter import ClaimFilter, Sort
from factbase.claims.query import claims_query, retracted_ids
from factbase.store.memory import collector_paused
from factbase.store.models import Claim, ClaimLink, ClaimTopic, Conflict, Outlet, Source, Topic

NO_TOPIC = "(none)"
NO_LANGUAGE = "(unknown)"


@dataclass
class ReportFilter:
    topic: str | None = None
    since: str | None = None
    until: str | None = None
    stance: str | None = None
    language: str | None = None

    def claim_filter(self) -> ClaimFilter:
        """The claim listing's filter for the same claims, every one of them."""
        return ClaimFilter(
            topic=self.topic,
            since=self.since,
            until=self.until,
            stance=self.stance,
            language=self.language,
            limit=None,
            sort=Sort.ID,
        )

    def any(self) -> bool:
        return any((self.topic, self.since, self.until, self.stance, self.language))


@dataclass
class ReportTable:
    name: str  # also the CSV file's name: claims_by_topic_stance.csv
    title: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Report:
    filter: ReportFilter
    claims: int
    tables: list[ReportTable]
    # The series the `series` table lists, whole: what the site's timelines chart.
    series: list[Series] = field(default_factory=list)

    def table(self, name: str) -> ReportTable:
        return next(t for t in self.tables if t.name == name)


def report_scope(session: Session, where: ReportFilter) -> Select[Any] | None:
    """The ids of the claims the report is about; None for every claim.

    Retracted claims are left out (as from every listing): the scope is None only when
    there are none."""
    if not where.any() and session.scalar(retracted_ids().limit(1)) is None:
        return None
    query = claims_query(session, where.claim_filter())
    return query.with_only_columns(Claim.id).order_by(None)


def _within(claim_id: Any, scope: Select[Any] | None) -> ColumnElement[bool]:
    return true() if scope is None else claim_id.in_(scope)


def _live(*claim_ids: Any) -> ColumnElement[bool]:
    """None of ``claim_ids`` retracted: a conflict or dispute with a retracted claim
    on either side is left out, as `factbase conflicts` leaves it out."""
    return and_(*(claim_id.not_in(retracted_ids()) for claim_id in claim_ids))


def _topic_ids(session: Session, where: ReportFilter) -> set[int] | None:
    if not where.topic:
        return None

    return descendant_ids(session, get_topic(session, where.topic))


def _claims_by_topic(
    session: Session, scope: Select[Any] | None, topics: set[int] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Claims per topic and stance, and per topic and language, from one grouped pass.

    A claim is joined once with each of its topics (or once with none), so counting
    rows counts claims: no DISTINCT, and one read of the claims serves both tables.
    """
    # Grouped by ids, named after: SQLite then joins neither topic nor outlet per claim.
    condition: ColumnElement[bool] = ClaimTopic.claim_id == Claim.id
    if topics is not None:
        condition = and_(condition, ClaimTopic.topic_id.in_(topics))
    query = (
        select(ClaimTopic.topic_id, Source.outlet_id, Claim.language, func.count())
        .select_from(Claim)
        .join(Source, Claim.source_id == Source.id)
        .outerjoin(ClaimTopic, condition)
        .where(_within(Claim.id, scope))
        .group_by(ClaimTopic.topic_id, Source.outlet_id, Claim.language)
    )
    slugs = {row.id: row.slug for row in session.execute(select(Topic.id, Topic.slug))}
    stances = {row.id: row.stance for row in session.execute(select(Outlet.id, Outlet.stance))}
    by_stance: dict[tuple[str, str], int] = {}
    by_language: dict[tuple[str, str], int] = {}
    for topic_id, outlet_id, language, n in session.connection().execute(query):
        topic = slugs.get(topic_id) or NO_TOPIC
        stance = stances[outlet_id]
        by_stance[topic, stance] = by_stance.get((topic, stance), 0) + int(n)
        key = (topic, language or NO_LANGUAGE)
        by_language[key] = by_language.get(key, 0) + int(n)
    return _by_topic(by_stance, "stance"), _by_topic(by_language, "language")


def _by_topic(counts: dict[tuple[str, str], int], name: str) -> list[dict[str, Any]]:
    rows = [{"topic": topic, name: value, "claims": n} for (topic, value), n in counts.items()]
    return sorted(rows, key=lambda r: (r["topic"] == NO_TOPIC, r["topic"], -r["claims"], r[name]))


def _conflicts_by(
    session: Session, scope: Select[Any] | None, topics: set[int] | None
) -> list[dict[str, Any]]:
    in_scope = and_(
        or_(_within(Conflict.claim_a_id, scope), _within(Conflict.claim_b_id, scope)),
        _live(Conflict.claim_a_id, Conflict.claim_b_id),
    )
    condition: ColumnElement[bool] = or_(
        ClaimTopic.claim_id == Conflict.claim_a_id, ClaimTopic.claim_id == Conflict.claim_b_id
    )
    if topics is not None:
        condition = and_(condition, ClaimTopic.topic_id.in_(topics))
    query = (
        select(
            Topic.slug,
            Conflict.kind,
            Conflict.cause,
            Conflict.status,
            func.count(distinct(Conflict.id)),
        )
        .select_from(Conflict)
        .outerjoin(ClaimTopic, condition)
        .outerjoin(Topic, Topic.id == ClaimTopic.topic_id)
        .where(in_scope)
        .group_by(Topic.slug, Conflict.kind, Conflict.cause, Conflict.status)
    )
    rows = [
        {"topic": slug or NO_TOPIC, "kind": kind, "cause": cause, "status": status, "conflicts": n}
        for slug, kind, cause, status, n in session.execute(query)
    ]
    return sorted(
        rows, key=lambda r: (r["topic"] == NO_TOPIC, r["topic"], r["kind"], r["cause"], r["status"])
    )


def _dispute_edges(scope: Select[Any] | None) -> Select[Any]:
    """Every dispute touching the scope, once from each side with a claim in scope on the
    left, ordered by claim: (claim, its stance, the other claim, the other's stance, the
    other's source, outlet, language, speaker id, speaker key and quote, the claim's
    statement, subject and property).

    The other claim's fields make its report (for counting the disputers' origins), so
    that no claim is read a second time by id."""
    sides = []
    for a, b, disputing in (
        (ClaimLink.claim_a_id, ClaimLink.claim_b_id, ClaimLink.kind == "contradicts"),
        (Conflict.claim_a_id, Conflict.claim_b_id, Conflict.status.in_(DISPUTING_STATUSES)),
    ):
        for claim_id, other_id in ((a, b), (b, a)):
            sides.append(
                select(claim_id.label("claim_id"), other_id.label("other_id")).where(
                    disputing, _within(claim_id, scope), _live(claim_id, other_id)
                )
            )
    edges = union_all(*sides).subquery("dispute")
    own, other = aliased(Claim), aliased(Claim)
    own_source, other_source = aliased(Source), aliased(Source)
    own_outlet, other_outlet = aliased(Outlet), aliased(Outlet)
    return (
        select(
            edges.c.claim_id,
            own_outlet.stance,
            edges.c.other_id,
            other_outlet.stance,
            other.source_id,
            other_source.outlet_id,
            other.language,
            other.speaker_id,
            other.speaker_key,
            other.quote,
            own.statement,
            own.subject,
            own.property_name,
        )
        .join(own, own.id == edges.c.claim_id)
        .join(own_source, own_source.id == own.source_id)
        .join(own_outlet, own_outlet.id == own_source.outlet_id)
        .join(other, other.id == edges.c.other_id)
        .join(other_source, other_source.id == other.source_id)
        .join(other_outlet, other_outlet.id == other_source.outlet_id)
        .order_by(edges.c.claim_id)
    )


@dataclass
class _Contested:
    """A cluster (or a lone claim) before its disputers' origins are counted."""

    claim: int
    reports: int
    origins: int
    asserting_stances: list[str]
    disputing_claims: list[int]
    disputing_stances: list[str]
    # Filled from the dispute edges for a lone claim; read by id for a cluster.
    about: tuple[Any, ...] | None = None  # statement, subject, property
    disputing_origins: int | None = None


# Lone contested claims whose disputers' origins are counted together: their sources'
# citations are read in one go, and their disputers' fields are let go after.
_ORIGIN_BATCH = 2000
# Dispute edges fetched at a time, as plain Core rows: the ORM's rows cost more than the
# grouping, and holding every edge's fields at once costs memory at 1M claims.
_EDGE_ROWS = 2000


def _lone_contested(
    session: Session, scope: Select[Any] | None, index: CorroborationIndex
) -> tuple[list[_Contested], set[int]]:
    """Contested claims in no cluster, and the clusters' representatives that are disputed.

    A claim in no same/supports cluster is one report, one origin, its own stance: it is
    contested when a claim disputing it has another stance, which the dispute edges
    (read once, in claim order) tell, with the disputers' reports, without reading any
    claim by id.
    """
    found: list[_Contested] = []
    clustered: set[int] = set()
    pending: list[tuple[_Contested, list[Any]]] = []
    rows = session.connection().execute(
        _dispute_edges(scope).execution_options(yield_per=_EDGE_ROWS)
    )
    for claim_id, group in groupby(rows, key=lambda row: row[0]):
        edges = list(group)
        if claim_id in index.cluster_of:
            clustered.add(min(index.cluster_of[claim_id]))
        for edge in edges:
            if edge[2] in index.cluster_of:
                clustered.add(min(index.cluster_of[edge[2]]))
        if claim_id in index.cluster_of:
            continue
        stance = edges[0][1]
        against = {edge[2]: edge for edge in edges}
        stances = {edge[3] for edge in edges}
        if not stances - {stance}:
            continue
        item = _Contested(
            claim_id, 1, 1, [stance], sorted(against), sorted(stances), about=tuple(edges[0][10:])
        )
        found.append(item)
        if len(against) == 1:
            item.disputing_origins = 1
            continue
        pending.append((item, list(against.values())))
        if len(pending) >= _ORIGIN_BATCH:
            _count_disputing_origins(session, pending)
            pending = []
    _count_disputing_origins(session, pending)
    return found, clustered


def _count_disputing_origins(session: Session, pending: list[tuple[_Contested, list[Any]]]) -> None:
    """Count, for each contested claim, the independent origins among its disputers."""
    cites = citations(session, (edge[4] for _, edges in pending for edge in edges))
    reports: dict[int, Evidence] = {}
    for item, edges in pending:
        for edge in edges:
            other_id = edge[2]
            if other_id not in reports:
                _, _, _, stance, source_id, outlet_id, language, speaker_id, speaker_key, quote = (
                    edge[:10]
                )
                reports[other_id] = evidence_of(
                    other_id, outlet_id, stance, language, speaker_id, speaker_key, quote,
                    cites.get(source_id, ()),
                )  # fmt: skip
        item.disputing_origins = count_origins(reports[edge[2]] for edge in edges)


def _clustered_in_scope(
    session: Session, scope: Select[Any] | None, index: CorroborationIndex
) -> set[int]:
    clustered = sorted(index.cluster_of)
    if scope is None:
        return set(clustered)
    in_scope: set[int] = set()
    for start in range(0, len(clustered), index.CHUNK):
        chunk = clustered[start : start + index.CHUNK]
        in_scope.update(
            session.scalars(select(Claim.id).where(Claim.id.in_(chunk), Claim.id.in_(scope)))
        )
    return in_scope


def _contested(
    session: Session, scope: Select[Any] | None, index: CorroborationIndex, clustered: set[int]
) -> list[dict[str, Any]]:
    """Clusters asserted by outlets of one stance and disputed by outlets of another.

    ``clustered`` holds the claims in scope that are in a cluster.
    """
    candidates, representatives = _lone_contested(session, scope, index)
    for claim_id, c in index.corroborations(sorted(representatives)).items():
        if (
            c.disputing_stances
            and set(c.disputing_stances) - set(c.asserting_stances)
            and clustered.intersection(c.cluster)
        ):
            candidates.append(
                _Contested(
                    claim_id,
                    c.reports,
                    c.origins,
                    c.asserting_stances,
                    c.disputing_claims,
                    c.disputing_stances,
                )
            )
    rows = []
    # A few thousand at a time, so that the reports read to count origins are not all kept.
    step = 4 * index.CHUNK
    for start in range(0, len(candidates), step):
        chunk = candidates[start : start + step]
        unread = [item for item in chunk if item.about is None]
        several = {
            m for item in unread if len(item.disputing_claims) > 1 for m in item.disputing_claims
        }
        reports = index.reports(several) if several else {}
        about = _about(session, [item.claim for item in unread], index.CHUNK)
        for item in chunk:
            disputing = item.disputing_claims
            origins = item.disputing_origins
            if origins is None:
                origins = count_origins(reports[m] for m in disputing) if len(disputing) > 1 else 1
            statement, subject, property_name = item.about or about[item.claim]
            rows.append(
                {
                    "claim": item.claim,
                    "statement": statement,
                    "subject": subject,
                    "property": property_name,
                    "reports": item.reports,
                    "origins": item.origins,
                    "asserting_stances": item.asserting_stances,
                    "disputing_claims": len(disputing),
                    "disputing_origins": origins,
                    "disputing_stances": item.disputing_stances,
                }
            )
    return sorted(rows, key=lambda r: (-r["origins"], -r["disputing_origins"], r["claim"]))


def _about(session: Session, claim_ids: list[int], chunk: int) -> dict[int, tuple[Any, ...]]:
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(claim_ids), chunk):
        query = select(Claim.id, Claim.statement, Claim.subject, Claim.property_name).where(
            Claim.id.in_(claim_ids[start : start + chunk])
        )
        found.update((row[0], tuple(row[1:])) for row in session.execute(query))
    return found


def _conflict_counts(session: Session, scope: Select[Any] | None) -> dict[int, int]:
    """outlet id -> conflicts (not dismissed) with one of its claims in scope on a side."""
    sides = union_all(
        *(
            select(Conflict.id.label("conflict_id"), side.label("claim_id")).where(
                Conflict.status != "dismissed",
                _within(side, scope),
                _live(Conflict.claim_a_id, Conflict.claim_b_id),
            )
            for side in (Conflict.claim_a_id, Conflict.claim_b_id)
        )
    ).subquery("side")
    query = (
        select(Source.outlet_id, func.count(distinct(sides.c.conflict_id)))
        .select_from(sides)
        .join(Claim, Claim.id == sides.c.claim_id)
        .join(Source, Source.id == Claim.source_id)
        .group_by(Source.outlet_id)
    )
    return {outlet_id: int(n) for outlet_id, n in session.execute(query)}


def _corroborated(index: CorroborationIndex, clustered: set[int]) -> dict[int, int]:
    """outlet id -> its claims in scope that an independent origin of another stance reports.

    Only claims in a cluster (``clustered``: those in scope) can be; each cluster's
    reports are grouped by origin once, and a claim counts when a report outside its
    origin group has another stance.
    """
    clusters = sorted({index.cluster(claim_id) for claim_id in clustered}, key=min)
    counts: dict[int, int] = {}
    # Clusters a few thousand claims at a time: their reports are read together.
    step = 4 * index.CHUNK
    batch: list[frozenset[int]] = []
    for position, cluster in enumerate(clusters):
        batch.append(cluster)
        if sum(map(len, batch)) < step and position + 1 < len(clusters):
            continue
        found = index.reports(frozenset().union(*batch))
        for members in batch:
            reports = [found[m] for m in sorted(members) if m in found]
            groups = origin_groups(reports)
            for report, group in zip(reports, groups, strict=True):
                if report.claim_id not in clustered:
                    continue
                if any(
                    other.stance != report.stance and other_group != group
                    for other, other_group in zip(reports, groups, strict=True)
                ):
                    counts[report.outlet_id] = counts.get(report.outlet_id, 0) + 1
        batch = []
    return counts


def _outlets(
    session: Session, scope: Select[Any] | None, index: CorroborationIndex, clustered: set[int]
) -> list[dict[str, Any]]:
    per_outlet = (
        select(Source.outlet_id, func.count(Claim.id))
        .join(Claim, Claim.source_id == Source.id)
        .where(_within(Claim.id, scope))
        .group_by(Source.outlet_id)
    )
    claims = {outlet_id: int(n) for outlet_id, n in session.execute(per_outlet)}
    conflicts = _conflict_counts(session, scope)
    corroborated = _corroborated(index, clustered)
    rows = []
    outlets = session.execute(
        select(Outlet.id, Outlet.name, Outlet.stance).order_by(Outlet.name_key)
    )
    for outlet_id, name, stance in outlets:
        n = claims.get(outlet_id, 0)
        if not n:
            continue
        good = corroborated.get(outlet_id, 0)
        rows.append(
            {
                "outlet": name,
                "stance": stance,
                "claims": n,
                "conflicts": conflicts.get(outlet_id, 0),
                "corroborated": good,
                "corroborated_share": round(good / n, 3),
            }
        )
    return rows


def _series(every: list[Series]) -> list[dict[str, Any]]:
    """One row per thing said in a period of each series (:func:`every_series`), with
    where the reports of the period disagree on its first row."""
    rows = []
    for series in every:
        for period in series.periods:
            for place, reading in enumerate(period.readings):
                rows.append(
                    {
                        "subject": series.subject,
                        "property": series.property,
                        "period": period.period.iso() if period.period else None,
                        "said": reading.said,
                        "outlets": list(reading.outlets),
                        "claims": list(reading.claims),
                        "disagreement": period.disagreement if place == 0 else None,
                    }
                )
    return rows


TABLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "claims_by_topic_stance": ("topic", "stance", "claims"),
    "claims_by_topic_language": ("topic", "language", "claims"),
    "conflicts_by_topic": ("topic", "kind", "cause", "status", "conflicts"),
    "contested": (
        "claim",
        "statement",
        "subject",
        "property",
        "reports",
        "origins",
        "asserting_stances",
        "disputing_claims",
        "disputing_origins",
        "disputing_stances",
    ),
    "outlets": ("outlet", "stance", "claims", "conflicts", "corroborated", "corroborated_share"),
    "series": ("subject", "property", "period", "said", "outlets", "claims", "disagreement"),
    "track_records": ("of", "name", *TRACK_RECORD_COLUMNS),
}
TITLES = {
    "claims_by_topic_stance": "Claims per topic and stance",
    "claims_by_topic_language": "Claims per topic and language",
    "conflicts_by_topic": "Conflicts per topic, kind, cause and status",
    "contested": "Contested facts: asserted by one stance, disputed by another",
    "outlets": "Outlets: claims, conflicts, corroboration by another stance",
    "series": "Series: what a subject and property were said to be, period by period",
    "track_records": "Track records of outlets and speakers, from every verdict and decision",
}


def _track_records(session: Session) -> list[dict[str, Any]]:
    """Every outlet's and speaker's track record, most checked first. Not narrowed by
    --topic or --since: a record is only as good as its count, which narrowing thins."""
    found = track_records(session)
    rows = [
        {"of": of, "name": record.name, **record.row()}
        for of, records in (("outlet", found.outlets), ("speaker", found.speakers))
        for record in records.values()
    ]
    return sorted(rows, key=lambda row: (-int(row["checked"]), row["of"], row["name"]))


def build_report(session: Session, where: ReportFilter) -> Report:
    """Every table of the report for the claims ``where`` selects."""
    with collector_paused():
        return _build_report(session, where)


def _build_report(session: Session, where: ReportFilter) -> Report:
    scope = report_scope(session, where)
    topics = _topic_ids(session, where)
    index = CorroborationIndex(session)
    counted = select(Claim.id) if scope is None else scope
    total = int(session.scalar(select(func.count()).select_from(counted.subquery())) or 0)
    clustered = _clustered_in_scope(session, scope, index)
    by_stance, by_language = _claims_by_topic(session, scope, topics)
    every = every_series(session, scope)
    rows = {
        "claims_by_topic_stance": by_stance,
        "claims_by_topic_language": by_language,
        "conflicts_by_topic": _conflicts_by(session, scope, topics),
        "contested": _contested(session, scope, index, clustered),
        "outlets": _outlets(session, scope, index, clustered),
        "series": _series(every),
        "track_records": _track_records(session),
    }
    tables = [
        ReportTable(name, TITLES[name], columns, rows[name])
        for name, columns in TABLE_COLUMNS.items()
    ]
    return Report(where, total, tables, every)
