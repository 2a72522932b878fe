"""Tests of factbase.text.language: normalisation, folding, detection, lemmas, keyword matching."""

from __future__ import annotations

import subprocess
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.errors import InvalidInput
from factbase.text import language
from factbase.text.language import (
    ISO_639_1,
    LANGUAGES,
    WordLemmas,
    confusable_words,
    detect_language,
    fold,
    keyword_forms,
    language_mismatch,
    lemmas,
    match_keywords,
    normalise_quote,
    normalise_text,
    validate_language,
)

BULGARIAN = [
    "Казахстан увеличи износа на петрол през Каспийския тръбопроводен консорциум.",
    "Русия спря доставките на газ за България през май.",
    "Правителството одобри нов договор за отбрана със САЩ.",
    # No ъ, no ѝ: only the words tell these from Russian.
    "Цената на петрола падна под 70 долара за барел.",
    "Токаев заяви, че Казахстан ще изнася петрол през Азербайджан.",
    "Рафинерията в Бургас спря работа заради санкциите.",
    "Цените на горивата в страната остават високи.",
    "Правителството ще отпусне средства за армията.",
    "Турция и Казахстан подписаха споразумение за транспорт.",
    "Казахстан ще изнася нефт по Средния коридор.",
    "Европейската комисия предложи нов пакет санкции.",
    "Министерството на отбраната купува нови изтребители.",
    "Газопроводът ще бъде готов до края на годината.",
    "НАТО засилва присъствието си в Черно море.",
]
RUSSIAN = [
    "Казахстан увеличил экспорт нефти через Каспийский трубопроводный консорциум.",
    "Токаев заявил, что Казахстан будет искать новые маршруты.",
    "Министерство обороны сообщило о перехвате беспилотников.",
    # No ы, э, ё: only the words tell these from Bulgarian.
    "Россия прекратила поставки газа в Болгарию в мае.",
    "Цена нефти марки Brent упала ниже 70 долларов за баррель.",
    "Правительство одобрило новое соглашение о поставках зерна.",
    "Нефтепровод будет запущен до конца года.",
    "НАТО усиливает присутствие в Черном море.",
    "Санкции против российских банков вступили в силу.",
    "Астана и Пекин подписали договор о строительстве газопровода.",
    "Украина получила первую партию истребителей F-16.",
    "Турция и Казахстан подписали соглашение о транспорте.",
    "Депутаты проголосовали за бюджет на оборону.",
    "Российский газ по-прежнему идет через Турецкий поток.",
]
UKRAINIAN = [
    "Казахстан збільшив експорт нафти через Каспійський трубопровідний консорціум.",
    "Росія припинила постачання газу до Болгарії в травні.",
    "Ціна нафти марки Brent впала нижче 70 доларів за барель.",
    "Токаєв заявив, що Казахстан шукатиме нові маршрути.",
    "Міністерство оборони повідомило про перехоплення безпілотників.",
    "Нафтопровід буде запущено до кінця року.",
    "НАТО посилює присутність у Чорному морі.",
    "Санкції проти російських банків набули чинності.",
    "Астана та Пекін підписали угоду про будівництво газопроводу.",
    "Україна отримала першу партію винищувачів F-16.",
    # No і, ї, є, ґ.
    "Уряд схвалив угоду про продаж зерна до Туреччини.",
    "Казахстан продав нафту Китаю.",
    "Прем’єр-міністр провів зустріч з інвесторами.",
]
ENGLISH = [
    "Kazakhstan boosts oil exports through the Caspian Pipeline Consortium.",
    "Russia halted gas supplies to Bulgaria in May.",
    "Brent crude fell below $70 a barrel on Tuesday.",
    "Tokayev said Kazakhstan would seek new export routes.",
    "The defence ministry reported intercepting dozens of drones overnight.",
    "The government approved a new grain supply agreement.",
    "The pipeline will be launched by the end of the year.",
    "NATO steps up its presence in the Black Sea.",
    "Sanctions against Russian banks came into force.",
    "Astana and Beijing signed a deal to build a gas pipeline.",
    "Ukraine received its first batch of F-16 fighter jets.",
    "Middle Corridor cargo volumes doubled in 2023.",
]
SENTENCES = [
    *(("bg", s) for s in BULGARIAN),
    *(("ru", s) for s in RUSSIAN),
    *(("uk", s) for s in UKRAINIAN),
    *(("en", s) for s in ENGLISH),
]

TOPICS = {
    "oil": ["oil", "crude", "нефть", "нефтяной", "нафта", "петрол"],
    "middle-corridor": ["middle corridor", "средний коридор", "Середній коридор", "Среден коридор"],
    "pipelines": ["pipeline", "нефтепровод", "нафтопровід", "тръбопровод"],
    "defence": ["defence", "оборона", "оборона", "отбрана"],
}

CYRILLIC_ALPHABETS = (
    "абвгдежзийклмнопрстуфхцчшщъыьэюяё"  # Russian
    "абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"  # Ukrainian
    "абвгдежзийклмнопрстуфхцчшщъьюяѝ"  # Bulgarian
)


@pytest.fixture(scope="module", autouse=True)
def _warm_models() -> Iterator[None]:
    """Load lingua and the four simplemma dictionaries once for the whole module."""
    detect_language("Россия прекратила поставки газа в Болгарию в мае.")
    for code in ("ru", "uk", "bg", "en", None):
        keyword_forms("нефть", code)
    yield


def test_import_is_lazy() -> None:
    code = (
        "import sys, factbase.text.language; "
        "print(*(m in sys.modules for m in ('lingua', 'simplemma')))"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_lemmas_from_the_tries_are_simplemmas_own() -> None:
    """The tries hold simplemma's dictionaries as they are: every word of the corpora, in
    its own language and guessed, has the lemma simplemma gives with its dictionary
    decoded in memory."""
    import simplemma

    from factbase.text import dictionaries

    for code, texts in (("ru", RUSSIAN), ("uk", UKRAINIAN), ("bg", BULGARIAN), ("en", ENGLISH)):
        for word in {word for text in texts for word in language._tokens(text)}:
            for langs in ((code,), ("ru", "uk", "bg")):
                expected = simplemma.lemmatize(word, lang=langs)
                assert dictionaries.lemmatizer().lemmatize(word, lang=langs) == expected, word


def test_without_a_cache_directory_simplemma_decodes_its_dictionaries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factbase.text import dictionaries

    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    lemmatizer = dictionaries.lemmatizer.__wrapped__()
    assert lemmatizer.lemmatize("нефти", lang=("ru",)) == "нефть"
    assert not (blocked.is_dir())


def test_a_trie_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from factbase.text.dictionaries import _write_whole

    class Trie:
        def __init__(self, fails: bool) -> None:
            self.fails = fails

        def save(self, path: str) -> None:
            Path(path).write_bytes(b"half")
            if self.fails:
                raise OSError("disk full")
            Path(path).write_bytes(b"whole")

    with pytest.raises(OSError):
        _write_whole(tmp_path / "tries", "ru", Trie(fails=True))
    assert list((tmp_path / "tries").iterdir()) == []
    _write_whole(tmp_path / "tries", "ru", Trie(fails=False))
    assert [p.name for p in (tmp_path / "tries").iterdir()] == ["ru.dic"]
    assert (tmp_path / "tries" / "ru.dic").read_bytes() == b"whole"


def test_constants() -> None:
    assert LANGUAGES == ("en", "ru", "bg", "uk")
    assert len(ISO_639_1) == 184
    assert set(LANGUAGES) <= ISO_639_1
    assert all(len(code) == 2 and code.islower() for code in ISO_639_1)


def test_normalise_text() -> None:
    nfd = unicodedata.normalize("NFD", "Їжак й ёж")
    assert nfd != "Їжак й ёж"
    assert normalise_text(f"  {nfd} ") == "Їжак й ёж"
    assert normalise_text("Казахстан\u00a0\u00a0и\u202fТурция\t\n  сближаются ") == (
        "Казахстан и Турция сближаются"
    )
    assert normalise_text(" \n\t ") == ""


def test_normalise_quote_keeps_the_quote_exactly() -> None:
    """A quote must match the article: spacing, line breaks and ends as given."""
    quote = "  «по которому  проходит\r\nоколо 80%\u00a0экспорта»\u2028\t\n"
    assert normalise_quote(quote) == quote
    assert normalise_quote(unicodedata.normalize("NFD", "ёж")) == "ёж"


def test_fold() -> None:
    assert fold("ЁЛКА") == fold("Ёлка") == fold("елка") == "елка"
    assert fold(unicodedata.normalize("NFD", "Объём")) == "объем"
    assert fold("КАЗАХСТАН") == fold("Казахстан") == "казахстан"
    assert fold("ЇЖАК Ґанок Євро Ірпінь") == "їжак ґанок євро ірпінь"
    assert fold(unicodedata.normalize("NFD", "Їжак")) == "їжак"  # і + diaeresis stays ї
    assert fold("  Middle\u00a0\u00a0CORRIDOR\n") == "middle corridor"
    assert fold("е\u0308\u0308") == "е"
    # Turkish dotted and dotless I are not special: no locale-dependent folding.
    assert fold("ISTANBUL") == "istanbul"
    assert fold(fold("İstanbul")) == fold("İstanbul")


def test_validate_language() -> None:
    assert validate_language("en") == "en"
    assert validate_language(" UK ") == "uk"
    assert validate_language("Kk") == "kk"
    with pytest.raises(InvalidInput) as caught:
        validate_language("xx")
    assert str(caught.value) == (
        "unknown language code 'xx': use a two-letter ISO 639-1 code such as en, ru, bg, uk"
    )
    for bad in ("", "eng", "ua", "r"):
        with pytest.raises(InvalidInput):
            validate_language(bad)


@pytest.mark.parametrize(("expected", "sentence"), SENTENCES)
def test_detect_language_news(expected: str, sentence: str) -> None:
    assert detect_language(sentence) == expected


@pytest.mark.parametrize(
    "text", ["", "42", "OK", "  ", "2022-11-27", "!!!", "нефть", "Tokayev", "北京", "Ф-16"]
)
def test_detect_language_undecidable(text: str) -> None:
    assert detect_language(text) is None


def test_detect_language_short_but_telling() -> None:
    assert detect_language("Київ") == "uk"
    assert detect_language("България") == "bg"
    assert detect_language("Мы") is None  # two letters only
    kazakh = "Қазақстан Республикасының Президенті мұнай экспорты туралы айтты"
    assert detect_language(kazakh) is None


@pytest.mark.slow
def test_language_mismatch() -> None:
    russian = "Россия прекратила поставки газа в Болгарию в мае."
    assert language_mismatch(russian, "uk") == "text looks like ru, declared uk"
    assert language_mismatch(russian, " RU ") is None
    assert language_mismatch(UKRAINIAN[4], "ru") == "text looks like uk, declared ru"
    assert language_mismatch(ENGLISH[0], "bg") == "text looks like en, declared bg"
    assert language_mismatch("нефть", "uk") is None  # undecidable
    assert language_mismatch("Gazprom Neft", "ru") is None  # two Latin words may be a name
    assert language_mismatch("", "en") is None
    # Declared languages outside LANGUAGES.
    kazakh = "Қазақстан Республикасының Президенті мұнай экспорты туралы айтты"
    assert language_mismatch(kazakh, "kk") is None
    assert language_mismatch(RUSSIAN[2], "tt") is None  # lingua has no Tatar model
    assert language_mismatch(RUSSIAN[2], "xx") is None
    assert language_mismatch(RUSSIAN[2], "de") == "text looks like ru, declared de"
    assert language_mismatch("Die Regierung hat neue Sanktionen beschlossen.", "de") is None


def test_lemmas() -> None:
    assert lemmas("Цены на нефть выросли.", "ru") == ["цена", "на", "нефть", "вырасти"]
    assert lemmas("В 2022 году: 80%!", "ru") == ["в", "год"]
    assert lemmas("Експорт нафти зріс.", "uk") == ["експорт", "нафта", "зрости"]
    assert lemmas("Cargo on the Middle Corridor doubled", "en")[-3:] == [
        "middle",
        "corridor",
        "double",
    ]
    assert lemmas("Чёрное море", "RU") == ["черный", "море"]
    assert lemmas("Прем’єр-міністра", "uk") == ["прем'єр-міністр"]
    # Unknown language: Cyrillic words are read as ru, then uk, then bg.
    assert lemmas("нафти", None) == ["нафта"]
    assert lemmas("петрола", None) == ["петрол"]
    # Detected language.
    assert lemmas("Казахстан увеличил экспорт нефти", None)[-1] == "нефть"
    # A language outside LANGUAGES: folded words only.
    assert lemmas("Нефти", "kk") == ["нефти"]
    assert lemmas("", None) == []


# Words as news writes them: inflected, with apostrophes, hyphens, numbers and stray signs.
WORDS = [
    "Цены", "нефти", "нафти", "Прем’єр-міністра", "прем'єр", "петрола", "Казахстан", "году",
    "Middle", "Corridor", "doubled", "Brent", "80%", "2022", "19,9", "x2", "²", "ёлка",
    "ЁЖ", "the", "и", "на", "ölü", "Ǆemal", "o'clock", "‐", "_", "«oil", "transit»",
]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join), max_size=6),
    st.sampled_from([None, "en", "ru", "uk", "bg", "kk", "RU"]),
)
def test_word_lemmas_are_lemmas(texts: list[str], code: str | None) -> None:
    everything, long_only = WordLemmas(), WordLemmas(lambda lemma: len(lemma) > 3)
    for text in texts:
        assert everything(text, code) == lemmas(text, code)
        assert long_only(text, code) == [w for w in lemmas(text, code) if len(w) > 3]
        assert long_only.distinct(text, code) == frozenset(long_only(text, code))


def test_word_lemmas_forget_words_past_their_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(WordLemmas, "MAX_WORDS", 3)
    monkeypatch.setattr(WordLemmas, "MAX_TEXTS", 2)
    reader = WordLemmas()
    for text in ["Цены на нефть выросли.", "Експорт нафти зріс.", "Цены на нефть"] * 2:
        for code in ("ru", "uk"):
            assert reader(text, code) == lemmas(text, code)
            assert reader.distinct(text, code) == frozenset(lemmas(text, code))
            assert reader._size <= 3 + 4  # the limit, and the words of one text
            assert reader._text_count <= 2


def test_keyword_forms() -> None:
    assert ("средний", "коридор") in keyword_forms("Средний коридор", "ru")
    assert ("middle", "corridor") in keyword_forms("Middle  Corridor", "ru")
    assert ("нафта",) in keyword_forms("нафта", "uk")
    # Read in the text's language: an inflected keyword gives that language's lemma.
    assert ("нефть",) in keyword_forms("нефти", "ru")
    assert ("нефть",) not in keyword_forms("нефти", "bg")
    assert keyword_forms("", "ru") == frozenset()
    assert keyword_forms("2022", None) == frozenset()


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Експорт нафти зріс на 5%.", "uk", ["oil"]),
        ("Цената на петрола падна.", "bg", ["oil"]),
        ("Добыча нефти выросла.", "ru", ["oil"]),
        ("Нефтяным компаниям грозят санкции.", "ru", ["oil"]),  # via the keyword нефтяной
        ("Cargo on the Middle Corridor doubled.", "en", ["middle-corridor"]),
        ("Роль Среднего коридора растёт.", "ru", ["middle-corridor"]),
        ("Вантажі Середнім коридором", "uk", ["middle-corridor"]),
        ("Товари по Средния коридор", "bg", ["middle-corridor"]),
        ("Crude flows through the new pipeline.", None, ["oil", "pipelines"]),
        ("Министерство обороны сообщило о перехвате.", None, ["defence"]),
        ("нефти", None, ["oil"]),
        ("The middle of the corridor.", "en", []),  # not contiguous
        ("Средний доход вырос.", "ru", []),  # one word of two
        ("", None, []),
    ],
)
def test_match_keywords(text: str, language: str | None, expected: list[str]) -> None:
    assert match_keywords(text, language, TOPICS) == expected


def test_match_keywords_sorted_unique() -> None:
    topics = {"b": ["нефть", "oil"], "a": ["oil"], "c": []}
    assert match_keywords("Oil and нефть, oil again", "en", topics) == ["a", "b"]


def test_confusable_words() -> None:
    text = "Kaзахстан продаёт нeфть; Kaзахстан и PR-кампания, Київ, мiсто, Tokayev"
    assert confusable_words(text) == ["Kaзахстан", "нeфть", "мiсто"]
    assert confusable_words("Казахстан and Kazakhstan") == []
    assert confusable_words("") == []


@given(st.text())
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(alphabet=st.sampled_from(CYRILLIC_ALPHABETS + " ")))
def test_fold_ignores_cyrillic_case(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower())


@given(st.text())
def test_normalise_text_is_idempotent_on_storable_text_and_refuses_the_rest(text: str) -> None:
    from factbase.errors import InvalidInput
    from factbase.text.language import text_problem

    if text_problem(text) is None:
        assert normalise_text(normalise_text(text)) == normalise_text(text)
    else:  # a NUL or a lone surrogate: refused by every way in, never stored
        with pytest.raises(InvalidInput):
            normalise_text(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80))
def test_detect_language_never_raises(text: str) -> None:
    assert detect_language(text) in (*LANGUAGES, None)


def test_bulgarian_is_and_russian_verb_endings_decide_without_lingua(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_lingua(*_: object, **__: object) -> None:
        raise AssertionError("lingua asked")

    monkeypatch.setattr(language, "_lingua", no_lingua)
    # Bulgarian е ("is") is no Russian or Ukrainian word.
    assert detect_language("Производството е голямо, а цената е ниска") == "bg"
    # -ает/-яет/-ают/-яют and -тся are Russian verb forms (Ukrainian -ає, -ають, -ться).
    assert detect_language("Компания сообщает и подтверждает рост") == "ru"
    assert detect_language("Экспорт увеличивается") == "ru"


def test_ukrainian_and_bulgarian_verbs_are_not_russian_endings() -> None:
    assert not any(language._word_signs(word)[2][0] for word in ("знає", "знають", "робиться"))
    assert not any(language._word_signs(word)[2][0] for word in ("съставлява", "правят", "бюджет"))


def test_declared_language_with_its_signs_and_none_against_is_not_questioned(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "Показатель составляет 80 процентов, нефть и газ в фокусе"  # one Russian sign only
    assert detect_language(text) == "ru"  # lingua decides what the signs cannot
    language._detect.cache_clear()

    def no_lingua(*_: object, **__: object) -> None:
        raise AssertionError("lingua asked")

    monkeypatch.setattr(language, "_lingua", no_lingua)
    assert language_mismatch(text, "ru") is None
    with pytest.raises(AssertionError):
        language_mismatch(text, "bg")  # declared bg: nothing bears it out, lingua decides
    language._detect.cache_clear()


def test_declared_language_is_still_checked_when_the_text_shows_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bulgarian = "Производството е голямо, а цената е ниска"
    assert language_mismatch(bulgarian, "ru") == "text looks like bg, declared ru"
    # A Ukrainian sign (і) beside a Russian one (составляет): the signs disagree, so lingua
    # is asked even though the declared language shows.
    asked: list[tuple[str, bool]] = []
    real = language._lingua

    def counting(
        text: str, codes: tuple[str, ...], light: bool = False
    ) -> tuple[str | None, float]:
        asked.append((text, light))
        return real(text, codes, light)

    monkeypatch.setattr(language, "_lingua", counting)
    mixed = "Експорт нафти і газу зріс, показатель составляет 80 процентов"
    language_mismatch(mixed, "ru")
    assert asked and {text for text, _ in asked} == {mixed}
    language._detect.cache_clear()


def test_a_declared_language_the_light_model_confirms_loads_no_full_model(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`add --language ru` of words with no sign of their language: lingua's light
    (trigram) model confirms the declaration; the full models, 0.6 s and 110 MB to load,
    are asked only when it doubts."""
    asked: list[bool] = []
    real = language._lingua

    def recording(
        text: str, codes: tuple[str, ...], light: bool = False
    ) -> tuple[str | None, float]:
        asked.append(light)
        return real(text, codes, light)

    monkeypatch.setattr(language, "_lingua", recording)
    language._detect.cache_clear()
    assert language_mismatch("порт 1: замер 123, транзит 9 млн тонн", "ru") is None
    assert asked == [True]
    # Where the light model is unsure, the full models decide.
    asked.clear()
    language_mismatch("Казахстан продава газ на Китай по договор", "bg")
    assert asked == [True, False]
    language._detect.cache_clear()
