"""links, conflicts, xref rejections and the audit log

Also indexes claims by subject and property, which conflict detection and
cross-referencing look them up by.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=100), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_target"), ["target"], unique=False)

    op.create_table(
        "claim_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_a_id", sa.Integer(), nullable=False),
        sa.Column("claim_b_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("refining_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('same', 'supports', 'contradicts', 'refines')",
            name=op.f("ck_claim_link_kind"),
        ),
        sa.CheckConstraint("claim_a_id < claim_b_id", name=op.f("ck_claim_link_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["claim_a_id"],
            ["claim.id"],
            name=op.f("fk_claim_link_claim_a_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_b_id"],
            ["claim.id"],
            name=op.f("fk_claim_link_claim_b_id_claim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_link")),
        sa.UniqueConstraint(
            "claim_a_id", "claim_b_id", name=op.f("uq_claim_link_claim_a_id_claim_b_id")
        ),
    )
    with op.batch_alter_table("claim_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_link_claim_b_id"), ["claim_b_id"], unique=False)

    op.create_table(
        "conflict",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("claim_a_id", sa.Integer(), nullable=False),
        sa.Column("claim_b_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("cause", sa.String(length=15), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("kept_claim_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "cause IN ('direct', 'time-scope', 'approximation', 'declared')",
            name=op.f("ck_conflict_cause"),
        ),
        sa.CheckConstraint(
            "kind IN ('value', 'date', 'polarity', 'declared')", name=op.f("ck_conflict_kind")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'confirmed', 'dismissed', 'resolved')",
            name=op.f("ck_conflict_status"),
        ),
        sa.CheckConstraint("claim_a_id < claim_b_id", name=op.f("ck_conflict_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["claim_a_id"],
            ["claim.id"],
            name=op.f("fk_conflict_claim_a_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_b_id"],
            ["claim.id"],
            name=op.f("fk_conflict_claim_b_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["kept_claim_id"],
            ["claim.id"],
            name=op.f("fk_conflict_kept_claim_id_claim"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflict")),
        sa.UniqueConstraint(
            "claim_a_id", "claim_b_id", "kind", name=op.f("uq_conflict_claim_a_id_claim_b_id_kind")
        ),
    )
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflict_claim_b_id"), ["claim_b_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_conflict_status"), ["status"], unique=False)

    op.create_table(
        "xref_rejection",
        sa.Column("claim_a_id", sa.Integer(), nullable=False),
        sa.Column("claim_b_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("claim_a_id < claim_b_id", name=op.f("ck_xref_rejection_ordered_pair")),
        sa.ForeignKeyConstraint(
            ["claim_a_id"],
            ["claim.id"],
            name=op.f("fk_xref_rejection_claim_a_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claim_b_id"],
            ["claim.id"],
            name=op.f("fk_xref_rejection_claim_b_id_claim"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_a_id", "claim_b_id", name=op.f("pk_xref_rejection")),
    )
    with op.batch_alter_table("xref_rejection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_xref_rejection_claim_b_id"), ["claim_b_id"], unique=False
        )

    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_subject_id_property_key", ["subject_id", "property_key"], unique=False
        )
        batch_op.create_index(
            "ix_claim_subject_key_property_key", ["subject_key", "property_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_subject_key_property_key")
        batch_op.drop_index("ix_claim_subject_id_property_key")

    with op.batch_alter_table("xref_rejection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_xref_rejection_claim_b_id"))

    op.drop_table("xref_rejection")
    with op.batch_alter_table("conflict", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflict_status"))
        batch_op.drop_index(batch_op.f("ix_conflict_kind"))
        batch_op.drop_index(batch_op.f("ix_conflict_claim_b_id"))

    op.drop_table("conflict")
    with op.batch_alter_table("claim_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_link_claim_b_id"))

    op.drop_table("claim_link")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_target"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
