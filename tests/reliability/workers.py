"""Child processes for the reliability suite, run as `python workers.py MODE …`.

Each mode is a real client of a factbase database: it opens it through
factbase.store.database like the command line does, so the parent test can run several at
once, kill one half-way, or run one under another timezone. Nothing here
imports the test suite's conftest.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _wait_for(go: Path) -> None:
    """Start together: every worker is loaded and connected before the first write."""
    deadline = time.monotonic() + 60
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the start signal never came")
        time.sleep(0.01)


def _claim_args(prefix: str, number: int) -> dict[str, object]:
    """The claim number `number` of a writer: every tenth one disagrees with the others."""
    data: dict[str, object] = {
        "source": "rel-src",
        "statement": f"Writer {prefix} reports finding number {number}.",
        "key": f"{prefix}-{number:03d}",
        "language": "en",
        "topics": ["concurrency"],  # not there beforehand: the writers race to create it
    }
    if number % 10 == 0:
        data |= {"subject": f"pipeline {prefix}", "property": "throughput", "value": f"{number} %"}
    return data


def add_with_library(url: str, prefix: str, count: int, go: Path) -> int:
    from factbase.analysis.intake import add_claim
    from factbase.claims.values import ClaimInput
    from factbase.store.database import Database

    database = Database.open(url)
    print("ready", flush=True)
    _wait_for(go)
    try:
        for number in range(count):
            with database.session(write=True) as session:
                add_claim(session, ClaimInput(**_claim_args(prefix, number)))  # type: ignore[arg-type]
    finally:
        database.close()
    return 0


def add_with_cli(url: str, prefix: str, count: int, go: Path) -> int:
    """`factbase add` through the command line's own entry point, once per claim."""
    import typer.main

    from factbase.cli import app

    command = typer.main.get_command(app)
    print("ready", flush=True)
    _wait_for(go)
    for number in range(count):
        data = _claim_args(prefix, number)
        args = ["--db", url, "add", str(data["statement"]), "--source", str(data["source"])]
        args += ["--key", str(data["key"]), "--language", "en", "--topic", "concurrency"]
        for option in ("subject", "property", "value"):
            if option in data:
                args += [f"--{option}", str(data[option])]
        code = command.main(args, prog_name="factbase", standalone_mode=False)
        if code:
            return int(code)
    return 0


def import_with_progress(url: str, path: Path) -> int:
    """Import one file, printing `claims N` after each claim so the parent can kill us."""
    from factbase.interchange.importer import import_files
    from factbase.store.database import Database

    def progress(done: int, total: int) -> None:
        print(f"claims {done} of {total}", flush=True)

    database = Database.open(url)
    with database.session(write=True) as session:
        import_files(session, [path], progress=progress)
    print("committed", flush=True)
    return 0


def migrate(url: str, migrations: Path, head: str) -> int:
    """Upgrade with another set of migrations (one of them may hang until killed)."""
    import factbase.store.database

    factbase.store.database.migrations_dir = lambda: migrations  # type: ignore[assignment]
    factbase.store.database.HEAD_REVISION = head
    factbase.store.database.Database.open(url).close()
    print("upgraded", flush=True)
    return 0


def run_cli_batch(commands_file: Path) -> int:
    """Run several commands in this one process and print their results as JSON."""
    from typer.testing import CliRunner

    from factbase.cli import app

    runner = CliRunner()
    results = []
    for args in json.loads(commands_file.read_text(encoding="utf-8")):
        outcome = runner.invoke(app, args)
        results.append([args, outcome.exit_code, outcome.stdout, outcome.stderr])
    sys.stdout.write(json.dumps(results, ensure_ascii=False))
    return 0


def main(argv: list[str]) -> int:
    mode, *rest = argv
    if mode == "library":
        return add_with_library(rest[0], rest[1], int(rest[2]), Path(rest[3]))
    if mode == "cli":
        return add_with_cli(rest[0], rest[1], int(rest[2]), Path(rest[3]))
    if mode == "import":
        return import_with_progress(rest[0], Path(rest[1]))
    if mode == "migrate":
        return migrate(rest[0], Path(rest[1]), rest[2])
    if mode == "cli-batch":
        return run_cli_batch(Path(rest[0]))
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
