"""`factbase review` on the seed data: the real program in a pseudo-terminal (pexpect),
and the plain one-line-per-decision mode through standard input.

After each step the database and the audit log are read back directly.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pexpect
import pytest
from helpers import Cli, query, snapshot

pytestmark = pytest.mark.slow

PROMPT = "[c d l r n s u o q ?]"
TIMEOUT = 20  # seconds for one screen; a passing run needs about one


@pytest.fixture
def seeded(cli: Cli, seeded_url: str) -> Cli:
    return cli


def statuses(url: str) -> dict[int, str]:
    return {r["id"]: r["status"] for r in query(url, "SELECT id, status FROM conflict")}


def last_audit(url: str) -> dict[str, Any]:
    return query(url, "SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")[0]


# -- in a pseudo-terminal ----------------------------------------------------------------


@pytest.fixture
def terminal_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(TERM="xterm-256color", NO_COLOR="1", FACTBASE_USER="reviewer")
    return env


@pytest.fixture
def spawn(seeded: Cli, terminal_env: dict[str, str]) -> Iterator[Any]:
    children: list[pexpect.spawn] = []

    def start() -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "factbase", "--db", seeded.url, "review"],
            env=terminal_env,
            dimensions=(24, 80),
            encoding="utf-8",
            timeout=TIMEOUT,
        )
        children.append(child)
        return child

    yield start
    for child in children:
        if child.isalive():
            child.close(force=True)


def shown(child: pexpect.spawn, position: int) -> int:
    """Wait for item #position and its prompt; the conflict id it shows."""
    child.expect(rf"#{position} of 17 · conflict (\d+) · ")
    conflict = int(child.match.group(1))
    child.expect_exact(f"#{position} of 17 {PROMPT}")
    return conflict


def test_review_in_a_terminal_decides_undoes_quits_and_resumes(seeded: Cli, spawn: Any) -> None:
    url = seeded.url
    assert set(statuses(url).values()) == {"open"} and len(statuses(url)) == 17

    child = spawn()
    child.expect_exact("17 open conflicts; starting at #1")
    first = shown(child, 1)
    child.send("x")  # an unknown key: a hint, nothing else
    child.expect_exact("unknown key 'x': press ? for the keys")
    child.send("?")
    child.expect_exact("undo the last decision of this run")
    assert statuses(url) == dict.fromkeys(statuses(url), "open")

    child.send("d")  # one key, no Enter
    child.expect_exact(f"saved: conflict {first}: dismissed")
    second = shown(child, 2)
    assert statuses(url)[first] == "dismissed"
    entry = last_audit(url)
    assert (entry["action"], entry["target"], entry["actor"], entry["note"]) == (
        "conflict-dismissed",
        f"conflict {first}",
        "reviewer",
        "reviewed: dismissed",
    )

    child.send("c")
    child.expect_exact(f"saved: conflict {second}: confirmed")
    shown(child, 3)
    assert statuses(url)[second] == "confirmed"
    assert last_audit(url)["action"] == "conflict-confirmed"

    child.send("u")
    child.expect_exact(f"undone: conflict {second}: confirmed")
    assert shown(child, 2) == second  # the undone conflict comes back at once
    assert statuses(url)[second] == "open"
    entry = last_audit(url)
    assert (entry["action"], entry["target"]) == ("review-undo", f"conflict {second}")

    child.send("q")
    child.expect_exact("review ended: 1 decided, 1 undone; 16 open conflicts left")
    child.expect_exact("run `factbase review` again to resume at #2")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert sorted(statuses(url).values()).count("open") == 16

    # Again: the dismissed conflict is not shown; the review resumes at #2.
    child = spawn()
    child.expect_exact("1 of 17 conflicts decided; resuming at #2")
    assert shown(child, 2) == second
    child.send("n")
    # The prompt says what Enter alone would leave.
    child.expect_exact('note (Enter alone: "reviewed: " and the decision): ')
    child.sendline("Putin's words are a year later")
    child.send("l")
    child.expect_exact(f"saved: conflict {second}: resolved")
    shown(child, 3)
    # The terminal goes away without a quit: what was decided stays.
    child.close(force=True)
    (row,) = query(url, "SELECT * FROM conflict WHERE id = :id", id=second)
    assert (row["status"], row["note"]) == ("resolved", "Putin's words are a year later")
    (kept,) = query(url, "SELECT status FROM claim WHERE id = :id", id=row["kept_claim_id"])
    (other,) = query(url, "SELECT status FROM claim WHERE id = :id", id=row["claim_b_id"])
    assert row["kept_claim_id"] == row["claim_a_id"]
    assert (kept["status"], other["status"]) == ("unverified", "disputed")

    child = spawn()
    child.expect_exact("2 of 17 conflicts decided; resuming at #3")
    shown(child, 3)
    child.send("\x04")  # Ctrl-D quits too
    child.expect_exact("review ended: 0 decided; 15 open conflicts left")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Traceback" not in (child.before or "")


# -- one line per decision from standard input ------------------------------------------


def test_plain_prompt_reads_one_line_per_decision(seeded: Cli) -> None:
    out = seeded.ok("review", input="d\nc\nq\n")
    assert "17 open conflicts; starting at #1" in out.stdout
    assert f"#1 of 17 {PROMPT} d" in out.stdout
    assert f"#2 of 17 {PROMPT} c" in out.stdout
    assert "review ended: 2 decided; 15 open conflicts left" in out.stdout
    values = sorted(statuses(seeded.url).values())
    assert (values.count("dismissed"), values.count("confirmed"), values.count("open")) == (
        1,
        1,
        15,
    )
    again = seeded.ok("review", input="")  # end of input: quit cleanly
    assert "2 of 17 conflicts decided; resuming at #3" in again.stdout
    assert "review ended: 0 decided; 15 open conflicts left" in again.stdout


def test_unknown_input_gets_a_hint_and_changes_nothing(seeded: Cli) -> None:
    before = snapshot(seeded.url)
    out = seeded.ok("review", input="zz\n\nu\n!\ns\nq\n")
    assert "unknown key 'zz': press ? for the keys" in out.stdout
    assert "unknown key '': press ? for the keys" in out.stdout
    assert "nothing to undo in this run" in out.stdout
    assert "skipped: still open" in out.stdout
    assert "review ended: 0 decided, 1 skipped; 17 open conflicts left" in out.stdout
    assert "Traceback" not in out.stdout + out.stderr
    assert snapshot(seeded.url) == before


def test_piped_into_the_real_program(seeded: Cli, terminal_env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "factbase", "--db", seeded.url, "review", "--kind", "polarity"],
        input="n\nsame claim, different year\nd\nr\n",
        capture_output=True,
        text=True,
        env={**terminal_env, "COLUMNS": "80"},
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "4 open conflicts; starting at #1" in done.stdout
    assert "review ended: 2 decided; 2 open conflicts left" in done.stdout
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    decided = {
        row["status"]: row
        for row in query(seeded.url, "SELECT * FROM conflict WHERE status != 'open'")
    }
    assert set(decided) == {"dismissed", "resolved"}
    assert decided["dismissed"]["note"] == "same claim, different year"
    resolved = decided["resolved"]
    assert resolved["kept_claim_id"] == resolved["claim_b_id"]
    assert resolved["note"] == f"reviewed: resolved, keeping claim {resolved['claim_b_id']}"


def test_matches_same_not_same_undo(seeded: Cli) -> None:
    out = seeded.ok("review", "matches", "--lang", "bg", input="c\nd\nu\ns\nd\nq\n")
    assert "10 open suggested matches; starting at #1" in out.stdout
    assert "#1 of 10 [c d n s u o q ?] c" in out.stdout
    links = query(seeded.url, "SELECT * FROM claim_link WHERE note LIKE 'reviewed%'")
    assert [link["kind"] for link in links] == ["same"]
    rejections = query(seeded.url, "SELECT * FROM xref_rejection")
    assert len(rejections) == 1 and rejections[0]["note"] == "reviewed: not the same"
    actions = [r["action"] for r in query(seeded.url, "SELECT action FROM audit_log ORDER BY id")]
    assert actions[-4:] == ["link", "xref-reject", "review-undo", "xref-reject"]
    assert "review ended: 2 decided, 1 undone, 1 skipped; 8 open suggested matches left" in (
        out.stdout
    )
    again = seeded.ok("review", "matches", "--lang", "bg", input="q\n")
    assert "8 open suggested matches; starting at #1" in again.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("matches", "--kind", "value"), 1, "--kind applies to conflicts"),
        (("--topic", "nope"), 1, "no topic 'nope'"),
        (("--lang", "xx"), 1, "unknown language code"),
        (("everything",), 2, "Invalid value"),
    ],
)
def test_review_errors_are_one_line(
    cli: Cli, args: tuple[str, ...], code: int, message: str
) -> None:
    bad = cli("review", *args, input="q\n")
    assert bad.exit_code == code
    lines = bad.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("factbase: error:") and message in lines[0]


def test_quote_marks_without_colour() -> None:
    from factbase.cli.review_view import quote_text

    assert quote_text("около 80% экспорта", ((6, 9),)).plain == "около **80%** экспорта"


def test_nothing_to_review(cli: Cli) -> None:
    out = cli.ok("review", input="")
    assert out.stdout.splitlines()[0] == "nothing to review: 0 open conflicts"
    assert "review ended: 0 decided; 0 open conflicts left" in out.stdout
