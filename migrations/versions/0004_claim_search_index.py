"""search index: substring search of claims without reading every claim

`factbase list --search` matches a folded substring of a claim's text. A plain
`LIKE '%…%'` reads every claim; this revision gives it an index:

- SQLite: an FTS5 table `claim_search` with the trigram tokenizer over
  `claim.search_text` (external content: the text is stored once, in `claim`),
  kept in step by triggers. A phrase query of three or more characters finds
  the same claims as the substring test, which factbase still applies on the
  candidates so the result is exactly that of `LIKE`.
- PostgreSQL: a GIN trigram index (`pg_trgm`) on `claim.search_text`, which the
  planner uses for `LIKE '%…%'` as it is. Where the extension cannot be
  created (no privilege), the revision goes on without the index: search works,
  only slower.

Also an index on `source.published_end`, which `--since` filters on.

A later revision that rebuilds `claim` on SQLite (batch mode drops the old
table) must create the three triggers again (see TRIGGERS below).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TRIGGERS = {
    "claim_search_insert": (
        "CREATE TRIGGER claim_search_insert AFTER INSERT ON claim BEGIN "
        "INSERT INTO claim_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
    "claim_search_delete": (
        "CREATE TRIGGER claim_search_delete AFTER DELETE ON claim BEGIN "
        "INSERT INTO claim_search(claim_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); END"
    ),
    "claim_search_update": (
        "CREATE TRIGGER claim_search_update AFTER UPDATE OF search_text ON claim BEGIN "
        "INSERT INTO claim_search(claim_search, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO claim_search(rowid, search_text) VALUES (new.id, new.search_text); END"
    ),
}


def upgrade() -> None:
    op.create_index("ix_source_published_end", "source", ["published_end"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE claim_search USING fts5(search_text, content='claim', "
            "content_rowid='id', tokenize='trigram')"
        )
        for statement in TRIGGERS.values():
            op.execute(statement)
        op.execute("INSERT INTO claim_search(claim_search) VALUES ('rebuild')")
    elif dialect == "postgresql":
        _postgres_trigram_index()


def _postgres_trigram_index() -> None:
    connection = op.get_bind()
    savepoint = connection.begin_nested()
    try:
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        connection.exec_driver_sql(
            "CREATE INDEX ix_claim_search_text_trgm ON claim USING gin (search_text gin_trgm_ops)"
        )
    except Exception:  # no privilege to create the extension: search stays unindexed
        savepoint.rollback()
    else:
        savepoint.commit()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS claim_search")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_claim_search_text_trgm")
    op.drop_index("ix_source_published_end", table_name="source")
