"""Quantities as journalists write them: "около 80%", "441 млрд тенге", "up to 20 million tonnes".

:func:`parse_quantity` turns such a phrase (en/ru/bg/uk) into a canonical number, a unit code
and the interval of values the words allow, so that two claims can be compared with
:meth:`Quantity.overlaps`.

Interval rules:

* exact: half a unit of the last stated digit, after scaling ("1,5 млн" -> 1.45e6..1.55e6).
  Trailing zeros of an integer count as stated digits ("4200" -> 4199.5..4200.5).
* approx ("около", "about", "~"): ±10 % of the value, never narrower than the exact interval.
* almost ("почти", "nearly"): from 90 % of the value up to the value.
* over / at_least: the value is the lower bound; under / up_to: it is the upper bound.
* range ("10–15 %", "от 10 до 15"): the two stated numbers; the value is the midpoint.

Internally numbers are :class:`~decimal.Decimal` so that the stated digits (and so the
rounding interval) survive; the public :class:`Quantity` holds floats.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Context, Decimal, localcontext
from types import MappingProxyType
from typing import Literal, NamedTuple, TypeVar, cast, get_args

from factbase.errors import InvalidValue

__all__ = ["UNITS", "Qualifier", "Quantity", "normalise_unit", "parse_quantity",
           "quantity_from_parts"]  # fmt: skip

Qualifier = Literal["exact", "approx", "almost", "over", "at_least", "under", "up_to", "range"]
_QUALIFIERS: frozenset[str] = frozenset(get_args(Qualifier))

MAX_TEXT_LENGTH = 200
MAX_DIGITS = 40
# Enough precision for 40 stated digits times a trillion, so no stated digit is ever lost.
_CONTEXT = Context(prec=80)

UNITS: Mapping[str, str] = MappingProxyType({
    "%": "percent", "KZT": "Kazakhstani tenge", "USD": "US dollar", "EUR": "euro",
    "RUB": "Russian rouble", "CNY": "Chinese yuan", "GBP": "pound sterling",
    "UAH": "Ukrainian hryvnia", "BGN": "Bulgarian lev", "t": "tonne", "bbl": "barrel",
    "m3": "cubic metre", "x": "times (multiplier)", "km": "kilometre", "MW": "megawatt",
    "GW": "gigawatt", "MWh": "megawatt-hour", "kWh": "kilowatt-hour", "year": "year (duration)",
    "day": "day (duration)",
})  # fmt: skip
_PREFIX_UNITS = frozenset({"KZT", "USD", "EUR", "RUB", "CNY", "GBP", "UAH", "BGN", "x"})


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str
    value: float
    unit: str | None
    low: float | None
    high: float | None
    qualifier: Qualifier

    def overlaps(self, other: Quantity) -> bool:
        """True when both intervals share a value; quantities in different units never do."""
        if self.unit != other.unit:
            return False
        low = max(_or(self.low, -math.inf), _or(other.low, -math.inf))
        high = min(_or(self.high, math.inf), _or(other.high, math.inf))
        return low <= high

    def describe(self) -> str:
        """Short stable form for one-line explanations: "80 % ±10 %", ">4 000", "10–15 %"."""
        unit = "" if self.unit is None else f" {self.unit}"
        number = _fmt(self.value)
        match self.qualifier:
            case "range":
                return f"{_fmt(self.low)}–{_fmt(self.high)}{unit}"
            case "over" | "at_least" | "under" | "up_to":
                sign = {"over": ">", "at_least": "≥", "under": "<", "up_to": "≤"}[self.qualifier]
                return f"{sign}{number}{unit}"
            case "almost":
                return f"almost {number}{unit}"
            case "approx" if self.high is not None:
                spread = self.high - self.value
                if self.value == 0:
                    return f"{number}{unit} ±{_fmt(spread)}{unit}"
                return f"{number}{unit} ±{_fmt(spread / abs(self.value) * 100)} %"
            case "approx":
                return f"~{number}{unit}"
        return f"{number}{unit}"


def _or(bound: float | None, default: float) -> float:
    return default if bound is None else bound


def _fmt(x: float | None) -> str:
    """At most 6 significant digits, thousands grouped with a space: "4 000", "2.75"."""
    if x is None:
        return "?"
    if x == 0:
        return "0"
    if not 1e-4 <= abs(x) < 1e15:
        return f"{x:.6g}"
    rounded = float(f"{x:.6g}")
    if rounded.is_integer():
        return f"{int(rounded):,}".replace(",", " ")
    return f"{rounded:,.6f}".rstrip("0").replace(",", " ")


# --- Tokens -------------------------------------------------------------------------------


class _Tok(NamedTuple):
    kind: str  # "num", "word" or "sym"
    text: str


# A number is digits with "." or "," marks, or with single-space groups of exactly three digits
# ("1 500 000"); the marks are interpreted later by _read_digits. Words may contain a hyphen
# or an apostrophe ("по-малко", "п'ять") and end in one digit ("m3"). Other characters
# (brackets, trailing dots, "·" in "МВт·ч") separate tokens and are otherwise ignored.
_TOKEN_RE = re.compile(
    r"(?P<num>[0-9]+(?:[.,][0-9]+| [0-9]{3}(?![0-9]))*(?:e[+-]?[0-9]+)?)"
    r"|(?P<word>[^\W\d_]+(?:['-][^\W\d_]+)*[0-9]?)"
    r"|(?P<sym>[%$€₽₸₴£~≈<>≤≥+×±\-−–—])"
)
_FOLD = str.maketrans({"ё": "е", "’": "'", "ʼ": "'", "‘": "'", "\u00a0": " ", "\u202f": " ",
                       "\u2009": " ", "\u2007": " ", "\t": " ", "\n": " ", "\r": " "})  # fmt: skip
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_MINUS = frozenset({"-", "−"})


def _clean(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _fold(text: str) -> str:
    """Case, Ё, apostrophe and space variants must not matter."""
    return text.lower().translate(_FOLD)


def _tokenize(folded: str) -> list[_Tok]:
    tokens = []
    for match in _TOKEN_RE.finditer(folded):
        tokens.append(_Tok(match.lastgroup or "", match.group()))
    return tokens


# --- Vocabulary ---------------------------------------------------------------------------

V = TypeVar("V")


def _table(groups: Mapping[V, str]) -> dict[tuple[str, ...], V]:
    """Comma-separated spellings -> value, keyed by their tokens so lookups match the input."""
    table: dict[tuple[str, ...], V] = {}
    for value, spellings in groups.items():
        for spelling in spellings.split(","):
            table[tuple(tok.text for tok in _tokenize(_fold(spelling.strip())))] = value
    return table


_SCALES = _table({
    3: "thousand, thousands, k, тыс, тысяча, тысячи, тысяч, тысячу, хиляда, хиляди, хил, "
       "тис, тисяча, тисячі, тисяч, тисячу",
    6: "million, millions, mn, m, mln, mio, млн, миллион, миллиона, миллионов, милион, "
       "милиона, милиони, мільйон, мільйона, мільйони, мільйонів",
    9: "billion, billions, bn, b, bln, млрд, миллиард, миллиарда, миллиардов, милиард, "
       "милиарда, милиарди, мільярд, мільярда, мільярди, мільярдів",
    12: "trillion, trillions, tn, trn, трлн, триллион, триллиона, триллионов, трилион, "
        "трилиона, трилиони, трильйон, трильйона, трильйони, трильйонів",
})  # fmt: skip

# (code, power of ten to multiply by): kg are stored as tonnes, "bcm" is 1e9 m3.
_UNIT_TABLE = _table({(code, 0): code for code in UNITS}) | _table({
    ("%", 0): "percent, per cent, pct, процент, процента, процентов, проц, відсоток, "
              "відсотка, відсотки, відсотків",
    ("KZT", 0): "tenge, тенге, теңге, тг, ₸",
    ("USD", 0): "dollar, dollars, us dollars, us $, $, доллар, доллара, долларов, долл, "
                "долар, долара, долари, доларів, дол",
    ("EUR", 0): "euro, euros, евро, євро, €",
    ("RUB", 0): "rouble, roubles, ruble, rubles, рубль, рубля, рублей, рубли, руб, рубла, "
                "рублі, рублів, ₽",
    ("CNY", 0): "yuan, renminbi, rmb, юань, юаня, юаней, юани, юана, юані, юанів",
    ("GBP", 0): "pounds sterling, £, фунтов стерлингов, фунта стерлингов, фунтів стерлінгів",
    ("UAH", 0): "hryvnia, hryvnias, hryvnas, гривна, гривны, гривен, гривни, гривня, гривні, "
                "гривень, грн, ₴",
    ("BGN", 0): "lev, leva, лев, лева, левов, лв",
    ("t", 0): "tonne, tonnes, ton, tons, metric tons, т, тн, тонна, тонны, тонн, тонну, "
              "тона, тони, тонни",
    ("t", 6): "mt, megatonne, megatonnes, мегатонна, мегатонны, мегатонн, мегатона, мегатони",
    ("t", 3): "kt, kilotonne, kilotonnes, килотонна, килотонны, килотонн, килотона, килотони, "
              "кілотонна, кілотонни, кілотонн",
    ("t", -3): "kg, kilogram, kilograms, kilogramme, kilogrammes, кг, килограмм, килограмма, "
               "килограммов, килограма, килограми, кілограм, кілограма, кілограмів",
    ("bbl", 0): "barrel, barrels, баррель, барреля, баррелей, барел, барела, барели, барелів",
    ("m3", 0): "m³, м3, м³, cubic metre, cubic metres, cubic meter, cubic meters, кубометр, "
               "кубометра, кубометров, кубометры, кубов, куб м, кубических метров, кубически "
               "метра, кубометри, кубометрів, кубічних метрів",
    ("m3", 9): "bcm",
    ("x", 0): "×, х, times, раз, раза, рази, разів, пъти",
    ("km", 0): "kilometre, kilometres, kilometer, kilometers, км, километр, километра, "
               "километров, километри, кілометр, кілометра, кілометри, кілометрів",
    ("MW", 0): "megawatt, megawatts, мвт, мегаватт, мегаватта, мегаватов, мегават, мегавата, "
               "мегавати, мегаватів",
    ("GW", 0): "gigawatt, gigawatts, гвт, гигаватт, гигаватта, гигаватов, гигават, гигавата, "
               "гигавати, гігават, гігавати, гігаватів",
    ("MWh", 0): "megawatt-hour, megawatt-hours, megawatt hours, мвт ч, мвт-ч, мвтч, мвт год, "
                "мегаватт-час, мегаватт-часов",
    ("kWh", 0): "kilowatt-hour, kilowatt-hours, kilowatt hours, квт ч, квт-ч, квтч, квт год, "
                "киловатт-час, киловатт-часов, кіловат-година, кіловат-годин",
    ("year", 0): "years, yr, yrs, год, года, лет, година, години, рік, роки, років",
    ("day", 0): "days, день, дня, дней, ден, дни, дена, дні, днів, доба, доби, діб",
})  # fmt: skip

_LEADERS = _table({
    "approx": "about, around, approximately, approx, roughly, some, circa, close to, an estimated, "
              "estimated, ~, ≈, около, приблизно, приблизительно, приблизително, близо, "
              "близько, порядка, порядку, примерно, ориентировочно, към",
    "almost": "almost, nearly, почти, майже, едва не",
    "over": "over, more than, above, exceeding, in excess of, upwards of, greater than, >, "
            "более, больше, свыше, более чем, больше чем, понад, більше, більш ніж, "
            "більше ніж, над, повече от, повече",
    "at_least": "at least, no less than, not less than, ≥, не менее, не меньше, минимум, "
                "как минимум, щонайменше, не менше, не менш ніж, принаймні, мінімум, поне, "
                "най-малко",
    "under": "under, less than, below, fewer than, <, менее, меньше, менш ніж, менше, "
             "менше ніж, под, по-малко от, по-малко",
    "up_to": "up to, no more than, not more than, at most, as much as, ≤, до, не более, "
             "не больше, максимум, не більше, не більш ніж, максимально, най-много, "
             "не повече от",
    "open": "from, between, от, между, с, від, між, з, із",
})  # fmt: skip
_TRAILERS = _table({
    "at_least": "or more, and more, +, и более, и больше, или более, или больше, і більше, "
                "або більше, и повече, или повече",
    "up_to": "or less, or fewer, и менее, и меньше, или менее, или меньше, або менше, "
             "или по-малко",
})  # fmt: skip
# True: the connector only makes a range after an opener ("от 10 до 15", "между 10 и 15");
# "до" alone after a number ("5% до 2030 года") is not a range.
_CONNECTORS = _table({False: "to, -, −, –, —", True: "до, and, и, і, й, та"})

_NUMBER_WORDS = _table({
    Decimal(1): "one, один, одна, одно, одну, одне, един, една, едно",
    Decimal(2): "two, два, две, дві, двух, двох",
    Decimal(3): "three, три, трех, трьох",
    Decimal(4): "four, четыре, чотири, четири, четырех, чотирьох",
    Decimal(5): "five, пять, п'ять, пет, пяти, п'яти",
    Decimal(6): "six, шесть, шість, шест",
    Decimal(7): "seven, семь, сім, седем",
    Decimal(8): "eight, восемь, вісім, осем",
    Decimal(9): "nine, девять, дев'ять, девет",
    Decimal(10): "ten, десять, десет",
    Decimal("1.5"): "полтора, полторы, півтора, півтори",
})  # fmt: skip
# Denominators: "одна пятая" / "one fifth" / "една пета" = 20 %; alone, "треть" = 1/3.
_FRACTIONS = _table({
    2: "half, halves, половина, половину, половины, половината",
    3: "third, thirds, треть, трети, третей, третина, третини, третину",
    4: "quarter, quarters, четверть, четверти, четвертей, четвърт, четвърти, чверть, чверті",
    5: "fifth, fifths, пятая, пятую, пятых, пета, пети, п'ята, п'яту, п'яті, п'ятих",
    10: "tenth, tenths, десятая, десятую, десятых, десета, десети, десята, десяту, десятих",
})  # fmt: skip
_MULTIPLIERS = _table({
    2: "twice, twofold, вдвое, вдвічі, удвічі, удвоє, двойно",
    3: "thrice, threefold, втрое, втричі, утричі, тройно",
    4: "fourfold, вчетверо, учетверо, четворно",
    5: "fivefold, впятеро, вп'ятеро",
    10: "tenfold, вдесятеро",
})  # fmt: skip
# Verbs inflect too much to list ("удвоилось", "утроились", "подвоїлася", "doubled"): use stems.
_MULTIPLIER_STEMS = (("удвои", 2), ("удвое", 2), ("утрои", 3), ("утрое", 3), ("подвої", 2),
                     ("потрої", 3), ("doubl", 2), ("tripl", 3), ("quadrupl", 4))  # fmt: skip
_MAX_PHRASE = max(len(key) for key in (*_UNIT_TABLE, *_LEADERS, *_TRAILERS))


def _match(toks: list[_Tok], i: int, table: Mapping[tuple[str, ...], V]) -> tuple[V, int] | None:
    """Longest phrase of `table` starting at toks[i]: (its value, index after it)."""
    for n in range(_MAX_PHRASE, 0, -1):
        key = tuple(tok.text for tok in toks[i : i + n])
        if len(key) == n and key in table:
            return table[key], i + n
    return None


# --- Numbers ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Amount:
    number: Decimal  # as written, sign applied
    half: Decimal  # half a unit of the last stated digit of `number`
    scale: Decimal | None = None  # thousand, million, ... when a scale word followed
    unit: str | None = None
    factor: Decimal = Decimal(1)  # unit conversion: kg -> t, bcm -> m3

    def multiplier(self) -> Decimal:
        return (Decimal(1) if self.scale is None else self.scale) * self.factor


def _fail(text: str, why: str) -> InvalidValue:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return InvalidValue(f"cannot read a quantity from {shown!r}: {why}")


def _half_unit(number: Decimal) -> Decimal:
    exponent = number.as_tuple().exponent
    assert isinstance(exponent, int)
    return Decimal((0, (5,), exponent - 1))


def _decimal_mark(marks: str, groups: list[str], english: bool) -> str | None:
    """Which of "." / "," is the decimal mark; None when all marks group thousands.

    * both kinds ("1,234.5", "1.234,5"): the last mark is decimal, the others group thousands;
    * one kind repeated ("1,500,000", "1.500.000"): thousands separators;
    * a single "." is decimal ("1.5");
    * a single "," groups thousands only when exactly three digits follow, one to three
      digits not starting with 0 precede, and the text is English-ish (has no Cyrillic):
      "4,200" -> 4200, but "4,200 тонн", "1,5", "2,75", "0,500" and "1234,567" are decimals.
    Raises ValueError for marks that fit no pattern ("1.2.3", "12.03.2022").
    """
    if not marks:
        return None
    grouped = 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:-1])
    if len(set(marks)) == 2:
        if marks.count(marks[-1]) != 1 or not grouped:
            raise ValueError
        return marks[-1]
    if len(marks) > 1:
        if not grouped or len(groups[-1]) != 3:
            raise ValueError
        return None
    thousands = english and len(groups[1]) == 3 and len(groups[0]) <= 3
    return None if marks == "," and thousands and groups[0][0] != "0" else marks


def _read_digits(raw: str, english: bool, text: str) -> Decimal:
    mantissa, _, exponent = raw.replace(" ", "").partition("e")
    groups = re.split("[.,]", mantissa)
    if sum(map(len, groups)) > MAX_DIGITS:
        raise _fail(text, f"more than {MAX_DIGITS} digits")
    if len(exponent.lstrip("+-")) > 4:
        raise _fail(text, "the exponent is out of range")
    try:
        mark = _decimal_mark("".join(c for c in mantissa if c in ".,"), groups, english)
    except ValueError:
        raise _fail(text, f"{raw!r} is not a well-formed number") from None
    digits = "".join(groups) if mark is None else f"{''.join(groups[:-1])}.{groups[-1]}"
    return Decimal(digits + (f"e{exponent}" if exponent else ""))


def _read_number(toks: list[_Tok], i: int, english: bool, text: str) -> _Amount | None:
    """The number at toks[i]: digits, a number word, a fraction or a multiplier word."""
    tok = toks[i]
    if tok.kind == "num":
        number = _read_digits(tok.text, english, text)
        return _Amount(number, _half_unit(number))
    key = (tok.text,)
    if key in _NUMBER_WORDS:
        number = _NUMBER_WORDS[key]
        return _Amount(number, _half_unit(number))
    if key in _FRACTIONS:
        return _Amount(Decimal(100) / _FRACTIONS[key], Decimal("0.5"), unit="%")
    times = _MULTIPLIERS.get(key)
    for stem, n in _MULTIPLIER_STEMS:
        times = times or (n if tok.text.startswith(stem) else None)
    return None if times is None else _Amount(Decimal(times), Decimal("0.5"), unit="x")


def _read_amount(toks: list[_Tok], i: int, english: bool, text: str) -> tuple[_Amount, int] | None:
    """[-] [currency] number [fraction | scale] [unit] at toks[i]; None if no number is there."""
    negative = i < len(toks) and toks[i].text in _MINUS
    i += negative
    prefix = _match(toks, i, _UNIT_TABLE)
    if prefix is not None and prefix[0][0] in _PREFIX_UNITS:  # "$918 million", "€1.5bn"
        i = prefix[1]
    else:
        prefix = None
    if i >= len(toks) or (amount := _read_number(toks, i, english, text)) is None:
        return None
    i += 1
    if amount.unit is None and (fraction := _match(toks, i, _FRACTIONS)) is not None:
        amount = _Amount(amount.number * 100 / fraction[0], Decimal("0.5"), unit="%")
        i = fraction[1]
    if amount.unit is None and (scale := _match(toks, i, _SCALES)) is not None:
        amount.scale, i = Decimal(10) ** scale[0], scale[1]
    if amount.unit is None and (unit := _match(toks, i, _UNIT_TABLE)) is not None:
        (amount.unit, power), i = unit
        amount.factor = Decimal(10) ** power
    if prefix is not None:
        (code, power), _ = prefix
        if amount.unit not in (None, code):
            raise _fail(text, f"two different units, {code} and {amount.unit}")
        amount.unit, amount.factor = code, Decimal(10) ** power
    if negative:
        amount.number = -amount.number
    return amount, i


def _join_range(first: _Amount, second: _Amount, text: str) -> None:
    """Let the ends of "10–15 млн тонн" share the scale and unit written once."""
    if first.scale is None and second.scale is not None and first.number <= second.number:
        # Only when it keeps the order: "500 to 1 million" is 500..1e6, not 500e6..1e6.
        first.scale = second.scale
    if first.unit is None:
        first.unit, first.factor = second.unit, second.factor
    elif second.unit is None:
        second.unit, second.factor = first.unit, first.factor
    elif first.unit != second.unit:
        raise _fail(text, f"a range from {first.unit} to {second.unit}")


# --- Building quantities ------------------------------------------------------------------


def _float(number: Decimal | None, text: str) -> float | None:
    if number is None:
        return None
    result = float(number)
    if not math.isfinite(result):
        raise _fail(text, "the number is out of range")
    return result


def _build(text: str, qualifier: str, first: _Amount, second: _Amount | None = None) -> Quantity:
    value = first.number * first.multiplier()
    half = first.half * first.multiplier()
    low: Decimal | None
    high: Decimal | None
    if second is not None:
        qualifier, low, high = "range", value, second.number * second.multiplier()
        if low > high:
            raise _fail(text, "the range ends below its start")
        value = low / 2 + high / 2
    elif qualifier == "approx":
        width = max(abs(value) / 10, half)
        low, high = value - width, value + width
    elif qualifier == "almost":
        low, high = sorted((value * Decimal("0.9"), value))
    elif qualifier in ("over", "at_least"):
        low, high = value, None
    elif qualifier in ("under", "up_to"):
        low, high = None, value
    else:
        low, high = value - half, value + half
    assert qualifier in _QUALIFIERS
    number = _float(value, text)
    assert number is not None
    bounds = _float(low, text), _float(high, text)
    return Quantity(text, number, first.unit, *bounds, cast(Qualifier, qualifier))


def _start(text: str) -> str:
    if not isinstance(text, str):
        raise InvalidValue(f"a quantity must be text, not {type(text).__name__}")
    text = _clean(text)
    if not text:
        raise InvalidValue("a quantity cannot be empty")
    if len(text) > MAX_TEXT_LENGTH:
        raise _fail(text, f"longer than {MAX_TEXT_LENGTH} characters")
    return text


def parse_quantity(text: str) -> Quantity:
    """Read a quantity such as "около 80%" or "up to 20 million tonnes".

    Words before the number are qualifiers (unknown ones are skipped); words after the
    number and unit are the counted noun and are ignored ("4 тысяч новых фирм").
    """
    text = _start(text)
    folded = _fold(text)
    english = _CYRILLIC.search(folded) is None
    toks = _tokenize(folded)
    qualifier, opened, i = "exact", False, 0
    found: tuple[_Amount, int] | None = None
    with localcontext(_CONTEXT):
        # Before the number: qualifiers (the last one wins), range openers and noise words.
        while i < len(toks) and found is None:
            lead = _match(toks, i, _LEADERS)
            if lead is not None:
                opened = opened or lead[0] == "open"
                qualifier = qualifier if lead[0] == "open" else lead[0]
                i = lead[1]
            elif (found := _read_amount(toks, i, english, text)) is None:
                i += 1
        if found is None:
            raise _fail(text, "no number")
        first, i = found
        connector = _match(toks, i, _CONNECTORS)
        if connector is not None and (opened or not connector[0]):
            ending = _read_amount(toks, connector[1], english, text)
            if ending is not None:
                _join_range(first, ending[0], text)
                return _build(text, qualifier, first, ending[0])
        trailer = _match(toks, i, _TRAILERS)
        if trailer is not None and qualifier == "exact":  # "80% и более", "4000+"
            qualifier = trailer[0]
        return _build(text, qualifier, first)


def _unit_entry(unit: str) -> tuple[str, int] | None:
    unit = _clean(unit) if isinstance(unit, str) else unit
    if not isinstance(unit, str) or len(unit) > MAX_TEXT_LENGTH:
        raise InvalidValue(f"unknown unit {str(unit)[:40]!r}")
    if not unit:
        return None
    entry = _UNIT_TABLE.get(tuple(tok.text for tok in _tokenize(_fold(unit))))
    if entry is None:
        raise InvalidValue(f"unknown unit {unit!r}; known units: {', '.join(UNITS)}")
    return entry


def normalise_unit(text: str) -> str | None:
    """Any spelling of a unit ("млрд"-free) -> its code: "тонн" -> "t", "$" -> "USD"; "" -> None.

    "kg" gives "t" and "bcm" gives "m3": quantity_from_parts converts the value accordingly.
    """
    entry = _unit_entry(text)
    return None if entry is None else entry[0]


_RENDER_WORDS = {"exact": "", "approx": "about ", "almost": "almost ", "over": "over ",
                 "at_least": "at least ", "under": "under ", "up_to": "up to "}  # fmt: skip


def quantity_from_parts(
    value: float, unit: str | None = None, qualifier: Qualifier = "exact", text: str | None = None
) -> Quantity:
    """A quantity from an importer's value_num/unit/qualifier.

    The stated digits are those of ``repr(value)``, with an integral float read as an
    integer (4200.0 -> "4200", so ±0.5). The default text renders back to the same quantity.
    """
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"a quantity value must be a number, not {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidValue(f"a quantity value must be finite, not {value!r}")
    if qualifier not in _RENDER_WORDS:
        raise InvalidValue(f"unknown qualifier {qualifier!r} for a single value")
    if isinstance(value, int) and abs(value) >= 10**MAX_DIGITS:
        raise InvalidValue(f"the value has more than {MAX_DIGITS} digits")
    entry = None if unit is None else _unit_entry(unit)
    # int()/float() first: the repr of a subclass (numpy, enums) is not a plain number.
    written = str(int(value)) if isinstance(value, int) else repr(float(value)).removesuffix(".0")
    number = Decimal(written)
    code, power = (None, 0) if entry is None else entry
    # A converting unit ("500 kg", "5 bcm") is rendered as given so the text reads naturally.
    shown = "" if code is None else " " + (code if power == 0 else _clean(str(unit)))
    render = f"{_RENDER_WORDS[qualifier]}{str(number).lower()}{shown}"
    text = render if text is None or not text.strip() else _start(text)
    with localcontext(_CONTEXT):
        scaled = number.scaleb(power)  # exact: keeps the stated digits ("500" kg -> "0.500" t)
        return _build(text, qualifier, _Amount(scaled, _half_unit(scaled), unit=code))
