"""Options several commands take, each declared once.

The claim filters are one set: `list`, `export claims`, `export all` and `report` take them
through :func:`claim_filters`, which puts the options in the command's signature where its
``where`` parameter is (Typer reads a command's options from its signature) and calls the
command with them as one :class:`~factbase.claims.filter.ClaimFilter`, as sqlite-utils
shares its option sets with decorators. Smaller sets are `Annotated` types.

Loaded by the quick `list`: nothing here imports SQLAlchemy.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from factbase.claims.filter import ClaimFilter
from factbase.cli import render
from factbase.cli.choices import (
    TABLE,
    ClaimStatus,
    ConflictKind,
    ConflictStatusOrAll,
    Occasion,
    OutputFormat,
    Polarity,
    QuoteStatus,
    TableFormat,
    ViewFormat,
)
from factbase.vocabulary import TABLE_FORMATS

R = TypeVar("R")


def listed(words: Iterable[str]) -> str:
    """`a, b or c`: help naming the words an option takes."""
    *others, last = (str(word) for word in words)
    return f"{', '.join(others)} or {last}"


FormatOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format", "-f", help=f"table for people; {', '.join(TABLE_FORMATS)} for programs."
    ),
]
DocumentOrRowsOption = Annotated[
    OutputFormat,
    typer.Option(
        "--format",
        "-f",
        help="table for people; json for one document; "
        f"{', '.join(f for f in TABLE_FORMATS if f != 'json')} for rows.",
    ),
]
ViewFormatOption = Annotated[
    ViewFormat, typer.Option("--format", "-f", help="table for people; json for programs.")
]
FORMAT_HELP = "Default: from the -o file's suffix, else csv."
TableFormatOption = Annotated[
    TableFormat | None,
    typer.Option("--format", "-f", help=f"{listed(TABLE_FORMATS)}. {FORMAT_HELP}"),
]
IncludeRetractedOption = Annotated[
    bool,
    typer.Option(
        "--include-retracted",
        help="Retracted and merged claims too (left out by default), as their conflicts.",
    ),
]
# One rule for every --limit (resolved by page_limit): a table for people shows a page
# and says how many there are in all; a machine format returns every row unless --limit
# is given, and says on stderr when the limit left rows out.
LIMIT_HELP = "0 for all. Default: a page in a table, every row in other formats."
LimitOption = Annotated[int | None, typer.Option(help=f"At most this many; {LIMIT_HELP}")]
ClaimLimitOption = Annotated[
    int | None, typer.Option(help=f"At most this many claims; {LIMIT_HELP}")
]


def page_limit(limit: int | None, fmt: str, page: int | None) -> int | None:
    """How many rows to read, None for all: ``limit`` as given (0 for all); when not
    given, a ``page`` (None: all) in a table and all in a machine format."""
    if limit is None:
        return page if fmt == TABLE else None
    if limit < 0:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.errors import InvalidInput

        raise InvalidInput("--limit must be 0 (no limit) or more")
    return limit or None


FieldsOption = Annotated[
    str | None,
    typer.Option(
        "--fields",
        metavar="A,B,C",
        help="Only these columns, in this order (machine formats).",
    ),
]
NoHeadersOption = Annotated[
    bool, typer.Option("--no-headers", help="No header row (csv, tsv, markdown).")
]


def output_options(command: Callable[..., R]) -> Callable[..., R]:
    """Give a command with --format the options --fields and --no-headers, which lay out
    its machine-format output (render.Layout); a table refuses them."""

    @functools.wraps(command)
    def run(*args: Any, fields: str | None = None, no_headers: bool = False, **given: Any) -> R:
        names = None
        if fields is not None:
            names = tuple(name.strip() for name in fields.split(",") if name.strip())
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.errors import InvalidUsage

        if fields is not None and not names:
            raise InvalidUsage("--fields: name at least one field")
        if given.get("fmt") == TABLE and (names or no_headers):
            raise InvalidUsage("--fields and --no-headers go with a machine --format, not table")
        if given.get("fmt", TABLE) != TABLE and (given.get("columns") or given.get("wide")):
            # Rows for programs have every field; --fields picks them.
            raise InvalidUsage("--columns and --wide lay out a table; with --format use --fields")
        with render.laid_out(render.Layout(fields=names, headers=not no_headers)):
            return command(*args, **given)

    signature = inspect.signature(command, eval_str=True)
    added = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, default, kind in (
            ("fields", None, FieldsOption),
            ("no_headers", False, NoHeadersOption),
        )
    ]
    signature = signature.replace(parameters=[*signature.parameters.values(), *added])
    run.__signature__ = signature  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return run


# A language is `--language` everywhere, `--lang` for short.
LANGUAGE_FLAGS = ("--language", "--lang")
LANGUAGE_METAVAR = "CODE"
DATE_METAVAR = "DATE"

# A claim's fields, as `add` records them and `edit` corrects them.
QuoteOption = Annotated[str | None, typer.Option(help="The verbatim words of the source.")]
ClaimLanguageOption = Annotated[
    str | None,
    typer.Option(
        *LANGUAGE_FLAGS,
        metavar=LANGUAGE_METAVAR,
        help="ISO 639-1 language of the quote (detected if absent).",
    ),
]
SpeakerOption = Annotated[str | None, typer.Option(help="Who makes the claim.")]
TopicsOption = Annotated[
    list[str] | None,
    typer.Option("--topic", "-t", help="Topic slug; repeat for several (suggested if absent)."),
]
SubjectOption = Annotated[str | None, typer.Option(help="What the claim is about.")]
PropertyOption = Annotated[
    str | None, typer.Option("--property", help="Which property of the subject.")
]
ValueOption = Annotated[
    str | None, typer.Option(help="The quantity as written: 'около 80%', '441 bn tenge'.")
]
UnitOption = Annotated[str | None, typer.Option(help="Unit when the value text has none.")]
EventDateOption = Annotated[
    str | None,
    typer.Option(metavar=DATE_METAVAR, help="When the claimed event happened (any language)."),
]
AsOfOption = Annotated[
    str | None, typer.Option(metavar=DATE_METAVAR, help="The time the claim holds for.")
]
PolarityOption = Annotated[
    Polarity | None,
    typer.Option(help="Without it, denied when the wording denies (suggested), else affirmed."),
]
OccasionOption = Annotated[
    Occasion | None,
    typer.Option(
        help="What a dated claim reports: something that happens once (two dates of it "
        "conflict) or recurs (dates over a week apart are two occasions); auto: its wording "
        "decides, as it does without this option.",
    ),
]
OnceOption = Annotated[
    bool, typer.Option("--once", help="Short for --occasion once: a one-off event.")
]


def chosen_occasion(once: bool, occasion: str | None) -> str | None:
    """The occasion given by ``--once`` or ``--occasion``; None when neither is."""
    if once and occasion not in (None, "once"):
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.errors import InvalidUsage

        raise InvalidUsage(f"--once and --occasion {occasion} disagree: give one of them")
    return "once" if once else occasion


ClaimStatusOption = Annotated[
    ClaimStatus | None, typer.Option("--status", help="unverified by default.")
]
KeyOption = Annotated[str | None, typer.Option(help="A stable key of your own, unique.")]
NoteOption = Annotated[str | None, typer.Option(help="Free text.")]
WhyOption = Annotated[
    str | None, typer.Option("--why", help="Why: kept with the change in the audit log.")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
]
StrictOption = Annotated[
    bool,
    typer.Option(
        "--strict", help="A quote the source's text does not hold is an error, not a warning."
    ),
]
# A source's article text, from a file: as it is, or reduced from a saved web page.
TextFileOption = Annotated[
    Path | None,
    typer.Option("--text-file", metavar="FILE", help="The article's text (UTF-8), kept as it is."),
]
HtmlFileOption = Annotated[
    Path | None,
    typer.Option(
        "--html-file",
        metavar="FILE",
        help="A saved web page: its article's main text, and its title, author, site and "
        "date where not given.",
    ),
]

# What a source or an outlet is filtered by, in listings and exports alike (claims too).
OUTLET_HELP = "Outlet name or id."
SOURCE_HELP = "Source id, key or URL."
STANCE_HELP = "Stance of the outlet."
OutletOption = Annotated[str | None, typer.Option(help=OUTLET_HELP)]
StanceOption = Annotated[str | None, typer.Option(help=STANCE_HELP)]
SourceLangOption = Annotated[
    str | None,
    typer.Option(*LANGUAGE_FLAGS, metavar=LANGUAGE_METAVAR, help="Language of the source."),
]

# What conflicts are filtered by: `conflicts`, `export conflicts` and `review`.
ConflictStatusOption = Annotated[
    ConflictStatusOrAll, typer.Option(help="A review status, or all of them.")
]
ConflictKindOption = Annotated[ConflictKind | None, typer.Option(help="Conflicts of this kind.")]
EitherTopicOption = Annotated[str | None, typer.Option(help="Either claim in this topic.")]
EitherStanceOption = Annotated[str | None, typer.Option(help="Either claim from this stance.")]
EitherLangOption = Annotated[
    str | None,
    typer.Option(*LANGUAGE_FLAGS, metavar=LANGUAGE_METAVAR, help="Either claim in this language."),
]


@dataclass(frozen=True)
class FilterOption:
    field: str  # of ClaimFilter
    help: str
    metavar: str | None = None
    flags: tuple[str, ...] = ()  # the option's names, where not --NAME
    kind: Any = str  # what the value is: text, or one of a choice's words


# The claim filters, by parameter name, in the order --help lists them.
CLAIM_FILTERS = {
    "topic": FilterOption("topic", "Topic slug; includes its sub-topics.", "SLUG"),
    "lang": FilterOption("language", "Language of the quote.", LANGUAGE_METAVAR, LANGUAGE_FLAGS),
    "stance": FilterOption("stance", STANCE_HELP, "STANCE"),
    "outlet": FilterOption("outlet", OUTLET_HELP, "OUTLET"),
    "source": FilterOption("source", SOURCE_HELP, "SOURCE"),
    "subject": FilterOption("subject", "Subject; any alias of the entity.", "NAME"),
    "speaker": FilterOption("speaker", "Speaker; any alias of the entity.", "NAME"),
    "since": FilterOption(
        "since", "Published on or after (any date a person writes).", DATE_METAVAR
    ),
    "until": FilterOption("until", "Published on or before.", DATE_METAVAR),
    "search": FilterOption(
        "search", "Text in statement, quote, speaker or subject (any case, ё = е).", "TEXT"
    ),
    "status": FilterOption("status", "Claim status.", kind=ClaimStatus),
    "quote_status": FilterOption(
        "quote_status",
        "How the quote matched its source's text (no-text: the source has none).",
        flags=("--quote-status",),
        kind=QuoteStatus,
    ),
    "rating": FilterOption(
        "rating", "The rating of the claim's verdict (see `factbase config`).", "RATING"
    ),
}


def claim_filters(
    *names: str, help: Mapping[str, str] | None = None
) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give a command the claim filter options ``names`` (all by default), with ``help``
    said its own way where given, in place of its ``where`` parameter; it is called with
    them as one ClaimFilter, whose limit and sort the command sets."""
    chosen = names or tuple(CLAIM_FILTERS)
    helps = {name: CLAIM_FILTERS[name].help for name in chosen} | dict(help or {})

    def decorate(command: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(command)
        def run(*args: Any, **given: Any) -> R:
            fields = {CLAIM_FILTERS[name].field: given.pop(name) for name in chosen}
            where = ClaimFilter(**fields)
            where.check()
            return command(*args, where=where, **given)

        signature = _with_options(command, chosen, helps)
        run.__signature__ = signature  # type: ignore[attr-defined]
        # Typer reads the annotations too: those of the signature, already evaluated.
        run.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
        return run

    return decorate


def _with_options(
    command: Callable[..., Any], names: Sequence[str], helps: Mapping[str, str]
) -> inspect.Signature:
    """``command``'s signature with the options ``names`` in place of ``where``."""
    signature = inspect.signature(command, eval_str=True)
    parameters: list[inspect.Parameter] = []
    for parameter in signature.parameters.values():
        if parameter.name != "where":
            parameters.append(parameter)
            continue
        parameters += [
            inspect.Parameter(
                name,
                parameter.kind,
                default=None,
                annotation=_filter_annotation(CLAIM_FILTERS[name], helps[name]),
            )
            for name in names
        ]
    if len(parameters) != len(signature.parameters) + len(names) - 1:  # no `where`
        raise TypeError(f"{command.__name__} has no `where` parameter for the claim filters")
    return signature.replace(parameters=parameters)


def _filter_annotation(option: FilterOption, help: str) -> Any:
    return Annotated[
        option.kind | None, typer.Option(*option.flags, metavar=option.metavar, help=help)
    ]


# How a table for people is laid out (factbase.cli.render.TableView); machine formats
# always have every column.
WideOption = Annotated[
    bool,
    typer.Option(
        "--wide", help="Every column at full width, none left out; the terminal wraps or scrolls."
    ),
]
ColumnsOption = Annotated[
    str | None,
    typer.Option(
        "--columns",
        metavar="A,B,…",
        help="These table columns, in this order, by header name.",
    ),
]
