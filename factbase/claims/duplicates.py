"""When two claims are one: the same words from the same source, however they were typed.

:func:`duplicate_key` folds what varies between two people typing one sentence (case,
ё/е, runs of whitespace, the many quotation marks and dashes of three alphabets), so
`add` and `import` can see a claim recorded twice before it is, and `factbase duplicates`
can find those already recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from factbase.catalog.sources import get_source
from factbase.claims.query import retracted_ids
from factbase.store.models import Claim, Source
from factbase.text.language import duplicate_key


@dataclass(frozen=True)
class Duplicate:
    """An existing claim a new one would repeat, and what they share."""

    claim_id: int
    key: str | None
    same: str  # "statement" or "quote"


def find_duplicate(
    session: Session, source_id: int, statement: str | None, quote: str | None
) -> Duplicate | None:
    """The first claim (by id) of ``source_id``, not retracted, with the same statement or
    the same quote once folded; None when there is none."""
    wanted = {"statement": duplicate_key(statement), "quote": duplicate_key(quote)}
    if not any(wanted.values()):
        return None
    query = (
        select(Claim.id, Claim.key, Claim.statement, Claim.quote)
        .where(Claim.source_id == source_id, Claim.id.not_in(retracted_ids()))
        .order_by(Claim.id)
    )
    candidates = [_holding_words(key) for key in wanted.values() if key]
    if all(condition is not None for condition in candidates):
        query = query.where(or_(*candidates))
    for claim_id, key, other_statement, other_quote in session.execute(query):
        for same, text in (("statement", other_statement), ("quote", other_quote)):
            if wanted[same] is not None and duplicate_key(text) == wanted[same]:
                return Duplicate(claim_id, key, same)
    return None


# A source with many claims would otherwise have each claim's text folded on every `add`
# (the write lock held meanwhile): the database first narrows them to the claims whose
# folded text holds the words of the new one in order (a word: a run of letters and
# digits). Quote marks come between words, but an apostrophe can split one ("Kazakhstan's"):
# claims with an apostrophe anywhere are always compared in full.
_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = ("'", "`", "\u2018", "\u2019", "\u201b", "\u02bc")
_PATTERN_WORDS, _WORD_CHARS = 12, 40


def _holding_words(key: str) -> Any:
    """Claims that may have the duplicate key ``key``: with its words in order in their
    folded text (``search_text``), or with an apostrophe; None when ``key`` has no word."""
    # The first words, each cut short, narrow as well and keep the pattern within what
    # SQLite's LIKE takes (a statement may hold 100,000 characters).
    words = [word[:_WORD_CHARS] for word in _WORD.findall(key)[:_PATTERN_WORDS]]
    if not words:
        return None
    pattern = "%" + "%".join(words) + "%"
    return or_(
        Claim.search_text.like(pattern),
        *(Claim.search_text.contains(mark) for mark in _APOSTROPHES),
    )


@dataclass
class DuplicateGroup:
    """Claims of one source that say one thing: the same statement or quote, folded."""

    source_id: int
    source_key: str | None
    claim_ids: list[int]
    keys: list[str | None]
    same: list[str]  # "statement", "quote" or both
    statement: str  # of the first claim


def duplicate_groups(session: Session, source: str | None = None) -> list[DuplicateGroup]:
    """Groups of two or more claims (not retracted) of one source sharing a statement or
    a quote, once folded; by source, then first claim id. Claims are read a source at a
    time, so memory holds one source's claims."""
    query = (
        select(Claim.id, Claim.key, Claim.source_id, Claim.statement, Claim.quote, Source.key)
        .join(Source, Source.id == Claim.source_id)
        .where(Claim.id.not_in(retracted_ids()))
        .order_by(Claim.source_id, Claim.id)
    )
    if source is not None:
        query = query.where(Claim.source_id == get_source(session, source).id)
    groups: list[DuplicateGroup] = []
    rows = session.execute(query.execution_options(yield_per=1000))
    for source_id, members in groupby(rows, key=lambda row: row[2]):
        groups += _groups_of_source(source_id, list(members))
    return groups


def _groups_of_source(source_id: int, rows: list[Any]) -> list[DuplicateGroup]:
    parent = {row[0]: row[0] for row in rows}
    shared: dict[int, set[str]] = {}

    def root(claim_id: int) -> int:
        while parent[claim_id] != claim_id:
            parent[claim_id] = parent[parent[claim_id]]
            claim_id = parent[claim_id]
        return claim_id

    for same, position in (("statement", 3), ("quote", 4)):
        first_of: dict[str, int] = {}
        for row in rows:
            folded = duplicate_key(row[position])
            if folded is None:
                continue
            if folded in first_of:
                parent[root(row[0])] = root(first_of[folded])
                for claim_id in (row[0], first_of[folded]):
                    shared.setdefault(claim_id, set()).add(same)
            else:
                first_of[folded] = row[0]
    members: dict[int, list[Any]] = {}
    for row in rows:
        members.setdefault(root(row[0]), []).append(row)
    return [
        DuplicateGroup(
            source_id=source_id,
            source_key=group[0][5],
            claim_ids=[row[0] for row in group],
            keys=[row[1] for row in group],
            same=sorted(set().union(*(shared.get(row[0], set()) for row in group))),
            statement=group[0][3],
        )
        for group in sorted(members.values(), key=lambda group: group[0][0])
        if len(group) > 1
    ]
