"""When two claims about the same thing disagree: the rules, without a database.

A claim's facts (:class:`~factbase.analysis.conflict_pairs.ClaimFacts`) are read from a
row of its record fields by :func:`facts_from_row`, and :func:`compare` tells every way
two of them disagree. The scan (:mod:`factbase.analysis.conflicts`) and the quick `add`
(:mod:`factbase.claims.fastwrite`) both judge pairs here, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from factbase.analysis.conflict_pairs import ClaimFacts, centres_apart
from factbase.analysis.occasions import Occasion, days_apart, occasion_of, same_occurrence
from factbase.claims.fields import fields_named
from factbase.claims.values import row_quantity, subject_identity
from factbase.store.columns import column_plan
from factbase.text.date_formats import stored_date
from factbase.text.dates import PartialDate
from factbase.text.quantities import Quantity

# A gap between two approximate figures smaller than this share of the larger one
# is more likely loose wording than a contradiction.
EDGE_TOLERANCE = 0.10
# The order reviewers should meet conflicts in: "unknown-time" (one claim says for when,
# the other does not) comes right after "direct", since the undated claim may well speak
# of the same period.
CAUSE_ORDER = {"direct": 0, "unknown-time": 1, "declared": 2, "time-scope": 3, "approximation": 4}


@dataclass(frozen=True)
class Finding:
    kind: str
    cause: str
    explanation: str


def _periods_overlap(a: PartialDate | None, b: PartialDate | None) -> bool:
    return a is None or b is None or a.overlaps(b)


def _scope_cause(a: PartialDate | None, b: PartialDate | None) -> str | None:
    """None for the same time scope (or none on either side); "time-scope" when both are
    known and differ; "unknown-time" when only one claim says for when it holds."""
    if a == b:
        return None
    return "unknown-time" if a is None or b is None else "time-scope"


def _gap(a: Quantity, b: Quantity) -> float:
    """Distance between two disjoint intervals."""
    if a.high is not None and b.low is not None and a.high < b.low:
        return b.low - a.high
    if b.high is not None and a.low is not None and b.high < a.low:
        return a.low - b.high
    return 0.0


def _both_affirmed(a: ClaimFacts, b: ClaimFacts) -> bool:
    # "Not 80 %" and "not 60 %" can both be true: only affirmed figures and dates clash.
    return a.polarity == "affirmed" and b.polarity == "affirmed"


def _value_finding(a: ClaimFacts, b: ClaimFacts) -> Finding | None:
    if a.value is None or b.value is None or not _both_affirmed(a, b):
        return None
    if a.value.unit != b.value.unit:  # no exchange rates: tenge and dollars are not compared
        return None
    if not _periods_overlap(a.as_of, b.as_of):
        return None
    if a.event and b.event and not a.event.agrees_with(b.event):
        return None  # figures about two different events
    if a.value.overlaps(b.value):
        if not centres_apart(a.value, b.value):
            return None
        cause = _scope_cause(a.as_of, b.as_of) or "approximation"
    elif scope := _scope_cause(a.as_of, b.as_of):
        cause = scope
    elif _is_loose(a.value, b.value):
        cause = "approximation"
    else:
        cause = "direct"
    explanation = (
        f"{a.about}: {a.value.describe()} ({a.context()}) vs {b.value.describe()} ({b.context()})"
    )
    return Finding("value", cause, explanation)


def _is_loose(a: Quantity, b: Quantity) -> bool:
    if a.qualifier == "exact" and b.qualifier == "exact":
        return False
    scale = max(abs(a.value), abs(b.value))
    return scale > 0 and _gap(a, b) <= EDGE_TOLERANCE * scale


def _date_finding(a: ClaimFacts, b: ClaimFacts) -> Finding | None:
    if a.event is None or b.event is None or not _both_affirmed(a, b):
        return None
    if not _periods_overlap(a.as_of, b.as_of) or a.event.agrees_with(b.event):
        return None
    once_given = any(side.occasion_given and side.occasion == "once" for side in (a, b))
    if not same_occurrence(a.event, a.occasion, b.event, b.occasion, once_given=once_given):
        return None  # two meetings (visits, talks, calls), not one dated twice
    explanation = (
        f"{a.about}: {a.event.human()} ({a.context()}) vs {b.event.human()} ({b.context()})"
    )
    if once_given:
        explanation += "; marked as happening once"
    elif "recurring" in (a.occasion, b.occasion):
        days = days_apart(a.event, b.event)
        explanation += f"; {days} day{'s' * (days != 1)} apart: one occasion"
    return Finding("date", "direct", explanation)


def _polarity_finding(a: ClaimFacts, b: ClaimFacts) -> Finding | None:
    # Unlike figures, an assessment affirmed for one period and denied for another is
    # still worth a reviewer's look ("distancing from Russia" in 2022, "cannot" in 2023);
    # it is triaged as a difference of time scope rather than left out.
    if a.polarity == b.polarity:
        return None
    # "About 80 %" affirmed and "60 %" denied, or an event on 1 Nov and a denied one on
    # 5 Nov, speak of different things and can both be true.
    if a.value is not None and b.value is not None and not a.value.overlaps(b.value):
        return None
    if a.event and b.event and not a.event.agrees_with(b.event):
        return None
    cause = _scope_cause(a.as_of, b.as_of) or "direct"
    explanation = f"{a.about}: {a.polarity} ({a.context()}) vs {b.polarity} ({b.context()})"
    return Finding("polarity", cause, explanation)


def compare(a: ClaimFacts, b: ClaimFacts) -> list[Finding]:
    """Every way in which two claims about the same subject and property disagree."""
    if a.block is None or a.block != b.block or a.id == b.id:
        return []
    findings = (_value_finding(a, b), _date_finding(a, b), _polarity_finding(a, b))
    return [finding for finding in findings if finding is not None]


# -- reading facts -------------------------------------------------------------------


# What a comparison reads of a claim: what it is about (not record fields: the keys are
# folded) and the record fields it compares, read as the record reads them; facts_from_row()
# reads a row of them by their labels (factbase.store.columns.column_label).
FACT_COLUMNS = (
    "claim.id",
    "claim.subject_id",
    "claim.subject_key",
    "claim.property_key",
    *column_plan(
        fields_named(
            (
                *("polarity", "value", "value_num", "unit", "value_low", "value_high"),
                *("qualifier", "as_of", "event_date", "language", "outlet", "published"),
                *("subject", "property", "statement", "occasion"),
            )
        )
    ),
)


# A scan reads every comparable claim's three dates, drawn from a few thousand values;
# PartialDate is immutable, so one object serves every claim with the same date.
_stored_date = lru_cache(maxsize=65536)(stored_date)


def facts_from_row(row: Any) -> ClaimFacts:
    """A row of :func:`_facts_query` (columns by their labels) as facts to compare."""
    subject = subject_identity(row.subject_id, row.subject_key)
    event = _stored_date(row.event_date, row.event_precision)
    return ClaimFacts(
        id=row.id,
        block=(subject, row.property_key) if subject and row.property_key else None,
        polarity=row.polarity,
        value=row_quantity(row),
        as_of=_stored_date(row.as_of, row.as_of_precision),
        event=event,
        outlet=row.outlet_name,
        language=row.language,
        published=_stored_date(row.source_published, row.source_published_precision),
        about=" · ".join(part for part in (row.subject, row.property_name) if part),
        # A person's word, else (for a dated claim alone) the wording's.
        occasion=row.occasion
        or (_occasion(row.property_name, row.statement, row.language) if event else None),
        occasion_given=row.occasion is not None,
    )


def _occasion(prop: str | None, statement: str | None, language: str | None) -> Occasion | None:
    """The occasion of the property, else of the statement: "meeting with Xi Jinping"."""
    found = occasion_of(prop, language) if prop else None
    if found != "once" and statement:
        found = occasion_of(statement, language) or found
    return found


def still_holding(
    members: Sequence[ClaimFacts],
    recorded: dict[int, list[tuple[int, int, str]]],
    found: dict[tuple[int, int, str], Finding],
) -> Iterator[tuple[int, int, str]]:
    """Recorded conflicts within this block that the scan did not select (a large block
    compares only some pairs) but whose claims still clash. Both claims of a conflict that
    can still hold are in one block, so the block is all it takes to tell."""
    by_id = {member.id: member for member in members}
    for member in members:
        for key in recorded.get(member.id, ()):
            if key in found or key[2] == "declared":
                continue
            other = by_id.get(key[1])
            if other is not None and any(f.kind == key[2] for f in compare(member, other)):
                yield key
