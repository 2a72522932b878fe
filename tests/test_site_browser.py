"""The report's site in a real browser: the distribution's Chromium, headless, driven by
Playwright's client (which downloads no browser of its own here).

Without Chromium (or Playwright) the tests are skipped, saying why; in CI (CI set) they
fail instead, since `.ci/run` installs Chromium.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import site_database

from factbase.analysis.reports import ReportFilter
from factbase.interchange.site import PAGES, build_site
from factbase.store.database import Database

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("FACTBASE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(f"{reason} (apt-get install -y chromium; CI installs it)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    if not Path(CHROMIUM).is_file():
        _unavailable(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("browser")
    database = Database.open(site_database(where))
    try:
        with database.session() as session:
            now = datetime(2026, 1, 2, tzinfo=UTC)
            build_site(session, ReportFilter(), where / "site", now=now)
    finally:
        database.close()
    return where / "site"


class Visit:
    """A page open in the browser, with every console error, page error and failed
    request seen while it loaded."""

    def __init__(self, browser: Any, url: str) -> None:
        self.page = browser.new_page(viewport={"width": 1200, "height": 900})
        self.problems: list[str] = []
        self.page.on(
            "console",
            lambda message: (
                self.problems.append(f"console {message.type}: {message.text}")
                if message.type in ("error", "assert")
                else None
            ),
        )
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on(
            "requestfailed",
            lambda request: self.problems.append(
                f"failed request: {request.url} ({request.failure})"
            ),
        )
        self.page.on(
            "response",
            lambda response: (
                self.problems.append(f"HTTP {response.status}: {response.url}")
                if response.status >= 400
                else None
            ),
        )
        self.page.goto(url, wait_until="load")


def _pages(site: Path) -> list[Path]:
    claims = sorted((site / "claim").glob("*.html"), key=lambda p: int(p.stem))
    return [site / f"{name}.html" for name in PAGES] + claims[:3] + claims[-3:]


def test_every_page_loads_without_an_error(browser: Any, site: Path) -> None:
    for path in _pages(site):
        visit = Visit(browser, path.as_uri())
        stylesheet = visit.page.evaluate(
            "() => getComputedStyle(document.querySelector('header')).borderBottomStyle"
        )
        assert stylesheet == "solid", f"{path.name}: the stylesheet did not apply"
        assert visit.problems == [], path.name
        visit.page.close()


@pytest.mark.parametrize(("name", "charts"), [("index", 2), ("timelines", 1), ("outlets", 1)])
def test_charts_render_with_a_size(browser: Any, site: Path, name: str, charts: int) -> None:
    visit = Visit(browser, (site / f"{name}.html").as_uri())
    sizes = visit.page.evaluate(
        "() => Array.from(document.querySelectorAll('figure.chart svg'), svg => {"
        "  const box = svg.getBoundingClientRect();"
        "  return [box.width, box.height, svg.querySelectorAll('path, text').length]; })"
    )
    assert len(sizes) >= charts
    for width, height, marks in sizes:
        assert width > 100 and height > 50 and marks > 5, sizes
    assert visit.problems == []


def test_the_conflict_filters_work(browser: Any, site: Path) -> None:
    visit = Visit(browser, (site / "conflicts.html").as_uri())
    page = visit.page
    every = page.locator("article.conflict").count()
    assert every >= 10
    assert page.locator("article.conflict:visible").count() == every
    kinds = page.eval_on_selector_all(
        "article.conflict", "nodes => nodes.map(node => node.dataset.kind)"
    )
    kind = min(set(kinds), key=kinds.count)  # the rarest, so that the filter hides some
    page.select_option("select[name=kind]", kind)
    shown = page.locator("article.conflict:visible")
    assert 0 < shown.count() == kinds.count(kind) < every
    assert {shown.nth(n).get_attribute("data-kind") for n in range(shown.count())} == {kind}
    assert page.text_content("#conflict-count") == f"{kinds.count(kind)} shown"
    page.select_option("select[name=kind]", "")
    assert page.locator("article.conflict:visible").count() == every
    page.fill("input[name=text]", "nothing-any-conflict-says")
    assert page.locator("article.conflict:visible").count() == 0
    assert page.text_content("#conflict-count") == "0 shown"
    page.fill("input[name=text]", "")
    # A claim link goes to a claim page that loads.
    href = page.locator("article.conflict a[href^='claim/']").first.get_attribute("href")
    page.click(f"article.conflict a[href='{href}'] >> nth=0")
    page.wait_for_load_state("load")
    assert page.url.endswith(href)
    assert visit.problems == []


def test_a_screenshot_of_the_overview_is_not_blank(browser: Any, site: Path) -> None:
    from PIL import Image  # matplotlib's own dependency

    visit = Visit(browser, (site / "index.html").as_uri())
    png = visit.page.screenshot(full_page=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png)).convert("L")
    width, height = image.size
    assert width >= 1000 and height >= 900
    counts = image.histogram()  # pixels per grey level, 0 to 255
    total = sum(counts)
    mean = sum(level * n for level, n in enumerate(counts)) / total
    variance = sum(n * (level - mean) ** 2 for level, n in enumerate(counts)) / total
    assert variance > 200, f"a nearly uniform screenshot (variance {variance:.0f})"
    # Text, charts and the heatmap's shades, not one colour.
    assert sum(1 for n in counts if n) > 50
    assert visit.problems == []
