"""`factbase list` and `show` read straight from the SQLite file, without SQLAlchemy.

People wait on `list` and `show`; importing SQLAlchemy alone takes about 0.3 s, longer than the
query. For an up-to-date SQLite file and the filters that need no lookup beyond a
topic or a stance, this module answers with the standard library's ``sqlite3``. It
is a shortcut, never a second source of truth; it answers ``None`` (the library then
answers instead) whenever it could differ:

- a URL, a missing file, another schema revision, or any SQLite error (raised instead
  under tests, where :data:`STRICT_ENV` is set: there it means a bug);
- the confidence sort, which needs the track records of the library;
- a filter not marked ``fast`` on :class:`~factbase.claims.filter.ClaimFilter` (outlet,
  source, subject, speaker, and any filter added unmarked), a bad limit or date;
- an unknown topic, and an empty result filtered by language, status or stance: the
  library confirms "no claims" or gives the error for the value it refuses;
- for the wide table, a claim on the page in a same/supports cluster, whose
  corroboration needs :class:`~factbase.analysis.corroboration.CorroborationIndex`, and
  any page that may hold retracted claims (``include_retracted``);
- for `show`, a retracted or merged claim: the library shows the retraction or the
  claim it was merged into; and any claim once some claim has a verdict or a kept
  conflict decision: the library shows verdicts and track records.

Retracted claims are left out as the library leaves them out (``LIVE_SQL``), and never
dispute a claim.

The SQL mirrors :func:`factbase.claims.query.claims_query` (same joins, subqueries, search
index and date walk), and ``tests/test_quickread.py`` holds both to the same pages.

A PostgreSQL database named by a ``postgresql+psycopg://`` URL without options is read the
same way through psycopg (:class:`_ServerConnection` turns the SQL written for ``sqlite3``
into psycopg's), except a search, which reads SQLite's FTS5 indexes here and is left to
the library there; ``tests/test_quickread_postgres.py`` holds that reader to the
library's pages and views on a server.
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import fields as dc_fields
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from factbase.catalog.topic_tree import topic_subtree
from factbase.claims.display import (
    ClaimDetail,
    ClaimPage,
    ConflictView,
    Corroboration,
    LinkedView,
    ListedClaim,
)
from factbase.claims.fields import RecordReader, exported_fields, fields_named, sql_column
from factbase.claims.filter import (
    FAST_FILTERS,
    FORM_LEMMAS_SQL,
    IN_TOPICS_SQL,
    INDEXED_SEARCH,
    LEMMA_IDS_SQL,
    LIVE_SQL,
    MATCHES_LEMMAS_SQL,
    MATCHES_SEARCH_SQL,
    MAX_LIMIT,
    NEWEST_FIRST_SQL,
    PHRASE_IDS_SQL,
    RETRACTED_IDS_SQL,
    WALK_BY_DATE_FROM,
    ClaimFilter,
    SearchTerms,
    Sort,
    date_walk,
    like_pattern,
    search_phrase,
    search_terms,
)
from factbase.claims.series import Period, SeriesClaim, group_series, is_series
from factbase.errors import FactbaseError, as_id
from factbase.store.location import (
    APP_NAME,
    HEAD_REVISION,
    given_location,
)
from factbase.store.quick_sqlite import STRICT_ENV, sqlite_file
from factbase.text.dates import PartialDate, parse_date
from factbase.text.language import normalise_text
from factbase.text.quantities import Quantity
from factbase.text.quotes import QuoteContext, quote_context

T = TypeVar("T")

BUSY_TIMEOUT_SECONDS = 10.0
# As factbase.analysis.corroboration.DISPUTING_STATUSES, which imports SQLAlchemy; a test keeps
# the two equal.
DISPUTING_STATUSES = ("open", "confirmed")

_ORDER = {
    Sort.PUBLISHED: "s.published DESC NULLS LAST, c.id DESC",
    Sort.EVENT: "c.event_date DESC NULLS LAST, c.id DESC",
    Sort.ADDED: "c.id DESC",
    Sort.ID: "c.id",
    Sort.RELEVANCE: "s.published DESC NULLS LAST, c.id DESC",
}
# A listed claim's own fields (not those only the wide table reads) are record fields.
_LISTED = RecordReader(
    fields_named([f.name for f in dc_fields(ListedClaim) if f.default is f.default_factory])
)
_PAGE = f"""
SELECT {", ".join(sql_column(column) for column in _LISTED.columns)}
FROM claim AS c JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id
WHERE {{where}} ORDER BY {{order}}{{limit}}
"""


class _Unanswered(Exception):
    """The library must answer this one."""


def claims_page(
    location: str | None, where: ClaimFilter, *, with_support: bool
) -> ClaimPage | None:
    """The page `factbase list` shows, or None when the library has to read it."""
    return _answer(location, lambda connection: _page(connection, where, with_support))


def _answer(location: str | None, read: Callable[[Any], T]) -> T | None:
    """What ``read`` finds in the up-to-date SQLite file (or PostgreSQL database)
    ``location`` names, in one snapshot; None wherever the library has to answer instead."""
    server = _server_url(location)
    if server is not None:
        return _answer_on_server(server, read)
    path = sqlite_file(location)
    if path is None:
        return None
    try:
        connection = _connect(path)
    except (_Unanswered, sqlite3.Error, FactbaseError):
        return None  # not an up-to-date factbase file
    with closing(connection):
        try:
            connection.execute("BEGIN")  # one snapshot for everything read
            return read(connection)
        except (_Unanswered, FactbaseError):
            return None
        except sqlite3.Error:
            if os.environ.get(STRICT_ENV):
                raise
            return None


# What the library's engine passes psycopg besides the URL (factbase.store.database), but
# a server that does not answer is given up on after 2 s (libpq's least), not 10: the
# library then tries again and words the error, and a user waits 12 s for it, not 20.
_SERVER_CONNECT = {"connect_timeout": 2, "application_name": APP_NAME}
_SERVER_LOCK_WAIT_MS = 1000
_PSYCOPG = "postgresql+psycopg://"


def _server_url(location: str | None) -> str | None:
    """The libpq URL of a ``postgresql+psycopg://`` location without options (query
    parameters are SQLAlchemy's to read); None for anything else."""
    try:
        given = given_location(location)
    except FactbaseError:
        return None
    if given is None or not given.startswith(_PSYCOPG) or "?" in given:
        return None
    return "postgresql://" + given[len(_PSYCOPG) :]


def _answer_on_server(url: str, read: Callable[[Any], T]) -> T | None:
    try:
        import psycopg
    except ImportError:
        return None  # the library says how to install the driver
    try:
        raw = psycopg.connect(url, autocommit=True, **_SERVER_CONNECT)  # type: ignore[arg-type]
    except psycopg.Error:
        return None  # the library words the error (without the password)
    with closing(raw):
        try:
            connection = _ServerConnection(raw)
            # One snapshot for everything read. Behind a lock it gives up after a second:
            # the library then waits its own timeout and words the error (exit 75), so a
            # reader behind a lock waits about 11 s, not twice 10.
            connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            connection.execute(f"SET LOCAL lock_timeout = {_SERVER_LOCK_WAIT_MS}")
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            if revision != [(HEAD_REVISION,)]:
                return None
            return read(connection)
        except (_Unanswered, FactbaseError):
            return None
        except psycopg.Error as error:
            # Under tests an error of this module's SQL is raised; a lock or a lost
            # connection is the server's state, which the library meets again and words.
            if os.environ.get(STRICT_ENV) and isinstance(error, psycopg.ProgrammingError):
                raise
            return None


# The SQL of this module, written for sqlite3, as psycopg takes it: ? and :name become
# %s and %(name)s (a literal % doubled); SQLite's index hint goes, its CROSS JOIN (which
# only fixes the join order) is a plain JOIN, and an empty list, which PostgreSQL refuses,
# is an empty subquery.
_PLACEHOLDER = re.compile(r"%|\?|(?<![:\w]):([A-Za-z_]\w*)")


def _server_sql(sql: str) -> str:
    def placeholder(found: re.Match[str]) -> str:
        if found.group(0) == "%":
            return "%%"
        return "%s" if found.group(0) == "?" else f"%({found.group(1)})s"

    sql = sql.replace(" INDEXED BY ix_source_published", "").replace("CROSS JOIN", "JOIN")
    # An empty list of ids (_marks): PostgreSQL takes an untyped NULL for text.
    sql = sql.replace(" IN ()", " IN (SELECT CAST(NULL AS INTEGER) WHERE FALSE)")
    return _PLACEHOLDER.sub(placeholder, sql)


class _ServerConnection:
    """A psycopg connection answering ``execute`` as a ``sqlite3.Connection`` does, for
    the SQL of this module; it says it is a server's (a search is left to the library)."""

    server = True

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, params: Any = ()) -> Any:
        return self.raw.execute(_server_sql(sql), params if params else None)


def _on_server(connection: Any) -> bool:
    return getattr(connection, "server", False)


def _connect(path: Path) -> sqlite3.Connection:
    # mode=rw: never create a file; the library decides what a missing one means.
    connection = sqlite3.connect(
        f"{path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None
    )
    revision = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    if revision != [(HEAD_REVISION,)]:
        connection.close()
        raise _Unanswered
    return connection


def _page(connection: sqlite3.Connection, where: ClaimFilter, with_support: bool) -> ClaimPage:
    if any(value for name, value in where.filters().items() if name not in FAST_FILTERS):
        raise _Unanswered  # a filter this module does not read
    if where.limit is None or not 0 <= where.limit <= MAX_LIMIT:
        raise _Unanswered
    if where.sort not in _ORDER:
        raise _Unanswered  # confidence: the library ranks the claims from track records
    if where.search and _on_server(connection):
        raise _Unanswered  # the server's search indexes are the library's to read
    topics = _topic_ids(connection, where.topic) if where.topic else None
    terms = _terms(connection, where)
    filtered = _conditions(where, topics, terms)
    ranked = where.sort is Sort.RELEVANCE and terms is not None and terms.ranked
    ranked_page = _ranked_ids(connection, where, terms) if ranked and terms else None
    held: dict[int, int] = {}
    ids: list[int] | None
    matched: int | None
    if ranked_page is not None:
        ids, matched, held = ranked_page
    else:
        ids, matched = _walked_ids(connection, where, topics, terms)
    conditions, params = filtered if ids is None else ([f"c.id IN {_marks(ids)}"], list(ids))
    limit = f" LIMIT {where.limit}" if where.limit else ""
    order = _ORDER[where.sort]
    if held:  # the page's ranks are known: each claim's tier
        rank = " ".join(f"WHEN {claim_id} THEN {n}" for claim_id, n in held.items())
        order = f"(CASE c.id {rank} END) DESC, {order}"
    elif where.sort is Sort.RELEVANCE and terms is not None and terms.ranked:
        rank, ranked_by = _rank(terms)
        order, params = f"{rank} DESC, {order}", [*params, *ranked_by]
    sql = _PAGE.format(where=" AND ".join(conditions), order=order, limit=limit)
    rows = connection.execute(sql, params).fetchall()
    if not rows and (where.language or where.stance or where.status or where.quote_status):
        raise _Unanswered  # the library tells "none" from a value it refuses
    claims = [_listed(row) for row in rows]
    if with_support and where.include_retracted:
        raise _Unanswered  # a retracted claim counts no report: the library says so
    if with_support and claims:
        claims = _with_support(connection, claims)
    total = len(rows)
    if where.limit and total == where.limit:  # a full page: more may match
        total = matched if matched is not None else _count(connection, where, topics, filtered)
    return ClaimPage(
        claims=claims,
        total=total,
        stance_colours=_stance_colours(connection),
    )


def _topic_ids(connection: sqlite3.Connection, slug: str) -> list[int]:
    """The topic and every topic under it, as :func:`factbase.catalog.topics.descendant_ids`."""
    found = connection.execute(
        "SELECT id FROM topic WHERE slug = ?", (normalise_text(slug).lower(),)
    ).fetchone()
    if found is None:
        raise _Unanswered
    pairs = connection.execute("SELECT id, parent_id FROM topic")
    return sorted(topic_subtree(found[0], pairs))


def _conditions(
    where: ClaimFilter, topics: list[int] | None, terms: SearchTerms | None
) -> tuple[list[str], list[Any]]:
    conditions: list[str] = ["1 = 1"]
    params: list[Any] = []
    if topics is not None:
        conditions.append(
            f"c.id IN (SELECT claim_id FROM claim_topic WHERE topic_id IN {_marks(topics)})"
        )
        params += topics
    if where.language:
        conditions.append("c.language = ?")
        params.append(where.language.strip().lower())
    if where.stance:
        conditions.append("o.stance = ?")
        params.append(where.stance.strip().lower())
    # Dates narrow the sources first, as in the library, so the date index leads.
    if where.since:
        conditions.append("c.source_id IN (SELECT id FROM source WHERE published_end >= ?)")
        params.append(parse_date(where.since).start.isoformat())
    if where.until:
        conditions.append("c.source_id IN (SELECT id FROM source WHERE published <= ?)")
        params.append(parse_date(where.until).end.isoformat())
    if terms is not None and terms.phrase:
        condition, found_by = _search(terms)
        conditions.append(condition)
        params += found_by
    if where.status:
        conditions.append("c.status = ?")
        params.append(where.status.strip().lower())
    if where.quote_status:
        conditions.append("c.quote_match = ?")
        params.append(where.quote_status.strip().lower())
    if not where.include_retracted:
        conditions.append(LIVE_SQL)
    return conditions, params


def _terms(connection: sqlite3.Connection, where: ClaimFilter) -> SearchTerms | None:
    """The search's terms, as :func:`factbase.claims.query.stored_search_terms` finds them."""
    if not where.search:
        return None

    def stored(word: str) -> tuple[str, ...] | None:
        sql = f"{LEMMA_IDS_SQL.format(lemmas='?')} LIMIT 1"
        held = connection.execute(sql, (search_phrase(word),)).fetchone() is not None
        forms = connection.execute(FORM_LEMMAS_SQL.format(form="?"), (word,))
        lemmas = tuple(lemma for (lemma,) in forms)
        return (word, *lemmas) if held else lemmas or None

    return search_terms(where.search, where.language, stored)


def _search(terms: SearchTerms) -> tuple[str, list[Any]]:
    """The condition a search puts on claims, as the library's ``_search`` on SQLite."""
    lemmas = terms.lemma_query()
    if len(terms.phrase) < INDEXED_SEARCH:
        found = "c.search_text LIKE '%' || ? || '%' ESCAPE '/'"
        if lemmas is None:
            return found, [like_pattern(terms.phrase)]
        by_lemma = f"c.id IN ({LEMMA_IDS_SQL.format(lemmas='?')})"
        return f"({found} OR {by_lemma})", [like_pattern(terms.phrase), lemmas]
    ids, params = PHRASE_IDS_SQL.format(phrase="?"), [search_phrase(terms.phrase)]
    if lemmas is not None:
        ids, params = f"{ids} UNION {LEMMA_IDS_SQL.format(lemmas='?')}", [*params, lemmas]
    return f"c.id IN ({ids})", params


def _rank(terms: SearchTerms) -> tuple[str, list[Any]]:
    """How many of the search's words a claim holds as lemmas, as the library's ``_rank``:
    all of them when its folded text holds the whole search."""
    held = " + ".join(f"(c.id IN ({LEMMA_IDS_SQL.format(lemmas='?')}))" for _ in terms.words)
    params: list[Any] = [terms.phrase, len(terms.words)]
    params += [terms.lemma_query(forms) for forms in terms.words]
    return f"(CASE WHEN instr(c.search_text, ?) > 0 THEN ? ELSE {held} END)", params


def _ranked_ids(
    connection: sqlite3.Connection, where: ClaimFilter, terms: SearchTerms
) -> tuple[list[int], int, dict[int, int]] | None:
    """A page of a search of several words in rank order, tier by tier, how many claims
    match, and the rank of each claim of the page (its tier: how many of the words it
    holds, so the page is ordered without ranking it again against the whole index);
    None when the search is not the only filter.

    Claims holding k of the words are those the lemma index finds holding at least k and
    not k + 1 (all of them, for the top tier, or the whole phrase). Each tier is read
    newest first, walking dates where it is large, until the page is full: ranking every
    claim that holds one common word (a third of a million at 1M) took seconds.
    """
    if date_walk(replace(where, sort=Sort.PUBLISHED)) != "search":
        return None
    live = "" if where.include_retracted else f" WHERE id NOT IN ({RETRACTED_IDS_SQL})"
    phrase = search_phrase(terms.phrase)
    total = _search_total(connection, terms, where.include_retracted)
    ids: list[int] = []
    ranks: dict[int, int] = {}
    words = len(terms.words)
    for held in range(words, 0, -1):
        wanted = (where.limit or 0) - len(ids)
        if wanted <= 0:
            break
        tier, params, each, each_params = _tier(terms, held, phrase)
        # Only whether the tier reaches the walking size matters: counting stops there.
        bounded = f"SELECT id FROM ({tier}){live} LIMIT {max(WALK_BY_DATE_FROM, 1)}"
        size = int(connection.execute(f"SELECT count(*) FROM ({bounded})", params).fetchone()[0])
        if not size:
            continue
        if size >= WALK_BY_DATE_FROM:
            condition = each if where.include_retracted else f"{each} AND {LIVE_SQL}"
            sql = NEWEST_FIRST_SQL.format(topic=condition, limit=str(wanted))
            found = [row[0] for row in connection.execute(sql, each_params)]
        else:
            newest = (
                "SELECT c.id FROM claim AS c JOIN source AS s ON s.id = c.source_id "
                f"WHERE c.id IN (SELECT id FROM ({tier}){live}) "
                f"ORDER BY s.published DESC NULLS LAST, c.id DESC LIMIT {wanted}"
            )
            found = [row[0] for row in connection.execute(newest, params)]
        ids += found
        ranks.update(dict.fromkeys(found, held))
    return ids, total, ranks


def _search_total(
    connection: sqlite3.Connection, terms: SearchTerms, include_retracted: bool
) -> int:
    """How many claims a search of at least a trigram finds.

    Counted as the lemma index's matches plus the phrase's that hold none of the words as
    lemmas, rather than as one union: the index counts its own matches without building
    a set of them (0.04 s for two common words at 1M claims, against 0.19 s).
    """
    phrase, lemmas = search_phrase(terms.phrase), terms.lemma_query()
    by_phrase = PHRASE_IDS_SQL.format(phrase="?")
    found = MATCHES_SEARCH_SQL.format(phrase="?")
    params: list[Any] = [phrase]
    if lemmas is None:
        total = connection.execute(f"SELECT count(*) FROM ({by_phrase})", params).fetchone()[0]
    else:
        by_lemmas = LEMMA_IDS_SQL.format(lemmas="?")
        total = connection.execute(
            f"SELECT (SELECT count(*) FROM ({by_lemmas})) + "
            f"(SELECT count(*) FROM ({by_phrase} EXCEPT {by_lemmas}))",
            [lemmas, phrase, lemmas],
        ).fetchone()[0]
        found = f"({found} OR {MATCHES_LEMMAS_SQL.format(lemmas='?')})"
        params.append(lemmas)
    if not include_retracted:
        # The retracted are few: each is looked up in the indexes.
        retracted = f"SELECT count(*) FROM claim AS c WHERE c.retracted_at IS NOT NULL AND {found}"
        total -= connection.execute(retracted, params).fetchone()[0]
    return int(total)


def _tier(terms: SearchTerms, held: int, phrase: str) -> tuple[str, list[Any], str, list[Any]]:
    """The ids of the claims holding ``held`` of the search's words (a query and its
    parameters), and the same as a condition on one claim ``c`` (for walking dates)."""
    at_least = terms.held_query(held)
    by_phrase = PHRASE_IDS_SQL.format(phrase="?")
    by_lemmas = LEMMA_IDS_SQL.format(lemmas="?")
    has_phrase = MATCHES_SEARCH_SQL.format(phrase="?")
    has_lemmas = MATCHES_LEMMAS_SQL.format(lemmas="?")
    if held == len(terms.words):
        return (
            f"{by_phrase} UNION {by_lemmas}",
            [phrase, at_least],
            f"({has_phrase} OR {has_lemmas})",
            [phrase, at_least],
        )
    above = terms.held_query(held + 1)
    return (
        f"{by_lemmas} EXCEPT {by_lemmas} EXCEPT {by_phrase}",
        [at_least, above, phrase],
        f"({has_lemmas} AND NOT {has_lemmas} AND NOT {has_phrase})",
        [at_least, above, phrase],
    )


def _walked_ids(
    connection: sqlite3.Connection,
    where: ClaimFilter,
    topics: list[int] | None,
    terms: SearchTerms | None,
) -> tuple[list[int] | None, int | None]:
    """A newest-first page found by walking dates, in the cases the library walks them,
    and the claims matching when a search counted them on the way (None otherwise)."""
    walk = date_walk(where)
    if walk is None:
        return None, None
    matching = None
    params: list[Any] = []
    condition = "1 = 1"
    if walk == "topic" and topics is not None:
        marks = _marks(topics)
        linked = connection.execute(
            f"SELECT count(*) FROM claim_topic WHERE topic_id IN {marks}", topics
        ).fetchone()[0]
        if linked < WALK_BY_DATE_FROM:
            return None, None
        condition, params = IN_TOPICS_SQL.format(topics=marks), topics
    elif walk == "search" and terms is not None:
        params = [search_phrase(terms.phrase)]
        condition = MATCHES_SEARCH_SQL.format(phrase="?")
        lemmas = terms.lemma_query()
        if lemmas is not None:
            params.append(lemmas)
            condition = f"({condition} OR {MATCHES_LEMMAS_SQL.format(lemmas='?')})"
        # Index rows, one per claim, matched exactly: this is the listing's total too.
        matching = _search_total(connection, terms, where.include_retracted)
        if matching < WALK_BY_DATE_FROM:
            return None, matching
    if not where.include_retracted:
        condition = f"{condition} AND {LIVE_SQL}"
    sql = NEWEST_FIRST_SQL.format(topic=condition, limit=str(int(where.limit or 0)))
    return [row[0] for row in connection.execute(sql, params)], matching


def _count(
    connection: sqlite3.Connection,
    where: ClaimFilter,
    topics: list[int] | None,
    filtered: tuple[list[str], list[Any]],
) -> int:
    """Claims matching the filter, from an index where one holds the answer.

    Every claim has a source and every source an outlet (foreign keys), so only a
    stance filter needs the joins.
    """
    walk = date_walk(where)
    if walk == "topic" and topics is not None:
        sql = f"SELECT count(DISTINCT claim_id) FROM claim_topic WHERE topic_id IN {_marks(topics)}"
        if not where.include_retracted:
            sql += f" AND claim_id NOT IN ({RETRACTED_IDS_SQL})"
        return int(connection.execute(sql, topics).fetchone()[0])
    conditions, params = filtered
    joins = (
        " JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id"
        if where.stance
        else ""
    )
    sql = f"SELECT count(*) FROM claim AS c{joins} WHERE {' AND '.join(conditions)}"
    return int(connection.execute(sql, params).fetchone()[0])


def _with_support(connection: sqlite3.Connection, claims: list[ListedClaim]) -> list[ListedClaim]:
    """Topics and corroboration, for claims in no same/supports cluster: one report, one origin."""
    ids = [claim.id for claim in claims]
    marks = _marks(ids)
    clustered = connection.execute(
        f"SELECT 1 FROM claim_link WHERE kind IN ('same', 'supports') "
        f"AND (claim_a_id IN {marks} OR claim_b_id IN {marks}) LIMIT 1",
        ids + ids,
    ).fetchone()
    if clustered:
        raise _Unanswered
    slugs: dict[int, list[str]] = {}
    for claim_id, slug in connection.execute(
        f"SELECT ct.claim_id, t.slug FROM claim_topic AS ct JOIN topic AS t ON t.id = ct.topic_id "
        f"WHERE ct.claim_id IN {marks}",
        ids,
    ):
        slugs.setdefault(claim_id, []).append(slug)
    return [
        replace(claim, topics=tuple(sorted(slugs.get(claim.id, ()))), reports=1, origins=1)
        for claim in claims
    ]


def _listed(row: tuple[Any, ...]) -> ListedClaim:
    return ListedClaim(**_LISTED.record(row, {}))


def _stance_colours(connection: sqlite3.Connection) -> dict[str, str | None]:
    return dict(connection.execute("SELECT name, colour FROM stance"))


def _marks(values: list[int]) -> str:
    return "(" + ", ".join("?" * len(values)) + ")"


# -- one claim, for `factbase show` -----------------------------------------------------

_RECORD = RecordReader(exported_fields())
_CLAIM = f"""
SELECT {", ".join(sql_column(column) for column in _RECORD.columns)}
FROM claim AS c JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id
WHERE {{where}}
"""
_LINKS = """
SELECT l.kind, l.refining_id, l.claim_a_id, l.claim_b_id, c.statement, o.name, o.stance, c.language
FROM claim_link AS l
JOIN claim AS c ON c.id = CASE WHEN l.claim_a_id = :id THEN l.claim_b_id ELSE l.claim_a_id END
JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id
WHERE l.claim_a_id = :id OR l.claim_b_id = :id ORDER BY l.id
"""
_DISPUTERS = f"""
SELECT c.id, o.stance, c.language FROM claim AS c
JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id
WHERE c.id IN {{ids}} AND {LIVE_SQL}
"""


# Whether anything was judged: a verdict, or a decision keeping one claim of a conflict.
_JUDGED = (
    "SELECT 1 FROM verdict UNION ALL SELECT 1 FROM conflict WHERE kept_claim_id IS NOT NULL LIMIT 1"
)


def claim_view(location: str | None, ref: str) -> ClaimDetail | None:
    """What `factbase show` shows of a claim, or None when the library has to read it.

    Declined, besides the cases of :func:`claims_page`: a claim in a same/supports
    cluster (its corroboration counts origins across the cluster), and a claim not found
    (the library gives the error).
    """
    return _answer(location, lambda connection: _view(connection, ref))


def _view(connection: sqlite3.Connection, ref: str) -> ClaimDetail:
    text_ref = str(ref).strip()
    claim_id = as_id(text_ref)
    where, param = ("c.id = ?", claim_id) if claim_id is not None else ("c.key = ?", text_ref)
    row = connection.execute(_CLAIM.format(where=where), (param,)).fetchone()
    if row is None:
        raise _Unanswered
    claim_id = row[_RECORD.position["claim.id"]]
    retracted = connection.execute("SELECT retracted_at FROM claim WHERE id = ?", (claim_id,))
    if retracted.fetchone()[0] is not None:
        raise _Unanswered  # shown with its retraction, or the claim it was merged into
    if connection.execute(_JUDGED).fetchone():
        raise _Unanswered  # verdicts and track records are shown by the library
    links = connection.execute(_LINKS, {"id": claim_id}).fetchall()
    if any(kind in ("same", "supports") for kind, *_ in links):
        raise _Unanswered
    topics = connection.execute(
        "SELECT t.slug, ct.suggested, ct.keyword FROM claim_topic AS ct JOIN topic AS t "
        "ON t.id = ct.topic_id WHERE ct.claim_id = ? ORDER BY t.slug",
        (claim_id,),
    ).fetchall()
    record = _RECORD.record(row, {claim_id: [slug for slug, *_ in topics]})
    relays = connection.execute(
        "SELECT o.name FROM source_cite AS sc JOIN outlet AS o ON o.id = sc.outlet_id "
        "WHERE sc.source_id = ? ORDER BY o.name",
        (record["source_id"],),
    ).fetchall()
    conflicts = connection.execute(
        "SELECT id, kind, cause, status, explanation, claim_a_id, claim_b_id FROM conflict "
        "WHERE claim_a_id = ? OR claim_b_id = ? ORDER BY id",
        (claim_id, claim_id),
    ).fetchall()
    return ClaimDetail(
        record=record,
        topics=[(slug, bool(suggested), keyword) for slug, suggested, keyword in topics],
        relays=[name for (name,) in relays],
        corroboration=_lone_corroboration(connection, record, links, conflicts).summary(),
        links=[_linked(claim_id, link) for link in links],
        conflicts=[ConflictView(*conflict[:5]) for conflict in conflicts],
        stance_colours=_stance_colours(connection),
        series=_series(connection, claim_id),
        quote_context=_quote_context(connection, record),
    )


def _quote_context(connection: sqlite3.Connection, record: dict[str, Any]) -> QuoteContext | None:
    """The quote in its article, as factbase.catalog.source_texts.claim_quote_context."""
    start, end = record["quote_start"], record["quote_end"]
    if start is None or end is None:
        return None
    found = connection.execute(
        "SELECT text FROM source_text WHERE source_id = ?", (record["source_id"],)
    ).fetchone()
    return quote_context(found[0], start, end) if found is not None else None


# The claims of a subject and property, as factbase.analysis.series.claim_series reads them.
_SERIES = f"""
SELECT c.id, c.polarity, c.value_text, c.value_num, c.value_unit, c.value_low, c.value_high,
    c.value_qualifier, c.as_of, c.as_of_precision, c.event_date, c.event_precision,
    s.published, s.published_precision, o.name
FROM claim AS c JOIN source AS s ON s.id = c.source_id JOIN outlet AS o ON o.id = s.outlet_id
WHERE c.property_key = :property AND {{subject}} AND c.status != 'retracted' AND {LIVE_SQL}
"""


def _series(connection: sqlite3.Connection, claim_id: int) -> list[Period]:
    """The claim's series (:mod:`factbase.claims.series`) when it has one, else empty."""
    subject_id, subject_key, property_key = connection.execute(
        "SELECT subject_id, subject_key, property_key FROM claim WHERE id = ?", (claim_id,)
    ).fetchone()
    if not property_key or (subject_id is None and not subject_key):
        return []
    if subject_id is not None:
        subject = "c.subject_id = :subject_id"
    else:
        subject = "c.subject_id IS NULL AND c.subject_key = :subject_key"
    params = {"property": property_key, "subject_id": subject_id, "subject_key": subject_key}
    members = []
    for row in connection.execute(_SERIES.format(subject=subject), params):
        claim, polarity, text, number, unit, low, high, qualifier, *dates, outlet = row
        value = None
        if number is not None:
            value = Quantity(text or "", number, unit, low, high, qualifier or "exact")
        members.append(SeriesClaim(claim, _period(*dates), value, polarity, outlet))
    periods = group_series(members)
    return periods if is_series(periods) else []


def _period(*columns: Any) -> PartialDate | None:
    """The first of (start, precision) column pairs that holds a date."""
    for start, precision in zip(columns[::2], columns[1::2], strict=True):
        if start is not None and precision is not None:
            return PartialDate.from_parts(date.fromisoformat(str(start)[:10]), precision)
    return None


def _lone_corroboration(
    connection: sqlite3.Connection,
    record: dict[str, Any],
    links: list[tuple[Any, ...]],
    conflicts: list[tuple[Any, ...]],
) -> Corroboration:
    """A claim in no cluster: one report, one origin, disputed by contradicting links
    and by open or confirmed conflicts, as :func:`factbase.analysis.corroboration.corroboration`."""
    claim_id = record["id"]
    disputing = {a if b == claim_id else b for kind, _, a, b, *_ in links if kind == "contradicts"}
    disputing |= {
        a if b == claim_id else b
        for *_, status, _, a, b in conflicts
        if status in DISPUTING_STATUSES
    }
    disputing.discard(claim_id)
    stances: set[str] = set()
    languages: set[str] = set()
    if disputing:
        ids = sorted(disputing)
        disputing = set()  # retracted claims dispute nothing
        for other, stance, language in connection.execute(_DISPUTERS.format(ids=_marks(ids)), ids):
            disputing.add(other)
            stances.add(stance)
            if language:
                languages.add(language)
    return Corroboration(
        cluster=[claim_id],
        reports=1,
        origins=1,
        asserting_stances=[record["stance"]],
        asserting_languages=[record["language"]] if record["language"] else [],
        disputing_claims=sorted(disputing),
        disputing_stances=sorted(stances),
        disputing_languages=sorted(languages),
    )


def _linked(claim_id: int, link: tuple[Any, ...]) -> LinkedView:
    kind, refining_id, a, b, statement, outlet, stance, language = link
    if kind == "refines" and refining_id != claim_id:
        kind = "refined by"
    return LinkedView(kind, b if a == claim_id else a, statement, outlet, stance, language)
