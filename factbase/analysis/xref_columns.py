"""What xref weighs of every claim, held as columns: one array entry per claim, no object.

At a million claims one :class:`~factbase.analysis.xref_pairs.ClaimFeatures` object per
claim, with its sets, dates and values, took 1.5 GB. Here each feature is a numpy array
in the order the claims were added (by id), and what many claims share is kept once in a
table and referred to by a code: a set of lemmas (:class:`LemmaSets`), a set of topics, a
unit, a subject. Blocking (:mod:`factbase.analysis.xref_blocks`) and scoring
(:mod:`factbase.analysis.xref_scores`) work on these columns; only the pairs kept are
explained from ``ClaimFeatures``, read again for those claims.

The module is pure: :class:`ColumnsBuilder` takes plain values, claim by claim.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from factbase.analysis.xref_pairs import ClaimFeatures
from factbase.text.dates import PartialDate
from factbase.text.quantities import Quantity

Ints = npt.NDArray[np.int64]
# Integers of any width: codes are held as int32, positions and ids as int64.
Integers = npt.NDArray[np.integer[Any]]
Int32s = npt.NDArray[np.int32]
Floats = npt.NDArray[np.float64]
Flags = npt.NDArray[np.bool_]

# The code of an absent value (no subject, no value, no quote ...).
NONE = -1
# How coarse a date is: the coarser of two dates decides how close they count.
COARSENESS = {"day": 0, "month": 1, "year": 2}
# (first day, last day, coarseness) of a date, as ordinals.
Period = tuple[int, int, int]
# (unit, lowest, highest) of a value, open ends as infinities.
Figure = tuple[str | None, float, float]


def period(when: PartialDate | None) -> Period | None:
    """A date as the columns hold it."""
    if when is None:
        return None
    return when.start.toordinal(), when.end.toordinal(), COARSENESS[str(when.precision)]


def figure(value: Quantity | None) -> Figure | None:
    """A value as the columns hold it."""
    if value is None:
        return None
    low = -np.inf if value.low is None else value.low
    high = np.inf if value.high is None else value.high
    return value.unit, low, high


class Codes(dict[Hashable, int]):
    """Small integers, in order of first sight, for values compared only for equality:
    ``codes[value]``, :data:`NONE` for None."""

    def __init__(self) -> None:
        super().__init__({None: NONE})

    def __missing__(self, value: Hashable) -> int:
        code = self[value] = len(self) - 1
        return code

    def values_by_code(self) -> list[Hashable]:
        """The values, by code."""
        return [value for value in self if value is not None]


@dataclass(frozen=True)
class LemmaSets:
    """Distinct sets of lemmas, each held once: set ``s`` is
    ``lemmas[starts[s]:starts[s + 1]]``, lemma ids ascending. Ids follow the lemmas' text
    (``words[i]`` is lemma ``i``, in sorted order), so two sets' id sequences compare as
    their sorted lemmas do."""

    starts: Ints
    lemmas: Int32s
    words: list[str]

    @cached_property
    def sizes(self) -> Ints:
        return np.diff(self.starts)

    def members(self, code: int) -> frozenset[str]:
        start, end = int(self.starts[code]), int(self.starts[code + 1])
        return frozenset(self.words[i] for i in self.lemmas[start:end].tolist())

    def shared(self, a: Integers, b: Integers) -> Ints:
        """How many lemmas sets ``a[i]`` and ``b[i]`` have in common, for each i.

        Each lemma of ``a[i]`` is looked up among the (set, lemma) keys of all sets, which
        are in ascending order as the sets are."""
        vocabulary = max(len(self.words), 1)
        sizes = self.sizes
        rows, offsets = spread(self.starts[a], sizes[a])
        wanted = b[rows] * vocabulary + self.lemmas[offsets]
        keys = self._keys
        places = np.minimum(np.searchsorted(keys, wanted), max(len(keys) - 1, 0))
        found = keys[places] == wanted if len(keys) else np.zeros(len(wanted), dtype=bool)
        return np.bincount(rows[found], minlength=len(a)).astype(np.int64)

    @cached_property
    def _keys(self) -> Ints:
        owners = np.repeat(np.arange(len(self.starts) - 1, dtype=np.int64), self.sizes)
        keys: Ints = owners * max(len(self.words), 1) + self.lemmas
        return keys

    def jaccard(self, a: Integers, b: Integers) -> Floats:
        """|A ∩ B| / |A ∪ B| of sets ``a[i]`` and ``b[i]``; 0.0 when both are empty.

        The same floats as dividing Python ints: one IEEE division of the same numbers."""
        shared = self.shared(a, b)
        union = self.sizes[a] + self.sizes[b] - shared
        out = np.zeros(len(a), dtype=np.float64)
        np.divide(shared, union, out=out, where=shared > 0)
        return out

    def wording_ranks(self) -> Ints:
        """Each set's place among all sets ordered by their sorted lemmas (equal sets would
        share one; there are none), as the tuples of those lemmas sort."""
        starts, lemmas = self.starts.tolist(), self.lemmas.tolist()
        count = len(starts) - 1
        order = sorted(range(count), key=lambda s: lemmas[starts[s] : starts[s + 1]])
        ranks = np.empty(count, dtype=np.int64)
        ranks[np.array(order, dtype=np.int64)] = np.arange(count, dtype=np.int64)
        return ranks


def spread(starts: Ints, lengths: Ints) -> tuple[Ints, Ints]:
    """For ranges ``[starts[i], starts[i] + lengths[i])``: which range each item comes
    from and its index, all ranges one after the other."""
    lengths = np.asarray(lengths, dtype=np.int64)
    total = int(lengths.sum())
    rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
    if total == 0:
        return rows, np.zeros(0, dtype=np.int64)
    ends = np.cumsum(lengths)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(ends - lengths, lengths)
    return rows, offsets + np.repeat(np.asarray(starts, dtype=np.int64), lengths)


def distinct(values: Ints) -> Ints:
    """The distinct values, ascending: ``np.unique``, which numpy 2 makes with a hash table
    many times slower than sorting for millions of integers."""
    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    found: Ints = ordered[first]
    return found


def counted(values: Ints) -> tuple[Ints, Ints]:
    """The distinct values, ascending, and how many times each comes."""
    ordered = np.sort(values)
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def distinct_places(values: Ints) -> tuple[Ints, Ints]:
    """The distinct values, ascending, and where each of ``values`` is among them."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    first = np.ones(len(ordered), dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    places = np.empty(len(values), dtype=np.int64)
    places[order] = np.cumsum(first) - 1
    return ordered[first], places


class _SetTable(dict[frozenset[str], int]):
    """Lemma sets as they come: ``table[lemmas]`` is a set's code; :meth:`finish` orders
    their ids by text."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: dict[str, int] = {}
        self.starts = array("q", [0])
        self.lemmas = array("i")

    def __missing__(self, lemmas: frozenset[str]) -> int:
        code = self[lemmas] = len(self)
        ids = self.ids
        self.lemmas.extend(ids.setdefault(lemma, len(ids)) for lemma in lemmas)
        self.starts.append(len(self.lemmas))
        return code

    def finish(self) -> LemmaSets:
        words = list(self.ids)
        by_text = sorted(range(len(words)), key=words.__getitem__)
        renumbered = np.empty(len(words), dtype=np.int32)
        renumbered[np.array(by_text, dtype=np.int64)] = np.arange(len(words), dtype=np.int32)
        starts = np.frombuffer(self.starts, dtype=np.int64).copy()
        lemmas = renumbered[np.frombuffer(self.lemmas, dtype=np.int32)]
        owners = np.repeat(np.arange(len(starts) - 1), np.diff(starts))
        lemmas = lemmas[np.lexsort((lemmas, owners))]
        return LemmaSets(starts, lemmas, [words[i] for i in by_text])


# The integer columns, in the order ColumnsBuilder.add writes them for each claim.
_INTS = (
    "polarity", "block", "subject", "speaker", "unit", "statement", "quote",
    "quote_language", "event_start", "event_end", "event_coarse", "as_of_start",
    "as_of_end", "as_of_coarse",
)  # fmt: skip
_NO_PERIOD = (0, 0, NONE)


@dataclass(frozen=True)
class ClaimColumns:
    """The features of claims by position (claims in id order), and the tables their codes
    refer to. Codes are :data:`NONE` where a claim has no such feature."""

    ids: Ints
    source: Ints
    polarity: Int32s  # ranks: polarities in text order
    block: Int32s  # subject and property, together
    subject: Int32s  # codes of ``entity_keys``
    speaker: Int32s  # codes of ``entity_keys`` ("entity:<speaker id>")
    entity_keys: list[str]  # subjects ("entity:3", "text:cpc") and speakers
    unit: Int32s  # NONE: no value; a value without a unit has a code too
    unit_given: Flags
    unit_rank: Int32s  # the value's unit, else "", in text order; after all: no value
    low: Floats
    high: Floats
    topics: Int32s
    topic_sets: list[frozenset[str]]
    statement: Int32s  # codes of ``lemma_sets``
    quote: Int32s  # codes of ``lemma_sets``: NONE without a quote or a language
    quote_language: Int32s
    lemma_sets: LemmaSets
    event: tuple[Flags, Int32s, Int32s, Int32s]  # known, first day, last day, coarseness
    as_of: tuple[Flags, Int32s, Int32s, Int32s]

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def entity(self) -> Flags:
        """Whether a claim's subject is an entity (resolved through aliases)."""
        is_entity = np.array([key.startswith("entity:") for key in self.entity_keys], dtype=bool)
        return np.append(is_entity, False)[self.subject]  # NONE is the last entry

    def positions(self, ids: Ints) -> Ints:
        """Where the claims of ``ids`` are."""
        return np.searchsorted(self.ids, ids)

    @classmethod
    def of(
        cls,
        claims: Iterable[ClaimFeatures],
        quote_lemmas: Callable[[str, str | None], frozenset[str]],
    ) -> ClaimColumns:
        """The columns of ``claims`` (in id order); ``quote_lemmas`` reads a quote."""
        builder = ColumnsBuilder()
        topic_sets = Codes()
        topics = array("i")
        for c in claims:
            quote = None
            if c.quote and c.language:
                quote = (c.language, quote_lemmas(c.quote, c.language))
            builder.add(
                c.id, c.source_id, c.subject, c.property_key, c.speaker_id, c.polarity,
                figure(c.value), period(c.event), period(c.as_of), c.statement_lemmas, quote,
            )  # fmt: skip
            topics.append(topic_sets[c.topics])
        sets = [cast(frozenset[str], s) for s in topic_sets.values_by_code()]
        return builder.finish(np.frombuffer(topics, dtype=np.int32).copy(), sets)


class ColumnsBuilder:
    """Claims added one by one (in id order), as plain values; :meth:`finish` makes the
    columns. Per claim it keeps a few integers and two floats, nothing else."""

    def __init__(self) -> None:
        self._ids = array("q")
        self._ints = array("i")
        self._floats = array("d")
        self._polarity = Codes()
        self._blocks = Codes()
        self._entities = Codes()
        self._units = Codes()
        self._languages = Codes()
        self._sets = _SetTable()
        self._speakers: dict[int, int] = {}

    def add(
        self,
        claim_id: int,
        source_id: int,
        subject: str | None,
        property_key: str | None,
        speaker_id: int | None,
        polarity: str,
        value: Figure | None,
        event: Period | None,
        as_of: Period | None,
        statement: frozenset[str],
        quote: tuple[str, frozenset[str]] | None,
    ) -> None:
        """One claim; ``quote`` is (language, lemmas) of a quote, when it has both."""
        self._ids.append(claim_id)
        self._ids.append(source_id)
        entities = self._entities
        speaker = NONE
        if speaker_id is not None:
            speaker = self._speakers.get(speaker_id, NONE)
            if speaker == NONE:
                speaker = self._speakers[speaker_id] = entities[f"entity:{speaker_id}"]
        block = NONE
        if subject is not None and property_key is not None:
            block = self._blocks[subject, property_key]
        if value is None:
            unit = NONE
            self._floats.extend((-np.inf, np.inf))
        else:
            unit = self._units[value[0],]  # a unit of None is a unit too
            self._floats.extend(value[1:])
        quote_set = quote_language = NONE
        if quote is not None:
            quote_language = self._languages[quote[0]]
            quote_set = self._sets[quote[1]]
        self._ints.extend(
            (
                self._polarity[polarity], block, entities[subject], speaker, unit,
                self._sets[statement], quote_set, quote_language,
                *(event or _NO_PERIOD), *(as_of or _NO_PERIOD),
            )
        )  # fmt: skip

    def ids(self) -> Ints:
        """The ids of the claims added so far."""
        ids: Ints = np.frombuffer(self._ids, dtype=np.int64)[::2].copy()
        return ids

    def finish(self, topics: Int32s, topic_sets: list[frozenset[str]]) -> ClaimColumns:
        """The columns; ``topics`` holds each claim's code of ``topic_sets``."""
        ids = np.frombuffer(self._ids, dtype=np.int64).reshape(-1, 2)
        ints = np.frombuffer(self._ints, dtype=np.int32).reshape(-1, len(_INTS))
        floats = np.frombuffer(self._floats, dtype=np.float64).reshape(-1, 2)
        column = {name: ints[:, n].copy() for n, name in enumerate(_INTS)}
        polarity_ranks = _ranks([str(p) for p in self._polarity.values_by_code()])
        units = [cast(tuple[str | None], key)[0] for key in self._units.values_by_code()]
        # The order of figures: the unit's text ("" without one), values without a unit last.
        unit_ranks = _ranks([unit or "" for unit in units] + ["\x7f"])
        unit = column["unit"]
        given = np.array([u is not None for u in units] + [False], dtype=bool)

        def dates(prefix: str) -> tuple[Flags, Int32s, Int32s, Int32s]:
            coarse = column[f"{prefix}_coarse"]
            return coarse != NONE, column[f"{prefix}_start"], column[f"{prefix}_end"], coarse

        return ClaimColumns(
            ids=ids[:, 0].copy(),
            source=ids[:, 1].copy(),
            polarity=polarity_ranks[column["polarity"]].astype(np.int32),
            block=column["block"],
            subject=column["subject"],
            speaker=column["speaker"],
            entity_keys=[str(key) for key in self._entities.values_by_code()],
            unit=unit,
            unit_given=given[unit],
            unit_rank=unit_ranks[np.where(unit == NONE, len(units), unit)].astype(np.int32),
            low=floats[:, 0].copy(),
            high=floats[:, 1].copy(),
            topics=topics,
            topic_sets=topic_sets,
            statement=column["statement"],
            quote=column["quote"],
            quote_language=column["quote_language"],
            lemma_sets=self._sets.finish(),
            event=dates("event"),
            as_of=dates("as_of"),
        )


def topic_sets(
    ids: Ints, claims: Ints, topics: Int32s, slugs: list[str]
) -> tuple[Int32s, list[frozenset[str]]]:
    """Each claim's topic set as a code, and the sets by code, numbered in order of first
    sight as :class:`Codes` numbers them: from the (claim id, topic) rows ``claims`` and
    ``topics`` (codes of ``slugs``), ordered by claim. Rows of claims not in ``ids`` are
    left out.

    Worked out with array operations: most claims have one topic, whose code is the key
    of their set; only claims with several are grouped in Python."""
    count = len(ids)
    places = np.minimum(np.searchsorted(ids, claims), max(count - 1, 0))
    known = (ids[places] == claims) if count else np.zeros(len(claims), dtype=bool)
    places, topics = places[known], topics[known].astype(np.int64)
    held = np.bincount(places, minlength=count)
    # The key of a claim's set: -1 for none, the topic for one, past the topics for more.
    keys = np.full(count, -1, dtype=np.int64)
    single = held[places] == 1
    keys[places[single]] = topics[single]
    several: dict[frozenset[str], int] = {}
    grouped = np.flatnonzero(held > 1)
    if len(grouped):
        rows = ~single
        owners, names = places[rows].tolist(), topics[rows].tolist()
        by_claim: dict[int, list[str]] = {}
        for owner, name in zip(owners, names, strict=True):
            by_claim.setdefault(owner, []).append(slugs[name])
        for owner, held_slugs in by_claim.items():
            found = frozenset(held_slugs)
            keys[owner] = len(slugs) + several.setdefault(found, len(several))
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.ones(count, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    by_sight = np.argsort(order[starts], kind="stable")  # groups by their first claim
    code_of_group = np.empty(len(starts), dtype=np.int32)
    code_of_group[by_sight] = np.arange(len(starts), dtype=np.int32)
    codes = np.empty(count, dtype=np.int32)
    codes[order] = code_of_group[np.cumsum(first) - 1]
    sets_of = list(several)
    found_sets: list[frozenset[str]] = []
    for key in ordered[starts][by_sight].tolist():
        if key < 0:
            found_sets.append(frozenset())
        elif key < len(slugs):
            found_sets.append(frozenset([slugs[key]]))
        else:
            found_sets.append(sets_of[key - len(slugs)])
    return codes, found_sets


def _ranks(texts: Sequence[str]) -> Ints:
    """The place of each text in text order (equal texts share the first place)."""
    order = sorted(range(len(texts)), key=texts.__getitem__)
    ranks = np.zeros(len(texts), dtype=np.int64)
    place = 0
    for n, i in enumerate(order):
        if n and texts[i] != texts[order[n - 1]]:
            place = n
        ranks[i] = place
    return ranks


FAR_DAY = date.max.toordinal()
