"""The words factbase stores in its closed fields, declared once for the schema, the library
and the command line: polarities, statuses, link kinds, conflict kinds, statuses and causes;
and the formats factbase exports write.

Imports only `factbase.errors`: the schema's CHECK constraints, the library's validation and the
CLI's choices all read these.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

from factbase.errors import InvalidInput, InvalidUsage

PRECISIONS = ("day", "month", "year")
POLARITIES = ("affirmed", "denied")
STATUSES = ("unverified", "corroborated", "disputed", "retracted")
QUALIFIERS = ("exact", "approx", "almost", "over", "at_least", "under", "up_to", "range")
LINK_KINDS = ("same", "supports", "contradicts", "refines")
# What `xref` suggests two claims are to each other: the link kinds, and `update` (a later
# figure of one series), which is a suggestion only, never stored as a link.
XREF_KINDS = ("same", "supports", "refines", "update", "contradicts")
CONFLICT_KINDS = ("value", "date", "polarity", "declared")
CONFLICT_STATUSES = ("open", "confirmed", "dismissed", "resolved")
# What a person says a dated claim reports (`--once`, `--occasion`): something that happens
# once (two dates of it contradict) or again and again (far-apart dates are two occasions).
# Left unset, the claim's wording decides (factbase.analysis.occasions).
OCCASIONS = ("once", "recurring")
# The word that gives the decision back to the wording.
OCCASION_FROM_WORDING = "auto"
# The report's tables (factbase.analysis.reports builds them), by the name of each one's CSV.
REPORT_TABLES = (
    "claims_by_topic_stance",
    "claims_by_topic_language",
    "conflicts_by_topic",
    "contested",
    "outlets",
    "series",
    "track_records",
)
# Why two claims disagree, as far as the data tells: reviewers start with "direct".
CONFLICT_CAUSES = ("direct", "unknown-time", "time-scope", "approximation", "declared")
# How a claim's quote was found in its source's text (factbase.text.quotes): as it is, with
# the documented normalisation, not at all, or not looked for since the source has no text.
QUOTE_EXACT = "exact"
QUOTE_NORMALISED = "normalised"
QUOTE_NOT_FOUND = "not-found"
QUOTE_NO_TEXT = "no-text"
QUOTE_MATCHES = (QUOTE_EXACT, QUOTE_NORMALISED, QUOTE_NOT_FOUND, QUOTE_NO_TEXT)
# The ratings a verdict gives unless `factbase config set rating.scale` says otherwise:
# (rating, value), best first. A rating without a value (unproven) is not on the scale:
# it says the evidence does not decide, so it is neither upheld nor refuted.
DEFAULT_RATING_SCALE: tuple[tuple[str, float | None], ...] = (
    ("true", 6.0),
    ("mostly-true", 5.0),
    ("mixed", 4.0),
    ("misleading", 3.0),
    ("mostly-false", 2.0),
    ("false", 1.0),
    ("unproven", None),
)
# The settings `factbase config set` takes: the organisation that publishes verdicts
# (ClaimReview's author and each review's url) and the rating scale.
SETTING_NAMES = ("org.name", "org.url", "org.logo", "org.review_url", "rating.scale")
# The placeholder of org.review_url that each verdict's key fills.
REVIEW_URL_KEY = "{key}"


class LinkKind(StrEnum):
    """How a person links two claims (`factbase link --as`)."""

    SAME = "same"
    SUPPORTS = "supports"
    CONTRADICTS = "contradicts"
    REFINES = "refines"


# The link kinds that say two claims report one thing: they make the clusters corroboration
# counts, and an accepted xref suggestion is one of them.
CLUSTER_KINDS = (LinkKind.SAME.value, LinkKind.SUPPORTS.value)


class Decision(StrEnum):
    """A reviewer's decision on a conflict: every conflict status but "open"."""

    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"
    RESOLVED = "resolved"


class ExportFormat(StrEnum):
    """What `factbase export` writes."""

    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    TSV = "tsv"
    MARKDOWN = "markdown"
    CLAIMREVIEW = "claimreview"


# Every table (claims, conflicts, sources, outlets) can be written as these; the
# interchange document of `export all` as json or jsonl.
TABLE_FORMATS = (
    ExportFormat.CSV,
    ExportFormat.TSV,
    ExportFormat.MARKDOWN,
    ExportFormat.JSON,
    ExportFormat.JSONL,
)
# The formats with a header row, which --no-headers leaves out.
HEADED_FORMATS = (ExportFormat.CSV, ExportFormat.TSV, ExportFormat.MARKDOWN)
# The file name suffixes each format is written to; the first is the one hints name.
FORMAT_SUFFIXES: dict[str, tuple[str, ...]] = {
    ExportFormat.CSV: (".csv",),
    ExportFormat.TSV: (".tsv", ".tab"),
    ExportFormat.MARKDOWN: (".md", ".markdown"),
    ExportFormat.JSON: (".json",),
    ExportFormat.JSONL: (".jsonl", ".ndjson"),
    ExportFormat.CLAIMREVIEW: (".jsonld", ".json"),
}
DOCUMENT_FORMATS = (ExportFormat.JSON, ExportFormat.JSONL)


def validate_choice(value: str | None, allowed: tuple[str, ...], what: str, default: str) -> str:
    """``value`` trimmed and lower-cased if it is one of ``allowed``; ``default`` when blank."""
    if value is None or not value.strip():
        return default
    value = value.strip().lower()
    if value not in allowed:
        raise InvalidInput(f"{what} {value!r} must be one of: {', '.join(allowed)}")
    return value


def chosen_fields(columns: Sequence[str], fields: Sequence[str] | None) -> tuple[str, ...]:
    """``fields`` (--fields), in their order, if each is one of ``columns``; else all."""
    if not fields:
        return tuple(columns)
    unknown = [name for name in fields if name not in columns]
    if unknown:
        raise InvalidUsage(
            f"--fields: no field {', '.join(map(repr, unknown))}; "
            f"the fields are: {', '.join(columns)}"
        )
    return tuple(fields)


def check_headers(fmt: str, headers: bool) -> None:
    """--no-headers goes only with the formats that have a header row."""
    if not headers and fmt not in HEADED_FORMATS:
        raise InvalidUsage(f"--no-headers goes with csv, tsv or markdown; {fmt} has no header row")
