"""How a full conflict scan grows with the number of claims.

    python benchmarks/bench_conflict_scan.py            # 2000 8000 32000 claims
    python benchmarks/bench_conflict_scan.py --quick    # 500 2000
    python benchmarks/bench_conflict_scan.py 2000 8000 --runs 5

For each size a fresh SQLite database is created with `Database.open` and filled
with synthetic claims through SQLAlchemy Core inserts: subjects drawn from a Zipf-like
distribution over n/20 subjects (a few subjects get most claims, as in real coverage), four
properties, values with units and qualifiers from factbase.text.quantities.quantity_from_parts,
mostly near-duplicates of one figure per subject and property, plus a share of real
conflicts (outlying figures, denials, other event days) and of non-conflicts that look like
them (other years, other currencies).

`factbase.analysis.conflicts.scan` then runs in full on a copy of that database (the median of
--runs copies, or a single run when one takes longer than --slow seconds). The table shows
whether the time per 1000 claims stays flat (linear) or grows with the size of the largest
block (a pair-by-pair scan would: "all pairs" shows how many pairs that would be).
"""

from __future__ import annotations

import argparse
import itertools
import random
import shutil
import statistics
import sys
import tempfile
import time
from bisect import bisect
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from factbase.analysis.conflicts import scan
from factbase.store.database import Database
from factbase.store.models import Claim, Outlet, Source
from factbase.text.quantities import Quantity, quantity_from_parts

STANCES = ("pro-western", "pro-kremlin", "pro-ukrainian", "neutral", "state-affiliated")
LANGUAGES = ("ru", "uk", "bg", "en")
# property -> (unit, typical size); "defence budget" mixes currencies that are never compared.
PROPERTIES = {
    "share of oil exports": ("%", 80),
    "oil transit": ("t", 20e6),
    "defence budget": ("USD", 918e6),
    "troops deployed": (None, 4200),
}
QUALIFIERS = ("exact", "exact", "exact", "approx", "approx", "over", "up_to", "almost")


@dataclass
class Sample:
    claims: int
    blocks: int
    largest_block: int
    expected_pairs: int


def zipf_picker(rng: random.Random, count: int, exponent: float = 1.0) -> Any:
    cumulative = list(itertools.accumulate(1 / rank**exponent for rank in range(1, count + 1)))
    total = cumulative[-1]
    return lambda: bisect(cumulative, rng.random() * total)


def near(rng: random.Random, truth: float, qualifier: str) -> Quantity:
    """A figure that agrees with ``truth`` however it is qualified."""
    if qualifier in ("exact", "approx", "almost"):
        value = truth
    elif qualifier == "over":
        value = truth * rng.uniform(0.5, 0.95)
    else:  # up_to
        value = truth * rng.uniform(1.05, 1.5)
    return quantity_from_parts(round(value), None, qualifier)  # type: ignore[arg-type]


def claim_rows(n: int, sources: int, rng: random.Random) -> tuple[list[dict[str, Any]], Sample]:
    subjects = max(1, n // 20)
    pick_subject = zipf_picker(rng, subjects)
    props = list(PROPERTIES)
    truths = {
        (s, p): PROPERTIES[p][1] * rng.uniform(0.5, 1.5) for s in range(subjects) for p in props
    }
    now = datetime.now(UTC)
    rows = []
    sizes: dict[tuple[int, str], int] = {}
    for i in range(n):
        subject, prop = pick_subject(), rng.choice(props)
        sizes[(subject, prop)] = sizes.get((subject, prop), 0) + 1
        unit = PROPERTIES[prop][0]
        if prop == "defence budget" and rng.random() < 0.3:
            unit = "KZT"  # another currency: never compared with the dollars
        roll = rng.random()
        polarity = "affirmed"
        as_of: tuple[date, date, str] | None = (date(2022, 1, 1), date(2022, 12, 31), "year")
        event: tuple[date, str] | None = None
        quantity: Quantity | None = None
        if roll < 0.60:  # a near-duplicate of the block's figure
            qualifier = rng.choice(QUALIFIERS)
            quantity = near(rng, truths[(subject, prop)], qualifier)
        elif roll < 0.65:  # a real conflict: an outlying figure
            quantity = quantity_from_parts(round(truths[(subject, prop)] * 1.6))
        elif roll < 0.72:  # the same figure for another year: no conflict
            quantity = quantity_from_parts(round(truths[(subject, prop)] * 1.6))
            as_of = (date(2019, 1, 1), date(2019, 12, 31), "year")
        elif roll < 0.75:  # a narrower period: overlaps, "time-scope"
            quantity = near(rng, truths[(subject, prop)], "exact")
            as_of = (date(2022, 7, 1), date(2022, 7, 31), "month")
        elif roll < 0.77:  # a denial
            polarity = "denied"
        elif roll < 0.85:  # an event date, mostly the agreed day
            day = 3 if rng.random() < 0.9 else 4
            event = (date(2022, 7, day), "day")
        else:  # no value at all
            as_of = None
        value: dict[str, Any] = {
            "value_text": None,
            "value_num": None,
            "value_unit": None,
            "value_low": None,
            "value_high": None,
            "value_qualifier": None,
        }
        if quantity is not None:
            value = {
                "value_text": quantity.text,
                "value_num": quantity.value,
                "value_unit": unit,
                "value_low": quantity.low,
                "value_high": quantity.high,
                "value_qualifier": quantity.qualifier,
            }
        rows.append(
            {
                "key": f"c{i}",
                "source_id": rng.randint(1, sources),
                "statement": f"Synthetic claim {i} about subject {subject}, {prop}",
                "quote": None,
                "language": rng.choice(LANGUAGES),
                "speaker": None,
                "speaker_key": None,
                "speaker_id": None,
                "subject": f"Subject {subject}",
                "subject_key": f"subject {subject}",
                "subject_id": None,
                "property_name": prop,
                "property_key": prop,
                **value,
                "event_date": event[0] if event else None,
                "event_date_end": event[0] if event else None,
                "event_precision": event[1] if event else None,
                "as_of": as_of[0] if as_of else None,
                "as_of_end": as_of[1] if as_of else None,
                "as_of_precision": as_of[2] if as_of else None,
                "polarity": polarity,
                "status": "unverified",
                "note": None,
                "search_text": f"synthetic claim {i}",
                "created_at": now,
                "updated_at": now,
            }
        )
    sample = Sample(
        claims=n,
        blocks=len(sizes),
        largest_block=max(sizes.values()),
        expected_pairs=sum(k * (k - 1) // 2 for k in sizes.values()),
    )
    return rows, sample


def build(path: Path, n: int, seed: int) -> Sample:
    rng = random.Random(seed)
    database = Database.open(str(path))
    try:
        outlets = max(5, n // 200)
        sources = max(10, n // 10)
        rows, sample = claim_rows(n, sources, rng)
        now = datetime.now(UTC)
        with database.session(write=True) as session:
            session.execute(
                insert(Outlet),
                [
                    {
                        "name": f"Outlet {i}",
                        "name_key": f"outlet {i}",
                        "stance": STANCES[i % len(STANCES)],
                        "language": LANGUAGES[i % len(LANGUAGES)],
                        "created_at": now,
                    }
                    for i in range(outlets)
                ],
            )
            session.execute(
                insert(Source),
                [
                    {
                        "outlet_id": 1 + i % outlets,
                        "title": f"Article {i}",
                        "key": f"s{i}",
                        "published": date(2022, 1 + i % 12, 1),
                        "published_end": date(2022, 1 + i % 12, 28),
                        "published_precision": "month",
                        "created_at": now,
                    }
                    for i in range(sources)
                ],
            )
            for start in range(0, len(rows), 5000):
                session.execute(insert(Claim), rows[start : start + 5000])
    finally:
        database.close()
    return sample


def timed_scan(base: Path, work: Path) -> tuple[float, int, int]:
    shutil.copyfile(base, work)
    database = Database.open(str(work))
    try:
        started = time.perf_counter()
        with database.session(write=True) as session:
            result = scan(session)
            found = len(result.new_ids)
        elapsed = time.perf_counter() - started
    finally:
        database.close()
    return elapsed, result.compared_pairs, found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="claim counts (default 2000 8000 32000)")
    parser.add_argument("--quick", action="store_true", help="sizes 500 and 2000")
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the median is shown")
    parser.add_argument("--slow", type=float, default=10.0, help="one run only above this (s)")
    parser.add_argument("--seed", type=int, default=20240811)
    args = parser.parse_args(argv)
    sizes = args.sizes or ([500, 2000] if args.quick else [2000, 8000, 32000])

    header = ("claims", "blocks", "largest block", "all pairs", "compared pairs",
              "conflicts found", "seconds", "s per 1k claims")  # fmt: skip
    widths = [max(len(h), 9) for h in header]
    lines = ["  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True))]
    print(lines[0], flush=True)
    with tempfile.TemporaryDirectory(prefix="factbase-bench-") as tmp:
        for n in sizes:
            base = Path(tmp) / f"base-{n}.db"
            sample = build(base, n, args.seed + n)
            times: list[float] = []
            pairs = found = 0
            for run in range(max(1, args.runs)):
                elapsed, pairs, found = timed_scan(base, Path(tmp) / f"run-{n}-{run}.db")
                times.append(elapsed)
                if elapsed > args.slow:
                    break
            seconds = statistics.median(times)
            cells = (
                f"{n}",
                f"{sample.blocks}",
                f"{sample.largest_block}",
                f"{sample.expected_pairs}",
                f"{pairs}",
                f"{found}",
                f"{seconds:.3f}" + ("" if len(times) > 1 else "*"),
                f"{seconds / n * 1000:.3f}",
            )
            line = "  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True))
            lines.append(line)
            print(line, flush=True)
    print(
        f"seconds: full scan incl. recording the conflicts, median of {args.runs} runs "
        f"(* one run only, slower than {args.slow:g} s); all pairs: the pairs within blocks "
        "that a pair-by-pair scan would compare"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
