"""Track records of outlets and speakers, learned from verdicts and decided conflicts, and
the confidence of a claim that follows from them.

**Judgements.** A claim's current verdict credits it with its rating's place on the scale,
``(value - worst) / (best - worst)``: 1 for the best rating, 0 for the worst (a rating
off the scale, unproven, is counted as checked and credits nothing). A claim without a
verdict that a decided conflict kept credits 1, the claim it disputed 0 (the mean, if
several decisions speak of it).

**Echoes.** Judged claims of one same/supports cluster that share an origin (the rule of
:mod:`factbase.analysis.corroboration`: one speaker, a relay, a copied quote) are one
checked claim, with the mean of their credits. It counts once for each of its speakers,
and once for each outlet in it that does not relay another outlet of the group: a relay
counts with its origin, never a second time.

**Reliability.** ``n`` checked claims crediting ``u`` in all give the posterior
Beta(1 + u, 1 + n - u) of a uniform prior: its mean is the reliability and the 95%
interval is its mean ± 1.96 standard deviations, clipped to [0, 1]; an outlet never
checked has 0.5 (the prior) and no interval. The count always goes with it.

**Confidence** (`list --sort confidence`), after TruthFinder (Yin, Han and Yu, 2008): the
independent origins ``g`` of a claim's cluster each lend the trust ``t`` of their most
reliable outlet, ``σ = Σ -ln(1 - t)``; each open conflict subtracts ``ρ σ'`` of the claim
it clashes with, and the confidence is ``1 / (1 + exp(-γ σ))``. A claim with a verdict
has its credit instead (0.5 when unproven).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factbase.analysis.corroboration import CorroborationIndex, Evidence, origin_groups
from factbase.claims.filter import ClaimFilter, Sort
from factbase.claims.query import claims_query
from factbase.store.models import Claim, Conflict, Entity, Outlet, Verdict

# The prior's weight: Beta(1, 1), uniform. An unchecked outlet's reliability is its mean.
PRIOR = 1.0
Z95 = 1.96
# TruthFinder's constants: the damping of the logistic (its γ), the weight of a
# conflicting claim's support (its ρ), and the cap on trust that keeps -ln(1 - t) finite.
DAMPING = 0.3
CONFLICT_WEIGHT = 0.5
MAX_TRUST = 0.99
UNKNOWN_TRUST = PRIOR / (2 * PRIOR)


@dataclass
class TrackRecord:
    """What the checked claims of one outlet or speaker say of it."""

    name: str
    checked: int = 0  # independent checked claims (echoes counted once)
    scored: int = 0  # of them, those rated on the scale or decided (not unproven)
    upheld: float = 0.0  # their credits summed
    ratings: dict[str, int] = field(default_factory=dict)  # rating (or outcome) -> count

    @property
    def share_upheld(self) -> float | None:
        return self.upheld / self.scored if self.scored else None

    @property
    def reliability(self) -> float:
        return (PRIOR + self.upheld) / (2 * PRIOR + self.scored)

    @property
    def interval(self) -> tuple[float, float] | None:
        if not self.scored:
            return None
        a, b = PRIOR + self.upheld, PRIOR + self.scored - self.upheld
        spread = Z95 * math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
        mean = a / (a + b)
        return max(0.0, mean - spread), min(1.0, mean + spread)

    def summary(self) -> str:
        """`0.40 (0.01–0.79), 3 checked`; never a score without its count."""
        if not self.scored:
            return f"{self.checked} checked" if self.checked else "not checked"
        low, high = self.interval or (0.0, 1.0)
        return f"{self.reliability:.2f} ({low:.2f}–{high:.2f}), {self.checked} checked"

    def row(self) -> dict[str, object]:
        low, high = self.interval or (None, None)
        return {
            "checked": self.checked,
            "rated": "; ".join(f"{name} {count}" for name, count in sorted(self.ratings.items())),
            "share_upheld": _rounded(self.share_upheld),
            "reliability": _rounded(self.reliability) if self.scored else None,
            "reliability_low": _rounded(low),
            "reliability_high": _rounded(high),
        }


TRACK_RECORD_COLUMNS = (
    "checked",
    "rated",
    "share_upheld",
    "reliability",
    "reliability_low",
    "reliability_high",
)


def _rounded(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


@dataclass(frozen=True)
class Judgement:
    claim_id: int
    credit: float | None  # None: checked, not decided (unproven)
    rating: str


@dataclass
class TrackRecords:
    outlets: dict[int, TrackRecord]
    speakers: dict[str, TrackRecord]  # by speaker (entity:N or folded name)

    def outlet_trust(self, outlet_id: int) -> float:
        record = self.outlets.get(outlet_id)
        return record.reliability if record else UNKNOWN_TRUST


def judgements(session: Session) -> dict[int, Judgement]:
    """claim id -> what verdicts, else decided conflicts, say of it (live claims only)."""
    found: dict[int, Judgement] = {}
    verdicts = session.execute(
        select(
            Verdict.claim_id,
            Verdict.rating,
            Verdict.rating_value,
            Verdict.best_rating,
            Verdict.worst_rating,
        )
        .join(Claim, Claim.id == Verdict.claim_id)
        .where(Verdict.superseded_at.is_(None), Claim.retracted_at.is_(None))
    )
    for claim_id, rating, value, best, worst in verdicts:
        credit = None
        if value is not None and best is not None and worst is not None and best != worst:
            credit = (value - worst) / (best - worst)
        found[claim_id] = Judgement(claim_id, credit, rating)
    decided: dict[int, list[float]] = defaultdict(list)
    rows = session.execute(
        select(Conflict.claim_a_id, Conflict.claim_b_id, Conflict.kept_claim_id).where(
            Conflict.kept_claim_id.is_not(None),
            Conflict.status.in_(("confirmed", "resolved")),
            Conflict.stale.is_(False),
        )
    )
    for a, b, kept in rows:
        assert kept is not None  # selected so
        decided[kept].append(1.0)
        decided[b if kept == a else a].append(0.0)
    live = set(
        session.scalars(
            select(Claim.id).where(Claim.id.in_(list(decided)), Claim.retracted_at.is_(None))
        )
    )
    for claim_id, credits in decided.items():
        if claim_id in found or claim_id not in live:
            continue
        credit = sum(credits) / len(credits)
        found[claim_id] = Judgement(claim_id, credit, "upheld" if credit >= 0.5 else "disputed")
    return found


def _groups(
    index: CorroborationIndex, reports: dict[int, Evidence], ids: Iterable[int]
) -> list[list[Evidence]]:
    """``ids`` grouped by shared origin within their clusters."""
    by_cluster: dict[frozenset[int], list[Evidence]] = defaultdict(list)
    for claim_id in sorted(ids):
        if claim_id in reports:
            by_cluster[index.cluster(claim_id)].append(reports[claim_id])
    groups: list[list[Evidence]] = []
    for members in by_cluster.values():
        labels = origin_groups(members)
        grouped: dict[int, list[Evidence]] = defaultdict(list)
        for label, evidence in zip(labels, members, strict=True):
            grouped[label].append(evidence)
        groups += grouped.values()
    return groups


def origin_outlets(group: Sequence[Evidence]) -> set[int]:
    """The outlets a group of one origin counts for: those not relaying another of its
    outlets (all of them, if each relays another)."""
    outlets = {evidence.outlet_id for evidence in group}
    origins = {
        evidence.outlet_id
        for evidence in group
        if not (evidence.cited_outlets & (outlets - {evidence.outlet_id}))
    }
    return origins or outlets


def track_records(session: Session) -> TrackRecords:
    judged = judgements(session)
    index = CorroborationIndex(session)
    reports = index.reports(judged)
    outlets: dict[int, TrackRecord] = {}
    speakers: dict[str, TrackRecord] = {}
    names = _outlet_names(session)
    speaker_names = _speaker_names(session, judged)
    for group in _groups(index, reports, judged):
        credits = [c for e in group if (c := judged[e.claim_id].credit) is not None]
        credit = sum(credits) / len(credits) if credits else None
        ratings = {judged[e.claim_id].rating for e in group}
        for outlet_id in origin_outlets(group):
            record = outlets.setdefault(outlet_id, TrackRecord(names.get(outlet_id, "?")))
            _count(record, credit, ratings)
        for speaker in {e.speaker for e in group if e.speaker}:
            record = speakers.setdefault(speaker, TrackRecord(speaker_names.get(speaker, speaker)))
            _count(record, credit, ratings)
    return TrackRecords(outlets, speakers)


def _count(record: TrackRecord, credit: float | None, ratings: set[str]) -> None:
    record.checked += 1
    for rating in ratings:
        record.ratings[rating] = record.ratings.get(rating, 0) + 1
    if credit is not None:
        record.scored += 1
        record.upheld += credit


def _outlet_names(session: Session) -> dict[int, str]:
    return {
        int(outlet_id): str(name)
        for outlet_id, name in session.execute(select(Outlet.id, Outlet.name))
    }


def _speaker_names(session: Session, judged: Iterable[int]) -> dict[str, str]:
    """speaker (as Evidence gives it) -> how to show it."""
    found: dict[str, str] = {}
    rows = session.execute(
        select(Claim.speaker_id, Claim.speaker_key, Claim.speaker, Entity.name)
        .outerjoin(Entity, Entity.id == Claim.speaker_id)
        .where(Claim.id.in_(list(judged)), Claim.speaker.is_not(None))
    )
    for speaker_id, speaker_key, speaker, entity_name in rows:
        key = f"entity:{speaker_id}" if speaker_id is not None else speaker_key
        if key:
            found.setdefault(key, entity_name or speaker or key)
    return found


def claim_track_records(session: Session, claim: Claim) -> list[tuple[str, str]]:
    """The track records of a claim's outlet and speaker, as `show` gives them."""
    if not judgements(session):
        return []
    records = track_records(session)
    shown: list[tuple[str, str]] = []
    outlet = records.outlets.get(claim.source.outlet_id)
    if outlet is not None:
        shown.append((f"outlet {outlet.name}", outlet.summary()))
    speaker_key = f"entity:{claim.speaker_id}" if claim.speaker_id else claim.speaker_key
    speaker = records.speakers.get(speaker_key) if speaker_key else None
    if speaker is not None:
        shown.append((f"speaker {speaker.name}", speaker.summary()))
    return shown


# -- confidence ---------------------------------------------------------------------------


def _support(
    index: CorroborationIndex, records: TrackRecords, reports: dict[int, Evidence], claim_id: int
) -> float:
    """TruthFinder's σ of a claim: -ln(1 - t) summed over its cluster's origins."""
    members = [m for m in index.cluster(claim_id) if m in reports]
    total = 0.0
    for group in _groups(index, reports, members):
        trust = max(records.outlet_trust(o) for o in origin_outlets(group))
        total += -math.log(1 - min(trust, MAX_TRUST))
    return total


def confidences(session: Session, claim_ids: Sequence[int]) -> dict[int, float]:
    """claim id -> its confidence (see the module's docstring)."""
    records = track_records(session)
    judged = judgements(session)
    index = CorroborationIndex(session)
    opposed: dict[int, set[int]] = defaultdict(set)
    wanted = set(claim_ids)
    for start in range(0, len(claim_ids), index.CHUNK):
        chunk = list(claim_ids[start : start + index.CHUNK])
        rows = session.execute(
            select(Conflict.claim_a_id, Conflict.claim_b_id).where(
                Conflict.status == "open",
                or_(Conflict.claim_a_id.in_(chunk), Conflict.claim_b_id.in_(chunk)),
            )
        )
        for a, b in rows:
            opposed[a].add(b)
            opposed[b].add(a)
    needed = set(wanted) | {o for c in wanted for o in opposed[c]}
    members = set().union(*(index.cluster(c) for c in needed)) if needed else set()
    reports = index.reports(members)
    support = {c: _support(index, records, reports, c) for c in needed}
    found: dict[int, float] = {}
    for claim_id in claim_ids:
        judgement = judged.get(claim_id)
        if judgement is not None:
            found[claim_id] = judgement.credit if judgement.credit is not None else 0.5
            continue
        sigma = support[claim_id] - CONFLICT_WEIGHT * sum(support[o] for o in opposed[claim_id])
        found[claim_id] = 1 / (1 + math.exp(-DAMPING * sigma))
    return found


def ranked(session: Session, where: ClaimFilter) -> ClaimFilter:
    """``where`` with its claims ranked by confidence, most confident first (ties: id),
    for :func:`factbase.claims.query.claims_query` to read in that order."""
    if where.sort is not Sort.CONFIDENCE or where.ranking is not None:
        return where
    every = replace(where, sort=Sort.ID, limit=None)
    ids = list(session.scalars(claims_query(session, every).with_only_columns(Claim.id)))
    found = confidences(session, ids)
    order = sorted(ids, key=lambda claim_id: (-found[claim_id], claim_id))
    return replace(where, ranking=tuple(order))
