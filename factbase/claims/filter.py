"""What a claim listing asks for: the filter, its sort, and the SQL both readers share.

`factbase list` has two readers: the library (SQLAlchemy, any backend, every filter) and
:mod:`factbase.claims.fastread` (the SQLite file through the standard library, for the
filters marked fast, without the ~0.3 s it takes to import SQLAlchemy). Both take a
:class:`ClaimFilter`; what they give is in :mod:`factbase.claims.display`.

Nothing here imports SQLAlchemy."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from itertools import combinations
from typing import Any

from factbase.errors import InvalidUsage, in_field
from factbase.text.dates import parse_date
from factbase.text.language import SEARCH_STOPWORDS, fold, word_forms

MAX_LIMIT = 2**31 - 1


class Sort(StrEnum):
    PUBLISHED = "published"
    EVENT = "event"
    ADDED = "added"
    ID = "id"
    # With --search: claims holding more of its words first, then as PUBLISHED. What
    # `list --search` sorts by unless told otherwise; without a search, PUBLISHED.
    RELEVANCE = "relevance"
    # Most confident first, from the track records of the claim's origins (factbase.analysis.
    # track_records): the library ranks the claims first and puts the order in `ranking`.
    CONFIDENCE = "confidence"


def _filter(*, fast: bool) -> Any:
    """A filter field; ``fast`` when :mod:`factbase.claims.fastread` reads it too. A filter
    not marked fast leaves every listing it is given to the library."""
    return field(default=None, metadata={"filter": True, "fast": fast})


@dataclass
class ClaimFilter:
    topic: str | None = _filter(fast=True)
    language: str | None = _filter(fast=True)
    stance: str | None = _filter(fast=True)
    outlet: str | None = _filter(fast=False)
    source: str | None = _filter(fast=False)
    subject: str | None = _filter(fast=False)
    speaker: str | None = _filter(fast=False)
    since: str | None = _filter(fast=True)
    until: str | None = _filter(fast=True)
    search: str | None = _filter(fast=True)
    status: str | None = _filter(fast=True)
    # How the quote matched its source's text: exact, normalised, not-found, no-text.
    quote_status: str | None = _filter(fast=True)
    # The rating of the claim's current verdict (factbase.analysis.verdicts).
    rating: str | None = _filter(fast=False)
    limit: int | None = 50
    sort: Sort = Sort.PUBLISHED
    # Retracted claims (merged duplicates among them) stay in the record but out of every
    # listing unless asked for. Not a filter in the sense above: both readers apply it.
    include_retracted: bool = False
    # With Sort.CONFIDENCE: every matching claim's id, in order (track_records.ranked).
    ranking: tuple[int, ...] | None = None

    def filters(self) -> dict[str, str | None]:
        """Every filter by name, as given (limit and sort are not filters)."""
        return {name: getattr(self, name) for name in FILTER_NAMES}

    def check(self) -> None:
        """Refuse, as usage errors, filters that cannot match any claim: a blank search,
        and a start after the end, compared as periods (`--since 2022-06 --until 2022` is
        June to December 2022; `--since 2023 --until 2022` is nothing)."""
        check_search(self.search)
        if self.since and self.until:
            with in_field("since"):
                since = parse_date(self.since)
            with in_field("until"):
                until = parse_date(self.until)
            if since.start > until.end:
                raise InvalidUsage(
                    f"--since {self.since.strip()} is after --until {self.until.strip()}: "
                    "nothing can match"
                )


def check_search(search: str | None) -> None:
    """A search must hold some text: a blank one would match everything or nothing."""
    if search is not None and not search_shape(search).phrase:
        raise InvalidUsage("--search needs some text (leave it out for everything)")


@dataclass(frozen=True)
class SearchTerms:
    """What a search looks for.

    A claim matches when its folded text holds ``phrase`` (the trigram index), or, unless
    the search was quoted (``exact``), when its lemmas hold any form of one of ``words``.
    Its rank (:meth:`rank_of`) is how many of the words it holds that way; a claim
    holding the whole phrase holds them all.
    """

    phrase: str
    exact: bool
    words: tuple[tuple[str, ...], ...]

    def lemma_query(self, forms: tuple[str, ...] | None = None) -> str | None:
        """An FTS5 query for the lemma index: any form of ``forms`` (default: any form of
        any of the words, the claims a search finds); None when there is no word to look up.
        """
        return self.held_query(1) if forms is None else _any_form(forms)

    def held_query(self, at_least: int) -> str | None:
        """An FTS5 query for the lemma index: claims holding forms of at least ``at_least``
        of the words (all of them when ``at_least`` is their number)."""
        groups = [group for group in map(_any_form, self.words) if group]
        if not groups or at_least > len(groups):
            return None
        if len(groups) == 1:
            return groups[0]
        if at_least <= 1:
            return " OR ".join(f"({group})" for group in groups)
        return " OR ".join(
            "(" + " AND ".join(f"({group})" for group in chosen) + ")"
            for chosen in combinations(groups, at_least)
        )

    @property
    def ranked(self) -> bool:
        """Whether claims can match different numbers of its words."""
        return len(self.words) > 1


def _any_form(forms: tuple[str, ...]) -> str | None:
    """An FTS5 query for any of the folded ``forms`` of one word."""
    return " OR ".join(dict.fromkeys(search_phrase(form) for form in forms)) or None


def search_terms(
    search: str,
    language: str | None = None,
    stored: Callable[[str], tuple[str, ...] | None] | None = None,
) -> SearchTerms:
    """The terms of ``search``: a text in double quotes is an exact phrase, any other is
    its words too, each in the forms it takes as typed and as a lemma of ``language``
    (--lang; None: guessed from its letters), or the lemmas the database has ``stored``
    for it (:func:`factbase.text.language.word_forms`)."""
    stripped = search.strip()
    if len(stripped) > 1 and stripped[0] == stripped[-1] == '"':
        return SearchTerms(fold(stripped[1:-1]), True, ())
    code = language.strip().lower() if language and language.strip() else None
    words = tuple(word_forms(stripped, code, stored)) if fold(stripped) else ()
    # "нефть в казахстане": every claim holds "в"; it ranks and finds nothing by itself.
    meaningful = tuple(forms for forms in words if forms[0] not in SEARCH_STOPWORDS)
    return SearchTerms(fold(stripped), False, meaningful or words)


def _as_typed(_word: str) -> tuple[str, ...]:
    return ()


def search_shape(search: str) -> SearchTerms:
    """The phrase, exactness and number of words of ``search``, its words as typed only:
    for the checks that need no lemma (and no dictionary)."""
    return search_terms(search, stored=_as_typed)


FILTER_NAMES = tuple(f.name for f in fields(ClaimFilter) if f.metadata.get("filter"))
# The filters the SQLite shortcut reads; given any other, it leaves the listing alone.
FAST_FILTERS = frozenset(f.name for f in fields(ClaimFilter) if f.metadata.get("fast"))


# From this many claims in a topic on, the newest page of it is found by walking sources
# in date order and stopping at the limit rather than sorting every claim of the topic
# (a third of a million claims about oil: 2 s against a few milliseconds).
WALK_BY_DATE_FROM = 2000
# SQLite keeps the join order and the index it is told: sources newest first, then their
# claims, the topic checked claim by claim. Equal dates are sorted among themselves only.
NEWEST_FIRST_SQL = """
SELECT c.id FROM source AS s INDEXED BY ix_source_published
CROSS JOIN claim AS c ON c.source_id = s.id
WHERE {topic}
ORDER BY s.published DESC NULLS LAST, c.id DESC LIMIT {limit}
"""
# The retracted claims (merged ones among them): few, found through their index.
RETRACTED_IDS_SQL = "SELECT id FROM claim WHERE retracted_at IS NOT NULL"
# A claim not retracted: what listings show unless asked for more. Written as NOT IN the
# few retracted rather than "retracted_at IS NULL", which SQLite would answer through the
# index of retracted_at, row by row, for nearly every claim. The walk above takes it in
# its {topic} condition, so a page is never short.
LIVE_SQL = f"c.id NOT IN ({RETRACTED_IDS_SQL})"
# {topics}: "(?, ?)" for sqlite3, ":topics" (expanding) for SQLAlchemy.
IN_TOPICS_SQL = (
    "EXISTS (SELECT 1 FROM claim_topic AS ct WHERE ct.claim_id = c.id AND ct.topic_id IN {topics})"
)


# Fewer characters than a trigram cannot use the search index (migration 0004).
INDEXED_SEARCH = 3
# The index's trigrams are exact (migration 0005): a phrase of at least INDEXED_SEARCH
# characters matches exactly the folded texts that hold it, with no LIKE after it.
# {phrase}: a placeholder for search_phrase(). EXISTS, not IN: walking dates, each claim
# is looked up in the index rather than the index read whole.
MATCHES_SEARCH_SQL = (
    "EXISTS (SELECT 1 FROM claim_search WHERE claim_search MATCH {phrase} AND rowid = c.id)"
)
# The lemma index (migration 0008): one FTS5 row per claim, its folded lemmas as words.
# {lemmas}: a placeholder for SearchTerms.lemma_query().
LEMMA_INDEX = "claim_search_lemmas"
MATCHES_LEMMAS_SQL = (
    f"EXISTS (SELECT 1 FROM {LEMMA_INDEX} WHERE {LEMMA_INDEX} MATCH {{lemmas}} AND rowid = c.id)"
)
LEMMA_IDS_SQL = f"SELECT rowid AS id FROM {LEMMA_INDEX} WHERE {LEMMA_INDEX} MATCH {{lemmas}}"
# The inflected forms claims hold, with their lemmas (migration 0012): the lemma of a word
# some claim holds, found without a dictionary. {form}: a placeholder for the folded word.
SEARCH_FORMS = "search_form"
FORM_LEMMAS_SQL = f"SELECT lemma FROM {SEARCH_FORMS} WHERE form = {{form}}"
PHRASE_IDS_SQL = "SELECT rowid AS id FROM claim_search WHERE claim_search MATCH {phrase}"


def search_phrase(folded: str) -> str:
    """An FTS5 phrase query for ``folded`` text, quotes doubled."""
    return '"' + folded.replace('"', '""') + '"'


def like_pattern(folded: str) -> str:
    """``folded`` for LIKE ... ESCAPE '/': its own /, % and _ taken literally."""
    return folded.replace("/", "//").replace("%", "/%").replace("_", "/_")


# The filters a date walk can check claim by claim as it goes.
WALKED = ("topic", "search")


def date_walk(where: ClaimFilter) -> str | None:
    """What a newest-first page may be found for by walking dates, if anything.

    "all" with no filter; "topic" or "search" when that is the only filter (a search
    of at least a trigram). Whether walking pays depends on how many claims match,
    which each reader counts against WALK_BY_DATE_FROM.
    """
    if where.sort not in (Sort.PUBLISHED, Sort.RELEVANCE) or not where.limit:
        return None
    others = (value for name, value in where.filters().items() if name not in WALKED)
    if any(value is not None for value in others):
        return None
    if where.topic is None and where.search is None:
        return "all"
    if where.search is None:
        return "topic"
    if where.topic is not None:
        return None
    terms = search_shape(where.search)
    if where.sort is Sort.RELEVANCE and terms.ranked:
        return None  # a page ranked by the words matched is not in date order
    return "search" if len(terms.phrase) >= INDEXED_SEARCH else None
