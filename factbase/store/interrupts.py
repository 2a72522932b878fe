"""Ctrl-C around commits. Kept apart from :mod:`factbase.store.database` so that the command
line can set it up without importing SQLAlchemy."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# Every SIGINT the handler of remember_interrupts saw.
_seen: list[int] = []


def remember_interrupts() -> None:
    """Make Ctrl-C raise KeyboardInterrupt as usual, and remember it: Python drops that
    exception when the signal lands in a garbage-collector callback, and the command would
    then go on; :func:`refuse_after_interrupt` stops it before its commit."""
    if signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return  # ignored (a background job) or someone else's: left as it is
    signal.signal(signal.SIGINT, _remembered)


def _remembered(signum: int, _frame: FrameType | None) -> None:
    _seen.append(signum)
    raise KeyboardInterrupt


def refuse_after_interrupt() -> None:
    """Raise KeyboardInterrupt if Ctrl-C was pressed, even where its exception was lost."""
    if _seen:
        raise KeyboardInterrupt


@contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Take Ctrl-C only when the block has ended, so that a commit has happened or not,
    and a removal is whole. Only the main thread receives signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.getsignal(signal.SIGINT)
    if not callable(previous):  # ignored (a background job), default, or set outside Python
        yield
        return
    caught: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt
