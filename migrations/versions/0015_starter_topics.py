"""a starter vocabulary of news topics, aligned with IPTC Media Topics

- `topic.iptc_code`, `topic.iptc_label`: the IPTC Media Topic a topic is (`medtop:…`) and
  IPTC's label for it; `topic.iptc_broader`: the nearest broader Media Topic, for a topic
  IPTC has no concept of its own for.
- `claim_topic.keyword`: the keyword that suggested a suggested topic.
- The topics of factbase/catalog/data/starter-topics-v1.yaml that the database lacks
  (by slug) are added with their keywords; a topic the database has keeps its label,
  parent and keywords, and only gains the IPTC fields it has none of. Nothing is renamed
  or deleted. A new database gets the whole vocabulary this way.

The vocabulary file is versioned and frozen (a test holds its hash), so this revision
adds the same topics whenever it runs. Downgrading drops the three columns and the
matched keywords; the topics stay, as ordinary topics of the earlier schema.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import importlib.util
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VOCABULARY = "starter-topics-v1.yaml"

_topic = sa.table(
    "topic",
    sa.column("id", sa.Integer),
    sa.column("slug", sa.String),
    sa.column("label", sa.Text),
    sa.column("parent_id", sa.Integer),
    sa.column("iptc_code", sa.String),
    sa.column("iptc_label", sa.Text),
    sa.column("iptc_broader", sa.String),
    sa.column("created_at", sa.DateTime),
)
_keyword = sa.table(
    "topic_keyword", sa.column("topic_id", sa.Integer), sa.column("keyword", sa.String)
)


def _vocabulary() -> list[dict[str, Any]]:
    # The package's data folder, in a checkout and in a wheel alike; found without
    # importing the package.
    spec = importlib.util.find_spec("factbase")
    assert spec is not None and spec.origin is not None
    path = Path(spec.origin).resolve().parent / "catalog" / "data" / VOCABULARY
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["topics"])


def _add_vocabulary() -> None:
    connection = op.get_bind()
    known = {
        slug: (topic_id, code, broader)
        for topic_id, slug, code, broader in connection.execute(
            sa.select(_topic.c.id, _topic.c.slug, _topic.c.iptc_code, _topic.c.iptc_broader)
        )
    }
    if connection.dialect.name == "postgresql":
        # Rows written with their ids (a restore, a copy) leave the id sequence behind
        # them; new topics must take ids after every one there.
        connection.execute(
            sa.text(
                "SELECT setval(pg_get_serial_sequence('topic', 'id'), "
                "(SELECT coalesce(max(id), 0) + 1 FROM topic), false)"
            )
        )
    now = datetime.now(UTC).replace(tzinfo=None)
    for entry in _vocabulary():
        iptc = {
            "iptc_code": entry.get("iptc_code"),
            "iptc_label": entry.get("iptc_label"),
            "iptc_broader": entry.get("iptc_broader"),
        }
        if entry["slug"] in known:
            topic_id, code, broader = known[entry["slug"]]
            if code is None and broader is None:
                connection.execute(_topic.update().where(_topic.c.id == topic_id).values(**iptc))
            continue
        parent = known.get(entry.get("parent") or "")
        topic_id = connection.execute(
            _topic.insert()
            .values(
                slug=entry["slug"],
                label=entry["label"],
                parent_id=parent[0] if parent else None,
                created_at=now,
                **iptc,
            )
            .returning(_topic.c.id)
        ).scalar_one()
        known[entry["slug"]] = (topic_id, iptc["iptc_code"], iptc["iptc_broader"])
        words = dict.fromkeys(w for words in entry["keywords"].values() for w in words)
        connection.execute(_keyword.insert(), [{"topic_id": topic_id, "keyword": w} for w in words])


def upgrade() -> None:
    with op.batch_alter_table("topic") as batch:
        batch.add_column(sa.Column("iptc_code", sa.String(length=20), nullable=True))
        batch.add_column(sa.Column("iptc_label", sa.Text(), nullable=True))
        batch.add_column(sa.Column("iptc_broader", sa.String(length=20), nullable=True))
    with op.batch_alter_table("claim_topic") as batch:
        batch.add_column(sa.Column("keyword", sa.String(length=200), nullable=True))
    _add_vocabulary()


def downgrade() -> None:
    with op.batch_alter_table("claim_topic") as batch:
        batch.drop_column("keyword")
    with op.batch_alter_table("topic") as batch:
        batch.drop_column("iptc_broader")
        batch.drop_column("iptc_label")
        batch.drop_column("iptc_code")
