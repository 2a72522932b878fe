"""Cross-reference suggestions: pure scoring and blocking, then real databases.

The scoring and blocking tests build :class:`ClaimFeatures` by hand and need no database.
The rest import a small cross-language corpus (or the seed dataset) into the database of
the ``db`` fixture: SQLite by default, PostgreSQL when FACTBASE_TEST_PG_URL is set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import fields as dataclass_fields
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factbase.analysis.links import link_claims
from factbase.analysis.xref import (
    PENALTY_VALUES_DIFFER,
    W_SAME_BLOCK,
    W_VALUES_AGREE,
    ClaimFeatures,
    Suggestion,
    XrefStats,
    accept,
    candidate_pairs,
    combine,
    common_limit,
    content_lemmas,
    date_evidence,
    jaccard,
    read_columns,
    read_features,
    reject,
    score_pair,
    suggest,
    suggestion_rows,
    value_evidence,
)
from factbase.analysis.xref_columns import ClaimColumns, LemmaSets
from factbase.errors import AlreadyExists, InvalidInput, NotFound
from factbase.interchange.importer import import_files
from factbase.store.database import Database
from factbase.store.models import AuditEntry, Claim, ClaimLink, Outlet, Source, XrefRejection
from factbase.text.dates import PartialDate
from factbase.text.quantities import parse_quantity

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "seeds" / "kazakhstan.yaml"

# A Bulgarian and a Russian report of the CPC's share of Kazakhstan's oil exports, with
# "CPC" and "КТК" resolved through one entity, and distractors around them.
CORPUS = """
entities:
  - {name: Caspian Pipeline Consortium, kind: pipeline, aliases: [CPC, КТК, Каспийский трубопровод]}
  - {name: Kazakhstan, kind: country, aliases: [Казахстан]}
topics:
  - {slug: oil, label: Oil, keywords: [oil, нефть, петрол, нафта]}
  - {slug: transport, label: Transport, keywords: [pipeline, трубопровод]}
  - {slug: diplomacy, label: Diplomacy}
  - {slug: agriculture, label: Agriculture}
outlets:
  - {name: BTA, stance: neutral, country: BG, language: bg}
  - {name: SilkBridge.info, stance: neutral, country: RU, language: ru}
  - {name: Ukrinform, stance: pro-ukrainian, country: UA, language: uk}
sources:
  - {key: bg-src, outlet: BTA, title: "Казахстан и КТК", language: bg, published: "2022-07"}
  - {key: ru-src, outlet: SilkBridge.info, title: "Казахстан и КТК", language: ru,
     published: "2022-07"}
  - {key: uk-src, outlet: Ukrinform, title: "Казахстан і КТК", language: uk, published: "2023-01"}
claims:
  - key: bg-cpc-share
    source: bg-src
    statement: "Nearly 80% of Kazakhstan's oil exports go through the CPC pipeline."
    quote: "близо 80% от износа на петрол"
    language: bg
    subject: CPC
    property: share of Kazakhstan oil exports
    value: "близо 80%"
    as_of: "2022"
    topics: [oil, transport]
  - key: ru-cpc-share
    source: ru-src
    statement: "The Caspian pipeline carries about 80 per cent of the crude Kazakhstan sells."
    quote: "около 80% экспорта казахстанской нефти"
    language: ru
    subject: КТК
    property: Share of Kazakhstan oil exports
    value: "около 80%"
    as_of: "2022"
    topics: [oil, transport]
  - key: ru-cpc-shutdowns
    source: ru-src
    statement: "Russia twice halted the Caspian pipeline's operations."
    quote: "Россия дважды перекрывала Каспийский трубопровод"
    language: ru
    subject: КТК
    property: shutdowns by Russia
    as_of: "2022"
    topics: [oil, transport]
  - key: uk-cpc-share-low
    source: uk-src
    statement: "Only 40% of Kazakhstan's oil exports pass through the CPC."
    quote: "лише 40% експорту казахстанської нафти"
    language: uk
    subject: Каспийский трубопровод
    property: share of Kazakhstan oil exports
    value: "40%"
    as_of: "2022"
    topics: [oil, transport]
  - key: bg-distancing
    source: bg-src
    statement: "Kazakhstan is moving away from Russia."
    quote: "Казахстан се отдалечава от Русия"
    language: bg
    subject: Kazakhstan
    property: distancing from Russia
    topics: [diplomacy]
  - key: uk-not-distancing
    source: uk-src
    statement: "Kazakhstan is not moving away from Russia."
    quote: "Казахстан не віддаляється від Росії"
    language: uk
    subject: Казахстан
    property: distancing from Russia
    polarity: denied
    topics: [diplomacy]
  - key: uk-wheat
    source: uk-src
    statement: "Ukraine's wheat harvest grew this year."
    quote: "Урожай пшениці в Україні зріс"
    language: uk
    subject: Ukraine
    property: wheat harvest
    topics: [agriculture]
"""


# -- helpers -------------------------------------------------------------------------


def features(claim_id: int, **changes: Any) -> ClaimFeatures:
    """A claim with nothing in particular, changed as given."""
    base = ClaimFeatures(
        id=claim_id,
        source_id=claim_id,
        subject=None,
        property_key=None,
        speaker_id=None,
        polarity="affirmed",
        value=None,
        event=None,
        as_of=None,
        topics=frozenset(),
        statement_lemmas=frozenset(),
        quote=None,
        language=None,
    )
    return replace(base, **changes)


def day(text: str) -> PartialDate:
    return PartialDate.from_iso(text)


@pytest.fixture
def session(db: Database) -> Iterator[Session]:
    with db.session(write=True) as session:
        yield session


@pytest.fixture
def corpus(session: Session, tmp_path: Path) -> dict[str, int]:
    """The cross-language corpus imported; claim key -> id."""
    path = tmp_path / "corpus.yaml"
    path.write_text(CORPUS, encoding="utf-8")
    import_files(session, [path])
    return ids(session)


def ids(session: Session) -> dict[str, int]:
    rows = session.execute(select(Claim.id, Claim.key).where(Claim.key.is_not(None)))
    return {str(key): claim_id for claim_id, key in rows}


def pairs(suggestions: list[Suggestion]) -> set[tuple[int, int]]:
    return {(s.claim_a, s.claim_b) for s in suggestions}


def pair(ids: dict[str, int], first: str, second: str) -> tuple[int, int]:
    a, b = ids[first], ids[second]
    return (a, b) if a < b else (b, a)


# -- pure features -------------------------------------------------------------------


def test_jaccard() -> None:
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard({"a"}, {"a"}) == 1.0
    assert jaccard(set(), set()) == 0.0
    assert jaccard({"a"}, set()) == 0.0


def test_content_lemmas_fold_lemmatise_and_drop_short_and_function_words() -> None:
    assert content_lemmas("Kazakhstan is moving away from Russia.", "en") == {
        "kazakhstan",
        "move",
        "away",
        "russia",
    }
    # Inflected Russian forms meet their dictionary form; case and ё do not matter.
    assert content_lemmas("экспорта казахстанской НЕФТИ", "ru") == {
        "экспорт",
        "казахстанский",
        "нефть",
    }
    assert "от" not in content_lemmas("близо 80% от износа на петрол", "bg")
    assert content_lemmas("80% 2022", "en") == frozenset()


def test_values_agree_when_intervals_overlap_in_one_unit() -> None:
    about = parse_quantity("около 80%")
    exact = parse_quantity("80%")
    strength, penalty, reason = value_evidence(about, exact, same_block=True) or (0, 0, "")
    assert (strength, penalty) == (W_VALUES_AGREE, 1.0)
    assert reason == "values agree: 80 % ±10 % ~ 80 %"
    loose = value_evidence(about, exact, same_block=False)
    assert loose is not None and 0 < loose[0] < W_VALUES_AGREE


def test_values_that_differ_are_a_penalty_and_other_units_say_nothing() -> None:
    differ = value_evidence(parse_quantity("80%"), parse_quantity("40%"), same_block=True)
    assert differ == (0.0, PENALTY_VALUES_DIFFER, "values differ: 80 % vs 40 %")
    tenge, dollars = parse_quantity("441 миллиард тенге"), parse_quantity("918 million USD")
    assert value_evidence(tenge, dollars, same_block=True) is None
    assert value_evidence(parse_quantity("80%"), None, same_block=True) is None
    # Bare counts agree by chance outside one subject and property.
    two = parse_quantity("2")
    assert value_evidence(two, two, same_block=False) is None
    assert value_evidence(two, two, same_block=True) is not None


def test_dates_close_far_and_as_of() -> None:
    agree = date_evidence(day("2022"), day("2022-05"), None, None)
    assert agree is not None and agree[1] == 1.0 and agree[2] == "dates agree: 2022 ~ May 2022"
    near = date_evidence(day("2023-02-28"), day("2023-03-10"), None, None)
    same_day = date_evidence(day("2023-02-28"), day("2023-02-28"), None, None)
    same_month = date_evidence(day("2023-02-28"), day("2023-02"), None, None)
    assert near is not None and same_day is not None and same_month is not None
    assert near[2] == "dates within 10 days"
    assert date_evidence(day("2023-02-28"), day("2023-03-01"), None, None) == (
        0.125,
        1.0,
        "dates within 1 day",
    )
    # Adjacent months or years are neither close nor two events.
    assert date_evidence(day("2022-05"), day("2022-06"), None, None) is None
    assert date_evidence(None, None, day("2023"), day("2024")) is None
    # The finer the shared period, the stronger the evidence.
    assert same_day[0] > same_month[0] > agree[0] > 0
    assert same_day[0] > near[0] > 0
    far = date_evidence(day("2022-05"), day("2024-08"), None, None)
    assert far is not None and far[0] == 0.0 and far[1] < 1.0
    assert far[2] == "event dates differ: May 2022 vs Aug 2024"
    # As-of dates far apart: the claims hold for different times, no penalty.
    assert date_evidence(None, None, day("2022"), day("2024")) is None
    assert date_evidence(None, day("2022"), day("2022"), None) is None
    as_of = date_evidence(None, None, day("2022"), day("2022"))
    assert as_of is not None and as_of[2] == "dates agree: 2022 ~ 2022"
    # Event dates win over as-of dates.
    both = date_evidence(day("2022-05"), day("2024-08"), day("2022"), day("2022"))
    assert both is not None and both[2].startswith("event dates differ")


def test_combine_is_a_noisy_or_with_penalties() -> None:
    assert combine([]) == 0.0
    assert combine([0.6]) == pytest.approx(0.6)
    assert combine([0.5, 0.5]) == pytest.approx(0.75)
    assert combine([0.5, 0.5], [0.5]) == pytest.approx(0.375)


@given(
    st.lists(st.floats(0, 1), max_size=6),
    st.lists(st.floats(0, 1), max_size=3),
    st.floats(0, 1),
)
def test_combine_stays_in_range_and_more_evidence_never_lowers(
    strengths: list[float], penalties: list[float], extra: float
) -> None:
    score = combine(strengths, penalties)
    assert 0.0 <= score <= 1.0
    assert combine([*strengths, extra], penalties) >= score - 1e-12


def block(claim_id: int, subject: str = "entity:1", prop: str = "share", **changes: Any) -> Any:
    return features(claim_id, subject=subject, property_key=prop, **changes)


def test_same_subject_and_property_is_strong_and_reasons_are_listed() -> None:
    a = block(
        1,
        value=parse_quantity("близо 80%"),
        topics=frozenset({"oil", "transport"}),
        statement_lemmas=frozenset({"cpc", "oil", "export", "nearly"}),
        as_of=day("2022"),
    )
    b = block(
        2,
        value=parse_quantity("около 80%"),
        topics=frozenset({"oil"}),
        statement_lemmas=frozenset({"cpc", "oil", "export", "about"}),
        as_of=day("2022"),
    )
    suggestion = score_pair(b, a)
    assert suggestion is not None
    assert (suggestion.claim_a, suggestion.claim_b) == (1, 2)
    assert suggestion.reasons == (
        "same subject and property",
        "values agree: 80 % ±10 % ~ 80 % ±10 %",
        "shared topics: oil",
        "wording overlap 0.60",
        "dates agree: 2022 ~ 2022",
    )
    assert 0.9 < suggestion.score <= 1.0
    assert score_pair(a, b) == suggestion
    # The block alone passes the default minimum; nothing alike scores nothing.
    assert suggestion.kind == "same"
    assert suggestion.kind_reason == "same: same value (2022): 80 % ±10 %"
    assert score_pair(block(1), block(2)) == Suggestion(
        1, 2, W_SAME_BLOCK, ("same subject and property",), "same", "same: no date sets them apart"
    )
    assert score_pair(features(1), features(2)) == Suggestion(
        1, 2, 0.0, (), "same", "same: no date sets them apart"
    )


def test_opposite_polarity_is_never_a_suggestion() -> None:
    lemmas = frozenset({"kazakhstan", "move", "away", "russia"})
    a = block(1, statement_lemmas=lemmas)
    b = block(2, statement_lemmas=lemmas, polarity="denied")
    assert score_pair(a, b) is None
    assert score_pair(a, replace(b, polarity="affirmed")) is not None


def test_values_that_differ_make_a_conflict_not_a_match() -> None:
    lemmas = frozenset({"cpc", "oil", "export"})
    a = block(1, value=parse_quantity("80%"), statement_lemmas=lemmas)
    b = block(2, value=parse_quantity("40%"), statement_lemmas=lemmas)
    agreeing = score_pair(a, replace(b, value=parse_quantity("около 80%")))
    differing = score_pair(a, b)
    assert agreeing is not None and differing is not None
    assert agreeing.score >= 0.9
    assert differing.score < 0.5
    assert "values differ: 80 % vs 40 %" in differing.reasons


def test_two_events_far_apart_are_not_the_same() -> None:
    a = block(1, event=day("2022-05"))
    same_trip = score_pair(a, block(2, event=day("2022")))
    other_trip = score_pair(a, block(2, event=day("2024-08")))
    assert same_trip is not None and other_trip is not None
    assert same_trip.score > W_SAME_BLOCK > 0.5 > other_trip.score


def test_wording_across_quotes_only_in_the_same_language() -> None:
    a = features(1, quote="около 80% экспорта казахстанской нефти", language="ru")
    b = features(2, quote="около 80% экспорта нефти Казахстана", language="ru")
    same_language = score_pair(a, b)
    assert same_language is not None
    assert same_language.reasons[0].startswith("quote wording overlap")
    assert same_language.reasons[0].endswith("(ru)")
    other_language = score_pair(a, replace(b, language="uk"))
    assert other_language is not None and other_language.reasons == ()


def test_subjects_common_or_different_entities() -> None:
    lemmas = frozenset({"support", "territorial", "integrity", "sovereignty"})
    a = features(1, subject="entity:5", property_key="x", statement_lemmas=lemmas)
    same_subject = score_pair(a, features(2, subject="entity:5", property_key="y"))
    assert same_subject is not None and same_subject.reasons == ("same subject",)
    common = score_pair(
        a,
        features(2, subject="entity:5", property_key="y"),
        common_subjects=frozenset({"entity:5"}),
    )
    assert common is not None and common.score == 0.0
    alike = features(2, subject="entity:6", property_key="x", statement_lemmas=lemmas)
    other_actor = score_pair(a, alike)
    unresolved = score_pair(replace(a, subject="text:сша"), alike)
    assert other_actor is not None and unresolved is not None
    assert "different subjects" in other_actor.reasons
    assert other_actor.score < unresolved.score


# -- pure blocking -------------------------------------------------------------------


def test_common_limit() -> None:
    assert common_limit(0) == 10
    assert common_limit(131) == 10
    assert common_limit(1000) == 50
    assert common_limit(100_000) == 200


def test_blocking_pairs_claims_sharing_a_key_only() -> None:
    claims = [
        block(1, subject="entity:1", prop="share"),
        block(2, subject="entity:1", prop="share"),
        features(3, subject="entity:9", statement_lemmas=frozenset({"turkey"})),
        features(4, speaker_id=9, statement_lemmas=frozenset({"ankara", "drone"})),
        features(5, statement_lemmas=frozenset({"ankara", "drone", "deal"})),
        features(6, statement_lemmas=frozenset({"wheat", "deal"}), topics=frozenset({"oil"})),
        features(7, statement_lemmas=frozenset({"harvest"}), topics=frozenset({"oil"})),
    ]
    stats = XrefStats()
    found = list(candidate_pairs(claims, stats=stats))
    # 1-2: subject and property; 3-4: the entity as subject and speaker; 4-5: two lemmas.
    # 5-6 share one lemma only, 6-7 only a topic: never compared.
    assert found == [(1, 2), (3, 4), (4, 5)]
    assert stats.candidate_pairs == 3
    assert stats.single_lemma_pairs == 1
    assert list(candidate_pairs(claims, focus=4)) == [(3, 4), (4, 5)]
    assert list(candidate_pairs(claims, focus=6)) == []


def test_common_lemmas_and_entities_block_nothing_but_property_blocks_always_do() -> None:
    n = 30  # common_limit(30) == 10
    claims = [
        features(
            i,
            subject="entity:1" if i <= 12 else f"entity:{i}",
            property_key="share" if i <= 12 else None,
            statement_lemmas=frozenset({"kazakhstan", "russia", f"word{i // 2}", f"term{i // 2}"}),
        )
        for i in range(1, n + 1)
    ]
    stats = XrefStats()
    found = set(candidate_pairs(claims, stats=stats))
    in_block = {(a, b) for a in range(1, 13) for b in range(a + 1, 13)}
    by_words = {(a, a + 1) for a in range(2, n, 2)}
    assert found == in_block | by_words
    assert stats.common_keys == 3  # "kazakhstan", "russia" and entity:1
    assert stats.candidate_pairs == len(found)


# -- suggestions in a database -------------------------------------------------------


def same_columns(first: ClaimColumns, second: ClaimColumns) -> bool:
    """Whether two sets of columns hold the same claims, codes and tables."""

    def same(a: object, b: object) -> bool:
        if isinstance(a, np.ndarray):
            return isinstance(b, np.ndarray) and a.dtype == b.dtype and np.array_equal(a, b)
        if isinstance(a, tuple):
            return isinstance(b, tuple) and all(same(x, y) for x, y in zip(a, b, strict=True))
        if isinstance(a, LemmaSets):
            return same((a.starts, a.lemmas), (b.starts, b.lemmas)) and a.words == b.words  # type: ignore[attr-defined]
        return a == b

    return all(
        same(getattr(first, field.name), getattr(second, field.name))
        for field in dataclass_fields(ClaimColumns)
    )


@pytest.mark.parametrize("data", ["corpus", "seed"])
def test_columns_read_are_those_of_the_claims_features(
    session: Session, tmp_path: Path, data: str
) -> None:
    """The columns read from the database as a stream hold what the features of the claims
    say (every value, date, topic set and lemma set), dates read as text or not."""
    if data == "seed":
        import_files(session, [SEED])
    else:
        path = tmp_path / "corpus.yaml"
        path.write_text(CORPUS, encoding="utf-8")
        import_files(session, [path])
    read = read_columns(session)
    assert len(read) > 5
    assert same_columns(read, ClaimColumns.of(read_features(session), content_lemmas))
    some = read.ids[::2].tolist()
    assert [c.id for c in read_features(session, some)] == some


def test_cross_language_pair_found_with_reasons(session: Session, corpus: dict[str, int]) -> None:
    stats = XrefStats()
    found = suggest(session, stats=stats)
    target = pair(corpus, "bg-cpc-share", "ru-cpc-share")
    assert pairs(found) == {target}
    (suggestion,) = found
    assert suggestion.score >= 0.8
    assert suggestion.reasons[:3] == (
        "same subject and property",
        "values agree: 80 % ±10 % ~ 80 % ±10 %",
        "shared topics: oil, transport",
    )
    assert any(reason.startswith("wording overlap") for reason in suggestion.reasons)
    assert "dates agree: 2022 ~ 2022" in suggestion.reasons
    # Compared: the CPC block across sources, the distancing pair (opposite polarity) and
    # lemma neighbours; never the wheat claim, which shares nothing with the rest.
    assert stats.compared_pairs > 1
    assert stats.excluded_pairs >= 1  # ru-cpc-shutdowns is from the same source
    wheat = corpus["uk-wheat"]
    feats = read_features(session)
    assert all(wheat not in p for p in candidate_pairs(feats))


def test_distractors_are_scored_low_or_never_offered(
    session: Session, corpus: dict[str, int]
) -> None:
    everything = suggest(session, min_score=0.0)
    offered = pairs(everything)
    # Same source: not independent reports.
    assert pair(corpus, "ru-cpc-share", "ru-cpc-shutdowns") not in offered
    # Opposite polarity: never, whatever the threshold.
    assert pair(corpus, "bg-distancing", "uk-not-distancing") not in offered
    # Values that differ: a conflict, scored below the default minimum.
    low = {(s.claim_a, s.claim_b): s for s in everything}[
        pair(corpus, "bg-cpc-share", "uk-cpc-share-low")
    ]
    assert low.score < 0.5 and "values differ: 80 % ±10 % vs 40 %" in low.reasons
    assert [s.score for s in everything] == sorted((s.score for s in everything), reverse=True)
    assert all(0.0 < s.score <= 1.0 and s.claim_a < s.claim_b for s in everything)


def test_claim_filter_min_score_and_limit(session: Session, corpus: dict[str, int]) -> None:
    everything = suggest(session, min_score=0.0)
    for key in ("bg-cpc-share", "uk-cpc-share-low", "uk-wheat"):
        claim_id = corpus[key]
        expected = [s for s in everything if claim_id in (s.claim_a, s.claim_b)]
        assert suggest(session, claim_id=claim_id, min_score=0.0) == expected
        assert suggest(session, claim_id=key, min_score=0.0) == expected
    assert suggest(session, claim_id=corpus["uk-wheat"], min_score=0.0) == []
    assert suggest(session, min_score=0.0, limit=2) == everything[:2]
    assert suggest(session, min_score=0.0, limit=0) == everything
    assert suggest(session, min_score=1.0) == []
    with pytest.raises(NotFound, match="no claim 'nope'"):
        suggest(session, claim_id="nope")
    for bad in (-0.1, 1.5):
        with pytest.raises(InvalidInput, match="between 0 and 1"):
            suggest(session, min_score=bad)
    with pytest.raises(InvalidInput, match="--limit"):
        suggest(session, limit=-1)


def test_retracted_claims_are_left_out(session: Session, corpus: dict[str, int]) -> None:
    claim = session.get(Claim, corpus["ru-cpc-share"])
    assert claim is not None
    claim.status = "retracted"
    session.flush()
    assert suggest(session) == []


def test_accept_links_and_the_pair_is_not_suggested_again(
    session: Session, corpus: dict[str, int]
) -> None:
    found = suggest(session)
    links = accept(session, found)
    assert [(link.claim_a_id, link.claim_b_id, link.kind) for link in links] == [
        (*pair(corpus, "bg-cpc-share", "ru-cpc-share"), "same")
    ]
    assert links[0].note is not None
    assert links[0].note.startswith(f"accepted xref suggestion (score {found[0].score:.2f}: ")
    assert "same subject and property; values agree" in links[0].note
    assert pair(corpus, "bg-cpc-share", "ru-cpc-share") not in pairs(
        suggest(session, min_score=0.0)
    )
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.target.like("claims %")))
    assert "link" in list(actions)


def test_accept_as_supports_and_only_cluster_kinds(
    session: Session, corpus: dict[str, int]
) -> None:
    found = suggest(session)
    with pytest.raises(InvalidInput, match="same, supports"):
        accept(session, found, "contradicts")
    (link,) = accept(session, found, "supports")
    assert link.kind == "supports"
    assert session.scalars(select(ClaimLink.kind)).all() == ["supports"]


def test_a_pair_linked_later_by_hand_is_not_suggested(
    session: Session, corpus: dict[str, int]
) -> None:
    link_claims(session, "ru-cpc-share", "bg-cpc-share", "contradicts")
    assert suggest(session) == []
    low = pair(corpus, "bg-cpc-share", "uk-cpc-share-low")
    assert low in pairs(suggest(session, min_score=0.0))


def test_reject_records_audits_and_is_never_offered_again(
    session: Session, corpus: dict[str, int]
) -> None:
    a, b = pair(corpus, "bg-cpc-share", "ru-cpc-share")
    rejection = reject(session, "ru-cpc-share", "bg-cpc-share", note="  different  years ")
    assert (rejection.claim_a_id, rejection.claim_b_id) == (a, b)
    assert rejection.note == "different years"
    stored = session.scalars(select(XrefRejection)).all()
    assert [(r.claim_a_id, r.claim_b_id, r.note) for r in stored] == [(a, b, "different years")]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "xref-reject")).one()
    assert (entry.target, entry.note) == (f"claims {a}-{b}", "different years")
    assert suggest(session) == []
    assert (a, b) not in pairs(suggest(session, min_score=0.0))
    assert suggest(session, claim_id=a, min_score=0.0) == [
        s for s in suggest(session, min_score=0.0) if a in (s.claim_a, s.claim_b)
    ]
    with pytest.raises(AlreadyExists, match="already rejected"):
        reject(session, str(a), str(b))


def test_reject_refuses_linked_pairs_the_same_claim_and_unknown_claims(
    session: Session, corpus: dict[str, int]
) -> None:
    link_claims(session, "bg-cpc-share", "ru-cpc-share", "same")
    with pytest.raises(AlreadyExists, match="linked as 'same'"):
        reject(session, "bg-cpc-share", "ru-cpc-share")
    with pytest.raises(InvalidInput, match="itself"):
        reject(session, "bg-cpc-share", str(corpus["bg-cpc-share"]))
    with pytest.raises(NotFound):
        reject(session, "bg-cpc-share", "nope")
    assert session.scalars(select(XrefRejection)).all() == []


def test_suggestion_rows_have_stable_columns(session: Session, corpus: dict[str, int]) -> None:
    (row,) = suggestion_rows(session, suggest(session))
    assert list(row) == [
        "score", "kind", "claim_a", "claim_a_key", "claim_b", "claim_b_key", "language_a",
        "language_b", "outlet_a", "outlet_b", "statement_a", "statement_b", "reasons",
        "kind_reason", "lead",
    ]  # fmt: skip
    assert (row["kind"], row["lead"]) == ("same", None)
    assert row["kind_reason"] == "same: same value (2022): 80 % ±10 %"
    assert (row["claim_a_key"], row["claim_b_key"]) == ("bg-cpc-share", "ru-cpc-share")
    assert (row["language_a"], row["language_b"]) == ("bg", "ru")
    assert (row["outlet_a"], row["outlet_b"]) == ("BTA", "SilkBridge.info")
    assert isinstance(row["reasons"], list)
    json.dumps(row)


# -- blocking at scale ---------------------------------------------------------------

GROUPS = 80
PER_GROUP = 5


def synthetic(session: Session) -> dict[int, int]:
    """400 claims on 80 subjects from 40 sources; claim id -> group.

    Every statement shares the words "Kazakhstan", "Russia" and "agreed" with every other;
    the claims of a group share a subject, a word, and two by two a property.
    """
    outlet = Outlet(name="Synthetic", name_key="synthetic", stance="unrated")
    session.add(outlet)
    session.flush()
    sources = [Source(outlet_id=outlet.id, title=f"Article {i}", key=f"s{i}") for i in range(40)]
    session.add_all(sources)
    session.flush()
    claims = []
    for i in range(GROUPS * PER_GROUP):
        group = i // PER_GROUP
        word = "".join("bcdfghjklmnpqrstvwxz"[int(d)] for d in f"{group:03d}")
        unique = "".join("bcdfghjklmnpqrstvwxz"[int(d)] for d in f"{i:04d}")
        prop = f"aspect {i % PER_GROUP // 2}"
        statement = f"Kazakhstan and Russia agreed on qu{word}ax and the vo{unique}el."
        claims.append(
            Claim(
                source_id=sources[i % 40].id,
                statement=statement,
                language="en",
                subject=f"Subject {group}",
                subject_key=f"subject {group}",
                property_name=prop,
                property_key=prop,
                search_text=statement.lower(),
            )
        )
    session.add_all(claims)
    session.flush()
    return {claim.id: i // PER_GROUP for i, claim in enumerate(claims)}


def test_blocking_compares_far_fewer_pairs_than_all(session: Session) -> None:
    groups = synthetic(session)
    n = len(groups)
    stats = XrefStats()
    suggest(session, min_score=0.0, stats=stats)
    everything = n * (n - 1) // 2
    assert stats.claims == n == 400
    # Each claim meets only the 4 others of its group: 80 × 10 pairs, not 79 800.
    assert stats.candidate_pairs == GROUPS * PER_GROUP * (PER_GROUP - 1) // 2
    assert stats.compared_pairs + stats.excluded_pairs == stats.candidate_pairs
    assert stats.compared_pairs * 50 < everything
    assert stats.common_keys >= 3  # kazakhstan, russia, agree
    for a, b in candidate_pairs(read_features(session)):
        assert groups[a] == groups[b]


# -- the seed dataset ----------------------------------------------------------------


@pytest.mark.slow
def test_seed_data_yields_sensible_cross_article_suggestions(session: Session) -> None:
    import_files(session, [SEED])
    keys = ids(session)
    stats = XrefStats()
    found = suggest(session, stats=stats)
    assert stats.claims == 139
    assert stats.compared_pairs * 4 < 139 * 138 // 2
    facts = {
        claim_id: (source_id, polarity, language)
        for claim_id, source_id, polarity, language in session.execute(
            select(Claim.id, Claim.source_id, Claim.polarity, Claim.language)
        )
    }
    assert len(found) >= 10
    for s in found:
        assert facts[s.claim_a][0] != facts[s.claim_b][0], s  # never from one source
        assert facts[s.claim_a][1] == facts[s.claim_b][1], s  # always the same polarity
    cross_language = [s for s in found if facts[s.claim_a][2] != facts[s.claim_b][2]]
    assert len(cross_language) >= 5
    offered = pairs(found)
    # Distancing from Russia in Russian and Ukrainian; Tokayev in Turkey in Bulgarian and Russian.
    assert pair(keys, "wsj-ru-distancing-from-russia", "wp-uk-distancing-from-russia") in offered
    assert pair(keys, "bg-tokayev-gulf-turkey-visits", "wsj-ru-tokayev-ankara") in offered
    assert pair(keys, "bg-csto-member", "hm-ru-csto-member") in offered
    # Denials never meet affirmations: "a back door for sanctions" (upholding sanctions,
    # denied), distancing from China. "Must stay loyal" is loyalty, no denial of distancing,
    # and is never offered as the same as a claim of distancing.
    assert all(keys["visit-ru-sanctions-back-door"] not in p for p in offered)
    distancing = {
        keys[k]
        for k in (
            "bg-distancing-from-russia",
            "wsj-ru-distancing-from-russia",
            "wp-uk-distancing-from-russia",
        )
    }
    loyal = keys["visit-ru-must-stay-loyal"]
    assert all(not (loyal in p and distancing & set(p)) for p in offered)
    assert pair(keys, "wsj-ru-defence-ties-china", "hm-ru-course-distances-from-china") not in {
        (s.claim_a, s.claim_b) for s in suggest(session, min_score=0.0)
    }
    assert found[0].reasons[0] == "same subject and property"
    # A focused run gives the same pairs for that claim.
    ankara = keys["wsj-ru-tokayev-ankara"]
    assert suggest(session, claim_id="wsj-ru-tokayev-ankara") == [
        s for s in found if ankara in (s.claim_a, s.claim_b)
    ]
