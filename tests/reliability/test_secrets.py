"""A database password never appears in anything factbase prints: not in results,
not in errors, not in `--debug` tracebacks, whether given with --db or FACTBASE_DB."""

from __future__ import annotations

import pytest
from helpers import Cli
from sqlalchemy.engine import make_url
from support import child_env, run_factbase

pytestmark = [pytest.mark.reliability, pytest.mark.slow]

SECRET = "s3cret-p4ss"
# Each spelling a password could leak in: as typed, percent-decoded, percent-encoded.
SPELLINGS = (SECRET, "s3cret@p4ss", "s3cret%40p4ss")

UNUSABLE_URLS = {
    "no-such-role-or-database": f"postgresql+psycopg://user:{SECRET}@127.0.0.1:5432/nope",
    "nothing-listening": "postgresql+psycopg://user:s3cret%40p4ss@127.0.0.1:1/nope",
    "port-out-of-range": f"postgresql+psycopg://user:{SECRET}@127.0.0.1:99999/nope",
    "port-not-a-number": f"postgresql+psycopg://user:{SECRET}@127.0.0.1:notaport/nope",
    "unknown-driver": f"postgresql+nodriver://user:{SECRET}@127.0.0.1/nope",
    "unclosed-ipv6-host": f"postgresql+psycopg://user:{SECRET}@[::1/nope",
}
COMMANDS = (("db", "path"), ("db", "current"), ("db", "upgrade"), ("list",), ("show", "1"))


def _assert_hidden(*outputs: str) -> None:
    for output in outputs:
        for spelling in SPELLINGS:
            assert spelling not in output, output


@pytest.mark.parametrize("url", list(UNUSABLE_URLS.values()), ids=list(UNUSABLE_URLS))
def test_an_unusable_url_with_a_password_is_never_echoed(url: str) -> None:
    for args in COMMANDS:
        out = Cli(url)(*args)
        _assert_hidden(out.stdout, out.stderr)
        if args != ("db", "path"):
            assert out.exit_code == 1, (args, out.stderr)
            [line] = out.stderr.splitlines()
            assert line.startswith("factbase: error: ")
            assert "internal error" not in line, line
    # The real process: the traceback --debug prints, and the URL taken from FACTBASE_DB.
    debug = run_factbase(url, "--debug", "db", "upgrade", timeout=60)
    assert debug.returncode == 1 and "Traceback" in debug.stderr
    from_env = run_factbase(None, "list", env=child_env(FACTBASE_DB=url), timeout=60)
    assert from_env.returncode == 1
    _assert_hidden(debug.stdout, debug.stderr, from_env.stdout, from_env.stderr)


@pytest.mark.postgres
def test_a_wrong_password_against_the_real_server_is_never_echoed(db_url: str) -> None:
    """The test server trusts local users, so the password is ignored, never shown."""
    url = make_url(db_url).set(password=SECRET).render_as_string(hide_password=False)
    commands = [
        *COMMANDS,
        ("--debug", "list"),
        ("add", "X.", "--source", "nope"),
        ("--debug", "add", "X.", "--source", "nope"),
        ("show", "999"),
        ("outlet", "add", "Secretive", "--stance", "neutral"),
        ("outlet", "list", "--format", "json"),
        ("db", "downgrade", "base"),
    ]
    for args in commands:
        result = run_factbase(url, *args, timeout=60)
        _assert_hidden(result.stdout, result.stderr)
    assert "***" in run_factbase(url, "db", "path").stdout
