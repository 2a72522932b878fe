"""Sentences of an article in en/ru/bg/uk, as character spans of the text.

A sentence ends at ".", "!", "?" or "…" (and the closing quotes or brackets after it) when
whitespace and the start of a new sentence follow: a capital letter, a digit, an opening
quote or a dash. It never ends

* after an initial or an abbreviation: "В. Путин", "J. Smith", "т. е.", "проф. Иванов",
  "г-н", "Mr. Smith", "напр.";
* inside a number: "1,5", "2.75", "12.03.2022";
* inside a quotation that closes on the same line: «… региона. Теперь это меняется», —
  пишет WSJ is one sentence, with its attribution.

A line break always ends a sentence, except before a line that starts with a dash and a
lower-case word: "…Казахстаном.\\n – розповів політолог" is the quotation and who said it.
Spans are (start, end) with ``text[start:end]`` the sentence, without the whitespace around
it; they are in order and never overlap.
"""

from __future__ import annotations

import re

__all__ = ["ABBREVIATIONS", "sentence_spans"]

# Words after which a full stop is not the end of a sentence (compared case-folded).
ABBREVIATIONS = frozenset(
    {
        # en
        "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr", "gen", "col", "lt", "sen", "rep",
        "gov", "no", "vs", "etc", "e.g", "i.e", "approx", "inc", "ltd", "co", "corp", "u.s",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        # ru
        "г", "гг", "т", "т.е", "т.д", "т.п", "т.к", "др", "пр", "см", "ср", "им", "ул", "д",
        "проф", "акад", "ген", "полк", "канд", "тыс", "млн", "млрд", "трлн", "руб", "долл",
        "коп", "ст", "стр", "гос", "обл", "р-н", "с", "ок", "прим", "ред", "англ", "рус",
        # bg
        "напр", "вкл", "т.нар", "хил", "лв", "бел", "вж", "сл", "н.е", "пр.н.е", "чл", "ал",
        # uk
        "тис", "грн", "р", "рр", "ін", "див", "вул", "м",
    }
)  # fmt: skip

_TERMINATORS = ".!?…"
_CLOSERS = "»“”\"')]’"
# The end of a sentence: terminators, closing quotes or brackets, then whitespace.
_END = re.compile(rf"[{_TERMINATORS}]+[{re.escape(_CLOSERS)}]*(?=\s)")
# What a new sentence may start with.
_OPENING = re.compile(r"[\W_]*?(?:[^\W\d_]|\d)", re.UNICODE)
_OPENERS = frozenset("«„“\"'(–—-•*")
# The word before a full stop: letters with inner dots or hyphens ("т.е", "р-н", "U.S").
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:[.-][^\W\d_]+)*)$")
# Quotations closed on the same line; a terminator inside one ends no sentence.
_QUOTATIONS = re.compile(r"«[^«»\n]*»|„[^„“”\n]*[“”]|“[^“”„\n]*”|\"[^\"\n]*\"")
_CONTINUATION = re.compile(r"[ \t\u00a0]*[–—-][ \t\u00a0]+[^\W\d_]")
_MAX_QUOTATION = 1000  # a longer "quotation" is more likely two stray marks than one quote


def _quoted(line: str) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end())
        for m in _QUOTATIONS.finditer(line)
        if m.end() - m.start() <= _MAX_QUOTATION
    ]


def _starts_sentence(rest: str) -> bool:
    """Whether the text after a terminator and its whitespace begins a new sentence."""
    if not rest:
        return True
    if rest[0] in _OPENERS:
        return True
    match = _OPENING.match(rest)
    if match is None:
        return False
    first = match.group()[-1]
    return first.isdigit() or first.isupper()


def _is_abbreviation(before: str) -> bool:
    """Whether the full stop right after ``before`` belongs to an initial or abbreviation."""
    match = _WORD_BEFORE.search(before)
    if match is None:
        return False
    word = match.group(1)
    if len(word) == 1 and word.isupper():  # an initial: "В. Путин", "J. Smith"
        return True
    return word.casefold() in ABBREVIATIONS


def _line_ends(line: str) -> list[int]:
    """Offsets in ``line`` just after each sentence end inside it."""
    quoted = _quoted(line)
    ends = []
    for match in _END.finditer(line):
        end = match.end()
        if any(start < match.start() and end < stop for start, stop in quoted):
            continue
        single_stop = match.group().rstrip(_CLOSERS) == "."
        if single_stop and _is_abbreviation(line[: match.start()]):
            continue
        rest = line[end:]
        if "\n" in rest[: len(rest) - len(rest.lstrip())] or "\r" in rest[:2]:
            continue  # a continuation line joined to this one: "…. \n – розповів"
        if _starts_sentence(rest.lstrip()):
            ends.append(end)
    return ends


def _lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text``, a continuation line joined to the line before."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r"\r\n|\n|\r|\u2028|\u2029", text):
        spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(text)))
    joined: list[tuple[int, int]] = []
    for begin, stop in spans:
        line = text[begin:stop]
        if joined and line.strip() and _CONTINUATION.match(line) and _has_words(joined[-1], text):
            joined[-1] = (joined[-1][0], stop)
        else:
            joined.append((begin, stop))
    return joined


def _has_words(span: tuple[int, int], text: str) -> bool:
    return any(c.isalpha() for c in text[span[0] : span[1]])


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """The sentences of ``text`` as (start, end) offsets, in order. Never raises on text."""
    spans: list[tuple[int, int]] = []
    for line_start, line_end in _lines(text):
        line = text[line_start:line_end]
        start = 0
        for end in [*_line_ends(line), len(line)]:
            span = _trimmed(text, line_start + start, line_start + end)
            if span is not None:
                spans.append(span)
            start = end
    return spans
