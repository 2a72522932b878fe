"""Cross-reference suggestions: pairs of claims that seem to say the same thing.

:func:`suggest` proposes links nobody has made yet, ranked, each with the reasons for its
score; :func:`accept` turns suggestions into links and :func:`reject` records that a pair is
not related, so it is never offered again.

Blocking
--------
Claims are never compared with every other claim: only claims that share a blocking key
(the same subject and property, an entity, or two rare statement lemmas), and within a
subject-and-property block of thousands only each claim's nearest neighbours by value, date
and wording. See :mod:`factbase.analysis.xref_blocks`. Claims are read with Core selects as
columns (:mod:`factbase.analysis.xref_columns`), never as ORM objects; with a ``limit`` only
the best suggestions so far are kept (a bounded heap).

Pairs from the same source (not independent reports), pairs already linked (any kind),
pairs a person rejected, pairs involving a retracted claim and pairs of opposite polarity
are never suggested.

Scoring
-------
The features of a pair are pure functions of :class:`ClaimFeatures` (:func:`score_pair`).
Each piece of evidence has a strength in [0, 1]; they combine like independent signals
(noisy-OR, :func:`combine`): ``score = (1 - Π(1 - strength)) × Π(penalty)``.

===============================================  =========================================
evidence                                          strength
===============================================  =========================================
same subject and property                         0.60 (:data:`W_SAME_BLOCK`)
same subject, other or no property                0.15 (:data:`W_SAME_SUBJECT`); none when
                                                  the subject is too common to block on
values agree (same unit, overlapping intervals)   0.30 in one block, else 0.15 (unit given)
shared topics                                     0.15 × Jaccard of the topic sets
wording                                           0.70 × min(1, Jaccard / 0.5), the larger
                                                  of the statements' and (same language
                                                  only) the quotes' content-lemma sets
close dates (event dates, else as-of dates)       0.25 / 0.15 / 0.08 if the periods
                                                  overlap, by the coarser precision (day,
                                                  month, year); 0.125 for two days at
                                                  most 31 days apart
===============================================  =========================================

=================================================  ========================================
penalty (multiplies the score)                      factor
=================================================  ========================================
values in one unit that do not overlap              × 0.3: a conflict, not a match
event dates more than 31 days apart                 × 0.5: two events
two different entities as subjects                  × 0.7: two actors
=================================================  ========================================

Same subject and property alone scores 0.60, so it passes the default minimum of 0.5; so
does wording alone at a lemma overlap of about 0.36. A pair of opposite polarity is never a
suggestion. Scores are rounded to three decimals; ties are ordered by ids.
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import Row, Select, delete, insert, or_, select
from sqlalchemy.orm import Session

from factbase.analysis.conflicts import record_declared_conflict
from factbase.analysis.links import CLUSTER_KINDS, find_link, ordered
from factbase.analysis.xref_blocks import Blocks, candidate_pairs
from factbase.analysis.xref_columns import (
    ClaimColumns,
    ColumnsBuilder,
    Int32s,
    Ints,
    Period,
    period,
    topic_sets,
)
from factbase.analysis.xref_pairs import (
    CONTRADICTS,
    REFINES,
    SAME,
    UPDATE,
    ClaimFeatures,
    PairKind,
    XrefStats,
    common_limit,
    pair_kind,
    scope,
)
from factbase.analysis.xref_scores import Columns, Weights
from factbase.catalog import audit
from factbase.claims.fields import fields_named
from factbase.claims.query import get_claim, retracted_ids
from factbase.claims.record import selected
from factbase.claims.values import stored_quantity, subject_identity
from factbase.errors import AlreadyExists, InvalidInput
from factbase.store.columns import column_plan
from factbase.store.memory import collector_paused
from factbase.store.models import (
    Claim,
    ClaimLink,
    ClaimTopic,
    Outlet,
    Source,
    Topic,
    XrefRejection,
    utcnow,
)
from factbase.text.date_formats import stored_date
from factbase.text.dates import PartialDate
from factbase.text.language import LANGUAGES, WordLemmas, fold, lemmas, normalise_text
from factbase.text.quantities import Quantity

__all__ = [
    "XREF_COLUMNS",
    "Blocks",
    "ClaimFeatures",
    "PairKind",
    "Suggestion",
    "XrefStats",
    "accept",
    "candidate_pairs",
    "combine",
    "common_limit",
    "content_lemmas",
    "date_evidence",
    "jaccard",
    "link_kind",
    "link_suggestions",
    "pair_kind",
    "read_columns",
    "read_features",
    "reject",
    "scope",
    "score_pair",
    "suggest",
    "suggestion_rows",
    "value_evidence",
]

# -- weights (see the module docstring) ------------------------------------------------

W_SAME_BLOCK = 0.60
W_SAME_SUBJECT = 0.15
W_VALUES_AGREE = 0.30
W_VALUES_AGREE_LOOSE = 0.15
W_TOPICS = 0.15
W_WORDING = 0.70
WORDING_SATURATION = 0.5  # a lemma-set Jaccard this high is as close as paraphrases get
# Close dates, by the coarser precision of the two: sharing a day says more than a year.
W_DATES: dict[str, float] = {"day": 0.25, "month": 0.15, "year": 0.08}
CLOSE_DAYS = 31
PENALTY_VALUES_DIFFER = 0.3
PENALTY_EVENTS_DIFFER = 0.5
PENALTY_OTHER_ENTITIES = 0.7
SCORE_DIGITS = 3

# -- blocking ----------------------------------------------------------------------------

MIN_LEMMA_LENGTH = 3


def _folded_words(words: str) -> frozenset[str]:
    return frozenset(fold(word) for word in words.split())


# Function words (as folded lemmas) of the four languages that survive the length rule.
STOP_LEMMAS: frozenset[str] = _folded_words(
    """
    the and for with that this these those from its his her their they them she him who whom
    whose which what when where while than then there here have has had having was were are
    been being will would can could shall should may might must not but nor all any both each
    other such into onto over under about after before during between through across against
    also only very more most some one two own same too out off yet per via said say says
    accord according

    что это этот эта эти тот как для при после перед его она они оно быть был свой или так уже
    только еще весь все около более менее через между под над без который которая
    также тоже когда если где чтобы этого того этом том также однако

    че това този тази тези които който която което като със във към след през бъда съм има
    няма още също според около между близо над под без чрез когато ако обаче

    що цей ця ці той який яка яке які також тож для після перед бути або вже тільки лише ще
    весь між через без над під коли якщо щоб проте
    """
)


@dataclass(frozen=True)
class Suggestion:
    """Two claims (``claim_a`` < ``claim_b``) that may be related, how and why.

    ``kind`` is what they seem to be to each other (:func:`pair_kind`), ``kind_reason``
    why; ``lead`` the narrower claim of ``refines``, the later one of ``update``.
    """

    claim_a: int
    claim_b: int
    score: float  # 0..1
    reasons: tuple[str, ...]
    kind: str = SAME
    kind_reason: str = ""
    lead: int | None = None


# -- pure features -----------------------------------------------------------------------


def jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    """|A ∩ B| / |A ∪ B|; 0.0 when both are empty."""
    first, second = set(a), set(b)
    union = first | second
    return len(first & second) / len(union) if union else 0.0


def is_content_lemma(lemma: str) -> bool:
    """Whether a lemma carries meaning: three letters or more, no function word."""
    return len(lemma) >= MIN_LEMMA_LENGTH and lemma not in STOP_LEMMAS


@lru_cache(maxsize=65536)
def content_lemmas(text: str, language: str | None) -> frozenset[str]:
    """Folded lemmas of ``text`` that carry meaning (:func:`is_content_lemma`).

    ``language`` None means detect it (see :func:`factbase.text.language.lemmas`).
    """
    return frozenset(lemma for lemma in lemmas(text, language) if is_content_lemma(lemma))


def value_evidence(
    a: Quantity | None, b: Quantity | None, *, same_block: bool, explain: bool = True
) -> tuple[float, float, str] | None:
    """(strength, penalty, reason) from two values, or None when they say nothing.

    Values are compared only in one unit (no exchange rates): overlapping intervals agree,
    others differ. Outside one subject-and-property block, agreement only counts for values
    with a unit, since two bare counts ("2") agree by chance. ``explain`` False leaves the
    reason empty: most pairs are scored only to be left out, and wording it costs most.
    """
    if a is None or b is None or a.unit != b.unit:
        return None
    if a.overlaps(b):
        if same_block:
            strength = W_VALUES_AGREE
        elif a.unit is not None:
            strength = W_VALUES_AGREE_LOOSE
        else:
            return None
        return strength, 1.0, f"values agree: {a.describe()} ~ {b.describe()}" if explain else ""
    reason = f"values differ: {a.describe()} vs {b.describe()}" if explain else ""
    return 0.0, PENALTY_VALUES_DIFFER, reason


_PRECISION_ORDER = ("day", "month", "year")


def _days_apart(a: PartialDate, b: PartialDate) -> int:
    if a.overlaps(b):
        return 0
    return max((b.start - a.end).days, (a.start - b.end).days)


def date_evidence(
    event_a: PartialDate | None,
    event_b: PartialDate | None,
    as_of_a: PartialDate | None,
    as_of_b: PartialDate | None,
    *,
    explain: bool = True,
) -> tuple[float, float, str] | None:
    """(strength, penalty, reason) from event dates, else as-of dates, or None.

    Overlapping periods are close, the more so the finer the coarser of the two precisions
    (:data:`W_DATES`); two days at most :data:`CLOSE_DAYS` apart half as close. Event dates
    further apart are two events (a penalty); as-of dates further apart only say the claims
    hold for different times, which is neither for nor against. Adjacent months or years
    are neither close nor far. ``explain`` False leaves the reason empty.
    """
    if event_a is not None and event_b is not None:
        first, second, is_event = event_a, event_b, True
    elif as_of_a is not None and as_of_b is not None:
        first, second, is_event = as_of_a, as_of_b, False
    else:
        return None
    days = _days_apart(first, second)
    coarser = max(first.precision, second.precision, key=_PRECISION_ORDER.index)
    weight = W_DATES[str(coarser)]
    if days == 0:
        return weight, 1.0, f"dates agree: {first.human()} ~ {second.human()}" if explain else ""
    if days <= CLOSE_DAYS:
        # Adjacent months or years are not "close": the days between them are unknown.
        if str(coarser) != "day":
            return None
        plural = "day" if days == 1 else "days"
        return weight / 2, 1.0, f"dates within {days} {plural}" if explain else ""
    if is_event:
        return (
            0.0,
            PENALTY_EVENTS_DIFFER,
            f"event dates differ: {first.human()} vs {second.human()}" if explain else "",
        )
    return None


def combine(strengths: Iterable[float], penalties: Iterable[float] = ()) -> float:
    """Noisy-OR of the strengths, times every penalty; in [0, 1]."""
    missing = 1.0
    for strength in strengths:
        missing *= 1.0 - min(max(strength, 0.0), 1.0)
    return (1.0 - missing) * math.prod(min(max(p, 0.0), 1.0) for p in penalties)


def score_pair(
    a: ClaimFeatures,
    b: ClaimFeatures,
    *,
    common_subjects: frozenset[str] = frozenset(),
    explain: bool = True,
) -> Suggestion | None:
    """How likely two claims say the same thing, with the reasons; None if they cannot.

    A subject in ``common_subjects`` (too common to block on) is no evidence by itself.
    ``explain`` False gives the same score without reasons or kind (left at their
    defaults), at a fraction of the cost: most pairs are scored only to be left out.
    """
    if a.id == b.id or a.polarity != b.polarity:
        return None
    if a.id > b.id:
        a, b = b, a
    strengths: list[float] = []
    penalties: list[float] = []
    reasons: list[str] = []

    def add(evidence: tuple[float, float, str] | None) -> None:
        if evidence is not None:
            strengths.append(evidence[0])
            penalties.append(evidence[1])
            if explain:
                reasons.append(evidence[2])

    same_block = a.block is not None and a.block == b.block
    if same_block:
        add((W_SAME_BLOCK, 1.0, "same subject and property"))
    elif a.subject is not None and a.subject == b.subject:
        if a.subject not in common_subjects:
            add((W_SAME_SUBJECT, 1.0, "same subject"))
    elif _both_entities(a.subject, b.subject):
        add((0.0, PENALTY_OTHER_ENTITIES, "different subjects"))
    add(value_evidence(a.value, b.value, same_block=same_block, explain=explain))
    shared_topics = a.topics & b.topics
    if shared_topics:
        topics = ", ".join(sorted(shared_topics)) if explain else ""
        add((W_TOPICS * jaccard(a.topics, b.topics), 1.0, f"shared topics: {topics}"))
    add(_wording_evidence(a, b, explain))
    add(date_evidence(a.event, b.event, a.as_of, b.as_of, explain=explain))
    score = round(combine(strengths, penalties), SCORE_DIGITS)
    if not explain:
        return Suggestion(a.id, b.id, score, ())
    kind = pair_kind(a, b)
    return Suggestion(a.id, b.id, score, tuple(reasons), kind.kind, kind.reason, kind.lead)


def _both_entities(a: str | None, b: str | None) -> bool:
    return a is not None and b is not None and a.startswith("entity:") and b.startswith("entity:")


def _wording_evidence(
    a: ClaimFeatures, b: ClaimFeatures, explain: bool
) -> tuple[float, float, str] | None:
    statements = jaccard(a.statement_lemmas, b.statement_lemmas)
    quotes = 0.0
    if a.quote and b.quote and a.language and a.language == b.language:
        quotes = jaccard(content_lemmas(a.quote, a.language), content_lemmas(b.quote, b.language))
    if statements == 0.0 and quotes == 0.0:
        return None
    overlap = max(statements, quotes)
    strength = W_WORDING * min(1.0, overlap / WORDING_SATURATION)
    if not explain:
        return strength, 1.0, ""
    if quotes > statements:
        return strength, 1.0, f"quote wording overlap {quotes:.2f} ({a.language})"
    return strength, 1.0, f"wording overlap {statements:.2f}"


# The weights as the bulk scorer (factbase.analysis.xref_scores) takes them.
WEIGHTS = Weights(
    same_block=W_SAME_BLOCK,
    same_subject=W_SAME_SUBJECT,
    values_agree=W_VALUES_AGREE,
    values_agree_loose=W_VALUES_AGREE_LOOSE,
    topics=W_TOPICS,
    wording=W_WORDING,
    wording_saturation=WORDING_SATURATION,
    dates=W_DATES,
    close_days=CLOSE_DAYS,
    penalty_values_differ=PENALTY_VALUES_DIFFER,
    penalty_events_differ=PENALTY_EVENTS_DIFFER,
    penalty_other_entities=PENALTY_OTHER_ENTITIES,
    score_digits=SCORE_DIGITS,
)


# -- reading -----------------------------------------------------------------------------


# What a suggestion weighs of a claim: what it is about and who says it (not record
# fields) and the record fields it compares, read as the record reads them.
_FEATURE_COLUMNS = (
    "claim.id",
    "claim.source_id",
    "claim.subject_id",
    "claim.subject_key",
    "claim.property_key",
    "claim.speaker_id",
    "source.published",
    "source.published_precision",
    *column_plan(
        fields_named(
            (
                *("polarity", "value", "value_num", "unit", "value_low", "value_high"),
                *("qualifier", "event_date", "as_of", "statement", "quote", "language"),
            )
        )
    ),
)


def _hint(language: str | None) -> str | None:
    """The language to read a statement in: the claim's, when factbase lemmatises it.

    Latin words are read as English whatever the hint, so English statements come out the
    same for every claim; a Cyrillic statement is read in the language of its claim's quote
    rather than detected, which would cost a language model run per claim.
    """
    return language if language in LANGUAGES else None


def _shared(sets: dict[frozenset[str], frozenset[str]], items: frozenset[str]) -> frozenset[str]:
    found = sets.get(items)
    if found is None:
        # Each lemma string once, however many claims' sets hold it: at 1M claims the
        # copies made by lemmatising cost more memory than the sets themselves.
        found = sets[items] = frozenset(sys.intern(lemma) for lemma in items)
    return found


# Every claim has three dates drawn from a few thousand values; PartialDate is immutable,
# so one object serves every claim with the same date (a third of a million objects fewer
# per 100k claims).
_stored_date = lru_cache(maxsize=65536)(stored_date)
# Values too are immutable and drawn from far fewer than there are claims.
_stored_quantity = lru_cache(maxsize=65536)(stored_quantity)
# Rows fetched at a time: the claims are read as a stream, not all rows first.
_STREAM_ROWS = 2000


def _claims(ids: Sequence[int] | None = None) -> Select[Any]:
    """The feature columns of claims that are not retracted, by id (of ``ids`` only)."""
    query = (
        select(*selected(_FEATURE_COLUMNS))
        .join_from(Claim, Source, Claim.source_id == Source.id)
        .where(Claim.status != "retracted", Claim.id.not_in(retracted_ids()))
    )
    if ids is not None:
        query = query.where(Claim.id.in_(ids))
    return query.order_by(Claim.id).execution_options(yield_per=_STREAM_ROWS)


def _topics(session: Session, ids: Sequence[int] | None = None) -> Iterator[Row[int, str]]:
    """(claim id, topic slug) by claim id: read beside the claims, one claim at a time."""
    query = select(ClaimTopic.claim_id, Topic.slug).join(Topic, ClaimTopic.topic_id == Topic.id)
    if ids is not None:
        query = query.where(ClaimTopic.claim_id.in_(ids))
    query = query.order_by(ClaimTopic.claim_id).execution_options(yield_per=_STREAM_ROWS)
    yield from session.connection().execute(query)


class _TopicSets:
    """The topic set of each claim, asked in ascending id order, from :func:`_topics`."""

    def __init__(self, rows: Iterator[Row[int, str]]) -> None:
        self._rows = rows
        self._next = next(rows, None)
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def __call__(self, claim_id: int) -> frozenset[str]:
        found: list[str] = []
        while self._next is not None and self._next[0] <= claim_id:
            if self._next[0] == claim_id:
                found.append(self._next[1])
            self._next = next(self._rows, None)
        # Few distinct topic sets: one frozenset each, not one per claim.
        items = frozenset(found)
        return self._sets.setdefault(items, items)


def read_features(session: Session, ids: Iterable[int] | None = None) -> list[ClaimFeatures]:
    """The features of every claim that is not retracted (or of those of ``ids``), by id,
    read with Core."""
    if ids is not None:
        wanted = sorted(set(ids))
        return [
            claim
            for start in range(0, len(wanted), _BULK)
            for claim in _read_features(session, wanted[start : start + _BULK])
        ]
    return _read_features(session, None)


def _read_features(session: Session, ids: Sequence[int] | None) -> list[ClaimFeatures]:
    """The features of the claims of ``ids`` (None: all), not retracted, by id."""
    topics = _TopicSets(_topics(session, ids))
    # Many claims share a statement's lemmas: one frozenset each, not one per claim.
    shared: dict[frozenset[str], frozenset[str]] = {}
    features = []
    for row in session.connection().execute(_claims(ids)):
        value = _stored_quantity(
            row.value_text, row.value_num, row.value_unit, row.value_low, row.value_high,
            row.value_qualifier,
        )  # fmt: skip
        features.append(
            ClaimFeatures(
                id=row.id,
                source_id=row.source_id,
                subject=subject_identity(row.subject_id, row.subject_key),
                property_key=row.property_key or None,
                speaker_id=row.speaker_id,
                polarity=row.polarity,
                value=value,
                event=_stored_date(row.event_date, row.event_precision),
                as_of=_stored_date(row.as_of, row.as_of_precision),
                topics=topics(row.id),
                statement_lemmas=_shared(
                    shared, content_lemmas(row.statement, _hint(row.language))
                ),
                quote=row.quote,
                language=row.language,
                published=_stored_date(row.source_published, row.source_published_precision),
            )
        )
    return features


# What the columns take of a claim: its features less the source's date, which only
# explains a pair, and the value's text and qualifier, which only word a reason.
_COLUMN_FEATURES = (
    "claim.id", "claim.source_id", "claim.subject_id", "claim.subject_key",
    "claim.property_key", "claim.speaker_id", "claim.polarity", "claim.statement",
    "claim.quote", "claim.language", "claim.value_num", "claim.value_unit", "claim.value_low",
    "claim.value_high", "claim.event_date", "claim.event_precision", "claim.as_of",
    "claim.as_of_precision",
)  # fmt: skip
# Dates are read as the driver gives them (text on SQLite): few distinct ones, each
# decoded once by _Periods, rather than a date object made for every row.
_COLUMN_DATES = frozenset({"claim.event_date", "claim.as_of"})


def read_columns(session: Session) -> ClaimColumns:
    """The features of every claim that is not retracted, by id, as columns: read with Core
    as a stream, nothing kept per claim but the columns' entries."""
    topic_claims, topic_codes, slugs = _topic_rows(session)
    # Every claim has its source (NOT NULL, enforced): no join, which took a third of
    # the query's time at 1M claims.
    query = (
        select(*selected(_COLUMN_FEATURES, as_text=_COLUMN_DATES))
        .where(Claim.status != "retracted", Claim.id.not_in(retracted_ids()))
        .order_by(Claim.id)
        .execution_options(yield_per=_STREAM_ROWS)
    )
    reader = WordLemmas(is_content_lemma)
    hints = {language: _hint(language) for language in LANGUAGES}  # others: None
    subjects = _Subjects()
    periods = _Periods()
    builder = ColumnsBuilder()
    add = builder.add
    for row in session.connection().execute(query):
        claim_id, source_id, subject_id, subject_key, property_key, speaker_id, polarity, \
            statement, quote, language, value, unit, low, high, event, event_precision, \
            as_of, as_of_precision = row  # fmt: skip
        hint = hints.get(language)
        wording = reader.distinct(statement, hint)
        quoted = None
        if quote and language:
            # A quote that is the statement, read in the same language, says the same.
            same = quote == statement and hint == language
            quoted = language, wording if same else reader.distinct(quote, language)
        add(
            claim_id,
            source_id,
            subjects[subject_id, subject_key],
            property_key or None,
            speaker_id,
            polarity,
            None if value is None else (
                unit, -math.inf if low is None else low, math.inf if high is None else high
            ),
            periods[event, event_precision],
            periods[as_of, as_of_precision],
            wording,
            quoted,
        )  # fmt: skip
    ids = builder.ids()
    return builder.finish(*topic_sets(ids, topic_claims, topic_codes, slugs))


def _topic_rows(session: Session) -> tuple[Ints, Int32s, list[str]]:
    """Every (claim id, topic) row, by claim id: the topics as codes of the slugs given."""
    claims, topics = array("q"), array("i")
    slugs: dict[str, int] = {}
    for claim_id, slug in _topics(session):
        claims.append(claim_id)
        code = slugs.get(slug)
        if code is None:
            code = slugs[slug] = len(slugs)
        topics.append(code)
    return (
        np.frombuffer(claims, dtype=np.int64).copy(),
        np.frombuffer(topics, dtype=np.int32).copy(),
        list(slugs),
    )


class _Subjects(dict[tuple[int | None, str | None], str | None]):
    """(subject id, subject key) -> the subject's identity, each worked out once."""

    def __missing__(self, key: tuple[int | None, str | None]) -> str | None:
        found = self[key] = subject_identity(*key)
        return found


class _Periods(dict[tuple[Any, Any], Period | None]):
    """(first day, precision) -> the date as the columns hold it, each worked out once; the
    first day as a date or as the text SQLite keeps."""

    def __missing__(self, key: tuple[Any, Any]) -> Period | None:
        start, precision = key
        if isinstance(start, str):
            start = date.fromisoformat(start[:10])
        found = self[key] = period(_stored_date(start, precision))
        return found


def _settled_pairs(session: Session, focus: int | None) -> Ints:
    """Pairs already linked (any kind) or rejected, never suggested: as ascending keys
    ``low id × 2**32 + high id``."""
    pairs: set[int] = set()
    for table in (ClaimLink, XrefRejection):
        query = select(table.claim_a_id, table.claim_b_id)
        if focus is not None:
            query = query.where(or_(table.claim_a_id == focus, table.claim_b_id == focus))
        pairs.update(_pair_key(a, b) for a, b in session.execute(query))
    return np.array(sorted(pairs), dtype=np.int64)


def _pair_key(low: Any, high: Any) -> Any:
    return low * _PAIR_BASE + high


_PAIR_BASE = 1 << 32


# -- the operations ----------------------------------------------------------------------


def suggest(
    session: Session,
    *,
    claim_id: int | str | None = None,
    min_score: float = 0.5,
    limit: int | None = None,
    stats: XrefStats | None = None,
) -> list[Suggestion]:
    """Unlinked pairs of claims that seem to say the same thing, best first (ties by ids).

    ``claim_id`` (an id or key) restricts to pairs involving that claim; ``limit`` None or 0
    means all; ``stats`` is filled with what was compared.
    """
    if not 0.0 <= min_score <= 1.0:
        raise InvalidInput(f"--min-score must be between 0 and 1, not {min_score:g}")
    if limit is not None and limit < 0:
        raise InvalidInput("--limit must be 0 (no limit) or more")
    with collector_paused():
        return _suggest(session, claim_id, min_score, limit, stats)


def _suggest(
    session: Session,
    claim_id: int | str | None,
    min_score: float,
    limit: int | None,
    stats: XrefStats | None,
) -> list[Suggestion]:
    focus = get_claim(session, claim_id).id if claim_id is not None else None
    stats = stats if stats is not None else XrefStats()
    columns = read_columns(session)
    settled = _settled_pairs(session, focus)
    blocks = Blocks(columns, stats)
    scorer = Columns(columns, WEIGHTS, blocks.common_subjects)
    # Pairs are scored a chunk at a time (factbase.analysis.xref_scores); of those that
    # pass, only the best ``limit`` so far are kept, by score, then by lower ids.
    kept = _Kept(limit)
    for lows, highs in blocks.pairs(focus):
        for start in range(0, len(lows), _PAIR_CHUNK):
            end = start + _PAIR_CHUNK
            _score_chunk(scorer, lows[start:end], highs[start:end], settled, min_score, stats, kept)
    best = kept.best()
    ids, common = columns.ids, blocks.common_subjects
    del blocks, scorer, columns  # what explaining the pairs kept needs is read again
    wanted = {int(ids[position]) for _, low, high in best for position in (low, high)}
    claims = {claim.id: claim for claim in read_features(session, wanted)}
    found = []
    for score, low, high in best:
        first, second = claims[int(ids[low])], claims[int(ids[high])]
        suggestion = score_pair(first, second, common_subjects=common)
        assert suggestion is not None and suggestion.score == score
        found.append(suggestion)
    return found


# Pairs scored at a time: large enough that array operations dominate, small enough that a
# chunk's arrays stay a few megabytes.
_PAIR_CHUNK = 65536


def _score_chunk(
    scorer: Columns,
    a: Ints,
    b: Ints,
    settled: Ints,
    min_score: float,
    stats: XrefStats,
    kept: _Kept,
) -> None:
    excluded = scorer.source[a] == scorer.source[b]
    if len(settled):
        keys = _pair_key(scorer.ids[a], scorer.ids[b])
        places = np.minimum(np.searchsorted(settled, keys), len(settled) - 1)
        excluded |= settled[places] == keys
    stats.excluded_pairs += int(excluded.sum())
    a, b = a[~excluded], b[~excluded]
    stats.compared_pairs += len(a)
    scores, valid = scorer.scores(a, b)
    passing = valid & (scores > 0) & (scores >= min_score)
    stats.suggestions += int(passing.sum())
    kept.add(scores[passing], a[passing], b[passing])


class _Kept:
    """The best scored pairs so far (all of them without a limit), by positions: highest
    score first, then lowest ids (positions follow ids)."""

    def __init__(self, limit: int | None) -> None:
        self.limit = limit or None
        self.scores: list[np.ndarray] = []
        self.lows: list[np.ndarray] = []
        self.highs: list[np.ndarray] = []
        self.held = 0
        # Once ``limit`` pairs are held, a pair scoring below the lowest of them never
        # enters (one scoring as much may, by its ids).
        self.floor = -math.inf

    def add(self, scores: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> None:
        if self.floor > -math.inf:
            enough = scores >= self.floor
            scores, lows, highs = scores[enough], lows[enough], highs[enough]
        self.scores.append(scores)
        self.lows.append(lows)
        self.highs.append(highs)
        self.held += len(scores)
        if self.limit is not None and self.held > 4 * self.limit + _PAIR_CHUNK:
            self._trim()

    def _merged(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        parts = (self.scores, self.lows, self.highs)
        scores, lows, highs = (np.concatenate(part) for part in parts)
        order = np.lexsort((highs, lows, -scores))
        if self.limit is not None:
            order = order[: self.limit]
        return scores[order], lows[order], highs[order]

    def _trim(self) -> None:
        scores, lows, highs = self._merged()
        self.scores, self.lows, self.highs, self.held = [scores], [lows], [highs], len(scores)
        if self.limit is not None and len(scores) >= self.limit:
            self.floor = float(scores[-1])

    def best(self) -> list[tuple[float, int, int]]:
        if not self.held:
            return []
        scores, lows, highs = self._merged()
        return list(zip(scores.tolist(), lows.tolist(), highs.tolist(), strict=True))


def accept(
    session: Session, suggestions: Iterable[Suggestion], kind: str | None = None
) -> list[ClaimLink]:
    """Link each suggested pair in the caller's transaction, as its suggested kind or as
    ``kind``; the links made, in the order of the suggestions (see :func:`link_suggestions`)."""
    ids = link_suggestions(session, suggestions, kind)
    links: dict[int, ClaimLink] = {}
    for start in range(0, len(ids), _BULK):
        query = select(ClaimLink).where(ClaimLink.id.in_(ids[start : start + _BULK]))
        links.update((link.id, link) for link in session.scalars(query))
    return [links[link_id] for link_id in ids]


def link_kind(suggestion: Suggestion, kind: str | None = None) -> str:
    """The link an accepted suggestion makes: its own kind, or ``kind`` (``same`` or
    ``supports``) for a ``same`` or ``supports`` suggestion. An ``update`` is no link kind:
    two figures of a series are not one report, and the claim_link table has no such kind."""
    if suggestion.kind == UPDATE:
        raise InvalidInput(
            f"claims {suggestion.claim_a} and {suggestion.claim_b} are an update (a later figure "
            "of one series), which is not a link kind; it cannot be accepted"
        )
    if kind is None:
        return suggestion.kind
    kind = kind.strip().lower()
    if kind not in CLUSTER_KINDS:
        raise InvalidInput(f"suggestions are accepted as one of: {', '.join(CLUSTER_KINDS)}")
    if suggestion.kind not in CLUSTER_KINDS:
        raise InvalidInput(
            f"claims {suggestion.claim_a} and {suggestion.claim_b} are suggested as "
            f"{suggestion.kind}, which cannot be linked as {kind}"
        )
    return kind


def link_suggestions(
    session: Session, suggestions: Iterable[Suggestion], kind: str | None = None
) -> list[int]:
    """:func:`accept` without loading the links back: the ids of the links made.

    Each pair is linked as its suggested kind (``refines`` with its narrower claim as the
    refining one, ``contradicts`` with its declared conflict, as `link` makes them), or a
    ``same`` or ``supports`` suggestion as ``kind`` (:func:`link_kind`); an ``update``
    cannot be accepted, and nothing is written when one is among ``suggestions``.

    Written in bulk (a few statements per thousand links, not a few per link): accepting
    every suggestion of a large database is one command, not an afternoon. Each link gets
    the audit entry `link` would give it; a pair linked already is left as it is.
    """
    suggestions = list(suggestions)
    kinds = {(s.claim_a, s.claim_b): link_kind(s, kind) for s in suggestions}
    chosen: dict[tuple[int, int], Suggestion] = {}
    for suggestion in suggestions:
        low, high = ordered(suggestion.claim_a, suggestion.claim_b)
        if low != high:
            chosen.setdefault((low, high), suggestion)
    for linked in _stored_pairs(session, ClaimLink, chosen):
        del chosen[linked]
    if not chosen:
        return []
    _forget_rejections(session, chosen)
    actor, now = audit.current_actor(), utcnow()
    rows, entries = [], []
    for (low, high), suggestion in chosen.items():
        kind_made = kinds[(suggestion.claim_a, suggestion.claim_b)]
        note = f"accepted xref suggestion (score {suggestion.score:.2f}: "
        note += "; ".join((*suggestion.reasons, suggestion.kind_reason)) + ")"
        rows.append(
            {
                "claim_a_id": low,
                "claim_b_id": high,
                "kind": kind_made,
                "refining_id": suggestion.lead if kind_made == REFINES else None,
                "note": normalise_text(note),
                "created_by": actor,
                "created_at": now,
            }
        )
        entries.append(
            {
                "action": "link",
                "target": f"claims {low}-{high}",
                "detail": {"kind": kind_made, "from": suggestion.lead or suggestion.claim_a},
                "note": note,
            }
        )
    ids: list[int] = []
    for start in range(0, len(rows), _BULK):
        statement = insert(ClaimLink).returning(ClaimLink.id, sort_by_parameter_order=True)
        ids.extend(session.scalars(statement, rows[start : start + _BULK]))
    audit.record_many(session, entries)
    declared = [
        link_id for link_id, row in zip(ids, rows, strict=True) if row["kind"] == CONTRADICTS
    ]
    for start in range(0, len(declared), _BULK):
        query = select(ClaimLink).where(ClaimLink.id.in_(declared[start : start + _BULK]))
        for link in session.scalars(query):
            record_declared_conflict(session, link)
    return ids


_BULK = 1000


def _stored_pairs(
    session: Session, model: type[ClaimLink] | type[XrefRejection], pairs: Iterable[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Which of ``pairs`` (lower id first) the table of ``model`` holds."""
    wanted = set(pairs)
    lows = sorted({low for low, _ in wanted})
    found: set[tuple[int, int]] = set()
    for start in range(0, len(lows), _BULK):
        query = select(model.claim_a_id, model.claim_b_id).where(
            model.claim_a_id.in_(lows[start : start + _BULK])
        )
        found.update((low, high) for low, high in session.execute(query) if (low, high) in wanted)
    return found


def _forget_rejections(session: Session, pairs: Iterable[tuple[int, int]]) -> None:
    """A pair accepted now is no longer one a person ruled out."""
    for low, high in _stored_pairs(session, XrefRejection, pairs):
        session.execute(
            delete(XrefRejection).where(
                XrefRejection.claim_a_id == low, XrefRejection.claim_b_id == high
            )
        )


def reject(session: Session, ref_a: str, ref_b: str, note: str | None = None) -> XrefRejection:
    """Record that two claims are not related, so the pair is never suggested again."""
    first, second = get_claim(session, ref_a), get_claim(session, ref_b)
    if first.id == second.id:
        raise InvalidInput("a claim cannot be rejected as unrelated to itself")
    low, high = ordered(first.id, second.id)
    link = find_link(session, low, high)
    if link is not None:
        raise AlreadyExists(
            f"claims {low} and {high} are linked as {link.kind!r}; unlink them first"
        )
    if session.get(XrefRejection, (low, high)) is not None:
        raise AlreadyExists(f"claims {low} and {high} are already rejected as unrelated")
    cleaned = normalise_text(note) if note and note.strip() else None
    rejection = XrefRejection(
        claim_a_id=low, claim_b_id=high, note=cleaned, created_by=audit.current_actor()
    )
    session.add(rejection)
    session.flush()
    audit.record(session, "xref-reject", f"claims {low}-{high}", note=cleaned)
    return rejection


# -- describing --------------------------------------------------------------------------

XREF_COLUMNS = (
    "score",
    "kind",
    "claim_a",
    "claim_a_key",
    "claim_b",
    "claim_b_key",
    "language_a",
    "language_b",
    "outlet_a",
    "outlet_b",
    "statement_a",
    "statement_b",
    "reasons",
    "kind_reason",
    "lead",
)


def suggestion_rows(session: Session, suggestions: Sequence[Suggestion]) -> list[dict[str, Any]]:
    """One flat record per suggestion with :data:`XREF_COLUMNS`, for output."""
    ids = {s.claim_a for s in suggestions} | {s.claim_b for s in suggestions}
    claims: dict[int, tuple[Any, ...]] = {}
    id_list = sorted(ids)
    for start in range(0, len(id_list), 500):
        query = (
            select(Claim.id, Claim.key, Claim.language, Outlet.name, Claim.statement)
            .join(Source, Claim.source_id == Source.id)
            .join(Outlet, Source.outlet_id == Outlet.id)
            .where(Claim.id.in_(id_list[start : start + 500]))
        )
        claims.update({row[0]: tuple(row) for row in session.execute(query)})
    rows = []
    for s in suggestions:
        _, key_a, language_a, outlet_a, statement_a = claims[s.claim_a]
        _, key_b, language_b, outlet_b, statement_b = claims[s.claim_b]
        rows.append(
            {
                "score": s.score,
                "kind": s.kind,
                "claim_a": s.claim_a,
                "claim_a_key": key_a,
                "claim_b": s.claim_b,
                "claim_b_key": key_b,
                "language_a": language_a,
                "language_b": language_b,
                "outlet_a": outlet_a,
                "outlet_b": outlet_b,
                "statement_a": statement_a,
                "statement_b": statement_b,
                "reasons": list(s.reasons),
                "kind_reason": s.kind_reason,
                "lead": s.lead,
            }
        )
    return rows
