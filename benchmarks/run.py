"""factbase at scale, side by side with the storage engine's own tools.

    python benchmarks/run.py                     # 10k, 100k and 1M claims
    python benchmarks/run.py --quick             # 2k claims, one run each (CI)
    python benchmarks/run.py 10000 100000 --runs 5 --json results.json
    python benchmarks/run.py 1000000 --keep ~/bench   # build once; later runs reuse it

For each size: generate the data (benchmarks/generate.py), import it into a fresh SQLite
file with `factbase import`, then time whole processes, as a user meets them, each the
median of --runs runs with min and max:

- start-up (`--help`, `--version`), `list --topic oil`, `list --search` (a lemma, a form
  claims hold, two words, a form no claim holds),
  `show`, `add` (with its incremental conflict check; words lingua must read, words that
  tell their language, a file of claims with `--from-file`), with the peak RSS of each;
- `export claims --format csv` against the sqlite3 shell writing the same joined rows,
  with the peak RSS of each;
- `import` of the JSON Lines file against `sqlite-utils insert --nl` loading the same
  claim records (which parses nothing), in rows per second;
- `conflicts scan` (full), `xref`, `report`, `report --html DIR` (the static site);
- `edit` (a new value), `verdict` and `retract` of one claim, each run on another claim.

With `--pg URL` (a `postgresql+psycopg://` URL whose database the benchmark may drop and
create again; the server's `postgres` database is used to do so), each size up to
`--pg-max` claims is also imported into PostgreSQL and timed there: the import,
`list --topic oil`, `show`, `export claims --format csv` and `conflicts scan`, each beside
its SQLite figure of the same run (the note gives the ratio).

The anchors need the `sqlite3` shell and `sqlite-utils` on PATH (install sqlite-utils in
the benchmark's environment only: `pip install sqlite-utils`); a missing one is reported
as such, not guessed. Work that takes longer than --slow seconds runs once.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (a sibling script, not a package)

FACTBASE = [sys.executable, "-m", "factbase"]


@dataclass
class Figure:
    size: int
    work: str
    seconds: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    rows_per_s: float | None = None
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


# Runs the command (argv[2:]) as a child of its own and writes that child's wall seconds
# and peak RSS (KiB) to the file descriptor argv[1]. The benchmark process grows large, and
# Linux starts a forked child's peak RSS at its parent's size and keeps it across exec:
# measured as a child of this process, a small command would read at least this process's
# size. This launcher is small (no site packages), so its child's peak is the command's own.
_LAUNCHER = """
import os, sys, time
report = int(sys.argv[1])
os.set_inheritable(report, False)
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(sys.argv[2], sys.argv[2:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
os.write(report, f"{time.perf_counter() - started} {usage.ru_maxrss}".encode())
sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
"""


def timed(command: list[str], *, stdout: int | None = subprocess.DEVNULL) -> tuple[float, float]:
    """Run a whole process; its wall time and peak RSS in MB (its own and its workers',
    through the launcher above). A failure stops the run."""
    reading, writing = os.pipe()
    try:
        launcher = [sys.executable, "-S", "-E", "-c", _LAUNCHER, str(writing), *command]
        process = subprocess.Popen(
            launcher, stdout=stdout, stderr=subprocess.PIPE, pass_fds=(writing,)
        )
        os.close(writing)
        writing = -1
        _out, err = process.communicate()
        report = os.read(reading, 200).decode()
    finally:
        os.close(reading)
        if writing >= 0:
            os.close(writing)
    if process.returncode != 0 or not report:
        stderr = err.decode(errors="replace") if err else ""
        raise SystemExit(f"benchmark step failed: {' '.join(command)}\n{stderr}")
    elapsed, peak_kib = report.split()
    return float(elapsed), int(peak_kib) / 1024


def measure(figure: Figure, command: list[str], runs: int, slow: float) -> Figure:
    for _ in range(runs):
        elapsed, peak = timed(command)
        figure.seconds.append(elapsed)
        figure.peak_mb = max(figure.peak_mb or 0.0, peak)
        if elapsed > slow:
            break
    return figure


def factbase(db: Path | str, *args: str) -> list[str]:
    return [*FACTBASE, "--db", str(db), *args]


def one_size(n: int, work: Path, runs: int, slow: float) -> list[Figure]:
    data = work / f"claims-{n}.jsonl"
    db = work / f"factbase-{n}.db"
    # Written once the import has succeeded: a kept database is reused only when whole.
    imported_mark = work / f"factbase-{n}.imported"
    figures = []

    imported = Figure(n, "import JSONL")
    if imported_mark.exists() and db.exists() and data.exists():
        imported.note = f"not timed: reused {db}"
    else:
        db.unlink(missing_ok=True)
        with data.open("w", encoding="utf-8") as out:
            generate.write(n, 1, out)
        elapsed, peak = timed(factbase(db, "import", str(data)))
        imported.seconds, imported.peak_mb, imported.rows_per_s = [elapsed], peak, n / elapsed
        imported_mark.write_text(f"{n} claims imported\n", encoding="utf-8")
    figures.append(imported)
    figures.append(_sqlite_utils_insert(n, data, work, runs, slow))

    for name, args in (
        ("--help", ["--help"]),
        ("--version", ["--version"]),
        ("list --topic oil --limit 50", ["list", "--topic", "oil", "--limit", "50"]),
        ("list --search нефть --limit 50", ["list", "--search", "нефть", "--limit", "50"]),
        # A form claims hold ("в фокусе"): its lemma is on record, no dictionary is loaded.
        ("list --search фокусе --limit 50", ["list", "--search", "фокусе", "--limit", "50"]),
        # Two words, ranked by how many each claim holds.
        (
            "list --search 'нефть газ' --limit 50",
            ["list", "--search", "нефть газ", "--limit", "50"],
        ),
        # A form no claim holds: the Russian dictionary is loaded to read it.
        ("list --search фокусом --limit 50", ["list", "--search", "фокусом", "--limit", "50"]),
        ("show ID", ["show", str(max(1, n // 2))]),
    ):
        figures.append(measure(Figure(n, name), factbase(db, *args), runs, slow))
    figures.extend(_adds(n, db, work, runs))

    export = measure(
        Figure(n, "export claims --format csv"),
        factbase(db, "export", "claims", "--format", "csv", "-o", str(work / "export.csv")),
        runs,
        slow,
    )
    figures.append(export)
    figures.append(_sqlite3_shell_export(n, db, work, runs, slow))
    for name, args in (
        ("conflicts scan (full)", ["conflicts", "scan"]),
        ("xref", ["xref", "--limit", "50", "--format", "jsonl"]),
        ("report", ["report"]),
        # The site, written again into one directory: each run swaps the last one out.
        ("report --html DIR", ["report", "--html", str(work / "site"), "--limit", "1"]),
    ):
        figures.append(measure(Figure(n, name), factbase(db, *args), runs, slow))
    figures.extend(_corrections(n, db, runs))
    return figures


def _corrections(n: int, db: Path, runs: int) -> list[Figure]:
    """`edit`, `verdict` and `retract` of one claim, each run on another claim (last, so
    the few claims they change count in no other figure)."""
    edited = Figure(n, "edit ID --value")
    judged = Figure(n, "verdict ID")
    retracted = Figure(n, "retract ID")
    for _ in range(runs):
        stamp = time.time_ns()
        first = 1 + (stamp // 1000) % (n - 3)
        _record(
            edited, timed(factbase(db, "edit", str(first), "--value", f"{stamp % 97} млн тонн"))
        )
        command = factbase(db, "verdict", str(first + 1), "--rating", "false",
                           "--note", f"benchmark {stamp}")  # fmt: skip
        _record(judged, timed(command))
        command = factbase(db, "retract", str(first + 2), "--note", f"benchmark {stamp}")
        _record(retracted, timed(command))
    return [edited, judged, retracted]


# Claims `add --from-file` records in one process.
FILE_CLAIMS = 20


def _adds(n: int, db: Path, work: Path, runs: int) -> list[Figure]:
    """`add` as a user records by hand: words whose language lingua must tell (Russian
    that could be Ukrainian), words that tell it themselves, and a file of claims."""
    added = Figure(n, "add (with conflict check)")
    told = Figure(n, "add, words telling their language")
    from_file = Figure(n, f"add --from-file, {FILE_CLAIMS} claims")
    for _ in range(runs):
        stamp = time.time_ns()
        # A key and words of its own, so a kept database takes it too: `add` refuses a
        # claim repeating one of its source (the duplicate check is part of the cost).
        key, statement = f"bench-add-{stamp}", f"порт 1: замер {stamp}, транзит 9 млн тонн"
        command = factbase(db, "add", statement,
                           "--source", "s1", "--key", key, "--language", "ru",
                           "--subject", "порт 1", "--property", "oil transit",
                           "--value", "9 млн тонн", "--as-of", "2022")  # fmt: skip
        _record(added, timed(command))
        # Two Russian verb endings (-ает) decide the language without lingua.
        statement = f"Транзит через порт {stamp} составляет 9 млн тонн, сообщает оператор"
        command = factbase(db, "add", statement, "--source", "s1",
                           "--subject", "порт 1", "--property", "oil transit",
                           "--value", "9 млн тонн", "--as-of", "2022")  # fmt: skip
        _record(told, timed(command))
        claims = [
            {"source": "s1", "key": f"bench-file-{stamp}-{i}", "subject": "порт 1",
             "statement": f"Транзит через порт {stamp} составляет {i} млн тонн, сообщает {i}",
             "property": "oil transit", "value": f"{i} млн тонн", "as_of": "2022"}
            for i in range(1, FILE_CLAIMS + 1)
        ]  # fmt: skip
        path = work / "add-claims.json"
        path.write_text(json.dumps({"claims": claims}, ensure_ascii=False), encoding="utf-8")
        _record(from_file, timed(factbase(db, "add", "--from-file", str(path))))
    from_file.note = f"{from_file.median / FILE_CLAIMS:.3f} s a claim"
    return [added, told, from_file]


def _record(figure: Figure, measured: tuple[float, float]) -> None:
    elapsed, peak = measured
    figure.seconds.append(elapsed)
    figure.peak_mb = max(figure.peak_mb or 0.0, peak)


# The rows an export carries, joined as the sqlite3 shell would be asked to write them.
SHELL_EXPORT = """.headers on
.mode csv
.output {out}
SELECT c.id, c.key, c.statement, c.quote, c.language, c.speaker, c.subject, c.property,
  c.value_text, c.value_num, c.value_unit, c.value_low, c.value_high, c.event_date, c.as_of,
  c.polarity, c.status, s.title, s.url, o.name, o.stance, s.published
FROM claim c JOIN source s ON s.id = c.source_id JOIN outlet o ON o.id = s.outlet_id
ORDER BY c.id;
"""


# The work timed on PostgreSQL as well: (figure name, its SQLite figure's name, arguments).
POSTGRES_WORK = (
    ("list --topic oil --limit 50", ["list", "--topic", "oil", "--limit", "50"]),
    ("show ID", ["show", "{middle}"]),
    ("export claims --format csv", ["export", "claims", "--format", "csv", "-o", "{out}"]),
    ("conflicts scan (full)", ["conflicts", "scan"]),
)


def postgres_size(
    n: int, url: str, work: Path, runs: int, slow: float, sqlite: list[Figure]
) -> list[Figure]:
    """The size's data imported into a new PostgreSQL database and timed as on SQLite."""
    on_sqlite = {f.work: f for f in sqlite if f.size == n}
    recreate_database(url)
    imported = Figure(n, "PostgreSQL: import JSONL")
    elapsed, peak = timed(factbase(url, "import", str(work / f"claims-{n}.jsonl")))
    imported.seconds, imported.peak_mb, imported.rows_per_s = [elapsed], peak, n / elapsed
    figures = [_beside(imported, on_sqlite.get("import JSONL"))]
    for name, args in POSTGRES_WORK:
        args = [a.format(middle=max(1, n // 2), out=work / "export-pg.csv") for a in args]
        figure = measure(Figure(n, f"PostgreSQL: {name}"), factbase(url, *args), runs, slow)
        figures.append(_beside(figure, on_sqlite.get(name)))
    return figures


def _beside(figure: Figure, sqlite: Figure | None) -> Figure:
    if sqlite is not None and sqlite.seconds:
        figure.note = f"{figure.median / sqlite.median:.2f} × SQLite"
    elif sqlite is not None:
        figure.note = "SQLite figure not timed in this run"
    return figure


def recreate_database(url: str) -> None:
    """Drop the URL's database and create it empty, through the server's `postgres` one."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        raise SystemExit("--pg needs psycopg: pip install 'psycopg[binary]'") from None
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgresql") or not name:
        raise SystemExit(f"--pg needs a postgresql+psycopg://USER@HOST:PORT/DATABASE URL: {url}")
    with psycopg.connect(
        host=parts.hostname or "localhost",
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password) if parts.password else None,
        dbname="postgres",
        autocommit=True,
        connect_timeout=10,
    ) as connection:
        database = sql.Identifier(name)
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(database))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(database))


def _sqlite3_shell_export(n: int, db: Path, work: Path, runs: int, slow: float) -> Figure:
    figure = Figure(n, "anchor: sqlite3 shell CSV export")
    shell = shutil.which("sqlite3")
    if shell is None:
        figure.note = "sqlite3 shell not installed"
        return figure
    script = work / "export.sql"
    script.write_text(SHELL_EXPORT.format(out=work / "shell.csv"), encoding="utf-8")
    return measure(figure, [shell, str(db), f".read {script}"], runs, slow)


def _sqlite_utils_insert(n: int, data: Path, work: Path, runs: int, slow: float) -> Figure:
    figure = Figure(n, "anchor: sqlite-utils insert --nl")
    tool = shutil.which("sqlite-utils")
    if tool is None:
        figure.note = "sqlite-utils not installed"
        return figure
    claims = work / "claims-only.jsonl"
    with data.open(encoding="utf-8") as source, claims.open("w", encoding="utf-8") as out:
        for line in source:
            if '"type": "claim"' in line:
                out.write(line)
    for run in range(runs):
        target = work / f"sqlite-utils-{run}.db"
        target.unlink(missing_ok=True)
        elapsed, peak = timed([tool, "insert", str(target), "claims", str(claims), "--nl"])
        figure.seconds.append(elapsed)
        figure.peak_mb = max(figure.peak_mb or 0.0, peak)
        if elapsed > slow:
            break
    figure.rows_per_s = n / figure.median
    return figure


def render(figures: list[Figure]) -> str:
    header = ("claims", "work", "median s", "min s", "max s", "runs", "peak MB", "rows/s", "note")
    rows = [header]
    for f in figures:
        rows.append(
            (
                f"{f.size:,}",
                f.work,
                f"{f.median:.3f}" if f.seconds else "-",
                f"{min(f.seconds):.3f}" if f.seconds else "-",
                f"{max(f.seconds):.3f}" if f.seconds else "-",
                str(len(f.seconds)),
                f"{f.peak_mb:.0f}" if f.peak_mb else "-",
                f"{f.rows_per_s:,.0f}" if f.rows_per_s else "-",
                f.note,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(w) if i in (1, 8) else cell.rjust(w) for i, (cell, w) in
                  enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows
    )  # fmt: skip


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    python = platform.python_version()
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {os.cpu_count()} CPUs ({cpu}), Python {python}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, help="claim counts (default 10k 100k 1M)")
    parser.add_argument("--quick", action="store_true", help="2000 claims, one run each")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--slow", type=float, default=30.0, help="run once above this (s)")
    parser.add_argument("--json", type=Path, help="also save the figures here")
    parser.add_argument(
        "--pg",
        metavar="URL",
        help="also time PostgreSQL at this URL; its database is dropped and created again",
    )
    parser.add_argument(
        "--pg-max", type=int, default=100_000, help="largest size timed on PostgreSQL"
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="work in DIR and keep the data and databases; a later run with the same DIR "
        "reuses a size's imported database instead of building it again (import not timed). "
        "DIR is the benchmark's: a database there without the mark of a finished import is "
        "built again, and each run adds its `add` claims and the scan's conflicts",
    )
    args = parser.parse_args(argv)
    sizes = args.sizes or ([2000] if args.quick else [10_000, 100_000, 1_000_000])
    runs = 1 if args.quick else args.runs
    figures: list[Figure] = []
    with contextlib.ExitStack() as stack:
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            work = args.keep
        else:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="factbase-bench-")))
        for n in sizes:
            figures.extend(one_size(n, work, runs, args.slow))
            if args.pg and n <= args.pg_max:
                figures.extend(postgres_size(n, args.pg, work, runs, args.slow, figures))
            print(render([f for f in figures if f.size == n]), "\n", flush=True)
    print(f"machine: {machine()}")
    if args.json:
        payload = {"machine": machine(), "figures": [asdict(f) for f in figures]}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
