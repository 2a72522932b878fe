"""article texts of sources, and where each claim's quote stands in its source's text

- `source_text`: a source's article text as received (`source add --text-file` or
  `--html-file`, `seed --texts`, `text`/`text_file` in an import), one row per source at
  most, with its SHA-256, length, extractor and when it was attached. Sources without
  text have no row and work as before.
- `claim.quote_start`, `claim.quote_end`: the quote's span in that text (characters);
  `claim.quote_match`: how it was found, `exact`, `normalised`, `not-found` or `no-text`
  (a CHECK constraint), indexed for `list --quote-status`. Claims without a quote have
  none of the three. Every claim with a quote stored so far gets `no-text`: no source
  had a text before this revision.
- The views `claim_details` and `conflict_details` gain `quote_match` (and the span;
  `quote_match_a`, `quote_match_b`), last; `claim_details` also gains the claim columns
  added since 0007 that it lacked: `forecast`, `polarity_suggested` (0009) and
  `occasion` (0011), before them.

Adding the columns and the constraint rebuilds `claim` in batch mode on SQLite, which
drops the search triggers of 0004 and 0008 with the old table: they are created again, as
0009 does; every row and id stays, so the search indexes keep theirs. Downgrading drops
the table and the columns, with the texts and spans they hold.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUOTE_MATCHES = ("exact", "normalised", "not-found", "no-text")
QUOTE_CHECK = "quote_match IN (" + ", ".join(f"'{m}'" for m in QUOTE_MATCHES) + ")"

# The search triggers of revision 0004, as that revision creates them.
SEARCH_TRIGGERS = (
    "CREATE TRIGGER claim_search_insert AFTER INSERT ON claim BEGIN "
    "INSERT INTO claim_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER claim_search_delete AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_search(claim_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER claim_search_update AFTER UPDATE OF search_text ON claim BEGIN "
    "INSERT INTO claim_search(claim_search, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO claim_search(rowid, search_text) VALUES (new.id, new.search_text); END",
)
# The lemma triggers of revision 0008, as that revision creates them.
LEMMA_TRIGGERS = (
    "CREATE TRIGGER claim_search_lemmas_insert AFTER INSERT ON claim BEGIN "
    "INSERT INTO claim_search_lemmas(rowid, search_lemmas) "
    "VALUES (new.id, new.search_lemmas); END",
    "CREATE TRIGGER claim_search_lemmas_delete AFTER DELETE ON claim BEGIN "
    "INSERT INTO claim_search_lemmas(claim_search_lemmas, rowid, search_lemmas) "
    "VALUES ('delete', old.id, old.search_lemmas); END",
    "CREATE TRIGGER claim_search_lemmas_update AFTER UPDATE OF search_lemmas ON claim BEGIN "
    "INSERT INTO claim_search_lemmas(claim_search_lemmas, rowid, search_lemmas) "
    "VALUES ('delete', old.id, old.search_lemmas); "
    "INSERT INTO claim_search_lemmas(rowid, search_lemmas) "
    "VALUES (new.id, new.search_lemmas); END",
)
SEARCH_TRIGGER_NAMES = (
    *("claim_search_insert", "claim_search_delete", "claim_search_update"),
    *("claim_search_lemmas_insert", "claim_search_lemmas_delete", "claim_search_lemmas_update"),
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

# The dated columns of 0007: (name, first day, precision).
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


def _drop_views() -> None:
    op.execute("DROP VIEW IF EXISTS conflict_details")
    op.execute("DROP VIEW IF EXISTS claim_details")


def _create_views(quoted: bool) -> None:
    """The views as 0007 creates them, with this revision's columns last when ``quoted``."""
    dialect = op.get_context().dialect.name
    claim_extra = _dated(dialect, CLAIM_DATES) + (_extra(CLAIM_QUOTES) if quoted else "")
    conflict_extra = _dated(dialect, CONFLICT_DATES) + (_extra(CONFLICT_QUOTES) if quoted else "")
    op.execute(CLAIM_DETAILS.format(topics=TOPICS.get(dialect, "NULL"), dated=claim_extra))
    op.execute(CONFLICT_DETAILS.format(dated=conflict_extra))


def _extra(columns: tuple[tuple[str, str], ...]) -> str:
    return "".join(f",\n    {expression} AS {name}" for name, expression in columns)


# This revision's view columns: (name, expression).
CLAIM_QUOTES = (
    ("forecast", "c.forecast"),
    ("polarity_suggested", "c.polarity_suggested"),
    ("occasion", "c.occasion"),
    ("quote_match", "c.quote_match"),
    ("quote_start", "c.quote_start"),
    ("quote_end", "c.quote_end"),
)
CONFLICT_QUOTES = (("quote_match_a", "a.quote_match"), ("quote_match_b", "b.quote_match"))


def upgrade() -> None:
    op.create_table(
        "source_text",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("extractor", sa.String(length=100), nullable=False),
        sa.Column("retrieved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_source_text_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", name=op.f("pk_source_text")),
    )
    op.create_index(op.f("ix_source_text_sha256"), "source_text", ["sha256"])
    _drop_views()
    with _claim_table() as batch:
        batch.add_column(sa.Column("quote_start", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("quote_end", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("quote_match", sa.String(length=10), nullable=True))
        batch.create_check_constraint(op.f("ck_claim_quote_match"), sa.text(QUOTE_CHECK))
        batch.create_index(op.f("ix_claim_quote_match"), ["quote_match"])
    op.execute("UPDATE claim SET quote_match = 'no-text' WHERE quote IS NOT NULL")
    _create_views(quoted=True)


def downgrade() -> None:
    _drop_views()
    with _claim_table() as batch:
        batch.drop_index(op.f("ix_claim_quote_match"))
        batch.drop_constraint(op.f("ck_claim_quote_match"), type_="check")
        batch.drop_column("quote_match")
        batch.drop_column("quote_end")
        batch.drop_column("quote_start")
    _create_views(quoted=False)
    op.drop_index(op.f("ix_source_text_sha256"), table_name="source_text")
    op.drop_table("source_text")


@contextmanager
def _claim_table() -> Iterator[BatchOperations]:
    """Batch operations on `claim`; on SQLite, where they rebuild the table, the search
    triggers of 0004 and 0008 go with the old table and are created again on the new one."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in SEARCH_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("claim") as batch:
        yield batch
    if sqlite:
        for statement in (*SEARCH_TRIGGERS, *LEMMA_TRIGGERS):
            op.execute(statement)
