"""factbase.analysis.extraction: the candidates of a stored source, with what the database
knows (entities, the properties of each subject's claims, topic keywords), as claim records
that line up with the claims recorded already."""

from __future__ import annotations

import pytest
from helpers import seed, writing

from factbase.analysis.extraction import (
    candidate_input,
    candidate_record,
    extract_for_source,
    recorded,
    source_text_for,
)
from factbase.analysis.intake import add_claim
from factbase.catalog.sources import get_source
from factbase.errors import InvalidInput, NotFound

# Written for the test; the source is the seed's Russian article of November 2023.
ARTICLE = (
    "Около 70% экспорта казахстанской нефти проходит через КТК, сообщил министр в прошлом году.\n"
    "Казахстан снова увеличил оборонный бюджет, заявил Токаев.\n"
)
SOURCE = "ru-putin-official-visit"


@pytest.fixture
def seeded(db_url: str) -> str:
    seed(db_url)
    return db_url


def test_candidates_reuse_the_subjects_properties(seeded: str) -> None:
    with writing(seeded) as session:
        extraction = extract_for_source(session, SOURCE, ARTICLE)
        first, second = (candidate_record(extraction, c) for c in extraction.candidates)
    assert first["subject"] == "Caspian Pipeline Consortium"
    assert first["property"] == "share of Kazakhstan oil exports"
    assert first["value"] == "Около 70%"
    assert first["event_date"] == "2022"  # "в прошлом году" of an article of November 2023
    assert "oil" in first["topics"]
    assert second["speaker"] == "Kassym-Jomart Tokayev"
    assert (second["subject"], second["property"]) == ("Kazakhstan", "defence budget increase")


def test_an_accepted_candidate_meets_the_claims_it_lines_up_with(seeded: str) -> None:
    with writing(seeded) as session:
        extraction = extract_for_source(session, SOURCE, ARTICLE)
        assert recorded(session, extraction) == [False, False]
        result = add_claim(
            session, candidate_input(candidate_record(extraction, extraction.candidates[0]))
        )
        # 70 % against the seed's "около 80%" for the same subject and property.
        assert result.new_conflicts
        assert recorded(session, extraction) == [True, False]


def test_no_stored_text_yet(seeded: str) -> None:
    with writing(seeded) as session:
        assert source_text_for(session, get_source(session, SOURCE)) is None


def test_unknown_source_and_empty_text(seeded: str) -> None:
    with writing(seeded) as session:
        with pytest.raises(NotFound):
            extract_for_source(session, "no-such-source", ARTICLE)
        with pytest.raises(InvalidInput, match="empty"):
            extract_for_source(session, SOURCE, "  \n")
