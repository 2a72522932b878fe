"""A source's article text: attached, read back, and the quotes of its claims anchored in it.

Attaching a text (or a new one) locates every claim's quote in it again
(:mod:`factbase.text.quotes`) and leaves one audit entry on the source, with the hash
before and after and how many quotes matched in each mode. Sources without a text keep
working as before: their claims' quotes are ``no-text``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factbase.catalog import audit
from factbase.catalog.outlets import find_outlet
from factbase.catalog.sources import SourceInput, add_source
from factbase.errors import InvalidInput
from factbase.store.models import Claim, Source, SourceText, utcnow
from factbase.text.articles import ArticleText, PageDetails
from factbase.text.quotes import QuoteContext, locate_quote, quote_context
from factbase.vocabulary import QUOTE_EXACT, QUOTE_MATCHES, QUOTE_NORMALISED


@dataclass
class TextAttached:
    """What attaching a text did: the source, the hash it had before, and its claims'
    quotes by how they match now."""

    source_id: int
    sha256: str
    previous_sha256: str | None
    matches: Counter[str] = field(default_factory=Counter)
    not_found: list[int] = field(default_factory=list)  # claims whose quote it lacks

    @property
    def changed(self) -> bool:
        return self.sha256 != self.previous_sha256

    def summary(self) -> str:
        """``4 exact, 1 normalised, 1 not-found`` (modes with no quote left out)."""
        parts = [f"{self.matches[mode]} {mode}" for mode in QUOTE_MATCHES if self.matches[mode]]
        return ", ".join(parts) or "no quotes"


def page_defaults(data: SourceInput, details: PageDetails) -> SourceInput:
    """``data`` with what a saved page says of itself where the person gave nothing:
    title, author, publication date, and the site's name as the outlet."""
    return replace(
        data,
        title=data.title or details.title or "",
        author=data.author or details.author,
        published=data.published or details.published,
        outlet=data.outlet or details.site_name or "",
    )


def record_source(
    session: Session, data: SourceInput, article: ArticleText | None = None
) -> tuple[Source, TextAttached | None]:
    """Record a source, with its article's text when one is given; a saved page's own
    details fill the fields the person left out (:func:`page_defaults`). Never commits."""
    if article is not None:
        given_outlet = data.outlet
        data = page_defaults(data, article.details)
        if not given_outlet and data.outlet and find_outlet(session, data.outlet) is None:
            raise InvalidInput(
                f"the page names its site {data.outlet!r}, which is no outlet here: give "
                "--outlet, or add it first with `factbase outlet add`"
            )
    if not data.outlet:
        raise InvalidInput("a source needs an outlet (--outlet; the page names no site)")
    if not data.title:
        raise InvalidInput("a source needs a title (--title; the page has none)")
    source = add_source(session, data)
    if article is None:
        return source, None
    return source, attach_text(session, source, article, record_audit=False)


def check_hash(article: ArticleText, expected: str | None) -> None:
    """Refuse a text whose SHA-256 is not the one a document or a seed expects."""
    if expected and expected.strip().lower() != article.sha256:
        raise InvalidInput(
            f"the text's SHA-256 is {article.sha256}, not {expected.strip().lower()} as given"
        )


def attach_text(
    session: Session,
    source: Source,
    article: ArticleText,
    *,
    retrieved_at: datetime | None = None,
    why: str | None = None,
    record_audit: bool = True,
) -> TextAttached:
    """Give ``source`` the text ``article`` (replacing one it had) and anchor its claims'
    quotes in it. The same text again changes nothing and writes no audit entry; without
    ``record_audit`` the caller records the change in its own entry. Never commits."""
    stored = session.get(SourceText, source.id)
    previous = stored.sha256 if stored is not None else None
    result = TextAttached(source.id, article.sha256, previous)
    if stored is None:
        stored = SourceText(source_id=source.id)
        session.add(stored)
    if result.changed or stored.extractor != article.extractor:
        stored.text = article.text
        stored.sha256 = article.sha256
        stored.length = article.length
        stored.extractor = article.extractor
        # To the second, as exports write it: a text round-trips exactly.
        stored.retrieved_at = (retrieved_at or utcnow()).replace(microsecond=0)
    session.flush()
    relocate_quotes(session, source.id, article.text, result)
    if result.changed and record_audit:
        audit.record(
            session,
            "source-text",
            f"source {source.id}",
            detail={
                "changes": {"text_sha256": [previous, article.sha256]},
                "extractor": article.extractor,
                "length": article.length,
                "quotes": dict(result.matches),
            },
            note=why,
            source_id=source.id,
        )
    return result


def relocate_quotes(
    session: Session, source_id: int, text: str | None, result: TextAttached
) -> None:
    """Locate the quote of every claim of the source in ``text`` again."""
    claims = session.scalars(
        select(Claim).where(Claim.source_id == source_id, Claim.quote.is_not(None))
    )
    for claim in claims:
        assert claim.quote is not None
        found = locate_quote(text, claim.quote)
        result.matches[found.mode] += 1
        if not found.found and text is not None:
            result.not_found.append(claim.id)
        if (claim.quote_start, claim.quote_end, claim.quote_match) != (
            found.start,
            found.end,
            found.mode,
        ):
            claim.quote_start, claim.quote_end, claim.quote_match = (
                found.start,
                found.end,
                found.mode,
            )
    session.flush()


def stored_text(session: Session, source_id: int) -> SourceText | None:
    return session.get(SourceText, source_id)


def source_text(session: Session, source: Source) -> SourceText:
    """The source's text; refused when it has none."""
    stored = stored_text(session, source.id)
    if stored is None:
        name = source.key or str(source.id)
        raise InvalidInput(
            f"source {name} has no text (attach one with `factbase source edit {name} "
            "--text-file FILE` or --html-file)"
        )
    return stored


def anchored_quotes(session: Session, source_id: int) -> int:
    """How many of the source's claims have their quote found in its text."""
    count = session.scalar(
        select(func.count()).where(
            Claim.source_id == source_id,
            Claim.quote_match.in_((QUOTE_EXACT, QUOTE_NORMALISED)),
        )
    )
    return int(count or 0)


def text_summary(session: Session, source_id: int) -> dict[str, Any] | None:
    """The text's hash, length, extractor, when it was attached and how many quotes are
    anchored in it: what `source show` adds; None without a text."""
    stored = stored_text(session, source_id)
    if stored is None:
        return None
    return {
        "text_sha256": stored.sha256,
        "text_length": stored.length,
        "text_extractor": stored.extractor,
        "text_retrieved_at": stored.retrieved_at.isoformat(timespec="seconds"),
        "anchored_quotes": anchored_quotes(session, source_id),
    }


def claim_quote_context(session: Session, claim: Claim) -> QuoteContext | None:
    """The claim's quote in its article, with the text around it; None when not found."""
    if claim.quote_start is None or claim.quote_end is None:
        return None
    stored = stored_text(session, claim.source_id)
    if stored is None:
        return None
    return quote_context(stored.text, claim.quote_start, claim.quote_end)
