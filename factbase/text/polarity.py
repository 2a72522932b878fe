"""Whether a claim's wording denies what it is about, in en/ru/bg/uk.

A claim recorded without a polarity gets one from its words: a negation ("not",
"never", "не", "нет", "ні", "не е", "не є") or a verb of refusal or denial ("refused
to", "denied", "отказался", "отказа", "відмовився", "заперечує") makes it ``denied``.
Two negations that cancel ("not unlikely", "not without", "не без", "не мог не", "не
можеше да не") and "not only" ("не только", "не само", "не лише") do not. It is a
suggestion, stored as one: a polarity a person gives always wins.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["NEGATIONS", "denial_word", "infer_polarity", "resolve_polarity"]

# Words that negate by themselves, in any of the four languages.
NEGATIONS = frozenset(
    {
        # en ("n't" is read off the end of a word)
        "not", "never", "cannot", "neither", "nor", "nobody", "nothing", "none",
        # ru
        "не", "нет", "никогда", "ни", "нельзя",
        # bg
        "няма", "никога", "нито",
        # uk
        "ні", "немає", "нема", "ніколи", "ані",
    }
)  # fmt: skip
# Verbs of refusal and denial, by how their forms begin.
_REFUSALS = re.compile(
    r"^(?:refus|deni|deny|reject|"  # en: refused, denies, denying, rejected
    r"отказ|отрица|отрича|отрека|отрекъ|опроверг|отверг|отвергн|отхвърл|"  # ru, bg
    r"відмов|заперечу|заперечи|заперечл|спростов|спросту|відкину|відкида)"  # uk
)
# After a negation, these words make "not only X but Y" or a bound ("не менее 4 тысяч",
# "not less than", "не більше"): nothing is denied.
_ONLY = frozenset(
    {"only", "just", "merely", "только", "лишь", "само", "лише", "тільки",
     "less", "more", "fewer", "менее", "более", "меньше", "больше", "раньше", "позднее",
     "по-малко", "повече", "по-рано", "по-късно", "менше", "більше", "пізніше", "раніше"}
)  # fmt: skip
# After a negation, these undo it: "not unlikely", "not without", "не без".
_CANCELS = frozenset(
    {
        "without", "unlikely", "unusual", "uncommon", "unknown", "unreasonable",
        "unimportant", "unexpected", "unfounded", "unrelated", "unimaginable",
        "impossible", "improbable", "insignificant", "infrequent", "irrelevant",
        "без", "безосновательно", "невозможно", "исключено", "неважно",
        "невъзможно", "изключено", "неможливо", "виключено",
    }
)  # fmt: skip
# A copula between a negation and what undoes it: "не е без", "не є без", "не был без".
_COPULAS = frozenset(
    {"е", "са", "бе", "беше", "бил", "била", "є", "був", "була", "було", "були",
     "был", "была", "было", "были", "be", "been"}
)  # fmt: skip
# After a negation these stems undo it too: "not ruled out", "не исключены", and a verb
# of refusal or denial ("не отказываясь", "did not deny").
_CANCEL_STEMS = re.compile(r"^(?:исключ|изключ|виключ|excluded|ruled)")
# "не мог не", "не можеше да не", "не міг не": "не", a modal (with "да", "бы") and "не"
# again cancel each other. Other repeated negations ("никогда … не") agree, as negation
# does in these languages, and still deny.
_CANCEL_WINDOW = 3
_PARTICLES = frozenset({"не", "not"})
_MODAL = re.compile(r"^(?:мо[гжч]|міг|мож|да|бы|би|could|can)")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")  # "по-малко", "didn't" are words


def _words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    words: list[str] = []
    for word in _WORD.findall(folded):
        word = word.replace("’", "'")
        if word.endswith("n't"):  # "didn't", "can't", "won't"
            words.extend((word[:-3] or "n", "not"))
        else:
            words.append(word)
    return words


def _is_negation(word: str) -> bool:
    return word in NEGATIONS or bool(_REFUSALS.match(word))


def _undoes(word: str) -> bool:
    """Whether ``word``, right after a negation, undoes it."""
    return (
        word in _ONLY
        or word in _CANCELS
        or bool(_CANCEL_STEMS.match(word))
        or bool(_REFUSALS.match(word))
    )


def _cancelling(word: str, after: list[str]) -> int | None:
    """Where in ``after`` the "не" is that cancels ``word`` across modals, if any."""
    if word not in _PARTICLES:
        return None
    for position, later in enumerate(after):
        if later in _PARTICLES:
            return position if position > 0 else None
        if not _MODAL.match(later):
            return None
    return None


def denial_word(text: str | None) -> str | None:
    """The first word of ``text`` that denies, or None: "not" in "not only", the two of
    "не мог не" and "not unlikely" and so on are passed over. Never raises on text."""
    if not isinstance(text, str) or not text.strip():
        return None
    words = _words(text)
    skip: set[int] = set()
    for index, word in enumerate(words):
        if index in skip or not _is_negation(word):
            continue
        after = words[index + 1 : index + 1 + _CANCEL_WINDOW]
        if word in NEGATIONS and after:
            lead = next((i for i, later in enumerate(after) if later not in _COPULAS), None)
            if lead is not None and _undoes(after[lead]):
                skip.add(index + 1 + lead)
                continue
            second = _cancelling(word, after)
            if second is not None:  # "не мог не", "не можеше да не": a double negation
                skip.add(index + 1 + second)
                continue
        return word
    return None


def infer_polarity(statement: str | None, quote: str | None = None) -> str | None:
    """``"denied"`` when the statement or the quote denies, else None (nothing to say:
    a claim affirms by default)."""
    if denial_word(statement) or denial_word(quote):
        return "denied"
    return None


def resolve_polarity(
    given: str | None, statement: str | None, quote: str | None = None
) -> tuple[str, bool]:
    """The polarity to store and whether it was suggested from the wording: the one
    given always wins; without one, a denial in the words suggests ``denied``, and
    otherwise the claim affirms (not a suggestion: it is the default)."""
    if given:
        return given, False
    inferred = infer_polarity(statement, quote)
    if inferred is not None:
        return inferred, True
    return "affirmed", False
