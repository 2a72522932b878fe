"""How the command line is put together: public Typer only, the library's vocabulary, one
declaration of each shared option, rows built by the library."""

from __future__ import annotations

import ast
from pathlib import Path

import factbase.cli

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
