"""Whether a dated claim reports something that happens once or again and again.

A `date` conflict says two reports give different dates for the same occurrence. Meetings,
visits, talks and calls recur: "Tokayev met Xi Jinping in September 2022" and "... on
3 July 2024" are two meetings, not a contradiction. A signing, a founding, an election, an
appointment, a court order, or anything called the first or the last, happens once.

A claim's property and statement are read word by word, as lemmas of the claim's language
(``factbase.text.language.match_keywords``), against the words below; ordinals, which
inflect in every case and gender, are matched by their stems. One-off wording wins over a
recurring relation in the same claim: "the first meeting" is one occasion.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from factbase.text.dates import PartialDate
from factbase.text.language import KeywordIndex, fold

Occasion = Literal["recurring", "once"]

# Dates of one recurring relation at most this many days apart are one occasion reported
# differently (a meeting on 14 or 16 September; a day's slip, a time zone, a misprint);
# further apart they are two occasions.
SAME_OCCASION_DAYS = 7

# Lemmas (or folded words) per class, in en, ru, bg and uk. Phrases match word by word.
OCCASION_WORDS: dict[str, tuple[str, ...]] = {
    "recurring": (
        # en
        "meet", "meeting", "met", "visit", "talks", "talk", "call", "phone call",
        # ru
        "встреча", "встретиться", "встречаться", "визит", "переговоры", "разговор", "звонок",
        # bg
        "среща", "срещна", "срещнаха", "срещам", "посещение", "визита", "визит", "разговор",
        "разговори", "преговори",
        # uk
        "зустріч", "зустрітися", "зустрічатися", "візит", "переговори", "розмова", "дзвінок",
    ),
    "once": (
        # en
        "inaugural", "signing", "sign", "founding", "foundation", "election", "elect",
        "appointment", "appoint", "court order", "ruling",
        # ru
        "подписание", "подписать", "основание", "учреждение", "выборы", "избрать",
        "назначение", "назначить", "решение суда", "постановление суда",
        # bg
        "подписване", "подписвам", "подписа", "основаване", "избори", "избор", "избран",
        "назначаване", "назначен", "съдебно решение", "решение на съда",
        # uk
        "підписання", "підписати", "заснування", "вибори", "обрати", "обраний",
        "призначення", "призначити", "призначений", "рішення суду",
    ),
}  # fmt: skip
# English words, and folded Cyrillic word stems, that make a claim one-off: first, last
# (and "for the first time").
ONCE_WORDS = frozenset({"first", "last"})
ONCE_STEMS = (
    "перв", "вперв", "последн",  # ru
    "първ", "пръв", "последн",  # bg
    "перш", "вперш", "останн",  # uk
)  # fmt: skip


# Filed once: the scan asks of thousands of claims' wordings.
_OCCASION_INDEX = KeywordIndex(OCCASION_WORDS)
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_PUNCTUATION = ".,;:!?\"'()«»“”„"


@lru_cache(maxsize=65536)
def occasion_of(text: str, language: str | None) -> Occasion | None:
    """ "once", "recurring", or None when the wording says neither.

    A claim of no stated language is read as Russian when it has Cyrillic letters, else as
    English: a conflict check never waits for language detection to load its models.
    """
    if not language:
        language = "ru" if _CYRILLIC.search(text) else "en"
    words = [word.strip(_PUNCTUATION) for word in fold(text).replace("-", " ").split()]
    if any(word in ONCE_WORDS or word.startswith(ONCE_STEMS) for word in words):
        return "once"
    found = _OCCASION_INDEX.matches(text, language)
    if "once" in found:
        return "once"
    return "recurring" if "recurring" in found else None


def days_apart(a: PartialDate, b: PartialDate) -> int:
    """Days between two periods: 0 when they share a day."""
    return max(0, (b.start - a.end).days, (a.start - b.end).days)


def same_occurrence(
    a: PartialDate,
    occasion_a: Occasion | None,
    b: PartialDate,
    occasion_b: Occasion | None,
    *,
    once_given: bool = False,
) -> bool:
    """Whether two dated reports must speak of one occurrence.

    When a person marked either of them as happening once (``once_given``: `--once`),
    they do, whatever the other's wording says: that is the person's word on the
    property. Otherwise, unless one of them reports a recurring relation (and nothing
    one-off), they do too: an event is taken to happen once. Of a recurring relation,
    dates at most :data:`SAME_OCCASION_DAYS` apart are one occasion; further apart, two.
    """
    if once_given or "recurring" not in (occasion_a, occasion_b):
        return True
    return days_apart(a, b) <= SAME_OCCASION_DAYS
