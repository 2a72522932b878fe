"""`edit` of a claim written without SQLAlchemy writes what the library writes, or declines.

:mod:`factbase.analysis.quick_edit` is a shortcut for the SQLite file. For any correction
it takes it must write exactly the rows :func:`factbase.analysis.editing.edit_claim`
writes (the claim's columns, search forms, the search indexes the triggers keep, its
conflicts found, withdrawn, flagged stale or found again, the audit entry) and report the
same edit, or write nothing and return None, so the library edits or words its refusal.
These tests run the same edit both ways on two copies of one database, curated and drawn
by Hypothesis, and compare every table row by row (moments by their shape and by whether
the edit wrote them: see ``helpers.written_tables``); and they check that a whole `edit`
process then never imports SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, copies, file_bytes, last_actor, run_importing, written_tables
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbase.analysis.edit_rules import Edit
from factbase.analysis.editing import edit_claim
from factbase.analysis.quick_edit import edit_quickly
from factbase.errors import FactbaseError
from factbase.store.database import Database
from factbase.store.quick_sqlite import timestamp

ROOT = Path(__file__).resolve().parent.parent
# In the seed: claims 23, 27, 64 (denied) and 86 say Kazakhstan is deepening ties with
# China; 64 has open polarity conflicts with each, of which 14 is decided here and 16
# dismissed and flagged stale though its claims still clash. 31, 57 and 58 give the
# defence budget increase.
DECIDED, STALE_BUT_CLASHING, RETRACTED, MERGED, SUGGESTED = 14, 16, 10, 31, 12


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quickedit") / "prepared.db"
    cli = Cli(str(path))
    # With the articles' texts where they are at hand, so quotes are located in them.
    texts = ROOT.parent / "shared" / "seeds"
    cli.ok("seed", *(("--texts", str(texts)) if texts.is_dir() else ()))
    cli.ok("conflicts", "resolve", str(DECIDED), "--as", "confirmed", "--note", "checked")
    cli.ok("conflicts", "resolve", str(STALE_BUT_CLASHING), "--as", "dismissed", "--note", "no")
    cli.ok("retract", str(RETRACTED), "--note", "prepared")
    cli.ok("merge", "30", str(MERGED), "--force", "--why", "prepared")
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE conflict SET stale = 1 WHERE id = ?", (STALE_BUT_CLASHING,))
        connection.execute("UPDATE claim_topic SET suggested = 1 WHERE claim_id = ?", (SUGGESTED,))
    connection.close()
    return path


def library_edit(
    path: Path, ref: str, fields: dict[str, Any], why: str | None, strict: bool
) -> Edit | FactbaseError:
    database = Database.open(str(path))
    try:
        with database.session(write=True) as session:
            return edit_claim(
                session, ref, fields, topics=None, why=why, create_topics=False, strict=strict
            )
    except FactbaseError as refused:
        return refused
    finally:
        database.close()


def assert_same_edit(
    prepared: Path,
    folder: Path,
    ref: str,
    fields: dict[str, Any],
    why: str | None = None,
    strict: bool = False,
) -> bool:
    """Whether the shortcut took it; either way, the two databases end alike."""
    library, quick = copies(prepared, folder)
    before = file_bytes(quick)
    since = timestamp(datetime.now(UTC))
    by_quick = edit_quickly(str(quick), ref, fields, why=why, strict=strict)
    by_library = library_edit(library, ref, fields, why, strict)
    if by_quick is None:
        # Declined: nothing written, and the library edits or refuses it itself.
        assert file_bytes(quick) == before
        return False
    assert by_quick == by_library
    assert written_tables(quick, since) == written_tables(library, since)
    return True


TAKEN = {
    "a note": ("5", {"note": "корректировка"}, "a typo"),
    "a status by key": ("bg-rapprochement-west", {"status": "disputed"}, None),
    "a polarity that settles its conflicts": ("64", {"polarity": "affirmed"}, "misread"),
    "a polarity that brings conflicts": ("86", {"polarity": "denied"}, None),
    "a figure against the block's": ("57", {"value": "900 млрд тенге"}, None),
    "a figure cleared": ("57", {"value": ""}, None),
    "a stale decision clashing again": ("64", {"note": "re-read"}, None),
    "a statement of chosen topics": ("5", {"statement": "Болгария сближается с Западом"}, None),
    "a speaker and a subject": ("23", {"speaker": "Токаев", "subject": "Казахстан"}, None),
    "dates": ("23", {"event_date": "2023-05", "as_of": "2024"}, None),
    "a key": ("5", {"key": "quick-edit-key"}, None),
    "a key cleared": ("5", {"key": ""}, None),
    "nothing that differs": ("5", {"status": "unverified"}, None),
    "a forecast and an occasion": ("57", {"forecast": True, "occasion": "once"}, None),
}

DECLINED = {
    "topics suggested again": (str(SUGGESTED), {"statement": "Новые слова"}, None),
    "a new source": ("5", {"source": "2"}, None),
    "a key taken": ("5", {"key": "wsj-ru-defence-budget-kzt"}, None),
    "no statement": ("5", {"statement": " "}, None),
    "a retracted claim": (str(RETRACTED), {"note": "x"}, None),
    "a merged claim": (str(MERGED), {"note": "x"}, None),
    "no such claim": ("99999", {"note": "x"}, None),
    "a NUL character": ("5", {"note": "a\x00b"}, None),
    "a field edit does not take": ("5", {"topics": ("oil",)}, None),
    "an invalid status": ("5", {"status": "bogus"}, None),
}


@pytest.mark.parametrize("case", TAKEN.values(), ids=TAKEN.keys())
def test_a_usual_edit_is_made_as_the_library_makes_it(
    prepared: Path, tmp_path: Path, case: tuple[str, dict[str, Any], str | None]
) -> None:
    assert assert_same_edit(prepared, tmp_path, *case)


@pytest.mark.parametrize("case", DECLINED.values(), ids=DECLINED.keys())
def test_an_edit_the_library_must_make_is_declined(
    prepared: Path, tmp_path: Path, case: tuple[str, dict[str, Any], str | None]
) -> None:
    assert not assert_same_edit(prepared, tmp_path, *case)


def test_strict_is_honoured_alike(prepared: Path, tmp_path: Path) -> None:
    assert_same_edit(prepared, tmp_path / "a", "23", {"quote": "слов нет в статье"}, strict=True)
    assert_same_edit(prepared, tmp_path / "b", "23", {"quote": "слов нет в статье"})


def test_its_conflict_check_does_what_the_scan_does(prepared: Path, tmp_path: Path) -> None:
    """The cases above reach every branch of the check: found, withdrawn, flagged stale
    and found again."""
    assert_same_edit(prepared, tmp_path / "a", "64", {"polarity": "affirmed"})
    with sqlite3.connect(tmp_path / "a" / "quick.db") as connection:
        left = connection.execute(
            "SELECT id, status, stale FROM conflict WHERE 64 IN (claim_a_id, claim_b_id) "
            "AND kind != 'declared' ORDER BY id"
        ).fetchall()
    connection.close()
    assert left == [(DECIDED, "confirmed", 1), (STALE_BUT_CLASHING, "dismissed", 1)]
    assert_same_edit(prepared, tmp_path / "b", "64", {"note": "re-read"})
    with sqlite3.connect(tmp_path / "b" / "quick.db") as connection:
        stale = connection.execute(
            "SELECT stale FROM conflict WHERE id = ?", (STALE_BUT_CLASHING,)
        ).fetchone()
    connection.close()
    assert stale == (0,)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    ref=st.sampled_from(["5", "23", "57", "64", "86", "119", str(SUGGESTED), "claim-5"]),
    fields=st.fixed_dictionaries(
        {},
        optional={
            "statement": st.sampled_from(["Казахстан сближается с Китаем", ""]),
            "quote": st.sampled_from(["Токаев призвал страны Средней Азии", "нет", ""]),
            "speaker": st.sampled_from(["Токаев", ""]),
            "subject": st.sampled_from(["Kazakhstan", "КТК", ""]),
            "property": st.sampled_from(["deepening ties with China", "defence budget increase"]),
            "value": st.sampled_from(["80%", "900 млрд тенге", "много", ""]),
            "event_date": st.sampled_from(["2022", "вчера", "2030", ""]),
            "polarity": st.sampled_from(["affirmed", "denied", ""]),
            "forecast": st.booleans(),
            "status": st.sampled_from(["disputed", "unverified"]),
            "language": st.sampled_from(["ru", "en", ""]),
            "note": st.sampled_from(["заметка", ""]),
        },
    ),
    why=st.sampled_from([None, "", "почему"]),
    strict=st.booleans(),
)
def test_any_edit_is_made_as_the_library_makes_it_or_declined(
    prepared: Path,
    tmp_path_factory: pytest.TempPathFactory,
    ref: str,
    fields: dict[str, Any],
    why: str | None,
    strict: bool,
) -> None:
    if not fields:
        return  # the command line refuses an edit of nothing before either writer
    assert_same_edit(prepared, tmp_path_factory.mktemp("edit"), ref, fields, why, strict)


def test_an_edit_process_never_imports_sqlalchemy(prepared: Path, tmp_path: Path) -> None:
    _, quick = copies(prepared, tmp_path)
    done = run_importing(
        quick, "--user", "Анна", "edit", "64", "--polarity", "affirmed", "--why", "misread"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("claim 64: changed 1 field")
    assert "withdraw conflict 15 (polarity) with claim 27" in done.stdout
    assert "factbase.analysis.quick_edit" in done.imported
    assert not [name for name in done.imported if name.startswith("sqlalchemy")]
    assert last_actor(quick) == "Анна"


def test_it_declines_a_file_the_library_must_prepare(prepared: Path, tmp_path: Path) -> None:
    _, quick = copies(prepared, tmp_path)
    with sqlite3.connect(quick) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    before = file_bytes(quick)
    assert edit_quickly(str(quick), "5", {"note": "x"}) is None
    assert file_bytes(quick) == before
