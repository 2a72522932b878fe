"""conflict cause `unknown-time`: one claim says for when it holds, the other does not

`time-scope` now means both claims give their periods and they differ. A conflict between a
claim with an as-of date and one without was `time-scope`; it is now `unknown-time`, and
reviewers meet it right after `direct` ones. The CHECK constraint on `conflict.cause`
gains the word, and the conflicts recorded so far get it where it applies (a decision made
on them stays). Downgrading gives them `time-scope` again.

On SQLite `conflict` is rebuilt in batch mode to change its constraint; every row and id
stays. No other table changes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CAUSES_0002 = ("direct", "time-scope", "approximation", "declared")
CAUSES_0010 = ("direct", "unknown-time", "time-scope", "approximation", "declared")

# A time-scope conflict with an as-of date on one side only.
ONE_SIDE_UNDATED = (
    "((SELECT as_of FROM claim WHERE claim.id = conflict.claim_a_id) IS NULL) <> "
    "((SELECT as_of FROM claim WHERE claim.id = conflict.claim_b_id) IS NULL)"
)


def _check(causes: Sequence[str]) -> str:
    return "cause IN (" + ", ".join(f"'{cause}'" for cause in causes) + ")"


def _replace_check(causes: Sequence[str]) -> None:
    with op.batch_alter_table("conflict") as batch:
        batch.drop_constraint(op.f("ck_conflict_cause"), type_="check")
        batch.create_check_constraint(op.f("ck_conflict_cause"), sa.text(_check(causes)))


def upgrade() -> None:
    _replace_check(CAUSES_0010)
    op.execute(
        "UPDATE conflict SET cause = 'unknown-time' "
        f"WHERE cause = 'time-scope' AND kind IN ('value', 'polarity') AND {ONE_SIDE_UNDATED}"
    )


def downgrade() -> None:
    op.execute("UPDATE conflict SET cause = 'time-scope' WHERE cause = 'unknown-time'")
    _replace_check(CAUSES_0002)
