"""How well candidate spans cover the quotes a person picked from the same text.

A curated quote is found in the article with runs of whitespace (no-break spaces too)
compared as one space, and NFC on both sides. It is **covered** when the candidates'
spans together hold at least :data:`COVERED` of its characters (a quote that runs over
two sentences is covered by the two candidates); it is **contained** when one span holds
all of it. A candidate **hits** when at least half of it, or half of a quote it overlaps,
is that quote. Recall is the share of quotes covered, precision the share of candidates
that hit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["COVERED", "Coverage", "locate", "measure"]

COVERED = 0.75
HIT = 0.5


@dataclass(frozen=True, slots=True)
class Coverage:
    quotes: int
    candidates: int
    covered: int
    contained: int
    hits: int
    missed: tuple[str, ...]
    not_found: tuple[str, ...]  # quotes the text does not hold

    @property
    def recall(self) -> float:
        return self.covered / self.quotes if self.quotes else 1.0

    @property
    def contained_recall(self) -> float:
        return self.contained / self.quotes if self.quotes else 1.0

    @property
    def precision(self) -> float:
        return self.hits / self.candidates if self.candidates else 1.0

    @property
    def per_quote(self) -> float:
        return self.candidates / self.quotes if self.quotes else 0.0


def _squeezed(text: str) -> tuple[str, list[int]]:
    """``text`` with each run of whitespace as one space, and where each character was."""
    chars: list[str] = []
    where: list[int] = []
    for position, char in enumerate(text):
        if char.isspace():
            if chars and chars[-1] == " ":
                continue
            char = " "
        chars.append(char)
        where.append(position)
    return "".join(chars), where


def locate(text: str, quote: str) -> tuple[int, int] | None:
    """The span of ``quote`` in ``text``, whitespace compared loosely; None if absent."""
    squeezed, where = _squeezed(text)
    wanted = re.sub(r"\s+", " ", unicodedata.normalize("NFC", quote)).strip()
    found = squeezed.find(wanted) if wanted else -1
    if found < 0:
        return None
    return where[found], where[found + len(wanted) - 1] + 1


def _overlap(one: tuple[int, int], other: tuple[int, int]) -> int:
    return max(0, min(one[1], other[1]) - max(one[0], other[0]))


def measure(text: str, spans: Sequence[tuple[int, int]], quotes: Sequence[str]) -> Coverage:
    """Recall and precision of candidate ``spans`` of ``text`` against curated ``quotes``
    (``text`` NFC, as the spans were taken from)."""
    located: list[tuple[int, int]] = []
    missed: list[str] = []
    not_found: list[str] = []
    covered = contained = 0
    for quote in quotes:
        span = locate(text, quote)
        if span is None:
            not_found.append(quote)
            continue
        located.append(span)
        inside = [c for c in spans if _overlap(c, span)]
        held: set[int] = set()
        for start, end in inside:
            held.update(range(max(start, span[0]), min(end, span[1])))
        length = span[1] - span[0]
        if any(c[0] <= span[0] and span[1] <= c[1] for c in inside):
            contained += 1
        if len(held) >= COVERED * length:
            covered += 1
        else:
            missed.append(quote)
    hits = sum(
        1
        for c in spans
        if any(_overlap(c, q) >= HIT * min(c[1] - c[0], q[1] - q[0]) for q in located)
    )
    return Coverage(
        quotes=len(quotes),
        candidates=len(spans),
        covered=covered,
        contained=contained,
        hits=hits,
        missed=tuple(missed),
        not_found=tuple(not_found),
    )
