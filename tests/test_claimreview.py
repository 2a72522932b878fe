"""ClaimReview for verdicts: every property Google's fact-check structured data requires
or recommends, on the seed data with verdicts; the document expands offline with pyld and
parses with rdflib. And source URLs made valid IRIs when sources are added."""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import Cli, query, schema_org_only, seed, snapshot
from hypothesis import given
from hypothesis import strategies as st

from factbase.errors import InvalidValue
from factbase.text.urls import normalise_url

SCHEMA = "http://schema.org/"


@pytest.fixture
def published(db_url: str) -> Cli:
    seed(db_url)
    cli = Cli(db_url)
    cli.ok("config", "set", "org.name", "Example Checks")
    cli.ok("config", "set", "org.url", "https://example.org")
    cli.ok("config", "set", "org.logo", "https://example.org/logo.png")
    cli.ok("config", "set", "org.review_url", "https://example.org/checks/{key}")
    cli.ok("outlet", "add", "Daily", "--stance", "neutral", "--homepage", "https://daily.example")
    cli.ok(
        "source",
        "add",
        "--outlet",
        "Daily",
        "--title",
        "Interview",
        "--key",
        "interview",
        "--url",
        "https://daily.example/news/a b",
        "--published",
        "2024-05-03",
        "--lang",
        "ru",
    )
    cli.ok(
        "add",
        "The minister said exports rose by 10%.",
        "-s",
        "interview",
        "--quote",
        "Экспорт вырос на 10%",
        "--speaker",
        "Ivan Petrov",
        "--key",
        "petrov-10",
        "--lang",
        "ru",
    )
    cli.ok(
        "verdict",
        "petrov-10",
        "--rating",
        "mostly-false",
        "--note",
        "The office says 4%.",
        "--evidence",
        "https://stat.example/2024",
        "--by",
        "Ana",
    )
    cli.ok("verdict", "wsj-ru-cpc-share", "--rating", "true", "--note", "CPC confirms.")
    return cli


def _document(cli: Cli, *args: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        cli.ok("export", "claims", "-f", "claimreview", *args).stdout
    )
    return document


def _reviews(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        n["itemReviewed"]["@id"].rpartition(":")[2]: n
        for n in document["@graph"]
        if n["@type"] == "ClaimReview"
    }


def test_each_verdict_is_a_claimreview_with_every_google_property(published: Cli) -> None:
    document = _document(published)
    assert document["@context"] == "https://schema.org"
    reviews = _reviews(document)
    assert set(reviews) == {"petrov-10", "wsj-ru-cpc-share"}
    review = reviews["petrov-10"]
    # required
    assert review["url"] == "https://example.org/checks/petrov-10"
    assert review["claimReviewed"] == "The minister said exports rose by 10%."
    assert review["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "mostly-false",
        "ratingValue": 2,
        "bestRating": 6,
        "worstRating": 1,
        "ratingExplanation": "The office says 4%.",
    }
    # recommended
    assert review["author"] == {
        "@type": "Organization",
        "name": "Example Checks",
        "url": "https://example.org",
        "logo": "https://example.org/logo.png",
    }
    assert len(review["datePublished"]) == 10  # the verdict's day, ISO 8601
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Person", "name": "Ivan Petrov"}
    assert claim["datePublished"] == "2024-05-03"
    appearance = {
        "@type": "CreativeWork",
        "headline": "Interview",
        "url": "https://daily.example/news/a%20b",
        "datePublished": "2024-05-03",
        "inLanguage": "ru",
        "publisher": {"@type": "Organization", "name": "Daily"},
    }
    assert claim["appearance"] == [appearance]
    assert claim["firstAppearance"] == appearance
    # the statement is English; the quote carries its own language
    assert claim["inLanguage"] == "en"
    assert claim["description"] == {"@value": "Экспорт вырос на 10%", "@language": "ru"}
    wsj = reviews["wsj-ru-cpc-share"]["itemReviewed"]
    assert wsj["author"]["@type"] in ("Person", "Organization")
    assert wsj["author"]["name"] == "The Wall Street Journal"
    assert wsj["datePublished"] == "2022"  # the relay is dated to the year (seed note)


def test_a_claim_without_speaker_is_authored_by_its_outlet(published: Cli) -> None:
    published.ok("add", "Exports rose.", "-s", "interview", "--key", "anon", "--lang", "en")
    published.ok("verdict", "anon", "--rating", "unproven", "--note", "No data yet.")
    review = _reviews(_document(published))["anon"]
    assert review["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Daily",
        "url": "https://daily.example",
    }
    # off the scale: named, not numbered
    assert review["reviewRating"]["alternateName"] == "unproven"
    assert "ratingValue" not in review["reviewRating"]


def test_claimreview_expands_offline_and_parses_as_rdf(published: Cli) -> None:
    from pyld import jsonld
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF

    document = _document(published, "--conflict-reviews")
    expanded = jsonld.expand(document, {"documentLoader": schema_org_only})
    reviews = [n for n in expanded if n["@type"] == [SCHEMA + "ClaimReview"]]
    assert len(reviews) == 2
    for review in reviews:
        for name in ("url", "claimReviewed", "author", "datePublished", "reviewRating"):
            assert SCHEMA + name in review, name
        [claim] = review[SCHEMA + "itemReviewed"]
        assert claim["@type"] == [SCHEMA + "Claim"]
    nquads = jsonld.to_rdf(
        document, {"format": "application/n-quads", "documentLoader": schema_org_only}
    )
    graph = Graph()
    graph.parse(data=nquads, format="nquads")
    review = URIRef("urn:factbase:verdict:1")
    assert (review, RDF.type, URIRef(SCHEMA + "ClaimReview")) in graph
    assert (review, URIRef(SCHEMA + "url"), URIRef("https://example.org/checks/petrov-10")) in (
        graph
    )
    claim = URIRef("urn:factbase:claim:petrov-10")
    assert (review, URIRef(SCHEMA + "itemReviewed"), claim) in graph
    assert (claim, URIRef(SCHEMA + "description"), Literal("Экспорт вырос на 10%", lang="ru")) in (
        graph
    )


def test_missing_organisation_settings_are_warned_about(db_url: str) -> None:
    seed(db_url)
    cli = Cli(db_url)
    cli.ok("verdict", "wsj-ru-cpc-share", "--rating", "true", "--note", "CPC confirms.")
    out = cli.ok("export", "claims", "-f", "claimreview")
    assert "org.name, org.url, org.review_url not set" in out.stderr
    [review] = _reviews(json.loads(out.stdout)).values()
    assert "url" not in review


# -- URLs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://example.org/a b", "https://example.org/a%20b"),
        (" HTTPS://example.org/x?q=a b&r=<1>#top ", "https://example.org/x?q=a%20b&r=%3C1%3E#top"),
        ("https://example.org/a%20b", "https://example.org/a%20b"),  # already encoded
        ("https://example.org/100%", "https://example.org/100%25"),  # a stray percent
        ("https://пример.рф/новости/1", "https://пример.рф/новости/1"),  # an IRI keeps letters
        ('http://example.org:8080/a"b', "http://example.org:8080/a%22b"),
    ],
)
def test_urls_are_made_valid_iris(given: str, stored: str) -> None:
    assert normalise_url(given) == stored


@pytest.mark.parametrize(
    "bad",
    ["example.org/a", "ftp://example.org/a", "https://", "https://exa mple.org/", "http://a:b/"],
)
def test_a_url_that_cannot_be_made_valid_is_refused(bad: str) -> None:
    with pytest.raises(InvalidValue):
        normalise_url(bad)


def test_sources_store_the_normalised_url_and_find_it_either_way(cli: Cli, db_url: str) -> None:
    cli.ok("outlet", "add", "Daily", "--stance", "neutral")
    cli.ok("source", "add", "--outlet", "Daily", "--title", "T", "--url", "https://example.org/a b")
    assert query(db_url, "SELECT url FROM source") == [{"url": "https://example.org/a%20b"}]
    assert cli.ok("source", "show", "https://example.org/a b").exit_code == 0
    before = snapshot(db_url)
    failed = cli(
        "source", "add", "--outlet", "Daily", "--title", "U", "--url", "https://exa mple.org"
    )
    assert failed.exit_code == 1 and failed.stderr.count("\n") == 1
    assert snapshot(db_url) == before


def test_the_readme_publishes_a_verdict_end_to_end(db_url: str, tmp_path: Any) -> None:
    from test_readme_tour import commands, shell_block

    seed(db_url)
    cli = Cli(db_url)
    steps = commands(shell_block("## Publishing verdicts"))
    assert steps[-1][:3] == ["export", "claims", "--rating"]
    for args in steps:
        if "-o" in args:
            args[args.index("-o") + 1] = str(tmp_path / args[args.index("-o") + 1])
        cli.ok(*args)
    document = json.loads((tmp_path / "checks.jsonld").read_text(encoding="utf-8"))
    [review] = [n for n in document["@graph"] if n["@type"] == "ClaimReview"]
    assert review["url"] == "https://example.org/checks/wsj-ru-cpc-share"
    assert review["author"]["name"] == "Example Checks"
    assert review["reviewRating"]["alternateName"] == "mostly-true"


_IRI_FORBIDDEN = set(' "<>\\^`{|}') | {chr(c) for c in range(0x20)}


@given(
    path=st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="#?"), max_size=30
    ),
    query_text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=20),
)
def test_normalised_urls_are_valid_and_stay_as_they_are(path: str, query_text: str) -> None:
    url = normalise_url(f"https://example.org/{path}?{query_text}")
    assert not set(url) & _IRI_FORBIDDEN
    assert normalise_url(url) == url
