"""Output that never loses rows silently, on the seed data (131 claims, 10 open conflicts,
22 xref suggestions, 5 sources).

One rule for every listing: a table for people shows a page and says how many there are
in all; csv, tsv, markdown, json and jsonl give every row unless --limit is given, and a
limit that leaves rows out says so in one line on stderr. Filters that cannot match are
usage errors; --fields, --no-headers and -o are checked before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from helpers import PG_URL, Cli, seed

CLAIMS, OPEN_CONFLICTS, SUGGESTIONS, SOURCES = 131, 10, 22, 5


@pytest.fixture(scope="module")
def _seeded_template(
    tmp_path_factory: pytest.TempPathFactory, _migrated_sqlite_template: Path
) -> Path | None:
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("outputs-cli") / "seeded.db"
    shutil.copyfile(_migrated_sqlite_template, path)
    seed(str(path))
    return path


@pytest.fixture
def seeded(cli: Cli, _seeded_template: Path | None) -> Cli:
    if _seeded_template is None:
        seed(cli.url)
    else:
        shutil.copyfile(_seeded_template, cli.url)
    return cli


def usage_error(cli: Cli, *args: str) -> str:
    """The one stderr line of a usage error (exit 2) that printed nothing on stdout."""
    outcome = cli(*args)
    assert outcome.exit_code == 2, (outcome.exit_code, outcome.stderr)
    assert outcome.stdout == ""
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factbase: error: "), outcome.stderr
    return lines[0]


# -- 1. machine formats give every row; a limit that cuts says so ------------------------

# (command, how many rows it has on the seed data)
LISTINGS = [
    (("list",), CLAIMS),
    (("conflicts",), OPEN_CONFLICTS),
    (("xref",), SUGGESTIONS),
    (("source", "list"), SOURCES),
    (("export", "claims"), CLAIMS),
    (("export", "conflicts"), OPEN_CONFLICTS),  # every status: all are open
]


@pytest.mark.parametrize(("command", "total"), LISTINGS, ids=lambda v: str(v))
def test_machine_formats_give_every_row_and_a_cutting_limit_says_so(
    seeded: Cli, command: tuple[str, ...], total: int
) -> None:
    every = seeded.ok(*command, "--format", "jsonl")
    assert len(every.stdout.splitlines()) == total
    assert every.stderr == ""
    rows = list(csv.reader(io.StringIO(seeded.ok(*command, "-f", "csv").stdout)))
    assert len(rows) == total + 1  # and the header
    cut = seeded.ok(*command, "--format", "json", "--limit", "3")
    assert len(json.loads(cut.stdout)) == 3
    assert cut.stderr.strip() == f"3 of {total} rows; --limit 0 for all"
    exact = seeded.ok(*command, "--format", "json", "--limit", str(total))
    assert len(json.loads(exact.stdout)) == total and exact.stderr == ""
    assert len(json.loads(seeded.ok(*command, "-f", "json", "--limit", "0").stdout)) == total


def test_history_gives_every_entry_to_programs_and_pages_the_table(seeded: Cli) -> None:
    every = seeded.ok("history", "-f", "jsonl")
    total = len(every.stdout.splitlines())
    assert total > 50 and every.stderr == ""
    cut = seeded.ok("history", "-f", "csv", "--limit", "2")
    assert len(cut.stdout.splitlines()) == 3
    assert cut.stderr.strip() == f"2 of {total} rows; --limit 0 for all"
    table = seeded.ok("history")
    assert f"50 of {total} entries (newest first; use --limit 0 for all)" in table.stderr


def test_the_readme_tour_export_has_every_claim(seeded: Cli) -> None:
    out = seeded.ok("list", "--format", "csv")
    assert len(list(csv.reader(io.StringIO(out.stdout)))) == CLAIMS + 1
    assert out.stderr == ""
    table = seeded.ok("list")
    assert f"50 of {CLAIMS} claims (use --limit 0 for all)" in table.stderr


# -- 2. counts are totals ------------------------------------------------------------------


def test_counts_after_a_table_are_of_the_whole(seeded: Cli) -> None:
    xref = " ".join(seeded.ok("xref", "--limit", "3").stderr.split())
    assert xref.startswith(f"3 of {SUGGESTIONS} suggestions scoring 0.5 or more")
    assert "--limit 0 for all" in xref
    whole = " ".join(seeded.ok("xref").stderr.split())
    assert whole.startswith(f"{SUGGESTIONS} suggestions scoring 0.5 or more;")
    conflicts = seeded.ok("conflicts", "--limit", "3").stderr
    assert f"3 of {OPEN_CONFLICTS} conflicts (open; use --limit 0 for all)" in conflicts
    assert f"{OPEN_CONFLICTS} conflicts (open)" in seeded.ok("conflicts").stderr
    sources = seeded.ok("source", "list", "--limit", "2").stderr
    assert f"2 of {SOURCES} sources (use --limit 0 for all)" in sources


# -- 3. filters that match nothing, or cannot -------------------------------------------


def test_review_names_the_filters_that_left_nothing(seeded: Cli) -> None:
    out = seeded.ok("review", "--kind", "value", input="")
    first = out.stdout.splitlines()[0]
    assert first == f"nothing to review: 0 of {OPEN_CONFLICTS} open conflicts match --kind value"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "--since", "2023", "--until", "2022"), "--since 2023 is after --until 2022"),
        (("list", "--search", ""), "--search needs some text"),
        (("list", "--search", "   "), "--search needs some text"),
        (("export", "claims", "--since", "2024-02", "--until", "2024-01-31"), "is after"),
        (("export", "all", "--search", " "), "--search needs some text"),
        (("entities", "--search", ""), "--search needs some text"),
    ],
)
def test_filters_that_cannot_match_are_usage_errors(
    seeded: Cli, args: tuple[str, ...], message: str
) -> None:
    assert message in usage_error(seeded, *args)


def test_since_and_until_compare_as_periods(seeded: Cli) -> None:
    # A month inside the year it ends in is a period of its own, not an empty one.
    seeded.ok("list", "--since", "2022-06", "--until", "2022", "-f", "json")
    seeded.ok("list", "--since", "2022", "--until", "2022", "-f", "json")
