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
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from factbase.language import fold
from factbase.links import cluster_of
from factbase.models import Claim, ClaimLink, Conflict, SourceCite

# Quotes sharing this share of their words are one text copied, not two reports.
NEAR_IDENTICAL = 0.8
_WORD = re.compile(r"\w+")
DISPUTING_STATUSES = ("open", "confirmed")


@dataclass(frozen=True)
class Report:
    """One claim as evidence: who said it, where, and whom it relays."""

    claim_id: int
    outlet_id: int
    stance: str
    language: str | None
    speaker: str | None  # entity id or folded text
    cited_outlets: frozenset[int]
    quote_words: frozenset[str]


@dataclass
class Corroboration:
    cluster: list[int]
    reports: int
    origins: int
    asserting_stances: list[str] = field(default_factory=list)
    asserting_languages: list[str] = field(default_factory=list)
    disputing_claims: list[int] = field(default_factory=list)
    disputing_stances: list[str] = field(default_factory=list)
    disputing_languages: list[str] = field(default_factory=list)

    @property
    def single_stance(self) -> bool:
        """Asserted only by outlets of one stance, though reported more than once."""
        return self.reports > 1 and len(self.asserting_stances) == 1

    def summary(self) -> str:
        line = f"{self.reports} report{'s' if self.reports != 1 else ''}, "
        line += f"{self.origins} independent origin{'s' if self.origins != 1 else ''}; "
        line += f"asserted by {', '.join(self.asserting_stances) or '-'}"
        line += f" ({', '.join(self.asserting_languages) or '-'})"
        if self.disputing_claims:
            line += f"; disputed by {', '.join(self.disputing_stances) or '-'}"
            line += f" ({', '.join(self.disputing_languages) or '-'})"
        if self.single_stance:
            line += "; one stance only"
        return line


def _same_origin(a: Report, b: Report) -> bool:
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
    return len(a & b) / len(a | b) >= NEAR_IDENTICAL


def count_origins(reports: Iterable[Report]) -> int:
    """Groups of reports joined by a shared origin (union-find over the pairs)."""
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
    return len({root(i) for i in range(len(items))})


def _reports(session: Session, claim_ids: Iterable[int]) -> list[Report]:
    claims = session.scalars(select(Claim).where(Claim.id.in_(list(claim_ids)))).all()
    cites: dict[int, set[int]] = {}
    source_ids = [claim.source_id for claim in claims]
    for source_id, outlet_id in session.execute(
        select(SourceCite.source_id, SourceCite.outlet_id).where(
            SourceCite.source_id.in_(source_ids)
        )
    ):
        cites.setdefault(source_id, set()).add(outlet_id)
    return [
        Report(
            claim_id=claim.id,
            outlet_id=claim.source.outlet_id,
            stance=claim.source.outlet.stance,
            language=claim.language,
            speaker=(
                f"entity:{claim.speaker_id}" if claim.speaker_id is not None else claim.speaker_key
            ),
            cited_outlets=frozenset(cites.get(claim.source_id, ())),
            quote_words=frozenset(_WORD.findall(fold(claim.quote or ""))),
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
