"""a person's word on a claim's occasion: `claim.occasion`

`factbase add --once` (or `--occasion once|recurring`) says that a dated claim reports
something that happens once, so two dates of it contradict, or something that recurs, so
far-apart dates are two occasions. Left unset (NULL, every claim stored so far), the
claim's wording decides, as before.

The column carries a CHECK constraint, so it is added in batch mode: on SQLite that
rebuilds `claim`, which drops the search triggers of 0004 and 0008 with the old table, so
they are created again (as 0009 does); the search indexes keep their rows, since the
rebuilt table keeps every claim's id and text. On PostgreSQL it is a plain ALTER TABLE.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OCCASIONS = ("once", "recurring")

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
    allowed = ", ".join(f"'{occasion}'" for occasion in OCCASIONS)
    with _claim_table() as batch:
        batch.add_column(sa.Column("occasion", sa.String(10), nullable=True))
        batch.create_check_constraint(
            op.f("ck_claim_occasion"), sa.text(f"occasion IN ({allowed})")
        )


def downgrade() -> None:
    with _claim_table() as batch:
        batch.drop_constraint(op.f("ck_claim_occasion"), type_="check")
        batch.drop_column("occasion")


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
