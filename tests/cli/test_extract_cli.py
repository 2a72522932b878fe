"""`factbase extract`: candidate claims of a source's text, as a table and as claim records
that `factbase import` takes back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import Cli, own_vocabulary_only, query

ARTICLE = (
    "Казахстан увеличил оборонный бюджет на 441 миллиард тенге, сообщил Токаев.\n"
    "По данным КТК, в июле через трубопровод прошло около 80% экспорта нефти.\n"
    "Вчера Россия не стала комментировать решение.\n"
    "Реклама\n"
)


@pytest.fixture
def sourced(cli: Cli, tmp_path: Path) -> tuple[Cli, Path]:
    own_vocabulary_only(cli.url)  # the topics below, and no other
    cli.ok("outlet", "add", "Example News", "--stance", "neutral")
    cli.ok("topics", "add", "oil", "-k", "нефть")
    cli.ok("entities", "add", "Kazakhstan", "--alias", "Казахстан")
    cli.ok("entities", "add", "Kassym-Jomart Tokayev", "--alias", "Токаев")
    cli.ok("entities", "add", "Caspian Pipeline Consortium", "--alias", "КТК")
    cli.ok(
        "source", "add", "--outlet", "Example News", "--key", "kz-budget", "--language", "ru",
        "--title", "Бюджет", "--published", "2023-08-15",
    )  # fmt: skip
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    return cli, article


def test_extract_table(sourced: tuple[Cli, Path]) -> None:
    cli, article = sourced
    out = cli.ok("extract", "kz-budget", "--text-file", str(article), "--wide")
    assert "441 миллиард тенге" in out.stdout
    assert "Kassym-Jomart Tokayev" in out.stdout
    assert "Реклама" not in out.stdout
    assert "3 candidates from source kz-budget" in out.stderr


def test_extract_jsonl_imports_as_claims(sourced: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, article = sourced
    out = cli.ok("extract", "kz-budget", "--text-file", str(article), "--format", "jsonl")
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["type"] for r in records] == ["claim"] * 3
    first, second, third = records
    assert first["quote"] == ARTICLE.splitlines()[0]
    assert first["speaker"] == "Kassym-Jomart Tokayev"
    assert first["value"] == "441 миллиард тенге"
    assert first["subject"] == "Kazakhstan"
    assert second["speaker"] == "Caspian Pipeline Consortium"
    assert second["event_date"] == "2023-07" and second["topics"] == ["oil"]
    assert third["event_date"] == "2023-08-14"  # "вчера", counted from the publication
    # A person edits a statement, then imports the file.
    first["statement"] = "Kazakhstan raised its defence budget by 441 bn tenge."
    edited = tmp_path / "candidates.jsonl"
    edited.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    cli.ok("import", str(edited))
    stored = query(
        cli.url,
        "SELECT statement, quote, speaker, value_num, value_unit, polarity, language FROM claim "
        "ORDER BY id",
    )
    assert [row["quote"] for row in stored] == ARTICLE.splitlines()[:3]
    assert stored[0]["statement"] == "Kazakhstan raised its defence budget by 441 bn tenge."
    assert stored[0]["value_num"] == 441e9 and stored[0]["value_unit"] == "KZT"
    assert stored[2]["polarity"] == "denied"
    assert {row["language"] for row in stored} == {"ru"}
    # Importing the same file again changes nothing.
    cli.ok("import", str(edited))
    assert len(query(cli.url, "SELECT id FROM claim")) == 3


def test_extract_json_is_one_document(sourced: tuple[Cli, Path]) -> None:
    cli, article = sourced
    out = cli.ok("extract", "kz-budget", "--text-file", str(article), "-f", "json")
    document = json.loads(out.stdout)
    assert list(document) == ["claims"] and len(document["claims"]) == 3


def test_extract_reads_standard_input(sourced: tuple[Cli, Path]) -> None:
    cli, _ = sourced
    out = cli.ok("extract", "kz-budget", "--text-file", "-", "-f", "jsonl", input=ARTICLE)
    assert len(out.stdout.splitlines()) == 3


def test_extract_without_text_is_one_line(sourced: tuple[Cli, Path]) -> None:
    cli, _ = sourced
    out = cli("extract", "kz-budget")
    assert out.exit_code == 1
    assert out.stderr.strip().splitlines() == [
        "factbase: error: no text for source 'kz-budget'; give it with --text-file FILE"
    ]


def test_extract_unknown_source(sourced: tuple[Cli, Path]) -> None:
    cli, article = sourced
    out = cli("extract", "nope", "--text-file", str(article))
    assert out.exit_code == 1 and "no source 'nope'" in out.stderr


def test_review_candidates_accept_edit_skip_and_resume(sourced: tuple[Cli, Path]) -> None:
    cli, article = sourced
    review = ("review", "candidates", "kz-budget", "--text-file", str(article))
    out = cli.ok(*review, input="e\nstatement\nKazakhstan raised its defence budget.\na\ns\nq\n")
    assert "3 candidates in source kz-budget; starting at #1" in out.stdout
    assert "saved: claim 1" in out.stdout
    assert "review ended: 1 accepted, 1 skipped; 2 candidates left" in out.stdout
    stored = query(cli.url, "SELECT statement, quote, speaker, value_text FROM claim")
    assert stored == [
        {
            "statement": "Kazakhstan raised its defence budget.",
            "quote": ARTICLE.splitlines()[0],
            "speaker": "Kassym-Jomart Tokayev",
            "value_text": "441 миллиард тенге",
        }
    ]
    again = cli.ok(*review, input="x\n?\na\nq\n")
    assert "1 of 3 candidates recorded already; resuming at #2" in again.stdout
    assert "unknown key 'x'" in again.stdout and "accept: record the candidate" in again.stdout
    assert "review ended: 1 accepted; 1 candidate left" in again.stdout
    last = cli.ok(*review, input="a\n")
    assert "resuming at #3" in last.stdout
    done = cli.ok(*review, input="")
    assert "all 3 candidates of source kz-budget are recorded" in done.stdout
    assert len(query(cli.url, "SELECT id FROM claim")) == 3


def test_review_candidates_refuses_a_bad_edit_and_asks_again(sourced: tuple[Cli, Path]) -> None:
    cli, article = sourced
    review = ("review", "candidates", "kz-budget", "--text-file", str(article))
    out = cli.ok(*review, input="e\nvalue\nnot a number\na\ne\nnope\nq\n")
    assert "not saved: " in out.stdout and "no field 'nope'" in out.stdout
    assert query(cli.url, "SELECT id FROM claim") == []


def test_review_candidates_needs_a_source(cli: Cli) -> None:
    out = cli("review", "candidates")
    assert out.exit_code == 2 and "needs the SOURCE" in out.stderr
    out = cli("review", "conflicts", "kz-budget")
    assert out.exit_code == 2 and "go with `review candidates`" in out.stderr
    out = cli("review", "candidates", "kz-budget", "--kind", "value")
    assert out.exit_code == 2 and "filter conflicts and matches" in out.stderr


def test_extract_reads_the_sources_stored_text(sourced: tuple[Cli, Path], tmp_path: Path) -> None:
    cli, article = sourced
    given = cli.ok("extract", "kz-budget", "--text-file", str(article), "--format", "jsonl")
    # Without a stored text, the source has nothing to extract from.
    outcome = cli("extract", "kz-budget")
    assert outcome.exit_code == 1 and "no text for source" in outcome.stderr
    cli.ok("source", "edit", "kz-budget", "--text-file", str(article))
    stored = cli.ok("extract", "kz-budget", "--format", "jsonl")
    assert stored.stdout == given.stdout
    # The candidates' quotes verify against the text they came from.
    path = tmp_path / "candidates.jsonl"
    path.write_text(stored.stdout, encoding="utf-8")
    cli.ok("import", str(path), "--strict")
    rows = json.loads(cli.ok("list", "--format", "json").stdout)
    assert len(rows) == 3
    assert {row["quote_match"] for row in rows} == {"exact"}
