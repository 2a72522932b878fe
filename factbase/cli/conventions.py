"""The conventions every command follows, applied once to the whole command tree.

Typer builds each command from its signature; what holds for all of them is said here
rather than in each signature:

- the global options (`--db`, `--user`, `--debug`) work after the subcommand too, as in
  gh and sqlite-utils: `factbase list --db other.db`;
- choices are case-insensitive: `--format CSV`, `--sort Published`;
- help names what an option takes (`--since DATE`, `--limit INTEGER`, `show ID`), where
  Typer would print `<str>` and `{ID}`.

Loaded by the quick `list`: nothing here imports SQLAlchemy or Rich.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from typer.core import TyperArgument, TyperOption

from factbase.cli import state

# The root's options a subcommand accepts as well, by parameter name.
INHERITED = ("db", "user", "debug")
INHERITED_PANEL = "Global options"

# What help calls a value of each Click type, where no metavar is given.
_METAVARS = {
    "str": "TEXT",
    "text": "TEXT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "float": "NUMBER",
    "path": "PATH",
    "filename": "FILE",
}


def apply(root: Any) -> None:
    """Give ``root`` and every command it holds the conventions above, once each."""
    for command in getattr(root, "commands", {}).values():
        adopt(root, command)
    if not getattr(root, "_factbase_conventions", False):
        for param in root.params:
            _conventional(param)
        root._factbase_conventions = True


def adopt(root: Any, command: Any) -> None:
    """Give ``command``, one of ``root``'s, and everything under it the conventions above
    (once: a command built on demand is adopted when built)."""
    if getattr(command, "_factbase_conventions", False):
        return
    inherited = [param for param in root.params if param.name in INHERITED]
    for each in (command, *_commands_under(command)):
        each.params.extend(_inherited_copy(param) for param in inherited)
        for param in each.params:
            _conventional(param)
    command._factbase_conventions = True


def _commands_under(group: Any) -> Iterator[Any]:
    for command in getattr(group, "commands", {}).values():
        yield command
        yield from _commands_under(command)


def _inherited_copy(param: Any) -> Any:
    """``param`` as a subcommand takes it: it sets the same state, from the command line
    only (the root reads the environment), and help lists it apart."""
    option = copy.copy(param)
    option.envvar = None
    option.expose_value = False
    option.callback = _set_global
    option.rich_help_panel = INHERITED_PANEL
    return option


def _set_global(ctx: Any, param: Any, value: Any) -> None:
    if value not in (None, False):  # given after the subcommand: it wins
        state.override(**{param.name: value})


def _conventional(param: Any) -> None:
    if hasattr(param.type, "case_sensitive"):
        param.type.case_sensitive = False
    word = _METAVARS.get(param.type.name)
    if isinstance(param, TyperArgument) and not isinstance(param, _Argument):
        param.__class__ = _Argument
        param.metavar = param.metavar or (param.name or "value").upper()
        if word:  # help's second column: what the argument is
            param.type = _named_type(param.type, word)
    elif isinstance(param, TyperOption) and word and not param.metavar and not param.is_flag:
        param.type = _named_type(param.type, word)


def _named_type(kind: Any, word: str) -> Any:
    """``kind``, converting as before, that help shows as ``word``."""
    named = copy.copy(kind)
    methods = {"metavar": word, "get_metavar": _type_metavar}
    named.__class__ = type(f"Named{type(kind).__name__}", (type(kind),), methods)
    return named


def _type_metavar(self: Any, param: Any, ctx: Any) -> str:
    return str(self.metavar)


class _Argument(TyperArgument):
    """An argument shown as its name in capitals (`show ID`, `import FILES...`), in
    brackets when optional, where Typer writes `{ID}`."""

    def make_metavar(self, ctx: Any, *, usage: bool = False) -> str:
        word = str(self.metavar) + ("..." if self.nargs != 1 else "")
        return f"[{word}]" if usage and not self.required else word
