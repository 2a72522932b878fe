"""The rows `source`, `outlet`, `stance`, `topics`, `entities` and `history` print are built
by the library, as records with the columns it declares; the command line only renders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from conftest import Cli
from helpers import own_vocabulary_only

from factbase.catalog.audit import HISTORY_COLUMNS, history_records
from factbase.catalog.entities import ENTITY_COLUMNS, entity_records
from factbase.catalog.outlets import (
    OUTLET_COLUMNS,
    STANCE_COLUMNS,
    outlet_records,
    stance_records,
)
from factbase.catalog.sources import SOURCE_COLUMNS, source_record_of, source_records
from factbase.catalog.topics import TOPIC_COLUMNS, topic_records
from factbase.store.database import Database


@pytest.fixture
def catalogue(cli: Cli, db_url: str) -> str:
    own_vocabulary_only(db_url)
    cli.ok("outlet", "add", "SilkBridge.info", "--stance", "neutral", "--country", "KZ")
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "Казахстан, 2022",
           "--key", "silk", "--language", "ru", "--published", "ноябрь 2022",
           "--cites", "WSJ")  # fmt: skip
    cli.ok("topics", "add", "energy", "--label", "Energy")
    cli.ok("topics", "add", "oil", "--parent", "energy", "-k", "нефть")
    cli.ok("entities", "add", "Caspian Pipeline Consortium", "-a", "CPC", "-a", "КТК")
    cli.ok("add", "КТК качает нефть.", "-s", "silk", "--subject", "CPC", "-t", "oil")
    return db_url


def _read(url: str, records: Any, **filters: Any) -> list[dict[str, Any]]:
    with Database.open(url) as database, database.session() as session:
        found: list[dict[str, Any]] = records(session, **filters)
        return found


def _has_columns(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    assert rows
    for row in rows:
        assert set(columns) <= set(row)


@pytest.mark.slow
def test_source_records(catalogue: str) -> None:
    [row] = _read(catalogue, source_records, language="ru")
    _has_columns([row], SOURCE_COLUMNS)
    assert row["key"] == "silk" and row["published"] == "2022-11" and row["claims"] == 1
    assert row["cites"] == ["WSJ"] and row["outlet"] == "SilkBridge.info"
    assert _read(catalogue, source_record_of, ref="silk") == row


def test_outlet_and_stance_records(catalogue: str) -> None:
    rows = {row["name"]: row for row in _read(catalogue, outlet_records)}
    _has_columns(list(rows.values()), OUTLET_COLUMNS)
    assert rows["SilkBridge.info"]["country"] == "KZ"
    assert (rows["SilkBridge.info"]["sources"], rows["SilkBridge.info"]["claims"]) == (1, 1)
    stances = _read(catalogue, stance_records)
    _has_columns(stances, STANCE_COLUMNS)
    assert "neutral" in [row["name"] for row in stances]


def test_topic_records_come_in_tree_order_with_their_depth(catalogue: str) -> None:
    rows = _read(catalogue, topic_records)
    _has_columns(rows, TOPIC_COLUMNS)
    assert [(r["slug"], r["parent"], r["depth"], r["claims"]) for r in rows] == [
        ("energy", None, 0, 0),
        ("oil", "energy", 1, 1),
    ]
    assert rows[1]["keywords"] == ["нефть"]


def test_entity_records_list_the_other_spellings(catalogue: str) -> None:
    [row] = _read(catalogue, entity_records, search="ктк")
    _has_columns([row], ENTITY_COLUMNS)
    assert row["name"] == "Caspian Pipeline Consortium" and row["claims"] == 1
    assert sorted(row["aliases"]) == ["CPC", "КТК"]


@pytest.mark.slow
def test_history_records(catalogue: str, cli: Cli) -> None:
    cli.ok("add", "КТК не качает нефть.", "-s", "silk", "--subject", "CPC")
    cli.ok("link", "1", "2", "--as", "supports", "--note", "same pipeline")
    [row] = _read(catalogue, history_records, limit=1)
    _has_columns([row], HISTORY_COLUMNS)
    assert row["note"] == "same pipeline" and row["action"]
    assert datetime.fromisoformat(row["at"]) and "." not in row["at"]  # to the second


def test_the_cli_builds_no_rows_from_the_schema() -> None:
    """Only `conflicts show` still reads ORM objects, to lay two claims side by side."""
    from pathlib import Path

    import factbase.cli

    for path in sorted(Path(factbase.cli.__file__).parent.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        uses_models = "factbase.store.models" in text
        assert not uses_models or path.name == "conflicts.py", path.name
