"""readable views: claims with source, outlet and stance; conflicts with both claims

For SQLite browsers and Datasette: `claim_details` and `conflict_details` join
what a reader needs with readable column names. They are plain views (no data),
so upgrading and downgrading move no rows.

A later revision that rebuilds claim, source, outlet, topic, claim_topic or
conflict on SQLite (batch mode) keeps working: factbase runs migrations with
`legacy_alter_table` on, so renaming the rebuilt table does not trip over the
views. One that drops or renames a column the views use must drop and
recreate them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Topic slugs of a claim joined with "; " (the CSV convention), per dialect.
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
    c.updated_at AS updated_at
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
    f.updated_at AS updated_at
FROM conflict f
JOIN claim a ON a.id = f.claim_a_id
JOIN source sa ON sa.id = a.source_id
JOIN outlet oa ON oa.id = sa.outlet_id
JOIN claim b ON b.id = f.claim_b_id
JOIN source sb ON sb.id = b.source_id
JOIN outlet ob ON ob.id = sb.outlet_id
"""


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    topics = TOPICS.get(dialect, "NULL")
    op.execute(CLAIM_DETAILS.format(topics=topics))
    op.execute(CONFLICT_DETAILS)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS conflict_details")
    op.execute("DROP VIEW IF EXISTS claim_details")
