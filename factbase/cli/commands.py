"""Where each top-level command lives, and what `factbase --help` says of it.

A `factbase` process imports the module of the command it runs and nothing else: the
listing of `factbase --help` comes from the table below, not from the modules (importing
and building all of them took ~0.1 s of a `--help` run). The table lists the commands in
the order the whole command line (``factbase.cli.app``) lists them, each with the first
paragraph of its help; `tests/cli/test_lazy_commands.py` holds it to that, so a new
top-level command (or a changed first paragraph) is written here too.

Loaded by every process: nothing here imports SQLAlchemy or Rich.
"""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import typer
import typer.main
from typer.core import TyperCommand


class Listed(NamedTuple):
    """A top-level command as `factbase --help` lists it."""

    module: str  # factbase.cli.<module> registers it
    summary: str  # the first paragraph of its help, as written
    hidden: bool = False


COMMANDS: dict[str, Listed] = {
    "add": Listed(
        "claims", "Record a claim from a source, or with --from-file each claim of a file."
    ),
    "show": Listed("claims", "Show one claim with its source, outlet, stance and every field."),
    "list": Listed("claims", "List claims; filters combine. Retracted claims are left out."),
    "edit": Listed(
        "edits",
        'Correct a claim: only the fields given change. An empty value ("") clears a field.',
    ),
    "history": Listed(
        "edits",
        "The audit log: who changed or decided what, when and why, field by field; newest\nfirst.",
    ),
    "retract": Listed(
        "corrections",
        "Retract a claim: kept, shown struck through by `show`, left out of listings,\n"
        "conflicts, xref, corroboration, exports and reports (`unretract` undoes it).",
    ),
    "unretract": Listed(
        "corrections", "Undo a retraction: the claim is listed and checked for conflicts again."
    ),
    "delete": Listed(
        "corrections",
        "Delete a claim recorded by mistake; `factbase restore AUDIT_ID` puts it back.",
    ),
    "restore": Listed(
        "corrections", "Put back a deleted claim, with its id, key, topics, links and conflicts."
    ),
    "duplicates": Listed(
        "corrections",
        "Claims recorded twice: of one source, with the same statement or quote (case,\n"
        "ё/е, whitespace, quote marks and dashes aside). Merge them with `factbase merge`.",
    ),
    "merge": Listed(
        "corrections",
        "Merge a duplicate into the claim kept: its links, conflicts (with decisions),\n"
        "topics and audit entries move over; its id and key lead to the kept claim.",
    ),
    "import": Listed(
        "imports",
        "Import entities, topics, outlets, sources, claims and links; all or nothing.",
    ),
    "seed": Listed(
        "imports",
        "Load the bundled dataset: claims from five articles on Kazakhstan's foreign policy.",
    ),
    "link": Listed("conflicts", "Link two claims. `contradicts` records a declared conflict."),
    "unlink": Listed("conflicts", "Remove the link between two claims."),
    "verdict": Listed(
        "verdicts",
        "Give a claim a verdict; a new one replaces the claim's verdict, which stays in its\n"
        "history (`factbase verdicts --claim ID --history`).",
    ),
    "verdicts": Listed(
        "verdicts",
        "List verdicts, newest first (the current one of each claim unless --history).",
    ),
    "review": Listed(
        "review",
        "Walk the open conflicts (or suggested matches) one at a time, most pressing first.",
    ),
    "extract": Listed("extract", "Propose candidate claims from a source's article text, offline."),
    "report": Listed(
        "exports",
        "A summary: claims per topic, stance and language; conflicts; contested facts; outlets.",
    ),
    "stats": Listed("exports", "Counts of everything, and where the database lives."),
    "outlet": Listed("outlets", "Record and list outlets (publishers) and their stances."),
    "stance": Listed("outlets", "List and add stance labels."),
    "source": Listed("sources", "Record, list and show sources (articles and documents)."),
    "conflicts": Listed("conflicts", "List, show, scan and resolve conflicts between claims."),
    "config": Listed(
        "verdicts",
        "The database's settings: the organisation publishing verdicts, the rating scale.",
    ),
    "xref": Listed(
        "xref", "Suggest links between claims that say the same thing; accept or reject them."
    ),
    "export": Listed(
        "exports",
        "Write claims, conflicts, sources or outlets as CSV, TSV, Markdown, JSON or JSON Lines.",
    ),
    "topics": Listed(
        "topics",
        "The topic vocabulary: list it (a tree), add, edit, merge topics, change keywords; "
        "suggest topics for claims without any, accept or drop a suggestion.",
    ),
    "entities": Listed("catalog", "List entities with their aliases, or add one."),
    "entity": Listed("catalog", "List entities with their aliases, or add one.", hidden=True),
    "db": Listed("database", "Show and manage the database and its schema."),
}

# `edits` adds its subcommands to groups of other modules (`source edit`, `entities edit`,
# `entities merge`): those groups are complete only once it has registered.
_REGISTERS_FIRST = {"sources": ("edits",), "catalog": ("edits",)}

# Each module's commands, registered once per process: registering adds to module-level
# Typer groups, so a second registration would add the same subcommands again.
_registered: dict[str, typer.Typer] = {}


def _commands_of(module: str) -> typer.Typer:
    """A Typer holding ``module``'s top-level commands, registered once per process."""
    if module not in _registered:
        for first in _REGISTERS_FIRST.get(module, ()):
            _commands_of(first)
        holder = typer.Typer()
        importlib.import_module(f"factbase.cli.{module}").register(holder)
        _registered[module] = holder
    return _registered[module]


def build(name: str, *, rich_markup_mode: Any, suggest_commands: bool) -> Any:
    """The Click command ``name`` as the whole command line builds it, built anew (each
    root gives its commands its conventions), or None for a name no module registers."""
    listed = COMMANDS.get(name)
    if listed is None:
        return None
    holder = _commands_of(listed.module)
    for info in holder.registered_commands:
        if (info.name or typer.main.get_command_name(info.callback.__name__)) == name:  # type: ignore[union-attr]
            return typer.main.get_command_from_info(
                info,
                pretty_exceptions_short=holder.pretty_exceptions_short,
                rich_markup_mode=rich_markup_mode,
            )
    for group in holder.registered_groups:
        if group.name == name:
            return typer.main.get_group_from_info(
                group,
                pretty_exceptions_short=holder.pretty_exceptions_short,
                rich_markup_mode=rich_markup_mode,
                suggest_commands=suggest_commands,
            )
    return None


def placeholder(name: str) -> Any:
    """A stand-in for ``name`` that lists it in `factbase --help` without loading it."""
    listed = COMMANDS[name]
    return TyperCommand(name=name, help=listed.summary, hidden=listed.hidden)
