"""Realistic synthetic data in the interchange format (JSON Lines), at any size.

    python benchmarks/generate.py 100000 -o claims-100k.jsonl [--seed 1]

What it writes, in the order `factbase import` applies it:
- topics with multilingual keywords, in a small hierarchy (energy > oil, gas);
- outlets with stances and a main language (one outlet per 500 claims, at least 8);
- sources spread over 2019–2024, dated the ways articles are dated ("2023",
  "ноябрь 2023", "1 грудня 2022", "2022-07-03");
- claims in en/ru/bg/uk: subjects drawn from a Zipf-like distribution (a few subjects get
  most of the coverage), figures written as journalists write them ("около 80%",
  "over 4 thousand", "441 млрд тенге", "up to 20 million tonnes"), event dates and as_of
  periods, a share of near-duplicates of the same figure (echoes), of real conflicts
  (outlying figures, denials, other days) and of look-alikes that are not conflicts
  (other years, other currencies).

The output is deterministic for a given size and seed, so runs are comparable.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from bisect import bisect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

STANCES = ("pro-western", "pro-kremlin", "pro-ukrainian", "neutral", "state-affiliated")
LANGUAGES = ("ru", "uk", "bg", "en")
YEARS = range(2019, 2025)

TOPICS = [
    {"slug": "energy", "label": "Energy", "keywords": ["energy", "энергетика", "енергетика"]},
    {"slug": "oil", "label": "Oil", "parent": "energy", "keywords": ["oil", "нефть", "нафта"]},
    {"slug": "gas", "label": "Gas", "parent": "energy", "keywords": ["gas", "газ"]},
    {"slug": "defence", "label": "Defence", "keywords": ["defence", "оборона", "отбрана"]},
    {"slug": "trade", "label": "Trade", "keywords": ["trade", "торговля", "торгівля"]},
    {"slug": "diplomacy", "label": "Diplomacy", "keywords": ["diplomacy", "дипломатия"]},
]

# Words per language: subject nouns, the property phrases and how figures are written.
SUBJECT_WORDS = {
    "en": ("pipeline", "port", "ministry", "region", "company", "terminal"),
    "ru": ("трубопровод", "порт", "министерство", "область", "компания", "терминал"),
    "uk": ("трубопровід", "порт", "міністерство", "область", "компанія", "термінал"),
    "bg": ("тръбопровод", "пристанище", "министерство", "област", "компания", "терминал"),
}
# property -> (topic, unit for the value writer, typical size)
PROPERTIES = {
    "share of oil exports": ("oil", "%", 80.0),
    "oil transit": ("oil", "t", 20e6),
    "gas supplies": ("gas", "m3", 10e9),
    "defence budget": ("defence", "KZT", 441e9),
    "trade turnover": ("trade", "USD", 2.5e9),
    "troops deployed": ("defence", None, 4200.0),
}
STATEMENT = {
    "en": "{subject}: {prop} is {value}, officials said",
    "ru": "{subject}: показатель «{prop}» составляет {value}, нефть и газ в фокусе",
    "uk": "{subject}: показник «{prop}» становить {value}, нафта і газ у фокусі",
    "bg": "{subject}: показателят „{prop}“ е {value}, петрол и газ в центъра",
}
MONTHS = {
    "ru": ("январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август",
           "сентябрь", "октябрь", "ноябрь", "декабрь"),
    "uk": ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
           "вересня", "жовтня", "листопада", "грудня"),
    "bg": ("януари", "февруари", "март", "април", "май", "юни", "юли", "август",
           "септември", "октомври", "ноември", "декември"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}  # fmt: skip


def zipf(rng: random.Random, count: int, exponent: float = 1.0) -> Callable[[], int]:
    cumulative = list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))
    total = cumulative[-1]
    return lambda: min(count - 1, bisect(cumulative, rng.random() * total))


def written_date(rng: random.Random, year: int, language: str) -> str:
    """A date as an article gives it: a year, a month or a day, in its language."""
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    style = rng.random()
    if style < 0.25:
        return str(year)
    if style < 0.5:
        if language == "uk":
            return f"{day} {MONTHS['uk'][month - 1]} {year}"
        return f"{MONTHS[language][month - 1]} {year}"
    if style < 0.75:
        return f"{year}-{month:02d}-{day:02d}"
    if language == "en":
        return f"{day} {MONTHS['en'][month - 1]} {year}"
    if language == "ru":
        return f"{day}.{month:02d}.{year}"
    return f"{year}-{month:02d}"


def written_value(rng: random.Random, value: float, unit: str | None, language: str) -> str:
    """A figure as a journalist writes it: rounded, qualified, with scale words."""
    approx = {"ru": "около", "uk": "близько", "bg": "около", "en": "about"}[language]
    over = {"ru": "более", "uk": "понад", "bg": "над", "en": "over"}[language]
    up_to = {"ru": "до", "uk": "до", "bg": "до", "en": "up to"}[language]
    qualifier = rng.choice(("", "", approx, approx, over, up_to))
    if qualifier == over:
        value *= rng.uniform(0.6, 0.95)
    elif qualifier == up_to:
        value *= rng.uniform(1.05, 1.4)
    if unit == "%":
        number = f"{round(value)}%"
    elif unit is None:
        number = f"{round(value, -1):,.0f}".replace(",", " ")
    else:
        number = _scaled(value, unit, language)
    return f"{qualifier} {number}".strip()


def _scaled(value: float, unit: str, language: str) -> str:
    scale_words = {
        "en": ("thousand", "million", "billion"),
        "ru": ("тыс.", "млн", "млрд"),
        "uk": ("тис.", "млн", "млрд"),
        "bg": ("хил.", "млн", "млрд"),
    }[language]
    unit_words = {
        "t": {"en": "tonnes", "ru": "тонн", "uk": "тонн", "bg": "тона"},
        "m3": {"en": "cubic metres", "ru": "куб. м", "uk": "куб. м", "bg": "куб. м"},
        "KZT": {"en": "tenge", "ru": "тенге", "uk": "тенге", "bg": "тенге"},
        "USD": {"en": "dollars", "ru": "долларов", "uk": "доларів", "bg": "долара"},
    }[unit][language]
    for power, word in zip((9, 6, 3), reversed(scale_words), strict=True):
        if value >= 10**power:
            shown = f"{value / 10**power:.1f}".rstrip("0").rstrip(".")
            if language != "en":
                shown = shown.replace(".", ",")
            return f"{shown} {word} {unit_words}"
    return f"{round(value)} {unit_words}"


def records(n: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    for topic in TOPICS:
        yield {"type": "topic", **topic}
    outlets = max(8, n // 500)
    for index in range(outlets):
        yield {
            "type": "outlet",
            "name": f"Outlet {index}",
            "stance": STANCES[index % len(STANCES)],
            "language": LANGUAGES[index % len(LANGUAGES)],
        }
    sources = max(10, n // 8)
    source_years = []
    for index in range(sources):
        outlet = index % outlets
        language = LANGUAGES[outlet % len(LANGUAGES)]
        year = rng.choice(YEARS)
        source_years.append(year)
        yield {
            "type": "source",
            "key": f"s{index}",
            "outlet": f"Outlet {outlet}",
            "title": f"Article {index}",
            "url": f"https://example.org/{outlet}/{index}",
            "language": language,
            "published": written_date(rng, year, language),
            "cites": [f"Outlet {(outlet + 1) % outlets}"] if rng.random() < 0.1 else [],
        }
    yield from _claims(rng, n, sources, source_years)


def _claims(
    rng: random.Random, n: int, sources: int, source_years: list[int]
) -> Iterator[dict[str, Any]]:
    subjects = max(10, n // 20)
    pick_subject = zipf(rng, subjects)
    props = list(PROPERTIES)
    truths = {}
    for i in range(n):
        subject, prop = pick_subject(), rng.choice(props)
        topic, unit, size = PROPERTIES[prop]
        truth = truths.setdefault((subject, prop), size * rng.uniform(0.5, 1.5))
        source = rng.randrange(sources)
        language = LANGUAGES[source % len(LANGUAGES)] if rng.random() < 0.9 else "en"
        year = source_years[source]
        claim: dict[str, Any] = {
            "type": "claim",
            "key": f"c{i}",
            "source": f"s{source}",
            "language": language,
            "topics": [topic],
            "subject": f"{SUBJECT_WORDS[language][subject % 6]} {subject}",
            "property": prop,
            "as_of": str(year),
        }
        roll = rng.random()
        value = truth
        if roll < 0.05:  # a real conflict: an outlying figure
            value = truth * 1.6
        elif roll < 0.10:  # the outlier's figure for another year: no conflict
            value = truth * 1.6
            claim["as_of"] = str(year - 1)
        elif roll < 0.12:
            claim["polarity"] = "denied"
        elif roll < 0.20:
            claim["event_date"] = f"{year}-07-{3 if rng.random() < 0.9 else 4:02d}"
        elif roll < 0.25:
            claim.pop("as_of")
        written_unit = unit
        if prop == "defence budget" and rng.random() < 0.3:
            written_unit, value = "USD", value / 480  # another currency: never compared
        written = written_value(rng, value, written_unit, language)
        claim["value"] = written
        claim["statement"] = STATEMENT[language].format(
            subject=claim["subject"], prop=prop, value=written
        )
        if rng.random() < 0.5:
            claim["quote"] = claim["statement"]
        if rng.random() < 0.3:
            claim["speaker"] = f"Speaker {rng.randrange(max(1, n // 100))}"
        yield claim


def write(n: int, seed: int, out: TextIO) -> int:
    count = 0
    for record in records(n, seed):
        out.write(json.dumps(record, ensure_ascii=False))
        out.write("\n")
        count += record["type"] == "claim"
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", type=int)
    parser.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.output is None:
        write(args.claims, args.seed, sys.stdout)
    else:
        with args.output.open("w", encoding="utf-8") as out:
            write(args.claims, args.seed, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
