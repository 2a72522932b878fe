"""the inflected forms claims hold, with their lemmas: `search_form`

`list --search нефти` looks for the lemma of "нефти" so that it finds "нефть" and "нефтью"
too. A word some claim holds as a lemma was taken as typed (0008); any other word was
lemmatised, which loads a language's dictionary into the process (0.15–1.2 s, all three
Cyrillic ones ~4 s). This table records each inflected word of the claims' searched text
with its lemma in the claim's language, as the lemma index reads it, so a word some claim
holds is looked up here instead. Only a word no claim holds still needs a dictionary.

Filled here for every stored claim, from the same function every write path uses
(factbase.claims.recording.record_search_forms). Derived data: downgrading drops it and
nothing else changes. The rows are (form, lemma), the pair its primary key.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from factbase.claims.recording import record_search_forms

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000
TABLE = "search_form"


def _backfill() -> None:
    """Every stored claim's forms, read a batch at a time (by id)."""
    connection = op.get_bind()
    session = Session(bind=connection)
    select = sa.text(
        "SELECT id, statement, quote, speaker, subject, property AS property_name, language "
        "FROM claim WHERE id > :after ORDER BY id LIMIT :batch"
    )
    after = 0
    while rows := connection.execute(select, {"after": after, "batch": BATCH}).fetchall():
        values: list[dict[str, Any]] = [dict(row._mapping) for row in rows]
        record_search_forms(session, values)
        after = rows[-1][0]


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("lemma", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("form", "lemma", name=op.f(f"pk_{TABLE}")),
    )
    _backfill()


def downgrade() -> None:
    op.drop_table(TABLE)
