"""When two claims are one: the same words from the same source, however they were typed.

:func:`duplicate_key` folds what varies between two people typing one sentence (case,
ё/е, runs of whitespace, the many quotation marks and dashes of three alphabets), so
`add` and `import` can see a claim recorded twice before it is, and `factbase duplicates`
can find those already recorded.
"""

from __future__ import annotations

import re

from factbase.text.language import fold

# Quotation marks of English, Russian, Ukrainian and Bulgarian typing, and apostrophes.
_QUOTE_MARKS = re.compile(
    "[\"'`\u00ab\u00bb\u201e\u201c\u201d\u201f\u2018\u2019\u201a\u201b\u2039\u203a\u02bc]"
)
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def duplicate_key(text: str | None) -> str | None:
    """``text`` folded for comparing claims; None when nothing is left to compare."""
    if not text:
        return None
    folded = _QUOTE_MARKS.sub("", fold(text))
    folded = _DASHES.sub("-", folded)
    folded = _SPACE.sub(" ", folded).strip().rstrip(".!?…").strip()
    return folded or None
