"""Tests for factbase.text.quantities: quantities as written in en/ru/bg/uk news."""

from __future__ import annotations

import math
import unicodedata

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from factbase.errors import InvalidValue
from factbase.text.quantities import (
    UNITS,
    Quantity,
    normalise_unit,
    parse_quantity,
    quantity_from_parts,
)

NBSP = "\u00a0"
NNBSP = "\u202f"
THIN = "\u2009"

# text, value, unit, qualifier, low, high
CASES: list[tuple[str, float, str | None, str, float | None, float | None]] = [
    # From the project's articles and product spec.
    ("441 миллиард тенге", 441e9, "KZT", "exact", 440.5e9, 441.5e9),
    ("441 млрд тенге", 441e9, "KZT", "exact", 440.5e9, 441.5e9),
    ("около 918 миллионов долларов", 918e6, "USD", "approx", 826.2e6, 1009.8e6),
    ("около 80%", 80, "%", "approx", 72, 88),
    ("близо 80%", 80, "%", "approx", 72, 88),
    ("~80%", 80, "%", "approx", 72, 88),
    ("60%", 60, "%", "exact", 59.5, 60.5),
    ("over 4 thousand", 4000, None, "over", 4000, None),
    ("about 4,200", 4200, None, "approx", 3780, 4620),
    ("up to 20 million tonnes", 20e6, "t", "up_to", None, 20e6),
    ("22 million tonnes", 22e6, "t", "exact", 21.5e6, 22.5e6),
    ("1,5 милиона тона", 1.5e6, "t", "exact", 1.45e6, 1.55e6),
    ("до 20 милиона тона", 20e6, "t", "up_to", None, 20e6),
    ("25 мільйонів доларів", 25e6, "USD", "exact", 24.5e6, 25.5e6),
    ("не менее 4 тысяч", 4000, None, "at_least", 4000, None),
    ("не менее 4 тысяч новых фирм", 4000, None, "at_least", 4000, None),
    ("втрое", 3, "x", "exact", 2.5, 3.5),
    ("$918 million", 918e6, "USD", "exact", 917.5e6, 918.5e6),
    ("€1.5bn", 1.5e9, "EUR", "exact", 1.45e9, 1.55e9),
    (f"1{NBSP}500{NBSP}000", 1.5e6, None, "exact", 1499999.5, 1500000.5),
    ("4,200", 4200, None, "exact", 4199.5, 4200.5),
    ("2,75 %", 2.75, "%", "exact", 2.745, 2.755),
    # Numbers and separators.
    (f"1{NNBSP}500", 1500, None, "exact", 1499.5, 1500.5),
    (f"1{THIN}500 т", 1500, "t", "exact", 1499.5, 1500.5),
    ("1 500 000 тонн", 1.5e6, "t", "exact", 1499999.5, 1500000.5),
    ("1,500,000", 1.5e6, None, "exact", 1499999.5, 1500000.5),
    ("1.500.000", 1.5e6, None, "exact", 1499999.5, 1500000.5),
    ("1,234.5", 1234.5, None, "exact", 1234.45, 1234.55),
    ("1.234,5", 1234.5, None, "exact", 1234.45, 1234.55),
    ("0,5", 0.5, None, "exact", 0.45, 0.55),
    ("441", 441, None, "exact", 440.5, 441.5),
    ("4,200 тонн", 4.2, "t", "exact", 4.1995, 4.2005),  # Cyrillic text: the comma is decimal
    ("1.5 million", 1.5e6, None, "exact", 1.45e6, 1.55e6),
    ("4 тысяч", 4000, None, "exact", 3500, 4500),
    ("1e6", 1e6, None, "exact", 0.5e6, 1.5e6),
    ("−5 %", -5, "%", "exact", -5.5, -4.5),
    ("-0,5%", -0.5, "%", "exact", -0.55, -0.45),
    ("+441 bn", 441e9, None, "exact", 440.5e9, 441.5e9),
    ("(около 80%).", 80, "%", "approx", 72, 88),
    # Scale words and units in the four languages.
    ("3,5 хил. барела", 3500, "bbl", "exact", 3450, 3550),
    ("5 тис. тонн", 5000, "t", "exact", 4500, 5500),
    ("2 трлн рублей", 2e12, "RUB", "exact", 1.5e12, 2.5e12),
    ("10 млрд юаней", 10e9, "CNY", "exact", 9.5e9, 10.5e9),
    ("1,2 млрд гривень", 1.2e9, "UAH", "exact", 1.15e9, 1.25e9),
    ("300 млн лв.", 300e6, "BGN", "exact", 299.5e6, 300.5e6),
    ("£2bn", 2e9, "GBP", "exact", 1.5e9, 2.5e9),
    ("US$ 5 mln", 5e6, "USD", "exact", 4.5e6, 5.5e6),
    ("40 млрд кубометров", 40e9, "m3", "exact", 39.5e9, 40.5e9),
    ("40 млрд куб. м", 40e9, "m3", "exact", 39.5e9, 40.5e9),
    ("5 bcm", 5e9, "m3", "exact", 4.5e9, 5.5e9),
    ("500 kg", 0.5, "t", "exact", 0.4995, 0.5005),
    ("1500 км", 1500, "km", "exact", 1499.5, 1500.5),
    ("1 000 МВт", 1000, "MW", "exact", 999.5, 1000.5),
    ("2 ГВт", 2, "GW", "exact", 1.5, 2.5),
    ("3,5 МВт·ч", 3.5, "MWh", "exact", 3.45, 3.55),
    ("120 kWh", 120, "kWh", "exact", 119.5, 120.5),
    ("10 лет", 10, "year", "exact", 9.5, 10.5),
    ("15 години", 15, "year", "exact", 14.5, 15.5),
    ("30 днів", 30, "day", "exact", 29.5, 30.5),
    ("12 відсотків", 12, "%", "exact", 11.5, 12.5),
    ("7 per cent", 7, "%", "exact", 6.5, 7.5),
    ("5 процента", 5, "%", "exact", 4.5, 5.5),
    # Approximations and bounds.
    ("приблизно 80%", 80, "%", "approx", 72, 88),
    ("приблизително 1 милиард евро", 1e9, "EUR", "approx", 0.5e9, 1.5e9),  # rounding is wider
    ("почти 80%", 80, "%", "almost", 72, 80),
    ("майже 10 тисяч", 10000, None, "almost", 9000, 10000),
    ("nearly 50 %", 50, "%", "almost", 45, 50),
    ("more than 4,000", 4000, None, "over", 4000, None),
    ("свыше 100 млн долларов", 100e6, "USD", "over", 100e6, None),
    ("понад 200 тисяч", 200e3, None, "over", 200e3, None),
    ("повече от 3 хиляди", 3000, None, "over", 3000, None),
    ("at least 12", 12, None, "at_least", 12, None),
    ("щонайменше 5 млрд", 5e9, None, "at_least", 5e9, None),
    ("най-малко 7%", 7, "%", "at_least", 7, None),
    ("less than 1%", 1, "%", "under", None, 1),
    ("менее 2 млн тонн", 2e6, "t", "under", None, 2e6),
    ("по-малко от 5%", 5, "%", "under", None, 5),
    ("не более 15%", 15, "%", "up_to", None, 15),
    ("не більше 3 млрд гривень", 3e9, "UAH", "up_to", None, 3e9),
    ("80% и более", 80, "%", "at_least", 80, None),
    ("4000+", 4000, None, "at_least", 4000, None),
    # Ranges.
    ("10–15%", 12.5, "%", "range", 10, 15),
    ("10-15 %", 12.5, "%", "range", 10, 15),
    ("from 10 to 15%", 12.5, "%", "range", 10, 15),
    ("от 10 до 15 %", 12.5, "%", "range", 10, 15),
    ("від 10 до 15%", 12.5, "%", "range", 10, 15),
    ("между 10 и 15", 12.5, None, "range", 10, 15),
    ("between 10 and 15", 12.5, None, "range", 10, 15),
    ("10 to 15", 12.5, None, "range", 10, 15),
    ("10–15 млн тонн", 12.5e6, "t", "range", 10e6, 15e6),
    ("$10–15 billion", 12.5e9, "USD", "range", 10e9, 15e9),
    ("500 to 1 million", 500250, None, "range", 500, 1e6),
    ("от -5 до -3 %", -4, "%", "range", -5, -3),
    # Multipliers and number words.
    ("в три раза", 3, "x", "exact", 2.5, 3.5),
    ("более чем в три раза", 3, "x", "over", 3, None),
    ("three times", 3, "x", "exact", 2.5, 3.5),
    ("threefold", 3, "x", "exact", 2.5, 3.5),
    ("tripled", 3, "x", "exact", 2.5, 3.5),
    ("удвоилось", 2, "x", "exact", 1.5, 2.5),
    ("почти вдвое", 2, "x", "almost", 1.8, 2),
    ("twice", 2, "x", "exact", 1.5, 2.5),
    ("втричі", 3, "x", "exact", 2.5, 3.5),
    ("утричі", 3, "x", "exact", 2.5, 3.5),
    ("тройно", 3, "x", "exact", 2.5, 3.5),
    ("три пъти", 3, "x", "exact", 2.5, 3.5),
    ("в 2,5 раза", 2.5, "x", "exact", 2.45, 2.55),
    ("три ТЭЦ", 3, None, "exact", 2.5, 3.5),
    ("two", 2, None, "exact", 1.5, 2.5),
    ("п’ять", 5, None, "exact", 4.5, 5.5),
    ("полтора миллиона", 1.5e6, None, "exact", 1.45e6, 1.55e6),
    ("one fifth", 20, "%", "exact", 19.5, 20.5),
    ("една пета", 20, "%", "exact", 19.5, 20.5),
    ("одна пятая", 20, "%", "exact", 19.5, 20.5),
    ("треть", 100 / 3, "%", "exact", 100 / 3 - 0.5, 100 / 3 + 0.5),
]


@pytest.mark.parametrize(("text", "value", "unit", "qualifier", "low", "high"), CASES)
def test_parse_table(
    text: str,
    value: float,
    unit: str | None,
    qualifier: str,
    low: float | None,
    high: float | None,
) -> None:
    q = parse_quantity(text)
    assert q.value == pytest.approx(value)
    assert q.unit == unit
    assert q.qualifier == qualifier
    assert (q.low is None) == (low is None) and (q.high is None) == (high is None)
    if low is not None:
        assert q.low == pytest.approx(low)
    if high is not None:
        assert q.high == pytest.approx(high)


def test_text_is_kept_nfc_and_stripped() -> None:
    nfd = unicodedata.normalize("NFD", "  Около 918 млн долларов ")
    q = parse_quantity(nfd)
    assert q.text == "Около 918 млн долларов"
    assert unicodedata.is_normalized("NFC", q.text)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("4 ТЫСЯЧИ", "4 тысячи"),
        ("4 ТЫС.", "4 тыс"),
        ("5 ЛЕТ", "5 лет"),
        ("ещё 3 млн", "еще 3 млн"),
        ("441 МЛРД ТЕНГЕ.", "441 млрд тенге"),
        ("10 MILLION TONNES)", "10 million tonnes"),
        ("80%,", "80%"),
        (unicodedata.normalize("NFD", "майже 10 тисяч"), "майже 10 тисяч"),
    ],
)
def test_case_yo_nfd_and_punctuation_do_not_matter(a: str, b: str) -> None:
    qa, qb = parse_quantity(a), parse_quantity(b)
    assert (qa.value, qa.unit, qa.low, qa.high, qa.qualifier) == (
        qb.value,
        qb.unit,
        qb.low,
        qb.high,
        qb.qualifier,
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("около 80%", "близо 80%", True),
        ("~80%", "60%", False),
        ("over 4 thousand", "about 4,200", True),
        ("up to 20 million tonnes", "22 million tonnes", False),
        ("up to 20 million tonnes", "19 million tonnes", True),
        ("10–15%", "около 16%", True),
        ("10–15%", "16%", False),
        ("less than 1%", "at least 1%", True),
        ("почти 80%", "81%", False),
        ("441 млрд тенге", "441 billion tenge", True),
    ],
)
def test_overlaps(a: str, b: str, expected: bool) -> None:
    qa, qb = parse_quantity(a), parse_quantity(b)
    assert qa.overlaps(qb) is expected
    assert qb.overlaps(qa) is expected


def test_overlaps_needs_equal_units() -> None:
    assert not parse_quantity("80%").overlaps(parse_quantity("80"))
    assert not parse_quantity("5 млн долларов").overlaps(parse_quantity("5 млн евро"))
    assert not parse_quantity("5 t").overlaps(parse_quantity("5 km"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("около 80%", "80 % ±10 %"),
        ("80%", "80 %"),
        ("over 4 thousand", ">4 000"),
        ("at least 4000", "≥4 000"),
        ("less than 3 km", "<3 km"),
        ("up to 20 million tonnes", "≤20 000 000 t"),
        ("10–15%", "10–15 %"),
        ("почти 80%", "almost 80 %"),
        ("2,75 %", "2.75 %"),
        ("441 млрд тенге", "441 000 000 000 KZT"),
        ("втрое", "3 x"),
        ("about 1", "1 ±50 %"),
    ],
)
def test_describe(text: str, expected: str) -> None:
    assert parse_quantity(text).describe() == expected


def test_describe_extremes_stay_short() -> None:
    assert parse_quantity("1e300").describe() == "1e+300"
    assert parse_quantity("0,00001").describe() == "1e-05"
    assert parse_quantity("about 0").describe() == "0 ±0.5"


@pytest.mark.parametrize(
    ("spelling", "code"),
    [
        ("%", "%"),
        ("percent", "%"),
        ("процентов", "%"),
        ("відсотків", "%"),
        ("тенге", "KZT"),
        ("теңге", "KZT"),
        ("₸", "KZT"),
        ("kzt", "KZT"),
        ("долларов", "USD"),
        ("доларів", "USD"),
        ("$", "USD"),
        ("US$", "USD"),
        ("евро", "EUR"),
        ("євро", "EUR"),
        ("€", "EUR"),
        ("руб.", "RUB"),
        ("₽", "RUB"),
        ("юаней", "CNY"),
        ("£", "GBP"),
        ("грн", "UAH"),
        ("лв.", "BGN"),
        ("тонн", "t"),
        ("тона", "t"),
        ("Tonnes", "t"),
        ("kg", "t"),
        ("баррелей", "bbl"),
        ("барелів", "bbl"),
        ("куб. м", "m3"),
        ("м³", "m3"),
        ("bcm", "m3"),
        ("раза", "x"),
        ("км", "km"),
        ("МВт", "MW"),
        ("GW", "GW"),
        ("МВт·ч", "MWh"),
        ("кВт·год", "kWh"),
        ("лет", "year"),
        ("років", "year"),
        ("дней", "day"),
        ("", None),
        ("   ", None),
    ],
)
def test_normalise_unit(spelling: str, code: str | None) -> None:
    assert normalise_unit(spelling) == code


def test_every_code_normalises_to_itself() -> None:
    for code in UNITS:
        assert normalise_unit(code) == code
        assert normalise_unit(code.lower()) == code


@pytest.mark.parametrize("spelling", ["furlongs", "млн", "million tonnes", ".", "x" * 300])
def test_normalise_unit_rejects_unknown(spelling: str) -> None:
    with pytest.raises(InvalidValue, match="unknown unit"):
        normalise_unit(spelling)


def test_quantity_from_parts() -> None:
    q = quantity_from_parts(80, "%", "approx")
    assert (q.value, q.unit, q.low, q.high, q.qualifier) == (80, "%", 72, 88, "approx")
    assert q.text == "about 80 %"
    assert q.overlaps(parse_quantity("близо 80%"))

    q = quantity_from_parts(4200.0)
    assert (q.low, q.high, q.unit, q.text) == (4199.5, 4200.5, None, "4200")

    q = quantity_from_parts(2.75, "процента")
    assert q.unit == "%"
    assert q.low == pytest.approx(2.745)
    assert q.high == pytest.approx(2.755)

    q = quantity_from_parts(20e6, "тонн", "up_to", text="до 20 млн тонн")
    assert (q.low, q.high, q.text, q.qualifier) == (None, 20e6, "до 20 млн тонн", "up_to")

    q = quantity_from_parts(500, "kg")
    assert (q.value, q.unit) == (0.5, "t")
    assert q.low == pytest.approx(0.4995)

    assert quantity_from_parts(5, "bcm").value == 5e9
    assert quantity_from_parts(4000, qualifier="over").describe() == ">4 000"
    assert quantity_from_parts(80, "%", "almost").low == pytest.approx(72)


@pytest.mark.parametrize(
    ("value", "unit", "qualifier"),
    [
        (1.0, "furlongs", "exact"),
        (math.inf, None, "exact"),
        (math.nan, "%", "exact"),
        (1.0, None, "range"),
        (1.0, None, "roughly"),
        (True, None, "exact"),
        ("80", "%", "exact"),
        (10**50, None, "exact"),
        pytest.param(10**5000, None, "exact", id="int-beyond-str-limit"),
        (1.7976931348623157e308, None, "approx"),  # the widened interval overflows
    ],
)
def test_quantity_from_parts_rejects(value: object, unit: str | None, qualifier: str) -> None:
    with pytest.raises(InvalidValue):
        quantity_from_parts(value, unit, qualifier)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        NBSP,
        "около",
        "миллион",
        "percent",
        "NaN",
        "nan %",
        "inf",
        "∞",
        "1e309",
        "-1e309",
        "1e99999",
        "1" * 41,
        "1" + " 000" * 14,
        "1" * 30 + "." + "1" * 11,
        "около " + "8" * 201,
        "x" * 201,
        "12.03.2022",
        "1.2.3",
        "1,2.3",
        "15–10%",
        "$5 евро",
        "5 млн долларов – 7 млн евро",
        "٣",
    ],
)
def test_rejections(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_quantity(text)
    message = str(caught.value)
    assert "\n" not in message
    if text.strip():
        assert repr(text.strip()[:20])[1:-1] in message


def test_rejects_non_text() -> None:
    with pytest.raises(InvalidValue):
        parse_quantity(80)  # type: ignore[arg-type]
    with pytest.raises(InvalidValue):
        normalise_unit(None)  # type: ignore[arg-type]


# --- Properties ----------------------------------------------------------------------------


def check_invariant(q: Quantity) -> None:
    assert math.isfinite(q.value)
    assert q.low is None or (math.isfinite(q.low) and q.low <= q.value)
    assert q.high is None or (math.isfinite(q.high) and q.value <= q.high)
    assert q.unit is None or q.unit in UNITS
    assert q.overlaps(q)
    assert q.describe()


def parse_or_reject(text: str) -> Quantity | None:
    try:
        q = parse_quantity(text)
    except InvalidValue:
        return None
    check_invariant(q)
    return q


def words(text: str) -> list[str]:
    return text.split(" ")  # not split(): "1\u00a0500" must stay one fragment


FRAGMENTS = [
    *words("0 1 5 10 15 441 4,200 1,5 2.75 1\u00a0500\u00a0000 0,500 1e6 1e309 -5 +3 − – -"),
    *words("~ ≈ > < ≤ ≥ % $ € ₸ ( ) . , k m bn mn тыс. тысяч хиляди тис. млн милиона"),
    *words("мільйонів млрд миллиард trillion трлн tonnes тонн тона t kg bbl bcm км MW"),
    *words("МВт·ч kWh лет дни раза пъти x тенге USD доларів about около близо почти almost"),
    *words("over более понад над до up to не менее at least под from to от між между и"),
    *words("and або більше or more и более втрое twice удвоилось one три п'ять една пета"),
    *words("треть half полтора NaN inf фирм ТЭЦ"),
]
fragment_texts = st.lists(
    st.one_of(
        st.sampled_from(FRAGMENTS),
        st.integers(-(10**45), 10**45).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(str),
        st.decimals(allow_nan=False, allow_infinity=False).map(str),
    ),
    max_size=8,
).flatmap(lambda parts: st.sampled_from([" ".join(parts), "".join(parts)]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_any_text_parses_or_is_rejected(text: str) -> None:
    parse_or_reject(text)


@pytest.mark.slow
@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fragment_texts)
def test_built_texts_parse_or_are_rejected(text: str) -> None:
    parse_or_reject(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([*FRAGMENTS, "тонн", "%"]), st.sampled_from(FRAGMENTS))
def test_overlaps_is_symmetric(a: str, b: str) -> None:
    qa, qb = parse_or_reject("5 " + a), parse_or_reject("7 " + b)
    if qa is not None and qb is not None:
        assert qa.overlaps(qb) == qb.overlaps(qa)


SINGLE_QUALIFIERS = ["exact", "approx", "almost", "over", "at_least", "under", "up_to"]


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-(10**20), 10**20)),
    st.sampled_from([None, *UNITS, "тонн", "kg", "bcm", "$"]),
    st.sampled_from(SINGLE_QUALIFIERS),
)
def test_parts_render_back_to_the_same_quantity(
    value: float, unit: str | None, qualifier: str
) -> None:
    try:
        q = quantity_from_parts(value, unit, qualifier)  # type: ignore[arg-type]
    except InvalidValue:
        assume(False)
        return
    check_invariant(q)
    again = parse_quantity(q.text)
    assert (again.value, again.unit, again.low, again.high, again.qualifier) == (
        q.value,
        q.unit,
        q.low,
        q.high,
        q.qualifier,
    )


# The abbreviations journalists write, in each language, and the fraction and multiplier words.
JOURNALIST_CASES = [
    ("20 Mt", 20e6, "t", 19.5e6, 20.5e6),
    ("1.5 Mt of oil", 1.5e6, "t", 1.45e6, 1.55e6),
    ("500 kt", 500e3, "t", 499.5e3, 500.5e3),
    ("20 мегатонн", 20e6, "t", 19.5e6, 20.5e6),
    ("300 килотонн", 300e3, "t", 299.5e3, 300.5e3),
    ("300 кілотонн", 300e3, "t", 299.5e3, 300.5e3),
    ("$1.5bn", 1.5e9, "USD", 1.45e9, 1.55e9),
    ("3 mln tonnes", 3e6, "t", 2.5e6, 3.5e6),
    ("4 тыс. человек", 4e3, None, 3.5e3, 4.5e3),
    ("4 хил. души", 4e3, None, 3.5e3, 4.5e3),
    ("7 тис. осіб", 7e3, None, 6.5e3, 7.5e3),
    ("5 млн т", 5e6, "t", 4.5e6, 5.5e6),
    ("2 трлн рублей", 2e12, "RUB", 1.5e12, 2.5e12),
    ("a third", 100 / 3, "%", 100 / 3 - 0.5, 100 / 3 + 0.5),
    ("треть", 100 / 3, "%", 100 / 3 - 0.5, 100 / 3 + 0.5),
    ("третина", 100 / 3, "%", 100 / 3 - 0.5, 100 / 3 + 0.5),
    ("a quarter", 25, "%", 24.5, 25.5),
    ("четверть", 25, "%", 24.5, 25.5),
    ("четвърт", 25, "%", 24.5, 25.5),
    ("чверть", 25, "%", 24.5, 25.5),
    ("half", 50, "%", 49.5, 50.5),
    ("половина", 50, "%", 49.5, 50.5),
    ("twofold", 2, "x", 1.5, 2.5),
    ("вдвое", 2, "x", 1.5, 2.5),
    ("двойно", 2, "x", 1.5, 2.5),
    ("удвічі", 2, "x", 1.5, 2.5),
    ("втрое", 3, "x", 2.5, 3.5),
    ("утричі", 3, "x", 2.5, 3.5),
]


@pytest.mark.parametrize(("text", "value", "unit", "low", "high"), JOURNALIST_CASES)
def test_journalists_abbreviations_and_words(
    text: str, value: float, unit: str | None, low: float, high: float
) -> None:
    q = parse_quantity(text)
    assert (q.unit, q.qualifier) == (unit, "exact")
    assert math.isclose(q.value, value) and math.isclose(q.low or 0, low)
    assert math.isclose(q.high or 0, high)


def test_close_to_is_approximate_like_bulgarian_blizo() -> None:
    close, blizo = parse_quantity("close to 80%"), parse_quantity("близо 80%")
    assert (close.qualifier, close.low, close.high) == ("approx", blizo.low, blizo.high)


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["Mt", "mt", "MT"]))
def test_megatonnes_are_millions_of_tonnes(n: int, spelling: str) -> None:
    assert parse_quantity(f"{n} {spelling}").value == parse_quantity(f"{n} million tonnes").value
    assert parse_quantity(f"{n} kt").value == parse_quantity(f"{n} thousand tonnes").value
