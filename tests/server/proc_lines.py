"""Reading a child process's stderr line by line with a deadline (a thread, so no
line waits in a buffer that select() cannot see)."""

from __future__ import annotations

import queue
import subprocess
import threading
import time


class LineReader:
    def __init__(self, proc: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(proc.stderr,), daemon=True)
        self._thread.start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._queue.put(line)
        self._queue.put(None)

    def next_line(self, deadline: float) -> str | None:
        """The next line, "" if none came before the deadline, None at end of output."""
        try:
            line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return ""
        if line is not None:
            self.lines.append(line)
        return line

    def rest(self, timeout: float = 10.0) -> str:
        """Everything until the end of output (the process has exited or is exiting)."""
        deadline = time.monotonic() + timeout
        out = []
        while time.monotonic() < deadline:
            line = self.next_line(deadline)
            if line is None:
                break
            out.append(line)
        return "".join(out)
