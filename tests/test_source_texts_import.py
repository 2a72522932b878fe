"""Article texts through the interchange format and the seed: `text`, `text_file`,
`text_sha256`, `seed --texts DIR`, and `export all` giving them back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from helpers import Cli, query, records, snapshot

from factbase.text.articles import text_sha256

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "tests" / "fixtures" / "saved_page.html"
# Where the seed's articles are, as tests/test_seed_data.py finds them.
ARTICLES_DIR = Path(os.environ.get("FACTBASE_ARTICLES_DIR") or ROOT.parent / "shared" / "seeds")
ARTICLE = "Около\u00a080% экспорта казахстанской нефти проходит через КТК.\n"


def document(tmp_path: Path, source: dict[str, object], *claims: dict[str, object]) -> Path:
    path = tmp_path / "doc.yaml"
    data = {
        "outlets": [{"name": "Степь", "stance": "neutral"}],
        "sources": [{"key": "s", "outlet": "Степь", "title": "КТК", **source}],
        "claims": [{"source": "s", **claim} for claim in claims],
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


QUOTE = {"key": "c", "statement": "About 80% goes through the CPC.", "quote": "Около 80%"}


def test_an_inline_text_anchors_the_quotes_of_the_same_document(
    db_url: str, tmp_path: Path
) -> None:
    cli = Cli(db_url)
    cli.ok("import", str(document(tmp_path, {"text": ARTICLE}, QUOTE)))
    (claim,) = records(cli, "list", "--format", "json")
    assert claim["quote_match"] == "normalised"
    assert ARTICLE[claim["quote_start"] : claim["quote_end"]] == "Около\u00a080%"
    (stored,) = query(db_url, "SELECT text, sha256 FROM source_text")
    assert stored == {"text": ARTICLE, "sha256": text_sha256(ARTICLE)}


def test_a_text_file_is_read_relative_to_the_document(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "texts" / "page.html").write_bytes(PAGE.read_bytes())
    cli = Cli(db_url)
    cli.ok("import", str(document(tmp_path, {"text_file": "texts/a.txt"}, QUOTE)))
    assert records(cli, "list", "--format", "json")[0]["quote_match"] == "normalised"
    cli.ok("import", str(document(tmp_path, {"text_file": "texts/page.html"}, QUOTE)))
    (source,) = records(cli, "source", "show", "s", "--format", "json")
    assert source["text_extractor"].startswith("trafilatura ")
    # The page's text has an ordinary space where the .txt had a no-break one.
    assert records(cli, "list", "--format", "json")[0]["quote_match"] == "exact"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ({"text": ARTICLE, "text_sha256": "0" * 64}, "SHA-256"),
        ({"text_file": "missing.txt"}, "no such file"),
        ({"text": ARTICLE, "text_file": "a.txt"}, "not both"),
    ],
)
def test_a_bad_text_fails_the_import_and_writes_nothing(
    db_url: str, tmp_path: Path, source: dict[str, object], fragment: str
) -> None:
    cli = Cli(db_url)
    before = snapshot(db_url)
    out = cli("import", str(document(tmp_path, source, QUOTE)))
    assert out.exit_code == 1 and fragment in out.stderr, out.stderr
    assert len(out.stderr.splitlines()) == 1
    assert snapshot(db_url) == before


def test_strict_fails_an_import_whose_quote_the_text_lacks(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url)
    path = document(tmp_path, {"text": ARTICLE}, {**QUOTE, "quote": "Около 90%"})
    before = snapshot(db_url)
    out = cli("import", str(path), "--strict")
    assert out.exit_code == 1 and "not found in the source's text" in out.stderr
    assert snapshot(db_url) == before
    out = cli.ok("import", str(path))
    assert "not found in the source's text" in out.stderr


def test_export_all_gives_the_texts_and_hashes_back(db_url: str, tmp_path: Path) -> None:
    cli = Cli(db_url)
    cli.ok("import", str(document(tmp_path, {"text": ARTICLE}, QUOTE)))
    exported = tmp_path / "all.json"
    cli.ok("export", "all", "--format", "json", "-o", str(exported))
    (source,) = json.loads(exported.read_text(encoding="utf-8"))["sources"]
    assert source["text"] == ARTICLE and source["text_sha256"] == text_sha256(ARTICLE)
    assert source["text_extractor"] == "plain" and source["text_retrieved_at"]
    other = tmp_path / "other.db"
    again = Cli(str(other))
    again.ok("import", str(exported))
    back = tmp_path / "back.json"
    again.ok("export", "all", "--format", "json", "-o", str(back))
    (returned,) = json.loads(back.read_text(encoding="utf-8"))["sources"]
    text_fields = ("text", "text_sha256", "text_extractor", "text_retrieved_at")
    assert {f: returned[f] for f in text_fields} == {f: source[f] for f in text_fields}
    (claim,) = records(again, "list", "--format", "json")
    assert (claim["quote_match"], claim["quote_start"], claim["quote_end"]) == (
        "normalised",
        0,
        len("Около\u00a080%"),
    )
    unchanged = json.loads(again.ok("import", str(exported), "--format", "json").stdout)
    assert unchanged.get("texts_attached", 0) == 0


@pytest.fixture
def articles() -> Path:
    if not ARTICLES_DIR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"articles directory {ARTICLES_DIR} is missing on CI")
        pytest.skip(f"articles directory {ARTICLES_DIR} is not available")
    return ARTICLES_DIR


def test_seed_texts_attaches_the_articles_and_every_quote_verifies(
    db_url: str, articles: Path
) -> None:
    cli = Cli(db_url)
    out = cli.ok("seed", "--texts", str(articles), "--strict")
    assert "article texts attached: 5" in out.stdout
    counts = {
        row["quote_match"]: row["n"]
        for row in query(db_url, "SELECT quote_match, count(*) AS n FROM claim GROUP BY 1")
    }
    # Ten quotes differ from their articles by a no-break space only.
    assert counts == {"exact": 129, "normalised": 10}
    spans = query(
        db_url,
        "SELECT c.quote, c.quote_start, c.quote_end, t.text FROM claim AS c "
        "JOIN source_text AS t ON t.source_id = c.source_id",
    )
    assert len(spans) == 139
    for row in spans:
        passage = row["text"][row["quote_start"] : row["quote_end"]]
        assert " ".join(passage.split()) == " ".join(row["quote"].split())
    again = cli.ok("seed", "--texts", str(articles))
    assert "article texts attached" not in again.stdout


def test_seed_without_texts_is_as_before_and_texts_can_come_later(
    db_url: str, articles: Path, tmp_path: Path
) -> None:
    cli = Cli(db_url)
    cli.ok("seed")
    assert query(db_url, "SELECT count(*) AS n FROM source_text") == [{"n": 0}]
    assert {row["quote_match"] for row in query(db_url, "SELECT quote_match FROM claim")} == {
        "no-text"
    }
    empty = tmp_path / "empty"
    empty.mkdir()
    out = cli.ok("seed", "--texts", str(empty))
    assert out.stderr.count("no file in the texts folder has its text") == 5
    cli.ok("seed", "--texts", str(articles))
    assert query(db_url, "SELECT count(*) AS n FROM source_text") == [{"n": 5}]
