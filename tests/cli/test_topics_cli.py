"""`factbase topics`: an unseeded database files claims in four languages under the right
topics; the vocabulary is edited, merged and given keywords by hand; suggestions are
accepted, dropped and made again for claims without topics; every change is audited,
and bad input is one line on stderr with the database unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, listed_claims, query, records, snapshot

# An unseeded file: outlets, sources and claims in en, ru, bg and uk, none with topics.
CLAIMS = """\
outlets:
  - {name: Wire, stance: unrated}
sources:
  - {key: en-src, outlet: Wire, title: Energy, language: en}
  - {key: ru-src, outlet: Wire, title: Энергетика, language: ru}
  - {key: bg-src, outlet: Wire, title: Енергетика, language: bg}
  - {key: uk-src, outlet: Wire, title: Енергетика, language: uk}
claims:
  - {key: en-oil, source: en-src, language: en,
     statement: "Kazakhstan's oil shipments to Europe doubled in March"}
  - {key: ru-oil, source: ru-src, language: ru,
     statement: "Добыча нефти на Тенгизе выросла на треть"}
  - {key: bg-oil, source: bg-src, language: bg,
     statement: "Казахстан увеличава доставките на петрол за Европа"}
  - {key: uk-oil, source: uk-src, language: uk,
     statement: "Казахстан постачає нафту до Європи морем"}
  - {key: en-wheat, source: en-src, language: en,
     statement: "Kazakhstan harvested a record wheat crop"}
  - {key: ru-timber, source: ru-src, language: ru,
     statement: "Заготовки древесины в Сибири сократились"}
  - {key: bg-timber, source: bg-src, language: bg,
     statement: "Цената на дървения материал расте"}
  - {key: uk-wheat, source: uk-src, language: uk,
     statement: "Україна продала пшеницю Єгипту"}
  - {key: en-toil, source: en-src, language: en,
     statement: "The toil of the dockers went unpaid"}
"""


def keys(cli: Cli, *args: str) -> set[str]:
    return {str(row["key"]) for row in listed_claims(cli, *args)}


@pytest.fixture
def imported(cli: Cli, tmp_path: Path) -> Cli:
    path = tmp_path / "claims.yaml"
    path.write_text(CLAIMS, encoding="utf-8")
    cli.ok("import", str(path))
    return cli


def test_an_unseeded_import_finds_oil_in_four_languages_and_not_wheat_or_timber(
    imported: Cli,
) -> None:
    cli = imported
    assert keys(cli, "--topic", "oil") == {"en-oil", "ru-oil", "bg-oil", "uk-oil"}
    assert keys(cli, "--topic", "energy") >= {"en-oil", "ru-oil", "bg-oil", "uk-oil"}
    assert keys(cli, "--topic", "agriculture") == {"en-wheat", "uk-wheat"}
    for unrelated in ("health", "elections", "migration", "gas", "nuclear"):
        assert keys(cli, "--topic", unrelated) == set(), unrelated
    shown = {key: cli.ok("show", key).stdout for key in ("en-oil", "ru-oil", "bg-oil", "uk-oil")}
    assert "oil (suggested: oil)" in shown["en-oil"]
    assert "oil (suggested: нефть)" in shown["ru-oil"]
    assert "oil (suggested: петрол)" in shown["bg-oil"]
    assert "oil (suggested: нафта)" in shown["uk-oil"]
    [as_json] = json.loads(cli.ok("show", "uk-oil", "-f", "json").stdout)
    assert "oil" in as_json["topics"]
    topics = {row["slug"]: row for row in records(cli, "topics")}
    assert (topics["oil"]["claims"], topics["oil"]["suggested"]) == (4, 4)


def test_accept_and_drop_are_a_persons_word_on_a_suggestion(imported: Cli) -> None:
    cli = imported
    assert cli.ok("topics", "accept", "ru-oil", "oil").stdout.strip() == (
        "accepted: topic oil of claim ru-oil"
    )
    assert re.search(r"^topics +oil *$", cli.ok("show", "ru-oil").stdout, re.M)
    again = cli.ok("topics", "accept", "ru-oil", "oil")
    assert again.stdout.startswith("already given")
    cli.ok("topics", "drop", "en-wheat", "agriculture")
    assert keys(cli, "--topic", "agriculture") == {"uk-wheat"}
    entries = query(cli.url, "SELECT action, target, claim_id, detail FROM audit_log ORDER BY id")
    topic_entries = [e for e in entries if e["action"].startswith("topic")]
    assert [(e["action"], e["target"]) for e in topic_entries] == [
        ("topic accepted", "claim 2"),
        ("topic dropped", "claim 5"),
    ]
    assert json.loads(topic_entries[1]["detail"]) == {
        "topic": "agriculture",
        "suggested": True,
        "keyword": "harvest",
    }


def test_rescan_suggests_for_claims_without_topics_and_not_what_was_dropped(
    imported: Cli,
) -> None:
    cli = imported
    # The dockers' claim has no topic; once "dockers" is a transport keyword it gets one.
    assert "transport" not in cli.ok("show", "en-toil").stdout
    cli.ok("topics", "keywords", "transport", "--add", "docker")
    preview = cli.ok("topics", "suggest")
    assert "claim 9 (en-toil): transport (docker)" in preview.stdout
    assert "would suggest topics for" in preview.stdout
    assert keys(cli, "--topic", "transport") == set()  # nothing written without --rescan
    cli.ok("topics", "suggest", "--rescan")
    assert "transport (suggested: docker)" in cli.ok("show", "en-toil").stdout
    cli.ok("topics", "drop", "en-toil", "transport")
    again = cli.ok("topics", "suggest", "--rescan")
    assert "en-toil" not in again.stdout
    assert keys(cli, "--topic", "transport") == set()
    actions = [row["action"] for row in query(cli.url, "SELECT action FROM audit_log")]
    assert actions.count("topics suggested") == 1


def test_a_claim_given_topics_is_never_rescanned(cli: Cli) -> None:
    cli.ok("outlet", "add", "Wire", "--stance", "unrated")
    cli.ok("source", "add", "--outlet", "Wire", "--key", "s", "--title", "T", "--language", "ru")
    cli.ok("add", "Экспорт нефти вырос", "-s", "s", "-t", "economy", "--key", "given")
    out = cli.ok("topics", "suggest", "--rescan")
    assert "given" not in out.stdout
    assert [row["topics"] for row in listed_claims(cli)] == [["economy"]]


def test_edit_changes_label_parent_and_iptc_fields_audited(cli: Cli) -> None:
    cli.ok("topics", "add", "pipelines", "--label", "Pipelines", "--parent", "transport")
    out = cli.ok(
        "topics", "edit", "pipelines", "--label", "Pipelines and terminals", "--parent", "oil",
        "--iptc-broader", "medtop:20001243",
    )  # fmt: skip
    assert out.stdout.startswith("edited: topic pipelines")
    topic = {row["slug"]: row for row in records(cli, "topics")}["pipelines"]
    assert (topic["label"], topic["parent"], topic["iptc_broader"]) == (
        "Pipelines and terminals",
        "oil",
        "medtop:20001243",
    )
    cli.ok("topics", "edit", "pipelines", "--parent", "", "--iptc-broader", "")
    topic = {row["slug"]: row for row in records(cli, "topics")}["pipelines"]
    assert topic["parent"] is None and topic["iptc_broader"] is None
    entries = query(
        cli.url, "SELECT action, detail FROM audit_log WHERE target = 'topic pipelines'"
    )
    assert [e["action"] for e in entries] == ["topic added", "topic edited", "topic edited"]
    assert json.loads(entries[1]["detail"])["changes"]["parent"] == ["transport", "oil"]


def test_keywords_lists_adds_and_removes(cli: Cli) -> None:
    assert "нафта" in cli.ok("topics", "keywords", "oil").stdout.split("\n")
    out = cli.ok("topics", "keywords", "oil", "--add", "Brent", "--remove", "crude")
    assert out.stdout.splitlines() == ["added: Brent", "removed: crude"]
    listed = cli.ok("topics", "keywords", "oil").stdout.splitlines()
    assert "Brent" in listed and "crude" not in listed
    [entry] = query(cli.url, "SELECT detail FROM audit_log WHERE action = 'topic keywords'")
    assert json.loads(entry["detail"]) == {"added": ["Brent"], "removed": ["crude"]}


def test_merge_repoints_claims_keywords_and_narrower_topics(cli: Cli) -> None:
    cli.ok("outlet", "add", "Wire", "--stance", "unrated")
    cli.ok("source", "add", "--outlet", "Wire", "--key", "s", "--title", "T", "--language", "en")
    cli.ok("topics", "add", "petroleum", "-k", "Brent", "--label", "Petroleum")
    cli.ok("topics", "add", "refining", "--parent", "petroleum")
    cli.ok("add", "Brent fell.", "-s", "s", "-t", "petroleum", "--key", "a")
    cli.ok("add", "Oil and Brent fell.", "-s", "s", "-t", "petroleum", "-t", "oil", "--key", "b")
    cli.ok("add", "Refineries slowed.", "-s", "s", "-t", "refining", "--key", "c")
    out = cli.ok("topics", "merge", "petroleum", "oil")
    assert out.stdout.strip() == (
        "merged topic petroleum into oil: 1 claims moved, 1 had both; keywords added: "
        "Brent; narrower topics moved: refining"
    )
    assert "petroleum" not in {row["slug"] for row in records(cli, "topics")}
    assert keys(cli, "--topic", "oil") == {"a", "b", "c"}
    assert next(r["topics"] for r in listed_claims(cli, "--search", "Brent fell")) == ["oil"]
    topic = {row["slug"]: row for row in records(cli, "topics")}
    assert topic["refining"]["parent"] == "oil" and "Brent" in topic["oil"]["keywords"]
    [entry] = query(cli.url, "SELECT target, detail FROM audit_log WHERE action = 'topics merged'")
    detail = json.loads(entry["detail"])
    assert entry["target"] == "topic oil"
    assert detail["merged"]["slug"] == "petroleum" and detail["claims moved"] == [1]


def test_merge_keeps_a_given_topic_given(cli: Cli) -> None:
    cli.ok("outlet", "add", "Wire", "--stance", "unrated")
    cli.ok("source", "add", "--outlet", "Wire", "--key", "s", "--title", "T", "--language", "en")
    cli.ok("topics", "add", "crude", "-k", "barrel")
    cli.ok("add", "A barrel of oil costs more.", "-s", "s", "--key", "x")  # both suggested
    cli.ok("topics", "accept", "x", "crude")
    cli.ok("topics", "merge", "crude", "oil")
    [link] = query(cli.url, "SELECT suggested FROM claim_topic")
    assert not link["suggested"]


def test_dry_run_merge_changes_nothing(cli: Cli) -> None:
    before = snapshot(cli.url)
    out = cli.ok("topics", "merge", "gas", "energy", "--dry-run")
    assert out.stdout.startswith("would have merged topic gas into energy")
    assert snapshot(cli.url) == before


BAD = [
    (("topics", "merge", "energy", "oil"), "is under 'energy'"),
    (("topics", "merge", "oil", "oil"), "into itself"),
    (("topics", "merge", "oill", "gas"), "no topic 'oill'"),
    (("topics", "edit", "oil", "--iptc-code", "medtop:123"), "not an IPTC Media Topic code"),
    (("topics", "edit", "oil", "--parent", "gas"), None),  # a valid edit, for contrast
    (("topics", "edit", "energy", "--parent", "oil"), "under its own descendant"),
    (("topics", "edit", "oil", "--label", " "), "a topic needs one"),
    (("topics", "add", "x", "--iptc-broader", "iptc:1"), "not an IPTC Media Topic code"),
    (("topics", "keywords", "oil", "--remove", "coal"), "has no keyword 'coal'"),
    (("topics", "accept", "nope", "oil"), "no claim"),
    (("topics", "drop", "1", "oil"), "no claim"),
]


@pytest.mark.parametrize(("args", "message"), [b for b in BAD if b[1]], ids=lambda v: str(v))
def test_bad_input_is_one_line_and_changes_nothing(
    cli: Cli, args: tuple[str, ...], message: str
) -> None:
    before = snapshot(cli.url)
    out = cli(*args)
    assert out.exit_code != 0
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], out.stderr
    assert snapshot(cli.url) == before


def test_accept_or_drop_of_a_topic_the_claim_lacks_is_refused(imported: Cli) -> None:
    before = snapshot(imported.url)
    for verb in ("accept", "drop"):
        out = imported("topics", verb, "en-wheat", "oil")
        assert out.exit_code == 1
        assert out.stderr.strip() == (
            "factbase: error: claim 5 has no topic 'oil', suggested or given"
        )
    assert snapshot(imported.url) == before


def test_edit_without_a_change_is_a_usage_error(cli: Cli) -> None:
    out = cli("topics", "edit", "oil")
    assert out.exit_code == 2


def test_codes_round_trip_through_export_all_and_import(
    cli: Cli, tmp_path: Path, empty_db_url: str
) -> None:
    cli.ok("topics", "add", "pipelines", "--parent", "oil", "--iptc-broader", "medtop:20001243")
    cli.ok("topics", "edit", "diplomacy", "--iptc-label", "diplomacy (IPTC)")
    document = tmp_path / "all.json"
    cli.ok("export", "all", "-o", str(document))
    exported: dict[str, Any] = {t["slug"]: t for t in json.loads(document.read_text())["topics"]}
    assert exported["oil"]["iptc_code"] == "medtop:20001243"
    assert exported["pipelines"]["iptc_broader"] == "medtop:20001243"
    other = Cli(empty_db_url)
    other.ok("import", str(document))
    mine = {row["slug"]: row for row in records(cli, "topics")}
    theirs = {row["slug"]: row for row in records(other, "topics")}
    fields = ("label", "parent", "iptc_code", "iptc_label", "iptc_broader", "keywords")
    assert {s: [t[f] for f in fields] for s, t in theirs.items()} == {
        s: [t[f] for f in fields] for s, t in mine.items()
    }
    second = tmp_path / "again.json"
    other.ok("export", "all", "-o", str(second))
    assert second.read_text() == document.read_text()
