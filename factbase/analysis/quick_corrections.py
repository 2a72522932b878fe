"""`factbase verdict` and `factbase retract` of one claim on an up-to-date SQLite file,
without SQLAlchemy.

A verdict or a retraction is one decision about one claim, and importing SQLAlchemy's ORM
takes longer than writing it. These are :func:`factbase.analysis.verdicts.record_verdict`
and :func:`factbase.analysis.corrections.retract_claim` for the usual case, on the
standard library's ``sqlite3`` (opened by :mod:`factbase.store.quick_sqlite`, as `add`'s
:mod:`factbase.analysis.quick_add` is). They are shortcuts, never a second set of rules:
the rating scale comes from :mod:`factbase.catalog.rating_scale`, the audit entry's actor
and detail from :mod:`factbase.catalog.audit_entries`, as the library takes them.

Each answers ``None``, having written nothing, whenever the library must do the work or
word the refusal: no such claim, a retracted or merged claim, a rating off the scale, no
reason given, evidence that is no http(s) URL or no other claim, a NUL character, and
whatever :func:`~factbase.store.quick_sqlite.written` leaves to the library (another
schema revision or journal mode, a lock, an SQLite error). ``tests/test_quick_corrections.py``
holds both writers to identical databases.

A retraction's conflict check is the incremental scan with the retracted claim as its
focus: a retracted claim is in no block, so the scan finds nothing new and nothing of
its recorded conflicts still holding. Each of them but a person's declared one no longer
holds: an open one is withdrawn, a decided one flagged stale (its decision stays).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from factbase.catalog.audit_entries import changes, current_actor, detail_text
from factbase.catalog.rating_scale import DEFAULT_SCALE, parse_scale
from factbase.claims.fields import made_up_claim_id
from factbase.errors import as_id
from factbase.store.quick_sqlite import Unanswered, timestamp, written
from factbase.text.language import normalise_text
from factbase.text.urls import normalise_url


@dataclass(frozen=True)
class QuickVerdict:
    """What `verdict` reports of a verdict recorded here."""

    id: int
    claim_id: int
    rating: str
    reviewer: str


@dataclass(frozen=True)
class QuickRetraction:
    """What `retract` reports of a claim retracted here."""

    claim_id: int
    key: str | None


@dataclass(frozen=True)
class _Claim:
    id: int
    key: str | None
    source_id: int
    retracted: bool
    merged: bool


def verdict_quickly(
    location: str | None,
    ref: str,
    rating: str,
    note: str,
    *,
    evidence: Sequence[str] = (),
    by: str | None = None,
) -> QuickVerdict | None:
    """Give the claim ``ref`` a verdict as `factbase verdict` would; None, having written
    nothing, when the library has to."""
    if any("\x00" in text for text in (ref, rating, note, by or "", *evidence)):
        return None  # the library refuses a NUL character, naming the field
    return written(
        location, lambda connection: _verdict(connection, ref, rating, note, evidence, by)
    )


def retract_quickly(location: str | None, ref: str, note: str) -> QuickRetraction | None:
    """Retract the claim ``ref`` as `factbase retract` would; None, having written nothing,
    when the library has to."""
    if "\x00" in ref or "\x00" in note:
        return None  # the library refuses a NUL character, naming the field
    return written(location, lambda connection: _retract(connection, ref, note))


def _verdict(
    connection: sqlite3.Connection,
    ref: str,
    rating: str,
    note: str,
    evidence: Sequence[str],
    by: str | None,
) -> QuickVerdict:
    claim = _claim(connection, ref)
    if claim.retracted:
        raise Unanswered  # the library says it takes no verdict
    setting = connection.execute("SELECT value FROM setting WHERE name = 'rating.scale'").fetchone()
    scale = parse_scale(setting[0]) if setting else DEFAULT_SCALE
    chosen = scale.rating(rating)
    reason = normalise_text(note or "")
    if not reason:
        raise Unanswered  # the library asks for the reasoning
    reviewer = (normalise_text(by or "") or current_actor())[:100]
    cited = [_cited(connection, claim, given) for given in evidence]
    when = timestamp(datetime.now(UTC))
    previous = connection.execute(
        "SELECT id, rating FROM verdict WHERE claim_id = ? AND superseded_at IS NULL",
        (claim.id,),
    ).fetchall()
    if len(previous) > 1:
        raise Unanswered  # two current verdicts: the library's lookup refuses it
    if previous:
        connection.execute(
            "UPDATE verdict SET superseded_at = ? WHERE id = ?", (when, previous[0][0])
        )
    cursor = connection.execute(
        "INSERT INTO verdict (claim_id, rating, rating_value, best_rating, worst_rating, "
        "note, reviewer, reviewed_at, conflict_id, superseded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
        (claim.id, chosen.name, chosen.value, scale.best, scale.worst, reason, reviewer, when),
    )
    verdict_id = cursor.lastrowid
    assert verdict_id is not None
    connection.executemany(
        "INSERT INTO verdict_evidence (verdict_id, position, claim_id, url) VALUES (?, ?, ?, ?)",
        [
            (verdict_id, position, claim_id, url)
            for position, (claim_id, url) in enumerate(cited, start=1)
        ],
    )
    detail = {
        # As a correction's entry says it, so `factbase history` shows the change.
        "changes": {"rating": [previous[0][1] if previous else None, chosen.name]},
        "reviewer": reviewer,
        "evidence": [url or claim_id for claim_id, url in cited],
        "conflict": None,
    }
    _audit(connection, "verdict", claim, detail, reason, source_id=None)
    return QuickVerdict(verdict_id, claim.id, chosen.name, reviewer)


def _cited(
    connection: sqlite3.Connection, claim: _Claim, given: str
) -> tuple[int | None, str | None]:
    """As :func:`factbase.analysis.verdicts.cited_evidence`: (claim id, None) or (None, URL)."""
    text = str(given).strip()
    if "://" in text:
        return None, normalise_url(text)
    cited = _claim(connection, text)
    if cited.id == claim.id:
        raise Unanswered  # the library says a claim is no evidence on itself
    return cited.id, None


def _retract(connection: sqlite3.Connection, ref: str, note: str) -> QuickRetraction:
    claim = _claim(connection, ref)
    if claim.merged or claim.retracted:
        raise Unanswered  # the library says which claim it was merged into, or since when
    text = normalise_text(note or "")
    if not text:
        raise Unanswered  # the library asks for the reason
    moment = datetime.now(UTC)
    now = timestamp(moment)
    connection.execute(
        "UPDATE claim SET retracted_at = ?, retraction_note = ?, updated_at = ? WHERE id = ?",
        (now, text, now, claim.id),
    )
    withdrawn, stale = _conflicts_withdrawn(connection, claim.id, now)
    detail = {
        "changes": changes(
            {"retracted_at": None, "retraction_note": None},
            {"retracted_at": moment, "retraction_note": text},
        ),
        "conflicts_withdrawn": withdrawn,
        "conflicts_stale": stale,
    }
    _audit(connection, "retract", claim, detail, text, source_id=claim.source_id)
    return QuickRetraction(claim.id, claim.key)


def _conflicts_withdrawn(
    connection: sqlite3.Connection, claim_id: int, now: str
) -> tuple[int, int]:
    """The retracted claim's recorded conflicts that no longer hold (all but declared ones):
    the open ones deleted, the decided ones flagged stale; how many of each."""
    rows = connection.execute(
        "SELECT id, status, stale FROM conflict "
        "WHERE (claim_a_id = ? OR claim_b_id = ?) AND kind != 'declared'",
        (claim_id, claim_id),
    ).fetchall()
    withdrawn = [conflict_id for conflict_id, status, _ in rows if status == "open"]
    decided = [(conflict_id, stale) for conflict_id, status, stale in rows if status != "open"]
    connection.executemany("DELETE FROM conflict WHERE id = ?", [(i,) for i in withdrawn])
    connection.executemany(
        "UPDATE conflict SET stale = 1, updated_at = ? WHERE id = ?",
        [(now, conflict_id) for conflict_id, was_stale in decided if not was_stale],
    )
    return len(withdrawn), len(decided)


def _claim(connection: sqlite3.Connection, ref: str) -> _Claim:
    """The claim ``ref`` names, as :func:`factbase.claims.query.get_claim` finds it; one
    it does not find the library words."""
    columns = "SELECT id, key, source_id, retracted_at, merged_into_id FROM claim"
    text = str(ref).strip()
    claim_id = as_id(text)
    if claim_id is not None:
        row = connection.execute(f"{columns} WHERE id = ?", (claim_id,)).fetchone()
    else:
        row = connection.execute(f"{columns} WHERE key = ?", (text,)).fetchone()
        made_up = made_up_claim_id(text) if row is None else None
        if made_up is not None:
            # The key a document gave a keyless claim (claim_ref) names it back.
            row = connection.execute(f"{columns} WHERE id = ?", (made_up,)).fetchone()
            row = row if row is not None and row[1] is None else None
    if row is None:
        raise Unanswered
    return _Claim(row[0], row[1], row[2], row[3] is not None, row[4] is not None)


def _audit(
    connection: sqlite3.Connection,
    action: str,
    claim: _Claim,
    detail: Mapping[str, object],
    note: str,
    *,
    source_id: int | None,
) -> None:
    """An entry as :func:`factbase.catalog.audit.record` adds it."""
    connection.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, note, claim_id, source_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            timestamp(datetime.now(UTC)),
            current_actor(),
            action,
            f"claim {claim.id}",
            detail_text(dict(detail)),
            note,
            claim.id,
            source_id,
        ),
    )
