"""The review work in interchange documents: custom stances, conflict decisions, merged
duplicates and the audit log, written by `export all` and put back by `import`.

Claims are named as everywhere in a document: by key, else ``claim-<id>``, a key the
document gives the claim too (:func:`keyless_named`). Sources as claims name them.

Conflicts of kind value, date and polarity are found again by the import's own scan and
declared ones by the `contradicts` links; a decision is then put back onto the conflict
found, or, when nothing is found any more, restored as a stale decision rather than lost.
The audit log is restored entry by entry in the document's order; an entry the database
holds already (same time to the second, actor, action, target, detail and note) is not
added twice, so importing the same document again changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from sqlalchemy import Select, Table, insert, or_, select, update
from sqlalchemy.orm import Session, aliased

from factbase.analysis.conflicts import DECISIONS
from factbase.catalog.outlets import add_stance
from factbase.catalog.sources import get_source
from factbase.claims.fields import claim_ref, source_ref
from factbase.claims.query import get_claim
from factbase.errors import InvalidInput, in_field
from factbase.store.batches import chunks
from factbase.store.models import (
    DEFAULT_STANCES,
    AuditEntry,
    Claim,
    ClaimLink,
    Conflict,
    Source,
    Stance,
    utcnow,
)
from factbase.text.date_formats import parse_timestamp, timestamp_iso
from factbase.text.language import normalise_text
from factbase.vocabulary import CONFLICT_CAUSES, CONFLICT_KINDS, validate_choice

_CLAIM = cast(Table, Claim.__table__)
_CONFLICT = cast(Table, Conflict.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
_Query = TypeVar("_Query", bound=Select[*tuple[Any, ...]])

# The fields of each record, in document order, and how `import` reads them ("str" or
# "bool"): what the writers below write and the importer takes, declared once.
STANCE_FIELDS = dict.fromkeys(("name", "description", "colour"), "str")
DECISION_FIELDS = dict.fromkeys(
    (
        *("claim", "other", "kind", "status", "kept", "note", "decided_by", "decided_at"),
        *("stale", "cause", "explanation", "created_at", "updated_at"),
    ),
    "str",
) | {"stale": "bool"}
AUDIT_FIELDS = dict.fromkeys(
    ("at", "actor", "action", "target", "detail", "note", "claim", "source"), "str"
)

# -- writing -------------------------------------------------------------------------


def stance_records(session: Session) -> Iterator[dict[str, Any]]:
    """The stances a new database does not start with, or holds otherwise, by name."""
    defaults = set(DEFAULT_STANCES)
    query = select(Stance.name, Stance.description, Stance.colour).order_by(Stance.name)
    for name, description, colour in session.execute(query):
        if (name, description, colour) not in defaults:
            yield _record(STANCE_FIELDS, name=name, description=description, colour=colour)


def decided(query: _Query) -> _Query:
    """Conflicts a person decided, and those flagged stale: open ones are found again."""
    return query.where(or_(Conflict.status != "open", Conflict.stale.is_(True)))


def conflict_records(session: Session, claim_ids: Select[Any] | None) -> Iterator[dict[str, Any]]:
    """Each decision with its pair of claims, in the pair's order, which an import keeps."""
    first, other, kept = aliased(Claim), aliased(Claim), aliased(Claim)
    query = decided(
        select(
            Conflict,
            first.key.label("a_key"),
            other.key.label("b_key"),
            kept.key.label("kept_key"),
        )
        .join(first, Conflict.claim_a_id == first.id)
        .join(other, Conflict.claim_b_id == other.id)
        .outerjoin(kept, Conflict.kept_claim_id == kept.id)
        .order_by(Conflict.claim_a_id, Conflict.claim_b_id, Conflict.kind)
    )
    if claim_ids is not None:
        query = query.where(Conflict.claim_a_id.in_(claim_ids), Conflict.claim_b_id.in_(claim_ids))
    for row in session.execute(query):
        conflict: Conflict = row.Conflict
        kept_id = conflict.kept_claim_id
        yield _record(
            DECISION_FIELDS,
            claim=claim_ref(row.a_key, conflict.claim_a_id),
            other=claim_ref(row.b_key, conflict.claim_b_id),
            kind=conflict.kind,
            status=conflict.status,
            kept=claim_ref(row.kept_key, kept_id) if kept_id is not None else None,
            note=conflict.note,
            decided_by=conflict.decided_by,
            decided_at=timestamp_iso(conflict.decided_at),
            stale=True if conflict.stale else None,
            cause=conflict.cause,
            explanation=conflict.explanation,
            created_at=timestamp_iso(conflict.created_at),
            updated_at=timestamp_iso(conflict.updated_at),
        )


def audit_records(session: Session, claim_ids: Select[Any] | None) -> Iterator[dict[str, Any]]:
    """Every entry of the audit log, oldest first; with ``claim_ids``, those about them.

    The claim and source an entry is about are named as the document names them; those
    deleted since are left out (the entry's target and detail still tell).
    """
    query = (
        select(
            AuditEntry,
            Claim.key.label("claim_key"),
            Claim.id.label("claim_exists"),
            Source.key.label("source_key"),
            Source.url.label("source_url"),
            Source.id.label("source_exists"),
        )
        .outerjoin(Claim, AuditEntry.claim_id == Claim.id)
        .outerjoin(Source, AuditEntry.source_id == Source.id)
        .order_by(AuditEntry.id)
    )
    if claim_ids is not None:
        query = query.where(AuditEntry.claim_id.in_(claim_ids))
    for chunk in chunks(session, query):
        for row in chunk:
            entry: AuditEntry = row.AuditEntry
            claim = claim_ref(row.claim_key, row.claim_exists) if row.claim_exists else None
            source = (
                source_ref(row.source_key, row.source_url, row.source_exists)
                if row.source_exists
                else None
            )
            yield _record(
                AUDIT_FIELDS,
                at=timestamp_iso(entry.at),
                actor=entry.actor,
                action=entry.action,
                target=entry.target,
                detail=entry.detail,
                note=entry.note,
                claim=claim,
                source=source,
            )


def keyless_named(session: Session) -> set[int]:
    """Keyless claims that links, decisions, merged duplicates or the audit log name:
    the document gives them a key (``claim-<id>``) to be named by."""
    named = [
        select(ClaimLink.claim_a_id),
        select(ClaimLink.claim_b_id),
        decided(select(Conflict.claim_a_id)),
        decided(select(Conflict.claim_b_id)),
        decided(select(Conflict.kept_claim_id)),
        select(Claim.merged_into_id),
        select(AuditEntry.claim_id),
    ]
    found: set[int] = set()
    for ids in named:
        query = select(Claim.id).where(Claim.key.is_(None), Claim.id.in_(ids))
        found.update(session.scalars(query))
    return found


def _record(fields: dict[str, str], **values: Any) -> dict[str, Any]:
    """The values in the order of ``fields`` (all of them, none more), empty ones left out."""
    assert values.keys() == fields.keys(), "a record writes the fields declared for it"
    return {name: values[name] for name in fields if values[name] is not None}


# -- reading back --------------------------------------------------------------------


def apply_stance(session: Session, data: dict[str, Any]) -> str:
    """Create the stance, or give it the record's description and colour."""
    name = data["name"].strip().lower()
    stance = session.get(Stance, name)
    description, colour = data.get("description"), data.get("colour")
    if stance is None:
        add_stance(session, name, description, colour)
        return "added"
    if (stance.description, stance.colour) == (description, colour):
        return "unchanged"
    stance.description, stance.colour = description, colour
    session.flush()
    return "updated"


def apply_merged_into(session: Session, claim: Claim, target: str) -> bool:
    """Point a merged duplicate at the claim it went into; whether that changed anything.

    The claim's updated_at is the record's, not now: pointing is part of restoring it.
    """
    kept = get_claim(session, target)
    if kept.id == claim.id:
        raise InvalidInput("merged_into: a claim cannot be merged into itself")
    if claim.merged_into_id == kept.id:
        return False
    session.execute(
        update(_CLAIM)
        .where(_CLAIM.c.id == claim.id)
        .values(merged_into_id=kept.id, updated_at=_CLAIM.c.updated_at)
    )
    session.expire(claim)
    return True


# The decision's columns a record may give, beside its pair, kind and kept claim.
_DECISION_TEXT = ("status", "note", "decided_by", "cause", "explanation")
_DECISION_TIMES = ("decided_at", "created_at", "updated_at")


def apply_decision(session: Session, data: dict[str, Any]) -> str:
    """Put a decision back onto the conflict of its pair and kind.

    When the database holds no such conflict (the scan no longer finds it), the decision
    is restored anyway; one of kind value, date or polarity is then flagged stale, as a
    scan flags a decided conflict whose claims no longer clash. An import flags a decision
    stale when the record or the database says so, and never clears the flag: the next
    scan does, when its claims clash again.
    """
    first, second = get_claim(session, data["claim"]), get_claim(session, data["other"])
    if first.id == second.id:
        raise InvalidInput("other: a conflict is between two claims")
    low, high = sorted((first.id, second.id))
    kind = validate_choice(data["kind"], CONFLICT_KINDS, "kind", "")
    wanted: dict[str, Any] = {"claim_a_id": low, "claim_b_id": high, "kind": kind}
    for name in _DECISION_TEXT:
        if data.get(name) is not None:
            wanted[name] = data[name]  # as the database that decided kept it
    wanted["status"] = validate_choice(wanted["status"], DECISIONS, "status", "")
    if "note" in wanted:
        wanted["note"] = normalise_text(wanted["note"])
    if "cause" in wanted:
        wanted["cause"] = validate_choice(wanted["cause"], CONFLICT_CAUSES, "cause", "")
    for name in _DECISION_TIMES:
        if data.get(name) is not None:
            with in_field(name):
                wanted[name] = parse_timestamp(data[name])
    wanted["kept_claim_id"] = None
    if data.get("kept"):
        kept = get_claim(session, data["kept"]).id
        if kept not in (low, high):
            raise InvalidInput(f"kept: claim {data['kept']!r} is not one of the pair")
        wanted["kept_claim_id"] = kept
    stale = bool(data.get("stale"))
    existing = session.scalar(
        select(Conflict).where(
            Conflict.claim_a_id == low, Conflict.claim_b_id == high, Conflict.kind == kind
        )
    )
    if existing is None:
        now = utcnow()
        row = {
            "cause": "declared" if kind == "declared" else "direct",
            "explanation": f"“{first.statement}” vs “{second.statement}”",
            "created_at": now,
            "updated_at": now,
            **wanted,
            "stale": stale or kind != "declared",
        }
        session.execute(insert(_CONFLICT).values(**row))
        return "added"
    changes = {
        name: value
        for name, value in wanted.items()
        if _to_second(getattr(existing, name)) != _to_second(value)
    }
    if stale and not existing.stale:
        changes["stale"] = True
    if not changes:
        return "unchanged"
    if "updated_at" not in changes:
        # Changed now, unless the record says when (to the stored second): then as stored,
        # written out so the column's onupdate does not stamp it.
        changes["updated_at"] = _CONFLICT.c.updated_at if "updated_at" in wanted else utcnow()
    session.execute(update(_CONFLICT).where(_CONFLICT.c.id == existing.id).values(**changes))
    session.expire(existing)
    return "updated"


def _to_second(value: Any) -> Any:
    return value.replace(microsecond=0) if isinstance(value, datetime) else value


class AuditRestorer:
    """Restores audit entries in order, skipping those the database holds already.

    An entry is the same as one held when its time (to the second), actor, action,
    target, detail and note are; as many of each as the database lacks are added.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.claims: dict[str, int] = {}
        self.sources: dict[str, int] = {}
        self.rows: list[dict[str, Any]] = []

    def add(self, data: dict[str, Any]) -> None:
        """Check one record; it is written by :meth:`flush`."""
        with in_field("at"):
            at = parse_timestamp(data["at"])
        claim = self._claim(data["claim"]) if data.get("claim") else None
        source = self._source(data["source"]) if data.get("source") else None
        self.rows.append(
            {
                "at": at,
                "actor": data["actor"],
                "action": data["action"],
                "target": data["target"],
                "detail": data.get("detail"),
                "note": data.get("note"),
                "claim_id": claim,
                "source_id": source,
            }
        )

    def flush(self) -> Counter[str]:
        """Write the entries the database lacks; the count of added and unchanged."""
        held = self._held({row["at"].replace(microsecond=0) for row in self.rows})
        outcomes: Counter[str] = Counter()
        new = []
        for row in self.rows:
            identity = _identity(row)
            if held[identity] > 0:
                held[identity] -= 1
                outcomes["unchanged"] += 1
            else:
                new.append(row)
        for start in range(0, len(new), 1000):
            self.session.execute(insert(_AUDIT), new[start : start + 1000])
        outcomes["added"] += len(new)
        self.rows = []
        return outcomes

    def _held(self, times: set[datetime]) -> Counter[tuple[Any, ...]]:
        held: Counter[tuple[Any, ...]] = Counter()
        if not times:
            return held
        columns = (_AUDIT.c[name] for name in _IDENTITY)
        query = select(*columns).where(
            _AUDIT.c.at >= min(times), _AUDIT.c.at < max(times) + timedelta(seconds=1)
        )
        for row in self.session.execute(query):
            identity = _identity(dict(zip(_IDENTITY, row, strict=True)))
            if identity[0] in times:
                held[identity] += 1
        return held

    def _claim(self, ref: str) -> int:
        if ref not in self.claims:
            self.claims[ref] = get_claim(self.session, ref).id
        return self.claims[ref]

    def _source(self, ref: str) -> int:
        if ref not in self.sources:
            self.sources[ref] = get_source(self.session, ref).id
        return self.sources[ref]


_IDENTITY: Sequence[str] = ("at", "actor", "action", "target", "detail", "note")


def _identity(row: dict[str, Any]) -> tuple[Any, ...]:
    return (_to_second(row["at"]), *(row[name] for name in _IDENTITY[1:]))
