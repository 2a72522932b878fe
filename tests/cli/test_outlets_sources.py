"""`factbase outlet …`, `stance …`, `source …`, and the machine formats of every list."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date

import pytest
from helpers import Cli, as_date, query, records, snapshot

DEFAULT_STANCES = [
    "neutral",
    "pro-kremlin",
    "pro-ukrainian",
    "pro-western",
    "state-affiliated",
    "unrated",
]


def assert_error(cli: Cli, args: tuple[str, ...], *fragments: str, code: int = 1) -> str:
    """The command fails with one stderr line, and the database is left as it was."""
    before = snapshot(cli.url)
    out = cli(*args)
    assert out.exit_code == code, (out.exit_code, out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("factbase: error: "), out.stderr
    for fragment in fragments:
        assert fragment in lines[0], out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert snapshot(cli.url) == before
    return lines[0]


OUTLET_ARGS = (
    "outlet",
    "add",
    "SilkBridge.info",
    "--stance",
    "neutral",
    "--country",
    "ru",
    "--language",
    "RU",
    "--homepage",
    "https://silkbridge.info",
    "--note",
    "China-focused news site; relays Western reporting.",
)


@pytest.fixture
def outlet(cli: Cli) -> Cli:
    """The outlet `outlet add` makes in the first test, made through the library (faster)."""
    from factbase import Database, add_outlet

    db = Database.open(cli.url)
    try:
        with db.session(write=True) as session:
            add_outlet(
                session,
                "SilkBridge.info",
                "neutral",
                country="RU",
                language="ru",
                homepage="https://silkbridge.info",
                note="China-focused news site; relays Western reporting.",
            )
    finally:
        db.close()
    return cli


# -- outlets -------------------------------------------------------------------------


def test_outlet_add_stores_every_field(cli: Cli) -> None:
    outlet = cli
    cli.ok(*OUTLET_ARGS)
    [row] = query(outlet.url, "SELECT * FROM outlet")
    assert row["name"] == "SilkBridge.info"
    assert row["stance"] == "neutral"
    assert row["country"] == "RU"
    assert row["language"] == "ru"
    assert row["homepage"] == "https://silkbridge.info"
    assert row["note"] == "China-focused news site; relays Western reporting."
    [listed] = records(outlet, "outlet", "list")
    assert listed == {
        "id": row["id"],
        "name": "SilkBridge.info",
        "stance": "neutral",
        "country": "RU",
        "language": "ru",
        "homepage": "https://silkbridge.info",
        "note": "China-focused news site; relays Western reporting.",
        "sources": 0,
        "claims": 0,
    }


def test_outlet_add_reports_the_new_outlet(cli: Cli) -> None:
    out = cli.ok("outlet", "add", "Ukrinform", "--stance", "pro-ukrainian")
    [row] = query(cli.url, "SELECT id FROM outlet")
    assert out.stdout.strip() == f"added outlet {row['id']} Ukrinform (pro-ukrainian)"


def test_outlet_stance_is_required(cli: Cli) -> None:
    assert_error(cli, ("outlet", "add", "Ukrinform"), "--stance", code=2)


def test_unknown_stance_error_lists_the_known_ones(cli: Cli) -> None:
    line = assert_error(cli, ("outlet", "add", "X", "--stance", "pro-martian"), "pro-martian")
    for stance in DEFAULT_STANCES:
        assert stance in line


@pytest.mark.parametrize("duplicate", ["silkbridge.INFO", "SILKBRIDGE.INFO", " SilkBridge.info "])
def test_duplicate_outlet_name_is_rejected_case_insensitively(outlet: Cli, duplicate: str) -> None:
    assert_error(outlet, ("outlet", "add", duplicate, "--stance", "pro-western"), "exists")
    assert len(query(outlet.url, "SELECT id FROM outlet")) == 1


def test_outlet_names_fold_yo_to_e(cli: Cli) -> None:
    cli.ok("outlet", "add", "Ёлки-Палки", "--stance", "neutral")
    assert_error(cli, ("outlet", "add", "елки-палки", "--stance", "neutral"))


@pytest.mark.parametrize(
    ("option", "value"),
    [("--country", "RUS"), ("--country", "1"), ("--language", "xx"), ("--language", "rus")],
)
def test_outlet_add_validates_country_and_language(cli: Cli, option: str, value: str) -> None:
    assert_error(cli, ("outlet", "add", "X", "--stance", "neutral", option, value), value)


def test_an_outlet_named_with_digits_can_be_used_by_name(cli: Cli) -> None:
    if cli("outlet", "add", "112", "--stance", "neutral").exit_code != 0:
        return  # refusing such a name up front would be fine too
    cli.ok("source", "add", "--outlet", "112", "--title", "T", "--key", "k", "--language", "uk")
    [record] = records(cli, "source", "show", "k")
    assert record["outlet"] == "112"


def test_outlet_edit_changes_every_field(outlet: Cli) -> None:
    cli = outlet
    out = cli.ok(
        "outlet", "edit", "silkbridge.info", "--stance", "pro-kremlin", "--country", "kz",
        "--language", "en", "--homepage", "https://silkbridge.kz", "--note", "Re-rated.",
    )  # fmt: skip
    assert out.stdout.startswith("updated: outlet")
    [row] = query(cli.url, "SELECT * FROM outlet")
    assert (row["stance"], row["country"], row["language"]) == ("pro-kremlin", "KZ", "en")
    assert (row["homepage"], row["note"]) == ("https://silkbridge.kz", "Re-rated.")
    assert row["name"] == "SilkBridge.info"


def test_outlet_edit_by_id_and_unchanged(outlet: Cli) -> None:
    cli = outlet
    [row] = query(cli.url, "SELECT id FROM outlet")
    cli.ok("outlet", "edit", str(row["id"]), "--stance", "pro-western")
    assert query(cli.url, "SELECT stance FROM outlet") == [{"stance": "pro-western"}]
    before = snapshot(cli.url)
    out = cli.ok("outlet", "edit", str(row["id"]), "--stance", "pro-western")
    assert out.stdout.startswith("unchanged: outlet")
    assert snapshot(cli.url) == before


def test_outlet_edit_errors_change_nothing(outlet: Cli) -> None:
    assert_error(outlet, ("outlet", "edit", "nosuch", "--stance", "neutral"), "nosuch")
    assert_error(outlet, ("outlet", "edit", "SilkBridge.info", "--stance", "bogus"), "bogus")
    assert_error(
        outlet,
        ("outlet", "edit", "SilkBridge.info", "--note", "kept?", "--country", "XYZ"),
        "XYZ",
    )


def test_outlet_list_filters_by_stance_and_counts(outlet: Cli) -> None:
    cli = outlet
    cli.ok("outlet", "add", "The Wall Street Journal", "--stance", "pro-western")
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "A", "--key", "a",
           "--language", "ru")  # fmt: skip
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "B", "--key", "b",
           "--language", "ru")  # fmt: skip
    cli.ok("topics", "add", "oil")
    cli.ok("add", "One.", "-s", "a", "-t", "oil", "--language", "en")
    cli.ok("add", "Two.", "-s", "a", "-t", "oil", "--language", "en")
    cli.ok("add", "Three.", "-s", "b", "-t", "oil", "--language", "en")
    rows = records(cli, "outlet", "list")
    assert [(r["name"], r["sources"], r["claims"]) for r in rows] == [
        ("SilkBridge.info", 2, 3),
        ("The Wall Street Journal", 0, 0),
    ]
    assert [r["name"] for r in records(cli, "outlet", "list", "--stance", "pro-western")] == [
        "The Wall Street Journal"
    ]
    assert_error(cli, ("outlet", "list", "--stance", "nope"), "nope")


# -- stances -------------------------------------------------------------------------


def test_stance_list_has_the_defaults(cli: Cli) -> None:
    rows = records(cli, "stance", "list")
    assert [row["name"] for row in rows] == DEFAULT_STANCES
    assert all(row["description"] and row["colour"] for row in rows)
    table = cli.ok("stance", "list").stdout
    for name in DEFAULT_STANCES:
        assert name in table


def test_own_stance_is_usable_afterwards(cli: Cli) -> None:
    out = cli.ok("stance", "add", "pro-turkish", "--description", "Aligned with Turkey",
                 "--colour", "cyan")  # fmt: skip
    assert "pro-turkish" in out.stdout
    assert {"name": "pro-turkish", "description": "Aligned with Turkey", "colour": "cyan"} in (
        records(cli, "stance", "list")
    )
    cli.ok("outlet", "add", "TRT World", "--stance", "pro-turkish")
    cli.ok("outlet", "add", "Anadolu", "--stance", "PRO-TURKISH")
    rows = records(cli, "outlet", "list", "--stance", "pro-turkish")
    assert sorted(r["name"] for r in rows) == ["Anadolu", "TRT World"]
    assert {r["stance"] for r in rows} == {"pro-turkish"}


@pytest.mark.parametrize(
    "name", ["pro western", "pro_western", "-western", "1st", "pro--western", ""]
)
def test_invalid_stance_names_are_rejected(cli: Cli, name: str) -> None:
    assert_error(cli, ("stance", "add", "--", name))
    assert [r["name"] for r in records(cli, "stance", "list")] == DEFAULT_STANCES


def test_duplicate_stance_and_bad_colour_are_rejected(cli: Cli) -> None:
    assert_error(cli, ("stance", "add", "neutral"), "neutral")
    assert_error(cli, ("stance", "add", "pro-turkish", "--colour", "no-such-colour"), code=2)


# -- sources -------------------------------------------------------------------------


def test_source_add_stores_every_field(outlet: Cli) -> None:
    cli = outlet
    out = cli.ok(
        "source", "add", "--outlet", "silkbridge.info",
        "--title", "Казахстан отдаляется от РФ в сторону Китая и Турции",
        "--key", "silkbridge-wsj", "--url", "https://silkbridge.info/example",
        "--language", "RU", "--published", "июль 2022", "--author", "Ivan Petrov",
        "--retrieved", "27 November 2024", "--cites", "The Wall Street Journal",
        "--note", "Date inferred.",
    )  # fmt: skip
    [row] = query(cli.url, "SELECT * FROM source")
    assert out.stdout.strip() == (
        f"added source {row['id']} (silkbridge-wsj): "
        "Казахстан отдаляется от РФ в сторону Китая и Турции"
    )
    [silkbridge] = query(cli.url, "SELECT id FROM outlet WHERE name = 'SilkBridge.info'")
    assert row["outlet_id"] == silkbridge["id"]
    assert (row["key"], row["url"], row["language"]) == (
        "silkbridge-wsj",
        "https://silkbridge.info/example",
        "ru",
    )
    assert as_date(row["published"]) == date(2022, 7, 1)
    assert as_date(row["published_end"]) == date(2022, 7, 31)
    assert row["published_precision"] == "month"
    assert as_date(row["retrieved"]) == date(2024, 11, 27)
    assert row["retrieved_precision"] == "day"
    assert (row["author"], row["note"]) == ("Ivan Petrov", "Date inferred.")


@pytest.mark.parametrize(
    ("written", "shown", "start", "end", "precision"),
    [
        ("2022", "2022", date(2022, 1, 1), date(2022, 12, 31), "year"),
        ("ноябрь 2023", "2023-11", date(2023, 11, 1), date(2023, 11, 30), "month"),
        ("1 грудня 2022", "2022-12-01", date(2022, 12, 1), date(2022, 12, 1), "day"),
    ],
)
def test_source_published_keeps_its_precision(
    outlet: Cli, written: str, shown: str, start: date, end: date, precision: str
) -> None:
    cli = outlet
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--key", "k",
           "--language", "en", "--published", written)  # fmt: skip
    [row] = query(cli.url, "SELECT published, published_end, published_precision FROM source")
    assert (as_date(row["published"]), as_date(row["published_end"])) == (start, end)
    assert row["published_precision"] == precision
    [record] = records(cli, "source", "show", "k")
    assert record["published"] == shown
    page = cli.ok("source", "show", "k").stdout
    assert re.search(rf"^published\s+{re.escape(shown)}\s*$", page, re.MULTILINE)
    [listed] = records(cli, "source", "list")
    assert listed["published"] == shown


@pytest.mark.parametrize(
    ("title", "language"),
    [
        ("Kazakhstan distances itself from Russia amid the war in Ukraine", "en"),
        ("Казахстан отдаляется от России и сближается с Китаем и Турцией", "ru"),
        ("Україна збільшила експорт зерна через чорноморські порти", "uk"),
        ("България увеличава износа на зърно през пристанище Варна", "bg"),
    ],
)
def test_source_language_is_detected_from_the_title(outlet: Cli, title: str, language: str) -> None:
    outlet.ok("source", "add", "--outlet", "SilkBridge.info", "--title", title, "--key", "k")
    assert query(outlet.url, "SELECT language FROM source") == [{"language": language}]


def test_source_language_is_validated(outlet: Cli) -> None:
    assert_error(
        outlet,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--language", "xx"),
        "xx",
    )
    assert_error(
        outlet,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--language", "rus"),
        "rus",
    )


def test_source_key_and_url_are_unique(outlet: Cli) -> None:
    cli = outlet
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "A", "--key", "a",
           "--url", "https://silkbridge.info/a", "--language", "en")  # fmt: skip
    assert_error(
        cli,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "B", "--key", "a",
         "--language", "en"),
        "'a'",
    )  # fmt: skip
    assert_error(
        cli,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "B", "--key", "b",
         "--url", "https://silkbridge.info/a", "--language", "en"),
        "https://silkbridge.info/a",
    )  # fmt: skip
    assert len(query(cli.url, "SELECT id FROM source")) == 1


@pytest.mark.parametrize(
    "url", ["ftp://silkbridge.info/a", "silkbridge.info/a", "https://", "javascript:alert(1)"]
)
def test_bad_url_is_rejected(outlet: Cli, url: str) -> None:
    assert_error(
        outlet,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--url", url),
    )


@pytest.mark.parametrize("key", ["123", "two words"])
def test_bad_source_key_is_rejected(outlet: Cli, key: str) -> None:
    assert_error(
        outlet,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--key", key),
    )


def test_source_needs_a_known_outlet_and_a_date_it_understands(outlet: Cli) -> None:
    assert_error(outlet, ("source", "add", "--outlet", "Nope", "--title", "T"), "Nope")
    assert_error(
        outlet,
        ("source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--published", "soon"),
        "soon",
    )


def test_cites_creates_an_unrated_outlet_when_unknown_and_reuses_known_ones(outlet: Cli) -> None:
    cli = outlet
    cli.ok("outlet", "add", "Reuters", "--stance", "neutral")
    cli.ok(
        "source", "add", "--outlet", "SilkBridge.info", "--title", "T", "--key", "k",
        "--language", "en", "--cites", "The Wall Street Journal", "--cites", "REUTERS",
    )  # fmt: skip
    outlets = {r["name"]: r for r in records(cli, "outlet", "list")}
    assert set(outlets) == {"SilkBridge.info", "Reuters", "The Wall Street Journal"}
    assert outlets["The Wall Street Journal"]["stance"] == "unrated"
    assert outlets["Reuters"]["stance"] == "neutral"
    [source] = records(cli, "source", "show", "k")
    assert source["cites"] == ["Reuters", "The Wall Street Journal"]
    page = cli.ok("source", "show", "k").stdout
    assert re.search(r"^relays\s+Reuters, The Wall Street Journal\s*$", page, re.MULTILINE)
    cites = query(cli.url, "SELECT outlet_id FROM source_cite")
    assert len(cites) == 2
    # A second source citing the same outlet reuses it.
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "T2", "--key", "k2",
           "--language", "en", "--cites", "the wall street journal")  # fmt: skip
    assert len(query(cli.url, "SELECT id FROM outlet")) == 3


def test_source_show_by_id_key_and_url(outlet: Cli) -> None:
    cli = outlet
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "Title A", "--key", "a",
           "--url", "https://silkbridge.info/a", "--language", "en", "--published", "2022",
           "--author", "Someone")  # fmt: skip
    [row] = query(cli.url, "SELECT id FROM source")
    refs = (str(row["id"]), "a", "https://silkbridge.info/a")
    shown = {ref: cli.ok("source", "show", ref).stdout for ref in refs}
    assert len(set(shown.values())) == 1
    page = shown["a"]
    assert page.splitlines()[0] == f"Source {row['id']} (a)"
    for label, value in (
        ("title", "Title A"),
        ("url", "https://silkbridge.info/a"),
        ("language", "en"),
        ("published", "2022"),
        ("author", "Someone"),
        ("outlet", "SilkBridge.info"),
        ("stance", "neutral"),
        ("claims", "0"),
    ):
        assert re.search(rf"^{label}\s+{re.escape(value)}\s*$", page, re.MULTILINE), label
    [record] = records(cli, "source", "show", "https://silkbridge.info/a")
    assert record["id"] == row["id"] and record["key"] == "a"
    assert_error(cli, ("source", "show", "https://silkbridge.info/nope"), "nope")
    assert_error(cli, ("source", "show", "999"), "999")


def test_source_list_filters(outlet: Cli) -> None:
    cli = outlet
    cli.ok("outlet", "add", "WSJ", "--stance", "pro-western")
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "A", "--key", "a",
           "--language", "ru", "--published", "2021")  # fmt: skip
    cli.ok("source", "add", "--outlet", "WSJ", "--title", "B", "--key", "b",
           "--language", "en", "--published", "2023-05")  # fmt: skip
    cli.ok("source", "add", "--outlet", "WSJ", "--title", "C", "--key", "c", "--language", "en")
    cli.ok("topics", "add", "oil")
    cli.ok("add", "One.", "-s", "b", "-t", "oil", "--language", "en")

    def listed(*args: str) -> list[str]:
        return [r["key"] for r in records(cli, "source", "list", *args)]

    assert listed() == ["b", "a", "c"]  # newest first, undated last
    assert listed("--outlet", "wsj") == ["b", "c"]
    assert listed("--lang", "ru") == ["a"]
    assert listed("--stance", "neutral") == ["a"]
    assert listed("--limit", "1") == ["b"]
    assert listed("--limit", "0") == ["b", "a", "c"]
    counts = {r["key"]: r["claims"] for r in records(cli, "source", "list")}
    assert counts == {"a": 0, "b": 1, "c": 0}


def test_source_list_refuses_a_negative_limit(outlet: Cli) -> None:
    line = assert_error(outlet, ("source", "list", "--limit", "-1"), "--limit")
    assert "internal error" not in line


# -- formats of every list -----------------------------------------------------------


def _columns(name: str) -> tuple[str, ...]:
    from factbase.catalog.entities import ENTITY_COLUMNS
    from factbase.catalog.outlets import OUTLET_COLUMNS
    from factbase.catalog.sources import SOURCE_COLUMNS
    from factbase.catalog.topics import TOPIC_COLUMNS

    return {
        "outlet": OUTLET_COLUMNS,
        "source": SOURCE_COLUMNS,
        "topics": TOPIC_COLUMNS,
        "entities": ENTITY_COLUMNS,
    }[name]


LISTS = {
    "outlet": (("outlet", "list"), "name", "SilkBridge.info"),
    "source": (("source", "list"), "key", "silkbridge-wsj"),
    "topics": (("topics",), "slug", "oil"),
    "entities": (("entities",), "name", "Caspian Pipeline Consortium"),
}


@pytest.fixture
def catalogue(outlet: Cli) -> Cli:
    cli = outlet
    cli.ok("source", "add", "--outlet", "SilkBridge.info", "--title", "Казахстан, 2022",
           "--key", "silkbridge-wsj", "--language", "ru", "--cites", "WSJ")  # fmt: skip
    cli.ok("topics", "add", "energy", "--label", "Energy")
    cli.ok("topics", "add", "oil", "--parent", "energy", "-k", "нефть", "-k", "oil")
    cli.ok("entities", "add", "Caspian Pipeline Consortium", "--kind", "pipeline",
           "-a", "CPC", "-a", "КТК")  # fmt: skip
    cli.ok("add", "КТК качает нефть.", "-s", "silkbridge-wsj", "--subject", "CPC", "-t", "oil")
    return cli


@pytest.mark.parametrize("name", sorted(LISTS))
def test_list_formats_csv_json_jsonl_have_stable_columns(catalogue: Cli, name: str) -> None:
    command, ident, value = LISTS[name]
    columns = list(_columns(name))
    assert columns[0] in ("id", "slug")
    as_json = records(catalogue, *command)
    assert as_json and all(list(record) == columns for record in as_json)
    assert value in [record[ident] for record in as_json]
    lines = catalogue.ok(*command, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == as_json
    out = catalogue.ok(*command, "-f", "csv").stdout
    reader = csv.DictReader(io.StringIO(out, newline=""))
    assert reader.fieldnames == columns
    rows = list(reader)
    assert len(rows) == len(as_json)
    assert [row[columns[0]] for row in rows] == [str(r[columns[0]]) for r in as_json]
    table = catalogue.ok(*command, "-f", "table").stdout
    assert value in table and "\x1b[" not in table


def test_list_format_values(catalogue: Cli) -> None:
    cli = catalogue
    topics = {t["slug"]: t for t in records(cli, "topics")}
    # The starter vocabulary's oil, its keywords replaced by those `topics add` gave.
    assert topics["oil"] == {
        "slug": "oil",
        "label": "Oil",
        "parent": "energy",
        "iptc_code": "medtop:20001243",
        "iptc_label": "oil and gas",
        "iptc_broader": None,
        "keywords": ["oil", "нефть"],
        "claims": 1,
        "suggested": 0,
    }
    assert topics["energy"]["label"] == "Energy"
    [entity] = records(cli, "entities")
    assert entity["kind"] == "pipeline"
    assert sorted(entity["aliases"]) == ["CPC", "КТК"]
    assert entity["claims"] == 1
    [csv_entity] = list(csv.DictReader(io.StringIO(cli.ok("entities", "-f", "csv").stdout)))
    assert sorted(csv_entity["aliases"].split("; ")) == ["CPC", "КТК"]
    [source] = records(cli, "source", "list")
    assert source["cites"] == ["WSJ"] and source["claims"] == 1
    assert [e["name"] for e in records(cli, "entities", "--search", "ктк")] == [
        "Caspian Pipeline Consortium"
    ]
    assert records(cli, "entities", "--kind", "person") == []
