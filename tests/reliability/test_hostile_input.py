"""Hostile input, end to end through the command line, as one table.

Each case is a file given to `factbase import` or arguments given to a command.
A refused case is exactly one `factbase: error:` line, exit 1, no traceback and
the database unchanged; a suspicious but valid case is stored with exactly one
`factbase: warning:` line. The readers' and importer's own tests
(tests/test_readers.py, tests/test_importer.py) check the details of each rule;
this table checks that every one of them holds for a person at the terminal.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import Cli, snapshot
from support import add_source, claim_keys

from factbase.claims.filter import search_shape

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

TEN_MB = "x" * (10 * 1024 * 1024)
CLAIM = {"source": "rel-src", "statement": "A claim."}


def _json(claim: dict[str, object]) -> str:
    return json.dumps({"claims": [CLAIM | claim]}, ensure_ascii=False)


# name: (file name, content) — every one refused with an error containing the fragment.
REFUSED_FILES: dict[str, tuple[str, str | bytes, str]] = {
    "yaml-code-running-tag": (
        "evil.yaml",
        'claims: !!python/object/apply:os.system ["touch {pwned}"]\n',
        "could not determine a constructor",
    ),
    "yaml-alias-bomb": (
        "bomb.yaml",
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(
            f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
            for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        ),
        "aliases (*name) are not allowed",
    ),
    "yaml-duplicate-key": (
        "dup.yaml",
        "claims:\n  - source: rel-src\n    statement: One.\n    statement: Two.\n",
        "duplicate key 'statement'",
    ),
    "json-duplicate-key": (
        "dup.json",
        '{"claims": [{"source": "rel-src", "statement": "One.", "statement": "Two."}]}',
        "duplicate key 'statement'",
    ),
    "json-nan": ("nan.json", _json({"value_num": float("nan")}), "NaN is not a number"),
    "json-infinity": ("inf.json", _json({"value_num": float("inf")}), "Infinity is not a number"),
    "json-1e309": (
        "huge.json",
        '{"claims": [{"source": "rel-src", "statement": "A.", "value_num": 1e309}]}',
        "not a finite number",
    ),
    "csv-1e309": ("huge.csv", "source,statement,value_num\nrel-src,A.,1e309\n", "not a finite"),
    "value-text-1e309": ("value.json", _json({"value": "1e309"}), "value:"),
    "csv-unterminated-quote": (
        "quote.csv",
        'source,statement\nrel-src,"Never closed\nrel-src,Next.\n',
        "bad CSV",
    ),
    "csv-ragged-row": (
        "ragged.csv",
        "source,statement\nrel-src,Good.\nrel-src,Bad.,extra\n",
        "ragged.csv:3: 3 cells where the header has 2",
    ),
    "csv-short-row": ("short.csv", "source,statement,quote\nrel-src,Short.\n", "2 cells"),
    "nul-bytes": ("nul.yaml", b'claims:\n  - {source: rel-src, statement: "A\x00B"}\n', "NUL"),
    "escaped-nul": ("nul.json", _json({"statement": "A\u0000B"}), "NUL character"),
    "ten-mb-csv-field": ("big.csv", f"source,statement\nrel-src,{TEN_MB}\n", "bad CSV"),
    "ten-mb-json-field": ("big.json", _json({"statement": TEN_MB}), "longer than"),
    "cp1251-bytes": (
        "cp1251.csv",
        "source,statement\nrel-src,Казахстан отдаляется\n".encode("cp1251"),
        "not UTF-8",
    ),
    "unix-time-date": ("epoch.json", _json({"event_date": "1718000000"}), "bare number"),
    "unix-time-as-of": ("epoch.csv", "source,statement,as_of\nrel-src,A.,1718000000\n", "bare"),
    "bom-then-cp1251": (
        "bom.csv",
        b"\xef\xbb\xbfsource,statement\nrel-src,\xcd\xe5\xf4\n",
        "UTF-8",
    ),
}


@pytest.fixture
def data(db_url: str) -> Cli:
    add_source(db_url)
    cli = Cli(db_url)
    cli.ok("topics", "add", "oil")
    cli.ok("add", "Kept claim about the CPC.", "--source", "rel-src", "--key", "kept",
           "--language", "en", "--subject", "CPC", "--topic", "oil")  # fmt: skip
    return cli


def _one_error(out: object, fragment: str) -> str:
    exit_code, stdout, stderr = out.exit_code, out.stdout, out.stderr  # type: ignore[attr-defined]
    assert exit_code == 1, (stdout, stderr[:500])
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr[:2000]
    assert lines[0].startswith("factbase: error: ")
    assert fragment in lines[0], lines[0][:500]
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert stdout == ""
    return str(lines[0])


@pytest.mark.parametrize(
    ("name", "content", "fragment"), list(REFUSED_FILES.values()), ids=list(REFUSED_FILES)
)
def test_hostile_file_is_one_error_and_writes_nothing(
    data: Cli, tmp_path: Path, name: str, content: str | bytes, fragment: str
) -> None:
    pwned = tmp_path / "PWNED"
    if isinstance(content, str):
        content = content.replace("{pwned}", str(pwned)).encode("utf-8")
    path = tmp_path / name
    path.write_bytes(content)
    before = snapshot(data.url)
    for args in (("import", str(path)), ("import", "--dry-run", "--format", "json", str(path))):
        line = _one_error(data(*args), fragment)
        assert len(line) < 1000, "the error must not echo the whole input back"
        assert snapshot(data.url) == before
    assert not pwned.exists()


def test_a_bom_is_read_as_nothing(data: Cli, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfkey,source,statement\r\nbom,rel-src,With a BOM.\r\n")
    out = data.ok("import", str(path))
    assert out.stderr == ""
    assert claim_keys(data.url) == ["bom", "kept"]


# name: (arguments, fragment) — commands refusing what they are given.
REFUSED_ARGS: dict[str, tuple[tuple[str, ...], str]] = {
    "add-unix-time": (("add", "A.", "-s", "rel-src", "--as-of", "1718000000"), "bare number"),
    "add-1e309": (("add", "A.", "-s", "rel-src", "--value", "1e309"), "1e309"),
    "add-nul": (("add", "A\x00B.", "-s", "rel-src"), "NUL"),
    "list-unix-time": (("list", "--since", "1718000000"), "bare number"),
}


@pytest.mark.parametrize(("args", "fragment"), list(REFUSED_ARGS.values()), ids=list(REFUSED_ARGS))
def test_hostile_arguments_are_one_error_and_write_nothing(
    data: Cli, args: tuple[str, ...], fragment: str
) -> None:
    before = snapshot(data.url)
    _one_error(data(*args), fragment)
    assert snapshot(data.url) == before


def test_latin_cyrillic_lookalikes_are_stored_with_one_warning(data: Cli, tmp_path: Path) -> None:
    out = data.ok("add", "Kaзахстан exports oil.", "-s", "rel-src", "--key", "mixed")
    assert out.stderr.splitlines() == [
        "factbase: warning: 'Kaзахстан' mixes Latin and Cyrillic letters"
    ]
    path = tmp_path / "mixed.csv"
    path.write_text("key,source,statement\nmixed2,rel-src,Кaзахстан exports gas.\n")
    out = data.ok("import", str(path))
    assert out.stderr.splitlines() == [
        "factbase: warning: mixed.csv:2: 'Кaзахстан' mixes Latin and Cyrillic letters"
    ]
    assert claim_keys(data.url) == ["kept", "mixed", "mixed2"]


# -- SQL metacharacters in every filter -------------------------------------------------

# Quotes, comment and statement ends, LIKE wildcards and escapes, bind markers.
METACHARACTERS = ["'; DROP TABLE claim; --", "%_\\", '") OR ("1"="1 */ $1 :name ?']

FILTERS: list[tuple[str, ...]] = [
    *(("list", option) for option in ("--topic", "--lang", "--stance", "--outlet", "--source",
                                      "--subject", "--speaker", "--since", "--until",
                                      "--search", "--status")),
    *(("conflicts", option) for option in ("--status", "--kind", "--topic", "--stance",
                                           "--lang")),
    ("source", "list", "--outlet"), ("source", "list", "--lang"), ("source", "list", "--stance"),
    ("outlet", "list", "--stance"),
    ("entities", "--kind"), ("entities", "--search"),
    ("history", "--target"),
    ("show",), ("source", "show"), ("conflicts", "show"), ("xref", "--claim"),
]  # fmt: skip


def _holds(command: tuple[str, ...], text: str, row: dict[str, object]) -> bool:
    found = json.dumps(row, ensure_ascii=False).lower()
    if text.lower() in found:
        return True
    if command != ("list", "--search"):
        return False
    words = [forms[0] for forms in search_shape(text).words]
    return any(re.search(rf"\b{re.escape(word)}\b", found) for word in words)


@pytest.mark.parametrize("command", FILTERS, ids=lambda c: "-".join(c).replace("--", ""))
def test_sql_metacharacters_in_every_filter_are_just_text(
    data: Cli, command: tuple[str, ...]
) -> None:
    before = snapshot(data.url)
    for text in METACHARACTERS:
        out = (
            data(*command, text, "--format", "json")
            if _has_format(command)
            else data(*command, text)
        )
        # 2: an option with a closed vocabulary refuses the text as a word outside it.
        assert out.exit_code in (0, 1, 2), (text, out.stderr)
        assert "Traceback" not in out.stderr and "internal error" not in out.stderr, out.stderr
        if out.exit_code in (1, 2):
            assert len(out.stderr.splitlines()) == 1, out.stderr
            assert out.stderr.startswith("factbase: error: ")
        elif _has_format(command):
            rows = json.loads(out.stdout)
            # Only a claim whose text really contains the characters could match (or, for
            # a search, one of its words: "claim" in "'; DROP TABLE claim; --").
            assert all(_holds(command, text, row) for row in rows), (text, rows)
    assert snapshot(data.url) == before
    assert claim_keys(data.url) == ["kept"]


def _has_format(command: tuple[str, ...]) -> bool:
    return (
        command[0] in ("list", "conflicts", "history", "entities")
        or command[:2]
        == (
            "source",
            "list",
        )
        or command[:2] == ("outlet", "list")
    )
