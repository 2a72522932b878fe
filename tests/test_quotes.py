"""Locating a claim's quote in its article's text (factbase.text.quotes)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from factbase.text.quotes import locate_quote, normalise_for_matching, quote_context
from factbase.vocabulary import QUOTE_MATCHES

ARTICLE = (
    "Казахстан обяви стратегическо сътрудничество.\n\n"
    "Около\u00a080% экспорта казахстанской нефти проходит через КТК — "
    "«главный маршрут», сказал министр.\n"
    "Pipe\u00adline capacity is 67\u202fmillion tonnes – up from 2022's figure."
)


def span(quote: str, text: str = ARTICLE, **options: bool) -> tuple[str, str]:
    found = locate_quote(text, quote, **options)
    assert found.mode in QUOTE_MATCHES
    assert found.start is not None and found.end is not None, found
    return found.mode, text[found.start : found.end]


def test_a_quote_as_written_matches_exactly() -> None:
    assert span("экспорта казахстанской нефти") == ("exact", "экспорта казахстанской нефти")
    assert span("Около\u00a080%") == ("exact", "Около\u00a080%")


def test_an_ordinary_space_for_a_no_break_space_matches_normalised() -> None:
    assert span("Около 80% экспорта") == ("normalised", "Около\u00a080% экспорта")
    assert span("67 million") == ("normalised", "67\u202fmillion")


def test_line_breaks_and_space_runs_are_one_space() -> None:
    mode, passage = span("сътрудничество. Около  80%")
    assert mode == "normalised" and passage == "сътрудничество.\n\nОколо\u00a080%"


def test_typographic_quotes_and_dashes_match_straight_ones() -> None:
    mode, passage = span('через КТК - "главный маршрут"')
    assert mode == "normalised" and passage == "через КТК — «главный маршрут»"
    assert span("67 million tonnes - up from 2022's")[0] == "normalised"


def test_soft_hyphens_are_not_there() -> None:
    assert span("Pipeline capacity") == ("normalised", "Pipe\u00adline capacity")


def test_case_matters_unless_asked() -> None:
    assert locate_quote(ARTICLE, "ОКОЛО 80%").mode == "not-found"
    assert span("ОКОЛО 80% ЭКСПОРТА", ignore_case=True) == ("normalised", "Около\u00a080% экспорта")


def test_decomposed_text_matches_exactly_in_nfc() -> None:
    text = "Он сказал: \u0438\u0306дем дальше."  # й written as и + breve
    mode, passage = span("йдем дальше", text)
    assert mode == "exact" and unicodedata.normalize("NFC", passage) == "йдем дальше"


def test_words_that_differ_are_not_found_and_no_text_is_no_text() -> None:
    assert locate_quote(ARTICLE, "около 90% экспорта").mode == "not-found"
    assert locate_quote(ARTICLE, "Казахстан объявил").mode == "not-found"  # letters differ
    assert locate_quote(None, "Около 80%").mode == "no-text"
    found = locate_quote(None, "x")
    assert found.start is None and found.end is None and not found.found


def test_the_first_occurrence_is_taken() -> None:
    found = locate_quote("нефть, нефть", "нефть")
    assert (found.start, found.end) == (0, 5)


def test_context_shows_the_text_around_the_quote() -> None:
    found = locate_quote(ARTICLE, "главный маршрут")
    assert found.start is not None and found.end is not None
    context = quote_context(ARTICLE, found.start, found.end, width=20)
    assert context.quote == "главный маршрут"
    assert context.before.startswith("…") and context.before.endswith("«")
    assert context.after.startswith("»") and context.after.endswith("…")
    assert "\n" not in context.before + context.after
    whole = quote_context("Да, «нефть».", 5, 10)
    assert (whole.before, whole.quote, whole.after) == ("Да, «", "нефть", "».")


WORDS = st.text(
    alphabet=st.sampled_from("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВКТ80%,.-–—«»\"' abcXYZ"),
    min_size=1,
    max_size=12,
)
SEPARATORS = st.sampled_from([" ", "\u00a0", "\u202f", "  ", "\n", " \n "])


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(WORDS, min_size=3, max_size=30),
    seps=st.lists(SEPARATORS, min_size=30, max_size=30),
    cut=st.tuples(st.integers(0, 29), st.integers(1, 10)),
    variants=st.lists(st.sampled_from([" ", "\u00a0", "\u00ad", "", "–", "-", "—"]), max_size=8),
)
def test_a_quote_cut_from_a_text_and_varied_is_found(
    words: list[str], seps: list[str], cut: tuple[int, int], variants: list[str]
) -> None:
    text = "".join(word + sep for word, sep in zip(words, seps, strict=False))
    first, count = cut
    assume(first < len(words))
    quote_words = words[first : first + count]
    # The quote is written with ordinary spaces and its own dashes, as a person types it.
    quote = " ".join(quote_words)
    for variant in variants:
        quote = quote.replace("-", variant if variant in "–—-" and variant else "-", 1)
    assume(normalise_for_matching(quote))
    found = locate_quote(text, quote)
    assert found.mode in ("exact", "normalised")
    assert found.start is not None and found.end is not None
    passage = text[found.start : found.end]
    assert normalise_for_matching(passage) == normalise_for_matching(quote)
    if found.mode == "exact":
        assert passage == quote.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.text(max_size=20))
def test_a_span_found_always_maps_back_into_the_text(text: str, quote: str) -> None:
    found = locate_quote(text, quote)
    if found.found:
        assert found.start is not None and found.end is not None
        assert 0 <= found.start <= found.end <= len(text)
        passage = text[found.start : found.end]
        assert normalise_for_matching(passage) == normalise_for_matching(quote)
    else:
        assert found.mode == "not-found"


@pytest.mark.parametrize("quote", ["", "   ", "\n\u00a0"])
def test_an_empty_quote_is_not_found(quote: str) -> None:
    assert locate_quote(ARTICLE, quote).mode == "not-found"
