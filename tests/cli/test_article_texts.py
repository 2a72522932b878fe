"""Sources with their article's text: `source add --text-file/--html-file`, `source text`,
`source show`, quotes located on `add`, `edit`, `import`, and `--quote-status`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from helpers import Cli, query, records, snapshot

PAGE = Path(__file__).resolve().parents[1] / "fixtures" / "saved_page.html"
# A Russian article with no-break spaces, typographic quotes and a dash.
ARTICLE = (
    "Казахстан наращивает экспорт.\n\n"
    "Около\u00a080% экспорта казахстанской нефти проходит через КТК — "
    "«главный маршрут», сказал министр.\n"
)


@pytest.fixture
def cli(db_url: str) -> Cli:
    cli = Cli(db_url)
    cli.ok("outlet", "add", "Новости Степи", "--stance", "neutral")
    return cli


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "article.txt"
    path.write_bytes(ARTICLE.encode("utf-8"))
    return path


def add_source(cli: Cli, article: Path, key: str = "ktk") -> None:
    cli.ok("source", "add", "--outlet", "Новости Степи", "--title", "КТК", "--key", key,
           "--published", "2023-03-14", "--text-file", str(article))  # fmt: skip


def assert_error(cli: Cli, args: tuple[str, ...], *fragments: str) -> None:
    """One line on stderr, exit 1, nothing written."""
    before = snapshot(cli.url)
    out = cli(*args)
    assert out.exit_code == 1, (out.stdout, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("factbase: error: "), out.stderr
    for fragment in fragments:
        assert fragment in lines[0], out.stderr
    assert snapshot(cli.url) == before


def test_a_text_file_is_stored_as_received_with_its_hash(cli: Cli, article: Path) -> None:
    add_source(cli, article)
    stored = query(cli.url, "SELECT * FROM source_text")
    assert len(stored) == 1
    row = stored[0]
    assert row["text"] == ARTICLE and row["length"] == len(ARTICLE)
    assert row["sha256"] == hashlib.sha256(article.read_bytes()).hexdigest()
    assert row["extractor"] == "plain" and row["retrieved_at"] is not None
    assert cli.ok("source", "text", "ktk").stdout == ARTICLE
    shown = cli.ok("source", "show", "ktk").stdout
    assert row["sha256"] in shown and "0 quotes found in the text" in shown
    (data,) = json.loads(cli.ok("source", "show", "ktk", "--format", "json").stdout)
    assert data["text_sha256"] == row["sha256"] and data["text_length"] == len(ARTICLE)
    assert data["text_extractor"] == "plain" and data["anchored_quotes"] == 0


def test_a_saved_page_gives_the_article_and_defaults_for_what_was_not_given(cli: Cli) -> None:
    cli.ok("source", "add", "--html-file", str(PAGE), "--key", "page")
    (source,) = records(cli, "source", "show", "page", "--format", "json")
    assert source["title"] == "Казахстан наращивает экспорт через КТК"
    assert source["author"] == "Анна Петрова" and source["outlet"] == "Новости Степи"
    assert source["published"] == "2023-03-14"  # the article's date, not the header's "today"
    assert source["text_extractor"].startswith("trafilatura ")
    text = cli.ok("source", "text", "page").stdout
    assert "Около 80% экспорта казахстанской нефти" in text
    assert "Сегодня" not in text and "Главная" not in text and "Все права" not in text


def test_what_a_person_gives_wins_over_the_page(cli: Cli) -> None:
    cli.ok("outlet", "add", "Other", "--stance", "unrated")
    cli.ok("source", "add", "--html-file", str(PAGE), "--key", "page", "--title", "Мой заголовок",
           "--outlet", "Other", "--published", "март 2023", "--author", "Редакция")  # fmt: skip
    (source,) = records(cli, "source", "show", "page", "--format", "json")
    assert (source["title"], source["outlet"]) == ("Мой заголовок", "Other")
    assert (source["published"], source["author"]) == ("2023-03", "Редакция")


def test_a_site_that_is_no_outlet_is_named_in_the_error(db_url: str) -> None:
    cli = Cli(db_url)  # no outlet "Новости Степи" yet
    args = ("source", "add", "--html-file", str(PAGE), "--key", "page")
    assert_error(cli, args, "the page names its site 'Новости Степи'", "--outlet")
    cli.ok("outlet", "add", "Новости Степи", "--stance", "neutral")
    cli.ok(*args)


def test_bad_text_input_is_one_line_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    base = ("source", "add", "--outlet", "Новости Степи", "--title", "T", "--key", "k")
    assert_error(cli, (*base, "--text-file", str(tmp_path / "missing.txt")), "no such file")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9".encode("latin-1"))
    assert_error(cli, (*base, "--text-file", str(tmp_path / "latin1.txt")), "not UTF-8")
    (tmp_path / "empty.html").write_text("<html><body></body></html>")
    assert_error(cli, (*base, "--html-file", str(tmp_path / "empty.html")), "no article text")
    assert_error(cli, (*base, "--text-file", str(PAGE), "--html-file", str(PAGE)), "not both")


def test_sources_without_text_work_as_before(cli: Cli) -> None:
    cli.ok("source", "add", "--outlet", "Новости Степи", "--title", "T", "--key", "bare")
    out = cli.ok("add", "Exports grew.", "-s", "bare", "--quote", "экспорт вырос")
    assert "warning" not in out.stderr
    (claim,) = records(cli, "list", "--format", "json")
    assert claim["quote_match"] == "no-text" and claim["quote_start"] is None
    assert "none" in cli.ok("source", "show", "bare").stdout
    assert_error(cli, ("source", "text", "bare"), "has no text")


@pytest.mark.parametrize(
    ("quote", "match", "passage"),
    [
        ("Около\u00a080% экспорта", "exact", "Около\u00a080% экспорта"),
        ("Около 80% экспорта", "normalised", "Около\u00a080% экспорта"),
        ('через КТК - "главный маршрут"', "normalised", "через КТК — «главный маршрут»"),
        ("наращивает экспорт. Около 80%", "normalised", "наращивает экспорт.\n\nОколо\u00a080%"),
    ],
)
def test_add_locates_the_quote_and_stores_its_span(
    cli: Cli, article: Path, quote: str, match: str, passage: str
) -> None:
    add_source(cli, article)
    out = cli.ok("add", "About 80% goes through the CPC.", "-s", "ktk", "--quote", quote)
    assert "warning" not in out.stderr
    (claim,) = records(cli, "list", "--format", "json")
    assert claim["quote_match"] == match
    assert ARTICLE[claim["quote_start"] : claim["quote_end"]] == passage


def test_a_quote_the_text_lacks_is_a_warning_or_with_strict_an_error(
    cli: Cli, article: Path
) -> None:
    add_source(cli, article)
    args = ("add", "About 90%.", "-s", "ktk", "--quote", "Около 90% экспорта")
    assert_error(cli, (*args, "--strict"), "quote: not found in the source's text", "--strict")
    out = cli.ok(*args)
    assert "warning: quote: not found in the source's text" in out.stderr
    (claim,) = records(cli, "list", "--format", "json")
    assert claim["quote_match"] == "not-found" and claim["quote_start"] is None
    listed = records(cli, "list", "--quote-status", "not-found", "--format", "json")
    assert [c["id"] for c in listed] == [claim["id"]]
    assert records(cli, "list", "--quote-status", "exact", "--format", "json") == []
    exported = cli.ok("export", "claims", "--format", "csv").stdout
    assert "quote_match" in exported.splitlines()[0] and "not-found" in exported


def test_edit_locates_a_corrected_quote_again_and_strict_refuses(cli: Cli, article: Path) -> None:
    add_source(cli, article)
    cli.ok("add", "About 90%.", "-s", "ktk", "--quote", "Около 90% экспорта", "--key", "c")
    assert_error(cli, ("edit", "c", "--quote", "Около 70%", "--strict"), "not found")
    out = cli.ok("edit", "c", "--quote", "Около 80%")
    assert "quote_match: not-found → normalised" in out.stdout
    (claim,) = records(cli, "list", "--format", "json")
    assert claim["quote_match"] == "normalised"
    assert ARTICLE[claim["quote_start"] : claim["quote_end"]] == "Около\u00a080%"
    history = cli.ok("history", "c", "--format", "json").stdout
    assert "quote_match" in history


def test_a_text_attached_later_anchors_the_quotes_and_is_audited(cli: Cli, article: Path) -> None:
    cli.ok("source", "add", "--outlet", "Новости Степи", "--title", "КТК", "--key", "ktk")
    cli.ok("add", "About 80%.", "-s", "ktk", "--quote", "Около 80% экспорта", "--key", "c")
    cli.ok("add", "Main route.", "-s", "ktk", "--quote", "запасной маршрут", "--key", "d")
    out = cli.ok("source", "edit", "ktk", "--text-file", str(article), "--why", "saved copy")
    assert "text_sha256: ∅ → " in out.stdout
    assert "claim 2: quote not found in the new text" in out.stderr
    matches = {c["key"]: c["quote_match"] for c in records(cli, "list", "--format", "json")}
    assert matches == {"c": "normalised", "d": "not-found"}
    assert "1 quotes found in the text" in cli.ok("source", "show", "ktk").stdout
    (entry,) = records(cli, "history", "--source", "ktk", "--format", "json")
    detail = json.loads(entry["detail"])
    assert detail["quotes"] == {"normalised": 1, "not-found": 1}
    assert entry["note"] == "saved copy"
    again = cli.ok("source", "edit", "ktk", "--text-file", str(article))
    assert "nothing to change" in again.stdout


def test_show_prints_the_quote_in_its_article(cli: Cli, article: Path) -> None:
    add_source(cli, article)
    cli.ok("add", "Main route.", "-s", "ktk", "--quote", "главный маршрут", "--key", "route")
    shown = cli.ok("show", "route").stdout
    assert "exact at" in shown
    assert "⟦главный маршрут⟧" in shown.replace("\n", " ")
    assert "сказал министр" in shown


def test_a_restored_claim_is_located_in_the_text_its_source_has_now(
    cli: Cli, article: Path
) -> None:
    cli.ok("source", "add", "--outlet", "Новости Степи", "--title", "КТК", "--key", "ktk")
    cli.ok("add", "About 80%.", "-s", "ktk", "--quote", "Около 80% экспорта", "--key", "c")
    cli.ok("delete", "c", "--yes")
    (deleted,) = records(cli, "history", "--action", "delete", "--format", "json")
    entry = str(deleted["id"])
    cli.ok("source", "edit", "ktk", "--text-file", str(article))
    cli.ok("restore", entry)
    (claim,) = records(cli, "list", "--format", "json")
    assert claim["quote_match"] == "normalised"
    assert ARTICLE[claim["quote_start"] : claim["quote_end"]] == "Около\u00a080% экспорта"


def test_conflicts_show_and_review_give_each_quote_in_its_article(
    cli: Cli, article: Path, tmp_path: Path
) -> None:
    from factbase.analysis.review import load_conflict
    from factbase.store.database import Database

    add_source(cli, article)
    other = tmp_path / "other.txt"
    other.write_text("По данным компании, через КТК идёт около 60% экспорта нефти.", "utf-8")
    add_source(cli, other, key="other")
    about = ("--subject", "CPC", "--property", "share")
    cli.ok("add", "About 80% goes through the CPC.", "-s", "ktk", *about,
           "--value", "около 80%", "--quote", "Около 80% экспорта")  # fmt: skip
    cli.ok("add", "About 60% goes through the CPC.", "-s", "other", *about,
           "--value", "около 60%", "--quote", "около 60% экспорта")  # fmt: skip
    shown = cli.ok("conflicts", "show", "1").stdout
    assert shown.count("in the text:") == 2 and shown.count("⟦") == 2
    database = Database.open(cli.url)
    try:
        with database.session() as session:
            item = load_conflict(session, 1)
            assert item is not None
            assert item.left.quote_context is not None and item.right.quote_context is not None
            assert item.right.quote_context.before == "По данным компании, через КТК идёт "
    finally:
        database.close()
