"""The telnet console's history across sessions: `~/.openocd_history`, as OpenOCD 0.12.

OpenOCD reads the file when a console connects (its first 128 non-blank lines) and
writes the console's history back when it closes, and just before a `shutdown` typed
there runs. The same file and format (one line each, oldest first) are used here, so
the history carries over between OpenOCD and ocdpy. `$HOME` names the directory (else
the password database); without one, history is per connection and OpenOCD's info line
says so. Reading is bounded (a damaged or huge file costs at most READ_MAX bytes) and
writing replaces the file in one step, so consoles closing together never leave it
half written.
"""

from __future__ import annotations

import os

from ocdpy import log

HISTORY_FILE = ".openocd_history"
HISTORY_MAX = 128  # OpenOCD's TELNET_LINE_HISTORY_SIZE
HISTORY_LINE_MAX = 4096  # longer lines are not kept (OpenOCD's lines are shorter still)
READ_MAX = HISTORY_MAX * (HISTORY_LINE_MAX + 1)


def history_path() -> str | None:
    """$HOME/.openocd_history (the password database's home without $HOME), or None."""
    home = os.environ.get("HOME")
    if not home:
        try:
            import pwd

            home = pwd.getpwuid(os.getuid()).pw_dir
        except (ImportError, KeyError, OSError):
            home = None
    if not home:
        log.info("unable to get user home directory, telnet history will be disabled")
        return None
    return os.path.join(home, HISTORY_FILE)


def load() -> list[str]:
    """The saved history, oldest first ([] when there is none or it cannot be read)."""
    path = history_path()
    if path is None:
        return []
    try:
        with open(path, "rb") as f:
            data = f.read(READ_MAX + 1)
    except OSError:
        return []
    chunks = data.split(b"\n")
    if len(data) > READ_MAX:
        chunks.pop()  # cut short: the last line is incomplete
    lines = []
    for raw in chunks:
        raw = raw.rstrip(b"\r")
        if raw.strip() and len(raw) <= HISTORY_LINE_MAX:
            lines.append(raw.decode("utf-8", "replace"))
        if len(lines) == HISTORY_MAX:
            break
    return lines


def save(lines: list[str]) -> None:
    """Write the last HISTORY_MAX lines; a failure costs the history, never the session."""
    path = history_path()
    if path is None:
        return
    path = os.path.realpath(path)  # a symlinked history file stays a symlink
    text = "".join(line + "\n" for line in lines[-HISTORY_MAX:] if "\n" not in line)
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as f:
            f.write(text.encode("utf-8", "replace"))
        try:
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        except OSError:
            pass  # no file yet: the umask decides, as for OpenOCD's fopen
        os.replace(temporary, path)
    except OSError as e:
        log.debug(f"could not save the telnet history to {path}: {e}")
        try:
            os.unlink(temporary)
        except OSError:
            pass
