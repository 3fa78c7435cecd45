"""The engine's positions and file names seen through `ocdpy` against OpenOCD 0.12.

88f37x0.cfg builds `target create ...` in a quoted string and evals it: OpenOCD reports
the failure at the line where the string was written (51), with the eval line (65)
in the trace. 1986ве1т.cfg has a UTF-8 name that must open by its bytes.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.oracles import need, need_openocd_scripts


def _ocdpy() -> list[str]:
    exe = shutil.which("ocdpy")
    return [exe] if exe else [sys.executable, "-m", "ocdpy"]


def _run(cmd: list[str], scripts: str, target: str, cwd) -> tuple[list[str], int]:
    done = subprocess.run([*cmd, "-s", scripts, "-f", "interface/stlink.cfg", "-f", target,
                           "-c", "shutdown"], capture_output=True, timeout=120, cwd=cwd,
                          stdin=subprocess.DEVNULL)
    text = (done.stdout + done.stderr).decode("utf-8", "replace")
    return [ln for ln in text.splitlines() if "Error" in ln or ln.startswith(("at file", "in procedure"))], \
        done.returncode


@pytest.mark.parametrize(("target", "first_error"), [
    ("target/marvell/88f3720.cfg", "target/marvell/88f37x0.cfg:51: Error: "),
    ("target/marvell/88f37x0.cfg", "target/marvell/88f37x0.cfg:19: Error: CORES not set."),
    ("target/1986ве1т.cfg", None),
])
def test_error_position_matches_openocd(target: str, first_error: str | None, tmp_path) -> None:
    openocd = need("openocd")
    scripts = need_openocd_scripts()
    want, want_rc = _run([openocd], scripts, target, tmp_path)
    got, got_rc = _run(_ocdpy(), scripts, target, tmp_path)
    located = [ln for ln in got if ".cfg:" in ln]
    if first_error is None:
        assert (got, got_rc) == (want, want_rc) == ([], 0)
        return
    assert located[0].startswith(f"{scripts}/{first_error}")
    assert located[0] == [ln for ln in want if ".cfg:" in ln][0]
    # the trace (eval line, then the line the string was written on) is OpenOCD's
    assert [ln for ln in got if ln.startswith("at file")] == [ln for ln in want if ln.startswith("at file")]
    assert got_rc == want_rc
