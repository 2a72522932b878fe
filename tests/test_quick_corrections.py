"""`verdict` and `retract` written without SQLAlchemy write what the library writes, or decline.

:mod:`factbase.analysis.quick_corrections` is a shortcut for the SQLite file. For any
verdict or retraction it must either write exactly the rows
:func:`factbase.analysis.verdicts.record_verdict` and
:func:`factbase.analysis.corrections.retract_claim` write (the verdict and its evidence,
the superseded one, the claim's retraction, its conflicts withdrawn or flagged stale, the
search indexes the triggers keep, the audit entry) and report the same, or write nothing
and return None, so the library acts or words its refusal. These tests run the same
decision both ways on two copies of one database, curated and drawn by Hypothesis, and
compare every table row by row; and they check that a whole `verdict` or `retract`
process then never imports SQLAlchemy.

The moments written (a verdict's, a retraction's, an entry's, a row's update) are read
from the clock by each writer, so they differ by the time between the two writes: they
are compared by their shape, each digit as 9 (which tells a missing moment, a naive one
from one with its offset, a timestamp without its microseconds), and by whether they were
written by the decision under test or before it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, copies, file_bytes, last_actor, run_importing, written_tables
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbase.analysis.corrections import retract_claim
from factbase.analysis.quick_corrections import retract_quickly, verdict_quickly
from factbase.analysis.verdicts import record_verdict
from factbase.catalog.settings import set_setting
from factbase.errors import FactbaseError
from factbase.store.database import Database
from factbase.store.quick_sqlite import timestamp

ROOT = Path(__file__).resolve().parent.parent

# In the seed: claim 64 has open polarity conflicts 14 (with 23), 15 (with 27) and 16
# (with 86) and a declared one, 11 (with 24); claim 119 only declared ones.
DECIDED, STALE_ALREADY, RETRACTED, MERGED, RATED = 14, 16, 10, 31, 20


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed with what the shortcut must also meet: decided conflicts (one flagged
    stale already), a retracted claim, a merged one and a claim with a verdict."""
    path = tmp_path_factory.mktemp("quickcorrections") / "prepared.db"
    cli = Cli(str(path))
    cli.ok("seed")
    cli.ok("conflicts", "resolve", str(DECIDED), "--as", "confirmed", "--note", "checked")
    cli.ok("conflicts", "resolve", str(STALE_ALREADY), "--as", "dismissed", "--note", "no")
    database = Database.open(str(path))
    try:
        with database.session(write=True) as session:
            retract_claim(session, RETRACTED, "prepared")
            record_verdict(session, RATED, "mixed", "prepared", by="prepared")
    finally:
        database.close()
    cli.ok("merge", "30", str(MERGED), "--force", "--why", "prepared")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE conflict SET stale = 1 WHERE id = ?", (STALE_ALREADY,))
    connection.close()
    return path


def by_library(path: Path, act: Callable[[Any], Any]) -> Any:
    database = Database.open(str(path))
    try:
        with database.session(write=True) as session:
            return act(session)
    except FactbaseError as refused:
        return refused
    finally:
        database.close()


def assert_same_outcome(
    library: Path,
    quick: Path,
    by_quick: Callable[[], Any],
    library_act: Callable[[Any], Any],
    reported: Callable[[Any], Any],
) -> bool:
    """Whether the shortcut took it; either way, the two databases end alike."""
    before = file_bytes(quick)
    since = timestamp(datetime.now(UTC))
    done = by_quick()
    refused_or_done = by_library(library, library_act)
    if done is None:
        # Declined: nothing written, and the library refuses with its own words.
        assert file_bytes(quick) == before
        assert isinstance(refused_or_done, FactbaseError), refused_or_done
        return False
    assert not isinstance(refused_or_done, FactbaseError), refused_or_done
    assert done == reported(refused_or_done)
    assert written_tables(quick, since) == written_tables(library, since)
    return True


# -- verdicts ------------------------------------------------------------------------------


def assert_same_verdict(
    prepared: Path,
    folder: Path,
    ref: str,
    rating: str,
    note: str,
    evidence: tuple[str, ...] = (),
    by: str | None = None,
    scale: str | None = None,
) -> bool:
    library, quick = copies(prepared, folder)
    if scale is not None:
        for path in (library, quick):
            by_library(path, lambda session: set_setting(session, "rating.scale", scale))
    return assert_same_outcome(
        library,
        quick,
        lambda: verdict_quickly(str(quick), ref, rating, note, evidence=evidence, by=by),
        lambda session: _verdict_reported(
            record_verdict(session, ref, rating, note, evidence=evidence, by=by)
        ),
        lambda reported: reported,
    )


def _verdict_reported(verdict: Any) -> Any:
    from factbase.analysis.quick_corrections import QuickVerdict

    return QuickVerdict(verdict.id, verdict.claim_id, verdict.rating, verdict.reviewer)


VERDICTS: dict[str, dict[str, Any]] = {
    "a plain verdict": {"ref": "5", "rating": "false", "note": "The figures say otherwise"},
    "by key, with evidence": {
        "ref": "bg-rapprochement-west",
        "rating": " Mostly-True ",
        "note": "  see   the sources ",
        "evidence": ("7", "https://Example.com/a b", "hm-ru-western-companies-pressure"),
        "by": "  Анна  ",
    },
    "a new verdict superseding one": {"ref": str(RATED), "rating": "true", "note": "newer"},
    "off the scale": {"ref": "5", "rating": "unproven", "note": "cannot tell"},
    "a rating not on the scale": {"ref": "5", "rating": "pants-on-fire", "note": "x"},
    "no reason": {"ref": "5", "rating": "false", "note": "   "},
    "no such claim": {"ref": "99999", "rating": "false", "note": "x"},
    "no such key": {"ref": "no-such-claim", "rating": "false", "note": "x"},
    "a retracted claim": {"ref": str(RETRACTED), "rating": "false", "note": "x"},
    "a merged claim": {"ref": str(MERGED), "rating": "false", "note": "x"},
    "itself as evidence": {"ref": "5", "rating": "false", "note": "x", "evidence": ("5",)},
    "evidence no one recorded": {
        "ref": "5",
        "rating": "false",
        "note": "x",
        "evidence": ("no-such-claim",),
    },
    "evidence that is no URL": {
        "ref": "5",
        "rating": "false",
        "note": "x",
        "evidence": ("ftp://example.com/x",),
    },
    "a NUL character": {"ref": "5", "rating": "false", "note": "a\x00b"},
    "a reviewer's name too long": {"ref": "5", "rating": "false", "note": "x", "by": "Я" * 150},
}


@pytest.mark.parametrize("case", VERDICTS.values(), ids=VERDICTS.keys())
def test_a_curated_verdict_is_recorded_as_the_library_records_it_or_declined(
    prepared: Path, tmp_path: Path, case: dict[str, Any]
) -> None:
    assert_same_verdict(prepared, tmp_path, **case)


def test_a_verdict_on_the_database_s_own_scale(prepared: Path, tmp_path: Path) -> None:
    scale = "right=2, half=1, wrong=0, unknown"
    assert assert_same_verdict(prepared, tmp_path / "a", "5", "half", "so so", scale=scale)
    assert not assert_same_verdict(prepared, tmp_path / "b", "5", "false", "x", scale=scale)


def test_the_usual_verdicts_reach_the_quick_writer(prepared: Path, tmp_path: Path) -> None:
    """The shortcut must take the usual verdicts itself, or the equivalence proves little."""
    for name in ("a plain verdict", "by key, with evidence", "a new verdict superseding one"):
        assert assert_same_verdict(prepared, tmp_path / name, **VERDICTS[name]), name


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ref=st.sampled_from(["1", "5", str(RATED), str(RETRACTED), "30", "64", "claim-5", "0", "x"]),
    rating=st.sampled_from(["true", "FALSE", "mixed", "unproven", "nope", ""]),
    note=st.sampled_from(["why", "  два  слова ", "", "\x00"]),
    evidence=st.lists(
        st.sampled_from(["5", "7", "64", "https://example.com/x", "http://", "nope"]),
        max_size=3,
    ),
    by=st.sampled_from([None, "", "Анна", " x "]),
)
def test_any_verdict_is_recorded_as_the_library_records_it_or_declined(
    prepared: Path,
    tmp_path_factory: pytest.TempPathFactory,
    ref: str,
    rating: str,
    note: str,
    evidence: list[str],
    by: str | None,
) -> None:
    folder = tmp_path_factory.mktemp("verdict")
    assert_same_verdict(prepared, folder, ref, rating, note, tuple(evidence), by)


# -- retractions ---------------------------------------------------------------------------


def assert_same_retraction(prepared: Path, folder: Path, ref: str, note: str) -> bool:
    from factbase.analysis.quick_corrections import QuickRetraction

    library, quick = copies(prepared, folder)
    return assert_same_outcome(
        library,
        quick,
        lambda: retract_quickly(str(quick), ref, note),
        lambda session: retract_claim(session, ref, note),
        lambda claim: QuickRetraction(claim.id, claim.key),
    )


RETRACTIONS = {
    "open, decided, stale and declared conflicts": ("64", "a misreading"),
    "only declared conflicts": ("119", "misquoted"),
    "no conflicts, by key": ("bg-rapprochement-west", "  withdrawn   by the outlet "),
    "a keyless claim by its made-up key": ("claim-5", "x"),
    "a claim with a verdict": (str(RATED), "x"),
    "already retracted": (str(RETRACTED), "again"),
    "a merged claim": (str(MERGED), "x"),
    "no reason": ("64", " "),
    "no such claim": ("99999", "x"),
    "a NUL character": ("64", "a\x00b"),
}


@pytest.mark.parametrize("case", RETRACTIONS.values(), ids=RETRACTIONS.keys())
def test_a_curated_retraction_is_made_as_the_library_makes_it_or_declined(
    prepared: Path, tmp_path: Path, case: tuple[str, str]
) -> None:
    assert_same_retraction(prepared, tmp_path, *case)


def test_the_usual_retractions_reach_the_quick_writer(prepared: Path, tmp_path: Path) -> None:
    for number, name in enumerate(
        ("open, decided, stale and declared conflicts", "no conflicts, by key")
    ):
        assert assert_same_retraction(prepared, tmp_path / str(number), *RETRACTIONS[name])
    # The conflicts of claim 64 as the retraction left them: open ones withdrawn, decided
    # ones flagged stale, the declared one untouched.
    with sqlite3.connect(tmp_path / "0" / "quick.db") as connection:
        left = connection.execute(
            "SELECT id, status, stale FROM conflict WHERE 64 IN (claim_a_id, claim_b_id) "
            "ORDER BY id"
        ).fetchall()
    connection.close()
    assert left == [(11, "open", 0), (DECIDED, "confirmed", 1), (STALE_ALREADY, "dismissed", 1)]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ref=st.sampled_from(["1", "23", "29", "64", "119", str(RATED), str(RETRACTED), "30", "zz"]),
    note=st.sampled_from(["why", "  два  слова ", "", "\x00"]),
)
def test_any_retraction_is_made_as_the_library_makes_it_or_declined(
    prepared: Path, tmp_path_factory: pytest.TempPathFactory, ref: str, note: str
) -> None:
    assert_same_retraction(prepared, tmp_path_factory.mktemp("retract"), ref, note)


# -- files the library must prepare, and whole processes -----------------------------------


def test_they_decline_a_file_the_library_must_prepare(prepared: Path, tmp_path: Path) -> None:
    _, quick = copies(prepared, tmp_path)
    with sqlite3.connect(quick) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    before = file_bytes(quick)
    assert verdict_quickly(str(quick), "5", "false", "x") is None
    assert retract_quickly(str(quick), "5", "x") is None
    assert file_bytes(quick) == before
    missing = tmp_path / "missing.db"
    assert verdict_quickly(str(missing), "5", "false", "x") is None
    assert retract_quickly(str(missing), "5", "x") is None
    assert not missing.exists()


def test_they_leave_a_locked_file_to_the_library(prepared: Path, tmp_path: Path) -> None:
    _, quick = copies(prepared, tmp_path)
    holder = sqlite3.connect(quick, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        assert verdict_quickly(str(quick), "5", "false", "x") is None
        assert retract_quickly(str(quick), "5", "x") is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()


PROCESSES = {
    "verdict": (["verdict", "5", "--rating", "false", "--note", "why"], "claim 5: false"),
    "retract": (["retract", "64", "--note", "why"], "retracted claim 64"),
}


@pytest.mark.parametrize("command", PROCESSES.values(), ids=PROCESSES.keys())
def test_a_process_never_imports_sqlalchemy(
    prepared: Path, tmp_path: Path, command: tuple[list[str], str]
) -> None:
    arguments, said = command
    _, quick = copies(prepared, tmp_path)
    done = run_importing(quick, "--user", "Анна", *arguments)
    assert done.returncode == 0, done.stderr
    assert said in done.stdout + done.stderr
    assert "factbase.analysis.quick_corrections" in done.imported
    assert not [name for name in done.imported if name.startswith("sqlalchemy")]
    assert last_actor(quick) == "Анна"
