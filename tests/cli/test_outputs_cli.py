"""Output that never loses rows silently, on the seed data (131 claims, 10 open conflicts,
22 xref suggestions, 5 sources).

One rule for every listing: a table for people shows a page and says how many there are
in all; csv, tsv, markdown, json and jsonl give every row unless --limit is given, and a
limit that leaves rows out says so in one line on stderr. Filters that cannot match are
usage errors; --fields, --no-headers and -o are checked before anything is written.
"""

from __future__ import annotations

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
