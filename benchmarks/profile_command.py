"""Where a factbase command spends its time: cProfile, condensed to two short tables.

    python benchmarks/profile_command.py --db bench.db report
    python benchmarks/profile_command.py --db bench.db --top 20 xref --limit 50

The command runs in this process under cProfile, its output thrown away. Two tables
follow: factbase's own functions by cumulative time (what each step costs with all it
calls), and the leaves by their own time (where the processor actually is: SQLite
executing, rows being fetched, a lemmatiser loading its dictionary). Profiling slows
Python code about twofold and SQLite not at all, so read shares, not seconds.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
from pathlib import Path


def _package() -> str:
    """Where the factbase being profiled lives (installed or a checkout)."""
    import factbase

    return str(Path(factbase.__file__).resolve().parent)


def run_profiled(db: str, args: list[str]) -> tuple[pstats.Stats, int]:
    """Run `factbase --db DB ARGS…` under cProfile; its stats and exit code."""
    from factbase.cli import main

    profile = cProfile.Profile()
    sys.argv = ["factbase", "--db", db, *args]
    code = 0
    with Path(os.devnull).open("w") as sink, contextlib.redirect_stdout(sink):
        profile.enable()
        try:
            main()
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            profile.disable()
    return pstats.Stats(profile, stream=io.StringIO()), code


def _name(key: tuple[str, int, str], package: str) -> str:
    filename, line, function = key
    if filename == "~":  # a built-in: the name says it all
        return function
    if filename.startswith(package):
        path = Path(filename)
        parent = path.parent.name
        module = path.stem if parent == "factbase" else f"{parent}/{path.stem}"
        return f"{module}.{function}"
    return f"{Path(filename).parent.name}/{Path(filename).name}:{line} {function}"


def tables(stats: pstats.Stats, top: int) -> str:
    entries = stats.stats  # type: ignore[attr-defined]  # key -> (prim, calls, own, cum, callers)
    total = max(cum for _, _, _, cum, _ in entries.values())
    package = _package()
    own_code = [
        (cum, calls, own, key)
        for key, (_, calls, own, cum, _) in entries.items()
        if key[0].startswith(package) and "/cli/" not in key[0]
    ]
    leaves = [(own, calls, cum, key) for key, (_, calls, own, cum, _) in entries.items()]
    lines = [f"total {total:.2f} s (profiled)", "", "factbase functions by cumulative time"]
    lines.append(f"{'cumulative s':>12} {'share':>6} {'calls':>10}  function")
    for cum, calls, _own, key in sorted(own_code, reverse=True)[:top]:
        lines.append(f"{cum:12.2f} {cum / total:6.0%} {calls:10,}  {_name(key, package)}")
    lines += ["", "leaves by own time"]
    lines.append(f"{'own s':>12} {'share':>6} {'calls':>10}  function")
    for own, calls, _cum, key in sorted(leaves, reverse=True)[:top]:
        lines.append(f"{own:12.2f} {own / total:6.0%} {calls:10,}  {_name(key, package)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the database the command reads")
    parser.add_argument("--top", type=int, default=12, help="rows per table")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="factbase's arguments")
    args = parser.parse_args(argv)
    if not args.command:
        parser.error("give the factbase command to profile, e.g. report")
    stats, code = run_profiled(args.db, args.command)
    if code:
        print(f"factbase exited with {code}", file=sys.stderr)
        return code
    print(f"factbase {' '.join(args.command)}")
    print(tables(stats, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
