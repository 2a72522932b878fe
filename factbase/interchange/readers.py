"""Reading interchange files safely: YAML, JSON, JSON Lines and CSV into records.

Only data comes out: YAML tags that would build objects are refused, and so are
aliases (the "billion laughs" bomb), duplicate keys, NaN/Infinity in JSON,
ragged or badly quoted CSV, NUL bytes and text that is not UTF-8. Each problem
is one :class:`ImportFailed` naming the file and the place in it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from factbase.errors import ImportFailed
from factbase.interchange.claims_report import (
    ClaimsReport,
    check_columns,
    is_report_row,
    spreadsheet_text,
)

# The sections in the order of the format's first version, then those added since (an
# import applies them in its own order: stances before outlets).
SECTION_OF_TYPE = {
    "entity": "entities",
    "topic": "topics",
    "outlet": "outlets",
    "source": "sources",
    "claim": "claims",
    "link": "links",
    "stance": "stances",
    "conflict": "conflicts",
    "audit": "audit",
    "setting": "settings",
    "verdict": "verdicts",
}
SECTIONS = tuple(SECTION_OF_TYPE.values())
FORMATS = (".yaml", ".yml", ".json", ".jsonl", ".csv")


@dataclass(frozen=True)
class Record:
    section: str
    data: dict[str, Any]
    location: str  # "seeds.yaml: claims[3] (key cpc-share)" or "claims.csv:12"
    # Made from a row of a claims report (`export claims`), which gives part of a source.
    from_report: bool = False


def _report_record(section: str, data: dict[str, Any], location: str) -> Record:
    return Record(section, data, location, from_report=True)


def read_file(path: Path) -> list[Record]:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ImportFailed(f"{path.name}: unknown format; use one of {', '.join(FORMATS)}")
    text = _read_text(path)
    if suffix in (".yaml", ".yml"):
        return _document_records(path.name, _load_yaml(path.name, text))
    if suffix == ".json":
        # A file of no text holds no document, as an empty YAML file does.
        document = _json_value(path.name, text) if text.strip() else None
        return _document_records(path.name, document)
    if suffix == ".jsonl":
        return _jsonl_records(path.name, text)
    return _csv_records(path.name, text)


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFailed(f"{path}: is a directory") from None
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot read ({exc.strerror})") from None
    if b"\x00" in data:
        raise ImportFailed(f"{path.name}: contains NUL bytes; this is not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise ImportFailed(
            f"{path.name}: not UTF-8 text (byte 0x{byte:02x} at offset {exc.start}); "
            "save the file as UTF-8"
        ) from None


# -- YAML and JSON documents ------------------------------------------------------


class _DataOnlyLoader(yaml.SafeLoader):
    """SafeLoader that also refuses aliases and duplicate keys, and keeps dates as text."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(problem="aliases (*name) are not allowed", problem_mark=mark)
        return super().compose_node(parent, index)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        # PyYAML's constructors fail with TypeError, ValueError or IndexError on values
        # that do not fit their tag (`!!set [a]`, `!!map [a]`): report where instead.
        try:
            return super().construct_object(node, deep=deep)
        except (TypeError, ValueError, IndexError, OverflowError) as exc:
            raise yaml.MarkedYAMLError(
                problem=f"value does not fit its tag {node.tag!r} ({exc})",
                problem_mark=node.start_mark,
            ) from None

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise yaml.MarkedYAMLError(
                problem=f"{node.tag!r} needs a mapping", problem_mark=node.start_mark
            )
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise yaml.MarkedYAMLError(
                    problem="mapping keys must be text", problem_mark=key_node.start_mark
                )
            if key in seen:
                raise yaml.MarkedYAMLError(
                    problem=f"duplicate key {key!r}", problem_mark=key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _plain_scalar(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    return loader.construct_scalar(node)


def _strict_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    # YAML 1.1 reads `NO` (Norway) and `on` as booleans; only true/false are.
    text = str(loader.construct_scalar(node))
    return {"true": True, "false": False}.get(text.lower(), text)


_DECIMAL_INT = re.compile(r"^[-+]?(0|[1-9][0-9]*)$")
# A float has a point or an exponent: "0100" is not one.
_DECIMAL_FLOAT = re.compile(
    r"^[-+]?(([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|[0-9]+[eE][-+]?[0-9]+)$"
)


# What YAML 1.1 resolves to int or float without a tag, beyond plain decimals:
# 0100 (octal 64), 0x1F, 0b101, 3:1 (base 60 = 181), 1:30.5.
_IMPLICIT_NUMBER = re.compile(
    r"^[-+]?(0[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+|[1-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|"
    r"[0-9][0-9_]*(\.[0-9_]*)?([eE][-+][0-9]+)?)$"
)
_SPECIAL_FLOAT = re.compile(r"^([-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")


def _number_as_written(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """Decimal numbers as numbers; octal, base-60 and the like as the text written.

    An explicit tag whose text is no number at all (`!!int abc`) is an error.
    """
    text = str(loader.construct_scalar(node))
    if _DECIMAL_INT.match(text):
        return int(text)
    if _DECIMAL_FLOAT.match(text):
        return float(text)
    if _SPECIAL_FLOAT.match(text):
        return float(text.replace(".", "", 1))
    if _IMPLICIT_NUMBER.match(text):
        return text
    raise yaml.MarkedYAMLError(
        problem=f"{text!r} is not a {node.tag.rsplit(':', 1)[-1]}", problem_mark=node.start_mark
    )


_DataOnlyLoader.add_constructor("tag:yaml.org,2002:timestamp", _plain_scalar)
_DataOnlyLoader.add_constructor("tag:yaml.org,2002:bool", _strict_bool)
_DataOnlyLoader.add_constructor("tag:yaml.org,2002:int", _number_as_written)
_DataOnlyLoader.add_constructor("tag:yaml.org,2002:float", _number_as_written)


def _load_yaml(name: str, text: str) -> Any:
    try:
        return yaml.load(text, Loader=_DataOnlyLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise ImportFailed(f"{name}:{where}: {problem}") from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        raise ImportFailed(
            f"{name}: line {line} column {column}: character {exc.character!r} is not allowed"
        ) from None
    except yaml.YAMLError as exc:
        raise ImportFailed(f"{name}: invalid YAML ({' '.join(str(exc).split())})") from None
    except RecursionError:
        raise ImportFailed(f"{name}: nested too deeply") from None
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        # PyYAML's own constructors fail this way on values that do not fit their tag
        # (`!!int abc`, `!!set [a]`) or on mappings keyed by lists.
        raise ImportFailed(f"{name}: invalid YAML value ({exc})") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_value(name: str, text: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constants)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{name}: line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except (ValueError, RecursionError) as exc:
        raise ImportFailed(f"{name}: {exc}") from None


def _document_records(name: str, document: Any) -> list[Record]:
    if document is None:
        return []
    if isinstance(document, list) and all(
        isinstance(item, dict) and is_report_row(item) for item in document
    ):
        report = ClaimsReport(name)
        return [
            record
            for index, item in enumerate(document)
            for record in report.split(item, f"{name}: [{index}]", _report_record)
        ]
    if not isinstance(document, dict):
        raise ImportFailed(f"{name}: expected a mapping with the sections {', '.join(SECTIONS)}")
    records: list[Record] = []
    for section, items in document.items():
        if section not in SECTIONS:
            raise ImportFailed(
                f"{name}: unknown section {section!r} (known: {', '.join(SECTIONS)})"
            )
        if items is None:
            continue
        if not isinstance(items, list):
            raise ImportFailed(f"{name}: {section}: expected a list of records")
        for index, item in enumerate(items):
            location = f"{name}: {section}[{index}]"
            if not isinstance(item, dict):
                raise ImportFailed(f"{location}: expected a mapping of fields")
            if isinstance(item.get("key"), str):
                location += f" (key {item['key']})"
            records.append(Record(section, item, location))
    return records


# -- JSON Lines and CSV ------------------------------------------------------------


def _jsonl_records(name: str, text: str) -> list[Record]:
    # Only \n ends a line: U+2028 and friends are legal inside JSON strings.
    report = ClaimsReport(name)
    lines = enumerate(text.split("\n"), start=1)
    return [record for number, raw in lines for record in _jsonl_record(report, number, raw)]


def _jsonl_record(report: ClaimsReport, number: int, raw: str) -> list[Record]:
    """The records of one line: one, none for a blank line, and for a line of a claims
    report (`export claims`, no `type`) its outlet, source and claim."""
    line = raw.removesuffix("\r")
    if not line.strip():
        return []
    location = f"{report.name}:{number}"
    item = _json_value(location, line)
    if not isinstance(item, dict):
        raise ImportFailed(f"{location}: expected a JSON object")
    if is_report_row(item):
        return report.split(item, location, _report_record)
    kind = item.pop("type", None)
    if not isinstance(kind, str) or kind not in SECTION_OF_TYPE:
        raise ImportFailed(
            f"{location}: type must be one of {', '.join(SECTION_OF_TYPE)}, not {kind!r}"
        )
    return [Record(SECTION_OF_TYPE[kind], item, location)]


def iter_records(path: Path) -> Iterator[Record]:
    """The records of ``path`` one by one; JSON Lines are read a line at a time.

    A JSON Lines file of a million claims is never held in memory whole; the other
    formats are parsed whole as :func:`read_file` does.
    """
    if path.suffix.lower() != ".jsonl":
        yield from read_file(path)
        return
    report = ClaimsReport(path.name)
    for line in jsonl_lines(path):
        yield from jsonl_line_records(report, path, line)


# One line of a JSON Lines file: its number, the offset of its first byte, its bytes.
Line = tuple[int, int, bytes]


def jsonl_lines(path: Path) -> Generator[Line]:
    """The lines of a JSON Lines file as bytes, a byte-order mark taken off the first."""
    try:
        stream = path.open("rb")
    except OSError:
        _read_text(path)  # the same message for a missing file, a directory ...
        raise
    with stream:
        offset = 0
        for number, data in enumerate(stream, start=1):
            start, offset = offset, offset + len(data)
            if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data, start = data[3:], 3
            yield number, start, data


def jsonl_line_records(report: ClaimsReport, path: Path, line: Line) -> list[Record]:
    """The records of one line of :func:`jsonl_lines`, as :func:`iter_records` reads them."""
    number, start, data = line
    return _jsonl_record(report, number, _decoded_line(path, data, start))


def _decoded_line(path: Path, data: bytes, offset: int) -> str:
    """One line of a JSON Lines file as text, refused as :func:`_read_text` refuses a file."""
    if b"\x00" in data:
        raise ImportFailed(f"{path.name}: contains NUL bytes; this is not a text file")
    try:
        return data.decode("utf-8").removesuffix("\n")
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            f"{path.name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{offset + exc.start}); save the file as UTF-8"
        ) from None


def _csv_records(name: str, text: str) -> list[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[Record] = []
    try:
        header = next(reader, None)
        if header is None:
            return []
        header = [column.strip() for column in header]
        duplicates = {column for column in header if header.count(column) > 1}
        if duplicates:
            raise ImportFailed(f"{name}:1: repeated column {sorted(duplicates)[0]!r}")
        report = ClaimsReport(name) if is_report_row(header) else None
        if report is not None:
            check_columns(header, f"{name}:1")
        for row in reader:
            location = f"{name}:{reader.line_num}"
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise ImportFailed(
                    f"{location}: {len(row)} cells where the header has {len(header)}"
                )
            # CSV cannot tell a missing value from an empty one: an empty cell gives nothing,
            # so re-importing a sheet never clears what it leaves blank (docs/format.md).
            cells = {col: cell for col, cell in zip(header, row, strict=True) if cell.strip()}
            if report is not None:
                cells = {col: spreadsheet_text(cell) for col, cell in cells.items()}
                records.extend(report.split(cells, location, _report_record))
            else:
                records.append(Record("claims", cells, location))
    except csv.Error as exc:
        raise ImportFailed(f"{name}:{reader.line_num}: bad CSV ({exc})") from None
    return records
