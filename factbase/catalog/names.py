"""The names people give catalogue records: source and claim keys, topic slugs.

Checked here, without a database, so a write path that does not load SQLAlchemy checks
them as the library does.
"""

from __future__ import annotations

import re

from factbase.errors import InvalidInput
from factbase.text.language import normalise_text, within

_SLUG = re.compile(r"^[^\W_][\w-]*$")


def validate_key(key: str) -> str:
    key = within(key.strip(), 200, "key")
    if not key or key.isdigit() or any(ch.isspace() for ch in key):
        raise InvalidInput(f"key {key!r} must be a non-numeric word without spaces")
    return key


def validate_slug(slug: str) -> str:
    slug = normalise_text(slug).lower()
    if not _SLUG.match(slug) or len(slug) > 100:
        raise InvalidInput(f"topic slug {slug!r} must be one lower-case word or words-with-hyphens")
    return slug
