"""Write what factbase prints for the seed data (and a generated data set) into a directory.

Run it before and after a change that must not change behaviour, then compare the two
directories byte for byte:

    python benchmarks/snapshot_outputs.py /tmp/before      # on the old commit
    python benchmarks/snapshot_outputs.py /tmp/after       # on the new one
    diff -r /tmp/before /tmp/after && echo identical

Each command runs in a subprocess with a fixed terminal width, no colour and a fixed
clock-independent database, so the files differ only when the output does.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# A stored timestamp as any output prints it, cut short in a table or not.
TIMESTAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(\+00:00|Z)?(\.\d+)?")

# (file name, arguments after `factbase --db DB`); every command reads the seeded database
# in this order, so a command that writes (the scan, xref --accept) runs last.
SEED_COMMANDS: list[tuple[str, list[str]]] = [
    ("list.txt", ["list", "--limit", "0"]),
    ("list-oil.txt", ["list", "--topic", "oil"]),
    ("list.csv", ["list", "--format", "csv", "--limit", "0"]),
    ("list.json", ["list", "--format", "json", "--limit", "0"]),
    ("list-search.jsonl", ["list", "--search", "нефт", "--format", "jsonl"]),
    ("show-cpc.txt", ["show", "wsj-ru-cpc-share"]),
    ("show-1.txt", ["show", "1"]),
    ("show-40.txt", ["show", "40"]),
    ("conflicts.txt", ["conflicts", "--limit", "0"]),
    ("conflicts.csv", ["conflicts", "--format", "csv", "--limit", "0"]),
    ("conflicts-show-1.txt", ["conflicts", "show", "1"]),
    ("xref.txt", ["xref", "--limit", "0"]),
    ("xref.json", ["xref", "--format", "json", "--limit", "0"]),
    ("export-all.yaml", ["export", "all"]),
    ("export-claims.csv", ["export", "claims"]),
    ("export-claims.json", ["export", "claims", "--format", "json"]),
    ("export-claimreview.json", ["export", "claims", "--format", "claimreview"]),
    ("export-conflicts.csv", ["export", "conflicts"]),
    ("export-sources.csv", ["export", "sources"]),
    ("export-outlets.csv", ["export", "outlets"]),
    ("report.txt", ["report", "--rows", "0"]),
    ("report.json", ["report", "--format", "json"]),
    ("report-oil.json", ["report", "--format", "json", "--topic", "oil"]),
    ("sources.txt", ["source", "list"]),
    ("outlets.txt", ["outlet", "list"]),
    ("topics.txt", ["topics"]),
    ("entities.txt", ["entities"]),
    ("history.txt", ["history"]),
    ("stats.json", ["stats", "--format", "json"]),
]


def run(factbase: list[str], db: Path, args: list[str], env: dict[str, str]) -> bytes:
    done = subprocess.run(
        [*factbase, "--db", str(db), *args], capture_output=True, env=env, check=False
    )
    printed = done.stdout + b"\n--- stderr ---\n" + done.stderr
    # The temporary directory and the clock are what differ from run to run.
    printed = printed.replace(str(db.parent).encode(), b"<WORK>")
    printed = TIMESTAMP.sub(b"<TIME>", printed)
    return printed + f"\n--- exit {done.returncode}\n".encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="directory to write the outputs into")
    parser.add_argument(
        "--claims", type=int, default=2000, help="size of the generated data set (0 to skip)"
    )
    options = parser.parse_args()
    out: Path = options.out
    out.mkdir(parents=True, exist_ok=True)
    factbase = [sys.executable, "-m", "factbase"]
    env = {**os.environ, "COLUMNS": "120", "NO_COLOR": "1", "TERM": "dumb", "TZ": "UTC"}
    env.pop("FACTBASE_DB", None)
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "seed.db"
        (out / "seed.txt").write_bytes(run(factbase, db, ["seed"], env))
        for name, args in SEED_COMMANDS:
            (out / name).write_bytes(run(factbase, db, args, env))
        if options.claims:
            data = Path(work) / "generated.jsonl"
            subprocess.run(
                [sys.executable, str(HERE / "generate.py"), str(options.claims), "-o", str(data)],
                check=True,
                capture_output=True,
            )
            big = Path(work) / "generated.db"
            (out / "gen-import.txt").write_bytes(run(factbase, big, ["import", str(data)], env))
            for fmt in ("csv", "json", "jsonl"):
                (out / f"gen-export-claims.{fmt}").write_bytes(
                    run(factbase, big, ["export", "claims", "--format", fmt], env)
                )
            (out / "gen-export-all.yaml").write_bytes(run(factbase, big, ["export", "all"], env))
            (out / "gen-report.json").write_bytes(
                run(factbase, big, ["report", "--format", "json"], env)
            )
            (out / "gen-scan.txt").write_bytes(run(factbase, big, ["conflicts", "scan"], env))
            (out / "gen-conflicts.csv").write_bytes(
                run(factbase, big, ["export", "conflicts"], env)
            )
    print(f"wrote {len(list(out.iterdir()))} files to {out}")


if __name__ == "__main__":
    main()
