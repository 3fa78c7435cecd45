"""Run Tcl scripts in jimsh and in the candidate engine and compare what a user sees.

The corpus lives in `scripts/<area>/NNN_topic.tcl`. Each script is run with its own
directory as the working directory and its bare file name as the argument, so file
names in error reports (`001_x.tcl:3: Error: ...`) and `info script` are the same for
both programs wherever the checkout is. Files a script sources end in `.inc` and are
not scripts of their own.

The candidate is `python -m ocdpy.tcl` unless OCDPY_TCL_DIFF_CMD names another command
(split like a shell would), e.g. `OCDPY_TCL_DIFF_CMD=jimsh` to check the runner itself.
OCDPY_TCL_DIFF_MODE=fork runs the candidate by forking this process and running the
`ocdpy.tcl` module in the child: faster (no interpreter start per script), less
faithful; the default subprocess mode is the reference.

Run `python -m tests.differential.tcl.runner [GLOB...]` for a pass/fail summary.
"""

from __future__ import annotations

import difflib
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = HERE / "scripts"
BROKEN = HERE / "broken"
REPO = HERE.parents[2]
TIMEOUT = 20.0


@dataclass(frozen=True)
class Outcome:
    """What one program did with one script."""

    stdout: bytes
    stderr: bytes
    returncode: int | None  # None: killed after TIMEOUT seconds

    def describe_rc(self) -> str:
        return "timed out" if self.returncode is None else str(self.returncode)


def corpus() -> list[Path]:
    """Every corpus script, sorted by its path relative to scripts/."""
    return sorted(SCRIPTS.rglob("*.tcl"), key=lambda p: p.relative_to(SCRIPTS).as_posix())


def script_id(path: Path) -> str:
    return path.relative_to(SCRIPTS).as_posix()


def candidate_command() -> list[str]:
    override = os.environ.get("OCDPY_TCL_DIFF_CMD", "").strip()
    if override:
        return shlex.split(override)
    return [sys.executable, "-m", "ocdpy.tcl"]


def candidate_env() -> dict[str, str]:
    # The repo root first on the path, so the checkout's ocdpy is the one tested even
    # when the package is not installed (the child's cwd is a script directory).
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def run_command(argv: list[str], cwd: Path, env: dict[str, str] | None = None,
                timeout: float = TIMEOUT) -> Outcome:
    """Run argv in cwd with stdin closed; never raises for the child's failures."""
    try:
        done = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        return Outcome(exc.stdout or b"", exc.stderr or b"", None)
    except OSError as exc:
        return Outcome(b"", f"cannot run {argv[0]}: {exc}\n".encode(), 127)
    return Outcome(done.stdout, done.stderr, done.returncode)


def run_jimsh(jimsh: str, script: Path) -> Outcome:
    return run_command([jimsh, script.name], script.parent)


def run_candidate(script: Path) -> Outcome:
    if os.environ.get("OCDPY_TCL_DIFF_MODE") == "fork" and not os.environ.get("OCDPY_TCL_DIFF_CMD"):
        return _run_forked(script)
    return run_command([*candidate_command(), script.name], script.parent, candidate_env())


def _run_forked(script: Path) -> Outcome:
    """Run `python -m ocdpy.tcl NAME` in a forked child of this process."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        pid = os.fork()
        if pid == 0:  # child: never returns
            code = 70
            try:
                import io
                import runpy

                os.chdir(script.parent)
                null = os.open(os.devnull, os.O_RDONLY)
                os.dup2(null, 0)
                os.dup2(out.fileno(), 1)
                os.dup2(err.fileno(), 2)
                sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False))
                sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), write_through=True)
                sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), write_through=True)
                sys.argv = ["ocdpy.tcl", script.name]
                try:
                    runpy.run_module("ocdpy.tcl", run_name="__main__", alter_sys=True)
                    code = 0
                except SystemExit as exc:
                    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        deadline = time.monotonic() + TIMEOUT
        status = None
        while time.monotonic() < deadline:
            done_pid, status = os.waitpid(pid, os.WNOHANG)
            if done_pid:
                break
            time.sleep(0.002)
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            status = None
        out.seek(0)
        err.seek(0)
        rc = None if status is None else os.waitstatus_to_exitcode(status)
        return Outcome(out.read(), err.read(), rc)


def _text(data: bytes) -> list[str]:
    return data.decode("utf-8", "backslashreplace").splitlines(keepends=True)


def _diff(label: str, want: bytes, got: bytes, limit: int = 40) -> list[str]:
    lines = list(difflib.unified_diff(_text(want), _text(got), f"{label} (jimsh)",
                                      f"{label} (candidate)", n=2))
    if want and got and want.endswith(b"\n") != got.endswith(b"\n"):
        lines.append(f"  [{label} ends: jimsh {want[-20:]!r}, candidate {got[-20:]!r}]\n")
    if len(lines) > limit:
        lines = lines[:limit] + [f"  ... {len(lines) - limit} more diff lines\n"]
    return [line if line.endswith("\n") else line + "\n" for line in lines]


def compare(name: str, want: Outcome, got: Outcome) -> str | None:
    """None when both programs behaved the same, else a compact report."""
    if want == got:
        return None
    parts = [f"{name}: candidate differs from jimsh\n"]
    if want.returncode != got.returncode:
        parts.append(f"  exit code: jimsh {want.describe_rc()}, candidate {got.describe_rc()}\n")
    if want.stdout != got.stdout:
        parts += _diff("stdout", want.stdout, got.stdout)
    if want.stderr != got.stderr:
        parts += _diff("stderr", want.stderr, got.stderr)
    return "".join(parts)


def main(argv: list[str]) -> int:
    """Summary run outside pytest: `python -m tests.differential.tcl.runner [GLOB...]`."""
    jimsh = shutil.which("jimsh")
    if not jimsh:
        print("Error: jimsh not found (apt-get install jimsh)", file=sys.stderr)
        return 2
    scripts = corpus()
    if argv:
        scripts = [s for s in scripts if any(s.relative_to(SCRIPTS).match(g) for g in argv)]
    failed = 0
    for script in scripts:
        report = compare(script_id(script), run_jimsh(jimsh, script), run_candidate(script))
        if report:
            failed += 1
            print(report)
    print(f"{len(scripts) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
