"""Verdicts and settings in the interchange format: `export all` writes them and `import`
puts them back, so a database's published ratings, their history and the organisation
they are published under survive a move to another database (docs/format.md).

A verdict record names its claim, its rating with the value and scale bounds it was given
with, the reasoning, the reviewer and when it was given, when a later verdict superseded
it, what it cites (claims by reference, or URLs) and the conflict whose decision proposed
it (by the other claim of the pair and the conflict's kind). Imported again, a verdict is
the one of its claim given at the same second with the same rating and reasoning (a
verdict is never rewritten: a new one supersedes it): it is updated, not added twice. Neither
record writes an audit entry: the audit section of the same document carries those.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from factbase.analysis.verdicts import cited_evidence, evidence_rows
from factbase.catalog.settings import checked_setting, rating_scale, settings
from factbase.claims.fields import claim_ref
from factbase.claims.query import get_claim
from factbase.errors import InvalidInput, in_field
from factbase.store.models import Claim, Conflict, Setting, Verdict, VerdictEvidence, utcnow
from factbase.text.date_formats import parse_timestamp, timestamp_iso
from factbase.text.language import normalise_text
from factbase.vocabulary import CONFLICT_KINDS, validate_choice

# The fields of each record, in document order, and how `import` reads them.
SETTING_FIELDS = {"name": "str", "value": "str"}
VERDICT_FIELDS = {
    "claim": "str",
    "rating": "str",
    "rating_value": "num",
    "best_rating": "num",
    "worst_rating": "num",
    "note": "str",
    "evidence": "list",
    "reviewer": "str",
    "reviewed_at": "str",
    "superseded_at": "str",
    "conflict_other": "str",
    "conflict_kind": "str",
}

# -- writing -------------------------------------------------------------------------


def setting_records(session: Session) -> Iterator[dict[str, Any]]:
    for name, value in settings(session).items():
        yield {"name": name, "value": value}


def verdict_records(session: Session, claim_ids: Select[Any] | None) -> Iterator[dict[str, Any]]:
    """Every verdict, superseded ones too, in the order they were given."""
    query = (
        select(Verdict, Claim.key)
        .join(Claim, Verdict.claim_id == Claim.id)
        .order_by(Verdict.reviewed_at, Verdict.id)
    )
    if claim_ids is not None:
        query = query.where(Verdict.claim_id.in_(claim_ids))
    for verdict, key in session.execute(query):
        other, kind = _conflict_of(session, verdict)
        record = {
            "claim": claim_ref(key, verdict.claim_id),
            "rating": verdict.rating,
            "rating_value": verdict.rating_value,
            "best_rating": verdict.best_rating,
            "worst_rating": verdict.worst_rating,
            "note": verdict.note,
            "evidence": [_cited(session, item) for item in verdict.evidence] or None,
            "reviewer": verdict.reviewer,
            "reviewed_at": timestamp_iso(verdict.reviewed_at),
            "superseded_at": timestamp_iso(verdict.superseded_at),
            "conflict_other": other,
            "conflict_kind": kind,
        }
        assert record.keys() == VERDICT_FIELDS.keys(), "a record writes its declared fields"
        yield {name: value for name, value in record.items() if value is not None}


def _cited(session: Session, item: VerdictEvidence) -> str:
    if item.url is not None:
        return item.url
    cited = session.get(Claim, item.claim_id)
    assert cited is not None
    return claim_ref(cited.key, cited.id)


def _conflict_of(session: Session, verdict: Verdict) -> tuple[str | None, str | None]:
    """The other claim of the conflict that proposed the verdict, and its kind."""
    if verdict.conflict_id is None:
        return None, None
    conflict = session.get(Conflict, verdict.conflict_id)
    if conflict is None:
        return None, None
    other_id = (
        conflict.claim_b_id if conflict.claim_a_id == verdict.claim_id else conflict.claim_a_id
    )
    other = session.get(Claim, other_id)
    assert other is not None
    return claim_ref(other.key, other.id), conflict.kind


# -- reading back --------------------------------------------------------------------


def apply_setting(session: Session, data: dict[str, Any]) -> str:
    """Give the setting the record's value (checked as `config set` checks it)."""
    name = data["name"].strip().lower()
    with in_field(name):
        value = checked_setting(name, data["value"])
    row = session.get(Setting, name)
    if row is None:
        session.add(Setting(name=name, value=value))
        session.flush()
        return "added"
    if row.value == value:
        return "unchanged"
    row.value = value
    session.flush()
    return "updated"


def apply_verdict(session: Session, data: dict[str, Any]) -> str:
    """Put the verdict back on its claim: the claim's verdict given at the same second is
    updated, else it is added. The claim keeps one current verdict: the latest given."""
    claim = get_claim(session, data["claim"])
    wanted = _verdict_values(session, claim, data)
    stored = _same_verdict(session, claim.id, wanted)
    with in_field("evidence"):
        evidence = [cited_evidence(session, claim, given) for given in data.get("evidence") or ()]
    if stored is None:
        verdict = Verdict(claim_id=claim.id, **wanted)
        verdict.evidence = evidence_rows(evidence)
        session.add(verdict)
        outcome = "added"
    else:
        verdict = stored
        held = [(item.claim_id, item.url) for item in stored.evidence]
        changed = {
            name: value
            for name, value in wanted.items()
            if _to_second(getattr(stored, name)) != _to_second(value)
        }
        if not changed and held == evidence:
            return "unchanged"
        for name, value in changed.items():
            setattr(stored, name, value)
        if held != evidence:
            stored.evidence = evidence_rows(evidence)
        outcome = "updated"
    session.flush()
    _one_current(session, claim.id)
    return outcome


def _verdict_values(session: Session, claim: Claim, data: dict[str, Any]) -> dict[str, Any]:
    rating = normalise_text(data["rating"])
    value, best, worst = data.get("rating_value"), data.get("best_rating"), data.get("worst_rating")
    if value is None and best is None and worst is None:
        # Not given with the record: the rating as the database's scale has it now.
        scale = rating_scale(session)
        with in_field("rating"):
            chosen = scale.rating(rating)
        rating, value, best, worst = chosen.name, chosen.value, scale.best, scale.worst
    note = normalise_text(data["note"])
    if not note:
        raise InvalidInput("note: a verdict is published with its reasoning")
    times: dict[str, datetime | None] = {"reviewed_at": None, "superseded_at": None}
    for name in times:
        if data.get(name):
            with in_field(name):
                times[name] = parse_timestamp(data[name])
    return {
        "rating": rating[:40],
        "rating_value": value,
        "best_rating": best,
        "worst_rating": worst,
        "note": note,
        "reviewer": normalise_text(data.get("reviewer") or "") or "import",
        "reviewed_at": times["reviewed_at"] or utcnow(),
        "superseded_at": times["superseded_at"],
        "conflict_id": _conflict_id(session, claim, data),
    }


def _conflict_id(session: Session, claim: Claim, data: dict[str, Any]) -> int | None:
    if not data.get("conflict_other"):
        return None
    other = get_claim(session, data["conflict_other"])
    kind = validate_choice(data.get("conflict_kind"), CONFLICT_KINDS, "conflict_kind", "")
    low, high = sorted((claim.id, other.id))
    query = select(Conflict.id).where(Conflict.claim_a_id == low, Conflict.claim_b_id == high)
    if kind:
        query = query.where(Conflict.kind == kind)
    return session.scalar(query.order_by(Conflict.id).limit(1))


def _same_verdict(session: Session, claim_id: int, wanted: dict[str, Any]) -> Verdict | None:
    """The claim's verdict given at the second ``wanted`` was, with its rating and note."""
    for verdict in session.scalars(
        select(Verdict)
        .where(Verdict.claim_id == claim_id, Verdict.rating == wanted["rating"])
        .order_by(Verdict.id)
    ):
        same_time = _to_second(verdict.reviewed_at) == _to_second(wanted["reviewed_at"])
        if same_time and verdict.note == wanted["note"]:
            return verdict
    return None


def _one_current(session: Session, claim_id: int) -> None:
    """Of a claim's verdicts not superseded, all but the latest are, by the latest."""
    current = session.scalars(
        select(Verdict)
        .where(Verdict.claim_id == claim_id, Verdict.superseded_at.is_(None))
        .order_by(Verdict.reviewed_at.desc(), Verdict.id.desc())
    ).all()
    for older in current[1:]:
        older.superseded_at = current[0].reviewed_at
    session.flush()


def _to_second(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(microsecond=0, tzinfo=None)
    return value
