"""Tests for factbase.text.sentences and factbase.text.candidates: the rules, per language."""

from __future__ import annotations

import importlib.util
import os
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.text.candidates import Candidate, KnownProperty, extract_candidates
from factbase.text.coverage import locate, measure
from factbase.text.dates import PartialDate, Precision
from factbase.text.sentences import sentence_spans

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = PartialDate(date(2023, 2, 1), Precision.MONTH)
ENTITIES = {
    "Kassym-Jomart Tokayev": "Kassym-Jomart Tokayev",
    "Tokayev": "Kassym-Jomart Tokayev",
    "Токаев": "Kassym-Jomart Tokayev",
    "Токаєв": "Kassym-Jomart Tokayev",
    "Kazakhstan": "Kazakhstan",
    "Казахстан": "Kazakhstan",
    "Казахстана": "Kazakhstan",
    "Казахстану": "Kazakhstan",
    "Russia": "Russia",
    "Россия": "Russia",
    "России": "Russia",
    "Русия": "Russia",
    "Росія": "Russia",
    "Vladimir Putin": "Vladimir Putin",
    "Путин": "Vladimir Putin",
    "US": "United States",
    "CPC": "Caspian Pipeline Consortium",
}


def sentences(text: str) -> list[str]:
    return [text[start:end] for start, end in sentence_spans(text)]


def one(text: str, language: str, **given: object) -> Candidate:
    found = extract_candidates(text, language, PUBLISHED, entities=ENTITIES, **given)  # type: ignore[arg-type]
    assert len(found) == 1, found
    return found[0]


# --- sentences ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # initials and abbreviations
        ("В. Путин прибыл в Астану. Встреча длилась час.", 2),
        ("Встречу провёл проф. Иванов. Она длилась час.", 2),
        ("Mr. Smith met J. Doe in Astana. They talked.", 2),
        ("Договорът е подписан напр. в София. После дойде и Токаев.", 2),
        # decimal commas and points, dates in figures
        ("Рост составил 1,5 млн тонн. Это рекорд.", 2),
        ("Exports grew 2.75 times on 12.03.2022 alone. A record.", 2),
        # a quotation with its attribution is one sentence
        ("«Россия обеспечивала безопасность. Теперь это меняется», — пишет WSJ.", 1),
        ("„Готови сме. Ще продължим“, каза Токаев. После си тръгна.", 2),
        ("“Перший. Другий”, – сказав він.", 1),
        # lines end sentences; a dash-and-lower-case line continues the one before
        ("Заголовок без точки\nПервое предложение.", 2),
        ("Люди бояться за Казахстан.\n – розповів політолог Дімаш Альжанов.", 1),
        ("Перше речення? Друге речення! Третє…", 3),
    ],
)
def test_sentence_boundaries(text: str, expected: int) -> None:
    assert len(sentences(text)) == expected, sentences(text)


def test_spans_are_trimmed_and_ordered() -> None:
    text = "  Първо изречение.   Второ изречение.\n\n  Трето  "
    spans = sentence_spans(text)
    assert [text[a:b] for a, b in spans] == ["Първо изречение.", "Второ изречение.", "Трето"]


# --- signals per language -----------------------------------------------------------


def test_russian_figure_attribution_and_date() -> None:
    text = "По данным КТК, в июле через трубопровод прошло около 80% экспорта нефти Казахстана."
    candidate = one(text, "ru")
    assert {"figure", "percent", "date", "attribution", "entity"} <= set(candidate.signals)
    assert candidate.value == "около 80%"
    assert candidate.quantity is not None and candidate.quantity.qualifier == "approx"
    # A month without a year later than the article's month: the year before.
    assert [str(d.date) for d in candidate.dates] == ["2022-07"]
    assert candidate.subject == "Kazakhstan"


def test_russian_speaker_before_the_verb_and_negation() -> None:
    candidate = one("Владимир Путин заявил, что Россия не будет повышать цены.", "ru")
    assert candidate.speaker == "Vladimir Putin"
    assert "negation" in candidate.signals and candidate.polarity == "denied"
    assert candidate.subject == "Russia"


def test_bulgarian_money_and_speaker_after_the_verb() -> None:
    text = "„Ще инвестираме 1,5 милиарда долара в Казахстан“, каза Токаев миналата година."
    candidate = one(text, "bg")
    assert {"figure", "money", "attribution", "date"} <= set(candidate.signals)
    assert candidate.value == "1,5 милиарда долара"
    assert candidate.quantity is not None and candidate.quantity.unit == "USD"
    assert candidate.speaker == "Kassym-Jomart Tokayev"
    assert [d.text for d in candidate.dates] == ["миналата година"]
    assert str(candidate.dates[0].date) == "2022"  # counted from the article, not today


def test_bulgarian_according_to() -> None:
    candidate = one("Според Токаев, Русия не е надежден партньор на Казахстан.", "bg")
    assert candidate.speaker == "Kassym-Jomart Tokayev"
    assert candidate.polarity == "denied"
    assert candidate.subject == "Russia"


def test_ukrainian_attribution_day_and_relative_date() -> None:
    text = "Токаєв заявив, що 1 грудня 2022 року Казахстан отримав 25 мільйонів доларів."
    candidate = one(text, "uk")
    assert candidate.speaker == "Kassym-Jomart Tokayev"
    assert candidate.value == "25 мільйонів доларів"
    assert "2022-12-01" in [str(d.date) for d in candidate.dates]
    later = one("За даними уряду, минулого року експорт зріс утричі.", "uk")
    assert "attribution" in later.signals and later.speaker is None
    assert [str(d.date) for d in later.dates] == ["2022"]


def test_ukrainian_speaker_on_a_continuation_line() -> None:
    text = "Люди дуже обережно ставляться до Росії.\n – розповів політолог Дімаш Альжанов."
    candidate = one(text, "uk")
    assert candidate.quote == text
    assert candidate.speaker == "Дімаш Альжанов"


def test_english_rules() -> None:
    text = (
        "According to the CPC, about 80% of Kazakhstan's oil exports pass through Russia. "
        "Tokayev said on 3 July 2024 that the US was not a threat. The weather was fine."
    )
    first, second = extract_candidates(text, "en", PUBLISHED, entities=ENTITIES)
    assert first.speaker == "Caspian Pipeline Consortium"
    assert first.value == "about 80%"
    assert second.speaker == "Kassym-Jomart Tokayev"
    assert [str(d.date) for d in second.dates] == ["2024-07-03"]
    assert second.polarity == "denied"


def test_short_lines_and_repeats_propose_nothing() -> None:
    text = (
        "Казахстан обяви сътрудничество със Съединените щати и Европа\n"
        "Казахстан обяви сътрудничество със Съединените щати и Европа\n"
        "Реклама\nИсточник: Казахстан\nОставить комментарий"
    )
    found = extract_candidates(text, "bg", PUBLISHED, entities=ENTITIES)
    assert [c.start for c in found] == [0]


def test_a_sentence_without_signals_is_not_proposed() -> None:
    assert extract_candidates("Погода была хорошей весь день.", "ru", PUBLISHED) == []


def test_property_reused_from_the_subjects_claims() -> None:
    properties = {
        "Kazakhstan": [
            KnownProperty("defence budget increase", "Казахстан увеличил оборонный бюджет"),
            KnownProperty("distancing from Russia", "Казахстан отдаляется от России"),
        ]
    }
    candidate = one(
        "Казахстан снова увеличил оборонный бюджет на 441 миллиард тенге.",
        "ru",
        properties=properties,
    )
    assert (candidate.subject, candidate.property) == ("Kazakhstan", "defence budget increase")
    assert candidate.value == "441 миллиард тенге"


def test_topics_from_keywords() -> None:
    keywords = {"oil": ["нефть"], "gas": ["газ"]}
    candidate = one("Казахстан увеличил экспорт нефти в 2022 году.", "ru", topic_keywords=keywords)
    assert candidate.topics == ("oil",)
    assert [d.text for d in candidate.dates] == ["2022"]


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        extract_candidates("text", "de")


# --- properties ---------------------------------------------------------------------

PIECES = st.sampled_from(
    ["В. Путин", " заявил", ", что", " 1,5 млн", " тонн", ". ", "«", "»", "„", "“", "\n",
     " – каза", " Токаев", " 80%", " not", "... ", "?! ", "г.", " 7 июля", " Казахстан",
     "\u00a0", "•"]
)  # fmt: skip
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_sentence_spans_are_ordered_trimmed_and_inside_the_text(text: str) -> None:
    spans = sentence_spans(text)
    previous = 0
    for start, end in spans:
        assert previous <= start < end <= len(text)
        assert not text[start].isspace() and not text[end - 1].isspace()
        previous = end
    # Whatever is between the sentences is whitespace.
    covered = set()
    for start, end in spans:
        covered.update(range(start, end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@settings(max_examples=150, deadline=None)
@given(TEXTS, st.sampled_from(["en", "ru", "bg", "uk"]))
def test_every_candidate_is_one_sentence_verbatim(text: str, language: str) -> None:
    spans = set(sentence_spans(text))
    for candidate in extract_candidates(text, language, PUBLISHED, entities=ENTITIES):
        assert text[candidate.start : candidate.end] == candidate.quote
        assert (candidate.start, candidate.end) in spans
        assert candidate.signals
        if candidate.value is not None:
            assert candidate.value in candidate.quote


# --- measurement ----------------------------------------------------------------------


def test_measure_counts_a_quote_over_two_sentences() -> None:
    text = "Первое предложение здесь. Второе предложение там. Третье."
    spans = sentence_spans(text)[:2]
    coverage = measure(text, spans, ["здесь. Второе предложение", "Третье", "нет такого"])
    assert (coverage.covered, coverage.contained, coverage.hits) == (1, 0, 1)
    assert coverage.not_found == ("нет такого",)
    assert locate("a\u00a0 b c", "a b") == (0, 4)


def load_benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "bench_candidates.py"
    spec = importlib.util.spec_from_file_location("bench_candidates", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_seed_articles_recall_and_budget(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_benchmark()
    directory = bench.articles_dir()
    if not directory.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"articles directory {directory} is missing on CI")
        pytest.skip(f"articles directory {directory} is not available")
    results = bench.measure_articles(directory)
    with capsys.disabled():
        print("\n" + bench.table(results))
    everything = bench.total(results)
    assert everything.recall >= 0.8, everything.missed
    for result in results:
        assert not result.coverage.not_found, result.coverage.not_found
        assert result.coverage.candidates <= 3 * result.coverage.quotes, result.source
