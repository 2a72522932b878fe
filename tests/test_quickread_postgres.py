"""`list` and `show` read from PostgreSQL through psycopg give what the library gives, or
decline (factbase.claims.fastread, on a server): the tests of test_quickread.py, on a
database of their own on the FACTBASE_TEST_PG_URL server."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest
from helpers import PG_SERVER_URL, Cli, _run_database
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_quickread import (
    ANSWERED,
    FILTERS,
    LIST_IN_A_PROCESS,
    ROOT,
    library_page,
    library_view,
)

from factbase.claims import fastread as quickread
from factbase.claims import query as claims_module
from factbase.claims.filter import ClaimFilter
from factbase.store.location import ENV_VAR

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

GENERATED = 700


def _drop(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    assert PG_SERVER_URL
    engine = create_engine(PG_SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        name = make_url(url).database
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed data, generated claims, and claim 500 contradicted by 501 and refined by
    502 (a claim in no cluster with links), on a database of its own."""
    if not PG_SERVER_URL:
        pytest.skip("needs the PostgreSQL server (FACTBASE_TEST_PG_URL)")
    url = _run_database(PG_SERVER_URL)
    try:
        folder = tmp_path_factory.mktemp("quickread-postgres")
        data = folder / "generated.jsonl"
        generator = ROOT / "benchmarks" / "generate.py"
        subprocess.run([sys.executable, generator, str(GENERATED), "-o", data], check=True)
        cli = Cli(url)
        texts = ROOT.parent / "shared" / "seeds"
        cli.ok("seed", *(("--texts", str(texts)) if texts.is_dir() else ()))
        cli.ok("import", str(data))
        cli.ok("link", "500", "501", "--as", "contradicts")
        cli.ok("link", "502", "500", "--as", "refines")
        yield url
    finally:
        _drop(url)


@pytest.fixture
def walk_from(request: pytest.FixtureRequest) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(claims_module, "WALK_BY_DATE_FROM", request.param)
        patch.setattr(quickread, "WALK_BY_DATE_FROM", request.param)
        yield


@pytest.mark.parametrize("walk_from", [0, 2000], indirect=True)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=FILTERS, wide=st.booleans())
def test_on_a_server_the_shortcut_answers_what_the_library_answers_or_declines(
    server: str, walk_from: None, where: ClaimFilter, wide: bool
) -> None:
    from factbase.errors import FactbaseError

    quick = quickread.claims_page(server, where, with_support=wide)
    try:
        expected = library_page(server, where, wide)  # type: ignore[arg-type]
    except FactbaseError:
        assert quick is None
        return
    if quick is not None:
        assert quick == expected


@pytest.mark.parametrize("walk_from", [0, 2000], indirect=True)
@pytest.mark.parametrize("name", ANSWERED)
def test_on_a_server_the_common_listings_are_answered_but_searches(
    server: str, walk_from: None, name: str
) -> None:
    where = ANSWERED[name]
    quick = quickread.claims_page(server, where, with_support=False)
    if where.search:
        assert quick is None  # the server's search indexes are the library's
        return
    assert quick is not None
    assert quick == library_page(server, where, False)  # type: ignore[arg-type]


def test_on_a_server_the_wide_table_is_answered_for_claims_in_no_cluster(server: str) -> None:
    where = ClaimFilter(topic="defence", language="ru")
    quick = quickread.claims_page(server, where, with_support=True)
    assert quick is not None and quick.claims
    assert quick == library_page(server, where, True)  # type: ignore[arg-type]


def test_on_a_server_show_answers_what_the_library_answers_or_declines(server: str) -> None:
    answered = linked = 0
    refs = [str(i) for i in range(1, 160)] + ["wsj-ru-cpc-share", "500", "501", "502", "999999"]
    for ref in refs:
        quick = quickread.claim_view(server, ref)
        if quick is None:
            continue
        assert quick == library_view(server, ref), ref  # type: ignore[arg-type]
        answered += 1
        linked += bool(quick.links)
    assert answered > 50 and linked >= 2, (answered, linked)
    assert quickread.claim_view(server, "999999") is None


def test_other_server_locations_are_left_to_the_library(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert quickread.claim_view(server, "1") is not None
    monkeypatch.setenv(ENV_VAR, server)
    assert quickread.claim_view(None, "1") is not None  # FACTBASE_DB names the server
    assert quickread.claim_view(server + "?application_name=x", "1") is None
    assert quickread.claim_view(server.replace("+psycopg", ""), "1") is None
    assert quickread.claim_view(server.rsplit("/", 1)[0] + "/no_such_database_x", "1") is None


@pytest.mark.parametrize("args", [["list", "--topic", "oil"], ["show", "500"]])
def test_on_a_server_a_list_or_show_process_never_imports_sqlalchemy(
    server: str, args: list[str]
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LIST_IN_A_PROCESS, "--db", server, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert done.returncode == 0, done.stderr
    assert "sqlalchemy imported: False" in done.stderr, done.stderr


@pytest.mark.parametrize("args", [["list", "--topic", "oil", "--wide"], ["show", "500"]])
def test_on_a_server_the_output_is_the_same_whoever_reads_it(
    server: str, args: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(server)
    quick = cli.ok(*args)
    monkeypatch.setattr(quickread, "claim_view", lambda *_args: None)
    monkeypatch.setattr(quickread, "claims_page", lambda *_args, **_kw: None)
    assert cli.ok(*args) == quick
