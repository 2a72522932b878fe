"""corrections: retracted and merged claims, stale decisions, audit entries by claim

- `claim.retracted_at`, `claim.retraction_note`: `factbase retract` keeps the row and
  hides it; `claim.merged_into_id`: a merged duplicate points at the claim it became.
- `conflict.decided_by`, `conflict.decided_at`: who decided a conflict and when, so an
  export carries the review work (filled from the audit log for past decisions);
  `conflict.stale`: a decided conflict whose claims were corrected so that it no longer
  holds keeps its decision, flagged.
- `audit_log.claim_id`, `audit_log.source_id`: what an entry is about, for
  `factbase history CLAIM` and `--source` (plain integers: history outlives a deletion).

On SQLite `claim` is rebuilt in batch mode (a new reference needs it), which drops the
search triggers of 0004 with the old table, so they are created again; the search index
keeps its rows, since the rebuilt table keeps every claim's id and text.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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
SEARCH_TRIGGER_NAMES = ("claim_search_insert", "claim_search_delete", "claim_search_update")


def upgrade() -> None:
    columns = (
        sa.Column("retracted_at", sa.DateTime(), nullable=True),
        sa.Column("retraction_note", sa.Text(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
    )
    with _claim_table() as batch:
        for column in columns:
            batch.add_column(column)
        batch.create_foreign_key(
            "fk_claim_merged_into_id_claim",
            "claim",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.create_index("ix_claim_retracted_at", "claim", ["retracted_at"])
    op.create_index("ix_claim_merged_into_id", "claim", ["merged_into_id"])

    op.add_column("conflict", sa.Column("decided_by", sa.String(100), nullable=True))
    op.add_column("conflict", sa.Column("decided_at", sa.DateTime(), nullable=True))
    op.add_column(
        "conflict", sa.Column("stale", sa.Boolean(), nullable=False, server_default=sa.false())
    )

    op.add_column("audit_log", sa.Column("claim_id", sa.Integer(), nullable=True))
    op.add_column("audit_log", sa.Column("source_id", sa.Integer(), nullable=True))
    op.create_index("ix_audit_log_claim_id", "audit_log", ["claim_id"])
    op.create_index("ix_audit_log_source_id", "audit_log", ["source_id"])
    _fill_decisions()


def _fill_decisions() -> None:
    """Who decided each decided conflict, and when, as the audit log says."""
    bind = op.get_bind()
    decided = bind.execute(
        sa.text(
            "SELECT target, actor, at FROM audit_log WHERE action LIKE 'conflict-%' "
            "AND target LIKE 'conflict %' ORDER BY id"
        )
    ).all()
    latest: dict[int, tuple[str, object]] = {}
    for target, actor, at in decided:
        number = target.split(" ", 1)[1]
        if number.isdigit():
            latest[int(number)] = (actor, at)
    update = sa.text(
        "UPDATE conflict SET decided_by = :actor, decided_at = :at "
        "WHERE id = :id AND status != 'open'"
    )
    rows = [{"id": cid, "actor": actor, "at": at} for cid, (actor, at) in latest.items()]
    if rows:
        bind.execute(update, rows)
    # Decisions the log does not know (made before it existed) date from their last change.
    bind.execute(
        sa.text(
            "UPDATE conflict SET decided_at = updated_at "
            "WHERE status != 'open' AND decided_at IS NULL"
        )
    )


def downgrade() -> None:
    op.drop_index("ix_audit_log_source_id", table_name="audit_log")
    op.drop_index("ix_audit_log_claim_id", table_name="audit_log")
    op.drop_column("audit_log", "source_id")
    op.drop_column("audit_log", "claim_id")
    op.drop_column("conflict", "stale")
    op.drop_column("conflict", "decided_at")
    op.drop_column("conflict", "decided_by")
    op.drop_index("ix_claim_merged_into_id", table_name="claim")
    op.drop_index("ix_claim_retracted_at", table_name="claim")
    with _claim_table() as batch:
        batch.drop_constraint("fk_claim_merged_into_id_claim", type_="foreignkey")
        batch.drop_column("merged_into_id")
        batch.drop_column("retraction_note")
        batch.drop_column("retracted_at")


@contextmanager
def _claim_table() -> Iterator[BatchOperations]:
    """Batch operations on `claim`; on SQLite, where they rebuild the table, the search
    triggers of 0004 go with the old table and are created again on the new one."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        for name in SEARCH_TRIGGER_NAMES:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("claim") as batch:
        yield batch
    if sqlite:
        for statement in SEARCH_TRIGGERS:
            op.execute(statement)
