"""search index: exact trigrams, so a match needs no second test

Revision 0004 built `claim_search` with the trigram tokenizer's default case folding.
`claim.search_text` is folded by factbase already (case, ё/е, NFC). Folding it again by
SQLite's own Unicode tables can only merge letters that factbase keeps apart (the SQLite
of today merges none: every code point was checked), yet factbase could not rely on
that, so it tested every candidate again with LIKE, which reads each matching claim
(0.3 s for a common word among a million claims). With `case_sensitive 1` nothing is
folded again: a phrase of three or more characters matches exactly the texts that hold
it, whatever tables a later SQLite brings, and `list --search` counts from the index.

The triggers of 0004 stay: they name the table, not its tokenizer. PostgreSQL keeps
its trigram index; nothing changes there.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(tokenize: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TABLE claim_search")
    op.execute(
        "CREATE VIRTUAL TABLE claim_search USING fts5(search_text, content='claim', "
        f"content_rowid='id', tokenize='{tokenize}')"
    )
    op.execute("INSERT INTO claim_search(claim_search) VALUES ('rebuild')")


def upgrade() -> None:
    _rebuild("trigram case_sensitive 1")


def downgrade() -> None:
    _rebuild("trigram")
