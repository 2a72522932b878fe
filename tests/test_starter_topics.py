"""The starter vocabulary: frozen, aligned with IPTC Media Topics, in every new database,
and suggesting the right topics for claims in en, ru, bg and uk, by lemma."""

from __future__ import annotations

import hashlib
import re

import pytest
from helpers import Cli, records, writing
from hypothesis import given
from hypothesis import strategies as st

from factbase.catalog.starter import (
    add_missing_starter_topics,
    starter_path,
    starter_records,
    starter_topics,
)
from factbase.catalog.topics import validate_iptc_code
from factbase.errors import InvalidInput
from factbase.text.language import keyword_matches

# Migration 0015 reads this file: editing it would change what that migration adds. A new
# vocabulary is a new file (starter-topics-v2.yaml) and a new migration.
FROZEN_SHA256 = "6dc9c3054262f9f12a7a34f91fe022930e229c23560775cc2244ff4cc993aa2f"
CODE = re.compile(r"^medtop:\d{8}$")
LANGUAGES = ("en", "ru", "bg", "uk")
# What the seed's claims and a news desk's first stories are about.
SUBJECTS = {
    "energy",
    "oil",
    "gas",
    "nuclear",
    "defence",
    "military-cooperation",
    "diplomacy",
    "trade",
    "transport",
    "economy",
    "sanctions",
    "elections",
    "migration",
    "health",
}


def test_the_vocabulary_file_is_frozen() -> None:
    digest = hashlib.sha256(starter_path("v1").read_bytes()).hexdigest()
    assert digest == FROZEN_SHA256, "starter-topics-v1.yaml changed: add a v2 and a migration"


def test_the_vocabulary_covers_the_subjects_with_keywords_in_four_languages() -> None:
    entries = starter_records()
    slugs = [entry["slug"] for entry in entries]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) >= SUBJECTS
    seen: set[str] = set()
    for entry in entries:
        assert entry.get("parent") in (None, *seen), f"{entry['slug']}: parent after child"
        seen.add(entry["slug"])
        assert set(entry["keywords"]) == set(LANGUAGES), entry["slug"]
        assert all(entry["keywords"][language] for language in LANGUAGES), entry["slug"]


def test_every_topic_has_an_iptc_code_or_the_broader_one_it_falls_under() -> None:
    for entry in starter_records():
        code, broader = entry.get("iptc_code"), entry.get("iptc_broader")
        assert (code is None) != (broader is None), entry["slug"]
        assert CODE.match(code or broader), entry["slug"]
        assert bool(entry.get("iptc_label")) == (code is not None), entry["slug"]


def test_codes_checked_against_iptc() -> None:
    # A sample of the codes, with IPTC's own labels (release 2026-07-02).
    codes = {
        entry["slug"]: (entry.get("iptc_code"), entry.get("iptc_label"))
        for entry in starter_records()
    }
    assert codes["diplomacy"] == ("medtop:20000639", "diplomacy")
    assert codes["sanctions"] == ("medtop:20000642", "economic sanction")
    assert codes["energy"] == ("medtop:20000256", "energy and resource")
    assert codes["elections"] == ("medtop:20000574", "election")
    assert codes["health"] == ("medtop:07000000", "health")


def test_a_new_database_starts_with_the_vocabulary(cli: Cli) -> None:
    topics = {row["slug"]: row for row in records(cli, "topics")}
    assert set(topics) == {topic.slug for topic in starter_topics()}
    oil = topics["oil"]
    assert oil["parent"] == "energy"
    assert (oil["iptc_code"], oil["iptc_label"]) == ("medtop:20001243", "oil and gas")
    assert {"oil", "нефть", "нефт", "нафта"} <= set(oil["keywords"])
    assert topics["defence"]["iptc_code"] is None
    assert topics["defence"]["iptc_broader"] == "medtop:16000000"
    assert all(row["claims"] == 0 for row in topics.values())


def _keywords() -> dict[str, list[str]]:
    return {topic.slug: sorted(topic.keywords) for topic in starter_topics()}


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Oil exports through the pipeline fell", "en", {"oil": "oil", "trade": "export"}),
        ("Добыча нефти на Тенгизе выросла", "ru", {"oil": "нефть"}),
        ("Казахстан увеличава доставките на петрол", "bg", {"oil": "петрол"}),
        ("Казахстан постачає нафту до Європи", "uk", {"oil": "нафта"}),
        # Not oil: wheat and timber, and words that only hold the letters.
        ("A record wheat harvest in the steppe", "en", {"agriculture": "harvest"}),
        ("The toil of the dockers", "en", {}),
        ("Заготовки древесины и леса сократились", "ru", {}),
        ("Цената на пшеницата и дървения материал", "bg", {"agriculture": "пшеница"}),
        ("Ціни на пшеницю і деревину", "uk", {"agriculture": "пшениця"}),
    ],
)
def test_keywords_match_inflected_forms_and_not_mere_letters(
    text: str, language: str, expected: dict[str, str]
) -> None:
    found = keyword_matches(text, language, _keywords())
    assert {slug: found[slug] for slug in found if slug in expected} == expected
    assert "oil" not in found or "oil" in expected
    assert not set(found) & {"health", "elections", "migration"}


@given(st.text(max_size=20))
def test_an_iptc_code_is_medtop_and_eight_digits_and_nothing_else(text: str) -> None:
    wellformed = re.fullmatch(r"medtop:[0-9]{8}", text.strip().lower()) is not None
    try:
        code = validate_iptc_code(text)
    except InvalidInput as error:
        assert not wellformed
        assert "not an IPTC Media Topic code" in str(error)
    else:
        assert wellformed and code == text.strip().lower()


@given(st.integers(min_value=0, max_value=99_999_999))
def test_every_eight_digit_code_is_accepted(number: int) -> None:
    assert validate_iptc_code(f" MEDTOP:{number:08d} ") == f"medtop:{number:08d}"


def test_seed_puts_back_starter_topics_a_database_lacks_and_keeps_the_rest(db_url: str) -> None:
    cli = Cli(db_url)
    cli.ok("topics", "merge", "hydrogen", "energy")
    cli.ok("topics", "edit", "oil", "--label", "Crude")
    with writing(db_url) as session:
        assert add_missing_starter_topics(session) == ["hydrogen"]
        assert add_missing_starter_topics(session) == []
    topics = {row["slug"]: row for row in records(cli, "topics")}
    assert topics["hydrogen"]["parent"] == "energy"
    assert topics["hydrogen"]["iptc_broader"] == "medtop:20000256"
    assert topics["oil"]["label"] == "Crude"
