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
from typing import Annotated, Any, TypeVar

import typer

from factbase.claims.filter import ClaimFilter
from factbase.cli.choices import OutputFormat, TableFormat, ViewFormat
from factbase.vocabulary import CONFLICT_KINDS, CONFLICT_STATUSES, TABLE_FORMATS

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
LimitOption = Annotated[int, typer.Option(help="At most this many; 0 for all.")]
ClaimLimitOption = Annotated[int, typer.Option(help="At most this many claims; 0 for all.")]

# A claim's fields, as `add` records them and `edit` corrects them.
QuoteOption = Annotated[str | None, typer.Option(help="The verbatim words of the source.")]
ClaimLanguageOption = Annotated[
    str | None,
    typer.Option("--language", help="ISO 639-1 language of the quote (detected if absent)."),
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
    str | None, typer.Option(help="When the claimed event happened (any language).")
]
AsOfOption = Annotated[str | None, typer.Option(help="The time the claim holds for.")]
PolarityOption = Annotated[str | None, typer.Option(help="affirmed (default) or denied.")]
ClaimStatusOption = Annotated[
    str | None,
    typer.Option("--status", help="unverified (default), corroborated, disputed, retracted."),
]
KeyOption = Annotated[str | None, typer.Option(help="A stable key of your own, unique.")]
NoteOption = Annotated[str | None, typer.Option(help="Free text.")]
WhyOption = Annotated[
    str | None, typer.Option("--why", help="Why: kept with the change in the audit log.")
]
DryRunOption = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; change nothing.")
]

# What a source or an outlet is filtered by, in listings and exports alike (claims too).
OUTLET_HELP = "Outlet name or id."
SOURCE_HELP = "Source id, key or URL."
STANCE_HELP = "Stance of the outlet."
OutletOption = Annotated[str | None, typer.Option(help=OUTLET_HELP)]
StanceOption = Annotated[str | None, typer.Option(help=STANCE_HELP)]
SourceLangOption = Annotated[str | None, typer.Option("--lang", help="Language of the source.")]

# What conflicts are filtered by: `conflicts`, `export conflicts` and `review`.
ConflictStatusOption = Annotated[str, typer.Option(help=f"{', '.join(CONFLICT_STATUSES)}, or all.")]
ConflictKindOption = Annotated[str | None, typer.Option(help=f"{listed(CONFLICT_KINDS)}.")]
EitherTopicOption = Annotated[str | None, typer.Option(help="Either claim in this topic.")]
EitherStanceOption = Annotated[str | None, typer.Option(help="Either claim from this stance.")]
EitherLangOption = Annotated[
    str | None, typer.Option("--lang", help="Either claim in this language.")
]


@dataclass(frozen=True)
class FilterOption:
    field: str  # of ClaimFilter
    help: str


# The claim filters, by option name, in the order --help lists them.
CLAIM_FILTERS = {
    "topic": FilterOption("topic", "Topic slug; includes its sub-topics."),
    "lang": FilterOption("language", "Language of the quote."),
    "stance": FilterOption("stance", STANCE_HELP),
    "outlet": FilterOption("outlet", OUTLET_HELP),
    "source": FilterOption("source", SOURCE_HELP),
    "subject": FilterOption("subject", "Subject; any alias of the entity."),
    "speaker": FilterOption("speaker", "Speaker; any alias of the entity."),
    "since": FilterOption("since", "Published on or after (any date a person writes)."),
    "until": FilterOption("until", "Published on or before."),
    "search": FilterOption(
        "search", "Text in statement, quote, speaker or subject (any case, ё = е)."
    ),
    "status": FilterOption("status", "Claim status."),
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
            return command(*args, where=ClaimFilter(**fields), **given)

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
                annotation=Annotated[str | None, typer.Option(help=helps[name])],
            )
            for name in names
        ]
    if len(parameters) != len(signature.parameters) + len(names) - 1:
        raise TypeError(f"{command.__name__} has no `where` parameter for the claim filters")
    return signature.replace(parameters=parameters)


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
