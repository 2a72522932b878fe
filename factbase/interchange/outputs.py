"""Files and directories that appear whole or not at all, even when the process is killed.

A file is written to a hidden ``.NAME.PID.part`` beside its target and renamed over it
when complete; a directory of files (a report) is written whole into a hidden
``.NAME.PID.part`` directory and swapped in. While that is under way, SIGTERM and SIGHUP
raise :class:`Interrupted` like Ctrl-C raises KeyboardInterrupt, so the partial output is
removed on the way out. SIGKILL cannot be caught: the next run towards the same target
sweeps the parts whose process is gone (the PID in the name says whose a part is).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import FrameType

from factbase.errors import FactbaseError, InvalidInput

_CAUGHT = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))


class Interrupted(FactbaseError):
    """The process was asked to stop (SIGTERM, SIGHUP) while writing an output."""

    def __init__(self, signum: int) -> None:
        name = signal.Signals(signum).name
        super().__init__(f"interrupted by {name}; the output was not written")
        self.exit_code = 128 + signum


def _raise_interrupted(signum: int, _frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def signals_as_errors() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Interrupted` for the length of the block.

    Only the main thread receives signals; elsewhere the block runs as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in _CAUGHT}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def part_path(target: Path, kind: str = "part") -> Path:
    """The hidden name a write towards ``target`` by this process goes to."""
    return target.parent / f".{target.name}.{os.getpid()}.{kind}"


def _parts_of(target: Path) -> Iterator[tuple[Path, int, str]]:
    """(path, pid, kind) of every part and old copy of ``target`` beside it."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.(part|old)$")
    with suppress(OSError):
        for entry in target.parent.iterdir():
            found = pattern.match(entry.name)
            if found:
                yield entry, int(found.group(1)), found.group(2)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def sweep_stale_parts(target: Path) -> None:
    """Remove what killed writers left towards ``target``; put back a directory a kill
    took away half-way through a swap."""
    for path, pid, kind in _parts_of(target):
        if _alive(pid):
            continue
        if kind == "old" and not target.exists():
            with suppress(OSError):
                path.rename(target)
            continue
        _remove(path)


def _remove(path: Path) -> None:
    with suppress(FileNotFoundError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


@contextmanager
def atomic_directory(target: Path, names: set[str]) -> Iterator[Path]:
    """A directory to write the files ``names`` into, swapped in at ``target`` whole.

    ``target`` may be new, or a directory holding only files of those names (an earlier
    run's); a directory holding anything else is refused before anything is written,
    since swapping it out would lose files factbase did not write.
    """
    target = Path(target).expanduser()
    if target.exists() and not target.is_dir():
        raise InvalidInput(f"{target} is a file; give a directory")
    if not target.parent.is_dir():
        raise InvalidInput(f"directory {target.parent} does not exist")
    sweep_stale_parts(target)
    if target.is_dir():
        foreign = sorted(entry.name for entry in target.iterdir() if entry.name not in names)
        if foreign:
            shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
            raise InvalidInput(
                f"{target} holds files the report does not write ({shown}); "
                "give a new or empty directory"
            )
    part = part_path(target)
    try:
        with signals_as_errors():
            part.mkdir()
            yield part
            _swap_in(part, target)
    except BaseException:
        _remove(part)
        raise


def _swap_in(part: Path, target: Path) -> None:
    """Put ``part`` at ``target``; whatever was there goes."""
    if not target.exists():
        part.rename(target)
        return
    if _exchange(part, target):
        _remove(part)  # now the old directory
        return
    # No atomic exchange here: the old one steps aside first, and a kill between the two
    # renames is undone by the next run's sweep, which puts the old one back.
    old = part_path(target, "old")
    target.rename(old)
    part.rename(target)
    _remove(old)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that is not offered."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        renameat2 = ctypes.CDLL(name, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes.append(ctypes.c_uint)
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return bool(result == 0)
