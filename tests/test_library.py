"""factbase used as a library, without the command line."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, date

import pytest
from helpers import PG_URL, snapshot
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

import factbase
from factbase import (
    ClaimFilter,
    ClaimInput,
    Database,
    FactbaseError,
    SourceInput,
    add_claim,
    add_outlet,
    add_source,
    find_claims,
    get_claim,
    get_outlet,
    get_source,
)
from factbase.errors import AlreadyExists, InvalidInput, NotFound
from factbase.store.models import Claim, Outlet, Source

sqlite_only = pytest.mark.skipif(bool(PG_URL), reason="SQLite pragmas and locking")


@pytest.fixture
def library_db(db_url: str) -> Iterator[Database]:
    database = Database.open(db_url)
    yield database
    database.close()


def populate(db: Database) -> None:
    with db.session(write=True) as session:
        add_outlet(session, "SilkBridge.info", "neutral", country="RU", language="ru")
        add_outlet(session, "The Wall Street Journal", "pro-western", country="US")
        add_source(
            session,
            SourceInput(
                outlet="SilkBridge.info",
                title="Казахстан отдаляется от РФ",
                key="silkbridge-wsj",
                url="https://silkbridge.info/example",
                language="ru",
                published="июль 2022",
                cites=["The Wall Street Journal"],
            ),
        )
        add_source(
            session,
            SourceInput(
                outlet="The Wall Street Journal",
                title="Kazakhstan pivots",
                key="wsj",
                language="en",
                published="2022-06-30",
            ),
        )
        add_claim(
            session,
            ClaimInput(
                source="silkbridge-wsj",
                statement="About 80% of Kazakhstan's oil exports pass through the CPC.",
                quote="по которому проходит около 80% экспорта казахстанской нефти",
                language="ru",
                key="cpc-share",
                topics=["oil"],
                subject="CPC",
                value="около 80%",
                as_of="2022",
            ),
        )
        add_claim(
            session,
            ClaimInput(
                source="wsj",
                statement="Kazakhstan did not recognise the separatist republics.",
                language="en",
                key="recognition",
                topics=["politics"],
                polarity="denied",
            ),
        )


def test_public_api_is_importable_from_the_package() -> None:
    for name in factbase.__all__:
        assert getattr(factbase, name) is not None
    with pytest.raises(AttributeError):
        factbase.no_such_name  # noqa: B018


def test_add_and_find_claims(library_db: Database) -> None:
    populate(library_db)
    with library_db.session() as session:
        everything = find_claims(session, ClaimFilter(limit=None))
        assert sorted(c.key for c in everything) == ["cpc-share", "recognition"]

        [cpc] = find_claims(session, ClaimFilter(topic="oil"))
        assert cpc.key == "cpc-share"
        assert cpc.value_num == pytest.approx(80.0) and cpc.value_unit == "%"
        assert cpc.value_qualifier == "approx"
        assert (cpc.as_of, cpc.as_of_end, cpc.as_of_precision) == (
            date(2022, 1, 1),
            date(2022, 12, 31),
            "year",
        )
        assert cpc.source.key == "silkbridge-wsj"
        assert cpc.source.outlet.name == "SilkBridge.info"
        assert [o.name for o in cpc.source.cites] == ["The Wall Street Journal"]
        assert cpc.topic_slugs == ["oil"]
        assert cpc.created_at.tzinfo is not None
        assert cpc.created_at.utcoffset() == UTC.utcoffset(None)

        [denied] = find_claims(session, ClaimFilter(stance="pro-western", language="en"))
        assert (denied.key, denied.polarity) == ("recognition", "denied")
        assert find_claims(session, ClaimFilter(since="1 July 2022")) == [cpc]
        assert find_claims(session, ClaimFilter(until="30 июня 2022")) == [denied]
        assert find_claims(session, ClaimFilter(search="НЕФТИ")) == [cpc]
        assert find_claims(session, ClaimFilter(outlet="silkbridge.info", topic="politics")) == []

        assert get_claim(session, "cpc-share").id == cpc.id
        assert get_claim(session, cpc.id).key == "cpc-share"
        assert get_source(session, "https://silkbridge.info/example").key == "silkbridge-wsj"
        assert get_outlet(session, "the wall street journal").stance == "pro-western"


def test_claims_are_visible_to_another_connection(db_url: str, library_db: Database) -> None:
    populate(library_db)
    other = Database.open(db_url)
    try:
        with other.session() as session:
            assert sorted(session.scalars(select(Claim.key))) == ["cpc-share", "recognition"]
    finally:
        other.close()


def test_lookup_errors_are_factbase_errors(library_db: Database) -> None:
    populate(library_db)
    with library_db.session() as session:
        with pytest.raises(NotFound):
            get_claim(session, 999)
        with pytest.raises(NotFound):
            get_source(session, "nope")
        with pytest.raises(NotFound):
            find_claims(session, ClaimFilter(topic="nope"))
        with pytest.raises(InvalidInput):
            find_claims(session, ClaimFilter(limit=-1))
        with pytest.raises(FactbaseError):
            find_claims(session, ClaimFilter(since="1718000000"))


def test_a_failure_inside_a_write_session_rolls_everything_back(
    db_url: str, library_db: Database
) -> None:
    populate(library_db)
    before = snapshot(db_url)
    with pytest.raises(RuntimeError, match="stop"), library_db.session(write=True) as session:
        add_outlet(session, "Ukrinform", "pro-ukrainian")
        add_source(session, SourceInput(outlet="Ukrinform", title="T", key="u", language="uk"))
        add_claim(session, ClaimInput(source="u", statement="X.", topics=["new-topic"]))
        session.flush()
        raise RuntimeError("stop")
    assert snapshot(db_url) == before


def test_a_domain_error_half_way_rolls_back_what_came_before(
    db_url: str, library_db: Database
) -> None:
    populate(library_db)
    before = snapshot(db_url)
    with pytest.raises(AlreadyExists), library_db.session(write=True) as session:
        add_outlet(session, "Ukrinform", "pro-ukrainian")
        add_claim(session, ClaimInput(source="wsj", statement="Dup.", key="cpc-share"))
    assert snapshot(db_url) == before
    with library_db.session() as session:
        assert session.scalar(select(Outlet).where(Outlet.name == "Ukrinform")) is None


def test_a_session_that_does_not_commit_keeps_nothing(db_url: str, library_db: Database) -> None:
    before = snapshot(db_url)
    with library_db.session(write=True, commit=False) as session:
        add_outlet(session, "Dry run", "neutral")
        assert session.scalar(select(Outlet.name)) == "Dry run"
    assert snapshot(db_url) == before


# The session reports a violated constraint either as the driver's IntegrityError or
# translated into a FactbaseError; either way the message names the constraint.
CONSTRAINT_FAILED = (IntegrityError, FactbaseError)


def test_foreign_keys_are_enforced(db_url: str, library_db: Database) -> None:
    before = snapshot(db_url)
    with (
        pytest.raises(CONSTRAINT_FAILED, match=r"(?i)foreign key"),
        library_db.session(write=True) as session,
    ):
        session.add(Claim(source_id=424242, statement="Orphan.", search_text="orphan."))
        session.flush()
    with (
        pytest.raises(CONSTRAINT_FAILED, match=r"(?i)foreign key"),
        library_db.session(write=True) as session,
    ):
        session.execute(
            text(
                "INSERT INTO claim (source_id, statement, polarity, status, search_text, "
                "created_at, updated_at) VALUES (424242, 'x', 'affirmed', 'unverified', 'x', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    assert snapshot(db_url) == before


def test_an_outlet_with_sources_cannot_be_deleted(library_db: Database) -> None:
    populate(library_db)
    with (
        pytest.raises(CONSTRAINT_FAILED, match=r"(?i)foreign key"),
        library_db.session(write=True) as session,
    ):
        session.execute(text("DELETE FROM outlet WHERE name = 'The Wall Street Journal'"))
    with library_db.session() as session:
        assert session.scalar(select(Source.key).where(Source.key == "wsj")) == "wsj"


def test_check_constraints_are_enforced(library_db: Database) -> None:
    populate(library_db)
    with library_db.session() as session:
        source_id = session.scalar(select(Source.id).where(Source.key == "wsj"))
    with (
        pytest.raises(CONSTRAINT_FAILED, match="ck_claim_polarity"),
        library_db.session(write=True) as session,
    ):
        session.add(
            Claim(source_id=source_id, statement="Bad.", search_text="bad.", polarity="maybe")
        )
        session.flush()


@sqlite_only
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(library_db: Database) -> None:
    with library_db.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _try_begin_immediate(path: str) -> str | None:
    """None if another connection can take the write lock now, else SQLite's error."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return None
    except sqlite3.OperationalError as exc:
        return str(exc)
    finally:
        other.close()


@sqlite_only
def test_a_write_session_takes_the_write_lock_at_begin(db_url: str, library_db: Database) -> None:
    with library_db.session(write=True) as session:
        session.execute(text("SELECT 1")).scalar()  # only reads so far
        assert _try_begin_immediate(db_url) == "database is locked"
    assert _try_begin_immediate(db_url) is None


@sqlite_only
def test_a_read_session_does_not_take_the_write_lock(db_url: str, library_db: Database) -> None:
    with library_db.session() as session:
        session.execute(text("SELECT count(*) FROM claim")).scalar()
        assert _try_begin_immediate(db_url) is None
