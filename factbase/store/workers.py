"""How many worker processes a bulk job starts: the environment's say, or the spare cores.

An import and a whole export hand work to other processes when it pays. Each has a
variable that overrides its own judgement (``FACTBASE_IMPORT_WORKERS``,
``FACTBASE_EXPORT_WORKERS``): the tests use it to hold both ways to one result, and a
user to keep a job on one core. The variable is read the same way for every job.
"""

from __future__ import annotations

import os


def workers_asked(variable: str) -> int | None:
    """The number of workers ``$variable`` asks for: None when it is unset or blank, 0 when
    it is not a whole number (a typo never starts processes), else the number, at least 0."""
    given = os.environ.get(variable, "").strip()
    if not given:
        return None
    try:
        return max(0, int(given))
    except ValueError:
        return 0


def spare_cores() -> int:
    """Workers worth starting beside this process: one per core, none on a single core."""
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0
