"""A second process doing half of a bulk job, and the pipe it answers through.

A whole export and a full conflict scan of a large database each hand half their work to
one other process, so both cores work. The process is started with ``spawn``: a forked
child would share the open database connection and whatever locks other threads held.
It ignores Ctrl-C, which the starting process takes and answers by stopping it. It sends
``(kind, value)`` messages; ``("failed", error)`` carries a :class:`FactbaseError` that
the starting process raises as its own, so a failing worker ends the job in one line.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections.abc import Callable
from contextlib import suppress
from typing import Any

from factbase.errors import FactbaseError

# What the worker runs: it is given the sending end of the pipe, then its arguments.
Target = Callable[..., None]


class WorkerProcess:
    """The other process; a context manager that stops it on the way out."""

    def __init__(self, name: str, target: Target, *args: Any) -> None:
        self.name = name  # "the export's second process": how errors name it
        context = multiprocessing.get_context("spawn")
        receiving, sending = context.Pipe(duplex=False)
        self.messages = receiving
        self._sending = sending
        self.process = context.Process(
            target=run_target, args=(name, target, sending, *args), daemon=True
        )

    def __enter__(self) -> WorkerProcess:
        self.process.start()
        self._sending.close()  # the worker's end: a worker gone shows as the end of messages
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.messages.close()

    def receive(self, timeout: float | None = None) -> tuple[str, Any]:
        """The next message, waiting ``timeout`` seconds at most (None: as long as it takes)."""
        if not self.messages.poll(timeout):
            raise FactbaseError(f"{self.name} did not start in time")
        try:
            kind, value = self.messages.recv()
        except EOFError:
            raise FactbaseError(
                f"{self.name} stopped (exit code {self.process.exitcode})"
            ) from None
        if kind == "failed":
            raise value
        return str(kind), value


def run_target(name: str, target: Target, messages: Any, *args: Any) -> None:
    """The worker's side: run ``target``, and say what stopped it if anything did."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the starting process answers Ctrl-C
    try:
        target(messages, *args)
    except BaseException as exc:
        failure = exc if isinstance(exc, FactbaseError) else None
        if failure is None:  # a bug: say what, as the starting process cannot see it
            failure = FactbaseError(f"{name} failed: {exc!r}")
        with suppress(OSError):
            try:
                messages.send(("failed", failure))
            except Exception:  # an error that does not pickle: its words at least
                messages.send(("failed", FactbaseError(str(failure))))
    finally:
        messages.close()
