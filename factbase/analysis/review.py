"""The review queue: open conflicts and suggested matches, one at a time, best first.

:func:`conflict_queue` and :func:`match_queue` say what is left to review and in which
order; :func:`load_conflict` and :func:`load_match` read one item as plain values (both
claims, their quotes with the disagreeing words marked, and their corroboration), fresh
from the database, so an item someone else decided in the meantime is not shown.

:func:`decide_conflict` and :func:`decide_match` record a decision, with its audit entry,
in the caller's transaction and return a :class:`Decision` saying what changed;
:func:`undo` puts back what a decision changed, in a transaction of its own, and records
that in the audit log too.

Order
-----
Open conflicts come by cause (:data:`factbase.analysis.conflicts.CAUSE_ORDER`: direct
contradictions, then those where one claim gives no period, declared ones, differences of
time scope and approximations), then
by the independent origins behind the two claims together (most first: a contradiction
between well-sourced claims matters more than one between two echoes of a rumour), then
by id. Suggested matches come by score, as :func:`factbase.analysis.xref.suggest` ranks them.

Notes
-----
:func:`factbase.analysis.conflicts.resolve_conflict` wants a reason. A decision made without one
records ``reviewed: <decision>`` (``reviewed: resolved, keeping claim 12``), which says
that a person looked at the pair and chose, and nothing more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.analysis.conflict_rules import CAUSE_ORDER
from factbase.analysis.conflicts import ConflictFilter, find_conflicts, resolve_conflict
from factbase.analysis.corroboration import CorroborationIndex
from factbase.analysis.links import find_link, link_claims, ordered
from factbase.analysis.xref import Suggestion, reject, suggest
from factbase.catalog import audit
from factbase.catalog.outlets import get_stance
from factbase.catalog.source_texts import claim_quote_context
from factbase.catalog.topics import descendant_ids, get_topic
from factbase.claims.display import Corroboration
from factbase.claims.record import claim_row
from factbase.errors import InvalidInput, NotFound
from factbase.store.models import Claim, ClaimTopic, Conflict, Outlet, Source, XrefRejection
from factbase.text.language import fold, validate_language
from factbase.text.quotes import QuoteContext

CONFLICT_ACTIONS = ("confirm", "dismiss", "keep-left", "keep-right")
DEFAULT_MIN_SCORE = 0.5

# Words that turn a statement into its denial, by language, for marking polarity conflicts.
NEGATIONS: dict[str | None, tuple[str, ...]] = {
    "en": ("not", "no", "never", "nor", "n't", "neither", "without"),
    "ru": ("не", "нет", "ни", "никогда", "без"),
    "uk": ("не", "ні", "немає", "ніколи", "без"),
    "bg": ("не", "няма", "нито", "никога", "без"),
}


@dataclass(frozen=True)
class ReviewFilter:
    """Which items to walk: each filter matches either claim of an item."""

    topic: str | None = None
    kind: str | None = None  # conflicts only
    stance: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class ReviewSide:
    """One side of a review item, as a reviewer needs to see it."""

    id: int
    key: str | None
    statement: str
    quote: str | None
    marked: tuple[tuple[int, int], ...]  # spans of ``quote`` that carry the disagreement
    speaker: str | None
    outlet: str
    stance: str
    language: str | None
    published: str | None
    as_of: str | None
    event_date: str | None
    value: str | None
    polarity: str
    status: str
    source: str  # the source's key, else its title
    url: str | None
    corroboration: Corroboration
    # The quote in its article, with the text around it (as `show` prints it).
    quote_context: QuoteContext | None = None


@dataclass(frozen=True)
class ConflictItem:
    id: int
    kind: str
    cause: str
    explanation: str
    left: ReviewSide
    right: ReviewSide


@dataclass(frozen=True)
class MatchItem:
    left: ReviewSide
    right: ReviewSide
    score: float
    reasons: tuple[str, ...]

    @property
    def pair(self) -> tuple[int, int]:
        return (self.left.id, self.right.id)


@dataclass(frozen=True)
class ConflictQueue:
    """Open conflicts in review order, and how many of the filtered ones are decided."""

    ids: list[int]
    total: int
    decided: int


@dataclass(frozen=True)
class Decision:
    """What one decision changed: enough to put it back (:func:`undo`)."""

    action: str  # the audit action: conflict-confirmed, …, link, xref-reject
    target: str  # "conflict 5" or "claims 4-78"
    summary: str  # for people: "conflict 5: dismissed"
    conflict_id: int | None = None
    status: str | None = None  # the conflict's status after the decision
    previous: tuple[str, str | None, int | None] | None = None  # status, note, kept claim
    claims: tuple[tuple[int, str, str], ...] = ()  # (claim, status before, status after)
    pair: tuple[int, int] | None = None


# -- the queues --------------------------------------------------------------------------


def conflict_queue(session: Session, where: ReviewFilter) -> ConflictQueue:
    """The open conflicts matching ``where``, most pressing first (see the module docstring)."""
    every = find_conflicts(
        session,
        ConflictFilter(
            status=None,
            kind=where.kind,
            topic=where.topic,
            stance=where.stance,
            language=where.language,
        ),
    )
    waiting = [(c.id, c.cause, c.claim_a_id, c.claim_b_id) for c in every if c.status == "open"]
    claim_ids = {claim for _id, _cause, a, b in waiting for claim in (a, b)}
    found = CorroborationIndex(session).corroborations(sorted(claim_ids))
    waiting.sort(
        key=lambda c: (CAUSE_ORDER.get(c[1], len(CAUSE_ORDER)), -_origins(found, c[2], c[3]), c[0])
    )
    return ConflictQueue(
        ids=[c[0] for c in waiting], total=len(every), decided=len(every) - len(waiting)
    )


def _origins(found: dict[int, Corroboration], a: int, b: int) -> int:
    return found[a].origins + found[b].origins


def match_queue(
    session: Session, where: ReviewFilter, *, min_score: float = DEFAULT_MIN_SCORE
) -> list[Suggestion]:
    """Suggested matches nobody has decided on, best first, matching ``where``."""
    if where.kind:
        raise InvalidInput("--kind applies to conflicts, not to matches")
    suggestions = suggest(session, min_score=min_score)
    for allowed in _claim_sets(session, where):
        suggestions = [s for s in suggestions if s.claim_a in allowed or s.claim_b in allowed]
    return suggestions


def _claim_sets(session: Session, where: ReviewFilter) -> list[set[int]]:
    """One set of claim ids per filter given; an item passes when either claim is in each."""

    sets: list[set[int]] = []
    if where.topic:
        topics = descendant_ids(session, get_topic(session, where.topic))
        query: Any = select(ClaimTopic.claim_id).where(ClaimTopic.topic_id.in_(topics))
        sets.append(set(session.scalars(query)))
    if where.stance:
        stance = get_stance(session, where.stance).name
        query = (
            select(Claim.id)
            .join(Source, Claim.source_id == Source.id)
            .join(Outlet, Source.outlet_id == Outlet.id)
            .where(Outlet.stance == stance)
        )
        sets.append(set(session.scalars(query)))
    if where.language:
        language = validate_language(where.language)
        sets.append(set(session.scalars(select(Claim.id).where(Claim.language == language))))
    return sets


# -- the items ---------------------------------------------------------------------------


def load_conflict(session: Session, conflict_id: int) -> ConflictItem | None:
    """The conflict with both claims, or None when it is gone or no longer open."""
    conflict = session.get(Conflict, conflict_id)
    if conflict is None or conflict.status != "open":
        return None
    found = CorroborationIndex(session).corroborations([conflict.claim_a_id, conflict.claim_b_id])
    return ConflictItem(
        id=conflict.id,
        kind=conflict.kind,
        cause=conflict.cause,
        explanation=conflict.explanation,
        left=_view(session, conflict.claim_a, found[conflict.claim_a_id], conflict.kind),
        right=_view(session, conflict.claim_b, found[conflict.claim_b_id], conflict.kind),
    )


def load_match(session: Session, suggestion: Suggestion) -> MatchItem | None:
    """The two claims of a suggestion, or None when the pair was linked or rejected since."""
    low, high = suggestion.claim_a, suggestion.claim_b
    if find_link(session, low, high) is not None:
        return None
    if session.get(XrefRejection, (low, high)) is not None:
        return None
    first, second = session.get(Claim, low), session.get(Claim, high)
    if first is None or second is None:
        return None
    found = CorroborationIndex(session).corroborations([low, high])
    return MatchItem(
        left=_view(session, first, found[low], None),
        right=_view(session, second, found[high], None),
        score=suggestion.score,
        reasons=suggestion.reasons,
    )


def _view(session: Session, claim: Claim, found: Corroboration, kind: str | None) -> ReviewSide:
    row = claim_row(claim)
    return ReviewSide(
        id=claim.id,
        key=claim.key,
        statement=claim.statement,
        quote=claim.quote,
        marked=marked_spans(claim.quote, kind, row["value"], claim.polarity, claim.language),
        speaker=claim.speaker,
        outlet=row["outlet"],
        stance=row["stance"],
        language=claim.language,
        published=row["published"],
        as_of=row["as_of"],
        event_date=row["event_date"],
        value=claim.value_text,
        polarity=claim.polarity,
        status=claim.status,
        source=row["source_key"] or row["source_title"],
        url=row["source_url"],
        quote_context=claim_quote_context(session, claim),
        corroboration=found,
    )


def marked_spans(
    quote: str | None,
    kind: str | None,
    value: str | None,
    polarity: str,
    language: str | None,
) -> tuple[tuple[int, int], ...]:
    """Where in ``quote`` the disagreement lies, as (start, end) spans; pure.

    A value conflict marks the value as written ("около 80%"), else its figures ("80%");
    a polarity conflict marks the words of denial in the denied claim's quote. Nothing is
    marked when the words cannot be found: the quote is verbatim, the value may not be.
    """
    if not quote:
        return ()
    if kind == "value" and value:
        pattern = r"\s+".join(re.escape(word) for word in value.split())
        whole = re.search(pattern, quote, re.IGNORECASE)
        if whole:
            return ((whole.start(), whole.end()),)
        return _find_figures(quote, re.findall(r"\d+(?:[.,]\d+)*", value))
    if kind == "polarity" and polarity == "denied":
        words = NEGATIONS.get(language, ()) + NEGATIONS["en"]
        spans = []
        for match in re.finditer(r"\w+(?:'\w+)?", quote):
            word = fold(match.group())
            if word in words or word.endswith("n't"):
                spans.append((match.start(), match.end()))
        return tuple(spans)
    return ()


def _find_figures(text: str, figures: Sequence[str]) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for figure in figures:
        # Whole numbers only ("80" is not the end of "1980"), with a per cent sign after.
        pattern = r"(?<![\d.,])" + re.escape(figure) + r"(?![\d])(?:\s?%)?"
        spans.extend((m.start(), m.end()) for m in re.finditer(pattern, text))
    return tuple(sorted(set(spans)))


# -- decisions ---------------------------------------------------------------------------


def decide_conflict(
    session: Session, conflict_id: int, action: str, note: str | None = None
) -> Decision:
    """Confirm, dismiss, or resolve keeping the left (a) or right (b) claim."""
    if action not in CONFLICT_ACTIONS:
        raise InvalidInput(f"a conflict is decided with one of: {', '.join(CONFLICT_ACTIONS)}")
    conflict = session.get(Conflict, conflict_id)
    if conflict is None:
        raise NotFound(f"conflict {conflict_id} is gone (withdrawn by a rescan)")
    if conflict.status != "open":
        raise InvalidInput(f"conflict {conflict_id} was {conflict.status} meanwhile")
    previous = (conflict.status, conflict.note, conflict.kept_claim_id)
    sides = (conflict.claim_a, conflict.claim_b)
    before = {claim.id: claim.status for claim in sides}
    keep: int | None = None
    if action == "keep-left":
        keep = conflict.claim_a_id
    elif action == "keep-right":
        keep = conflict.claim_b_id
    decision = {"confirm": "confirmed", "dismiss": "dismissed"}.get(action, "resolved")
    default = f"reviewed: {decision}" + (f", keeping claim {keep}" if keep else "")
    text = note.strip() if note and note.strip() else default
    resolve_conflict(session, conflict_id, decision, text, str(keep) if keep else None)
    changed = tuple(
        (claim.id, before[claim.id], claim.status)
        for claim in sides
        if claim.status != before[claim.id]
    )
    kept = f"; kept claim {keep}, claim {_other(conflict, keep)} disputed" if keep else ""
    return Decision(
        action=f"conflict-{decision}",
        target=f"conflict {conflict_id}",
        summary=f"conflict {conflict_id}: {decision}{kept}",
        conflict_id=conflict_id,
        status=decision,
        previous=previous,
        claims=changed,
    )


def _other(conflict: Conflict, claim_id: int) -> int:
    return conflict.claim_b_id if claim_id == conflict.claim_a_id else conflict.claim_a_id


def decide_match(
    session: Session, suggestion: Suggestion, same: bool, note: str | None = None
) -> Decision:
    """Link the pair as ``same``, or reject it so it is never suggested again."""
    low, high = ordered(suggestion.claim_a, suggestion.claim_b)
    text = note.strip() if note and note.strip() else None
    target = f"claims {low}-{high}"
    if same:
        reasons = "; ".join(suggestion.reasons)
        detail = f"reviewed: same (score {suggestion.score:.2f}: {reasons})"
        link_claims(session, str(low), str(high), "same", f"{text} ({detail})" if text else detail)
        return Decision(
            "link", target, f"claims {low} and {high}: linked as same", pair=(low, high)
        )
    reject(session, str(low), str(high), text or "reviewed: not the same")
    summary = f"claims {low} and {high}: not the same, never suggested again"
    return Decision("xref-reject", target, summary, pair=(low, high))


def undo(session: Session, decision: Decision) -> str:
    """Put back what ``decision`` changed, and record the undo; a summary for people.

    Refuses, changing nothing, when the item was changed again since the decision.
    """
    if decision.conflict_id is not None:
        restored = _undo_conflict(session, decision)
    elif decision.pair is not None:
        restored = _undo_match(session, decision)
    else:
        raise InvalidInput("nothing to undo")
    audit.record(
        session,
        "review-undo",
        decision.target,
        detail={"undid": decision.action, **restored},
        note=f"undid: {decision.summary}",
    )
    return f"undone: {decision.summary}"


def _undo_conflict(session: Session, decision: Decision) -> dict[str, Any]:
    assert decision.conflict_id is not None and decision.previous is not None
    conflict = session.get(Conflict, decision.conflict_id)
    if conflict is None or conflict.status != decision.status:
        now = conflict.status if conflict else "gone"
        raise InvalidInput(f"{decision.target} was changed since (now {now}); not undone")
    status, note, kept = decision.previous
    conflict.status, conflict.note, conflict.kept_claim_id = status, note, kept
    claims: dict[str, str] = {}
    for claim_id, before, after in decision.claims:
        claim = session.get(Claim, claim_id)
        # A status someone changed again since is theirs: leave it.
        if claim is not None and claim.status == after:
            claim.status = before
            claims[str(claim_id)] = before
    session.flush()
    return {"status": status, "claims": claims} if claims else {"status": status}


def _undo_match(session: Session, decision: Decision) -> dict[str, Any]:
    assert decision.pair is not None
    low, high = decision.pair
    if decision.action == "link":
        link = find_link(session, low, high)
        if link is None or link.kind != "same":
            raise InvalidInput(f"{decision.target} are no longer linked as same; not undone")
        session.delete(link)
        session.flush()
        return {"removed": "link", "kind": "same"}
    rejection = session.get(XrefRejection, (low, high))
    if rejection is None:
        raise InvalidInput(f"{decision.target} are no longer rejected; not undone")
    session.delete(rejection)
    session.flush()
    return {"removed": "rejection"}
