"""The `factbase` command: parses arguments, calls the library, renders.

This package is the only place that knows about Typer and Rich. Its one error
boundary, :class:`FactbaseGroup`, turns every expected failure into one line on
stderr and an exit code: 1 for errors, 2 for usage, 75 when the database is busy, 130
for Ctrl-C (:func:`interrupted`).

Late imports: the library, SQLAlchemy and Rich are imported inside the commands that
use them, so `factbase --help` and the `list`/`show` shortcut start without them (README,
Performance). Each such import carries a comment pointing here, and a test holds that.
A `factbase` process loads only the module of the command it runs
(:mod:`factbase.cli.commands`); ``app``, the whole command line, is for tests and
programs that embed it.
"""

from __future__ import annotations

import errno
import importlib
import signal
import sys
from collections.abc import Sequence
from contextlib import suppress
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from factbase import __version__
from factbase.cli import commands, state


class FactbaseGroup(TyperGroup):
    """Runs a command and maps every failure to one stderr line and an exit code.

    A command it does not hold yet is built when first asked for, from the module
    :data:`factbase.cli.commands.COMMANDS` names; its own help lists the commands it
    has not built from that table."""

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [
            *commands.COMMANDS,
            *(name for name in self.commands if name not in commands.COMMANDS),
        ]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is not None or cmd_name not in commands.COMMANDS:
            return command
        if self._listing:
            return commands.placeholder(cmd_name)
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.cli import conventions

        command = commands.build(
            cmd_name, rich_markup_mode=self.rich_markup_mode, suggest_commands=self.suggest_commands
        )
        conventions.adopt(self, command)
        self.commands[cmd_name] = command
        return command

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if not args or args[0] in commands.COMMANDS or args[0] in self.commands:
            return super().resolve_command(ctx, args)
        # No such command: Typer suggests a near name from the commands held, so for
        # that answer the group holds them all.
        held = self.commands
        self.commands = {name: commands.placeholder(name) for name in commands.COMMANDS}
        self.commands.update(held)
        try:
            return super().resolve_command(ctx, args)
        finally:
            self.commands = held

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        from factbase.cli import conventions

        conventions.apply(self)
        code = _run(self, args, prog_name or "factbase", complete_var, extra)
        if code:
            with suppress(KeyboardInterrupt):  # the line for the failure is out already
                state.discard_failed()
        if standalone_mode:
            sys.exit(code)
        return code

    def invoke(self, ctx: Any) -> Any:
        # Typer would turn Ctrl-C into a silent exit 130: it is said here instead.
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            raise _Interrupted from None


class _Interrupted(Exception):
    """Ctrl-C (KeyboardInterrupt) while a command ran, on its way to the error boundary."""


def _fail(message: str, code: int) -> int:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.cli.render import error

    error(message)
    return code


def _run(
    group: TyperGroup,
    args: Sequence[str] | None,
    prog: str,
    complete_var: str | None,
    extra: dict[str, Any],
) -> int:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.errors import FactbaseError

    try:
        result = TyperGroup.main(group, args, prog, complete_var, standalone_mode=False, **extra)
        return result if isinstance(result, int) else 0
    except typer.TyperException as exc:  # every Click error, as Typer exports them
        return _click_error(exc)
    except typer.Abort:
        return _fail("aborted", 1)
    except FactbaseError as exc:
        if _after_interrupt(exc):
            return interrupted()
        if state.debug:
            raise
        return _fail(exc.message, exc.exit_code)
    except (KeyboardInterrupt, _Interrupted):
        return interrupted()
    except BrokenPipeError:
        return 1
    except OSError as exc:  # a file system's answer: name the path, not a traceback
        if state.debug:
            raise
        return _fail(_file_error(exc), 1)
    except Exception as exc:
        if _after_interrupt(exc):  # cleanup that failed because Ctrl-C cut a statement short
            return interrupted()
        if state.debug:
            raise
        return _fail(f"internal error: {type(exc).__name__}: {_safe(exc)} (rerun with --debug)", 1)


INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report it


def interrupted() -> int:
    """Ctrl-C: one line saying what the command had committed (every write is one
    transaction, rolled back unless it was committed), never a traceback."""
    committed = state.committed()
    if not committed:
        said = "nothing was written"
    elif committed == 1:
        said = "what it had committed stays (1 transaction); nothing else was written"
    else:
        said = f"what it had committed stays ({committed} transactions); nothing else was written"
    if _whole_process:  # a second Ctrl-C must not cut this line, or the exit, short
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    print(f"factbase: interrupted; {said}", file=sys.stderr)
    return INTERRUPTED_EXIT


def _after_interrupt(exc: BaseException) -> bool:
    """Whether ``exc`` was raised while handling a Ctrl-C."""
    seen: set[int] = set()
    cause = exc.__context__
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt | _Interrupted):
            return True
        seen.add(id(cause))
        cause = cause.__context__
    return False


def _click_error(exc: typer.TyperException) -> int:
    """The exit code of an error Click raised, its message printed as factbase prints errors.

    Typer vendors Click (since 0.26) and exports only some of its exception classes, so
    they are told apart as Typer tells them apart: by class name and attributes.
    """
    if type(exc).__name__ == "NoArgsIsHelpError":
        # The help is the answer; Rich has printed it already, plain Click returns it.
        if exc.format_message().strip():
            print(exc.format_message())
        return 2
    if hasattr(exc, "ctx"):  # a usage error: it names the command it was made for
        ctx = exc.ctx
        hint = f" (see '{ctx.command_path} --help')" if ctx else ""
        return _fail(f"{exc.format_message()}{hint}", 2)
    return _fail(exc.format_message(), exc.exit_code)


def _file_error(exc: OSError) -> str:
    """One plain line for a failed read or write of a file, naming it."""
    where = f" at {exc.filename}" if exc.filename else ""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full{where}; nothing was written"
    if exc.errno == errno.EROFS:
        return f"read-only file system{where}; nothing was written"
    reason = exc.strerror or type(exc).__name__
    return f"{exc.filename}: {reason}" if exc.filename else f"{reason} ({type(exc).__name__})"


def _safe(exc: BaseException) -> str:
    """The first line of an unexpected error, with any database password hidden."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return state.redact(text)


def _new_app() -> typer.Typer:
    """The `factbase` group with its global options, before any command is added."""
    group = typer.Typer(
        cls=FactbaseGroup,
        name="factbase",
        help="Track claims across outlets and languages: provenance, cross-references, conflicts.",
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    group.callback()(_global_options)
    return group


def _version(value: bool) -> None:
    if value:
        typer.echo(f"factbase {__version__}")
        raise typer.Exit()


def _global_options(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            envvar="FACTBASE_DB",
            metavar="PATH_OR_URL",
            help="Database file or SQLAlchemy URL (default: a file in your data directory).",
            show_envvar=True,
        ),
    ] = None,
    user: Annotated[
        str | None,
        typer.Option(
            "--user",
            metavar="NAME",
            help="Who is making changes, for the audit log (default: $FACTBASE_USER, "
            "else your login name).",
        ),
    ] = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show the full traceback on errors.")
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """factbase turns articles into discrete claims tied to their source, outlet, stance,
    language and verbatim quote, so they can be cross-referenced and checked."""
    state.reset(db=db, debug=debug, user=user)


# Every module of commands, in the order `factbase --help` lists them.
COMMAND_MODULES = (
    "claims",
    "edits",
    "corrections",
    "outlets",
    "sources",
    "imports",
    "conflicts",
    "verdicts",
    "xref",
    "review",
    "extract",
    "exports",
    "topics",
    "catalog",
    "database",
)


def _with_commands(group: typer.Typer, modules: Sequence[str] = COMMAND_MODULES) -> typer.Typer:
    for name in modules:
        importlib.import_module(f"factbase.cli.{name}").register(group)
    return group


def __getattr__(name: str) -> Any:
    """``app``, the whole command line, built when first asked for (tests, embedding)."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    app = _with_commands(_new_app())
    globals()["app"] = app
    return app


# True when this process is the `factbase` command (main), not a test or a program that
# embeds the command line: only then is Ctrl-C ignored once the command has been stopped.
_whole_process = False


def main() -> None:
    # Late import, for start-up time: see the module docstring of factbase.cli.
    from factbase.store.interrupts import remember_interrupts

    globals()["_whole_process"] = True
    remember_interrupts()
    _new_app()()
