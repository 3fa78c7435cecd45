"""Every file of OpenOCD's target/ and board/ trees loads in ocdpy without a Python
traceback: each run ends with exit code 0, or 1 with an `Error` line saying why (or,
after a usage message, the file and line of the command given wrong arguments).

The runs happen in this process (through `ocdpy.cli.run`), so an exception that would
reach the user as a traceback fails the test with the file that caused it. The
differential suite (tests/differential/config) compares the outcomes with OpenOCD's;
this test covers the whole board tree and the target tree without an interface file
(the suite runs the target files after interface/stlink.cfg and interface/cmsis-dap.cfg).
"""

from __future__ import annotations

import os
import re

import pytest

from tests.commands.helpers import run_ocdpy
from tests.oracles import OPENOCD_SCRIPTS, need_openocd_scripts

TAIL = ["-c", "echo ORACLE:[target names]|[flash list]", "-c", "shutdown"]


def _files(sub: str) -> list[str]:
    root = os.path.join(OPENOCD_SCRIPTS, sub)
    out = []
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            out.append(os.path.relpath(os.path.join(dirpath, name), OPENOCD_SCRIPTS))
    return sorted(out)


def _check(args: list[str]) -> list[str]:
    """Problems with one run; empty when it behaved."""
    try:
        run = run_ocdpy(["-s", OPENOCD_SCRIPTS, *args, *TAIL])
    except BaseException as e:  # noqa: BLE001 - this is exactly what the test looks for
        return [f"{' '.join(args)}: Python exception {type(e).__name__}: {e}"]
    if "Traceback (most recent call last)" in run.text:
        return [f"{' '.join(args)}: traceback in the output"]
    if run.code == 0 and not any(line.startswith("ORACLE:") for line in run.lines) \
            and "shutdown command invoked" not in run.lines:
        # (swj-dp.tcl shuts down, exit 0, when no transport can be selected)
        return [f"{' '.join(args)}: exit 0 without the ORACLE line"]
    if run.code not in (0, 1):
        return [f"{' '.join(args)}: exit code {run.code}"]
    # A failure says why: an Error line, or (a command given wrong arguments, where
    # OpenOCD prints only the usage) the place of the failing command.
    located = [line for line in run.lines if re.match(r"\S+:\d+: ", line)]
    if run.code == 1 and not run.error_lines() and not located:
        return [f"{' '.join(args)}: failed without saying why: {run.lines[-3:]}"]
    return []


CHUNKS = 3


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("chunk", range(CHUNKS))
@pytest.mark.parametrize("tree", ["target", "board"])
def test_every_file_loads_without_a_traceback(tree, chunk):
    need_openocd_scripts()
    files = _files(tree)
    assert len(files) > (300 if tree == "target" else 200)
    problems: list[str] = []
    for name in files[chunk::CHUNKS]:
        problems += _check(["-f", name])
    assert not problems, "\n".join(problems[:30])
