"""Checks of the curated seed dataset ``seeds/kazakhstan.yaml``.

No database is needed: the file is read with ``yaml.safe_load`` and checked against the
interchange format of ``docs/format.md``. The verbatim test compares every quote with the article
it comes from; the articles are not part of the repository and are looked up in
``$FACTBASE_ARTICLES_DIR`` or ``../shared/seeds`` next to the checkout (skipped when absent,
except on CI, which always has them).
"""

from __future__ import annotations

import inspect
import os
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from factbase.catalog.starter import starter_records

SEED_PATH = Path(__file__).resolve().parents[1] / "seeds" / "kazakhstan.yaml"
DEFAULT_ARTICLES_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# Source key -> article file the source was transcribed from.
SOURCE_ARTICLES = {
    "bg-kz-us-partnership": "000_ea4b0b0177669cf2.txt",
    "silkbridge-wsj-kz-distancing": "001_264a082b8ae6515b.txt",
    "ru-tokayev-defence-space": "002_6bd82b976416485b.txt",
    "ua-wp-tokayev-distancing": "003_4028b59449eae8ed.txt",
    "ru-putin-official-visit": "004_19ab2c6a01e59de2.txt",
}

# Documented fields of each section (docs/format.md, "Fields").
SECTION_FIELDS: dict[str, set[str]] = {
    "entities": {"name", "kind", "aliases"},
    "outlets": {"name", "stance", "country", "language", "homepage", "note"},
    "sources": {
        "key",
        "outlet",
        "title",
        "url",
        "language",
        "published",
        "author",
        "retrieved",
        "cites",
        "note",
        # The article's hash: the text itself is not shipped (`seed --texts DIR`).
        "text_sha256",
    },
    "claims": {
        "key",
        "source",
        "statement",
        "quote",
        "language",
        "speaker",
        "topics",
        "subject",
        "property",
        "value",
        "value_num",
        "unit",
        "qualifier",
        "event_date",
        "as_of",
        "forecast",
        "occasion",
        "polarity",
        "status",
        "note",
    },
    "links": {"claim", "other", "kind", "note"},
}
REQUIRED_FIELDS: dict[str, set[str]] = {
    "entities": {"name"},
    "outlets": {"name", "stance"},
    "sources": {"key", "outlet", "title"},
    "claims": {"key", "source", "statement", "quote", "language", "topics"},
    "links": {"claim", "other", "kind"},
}
STANCES = {"pro-western", "pro-kremlin", "pro-ukrainian", "neutral", "state-affiliated", "unrated"}
QUALIFIERS = {"exact", "approx", "over", "at_least", "under", "up_to", "almost"}
POLARITIES = {"affirmed", "denied"}
STATUSES = {"unverified", "corroborated", "disputed", "retracted"}
QUOTE_LANGUAGES = {"bg", "ru", "uk"}
MIN_CLAIMS = 60
MIN_CLAIMS_PER_SOURCE = 8
MAX_QUOTE_CHARS = 300
KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def fold(name: str) -> str:
    """Compare names the way factbase does: case-folded, with ё = е."""
    return name.casefold().replace("ё", "е")


def normalise(text: str) -> str:
    """NFC, then every run of whitespace (no-break spaces included) becomes one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded = yaml.safe_load(SEED_PATH.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "the seed file must be a mapping of sections"
    return loaded


@pytest.fixture(scope="module")
def claims(data: dict[str, Any]) -> list[dict[str, Any]]:
    return list(data.get("claims") or [])


@pytest.fixture(scope="module")
def entity_index(data: dict[str, Any]) -> dict[str, str]:
    """Folded name or alias -> canonical entity name."""
    index: dict[str, str] = {}
    for entity in data["entities"]:
        for name in [entity["name"], *(entity.get("aliases") or [])]:
            index.setdefault(fold(str(name)), entity["name"])
    return index


def test_only_documented_sections(data: dict[str, Any]) -> None:
    assert set(data) <= set(SECTION_FIELDS), set(data) - set(SECTION_FIELDS)
    for section in SECTION_FIELDS:
        assert isinstance(data.get(section), list) and data[section], f"{section} is empty"


@pytest.mark.parametrize("section", sorted(SECTION_FIELDS))
def test_only_documented_fields(data: dict[str, Any], section: str) -> None:
    problems = []
    for i, record in enumerate(data[section]):
        assert isinstance(record, dict), f"{section}[{i}] is not a mapping"
        label = record.get("key") or record.get("name") or record.get("slug") or i
        unknown = set(record) - SECTION_FIELDS[section]
        missing = {f for f in REQUIRED_FIELDS[section] if record.get(f) in (None, "", [])}
        if unknown:
            problems.append(f"{section} {label}: undocumented fields {sorted(unknown)}")
        if missing:
            problems.append(f"{section} {label}: missing {sorted(missing)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("entities", "name"),
        ("outlets", "name"),
        ("sources", "key"),
        ("claims", "key"),
    ],
)
def test_identifiers_unique(data: dict[str, Any], section: str, field: str) -> None:
    counts = Counter(fold(str(r[field])) for r in data[section])
    duplicates = sorted(k for k, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate {section} {field}: {duplicates}"


def test_claim_keys_are_kebab_case(claims: list[dict[str, Any]]) -> None:
    bad = [c["key"] for c in claims if not KEY_RE.match(str(c["key"]))]
    assert not bad, bad


def test_the_seed_defines_no_topics_of_its_own(data: dict[str, Any]) -> None:
    # Its claims are filed under the starter vocabulary every database has.
    assert "topics" not in data


def test_claims_are_complete(data: dict[str, Any], claims: list[dict[str, Any]]) -> None:
    sources = {s["key"]: s for s in data["sources"]}
    slugs = {t["slug"] for t in starter_records()}
    problems = []
    for claim in claims:
        key = claim["key"]
        if claim["source"] not in sources:
            problems.append(f"{key}: unknown source {claim['source']!r}")
        elif claim["language"] != sources[claim["source"]].get("language"):
            problems.append(f"{key}: quote language differs from its source's")
        if claim["language"] not in QUOTE_LANGUAGES:
            problems.append(f"{key}: language {claim['language']!r}")
        if not str(claim["statement"]).strip() or not str(claim["quote"]).strip():
            problems.append(f"{key}: empty statement or quote")
        if len(normalise(str(claim["quote"]))) > MAX_QUOTE_CHARS:
            problems.append(f"{key}: quote longer than {MAX_QUOTE_CHARS} characters")
        topics = claim["topics"]
        if not isinstance(topics, list) or not 1 <= len(topics) <= 3:
            problems.append(f"{key}: needs one to three topics")
        elif unknown := [t for t in topics if t not in slugs]:
            problems.append(f"{key}: undefined topics {unknown}")
        if claim.get("polarity", "affirmed") not in POLARITIES:
            problems.append(f"{key}: polarity {claim['polarity']!r}")
        if claim.get("status", "unverified") not in STATUSES:
            problems.append(f"{key}: status {claim['status']!r}")
        if "qualifier" in claim and claim["qualifier"] not in QUALIFIERS:
            problems.append(f"{key}: qualifier {claim['qualifier']!r}")
        if "value_num" in claim and not isinstance(claim["value_num"], int | float):
            problems.append(f"{key}: value_num is not a number")
        if "value" in claim and "value_num" in claim:
            problems.append(f"{key}: give the quantity as value or as value_num, not both")
        if ("property" in claim) != ("subject" in claim):
            problems.append(f"{key}: subject and property go together")
    assert not problems, "\n".join(problems)


def test_enough_claims(claims: list[dict[str, Any]]) -> None:
    assert len(claims) >= MIN_CLAIMS


def test_every_source_has_claims(data: dict[str, Any], claims: list[dict[str, Any]]) -> None:
    assert {s["key"] for s in data["sources"]} == set(SOURCE_ARTICLES)
    per_source = Counter(c["source"] for c in claims)
    thin = {k: per_source[k] for k in SOURCE_ARTICLES if per_source[k] < MIN_CLAIMS_PER_SOURCE}
    assert not thin, f"sources with fewer than {MIN_CLAIMS_PER_SOURCE} claims: {thin}"


def test_subjects_resolve_to_entities(
    claims: list[dict[str, Any]], entity_index: dict[str, str]
) -> None:
    unresolved = [
        (c["key"], c["subject"])
        for c in claims
        if "subject" in c and fold(c["subject"]) not in entity_index
    ]
    assert not unresolved, unresolved


def test_aliases_name_one_entity_only(data: dict[str, Any]) -> None:
    owners: dict[str, set[str]] = {}
    for entity in data["entities"]:
        for name in [entity["name"], *(entity.get("aliases") or [])]:
            assert isinstance(name, str) and name.strip(), f"bad alias in {entity['name']}"
            owners.setdefault(fold(name), set()).add(entity["name"])
    shared = {alias: sorted(names) for alias, names in owners.items() if len(names) > 1}
    assert not shared, shared


def test_alias_lists_have_no_repeats(data: dict[str, Any]) -> None:
    repeats = {}
    for entity in data["entities"]:
        counts = Counter(fold(n) for n in [entity["name"], *(entity.get("aliases") or [])])
        if dup := sorted(n for n, k in counts.items() if k > 1):
            repeats[entity["name"]] = dup
    assert not repeats, repeats


def test_topic_parents_exist_without_cycles() -> None:
    parents = {t["slug"]: t.get("parent") for t in starter_records()}
    assert len(parents) == len(starter_records()), "a starter topic slug is repeated"
    for slug, parent in parents.items():
        assert SLUG_RE.match(slug), f"topic slug {slug!r} is not lower-case kebab-case"
        assert parent is None or parent in parents, f"{slug}: parent {parent!r} undefined"
        seen = {slug}
        while parent is not None:
            assert parent not in seen, f"topic cycle through {slug}"
            seen.add(parent)
            parent = parents[parent]


def test_outlets_named_by_sources_exist(data: dict[str, Any]) -> None:
    outlets = {o["name"] for o in data["outlets"]}
    missing = []
    for source in data["sources"]:
        for name in [source["outlet"], *(source.get("cites") or [])]:
            if name not in outlets:
                missing.append((source["key"], name))
    assert not missing, missing


def test_stances_are_known(data: dict[str, Any]) -> None:
    bad = [(o["name"], o["stance"]) for o in data["outlets"] if o["stance"] not in STANCES]
    assert not bad, bad


def test_speakers_spelled_consistently(claims: list[dict[str, Any]]) -> None:
    spellings: dict[str, set[str]] = {}
    for claim in claims:
        if speaker := claim.get("speaker"):
            spellings.setdefault(re.sub(r"\W+", "", fold(speaker)), set()).add(speaker)
    variants = [sorted(s) for s in spellings.values() if len(s) > 1]
    assert not variants, variants


def articles_dir() -> Path:
    configured = os.environ.get("FACTBASE_ARTICLES_DIR")
    directory = Path(configured) if configured else DEFAULT_ARTICLES_DIR
    if not directory.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"articles directory {directory} is missing on CI")
        pytest.skip(f"articles directory {directory} is not available")
    return directory


def test_quotes_are_verbatim(claims: list[dict[str, Any]]) -> None:
    directory = articles_dir()
    texts = {
        key: normalise((directory / name).read_text(encoding="utf-8"))
        for key, name in SOURCE_ARTICLES.items()
    }
    not_found = [
        f"{c['key']}: {c['quote']!r}"
        for c in claims
        if normalise(str(c["quote"])) not in texts[c["source"]]
    ]
    assert not not_found, "quotes not found in their article:\n" + "\n".join(not_found)


def call_parser(func: Any, text: str, language: str | None) -> Any:
    """Call a parser with the text, passing the language when its signature takes one."""
    parameters = inspect.signature(func).parameters
    if language is not None:
        for name in ("language", "lang"):
            if name in parameters:
                return func(text, **{name: language})
        if "languages" in parameters:
            return func(text, languages=(language, "en"))
    return func(text)


def test_values_parse(claims: list[dict[str, Any]]) -> None:
    quantities = pytest.importorskip("factbase.text.quantities")
    failures = []
    for claim in claims:
        if "value" not in claim:
            continue
        try:
            parsed = call_parser(quantities.parse_quantity, str(claim["value"]), claim["language"])
        except Exception as exc:
            failures.append(f"{claim['key']}: {claim['value']!r} raised {exc!r}")
            continue
        if parsed is None:
            failures.append(f"{claim['key']}: {claim['value']!r} did not parse")
    assert not failures, "\n".join(failures)


def test_value_parts_build(claims: list[dict[str, Any]]) -> None:
    quantities = pytest.importorskip("factbase.text.quantities")
    from_parts = getattr(quantities, "quantity_from_parts", None)
    if from_parts is None:
        pytest.skip("factbase.text.quantities has no quantity_from_parts")
    failures = []
    for claim in claims:
        if "value_num" not in claim:
            continue
        try:
            from_parts(claim["value_num"], claim.get("unit"), claim.get("qualifier", "exact"))
        except Exception as exc:
            failures.append(f"{claim['key']}: value_num/unit/qualifier raised {exc!r}")
    assert not failures, "\n".join(failures)


def test_dates_parse(data: dict[str, Any], claims: list[dict[str, Any]]) -> None:
    dates = pytest.importorskip("factbase.text.dates")
    to_check = [
        (s["key"], "published", s.get("published"), s.get("language")) for s in data["sources"]
    ]
    to_check += [
        (c["key"], field, c.get(field), c.get("language"))
        for c in claims
        for field in ("event_date", "as_of")
    ]
    failures = []
    for key, field, value, language in to_check:
        if value is None:
            continue
        try:
            parsed = call_parser(dates.parse_date, str(value), language)
        except Exception as exc:
            failures.append(f"{key}.{field}: {value!r} raised {exc!r}")
            continue
        if parsed is None:
            failures.append(f"{key}.{field}: {value!r} did not parse")
    assert not failures, "\n".join(failures)


def test_links_name_defined_claims_with_a_known_kind(data: dict[str, Any]) -> None:
    keys = {claim["key"] for claim in data["claims"]}
    for link in data.get("links", []):
        assert link["claim"] in keys, link
        assert link["other"] in keys, link
        assert link["claim"] != link["other"], link
        assert link["kind"] in {"same", "supports", "contradicts", "refines"}, link


def test_each_source_names_its_article_by_hash(data: dict[str, Any]) -> None:
    import hashlib

    directory = articles_dir()
    hashes = {source["key"]: source.get("text_sha256") for source in data["sources"]}
    assert hashes == {
        key: hashlib.sha256((directory / name).read_bytes()).hexdigest()
        for key, name in SOURCE_ARTICLES.items()
    }


# -- the editor's fixes (issue 21) ---------------------------------------------


def by_key(claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {claim["key"]: claim for claim in claims}


def article_text(source_key: str) -> str:
    return normalise((articles_dir() / SOURCE_ARTICLES[source_key]).read_text(encoding="utf-8"))


def declared(data: dict[str, Any], kind: str = "contradicts") -> set[frozenset[str]]:
    return {
        frozenset((link["claim"], link["other"])) for link in data["links"] if link["kind"] == kind
    }


def test_loyalty_is_not_read_as_a_denial_of_distancing(claims: list[dict[str, Any]]) -> None:
    """004 says Tokayev finds it hard to escape dependence and must stay loyal; the same column
    has him balancing and not recognising Russia's claims. Nothing in it denies distancing."""
    claim = by_key(claims)
    for key in ("visit-ru-must-stay-loyal", "visit-ru-cannot-escape-dependence"):
        assert claim[key].get("polarity", "affirmed") == "affirmed", key
        assert "not breaking away" not in claim[key]["statement"]
    assert claim["visit-ru-cannot-escape-dependence"]["property"] == "dependence on Russia"
    assert claim["visit-ru-must-stay-loyal"]["property"] == "loyalty to Russia"
    # The quotes no longer overlap: each claim says one thing.
    assert (
        claim["visit-ru-must-stay-loyal"]["quote"]
        not in claim["visit-ru-cannot-escape-dependence"]["quote"]
    )
    distancing = [c for c in claims if c.get("property") == "distancing from Russia"]
    assert distancing and all(c.get("polarity", "affirmed") == "affirmed" for c in distancing)


def test_a_photo_credit_is_not_a_cited_source(data: dict[str, Any]) -> None:
    bg = next(s for s in data["sources"] if s["key"] == "bg-kz-us-partnership")
    assert bg["cites"] == ["The Wall Street Journal"]
    assert "AP/TASS" in bg["note"]
    assert {"Associated Press", "TASS"}.isdisjoint(o["name"] for o in data["outlets"])


def test_the_relay_of_the_wsj_is_not_dated_before_the_wsj(data: dict[str, Any]) -> None:
    """The WSJ piece SilkBridge relays ran on 24 July 2022: "July 2022" claimed more than the
    text supports, so the year is recorded and the note says "not before 24 July 2022"."""
    relay = next(s for s in data["sources"] if s["key"] == "silkbridge-wsj-kz-distancing")
    assert relay["published"] == "2022"
    assert "not before 24 July 2022" in relay["note"]


SITE_VOICE_003 = {
    "wp-uk-alternative-energy-europe": "Зауважимо",
    "wp-uk-donald-lu-25m": "Зауважимо",
    "wp-uk-xi-first-trip": "Зауважимо",
    "wp-uk-kazakhs-sympathise": "нашої держави",
    "wp-uk-north-ethnic-russians": "Адже Північ",
    "wp-uk-dnr-lnr-refused": "Зазначимо",
}


def test_the_ukrainian_site_speaks_for_itself(
    data: dict[str, Any], claims: list[dict[str, Any]]
) -> None:
    claim = by_key(claims)
    site = next(s["outlet"] for s in data["sources"] if s["key"] == "ua-wp-tokayev-distancing")
    for key, marker in SITE_VOICE_003.items():
        assert claim[key]["speaker"] == site, key
        assert marker in claim[key]["note"], key
    # The background block quotes its own people, never as WP reporting.
    for key in (
        "wp-uk-yakovenko-cannot-break",
        "wp-uk-yakovenko-further-from-putin",
        "wp-uk-klimkin-visits-russia",
        "wp-uk-klimkin-hopes-ukraine-wins",
    ):
        assert claim[key]["speaker"] != "The Washington Post"
        assert "not WP reporting" in claim[key]["note"], key
    source = next(s for s in data["sources"] if s["key"] == "ua-wp-tokayev-distancing")
    assert "Ба більше Казахстан:" in source["note"] and "lost" in source["note"]


def test_the_gas_pipeline_wording_is_kept_and_disputed(
    data: dict[str, Any], claims: list[dict[str, Any]]
) -> None:
    claim = by_key(claims)
    assert "газопровод" in claim["wsj-ru-cpc-court-suspension"]["statement"]
    wording = claim["wsj-ru-cpc-called-gas-pipeline"]
    assert wording["status"] == "disputed" and "газопровод" in wording["quote"]
    assert frozenset(("wsj-ru-cpc-called-gas-pipeline", "wsj-ru-cpc-share")) in declared(data)
    assert "нефти" in claim["wsj-ru-cpc-share"]["quote"]


def test_the_pashinyan_quote_holds_what_the_statement_says(claims: list[dict[str, Any]]) -> None:
    claim = by_key(claims)["hm-ru-pashinyan-armenia"]
    assert "Anglo-Saxons" in claim["statement"]
    assert "под чутким руководством англосаксов" in claim["quote"]


def test_the_turkey_visit_note_claims_no_gulf_trip(claims: list[dict[str, Any]]) -> None:
    claim = by_key(claims)["bg-tokayev-gulf-turkey-visits"]
    assert claim["property"] == "visit to Turkey"
    assert "also covered the Gulf" not in claim["note"]
    assert "only Turkey" in claim["note"]


# Each statement says what its structure holds: (key, words the statement must not contain).
NARROWED = {
    "wsj-ru-defence-ties-china": ["Turkey"],
    "wp-uk-ties-with-turkey-europe": ["Europe", "China"],
    "wsj-ru-caspian-ports-busy": ["Kuryk"],
    "bg-biden-central-asia-aims": ["sanction"],
    "bg-until-recently-close-to-russia": ["China"],
    "hm-ru-sco-member": ["military ally"],
}
SPLIT_OFF = {
    "wsj-ru-defence-ties-turkey": ("Kazakhstan", "deepening ties with Turkey"),
    "wp-uk-ties-with-europe": ("Kazakhstan", "deepening ties with Europe"),
    "wsj-ru-kuryk-port-busy": ("Kuryk", "port activity"),
    "bg-biden-sanctions-aim": (
        "United States",
        "aim to stop sanctions circumvention through Central Asia",
    ),
    "bg-until-recently-contacts-china": ("Kazakhstan", "deepening ties with China"),
    "hm-ru-military-ally-of-china": ("Shanghai Cooperation Organisation", "military alliance"),
}


def test_statements_say_no_more_than_their_structure(claims: list[dict[str, Any]]) -> None:
    claim = by_key(claims)
    for key, words in NARROWED.items():
        for word in words:
            assert word not in claim[key]["statement"], (key, word)
    for key, (subject, prop) in SPLIT_OFF.items():
        assert (claim[key]["subject"], claim[key]["property"]) == (subject, prop), key
    assert claim["wsj-ru-caspian-ports-busy"]["subject"] == "Aktau"
    assert claim["bg-until-recently-close-to-russia"]["property"] == "close ties with Russia"
    berths = claim["wsj-ru-cpc-berths-closed"]
    assert "2 of the 3 berths" in berths["statement"]
    assert berths["value"] == "два из трех причалов" and "(of 3)" in berths["property"]
    assert claim["hm-ru-military-ally-of-china"]["status"] == "disputed"


def test_a_round_figure_is_approximate(claims: list[dict[str, Any]]) -> None:
    france = by_key(claims)["visit-ru-france-nuclear-share"]
    assert (france["value_num"], france["unit"], france["qualifier"]) == (60, "%", "approx")


DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$|^\d{1,2} \S+ \d{4}$")


def test_a_date_is_no_more_precise_than_its_article(claims: list[dict[str, Any]]) -> None:
    """Inferred days are not dates: an event date to the day needs the day in the quote or in
    the article, otherwise the day goes in the note (the seed file's header states the policy)."""
    header = SEED_PATH.read_text(encoding="utf-8").split("\nentities:", 1)[0]
    assert "never in the date" in header
    for claim in claims:
        value = str(claim.get("event_date") or "")
        if DAY.match(value):
            day = value.split()[0]
            assert day in claim["quote"], f"{claim['key']}: day {value!r} not in its quote"
    claim = by_key(claims)
    assert "event_date" not in claim["wp-uk-dnr-lnr-refused"]
    assert "17 June 2022" in claim["wp-uk-dnr-lnr-refused"]["note"]
    for key in (
        "bg-strategic-cooperation-us",
        "bg-rapprochement-west",
        "bg-blinken-visit",
        "bg-blinken-met-central-asian-leaders",
    ):
        assert claim[key]["event_date"] == "февруари 2023", key
    for key in (
        "visit-ru-putin-official-visit",
        "visit-ru-forum-by-video",
        "visit-ru-three-chp-plants",
        "visit-ru-closest-ally",
    ):
        assert claim[key]["event_date"] == "ноябрь 2023", key


def test_outlets_are_named_and_rated_on_what_the_texts_show(
    data: dict[str, Any], claims: list[dict[str, Any]]
) -> None:
    outlets = {o["name"]: o for o in data["outlets"]}
    assert not [name for name in outlets if name.startswith("Unidentified")]
    # Distinct in their first 10 characters, which is what a narrow table keeps.
    assert len({name[:10] for name in outlets}) == len(outlets)
    sources = {s["key"]: s for s in data["sources"]}
    bg = outlets[sources["bg-kz-us-partnership"]["outlet"]]
    column = outlets[sources["ru-putin-official-visit"]["outlet"]]
    assert bg["stance"] == column["stance"] == "unrated"
    assert column["country"] == "KZ" and "tentative" in column["note"]
    assert "without editorial framing" not in outlets["SilkBridge.info"]["note"]
    assert "Центральная Азия — Китай" in outlets["SilkBridge.info"]["note"]
    author = sources["ru-putin-official-visit"]["author"]
    column_claims = [c for c in claims if c["source"] == "ru-putin-official-visit"]
    assert all(c["speaker"] != column["name"] for c in column_claims)
    assert sum(c["speaker"] == author for c in column_claims) >= 20


def test_the_contradictions_between_the_articles_are_surfaced(data: dict[str, Any]) -> None:
    contradicts = declared(data)
    for pair in [
        ("wsj-ru-headline-towards-china", "hm-ru-course-distances-from-china"),
        ("wsj-ru-headline-towards-china", "bg-until-recently-contacts-china"),
        ("visit-ru-closest-ally", "wp-uk-tokayev-distancing-from-putin"),
        ("wp-uk-yakovenko-further-from-putin", "visit-ru-must-stay-loyal"),
        ("visit-ru-closest-ally", "hm-ru-course-distances-from-russia"),
        ("visit-ru-kremlin-solves-energy", "wsj-ru-cpc-closed-twice"),
        ("visit-ru-kremlin-solves-energy", "bg-replace-russia-european-oil"),
        ("bg-biden-sanctions-aim", "wsj-ru-sanctions-pledge"),
        ("hm-ru-military-ally-of-china", "wsj-ru-division-of-labour"),
    ]:
        assert frozenset(pair) in contradicts, pair
    assert frozenset(("bg-biden-sanctions-aim", "visit-ru-sanctions-back-door")) in declared(
        data, "supports"
    )
    # Putin's words against observers' assessments are labelled as a tension.
    for link in data["links"]:
        if link["kind"] == "contradicts" and "visit-ru-closest-ally" in (
            link["claim"],
            link["other"],
        ):
            assert link["note"].startswith("Tension, not a factual contradiction"), link


def test_cooperation_with_the_us_is_not_one_catch_all_property(
    claims: list[dict[str, Any]],
) -> None:
    claim = by_key(claims)
    properties = {
        claim[key]["property"]
        for key in (
            "bg-strategic-cooperation-us",
            "wsj-ru-us-delegation",
            "hm-ru-western-cooperation",
        )
    }
    assert len(properties) == 3
    assert not [
        c for c in claims if c.get("property") == "developing cooperation with the United States"
    ]


def test_the_missed_same_claim_pairs_are_linked(
    data: dict[str, Any], claims: list[dict[str, Any]]
) -> None:
    links = {frozenset((link["claim"], link["other"])): link["kind"] for link in data["links"]}
    assert (
        links[frozenset(("bg-replace-russia-european-oil", "wp-uk-alternative-energy-europe"))]
        == "same"
    )
    assert links[frozenset(("bg-btc-increase", "wsj-ru-oil-bypass"))] == "refines"
    # And the xref pair of the two bypass claims lines up: one property, one period.
    claim = by_key(claims)
    a, b = claim["bg-replace-russia-european-oil"], claim["wsj-ru-oil-bypass"]
    assert (a["property"], a["as_of"]) == (b["property"], b["as_of"])
