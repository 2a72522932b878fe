"""Exports: safe CSV cells, atomic files, and on the seed data bulk corroboration, the
interchange round trip and schema.org JSON-LD (hand-made cases: test_interchange.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import PG_URL, Cli, reset_postgres, schema_org_only

from factbase.analysis.corroboration import CorroborationIndex, corroboration_fields
from factbase.claims.filter import ClaimFilter, Sort
from factbase.interchange.exports import (
    CLAIM_EXPORT_COLUMNS,
    atomic_output,
    claim_rows,
    csv_cell,
    number_text,
)
from factbase.store.database import Database

# -- cells ------------------------------------------------------------------------------

FORMULAS = [
    "=1+1",
    "+7 999",
    "-2+3",
    "@SUM(A1)",
    "\tcmd",
    "\rx",
    "\nx",
    "＝1+1",
    "＋1",
    "－1",
    "＠x",
    " =HYPERLINK(1)",
    '=HYPERLINK("http://x","y")',
]


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_a_spreadsheet_would_run_is_neutralised(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Казахстан", "a-b", "80%", "e=mc2", "", "'quoted"])
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert csv_cell(text) == text


@pytest.mark.parametrize(
    ("value", "cell"),
    [(-5, "-5"), (-5.0, "-5"), (80.0, "80"), (0.5, "0.5"), (-2.5e-7, "-2.5e-07"), (3, "3")],
)
def test_numbers_stay_numbers(value: float, cell: str) -> None:
    assert csv_cell(value) == cell == number_text(value)


def test_lists_booleans_and_nothing() -> None:
    assert csv_cell(["oil", "gas"]) == "oil; gas"
    assert csv_cell(["=x"]) == "'=x"
    assert csv_cell(True) == "true"
    assert csv_cell(None) == ""


# -- atomic files -----------------------------------------------------------------------


def test_a_file_appears_only_when_complete(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    with atomic_output(target) as out:
        out.write("a,b\r\n")
        assert not target.exists()
        assert len(list(tmp_path.iterdir())) == 1
    assert target.read_bytes() == b"a,b\r\n"
    assert list(tmp_path.iterdir()) == [target]


@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, error: type[BaseException]
) -> None:
    target = tmp_path / "out.json"
    target.write_text("old")
    with pytest.raises(error), atomic_output(target) as out:
        out.write("half")
        raise error()
    assert target.read_text() == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_a_bom_for_excel(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    with atomic_output(target, bom=True) as out:
        out.write("Казахстан")
    assert target.read_bytes() == "\ufeffКазахстан".encode()


# -- seed data --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed data plus a cluster: two `same` links and one `supports`."""
    if PG_URL:
        reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = str(tmp_path_factory.mktemp("seeded") / "seeded.db")
    cli = Cli(url)
    cli.ok("seed")
    cli.ok("link", "bg-distancing-from-russia", "wsj-ru-distancing-from-russia", "--as", "same")
    cli.ok("link", "wsj-ru-distancing-from-russia", "1", "--as", "supports")
    cli.ok("link", "2", "3", "--as", "same")
    return url


@pytest.fixture(scope="module")
def seeded_db(seeded_url: str) -> Any:
    db = Database.open(seeded_url)
    yield db
    db.close()


@pytest.mark.slow
def test_bulk_corroboration_agrees_with_the_one_claim_at_a_time_version(seeded_db: Any) -> None:
    with seeded_db.session() as session:
        rows = list(claim_rows(session, ClaimFilter(limit=None, sort=Sort.ID)))
        assert len(rows) == 139
        for row in rows:
            expected = corroboration_fields(session, row["id"])
            assert {k: row[k] for k in expected} == expected, row["id"]
        assert any(row["reports"] > 1 for row in rows)
        assert any(row["open_conflicts"] for row in rows)
        assert all(list(row) == list(CLAIM_EXPORT_COLUMNS) for row in rows)


def test_index_chunks_give_the_same_answer(seeded_db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    with seeded_db.session() as session:
        whole = CorroborationIndex(session).fields(range(1, 132))
        monkeypatch.setattr(CorroborationIndex, "CHUNK", 7)
        assert CorroborationIndex(session).fields(range(1, 132)) == whole


def test_rows_match_list_output(seeded_url: str, seeded_db: Any) -> None:
    listed = json.loads(Cli(seeded_url).ok("list", "-f", "json", "--limit", "0").stdout)
    with seeded_db.session() as session:
        rows = {row["id"]: row for row in claim_rows(session, ClaimFilter(limit=None))}
    assert {row["id"]: row for row in listed} == rows


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_round_trip_through_an_empty_database_is_exact(
    seeded_url: str, tmp_path: Path, fmt: str
) -> None:
    first = tmp_path / f"first.{fmt}"
    second = tmp_path / f"second.{fmt}"
    Cli(seeded_url).ok("export", "all", "-o", str(first))
    if PG_URL:
        pytest.skip("the round trip needs a second database; covered on SQLite")
    other = Cli(str(tmp_path / "empty.db"))
    other.ok("import", str(first))
    other.ok("export", "all", "-o", str(second))
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    text = first.read_text(encoding="utf-8")
    assert "Казахстан" in text and "\\u04" not in text
    claims_a = json.loads(Cli(seeded_url).ok("export", "claims", "-f", "json").stdout)
    claims_b = json.loads(other.ok("export", "claims", "-f", "json").stdout)
    volatile = {"id", "source_id", "created_at", "updated_at"}
    assert [{k: v for k, v in row.items() if k not in volatile} for row in claims_a] == [
        {k: v for k, v in row.items() if k not in volatile} for row in claims_b
    ]


def test_claimreview_expands_with_a_json_ld_processor_without_the_network(
    seeded_url: str,
) -> None:
    from pyld import jsonld

    cli = Cli(seeded_url)
    document = json.loads(cli.ok("export", "claims", "-f", "claimreview").stdout)

    expanded = jsonld.expand(document, {"documentLoader": schema_org_only})
    schema = "http://schema.org/"
    claims = [n for n in expanded if n["@type"] == [schema + "Claim"]]
    assert len(claims) == 139
    cpc = next(n for n in claims if n["@id"] == "urn:factbase:claim:wsj-ru-cpc-share")
    assert cpc[schema + "appearance"][0][schema + "headline"][0]["@value"].startswith("Казахстан")
    assert schema + "firstAppearance" in cpc
    assert cpc[schema + "author"][0][schema + "name"][0]["@value"] == "The Wall Street Journal"
    clustered = next(
        n for n in claims if n["@id"] == "urn:factbase:claim:bg-distancing-from-russia"
    )
    assert len(clustered[schema + "appearance"]) == 2  # its own source and the WSJ reprint's
