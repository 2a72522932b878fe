"""`list` and `show` read without SQLAlchemy give what the library gives, or decline.

:mod:`factbase.claims.fastread` is a shortcut for the SQLite file. Whatever the filter, it
must either answer exactly what :func:`factbase.claims.query.claims_page` answers, or return
None so the library answers. These tests draw filters with Hypothesis (known and
unknown topics, languages, stances, statuses, search terms, dates, sorts, limits,
narrow and wide tables), check the cases it must answer itself, that a whole `list`
process then never imports SQLAlchemy, and that its queries use the indexes.
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import Cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbase.analysis.claim_views import claims_page, view_claim
from factbase.claims import fastread as quickread
from factbase.claims import query as claims_module
from factbase.claims.display import ClaimDetail, ClaimPage
from factbase.claims.filter import FILTER_NAMES, ClaimFilter, Sort
from factbase.store.database import Database
from factbase.store.location import ENV_VAR

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# Generated claims on top of the seed data: several topics and common words then reach
# WALK_BY_DATE_FROM, so both ways of finding a newest-first page are taken.
GENERATED = 4000


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("quickread")
    data = folder / "generated.jsonl"
    generator = ROOT / "benchmarks" / "generate.py"
    subprocess.run([sys.executable, generator, str(GENERATED), "-o", data], check=True)
    path = folder / "seeded.db"
    # With the articles' texts where they are at hand: `show` then prints quotes in context.
    texts = ROOT.parent / "shared" / "seeds"
    Cli(str(path)).ok("seed", *(("--texts", str(texts)) if texts.is_dir() else ()))
    Cli(str(path)).ok("import", str(data))
    return path


def library_page(path: Path, where: ClaimFilter, with_support: bool) -> ClaimPage:
    database = Database.open(str(path))
    try:
        with database.session() as session:
            return claims_page(session, where, with_support=with_support)
    finally:
        database.close()


def quick_page(path: Path | str | None, where: ClaimFilter, with_support: bool) -> ClaimPage | None:
    location = None if path is None else str(path)
    return quickread.claims_page(location, where, with_support=with_support)


@pytest.fixture
def walk_from(request: pytest.FixtureRequest) -> Iterator[None]:
    """Both readers walk dates from the given number of matching claims."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(claims_module, "WALK_BY_DATE_FROM", request.param)
        patch.setattr(quickread, "WALK_BY_DATE_FROM", request.param)
        yield


# Known and unknown values, odd spellings, and values the library refuses.
TOPICS = ["oil", "energy", "gas", "defence", "diplomacy", "OIL", " trade ", "no-such-topic"]
LANGUAGES = ["en", "ru", "bg", "uk", " RU ", "xx", ""]
STANCES = ["neutral", "pro-kremlin", "pro-western", "pro-ukrainian", "Neutral", "no-such"]
STATUSES = ["unverified", "disputed", "corroborated", "retracted", "bogus", " "]
SEARCHES = ["нефть", "НЕФТ", "ёлка", "oil", "kazakhstan", "нафт", "%", "_", "ф", "zzqx", '"', ""]
SEARCHES += [
    "нефти",
    "нефть и газ",
    "газ нефть экспорт",
    "нафта",
    "pipelines",
    "нефть казахстан",
    "oil ф",
    '"около 80%"',
    '""',
]
DATES = ["2022", "2023-05", "1 March 2024", "ноябрь 2023", "2019", "not a date"]


def maybe(values: list[str]) -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(values)


# What each filter is drawn from. Filters the shortcut leaves to the library come now and
# then; a filter declared on ClaimFilter without values here is drawn from ANY_VALUE, so
# every declared filter is held to the library's answer.
VALUES: dict[str, list[str]] = {
    "topic": TOPICS,
    "language": LANGUAGES,
    "stance": STANCES,
    "status": STATUSES,
    "search": SEARCHES,
    "since": DATES,
    "until": DATES,
    "outlet": ["Kazinform"],
    "source": ["1"],
    "subject": ["CPC"],
    "speaker": ["Tokayev"],
    "quote_status": ["exact", "normalised", "not-found", "no-text", "NORMALISED", "bogus"],
}
ANY_VALUE = ["1", "oil", "ru", "2023", "Kazinform", " ", ""]

FILTERS = st.builds(
    ClaimFilter,
    **{name: maybe(VALUES.get(name, ANY_VALUE)) for name in FILTER_NAMES},
    limit=st.sampled_from([1, 5, 50]),
    sort=st.sampled_from(list(Sort)),
)


@pytest.mark.parametrize("walk_from", [0, 2000], indirect=True)
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=FILTERS, wide=st.booleans())
def test_the_shortcut_answers_what_the_library_answers_or_declines(
    seeded: Path, walk_from: None, where: ClaimFilter, wide: bool
) -> None:
    from factbase.errors import FactbaseError

    quick = quick_page(seeded, where, wide)
    try:
        expected = library_page(seeded, where, wide)
    except FactbaseError:
        assert quick is None  # the library gives the error
        return
    if quick is not None:
        assert quick == expected


# The common cases the shortcut must answer itself, with the library's answer.
ANSWERED = {
    "all": ClaimFilter(),
    "topic": ClaimFilter(topic="oil"),
    "parent topic": ClaimFilter(topic="energy"),
    "topic and language": ClaimFilter(topic="energy", language="ru"),
    "search": ClaimFilter(search="нефть"),
    "short search": ClaimFilter(search="ф"),
    "lemma search": ClaimFilter(search="нефти"),
    "ranked search": ClaimFilter(search="нефть экспорт", sort=Sort.RELEVANCE),
    # Tier by tier: three words, common ones left out, a page over two tiers, retracted.
    "ranked search of three words": ClaimFilter(search="нефть газ экспорт", sort=Sort.RELEVANCE),
    "ranked search with a common word": ClaimFilter(search="нефть и газ", sort=Sort.RELEVANCE),
    "ranked search over tiers": ClaimFilter(
        search="Казахстан нефть", sort=Sort.RELEVANCE, limit=200
    ),
    "ranked search with retracted": ClaimFilter(
        search="нефть газ", sort=Sort.RELEVANCE, include_retracted=True
    ),
    "exact phrase": ClaimFilter(search='"около 80%"'),
    "nothing found": ClaimFilter(search="zzqx"),
    "stance and status": ClaimFilter(stance="neutral", status="unverified"),
    "dates": ClaimFilter(since="2023", until="ноябрь 2024"),
    "event order": ClaimFilter(topic="gas", sort=Sort.EVENT),
    "id order": ClaimFilter(language="uk", sort=Sort.ID, limit=7),
    "everything": ClaimFilter(limit=0),
}


@pytest.mark.parametrize("walk_from", [0, 2000], indirect=True)
@pytest.mark.parametrize("name", ANSWERED)
def test_the_common_listings_are_answered_without_the_library(
    seeded: Path, walk_from: None, name: str
) -> None:
    where = ANSWERED[name]
    quick = quick_page(seeded, where, False)
    assert quick is not None
    assert quick == library_page(seeded, where, False)
    if name != "nothing found":
        assert quick.claims and quick.total >= len(quick.claims)


def test_the_wide_table_is_answered_for_claims_in_no_cluster(seeded: Path) -> None:
    where = ClaimFilter(topic="oil")
    quick = quick_page(seeded, where, True)
    assert quick is not None
    assert quick == library_page(seeded, where, True)
    assert all(claim.topics and claim.origins == claim.reports == 1 for claim in quick.claims)


def test_the_wide_table_of_a_cluster_is_left_to_the_library(seeded: Path, tmp_path: Path) -> None:
    linked = tmp_path / "linked.db"
    linked.write_bytes(seeded.read_bytes())
    where = ClaimFilter(topic="oil", limit=5)
    first, second = (claim.id for claim in library_page(linked, where, False).claims[:2])
    Cli(str(linked)).ok("link", str(first), str(second), "--as", "same")
    assert quick_page(linked, where, True) is None
    assert quick_page(linked, where, False) == library_page(linked, where, False)
    # Another page, without either claim, is answered again.
    assert quick_page(linked, ClaimFilter(topic="defence", limit=5), True) is not None


@pytest.mark.parametrize(
    "where",
    [
        ClaimFilter(outlet="Kazinform"),
        ClaimFilter(source="1"),
        ClaimFilter(subject="CPC"),
        ClaimFilter(speaker="Tokayev"),
        ClaimFilter(topic="no-such-topic"),
        ClaimFilter(language="xx"),
        ClaimFilter(stance="no-such"),
        ClaimFilter(since="not a date"),
        ClaimFilter(limit=-1),
        ClaimFilter(limit=None),
    ],
)
def test_filters_it_does_not_read_are_left_to_the_library(seeded: Path, where: ClaimFilter) -> None:
    assert quick_page(seeded, where, False) is None


def test_urls_missing_files_and_other_databases_are_left_to_the_library(
    seeded: Path, tmp_path: Path
) -> None:
    where = ClaimFilter()
    assert quick_page(f"sqlite:///{seeded}", where, False) is None
    missing = tmp_path / "missing.db"
    assert quick_page(missing, where, False) is None
    assert not missing.exists()  # never created
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    assert quick_page(other, where, False) is None
    (tmp_path / "not-sqlite.db").write_text("hello")
    assert quick_page(tmp_path / "not-sqlite.db", where, False) is None


@pytest.mark.parametrize("location", ["~no-such-user-here/x.db", "a\x00b.db"])
def test_locations_that_cannot_be_paths_are_left_to_the_library(location: str) -> None:
    assert quick_page(location, ClaimFilter(), False) is None
    assert quickread.claim_view(location, "1") is None


@pytest.mark.parametrize(
    "stamp",
    ["2026-11-22 00:16:01.5", "2026-11-22T00:16:01", "2026-11-22", "2026-11-22 00:16:01+02:00"],
)
def test_show_reads_every_timestamp_form_as_the_library(
    seeded: Path, tmp_path: Path, stamp: str
) -> None:
    edited = tmp_path / "stamped.db"
    edited.write_bytes(seeded.read_bytes())
    with sqlite3.connect(edited) as connection:
        connection.execute("UPDATE claim SET created_at = ? WHERE id = 1", (stamp,))
    quick = quickread.claim_view(str(edited), "1")
    assert quick is not None
    assert quick == library_view(edited, "1")


def test_an_older_schema_is_left_to_the_library_which_upgrades_it(
    seeded: Path, tmp_path: Path
) -> None:
    older = tmp_path / "older.db"
    older.write_bytes(seeded.read_bytes())
    cli = Cli(str(older))
    cli.ok("db", "downgrade", "0004", "--yes")
    assert quick_page(older, ClaimFilter(), False) is None
    listed = cli.ok("list", "--topic", "oil")  # opens through the library: upgrades
    assert "claims" in listed.stdout + listed.stderr
    assert quick_page(older, ClaimFilter(topic="oil"), False) is not None


def test_the_environment_variable_and_the_default_location_are_read(
    seeded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_VAR, str(seeded))
    assert quick_page(None, ClaimFilter(), False) == library_page(seeded, ClaimFilter(), False)
    monkeypatch.delenv(ENV_VAR)
    assert quick_page(None, ClaimFilter(), False) is None  # no default database yet


LIST_IN_A_PROCESS = """  # any command, in fact
import sys
from factbase.cli import main
sys.argv = ["factbase", *sys.argv[1:]]
try:
    main()
finally:
    print("sqlalchemy imported:", "sqlalchemy" in sys.modules, file=sys.stderr)
    print("simplemma imported:", "simplemma" in sys.modules, file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["list", "--topic", "oil"], ["list", "--search", "нефть", "--limit", "5"], ["list"]],
)
def test_a_list_process_never_imports_sqlalchemy(seeded: Path, args: list[str]) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-c", LIST_IN_A_PROCESS, "--db", str(seeded), *args],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "sqlalchemy imported: False" in done.stderr, done.stderr
    assert re.search(r"\d+ of \d+ claims", done.stderr), done.stderr


@pytest.mark.parametrize(
    ("search", "dictionary"),
    # a lemma, a form claims hold, two words held: no dictionary; a form no claim holds:
    # its language's dictionary, which still finds the claims holding other forms.
    [("нефть", False), ("нефти", False), ("росією", False), ("нефти экспорта", False),
     ("нефтью", True)],
)  # fmt: skip
def test_a_search_for_a_word_claims_hold_loads_no_dictionary(
    seeded: Path, search: str, dictionary: bool
) -> None:
    with sqlite3.connect(seeded) as connection:
        held = connection.execute(
            "SELECT count(*) FROM claim WHERE instr(search_text, ?) > 0", (search.split()[0],)
        ).fetchone()[0]
    assert (held == 0) == dictionary, "the seed data changed: choose other words"
    done = subprocess.run(
        [sys.executable, "-c", LIST_IN_A_PROCESS, "--db", str(seeded),
         "list", "--search", search, "--limit", "5"],
        capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert f"simplemma imported: {dictionary}" in done.stderr, done.stderr
    assert re.search(r"[1-9]\d* (of \d+ )?claims", done.stderr), done.stderr


@pytest.mark.parametrize("columns", ["80", "160"])
@pytest.mark.parametrize("args", [["--topic", "oil"], ["--search", "нефт", "--sort", "event"]])
def test_the_listing_prints_the_same_whoever_reads_it(
    seeded: Path, args: list[str], columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    cli = Cli(str(seeded))
    quick = cli.ok("list", *args)
    monkeypatch.setattr(quickread, "claims_page", lambda *_args, **_kwargs: None)
    assert cli.ok("list", *args) == quick


# -- the shortcut's queries use the indexes, as the library's do -------------------------

# A scan of claims or sources, except the date walk's, which stops at the limit.
FULL_SCAN = re.compile(
    r"^SCAN (c|s|claim|source)\b(?! USING (COVERING )?INDEX ix_source_published)"
)
INDEXED = {
    "topic": ClaimFilter(topic="diplomacy"),
    "language": ClaimFilter(language="bg"),
    "stance": ClaimFilter(stance="pro-ukrainian"),
    "since": ClaimFilter(since="2024"),
    "until": ClaimFilter(until="2022"),
    "search": ClaimFilter(search="нефть"),
    "status": ClaimFilter(status="unverified"),
    "quote status": ClaimFilter(quote_status="no-text"),
    "walked topic": ClaimFilter(topic="oil"),
    "walked search": ClaimFilter(search="oil"),
    "lemma search": ClaimFilter(search="нефти"),
    "ranked search": ClaimFilter(search="нефть экспорт", sort=Sort.RELEVANCE),
    "walked lemma search": ClaimFilter(search="нефти", sort=Sort.RELEVANCE),
    "walked ranked search": ClaimFilter(search="нефть газ экспорт", sort=Sort.RELEVANCE),
}


@pytest.mark.parametrize("name", INDEXED)
def test_each_quick_query_uses_an_index(
    seeded: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    connect = quickread._connect

    def traced(path: Path) -> sqlite3.Connection:
        connection = connect(path)
        connection.set_trace_callback(seen.append)
        return connection

    monkeypatch.setattr(quickread, "_connect", traced)
    if name.startswith("walked"):
        monkeypatch.setattr(quickread, "WALK_BY_DATE_FROM", 0)
    assert quick_page(seeded, INDEXED[name], False) is not None
    on_claims = [sql for sql in seen if sql.lstrip().startswith("SELECT") and "claim" in sql]
    assert on_claims
    with sqlite3.connect(seeded) as connection:
        for sql in on_claims:
            lines = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}")]
            assert not [line for line in lines if FULL_SCAN.match(line)], (sql, lines)


# -- `factbase show` -------------------------------------------------------------------


def library_view(path: Path, ref: str) -> ClaimDetail:
    database = Database.open(str(path))
    try:
        with database.session() as session:
            return view_claim(session, ref)
    finally:
        database.close()


def refs(path: Path) -> list[str]:
    """Every seed claim by id and by key, and generated claims with conflicts or none."""
    with sqlite3.connect(path) as connection:
        seeds = connection.execute(
            "SELECT c.id, c.key FROM claim AS c JOIN source AS s ON s.id = c.source_id "
            "WHERE s.url NOT LIKE 'https://example.org/%'"
        ).fetchall()
        others = connection.execute(
            "SELECT id FROM claim WHERE id % 97 = 0 OR id IN "
            "(SELECT claim_a_id FROM conflict WHERE id % 7 = 0 OR status != 'open') OR id IN "
            "(SELECT claim_b_id FROM conflict WHERE status != 'open')"
        ).fetchall()
    return [*(str(i) for i, _ in seeds), *(k for _, k in seeds if k), *(str(i) for (i,) in others)]


def test_show_answers_what_the_library_answers_or_declines(related: Path) -> None:
    answered = disputed = linked = 0
    for ref in [*refs(related), "500", "501", "502"]:
        quick = quickread.claim_view(str(related), ref)
        expected = library_view(related, ref)
        if quick is None:
            continue
        assert quick == expected, ref
        answered += 1
        disputed += "disputed by" in quick.corroboration
        linked += bool(quick.links and quick.conflicts)
    # Claims in no cluster are answered, disputed ones and ones with links among them.
    assert answered > 50 and disputed > 10 and linked >= 2, (answered, disputed, linked)


def test_show_leaves_clusters_and_unknown_claims_to_the_library(
    seeded: Path, tmp_path: Path
) -> None:
    assert quickread.claim_view(str(seeded), "999999999") is None
    assert quickread.claim_view(str(seeded), "no-such-key") is None
    assert quickread.claim_view(f"sqlite:///{seeded}", "1") is None
    linked = tmp_path / "linked.db"
    linked.write_bytes(seeded.read_bytes())
    assert quickread.claim_view(str(linked), "1") is not None
    Cli(str(linked)).ok("link", "1", "2", "--as", "supports")
    assert quickread.claim_view(str(linked), "1") is None
    assert quickread.claim_view(str(linked), "2") is None


def test_the_disputing_statuses_are_the_librarys() -> None:
    from factbase.analysis.corroboration import DISPUTING_STATUSES

    assert quickread.DISPUTING_STATUSES == DISPUTING_STATUSES


@pytest.fixture(scope="module")
def related(seeded: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeded data, and claim 500 contradicted by 501 and 503 and refined by 502: a
    claim in no cluster with linked claims, declared conflicts and several disputers."""
    path = tmp_path_factory.mktemp("related") / "related.db"
    path.write_bytes(seeded.read_bytes())
    cli = Cli(str(path))
    cli.ok("link", "500", "501", "--as", "contradicts")
    cli.ok("link", "502", "500", "--as", "refines")
    cli.ok("link", "503", "500", "--as", "contradicts")
    # Decided conflicts: confirmed ones dispute a claim, dismissed ones do not.
    decided = zip(unlinked_conflicts(path, 4), CONFIRMED_AND_DISMISSED, strict=True)
    for conflict_id, decision in decided:
        cli.ok("conflicts", "resolve", str(conflict_id), "--as", decision, "--note", "test")
    return path


CONFIRMED_AND_DISMISSED = ("confirmed", "confirmed", "dismissed", "dismissed")


def unlinked_conflicts(path: Path, count: int) -> list[int]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT id FROM conflict WHERE NOT EXISTS (SELECT 1 FROM claim_link AS l WHERE "
            "l.claim_a_id IN (conflict.claim_a_id, conflict.claim_b_id) OR "
            "l.claim_b_id IN (conflict.claim_a_id, conflict.claim_b_id)) ORDER BY id LIMIT ?",
            (count,),
        ).fetchall()
    return [conflict_id for (conflict_id,) in rows]


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_show_prints_the_same_whoever_reads_it(
    related: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(str(related))
    ref = "500"
    view = quickread.claim_view(str(related), ref)
    assert view is not None and "disputed by" in view.corroboration
    quick = cli.ok("show", ref, "--format", fmt)
    assert "linked claims" in quick.stdout or fmt == "json"
    monkeypatch.setattr(quickread, "claim_view", lambda *_args: None)
    assert cli.ok("show", ref, "--format", fmt) == quick


def test_a_show_process_never_imports_sqlalchemy(seeded: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LIST_IN_A_PROCESS, "--db", str(seeded), "show", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert "sqlalchemy imported: False" in done.stderr, done.stderr
    assert "corroboration" in done.stdout


def test_show_prints_a_quote_in_its_article_whoever_reads_it(
    related: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both readers give a seed claim's quote with the article's text around it."""
    if not (ROOT.parent / "shared" / "seeds").is_dir():
        pytest.skip("the seed articles are not available")
    cli = Cli(str(related))
    view = quickread.claim_view(str(related), "wsj-ru-cpc-share")
    assert view is not None and view.quote_context is not None
    assert view == library_view(related, "wsj-ru-cpc-share")
    quick = cli.ok("show", "wsj-ru-cpc-share")
    assert "⟦" in quick.stdout and "in the text" in quick.stdout
    monkeypatch.setattr(quickread, "claim_view", lambda *_args: None)
    assert cli.ok("show", "wsj-ru-cpc-share") == quick
