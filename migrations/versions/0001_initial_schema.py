"""initial schema: outlets, sources, claims, topics, entities

Stances are rows, not an enum, so users can add their own; the six every
database starts with are inserted here.

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copy: a migration must not change when models.py does.
DEFAULT_STANCES = (
    ("pro-western", "Aligned with the US, the EU or NATO positions", "blue"),
    ("pro-kremlin", "Aligned with the Russian government's positions", "red"),
    ("pro-ukrainian", "Aligned with Ukraine's positions", "yellow"),
    ("neutral", "No consistent alignment in its coverage", "green"),
    ("state-affiliated", "Owned or directed by a state", "magenta"),
    ("unrated", "Not assessed yet", "bright_black"),
)


def upgrade() -> None:
    op.create_table(
        "entity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity")),
        sa.UniqueConstraint("name", name=op.f("uq_entity_name")),
    )
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_kind"), ["kind"], unique=False)

    stance = op.create_table(
        "stance",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("colour", sa.String(length=30), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stance")),
    )
    op.bulk_insert(
        stance,
        [
            {"name": name, "description": description, "colour": colour}
            for name, description, colour in DEFAULT_STANCES
        ],
    )
    op.create_table(
        "topic",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["topic.id"], name=op.f("fk_topic_parent_id_topic"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_topic")),
        sa.UniqueConstraint("slug", name=op.f("uq_topic_slug")),
    )
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_topic_parent_id"), ["parent_id"], unique=False)

    op.create_table(
        "entity_alias",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=300), nullable=False),
        sa.Column("alias_key", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entity.id"],
            name=op.f("fk_entity_alias_entity_id_entity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_alias")),
        sa.UniqueConstraint("alias_key", name=op.f("uq_entity_alias_alias_key")),
    )
    with op.batch_alter_table("entity_alias", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_entity_alias_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "outlet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("stance", sa.String(length=40), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("homepage", sa.Text(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stance"], ["stance.name"], name=op.f("fk_outlet_stance_stance"), onupdate="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlet")),
        sa.UniqueConstraint("name_key", name=op.f("uq_outlet_name_key")),
    )
    with op.batch_alter_table("outlet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outlet_stance"), ["stance"], unique=False)

    op.create_table(
        "topic_keyword",
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("keyword", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_topic_keyword_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("topic_id", "keyword", name=op.f("pk_topic_keyword")),
    )
    op.create_table(
        "source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("published_end", sa.Date(), nullable=True),
        sa.Column("published_precision", sa.String(length=5), nullable=True),
        sa.Column("author", sa.Text(), nullable=True),
        sa.Column("retrieved", sa.Date(), nullable=True),
        sa.Column("retrieved_end", sa.Date(), nullable=True),
        sa.Column("retrieved_precision", sa.String(length=5), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "published_precision IN ('day', 'month', 'year')",
            name=op.f("ck_source_published_precision"),
        ),
        sa.CheckConstraint(
            "retrieved_precision IN ('day', 'month', 'year')",
            name=op.f("ck_source_retrieved_precision"),
        ),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlet.id"],
            name=op.f("fk_source_outlet_id_outlet"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source")),
        sa.UniqueConstraint("key", name=op.f("uq_source_key")),
        sa.UniqueConstraint("url", name=op.f("uq_source_url")),
    )
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_outlet_id"), ["outlet_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_source_published"), ["published"], unique=False)

    op.create_table(
        "claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("quote", sa.Text(), nullable=True),
        sa.Column("language", sa.String(length=3), nullable=True),
        sa.Column("speaker", sa.Text(), nullable=True),
        sa.Column("speaker_key", sa.String(length=300), nullable=True),
        sa.Column("speaker_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=300), nullable=True),
        sa.Column("subject_key", sa.String(length=300), nullable=True),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("property", sa.String(length=300), nullable=True),
        sa.Column("property_key", sa.String(length=300), nullable=True),
        sa.Column("value_text", sa.String(length=200), nullable=True),
        sa.Column("value_num", sa.Float(), nullable=True),
        sa.Column("value_unit", sa.String(length=20), nullable=True),
        sa.Column("value_low", sa.Float(), nullable=True),
        sa.Column("value_high", sa.Float(), nullable=True),
        sa.Column("value_qualifier", sa.String(length=10), nullable=True),
        sa.Column("event_date", sa.Date(), nullable=True),
        sa.Column("event_date_end", sa.Date(), nullable=True),
        sa.Column("event_precision", sa.String(length=5), nullable=True),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("as_of_end", sa.Date(), nullable=True),
        sa.Column("as_of_precision", sa.String(length=5), nullable=True),
        sa.Column("polarity", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=15), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "as_of_precision IN ('day', 'month', 'year')", name=op.f("ck_claim_as_of_precision")
        ),
        sa.CheckConstraint(
            "event_precision IN ('day', 'month', 'year')", name=op.f("ck_claim_event_precision")
        ),
        sa.CheckConstraint("polarity IN ('affirmed', 'denied')", name=op.f("ck_claim_polarity")),
        sa.CheckConstraint(
            "status IN ('unverified', 'corroborated', 'disputed', 'retracted')",
            name=op.f("ck_claim_status"),
        ),
        sa.CheckConstraint(
            "value_qualifier IN ('exact', 'approx', 'almost', 'over', 'at_least', "
            "'under', 'up_to', 'range')",
            name=op.f("ck_claim_value_qualifier"),
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_claim_source_id_source"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["speaker_id"],
            ["entity.id"],
            name=op.f("fk_claim_speaker_id_entity"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["entity.id"],
            name=op.f("fk_claim_subject_id_entity"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim")),
        sa.UniqueConstraint("key", name=op.f("uq_claim_key")),
    )
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_claim_event_date"), ["event_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_language"), ["language"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_source_id"), ["source_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_speaker_id"), ["speaker_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_speaker_key"), ["speaker_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_subject_id"), ["subject_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_claim_subject_key"), ["subject_key"], unique=False)

    op.create_table(
        "source_cite",
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("outlet_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["outlet_id"],
            ["outlet.id"],
            name=op.f("fk_source_cite_outlet_id_outlet"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["source.id"],
            name=op.f("fk_source_cite_source_id_source"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("source_id", "outlet_id", name=op.f("pk_source_cite")),
    )
    with op.batch_alter_table("source_cite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_source_cite_outlet_id"), ["outlet_id"], unique=False)

    op.create_table(
        "claim_topic",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("suggested", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"],
            ["claim.id"],
            name=op.f("fk_claim_topic_claim_id_claim"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_claim_topic_topic_id_topic"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("claim_id", "topic_id", name=op.f("pk_claim_topic")),
    )
    with op.batch_alter_table("claim_topic", schema=None) as batch_op:
        batch_op.create_index(
            "ix_claim_topic_topic_id_claim_id", ["topic_id", "claim_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("claim_topic", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_topic_topic_id_claim_id")

    op.drop_table("claim_topic")
    with op.batch_alter_table("source_cite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_cite_outlet_id"))

    op.drop_table("source_cite")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claim_subject_key"))
        batch_op.drop_index(batch_op.f("ix_claim_subject_id"))
        batch_op.drop_index(batch_op.f("ix_claim_status"))
        batch_op.drop_index(batch_op.f("ix_claim_speaker_key"))
        batch_op.drop_index(batch_op.f("ix_claim_speaker_id"))
        batch_op.drop_index(batch_op.f("ix_claim_source_id"))
        batch_op.drop_index(batch_op.f("ix_claim_language"))
        batch_op.drop_index(batch_op.f("ix_claim_event_date"))

    op.drop_table("claim")
    with op.batch_alter_table("source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_source_published"))
        batch_op.drop_index(batch_op.f("ix_source_outlet_id"))
        batch_op.drop_index(batch_op.f("ix_source_language"))

    op.drop_table("source")
    op.drop_table("topic_keyword")
    with op.batch_alter_table("outlet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outlet_stance"))

    op.drop_table("outlet")
    with op.batch_alter_table("entity_alias", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_alias_entity_id"))

    op.drop_table("entity_alias")
    with op.batch_alter_table("topic", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_topic_parent_id"))

    op.drop_table("topic")
    op.drop_table("stance")
    with op.batch_alter_table("entity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_entity_kind"))

    op.drop_table("entity")
