"""A progress line for long flash operations: on a terminal only, on stderr only.

    bar = ProgressLine("writing", total)
    bar.update(done)      # redrawn at most every 0.2 s: bytes, rate, time left
    bar.close()           # erases the line

Nothing is drawn when stderr is not a terminal (pipes, files, CI), when the
operation is short, or with OCDPY_PROGRESS=0; the line never reaches Tcl results or
the log, so scripted output is byte-identical with or without a terminal.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

MIN_SECONDS = 0.5  # operations shorter than this never show a line
REDRAW = 0.2


def progress_enabled(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stderr
    if os.environ.get("OCDPY_PROGRESS", "1").strip().lower() in ("0", "off", "no"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _size(n: float) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    if n >= 1024:
        return f"{n / 1024:.0f} KiB"
    return f"{n:.0f} B"


class ProgressLine:
    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.enabled = progress_enabled(self.stream)
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, done: int, total: int | None = None) -> None:
        if total:
            self.total = max(total, 1)
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < MIN_SECONDS or now - self.last < REDRAW:
            return
        self.last = now
        elapsed = now - self.start
        rate = done / elapsed if elapsed > 0 else 0.0
        left = (self.total - done) / rate if rate > 0 else 0.0
        pct = 100.0 * done / self.total
        text = (f"{self.label}: {_size(done)} of {_size(self.total)} ({pct:3.0f}%), "
                f"{_size(rate)}/s, {left:4.1f} s left")
        try:
            self.stream.write("\r" + text + "\x1b[K")
            self.stream.flush()
            self.shown = True
        except (OSError, ValueError):
            self.enabled = False

    def close(self) -> None:
        if self.shown:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.shown = False
