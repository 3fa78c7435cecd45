"""Running the real OpenOCD 0.12 in its configuration phase, with our cfg/ tree or its own.

OpenOCD always searches its own script directories after the `-s` ones, so a file
missing from our tree would silently be taken from OpenOCD's. Each run therefore
starts in an empty directory with an empty HOME and no $OPENOCD_SCRIPTS, and
`found_files()` reads OpenOCD's debug log (`-d3`) to show which file it opened for
every `find`, so a test can insist that all of them came from our tree.

`config_trace()` reads the same log for the configuration commands the scripts ran
(OpenOCD logs every command it dispatches at debug level 3), so two runs can be
compared on what they asked OpenOCD to create, not only on what it reports after.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.oracles import need, need_openocd_scripts

REPO = Path(__file__).resolve().parents[2]
OUR_TREE = REPO / "cfg"
PROBE = Path(__file__).resolve().parent / "probe.tcl"
TIMEOUT_S = 30

# Lines OpenOCD prints before it reads any script.
_BANNER = (
    "Open On-Chip Debugger",
    "Licensed under GNU GPL",
    "For bug reports, read",
    "\thttp://openocd.org/doc/doxygen/bugs.html",
)
_LOG_LINE = re.compile(r"^(Debug|Info |Warn |Error|User ):")
_SCRIPT_DEBUG = re.compile(r"^Debug: \d+ \d+ command\.c:\d+ script_debug\(\): command - (.*)$")
_FOUND = re.compile(r"find_file\(\): found (.*)$")
_NUMBER = re.compile(r"^(0[xX][0-9a-fA-F]+|\d+)$")

# Commands in the trace that only ask something (or that the probe compares itself).
_QUERIES = {
    ("ocd_find",),
    ("expr",),
    ("echo",),
    ("add_help_text",),
    ("transport", "select"),
    ("target", "current"),
    ("target", "names"),
    ("flash", "list"),
    ("dap", "names"),
}


@dataclass
class Run:
    argv: list[str]
    returncode: int
    stdout: str
    stderr: str

    def shown(self) -> str:
        """What a person sees: stderr (where OpenOCD 0.12 writes everything) without
        the banner, then stdout."""
        lines = [ln for ln in self.stderr.splitlines() if not ln.startswith(_BANNER)]
        return "\n".join(lines) + "\n--- stdout ---\n" + self.stdout


def openocd_path() -> str:
    path = need("openocd")
    need_openocd_scripts()
    return path


def run(args: list[str], *, ours: bool, debug: bool = False, probe: bool = True) -> Run:
    """Run openocd on `args` (-f/-c words) in the config phase and shut it down.

    ours=True puts our cfg/ first in the search path; OpenOCD's tree comes after it
    either way (see found_files()).
    """
    argv = [openocd_path()]
    if ours:
        argv += ["-s", str(OUR_TREE)]
    if debug:
        argv += ["-d3"]
    argv += args
    if probe:
        argv += ["-f", str(PROBE)]
    argv += ["-c", "shutdown"]
    with tempfile.TemporaryDirectory(prefix="ocdpy-cfg-") as empty:
        env = {k: v for k, v in os.environ.items()
               if k not in ("OPENOCD_SCRIPTS", "XDG_CONFIG_HOME")}
        env["HOME"] = empty
        proc = subprocess.run(argv, cwd=empty, env=env, capture_output=True, text=True,
                              timeout=TIMEOUT_S, check=False)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr)


def found_files(debug_run: Run) -> list[str]:
    """Every file OpenOCD's `find` resolved, in order, as absolute paths."""
    found = []
    for line in debug_run.stderr.splitlines():
        m = _FOUND.search(line)
        if m:
            found.append(os.path.normpath(m.group(1)))
    return found


def _normalize_words(command: str) -> str:
    words = command.split()
    out = []
    for w in words:
        if _NUMBER.match(w):
            out.append(hex(int(w, 0)))
        else:
            out.append(w)
    return " ".join(out)


def config_trace(debug_run: Run) -> list[str]:
    """The configuration commands the scripts ran, in order, with numbers in one form
    and event handler bodies left out (the probe compares those by behaviour)."""
    commands: list[str] = []
    current: list[str] | None = None
    for line in debug_run.stderr.splitlines():
        m = _SCRIPT_DEBUG.match(line)
        if m:
            if current is not None:
                commands.append("\n".join(current))
            current = [m.group(1)]
        elif _LOG_LINE.match(line) or line.startswith(_BANNER):
            if current is not None:
                commands.append("\n".join(current))
                current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        commands.append("\n".join(current))

    trace = []
    for cmd in commands:
        if cmd.startswith("shutdown"):
            break
        words = cmd.split()
        if not words or tuple(words[:1]) in _QUERIES or tuple(words[:2]) in _QUERIES and len(words) == 2:
            continue
        # "-event NAME BODY": keep which event, drop the body text.
        cmd = re.sub(r"(-event \S+) .*", r"\1 <handler>", cmd, flags=re.S)
        trace.append(_normalize_words(cmd))
    return trace
