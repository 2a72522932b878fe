"""The cyclic collector is paused for bulk work and put back as it was, errors or not."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from factbase.store.memory import collector_paused

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _restore_gc() -> Iterator[None]:
    was_enabled = gc.isenabled()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after() -> None:
    gc.enable()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_it_back_on() -> None:
    gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("bad record")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_restore_only_at_the_outermost() -> None:
    gc.enable()
    with collector_paused():
        with collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.parametrize("work", ["scan", "import", "xref", "report"])
def test_bulk_work_runs_with_the_collector_paused(
    work: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each bulk entry point pauses it: seen from inside the work itself."""
    from helpers import Cli

    import factbase.analysis.conflicts
    import factbase.analysis.reports
    import factbase.analysis.xref
    import factbase.interchange.importer

    seen: list[bool] = []
    targets = {
        "scan": (factbase.analysis.conflicts, "_scan_block"),
        "import": (factbase.interchange.importer, "ClaimIntake"),
        "xref": (factbase.analysis.xref, "read_columns"),
        "report": (factbase.analysis.reports, "_claims_by_topic"),
    }
    module, name = targets[work]
    original = getattr(module, name)

    def watched(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, watched)
    cli = Cli(str(tmp_path) + "/paused.db")  # type: ignore[operator]
    cli.ok("seed")
    command = {"scan": ["conflicts", "scan"], "import": [], "xref": ["xref"], "report": ["report"]}
    if command[work]:
        cli.ok(*command[work])
    assert seen and not any(seen)
    assert gc.isenabled()
