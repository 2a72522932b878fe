"""Candidate claims in an article's text: the rules, in en/ru/bg/uk, in one place.

:func:`extract_candidates` reads an article sentence by sentence (:mod:`.sentences`) and
proposes as a candidate claim each sentence in which one of these signals fires:

========== =========================================================================
figure     a number that reads as a quantity ("441 миллиард тенге", "три ТЭЦ")
percent    the quantity is a share ("около 80%")
money      the quantity is an amount of a currency ("25 мільйонів доларів")
date       a date, a month or a year, or a date counted from the article ("вчера")
attribution somebody says it: "said", "заявил", "каза", "заявив", "according to",
           "по данным", "според", "за даними", and their kin below
negation   the wording denies (:func:`factbase.text.polarity.denial_word`)
entity     a known entity is named (any alias, as the entity table spells it)
========== =========================================================================

A line without a full stop (a headline, a caption, a link) needs
:data:`MIN_HEADLINE_WORDS` words, and any sentence :data:`MIN_WORDS`: "Оставить
комментарий" and "Источник: SilkBridge.info" propose nothing. A sentence printed twice
(the headline above its photo caption) is proposed once.

Each candidate carries its quote verbatim with its span (``text[start:end] == quote``),
the signals, the speaker when the sentence attributes it, the first quantity read with
:func:`~factbase.text.quantities.parse_quantity` and the words it was read from, the
dates with :mod:`~factbase.text.dates` counted from the publication date, the polarity
the wording suggests, a subject (an entity it names, not the speaker) with a property
already used for that subject when the sentence shares words with that property's claims,
and topics from the topic keywords.

Pure: no database. The caller passes what the database knows (entities, properties,
topic keywords).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from factbase.errors import FactbaseError
from factbase.text.dates import PartialDate, Precision, parse_date
from factbase.text.language import fold, lemmas, match_keywords
from factbase.text.polarity import denial_word
from factbase.text.quantities import Quantity, parse_quantity
from factbase.text.sentences import sentence_spans

__all__ = [
    "LANGUAGES",
    "SIGNALS",
    "Candidate",
    "CandidateDate",
    "KnownProperty",
    "extract_candidates",
]

LANGUAGES = ("en", "ru", "bg", "uk")
SIGNALS = ("figure", "percent", "money", "date", "attribution", "negation", "entity")
MIN_WORDS = 4
MIN_HEADLINE_WORDS = 6
CURRENCIES = frozenset({"KZT", "USD", "EUR", "RUB", "CNY", "GBP", "UAH", "BGN"})
# A property is suggested when this share of the content words of one of its claims (the
# entities named aside) is in the sentence.
MIN_PROPERTY_OVERLAP = 0.25


@dataclass(frozen=True, slots=True)
class CandidateDate:
    """A date in the sentence: the words, and the date they give for the article."""

    text: str
    date: PartialDate


@dataclass(frozen=True, slots=True)
class KnownProperty:
    """A property already used for a subject, and the words of the claims that use it."""

    name: str
    text: str


@dataclass(frozen=True, slots=True)
class Candidate:
    quote: str
    start: int
    end: int
    signals: tuple[str, ...]
    speaker: str | None = None
    value: str | None = None  # the words the quantity was read from, verbatim
    quantity: Quantity | None = None
    dates: tuple[CandidateDate, ...] = ()
    polarity: str = "affirmed"
    entities: tuple[str, ...] = ()
    subject: str | None = None
    property: str | None = None
    topics: tuple[str, ...] = field(default_factory=tuple)


# --- attributions ---------------------------------------------------------------------

# "According to X": the speaker follows, up to a comma.
_SOURCE_PHRASES = {
    "en": r"according to|as reported by|in the words of",
    "ru": r"по данным|по словам|по мнению|по информации|по сообщению|как пишет|как сообщает"
    r"|как сообщил|как заявил|как отмечает|согласно",
    "bg": r"според|по думите на|по данни на|както пише|както съобщава|както заяви",
    "uk": r"за даними|за словами|на думку|як пише|як повідомляє|як зазначає|згідно з",
}
# Verbs of saying; the speaker is next to them, after ("каза Токаев") or before
# ("Путин заявил").
_SPEECH_VERBS = {
    "en": r"said|says|told|stated|states|announced|claimed|claims|reported|reports|wrote"
    r"|writes|noted|added|believes|argued|warned|insisted|declared",
    "ru": r"заявил[аи]?|заявляет|заявляют|сказал[аи]?|сообщил[аи]?|сообщает|сообщают"
    r"|отметил[аи]?|отмечает|отмечается|подчеркнул[аи]?|пишет|пишут|считает|считают"
    r"|добавил[аи]?|уточнил[аи]?|утверждает|утверждают|заверил[аи]?"
    r"|рассказал[аи]?|объявил[аи]?|говорится",
    "bg": r"каза|казаха|заяви|заявиха|заявява|съобщи|съобщиха|посочи|посочиха|добави"
    r"|отбеляза|обяви|обявиха|подчерта|смята|твърди|пише|пишат|коментира",
    "uk": r"заявив|заявила|заявили|заявляє|сказав|сказала|сказали|повідомив|повідомила"
    r"|повідомили|повідомляє|зазначив|зазначила|зазначають|розповів|розповіла|вважає"
    r"|вважають|пише|пишуть|наголосив|наголосила|додав|додала|підкреслив|оголосив",
}
_PRONOUNS = frozenset(
    {"he", "she", "they", "it", "we", "i", "он", "она", "они", "оно", "мы", "я", "той", "тя",
     "те", "ние", "аз", "він", "вона", "вони", "ми"}
)  # fmt: skip
_STOP_AT = re.compile(r"[,;:.!?«»„“”\"()]|\s[–—-]\s")
_MAX_PHRASE_WORDS = 12
_MAX_SPEAKER_WORDS = 5


class _EntityIndex:
    """Every alias of the known entities, found as whole words in a sentence."""

    def __init__(self, entities: Mapping[str, str]) -> None:
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for alias, name in entities.items():
            alias = " ".join(unicodedata.normalize("NFC", alias).split())
            if not alias:
                continue
            # Short capitals ("US", "РК", "EU") are abbreviations: "us" is not the US.
            if alias.isupper() and len(alias) <= 4:
                exact.setdefault(alias, name)
            else:
                folded.setdefault(fold(alias), name)
        self.exact, self.folded = exact, folded
        self._exact_re = self._pattern(exact)
        self._folded_re = self._pattern(folded)

    @staticmethod
    def _pattern(aliases: Iterable[str]) -> re.Pattern[str] | None:
        ordered = sorted(aliases, key=len, reverse=True)
        if not ordered:
            return None
        words = "|".join(re.escape(alias).replace(r"\ ", r"\s+") for alias in ordered)
        return re.compile(rf"(?<!\w)(?:{words})(?!\w)")

    def find(self, sentence: str) -> list[tuple[int, str]]:
        """(position, entity name) of every alias in the sentence, in order of mention."""
        return [(start, name) for start, _, name in self.spans(sentence)]

    def spans(self, sentence: str) -> list[tuple[int, int, str]]:
        """(start, end, entity name) of every alias in the sentence, in order of mention."""
        found: list[tuple[int, int, str]] = []
        if self._folded_re is not None:
            folded = _fold_keeping_length(sentence)
            for match in self._folded_re.finditer(folded):
                name = self.folded[" ".join(match.group().split())]
                found.append((match.start(), match.end(), name))
        if self._exact_re is not None:
            for match in self._exact_re.finditer(sentence):
                name = self.exact[" ".join(match.group().split())]
                found.append((match.start(), match.end(), name))
        found.sort()
        return found


def _fold_keeping_length(text: str) -> str:
    """Case-folded with ё = е, one character for one, so positions stay those of the text."""
    out = []
    for char in text:
        folded = fold(char)
        out.append(folded if len(folded) == 1 else char.lower() if len(char.lower()) == 1 else char)
    return "".join(out)


def _compile(patterns: Mapping[str, str], language: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?:{patterns[language]})(?!\w)", re.IGNORECASE)


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _runs(words: Sequence[str]) -> list[list[int]]:
    """Runs of capitalised words, as their indexes."""
    runs: list[list[int]] = []
    for i, word in enumerate(words):
        if _capitalised(word):
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
    return runs


def _named(words: Sequence[str], index: _EntityIndex) -> str | None:
    """Who a run of capitalised words names: the last entity in it, else the words."""
    phrase = " ".join(words)
    found = index.find(phrase)
    if found:
        return found[-1][1]
    if fold(words[0]) in _PRONOUNS:
        return None
    return " ".join(words[-_MAX_SPEAKER_WORDS:])


def _after(sentence: str, position: int, index: _EntityIndex) -> str | None:
    """The speaker right after a verb or "according to": its first capitalised run."""
    stop = _STOP_AT.search(sentence, position)
    words = sentence[position : stop.start() if stop else len(sentence)].split()
    words = words[:_MAX_PHRASE_WORDS]
    # A name right after the verb ("каза Токаев", "розповів політолог Дімаш Альжанов") or
    # closing the phrase ("сообщил заместитель директора … Зейнолла Ахметжанов"); not the
    # object of the verb ("обяви сътрудничество със Съединените щати").
    for run in _runs(words):
        if run[0] <= 2 or run[-1] == len(words) - 1:
            return _named([words[i] for i in run], index)
    return None


def _before(sentence: str, position: int, index: _EntityIndex) -> str | None:
    """The speaker right before a verb ("Владимир Путин заявил"), if it is named there."""
    before = sentence[:position]
    stop = max((m.end() for m in _STOP_AT.finditer(before)), default=0)
    words = before[stop:].split()[-_MAX_PHRASE_WORDS:]
    runs = _runs(words)
    if not runs or runs[-1][-1] != len(words) - 1:
        return None
    run = [words[i] for i in runs[-1]]
    at_start = stop == 0 and len(run) == len(words) and len(run) == 1
    if at_start and not index.find(run[0]):
        return None  # the capital of the sentence's first word says nothing
    return _named(run, index)


def _speaker(sentence: str, language: str, index: _EntityIndex) -> tuple[bool, str | None]:
    """Whether the sentence attributes what it says, and to whom (an entity's name, else
    the capitalised words next to the verb), when it says."""
    attributed = False
    for match in _compile(_SOURCE_PHRASES, language).finditer(sentence):
        attributed = True
        who = _after(sentence, match.end(), index)
        if who:
            return True, who
    names = set(index.exact.values()) | set(index.folded.values())
    for match in _compile(_SPEECH_VERBS, language).finditer(sentence):
        attributed = True
        before = _before(sentence, match.start(), index)
        if before in names:  # "Tokayev said on 3 July": not "July"
            return True, before
        after = _after(sentence, match.end(), index) if _follows(sentence, match.end()) else None
        if after or before:
            return True, after or before
    return attributed, None


def _follows(sentence: str, position: int) -> bool:
    """Whether a name may follow the verb: not "заявил, что" (a clause follows)."""
    return not sentence[position:].lstrip().startswith((",", ":"))


# --- quantities -----------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?:\s\d{3}(?!\d))*(?:[.,]\d+)?")
_NUMBER_WORD = re.compile(
    r"(?<!\w)(?:два|две|три|четыре|пять|дві|чотири|п'ять|четири|пет|two|three|four|five"
    r"|полтора|півтора|twice|вдвое|втрое|вдвічі|втричі|двойно|тройно)(?!\w)",
    re.IGNORECASE,
)
_WORD = re.compile(r"\S+")
_WORDS_BEFORE = 2
_WORDS_AFTER = 3


def _is_year(sentence: str, start: int, end: int) -> bool:
    number = sentence[start:end]
    return len(number) == 4 and number.isdigit() and 1800 <= int(number) <= 2100


def _quantity(sentence: str, skip: Sequence[tuple[int, int]]) -> tuple[str, Quantity] | None:
    """The first quantity of the sentence, and the words it was read from (verbatim)."""
    numbers = [*_NUMBER.finditer(sentence), *_NUMBER_WORD.finditer(sentence)]
    numbers.sort(key=lambda m: m.start())
    for number in numbers:
        start, end = number.span()
        if _is_year(sentence, start, end) or any(a <= start < b for a, b in skip):
            continue
        if sentence[end : end + 1] == "-" or sentence[end : end + 1] == ":":
            continue  # "6-й", "12:21": an ordinal, a time
        words = list(_WORD.finditer(sentence))
        first = next(i for i, w in enumerate(words) if w.end() > start)
        last = next((i for i, w in enumerate(words) if w.start() >= end), len(words))
        found = _widest(sentence, words, first, last)
        if found is not None:
            return found
    return None


def _widest(
    sentence: str, words: Sequence[re.Match[str]], first: int, last: int
) -> tuple[str, Quantity] | None:
    """The quantity the number's phrase reads as, with the fewest words that say it."""
    best: tuple[str, Quantity] | None = None
    for before in range(min(_WORDS_BEFORE, first), -1, -1):
        for after in range(min(_WORDS_AFTER, len(words) - last), -1, -1):
            start = words[first - before].start()
            stop = words[last + after - 1].end() if last + after > first else words[first].end()
            phrase = sentence[start:stop].rstrip(',.;:!?»”“")')
            phrase = phrase.lstrip('«„“"(')
            try:
                quantity = parse_quantity(phrase)
            except FactbaseError:
                continue
            if best is None:
                best = (phrase, quantity)
            elif _same(quantity, best[1]):
                best = (phrase, quantity)  # fewer words, the same meaning
    return best


def _same(one: Quantity, other: Quantity) -> bool:
    return (one.value, one.unit, one.qualifier, one.low, one.high) == (
        other.value,
        other.unit,
        other.qualifier,
        other.low,
        other.high,
    )


# --- dates ----------------------------------------------------------------------------

_MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december"),
    "ru": ("январ[ьяе]", "феврал[ьяе]", "март[ае]?", "апрел[ьяе]", "ма[йяе]", "июн[ьяе]",
           "июл[ьяе]", "август[ае]?", "сентябр[ьяе]", "октябр[ьяе]", "ноябр[ьяе]",
           "декабр[ьяе]"),
    "bg": ("януари", "февруари", "март", "април", "май", "юни", "юли", "август",
           "септември", "октомври", "ноември", "декември"),
    "uk": ("січ(?:ень|ня|ні)", "лют(?:ий|ого|ому)", "берез(?:ень|ня|ні)", "квіт(?:ень|ня|ні)",
           "трав(?:ень|ня|ні)", "черв(?:ень|ня|ні)", "лип(?:ень|ня|ні)", "серп(?:ень|ня|ні)",
           "верес(?:ень|ня|ні)", "жовт(?:ень|ня|ні)", "листопад(?:а|і)?", "груд(?:ень|ня|ні)"),
}  # fmt: skip
_RELATIVE = {
    "en": r"yesterday|today|last year|this year|last month|last week|next year",
    "ru": r"вчера|позавчера|сегодня|в прошлом году|в этом году|в прошлом месяце"
    r"|на прошлой неделе|в следующем году",
    "bg": r"вчера|онзи ден|днес|миналата година|тази година|миналия месец|миналата седмица"
    r"|догодина|следващата година",
    "uk": r"вчора|позавчора|сьогодні|минулого року|цього року|минулого місяця"
    r"|минулого тижня|наступного року",
}
# The year the article appeared in, said without naming it ("до конца года").
_THIS_YEAR = {
    "en": r"by the end of the year|later this year|earlier this year",
    "ru": r"до конца года|в конце года|до конца этого года|в начале года",
    "bg": r"до края на годината|в края на годината|до края на тази година",
    "uk": r"до кінця року|наприкінці року|до кінця цього року",
}
_YEAR = r"(?:1[89]|2[01])\d\d"


def _date_pattern(language: str) -> re.Pattern[str]:
    months = "|".join(f"(?P<m{n}>{form})" for n, form in enumerate(_MONTHS[language], 1))
    return re.compile(
        rf"(?<!\w)(?:(?P<day>[0-3]?\d)\s+)?(?:{months})(?:\s+(?P<year>{_YEAR}))?(?!\w)"
        rf"|(?<![\w.,])(?P<bare>{_YEAR})(?![\w.,-])"
        rf"|(?<!\w)(?P<relative>{_RELATIVE[language]})(?!\w)"
        rf"|(?<!\w)(?P<this_year>{_THIS_YEAR[language]})(?!\w)",
        re.IGNORECASE,
    )


def _month_year(month: int, published: PartialDate | None) -> int | None:
    """The year of a month written without one: the article's, or the year before when the
    month comes after the article's ("in November", written in February 2023, is 2022)."""
    if published is None:
        return None
    year = published.start.year
    if published.precision is not Precision.YEAR and month > published.start.month:
        year -= 1
    return year


def _dates(
    sentence: str, language: str, published: PartialDate | None
) -> list[tuple[int, int, CandidateDate]]:
    found: list[tuple[int, int, CandidateDate]] = []
    today = published.start if published is not None else None
    for match in _date_pattern(language).finditer(sentence):
        text = match.group()
        parsed: PartialDate | None = None
        if match.group("relative"):
            if today is None:
                continue
            try:
                parsed = parse_date(text, languages=(language,), today=today)
            except (FactbaseError, ValueError):
                continue
        elif match.group("this_year"):
            if published is None:
                continue
            parsed = PartialDate.from_parts(published.start, Precision.YEAR)
        elif match.group("bare"):
            parsed = PartialDate.from_iso(text)
        else:
            month = next(n for n in range(1, 13) if match.group(f"m{n}"))
            year_text, day_text = match.group("year"), match.group("day")
            year = int(year_text) if year_text else _month_year(month, published)
            if year is None:
                continue
            try:
                if day_text:
                    parsed = PartialDate(date(year, month, int(day_text)), Precision.DAY)
                else:
                    parsed = PartialDate(date(year, month, 1), Precision.MONTH)
            except (FactbaseError, ValueError):
                continue
        found.append((match.start(), match.end(), CandidateDate(text, parsed)))
    return found


# --- subject and property -------------------------------------------------------------

_CONTENT_WORD = 4  # letters a lemma needs to say something ("нефть", not "на", "и")


def _content(text: str, language: str) -> set[str]:
    return {lemma for lemma in lemmas(text, language) if len(lemma) >= _CONTENT_WORD}


def _property(
    words: set[str], language: str, known: Sequence[KnownProperty], names: set[str]
) -> tuple[str | None, float]:
    """The known property one of whose claims shares most words with the sentence (its
    ``words``), entities' ``names`` aside, and the share of that claim's words."""
    best: tuple[str | None, float] = (None, 0.0)
    for prop in known:
        theirs = _content(prop.text, language) - names
        if not theirs:
            continue
        share = len(words & theirs) / len(theirs)
        if share > best[1]:
            best = (prop.name, share)
    return best if best[1] >= MIN_PROPERTY_OVERLAP else (None, 0.0)


def _subject(
    sentence: str,
    language: str,
    mentioned: Sequence[tuple[int, int, str]],
    speaker: str | None,
    properties: Mapping[str, Sequence[KnownProperty]],
) -> tuple[str | None, str | None]:
    """The subject: of the entities named (not the speaker), the one with a known property
    the sentence reads like, else the first named; and that property."""
    others = [name for name in dict.fromkeys(name for _, _, name in mentioned) if name != speaker]
    best: tuple[str | None, str | None, float] = (None, None, 0.0)
    if any(properties.get(name) for name in others):
        names = _content(" ".join(sentence[a:b] for a, b, _ in mentioned), language)
        words = _content(sentence, language) - names
        for name in others:
            prop, share = _property(words, language, properties.get(name, ()), names)
            if prop is not None and share > best[2]:
                best = (name, prop, share)
    if best[0] is not None:
        return best[0], best[1]
    return (others[0] if others else None), None


# --- the sentences --------------------------------------------------------------------

_WORDS = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_FULL_STOP = re.compile(r"[.!?…][»“”\"')\]]*$")


def _worth_reading(quote: str) -> bool:
    words = len(_WORDS.findall(quote))
    needed = MIN_WORDS if _FULL_STOP.search(quote) else MIN_HEADLINE_WORDS
    return words >= needed


def extract_candidates(
    text: str,
    language: str,
    published: PartialDate | None = None,
    *,
    entities: Mapping[str, str] | None = None,
    properties: Mapping[str, Sequence[KnownProperty]] | None = None,
    topic_keywords: Mapping[str, Iterable[str]] | None = None,
) -> list[Candidate]:
    """The candidate claims of an article, in the order of the text.

    ``language`` is the article's (en, ru, bg or uk); ``published`` its publication date,
    from which relative dates and months without a year are counted (None: they are left
    out). ``entities`` maps every spelling of a known entity to its name; ``properties``
    gives, per entity name, the properties its claims use already; ``topic_keywords`` the
    keywords of each topic slug. Never raises on text.
    """
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: one of {', '.join(LANGUAGES)}")
    index = _EntityIndex(entities or {})
    known = properties or {}
    keywords = {slug: list(words) for slug, words in (topic_keywords or {}).items()}
    seen: set[str] = set()
    candidates: list[Candidate] = []
    for start, end in sentence_spans(text):
        quote = text[start:end]
        key = fold(quote)
        if key in seen or not _worth_reading(quote):
            continue
        seen.add(key)
        candidate = _read_sentence(quote, start, language, published, index, known, keywords)
        if candidate is not None:
            candidates.append(candidate)
    return candidates


def _read_sentence(
    quote: str,
    start: int,
    language: str,
    published: PartialDate | None,
    index: _EntityIndex,
    properties: Mapping[str, Sequence[KnownProperty]],
    keywords: Mapping[str, Iterable[str]],
) -> Candidate | None:
    signals: list[str] = []
    dates = _dates(quote, language, published)
    quantity = _quantity(quote, [(a, b) for a, b, _ in dates])
    if quantity is not None:
        signals.append("figure")
        if quantity[1].unit == "%":
            signals.append("percent")
        elif quantity[1].unit in CURRENCIES:
            signals.append("money")
    if dates:
        signals.append("date")
    attributed, speaker = _speaker(quote, language, index)
    if attributed:
        signals.append("attribution")
    denied = denial_word(quote) is not None
    if denied:
        signals.append("negation")
    mentioned = index.spans(quote)
    if mentioned:
        signals.append("entity")
    if not signals:
        return None
    subject, prop = _subject(quote, language, mentioned, speaker, properties)
    return Candidate(
        quote=quote,
        start=start,
        end=start + len(quote),
        signals=tuple(signals),
        speaker=speaker,
        value=quantity[0] if quantity else None,
        quantity=quantity[1] if quantity else None,
        dates=tuple(found for _, _, found in dates),
        polarity="denied" if denied else "affirmed",
        entities=tuple(dict.fromkeys(name for _, _, name in mentioned)),
        subject=subject,
        property=prop,
        topics=tuple(match_keywords(quote, language, keywords)) if keywords else (),
    )
