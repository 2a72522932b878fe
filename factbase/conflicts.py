"""Conflict detection: which claims cannot both be right, and why.

The comparison of two claims is pure (:func:`compare`) and works on
:class:`ClaimFacts`, plain values read with Core, so it tests without a
database and scans without building ORM objects. Claims are only compared
within a block of the same subject (aliases resolved) and property, so a scan
grows with the size of the blocks, not with the square of the database.

A conflict is recorded once per pair and kind. A rescan never re-opens or
duplicates what a person decided: dismissed conflicts stay dismissed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from factbase.dates import PartialDate
from factbase.models import Claim, ClaimLink, Conflict, Outlet, Source
from factbase.quantities import Quantity

# A gap between two approximate figures smaller than this share of the larger one
# is more likely loose wording than a contradiction.
EDGE_TOLERANCE = 0.10
# The order reviewers should meet conflicts in.
CAUSE_ORDER = {"direct": 0, "declared": 1, "time-scope": 2, "approximation": 3}


@dataclass(frozen=True)
class ClaimFacts:
    """What conflict detection needs to know of a claim."""

    id: int
    block: tuple[str, str] | None  # (subject identity, property key)
    polarity: str
    value: Quantity | None
    as_of: PartialDate | None
    event: PartialDate | None
    outlet: str
    language: str | None
    published: PartialDate | None

    def context(self) -> str:
        when = self.as_of or self.published
        parts = [self.outlet, self.language or "?", when.iso() if when else "undated"]
        return ", ".join(parts)


@dataclass(frozen=True)
class Finding:
    kind: str
    cause: str
    explanation: str


def _periods_overlap(a: PartialDate | None, b: PartialDate | None) -> bool:
    return a is None or b is None or a.overlaps(b)


def _same_scope(a: PartialDate | None, b: PartialDate | None) -> bool:
    return a == b


def _gap(a: Quantity, b: Quantity) -> float:
    """Distance between two disjoint intervals."""
    if a.high is not None and b.low is not None and a.high < b.low:
        return b.low - a.high
    if b.high is not None and a.low is not None and b.high < a.low:
        return a.low - b.high
    return 0.0


def _value_finding(a: ClaimFacts, b: ClaimFacts) -> Finding | None:
    if a.value is None or b.value is None or a.polarity != b.polarity:
        return None
    if a.value.unit != b.value.unit:  # no exchange rates: tenge and dollars are not compared
        return None
    if not _periods_overlap(a.as_of, b.as_of):
        return None
    if a.event and b.event and not a.event.agrees_with(b.event):
        return None  # figures about two different events
    if a.value.overlaps(b.value):
        return None
    if not _same_scope(a.as_of, b.as_of):
        cause = "time-scope"
    elif _is_loose(a.value, b.value):
        cause = "approximation"
    else:
        cause = "direct"
    explanation = f"{a.value.describe()} ({a.context()}) vs {b.value.describe()} ({b.context()})"
    return Finding("value", cause, explanation)


def _is_loose(a: Quantity, b: Quantity) -> bool:
    if a.qualifier == "exact" and b.qualifier == "exact":
        return False
    scale = max(abs(a.value), abs(b.value))
    return scale > 0 and _gap(a, b) <= EDGE_TOLERANCE * scale


def _date_finding(a: ClaimFacts, b: ClaimFacts) -> Finding | None:
    if a.event is None or b.event is None or a.polarity != b.polarity:
        return None
    if not _periods_overlap(a.as_of, b.as_of) or a.event.agrees_with(b.event):
        return None
    explanation = f"{a.event.human()} ({a.context()}) vs {b.event.human()} ({b.context()})"
    return Finding("date", "direct", explanation)


def _polarity_finding(a: ClaimFacts, b: ClaimFacts) -> Finding | None:
    # Unlike figures, an assessment affirmed for one period and denied for another is
    # still worth a reviewer's look ("distancing from Russia" in 2022, "cannot" in 2023);
    # it is triaged as a difference of time scope rather than left out.
    if a.polarity == b.polarity:
        return None
    cause = "direct" if _same_scope(a.as_of, b.as_of) else "time-scope"
    explanation = f"{a.polarity} ({a.context()}) vs {b.polarity} ({b.context()})"
    return Finding("polarity", cause, explanation)


def compare(a: ClaimFacts, b: ClaimFacts) -> list[Finding]:
    """Every way in which two claims about the same subject and property disagree."""
    if a.block is None or a.block != b.block or a.id == b.id:
        return []
    findings = (_value_finding(a, b), _date_finding(a, b), _polarity_finding(a, b))
    return [finding for finding in findings if finding is not None]


# -- reading facts -------------------------------------------------------------------


def _facts_query(*, comparable_only: bool = True) -> Select[*tuple[Any, ...]]:
    query = (
        select(
            Claim.id,
            Claim.subject_id,
            Claim.subject_key,
            Claim.property_key,
            Claim.polarity,
            Claim.value_text,
            Claim.value_num,
            Claim.value_unit,
            Claim.value_low,
            Claim.value_high,
            Claim.value_qualifier,
            Claim.as_of,
            Claim.as_of_precision,
            Claim.event_date,
            Claim.event_precision,
            Claim.language,
            Outlet.name,
            Source.published,
            Source.published_precision,
        )
        .join(Source, Claim.source_id == Source.id)
        .join(Outlet, Source.outlet_id == Outlet.id)
    )
    if not comparable_only:
        return query
    return query.where(
        Claim.status != "retracted",
        Claim.property_key.is_not(None),
        or_(Claim.subject_id.is_not(None), Claim.subject_key.is_not(None)),
    )


def _partial(start: date | None, precision: str | None) -> PartialDate | None:
    if start is None or precision is None:
        return None
    return PartialDate.from_parts(start, precision)


def facts_from_row(row: Sequence[Any]) -> ClaimFacts:
    (
        claim_id, subject_id, subject_key, property_key, polarity,
        value_text, value_num, unit, low, high, qualifier,
        as_of, as_of_precision, event, event_precision, language,
        outlet, published, published_precision,
    ) = row  # fmt: skip
    subject = f"entity:{subject_id}" if subject_id is not None else f"text:{subject_key}"
    value = None
    if value_num is not None:
        value = Quantity(value_text or "", value_num, unit, low, high, qualifier or "exact")
    return ClaimFacts(
        id=claim_id,
        block=(subject, property_key) if property_key else None,
        polarity=polarity,
        value=value,
        as_of=_partial(as_of, as_of_precision),
        event=_partial(event, event_precision),
        outlet=outlet,
        language=language,
        published=_partial(published, published_precision),
    )


def _blocks(
    session: Session, claim_ids: Iterable[int] | None
) -> dict[tuple[str, str], list[ClaimFacts]]:
    """Claims grouped by block; with claim_ids, only the blocks those claims are in."""
    query = _facts_query()
    if claim_ids is not None:
        wanted = select(Claim.subject_id, Claim.subject_key, Claim.property_key).where(
            Claim.id.in_(list(claim_ids))
        )
        conditions = []
        for subject_id, subject_key, property_key in session.execute(wanted):
            if property_key is None:
                continue
            if subject_id is not None:
                conditions.append(
                    and_(Claim.subject_id == subject_id, Claim.property_key == property_key)
                )
            elif subject_key is not None:
                conditions.append(
                    and_(
                        Claim.subject_id.is_(None),
                        Claim.subject_key == subject_key,
                        Claim.property_key == property_key,
                    )
                )
        if not conditions:
            return {}
        query = query.where(or_(*conditions))
    blocks: dict[tuple[str, str], list[ClaimFacts]] = defaultdict(list)
    for row in session.execute(query.order_by(Claim.id)):
        facts = facts_from_row(row)
        if facts.block is not None:
            blocks[facts.block].append(facts)
    return blocks


# -- scanning ------------------------------------------------------------------------


@dataclass
class ScanResult:
    compared_pairs: int = 0
    new: list[Conflict] = field(default_factory=list)
    already_known: int = 0
    withdrawn: int = 0  # open conflicts that no longer hold (a claim was corrected)


def scan(session: Session, claim_ids: Iterable[int] | None = None) -> ScanResult:
    """Record the conflicts among all claims, or between ``claim_ids`` and their blocks."""
    focus = set(claim_ids) if claim_ids is not None else None
    result = ScanResult()
    found: dict[tuple[int, int, str], Finding] = {}
    for members in _blocks(session, focus).values():
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                if focus is not None and first.id not in focus and second.id not in focus:
                    continue
                result.compared_pairs += 1
                for finding in compare(first, second):
                    found[(first.id, second.id, finding.kind)] = finding
    existing = _existing(session, focus)
    for key, finding in found.items():
        if key in existing:
            result.already_known += 1
            continue
        conflict = Conflict(
            claim_a_id=key[0],
            claim_b_id=key[1],
            kind=finding.kind,
            cause=finding.cause,
            explanation=finding.explanation,
        )
        session.add(conflict)
        result.new.append(conflict)
    for key, conflict in existing.items():
        # Only open, detected conflicts are withdrawn; decisions and declared ones stay.
        if key not in found and conflict.status == "open" and conflict.kind != "declared":
            session.delete(conflict)
            result.withdrawn += 1
    session.flush()
    return result


def _existing(session: Session, focus: set[int] | None) -> dict[tuple[int, int, str], Conflict]:
    query = select(Conflict)
    if focus is not None:
        ids = list(focus)
        query = query.where(or_(Conflict.claim_a_id.in_(ids), Conflict.claim_b_id.in_(ids)))
    return {(c.claim_a_id, c.claim_b_id, c.kind): c for c in session.scalars(query)}


def record_declared_conflict(session: Session, link: ClaimLink) -> Conflict:
    """A `contradicts` link made by a person is a conflict of kind 'declared'."""
    key = (link.claim_a_id, link.claim_b_id)
    existing = session.scalar(
        select(Conflict).where(
            Conflict.claim_a_id == key[0],
            Conflict.claim_b_id == key[1],
            Conflict.kind == "declared",
        )
    )
    if existing is not None:
        return existing
    facts = _facts_by_id(session, key)
    a, b = facts[key[0]], facts[key[1]]
    note = f": {link.note}" if link.note else ""
    conflict = Conflict(
        claim_a_id=key[0],
        claim_b_id=key[1],
        kind="declared",
        cause="declared",
        explanation=f"declared contradictory ({a.context()} vs {b.context()}){note}",
    )
    session.add(conflict)
    session.flush()
    return conflict


def _facts_by_id(session: Session, ids: Sequence[int]) -> dict[int, ClaimFacts]:
    """Facts for any claims, with or without subject and property (for declared conflicts)."""
    query = _facts_query(comparable_only=False).where(Claim.id.in_(list(ids)))
    return {row[0]: facts_from_row(row) for row in session.execute(query)}
