"""Helpers shared by the reliability tests: real processes and database health checks."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from helpers import PG_URL, writing
from sqlalchemy import create_engine, inspect, text

WORKERS = Path(__file__).with_name("workers.py")


def factbase_executable() -> list[str]:
    """The installed `factbase` script beside this Python, else `python -m factbase`."""
    script = Path(sys.executable).with_name("factbase")
    return [str(script)] if script.exists() else [sys.executable, "-m", "factbase"]


def child_env(**overrides: str) -> dict[str, str]:
    """The test's environment: isolated data directory, fixed width, no colour."""
    return {**os.environ, **overrides}


def run_factbase(
    url: str | None, *args: str, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`factbase --db URL ARGS…` as a real process (without --db when url is None)."""
    location = ["--db", url] if url is not None else []
    return subprocess.run(
        [*factbase_executable(), *location, *args],
        capture_output=True,
        text=True,
        env=env or child_env(),
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


def start_factbase(url: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*factbase_executable(), "--db", url, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=child_env(),
    )


def start_worker(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env or child_env(),
    )


def add_source(url: str, key: str = "rel-src", outlet: str = "Reliability Wire") -> None:
    """An outlet and a source for claims to cite."""
    from factbase.catalog.outlets import add_outlet
    from factbase.catalog.sources import SourceInput, add_source

    with writing(url) as session:
        add_outlet(session, outlet, "neutral", country="KZ", language="en")
        add_source(
            session,
            SourceInput(
                outlet=outlet,
                title=f"Findings of {outlet}",
                key=key,
                language="en",
                published="2024-05-01",
            ),
        )


def orphan_rows(url: str) -> list[str]:
    """Every row whose foreign key points at nothing, as `child.column -> parent: n`."""
    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    problems = []
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            for table in inspector.get_table_names():
                for key in inspector.get_foreign_keys(table):
                    parent = key["referred_table"]
                    pairs = list(
                        zip(key["constrained_columns"], key["referred_columns"], strict=True)
                    )
                    joined = " AND ".join(f'c."{a}" = p."{b}"' for a, b in pairs)
                    present = " AND ".join(f'c."{a}" IS NOT NULL' for a, _ in pairs)
                    missing = f'p."{pairs[0][1]}" IS NULL'
                    count = connection.execute(
                        text(
                            f'SELECT count(*) FROM "{table}" c LEFT JOIN "{parent}" p '
                            f"ON {joined} WHERE {present} AND {missing}"
                        )
                    ).scalar_one()
                    if count:
                        columns = ",".join(a for a, _ in pairs)
                        problems.append(f"{table}.{columns} -> {parent}: {count}")
    finally:
        engine.dispose()
    return problems


def sqlite_health(url: str) -> tuple[str, list[tuple[object, ...]]]:
    """(PRAGMA integrity_check, PRAGMA foreign_key_check) of a SQLite file."""
    import sqlite3

    connection = sqlite3.connect(url)
    try:
        integrity = connection.execute("PRAGMA integrity_check").fetchone()[0]
        broken = connection.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        connection.close()
    return str(integrity), [tuple(row) for row in broken]


def assert_healthy(url: str) -> None:
    if not PG_URL:
        integrity, broken = sqlite_health(url)
        assert integrity == "ok"
        assert broken == []
    assert orphan_rows(url) == []


def claim_keys(url: str) -> list[str]:
    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT key FROM claim ORDER BY key")).scalars()
            return [str(key) for key in rows]
    finally:
        engine.dispose()
