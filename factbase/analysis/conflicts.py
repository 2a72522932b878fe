"""Conflict detection: which claims cannot both be right, and why.

The comparison of two claims is pure
(:func:`~factbase.analysis.conflict_rules.compare`) and works on :class:`ClaimFacts`,
plain values read with Core, so it tests without a
database and scans without building ORM objects. Claims are only compared
within a block of the same subject (aliases resolved) and property, so a scan
grows with the size of the blocks, not with the square of the database.

A conflict is recorded once per pair and kind. A rescan never re-opens or
duplicates what a person decided: dismissed conflicts stay dismissed.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, and_, case, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from factbase.analysis.conflict_columns import (
    CONFLICT_COLUMNS,
    CONFLICT_HEAD,
    LISTED_SIDE_GROUPS,
    SIDES,
    side_column,
    side_fields,
)
from factbase.analysis.conflict_pairs import ClaimFacts, block_pairs
from factbase.analysis.conflict_rules import (
    CAUSE_ORDER,
    FACT_COLUMNS,
    Finding,
    compare,
    facts_from_row,
    still_holding,
)
from factbase.analysis.verdicts import record_verdict
from factbase.catalog import audit
from factbase.catalog.outlets import get_stance
from factbase.catalog.topics import descendant_ids, get_topic
from factbase.claims.query import get_claim, retracted_ids
from factbase.claims.record import claim_fields_of, selected
from factbase.claims.values import subject_identity
from factbase.errors import InvalidInput, NotFound, as_id
from factbase.store.database import Database
from factbase.store.memory import collector_paused
from factbase.store.models import Claim, ClaimLink, ClaimTopic, Conflict, Outlet, Source, utcnow
from factbase.store.worker_process import WorkerProcess
from factbase.store.workers import spare_cores, workers_asked
from factbase.text.date_formats import timestamp_iso
from factbase.text.language import normalise_text, validate_language
from factbase.vocabulary import CONFLICT_KINDS, CONFLICT_STATUSES, validate_choice

# -- reading facts -------------------------------------------------------------------


def _facts_query(*, comparable_only: bool = True) -> Select[*tuple[Any, ...]]:
    query = (
        select(*selected(FACT_COLUMNS))
        .join(Source, Claim.source_id == Source.id)
        .join(Outlet, Source.outlet_id == Outlet.id)
    )
    if not comparable_only:
        return query
    return query.where(
        Claim.status != "retracted",
        # NOT IN the few retracted: "retracted_at IS NULL" would read nearly every claim
        # through the index of retracted_at (see claims.filter.LIVE_SQL).
        Claim.id.not_in(retracted_ids()),
        Claim.property_key.is_not(None),
        or_(Claim.subject_id.is_not(None), Claim.subject_key.is_not(None)),
    )


def _blocks(
    session: Session, claim_ids: Iterable[int] | None, part: int | None = None
) -> Iterator[list[ClaimFacts]]:
    """Claims block by block, each block's members by id; with claim_ids, only the blocks
    those claims are in; with ``part`` (0 or 1), only the blocks of that half.

    The claims are read in block order and each block is let go once it is handed on, so a
    scan holds one block at a time rather than every claim's facts. Blocks come in the
    order the database gives them, not by id: callers that write in block order sort by
    each block's first member.
    """
    query = _facts_query()
    wanted_blocks: set[tuple[str, str]] | None = None
    if claim_ids is not None:
        wanted_blocks = _blocks_of(session, list(claim_ids))
        if not wanted_blocks:
            return
        query = query.where(_in_blocks(wanted_blocks))
    if part is not None:
        query = query.where(_block_part(part))
    # The block of a claim is its entity, else its folded subject text, and its property:
    # ordering by the same makes each block one run of rows.
    text_subject = case((Claim.subject_id.is_(None), Claim.subject_key), else_=None)
    ordered = query.order_by(Claim.subject_id, text_subject, Claim.property_key, Claim.id)
    members: list[ClaimFacts] = []
    rows = session.execute(ordered.execution_options(yield_per=_STREAM_ROWS))
    for row in rows:
        facts = facts_from_row(row)
        if facts.block is None or (wanted_blocks is not None and facts.block not in wanted_blocks):
            continue
        if members and members[0].block != facts.block:
            yield members
            members = []
        members.append(facts)
    if members:
        yield members


# Rows fetched at a time while streaming the claims' facts.
_STREAM_ROWS = 2000


def _block_part(part: int) -> Any:
    """The claims of one half of the blocks (0 or 1), told apart by the block's own key so
    that each half holds whole blocks: the subject's entity id (or, for a subject with
    none, the length of its folded text) plus the length of the property key, even or odd."""
    subject = func.coalesce(Claim.subject_id, func.length(Claim.subject_key))
    return (subject + func.length(Claim.property_key)) % 2 == part


def _in_blocks(blocks: set[tuple[str, str]]) -> Any:
    """A WHERE clause for the claims of ``blocks``, through the (subject, property) indexes."""
    if len(blocks) > 100:
        # A superset by property, narrowed to the exact blocks in Python: one IN list
        # rather than hundreds of OR terms (SQLite caps expression depth at 1000).
        return Claim.property_key.in_(sorted({prop for _subject, prop in blocks}))
    terms = []
    for subject, prop in sorted(blocks):
        kind, _, identity = subject.partition(":")
        column = Claim.subject_id if kind == "entity" else Claim.subject_key
        value: int | str = int(identity) if kind == "entity" else identity
        terms.append(and_(column == value, Claim.property_key == prop))
    return or_(*terms)


def _blocks_of(session: Session, claim_ids: list[int]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for start in range(0, len(claim_ids), 500):
        chunk = claim_ids[start : start + 500]
        rows = session.execute(
            select(Claim.subject_id, Claim.subject_key, Claim.property_key).where(
                Claim.id.in_(chunk), Claim.property_key.is_not(None)
            )
        )
        for subject_id, subject_key, property_key in rows:
            subject = subject_identity(subject_id, subject_key)
            if subject and property_key:
                found.add((subject, property_key))
    return found


# -- scanning ------------------------------------------------------------------------


@dataclass
class ScanResult:
    compared_pairs: int = 0
    new_ids: list[int] = field(default_factory=list)
    already_known: int = 0
    withdrawn: int = 0  # open conflicts that no longer hold (a claim was corrected)
    stale: int = 0  # decided conflicts that no longer hold: kept, flagged stale


def scan(
    session: Session, claim_ids: Iterable[int] | None = None, *, in_parts: bool = False
) -> ScanResult:
    """Record the conflicts among all claims, or between ``claim_ids`` and their blocks.

    Which pairs of a block are compared is decided by :mod:`factbase.analysis.conflict_pairs`;
    with ``claim_ids`` the same pairs as in a full scan are kept when they involve one of
    those claims, so an incremental check and a full scan agree.

    ``in_parts``: a full scan of a large database may hand half its blocks to a second
    process (see :func:`_second_half`). Only for a writing session that has written
    nothing yet: the other process reads what is committed.
    """
    focus = set(claim_ids) if claim_ids is not None else None
    with collector_paused():
        return _scan(session, focus, in_parts=in_parts and focus is None)


def _scan(session: Session, focus: set[int] | None, *, in_parts: bool = False) -> ScanResult:
    result = ScanResult()
    # The first read: a writing session has the database's write lock from here on.
    existing = _existing(session, focus)
    # Recorded conflicts by their first claim, to tell in its block whether one still holds.
    recorded: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for key in existing:
        recorded[key[0]].append(key)
    # New findings by the first claim of their block: conflicts are numbered in the order
    # of the blocks' first claims, whatever order the blocks are read in.
    new_rows: list[tuple[int, list[dict[str, object]]]] = []
    confirmed: set[tuple[int, int, str]] = set()  # recorded, and found again
    holding: set[tuple[int, int, str]] = set()  # recorded, not found again, yet still clash

    def take(first_id: int, found: dict[tuple[int, int, str], Finding]) -> None:
        rows = []
        for key, finding in found.items():
            if key in existing:
                result.already_known += 1
                confirmed.add(key)
                continue
            rows.append(
                {
                    "claim_a_id": key[0],
                    "claim_b_id": key[1],
                    "kind": key[2],
                    "cause": finding.cause,
                    "explanation": finding.explanation,
                }
            )
        if rows:
            new_rows.append((first_id, rows))

    with _second_half(session) if in_parts else nullcontext() as other:
        received = _Received(other) if other is not None else None
        for members in _blocks(session, focus, None if other is None else 0):
            found: dict[tuple[int, int, str], Finding] = {}
            _scan_block(members, focus, found, result)
            take(members[0].id, found)
            holding.update(still_holding(members, recorded, found))
        if received is not None:
            for first_id, found, held in received.blocks():
                take(first_id, found)
                holding.update(held)
            result.compared_pairs += received.compared_pairs
    new_rows.sort(key=lambda block: block[0])
    pending = [row for _, rows in new_rows for row in rows]
    new_rows.clear()
    for start in range(0, len(pending), 1000):
        rows = pending[start : start + 1000]
        result.new_ids.extend(session.scalars(insert(Conflict).returning(Conflict.id), rows))
    gone = {
        key: (conflict_id, status)
        for key, (conflict_id, status) in existing.items()
        if key not in confirmed and key[2] != "declared" and key not in holding
    }
    # An open finding that no longer holds is withdrawn; a decided one keeps its decision
    # and is flagged stale, and loses the flag when its claims clash again.
    withdrawn = [conflict_id for conflict_id, status in gone.values() if status == "open"]
    for chunk in _slices(withdrawn):
        session.execute(delete(Conflict).where(Conflict.id.in_(chunk)))
    result.withdrawn = len(withdrawn)
    decided = [conflict_id for conflict_id, status in gone.values() if status != "open"]
    found_again = [conflict_id for key, (conflict_id, _) in existing.items() if key in confirmed]
    for ids, flag in ((decided, True), (found_again, False)):
        for chunk in _slices(ids):
            session.execute(
                update(Conflict)
                .where(Conflict.id.in_(chunk), Conflict.stale.is_not(flag))
                .values(stale=flag)
            )
    result.stale = len(decided)
    return result


# -- a full scan on two cores ------------------------------------------------------------

# A full scan of a database whose claim ids span this many hands the odd half of its
# blocks to a second process; starting it costs about half a second of the other core.
PARTED_SCAN_CLAIMS = 50_000
SCAN_WORKERS_VARIABLE = "FACTBASE_SCAN_WORKERS"  # 0: one process always; 1: parted always
_HALF = "the scan's second process"
# One block's results from the other half: its first claim, its findings, the recorded
# conflicts of it that still clash.
HalfBlock = tuple[int, dict[tuple[int, int, str], Finding], list[tuple[int, int, str]]]


@contextmanager
def _second_half(session: Session) -> Iterator[WorkerProcess | None]:
    """A process scanning the odd half of the blocks, or None when one process will do.

    The other process reads what is committed; this session holds the writers off (SQLite's
    write lock, PostgreSQL's writers' lock) and has written nothing, so both read one state.
    """
    bind = session.connection()
    url = bind.engine.url
    asked = workers_asked(SCAN_WORKERS_VARIABLE)
    low, high = session.execute(select(func.min(Claim.id), func.max(Claim.id))).one()
    if high is None:
        parted = False
    elif asked is None:
        parted = high - low >= PARTED_SCAN_CLAIMS and spare_cores() > 0
    else:
        parted = asked > 0
    writing = bind.get_execution_options().get("factbase_write", False)
    if not parted or not writing or url.database in (None, "", ":memory:"):
        yield None
        return
    location = url.render_as_string(hide_password=False)
    with WorkerProcess(_HALF, _scan_half, location, 1) as other:
        yield other


class _Received:
    """The other half's results, taken from its pipe by a thread as they come: a worker
    whose pipe is full waits, so they cannot wait until this process is done."""

    def __init__(self, other: WorkerProcess) -> None:
        self.other = other
        self.compared_pairs = 0
        self._blocks: list[HalfBlock] = []
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._take, daemon=True)
        self._thread.start()

    def _take(self) -> None:
        try:
            while True:
                kind, value = self.other.receive()
                if kind == "done":
                    self.compared_pairs = int(value)
                    return
                self._blocks.extend(value)
        except BaseException as exc:  # raised in the scanning thread, below
            self._failure = exc

    def blocks(self) -> list[HalfBlock]:
        """Every block the other half found anything in, once it is done."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure
        return self._blocks


def _scan_half(messages: Any, location: str, part: int) -> None:
    """The other process: the blocks of ``part``, sent back a batch at a time."""
    with (
        Database.open(location, create=False, upgrade=False) as database,
        database.session() as session,
        collector_paused(),
    ):
        recorded: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
        for key in _existing(session, None):
            recorded[key[0]].append(key)
        result = ScanResult()
        batch: list[HalfBlock] = []
        for members in _blocks(session, None, part):
            found: dict[tuple[int, int, str], Finding] = {}
            _scan_block(members, None, found, result)
            held = list(still_holding(members, recorded, found))
            if found or held:
                batch.append((members[0].id, found, held))
            if len(batch) >= 500:
                messages.send(("blocks", batch))
                batch = []
        messages.send(("blocks", batch))
        messages.send(("done", result.compared_pairs))


def _slices(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    return (ids[start : start + size] for start in range(0, len(ids), size))


def _scan_block(
    members: Sequence[ClaimFacts],
    focus: set[int] | None,
    found: dict[tuple[int, int, str], Finding],
    result: ScanResult,
) -> None:
    findings: dict[tuple[int, int], list[Finding]] = {}

    def conflicting(a: ClaimFacts, b: ClaimFacts) -> bool:
        first, second = (a, b) if a.id < b.id else (b, a)
        key = (first.id, second.id)
        if key not in findings:
            result.compared_pairs += 1
            findings[key] = compare(first, second)
        return bool(findings[key])

    for first, second in block_pairs(members, conflicting, focus):
        if focus is not None and first.id not in focus and second.id not in focus:
            continue
        if conflicting(first, second):
            for finding in findings[(first.id, second.id)]:
                found[(first.id, second.id, finding.kind)] = finding


def _existing(
    session: Session, focus: set[int] | None
) -> dict[tuple[int, int, str], tuple[int, str]]:
    """Recorded conflicts as (claim a, claim b, kind) -> (id, status)."""
    columns = select(
        Conflict.claim_a_id, Conflict.claim_b_id, Conflict.kind, Conflict.id, Conflict.status
    )
    found: dict[tuple[int, int, str], tuple[int, str]] = {}
    if focus is None:
        queries = [columns]
    else:
        ids = sorted(focus)
        queries = [
            columns.where(or_(Conflict.claim_a_id.in_(chunk), Conflict.claim_b_id.in_(chunk)))
            for chunk in (ids[start : start + 500] for start in range(0, len(ids), 500))
        ]
    for query in queries:
        for a, b, kind, conflict_id, status in session.execute(query):
            found[(a, b, kind)] = (conflict_id, status)
    return found


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
    first, second = session.get(Claim, key[0]), session.get(Claim, key[1])
    assert first is not None and second is not None
    # The link's note stays with the link (`factbase show`); one line is enough here.
    explanation = f"“{first.statement}” ({a.context()}) vs “{second.statement}” ({b.context()})"
    conflict = Conflict(
        claim_a_id=key[0],
        claim_b_id=key[1],
        kind="declared",
        cause="declared",
        explanation=explanation,
    )
    session.add(conflict)
    session.flush()
    return conflict


def _facts_by_id(session: Session, ids: Sequence[int]) -> dict[int, ClaimFacts]:
    """Facts for any claims, with or without subject and property (for declared conflicts)."""
    query = _facts_query(comparable_only=False).where(Claim.id.in_(list(ids)))
    return {row.id: facts_from_row(row) for row in session.execute(query)}


# -- review --------------------------------------------------------------------------

DECISIONS = ("confirmed", "dismissed", "resolved")


@dataclass
class ConflictFilter:
    status: str | None = "open"  # None: every status
    kind: str | None = None
    topic: str | None = None
    stance: str | None = None
    language: str | None = None
    limit: int | None = None
    # A conflict with a retracted (or merged) claim on either side is left out unless asked for.
    include_retracted: bool = False


def _either_side(claim_ids: Select[Any]) -> Any:
    return or_(Conflict.claim_a_id.in_(claim_ids), Conflict.claim_b_id.in_(claim_ids))


def find_conflicts(session: Session, where: ConflictFilter) -> list[Conflict]:
    """Conflicts, direct contradictions first; topic, stance and language match either side."""
    conflicts = list(session.scalars(conflicts_query(session, where).order_by(Conflict.id)))
    conflicts.sort(key=lambda c: (CAUSE_ORDER.get(c.cause, 9), c.id))
    return conflicts[: where.limit] if where.limit else conflicts


def count_conflicts(session: Session, where: ConflictFilter) -> int:
    """How many conflicts ``where`` selects, its limit aside."""
    query = select(func.count()).select_from(conflicts_query(session, where).subquery())
    return int(session.scalar(query) or 0)


def conflicts_query(session: Session, where: ConflictFilter) -> Select[Any]:
    """The filtered select behind :func:`find_conflicts`, unordered."""

    query = select(Conflict)
    if where.status:
        query = query.where(
            Conflict.status == validate_choice(where.status, CONFLICT_STATUSES, "status", "open")
        )
    if where.kind:
        query = query.where(
            Conflict.kind == validate_choice(where.kind, CONFLICT_KINDS, "kind", "")
        )
    if where.topic:
        topics = descendant_ids(session, get_topic(session, where.topic))
        query = query.where(
            _either_side(select(ClaimTopic.claim_id).where(ClaimTopic.topic_id.in_(topics)))
        )
    if where.stance:
        stance = get_stance(session, where.stance).name
        query = query.where(
            _either_side(
                select(Claim.id)
                .join(Source, Claim.source_id == Source.id)
                .join(Outlet, Source.outlet_id == Outlet.id)
                .where(Outlet.stance == stance)
            )
        )
    if where.language:
        language = validate_language(where.language)
        query = query.where(_either_side(select(Claim.id).where(Claim.language == language)))
    if not where.include_retracted:
        retracted = retracted_ids()
        query = query.where(
            Conflict.claim_a_id.not_in(retracted), Conflict.claim_b_id.not_in(retracted)
        )
    return query


def get_conflict(session: Session, ref: str | int) -> Conflict:

    text = str(ref).strip()
    conflict_id = as_id(text)
    conflict = session.get(Conflict, conflict_id) if conflict_id is not None else None
    if conflict is None:
        raise NotFound(f"no conflict {ref!r} (see `factbase conflicts --status all`)")
    return conflict


def resolve_conflict(
    session: Session,
    ref: str | int,
    decision: str,
    note: str,
    keep: str | None = None,
    rate: str | None = None,
) -> Conflict:
    """Record a reviewer's decision; keeping one claim marks the other disputed, and with
    ``rate`` gives it a verdict of that rating, the note its reasoning and the kept claim
    its evidence."""

    conflict = get_conflict(session, ref)
    decision = validate_choice(decision, DECISIONS, "decision", "")
    if not note or not normalise_text(note):
        raise InvalidInput("say why in --note: the decision is kept in the audit log")
    kept: Claim | None = None
    if keep:
        if decision == "dismissed":
            raise InvalidInput("--keep goes with --as resolved or confirmed, not dismissed")
        kept = get_claim(session, keep)
        if kept.id not in (conflict.claim_a_id, conflict.claim_b_id):
            raise InvalidInput(f"claim {kept.id} is not part of conflict {conflict.id}")
        other_id = conflict.claim_b_id if kept.id == conflict.claim_a_id else conflict.claim_a_id
        if conflict.kept_claim_id == other_id and kept.status == "disputed":
            # This conflict's earlier decision disputed the claim now kept: undo that.
            kept.status = "unverified"
        get_claim(session, other_id).status = "disputed"
    previous = conflict.status
    conflict.status = decision
    conflict.kept_claim_id = kept.id if kept else None
    conflict.note = normalise_text(note)
    conflict.decided_by = audit.current_actor()
    conflict.decided_at = utcnow()
    conflict.stale = False
    session.flush()
    audit.record(
        session,
        f"conflict-{decision}",
        f"conflict {conflict.id}",
        detail={"previous": previous, "kept": conflict.kept_claim_id, "kind": conflict.kind},
        note=conflict.note,
    )
    if rate is not None:
        if kept is None:
            raise InvalidInput("--rate rates the claim not kept: give --keep too")
        other = conflict.claim_b_id if kept.id == conflict.claim_a_id else conflict.claim_a_id
        record_verdict(session, other, rate, note, evidence=[str(kept.id)], conflict=conflict)
    return conflict


def conflict_row(conflict: Conflict) -> dict[str, Any]:
    """The conflict as one flat record with :data:`CONFLICT_COLUMNS`."""
    record: dict[str, Any] = {name: getattr(conflict, name) for name in CONFLICT_HEAD}
    for side, claim in zip(SIDES, (conflict.claim_a, conflict.claim_b), strict=True):
        for name, value in claim_fields_of(claim, _LISTED_FIELDS).items():
            record[side_column(name, side)] = value
    record |= {
        "kept_claim": conflict.kept_claim_id,
        "note": conflict.note,
        "decided_by": conflict.decided_by,
        "decided_at": timestamp_iso(conflict.decided_at),
        "stale": conflict.stale,
        "created_at": timestamp_iso(conflict.created_at),
        "updated_at": timestamp_iso(conflict.updated_at),
    }
    return {column: record[column] for column in CONFLICT_COLUMNS}


_LISTED_FIELDS = side_fields(LISTED_SIDE_GROUPS)


def conflicts_of(session: Session, claim_id: int) -> list[Conflict]:
    return list(
        session.scalars(
            select(Conflict)
            .where(or_(Conflict.claim_a_id == claim_id, Conflict.claim_b_id == claim_id))
            .order_by(Conflict.id)
        )
    )
