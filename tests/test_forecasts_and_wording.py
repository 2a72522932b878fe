"""Forecasts (an event dated after its article) and polarity suggested from the wording,
as `add`, `edit`, `show`, the listings and the interchange documents carry them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, add_outlets, add_sources, listed_claims, parse_json, writing

WARNING = (
    "event date {} is after the article's publication 2024-03-15; --forecast records a forecast"
)


@pytest.fixture
def cli(db_url: str) -> Cli:
    with writing(db_url) as session:
        add_outlets(session, [("Outlet", "neutral", "en")])
        add_sources(session, [("dated", "Outlet", "2024-03-15"), ("undated", "Outlet", "")])
    return Cli(db_url)


def _claim(cli: Cli, ref: str) -> dict[str, Any]:
    [record] = parse_json(cli.ok("show", ref, "--format", "json"))
    assert isinstance(record, dict)
    return record


# (an event date after 2024-03-15 and its ISO form, a twin before it), in four languages.
AFTER = [
    ("1 May 2024", "2024-05-01", "1 March 2024"),
    ("1 мая 2024", "2024-05-01", "1 марта 2024"),
    ("1 май 2024", "2024-05-01", "1 март 2024"),
    ("1 травня 2024", "2024-05-01", "1 березня 2024"),
    ("квітень 2024", "2024-04", "березень 2024"),  # a month wholly after, a month around it
    ("next tuesday", "2024-03-19", "вчера"),
]


@pytest.mark.parametrize(("later", "iso", "earlier"), AFTER)
def test_an_event_after_the_publication_is_a_warning(
    cli: Cli, later: str, iso: str, earlier: str
) -> None:
    outcome = cli.ok("add", "It will happen.", "-s", "dated", "--event-date", later, "--key", "a")
    assert WARNING.format(iso) in outcome.stderr
    assert _claim(cli, "a")["forecast"] is False
    twin = cli.ok("add", "It happened.", "-s", "dated", "--event-date", earlier, "--key", "b")
    assert "after the article's publication" not in twin.stderr


@pytest.mark.parametrize(("later", "iso", "earlier"), AFTER)
def test_forecast_records_it_without_a_warning(
    cli: Cli, later: str, iso: str, earlier: str
) -> None:
    outcome = cli.ok(
        "add", "It will happen.", "-s", "dated", "--event-date", later, "--forecast", "--key", "a"
    )
    assert "after the article's publication" not in outcome.stderr
    record = _claim(cli, "a")
    assert record["forecast"] is True and record["event_date"] == iso
    assert "forecast    yes" in cli.ok("show", "a").stdout
    assert "forecast" not in cli.ok("add", "Before.", "-s", "dated", "--event-date", earlier,
                                    "--key", "b").stderr  # fmt: skip
    assert "forecast " not in cli.ok("show", "b").stdout


def test_no_publication_no_warning(cli: Cli) -> None:
    outcome = cli.ok("add", "It will happen.", "-s", "undated", "--event-date", "2030")
    assert "publication" not in outcome.stderr


def test_edit_sets_and_clears_forecast(cli: Cli) -> None:
    cli.ok("add", "It will happen.", "-s", "dated", "--event-date", "2025", "--key", "a")
    assert "forecast: False → True" in cli.ok("edit", "a", "--forecast").stdout
    assert _claim(cli, "a")["forecast"] is True
    outcome = cli.ok("edit", "a", "--event-date", "2026")
    assert "after the article's publication" not in outcome.stderr
    outcome = cli.ok("edit", "a", "--no-forecast")
    assert _claim(cli, "a")["forecast"] is False
    assert WARNING.format("2026") in outcome.stderr


def _import(cli: Cli, path: Path, claims: list[dict[str, Any]]) -> str:
    path.write_text(json.dumps({"claims": claims}), encoding="utf-8")
    outcome = cli.ok("import", str(path))
    return outcome.stderr + outcome.stdout


def test_import_takes_forecast_and_warns_without_it(cli: Cli, tmp_path: Path) -> None:
    printed = _import(
        cli,
        tmp_path / "in.json",
        [
            {"key": "a", "source": "dated", "statement": "One.", "event_date": "2024-06"},
            {"key": "b", "source": "dated", "statement": "Two.", "event_date": "2024-06",
             "forecast": True},
            {"key": "c", "source": "dated", "statement": "Three.", "event_date": "2024-02"},
        ],
    )  # fmt: skip
    assert "event date 2024-06 is after the article's publication 2024-03-15" in printed
    assert printed.count("after the article's publication") == 1  # record a only
    assert [_claim(cli, k)["forecast"] for k in "abc"] == [False, True, False]


# -- polarity from the wording --------------------------------------------------------

WORDING = [
    ("Kazakhstan is not distancing from Russia.", "Kazakhstan is distancing from Russia."),
    ("Казахстан не отдаляется от России.", "Казахстан отдаляется от России."),
    ("Токаев отказа да признае републиките.", "Токаев прие да признае републиките."),
    ("Казахстан не є союзником Росії.", "Казахстан є союзником Росії."),
]


@pytest.mark.parametrize(("denying", "affirming"), WORDING)
def test_a_claim_without_polarity_takes_it_from_its_words(
    cli: Cli, denying: str, affirming: str
) -> None:
    cli.ok("add", denying, "-s", "dated", "--key", "d")
    cli.ok("add", affirming, "-s", "dated", "--key", "a")
    denied, affirmed = _claim(cli, "d"), _claim(cli, "a")
    assert (denied["polarity"], denied["polarity_suggested"]) == ("denied", True)
    assert (affirmed["polarity"], affirmed["polarity_suggested"]) == ("affirmed", False)
    assert "denied (suggested from the wording)" in cli.ok("show", "d").stdout
    assert "suggested from the wording" not in cli.ok("show", "a").stdout


@pytest.mark.parametrize(("denying", "affirming"), WORDING)
def test_a_given_polarity_wins(cli: Cli, denying: str, affirming: str) -> None:
    cli.ok("add", denying, "-s", "dated", "--polarity", "affirmed", "--key", "d")
    cli.ok("add", affirming, "-s", "dated", "--polarity", "denied", "--key", "a")
    assert (_claim(cli, "d")["polarity"], _claim(cli, "d")["polarity_suggested"]) == (
        "affirmed",
        False,
    )
    assert (_claim(cli, "a")["polarity"], _claim(cli, "a")["polarity_suggested"]) == (
        "denied",
        False,
    )


def test_the_quote_alone_can_deny(cli: Cli) -> None:
    cli.ok("add", "Tokayev on the republics.", "-s", "dated", "--quote", "мы их не признаём",
           "--key", "d")  # fmt: skip
    assert _claim(cli, "d")["polarity_suggested"] is True


def _clear_polarity(cli: Cli, ref: str, **given: str) -> None:
    """A polarity cleared through the library ("" clears a field): read from the words."""
    from factbase.analysis.editing import edit_claim

    with writing(cli.url) as session:
        edit_claim(session, ref, {**given, "polarity": ""})


def test_edit_reads_a_suggested_polarity_again_and_an_explicit_one_clears_it(cli: Cli) -> None:
    cli.ok("add", "Kazakhstan is not distancing from Russia.", "-s", "dated", "--key", "c")
    cli.ok("edit", "c", "--statement", "Kazakhstan is distancing from Russia.")
    assert (_claim(cli, "c")["polarity"], _claim(cli, "c")["polarity_suggested"]) == (
        "affirmed",
        False,
    )
    _clear_polarity(cli, "c", statement="Казахстан не отдаляется от России.")
    assert (_claim(cli, "c")["polarity"], _claim(cli, "c")["polarity_suggested"]) == (
        "denied",
        True,
    )
    outcome = cli.ok("edit", "c", "--polarity", "denied")
    assert "polarity: denied (suggested) → denied" in outcome.stdout
    assert _claim(cli, "c")["polarity_suggested"] is False
    cli.ok("edit", "c", "--statement", "Казахстан отдаляется от России.")
    assert _claim(cli, "c")["polarity"] == "denied"  # a person's polarity stays
    _clear_polarity(cli, "c")
    assert (_claim(cli, "c")["polarity"], _claim(cli, "c")["polarity_suggested"]) == (
        "affirmed",
        False,
    )


def test_import_suggests_and_a_partial_update_reads_the_words_again(
    cli: Cli, tmp_path: Path
) -> None:
    first = tmp_path / "one.json"
    first.write_text(
        json.dumps({"claims": [{"key": "c", "source": "dated", "statement": "Не е съюзник."},
                               {"key": "e", "source": "dated", "statement": "Не е съюзник.",
                                "polarity": "affirmed"}]}),
        encoding="utf-8",
    )  # fmt: skip
    cli.ok("import", str(first))
    assert (_claim(cli, "c")["polarity"], _claim(cli, "c")["polarity_suggested"]) == (
        "denied",
        True,
    )
    assert _claim(cli, "e")["polarity"] == "affirmed"
    second = tmp_path / "two.json"
    second.write_text(
        json.dumps({"claims": [{"key": "c", "statement": "Съюзник е."}]}), encoding="utf-8"
    )
    cli.ok("import", str(second))
    assert (_claim(cli, "c")["polarity"], _claim(cli, "c")["polarity_suggested"]) == (
        "affirmed",
        False,
    )


def test_the_new_fields_reach_listings_exports_and_the_round_trip(cli: Cli, tmp_path: Path) -> None:
    cli.ok("add", "Kazakhstan will not join.", "-s", "dated", "--event-date", "2025",
           "--forecast", "--key", "f")  # fmt: skip
    cli.ok("add", "Kazakhstan joined.", "-s", "dated", "--key", "g")
    [listed_f, listed_g] = sorted(listed_claims(cli), key=lambda row: row["key"])
    assert (listed_f["forecast"], listed_f["polarity_suggested"]) == (True, True)
    assert (listed_g["forecast"], listed_g["polarity_suggested"]) == (False, False)
    rows = list(csv.DictReader(io.StringIO(cli.ok("list", "--format", "csv").stdout)))
    assert {(r["key"], r["forecast"], r["polarity_suggested"]) for r in rows} == {
        ("f", "true", "true"),
        ("g", "false", "false"),
    }
    document = tmp_path / "all.json"
    cli.ok("export", "all", "-o", str(document))
    copy = Cli(str(tmp_path / "copy.db"))  # a database of its own, whatever the backend
    copy.ok("import", str(document))
    for key in "fg":
        before, after = _claim(cli, key), _claim(copy, key)
        for name in ("forecast", "polarity", "polarity_suggested", "event_date"):
            assert before[name] == after[name], (key, name)
