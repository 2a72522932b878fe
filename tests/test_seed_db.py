"""The bundled seed dataset once it is in a database: `factbase seed`, then read it back.

The read-only tests share one seeded database per module (seeding takes seconds): a SQLite file
from tmp_path_factory, or, when FACTBASE_TEST_PG_URL is set, that PostgreSQL database reset and
seeded once for this module (no test here uses the function-scoped fixtures that reset it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from helpers import PG_URL, Cli, import_counts, listed_claims, reset_postgres
from sqlalchemy import func, select

from factbase.catalog.starter import starter_records
from factbase.interchange.importer import seed_files
from factbase.store.database import Database
from factbase.store.models import Claim, ClaimTopic, Outlet, Source
from factbase.text.dates import parse_date
from factbase.text.language import fold

SEED_LANGUAGES = {"bg", "ru", "uk"}


@pytest.fixture(scope="module")
def seed_data() -> dict[str, list[dict[str, Any]]]:
    """Every section of every bundled seed file, as written."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in seed_files():
        for section, records in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            merged.setdefault(section, []).extend(records or [])
    # The seed files its claims under the starter vocabulary every database has.
    merged.setdefault("topics", []).extend(starter_records())
    return merged


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if PG_URL:
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = str(tmp_path_factory.mktemp("seeded") / "seeded.db")
    Cli(url).ok("seed")
    return url


@pytest.fixture
def seeded(seeded_url: str) -> Cli:
    return Cli(seeded_url)


@pytest.fixture(scope="module")
def all_claims(seeded_url: str) -> list[dict[str, Any]]:
    """`factbase list --format json --limit 0` of the seeded database, listed once."""
    return listed_claims(Cli(seeded_url))


def ids(rows: list[dict[str, Any]]) -> set[int]:
    return {int(row["id"]) for row in rows}


def test_seed_files_ship_with_the_package() -> None:
    files = seed_files()
    assert [path.name for path in files] == sorted(path.name for path in files)
    assert "kazakhstan.yaml" in [path.name for path in files]


@pytest.mark.slow
def test_every_claim_has_a_source_a_language_and_a_topic(
    all_claims: list[dict[str, Any]], seeded_url: str, seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    rows = all_claims
    assert len(rows) >= 60
    assert len(rows) == len(seed_data["claims"])
    assert {row["key"] for row in rows} == {claim["key"] for claim in seed_data["claims"]}
    source_keys = {source["key"] for source in seed_data["sources"]}
    for row in rows:
        assert row["source_id"] is not None and row["source_key"] in source_keys, row["key"]
        assert row["language"] in SEED_LANGUAGES, row["key"]
        assert row["topics"], row["key"]
        assert row["statement"] and row["quote"], row["key"]
    database = Database.open(seeded_url)
    try:
        with database.session() as session:
            untopical = select(Claim.id).where(
                ~Claim.id.in_(select(ClaimTopic.claim_id).distinct())
            )
            assert session.scalars(untopical).all() == []
            assert session.scalar(select(func.count()).select_from(Source)) == len(source_keys)
    finally:
        database.close()


def test_stored_claims_match_the_seed_file(
    all_claims: list[dict[str, Any]], seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    rows = {row["key"]: row for row in all_claims}
    for claim in seed_data["claims"]:
        row = rows[claim["key"]]
        assert row["source_key"] == claim["source"]
        assert row["language"] == claim.get("language", row["language"])
        if "value" in claim:
            assert row["value"] == claim["value"], claim["key"]
        if "value_num" in claim:
            assert row["value_num"] == claim["value_num"], claim["key"]
        if "value" not in claim and "value_num" not in claim:
            assert row["value"] is None, claim["key"]
        if claim.get("topics"):
            assert row["topics"] == sorted(claim["topics"]), claim["key"]


def test_oil_claims_come_in_all_three_languages(seeded: Cli) -> None:
    oil = listed_claims(seeded, "--topic", "oil")
    assert oil
    assert {row["language"] for row in oil} == SEED_LANGUAGES
    assert all("oil" in row["topics"] for row in oil)
    by_language = {
        language: listed_claims(seeded, "--topic", "oil", "--lang", language)
        for language in sorted(SEED_LANGUAGES)
    }
    assert all(by_language.values())
    assert sum(len(rows) for rows in by_language.values()) == len(oil)


def test_energy_includes_the_claims_of_its_child_topics(
    seeded: Cli, all_claims: list[dict[str, Any]], seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    under_energy = {"energy"}
    for topic in seed_data["topics"]:  # parents come before their children in the file
        if topic.get("parent") in under_energy:
            under_energy.add(topic["slug"])
    assert {"oil", "gas"} <= under_energy
    energy = listed_claims(seeded, "--topic", "energy")
    oil = listed_claims(seeded, "--topic", "oil")
    assert ids(oil) <= ids(energy)
    assert all(under_energy & set(row["topics"]) for row in energy)
    expected = {int(row["id"]) for row in all_claims if under_energy & set(row["topics"])}
    assert ids(energy) == expected


def test_subject_aliases_find_the_same_claims(
    seeded: Cli, seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    cpc = next(e for e in seed_data["entities"] if "КТК" in e.get("aliases", []))
    spellings = {fold(name) for name in [cpc["name"], *cpc["aliases"]]}
    expected = {
        claim["key"]
        for claim in seed_data["claims"]
        if fold(claim.get("subject") or "") in spellings
    }
    assert len(expected) >= 3
    by_alias = {
        alias: {row["key"] for row in listed_claims(seeded, "--subject", alias)}
        for alias in ("КТК", "CPC", cpc["name"], "ктк")
    }
    assert by_alias == dict.fromkeys(by_alias, expected)


def test_outlets_carry_the_stances_of_the_seed(
    seeded: Cli, seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    rows = json.loads(seeded.ok("outlet", "list", "--format", "json").stdout)
    stances = {row["name"]: row["stance"] for row in rows}
    expected = {outlet["name"]: outlet["stance"] for outlet in seed_data["outlets"]}
    assert {name: stances.get(name) for name in expected} == expected
    for name in set(stances) - set(expected):  # only relayed outlets come from elsewhere
        assert stances[name] == "unrated", name
    assert {"pro-western", "pro-kremlin", "pro-ukrainian", "neutral"} <= set(stances.values())


def test_outlet_rows_keep_country_and_language(
    seeded_url: str, seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    database = Database.open(seeded_url)
    try:
        with database.session() as session:
            stored = {o.name: (o.country, o.language) for o in session.scalars(select(Outlet))}
    finally:
        database.close()
    for outlet in seed_data["outlets"]:
        assert stored[outlet["name"]] == (outlet.get("country"), outlet.get("language"))


def test_sources_keep_the_date_precision_of_the_seed(
    seeded: Cli, seed_data: dict[str, list[dict[str, Any]]]
) -> None:
    rows = {row["key"]: row for row in json.loads(seeded.ok("source", "list", "-f", "json").stdout)}
    assert rows["ua-wp-tokayev-distancing"]["published"] == "2022-12-01"  # "1 грудня 2022"
    # The relay of a WSJ piece of 24 July 2022: the year, since the text gives no more.
    assert rows["silkbridge-wsj-kz-distancing"]["published"] == "2022"
    assert rows["ru-tokayev-defence-space"]["published"] == "2024-08-11"
    assert rows["ru-tokayev-defence-space"]["retrieved"] == "2024-11-27"
    for source in seed_data["sources"]:
        row = rows[source["key"]]
        written = source.get("published")
        assert row["published"] == (parse_date(written).iso() if written else None)
        precision = parse_date(written).precision if written else None
        pattern = {"day": r"\d{4}-\d{2}-\d{2}", "month": r"\d{4}-\d{2}", "year": r"\d{4}"}
        if precision is not None:
            assert re.fullmatch(pattern[str(precision)], row["published"]), row
        assert row["language"] == source.get("language")
        assert row["outlet"] == source["outlet"]
        assert sorted(row["cites"]) == sorted(source.get("cites") or [])
    month_sources = [
        key for key, row in rows.items() if re.fullmatch(r"\d{4}-\d{2}", row["published"])
    ]
    assert len(month_sources) >= 2


def test_claims_show_their_source_date_and_stance(all_claims: list[dict[str, Any]]) -> None:
    rows = {row["key"]: row for row in all_claims}
    ukrainian = [row for row in rows.values() if row["source_key"] == "ua-wp-tokayev-distancing"]
    assert ukrainian
    assert {row["published"] for row in ukrainian} == {"2022-12-01"}
    assert {row["stance"] for row in ukrainian} == {"pro-ukrainian"}
    assert {row["language"] for row in ukrainian} == {"uk"}


def _factbase_executable() -> str:
    beside = Path(sys.executable).with_name("factbase")
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("factbase")
    if found is None:
        pytest.fail("the factbase executable is not installed next to Python or on PATH")
    return found


@pytest.mark.slow
def test_installed_executable_seeds_from_another_directory(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    database = tmp_path / "fresh.db"
    env = {key: value for key, value in os.environ.items() if key != "FACTBASE_DB"}
    command = [_factbase_executable(), "--db", str(database)]

    seed = subprocess.run(
        [*command, "seed", "--format", "json"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert seed.returncode == 0, seed.stderr
    assert "Traceback" not in seed.stderr
    summary = json.loads(seed.stdout)
    assert import_counts(summary)["claims added"] >= 60
    assert import_counts(summary)["sources added"] == 5

    oil = listed_claims(Cli(str(database)), "--topic", "oil")
    assert {row["language"] for row in oil} == SEED_LANGUAGES
    assert database.is_file()
    assert list(elsewhere.iterdir()) == []  # nothing written to the working directory
