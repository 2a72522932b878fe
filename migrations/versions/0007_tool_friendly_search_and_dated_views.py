"""search index other tools find and search in any case; views with dates at their precision

- SQLite: `claim_search` is declared with `content="claim"` (double quotes), the form
  Datasette and sqlite-utils look for when they detect a table's full-text index; with
  `content='claim'` neither saw it. Its trigram tokenizer folds case again
  (`tokenize='trigram'`, no `case_sensitive 1` as in 0005), so a search typed in those
  tools finds the same claims whatever its case: `claim.search_text` is folded by factbase
  (case, ё/е, NFC), and a query such as `Токаев` is now folded by SQLite to meet it.
  factbase's own `--search` passes text it folded itself and still counts from the index
  alone: SQLite's case folding leaves every character that factbase's folding can put in
  `search_text` as it is (tests/test_third_party_search.py checks every code point
  against the SQLite in use), so it merges none that factbase keeps apart. Diacritics are
  not removed (й stays apart from и). The triggers of 0004 name the table, not its
  declaration, and stay.
- Both backends: the views `claim_details` and `conflict_details` gain the dates as
  factbase writes them, at their precision (`2022`, `2023-02`, `2023-11-09`), next to the
  first days the older columns give: `published_text`, `as_of_text`, `event_date_text`;
  `published_a_text`, `published_b_text`. The old columns stay as they were; the new ones
  come last.

PostgreSQL has no FTS5: only the views change there. No table is rebuilt, so no data moves.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The search index as 0005 declares it, and as this revision does.
SEARCH_0005 = (
    "CREATE VIRTUAL TABLE claim_search USING fts5(search_text, content='claim', "
    "content_rowid='id', tokenize='trigram case_sensitive 1')"
)
SEARCH_0007 = (
    'CREATE VIRTUAL TABLE claim_search USING fts5(search_text, content="claim", '
    "content_rowid=\"id\", tokenize='trigram')"
)

# Topic slugs of a claim joined with "; " (the CSV convention), per dialect, as in 0003.
TOPICS = {
    "sqlite": (
        "(SELECT group_concat(slug, '; ') FROM (SELECT t.slug AS slug FROM claim_topic ct "
        "JOIN topic t ON t.id = ct.topic_id WHERE ct.claim_id = c.id ORDER BY t.slug))"
    ),
    "postgresql": (
        "(SELECT string_agg(t.slug, '; ' ORDER BY t.slug) FROM claim_topic ct "
        "JOIN topic t ON t.id = ct.topic_id WHERE ct.claim_id = c.id)"
    ),
}

# A (first day, precision) pair as `2022`, `2022-11` or `2022-11-01`, as exports write it
# (factbase.text.date_formats.stored_iso). SQLite keeps a date as its ISO text.
DATE_TEXT = {
    "sqlite": (
        "CASE {precision} WHEN 'year' THEN substr({day}, 1, 4) "
        "WHEN 'month' THEN substr({day}, 1, 7) ELSE substr({day}, 1, 10) END"
    ),
    "postgresql": (
        "CASE {precision} WHEN 'year' THEN to_char({day}, 'YYYY') "
        "WHEN 'month' THEN to_char({day}, 'YYYY-MM') ELSE to_char({day}, 'YYYY-MM-DD') END"
    ),
}

CLAIM_DETAILS = """
CREATE VIEW claim_details AS
SELECT
    c.id AS claim_id,
    c.key AS claim_key,
    c.statement AS statement,
    c.quote AS quote,
    c.language AS language,
    c.speaker AS speaker,
    {topics} AS topics,
    c.subject AS subject,
    c.property AS property,
    c.value_text AS value,
    c.value_num AS value_number,
    c.value_unit AS value_unit,
    c.value_low AS value_low,
    c.value_high AS value_high,
    c.value_qualifier AS value_qualifier,
    c.event_date AS event_date,
    c.event_precision AS event_date_precision,
    c.as_of AS as_of,
    c.as_of_precision AS as_of_precision,
    c.polarity AS polarity,
    c.status AS status,
    c.note AS note,
    s.id AS source_id,
    s.key AS source_key,
    s.title AS source_title,
    s.url AS source_url,
    s.language AS source_language,
    s.published AS published,
    s.published_precision AS published_precision,
    o.id AS outlet_id,
    o.name AS outlet,
    o.stance AS stance,
    o.country AS outlet_country,
    c.created_at AS added_at,
    c.updated_at AS updated_at{dated}
FROM claim c
JOIN source s ON s.id = c.source_id
JOIN outlet o ON o.id = s.outlet_id
"""

CONFLICT_DETAILS = """
CREATE VIEW conflict_details AS
SELECT
    f.id AS conflict_id,
    f.kind AS kind,
    f.cause AS cause,
    f.status AS status,
    f.explanation AS explanation,
    f.note AS review_note,
    f.kept_claim_id AS kept_claim_id,
    a.id AS claim_a_id,
    a.key AS claim_a_key,
    a.statement AS statement_a,
    a.quote AS quote_a,
    a.value_text AS value_a,
    a.language AS language_a,
    oa.name AS outlet_a,
    oa.stance AS stance_a,
    sa.published AS published_a,
    b.id AS claim_b_id,
    b.key AS claim_b_key,
    b.statement AS statement_b,
    b.quote AS quote_b,
    b.value_text AS value_b,
    b.language AS language_b,
    ob.name AS outlet_b,
    ob.stance AS stance_b,
    sb.published AS published_b,
    f.created_at AS found_at,
    f.updated_at AS updated_at{dated}
FROM conflict f
JOIN claim a ON a.id = f.claim_a_id
JOIN source sa ON sa.id = a.source_id
JOIN outlet oa ON oa.id = sa.outlet_id
JOIN claim b ON b.id = f.claim_b_id
JOIN source sb ON sb.id = b.source_id
JOIN outlet ob ON ob.id = sb.outlet_id
"""

# The new columns: (name, first day, precision).
CLAIM_DATES = (
    ("published_text", "s.published", "s.published_precision"),
    ("as_of_text", "c.as_of", "c.as_of_precision"),
    ("event_date_text", "c.event_date", "c.event_precision"),
)
CONFLICT_DATES = (
    ("published_a_text", "sa.published", "sa.published_precision"),
    ("published_b_text", "sb.published", "sb.published_precision"),
)


def _dated(dialect: str, columns: tuple[tuple[str, str, str], ...]) -> str:
    template = DATE_TEXT.get(dialect)
    if template is None:
        return ""
    return "".join(
        f",\n    {template.format(day=day, precision=precision)} AS {name}"
        for name, day, precision in columns
    )


def _views(dated: bool) -> None:
    dialect = op.get_context().dialect.name
    op.execute("DROP VIEW IF EXISTS conflict_details")
    op.execute("DROP VIEW IF EXISTS claim_details")
    claim_dates = _dated(dialect, CLAIM_DATES) if dated else ""
    conflict_dates = _dated(dialect, CONFLICT_DATES) if dated else ""
    op.execute(CLAIM_DETAILS.format(topics=TOPICS.get(dialect, "NULL"), dated=claim_dates))
    op.execute(CONFLICT_DETAILS.format(dated=conflict_dates))


def _search_index(declaration: str) -> None:
    if op.get_context().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE claim_search")
    op.execute(declaration)
    op.execute("INSERT INTO claim_search(claim_search) VALUES ('rebuild')")


def upgrade() -> None:
    _search_index(SEARCH_0007)
    _views(dated=True)


def downgrade() -> None:
    _views(dated=False)
    _search_index(SEARCH_0005)
