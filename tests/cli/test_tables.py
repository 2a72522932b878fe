"""Tables for people at 80, 100 and 120 columns, on the seed data.

What a user types (keys, slugs, ids), dates and counts always show whole; prose wraps
and is capped; columns that do not fit are left out whole, named on stderr; `--wide`
and `--columns` choose. The tables themselves are compared with the files under
tests/cli/snapshots/. After a deliberate change to a table, regenerate them with

    FACTBASE_UPDATE_SNAPSHOTS=1 pytest tests/cli/test_tables.py

and read the diff before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, Outcome, query, records, seed

WIDTHS = (80, 100, 120)
SNAPSHOTS = Path(__file__).parent / "snapshots"
UPDATE = os.environ.get("FACTBASE_UPDATE_SNAPSHOTS") == "1"
ACTOR = "analyst"

# Commands whose output is the same on every run (history's times are normalised).
SNAPSHOT_COMMANDS = {
    "list": ("list", "--limit", "12"),
    "outlet-list": ("outlet", "list"),
    "stance-list": ("stance", "list"),
    "source-list": ("source", "list"),
    "topics": ("topics",),
    "entities": ("entities", "--kind", "country"),
    "conflicts": ("conflicts",),
    "xref": ("xref", "--limit", "4"),
    "history": ("history", "--limit", "6"),
    "report": ("report", "--rows", "3"),
}


@pytest.fixture(scope="module")
def _seeded_template(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> Path | None:
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("tables") / "seeded.db"
    shutil.copyfile(_migrated_sqlite_template, path)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FACTBASE_USER", ACTOR)  # the login name would differ between machines
        seed(str(path))
    return path


@pytest.fixture
def seeded(cli: Cli, _seeded_template: Path | None, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("FACTBASE_USER", ACTOR)
    if _seeded_template is None:
        seed(cli.url)
    else:
        shutil.copyfile(_seeded_template, cli.url)
    return cli


def at_width(
    cli: Cli, width: int, monkeypatch: pytest.MonkeyPatch, *args: str, ok: bool = True
) -> Outcome:
    """The command in a terminal ``width`` columns wide (the console reads it once)."""
    monkeypatch.setenv("COLUMNS", str(width))
    render = sys.modules.get("factbase.cli.render")
    if render is not None:
        render.console.cache_clear()
        render.err_console.cache_clear()
    return cli.ok(*args) if ok else cli(*args)


def normalised(text: str) -> str:
    """Lines without Rich's trailing padding; audit times (they vary) as placeholders."""
    text = re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d", "YYYY-MM-DD hh:mm", text)
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def table_body(stdout: str) -> tuple[str, list[str]]:
    """The header of the first table, and its lines from the rule under the header to its
    bottom edge (a blank line)."""
    lines = stdout.splitlines()
    rule = next(i for i, line in enumerate(lines) if line.strip().startswith("─"))
    body: list[str] = []
    for line in lines[rule + 1 :]:
        if not line.strip():
            break
        body.append(line)
    return lines[rule - 1], body


def rows_of(table: tuple[str, list[str]]) -> list[list[str]]:
    """The body's lines grouped by row: a row starts where its first cell has text."""
    header, body = table
    second = header.index(header.split()[1], len(header) - len(header.lstrip()) + 1)
    rows: list[list[str]] = []
    for line in body:
        if line[:second].strip() or not rows:
            rows.append([])
        rows[-1].append(line)
    return rows


def first_cells(table: tuple[str, list[str]]) -> list[str]:
    return [row[0].split()[0] for row in rows_of(table)]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(SNAPSHOT_COMMANDS))
def test_tables_match_their_snapshots(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, name: str, width: int
) -> None:
    done = at_width(seeded, width, monkeypatch, *SNAPSHOT_COMMANDS[name])
    shown = normalised(done.stdout) + "--- stderr\n" + normalised(done.stderr)
    assert max(len(line) for line in done.stdout.splitlines()) <= width
    path = SNAPSHOTS / f"{name}-{width}.txt"
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(shown, encoding="utf-8")
    assert path.exists(), f"no snapshot {path.name}: run with FACTBASE_UPDATE_SNAPSHOTS=1"
    assert shown == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", WIDTHS)
def test_keys_slugs_ids_and_dates_are_never_cut(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    sources = at_width(seeded, width, monkeypatch, "source", "list").stdout
    for row in query(seeded.url, "SELECT id, key FROM source"):
        assert re.search(rf"^\s+{row['id']}\s+{re.escape(row['key'])}\s", sources, re.M)
    for row in records(seeded, "source", "list"):
        assert re.search(rf"\s{re.escape(row['published'])}\s", sources), row["published"]
    topics = at_width(seeded, width, monkeypatch, "topics").stdout
    for row in query(seeded.url, "SELECT slug FROM topic"):
        assert re.search(rf"^\s+{re.escape(row['slug'])}\s", topics, re.M), row["slug"]
    listed = at_width(seeded, width, monkeypatch, "list", "--limit", "0").stdout
    for row in records(seeded, "list", "--limit", "0"):
        assert re.search(rf"^\s+{row['id']}\s.*\s{re.escape(row['published'])}\s", listed, re.M)
    outlets = at_width(seeded, width, monkeypatch, "outlet", "list").stdout
    for row in records(seeded, "outlet", "list"):
        line = rf"^\s+{row['id']}\s.*\s{row['sources']}\s+{row['claims']}\s"
        assert re.search(line, outlets, re.M), row["name"]
    assert "…" not in sources


@pytest.mark.parametrize("width", WIDTHS)
def test_outlet_names_wrap_but_show_every_word(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """Two outlets once both read "Unidentified Russ…"."""
    rows = rows_of(table_body(at_width(seeded, width, monkeypatch, "outlet", "list").stdout))
    for row in records(seeded, "outlet", "list"):
        block = next(r for r in rows if r[0].split()[0] == str(row["id"]))
        assert all(word in " ".join(block) for word in row["name"].split()), row["name"]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("args", "fields"),
    [
        (("list", "--limit", "0"), "id"),
        (("outlet", "list"), "id"),
        (("source", "list"), "id"),
        (("entities",), "id"),
        (("conflicts",), "id"),
        (("history", "--limit", "0"), "id"),
    ],
)
def test_no_line_is_blank_between_the_header_and_the_last_row(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, width: int, args: tuple[str, ...], fields: str
) -> None:
    table = table_body(at_width(seeded, width, monkeypatch, *args).stdout)
    expected = [str(row[fields]) for row in records(seeded, *args)]
    assert first_cells(table) == expected


@pytest.mark.parametrize("width", WIDTHS)
def test_topics_show_every_slug_before_the_table_ends(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    table = table_body(at_width(seeded, width, monkeypatch, "topics").stdout)
    assert first_cells(table) == [row["slug"] for row in records(seeded, "topics")]


@pytest.mark.slow  # adding 50 KB of text takes seconds (language, topics, conflicts)
def test_a_huge_statement_is_capped_in_list_and_whole_in_show(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    words = ["oil", "Kazakhstan", "pipeline", "через", "нефть", "exports", "of", "the"]
    statement = " ".join(words[(i * 7) % len(words)] for i in range(8000))[:50_000]
    seeded.ok("add", statement, "--source", "silkbridge-wsj-kz-distancing", "--key", "huge")
    for width in WIDTHS:
        listed = at_width(seeded, width, monkeypatch, "list", "--sort", "added", "--limit", "1")
        assert "…" in listed.stdout
        assert len(listed.stdout.splitlines()) < 20
        shown = at_width(seeded, width, monkeypatch, "show", "huge").stdout
        assert "".join(statement.split()) in "".join(shown.split())
    [claim] = records(seeded, "list", "--sort", "added", "--limit", "1")
    assert claim["statement"] == statement


def test_columns_picks_and_orders_the_columns(seeded: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    done = at_width(seeded, 80, monkeypatch, "outlet", "list", "--columns", "claims,id,note")
    header = done.stdout.splitlines()[1].split()
    assert header == ["claims", "id", "note"]
    assert "left out" not in done.stderr
    for args in (("list", "--columns", "published,id,topics"), ("history", "--columns", "id")):
        done = at_width(seeded, 100, monkeypatch, *args)
        assert done.stdout.splitlines()[1].split() == args[-1].split(",")
    done = at_width(seeded, 80, monkeypatch, "history", "--columns", "at,id,AT (UTC)")
    assert done.stdout.splitlines()[1].split() == ["at", "(UTC)", "id"]


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("outlet", "list"),
        ("source", "list"),
        ("topics",),
        ("entities",),
        ("conflicts",),
        ("xref",),
        ("history",),
        ("duplicates",),
        ("stance", "list"),
        ("stats",),
    ],
)
def test_an_unknown_column_is_a_usage_error_naming_the_valid_ones(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    done = at_width(seeded, 80, monkeypatch, *args, "--columns", "id,nonsense", ok=False)
    assert done.exit_code == 2
    assert "unknown column" in done.stderr and "nonsense" in done.stderr
    assert "choose from:" in done.stderr
    assert done.stdout == ""


def test_wide_shows_every_column_whole(seeded: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    done = at_width(seeded, 80, monkeypatch, "list", "--wide", "--limit", "5")
    header = done.stdout.splitlines()[1].split()
    assert header == [
        "id",
        "statement",
        "value",
        "lang",
        "outlet",
        "published",
        "stance",
        "topics",
        "origins",
    ]
    assert "left out" not in done.stderr
    outlets = at_width(seeded, 80, monkeypatch, "outlet", "list", "--wide").stdout
    for row in records(seeded, "outlet", "list"):
        assert row["name"] in outlets
        assert row["note"].split(";")[0] in outlets  # on one line, not wrapped


@pytest.mark.parametrize("width", WIDTHS)
def test_the_note_on_left_out_columns_goes_to_stderr(
    seeded: Cli, monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    done = at_width(seeded, width, monkeypatch, "list")
    assert "left out" not in done.stdout
    [note] = [line for line in done.stderr.splitlines() if "left out" in line]
    assert note.startswith(f"columns left out at {width} columns: ")
    assert note.endswith("; --wide or --columns to choose")
    left_out = note.split(": ", 1)[1].split(";")[0].split(", ")
    header = done.stdout.splitlines()[1].split()
    assert left_out and not set(left_out) & set(header)
