"""Reading one decision at a time: a single keypress on a terminal, else one line.

On a terminal the key is read in cbreak mode (no Enter needed, no echo) and the terminal
is put back as it was before anything else is printed, so a crash, Ctrl-C or a kill
between two keys never leaves it unusable. Without a terminal (a pipe, a file, a script)
one line is read per decision and the end of the input means quit.
"""

from __future__ import annotations

import os
import select
import sys
from dataclasses import dataclass
from typing import TextIO

from factbase.cli import render

# Ctrl-C and Ctrl-D reach a cbreak-mode read as these bytes when the terminal does not
# turn them into a signal or an end of file first.
QUIT_BYTES = {"\x03", "\x04"}


@dataclass
class KeyReader:
    stream: TextIO
    terminal: bool

    @classmethod
    def for_stdin(cls) -> KeyReader:
        return cls(sys.stdin, _can_use_cbreak(sys.stdin))

    def key(self, prompt: str) -> str | None:
        """One key (one line without a terminal), echoed after the prompt; None = quit."""
        console = render.console()
        console.print(f"{prompt} ", end="", markup=False)
        console.file.flush()
        if self.terminal:
            try:
                key = self._read_key()
            except KeyboardInterrupt:
                key = None
        else:
            line = self.stream.readline()
            key = line.strip() if line else None
        if key is None or key in QUIT_BYTES:
            console.print("q", markup=False)
            return None
        console.print(key if key.isprintable() else repr(key), markup=False)
        return key

    def line(self, prompt: str) -> str:
        """A line of text (a note), typed with the terminal's own editing; "" if none."""
        console = render.console()
        console.print(prompt, end="", markup=False)
        console.file.flush()
        try:
            line = self.stream.readline()
        except KeyboardInterrupt:
            console.print()
            return ""
        if not self.terminal:
            console.print(line.rstrip("\n"), markup=False)
        return line.strip()

    def _read_key(self) -> str:
        # Late import, for start-up time: see the module docstring of factbase.cli.
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd)
            data = os.read(fd, 1)
            if data and (data == b"\x1b" or data[0] >= 0x80):
                # An arrow key or a non-ASCII letter: the rest of its bytes follow at once.
                while select.select([fd], [], [], 0.05)[0]:
                    data += os.read(fd, 8)
                    if len(data) >= 8:
                        break
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if not data:
            return "\x04"
        if data[:1] == b"\x1b":
            return "escape"
        return data.decode("utf-8", errors="replace")


def _can_use_cbreak(stream: TextIO) -> bool:
    try:
        if not stream.isatty():
            return False
        import termios

        termios.tcgetattr(stream.fileno())
    except (ImportError, OSError, ValueError, AttributeError):
        # No termios (Windows) or not a real terminal: one line per decision instead.
        return False
    return True
