"""The columns xref works on: tables built with array operations hold what the claims do."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from factbase.analysis.xref_columns import Codes, ColumnsBuilder, topic_sets

SLUGS = ["oil", "gas", "trade", "defence"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sets(st.sampled_from(range(len(SLUGS)))), max_size=30),
    st.lists(st.booleans(), max_size=30),
)
def test_topic_sets_are_numbered_as_codes_number_them(
    held: list[set[int]], kept: list[bool]
) -> None:
    """Rows by claim id, some for claims left out (retracted), give each claim kept the
    code Codes gives its set, claim after claim."""
    ids = [i * 2 for i in range(1, len(held) + 1)]
    by_claim = dict(zip(ids, held, strict=True))
    rows = [(claim_id, topic) for claim_id in ids for topic in sorted(by_claim[claim_id])]
    wanted = [i for i, keep in zip(ids, kept + [True] * len(ids), strict=False) if keep]
    codes, sets = topic_sets(
        np.array(wanted, dtype=np.int64),
        np.array([claim for claim, _ in rows], dtype=np.int64),
        np.array([topic for _, topic in rows], dtype=np.int32),
        SLUGS,
    )
    expected = Codes()
    expected_codes = [expected[frozenset(SLUGS[t] for t in by_claim[i])] for i in wanted]
    assert codes.tolist() == expected_codes
    assert sets == expected.values_by_code()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.frozensets(st.sampled_from(["oil", "ёж", "gas", "b", "a", "ab"])), min_size=1))
def test_lemma_sets_jaccard_is_pythons(sets: list[frozenset[str]]) -> None:
    builder = ColumnsBuilder()
    for n, lemmas in enumerate(sets):
        builder.add(n, n, None, None, None, "affirmed", None, None, None, lemmas, None)
    columns = builder.finish(np.zeros(len(sets), dtype=np.int32), [frozenset()])
    table = columns.lemma_sets
    a, b = np.meshgrid(columns.statement, columns.statement)
    found = table.jaccard(a.ravel(), b.ravel()).tolist()
    for value, i, j in zip(found, a.ravel().tolist(), b.ravel().tolist(), strict=True):
        first, second = table.members(i), table.members(j)
        union = first | second
        assert value == (len(first & second) / len(union) if union else 0.0)
    assert [table.members(code) for code in columns.statement.tolist()] == sets
    # Sets order as the tuples of their sorted lemmas.
    ranks = table.wording_ranks()
    keys = [tuple(sorted(table.members(s))) for s in range(len(ranks))]
    assert sorted(range(len(keys)), key=keys.__getitem__) == np.argsort(ranks).tolist()
