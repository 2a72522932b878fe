"""`factbase report`: what the database says, in tables an editor can publish.

Each table is computed with grouped SQL or, where corroboration is involved,
from the same/supports clusters (:class:`~factbase.corroboration.CorroborationIndex`),
never claim by claim. ``--topic`` and ``--since`` narrow every table to the
claims in that topic (and its sub-topics) from sources published since then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, distinct, func, or_, select
from sqlalchemy.orm import Session

from factbase.claims import ClaimFilter, Sort, claims_query
from factbase.corroboration import CorroborationIndex, count_origins, origin_groups
from factbase.models import Claim, ClaimLink, ClaimTopic, Conflict, Outlet, Source, Topic

NO_TOPIC = "(none)"
NO_LANGUAGE = "(unknown)"
DISPUTING_STATUSES = ("open", "confirmed")


@dataclass
class ReportFilter:
    topic: str | None = None
    since: str | None = None


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

    def table(self, name: str) -> ReportTable:
        return next(t for t in self.tables if t.name == name)


def _scope(session: Session, where: ReportFilter) -> Select[Any]:
    """The ids of the claims the report is about."""
    claim_filter = ClaimFilter(topic=where.topic, since=where.since, limit=None, sort=Sort.ID)
    return claims_query(session, claim_filter).with_only_columns(Claim.id).order_by(None)


def _topic_ids(session: Session, where: ReportFilter) -> set[int] | None:
    if not where.topic:
        return None
    from factbase.topics import descendant_ids, get_topic

    return descendant_ids(session, get_topic(session, where.topic))


def _topic_join(query: Select[Any], topics: set[int] | None, claim_id: Any) -> Select[Any]:
    condition: ColumnElement[bool] = ClaimTopic.claim_id == claim_id
    if topics is not None:
        condition = and_(condition, ClaimTopic.topic_id.in_(topics))
    return query.outerjoin(ClaimTopic, condition).outerjoin(Topic, Topic.id == ClaimTopic.topic_id)


def _claims_by(
    session: Session, scope: Select[Any], topics: set[int] | None, other: Any, name: str
) -> list[dict[str, Any]]:
    query = (
        select(Topic.slug, other, func.count(distinct(Claim.id)))
        .select_from(Claim)
        .join(Source, Claim.source_id == Source.id)
        .join(Outlet, Source.outlet_id == Outlet.id)
        .where(Claim.id.in_(scope))
    )
    query = _topic_join(query, topics, Claim.id).group_by(Topic.slug, other)
    rows = [
        {"topic": slug or NO_TOPIC, name: value or NO_LANGUAGE, "claims": int(n)}
        for slug, value, n in session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r["topic"] == NO_TOPIC, r["topic"], -r["claims"], r[name]))


def _conflicts_by(
    session: Session, scope: Select[Any], topics: set[int] | None
) -> list[dict[str, Any]]:
    in_scope = or_(Conflict.claim_a_id.in_(scope), Conflict.claim_b_id.in_(scope))
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


def _disputed_claims(session: Session, scope: Select[Any]) -> set[int]:
    """Claims in a contradicts link or an open or confirmed conflict with a claim in scope."""
    found: set[int] = set()
    links = select(ClaimLink.claim_a_id, ClaimLink.claim_b_id).where(
        ClaimLink.kind == "contradicts",
        or_(ClaimLink.claim_a_id.in_(scope), ClaimLink.claim_b_id.in_(scope)),
    )
    conflicts = select(Conflict.claim_a_id, Conflict.claim_b_id).where(
        Conflict.status.in_(DISPUTING_STATUSES),
        or_(Conflict.claim_a_id.in_(scope), Conflict.claim_b_id.in_(scope)),
    )
    for query in (links, conflicts):
        for a, b in session.execute(query):
            found.update((a, b))
    return found


def _contested(
    session: Session, scope: Select[Any], index: CorroborationIndex
) -> list[dict[str, Any]]:
    """Clusters asserted by outlets of one stance and disputed by outlets of another."""
    in_scope = set(session.scalars(select(Claim.id).where(Claim.id.in_(scope))))
    disputed = _disputed_claims(session, scope)
    representatives = sorted({min(index.cluster(claim_id)) for claim_id in disputed})
    found = index.corroborations(representatives)
    candidates = [
        (claim_id, c)
        for claim_id, c in found.items()
        if c.disputing_stances
        and set(c.disputing_stances) - set(c.asserting_stances)
        and in_scope.intersection(c.cluster)
    ]
    about = {
        row.id: row
        for row in session.execute(
            select(Claim.id, Claim.statement, Claim.subject, Claim.property_name).where(
                Claim.id.in_([claim_id for claim_id, _ in candidates])
            )
        )
    }
    rows = []
    for claim_id, c in candidates:
        against = index.reports(c.disputing_claims)
        rows.append(
            {
                "claim": claim_id,
                "statement": about[claim_id].statement,
                "subject": about[claim_id].subject,
                "property": about[claim_id].property_name,
                "reports": c.reports,
                "origins": c.origins,
                "asserting_stances": c.asserting_stances,
                "disputing_claims": len(c.disputing_claims),
                "disputing_origins": count_origins(against.values()),
                "disputing_stances": c.disputing_stances,
            }
        )
    return sorted(rows, key=lambda r: (-r["origins"], -r["disputing_origins"], r["claim"]))


def _conflict_counts(session: Session, scope: Select[Any]) -> dict[int, int]:
    """outlet id -> conflicts (not dismissed) with one of its claims in scope on a side."""
    query = (
        select(Source.outlet_id, func.count(distinct(Conflict.id)))
        .select_from(Conflict)
        .join(Claim, or_(Claim.id == Conflict.claim_a_id, Claim.id == Conflict.claim_b_id))
        .join(Source, Source.id == Claim.source_id)
        .where(Conflict.status != "dismissed", Claim.id.in_(scope))
        .group_by(Source.outlet_id)
    )
    return {outlet_id: int(n) for outlet_id, n in session.execute(query)}


def _corroborated(
    session: Session, scope: Select[Any], index: CorroborationIndex
) -> dict[int, int]:
    """outlet id -> its claims in scope that an independent origin of another stance reports.

    Only claims in a cluster can be; each cluster's reports are grouped by origin
    once, and a claim counts when a report outside its origin group has another stance.
    """
    clustered = sorted(index.cluster_of)
    in_scope: set[int] = set()
    for start in range(0, len(clustered), index.CHUNK):
        chunk = clustered[start : start + index.CHUNK]
        in_scope.update(
            session.scalars(select(Claim.id).where(Claim.id.in_(chunk), Claim.id.in_(scope)))
        )
    counts: dict[int, int] = {}
    for cluster in {index.cluster(claim_id) for claim_id in in_scope}:
        reports = list(index.reports(cluster).values())
        groups = origin_groups(reports)
        for report, group in zip(reports, groups, strict=True):
            if report.claim_id not in in_scope:
                continue
            if any(
                other.stance != report.stance and other_group != group
                for other, other_group in zip(reports, groups, strict=True)
            ):
                counts[report.outlet_id] = counts.get(report.outlet_id, 0) + 1
    return counts


def _outlets(
    session: Session, scope: Select[Any], index: CorroborationIndex
) -> list[dict[str, Any]]:
    per_outlet = (
        select(Source.outlet_id, func.count(Claim.id))
        .join(Claim, Claim.source_id == Source.id)
        .where(Claim.id.in_(scope))
        .group_by(Source.outlet_id)
    )
    claims = {outlet_id: int(n) for outlet_id, n in session.execute(per_outlet)}
    conflicts = _conflict_counts(session, scope)
    corroborated = _corroborated(session, scope, index)
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
}
TITLES = {
    "claims_by_topic_stance": "Claims per topic and stance",
    "claims_by_topic_language": "Claims per topic and language",
    "conflicts_by_topic": "Conflicts per topic, kind, cause and status",
    "contested": "Contested facts: asserted by one stance, disputed by another",
    "outlets": "Outlets: claims, conflicts, corroboration by another stance",
}


def build_report(session: Session, where: ReportFilter) -> Report:
    """Every table of the report for the claims ``where`` selects."""
    scope = _scope(session, where)
    topics = _topic_ids(session, where)
    index = CorroborationIndex(session)
    total = int(session.scalar(select(func.count()).select_from(scope.subquery())) or 0)
    rows = {
        "claims_by_topic_stance": _claims_by(session, scope, topics, Outlet.stance, "stance"),
        "claims_by_topic_language": _claims_by(session, scope, topics, Claim.language, "language"),
        "conflicts_by_topic": _conflicts_by(session, scope, topics),
        "contested": _contested(session, scope, index),
        "outlets": _outlets(session, scope, index),
    }
    tables = [
        ReportTable(name, TITLES[name], columns, rows[name])
        for name, columns in TABLE_COLUMNS.items()
    ]
    return Report(where, total, tables)
