"""How strong the agreement on a claim is once echoes are discounted.

A claim's cluster is every claim joined to it by `same` or `supports` links.
Reports relaying the same original count once: two reports share an origin
when they have the same speaker, when one source relays (`cites`) the other's
outlet or both relay the same outlet, or when their quotes are near-identical.
Disputes come from `contradicts` links and from open or confirmed conflicts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from factbase.analysis.links import all_clusters, cluster_of
from factbase.claims.display import Corroboration
from factbase.claims.query import retracted_ids
from factbase.store.models import Claim, ClaimLink, Conflict, Outlet, Source, SourceCite
from factbase.text.language import fold

# Quotes sharing this share of their words are one text copied, not two reports.
NEAR_IDENTICAL = 0.8
_WORD = re.compile(r"\w+")
DISPUTING_STATUSES = ("open", "confirmed")


@dataclass(frozen=True)
class Evidence:
    """One claim as evidence: who said it, where, and whom it relays."""

    claim_id: int
    outlet_id: int
    stance: str
    language: str | None
    speaker: str | None  # entity id or folded text
    cited_outlets: frozenset[int]
    quote_words: frozenset[str]


def evidence_of(
    claim_id: int,
    outlet_id: int,
    stance: str,
    language: str | None,
    speaker_id: int | None,
    speaker_key: str | None,
    quote: str | None,
    cited_outlets: Iterable[int] = (),
) -> Evidence:
    """A claim's report from its stored fields (and the outlets its source cites)."""
    return Evidence(
        claim_id=claim_id,
        outlet_id=outlet_id,
        stance=stance,
        language=language,
        speaker=f"entity:{speaker_id}" if speaker_id is not None else speaker_key,
        cited_outlets=frozenset(cited_outlets),
        quote_words=frozenset(_WORD.findall(fold(quote or ""))),
    )


def citations(session: Session, source_ids: Iterable[int]) -> dict[int, set[int]]:
    """source id -> the outlets it relays, for the sources that relay any."""
    ids = sorted(set(source_ids))
    cites: dict[int, set[int]] = {}
    for start in range(0, len(ids), CorroborationIndex.CHUNK):
        query = select(SourceCite.source_id, SourceCite.outlet_id).where(
            SourceCite.source_id.in_(ids[start : start + CorroborationIndex.CHUNK])
        )
        for source_id, outlet_id in session.execute(query):
            cites.setdefault(source_id, set()).add(outlet_id)
    return cites


def _same_origin(a: Evidence, b: Evidence) -> bool:
    if a.speaker is not None and a.speaker == b.speaker:
        return True
    if a.outlet_id in b.cited_outlets or b.outlet_id in a.cited_outlets:
        return True
    if a.cited_outlets & b.cited_outlets:
        return True
    return _near_identical(a.quote_words, b.quote_words)


def _near_identical(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    # Shared words over all words is at most the smaller set's size over the larger's:
    # when that is already short, no set needs building (most pairs, in bulk work).
    smaller, larger = sorted((len(a), len(b)))
    if smaller / larger < NEAR_IDENTICAL:
        return False
    return len(a & b) / len(a | b) >= NEAR_IDENTICAL


def count_origins(reports: Iterable[Evidence]) -> int:
    """Groups of reports joined by a shared origin (union-find over the pairs)."""
    return len(set(origin_groups(reports)))


def origin_groups(reports: Iterable[Evidence]) -> list[int]:
    """For each report, the group of reports sharing its origin (a label per group)."""
    items = list(reports)
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, first in enumerate(items):
        for j in range(i + 1, len(items)):
            if _same_origin(first, items[j]):
                parent[root(i)] = root(j)
    return [root(i) for i in range(len(items))]


def _reports(session: Session, claim_ids: Iterable[int]) -> list[Evidence]:
    """The claims' reports; a retracted claim is no report."""
    claims = session.scalars(
        select(Claim).where(Claim.id.in_(list(claim_ids)), Claim.retracted_at.is_(None))
    ).all()
    cites = citations(session, (claim.source_id for claim in claims))
    return [
        evidence_of(
            claim.id,
            claim.source.outlet_id,
            claim.source.outlet.stance,
            claim.language,
            claim.speaker_id,
            claim.speaker_key,
            claim.quote,
            cites.get(claim.source_id, ()),
        )
        for claim in claims
    ]


def _disputing(session: Session, members: set[int]) -> set[int]:
    ids = list(members)
    others: set[int] = set()
    links = session.execute(
        select(ClaimLink.claim_a_id, ClaimLink.claim_b_id).where(
            ClaimLink.kind == "contradicts",
            or_(ClaimLink.claim_a_id.in_(ids), ClaimLink.claim_b_id.in_(ids)),
        )
    )
    conflicts = session.execute(
        select(Conflict.claim_a_id, Conflict.claim_b_id).where(
            Conflict.status.in_(DISPUTING_STATUSES),
            or_(Conflict.claim_a_id.in_(ids), Conflict.claim_b_id.in_(ids)),
        )
    )
    for a, b in [*links, *conflicts]:
        others.update({a, b})
    return others - members


CORROBORATION_COLUMNS = (
    "reports",
    "origins",
    "asserting_stances",
    "disputing_stances",
    "open_conflicts",
)


def corroboration_fields(session: Session, claim_id: int) -> dict[str, object]:
    """The corroboration columns that listings and exports add to a claim row."""
    found = corroboration(session, claim_id)
    open_conflicts = session.scalar(
        select(func.count()).where(
            Conflict.status == "open",
            or_(Conflict.claim_a_id == claim_id, Conflict.claim_b_id == claim_id),
            Conflict.claim_a_id.not_in(retracted_ids()),
            Conflict.claim_b_id.not_in(retracted_ids()),
        )
    )
    return {
        "reports": found.reports,
        "origins": found.origins,
        "asserting_stances": found.asserting_stances,
        "disputing_stances": found.disputing_stances,
        "open_conflicts": int(open_conflicts or 0),
    }


def corroboration(session: Session, claim_id: int) -> Corroboration:
    members = cluster_of(session, claim_id)
    reports = _reports(session, members)
    disputing = sorted(_disputing(session, members))
    against = _reports(session, disputing) if disputing else []
    disputing = sorted(r.claim_id for r in against)  # a retracted claim disputes nothing
    return Corroboration(
        cluster=sorted(members),
        reports=len(reports),
        origins=count_origins(reports),
        asserting_stances=sorted({r.stance for r in reports}),
        asserting_languages=sorted({r.language for r in reports if r.language}),
        disputing_claims=disputing,
        disputing_stances=sorted({r.stance for r in against}),
        disputing_languages=sorted({r.language for r in against if r.language}),
    )


# -- many claims at once ---------------------------------------------------------------


def _conflicts_of(claim_ids: list[int]) -> Select[int, int, str]:
    """Conflicts with one of ``claim_ids`` on a side, with their status.

    The status is left to the caller: given it, SQLite's planner walks the status
    index (every open conflict, for each chunk) instead of the two claim indexes.
    """
    return select(Conflict.claim_a_id, Conflict.claim_b_id, Conflict.status).where(
        or_(Conflict.claim_a_id.in_(claim_ids), Conflict.claim_b_id.in_(claim_ids))
    )


class CorroborationIndex:
    """Corroboration for a stream of claims, a chunk at a time, with a few queries per chunk.

    The same/supports link graph is read once (two integers per link, however many
    claims there are); reports and disputes are read for each chunk's clusters only.
    :meth:`fields` gives what :func:`corroboration_fields` gives for one claim.

    A cluster's corroboration, once computed, is kept (up to :attr:`KEEP` clusters)
    for the claims of later chunks in it: an index is for one reading of the data,
    not to be kept across writes.
    """

    CHUNK = 500
    KEEP = 5_000

    def __init__(self, session: Session) -> None:

        self.session = session
        self.cluster_of: dict[int, frozenset[int]] = {}
        for members in all_clusters(session):
            frozen = frozenset(members)
            for member in members:
                self.cluster_of[member] = frozen
        self.known: dict[frozenset[int], Corroboration] = {}

    def cluster(self, claim_id: int) -> frozenset[int]:
        return self.cluster_of.get(claim_id) or frozenset((claim_id,))

    def reports(self, claim_ids: Iterable[int]) -> dict[int, Evidence]:
        """Reports of any claims, read with Core in chunks of :attr:`CHUNK`."""

        ids = sorted(set(claim_ids))
        found: dict[int, Evidence] = {}
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start : start + self.CHUNK]
            rows = self.session.execute(
                select(
                    Claim.id,
                    Claim.source_id,
                    Source.outlet_id,
                    Outlet.stance,
                    Claim.language,
                    Claim.speaker_id,
                    Claim.speaker_key,
                    Claim.quote,
                )
                .join(Source, Claim.source_id == Source.id)
                .join(Outlet, Source.outlet_id == Outlet.id)
                .where(Claim.id.in_(chunk), Claim.retracted_at.is_(None))
            ).all()
            cites = citations(self.session, {row.source_id for row in rows})
            for row in rows:
                found[row.id] = evidence_of(
                    row.id,
                    row.outlet_id,
                    row.stance,
                    row.language,
                    row.speaker_id,
                    row.speaker_key,
                    row.quote,
                    cites.get(row.source_id, ()),
                )
        return found

    def _disputes(self, members: set[int]) -> dict[int, set[int]]:
        """claim id -> the claims disputing it, for every claim in ``members``."""
        against: dict[int, set[int]] = {}
        ids = sorted(members)
        for start in range(0, len(ids), self.CHUNK):
            chunk = ids[start : start + self.CHUNK]
            links = self.session.execute(
                select(ClaimLink.claim_a_id, ClaimLink.claim_b_id).where(
                    ClaimLink.kind == "contradicts",
                    or_(ClaimLink.claim_a_id.in_(chunk), ClaimLink.claim_b_id.in_(chunk)),
                )
            )
            conflicts = [
                (a, b)
                for a, b, status in self.session.execute(_conflicts_of(chunk))
                if status in DISPUTING_STATUSES
            ]
            for a, b in [*links, *conflicts]:
                against.setdefault(a, set()).add(b)
                against.setdefault(b, set()).add(a)
        return against

    def _open_conflicts(self, claim_ids: list[int]) -> dict[int, int]:
        counts: dict[int, int] = {}
        retracted = set(self.session.scalars(retracted_ids()))
        for start in range(0, len(claim_ids), self.CHUNK):
            chunk = claim_ids[start : start + self.CHUNK]
            for a, b, status in self.session.execute(_conflicts_of(chunk)):
                if status != "open" or a in retracted or b in retracted:
                    continue
                # A conflict between two chunks comes back with each: count each side once.
                for side in {a, b}.intersection(chunk):
                    counts[side] = counts.get(side, 0) + 1
        return counts

    def corroborations(self, claim_ids: Iterable[int]) -> dict[int, Corroboration]:
        """What :func:`corroboration` says of each claim, computed once per cluster."""
        wanted = list(dict.fromkeys(claim_ids))
        clusters = {claim_id: self.cluster(claim_id) for claim_id in wanted}
        known = self.known
        if len(known) > self.KEEP:
            known.clear()
        members: set[int] = set().union(*(c for c in clusters.values() if c not in known))
        against = self._disputes(members)
        disputing_of = {
            cluster: set().union(*(against.get(m, set()) for m in cluster)) - cluster
            for cluster in set(clusters.values())
            if cluster not in known
        }
        reports = self.reports(members.union(*disputing_of.values())) if members else {}
        for cluster, disputing in disputing_of.items():
            own = [reports[m] for m in sorted(cluster) if m in reports]
            others = [reports[m] for m in sorted(disputing) if m in reports]
            known[cluster] = Corroboration(
                cluster=sorted(cluster),
                reports=len(own),
                origins=count_origins(own),
                asserting_stances=sorted({r.stance for r in own}),
                asserting_languages=sorted({r.language for r in own if r.language}),
                disputing_claims=sorted(r.claim_id for r in others),
                disputing_stances=sorted({r.stance for r in others}),
                disputing_languages=sorted({r.language for r in others if r.language}),
            )
        return {claim_id: known[clusters[claim_id]] for claim_id in wanted}

    def fields(self, claim_ids: Iterable[int]) -> dict[int, dict[str, object]]:
        """The :data:`CORROBORATION_COLUMNS` of each claim."""
        wanted = list(dict.fromkeys(claim_ids))
        found = self.corroborations(wanted)
        open_conflicts = self._open_conflicts(wanted)
        return {
            claim_id: {
                "reports": found[claim_id].reports,
                "origins": found[claim_id].origins,
                "asserting_stances": found[claim_id].asserting_stances,
                "disputing_stances": found[claim_id].disputing_stances,
                "open_conflicts": open_conflicts.get(claim_id, 0),
            }
            for claim_id in wanted
        }
