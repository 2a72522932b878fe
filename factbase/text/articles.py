"""An article's text, read from a plain-text file or reduced from a saved web page.

The text is kept as it was received (a quote's span points into it); its SHA-256 is taken
of its UTF-8 bytes, so a file holding exactly the stored text has that hash. A saved page
is reduced to the article's main text by trafilatura, which also reads its title, author,
site name and publication date (the date with htmldate, from the page's metadata and
markup only: a "today" line in a page header is not a publication date). Those are
defaults for a source's fields, never put over what a person gave.

trafilatura is imported only when a page is read: every other command starts without it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factbase.errors import InvalidInput

PLAIN_TEXT = "plain"  # the extractor of a text given as it is


@dataclass(frozen=True, slots=True)
class PageDetails:
    """What a saved page says of itself: defaults for the source's fields."""

    title: str | None = None
    author: str | None = None
    site_name: str | None = None
    published: str | None = None  # ISO date as htmldate reads it


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's text as received, with what identifies it."""

    text: str
    extractor: str  # "plain", or "trafilatura <version>"
    details: PageDetails = PageDetails()

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @property
    def length(self) -> int:
        return len(self.text)


def text_sha256(text: str) -> str:
    """The hex SHA-256 of ``text`` in UTF-8: the hash a file holding it has."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InvalidInput(f"{path}: is a directory, not a file") from None
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot be read ({exc.strerror or exc})") from None


def _decoded(data: bytes, path: Path) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {exc.start})") from None


def article_text(text: str, extractor: str = PLAIN_TEXT) -> ArticleText:
    """``text`` as an article's text; refused when it holds no words."""
    if not text.strip():
        raise InvalidInput("the article's text is empty")
    if "\x00" in text:
        raise InvalidInput("the article's text holds a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidInput("the article's text holds an unpaired surrogate") from None
    return ArticleText(text, extractor)


def read_text_file(path: Path) -> ArticleText:
    """A plain-text article, UTF-8, kept as it is."""
    return article_text(_decoded(_read_bytes(path), path))


def read_html_file(path: Path) -> ArticleText:
    """The main text of a saved web page, with the page's own details."""
    return extract_html(_read_bytes(path), str(path))


def read_article(text_file: Path | None, html_file: Path | None) -> ArticleText | None:
    """The article a command is given as ``--text-file`` or ``--html-file`` (one at most)."""
    if text_file is not None and html_file is not None:
        raise InvalidInput("give --text-file or --html-file, not both")
    if text_file is not None:
        return read_text_file(text_file)
    if html_file is not None:
        return read_html_file(html_file)
    return None


def extract_html(page: bytes | str, name: str = "the page") -> ArticleText:
    """The article in ``page`` (HTML), as trafilatura reduces it, and its details."""
    try:
        import trafilatura  # late: heavy, and only reading a page needs it
        from htmldate import find_date
    except ImportError as exc:  # pragma: no cover - a broken installation
        raise InvalidInput(f"reading HTML needs trafilatura ({exc})") from None
    html = page.decode("utf-8", errors="replace") if isinstance(page, bytes) else page
    if "<" not in html:
        raise InvalidInput(f"{name}: not an HTML page")
    try:
        document = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, favor_precision=True
        )
    except Exception as exc:  # trafilatura raises whatever its parsers raise
        raise InvalidInput(f"{name}: cannot be read as HTML ({exc})") from None
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise InvalidInput(f"{name}: no article text found in the page")
    published = _publication_date(html, find_date)
    details = PageDetails(
        title=_clean(getattr(document, "title", None)),
        author=_clean(getattr(document, "author", None)),
        site_name=_clean(getattr(document, "sitename", None)),
        published=published,
    )
    return ArticleText(text, f"trafilatura {trafilatura.__version__}", details)


# The page's furniture around the article: a site header's "today" line is a date, but
# not the article's. A header inside the article (its dateline) stays.
_FURNITURE = (
    "//header[not(ancestor::article)] | //nav | //footer | //aside"
    " | //*[contains(translate(@class, 'TODAY', 'today'), 'today')]"
    " | //*[contains(translate(@id, 'TODAY', 'today'), 'today')]"
)


def _publication_date(html: str, find_date: Any) -> str | None:
    """The article's publication date as htmldate reads it from the page's metadata and
    markup, once the page's furniture is gone; without its extensive search, which would
    take any date in the text."""
    try:
        from lxml import html as lxml_html  # late, as trafilatura: only a page needs it

        tree = lxml_html.document_fromstring(html)
        for element in tree.xpath(_FURNITURE):
            if element.getparent() is not None:
                element.drop_tree()
        found = find_date(tree, extensive_search=False, original_date=True)
    except Exception:  # a date is only a default; a page without one is fine
        return None
    return found if isinstance(found, str) else None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    return " ".join(value.split()) or None
