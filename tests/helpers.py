"""Plain functions shared by the tests; the fixtures built on them live in conftest.py.

Test modules import from here (`from helpers import Cli, query`), never from conftest:
pytest puts tests/ on sys.path (`pythonpath` in pyproject.toml).

- the run's database: PG_URL, reset_postgres
- the command line in-process: Cli, Outcome, and JSON output: parse_json, records, listed_claims
- the command line as a real process: factbase_command, run_factbase
- reading the database directly: query, query_rows, snapshot, as_date
- building data through the library: writing, add_outlets, add_sources, add_claims, seed
- the quick writers against the library: copies, file_bytes, written_tables
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from typer.testing import CliRunner

from factbase.analysis.conflict_pairs import ClaimFacts
from factbase.text.dates import parse_date
from factbase.text.quantities import Quantity, parse_quantity

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

# -- the run's database ----------------------------------------------------------------


def _run_database(server_url: str) -> str:
    """Create a database for this test run on the server and return its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"factbase_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_run_database() -> None:
    """Drop the database PG_URL names (at the end of the run; see conftest.py)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if not (PG_SERVER_URL and PG_URL):
        return
    name = make_url(PG_URL).database
    engine = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


PG_SERVER_URL = os.environ.get("FACTBASE_TEST_PG_URL")
# The database every PostgreSQL test of this run shares, created on first import. The
# environment variable keeps a second import (and child processes) on the same database;
# each pytest-xdist worker (`pytest -n 2`) has a variable, so a database, of its own.
_RUN_PG_URL = "_FACTBASE_TEST_RUN_PG_URL" + os.environ.get("PYTEST_XDIST_WORKER", "")
PG_URL = os.environ.get(_RUN_PG_URL) or (_run_database(PG_SERVER_URL) if PG_SERVER_URL else None)
if PG_URL:
    os.environ[_RUN_PG_URL] = PG_URL


def built_template(
    factory: Any, empty: Path, build: Callable[[str], object], name: str
) -> Path | None:
    """SQLite: a database built once (from the migrated ``empty`` one) for copying into
    each test that wants it. PostgreSQL: None, each test builds its own."""
    if PG_URL:
        return None
    path = factory.mktemp(name) / "template.db"
    shutil.copyfile(empty, path)
    build(str(path))
    return path


def from_template(url: str, template: Path | None, build: Callable[[str], object]) -> str:
    """``url`` holding what ``build`` makes: a copy of the template, or built anew."""
    if template is None:
        build(url)
    else:
        shutil.copyfile(template, url)
    return url


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


# -- the command line, in-process ----------------------------------------------------------


@dataclass
class Outcome:
    exit_code: int
    stdout: str
    stderr: str


class Cli:
    """Runs `factbase --db URL …` in-process, in Typer's runner's isolated streams."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Outcome:
        command = whole_command()
        prog_name = self.runner.get_default_prog_name(command)
        with self.runner.isolation(input=input) as streams:
            exit_code = 0
            try:
                command.main(args=["--db", self.url, *args], prog_name=prog_name)
            except SystemExit as exit:  # as Typer's runner reads an exit
                if exit.code is None or isinstance(exit.code, int):
                    exit_code = exit.code or 0
                else:
                    sys.stdout.write(f"{exit.code}\n")
                    exit_code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                stdout, stderr = streams[0].getvalue(), streams[1].getvalue()
        return Outcome(exit_code, self._text(stdout), self._text(stderr))

    def _text(self, printed: bytes) -> str:
        return printed.decode(self.runner.charset, "replace").replace("\r\n", "\n")

    def ok(self, *args: str, input: str | None = None) -> Outcome:
        outcome = self(*args, input=input)
        assert outcome.exit_code == 0, f"exit {outcome.exit_code}: {outcome.stderr}"
        return outcome


def parse_json(output: Outcome | str) -> Any:
    """The JSON a command printed on standard output."""
    return json.loads(output.stdout if isinstance(output, Outcome) else output)


def records(cli: Cli, *args: str) -> list[dict[str, Any]]:
    """`factbase ARGS --format json`, which must succeed, parsed."""
    rows: list[dict[str, Any]] = parse_json(cli.ok(*args, "--format", "json"))
    return rows


def listed_claims(cli: Cli, *args: str) -> list[dict[str, Any]]:
    """Every claim `factbase list ARGS` selects, as JSON records (no row limit)."""
    rows: list[dict[str, Any]] = parse_json(
        cli.ok("list", "--format", "json", "--limit", "0", *args)
    )
    return rows


@lru_cache(maxsize=1)
def whole_command() -> Any:
    """The whole command line as Click runs it, built once for the test run: Typer's
    runner builds it again on every call (~0.1 s, most of a CLI test's time)."""
    import typer.main

    from factbase.cli import app

    return typer.main.get_command(app)


# -- the command line, as a real process ---------------------------------------------------


def factbase_command() -> list[str]:
    """The installed `factbase` script beside this Python, else `python -m factbase`."""
    script = Path(sys.executable).with_name("factbase")
    return [str(script)] if script.exists() else [sys.executable, "-m", "factbase"]


def run_factbase(
    *args: str,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """`factbase ARGS…` as a real process, in this test's environment unless `env` is given."""
    return subprocess.run(
        [*factbase_command(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=dict(env) if env is not None else dict(os.environ),
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )


# -- reading the database directly ---------------------------------------------------------


def query(url: str, sql: str, **params: Any) -> list[dict[str, Any]]:
    """Rows read straight from the database, bypassing factbase's own code."""
    from sqlalchemy import create_engine, text

    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def query_rows(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Like query, as plain tuples."""
    from sqlalchemy import create_engine, text

    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql), params)]
    finally:
        engine.dispose()


def snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, to prove a failed command wrote nothing."""
    from sqlalchemy import create_engine, inspect, text

    from factbase.store.database import resolve_url

    engine = create_engine(resolve_url(url))
    with engine.connect() as connection:
        tables = sorted(inspect(connection).get_table_names())
        rows = {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                key=repr,
            )
            for table in tables
        }
    engine.dispose()
    return rows


def as_date(value: Any) -> date | None:
    """SQLite hands back dates as text through raw SQL; PostgreSQL as date."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


# -- building data through the library (faster than the command line) ---------------------


@contextmanager
def writing(url: str) -> Iterator[Session]:
    """A write session on the database at `url`, committed at the end of the block."""
    from factbase.store.database import Database

    database = Database.open(url)
    try:
        with database.session(write=True) as session:
            yield session
    finally:
        database.close()


def add_outlets(session: Session, outlets: Iterable[tuple[str, str, str]]) -> None:
    """Outlets given as (name, stance, language)."""
    from factbase.catalog.outlets import add_outlet

    for name, stance, language in outlets:
        add_outlet(session, name, stance, language=language)


def add_sources(session: Session, sources: Iterable[tuple[str, str, str]]) -> None:
    """Sources given as (key, outlet, published), each titled "Article KEY"."""
    from factbase.catalog.sources import SourceInput, add_source

    for key, outlet, published in sources:
        add_source(
            session,
            SourceInput(outlet=outlet, title=f"Article {key}", key=key, published=published),
        )


def add_claims(session: Session, claims: Iterable[Mapping[str, Any]]) -> None:
    """Claims given as ClaimInput fields (source and statement at least)."""
    from factbase.analysis.intake import add_claim
    from factbase.claims.values import ClaimInput

    for fields in claims:
        add_claim(session, ClaimInput(**fields))


def seed(url: str) -> None:
    """The bundled seed dataset, imported through the library."""
    from factbase.interchange.importer import import_files, seed_files

    with writing(url) as session:
        import_files(session, seed_files())


# -- JSON-LD, offline ---------------------------------------------------------------------


def schema_org_only(url: str, options: Any = None) -> Any:
    """A JSON-LD document loader without the network: schema.org's context from
    factbase's copy, anything else an error."""
    from factbase.interchange.claimreview import CONTEXT_URL, SCHEMA_ORG_CONTEXT

    if url.rstrip("/") != CONTEXT_URL:
        raise AssertionError(f"tried to fetch {url}")
    return {"contextUrl": None, "documentUrl": url, "document": SCHEMA_ORG_CONTEXT}


# -- conflict facts, for the pure conflict tests ---------------------------------------

CONFLICT_BLOCK = ("entity:1", "share of kazakhstan oil exports")

_fact_ids = iter(range(1, 1_000_000))


def conflict_facts(
    value: str | Quantity | None = None,
    *,
    as_of: str | None = "2022",
    event: str | None = None,
    polarity: str = "affirmed",
    outlet: str = "SilkBridge.info",
    language: str | None = "ru",
    published: str | None = None,
    block: tuple[str, str] | None = CONFLICT_BLOCK,
    about: str = "CPC · share of Kazakhstan oil exports",
    id: int | None = None,
) -> ClaimFacts:
    """The facts conflict detection compares, from text as a claim would give it."""
    quantity = parse_quantity(value) if isinstance(value, str) else value
    return ClaimFacts(
        id=next(_fact_ids) if id is None else id,
        block=block,
        polarity=polarity,
        value=quantity,
        as_of=parse_date(as_of) if as_of else None,
        event=parse_date(event) if event else None,
        outlet=outlet,
        language=language,
        published=parse_date(published) if published else None,
        about=about,
    )


def import_counts(summary: Mapping[str, Any]) -> dict[str, int]:
    """An import's JSON summary's counts as one level: {"claims added": 3}."""
    return {
        f"{section} {outcome}": n
        for section, outcomes in summary["counts"].items()
        for outcome, n in outcomes.items()
    }


# -- the report's site ------------------------------------------------------------------

# A series with figures that disagree in 2022, a statement that is markup, a source with
# a link, Cyrillic throughout.
SITE_EXTRA = """
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [КТК-тест]}
outlets:
  - {name: Тест-Агентство, stance: neutral, country: RU, language: ru}
  - {name: Test Wire, stance: pro-western, country: GB, language: en}
sources:
  - {key: site-ru, outlet: Тест-Агентство, title: "Нефть через КТК", language: ru,
     published: "2022-08", url: "https://example.org/news/ktk?a=1&b=2"}
  - {key: site-en, outlet: Test Wire, title: "CPC share", language: en, published: "2023-02"}
  - {key: site-en-2, outlet: Test Wire, title: "CPC share again", language: en,
     published: "2024-02"}
claims:
  - {key: site-ru-2022, source: site-ru, statement: "Около 80% нефти идёт через КТК.",
     quote: "около 80% казахстанской нефти", language: ru, subject: Caspian Pipeline Consortium,
     property: share of oil exports (site), value: "около 80%", as_of: "2022"}
  - {key: site-en-2022, source: site-en, statement: "Only 40% went through the CPC in 2022.",
     language: en, subject: Caspian Pipeline Consortium, property: share of oil exports (site),
     value: "40%", as_of: "2022"}
  - {key: site-en-2023, source: site-en-2, statement: "About 70% went through the CPC in 2023.",
     language: en, subject: Caspian Pipeline Consortium, property: share of oil exports (site),
     value: "about 70%", as_of: "2023"}
  - {key: site-markup, source: site-en, statement: "<script>alert('x')</script> & <b>bold</b>",
     quote: "</blockquote><script>alert(1)</script>", language: en}
"""


def site_database(directory: Path) -> str:
    """A SQLite database in ``directory`` with the seed data and :data:`SITE_EXTRA`."""
    url = str(directory / "site.db")
    cli = Cli(url)
    cli.ok("seed")
    extra = directory / "site-extra.yaml"
    extra.write_text(SITE_EXTRA, encoding="utf-8")
    cli.ok("import", str(extra))
    return url


def own_vocabulary_only(target: Any) -> None:
    """Delete the starter topics every new database has (migration 0015), for a test of a
    vocabulary it builds itself: its counts, suggestions and trees are then its own.
    ``target`` is the database's URL or an open Database."""
    from sqlalchemy import delete

    from factbase.store.models import Topic

    if isinstance(target, str):
        with writing(target) as session:
            session.execute(delete(Topic))
    else:
        with target.session(write=True) as session:
            session.execute(delete(Topic))


# -- the quick writers against the library -------------------------------------------------

# Columns holding the moment a row was written or changed, read from the clock by each writer.
MOMENTS = {"created_at", "updated_at", "reviewed_at", "superseded_at", "retracted_at", "at"}
ISO_MOMENT = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00")


def copies(original: Path, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    library, quick = folder / "library.db", folder / "quick.db"
    for path in (library, quick):
        shutil.copyfile(original, path)
    return library, quick


def shape(value: Any, since: str) -> Any:
    """A moment as compared: its shape, and whether it is ``since`` or later."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\d", "9", value), value.replace("T", " ")[:26] >= since


def written_tables(path: Path, since: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the search indexes' own tables included), moments by
    their shape and whether they are ``since`` or later: two writers of one change, each
    on its own copy of a database, must leave equal tables."""
    with sqlite3.connect(path) as connection:
        names = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        found = {}
        for name in names:
            cursor = connection.execute(f'SELECT * FROM "{name}"')
            columns = [column[0] for column in cursor.description]
            rows = []
            for row in cursor:
                kept = []
                for column, value in zip(columns, row, strict=True):
                    if column in MOMENTS:
                        value = shape(value, since)
                    elif name == "audit_log" and column == "detail" and value:
                        value = ISO_MOMENT.sub(
                            lambda moment: repr(shape(moment.group(0), since)), value
                        )
                    kept.append(value)
                rows.append(tuple(kept))
            found[name] = sorted(rows, key=repr)
    connection.close()
    return found


@dataclass
class Process:
    """A whole `factbase` process: how it ended and the modules it imported."""

    returncode: int
    stdout: str
    stderr: str
    imported: list[str]


def run_importing(db: Path, *arguments: str) -> Process:
    """Run ``factbase --db DB ARGUMENTS`` as its own process, listing what it imports
    (``python -X importtime``): the quick writers must never load SQLAlchemy."""
    command = [sys.executable, "-X", "importtime", "-m", "factbase", "--db", str(db)]
    done = subprocess.run([*command, *arguments], capture_output=True, text=True, check=False)
    lines = done.stderr.splitlines()
    imported = [line.split("|")[-1].strip() for line in lines if line.startswith("import time:")]
    said = "\n".join(line for line in lines if not line.startswith("import time:"))
    return Process(done.returncode, done.stdout, said, imported)


def last_actor(path: Path) -> str:
    """Who the newest audit entry of a SQLite file names."""
    with sqlite3.connect(path) as connection:
        (actor,) = connection.execute("SELECT actor FROM audit_log ORDER BY id DESC").fetchone()
    connection.close()
    return str(actor)


def file_bytes(path: Path) -> dict[str, bytes]:
    return {
        part.name: part.read_bytes()
        for part in sorted(path.parent.iterdir())
        if part.name.startswith(path.name)
    }
