"""Does `factbase export claims` keep memory flat as the database grows?

    python benchmarks/bench_export.py              # 10000 and 100000 claims
    python benchmarks/bench_export.py --quick      # 2000 and 20000
    python benchmarks/bench_export.py 5000 50000 --format jsonl

For each size a temporary SQLite database is created with factbase.store.database.Database.open and
filled with Core inserts: 50 outlets of every stance, one source per 100 claims, claims
in Cyrillic and Latin with values, topics, same/supports links joining a tenth of them
into clusters, and open conflicts between a twentieth. `factbase export claims` then runs
in a fresh subprocess writing to a file; the table shows its wall time and its peak RSS
(resource.getrusage(RUSAGE_CHILDREN) read after each run, which reports the largest child
so far, hence one fresh child process per size, smallest first).
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import func, insert, select

from factbase.store.database import Database
from factbase.store.models import Claim, ClaimLink, ClaimTopic, Conflict, Outlet, Source, Topic

STANCES = ("pro-western", "pro-kremlin", "pro-ukrainian", "neutral", "state-affiliated")
BATCH = 5000


def fill(path: Path, claims: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    now = datetime(2024, 1, 1, tzinfo=UTC)
    db = Database.open(str(path))
    with db.session(write=True) as session:
        session.execute(
            insert(Outlet),
            [
                {"id": i, "name": f"Outlet {i}", "name_key": f"outlet {i}",
                 "stance": STANCES[i % len(STANCES)], "created_at": now}
                for i in range(1, 51)
            ],
        )  # fmt: skip
        # Twenty topics of its own, numbered after the starter vocabulary a new database has.
        first = (session.scalar(select(func.max(Topic.id))) or 0) + 1
        session.execute(
            insert(Topic), [{"id": first + i, "slug": f"topic-{i}", "label": f"T{i}",
                             "created_at": now} for i in range(20)]
        )  # fmt: skip
        sources = max(1, claims // 100)
        session.execute(
            insert(Source),
            [
                {"id": i, "key": f"src-{i}", "outlet_id": 1 + i % 50,
                 "title": f"Статья номер {i}, «о нефти»", "language": "ru",
                 "published": date(2022, 1 + i % 12, 1),
                 "published_end": date(2022, 1 + i % 12, 28),
                 "published_precision": "month", "created_at": now}
                for i in range(1, sources + 1)
            ],
        )  # fmt: skip
        for start in range(1, claims + 1, BATCH):
            ids = range(start, min(claims, start + BATCH - 1) + 1)
            session.execute(
                insert(Claim),
                [
                    {"id": i, "key": f"claim-{i}", "source_id": 1 + i % sources,
                     "statement": f"Около {i % 90} % экспорта нефти идёт через КТК, \"claim\" {i}",
                     "quote": f"около {i % 90}% экспорта,\nпо словам источника {i}",
                     "language": "ru", "speaker": f"Speaker {i % 300}",
                     "speaker_key": f"speaker {i % 300}", "subject": "КТК", "subject_key": "ктк",
                     "property": "share", "property_key": "share", "value_text": f"около {i % 90}%",
                     "value_num": float(i % 90), "value_unit": "%", "value_low": i % 90 * 0.9,
                     "value_high": i % 90 * 1.1, "value_qualifier": "approx",
                     "polarity": "affirmed", "status": "unverified", "search_text": "",
                     "created_at": now, "updated_at": now}
                    for i in ids
                ],
            )  # fmt: skip
            session.execute(
                insert(ClaimTopic),
                [{"claim_id": i, "topic_id": first + i % 20, "suggested": False} for i in ids],
            )
        pairs = {tuple(sorted(rng.sample(range(1, claims + 1), 2))) for _ in range(claims // 10)}
        session.execute(
            insert(ClaimLink),
            [
                {"claim_a_id": a, "claim_b_id": b, "kind": rng.choice(("same", "supports")),
                 "created_at": now}
                for a, b in pairs
            ],
        )  # fmt: skip
        conflicts = {
            tuple(sorted(rng.sample(range(1, claims + 1), 2))) for _ in range(claims // 20)
        }
        session.execute(
            insert(Conflict),
            [
                {"claim_a_id": a, "claim_b_id": b, "kind": "value", "cause": "direct",
                 "explanation": "synthetic", "status": "open", "created_at": now,
                 "updated_at": now}
                for a, b in conflicts
            ],
        )  # fmt: skip
    db.close()


def run_export(path: Path, fmt: str, out: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of one `factbase export claims` subprocess."""
    command = [sys.executable, "-m", "factbase", "--db", str(path), "export", "claims"]
    started = time.perf_counter()
    subprocess.run([*command, "--format", fmt, "-o", str(out)], check=True)
    elapsed = time.perf_counter() - started
    return elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int)
    parser.add_argument("--quick", action="store_true", help="2000 and 20000 claims")
    parser.add_argument("--format", default="csv", choices=("csv", "json", "jsonl"))
    args = parser.parse_args()
    sizes = sorted(args.sizes or ([2000, 20000] if args.quick else [10000, 100000]))
    print(f"{'claims':>8}  {'fill s':>7}  {'export s':>8}  {'claims/s':>9}  "
          f"{'peak RSS MiB':>12}  {'file MiB':>8}")  # fmt: skip
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            started = time.perf_counter()
            fill(path, size)
            filled = time.perf_counter() - started
            out = Path(folder) / f"claims.{args.format}"
            elapsed, peak_kib = run_export(path, args.format, out)
            print(
                f"{size:>8}  {filled:>7.1f}  {elapsed:>8.1f}  {size / elapsed:>9.0f}  "
                f"{peak_kib / 1024:>12.1f}  {out.stat().st_size / 1_048_576:>8.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
