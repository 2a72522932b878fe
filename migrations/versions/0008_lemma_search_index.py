"""lemma search: `list --search нефть` finds "нефти", `--search pipelines` finds "pipeline"

- `claim.search_lemmas`: the folded lemmas (factbase.text.language's lemmatiser, in the
  claim's language) of the fields `search_text` folds (statement, quote, speaker, subject,
  property), each once, separated by spaces. Filled here for every stored claim, from the
  same function every write path uses (factbase.claims.values.search_columns).
- SQLite: an FTS5 table `claim_search_lemmas` over it (external content, kept in step by
  three triggers like those of 0004), tokenized by unicode61 without removing diacritics
  (й stays apart from и). It is declared with `content='claim'` in single quotes, so that
  Datasette and sqlite-utils still take `claim_search` (0007) for the claims' index.
- PostgreSQL: a GIN index on `to_tsvector('simple', search_lemmas)`, the expression
  factbase matches lemmas with.

The column is added in place (no table is rebuilt), so the triggers of 0004 stay.
Downgrading drops the index, its triggers and the column; nothing else held data.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from factbase.claims.values import search_columns

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

INDEX = (
    "CREATE VIRTUAL TABLE claim_search_lemmas USING fts5(search_lemmas, content='claim', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')"
)
TRIGGERS = {
    "claim_search_lemmas_insert": (
        "CREATE TRIGGER claim_search_lemmas_insert AFTER INSERT ON claim BEGIN "
        "INSERT INTO claim_search_lemmas(rowid, search_lemmas) "
        "VALUES (new.id, new.search_lemmas); END"
    ),
    "claim_search_lemmas_delete": (
        "CREATE TRIGGER claim_search_lemmas_delete AFTER DELETE ON claim BEGIN "
        "INSERT INTO claim_search_lemmas(claim_search_lemmas, rowid, search_lemmas) "
        "VALUES ('delete', old.id, old.search_lemmas); END"
    ),
    "claim_search_lemmas_update": (
        "CREATE TRIGGER claim_search_lemmas_update AFTER UPDATE OF search_lemmas ON claim BEGIN "
        "INSERT INTO claim_search_lemmas(claim_search_lemmas, rowid, search_lemmas) "
        "VALUES ('delete', old.id, old.search_lemmas); "
        "INSERT INTO claim_search_lemmas(rowid, search_lemmas) "
        "VALUES (new.id, new.search_lemmas); END"
    ),
}
PG_INDEX = (
    "CREATE INDEX ix_claim_search_lemmas ON claim USING gin (to_tsvector('simple', search_lemmas))"
)


def _backfill() -> None:
    """Every stored claim's lemmas, read and written a batch at a time (by id)."""
    connection = op.get_bind()
    select = sa.text(
        "SELECT id, statement, quote, speaker, subject, property, language FROM claim "
        "WHERE id > :after ORDER BY id LIMIT :batch"
    )
    update = sa.text("UPDATE claim SET search_lemmas = :lemmas WHERE id = :id")
    after = 0
    while rows := connection.execute(select, {"after": after, "batch": BATCH}).fetchall():
        values: list[dict[str, Any]] = []
        for claim_id, *fields, language in rows:
            lemmas = search_columns(*fields, language=language)["search_lemmas"]
            values.append({"id": claim_id, "lemmas": lemmas})
        connection.execute(update, values)
        after = rows[-1][0]


def upgrade() -> None:
    op.add_column(
        "claim", sa.Column("search_lemmas", sa.Text(), nullable=False, server_default=sa.text("''"))
    )
    _backfill()
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(INDEX)
        for statement in TRIGGERS.values():
            op.execute(statement)
        op.execute("INSERT INTO claim_search_lemmas(claim_search_lemmas) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute(PG_INDEX)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claim_search_lemmas")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_claim_search_lemmas")
    op.drop_column("claim", "search_lemmas")
