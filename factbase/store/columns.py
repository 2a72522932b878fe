"""Records declared as fields over ``"table.attribute"`` columns, the way claims and sources
declare theirs: the select list the fields need, where each column sits in a row, and each
column read from the models or from a loaded object.

Imports only the standard library: the `list`/`show` shortcut reads the declarations too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


class Declared(Protocol):
    """A declared field: the columns it is read from, in its decoder's order."""

    @property
    def columns(self) -> tuple[str, ...]: ...


def column_plan(fields: Iterable[Declared]) -> tuple[str, ...]:
    """Every column ``fields`` read, once each, in the order first read: a select list."""
    return tuple(dict.fromkeys(column for field in fields for column in field.columns))


def model_attribute(models: Mapping[str, Any], column: str) -> Any:
    """``"source.title"`` as the attribute of the model (or alias) ``models`` give for
    its table: ``Source.title``."""
    table, attribute = column.split(".")
    return getattr(models[table], attribute)


def loaded_value(owners: Mapping[str, Callable[[T], Any]], loaded: T, column: str) -> Any:
    """The value of ``column`` on a loaded object, through ``owners``: how to reach the
    object of each table from it (a claim's source, its source's outlet)."""
    table, attribute = column.split(".")
    return getattr(owners[table](loaded), attribute)


def column_label(column: str, own_table: str) -> str:
    """A selected column's label: the record's own table's by attribute (``value_text``),
    another table's after the table (``source_key``), so none collide."""
    table, attribute = column.split(".")
    return attribute if table == own_table else f"{table}_{attribute}"


class ColumnPositions:
    """Where each column of a select list sits in its rows, worked out once, so a row is
    never unpacked by hand."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = tuple(columns)
        self.position = {column: i for i, column in enumerate(self.columns)}

    def getter(self, *columns: str) -> Callable[[Sequence[Any]], Any]:
        """The value of one column of a row, or a tuple of several."""
        return itemgetter(*(self.position[column] for column in columns))
