"""The PostgreSQL driver is optional (`pip install 'factbase[postgres]'`).

Without psycopg a PostgreSQL URL is refused with one line naming the extra, never a traceback.
Here psycopg is made unimportable (None in sys.modules) rather than uninstalled.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from factbase.errors import InvalidInput
from factbase.store.database import Database

URL = "postgresql+psycopg://u@127.0.0.1:1/x"  # nothing listens on port 1: never reached
WITHOUT_PSYCOPG = (
    "import sys; sys.modules['psycopg'] = None; "
    "from factbase.cli import main; sys.argv[0] = 'factbase'; main()"
)


@pytest.mark.slow
def test_a_postgresql_url_without_the_driver_is_one_line_naming_the_extra() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WITHOUT_PSYCOPG, "--db", URL, "list"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("factbase: error: no driver for database URL "), line
    assert "psycopg" in line
    assert "pip install 'factbase[postgres]'" in line


def test_the_library_raises_invalid_input_naming_the_extra(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)
    with pytest.raises(InvalidInput, match=r"pip install 'factbase\[postgres\]'"):
        Database.open(URL)


def test_another_missing_driver_gets_no_postgres_hint() -> None:
    with pytest.raises(InvalidInput, match="no driver for database URL") as caught:
        Database.open("mysql+nosuchdriver://u@127.0.0.1:1/x")
    assert "factbase[postgres]" not in str(caught.value)
