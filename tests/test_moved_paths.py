"""Import paths from before the role packages keep working, with a warning naming the new one."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from factbase.moved import MOVED_MODULES


@pytest.mark.parametrize(("old", "new"), sorted(MOVED_MODULES.items()))
def test_an_old_module_path_is_the_new_module_with_a_warning(old: str, new: str) -> None:
    sys.modules.pop(old, None)
    with pytest.warns(DeprecationWarning, match=f"{old} moved to {new}"):
        module = importlib.import_module(old)
    assert module is importlib.import_module(new)
    sys.modules.pop(old, None)


@pytest.mark.parametrize(
    ("package", "name", "new"),
    [
        ("factbase.claims", "find_claims", "factbase.claims.query"),
        ("factbase.claims", "ClaimInput", "factbase.claims.recording"),
        ("factbase.claims", "CLAIM_COLUMNS", "factbase.claims.record"),
        ("factbase.claims", "ClaimFilter", "factbase.claims.filter"),
        ("factbase.interchange", "interchange_records", "factbase.interchange.dump"),
    ],
)
def test_a_name_of_a_module_that_became_a_package_still_resolves(
    package: str, name: str, new: str
) -> None:
    with pytest.warns(DeprecationWarning, match=f"moved to {new}.{name}"):
        found = getattr(importlib.import_module(package), name)
    assert found is getattr(importlib.import_module(new), name)


def test_a_name_that_never_was_there_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        _ = importlib.import_module("factbase.claims").nothing


def test_the_old_library_example_still_runs_and_warns() -> None:
    code = (
        "import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
        "try:\n"
        "    from factbase.claims import find_claims\n"
        "except DeprecationWarning as warning:\n"
        "    print(warning)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "factbase.claims.find_claims moved to factbase.claims.query.find_claims" in done.stdout
