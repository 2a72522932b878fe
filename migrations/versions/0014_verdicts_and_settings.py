"""verdicts on claims, their evidence, and the database's settings

- `verdict`: a reviewer's rating of a claim (`factbase verdict`), with the note saying
  why, who and when, the rating's value and the scale's best and worst as they were, the
  conflict whose decision proposed it, and `superseded_at` once another verdict replaced
  it (the history stays). Indexed by claim, rating, date and supersession.
- `verdict_evidence`: what a verdict cites, a claim or a URL (a CHECK constraint: one of
  the two), in order.
- `setting`: the organisation that publishes the verdicts and the rating scale
  (`factbase config set`).
- The view `verdict_details`: each verdict with its claim, outlet and speaker, for tools
  that read the database directly.

New tables only: `claim` is not rebuilt, so the search triggers are untouched.
Downgrading drops the view and the tables with the verdicts and settings they hold.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VERDICT_DETAILS = """
CREATE VIEW verdict_details AS
SELECT
    v.id AS verdict_id,
    c.id AS claim_id,
    c.key AS claim_key,
    c.statement AS statement,
    c.speaker AS speaker,
    o.name AS outlet,
    s.url AS source_url,
    v.rating AS rating,
    v.rating_value AS rating_value,
    v.best_rating AS best_rating,
    v.worst_rating AS worst_rating,
    v.note AS note,
    v.reviewer AS reviewer,
    v.reviewed_at AS reviewed_at,
    v.conflict_id AS conflict_id,
    CASE WHEN v.superseded_at IS NULL THEN 1 ELSE 0 END AS current,
    v.superseded_at AS superseded_at
FROM verdict v
JOIN claim c ON c.id = v.claim_id
JOIN source s ON s.id = c.source_id
JOIN outlet o ON o.id = s.outlet_id
"""


def upgrade() -> None:
    op.create_table(
        "verdict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("rating", sa.String(length=40), nullable=False),
        sa.Column("rating_value", sa.Float(), nullable=True),
        sa.Column("best_rating", sa.Float(), nullable=True),
        sa.Column("worst_rating", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(length=100), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(), nullable=False),
        sa.Column("conflict_id", sa.Integer(), nullable=True),
        sa.Column("superseded_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_verdict_claim_id_claim"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conflict_id"],
            ["conflict.id"],
            name=op.f("fk_verdict_conflict_id_conflict"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verdict")),
    )
    for column in ("claim_id", "rating", "reviewed_at", "conflict_id", "superseded_at"):
        op.create_index(op.f(f"ix_verdict_{column}"), "verdict", [column])
    op.create_table(
        "verdict_evidence",
        sa.Column("verdict_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.CheckConstraint(
            "(claim_id IS NULL) <> (url IS NULL)",
            name=op.f("ck_verdict_evidence_claim_or_url"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
            name=op.f("fk_verdict_evidence_claim_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["verdict_id"],
            ["verdict.id"],
            name=op.f("fk_verdict_evidence_verdict_id_verdict"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("verdict_id", "position", name=op.f("pk_verdict_evidence")),
    )
    op.create_index(op.f("ix_verdict_evidence_claim_id"), "verdict_evidence", ["claim_id"])
    op.create_table(
        "setting",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_setting")),
    )
    op.execute(VERDICT_DETAILS)


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS verdict_details")
    op.drop_table("setting")
    op.drop_index(op.f("ix_verdict_evidence_claim_id"), table_name="verdict_evidence")
    op.drop_table("verdict_evidence")
    for column in ("claim_id", "rating", "reviewed_at", "conflict_id", "superseded_at"):
        op.drop_index(op.f(f"ix_verdict_{column}"), table_name="verdict")
    op.drop_table("verdict")
