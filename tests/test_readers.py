"""Tests of factbase.interchange.readers: interchange files into records, hostile input refused.

Pure: no database. Every input file is written into tmp_path; every rejection must be one
:class:`ImportFailed` naming the file and the place in it, never another exception.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from factbase.errors import ImportFailed
from factbase.interchange.readers import SECTION_OF_TYPE, Record, read_file

TYPES = ", ".join(SECTION_OF_TYPE)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def refused(path: Path) -> str:
    """The one-line ImportFailed message read_file gives for ``path``."""
    with pytest.raises(ImportFailed) as info:
        read_file(path)
    message = info.value.message
    assert str(info.value) == message
    assert "\n" not in message, message
    assert path.name in message, message
    return message


def as_tuples(records: list[Record]) -> list[tuple[str, dict[str, object], str]]:
    return [(r.section, r.data, r.location) for r in records]


# -- each format yields the right records and locations -------------------------------

YAML_DOCUMENT = """\
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК]}
topics:
  - {slug: oil, label: Oil, keywords: [нефть, нафта]}
outlets:
  - {name: SilkBridge.info, stance: neutral, country: RU}
sources:
  - {key: silk, outlet: SilkBridge.info, title: "Казахстан отдаляется от РФ"}
claims:
  - source: silk
    statement: "First claim, no key."
  - key: cpc-share
    source: silk
    statement: "About 80% of Kazakhstan's oil exports pass through the CPC."
    value: "около 80%"
    topics: [oil, transport]
links:
  - {claim: cpc-share, other: c2, kind: contradicts, note: why}
"""


def test_yaml_document_yields_records_in_file_order_with_locations(tmp_path: Path) -> None:
    records = read_file(write(tmp_path, "file.yaml", YAML_DOCUMENT))
    assert as_tuples(records) == [
        (
            "entities",
            {
                "name": "Caspian Pipeline Consortium",
                "kind": "pipeline",
                "aliases": ["CPC", "КТК"],
            },
            "file.yaml: entities[0]",
        ),
        (
            "topics",
            {"slug": "oil", "label": "Oil", "keywords": ["нефть", "нафта"]},
            "file.yaml: topics[0]",
        ),
        (
            "outlets",
            {"name": "SilkBridge.info", "stance": "neutral", "country": "RU"},
            "file.yaml: outlets[0]",
        ),
        (
            "sources",
            {"key": "silk", "outlet": "SilkBridge.info", "title": "Казахстан отдаляется от РФ"},
            "file.yaml: sources[0] (key silk)",
        ),
        (
            "claims",
            {"source": "silk", "statement": "First claim, no key."},
            "file.yaml: claims[0]",
        ),
        (
            "claims",
            {
                "key": "cpc-share",
                "source": "silk",
                "statement": "About 80% of Kazakhstan's oil exports pass through the CPC.",
                "value": "около 80%",
                "topics": ["oil", "transport"],
            },
            "file.yaml: claims[1] (key cpc-share)",
        ),
        (
            "links",
            {"claim": "cpc-share", "other": "c2", "kind": "contradicts", "note": "why"},
            "file.yaml: links[0]",
        ),
    ]


def test_yml_extension_is_yaml(tmp_path: Path) -> None:
    records = read_file(write(tmp_path, "seed.YML", "claims:\n  - {key: k, source: s}\n"))
    assert as_tuples(records) == [
        ("claims", {"key": "k", "source": "s"}, "seed.YML: claims[0] (key k)")
    ]


def test_json_document_yields_the_same_records_as_yaml(tmp_path: Path) -> None:
    import yaml

    document = yaml.safe_load(YAML_DOCUMENT)
    json_records = read_file(
        write(tmp_path, "file.json", json.dumps(document, ensure_ascii=False, indent=1))
    )
    yaml_records = read_file(write(tmp_path, "file.yaml", YAML_DOCUMENT))
    assert [(r.section, r.data) for r in json_records] == [
        (r.section, r.data) for r in yaml_records
    ]
    assert [r.location for r in json_records][-2:] == [
        "file.json: claims[1] (key cpc-share)",
        "file.json: links[0]",
    ]


def test_empty_sections_and_empty_documents_yield_nothing(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, "empty.yaml", "")) == []
    assert read_file(write(tmp_path, "comments.yaml", "# nothing yet\n")) == []
    assert read_file(write(tmp_path, "nulls.yaml", "claims:\nsources: []\n")) == []
    assert read_file(write(tmp_path, "empty.json", "{}")) == []


def test_jsonl_uses_type_and_line_numbers_skipping_blank_lines(tmp_path: Path) -> None:
    lines = [
        {"type": "claim", "key": "c1", "source": "s", "statement": "Первое."},
        None,  # a blank line still counts in the numbering
        {"type": "source", "key": "s", "outlet": "O", "title": "T"},
        {"type": "outlet", "name": "O", "stance": "neutral"},
        {"type": "topic", "slug": "oil"},
        {"type": "entity", "name": "CPC"},
        {"type": "link", "claim": "c1", "other": "c2", "kind": "same"},
    ]
    text = "\n".join(
        "   " if line is None else json.dumps(line, ensure_ascii=False) for line in lines
    )
    records = read_file(write(tmp_path, "file.jsonl", text + "\n"))
    assert as_tuples(records) == [
        ("claims", {"key": "c1", "source": "s", "statement": "Первое."}, "file.jsonl:1"),
        ("sources", {"key": "s", "outlet": "O", "title": "T"}, "file.jsonl:3"),
        ("outlets", {"name": "O", "stance": "neutral"}, "file.jsonl:4"),
        ("topics", {"slug": "oil"}, "file.jsonl:5"),
        ("entities", {"name": "CPC"}, "file.jsonl:6"),
        ("links", {"claim": "c1", "other": "c2", "kind": "same"}, "file.jsonl:7"),
    ]


def test_csv_rows_are_claims_with_physical_line_numbers(tmp_path: Path) -> None:
    text = (
        "source, statement ,topics,value\r\n"
        's1,"Казахстан, Китай и Турция",oil; transport,около 80%\r\n'
        "s1,Second,,\r\n"
        ",,,\r\n"  # an empty row is skipped
        's2,"multi\nline",diplomacy,\r\n'
    )
    records = read_file(write(tmp_path, "file.csv", text))
    assert as_tuples(records) == [
        (
            "claims",
            {
                "source": "s1",
                "statement": "Казахстан, Китай и Турция",
                "topics": "oil; transport",
                "value": "около 80%",
            },
            "file.csv:2",
        ),
        (
            "claims",
            # An empty cell gives nothing: CSV cannot say a value is missing.
            {"source": "s1", "statement": "Second"},
            "file.csv:3",
        ),
        (
            "claims",
            {"source": "s2", "statement": "multi\nline", "topics": "diplomacy"},
            "file.csv:6",
        ),
    ]


def test_csv_with_only_a_header_or_nothing_yields_nothing(tmp_path: Path) -> None:
    assert read_file(write(tmp_path, "header.csv", "source,statement\n")) == []
    assert read_file(write(tmp_path, "nothing.csv", "")) == []


def test_utf8_bom_is_stripped(tmp_path: Path) -> None:
    csv_records = read_file(write(tmp_path, "bom.csv", "\ufeffsource,statement\ns,Текст\n"))
    assert as_tuples(csv_records) == [
        ("claims", {"source": "s", "statement": "Текст"}, "bom.csv:2")
    ]
    yaml_records = read_file(write(tmp_path, "bom.yaml", "\ufeffclaims:\n  - {source: s}\n"))
    assert [r.data for r in yaml_records] == [{"source": "s"}]
    json_records = read_file(write(tmp_path, "bom.json", '\ufeff{"claims": [{"source": "s"}]}'))
    assert [r.data for r in json_records] == [{"source": "s"}]
    jsonl_records = read_file(
        write(tmp_path, "bom.jsonl", '\ufeff{"type": "topic", "slug": "x"}\n')
    )
    assert as_tuples(jsonl_records) == [("topics", {"slug": "x"}, "bom.jsonl:1")]


# -- YAML reads data, nothing else ------------------------------------------------------


def test_yaml_norway_problem_and_unquoted_dates_stay_text(tmp_path: Path) -> None:
    text = """\
outlets:
  - {name: NRK, stance: neutral, country: NO, language: no, note: on, homepage: yes}
sources:
  - {key: s, outlet: NRK, title: Off, published: 2022-12-01, retrieved: 2024-11-27 10:30:00}
claims:
  - {source: s, statement: "y", polarity: Off, as_of: 2022-02}
"""
    outlet, source, claim = (r.data for r in read_file(write(tmp_path, "norway.yaml", text)))
    assert outlet == {
        "name": "NRK",
        "stance": "neutral",
        "country": "NO",
        "language": "no",
        "note": "on",
        "homepage": "yes",
    }
    assert source["title"] == "Off"
    assert source["published"] == "2022-12-01"
    assert source["retrieved"] == "2024-11-27 10:30:00"
    assert claim == {"source": "s", "statement": "y", "polarity": "Off", "as_of": "2022-02"}


def test_yaml_true_and_false_are_still_booleans(tmp_path: Path) -> None:
    records = read_file(write(tmp_path, "bool.yaml", "claims:\n  - {a: true, b: False}\n"))
    assert records[0].data == {"a": True, "b": False}


def test_yaml_code_running_tag_is_refused_and_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f'claims:\n  - statement: !!python/object/apply:os.system ["touch {marker}"]\n'
    message = refused(write(tmp_path, "evil.yaml", text))
    assert message.startswith("evil.yaml: line 2 column 16:")
    assert "python/object/apply:os.system" in message
    assert not marker.exists()


@pytest.mark.parametrize(
    "text",
    [
        'claims: !!python/object/apply:os.system ["echo hi"]\n',
        "claims: !!python/name:os.system\n",
        'claims: !!python/object/new:subprocess.Popen [["echo", "hi"]]\n',
        "claims: [!!python/tuple [1, 2]]\n",
    ],
)
def test_yaml_python_tags_of_every_kind_are_refused(tmp_path: Path, text: str) -> None:
    message = refused(write(tmp_path, "tags.yaml", text))
    assert message.startswith("tags.yaml: line 1 column ")
    assert "could not determine a constructor" in message


def test_yaml_alias_bomb_is_refused_at_the_first_alias(tmp_path: Path) -> None:
    # Billion laughs: nine levels of nine aliases would expand to 9**9 strings.
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 9):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        levels.append(f"a{level}: &a{level} [{aliases}]")
    text = "\n".join(levels) + "\nclaims: [*a8]\n"
    message = refused(write(tmp_path, "bomb.yaml", text))
    assert message == "bomb.yaml: line 2 column 10: aliases (*name) are not allowed"


def test_yaml_even_a_single_alias_is_refused(tmp_path: Path) -> None:
    text = "claims:\n  - &c {source: s, statement: x}\n  - *c\n"
    assert refused(write(tmp_path, "alias.yaml", text)) == (
        "alias.yaml: line 3 column 5: aliases (*name) are not allowed"
    )


def test_yaml_duplicate_key_is_refused_with_its_line(tmp_path: Path) -> None:
    text = "claims:\n  - source: s\n    statement: a\n    statement: b\n"
    assert refused(write(tmp_path, "dup.yaml", text)) == (
        "dup.yaml: line 4 column 5: duplicate key 'statement'"
    )


def test_yaml_duplicate_section_is_refused(tmp_path: Path) -> None:
    text = "claims: []\nsources: []\nclaims: []\n"
    assert "duplicate key 'claims'" in refused(write(tmp_path, "dupsec.yaml", text))


def test_yaml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "broken.yaml", "claims:\n  - {source: s\n"))
    assert message.startswith("broken.yaml: line ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n", "not.yaml: expected a mapping with the sections"),
        ("clams: []\n", "not.yaml: unknown section 'clams'"),
        ("claims: {source: s}\n", "not.yaml: claims: expected a list of records"),
        ("claims:\n  - just text\n", "not.yaml: claims[0]: expected a mapping of fields"),
    ],
)
def test_document_shape_errors(tmp_path: Path, text: str, expected: str) -> None:
    assert refused(write(tmp_path, "not.yaml", text)).startswith(expected)


@pytest.mark.parametrize(
    "text",
    ["claims:\n  - ? [a, b]\n    : c\n", "claims:\n  - {source: s, {a: 1}: c}\n", "{[]: 1}\n"],
)
def test_yaml_unhashable_key_is_refused_cleanly(tmp_path: Path, text: str) -> None:
    refused(write(tmp_path, "keys.yaml", text))


@pytest.mark.parametrize(
    "value",
    ["!!int", "!!int abc", "!!int 0b", "!!float abc", "!!float '-.'", "!!set [a]", "!!map [a]"],
)
def test_yaml_standard_tag_with_unfitting_value_is_refused_cleanly(
    tmp_path: Path, value: str
) -> None:
    message = refused(write(tmp_path, "tag.yaml", f"claims:\n  - statement: {value}\n"))
    assert message.startswith("tag.yaml: line 2 column ")


@pytest.mark.parametrize(("written", "kept"), [("0100", "0100"), ("3:1", "3:1"), ("1:20", "1:20")])
def test_yaml_octal_and_base60_integers_stay_as_written(
    tmp_path: Path, written: str, kept: str
) -> None:
    records = read_file(write(tmp_path, "ints.yaml", f"claims:\n  - value: {written}\n"))
    assert str(records[0].data["value"]) == kept


@pytest.mark.slow
def test_yaml_deep_nesting_is_refused_cleanly(tmp_path: Path) -> None:
    refused(write(tmp_path, "deep.yaml", "claims: " + "[" * 1000 + "]" * 1000 + "\n"))


def test_yaml_control_character_is_refused_on_one_line_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "ctrl.yaml", "claims:\n  - {source: s, statement: a\x01b}\n")
    with pytest.raises(ImportFailed) as info:
        read_file(path)
    message = info.value.message
    assert message.startswith("ctrl.yaml: line 2 column "), message
    assert "\n" not in message and "<unicode string>" not in message


# -- JSON -----------------------------------------------------------------------------


def test_json_duplicate_key_is_refused(tmp_path: Path) -> None:
    text = '{"claims": [{"source": "s", "statement": "a", "statement": "b"}]}'
    assert refused(write(tmp_path, "dup.json", text)) == "dup.json: duplicate key 'statement'"


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_refused(tmp_path: Path, constant: str) -> None:
    text = f'{{"claims": [{{"source": "s", "statement": "a", "value_num": {constant}}}]}}'
    assert refused(write(tmp_path, "nan.json", text)) == (
        f"nan.json: {constant} is not a number JSON allows"
    )


def test_json_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    text = '{"claims": [\n  {"source": "s",}\n]}'
    assert refused(write(tmp_path, "bad.json", text)).startswith("bad.json: line 2 column ")


def test_json_deep_nesting_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "deep.json", "[" * 100_000 + "]" * 100_000))
    assert "recursion" in message


def test_json_top_level_must_be_a_mapping(tmp_path: Path) -> None:
    assert refused(write(tmp_path, "list.json", "[1, 2]")).startswith(
        "list.json: expected a mapping with the sections"
    )


# -- JSON Lines -----------------------------------------------------------------------


def test_jsonl_line_that_is_not_an_object_is_refused(tmp_path: Path) -> None:
    text = '{"type": "topic", "slug": "oil"}\n["type", "claim"]\n'
    assert refused(write(tmp_path, "list.jsonl", text)) == "list.jsonl:2: expected a JSON object"


@pytest.mark.parametrize(
    ("line", "shown"),
    [('{"type": "clam"}', "'clam'"), ('{"slug": "oil"}', "None"), ('{"type": 3}', "3")],
)
def test_jsonl_unknown_or_missing_type_is_refused(tmp_path: Path, line: str, shown: str) -> None:
    text = '{"type": "topic", "slug": "oil"}\n' + line + "\n"
    assert refused(write(tmp_path, "types.jsonl", text)) == (
        f"types.jsonl:2: type must be one of {TYPES}, not {shown}"
    )


def test_jsonl_bad_json_names_the_line(tmp_path: Path) -> None:
    text = '{"type": "topic", "slug": "oil"}\n{"type": "topic", "slug": NaN}\n'
    assert refused(write(tmp_path, "nan.jsonl", text)) == (
        "nan.jsonl:2: NaN is not a number JSON allows"
    )
    text = '{"type": "topic", "slug": "a"}\n\n{"type": "topic" "slug": "b"}\n'
    assert refused(write(tmp_path, "syntax.jsonl", text)).startswith(
        "syntax.jsonl:3: line 1 column"
    )


@pytest.mark.parametrize("kind", ['["claim"]', '{"a": 1}'])
def test_jsonl_unhashable_type_is_refused_cleanly(tmp_path: Path, kind: str) -> None:
    assert refused(write(tmp_path, "t.jsonl", f'{{"type": {kind}}}\n')).startswith("t.jsonl:1: ")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_jsonl_unicode_line_separators_inside_strings_are_data(
    tmp_path: Path, separator: str
) -> None:
    first = {"type": "claim", "source": "s", "statement": "x", "quote": f"a{separator}b"}
    second = {"type": "topic", "slug": "oil"}
    text = json.dumps(first, ensure_ascii=False) + "\n" + json.dumps(second) + "\n"
    records = read_file(write(tmp_path, "sep.jsonl", text))
    assert as_tuples(records) == [
        ("claims", {"source": "s", "statement": "x", "quote": f"a{separator}b"}, "sep.jsonl:1"),
        ("topics", {"slug": "oil"}, "sep.jsonl:2"),
    ]


# -- CSV ------------------------------------------------------------------------------


def test_csv_unterminated_quote_is_refused(tmp_path: Path) -> None:
    text = 'source,statement\ns,fine\ns,"never closed\nmore\n'
    message = refused(write(tmp_path, "quote.csv", text))
    assert message.startswith("quote.csv:")
    assert "bad CSV (unexpected end of data)" in message


def test_csv_text_after_a_closing_quote_is_refused(tmp_path: Path) -> None:
    text = 'source,statement\ns,"closed" then more\n'
    assert refused(write(tmp_path, "after.csv", text)).startswith("after.csv:2: bad CSV")


def test_csv_row_with_more_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    text = "source,statement\ns,one\ns,two,extra\n"
    assert refused(write(tmp_path, "more.csv", text)) == (
        "more.csv:3: 3 cells where the header has 2"
    )


def test_csv_row_with_fewer_cells_than_the_header_is_refused(tmp_path: Path) -> None:
    text = "source,statement,value\ns,one,1\ns,two\n"
    assert refused(write(tmp_path, "fewer.csv", text)) == (
        "fewer.csv:3: 2 cells where the header has 3"
    )


def test_csv_repeated_header_column_is_refused(tmp_path: Path) -> None:
    text = "source,statement, source\ns,x,y\n"
    assert refused(write(tmp_path, "repeat.csv", text)) == "repeat.csv:1: repeated column 'source'"


def test_csv_ten_megabyte_field_is_refused_clearly(tmp_path: Path) -> None:
    text = "source,statement\ns,ok\ns," + "x" * (10 * 1024 * 1024) + "\n"
    message = refused(write(tmp_path, "huge.csv", text))
    assert message.startswith("huge.csv:3: bad CSV (field larger than field limit")
    assert len(message) < 200


# -- bytes that are not UTF-8 text, and files that are not there ------------------------


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".jsonl", ".csv"])
def test_nul_bytes_are_refused(tmp_path: Path, suffix: str) -> None:
    path = write(tmp_path, f"nul{suffix}", b"source,statement\ns,a\x00b\n")
    assert refused(path) == f"nul{suffix}: contains NUL bytes; this is not a text file"


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".jsonl", ".csv"])
def test_cp1251_bytes_are_refused_as_not_utf8(tmp_path: Path, suffix: str) -> None:
    data = "source,statement\ns,Казахстан\n".encode("cp1251")
    message = refused(write(tmp_path, f"cp1251{suffix}", data))
    assert message == (
        f"cp1251{suffix}: not UTF-8 text (byte 0xca at offset 19); save the file as UTF-8"
    )


def test_unknown_extension_is_refused(tmp_path: Path) -> None:
    message = refused(write(tmp_path, "claims.txt", "claims: []\n"))
    assert message == "claims.txt: unknown format; use one of .yaml, .yml, .json, .jsonl, .csv"


def test_missing_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "absent.yaml"
    assert refused(path) == f"{path}: no such file"


def test_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "folder.json"
    path.mkdir()
    assert refused(path) == f"{path}: is a directory"


# -- property: anything at all is records or ImportFailed --------------------------------

SUFFIXES = [".yaml", ".json", ".jsonl", ".csv"]


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_arbitrary_bytes_give_records_or_import_failed(suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"

        @settings(max_examples=150, deadline=None)
        @given(st.binary(max_size=300))
        def check(data: bytes) -> None:
            path.write_bytes(data)
            try:
                records = read_file(path)
            except ImportFailed as exc:
                assert exc.message.startswith(f"fuzz{suffix}") or str(path) in exc.message
            else:
                assert all(isinstance(r, Record) and isinstance(r.data, dict) for r in records)

        check()


# Fragments of the four syntaxes, so examples get past the first byte of the parsers.
TOKENS = [
    "{",
    "}",
    "[",
    "]",
    ": ",
    ",",
    "- ",
    "\n",
    "  ",
    "? ",
    "&a ",
    "*a",
    "!!str ",
    "!!int ",
    "!!python/name:os.system ",
    "claims",
    "sources",
    "type",
    "claim",
    "topic",
    "statement",
    '"',
    "'",
    "NaN",
    "1e999",
    "\\u0000",
    "\\ud800",
    "\ufeff",
    "\x00",
    "x",
    "1",
    ";",
    "\r\n",
    "#",
    "|",
    ">",
    "---\n",
    "...",
    "2022-12-01",
    "NO",
    "Казахстан",
]


@pytest.mark.parametrize(
    "suffix",
    [
        pytest.param(
            ".yaml",
        ),
        ".json",
        ".jsonl",
        ".csv",
    ],
)
@pytest.mark.slow
def test_syntax_fragments_give_records_or_import_failed(suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"

        @settings(max_examples=150, deadline=None, derandomize=True, database=None)
        @given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
        @example("!!int ")  # the first failure this test found, kept so it always runs
        def check(text: str) -> None:
            path.write_bytes(text.encode("utf-8", "surrogatepass"))
            try:
                records = read_file(path)
            except ImportFailed as exc:
                assert f"fuzz{suffix}" in exc.message
            else:
                assert all(isinstance(r.data, dict) for r in records)

        check()
