"""Output that never loses rows silently, on the seed data (139 claims, 17 open conflicts,
18 xref suggestions, 5 sources).

One rule for every listing: a table for people shows a page and says how many there are
in all; csv, tsv, markdown, json and jsonl give every row unless --limit is given, and a
limit that leaves rows out says so in one line on stderr. Filters that cannot match are
usage errors; --fields, --no-headers and -o are checked before anything is written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from helpers import Cli

CLAIMS, OPEN_CONFLICTS, SUGGESTIONS, SOURCES = 139, 17, 18, 5


@pytest.fixture
def seeded(cli: Cli, seeded_url: str) -> Cli:
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


# -- 4. tsv, markdown, --no-headers, --fields ------------------------------------------------


def test_tsv_has_one_line_per_row_and_neutralised_formulas(seeded: Cli) -> None:
    seeded.ok("edit", "wsj-ru-cpc-share", "--note", "=HYPERLINK(1)")
    out = seeded.ok("list", "-f", "tsv", "--fields", "key,note", "--search", "CPC")
    lines = out.stdout.splitlines()
    assert lines[0] == "key\tnote"
    assert "wsj-ru-cpc-share\t'=HYPERLINK(1)" in lines
    assert all(line.count("\t") == 1 for line in lines)


def test_tsv_and_markdown_cells_keep_each_row_on_one_line() -> None:
    from factbase.interchange.exports import write_markdown, write_tsv

    rows = [{"a": "one\ttwo\r\nthree", "b": ["x", "y|z"]}, {"a": "-1+1", "b": 2.0}]
    tsv = io.StringIO()
    assert write_tsv(tsv, ["b", "a"], rows) == 2
    assert tsv.getvalue() == "b\ta\nx; y|z\tone two three\n2\t'-1+1\n"
    markdown = io.StringIO()
    write_markdown(markdown, ["a", "b"], rows, headers=False)
    assert markdown.getvalue() == "| one\ttwo<br>three | x; y\\|z |\n| -1+1 | 2 |\n"


def test_markdown_is_a_pipe_table_with_cells_escaped(seeded: Cli) -> None:
    seeded.ok("edit", "wsj-ru-cpc-share", "--note", "a | b")
    out = seeded.ok("list", "-f", "markdown", "--fields", "key,note", "--search", "CPC")
    lines = out.stdout.splitlines()
    assert lines[:2] == ["| key | note |", "| --- | --- |"]
    assert "| wsj-ru-cpc-share | a \\| b |" in lines
    body = seeded.ok("list", "-f", "markdown", "--fields", "id", "--no-headers", "--limit", "2")
    assert [line.startswith("| ") for line in body.stdout.splitlines()] == [True, True]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "markdown", "json", "jsonl"])
def test_fields_choose_and_order_the_columns(seeded: Cli, fmt: str) -> None:
    out = seeded.ok("conflicts", "-f", fmt, "--fields", "kind,id", "--limit", "1").stdout
    if fmt == "json":
        assert list(json.loads(out)[0]) == ["kind", "id"]
    elif fmt == "jsonl":
        assert list(json.loads(out.splitlines()[0])) == ["kind", "id"]
    else:
        header = out.splitlines()[0]
        assert header in ("kind,id", "kind\tid", "| kind | id |")


def test_no_headers_leaves_out_the_header_row(seeded: Cli) -> None:
    out = seeded.ok("source", "list", "-f", "csv", "--no-headers", "--fields", "id")
    assert len(out.stdout.splitlines()) == SOURCES
    tsv = seeded.ok("export", "outlets", "-f", "tsv", "--no-headers", "--fields", "name")
    assert "name" not in tsv.stdout.splitlines()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("list", "-f", "csv", "--fields", "id,nope"), "no field 'nope'; the fields are: id, key"),
        (("export", "claims", "--fields", "nope"), "no field 'nope'"),
        (("list", "-f", "json", "--no-headers"), "--no-headers goes with csv, tsv or markdown"),
        (("xref", "-f", "jsonl", "--no-headers"), "--no-headers goes with csv, tsv or markdown"),
        (("list", "--fields", "id"), "not table"),
        (("list", "-f", "csv", "--fields", " , "), "--fields"),
    ],
)
def test_bad_fields_and_headers_are_usage_errors(
    seeded: Cli, args: tuple[str, ...], message: str
) -> None:
    assert message in usage_error(seeded, *args)


@pytest.mark.parametrize(
    ("suffix", "first"),
    [("tsv", "id\tkey"), ("md", "| id | key |"), ("markdown", "| id | key |")],
)
def test_export_writes_tsv_and_markdown_files_by_suffix(
    seeded: Cli, tmp_path: Path, suffix: str, first: str
) -> None:
    target = tmp_path / f"claims.{suffix}"
    seeded.ok("export", "claims", "-o", str(target), "--fields", "id,key")
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == first
    assert len(lines) == CLAIMS + (2 if first.startswith("|") else 1)


# -- 5. -o whose suffix disagrees ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("export", "claims", "-o", "claims.xlsx"), "-o claims.xlsx: factbase writes no .xlsx"),
        (("export", "claims", "-o", "claims.yaml"), "writes no .yaml files"),
        (("export", "sources", "-o", "s.jsonld"), "writes no .jsonld files"),
        (("export", "claims", "-o", "x.json", "--format", "csv"), "cannot hold csv"),
        (("export", "conflicts", "-o", "x.csv", "--format", "tsv"), "cannot hold tsv"),
        (("export", "all", "-o", "all.csv"), "name it .json or .jsonl"),
        (("export", "claims", "-o", "c.json", "-f", "claimreview", "--fields", "id"), "claimrev"),
    ],
)
def test_an_output_file_named_for_another_format_is_refused(
    seeded: Cli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    where = [str(out / a) if "." in a and a[0] != "-" else a for a in args]
    assert message in usage_error(seeded, *where)
    assert list(out.iterdir()) == []


def test_an_output_file_named_for_its_format_is_written(seeded: Cli, tmp_path: Path) -> None:
    seeded.ok("export", "claims", "-o", str(tmp_path / "c.jsonld"))
    assert "@context" in json.loads((tmp_path / "c.jsonld").read_text(encoding="utf-8"))
    seeded.ok("export", "claims", "-o", str(tmp_path / "c.json"), "-f", "claimreview")
    seeded.ok("export", "claims", "-o", str(tmp_path / "plain"), "-f", "jsonl")
    assert len((tmp_path / "plain").read_text(encoding="utf-8").splitlines()) == CLAIMS
