"""Web addresses as JSON-LD processors accept them: checked and percent-encoded (pure).

A source's URL becomes the `url` of a ClaimReview's appearance, and a verdict's evidence
may be one; a processor drops an IRI with a space or a bracket in it without a word.
:func:`normalise_url` makes such an address valid where it can (RFC 3987: characters that
may not stand in an IRI are percent-encoded as UTF-8; letters of any script stay, so a
Cyrillic path is kept readable) and refuses one that names no web resource.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit, urlunsplit

from factbase.errors import InvalidValue

SCHEMES = ("http", "https")
# Kept as they are in each part: the reserved characters of RFC 3986 and a `%` that
# already starts an escape. Any other ASCII character that may not appear is encoded.
_SAFE = {
    "path": "/:@!$&'()*+,;=-._~",
    "query": "/?:@!$&'()*+,;=-._~",
    "fragment": "/?:@!$&'()*+,;=-._~#",
}
_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^[^\s/?#@\[\]<>\"{}|\\^`%]+$")


def normalise_url(url: str) -> str:
    """``url`` trimmed, its scheme lower-cased and every character an IRI may not
    hold percent-encoded; InvalidValue when it is not an http(s) address with a host."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidValue(f"URL {url!r} is not a valid web address: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InvalidValue(f"URL {url!r} must start with http:// or https://")
    host = parts.hostname or ""
    if not host or not _HOST.match(host) or ".." in host:
        raise InvalidValue(f"URL {url!r} has no valid host")
    del port  # read for its check: a port that is not a number is refused above
    return urlunsplit(
        (
            scheme,
            parts.netloc,
            _encoded(parts.path, "path"),
            _encoded(parts.query, "query"),
            _encoded(parts.fragment, "fragment"),
        )
    )


def _encoded(part: str, kind: str) -> str:
    """``part`` with what an IRI may not hold percent-encoded; existing escapes kept, a
    stray ``%`` encoded, letters beyond ASCII (ucschar) kept."""
    part = _ESCAPE.sub("%25", part)
    return "".join(
        char if ord(char) > 0x9F and char.isprintable() else quote(char, safe=_SAFE[kind] + "%")
        for char in part
    )
