"""A claim's polarity read from its wording, when no one gave it (factbase.text.polarity)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.text.polarity import denial_word, infer_polarity, resolve_polarity
from factbase.vocabulary import POLARITIES

# (text that denies, the word that does) and its twin that does not deny.
DENIALS = [
    # en
    ("Kazakhstan is not moving away from Russia.", "not",
     "Kazakhstan is moving away from Russia."),
    ("Astana never recognised Crimea as Russian.", "never",
     "Astana recognised Crimea as Russian."),
    ("Tokayev refused to recognise the republics.", "refused",
     "Tokayev agreed to recognise the republics."),
    ("The ministry denied the report.", "denied", "The ministry confirmed the report."),
    ("Kazakhstan doesn't enforce the sanctions.", "not", "Kazakhstan enforces the sanctions."),
    # ru
    ("Казахстан не отдаляется от России.", "не", "Казахстан отдаляется от России."),
    ("Планов выхода из ОДКБ нет.", "нет", "Планы выхода из ОДКБ есть."),
    ("Токаев отказался признать ДНР.", "отказался", "Токаев согласился признать ДНР."),
    ("МИД отрицает эти сведения.", "отрицает", "МИД подтверждает эти сведения."),
    ("Астана никогда не признавала Крым.", "никогда", "Астана признавала Крым."),
    # bg
    ("Казахстан не е съюзник на Русия.", "не", "Казахстан е съюзник на Русия."),
    ("Токаев отказа да признае републиките.", "отказа", "Токаев прие да признае републиките."),
    ("Няма данни за износ.", "няма", "Има данни за износ."),
    ("Министерството отрича доклада.", "отрича", "Министерството потвърждава доклада."),
    # uk
    ("Казахстан не є союзником Росії.", "не", "Казахстан є союзником Росії."),
    ("Токаєв відмовився визнати республіки.", "відмовився", "Токаєв погодився визнати республіки."),
    ("Доказів немає.", "немає", "Докази є."),
    ("МЗС заперечує ці дані.", "заперечує", "МЗС підтверджує ці дані."),
]  # fmt: skip

# Negations that do not deny: double negation and "not only", with a twin that does.
NOT_DENIALS = [
    # en
    ("A deal is not unlikely.", "A deal is not likely."),
    ("The move was not without risk.", "The move was not risky."),
    ("Kazakhstan sells not only oil but gas.", "Kazakhstan sells not oil but gas."),
    ("It is not just about oil.", "It is not about oil."),
    ("New pipelines are not ruled out.", "New pipelines are not planned."),
    ("The ministry did not deny the report.", "The ministry did not confirm the report."),
    ("Not less than 4,000 firms were created.", "Not 4,000 firms were created."),
    # ru
    ("Он не мог не признать этого.", "Он не признал этого."),
    ("Это решение не без оснований.", "Это решение не обосновано."),
    ("Казахстан продаёт не только нефть.", "Казахстан не продаёт нефть."),
    ("Создано не менее 4 тысяч фирм.", "Создано не 4 тысячи фирм."),
    ("Не исключены новые проекты.", "Не планируются новые проекты."),
    ("Не отказываясь от российской энергии.", "Не получая российской энергии."),
    # bg
    ("Той не можеше да не признае това.", "Той не призна това."),
    ("Казахстан продава не само петрол.", "Казахстан не продава петрол."),
    ("Решението не е без основание.", "Решението не е основателно."),
    ("Създадени са не по-малко от 4000 фирми.", "Не са създадени 4000 фирми."),
    ("Не са изключени нови проекти.", "Не са планирани нови проекти."),
    # uk
    ("Він не міг не визнати цього.", "Він не визнав цього."),
    ("Казахстан продає не лише нафту.", "Казахстан не продає нафту."),
    ("Казахстан продає не тільки нафту.", "Казахстан не продає нафти."),
    ("Це рішення не без підстав.", "Це рішення не має підстав."),
    ("Створено не менше 4 тисяч фірм.", "Створено не 4 тисячі фірм."),
    ("Не виключені нові проєкти.", "Не заплановані нові проєкти."),
]


@pytest.mark.parametrize(("text", "word", "twin"), DENIALS)
def test_a_negation_or_a_refusal_denies(text: str, word: str, twin: str) -> None:
    assert denial_word(text) == word
    assert infer_polarity(text) == "denied"
    assert denial_word(twin) is None
    assert infer_polarity(twin) is None


@pytest.mark.parametrize(("text", "twin"), NOT_DENIALS)
def test_double_negation_and_not_only_do_not_deny(text: str, twin: str) -> None:
    assert denial_word(text) is None, text
    assert infer_polarity(text) is None
    assert infer_polarity(twin) == "denied", twin


def test_the_quote_denies_when_the_statement_does_not() -> None:
    assert infer_polarity("Kazakhstan and Russia", "мы не отдаляемся от России") == "denied"
    assert infer_polarity("Kazakhstan and Russia", "мы отдаляемся от России") is None


def test_negative_concord_still_denies() -> None:
    # In Slavic languages negations agree: "никогда … не" is one denial, not two.
    assert infer_polarity("Он никогда ему не говорил этого.") == "denied"
    assert infer_polarity("Ні разу не було такого.") == "denied"


def test_words_are_words_not_parts_of_words() -> None:
    for text in ("Notable growth.", "Nothingness aside, it grew.", "Необходимо расти.",
                 "Неделя роста.", "Несмотря на это, рост.", "Все-таки не-нефть."):  # fmt: skip
        assert denial_word(text) in (None, "nothing"), text
    assert denial_word("Nothingness aside") is None


def test_explicit_polarity_wins_and_is_not_suggested() -> None:
    assert resolve_polarity("affirmed", "Kazakhstan is not moving away.") == ("affirmed", False)
    assert resolve_polarity("denied", "Kazakhstan is moving away.") == ("denied", False)
    assert resolve_polarity(None, "Kazakhstan is not moving away.") == ("denied", True)
    assert resolve_polarity(None, "Kazakhstan is moving away.") == ("affirmed", False)


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80) | st.lists(
    st.sampled_from(["not", "не", "only", "без", "мог", "да", "ні", "never", "refused", "е", "x"]),
    max_size=8,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.one_of(st.none(), TEXT))
def test_inference_never_raises(statement: str, quote: str | None) -> None:
    assert infer_polarity(statement, quote) in (None, "denied")
    word = denial_word(statement)
    assert (
        word is None or word.casefold() in statement.casefold().replace("ё", "е") or word == "not"
    )


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(POLARITIES), TEXT, st.one_of(st.none(), TEXT))
def test_a_given_polarity_always_beats_the_wording(
    given_polarity: str, statement: str, quote: str | None
) -> None:
    assert resolve_polarity(given_polarity, statement, quote) == (given_polarity, False)


@settings(max_examples=100, deadline=None)
@given(TEXT)
def test_without_one_the_polarity_is_a_known_one(statement: str) -> None:
    polarity, suggested = resolve_polarity(None, statement)
    assert polarity in POLARITIES
    assert suggested == (polarity == "denied")
