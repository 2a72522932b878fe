"""Retracted claims through the library: the SQLite fast reader agrees with the library,
xref and corroboration leave them out; duplicate_key folds what two typings vary in."""

from __future__ import annotations

import pytest
from helpers import PG_URL, add_claims, add_outlets, add_sources, seed, writing
from hypothesis import given
from hypothesis import strategies as st

from factbase.analysis.claim_views import claims_page, view_claim
from factbase.analysis.corrections import retract_claim
from factbase.analysis.corroboration import CorroborationIndex, corroboration
from factbase.analysis.links import link_claims
from factbase.analysis.xref import suggest
from factbase.claims import fastread
from factbase.claims import query as claims_query_module
from factbase.claims.duplicates import Duplicate, find_duplicate
from factbase.claims.filter import ClaimFilter, Sort
from factbase.claims.query import get_claim
from factbase.store.database import Database
from factbase.text.language import duplicate_key

# -- duplicate_key ----------------------------------------------------------------------

QUOTES = ['"', "'", "«", "»", "„", "“", "”", "‘", "’", "`"]
words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzабвгдеёжзийклмнопрстуфхцчшщыэюяії", min_size=1),
    min_size=1,
    max_size=8,
)


@given(words, st.data())
def test_duplicate_key_folds_case_whitespace_quote_marks_and_yo(
    sentence: list[str], data: st.DataObject
) -> None:
    plain = " ".join(sentence)
    typed = []
    for word in sentence:
        word = data.draw(st.sampled_from([word, word.upper(), word.capitalize()]))
        word = word.replace("е", data.draw(st.sampled_from(["е", "ё"])))
        quote = data.draw(st.sampled_from(["", *QUOTES]))
        typed.append(f"{quote}{word}{quote}")
    spaces = data.draw(
        st.lists(
            st.sampled_from([" ", "  ", "\t", "\u00a0", " \n "]),
            min_size=len(typed),
            max_size=len(typed),
        )
    )
    variant = "".join(space + word for space, word in zip(spaces, typed, strict=True))
    variant += data.draw(st.sampled_from(["", ".", "!", "?", "…", " ."]))
    assert duplicate_key(variant) == duplicate_key(plain)


def test_duplicate_key_keeps_what_changes_the_meaning() -> None:
    assert duplicate_key("80% of exports") != duplicate_key("60% of exports")
    assert duplicate_key("Exports fell") != duplicate_key("Exports rose")
    assert duplicate_key("a — b") == duplicate_key("a - b")
    assert duplicate_key("  ") is None and duplicate_key(None) is None


# -- the seed data with retracted claims (slow: each reads the seed) ----------------------


@pytest.fixture(scope="module")
def retracted(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file of the seed data with four claims retracted: one about oil, and 74,
    the newest, which a newest-first walk meets first."""
    url = str(tmp_path_factory.mktemp("retracted") / "seed.db")
    seed(url)
    with writing(url) as session:
        for ref in ("wsj-ru-cpc-share", "1", "111", "74"):
            retract_claim(session, ref, "retracted for the test")
    return url


def _library_page(url: str, where: ClaimFilter, wide: bool) -> object:
    database = Database.open(url)
    try:
        with database.session() as session:
            return claims_page(session, where, with_support=wide)
    finally:
        database.close()


FILTERS = [
    ClaimFilter(),
    ClaimFilter(limit=5),
    ClaimFilter(topic="oil", limit=0),
    ClaimFilter(topic="oil", limit=3),
    ClaimFilter(search="cpc", limit=0),
    ClaimFilter(search="ка", limit=2),
    ClaimFilter(language="ru", sort=Sort.EVENT),
    ClaimFilter(stance="neutral", sort=Sort.ADDED, limit=4),
    ClaimFilter(status="unverified", sort=Sort.ID, limit=0),
]


@pytest.mark.slow
@pytest.mark.skipif(bool(PG_URL), reason="the fast reader reads SQLite files only")
@pytest.mark.parametrize("include", [False, True])
@pytest.mark.parametrize("where", FILTERS, ids=repr)
def test_the_fast_reader_leaves_out_retracted_claims_as_the_library_does(
    retracted: str, where: ClaimFilter, include: bool
) -> None:
    where = ClaimFilter(**{**where.__dict__, "include_retracted": include})
    for wide in (False, True):
        quick = fastread.claims_page(retracted, where, with_support=wide)
        library = _library_page(retracted, where, wide)
        assert quick is None or quick == library
    listed = {claim.id for claim in _library_page(retracted, where, False).claims}  # type: ignore[attr-defined]
    if not include:
        assert not listed & {1, 44, 74, 111}
    assert fastread.claims_page(retracted, where, with_support=False) is not None


@pytest.mark.slow
@pytest.mark.skipif(bool(PG_URL), reason="the fast reader reads SQLite files only")
@pytest.mark.parametrize(
    "where",
    [
        ClaimFilter(limit=7),
        ClaimFilter(topic="oil", limit=3),
        ClaimFilter(search="kazakh", limit=4),
    ],
    ids=["all", "topic", "search"],
)
def test_walking_dates_leaves_out_retracted_claims_and_fills_the_page(
    retracted: str, where: ClaimFilter, monkeypatch: pytest.MonkeyPatch
) -> None:
    sorted_page = _library_page(retracted, where, False)
    for module in (fastread, claims_query_module):
        monkeypatch.setattr(module, "WALK_BY_DATE_FROM", 1)  # walk whatever the size
    assert _library_page(retracted, where, False) == sorted_page
    assert fastread.claims_page(retracted, where, with_support=False) == sorted_page
    assert len(sorted_page.claims) == where.limit  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.skipif(bool(PG_URL), reason="the fast reader reads SQLite files only")
def test_show_of_a_retracted_claim_is_the_librarys(retracted: str) -> None:
    assert fastread.claim_view(retracted, "1") is None
    database = Database.open(retracted)
    try:
        with database.session() as session:
            view = view_claim(session, "1")
    finally:
        database.close()
    assert view.retraction_note == "retracted for the test" and view.retracted_on


@pytest.mark.slow
def test_xref_never_suggests_a_retracted_claim(db_url: str) -> None:
    seed(db_url)
    with writing(db_url) as session:
        best = suggest(session, limit=1)[0]
        retract_claim(session, best.claim_a, "gone")
        retract_claim(session, best.claim_b, "gone")
        suggestions = suggest(session)
    assert suggestions
    suggested = {s.claim_a for s in suggestions} | {s.claim_b for s in suggestions}
    assert not {best.claim_a, best.claim_b} & suggested


@pytest.mark.slow
def test_corroboration_counts_no_retracted_report_nor_dispute(db_url: str) -> None:
    seed(db_url)
    with writing(db_url) as session:
        first, second = get_claim(session, "wsj-ru-cpc-share"), get_claim(session, "1")
        link_claims(session, str(first.id), str(second.id), "same")
        assert corroboration(session, first.id).reports == 2
        disputed = next(
            claim_id
            for claim_id in range(1, 140)
            if corroboration(session, claim_id).disputing_claims
        )
        disputers = corroboration(session, disputed).disputing_claims
        retract_claim(session, str(second.id), "wrong")
        for disputer in disputers:
            retract_claim(session, str(disputer), "wrong")
        assert corroboration(session, first.id).reports == 1
        assert corroboration(session, disputed).disputing_claims == []
        index = CorroborationIndex(session)
        assert index.fields([first.id])[first.id]["reports"] == 1
        assert index.corroborations([disputed])[disputed].disputing_claims == []
        assert index.fields([disputed])[disputed]["open_conflicts"] == 0


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        ("Kazakhstan's exports fell.", "Kazakhstans exports fell"),
        ("Kazakhstans exports fell.", "KAZAKHSTAN’S exports fell"),
        ("Экспорт — 80%.", "экспорт - 80%"),
        ("«Ёлка» горит", '"елка"   горит!'),
    ],
)
def test_the_check_on_add_finds_what_duplicate_key_folds(
    db_url: str, recorded: str, typed: str
) -> None:
    with writing(db_url) as session:
        add_outlets(session, [("Alpha", "neutral", "en")])
        add_sources(session, [("src", "Alpha", "2022")])
        add_claims(session, [{"source": "src", "statement": "Another claim."}])
        add_claims(session, [{"source": "src", "statement": recorded}])
        assert find_duplicate(session, 1, typed, None) == Duplicate(2, None, "statement")
        assert find_duplicate(session, 1, None, typed) is None
        assert find_duplicate(session, 1, "Kazakhstan exports rose.", None) is None
