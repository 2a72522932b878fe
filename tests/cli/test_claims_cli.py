"""`factbase add`, `show` and `list`: every option stored, every filter and format checked.

Each test reads real values back from a real database (SQLite by default,
PostgreSQL when FACTBASE_TEST_PG_URL is set).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from helpers import (
    PG_URL,
    Cli,
    as_date,
    factbase_command,
    listed_claims,
    own_vocabulary_only,
    query,
    snapshot,
)

from factbase.claims.record import CLAIM_COLUMNS

ANSI = re.compile(r"\x1b\[")


# -- helpers -------------------------------------------------------------------------


def keys(cli: Cli, *args: str) -> set[str]:
    return {row["key"] for row in listed_claims(cli, *args)}


# -- a corpus for the list filters ---------------------------------------------------

# source key, outlet, published, language of the source
SOURCES = [
    ("s2021", "The Wall Street Journal", "2021", "en"),
    ("sdec21", "BTA", "2021-12", "bg"),
    ("s31dec", "RIA Novosti", "2021-12-31", "ru"),
    ("s2022", "SilkBridge.info", "2022", "ru"),
    ("sjan22", "SilkBridge.info", "2022-01", "ru"),
    ("s1jan22", "Ukrinform", "2022-01-01", "uk"),
    ("s15jan", "The Wall Street Journal", "2022-01-15", "en"),
    ("smar22", "The Wall Street Journal", "2022-03", "en"),
    ("snone", "RIA Novosti", None, "ru"),
]

# claim key (= "c" + source key minus "s"), statement, language, topics, extra fields
CLAIMS: list[tuple[str, str, str, str, list[str], dict[str, str]]] = [
    (
        "c2021",
        "s2021",
        "Oil exports rose in 2021",
        "en",
        ["oil"],
        {"subject": "CPC", "speaker": "Tokayev", "event_date": "2020"},
    ),
    ("cdec21", "sdec21", "Износът на петрол расте", "bg", ["energy"], {}),
    (
        "c31dec",
        "s31dec",
        "Цена на нефть упала",
        "ru",
        ["brent"],
        {"subject": "КТК", "status": "disputed", "event_date": "2021-06"},
    ),
    ("c2022", "s2022", "Всё решено", "ru", ["politics"], {"speaker": "Токаев"}),
    (
        "cjan22",
        "sjan22",
        "Все согласны",
        "ru",
        ["politics"],
        {"speaker": "Kassym-Jomart Tokayev"},
    ),
    (
        "c1jan22",
        "s1jan22",
        "Експорт нафти зріс на 80%",
        "uk",
        ["oil"],
        {"subject": "Caspian Pipeline Consortium"},
    ),
    (
        "c15jan",
        "s15jan",
        "Transit under_score and 50%_off",
        "en",
        ["transport"],
        {"status": "corroborated"},
    ),
    ("cmar22", "smar22", "It's O'Brien's pipeline \\ and 1/2", "en", ["transport"], {}),
    ("cnone", "snone", "Турецкий поток запущен", "ru", ["transport"], {"event_date": "2023-01-05"}),
]
ALL = {claim[0] for claim in CLAIMS}
TOPICS = [
    ("energy", None),
    ("oil", "energy"),
    ("brent", "oil"),
    ("transport", None),
    ("politics", None),
]
ENTITIES = [
    ("Caspian Pipeline Consortium", ["CPC", "КТК"]),
    ("Kassym-Jomart Tokayev", ["Tokayev", "Токаев", "Токаєв"]),
]
OUTLETS = [
    ("The Wall Street Journal", "pro-western", "US", "en"),
    ("BTA", "neutral", "BG", "bg"),
    ("RIA Novosti", "pro-kremlin", "RU", "ru"),
    ("SilkBridge.info", "neutral", "RU", "ru"),
    ("Ukrinform", "pro-ukrainian", "UA", "uk"),
]


def build_corpus(url: str) -> None:
    """Through the library for speed; the CLI path is tested on its own below."""
    from factbase.analysis.intake import add_claim
    from factbase.catalog.entities import EntityInput, upsert_entity
    from factbase.catalog.outlets import add_outlet
    from factbase.catalog.sources import SourceInput, add_source
    from factbase.catalog.topics import TopicInput, upsert_topic
    from factbase.claims.values import ClaimInput
    from factbase.store.database import Database

    db = Database.open(url)
    try:
        with db.session(write=True) as session:
            for slug, parent in TOPICS:
                upsert_topic(session, TopicInput(slug=slug, parent=parent))
            for name, aliases in ENTITIES:
                upsert_entity(session, EntityInput(name=name, aliases=aliases))
            for name, stance, country, language in OUTLETS:
                add_outlet(session, name, stance, country=country, language=language)
            for key, outlet, published, language in SOURCES:
                add_source(
                    session,
                    SourceInput(
                        outlet=outlet,
                        title=f"Title of {key}",
                        key=key,
                        url=f"https://example.org/{key}",
                        language=language,
                        published=published,
                    ),
                )
            for key, source, statement, language, topics, extra in CLAIMS:
                add_claim(
                    session,
                    ClaimInput(
                        source=source,
                        statement=statement,
                        key=key,
                        language=language,
                        topics=topics,
                        **extra,
                    ),
                )
        if db.is_sqlite:
            with db.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


@pytest.fixture(scope="module")
def _corpus_template(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """On SQLite the corpus is built once and copied into each test's database file."""
    if PG_URL:
        return None
    path = tmp_path_factory.mktemp("corpus") / "corpus.db"
    build_corpus(str(path))
    return path


@pytest.fixture
def corpus(cli: Cli, _corpus_template: Path | None) -> Cli:
    if _corpus_template is None:
        build_corpus(cli.url)
    else:
        shutil.copyfile(_corpus_template, cli.url)
    return cli


# -- add and show --------------------------------------------------------------------


@pytest.fixture
def one_source(cli: Cli) -> Cli:
    """One outlet, one source, the topics oil and transport (the CLI's outlet, source and
    topic commands are tested elsewhere), and no other topic: the starter vocabulary's
    are left out."""
    from factbase import Database, SourceInput, add_outlet, add_source
    from factbase.catalog.topics import TopicInput, upsert_topic

    own_vocabulary_only(cli.url)
    db = Database.open(cli.url)
    try:
        with db.session(write=True) as session:
            add_outlet(session, "SilkBridge.info", "neutral", country="RU", language="ru")
            add_source(
                session,
                SourceInput(
                    outlet="SilkBridge.info",
                    title="Казахстан отдаляется от РФ в сторону Китая и Турции",
                    key="silkbridge-wsj",
                    url="https://silkbridge.info/example",
                    language="ru",
                    published="июль 2022",
                    cites=["The Wall Street Journal"],
                ),
            )
            for slug in ("oil", "transport"):
                upsert_topic(session, TopicInput(slug))
    finally:
        db.close()
    return cli


FULL_ADD = (
    "add",
    "About 80% of Kazakhstan's oil exports pass through the CPC.",
    "--source",
    "silkbridge-wsj",
    "--quote",
    "по которому проходит около 80% экспорта казахстанской нефти",
    "--language",
    "ru",
    "--speaker",
    "The Wall Street Journal",
    "--topic",
    "oil",
    "-t",
    "transport",
    "--subject",
    "CPC",
    "--property",
    "share of Kazakhstan oil exports",
    "--value",
    "около 80%",
    "--event-date",
    "ноябрь 2023",
    "--as-of",
    "2022",
    "--polarity",
    "denied",
    "--status",
    "disputed",
    "--key",
    "cpc-share-2022",
    "--note",
    "Figure repeated from the WSJ.",
)


def test_add_with_every_option_stores_every_field(one_source: Cli) -> None:
    cli = one_source
    out = cli.ok(*FULL_ADD)
    assert re.search(r"added claim \d+ \(cpc-share-2022\) from SilkBridge\.info", out.stdout)

    [row] = query(cli.url, "SELECT * FROM claim")
    assert row["key"] == "cpc-share-2022"
    assert row["statement"] == "About 80% of Kazakhstan's oil exports pass through the CPC."
    assert row["quote"] == "по которому проходит около 80% экспорта казахстанской нефти"
    assert row["language"] == "ru"
    assert row["speaker"] == "The Wall Street Journal"
    assert row["subject"] == "CPC"
    assert row["property"] == "share of Kazakhstan oil exports"
    # "около 80%": 80 percent, approximate, stored with its interval.
    assert row["value_text"] == "около 80%"
    assert row["value_num"] == pytest.approx(80.0)
    assert row["value_unit"] == "%"
    assert row["value_qualifier"] == "approx"
    assert row["value_low"] == pytest.approx(72.0)
    assert row["value_high"] == pytest.approx(88.0)
    # Dates keep the precision they were written with.
    assert as_date(row["event_date"]) == date(2023, 11, 1)
    assert as_date(row["event_date_end"]) == date(2023, 11, 30)
    assert row["event_precision"] == "month"
    assert as_date(row["as_of"]) == date(2022, 1, 1)
    assert as_date(row["as_of_end"]) == date(2022, 12, 31)
    assert row["as_of_precision"] == "year"
    assert row["polarity"] == "denied"
    assert row["status"] == "disputed"
    assert row["note"] == "Figure repeated from the WSJ."
    [source] = query(cli.url, "SELECT id FROM source WHERE key = 'silkbridge-wsj'")
    assert row["source_id"] == source["id"]
    topics = query(
        cli.url,
        "SELECT t.slug, ct.suggested FROM claim_topic ct JOIN topic t ON t.id = ct.topic_id "
        "ORDER BY t.slug",
    )
    assert [(t["slug"], bool(t["suggested"])) for t in topics] == [
        ("oil", False),
        ("transport", False),
    ]


def test_show_by_id_and_key_shows_source_outlet_stance_quote_and_every_field(
    one_source: Cli,
) -> None:
    cli = one_source
    cli.ok(*FULL_ADD)
    [row] = query(cli.url, "SELECT id FROM claim")
    by_id = cli.ok("show", str(row["id"])).stdout
    by_key = cli.ok("show", "cpc-share-2022").stdout
    assert by_id == by_key
    lines = dict(
        re.split(r"\s{2,}", line.strip(), maxsplit=1)
        for line in by_id.splitlines()[1:]
        if line.strip()
    )
    assert f"Claim {row['id']} (cpc-share-2022)" in by_id
    expected = {
        "statement": "About 80% of Kazakhstan's oil exports pass through the CPC.",
        "quote": "“по которому проходит около 80% экспорта казахстанской нефти”",
        "language": "ru",
        "speaker": "The Wall Street Journal",
        "topics": "oil, transport",
        "subject": "CPC",
        "property": "share of Kazakhstan oil exports",
        "polarity": "denied",
        "status": "disputed",
        "note": "Figure repeated from the WSJ.",
        "outlet": "SilkBridge.info",
        "stance": "neutral",
        "published": "2022-07",
        "relays": "The Wall Street Journal",
        "url": "https://silkbridge.info/example",
    }
    for label, value in expected.items():
        assert lines.get(label) == value, f"{label}: {lines.get(label)!r} in:\n{by_id}"
    assert "около 80%" in lines["value"] and "80 %" in lines["value"]
    assert "72" in lines["value"] and "88" in lines["value"] and "approx" in lines["value"]
    assert lines["event date"] == "2023-11"
    assert lines["as of"] == "2022"
    assert lines["source"].endswith(": Казахстан отдаляется от РФ в сторону Китая и Турции")
    assert lines["source key"] == "silkbridge-wsj"


def test_show_json_carries_id_key_and_every_column(one_source: Cli) -> None:
    cli = one_source
    cli.ok(*FULL_ADD)
    [stored] = query(cli.url, "SELECT id, source_id FROM claim")
    [record] = json.loads(cli.ok("show", "cpc-share-2022", "--format", "json").stdout)
    assert list(record)[: len(CLAIM_COLUMNS)] == list(CLAIM_COLUMNS)
    assert record["id"] == stored["id"]
    assert record["key"] == "cpc-share-2022"
    assert record["source_id"] == stored["source_id"]
    assert record["source_key"] == "silkbridge-wsj"
    assert record["source_url"] == "https://silkbridge.info/example"
    assert record["outlet"] == "SilkBridge.info"
    assert record["stance"] == "neutral"
    assert record["published"] == "2022-07"
    assert record["topics"] == ["oil", "transport"]
    assert record["value"] == "около 80%"
    assert record["value_num"] == pytest.approx(80.0)
    assert record["unit"] == "%"
    assert (record["value_low"], record["value_high"]) == (pytest.approx(72), pytest.approx(88))
    assert record["qualifier"] == "approx"
    assert record["event_date"] == "2023-11"
    assert record["as_of"] == "2022"
    assert record["polarity"] == "denied"
    jsonl = cli.ok("show", str(stored["id"]), "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in jsonl] == [record]


def test_add_defaults_affirmed_unverified_and_no_value(one_source: Cli) -> None:
    cli = one_source
    cli.ok("add", "Kazakhstan ships oil through the CPC.", "-s", "silkbridge-wsj", "-t", "oil")
    [row] = query(cli.url, "SELECT polarity, status, value_num, key, event_date FROM claim")
    assert row == {
        "polarity": "affirmed",
        "status": "unverified",
        "value_num": None,
        "key": None,
        "event_date": None,
    }


@pytest.mark.parametrize(
    ("value", "num", "unit", "qualifier"),
    [
        ("около 80%", 80.0, "%", "approx"),
        ("441 млрд тенге", 441e9, "KZT", "exact"),
        ("up to 20 million tonnes", 20e6, "t", "up_to"),
    ],
)
def test_add_value_is_parsed_and_stored(
    one_source: Cli, value: str, num: float, unit: str, qualifier: str
) -> None:
    one_source.ok("add", "A figure.", "-s", "silkbridge-wsj", "-t", "oil", "--value", value)
    [row] = query(
        one_source.url, "SELECT value_text, value_num, value_unit, value_qualifier FROM claim"
    )
    assert row["value_text"] == value
    assert row["value_num"] == pytest.approx(num)
    assert row["value_unit"] == unit
    assert row["value_qualifier"] == qualifier


@pytest.mark.parametrize(
    ("written", "start", "end", "precision", "shown"),
    [
        ("2022", date(2022, 1, 1), date(2022, 12, 31), "year", "2022"),
        ("ноябрь 2023", date(2023, 11, 1), date(2023, 11, 30), "month", "2023-11"),
        ("1 грудня 2022", date(2022, 12, 1), date(2022, 12, 1), "day", "2022-12-01"),
    ],
)
def test_event_date_and_as_of_keep_their_precision(
    one_source: Cli, written: str, start: date, end: date, precision: str, shown: str
) -> None:
    cli = one_source
    out = cli.ok(
        "add", "X.", "-s", "silkbridge-wsj", "-t", "oil", "--event-date", written,
        "--as-of", written, "-f", "json",
    )  # fmt: skip
    [record] = json.loads(out.stdout)
    assert record["event_date"] == shown
    assert record["as_of"] == shown
    [row] = query(cli.url, "SELECT * FROM claim")
    assert (as_date(row["event_date"]), as_date(row["event_date_end"])) == (start, end)
    assert row["event_precision"] == precision
    assert (as_date(row["as_of"]), as_date(row["as_of_end"])) == (start, end)
    assert row["as_of_precision"] == precision


def test_event_date_without_year_takes_the_source_year_with_a_warning(one_source: Cli) -> None:
    out = one_source.ok(
        "add", "X.", "-s", "silkbridge-wsj", "-t", "oil", "--event-date", "7 июля", "-f", "json"
    )
    assert json.loads(out.stdout)[0]["event_date"] == "2022-07-07"
    assert "factbase: warning:" in out.stderr and "2022" in out.stderr


def test_add_refuses_an_unknown_topic_and_names_the_nearest(one_source: Cli) -> None:
    cli = one_source
    cli.ok("topics", "add", "oil")
    before = snapshot(cli.url)
    out = cli("add", "X.", "-s", "silkbridge-wsj", "-t", "oil", "-t", "oill")
    assert out.exit_code == 1 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "factbase: error: no topic 'oill' (did you mean 'oil'?); "
        "`factbase topics add oill` creates it"
    ]
    assert snapshot(cli.url) == before
    unlike = cli("add", "X.", "-s", "silkbridge-wsj", "-t", "pipelines")
    assert "did you mean" not in unlike.stderr and "topics add pipelines" in unlike.stderr
    cli.ok("topics", "add", "pipelines")
    out = cli.ok("add", "X.", "-s", "silkbridge-wsj", "-t", "oil", "-t", "pipelines")
    assert "topics: oil, pipelines" in out.stdout
    slugs = [row["slug"] for row in query(cli.url, "SELECT slug FROM topic ORDER BY slug")]
    assert slugs == ["oil", "pipelines", "transport"]


def test_edit_refuses_an_unknown_topic(one_source: Cli) -> None:
    cli = one_source
    cli.ok("topics", "add", "oil")
    cli.ok("add", "X.", "-s", "silkbridge-wsj", "-t", "oil", "--key", "x")
    before = snapshot(cli.url)
    out = cli("edit", "x", "-t", "oli")
    assert out.exit_code == 1 and "did you mean 'oil'?" in out.stderr
    assert snapshot(cli.url) == before


def test_a_mistyped_topic_filter_names_the_nearest(one_source: Cli) -> None:
    one_source.ok("topics", "add", "oil")
    out = one_source("list", "--topic", "oill")
    assert out.exit_code == 1 and "did you mean 'oil'?" in out.stderr


CLAIM_FILE = """\
claims:
  - source: silkbridge-wsj
    key: cpc-share
    statement: Около 80% экспорта нефти проходит через КТК, сообщает агентство
    subject: CPC
    property: share of Kazakhstan oil exports
    value: около 80%
    topics: [oil]
  - source: https://silkbridge.info/example
    statement: Oil transit through the Caspian Sea doubled in 2022
    event_date: "2023"
"""


def test_add_from_file_records_each_claim_as_add_does(one_source: Cli, tmp_path: Path) -> None:
    cli = one_source
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIM_FILE, encoding="utf-8")
    out = cli.ok("add", "--from-file", str(path))
    assert out.stdout.splitlines() == [
        f"added claim {n}{key} from SilkBridge.info; topics: {topics}"
        for n, key, topics in ((1, " (cpc-share)", "oil"), (2, "", "-"))
    ]
    # A warning names the claim it is about, as `import` names it.
    assert "claims.yaml: claims[1]: event date 2023 is after the article's" in out.stderr
    rows = query(cli.url, "SELECT key, language, value_num, value_unit FROM claim ORDER BY id")
    assert [tuple(row.values()) for row in rows] == [
        ("cpc-share", "ru", 80.0, "%"),
        (None, "en", None, None),
    ]
    # Recording the same claims again is refused as `add` refuses a repeated claim.
    again = cli("add", "--from-file", str(path))
    assert again.exit_code == 1
    assert again.stderr.startswith(
        "factbase: error: claims.yaml: claims[0] (key cpc-share): claim 1 (cpc-share) "
        "of the same source has the same statement"
    )


def test_add_from_file_records_all_or_none(one_source: Cli, tmp_path: Path) -> None:
    cli = one_source
    path = tmp_path / "claims.json"
    claims = [
        {"source": "silkbridge-wsj", "statement": "Oil exports rose in 2022"},
        {"source": "silkbridge-wsj", "statement": "Oil exports fell", "topics": ["oill"]},
    ]
    path.write_text(json.dumps({"claims": claims}), encoding="utf-8")
    before = snapshot(cli.url)
    out = cli("add", "--from-file", str(path))
    assert out.exit_code == 1 and out.stdout == ""
    assert out.stderr.splitlines() == [
        "factbase: error: claims.json: claims[1]: no topic 'oill' (did you mean 'oil'?); "
        "`factbase topics add oill` creates it"
    ]
    assert snapshot(cli.url) == before


@pytest.mark.parametrize(
    ("args", "document", "message"),
    [
        (["X.", "--from-file"], None, "--from-file takes each claim's fields from the file"),
        (["--from-file", "-t", "oil"], None, "--from-file takes each claim's fields"),
        ([], None, "give the claim's statement and its --source (or --from-file)"),
        (["X."], None, "give the claim's statement and its --source"),
        (["--from-file"], "sources:\n  - {outlet: BTA, title: T}\n", "`factbase import` takes"),
        (["--from-file"], "claims:\n  - {source: silkbridge-wsj}\n", "statement: required"),
        (
            ["--from-file"],
            "claims:\n  - {source: silkbridge-wsj, statement: X., retracted_at: 2024-01-01}\n",
            "claims[0]: retracted_at: a claim's history is restored by `factbase import`",
        ),
    ],
)
def test_add_from_file_refuses_what_it_cannot_take(
    one_source: Cli, tmp_path: Path, args: list[str], document: str | None, message: str
) -> None:
    path = tmp_path / "claims.yaml"
    path.write_text(document or CLAIM_FILE, encoding="utf-8")
    given = [part for arg in args for part in ([arg, str(path)] if arg == "--from-file" else [arg])]
    before = snapshot(one_source.url)
    out = one_source("add", *given)
    assert out.exit_code == (1 if document else 2), out.stderr
    assert message in out.stderr
    assert snapshot(one_source.url) == before


def test_the_readme_claim_file_adds_as_printed(one_source: Cli, tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("\nRecording dozens of claims", 1)[1]
    found = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert found, "the README shows a claim file"
    path = tmp_path / "claims.yaml"
    path.write_text(found.group(1), encoding="utf-8")
    out = one_source.ok("add", "--from-file", str(path))
    assert len(re.findall(r"^added claim \d+", out.stdout, re.MULTILINE)) == 2, out.stdout
    rows = query(one_source.url, "SELECT value_num, value_unit FROM claim ORDER BY id")
    assert [tuple(row.values()) for row in rows] == [(10.0, "%"), (80.0, "%")]


ADD_IN_A_PROCESS = """
import sys
from simplemma.strategies.dictionaries import trie_dictionary_factory as tries
decoded = []
load = tries._load_dictionary_from_disk
tries._load_dictionary_from_disk = lambda lang: decoded.append(lang) or load(lang)
from factbase.cli import main
sys.argv = ["factbase", *sys.argv[1:]]
try:
    main()
finally:
    print("lingua imported:", "lingua" in sys.modules, file=sys.stderr)
    print("dictionaries decoded:", decoded, file=sys.stderr)
"""


def test_a_typical_add_loads_no_language_model_and_decodes_no_dictionary(
    one_source: Cli,
) -> None:
    """Words that tell their language decide it without lingua (~0.5 s, ~110 MB), and the
    claim's lemmas (its search lemmas, its topic suggestions) come from the dictionary's
    trie, built once in the cache directory, not from simplemma decoding the dictionary
    (Russian: 1.3 s, ~300 MB) in the process."""
    cli = one_source
    cli.ok("topics", "add", "pipelines", "-k", "нефтепровод", "-k", "pipeline")

    def add(statement: str, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", ADD_IN_A_PROCESS, "--db", cli.url, "add", statement,
             "--source", "silkbridge-wsj", *args],
            capture_output=True, text=True, env={**os.environ, "COLUMNS": "80"},
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    add("Нефтепровод заполнен, сообщает оператор")  # builds the Russian trie if not yet built
    done = add("Нефтепроводы работают, их мощность составляет 80 млн тонн")
    assert "topics: pipelines" in done
    assert "lingua imported: False" in done and "dictionaries decoded: []" in done
    done = add("The pipelines were shut for repairs", "--language", "en")
    assert "topics: pipelines" in done
    assert "lingua imported: False" in done
    # Words that cannot tell Russian from Ukrainian or Bulgarian still ask lingua.
    done = add("Нефть подорожала на 1%")
    assert "lingua imported: True" in done and "dictionaries decoded: []" in done


def test_add_accepts_the_source_by_id_key_or_url(one_source: Cli) -> None:
    cli = one_source
    [source] = query(cli.url, "SELECT id FROM source")
    for ref in (str(source["id"]), "silkbridge-wsj", "https://silkbridge.info/example"):
        [record] = json.loads(
            cli.ok("add", f"Via {ref}", "-s", ref, "-t", "oil", "-f", "json").stdout
        )
        assert record["source_id"] == source["id"]
        assert record["source_key"] == "silkbridge-wsj"
    assert len(query(cli.url, "SELECT id FROM claim WHERE source_id = :s", s=source["id"])) == 3


def test_duplicate_claim_key_is_rejected_and_nothing_written(one_source: Cli) -> None:
    cli = one_source
    cli.ok("add", "First.", "-s", "silkbridge-wsj", "-t", "oil", "--key", "k1")
    before = snapshot(cli.url)
    out = cli("add", "Second.", "-s", "silkbridge-wsj", "-t", "transport", "--key", "k1")
    assert out.exit_code == 1
    assert out.stderr.startswith("factbase: error:") and "k1" in out.stderr
    assert snapshot(cli.url) == before


def test_polarity_denied_is_stored_and_listed(one_source: Cli) -> None:
    cli = one_source
    cli.ok("add", "CPC was closed.", "-s", "silkbridge-wsj", "-t", "oil", "--polarity", "DENIED")
    [record] = listed_claims(cli)
    assert record["polarity"] == "denied"


# -- list filters --------------------------------------------------------------------

DATE_FORMS = ["1 January 2022", "1 января 2022", "1 януари 2022", "1 січня 2022"]
SINCE_2022 = {"c2022", "cjan22", "c1jan22", "c15jan", "cmar22"}
UNTIL_2022 = {"c2021", "cdec21", "c31dec", "c2022", "cjan22", "c1jan22"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param((), ALL, id="no-filter"),
        # --topic includes every topic under it
        pytest.param(("--topic", "energy"), {"cdec21", "c2021", "c31dec", "c1jan22"}, id="topic"),
        pytest.param(("--topic", "oil"), {"c2021", "c31dec", "c1jan22"}, id="topic-child"),
        pytest.param(("--topic", "brent"), {"c31dec"}, id="topic-leaf"),
        pytest.param(("--lang", "uk"), {"c1jan22"}, id="lang-uk"),
        pytest.param(("--lang", "RU"), {"c31dec", "c2022", "cjan22", "cnone"}, id="lang-ru"),
        pytest.param(("--stance", "pro-western"), {"c2021", "c15jan", "cmar22"}, id="stance"),
        pytest.param(("--stance", "neutral"), {"cdec21", "c2022", "cjan22"}, id="stance-neutral"),
        pytest.param(("--outlet", "silkbridge.INFO"), {"c2022", "cjan22"}, id="outlet"),
        pytest.param(("--source", "s2022"), {"c2022"}, id="source-key"),
        pytest.param(("--source", "https://example.org/s31dec"), {"c31dec"}, id="source-url"),
        # --subject and --speaker match every alias of the entity
        pytest.param(("--subject", "КТК"), {"c2021", "c31dec", "c1jan22"}, id="subject-alias"),
        pytest.param(("--subject", "cpc"), {"c2021", "c31dec", "c1jan22"}, id="subject-case"),
        pytest.param(("--speaker", "Токаєв"), {"c2021", "c2022", "cjan22"}, id="speaker-alias"),
        pytest.param(("--status", "disputed"), {"c31dec"}, id="status"),
        pytest.param(("--status", "corroborated"), {"c15jan"}, id="status-2"),
        pytest.param(("--since", DATE_FORMS[0]), SINCE_2022, id="since"),
        pytest.param(("--until", DATE_FORMS[0]), UNTIL_2022, id="until"),
        pytest.param(
            ("--since", "1 януари 2022", "--until", "1 січня 2022"),
            {"c2022", "cjan22", "c1jan22"},
            id="since-until",
        ),
        pytest.param(
            ("--since", "декабрь 2021", "--until", "31 December 2021"),
            {"c2021", "cdec21", "c31dec"},
            id="since-until-month",
        ),
        # combined filters
        pytest.param(("--topic", "energy", "--lang", "ru"), {"c31dec"}, id="topic+lang"),
        pytest.param(
            ("--stance", "neutral", "--since", "1 января 2022"), {"c2022", "cjan22"}, id="st+since"
        ),
        pytest.param(
            (
                "--subject",
                "Caspian Pipeline Consortium",
                "--topic",
                "oil",
                "--stance",
                "pro-western",
            ),
            {"c2021"},
            id="subject+topic+stance",
        ),
        pytest.param(("--search", "все", "--speaker", "Tokayev"), {"c2022", "cjan22"}, id="s+sp"),
        pytest.param(("--topic", "transport", "--status", "disputed"), set(), id="none-match"),
    ],
)
def test_list_filters(corpus: Cli, args: tuple[str, ...], expected: set[str]) -> None:
    assert keys(corpus, *args) == expected


def test_topic_filter_includes_child_topics_made_with_the_cli(one_source: Cli) -> None:
    cli = one_source
    cli.ok("topics", "add", "energy")
    cli.ok("topics", "add", "oil", "--parent", "energy")
    cli.ok("topics", "add", "pipelines", "--parent", "oil")
    cli.ok("topics", "add", "politics")
    for key, topic in (("e", "energy"), ("o", "oil"), ("p", "pipelines"), ("x", "politics")):
        cli.ok("add", f"Claim {key}.", "-s", "silkbridge-wsj", "-t", topic, "--key", key)
    assert keys(cli, "--topic", "energy") == {"e", "o", "p"}
    assert keys(cli, "--topic", "oil") == {"o", "p"}
    assert keys(cli, "--topic", "pipelines") == {"p"}
    assert keys(cli, "--topic", "politics") == {"x"}
    tree = json.loads(cli.ok("topics", "-f", "json").stdout)
    assert [(t["slug"], t["parent"], t["claims"]) for t in tree] == [
        ("energy", None, 1),
        ("oil", "energy", 1),
        ("pipelines", "oil", 1),
        ("politics", None, 1),
        ("transport", None, 0),  # one_source's
    ]


@pytest.mark.parametrize("form", DATE_FORMS)
def test_since_and_until_read_dates_in_every_language(corpus: Cli, form: str) -> None:
    """The same day typed in en, ru, bg and uk, against sources of every precision."""
    assert keys(corpus, "--since", form) == SINCE_2022
    assert keys(corpus, "--until", form) == UNTIL_2022


def test_list_filter_outlet_and_source_by_id(corpus: Cli) -> None:
    [ria] = query(corpus.url, "SELECT id FROM outlet WHERE name = 'RIA Novosti'")
    assert keys(corpus, "--outlet", str(ria["id"])) == {"c31dec", "cnone"}
    [source] = query(corpus.url, "SELECT id FROM source WHERE key = 's1jan22'")
    assert keys(corpus, "--source", str(source["id"])) == {"c1jan22"}


def test_subject_given_before_the_entity_still_resolves_when_entity_exists(cli: Cli) -> None:
    """The issue's order: the entity first, then claims naming it by any alias."""
    cli.ok("entities", "add", "Caspian Pipeline Consortium", "--alias", "CPC", "--alias", "КТК")
    cli.ok("outlet", "add", "O", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "O", "--title", "T", "--key", "s", "--language", "en")
    cli.ok("topics", "add", "oil")
    cli.ok("add", "CPC pumps oil.", "-s", "s", "--subject", "CPC", "-t", "oil", "--key", "a")
    cli.ok("add", "Unrelated.", "-s", "s", "--subject", "Brent", "-t", "oil", "--key", "b")
    assert keys(cli, "--subject", "КТК") == {"a"}
    assert keys(cli, "--subject", "ктк") == {"a"}


def test_subject_alias_finds_claims_recorded_before_the_entity(cli: Cli) -> None:
    cli.ok("outlet", "add", "O", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "O", "--title", "T", "--key", "s", "--language", "en")
    cli.ok("topics", "add", "oil")
    cli.ok("add", "CPC pumps oil.", "-s", "s", "--subject", "CPC", "-t", "oil", "--key", "a")
    cli.ok("entities", "add", "Caspian Pipeline Consortium", "--alias", "CPC", "--alias", "КТК")
    assert keys(cli, "--subject", "КТК") == {"a"}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("НЕФТЬ", {"c31dec"}, id="cyrillic-upper"),
        pytest.param("нефть", {"c31dec"}, id="cyrillic-lower"),
        pytest.param("всё", {"c2022", "cjan22"}, id="yo-finds-e"),
        pytest.param("все", {"c2022", "cjan22"}, id="e-finds-yo"),
        pytest.param("ВСЁ", {"c2022", "cjan22"}, id="upper-yo"),
        pytest.param(unicodedata.normalize("NFD", "турецкий"), {"cnone"}, id="nfd-input"),
        pytest.param(unicodedata.normalize("NFD", "ВСЁ"), {"c2022", "cjan22"}, id="nfd-yo"),
        pytest.param("%", {"c1jan22", "c15jan"}, id="percent-literal"),
        pytest.param("_", {"c15jan"}, id="underscore-literal"),
        pytest.param("50%_", {"c15jan"}, id="percent-underscore"),
        pytest.param("'", {"cmar22"}, id="quote-literal"),
        pytest.param("O'Brien", {"cmar22"}, id="quote-inside"),
        pytest.param("\\", {"cmar22"}, id="backslash-literal"),
        pytest.param("/", {"cmar22"}, id="slash-literal"),
        pytest.param("tokayev", {"c2021", "cjan22"}, id="in-speaker"),
        pytest.param("ктк", {"c31dec"}, id="in-subject"),
        pytest.param("no such words", set(), id="nothing"),
    ],
)
def test_list_search(corpus: Cli, search: str, expected: set[str]) -> None:
    assert keys(corpus, "--search", search) == expected


def test_search_text_stored_nfc_finds_nfd_statement(one_source: Cli) -> None:
    """A statement typed in NFD is stored NFC and found by NFC search."""
    cli = one_source
    cli.ok("add", unicodedata.normalize("NFD", "Всё о нефти"), "-s", "silkbridge-wsj", "-t", "oil")
    [row] = query(cli.url, "SELECT statement FROM claim")
    assert row["statement"] == unicodedata.normalize("NFC", "Всё о нефти")
    assert len(listed_claims(cli, "--search", "всё о")) == 1


SORTED_BY = {
    "published": [
        "cmar22", "c15jan", "c1jan22", "cjan22", "c2022", "c31dec", "cdec21", "c2021", "cnone",
    ],
    "event": [
        "cnone", "c31dec", "c2021", "cmar22", "c15jan", "c1jan22", "cjan22", "c2022", "cdec21",
    ],
    "id": [claim[0] for claim in CLAIMS],
    "added": [claim[0] for claim in reversed(CLAIMS)],
}  # fmt: skip


@pytest.mark.parametrize("sort", sorted(SORTED_BY))
def test_list_sort(corpus: Cli, sort: str) -> None:
    assert [row["key"] for row in listed_claims(corpus, "--sort", sort)] == SORTED_BY[sort]


def test_list_default_sort_is_published(corpus: Cli) -> None:
    rows = json.loads(corpus.ok("list", "-f", "json").stdout)
    assert [row["key"] for row in rows] == SORTED_BY["published"]


def test_list_limit(corpus: Cli) -> None:
    rows = json.loads(corpus.ok("list", "--limit", "2", "-f", "json").stdout)
    assert [row["key"] for row in rows] == SORTED_BY["published"][:2]
    rows = json.loads(corpus.ok("list", "--limit", "0", "-f", "json").stdout)
    assert len(rows) == len(CLAIMS)


def test_list_pages_a_table_and_gives_programs_every_claim(one_source: Cli) -> None:
    """A table shows 50 and says how many there are; a machine format has every row unless
    --limit says otherwise, and a limit that cuts says so on stderr."""
    from factbase.analysis.intake import add_claim
    from factbase.claims.values import ClaimInput
    from factbase.store.database import Database

    db = Database.open(one_source.url)
    try:
        with db.session(write=True) as session:
            for n in range(55):
                add_claim(
                    session,
                    ClaimInput(
                        source="silkbridge-wsj", statement=f"Claim number {n}", language="en"
                    ),
                )
    finally:
        db.close()
    every = one_source.ok("list", "-f", "json")
    assert len(json.loads(every.stdout)) == 55 and every.stderr == ""
    assert len(json.loads(one_source.ok("list", "--limit", "0", "-f", "json").stdout)) == 55
    cut = one_source.ok("list", "--limit", "50", "-f", "json")
    assert len(json.loads(cut.stdout)) == 50
    assert cut.stderr.strip() == "50 of 55 rows; --limit 0 for all"
    whole = one_source.ok("list", "--limit", "55", "-f", "csv")
    assert len(whole.stdout.splitlines()) == 56 and whole.stderr == ""
    table = one_source.ok("list")
    assert "50 of 55 claims" in table.stderr and "--limit 0" in table.stderr
    assert "Claim number 54" in table.stdout and "Claim number 4 " not in table.stdout


# -- formats -------------------------------------------------------------------------


def list_columns(cli: Cli) -> list[str]:
    """The columns of `list --format csv`: CLAIM_COLUMNS first, in their order."""
    header = next(csv.reader(io.StringIO(cli.ok("list", "-f", "csv").stdout, newline="")))
    assert header[: len(CLAIM_COLUMNS)] == list(CLAIM_COLUMNS)
    assert len(set(header)) == len(header)
    return header


def test_list_csv_has_stable_columns_and_id_key_in_every_row(corpus: Cli) -> None:
    out = corpus.ok("list", "--format", "csv", "--limit", "0").stdout
    reader = csv.DictReader(io.StringIO(out, newline=""))
    assert reader.fieldnames is not None
    assert reader.fieldnames[: len(CLAIM_COLUMNS)] == list(CLAIM_COLUMNS)
    rows = list(reader)
    assert len(rows) == len(CLAIMS)
    ids = {row["id"] for row in query(corpus.url, "SELECT id FROM claim")}
    assert {int(row["id"]) for row in rows} == {int(i) for i in ids}
    assert {row["key"] for row in rows} == ALL
    by_key = {row["key"]: row for row in rows}
    assert by_key["c31dec"]["topics"] == "brent"
    assert by_key["c31dec"]["published"] == "2021-12-31"
    assert by_key["c2021"]["published"] == "2021"
    assert by_key["cdec21"]["published"] == "2021-12"
    assert by_key["c1jan22"]["language"] == "uk"
    assert by_key["c15jan"]["statement"] == "Transit under_score and 50%_off"


def test_list_columns_are_the_same_with_and_without_results(corpus: Cli) -> None:
    with_rows = list_columns(corpus)
    out = corpus.ok("list", "--format", "csv", "--search", "no such text").stdout
    assert list(csv.reader(io.StringIO(out))) == [with_rows]


def test_list_json_and_jsonl_agree_and_carry_id_and_key(corpus: Cli) -> None:
    as_json = json.loads(corpus.ok("list", "-f", "json", "--limit", "0").stdout)
    lines = corpus.ok("list", "-f", "jsonl", "--limit", "0").stdout.splitlines()
    as_jsonl = [json.loads(line) for line in lines]
    assert as_json == as_jsonl
    columns = list_columns(corpus)
    for record in as_json:
        assert list(record) == columns
        assert isinstance(record["id"], int)
        assert record["key"] in ALL
        assert isinstance(record["topics"], list)


def test_csv_cells_that_could_run_as_formulas_are_defused(one_source: Cli) -> None:
    one_source.ok("add", "=HYPERLINK(1)", "-s", "silkbridge-wsj", "-t", "oil", "--language", "en")
    [row] = list(csv.DictReader(io.StringIO(one_source.ok("list", "-f", "csv").stdout)))
    assert row["statement"] == "'=HYPERLINK(1)"
    [record] = listed_claims(one_source)
    assert record["statement"] == "=HYPERLINK(1)"  # JSON keeps the text as it is


def test_list_table_shows_the_claims_without_ansi_codes(corpus: Cli) -> None:
    out = corpus.ok("list", "--limit", "0").stdout
    assert not ANSI.search(out)
    for statement in ("Всё решено", "Турецкий поток запущен", "Oil exports rose in 2021"):
        assert statement in out
    assert "pro-western" in out and "2021-12-31" in out


def run_factbase(
    *args: str, env: dict[str, str], tty: bool = False, timeout: float = 60
) -> tuple[int, str]:
    if tty:
        import pexpect

        command = " ".join([*factbase_command(), *args])
        output, status = pexpect.run(command, env=env, withexitstatus=True, timeout=timeout)
        return status, output.decode()
    result = subprocess.run(
        [*factbase_command(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    return result.returncode, result.stdout


def _env(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update({"FACTBASE_DB": url, "TERM": "xterm-256color", "COLUMNS": "160", **extra})
    return env


def test_table_output_has_no_ansi_codes_when_not_a_tty(corpus: Cli) -> None:
    code, out = run_factbase("list", env=_env(corpus.url))  # NO_COLOR unset, piped
    assert code == 0
    assert "Всё решено" in out
    assert not ANSI.search(out)


def test_tty_output_is_coloured_without_no_color(corpus: Cli) -> None:
    """The control for the test below: on a terminal, Rich does style the table."""
    code, out = run_factbase("list", env=_env(corpus.url), tty=True)
    assert code == 0 and "Всё решено" in out
    assert ANSI.search(out)


@pytest.mark.parametrize("command", [("list",), ("show", "c2022")])
def test_table_output_has_no_ansi_codes_with_no_color_on_a_tty(
    corpus: Cli, command: tuple[str, ...]
) -> None:
    code, out = run_factbase(*command, env=_env(corpus.url, NO_COLOR="1"), tty=True)
    assert code == 0 and ("Всё решено" in out or "SilkBridge.info" in out)
    assert not ANSI.search(out), repr(out[:200])


def test_list_table_shows_statements_and_whole_dates_at_80_columns(corpus: Cli) -> None:
    """80 columns is what a pipe or a default terminal gets."""
    code, out = run_factbase("list", env=_env(corpus.url, COLUMNS="80", NO_COLOR="1"))
    assert code == 0
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "statement" in out
    assert "Турецкий" in out and "Всё решено" in out
    for published in ("2021-12-31", "2022-01-15", "2022-01-01", "2021-12"):
        assert published in out
