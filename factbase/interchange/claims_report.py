"""Rows of `factbase export claims` (csv, json, jsonl) read back as interchange records.

A claims report is flat: each row is a claim with its source's key, URL and title, the
outlet's name and stance, and columns worked out from the database (id, corroboration
counts, the value's number and interval). Importing one splits each row into the records
an `export all` document would hold: the outlet (named by name), the source (by key, else
URL, else ``source-<id>`` as `export all` names a source with neither), and the claim
naming that source. Each outlet and source comes once per file, with its first row's
fields. Worked-out columns are left aside: the claim's figures come back from its value as
written, the counts from the links and conflicts of the database it lands in.

Spreadsheets: the report's CSV puts ``'`` before a cell a spreadsheet would run as a
formula; that ``'`` is taken off again here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from factbase.catalog.source_fields import made_up_key
from factbase.claims.values import quantity_fields
from factbase.errors import ImportFailed
from factbase.interchange.claim_rows import CLAIM_EXPORT_COLUMNS
from factbase.interchange.exports import FORMULA_STARTS

# The columns that name the claim's source; a report row has one at least.
SOURCE_COLUMNS = ("source_key", "source_url", "source_id")
# Report columns that are the claim's own record fields, under the same name.
CLAIM_COLUMNS = (
    "key",
    "statement",
    "quote",
    "language",
    "speaker",
    "topics",
    "subject",
    "property",
    "event_date",
    "as_of",
    "forecast",
    "occasion",
    "polarity",
    "polarity_suggested",
    "status",
    "note",
    "created_at",
    "updated_at",
)

R = TypeVar("R")

# Every column `export claims` writes (docs/export.md).
REPORT_COLUMNS = frozenset(CLAIM_EXPORT_COLUMNS)


def is_report_row(columns: Mapping[str, Any] | list[str]) -> bool:
    """Whether a record with these fields (or a CSV with this header) is a report row:
    it has a statement, names its source by the report's columns and has no `type` or
    `source` field of the interchange format."""
    names = set(columns)
    return (
        "statement" in names
        and not names & {"type", "source"}
        and bool(names & set(SOURCE_COLUMNS))
    )


def check_columns(columns: Mapping[str, Any] | list[str], location: str) -> None:
    """Refuse a column that `export claims` does not write, by name."""
    unknown = sorted(set(columns) - REPORT_COLUMNS)
    if unknown:
        known = ", ".join(sorted(REPORT_COLUMNS))
        raise ImportFailed(
            f"{location}: unknown column {unknown[0]!r} in a claims report "
            f"(from `export claims`; known: {known})"
        )


def spreadsheet_text(cell: str) -> str:
    """A CSV cell as the report had it before its formula guard (exports.csv_cell)."""
    if not cell.startswith("'"):
        return cell
    rest = cell[1:]
    return rest if rest.lstrip(" ").startswith(FORMULA_STARTS) else cell


class ClaimsReport:
    """Turns the rows of one report file into outlet, source and claim records."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.outlets: set[str] = set()
        self.sources: set[str] = set()

    def split(
        self,
        row: Mapping[str, Any],
        location: str,
        record: Callable[[str, dict[str, Any], str], R],
    ) -> list[R]:
        """The records of ``row``, each made by ``record(section, data, location)``."""
        check_columns(row, location)
        given = {name: value for name, value in row.items() if value is not None and value != ""}
        key, url = given.get("source_key"), given.get("source_url")
        for column, value in (("source_key", key), ("source_url", url)):
            if value is not None and not isinstance(value, str):
                raise ImportFailed(f"{location}: {column}: expected text")
        ref = key or url or self._made_up_key(given.get("source_id"), location)
        records: list[R] = []
        outlet = given.get("outlet")
        if isinstance(outlet, str) and outlet not in self.outlets:
            self.outlets.add(outlet)
            fields = {"name": outlet, "stance": given.get("stance")}
            records.append(record("outlets", _present(fields), location))
        if ref not in self.sources:
            self.sources.add(ref)
            fields = {
                "key": key if (key or url) else ref,
                "url": url,
                "outlet": outlet,
                "title": given.get("source_title"),
                "published": given.get("published"),
            }
            records.append(record("sources", _present(fields), location))
        claim = {name: given[name] for name in CLAIM_COLUMNS if name in given}
        claim["source"] = ref
        claim.update(_quantity(given, location))
        where = (
            f"{location} (key {claim['key']})" if isinstance(claim.get("key"), str) else location
        )
        records.append(record("claims", claim, where))
        return records

    @staticmethod
    def _made_up_key(source_id: Any, location: str) -> str:
        number = _number(source_id, location, "source_id")
        if number is None or not number.is_integer() or number < 1:
            raise ImportFailed(
                f"{location}: a claims report row names its source by source_key, "
                "source_url or source_id; this one has none"
            )
        return made_up_key(int(number))


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _number(value: Any, location: str, column: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ImportFailed(f"{location}: {column}: expected a number")
    try:
        number = float(str(value).strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        raise ImportFailed(f"{location}: {column}: {str(value)[:40]!r} is not a number") from None
    if not math.isfinite(number):
        raise ImportFailed(f"{location}: {column}: {str(value)[:40]!r} is not a finite number")
    return number


def _quantity(given: Mapping[str, Any], location: str) -> dict[str, Any]:
    """The claim's value as record fields: the words as written, with the unit when it was
    given apart from them, as `export all` writes it; the parts only when there are no
    words. The number and interval columns are worked out from the words on import."""
    text = given.get("value")
    number = _number(given.get("value_num"), location, "value_num")
    low = _number(given.get("value_low"), location, "value_low")
    high = _number(given.get("value_high"), location, "value_high")
    unit, qualifier = given.get("unit"), given.get("qualifier")
    if text is not None:
        text = str(text)
        fields = quantity_fields(text, number, unit, low, high, qualifier)
        # Words that no longer give the stored figures (edited in a spreadsheet) win.
        return fields if "value" in fields else {"value": text}
    if number is None:
        return {}
    return _present({"value_num": number, "unit": unit, "qualifier": qualifier})
