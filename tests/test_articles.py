"""An article's text from a plain-text file or a saved page (factbase.text.articles)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from factbase.errors import InvalidInput
from factbase.text.articles import read_html_file, read_text_file, text_sha256

PAGE = Path(__file__).resolve().parent / "fixtures" / "saved_page.html"


def test_a_text_file_is_kept_as_received_with_its_hash(tmp_path: Path) -> None:
    body = "Около\u00a080% нефти.\r\nВторая строка.\n"
    path = tmp_path / "article.txt"
    path.write_bytes(body.encode("utf-8"))
    article = read_text_file(path)
    assert article.text == body and article.extractor == "plain"
    assert article.sha256 == hashlib.sha256(path.read_bytes()).hexdigest() == text_sha256(body)
    assert article.length == len(body)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "no such file"), (b"\xff\xfe\x00x", "not UTF-8"), (b"  \n", "empty")],
)
def test_a_bad_text_file_is_refused(tmp_path: Path, content: bytes | None, message: str) -> None:
    path = tmp_path / "article.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        read_text_file(path)


def test_a_saved_page_gives_the_article_alone_and_its_details() -> None:
    article = read_html_file(PAGE)
    assert article.extractor.startswith("trafilatura ")
    assert "Около 80% экспорта казахстанской нефти" in article.text
    assert "«Мы не рассматриваем альтернативы КТК" in article.text
    for furniture in ("Сегодня", "Главная", "Популярное", "Все права защищены", "Курс тенге"):
        assert furniture not in article.text
    details = article.details
    assert details.title == "Казахстан наращивает экспорт через КТК"
    assert details.author == "Анна Петрова" and details.site_name == "Новости Степи"
    assert details.published == "2023-03-14"


def test_a_today_line_in_the_header_is_not_the_publication_date(tmp_path: Path) -> None:
    page = PAGE.read_text(encoding="utf-8")
    undated = "\n".join(line for line in page.splitlines() if "published_time" not in line)
    for today in ("Сегодня: 4 декабря 2026 года, пятница", "Today: 2025-05-05"):
        path = tmp_path / "page.html"
        path.write_text(undated.replace("Сегодня: 4 декабря 2026 года, пятница", today))
        assert read_html_file(path).details.published is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just words, no markup", "not an HTML page"),
        (b"<html><head><title>T</title></head><body></body></html>", "no article text"),
    ],
)
def test_a_page_without_an_article_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(InvalidInput, match=message):
        read_html_file(path)
