"""`add` recorded without SQLAlchemy records what the library records, or declines.

:mod:`factbase.analysis.quick_add` is a shortcut for the SQLite file. For any claim it
must either write exactly the rows :func:`factbase.analysis.intake.add_claims` writes
(claim, topics, search forms, the search indexes, conflicts) and report the same warnings
and conflicts, or write nothing and return None, so the library records the claim or
words its refusal. These tests add the same claims both ways to two copies of the seed
database, curated and drawn by Hypothesis, and compare every table row by row; and they
check that a whole `add` process then never imports SQLAlchemy.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, copies, run_importing, written_tables
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbase.analysis.intake import add_claims
from factbase.analysis.quick_add import QuickAdded, add_quickly
from factbase.claims.values import ClaimInput
from factbase.errors import FactbaseError
from factbase.store.database import Database
from factbase.store.quick_sqlite import timestamp

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "ru-tokayev-defence-space"  # a Russian article of the seed, published 2024-08-11


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("quickadd") / "seeded.db"
    # With the articles' texts where they are at hand, so quotes are located in them.
    texts = ROOT.parent / "shared" / "seeds"
    Cli(str(path)).ok("seed", *(("--texts", str(texts)) if texts.is_dir() else ()))
    return path


@dataclass
class Added:
    """What either writer reports of one claim."""

    claim_id: int
    key: str | None
    outlet: str
    topics: list[str]
    warnings: list[str]
    conflicts: list[tuple[int, str, str]]


def library_add(path: Path, data: ClaimInput, **options: bool) -> Added | FactbaseError:
    database = Database.open(str(path))
    try:
        with database.session(write=True) as session:
            (result,) = add_claims(session, [("", data)], **options)
            claim = result.claim
            return Added(
                claim.id,
                claim.key,
                claim.source.outlet.name,
                claim.topic_slugs,
                result.warnings,
                [(c.id, c.kind, c.explanation) for c in result.new_conflicts],
            )
    except FactbaseError as refused:
        return refused
    finally:
        database.close()


def quick_add(path: Path, data: ClaimInput, **options: bool) -> Added | None:
    added = add_quickly(str(path), data, **options)
    if added is None:
        return None
    assert isinstance(added, QuickAdded)
    return Added(
        added.claim_id,
        added.key,
        added.outlet,
        added.topics,
        added.warnings,
        added.new_conflicts,
    )


def assert_same_outcome(seeded: Path, folder: Path, data: ClaimInput, **options: bool) -> None:
    library, quick = copies(seeded, folder)
    since = timestamp(datetime.now(UTC))
    before = written_tables(quick, since)
    by_quick = quick_add(quick, data, **options)
    by_library = library_add(library, data, **options)
    if by_quick is None:
        # Declined: nothing written, and the library refuses the claim with its own words.
        assert written_tables(quick, since) == before
        assert isinstance(by_library, FactbaseError), by_library
        return
    assert by_quick == by_library
    assert written_tables(quick, since) == written_tables(library, since)


BASE = ClaimInput(source=SOURCE, statement="Казахстан увеличил расходы на оборону")

CURATED = {
    "statement alone": BASE,
    "every field": replace(
        BASE,
        statement="Расходы Казахстана на оборону выросли до 600 млрд тенге",
        quote="Токаев призвал страны Средней Азии",
        speaker="Токаев",
        subject="Kazakhstan",
        property="defence budget increase",
        value="600 млрд тенге",
        event_date="2024",
        as_of="2024",
        key="quick-every-field",
        note="добавлено вручную",
        status="disputed",
    ),
    "a figure against the seed's": replace(
        BASE, subject="Kazakhstan", property="defence budget increase", value="500 млрд тенге"
    ),
    "a denial": replace(
        BASE,
        statement="Казахстан не дистанцируется от России",
        subject="Kazakhstan",
        property="distancing from Russia",
    ),
    "a date, marked once": replace(
        BASE,
        statement="Токаев посетил Москву",
        subject="Kassym-Jomart Tokayev",
        property="visit to Moscow",
        event_date="2023-05-01",
        occasion="once",
    ),
    "a relative date": replace(BASE, event_date="вчера", property="defence spending"),
    "a date without a year": replace(BASE, event_date="5 мая"),
    "a forecast": replace(BASE, event_date="2030", forecast=True),
    "a future date not marked": replace(BASE, event_date="2030"),
    "topics given": replace(BASE, topics=("defence", "diplomacy")),
    "a topic no one created": replace(BASE, topics=("no-such-topic",)),
    "a source by id": replace(BASE, source="3"),
    "a source no one recorded": replace(BASE, source="no-such-source"),
    "a declared language the words deny": replace(
        BASE, statement="Уряд Казахстану підписав угоду про транзит нафти", language="ru"
    ),
    "Latin letters among Cyrillic": replace(BASE, statement="Kaзахстан увеличил расходы"),
    "a value that is no figure": replace(BASE, value="много"),
    "a key already taken": replace(BASE, key="hm-ru-western-companies-pressure"),
    "a NUL character": replace(BASE, note="a\x00b"),
    "a repeated statement": replace(
        BASE, statement="Западные компании склоняют Токаева к разрыву связей с Москвой"
    ),
    "an empty statement": replace(BASE, statement="  "),
    "polarity given": replace(BASE, polarity="denied"),
    "an English claim": replace(
        BASE, statement="Kazakhstan raised defence spending by 441 bn tenge", language=None
    ),
}


@pytest.mark.parametrize("data", CURATED.values(), ids=CURATED.keys())
def test_a_curated_claim_is_recorded_as_the_library_records_it_or_declined(
    seeded: Path, tmp_path: Path, data: ClaimInput
) -> None:
    assert_same_outcome(seeded, tmp_path, data, allow_duplicate=False, strict=False)


def test_the_repeats_and_strict_options_are_honoured_alike(seeded: Path, tmp_path: Path) -> None:
    repeated = replace(BASE, statement="Казахстан увеличил расходы на оборону")
    assert_same_outcome(seeded, tmp_path / "a", repeated, allow_duplicate=True, strict=False)
    unanchored = replace(BASE, quote="слова, которых в статье нет")
    assert_same_outcome(seeded, tmp_path / "b", unanchored, allow_duplicate=False, strict=True)


def test_the_curated_cases_reach_the_quick_writer(seeded: Path, tmp_path: Path) -> None:
    """The shortcut must take the usual claims itself, conflicts and warnings included,
    or the equivalence above proves little."""
    taken = 0
    for number, name in enumerate(("every field", "a figure against the seed's", "a denial")):
        _, quick = copies(seeded, tmp_path / str(number))
        added = quick_add(quick, CURATED[name], allow_duplicate=False, strict=False)
        assert added is not None, name
        taken += bool(added.conflicts)
    assert taken >= 2


def test_it_declines_a_file_the_library_must_prepare(seeded: Path, tmp_path: Path) -> None:
    _, quick = copies(seeded, tmp_path)
    with sqlite3.connect(quick) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()
    assert add_quickly(str(quick), BASE, allow_duplicate=False, strict=False) is None
    assert (
        add_quickly(str(tmp_path / "missing.db"), BASE, allow_duplicate=False, strict=False) is None
    )
    assert not (tmp_path / "missing.db").exists()


WORDS = st.sampled_from(
    [
        "Казахстан увеличил расходы на оборону",
        "КТК обеспечивает около 80% экспорта нефти",
        "Казахстан дистанцируется от России",
        "Казахстан не дистанцируется от России",
        "Бюджетът за отбрана нараства с 441 млрд тенге",
        "Україна та Казахстан обговорили транзит нафти",
        "Kazakhstan exports most of its oil through the CPC",
        "порт 1: замер 7, транзит 9 млн тонн",
    ]
)
FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "quote": st.sampled_from(["Токаев призвал страны Средней Азии", "нет в статье", ""]),
        "language": st.sampled_from(["ru", "bg", "uk", "en", "kk", "xx"]),
        "speaker": st.sampled_from(["Токаев", "Путин", "a spokesman"]),
        "subject": st.sampled_from(["Kazakhstan", "Казахстан", "CPC", "КТК"]),
        "property": st.sampled_from(
            ["defence budget increase", "share of Kazakhstan oil exports", "distancing"]
        ),
        "value": st.sampled_from(["80%", "около 80%", "441 млрд тенге", "60%", "много"]),
        "event_date": st.sampled_from(["2022", "ноябрь 2023", "вчера", "2030", "5 мая"]),
        "as_of": st.sampled_from(["2022", "2024-08", "позавчера"]),
        "polarity": st.sampled_from(["affirmed", "denied", "wrong"]),
        "occasion": st.sampled_from(["once", "recurring", "auto"]),
        "topics": st.sampled_from([(), ("oil",), ("defence", "oil"), ("nope",)]),
        "forecast": st.booleans(),
        "status": st.sampled_from(["unverified", "disputed", "bogus"]),
    },
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(statement=WORDS, fields=FIELDS, allow_duplicate=st.booleans(), strict=st.booleans())
def test_any_claim_is_recorded_as_the_library_records_it_or_declined(
    seeded: Path,
    tmp_path_factory: pytest.TempPathFactory,
    statement: str,
    fields: dict[str, Any],
    allow_duplicate: bool,
    strict: bool,
) -> None:
    data = ClaimInput(source=SOURCE, statement=statement, **fields)
    folder = tmp_path_factory.mktemp("drawn")
    assert_same_outcome(seeded, folder, data, allow_duplicate=allow_duplicate, strict=strict)


def test_an_add_process_never_imports_sqlalchemy(seeded: Path, tmp_path: Path) -> None:
    _, quick = copies(seeded, tmp_path)
    done = run_importing(
        quick,
        *("add", "Казахстан увеличил расходы на оборону на 500 млрд тенге", "--source", SOURCE),
        *("--subject", "Kazakhstan", "--value", "500 млрд тенге"),
        *("--property", "defence budget increase"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("added claim 140 ")
    assert "new conflict" in done.stderr
    assert "factbase.analysis.quick_add" in done.imported
    assert not [name for name in done.imported if name.startswith("sqlalchemy")]
