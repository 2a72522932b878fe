"""The choices options offer, made from the words the library declares.

Typer lists a parameter's choices in --help and refuses any other word when the parameter's
type is an Enum. Where an option offers every member of a library enum, the command uses that
enum itself (Sort, LinkKind, Decision, ExportFormat). Where it offers some of them, or adds
the table people read, the Enum is made here from the library's tuple, so that no word is
spelt twice. Type checkers see those choices as ``str``, which their members are.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, cast

from factbase.vocabulary import (
    CLUSTER_KINDS,
    CONFLICT_KINDS,
    CONFLICT_STATUSES,
    DOCUMENT_FORMATS,
    OCCASION_FROM_WORDING,
    OCCASIONS,
    POLARITIES,
    QUOTE_MATCHES,
    REPORT_TABLES,
    STATUSES,
    TABLE_FORMATS,
    XREF_KINDS,
    ExportFormat,
)

# The command line's own format: a Rich table for people; the others are for programs.
TABLE = "table"
# Conflicts of every review status.
ALL = "all"


def choice(name: str, words: Iterable[str]) -> type[StrEnum]:
    """An Enum whose members are ``words``, in order, for Typer to offer."""
    # typeshed types the functional API as making a member, not a class.
    return cast(type[StrEnum], StrEnum(name, [(str(w).upper(), str(w)) for w in words]))


if TYPE_CHECKING:
    OutputFormat = str
    ViewFormat = str
    TableFormat = str
    DocumentFormat = str
    ExtractFormat = str
    AcceptKind = str
    XrefKind = str
    ClaimStatus = str
    QuoteStatus = str
    Polarity = str
    Occasion = str
    ConflictKind = str
    ConflictStatusOrAll = str
    ReportTableName = str
else:
    # Listings: a table, or a table's rows as the exports write them.
    OutputFormat = choice("OutputFormat", (TABLE, *TABLE_FORMATS))
    # Reports and stats: a table, or one JSON document.
    ViewFormat = choice("ViewFormat", (TABLE, ExportFormat.JSON))
    TableFormat = choice("TableFormat", TABLE_FORMATS)
    DocumentFormat = choice("DocumentFormat", DOCUMENT_FORMATS)
    # Candidate claims: a table, or claim records of the interchange format.
    ExtractFormat = choice("ExtractFormat", (TABLE, *DOCUMENT_FORMATS))
    # An accepted xref suggestion is linked as one of these.
    AcceptKind = choice("AcceptKind", CLUSTER_KINDS)
    # What xref suggests two claims are; --accept-kind picks among them.
    XrefKind = choice("XrefKind", XREF_KINDS)
    # A claim's closed vocabularies, and a conflict's.
    ClaimStatus = choice("ClaimStatus", STATUSES)
    QuoteStatus = choice("QuoteStatus", QUOTE_MATCHES)
    Polarity = choice("Polarity", POLARITIES)
    Occasion = choice("Occasion", (*OCCASIONS, OCCASION_FROM_WORDING))
    ConflictKind = choice("ConflictKind", CONFLICT_KINDS)
    ConflictStatusOrAll = choice("ConflictStatusOrAll", (*CONFLICT_STATUSES, ALL))
    # The report's tables, one of which a row format writes.
    ReportTableName = choice("ReportTableName", REPORT_TABLES)
