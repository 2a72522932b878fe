"""`factbase edit` of one claim on an up-to-date SQLite file, without SQLAlchemy.

This is :func:`factbase.analysis.editing.edit_claim` for the usual correction, on the
standard library's ``sqlite3`` (opened by :mod:`factbase.store.quick_sqlite`), as `add`
has :mod:`factbase.analysis.quick_add`. It is a shortcut, never a second set of rules: the
stored claim is read back as its input and the fields given laid over it as
:mod:`factbase.analysis.edit_rules` says, the values come from
:func:`~factbase.claims.values.claim_values` (asking `add`'s
:class:`~factbase.analysis.quick_add.SqliteLookups`), and the conflicts are checked again
as the incremental scan checks them: the claim's block read and its pairs selected and
judged as `add` does, new findings recorded, those that no longer hold withdrawn or
flagged stale (:func:`~factbase.analysis.conflict_rules.still_holding` telling which
still clash), decided ones found again unflagged.

It answers ``None``, having written nothing, whenever the library must do the work or
word the refusal: new topics, or corrected words of a claim whose topics factbase
suggested (they are suggested again), a new source, a retracted or merged claim, no such
claim, a key another claim has, any invalid field or a quote refused by ``--strict``, a
NUL character, and whatever :func:`~factbase.store.quick_sqlite.written` leaves to the
library. ``tests/test_quick_edit.py`` holds both writers to identical databases.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from factbase.analysis.conflict_rules import still_holding
from factbase.analysis.edit_rules import (
    CLAIM_EDIT_FIELDS,
    ConflictChange,
    Edit,
    blank_is_none,
    claim_snapshot,
    conflict_changes,
    edited_input,
)
from factbase.analysis.quick_add import (
    SqliteLookups,
    block_members,
    focus_findings,
    record_search_forms,
)
from factbase.catalog.audit_entries import changes, current_actor, detail_text
from factbase.claims.fields import SQL_COLUMN_OF, made_up_claim_id
from factbase.claims.values import (
    claim_values,
    refuse_unanchored,
    stored_input,
    subject_identity,
)
from factbase.errors import as_id
from factbase.store.quick_sqlite import Unanswered, stored, timestamp, written
from factbase.text.language import normalise_text

# A new source the library gives the claim itself: its quote is located in that text again.
_LEFT_TO_THE_LIBRARY = frozenset({"source"})
_DATES = ("event_date", "event_date_end", "as_of", "as_of_end")
_FLAGS = ("forecast", "polarity_suggested")


def edit_quickly(
    location: str | None,
    ref: str,
    given: Mapping[str, Any],
    *,
    why: str | None = None,
    strict: bool = False,
) -> Edit | None:
    """Correct the fields ``given`` of the claim ``ref`` as `factbase edit` would (its
    topics untouched); None, having written nothing, when the library has to."""
    if set(given) - set(CLAIM_EDIT_FIELDS) or set(given) & _LEFT_TO_THE_LIBRARY:
        return None
    texts = [ref, why or "", *(v for v in given.values() if isinstance(v, str))]
    if any("\x00" in text for text in texts):
        return None  # the library refuses a NUL character, naming the field
    return written(location, lambda connection: _edit(connection, ref, given, why, strict))


def _edit(
    connection: sqlite3.Connection,
    ref: str,
    given: Mapping[str, Any],
    why: str | None,
    strict: bool,
) -> Edit:
    claim = _claim(connection, ref)
    if claim.merged_into_id is not None or claim.retracted_at is not None:
        raise Unanswered  # the library names the claim it was merged into, or scans it
    before = _snapshot(connection, claim)
    new_input = edited_input(stored_input(claim), blank_is_none(given))
    edit = Edit(f"claim {claim.id}")
    values = claim_values(new_input, SqliteLookups(connection), edit.warnings)
    record_search_forms(connection, values)
    if strict:
        refuse_unanchored(values)
    if any(isinstance(value, str) and "\x00" in value for value in values.values()):
        raise Unanswered
    key = values["key"]
    if (
        key
        and connection.execute(
            "SELECT 1 FROM claim WHERE key = ? AND id != ?", (key, claim.id)
        ).fetchone()
    ):
        raise Unanswered  # the library names the claim that has it
    words_changed = (before["statement"], before["quote"]) != (
        values["statement"],
        values["quote"],
    )
    if words_changed and all(suggested for _, suggested in claim.topic_links):
        raise Unanswered  # topics factbase suggested are suggested again from the words
    _update(connection, claim, values)
    edit.changes = changes(before, _snapshot(connection, _claim(connection, str(claim.id))))
    if not edit.changed:
        return edit
    now = timestamp(datetime.now(UTC))
    states = _conflict_states(connection, claim.id)
    _rescan(connection, claim.id, now)
    conflict_changes(states, _conflict_states(connection, claim.id), edit)
    cursor = connection.execute(
        "INSERT INTO audit_log (at, actor, action, target, detail, note, claim_id, source_id) "
        "VALUES (?, ?, 'edit', ?, ?, ?, ?, ?)",
        (
            timestamp(datetime.now(UTC)),
            current_actor(),
            edit.target,
            detail_text({"changes": edit.changes}),
            normalise_text(why) if why else None,
            claim.id,
            claim.source_id,
        ),
    )
    edit.audit_id = cursor.lastrowid
    return edit


def _claim(connection: sqlite3.Connection, ref: str) -> Any:
    """The claim ``ref`` names, as :func:`factbase.claims.query.get_claim` finds it, with
    the attributes :func:`~factbase.claims.values.stored_input` reads; one it does not
    find the library words."""
    text = str(ref).strip()
    claim_id = as_id(text)
    if claim_id is not None:
        row = _row(connection, "id = ?", claim_id)
    else:
        row = _row(connection, "key = ?", text)
        made_up = made_up_claim_id(text) if row is None else None
        if made_up is not None:
            # The key a document gave a keyless claim (claim_ref) names it back.
            row = _row(connection, "id = ?", made_up)
            row = row if row is not None and row["key"] is None else None
    if row is None:
        raise Unanswered
    attributes = dict(row)
    attributes["property_name"] = attributes.pop("property")
    for name in _DATES:
        if attributes[name] is not None:
            attributes[name] = date.fromisoformat(attributes[name])
    for name in _FLAGS:
        attributes[name] = bool(attributes[name])
    links = connection.execute(
        "SELECT t.slug, ct.suggested FROM claim_topic AS ct JOIN topic AS t "
        "ON t.id = ct.topic_id WHERE ct.claim_id = ?",
        (attributes["id"],),
    ).fetchall()
    attributes["topic_links"] = [(slug, bool(suggested)) for slug, suggested in links]
    attributes["topic_slugs"] = sorted(slug for slug, _ in links)
    attributes["row"] = dict(row)
    return SimpleNamespace(**attributes)


def _row(connection: sqlite3.Connection, where: str, value: Any) -> sqlite3.Row | None:
    cursor = connection.execute(f"SELECT * FROM claim WHERE {where}", (value,))
    cursor.row_factory = sqlite3.Row
    found: sqlite3.Row | None = cursor.fetchone()
    return found


def _snapshot(connection: sqlite3.Connection, claim: Any) -> dict[str, Any]:
    """As the library's snapshot: the source named by its key, else its id."""
    source_key = connection.execute(
        "SELECT key FROM source WHERE id = ?", (claim.source_id,)
    ).fetchone()
    source_ref = source_key[0] if source_key and source_key[0] else str(claim.source_id)
    return claim_snapshot(
        stored_input(claim, source_ref),
        polarity=claim.polarity,
        polarity_suggested=claim.polarity_suggested,
        quote_match=claim.quote_match,
        topics=claim.topic_links,
    )


def _update(connection: sqlite3.Connection, claim: Any, values: dict[str, Any]) -> None:
    """The columns whose values differ written, with the moment, as the session flushes
    them."""
    row = claim.row
    changed: dict[str, Any] = {}
    for name, value in values.items():
        column = SQL_COLUMN_OF.get(name, name)
        if column not in row:
            raise sqlite3.OperationalError(f"no such claim column known here: {column}")
        if stored(value) != row[column]:
            changed[column] = stored(value)
    if not changed:
        return
    changed["updated_at"] = timestamp(datetime.now(UTC))
    assignments = ", ".join(f'"{column}" = ?' for column in changed)
    connection.execute(
        f"UPDATE claim SET {assignments} WHERE id = ?", [*changed.values(), claim.id]
    )


def _conflict_states(connection: sqlite3.Connection, claim_id: int) -> dict[int, ConflictChange]:
    rows = connection.execute(
        "SELECT id, claim_a_id, claim_b_id, kind, status, stale FROM conflict "
        "WHERE claim_a_id = ? OR claim_b_id = ?",
        (claim_id, claim_id),
    )
    return {
        conflict_id: ConflictChange(
            conflict_id, b if a == claim_id else a, kind, "stale" if stale else status
        )
        for conflict_id, a, b, kind, status, stale in rows
    }


def _rescan(connection: sqlite3.Connection, claim_id: int, now: str) -> None:
    """:func:`factbase.analysis.conflicts.scan` with the claim as its focus."""
    existing = {
        (a, b, kind): (conflict_id, status)
        for conflict_id, a, b, kind, status in connection.execute(
            "SELECT id, claim_a_id, claim_b_id, kind, status FROM conflict "
            "WHERE claim_a_id = ? OR claim_b_id = ?",
            (claim_id, claim_id),
        )
    }
    subject_id, subject_key, prop = connection.execute(
        "SELECT subject_id, subject_key, property_key FROM claim WHERE id = ?", (claim_id,)
    ).fetchone()
    subject = subject_identity(subject_id, subject_key)
    members = list(block_members(connection, subject, prop)) if subject and prop else []
    found = focus_findings(members, claim_id) if members else {}
    for (first, second, kind), finding in found.items():
        if (first, second, kind) not in existing:
            connection.execute(
                "INSERT INTO conflict (claim_a_id, claim_b_id, kind, cause, explanation, "
                "status, stale, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'open', 0, ?, ?)",
                (first, second, kind, finding.cause, finding.explanation, now, now),
            )
    recorded: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for key in existing:
        recorded[key[0]].append(key)
    holding = set(still_holding(members, recorded, found))
    gone = {
        key: state
        for key, state in existing.items()
        if key not in found and key[2] != "declared" and key not in holding
    }
    withdrawn = [(conflict_id,) for conflict_id, status in gone.values() if status == "open"]
    connection.executemany("DELETE FROM conflict WHERE id = ?", withdrawn)
    decided = [conflict_id for conflict_id, status in gone.values() if status != "open"]
    found_again = [conflict_id for key, (conflict_id, _) in existing.items() if key in found]
    for ids, flag in ((decided, 1), (found_again, 0)):
        connection.executemany(
            "UPDATE conflict SET stale = ?, updated_at = ? WHERE id = ? AND stale IS NOT ?",
            [(flag, now, conflict_id, flag) for conflict_id in ids],
        )
