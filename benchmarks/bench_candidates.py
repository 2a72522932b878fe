"""How well `factbase extract` finds the claims a person picked from the seed articles.

    python benchmarks/bench_candidates.py                  # articles in ../shared/seeds
    python benchmarks/bench_candidates.py --articles DIR   # or $FACTBASE_ARTICLES_DIR
    python benchmarks/bench_candidates.py --missed         # and the quotes no candidate covers

For each of the five articles of the seed dataset (seeds/kazakhstan.yaml names them by
source key; the texts are not part of the repository), the candidates are extracted with
the seed's entities and topic keywords and the source's language and publication date, and
compared with the seed's curated claims of that source (factbase.text.coverage): recall
is the share of curated quotes the candidates cover, precision the share of candidates
that hold a curated quote, and "per claim" the candidates per curated claim.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from factbase.catalog.starter import starter_topics
from factbase.store.resources import seeds_dir
from factbase.text.candidates import extract_candidates
from factbase.text.coverage import Coverage, measure
from factbase.text.dates import parse_date

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ARTICLES = ROOT.parent / "shared" / "seeds"
# Source key -> the article file it was transcribed from (as tests/test_seed_data.py).
SOURCE_ARTICLES = {
    "bg-kz-us-partnership": "000_ea4b0b0177669cf2.txt",
    "silkbridge-wsj-kz-distancing": "001_264a082b8ae6515b.txt",
    "ru-tokayev-defence-space": "002_6bd82b976416485b.txt",
    "ua-wp-tokayev-distancing": "003_4028b59449eae8ed.txt",
    "ru-putin-official-visit": "004_19ab2c6a01e59de2.txt",
}


@dataclass(frozen=True)
class ArticleResult:
    source: str
    language: str
    coverage: Coverage
    seconds: float


def articles_dir(given: str | None = None) -> Path:
    return Path(given or os.environ.get("FACTBASE_ARTICLES_DIR") or DEFAULT_ARTICLES)


def seed_data() -> dict[str, Any]:
    loaded = yaml.safe_load((seeds_dir() / "kazakhstan.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def measure_articles(directory: Path) -> list[ArticleResult]:
    """Each seed article's candidates measured against its curated claims."""
    data = seed_data()
    entities = {
        spelling: entity["name"]
        for entity in data["entities"]
        for spelling in [entity["name"], *(entity.get("aliases") or [])]
    }
    # The seed's claims are filed under the starter vocabulary every database has.
    keywords = {topic.slug: list(topic.keywords) for topic in starter_topics()}
    results = []
    for source in data["sources"]:
        path = directory / SOURCE_ARTICLES[source["key"]]
        text = unicodedata.normalize("NFC", path.read_text(encoding="utf-8"))
        language = source["language"]
        published = parse_date(str(source["published"]), languages=(language,))
        started = time.perf_counter()
        candidates = extract_candidates(
            text, language, published, entities=entities, topic_keywords=keywords
        )
        seconds = time.perf_counter() - started
        quotes = [str(c["quote"]) for c in data["claims"] if c["source"] == source["key"]]
        coverage = measure(text, [(c.start, c.end) for c in candidates], quotes)
        results.append(ArticleResult(source["key"], language, coverage, seconds))
    return results


def total(results: list[ArticleResult]) -> Coverage:
    parts = [r.coverage for r in results]
    return Coverage(
        quotes=sum(p.quotes for p in parts),
        candidates=sum(p.candidates for p in parts),
        covered=sum(p.covered for p in parts),
        contained=sum(p.contained for p in parts),
        hits=sum(p.hits for p in parts),
        missed=tuple(q for p in parts for q in p.missed),
        not_found=tuple(q for p in parts for q in p.not_found),
    )


def table(results: list[ArticleResult]) -> str:
    """The results as a Markdown table, a row per article and one for all five."""
    lines = [
        "| article | lang | curated | candidates | per claim | recall | contained | precision |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    rows = [(r.source, r.language, r.coverage) for r in results]
    rows.append(("all five", "", total(results)))
    for name, language, c in rows:
        lines.append(
            f"| {name} | {language} | {c.quotes} | {c.candidates} | {c.per_quote:.2f} "
            f"| {c.recall:.2f} | {c.contained_recall:.2f} | {c.precision:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", help="folder of the seed articles")
    parser.add_argument("--missed", action="store_true", help="list the quotes not covered")
    args = parser.parse_args(argv)
    directory = articles_dir(args.articles)
    if not directory.is_dir():
        print(f"no articles at {directory}; give --articles DIR", file=sys.stderr)
        return 1
    results = measure_articles(directory)
    print(table(results))
    print(f"\nextraction: {sum(r.seconds for r in results):.2f} s for the five articles")
    if args.missed:
        for result in results:
            for quote in (*result.coverage.missed, *result.coverage.not_found):
                print(f"missed {result.source}: {quote}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
