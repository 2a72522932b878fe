"""forecasts and polarity suggested from a claim's wording

- `claim.forecast`: the claim's event date lies after its article's publication on
  purpose (a prediction, a plan), so it is not flagged as a date mistake.
- `claim.polarity_suggested`: the claim gave no polarity and `claim.polarity` holds the
  one factbase read from its wording ("denied", "не е", "відмовився"); a polarity a
  person gives clears it.

Both are booleans, false for every claim already stored. Adding them is a plain
`ALTER TABLE … ADD COLUMN` on both backends; dropping them rebuilds `claim` in batch
mode on SQLite, which drops the search triggers of 0004 with the old table, so they
are created again (as 0006 does); the search index keeps its rows, since the rebuilt
table keeps every claim's id and text.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ("forecast", "polarity_suggested")

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


def upgrade() -> None:
    for name in COLUMNS:
        op.add_column(
            "claim", sa.Column(name, sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with _claim_table() as batch:
        for name in reversed(COLUMNS):
            batch.drop_column(name)


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
