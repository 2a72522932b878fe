"""`factbase report --html DIR`: the static site, on the seed data and a few claims more."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import Cli, listed_claims, site_database

from factbase.analysis.reports import ReportFilter
from factbase.interchange.site import build_site
from factbase.store.database import Database

NOW = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)


@pytest.fixture(scope="module")
def site_db(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return site_database(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def site(site_db: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("built") / "site"
    database = Database.open(site_db)
    try:
        with database.session() as session:
            build_site(session, ReportFilter(), directory, now=NOW)
    finally:
        database.close()
    return directory


def _files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _claim_id(url: str, key: str) -> int:
    (claim,) = [c for c in listed_claims(Cli(url), "--limit", "0") if c["key"] == key]
    return int(claim["id"])


def test_every_page_is_written(site: Path) -> None:
    names = set(_files(site))
    assert {
        "index.html",
        "contested.html",
        "conflicts.html",
        "timelines.html",
        "outlets.html",
        "claims.html",
        "static/site.css",
        "static/site.js",
    } <= names
    assert len([n for n in names if n.startswith("claim/")]) == 143  # 139 seed + 4
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<strong>143</strong> claims" in index
    assert index.count("<svg") == 2  # the heatmap and the languages


def test_claim_text_is_escaped(site: Path, site_db: str) -> None:
    claim_id = _claim_id(site_db, "site-markup")
    page = (site / "claim" / f"{claim_id}.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    assert "&lt;/blockquote&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for name, data in _files(site).items():
        text = data.decode("utf-8")
        assert "<script>alert" not in text, name
        assert "<b>bold" not in text, name
        # The only script any page loads is the site's own.
        scripts = re.findall(r"<script[^>]*>", text)
        assert set(scripts) <= {
            '<script src="static/site.js">',
            '<script src="../static/site.js">',
        }, name


@pytest.mark.slow
def test_same_database_same_bytes_but_the_generated_line(site_db: str, tmp_path: Path) -> None:
    database = Database.open(site_db)
    try:
        with database.session() as session:
            build_site(session, ReportFilter(), tmp_path / "a", now=NOW)
            later = datetime(2027, 5, 6, 7, 8, tzinfo=UTC)
            build_site(session, ReportFilter(), tmp_path / "b", now=later)
    finally:
        database.close()
    first, second = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert first.keys() == second.keys()
    differ = [name for name in first if first[name] != second[name]]
    assert differ == ["index.html"]
    a = first["index.html"].decode().splitlines()
    b = second["index.html"].decode().splitlines()
    changed = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    assert changed == [
        (
            '<footer><p class="generated">Generated 2026-01-02 03:04 UTC</p></footer>',
            '<footer><p class="generated">Generated 2027-05-06 07:08 UTC</p></footer>',
        )
    ]


def test_offline_no_url_but_the_sources(site: Path, site_db: str) -> None:
    found = {
        (name, url)
        for name, data in _files(site).items()
        for url in re.findall(r"(?i)https?:[^\s\"'<>)]*", data.decode("utf-8"))
    }
    claim_id = _claim_id(site_db, "site-ru-2022")
    assert found == {(f"claim/{claim_id}.html", "https://example.org/news/ktk?a=1&amp;b=2")}
    # The stylesheet and the script fetch nothing either.
    for name in ("static/site.css", "static/site.js"):
        text = (site / name).read_text(encoding="utf-8")
        for fetch in ("url(", "@import", "fetch(", "XMLHttpRequest", "import("):
            assert fetch not in text, (name, fetch)
    for name, data in _files(site).items():
        text = data.decode("utf-8")
        # Nothing loaded from elsewhere: every src and stylesheet is a file of the site.
        for ref in re.findall(r'(?:src|href)="([^"]*)"', text):
            elsewhere = ref.startswith("//") or re.match(r"[a-z][a-z0-9+.-]*:", ref)
            assert not elsewhere or ref.startswith("https://example.org/"), (name, ref)


def test_cyrillic_and_utf8(site: Path) -> None:
    claims = (site / "claims.html").read_text(encoding="utf-8")
    assert "Около 80% нефти идёт через КТК." in claims
    assert '<meta charset="utf-8">' in claims
    assert "Тест-Агентство" in (site / "outlets.html").read_text(encoding="utf-8")


def test_timeline_charts_values_and_marks_disagreement(site: Path) -> None:
    page = (site / "timelines.html").read_text(encoding="utf-8")
    (block,) = [
        part
        for part in page.split('<article class="timeline"')
        if "share of oil exports (site)" in part
    ]
    assert "<svg" in block and "</svg>" in block
    assert 'class="disagree"' in block
    assert "40 % vs 80 %" in block  # the disagreement, said
    assert "<td>Тест-Агентство</td>" in block
    legend = re.findall(r"<text[^>]*>([^<]*)</text>", block.split("</svg>")[0])
    assert {"neutral", "pro-western", "disagree"} <= set(legend)


def test_conflicts_page_has_filters_and_links(site: Path) -> None:
    page = (site / "conflicts.html").read_text(encoding="utf-8")
    conflicts = re.findall(r'<article class="conflict" id="conflict-(\d+)"', page)
    assert len(conflicts) >= 10
    assert '<select name="kind" data-filter="kind">' in page
    assert '<select name="status" data-filter="status">' in page
    first = page.split('<article class="conflict"')[1]
    assert len(re.findall(r'href="claim/\d+\.html"', first)) == 2


def test_contested_shows_both_sides(site: Path) -> None:
    page = (site / "contested.html").read_text(encoding="utf-8")
    facts = page.split('<article class="contested"')[1:]
    assert facts
    for fact in facts:
        asserted, disputed = fact.split("Disputed:")
        assert "<blockquote" in asserted + disputed
        assert 'class="stance"' in asserted and 'class="stance"' in disputed


def test_claim_page_has_quote_source_and_conflicts(site: Path, site_db: str) -> None:
    claim_id = _claim_id(site_db, "site-ru-2022")
    page = (site / "claim" / f"{claim_id}.html").read_text(encoding="utf-8")
    assert "около 80% казахстанской нефти" in page
    assert '<a href="https://example.org/news/ktk?a=1&amp;b=2" rel="noreferrer">' in page
    assert 'href="../static/site.css"' in page


@pytest.mark.slow
@pytest.mark.parametrize(
    ("options", "field", "expected"),
    [
        (["--lang", "uk"], "language", {"uk"}),
        (["--stance", "pro-kremlin"], "stance", {"pro-kremlin"}),
    ],
)
def test_filters_select_the_claims(
    site_db: str, tmp_path: Path, options: list[str], field: str, expected: set[str]
) -> None:
    cli = Cli(site_db)
    out = cli.ok("report", "--html", str(tmp_path / "site"), *options, "--limit", "1")
    wanted = listed_claims(cli, "--limit", "0", *options)
    assert {str(c[field]) for c in wanted} == expected
    pages = sorted((tmp_path / "site" / "claim").glob("*.html"))
    assert sorted(int(p.stem) for p in pages) == sorted(int(c["id"]) for c in wanted)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert f"<strong>{len(wanted)}</strong> claims" in index
    assert f"{field if field != 'language' else 'language'}: {next(iter(expected))}" in index
    assert "wrote" in out.stderr


@pytest.mark.slow
def test_topic_since_until(site_db: str, tmp_path: Path) -> None:
    cli = Cli(site_db)
    options = ["--topic", "energy", "--since", "2022-01-01", "--until", "2023-12-31"]
    cli.ok("report", "--html", str(tmp_path / "site"), *options, "--limit", "1")
    wanted = listed_claims(cli, "--limit", "0", *options)
    assert 0 < len(wanted) < 143
    pages = sorted((tmp_path / "site" / "claim").glob("*.html"))
    assert sorted(int(p.stem) for p in pages) == sorted(int(c["id"]) for c in wanted)


@pytest.mark.slow
def test_rewrite_in_place_and_refuse_a_foreign_directory(site_db: str, tmp_path: Path) -> None:
    cli = Cli(site_db)
    target = tmp_path / "site"
    cli.ok("report", "--html", str(target), "--lang", "bg", "--limit", "1")
    cli.ok("report", "--html", str(target), "--lang", "uk", "--limit", "1")
    assert "language: uk" in (target / "index.html").read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # no part left behind
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep", encoding="utf-8")
    outcome = cli("report", "--html", str(foreign), "--limit", "1")
    assert outcome.exit_code != 0 and "notes.txt" in outcome.stderr
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep"


@pytest.mark.slow
def test_the_site_libraries_load_only_for_a_site() -> None:
    code = (
        "import sys\n"
        "import factbase.cli, factbase.analysis.reports\n"
        "print(*(m in sys.modules for m in ('matplotlib', 'jinja2')))\n"
    )
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["False", "False"]


def test_an_empty_database_gives_a_whole_site(cli: Cli, tmp_path: Path) -> None:
    cli.ok("report", "--html", str(tmp_path / "site"))
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<strong>0</strong> claims" in index and "No conflicts." in index
    assert "No conflicts." in (tmp_path / "site" / "conflicts.html").read_text(encoding="utf-8")
    assert list((tmp_path / "site" / "claim").iterdir()) == []


@pytest.mark.slow
def test_verdicts_show_where_a_lookup_gives_them(site_db: str, tmp_path: Path) -> None:
    claim_id = _claim_id(site_db, "site-en-2022")

    def verdicts(session: Any, claim_ids: Any) -> dict[int, str]:
        return {claim_id: "false <per check>"} if claim_id in claim_ids else {}

    database = Database.open(site_db)
    try:
        with database.session() as session:
            build_site(session, ReportFilter(), tmp_path / "site", now=NOW, verdicts=verdicts)
    finally:
        database.close()
    page = (tmp_path / "site" / "claim" / f"{claim_id}.html").read_text(encoding="utf-8")
    assert '<dd class="verdict">false &lt;per check&gt;</dd>' in page
    conflicts = (tmp_path / "site" / "conflicts.html").read_text(encoding="utf-8")
    assert "verdict: false &lt;per check&gt;" in conflicts
    outlets = (tmp_path / "site" / "outlets.html").read_text(encoding="utf-8")
    assert "<th>verdicts on its claims</th>" in outlets
    (row,) = [line for line in outlets.splitlines() if "<td>Test Wire</td>" in line]
    assert row.endswith("<td>false &lt;per check&gt;: 1</td></tr>")


@pytest.mark.slow
def test_report_html_shows_the_verdicts_on_record(tmp_path: Path) -> None:
    url = site_database(tmp_path)
    cli = Cli(url)
    cli.ok(
        "verdict", "site-en-2022", "--rating", "false", "--note", "The ministry's figure is 60%."
    )
    cli.ok("report", "--html", str(tmp_path / "site"))
    claim_id = _claim_id(url, "site-en-2022")
    page = (tmp_path / "site" / "claim" / f"{claim_id}.html").read_text(encoding="utf-8")
    assert '<dd class="verdict">false</dd>' in page
    outlets = (tmp_path / "site" / "outlets.html").read_text(encoding="utf-8")
    assert "<th>verdicts on its claims</th>" in outlets


TIMELINE_CLAIMS = """
entities:
  - {name: Tengiz Field, kind: field}
outlets:
  - {name: Wire One, stance: neutral, country: GB, language: en}
  - {name: Wire Two, stance: pro-western, country: US, language: en}
sources:
  - {key: w1, outlet: Wire One, title: "Tengiz", language: en, published: "2023-03"}
  - {key: w2, outlet: Wire Two, title: "Tengiz", language: en, published: "2023-04"}
claims:
  - {key: t-2021, source: w1, statement: "Tengiz made 27 million tonnes.", language: en,
     subject: Tengiz Field, property: output, value: "27 million tonnes", as_of: "2021"}
  - {key: t-2022, source: w2, statement: "Tengiz made 29 million tonnes.", language: en,
     subject: Tengiz Field, property: output, value: "29 million tonnes", as_of: "2022"}
  - {key: t-2023-denied, source: w2, statement: "Tengiz did not make 90 million tonnes.",
     language: en, subject: Tengiz Field, property: output, value: "90 million tonnes",
     polarity: denied, as_of: "2023"}
  - {key: t-2023-words, source: w1, statement: "Tengiz output grew.", language: en,
     subject: Tengiz Field, property: output, as_of: "2023"}
  - {key: d-2021, source: w1, statement: "Tengiz had 3 rigs.", language: en,
     subject: Tengiz Field, property: rigs, value: "3 rigs", as_of: "2021"}
  - {key: d-2022-denied, source: w2, statement: "Tengiz did not have 5 rigs.", language: en,
     subject: Tengiz Field, property: rigs, value: "5 rigs", polarity: denied, as_of: "2022"}
"""


def test_timelines_chart_figures_not_denied_and_need_two_periods(tmp_path: Path) -> None:
    # A denied figure is no point, nor is a claim without one: the output series keeps the
    # figures of 2021 and 2022 only; the rigs have one figure left, one period: no timeline.
    from factbase.analysis.series import every_series
    from factbase.interchange.importer import import_files
    from factbase.interchange.site.content import _timelines

    data = tmp_path / "tengiz.yaml"
    data.write_text(TIMELINE_CLAIMS, encoding="utf-8")
    database = Database.open(str(tmp_path / "tengiz.db"))
    try:
        with database.session(write=True) as session:
            import_files(session, [data])
        with database.session() as session:
            every = every_series(session)
            assert {s.property for s in every} == {"output", "rigs"}
            timelines, total = _timelines(session, every)
    finally:
        database.close()
    assert total == 1
    (timeline,) = timelines
    assert timeline.series.property == "output"
    assert [(p.period, p.value, p.outlet, p.stance) for p in timeline.points] == [
        (0, 27_000_000.0, "Wire One", "neutral"),
        (1, 29_000_000.0, "Wire Two", "pro-western"),
    ]
