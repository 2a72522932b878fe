"""Languages: text normalisation, compare keys, language detection and keyword matching.

factbase detects and lemmatises four languages (:data:`LANGUAGES`). Detection runs cheap,
certain pre-checks first (scripts, letters and function words that only one of the four
languages uses) and asks lingua, restricted to the four languages, only for the rest: with
every language enabled lingua takes Ukrainian for Kazakh, restricted it tells bg/ru/uk apart.
lingua and simplemma are imported inside the functions that need them, because loading them
costs about a second and most CLI commands never do.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, cast

from factbase.errors import InvalidInput, in_field
from factbase.text.dictionaries import lemmatizer

if TYPE_CHECKING:
    from lingua import LanguageDetector

LANGUAGES: tuple[str, ...] = ("en", "ru", "bg", "uk")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


ISO_639_1: frozenset[str] = _word_set(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr
    ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw
    ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv
    ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr
    ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi
    yo za zh zu
    """
)

_CYRILLIC_LANGUAGES = ("ru", "bg", "uk")
# Order in which an unknown Cyrillic word is tried: Russian is the most common in the corpus.
_GUESS_ORDER = ("ru", "uk", "bg")
_MIN_LETTERS = 3
_MIN_CONFIDENCE = 0.6  # lingua's top value below this: undecidable
_HIGH_CONFIDENCE = 0.9  # language_mismatch warns only above this
_VERY_HIGH_CONFIDENCE = 0.95  # ... or above this for a declared language outside LANGUAGES
_MAX_DETECT_CHARS = 4000

# A word: letters and digits, with inner apostrophes (Ukrainian прем'єр) and hyphens.
_WORD = re.compile(r"[^\W_]+(?:['’ʼ‘`\-‐‑][^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "‐": "-", "‑": "-"})
_LETTER_RUN = re.compile(r"[^\W\d_]+")

# Letters of the Russian, Bulgarian and Ukrainian alphabets; any other Cyrillic letter
# (қ ә ө ү ў ј љ ...) means Kazakh, Belarusian, Serbian or another language we do not detect.
_OUR_CYRILLIC = frozenset("абвгдежзийклмнопрстуфхцчшщъыьэюяёіїєґѝ")
_RU_LETTERS = frozenset("ыэё")  # neither Bulgarian nor Ukrainian has these letters
_UK_LETTERS = frozenset("іїєґ")  # neither Russian nor Bulgarian has these letters
# Bulgarian ъ is a vowel and stands before consonants (България, към, -ът); Russian ъ is a
# separator that only ever precedes е, ё, ю, я (объём, съезд); Ukrainian has no ъ. ѝ is Bulgarian.
_BG_LETTERS = re.compile("ъ[бвгджзйклмнпрстфхцчшщ]|ѝ")
# Russian verb endings: 3rd person -ает/-яет/-ают/-яют (составляет, сообщают) and reflexive
# -тся (является). Ukrainian writes -ає, -ають, -ться; Bulgarian -а, -ат and a separate се.
_RU_ENDING = re.compile("(?:[ая]е|[ая]ю)т$|[^ь]тся$")
_MIN_ENDING_WORD = 5  # letters a word needs before its ending counts
# Function words used in news by one of the three languages only; frequent words shared with
# another of them (ще, уже, тому, що, як) are left out on purpose. Bulgarian е ("is") is no
# Russian or Ukrainian word (Ukrainian writes є).
_FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "bg": _word_set(
        "е че през със във към се са сме сте съм бъде беше бяха това тази този които който която "
        "което също още според когато защото обаче чрез тя ние вие трябва няма ги тях"
    ),
    "ru": _word_set(
        "что это этот эта эти который которая которое которые которых чтобы также тоже если был "
        "была было были будет будут году года его ее её их он она они мы вы со во только еще "
        "ещё когда может более заявил где нет"
    ),
    "uk": _word_set(
        "це цей ця який які він вона вони буде було був були також вже або чи щоб з але проте "
        "зокрема наразі"
    ),
}


# The longest text one field holds (a statement or a quote is far shorter; an article's
# text is not a field). Every way in (add, edit, source add, import) checks it here, so
# whatever the database holds can be exported and imported again.
MAX_TEXT = 100_000
_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be stored on every backend (NUL, a lone surrogate, too long)."""
    if "\x00" in text:
        return "contains a NUL character"
    if not text.isascii() and _SURROGATE.search(text):
        return "contains an unpaired surrogate (broken \\u escape or undecodable bytes)"
    if len(text) > MAX_TEXT:
        return f"longer than {MAX_TEXT:,} characters ({len(text):,})"
    return None


def storable(text: str) -> str:
    """``text`` itself, if every backend can store it; else InvalidInput saying why."""
    problem = text_problem(text)
    if problem:
        raise InvalidInput(problem)
    return text


def normalise_text(text: str) -> str:
    """NFC, strip, and collapse every run of whitespace (no-break spaces too) to one space."""
    return " ".join(unicodedata.normalize("NFC", storable(text)).split())


def tidied_field(text: str | None, field: str, limit: int | None = None) -> str | None:
    """A one-line text field as every way in records it (normalised, checked, at most
    ``limit`` characters), errors naming ``field``; None when empty."""
    if not text:
        return None
    with in_field(field):
        tidied = normalise_text(text)
    return within(tidied, limit, field) if limit else tidied


def normalise_quote(text: str) -> str:
    """NFC only: a quote must match the article, so its words, spacing, line breaks and
    ends are kept as given (NFC changes no character a reader sees, and the article's
    text is compared in NFC too)."""
    return unicodedata.normalize("NFC", storable(text))


def fold(text: str) -> str:
    """The search and compare key: NFC, case-folded, ё read as е, whitespace collapsed.

    Ukrainian ї, і, є and ґ are kept as they are. The diaeresis is removed from е in the
    decomposed form, so even "е" followed by several combining diaereses folds to "е" and
    ``fold`` is idempotent for any input.
    """
    folded = unicodedata.normalize("NFC", text).casefold()
    if "\u0308" in folded or "ё" in folded:
        kept: list[str] = []
        after_e = False
        for char in unicodedata.normalize("NFD", folded):
            if unicodedata.combining(char):
                if char == "\u0308" and after_e:
                    continue
            else:
                after_e = char == "е"
            kept.append(char)
        folded = "".join(kept)
    # Case folding may decompose (ǰ -> j + caron): compose again so the key is NFC.
    return " ".join(unicodedata.normalize("NFC", folded).split())


def validate_language(code: str) -> str:
    """Return ``code`` lower-cased and stripped if it is an ISO 639-1 code, else raise."""
    cleaned = code.strip().lower()
    if cleaned not in ISO_639_1:
        raise InvalidInput(
            f"unknown language code '{code.strip()}': "
            "use a two-letter ISO 639-1 code such as en, ru, bg, uk"
        )
    return cleaned


@lru_cache(maxsize=8192)
def _script(char: str) -> str:
    """'latin', 'cyrillic' or '' for any other character."""
    if not char.isalpha():
        return ""
    if char.isascii():
        return "latin"
    name = unicodedata.name(char, "")
    if name.startswith("LATIN"):
        return "latin"
    return "cyrillic" if name.startswith("CYRILLIC") else ""


@lru_cache(maxsize=65536)
def _scripts(word: str) -> frozenset[str]:
    return frozenset(_script(char) for char in word) - {""}


def _tokens(text: str) -> list[str]:
    """Words of ``text`` (NFC, one apostrophe and hyphen form); numbers and punctuation dropped."""
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    return [w.translate(_APOSTROPHES) for w in words if any(c.isalpha() for c in w)]


@lru_cache(maxsize=8)
def _detector(codes: tuple[str, ...], light: bool = False) -> LanguageDetector:
    # Deferred: only detecting or checking a language needs lingua.
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    isos = [IsoCode639_1.from_str(code) for code in codes]
    builder = LanguageDetectorBuilder.from_iso_codes_639_1(*isos)
    # Light: trigrams only, a twentieth of the full models' load time and memory.
    return (builder.with_low_accuracy_mode() if light else builder).build()


def _lingua(text: str, codes: tuple[str, ...], light: bool = False) -> tuple[str | None, float]:
    values = _detector(codes, light).compute_language_confidence_values(text)
    if not values:
        return None, 0.0
    return values[0].language.iso_code_639_1.name.lower(), values[0].value


@lru_cache(maxsize=65536)
def _word_signs(word: str) -> tuple[bool, bool, tuple[bool, bool, bool]]:
    """Of one word: whether it has Cyrillic letters, whether any is foreign to ru/bg/uk, and
    whether it shows the letters, endings or function words of ru, uk and bg (in that order).

    News repeats its vocabulary, so the answer is kept per word.
    """
    lower = word.lower()
    cyrillic = [char for char in lower if _script(char) == "cyrillic"]
    if not cyrillic:
        return False, False, (False, False, False)
    foreign = any(char not in _OUR_CYRILLIC for char in cyrillic)
    ru = (
        bool(_RU_LETTERS.intersection(lower))
        or lower in _FUNCTION_WORDS["ru"]
        or (len(lower) >= _MIN_ENDING_WORD and _RU_ENDING.search(lower) is not None)
    )
    uk = bool(_UK_LETTERS.intersection(lower)) or lower in _FUNCTION_WORDS["uk"]
    bg = bool(_BG_LETTERS.search(lower)) or lower in _FUNCTION_WORDS["bg"]
    return True, foreign, (ru, uk, bg)


def _points(signs: list[tuple[bool, bool, bool]]) -> dict[str, int]:
    """For each Cyrillic language, how many words show its letters, endings or function words."""
    return {
        code: sum(sign[index] for sign in signs) for index, code in enumerate(("ru", "uk", "bg"))
    }


def _shortcut(points: dict[str, int], words: int) -> str | None:
    """The one Cyrillic language that letters or function words point to, if certain.

    Each (Cyrillic) word counts once for every language whose letters, endings or function
    words it shows. A language wins only if no other language scored at all and it scored on
    two words (one if the text is one word), so a single quoted name cannot decide.
    """
    found = [code for code, count in points.items() if count]
    if len(found) == 1 and points[found[0]] >= min(2, words):
        return found[0]
    return None


@lru_cache(maxsize=16384)
def _detect(text: str, expected: str | None = None) -> tuple[str | None, float]:
    """(language, confidence) with language one of LANGUAGES, or (None, 0.0).

    With ``expected`` (a declared language being checked), a Cyrillic text showing signs of
    that language and of no other is taken to be in it without asking lingua: nothing in
    the text contradicts the declaration; failing that, lingua's light model confirming it
    with high confidence settles it too. Imports repeat texts, so answers are kept.
    """
    text = unicodedata.normalize("NFC", text[:_MAX_DETECT_CHARS])
    letters = latin = cyrillic = 0
    for char, count in Counter(text).items():
        if char.isalpha():
            letters += count
            script = _script(char)
            latin += count if script == "latin" else 0
            cyrillic += count if script == "cyrillic" else 0
    if letters < _MIN_LETTERS:
        return None, 0.0
    if 2 * (latin + cyrillic) < letters:
        return None, 0.0  # mostly Greek, Arabic, CJK ...: none of our languages
    words = _tokens(text)
    if cyrillic == 0:
        # Of LANGUAGES only English is written in Latin letters, so lingua (restricted to
        # LANGUAGES) could only say "en" too. One word may be a name or an acronym of any
        # language: undecidable. Two words may still be a name (Gazprom Neft): "en", but not
        # confident enough for language_mismatch to warn. Other Latin-script languages are
        # not detected and must be declared.
        if len(words) < 2:
            return None, 0.0
        return "en", 1.0 if len(words) > 2 else 0.8
    if cyrillic >= latin:
        cyrillic_words = [signs for signs in map(_word_signs, words) if signs[0]]
        foreign = sum(signs[1] for signs in cyrillic_words)
        if 4 * foreign > len(cyrillic_words):
            return None, 0.0  # Kazakh, Belarusian, Serbian ... text
        # Kazakh and Belarusian use ы, э, ё and і too: a text with any foreign letter (a
        # quoted Kazakh name) is left to lingua.
        if not foreign:
            points = _points([signs[2] for signs in cyrillic_words])
            shortcut = _shortcut(points, len(cyrillic_words))
            if shortcut:
                return shortcut, 1.0
            if expected in points and points[expected] and sum(points.values()) == points[expected]:
                return expected, 1.0
    if len(words) < 2:
        return None, 0.0  # one Cyrillic word without telling letters: нефть, Казахстан
    if expected is not None:
        # Checking a declaration (`add --language ru`): lingua's light model confirms it
        # when sure, so only a doubt loads the full models (0.6 s and 110 MB of a 0.3 s add).
        found, confidence = _lingua(text, LANGUAGES, light=True)
        if found == expected and confidence >= _HIGH_CONFIDENCE:
            return found, confidence
    found, confidence = _lingua(text, LANGUAGES)
    return (found, confidence) if confidence >= _MIN_CONFIDENCE else (None, 0.0)


def detect_language(text: str) -> str | None:
    """One of LANGUAGES, or None when the text is too short or too ambiguous to tell."""
    return _detect(text)[0]


def language_mismatch(text: str, declared: str) -> str | None:
    """A one-line warning when ``text`` is clearly in another language than ``declared``."""
    code = declared.strip().lower()
    if code in LANGUAGES:
        found, confidence = _detect(text, code)
        if found is None or found == code or confidence < _HIGH_CONFIDENCE:
            return None
        return f"text looks like {found}, declared {code}"
    # A language we do not detect: lingua must know it too and still prefer one of ours.
    if code not in ISO_639_1 or len(_tokens(text)) < 2:
        return None
    # Deferred: only detecting or checking a language needs lingua.
    from lingua import IsoCode639_1

    try:
        IsoCode639_1.from_str(code)
    except ValueError:
        return None  # lingua has no model for it (tt, ky ...): undecidable
    found, confidence = _lingua(text[:_MAX_DETECT_CHARS], (*LANGUAGES, code))
    if found in LANGUAGES and confidence >= _VERY_HIGH_CONFIDENCE:
        return f"text looks like {found}, declared {code}"
    return None


@lru_cache(maxsize=65536)
def _lemma(token: str, language: str | None) -> str:
    """Folded lemma of one token read in ``language`` (None: unknown, guess)."""
    scripts = _scripts(token)
    langs: tuple[str, ...] = ()
    if scripts == {"latin"} and (language is None or language in LANGUAGES):
        langs = ("en",)  # Latin words in a Russian text (Brent, Middle Corridor) are English
    elif scripts == {"cyrillic"} and language in _CYRILLIC_LANGUAGES:
        langs = (language,)
    elif scripts == {"cyrillic"} and language in (None, "en"):
        langs = _GUESS_ORDER  # simplemma uses the first language that knows the word
    if not langs:
        return fold(token)
    # simplemma reads its dictionaries from tries on disk: see factbase.text.dictionaries.
    return fold(lemmatizer().lemmatize(token, lang=langs))


def _language_for(text: str, language: str | None) -> str | None:
    code = language.strip().lower() if language else ""
    return code or detect_language(text)


def lemmas(text: str, language: str | None) -> list[str]:
    """Folded lemmas of the words of ``text``.

    ``language`` None means detect it. Cyrillic words of a text whose language stays unknown are
    lemmatised with the first of ru, uk, bg whose dictionary knows them, Latin words as English.
    In a language outside LANGUAGES the words are only folded.
    """
    code = _language_for(text, language)
    return [_lemma(token, code) for token in _tokens(text)]


class WordLemmas:
    """:func:`lemmas` for many texts, each distinct word lemmatised once per language.

    ``keep`` (None: every lemma) says which lemmas are wanted; ``reader(text, language)`` is
    ``[lemma for lemma in lemmas(text, language) if keep(lemma)]``. Reading a million
    statements through :func:`lemmas` spent most of its time splitting and checking words
    that the texts share, so what each word as written comes to is kept, up to
    :data:`MAX_WORDS` words; and the last :data:`MAX_TEXTS` texts' :meth:`distinct`
    lemmas, as news repeats whole sentences.
    """

    MAX_WORDS = 1_000_000
    MAX_TEXTS = 65_536

    def __init__(self, keep: Callable[[str], bool] | None = None) -> None:
        self._keep = keep
        # Language -> word as written -> its lemma, None when it is no word or not kept.
        self._known: dict[str | None, dict[str, str | None]] = {}
        self._size = 0
        self._texts: dict[str | None, dict[str, frozenset[str]]] = {}
        self._text_count = 0
        # Texts of other words often come to the same lemmas: each set held once.
        self._sets: dict[frozenset[str], frozenset[str]] = {}

    def __call__(self, text: str, language: str | None) -> list[str]:
        return [lemma for lemma in self._lemmas(text, language) if lemma is not None]

    def distinct(self, text: str, language: str | None) -> frozenset[str]:
        """The lemmas of ``text`` that ``keep`` keeps, each once."""
        texts = self._texts.get(language)
        if texts is None:
            texts = self._texts[language] = {}
        found = texts.get(text)
        if found is None:
            if self._text_count >= self.MAX_TEXTS:
                texts.clear()
                self._texts = {language: texts}
                self._sets.clear()
                self._text_count = 0
            lemmas = frozenset(self._lemmas(text, language))
            kept = cast(frozenset[str], lemmas - _NO_LEMMA if None in lemmas else lemmas)
            found = texts[text] = self._sets.setdefault(kept, kept)
            self._text_count += 1
        return found

    def _lemmas(self, text: str, language: str | None) -> list[str | None]:
        code = _language_for(text, language)
        known = self._known.get(code)
        if known is None:
            known = self._known[code] = {}
        words = _WORD.findall(unicodedata.normalize("NFC", text))
        try:
            return list(map(known.__getitem__, words))
        except KeyError:
            pass
        if self._size + len(words) > self.MAX_WORDS:
            known.clear()
            self._known = {code: known}
            self._size = 0
        for word in words:
            if word not in known:
                known[word] = self._lemma(word, code)
                self._size += 1
        return list(map(known.__getitem__, words))

    def _lemma(self, word: str, code: str | None) -> str | None:
        # As _tokens reads a word: numbers dropped, one apostrophe and hyphen form.
        if not any(char.isalpha() for char in word):
            return None
        lemma = _lemma(word.translate(_APOSTROPHES), code)
        return lemma if self._keep is None or self._keep(lemma) else None


_NO_LEMMA = frozenset([None])


def search_lemmas(text: str, language: str | None) -> str:
    """The folded lemmas of the words of ``text``, each once, separated by spaces: what
    `list --search` finds a word's dictionary form in.

    ``language`` is the claim's (None: each Cyrillic word is read in the first of ru, uk, bg
    whose dictionary knows it, as for an unknown text; no detection runs).
    """
    return " ".join(dict.fromkeys(_lemma(token, language) for token in _tokens(text)))


# Words a search leaves out when it has others (they are still part of its phrase): so
# common that every claim holds them, they would find every claim and rank none higher.
SEARCH_STOPWORDS = _word_set(
    "a an the of in on at to and or for is are was were be by with from as that this it "  # en
    "в во на и или с со к ко по о об от до за из у не а но что как это же ли "  # ru
    "във със към за от до из у не а но че е и или на по с в "  # bg
    "в у на і й та або з із зі до по за від не а але що як це"  # uk
)


def search_forms(text: str, language: str | None) -> set[tuple[str, str]]:
    """The (folded word, folded lemma) pairs of the words of ``text`` whose lemma in
    ``language`` differs from the word, as :func:`search_lemmas` reads them: what lets a
    search for "нефти" find its lemma "нефть" without loading a dictionary."""
    pairs = {(fold(token), _lemma(token, language)) for token in _tokens(text)}
    return {(form, lemma) for form, lemma in pairs if form != lemma}


def word_forms(
    text: str,
    language: str | None,
    stored: Callable[[str], tuple[str, ...] | None] | None = None,
) -> list[tuple[str, ...]]:
    """For each word of a search, the folded forms it finds among claims' lemmas: the word
    as typed, and its lemma in ``language`` (None: guessed, as :func:`search_lemmas` does).

    ``stored`` gives what the database knows of a folded word already: the lemmas it has
    on record for it (the word itself when some claim holds it as a lemma, as users type
    the dictionary form; the lemmas of claims that hold it as an inflected form), or None
    when no claim holds it. A word the database knows is not lemmatised again: loading a
    language's dictionary takes 0.15-1.2 s, all three Cyrillic ones ~4 s.
    """
    found: list[tuple[str, ...]] = []
    for token in _tokens(text):
        folded = fold(token)
        held = stored(folded) if stored is not None else None
        if held is not None:
            found.append(tuple(dict.fromkeys((folded, *held))))
        else:
            found.append(tuple(dict.fromkeys((folded, _lemma(token, language)))))
    return found


@lru_cache(maxsize=65536)
def keyword_forms(keyword: str, language: str | None) -> frozenset[tuple[str, ...]]:
    """The folded word sequences ``keyword`` matches in a text of ``language``: as written,
    and lemmatised as a word of that language (None: guessed, as for the text).

    Reading the keyword in the text's language only means one dictionary is loaded for a
    claim, not four: `factbase add` would otherwise spend seconds loading all of them.
    """
    tokens = _tokens(keyword)
    if not tokens:
        return frozenset()
    written = tuple(fold(token) for token in tokens)
    return frozenset({written, tuple(_lemma(token, language) for token in tokens)})


def match_keywords(
    text: str, language: str | None, keywords: Mapping[str, Iterable[str]]
) -> list[str]:
    """Sorted topic slugs with a keyword whose lemmas (or folded words) occur in ``text``."""
    return sorted(keyword_matches(text, language, keywords))


def keyword_matches(
    text: str, language: str | None, keywords: Mapping[str, Iterable[str]]
) -> dict[str, str]:
    """Topic slug -> the first of its keywords (in the order given) whose lemmas (or
    folded words) occur in ``text``, for each topic with one; by slug. For one text: a
    caller matching many keeps a :class:`KeywordIndex`."""
    return KeywordIndex(keywords).matches(text, language)


# A keyword form: its folded words (or their lemmas), in order.
Form = tuple[str, ...]


class KeywordIndex:
    """The keywords of several slugs, filed by the first word of each of their forms.

    A text then looks up only the forms that start with one of its own words, so matching
    it costs time that grows with the text, not with the keywords (the occasion words,
    a topic vocabulary of hundreds). A slug's match is the first of its keywords, in the
    order given, that occurs in the text, as :func:`keyword_forms` reads it in the text's
    language. The forms are worked out for a language and a set of scripts when a text
    of them first asks: a keyword in a script the text does not use cannot occur in it,
    and leaving it out spares loading the English dictionary for a Cyrillic text.
    """

    def __init__(self, keywords: Mapping[str, Iterable[str]]) -> None:
        # (slug, keyword, the keyword's scripts), a slug's keywords in their order: a
        # position here is a keyword's rank, the lower the better.
        self._ranked = [
            (slug, keyword, _scripts(keyword))
            for slug in sorted(keywords)
            for keyword in keywords[slug]
        ]
        self._forms: dict[tuple[str | None, frozenset[str]], dict[str, list[tuple[int, Form]]]]
        self._forms = {}

    def __bool__(self) -> bool:
        return bool(self._ranked)

    def matches(self, text: str, language: str | None) -> dict[str, str]:
        """Slug -> its first keyword occurring in ``text`` (read in ``language``; None:
        detected), for each slug with one; by slug."""
        tokens = _tokens(text)
        if not tokens:
            return {}
        code = _language_for(text, language)
        # Each position matches its lemma or its folded word.
        options = [{_lemma(token, code), fold(token)} for token in tokens]
        starts: dict[str, list[int]] = {}
        for position, words in enumerate(options):
            for word in words:
                starts.setdefault(word, []).append(position)
        scripts: frozenset[str] = frozenset().union(*(_scripts(token) for token in tokens))
        forms = self._forms_of(code, scripts)
        best: dict[str, int] = {}
        for word, positions in starts.items():
            for rank, form in forms.get(word, ()):
                slug = self._ranked[rank][0]
                if best.get(slug, rank + 1) > rank and _occurs(form, positions, options):
                    best[slug] = rank
        return {slug: self._ranked[best[slug]][1] for slug in sorted(best)}

    def _forms_of(
        self, code: str | None, scripts: frozenset[str]
    ) -> dict[str, list[tuple[int, Form]]]:
        """The forms of every keyword a text of ``scripts`` can hold, by their first word."""
        forms = self._forms.get((code, scripts))
        if forms is None:
            forms = {}
            for rank, (_slug, keyword, needs) in enumerate(self._ranked):
                if needs <= scripts:
                    for form in keyword_forms(keyword, code):
                        forms.setdefault(form[0], []).append((rank, form))
            self._forms[(code, scripts)] = forms
        return forms


def _occurs(form: Form, starts: list[int], options: list[set[str]]) -> bool:
    """Whether ``form`` occurs at one of the positions its first word ``starts`` at."""
    return any(
        position + len(form) <= len(options)
        and all(word in options[position + i] for i, word in enumerate(form))
        for position in starts
    )


# Quotation marks of English, Russian, Ukrainian and Bulgarian typing, and apostrophes.
_QUOTE_MARKS = re.compile(
    "[\"'`\u00ab\u00bb\u201e\u201c\u201d\u201f\u2018\u2019\u201a\u201b\u2039\u203a\u02bc]"
)
_DASHES = re.compile("[\u2010-\u2015\u2212]")
_SPACE = re.compile(r"\s+")


def duplicate_key(text: str | None) -> str | None:
    """``text`` folded for comparing claims, so one sentence typed twice is seen as one
    (:mod:`factbase.claims.duplicates`); None when nothing is left to compare."""
    if not text:
        return None
    folded = _QUOTE_MARKS.sub("", fold(text))
    folded = _DASHES.sub("-", folded)
    folded = _SPACE.sub(" ", folded).strip().rstrip(".!?…").strip()
    return folded or None


def confusable_words(text: str) -> list[str]:
    """Words mixing Latin and Cyrillic letters (Kaзахстан with a Latin K), in order, unique.

    Hyphenated parts are separate words, so PR-кампания is not flagged.
    """
    found: dict[str, None] = {}
    for word in _LETTER_RUN.findall(unicodedata.normalize("NFC", text)):
        if _scripts(word) == {"latin", "cyrillic"}:
            found.setdefault(word, None)
    return list(found)


def within(text: str, limit: int, what: str) -> str:
    """``text`` unchanged if it fits its column; the same limit on every backend."""
    if len(text) > limit:
        raise InvalidInput(f"{what} is longer than {limit} characters")
    return text
