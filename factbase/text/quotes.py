"""Where a claim's quote stands in its article's text.

A quote is looked for in the text as the article was received, and the span found is
given in that text's characters (Python string indices, ``text[start:end]``):

1. ``exact``: the quote occurs as it is, once both are in Unicode NFC (NFC changes no
   character a reader sees; quotes are stored in NFC already).
2. ``normalised``: the quote occurs once both are read with these equivalences, and only
   these:

   - whitespace: any run of spaces, tabs, line breaks, no-break spaces (U+00A0, U+202F,
     U+2007), thin and other Unicode spaces counts as one space;
   - typographic quotation marks (« » „ “ ” ‟ ″ and ' ‘ ’ ‚ ‛ ‹ › ′) count as the straight
     ones, double as ``"`` and single as ``'``;
   - dashes and hyphens (‐ ‑ ‒ – — ― − ⸺ ⸻) count as ``-``;
   - soft hyphens (U+00AD), zero-width spaces and joiners (U+200B, U+200C, U+200D,
     U+2060, U+FEFF) are not there at all;
   - letter case only when asked (``ignore_case=True``): then both are case-folded.

   Nothing else is equated: ё is not е, punctuation other than quotation marks and
   dashes stays, a word's letters are never changed.
3. ``not-found``: neither finds it. ``no-text``: the source has no text to look in.

The first occurrence is taken. The span of a normalised match starts at the first
character of the text that the quote's first character matched and ends after the
last one, so ``text[start:end]`` is the passage as the article wrote it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from factbase.vocabulary import QUOTE_EXACT, QUOTE_NO_TEXT, QUOTE_NORMALISED, QUOTE_NOT_FOUND

# Characters read as one space (besides str.isspace(), which covers the Unicode spaces).
_SPACES = frozenset("\u00a0\u202f\u2007\u2009\u200a\u3000")
_DOUBLE_QUOTES = frozenset("«»„“”‟″〝〞＂")
_SINGLE_QUOTES = frozenset("‘’‚‛‹›′＇")
_DASHES = frozenset("‐‑‒–—―−⸺⸻﹘﹣－")
_INVISIBLE = frozenset("\u00ad\u200b\u200c\u200d\u2060\ufeff")


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """How a quote was found: the span in the text (None unless found) and the mode."""

    start: int | None
    end: int | None
    mode: str

    @property
    def found(self) -> bool:
        return self.start is not None


def _nfc_units(text: str) -> tuple[str, list[int]]:
    """``text`` in NFC and, for each of its characters, the index in ``text`` where the
    character it came from starts (plus one entry for the end).

    NFC composes a starter with the combining marks after it, so the text is normalised
    one such cluster at a time and each cluster's characters point at its start.
    """
    if unicodedata.is_normalized("NFC", text):
        return text, list(range(len(text) + 1))
    chars: list[str] = []
    origin: list[int] = []
    start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and unicodedata.combining(text[index]):
            continue
        cluster = unicodedata.normalize("NFC", text[start:index])
        chars.append(cluster)
        origin.extend([start] * len(cluster))
        start = index
    origin.append(len(text))
    return "".join(chars), origin


def _folded(char: str, ignore_case: bool) -> str:
    if char in _DOUBLE_QUOTES:
        return '"'
    if char in _SINGLE_QUOTES:
        return "'"
    if char in _DASHES:
        return "-"
    return char.casefold() if ignore_case else char


def normalise_for_matching(text: str, *, ignore_case: bool = False) -> str:
    """``text`` as the ``normalised`` mode compares it (see the module docstring)."""
    return _normalised(text, ignore_case)[0].strip(" ")


def _normalised(text: str, ignore_case: bool) -> tuple[str, list[int], list[int]]:
    """The normalised text and, for each of its characters, where the passage it stands
    for starts and ends in ``text``."""
    nfc, origin = _nfc_units(text)
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(nfc):
        if char in _INVISIBLE:
            continue
        if char.isspace() or char in _SPACES:
            if chars and chars[-1] == " ":
                ends[-1] = origin[index + 1]  # a run of spaces is one
                continue
            folded = " "
        else:
            folded = _folded(char, ignore_case)
        for part in folded:  # case folding may give more than one character (ß -> ss)
            chars.append(part)
            starts.append(origin[index])
            ends.append(origin[index + 1])
    return "".join(chars), starts, ends


def locate_quote(text: str | None, quote: str, *, ignore_case: bool = False) -> QuoteMatch:
    """Where ``quote`` is in ``text``: its span in ``text`` and how it matched."""
    if text is None:
        return QuoteMatch(None, None, QUOTE_NO_TEXT)
    wanted = quote.strip()
    if not wanted:
        return QuoteMatch(None, None, QUOTE_NOT_FOUND)
    at = text.find(wanted)
    if at >= 0:
        return QuoteMatch(at, at + len(wanted), QUOTE_EXACT)
    nfc_text, origin = _nfc_units(text)
    nfc_quote = unicodedata.normalize("NFC", wanted)
    at = nfc_text.find(nfc_quote)
    if at >= 0:
        return QuoteMatch(origin[at], origin[at + len(nfc_quote)], QUOTE_EXACT)
    haystack, starts, ends = _normalised(text, ignore_case)
    needle = normalise_for_matching(wanted, ignore_case=ignore_case)
    at = haystack.find(needle) if needle else -1
    if at < 0:
        return QuoteMatch(None, None, QUOTE_NOT_FOUND)
    return QuoteMatch(starts[at], ends[at + len(needle) - 1], QUOTE_NORMALISED)


@dataclass(frozen=True, slots=True)
class QuoteContext:
    """A quote with a little of the article around it, for a reviewer to read."""

    before: str
    quote: str
    after: str


def quote_context(text: str, start: int, end: int, *, width: int = 80) -> QuoteContext:
    """The passage ``text[start:end]`` with up to ``width`` characters either side, cut at
    a word where one is near and marked with ``…`` where the text goes on; runs of
    whitespace (line breaks too) shown as one space."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if start > width:
        space = before.find(" ")
        before = "…" + (before[space + 1 :] if 0 <= space < width // 3 else before)
    if end + width < len(text):
        space = after.rfind(" ")
        after = (after[:space] if space > width * 2 // 3 else after) + "…"
    return QuoteContext(_one_line(before), _one_line(text[start:end]), _one_line(after))


def _one_line(text: str) -> str:
    # Keep a space at either end: it separates the passage from the quote.
    squeezed = " ".join(text.split())
    lead = " " if text[:1].isspace() and squeezed else ""
    trail = " " if text[-1:].isspace() and squeezed else ""
    return f"{lead}{squeezed}{trail}"
