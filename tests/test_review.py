"""The review queue: order, filters, items, decisions and undo, on the seed data."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from helpers import snapshot
from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.analysis.conflict_rules import CAUSE_ORDER
from factbase.analysis.conflicts import resolve_conflict
from factbase.analysis.corroboration import corroboration
from factbase.analysis.review import (
    ReviewFilter,
    conflict_queue,
    decide_conflict,
    decide_match,
    load_conflict,
    load_match,
    marked_spans,
    match_queue,
    undo,
)
from factbase.errors import FactbaseError, InvalidInput
from factbase.store.database import Database
from factbase.store.models import AuditEntry, Claim, ClaimLink, Conflict, XrefRejection


@pytest.fixture
def seeded(seeded_url: str) -> Iterator[Database]:
    database = Database.open(seeded_url)
    yield database
    database.close()


def audit_actions(session: Session) -> list[tuple[str, str]]:
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    return [(e.action, e.target) for e in entries if e.action != "link"]


# -- marking the disagreement in a quote ------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "kind", "value", "polarity", "language", "marked"),
    [
        ("проходит около 80% экспорта", "value", "около 80%", "affirmed", "ru", ["около 80%"]),
        ("проходит Около  80% экспорта", "value", "около 80%", "affirmed", "ru", ["Около  80%"]),
        ("близо 80 % от износа", "value", "~80%", "affirmed", "bg", ["80 %"]),
        ("in 1980 it was 80%", "value", "80%", "affirmed", "en", ["80%"]),
        ("441 миллиард тенге", "value", "441 млрд тенге", "affirmed", "ru", ["441"]),
        ("no figure here", "value", "60%", "affirmed", "en", []),
        ("Казахстан не отдаляется от России", "polarity", None, "denied", "ru", ["не"]),
        ("Kazakhstan isn't and will not", "polarity", None, "denied", "en", ["isn't", "not"]),
        ("Казахстан отдаляется от России", "polarity", None, "affirmed", "ru", []),
        ("anything at all", "declared", None, "affirmed", "en", []),
        (None, "value", "80%", "affirmed", "en", []),
    ],
)
def test_marked_spans(
    quote: str | None,
    kind: str,
    value: str | None,
    polarity: str,
    language: str,
    marked: list[str],
) -> None:
    spans = marked_spans(quote, kind, value, polarity, language)
    assert [quote[start:end] for start, end in spans] == marked if quote else spans == ()


# -- the conflict queue -----------------------------------------------------------------


def expected_order(session: Session, conflicts: list[Conflict]) -> list[int]:
    """The documented order, computed the slow way: one corroboration per claim."""

    def origins(conflict: Conflict) -> int:
        return sum(corroboration(session, c).origins for c in (conflict.claim_a_id,
                                                               conflict.claim_b_id))  # fmt: skip

    ranked = sorted(conflicts, key=lambda c: (CAUSE_ORDER[c.cause], -origins(c), c.id))
    return [c.id for c in ranked]


@pytest.mark.slow
def test_conflict_queue_order_counts_and_filters(seeded: Database) -> None:
    with seeded.session(write=True, commit=False) as session:
        everything = list(session.scalars(select(Conflict)))
        queue = conflict_queue(session, ReviewFilter())
        assert (queue.total, queue.decided, len(queue.ids)) == (17, 0, 17)
        assert queue.ids == expected_order(session, everything)
        # A second independent report of one side moves its conflict ahead of its peers.
        last = session.get(Conflict, queue.ids[-1])
        assert last is not None and last.cause == "time-scope"
        # The side of it that no other conflict of its cause shares (one claim may deny
        # what several affirm): a second report of that side moves this conflict alone.
        peers = [c for c in everything if c.cause == "time-scope" and c.id != last.id]
        side = next(
            claim
            for claim in (last.claim_a, last.claim_b)
            if all(claim.id not in (c.claim_a_id, c.claim_b_id) for c in peers)
        )
        for echo in session.scalars(
            select(Claim.id).where(
                Claim.id.not_in(select(Conflict.claim_a_id)),
                Claim.id.not_in(select(Conflict.claim_b_id)),
                Claim.source_id != side.source_id,
            )
        ).all():
            low, high = sorted((echo, side.id))
            nested = session.begin_nested()
            session.add(ClaimLink(claim_a_id=low, claim_b_id=high, kind="same"))
            session.flush()
            if corroboration(session, side.id).origins == 2:
                nested.commit()
                break
            nested.rollback()
        else:
            pytest.fail("no independent claim to link")
        reordered = conflict_queue(session, ReviewFilter())
        assert reordered.ids == expected_order(session, everything)
        time_scope = [i for i in reordered.ids if session.get(Conflict, i).cause == "time-scope"]  # type: ignore[union-attr]
        assert time_scope[0] == last.id

        decide_conflict(session, reordered.ids[0], "dismiss")
        after = conflict_queue(session, ReviewFilter())
        assert (after.total, after.decided, after.ids) == (17, 1, reordered.ids[1:])

        polarity = conflict_queue(session, ReviewFilter(kind="polarity"))
        assert polarity.total == 4 and all(
            session.get(Conflict, i).kind == "polarity"  # type: ignore[union-attr]
            for i in polarity.ids
        )
        assert conflict_queue(session, ReviewFilter(language="bg")).total == 5
        assert conflict_queue(session, ReviewFilter(kind="value")).ids == []
        with pytest.raises(FactbaseError, match="no topic"):
            conflict_queue(session, ReviewFilter(topic="nope"))
        with pytest.raises(InvalidInput, match="conflicts, not to matches"):
            match_queue(session, ReviewFilter(kind="value"))


def test_load_conflict_and_deciding_it(seeded: Database) -> None:
    with seeded.session(write=True, commit=False) as session:
        first = conflict_queue(session, ReviewFilter()).ids[0]
        item = load_conflict(session, first)
        assert item is not None
        conflict = session.get(Conflict, first)
        assert conflict is not None
        assert (item.left.id, item.right.id) == (conflict.claim_a_id, conflict.claim_b_id)
        assert item.explanation == conflict.explanation
        assert item.left.outlet and item.left.stance and item.left.language
        assert item.left.corroboration.reports >= 1 and item.left.corroboration.origins >= 1
        assert item.right.id in item.left.corroboration.disputing_claims
        decide_conflict(session, first, "dismiss", "  two different years  ")
        assert load_conflict(session, first) is None
        assert load_conflict(session, 10**9) is None
        assert conflict.note == "two different years"  # a note replaces the default
        with pytest.raises(InvalidInput, match="was dismissed meanwhile"):
            decide_conflict(session, first, "confirm")
        with pytest.raises(InvalidInput, match="one of"):
            decide_conflict(session, first, "maybe")


# -- decisions and undo -----------------------------------------------------------------


def test_keep_right_then_undo_restores_everything(seeded: Database) -> None:
    with seeded.session() as session:
        target = conflict_queue(session, ReviewFilter()).ids[0]
    before = snapshot(seeded.display)
    with seeded.session(write=True) as session:
        decision = decide_conflict(session, target, "keep-right")
    with seeded.session() as session:
        conflict = session.get(Conflict, target)
        assert conflict is not None
        assert (conflict.status, conflict.kept_claim_id) == ("resolved", conflict.claim_b_id)
        assert conflict.note == f"reviewed: resolved, keeping claim {conflict.claim_b_id}"
        assert conflict.claim_a.status == "disputed"
        assert conflict.claim_b.status == "unverified"
        assert decision.claims == ((conflict.claim_a_id, "unverified", "disputed"),)
        assert audit_actions(session)[-1] == ("conflict-resolved", f"conflict {target}")
    with seeded.session(write=True) as session:
        assert undo(session, decision) == f"undone: {decision.summary}"
    with seeded.session() as session:
        conflict = session.get(Conflict, target)
        assert conflict is not None
        assert (conflict.status, conflict.kept_claim_id, conflict.note) == ("open", None, None)
        assert conflict.claim_a.status == "unverified"
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).all()
        assert (entries[0].action, entries[0].target) == ("review-undo", f"conflict {target}")
        detail = json.loads(entries[0].detail or "{}")
        assert detail["undid"] == "conflict-resolved"
        assert detail["status"] == "open"
        assert detail["claims"] == {str(conflict.claim_a_id): "unverified"}
    after = snapshot(seeded.display)
    # Only the audit log grew (the decision and its undo) and timestamps moved.
    assert len(after["audit_log"]) == len(before["audit_log"]) + 2
    for table in ("claim_link", "xref_rejection", "topic", "source"):
        assert after[table] == before[table]


def test_undo_refuses_when_the_conflict_changed_since(seeded: Database) -> None:
    with seeded.session(write=True) as session:
        target = conflict_queue(session, ReviewFilter()).ids[0]
        decision = decide_conflict(session, target, "dismiss")
    with seeded.session(write=True) as session:
        resolve_conflict(session, target, "confirmed", "on second thought, a real clash")
    before = snapshot(seeded.display)
    with pytest.raises(InvalidInput, match="changed since"), seeded.session(write=True) as session:
        undo(session, decision)
    assert snapshot(seeded.display) == before


@pytest.mark.slow
def test_matches_same_not_same_undo_and_filters(seeded: Database) -> None:
    with seeded.session() as session:
        suggestions = match_queue(session, ReviewFilter())
        assert suggestions == sorted(suggestions, key=lambda s: (-s.score, s.claim_a, s.claim_b))
        first, second = suggestions[:2]
        item = load_match(session, first)
        assert item is not None and item.pair == (first.claim_a, first.claim_b)
        assert item.reasons == first.reasons and item.left.marked == ()
    with seeded.session(write=True) as session:
        same = decide_match(session, first, True)
        other = decide_match(session, second, False, "different treaties")
    with seeded.session() as session:
        link = session.scalar(
            select(ClaimLink).where(
                ClaimLink.claim_a_id == first.claim_a, ClaimLink.claim_b_id == first.claim_b
            )
        )
        assert link is not None and link.kind == "same"
        assert link.note is not None and link.note.startswith("reviewed: same (score")
        rejection = session.get(XrefRejection, (second.claim_a, second.claim_b))
        assert rejection is not None and rejection.note == "different treaties"
        assert load_match(session, first) is None and load_match(session, second) is None
        left = [(s.claim_a, s.claim_b) for s in match_queue(session, ReviewFilter())]
        assert (first.claim_a, first.claim_b) not in left
        assert (second.claim_a, second.claim_b) not in left
    with seeded.session(write=True) as session:
        undo(session, other)
        undo(session, same)
    with seeded.session() as session:
        assert session.get(XrefRejection, (second.claim_a, second.claim_b)) is None
        assert session.scalar(select(ClaimLink).where(ClaimLink.note.like("reviewed%"))) is None
        assert audit_actions(session)[-3:] == [
            ("xref-reject", f"claims {second.claim_a}-{second.claim_b}"),
            ("review-undo", f"claims {second.claim_a}-{second.claim_b}"),
            ("review-undo", f"claims {first.claim_a}-{first.claim_b}"),
        ]
        undos = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "review-undo").order_by(AuditEntry.id)
        ).all()
        assert [json.loads(e.detail or "{}")["undid"] for e in undos] == ["xref-reject", "link"]
        assert len(match_queue(session, ReviewFilter())) == len(suggestions)
    with pytest.raises(InvalidInput, match="no longer"), seeded.session(write=True) as session:
        undo(session, same)
    with seeded.session() as session:  # filters match either claim
        every = match_queue(session, ReviewFilter())
        bulgarian = match_queue(session, ReviewFilter(language="bg"))
        languages = {
            s: {session.get(Claim, c).language for c in (s.claim_a, s.claim_b)}  # type: ignore[union-attr]
            for s in every
        }
        assert bulgarian == [s for s in every if "bg" in languages[s]]
        assert 0 < len(bulgarian) < len(every)
        oil = match_queue(session, ReviewFilter(topic="oil", stance="neutral"))
        assert 0 < len(oil) < len(every)
