"""OpenOCD-shaped logging: `Info : `, `Warn : `, `Error: `, `Debug: ` lines on stderr.

OpenOCD's levels are numbers set by `-d N` / `debug_level N`: 0 errors, 1 warnings,
2 info (the default), 3 debug, 4 debug with I/O. Plain user output (`echo`, command
results printed by the command line) has no prefix and is always shown. Listeners
(telnet consoles, `capture`) receive every line that passes the level filter.
Domain code logs through here and never prints.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

ERROR, WARNING, INFO, DEBUG, DEBUG_IO = 0, 1, 2, 3, 4
USER = -1  # always shown, no prefix

_PREFIX = {ERROR: "Error: ", WARNING: "Warn : ", INFO: "Info : ", DEBUG: "Debug: ", DEBUG_IO: "Debug: "}

Listener = Callable[[int, str], None]


class _State:
    level: int = INFO
    stream: TextIO | None = None  # None means sys.stderr at the time of writing
    listeners: list[Listener] = []
    start: float = time.monotonic()
    count: int = 0


_state = _State()


def set_level(level: int) -> None:
    _state.level = max(ERROR, min(DEBUG_IO, level))


def get_level() -> int:
    return _state.level


def set_output(stream: TextIO | None) -> None:
    """Send log lines to `stream` (None: stderr)."""
    _state.stream = stream


def add_listener(fn: Listener) -> None:
    _state.listeners.append(fn)


def remove_listener(fn: Listener) -> None:
    if fn in _state.listeners:
        _state.listeners.remove(fn)


def format_line(level: int, msg: str) -> str:
    if level == USER:
        return msg
    if level >= DEBUG:
        _state.count += 1
        ms = int((time.monotonic() - _state.start) * 1000)
        return f"Debug: {_state.count} {ms} {msg}"
    return _PREFIX[level] + msg


def emit(level: int, msg: str) -> None:
    if level != USER and level > _state.level:
        return
    line = format_line(level, msg)
    out = _state.stream or sys.stderr
    try:
        out.write(line + "\n")
        out.flush()
    except (OSError, ValueError):
        pass  # a closed log file must not take the session down
    for fn in list(_state.listeners):
        fn(level, line)


def error(msg: str) -> None:
    emit(ERROR, msg)


def warning(msg: str) -> None:
    emit(WARNING, msg)


warn = warning


def info(msg: str) -> None:
    emit(INFO, msg)


def debug(msg: str) -> None:
    emit(DEBUG, msg)


def debug_io(msg: str) -> None:
    emit(DEBUG_IO, msg)


def user(msg: str) -> None:
    emit(USER, msg)


def user_partial(msg: str) -> None:
    """User text without a line end (`echo -n`); listeners get it as-is."""
    out = _state.stream or sys.stderr
    try:
        out.write(msg)
        out.flush()
    except (OSError, ValueError):
        pass
    for fn in list(_state.listeners):
        fn(USER, msg)
