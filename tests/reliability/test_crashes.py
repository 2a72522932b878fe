"""Killed processes: an import or a migration stopped with SIGKILL half-way leaves
the database exactly as it was, healthy, and the same work can simply be run again.

(tests/test_migrations.py covers migrations that fail with an error; here the
process dies without any chance to clean up.)
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import textwrap
from pathlib import Path

import pytest
from helpers import import_counts, snapshot
from support import add_source, assert_healthy, claim_keys, run_factbase, start_worker

from factbase.store.database import HEAD_REVISION, Database
from factbase.store.resources import migrations_dir

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

CLAIMS = 600


def _import_file(directory: Path) -> Path:
    lines = [{"type": "topic", "slug": "crash-topic", "label": "Created by the killed import"}]
    lines += [
        {
            "type": "claim",
            "key": f"crash-{number:04d}",
            "source": "rel-src",
            "statement": f"Finding {number} of a long import, with some text to fill pages.",
            "quote": "Долгий импорт, который прервут на середине. " * 4,
            "language": "ru",
            "topics": ["crash-topic"],
            "subject": f"pipeline {number % 7}",
            "property": "throughput",
            "value": f"{number % 50} %",
        }
        for number in range(CLAIMS)
    ]
    path = directory / "long.jsonl"
    path.write_text(
        "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8"
    )
    return path


def _kill_when(process: subprocess.Popen[str], line_says: str | None, *, after: int = 0) -> str:
    """Read the child's output until it reports progress past `after`, then SIGKILL it."""
    assert process.stdout is not None
    seen = ""
    for line in process.stdout:
        seen = line.strip()
        if line_says is None or (seen.startswith(line_says) and int(seen.split()[1]) >= after):
            break
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"finished before the kill ({seen})"
    return seen


def test_an_import_killed_half_way_leaves_none_of_its_records(db_url: str, tmp_path: Path) -> None:
    add_source(db_url)
    path = _import_file(tmp_path)
    before = snapshot(db_url)

    worker = start_worker("import", db_url, str(path))
    last = _kill_when(worker, "claims", after=CLAIMS // 2)
    assert last.startswith("claims ") and int(last.split()[1]) < CLAIMS

    assert snapshot(db_url) == before
    assert_healthy(db_url)
    # Nothing is left locked or half-written: the same import now simply works.
    again = run_factbase(db_url, "import", "--format", "json", str(path))
    assert again.returncode == 0, again.stderr
    assert import_counts(json.loads(again.stdout))["claims added"] == CLAIMS
    assert len(claim_keys(db_url)) == CLAIMS
    assert_healthy(db_url)


HANGING = '''
    """a migration that is killed half-way (test only)"""

    import sys
    import time

    import sqlalchemy as sa
    from alembic import op

    revision = "zz50"
    down_revision = "{down}"
    branch_labels = None
    depends_on = None


    def upgrade() -> None:
        op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
        op.execute("UPDATE outlet SET note = 'half-way'")
        with op.batch_alter_table("claim") as batch:
            batch.add_column(sa.Column("half_column", sa.Integer(), nullable=True))
        print("half-way", flush=True)
        {finish}


    def downgrade() -> None:
        with op.batch_alter_table("claim") as batch:
            batch.drop_column("half_column")
        op.drop_table("half_done")
'''


def _migrations_with(directory: Path, finish: str) -> Path:
    copy = directory / "migrations"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(migrations_dir(), copy, ignore=shutil.ignore_patterns("__pycache__"))
    script = textwrap.dedent(HANGING).format(down=HEAD_REVISION, finish=finish)
    (copy / "versions" / "zz50_hanging.py").write_text(script)
    return copy


def test_a_migration_killed_half_way_leaves_the_previous_schema_and_can_be_rerun(
    db_url: str, tmp_path: Path
) -> None:
    add_source(db_url)
    run_factbase(db_url, "add", "Kept.", "--source", "rel-src", "--key", "kept", "--language", "en")
    before = snapshot(db_url)

    hanging = _migrations_with(tmp_path, finish="time.sleep(120)")
    worker = start_worker("migrate", db_url, str(hanging), "zz50")
    assert _kill_when(worker, None) == "half-way"

    assert snapshot(db_url) == before  # no half_done table, no column, no notes changed
    database = Database.open(db_url, upgrade=False)
    try:
        assert database.current_revision() == HEAD_REVISION
    finally:
        database.close()
    assert_healthy(db_url)

    fixed = _migrations_with(tmp_path, finish="pass")
    rerun = start_worker("migrate", db_url, str(fixed), "zz50")
    stdout, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr
    assert stdout.splitlines() == ["half-way", "upgraded"]
    after = snapshot(db_url)
    assert "half_done" in after and after["half_done"] == []
    assert {row[1] for row in after["outlet"]} == {row[1] for row in before["outlet"]}
    assert claim_keys(db_url) == ["kept"]
    assert_healthy(db_url)
