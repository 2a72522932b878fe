"""How the command line is put together: public Typer only, the library's vocabulary, one
declaration of each shared option, rows built by the library."""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterable
from pathlib import Path
from typing import Any, get_args

import pytest

import factbase.cli
from factbase.claims.filter import ClaimFilter
from factbase.cli.options import claim_filters

CLI_DIR = Path(factbase.cli.__file__).parent


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_the_cli_imports_no_private_typer_module() -> None:
    for path in sorted(CLI_DIR.glob("*.py")):
        private = {
            name
            for name in _imported_modules(path)
            if name.startswith("typer.") and any(p.startswith("_") for p in name.split("."))
        }
        assert not private, f"{path.name} imports {sorted(private)}"


# -- one vocabulary with the library -----------------------------------------------------


def _choices() -> dict[tuple[str, str], list[str]]:
    """Every option or argument offering choices: (command, its first name) -> the words."""
    import typer.main

    from factbase.cli import app

    found: dict[tuple[str, str], list[str]] = {}

    def walk(command: Any, path: str) -> None:
        for param in command.params:
            words = getattr(param.type, "choices", None)
            if words is not None:
                found[(path, (param.opts or [param.name])[0])] = [str(w) for w in words]
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def _words(values: Iterable[Any]) -> list[str]:
    return [str(value) for value in values]


def test_every_choice_is_a_vocabulary_the_library_declares() -> None:
    from factbase.claims.filter import Sort
    from factbase.cli.choices import TABLE
    from factbase.cli.review import Queue
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
        Decision,
        ExportFormat,
        LinkKind,
    )

    listing = _words((TABLE, *TABLE_FORMATS))
    expected = {
        ("list", "--sort"): _words(Sort),
        ("export claims", "--sort"): _words(Sort),
        ("export claims", "--format"): _words(ExportFormat),
        ("export conflicts", "--format"): _words(TABLE_FORMATS),
        ("export sources", "--format"): _words(TABLE_FORMATS),
        ("export outlets", "--format"): _words(TABLE_FORMATS),
        ("export all", "--format"): _words(DOCUMENT_FORMATS),
        ("link", "--as"): _words(LinkKind),
        ("conflicts resolve", "--as"): _words(Decision),
        ("xref", "--as"): _words(CLUSTER_KINDS),
        ("xref", "--accept-kind"): _words(XREF_KINDS),
        # A report's or the stats' table formats write rows; json one document.
        ("report", "--table"): list(REPORT_TABLES),
        # A correction is one record: what changed, for people or as JSON.
        **{
            (command, "--format"): [TABLE, ExportFormat.JSON]
            for command in (
                *("edit", "source edit", "entities edit", "entities merge", "seed", "import"),
                *("entity edit", "entity merge"),  # the singular alias of `entities`
            )
        },
        # Candidate claims: a table, or claim records to edit and import.
        ("extract", "--format"): [TABLE, *DOCUMENT_FORMATS],
        # The review queues are the command line's own: the library has a function for each.
        ("review", "what"): _words(Queue),
        # A claim's closed vocabularies, wherever a claim is recorded, corrected or filtered.
        **{
            (command, option): _words(words)
            for command in ("add", "edit")
            for option, words in (
                ("--status", STATUSES),
                ("--polarity", POLARITIES),
                ("--occasion", (*OCCASIONS, OCCASION_FROM_WORDING)),
            )
        },
        **{
            (command, "--status"): _words(STATUSES)
            for command in ("list", "export claims", "export all")
        },
        # How a claim's quote matched its source's text.
        **{
            (command, "--quote-status"): _words(QUOTE_MATCHES)
            for command in ("list", "export claims", "export all")
        },
        # A conflict's: its kind, and its review status or all of them.
        **{
            (command, "--kind"): _words(CONFLICT_KINDS)
            for command in ("conflicts", "export conflicts", "review")
        },
        **{
            (command, "--status"): [*CONFLICT_STATUSES, "all"]
            for command in ("conflicts", "export conflicts")
        },
    }
    listings = {key for key, words in _choices().items() if key[1] in ("--format", "-f")}
    listings -= set(expected)
    expected.update(dict.fromkeys(listings, listing))
    assert _choices() == expected
    assert ("list", "--format") in listings and ("history", "--format") in listings


def test_options_offering_a_whole_library_enum_take_that_enum() -> None:
    """Not a copy with the same words: the value a command gets is the library's member."""
    from factbase.claims.filter import Sort
    from factbase.cli import claims, conflicts, exports
    from factbase.vocabulary import Decision, ExportFormat, LinkKind

    def option_type(command: Any, name: str) -> Any:
        annotation = inspect.signature(command, eval_str=True).parameters[name].annotation
        base = get_args(annotation)[0]  # Annotated[type, typer.Option(...)]
        return next((t for t in get_args(base) if t is not type(None)), base)

    assert option_type(claims.list_claims, "sort") is Sort
    assert option_type(exports.export_claims, "sort") is Sort
    assert option_type(exports.export_claims, "fmt") is ExportFormat
    assert option_type(conflicts.link, "kind") is LinkKind
    assert option_type(conflicts.conflicts_resolve, "decision") is Decision


def test_the_cli_declares_no_enum_of_its_own_but_the_review_queues() -> None:
    declared = set()
    for path in sorted(CLI_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {ast.unparse(base) for base in node.bases}
                if any("Enum" in base for base in bases):
                    declared.add(f"{path.stem}.{node.name}")
    assert declared == {"review.Queue"}


# -- shared options, declared once ---------------------------------------------------------


def _options_of(path: str) -> dict[str, tuple[list[str], str | None]]:
    import typer.main

    from factbase.cli import app

    command: Any = typer.main.get_command(app)
    for name in path.split():
        command = command.commands[name]
    return {param.name: (param.opts, getattr(param, "help", None)) for param in command.params}


@pytest.mark.parametrize("command", ["list", "export claims", "export all"])
def test_claim_filtering_commands_take_every_claim_filter_as_declared(command: str) -> None:
    from factbase.cli.options import CLAIM_FILTERS

    options = _options_of(command)
    for name, declared in CLAIM_FILTERS.items():
        assert options[name] == (list(declared.flags or [f"--{name}"]), declared.help)


def test_report_takes_the_topic_since_until_stance_and_lang_filters() -> None:
    # `report --html` (issue #20) takes --until, --stance and --lang besides --topic and
    # --since; the other claim filters stay `list`'s.
    from factbase.cli.options import CLAIM_FILTERS

    options = _options_of("report")
    assert options["topic"][0] == ["--topic"]
    assert options["since"][0] == ["--since"]
    for name in ("until", "stance", "lang"):
        declared = CLAIM_FILTERS[name]
        assert options[name] == (list(declared.flags or [f"--{name}"]), declared.help)
    for name in set(CLAIM_FILTERS) - {"topic", "since", "until", "stance", "lang"}:
        assert name not in options


def test_the_decorated_command_gets_one_claim_filter() -> None:
    @claim_filters("topic", "lang")
    def command(*, where: ClaimFilter, rows: int = 1) -> tuple[ClaimFilter, int]:
        return where, rows

    assert list(inspect.signature(command).parameters) == ["topic", "lang", "rows"]
    assert command(topic="oil", lang="ru", rows=2) == (ClaimFilter(topic="oil", language="ru"), 2)


def test_claim_filters_needs_a_where_parameter() -> None:
    def command(rows: int = 1) -> None:
        pass

    with pytest.raises(TypeError, match="where"):
        claim_filters()(command)


def _help_literals(path: Path) -> list[str]:
    """The help texts written out in a module's `typer.Option(help=...)` calls."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("Option"):
            for keyword in node.keywords:
                if keyword.arg == "help" and isinstance(keyword.value, ast.Constant):
                    found.append(str(keyword.value.value))
    return found


# Another option worded like a shared one: `add --source/-s`, required, names a source the
# way the --source filter does.
SAME_WORDS = {("claims.py", "Source id, key or URL.")}


def test_no_cli_module_but_options_declares_a_shared_option() -> None:
    from factbase.cli import options

    shared = set(_help_literals(CLI_DIR / "options.py"))
    shared |= {declared.help for declared in options.CLAIM_FILTERS.values()}
    for path in sorted(CLI_DIR.glob("*.py")):
        if path.name != "options.py":
            copied = {
                h for h in shared & set(_help_literals(path)) if (path.name, h) not in SAME_WORDS
            }
            assert not copied, f"{path.name} declares again: {sorted(copied)}"
