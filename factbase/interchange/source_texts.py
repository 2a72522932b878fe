"""Article texts in the interchange format: a source record's ``text`` or ``text_file``.

A record gives its source's text inline (``text``, as `export all` writes it), or as a
file beside the document (``text_file``, relative to the document; a ``.html`` or
``.htm`` file is a saved page and is reduced to its article). ``text_sha256``, when
given, must be the text's hash; given alone, the text is looked for by that hash among
the files of a folder (`factbase seed --texts DIR`, `import --texts DIR`), and a source
whose text is not there keeps none. ``text_extractor`` and ``text_retrieved_at`` come
back from `export all` as they were.

Texts are attached once the run's sources are written and before its claims are, so
every claim's quote is located in the text of its source (factbase.catalog.source_texts).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.catalog.source_texts import attach_text, check_hash
from factbase.catalog.sources import find_source
from factbase.errors import ImportFailed, InvalidInput
from factbase.store.models import SourceText
from factbase.text.articles import (
    PLAIN_TEXT,
    ArticleText,
    article_text,
    read_html_file,
    read_text_file,
    text_sha256,
)
from factbase.text.date_formats import parse_timestamp, stored_timestamp

# The fields of a source record about its text, and how `import` reads each.
TEXT_FIELDS: dict[str, str] = {
    "text": "article",
    "text_file": "str",
    "text_sha256": "str",
    "text_extractor": "str",
    "text_retrieved_at": "str",
}
HTML_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class TextRecord:
    """What a source record says of its text, until its source is written."""

    refs: tuple[str, ...]  # the source's key and URL, as the record names it
    location: str
    text: str | None = None
    file: Path | None = None
    sha256: str | None = None
    extractor: str | None = None
    retrieved_at: str | None = None


def split_text_fields(
    data: dict[str, Any], location: str, folder: Path | None
) -> tuple[dict[str, Any], TextRecord | None]:
    """The record without its text fields, and what they say (None: nothing)."""
    given = {name: data.pop(name) for name in TEXT_FIELDS if name in data}
    if not any(value is not None for value in given.values()):
        return data, None
    refs = tuple(str(data[name]).strip() for name in ("key", "url") if data.get(name))
    if not refs:
        raise ImportFailed(f"{location}: a source with a text needs a key or URL")
    if given.get("text") is not None and given.get("text_file") is not None:
        raise ImportFailed(f"{location}: give text or text_file, not both")
    file = None
    if given.get("text_file") is not None:
        file = Path(str(given["text_file"])).expanduser()
        if not file.is_absolute() and folder is not None:
            file = folder / file
    return data, TextRecord(
        refs=refs,
        location=location,
        text=given.get("text"),
        file=file,
        sha256=given.get("text_sha256"),
        extractor=given.get("text_extractor"),
        retrieved_at=given.get("text_retrieved_at"),
    )


class TextFolder:
    """The files of a folder by the SHA-256 of their text (``seed --texts DIR``)."""

    def __init__(self, folder: Path) -> None:
        if not folder.is_dir():
            raise InvalidInput(f"{folder}: not a folder")
        self.by_hash: dict[str, Path] = {}
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                try:
                    self.by_hash.setdefault(text_sha256(path.read_bytes().decode("utf-8")), path)
                except (OSError, UnicodeDecodeError):
                    continue  # not a text: no source's

    def find(self, sha256: str) -> Path | None:
        return self.by_hash.get(sha256.strip().lower())


def _article(record: TextRecord, texts: TextFolder | None) -> ArticleText | None:
    if record.text is not None:
        return article_text(record.text, record.extractor or PLAIN_TEXT)
    file = record.file
    if file is None and record.sha256 and texts is not None:
        file = texts.find(record.sha256)
    if file is None:
        return None
    if file.suffix.lower() in HTML_SUFFIXES:
        return read_html_file(file)
    return read_text_file(file)


def attach_texts(
    session: Session, records: list[TextRecord], texts: TextFolder | None
) -> tuple[int, list[str]]:
    """Attach the texts ``records`` give to their (written) sources; the number attached
    or changed, and a warning for each text only named by a hash that was not found."""
    attached = 0
    missing: list[str] = []
    for record in records:
        try:
            article = _article(record, texts)
            if article is None:
                if record.sha256 and texts is not None:
                    missing.append(f"{record.location}: no file in the texts folder has its text")
                continue
            check_hash(article, record.sha256)
        except InvalidInput as exc:
            raise ImportFailed(f"{record.location}: text: {exc.message}") from None
        source = next(
            (found for ref in record.refs if (found := find_source(session, ref)) is not None),
            None,
        )
        if source is None:  # pragma: no cover - the writer has just written it
            raise ImportFailed(f"{record.location}: the source is not there")
        when = None
        if record.retrieved_at:
            try:
                when = parse_timestamp(record.retrieved_at)
            except InvalidInput as exc:
                raise ImportFailed(f"{record.location}: text_retrieved_at: {exc.message}") from None
        if attach_text(session, source, article, retrieved_at=when).changed:
            attached += 1
    return attached, missing


def text_fields(session: Session, source_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The text fields `export all` writes for each of ``source_ids`` that has a text."""
    found: dict[int, dict[str, Any]] = {}
    query = select(SourceText).where(SourceText.source_id.in_(source_ids))
    for stored in session.scalars(query):
        found[stored.source_id] = {
            "text": stored.text,
            "text_sha256": stored.sha256,
            "text_extractor": stored.extractor,
            "text_retrieved_at": stored_timestamp(stored.retrieved_at),
        }
    return found
