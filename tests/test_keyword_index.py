"""Keywords filed by their first word (factbase.text.language.KeywordIndex) find exactly
what reading every keyword against the text finds, for any keywords and texts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.analysis.occasions import OCCASION_WORDS, occasion_of
from factbase.text.language import (
    KeywordIndex,
    _language_for,
    _lemma,
    _scripts,
    _tokens,
    fold,
    keyword_forms,
)


def every_keyword_read(
    text: str, language: str | None, keywords: Mapping[str, Iterable[str]]
) -> dict[str, str]:
    """The oracle: each slug's keywords in their order, each looked for in the text."""
    tokens = _tokens(text)
    if not tokens:
        return {}
    code = _language_for(text, language)
    options = [{_lemma(token, code), fold(token)} for token in tokens]
    scripts = frozenset().union(*(_scripts(token) for token in tokens))

    def occurs(form: tuple[str, ...]) -> bool:
        return any(
            all(word in options[start + i] for i, word in enumerate(form))
            for start in range(len(options) - len(form) + 1)
        )

    def matches(keyword: str) -> bool:
        return _scripts(keyword) <= scripts and any(
            occurs(form) for form in keyword_forms(keyword, code)
        )

    found = {}
    for slug in sorted(keywords):
        keyword = next(filter(matches, keywords[slug]), None)
        if keyword is not None:
            found[slug] = keyword
    return found


# Words in several forms of each language, so that lemmas, not only spellings, must meet.
WORDS = (  # noqa: SIM905 (lines of words read better than 41 list items)
    "нефть нефти нефтью газ газа трубопровод трубопровода встреча встречи ежегодная "
    "саммит саммите визит визита первый нафта нафтата газът среща срещи годишна "
    "нафти нафтою газу зустріч зустрічі щорічна oil oils pipeline pipelines meeting "
    "meetings annual summit visit first Ёлка елка КТК CPC"
).split()
LANGUAGES = ("en", "ru", "bg", "uk")

keywords_of = st.dictionaries(
    st.sampled_from(("a", "b", "c", "energy", "oil", "once", "recurring")),
    st.lists(
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join),
        min_size=1,
        max_size=6,
    ),
    max_size=5,
)
texts = st.lists(
    st.one_of(st.sampled_from(WORDS), st.sampled_from((",", "-", "«", "»", "2024", "и"))),
    max_size=14,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(keywords_of, st.lists(st.tuples(texts, st.sampled_from(LANGUAGES)), max_size=5))
def test_the_index_finds_what_reading_every_keyword_finds(
    keywords: dict[str, list[str]], cases: list[tuple[str, str]]
) -> None:
    index = KeywordIndex(keywords)  # one index, many texts: as the scan and import use it
    for text, language in cases:
        assert index.matches(text, language) == every_keyword_read(text, language, keywords)


@settings(max_examples=200, deadline=None)
@given(texts, st.sampled_from(LANGUAGES))
def test_the_occasion_words_are_found_as_before(text: str, language: str) -> None:
    found = every_keyword_read(text, language, OCCASION_WORDS)
    expected = "once" if "once" in found else "recurring" if "recurring" in found else None
    if occasion_of(text, language) != "once":  # the one-off stems decide before the words
        assert occasion_of(text, language) == expected


def test_a_slug_names_its_first_keyword_in_the_order_given() -> None:
    index = KeywordIndex({"energy": ["газ", "нефть"], "oil": ["oil", "нефть"]})
    assert index.matches("Нефть и газ", "ru") == {"energy": "газ", "oil": "нефть"}
    assert index.matches("нефти", "ru") == {"energy": "нефть", "oil": "нефть"}
    assert index.matches("", "ru") == {}
    assert not KeywordIndex({})
