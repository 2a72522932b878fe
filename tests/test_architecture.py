"""The package's rooms and the arrows between them: every import points down, and none goes round.

Read from the source with :mod:`ast`, so an import inside a function counts as much as one
at the top of a module: a cycle broken by a late import is still a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "factbase"

# Lowest first: a module may import from its own room and from the rooms before it.
LAYERS = ("base", "text", "store", "catalog", "claims", "analysis", "interchange", "cli")
# Modules at the package root and the room they stand in.
ROOT_MODULES = {"errors": "base", "vocabulary": "base", "moved": "base", "__main__": "cli"}
# Modules that must load without SQLAlchemy: `list` and `show` answer before it is imported,
# and `add` records a claim.
WITHOUT_SQLALCHEMY = (
    "factbase.text",
    "factbase.errors",
    "factbase.vocabulary",
    "factbase.moved",
    "factbase.catalog.topic_tree",
    "factbase.claims.fastread",
    "factbase.claims.filter",
    "factbase.claims.display",
    "factbase.store.location",
    "factbase.store.columns",
    "factbase.claims.fields",
    "factbase.catalog.source_fields",
    "factbase.catalog.names",
    "factbase.claims.values",
    "factbase.analysis.conflict_rules",
    "factbase.analysis.quick_add",
    "factbase.analysis.quick_corrections",
    "factbase.analysis.quick_edit",
    "factbase.analysis.edit_rules",
    "factbase.catalog.audit_entries",
    "factbase.catalog.rating_scale",
    "factbase.store.quick_sqlite",
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, ast.Module]:
    """Every module of the package, parsed once for the whole file."""
    return {
        module_name(path): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def imported(name: str, tree: ast.Module, known: Collection[str] = ()) -> Iterator[tuple[str, int]]:
    """(module imported, line) for every import in the module, at any depth.

    ``from package import module`` counts as importing that module (named in ``known``),
    not the package: the package's __init__ runs for any of its modules anyway.
    """
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module
            if node.level:  # relative: resolve against this module's package
                package = name.split(".")[: -node.level or None]
                base = ".".join([*package, node.module])
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            named = [module for module in submodules if module in known]
            if len(named) < len(submodules):
                yield base, node.lineno
            for module in named:
                yield module, node.lineno


def room(module: str) -> str | None:
    """The layer a factbase module stands in; None for the package root itself."""
    parts = module.split(".")
    if parts[0] != "factbase" or len(parts) == 1:
        return None
    return ROOT_MODULES.get(parts[1], parts[1])


@cache
def internal_edges() -> dict[str, set[str]]:
    """module -> the factbase modules it imports (package root excluded: it only maps names)."""
    found = modules()
    edges: dict[str, set[str]] = {name: set() for name in found}
    for name, tree in found.items():
        if name == "factbase":
            continue
        for target, _ in imported(name, tree, found):
            if target in found and target not in ("factbase", name):
                edges[name].add(target)
    return edges


def test_every_room_is_a_known_layer() -> None:
    rooms = {room(name) for name in modules()} - {None}
    assert rooms <= set(LAYERS), rooms - set(LAYERS)


def test_every_import_points_down() -> None:
    upward = []
    for name, targets in internal_edges().items():
        own = room(name)
        if own is None:
            continue
        for target in targets:
            other = room(target)
            if other is not None and LAYERS.index(other) > LAYERS.index(own):
                upward.append(f"{name} ({own}) imports {target} ({other})")
    assert not upward, "\n".join(sorted(upward))


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as the modules on it, or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def test_no_module_imports_itself_round_a_cycle() -> None:
    cycle = find_cycle(internal_edges())
    assert cycle is None, " -> ".join(cycle or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a"}}) is None


@pytest.mark.parametrize("prefix", WITHOUT_SQLALCHEMY)
def test_modules_on_the_quick_path_never_import_sqlalchemy(prefix: str) -> None:
    for name, tree in modules().items():
        if name == prefix or name.startswith(prefix + "."):
            heavy = [
                f"{name}:{line} imports {target}"
                for target, line in imported(name, tree)
                if target.split(".")[0] in ("sqlalchemy", "alembic")
            ]
            assert not heavy, heavy


def test_text_knows_nothing_of_the_database_or_the_domain() -> None:
    for name, targets in internal_edges().items():
        if room(name) == "text":
            assert {room(t) for t in targets} <= {"base", "text"}, (name, targets)


def test_the_library_imports_factbase_modules_at_the_top() -> None:
    """Inside a function, a library module imports only what start-up time asks it to defer:
    third-party packages (dateparser, lingua, alembic); never another factbase module."""
    late = []
    for name, tree in modules().items():
        if room(name) in (None, "cli") or name == "factbase":
            continue
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("factbase"):
                    late.append(f"{name}:{node.lineno} imports {node.module}")
    assert not late, "\n".join(late)


def test_no_private_name_is_imported_from_another_module() -> None:
    private = []
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("factbase"):
                private += [
                    f"{name}:{node.lineno} imports {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_") and not alias.name.startswith("__")
                ]
    assert not private, "\n".join(private)


def test_every_late_import_says_why() -> None:
    """An import inside a function is there for start-up time; the comment above its block
    (or on its line) says so, so nobody moves it to the top, or adds one without a reason."""
    silent = []
    for path in sorted(PACKAGE.rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        tree = ast.parse("\n".join(lines))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in function.body:
                if not isinstance(node, ast.Import | ast.ImportFrom):
                    continue
                above = node.lineno - 2  # index of the line before the import
                while above >= 0 and lines[above].lstrip().startswith(("from ", "import ")):
                    above -= 1
                explained = "#" in lines[node.lineno - 1] or (
                    above >= 0 and lines[above].lstrip().startswith("#")
                )
                if not explained:
                    silent.append(f"{module_name(path)}:{node.lineno}")
    assert not silent, "late imports without a comment:\n" + "\n".join(silent)
