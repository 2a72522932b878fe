"""`list --search` finds a word in any of its forms (en, ru, bg, uk), through the lemmas.

A claim's `search_lemmas` holds the folded lemmas of what `search_text` folds; a search
word matches a claim holding its lemma (or the word as typed) among them, or, as before,
the whole search as a substring of the folded text. A word sharing only a prefix with
another, and a different lemma, must not match through the lemmas. Both readers (the
library and the quick SQLite reader) give the same pages, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, run_factbase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from factbase.analysis.editing import edit_claim
from factbase.catalog.outlets import add_outlet
from factbase.catalog.sources import SourceInput, add_source
from factbase.claims import fastread
from factbase.claims.filter import ClaimFilter, Sort, search_terms
from factbase.claims.query import find_claims
from factbase.claims.recording import save_claim
from factbase.claims.values import ClaimInput
from factbase.store.database import Database
from factbase.text.language import fold

# (language, statement) in the order they are recorded; each source newer than the last.
CLAIMS: list[tuple[str, str]] = [
    ("ru", "Экспорт нефти через КТК вырос."),  # 1
    ("ru", "Казахстан торгует нефтью с Китаем."),  # 2
    ("ru", "Нефтяники Казахстана бастуют."),  # 3: нефтяник, not нефть
    ("uk", "Експорт нафти зріс на третину."),  # 4
    ("uk", "Нафтовики вимагають підвищення зарплат."),  # 5: нафтовик, not нафта
    ("bg", "Цената на петрола падна."),  # 6
    ("bg", "Петролът поскъпна през зимата."),  # 7
    ("bg", "Петролен магнат купи яхта."),  # 8: петролен, not петрол
    ("en", "The pipelines carry oil to the coast."),  # 9
    ("en", "A new pipeline opened in May."),  # 10
    ("en", "Pipes burst in the cold."),  # 11: pipe, not pipeline
    ("ru", "Экспорт составил около 80% объёма."),  # 12
    ("ru", "Около половины экспорта, 80% нефти, идёт через КТК."),  # 13
]

# search -> the claims it finds (numbers as in CLAIMS)
FOUND: dict[str, set[int]] = {
    "нефть": {1, 2, 13},
    "нефти": {1, 2, 13},
    "нефтью": {1, 2, 13},
    "нафта": {4},
    "нафти": {4},
    "петрол": {6, 7, 8},  # петролен holds "петрол" as text: found as before, not by lemma
    "петрола": {6, 7},
    "pipeline": {9, 10},  # "pipelines" holds "pipeline" as text too
    "pipelines": {9, 10},
    "pipe": {9, 10, 11},  # a substring of every one of them, as before
    '"около 80%"': {12},
    "около 80%": {12, 13},
}


def _record(db: Database) -> None:
    with db.session(write=True) as session:
        add_outlet(session, "Wire", "neutral")
        for number, (language, statement) in enumerate(CLAIMS, start=1):
            add_source(
                session,
                SourceInput(
                    "Wire", f"Story {number}", key=f"s{number}", published=f"2020-{number:02d}"
                )
                if number <= 12
                else SourceInput("Wire", f"Story {number}", key=f"s{number}", published="2021-01"),
            )
            save_claim(
                session, ClaimInput(f"s{number}", statement, key=f"c{number}", language=language)
            )


@pytest.fixture
def recorded(db: Database) -> Database:
    _record(db)
    return db


def found(db: Database, search: str, **given: Any) -> list[int]:
    where = ClaimFilter(search=search, limit=0, **given)
    with db.session() as session:
        return [int(claim.key[1:]) for claim in find_claims(session, where) if claim.key]


@pytest.mark.parametrize("search", FOUND)
def test_a_word_finds_its_other_forms_and_not_its_prefix_twins(
    recorded: Database, search: str
) -> None:
    assert set(found(recorded, search)) == FOUND[search]


def test_the_twins_lemmas_are_their_own(recorded: Database) -> None:
    with recorded.engine.connect() as connection:
        lemmas = dict(connection.execute(text("SELECT key, search_lemmas FROM claim")).all())
    assert "нефть" in lemmas["c1"].split() and "нефть" not in lemmas["c3"].split()
    assert "нафта" in lemmas["c4"].split() and "нафта" not in lemmas["c5"].split()
    assert "петрол" in lemmas["c7"].split() and "петрол" not in lemmas["c8"].split()
    assert "pipeline" in lemmas["c9"].split() and "pipeline" not in lemmas["c11"].split()


def test_more_words_matched_rank_first_unless_a_sort_is_chosen(recorded: Database) -> None:
    # 13 holds нефть and экспорт; 1 both too (newer: 13); 2 and 12 one each (12 newer),
    # so they follow, and a claim holding neither is not found.
    ranked = found(recorded, "экспорт нефть", sort=Sort.RELEVANCE)
    assert ranked == [13, 1, 12, 2]
    assert found(recorded, "экспорт нефть", sort=Sort.PUBLISHED) == [13, 12, 2, 1]
    assert found(recorded, "экспорт нефть", sort=Sort.ID) == [1, 2, 12, 13]
    # Common words rank nothing and find nothing by themselves: "в" is left out.
    assert found(recorded, "нефть в") == found(recorded, "нефть")
    # The whole search held as text ranks with all its words: 12 holds "около 80%".
    assert found(recorded, "около 80% нефти", sort=Sort.RELEVANCE)[:2] == [13, 12]
    assert set(found(recorded, "экспорт")) >= {1, 13} and 12 in found(recorded, "нефть") + found(
        recorded, "экспорт"
    )


def test_the_quick_reader_gives_the_librarys_pages(recorded: Database, db_url: str) -> None:
    if not recorded.is_sqlite:  # type: ignore[attr-defined]
        pytest.skip("the quick reader reads SQLite files only")
    path = db_url.removeprefix("sqlite:///")
    for search in [*FOUND, "экспорт нефть", "нефть казахстан китай"]:
        for sort in (Sort.RELEVANCE, Sort.PUBLISHED, Sort.EVENT):
            where = ClaimFilter(search=search, sort=sort, limit=5)
            quick = fastread.claims_page(path, where, with_support=False)
            assert quick is not None, search
            with recorded.session() as session:
                expected = [claim.id for claim in find_claims(session, where)]
            assert [claim.id for claim in quick.claims] == expected, (search, sort)


@pytest.mark.parametrize("walk_from", [0, 2000])
def test_both_readers_leave_retracted_claims_out_of_pages_and_totals(
    recorded: Database, db_url: str, walk_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factbase.analysis.corrections import retract_claim

    if not recorded.is_sqlite:  # type: ignore[attr-defined]
        pytest.skip("the quick reader reads SQLite files only")
    monkeypatch.setattr(fastread, "WALK_BY_DATE_FROM", walk_from)
    with recorded.session(write=True) as session:
        retract_claim(session, "c2", "misquoted")  # holds нефть; 13 and 1 hold экспорт too
        retract_claim(session, "c12", "misquoted")  # holds экспорт
    path = db_url.removeprefix("sqlite:///")
    for search, total in (("нефть", 2), ("экспорт нефть", 2), ("нефть газ", 2)):
        for sort in (Sort.RELEVANCE, Sort.PUBLISHED):
            where = ClaimFilter(search=search, sort=sort, limit=1)
            quick = fastread.claims_page(path, where, with_support=False)
            with recorded.session() as session:
                expected = [claim.id for claim in find_claims(session, where)]
            assert quick is not None and quick.total == total, search
            assert [claim.id for claim in quick.claims] == expected, (search, sort)
        where = ClaimFilter(search=search, limit=1, include_retracted=True)
        quick = fastread.claims_page(path, where, with_support=False)
        assert quick is not None and quick.total > total


def test_list_ranks_a_search_by_default(recorded: Database, db_url: str) -> None:
    cli = Cli(db_url)
    rows = json.loads(cli.ok("list", "--search", "экспорт нефть", "-f", "json").stdout)
    assert [row["key"] for row in rows] == ["c13", "c1", "c12", "c2"]
    rows = json.loads(
        cli.ok("list", "--search", "экспорт нефть", "--sort", "id", "-f", "json").stdout
    )
    assert [row["key"] for row in rows] == ["c1", "c2", "c12", "c13"]


def test_edits_and_imports_keep_the_lemmas(recorded: Database, db_url: str, tmp_path: Path) -> None:
    with recorded.session(write=True) as session:
        edit_claim(session, "c3", {"statement": "Цены на нефть упали."})
    assert 3 in found(recorded, "нефти")
    assert 3 not in found(recorded, "нефтяники")
    document = tmp_path / "more.yaml"
    document.write_text(
        "claims:\n"
        "  - {key: i1, source: s1, statement: Ціни на нафту впали, language: uk}\n"
        "  - {key: i2, source: s1, statement: Two pipelines were shut, language: en}\n",
        encoding="utf-8",
    )
    Cli(db_url).ok("import", str(document))
    with recorded.session() as session:
        keys = {c.key for c in find_claims(session, ClaimFilter(search="нафта", limit=0))}
        assert "i1" in keys
        keys = {c.key for c in find_claims(session, ClaimFilter(search="pipeline", limit=0))}
        assert "i2" in keys


def _forms(db: Database) -> set[tuple[str, str]]:
    with db.engine.connect() as connection:
        return {
            tuple(row) for row in connection.execute(text("SELECT form, lemma FROM search_form"))
        }  # type: ignore[misc]


def test_the_forms_claims_hold_are_on_record_with_their_lemmas(recorded: Database) -> None:
    forms = _forms(recorded)
    assert {("нефти", "нефть"), ("нефтью", "нефть"), ("нафти", "нафта")} <= forms
    assert {("петрола", "петрол"), ("pipelines", "pipeline")} <= forms
    # Only inflected forms: a word that is its own lemma is found in the lemma index.
    assert not [pair for pair in forms if pair[0] == pair[1]]
    assert ("нефтяники", "нефть") not in forms


def test_a_form_on_record_is_searched_without_a_dictionary(
    recorded: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    searches = ("нефти", "нефтью", "нафти", "петрола", "pipelines", "экспорт нефти")
    expected = {search: found(recorded, search) for search in searches}
    assert expected["экспорт нефти"] == [13, 12, 2, 1]  # newest first

    def refuse(token: str, language: str | None) -> str:
        raise AssertionError(f"lemmatised {token!r}")

    monkeypatch.setattr("factbase.text.language._lemma", refuse)
    for search in searches:
        assert found(recorded, search) == expected[search], search
    # Its twin: a word no claim holds must be lemmatised.
    with pytest.raises(AssertionError, match="lemmatised"):
        found(recorded, "нефтям")


def test_edits_and_imports_put_their_forms_on_record(
    recorded: Database, db_url: str, tmp_path: Path
) -> None:
    with recorded.session(write=True) as session:
        edit_claim(session, "c3", {"statement": "Цены на нефтепродукты упали."})
    assert ("нефтепродукты", "нефтепродукт") in _forms(recorded)
    document = tmp_path / "more.yaml"
    document.write_text(
        "claims:\n"
        "  - {key: i1, source: s1, statement: Ціни на нафтопродукти впали, language: uk}\n",
        encoding="utf-8",
    )
    Cli(db_url).ok("import", str(document))
    assert any(form == "нафтопродукти" for form, _ in _forms(recorded))
    # A failed import leaves none of its forms behind.
    before = _forms(recorded)
    document.write_text(
        "claims:\n  - {key: i2, source: s1, statement: Заводи виробили бензини, language: uk}\n"
        "  - {key: i3, source: nowhere, statement: X}\n",
        encoding="utf-8",
    )
    assert Cli(db_url)("import", str(document)).exit_code != 0
    assert _forms(recorded) == before


def test_the_lemma_index_follows_deletes(recorded: Database) -> None:
    with recorded.engine.begin() as connection:
        connection.execute(text("DELETE FROM claim_topic WHERE claim_id = 2"))
        connection.execute(text("DELETE FROM claim WHERE key = 'c2'"))
    assert set(found(recorded, "нефтью")) == {1, 13}


def test_a_quoted_search_needs_text_inside() -> None:
    from factbase.claims.filter import check_search
    from factbase.errors import InvalidUsage

    with pytest.raises(InvalidUsage):
        check_search('"  "')
    assert search_terms('"около 80%"').exact
    assert search_terms('"').phrase == '"'


WORDS = sorted({word for _, statement in CLAIMS for word in statement.split()})


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(word=st.sampled_from(WORDS), start=st.integers(0, 3), cut=st.integers(0, 3))
def test_a_search_finds_whatever_the_substring_search_found(
    recorded: Database, word: str, start: int, cut: int
) -> None:
    term = word[start : len(word) - cut] or word
    folded = fold(term)
    if not folded.strip('"'):
        return
    substring = {
        number for number, (_, statement) in enumerate(CLAIMS, start=1) if folded in fold(statement)
    }
    assert substring <= set(found(recorded, term))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(number=st.integers(1, len(CLAIMS)), data=st.data())
def test_every_lemma_of_a_claim_finds_it(recorded: Database, number: int, data: Any) -> None:
    with recorded.engine.connect() as connection:
        lemmas = connection.execute(
            text("SELECT search_lemmas FROM claim WHERE key = :key"), {"key": f"c{number}"}
        ).scalar_one()
    lemma = data.draw(st.sampled_from(lemmas.split()))
    assert number in found(recorded, lemma)


def test_postgresql_finds_lemmas_through_their_gin_index(recorded: Database) -> None:
    if recorded.is_sqlite:  # type: ignore[attr-defined]
        pytest.skip("SQLite finds lemmas through its FTS5 table (tests/test_query_plans.py)")
    from factbase.claims.query import claims_query
    from factbase.store.models import SEARCH_LEMMA_INDEX

    with recorded.session() as session:
        query = claims_query(session, ClaimFilter(search="нефти", sort=Sort.PUBLISHED))
    compiled = query.compile(
        dialect=recorded.engine.dialect, compile_kwargs={"literal_binds": True}
    )
    with recorded.engine.begin() as connection:
        # So few rows would rightly be read whole; forbid that to see the index is usable.
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        plan = [row[0] for row in connection.exec_driver_sql(f"EXPLAIN {compiled}")]
    assert any(SEARCH_LEMMA_INDEX in line for line in plan), plan
    assert not [line for line in plan if "Seq Scan on claim" in line], plan


def test_a_search_creates_no_file_and_a_write_keeps_the_dictionary_it_built(
    recorded: Database, db_url: str, tmp_path: Path
) -> None:
    """`list --search нефтям` (a form no claim holds) reads the Russian dictionary; a
    command that only reads creates no file for it, not even the dictionary's trie in the
    cache directory, and finds what a process with the trie finds."""
    cache = tmp_path / "fresh-cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    search = ("--db", db_url, "list", "--search", "нефтям", "--lang", "ru", "--format", "json")
    read = run_factbase(*search, env=env)
    assert read.returncode == 0, read.stderr
    assert json.loads(read.stdout), "the unheld form finds the claims holding its lemma"
    assert not cache.exists()
    added = run_factbase(
        "--db", db_url, "add", "Нефтепроводы работают", "--source", "1", "--language", "ru",
        env=env,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    assert list(cache.rglob("ru.dic"))
    again = run_factbase(*search, env=env)
    assert json.loads(again.stdout) == json.loads(read.stdout)
