"""Run one command line through OpenOCD and through ocdpy, and compare what a user sees.

A `Case` names the argument list each side gets. `run_case` runs the reference
(OpenOCD) and the candidate (ocdpy) under the same conditions and returns an `Outcome`
that says whether they agree on:

- success or failure (exit code 0 or not; a timeout is a failure),
- on success, the ORACLE line (the whole line that starts with `ORACLE:`),
- on failure, the first line containing `Error` (after the normalisation below),
- the stream each of those lines went to (OpenOCD logs on stderr, so must ocdpy).

Conditions shared by both sides: a fresh empty working directory, stdin at EOF
(/dev/null), HOME and XDG_CONFIG_HOME pointing into a fresh temporary directory (OpenOCD
reads ~/.openocd and $XDG_CONFIG_HOME/openocd), OPENOCD_SCRIPTS removed, LC_ALL=C, and a
20 s timeout after which the whole process group is killed. Python bytecode is cached
under $TMPDIR/ocdpy-cfgdiff-pycache-UID (PYTHONPYCACHEPREFIX), not in the checkout.

Normalisation of the first Error line, and nothing else (kept minimal on purpose):

1. Trailing whitespace (including a CR) is removed from every line.
2. If the line starts with `LOC:LINE: ` and LOC names an existing file (a relative LOC is
   resolved against the run's working directory), LOC is replaced by its realpath: the
   two programs may spell the same file differently (OpenOCD says
   `/usr/bin/../share/openocd/scripts/...`). A LOC that is not a file, such as
   OpenOCD's `embedded:startup.tcl`, is left exactly as printed.
3. Only for cases with `own_tree=True` (ocdpy runs its bundled cfg/, OpenOCD its own
   tree): a LOC inside either script tree becomes `<scripts>/RELATIVE/NAME` and its
   line number is dropped, because the two programs then run different files of the
   same name, whose line numbers cannot be expected to agree.

Environment knobs (documented in docs/testing.md):

- OCDPY_CONFIG_DIFF_CANDIDATE: the candidate command (shell words); default
  `<this python> -m ocdpy` with this checkout first on PYTHONPATH. Set it to `openocd`
  to check the harness itself: every case must then match.
- OCDPY_CONFIG_DIFF_REFERENCE: the reference command; default `openocd` on PATH.
- OCDPY_CONFIG_DIFF_TIMEOUT: seconds per run (default 20).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
OPENOCD_SCRIPTS = "/usr/share/openocd/scripts"
ORACLE_COMMAND = "echo ORACLE:[target names]|[flash list]"
DEFAULT_TIMEOUT = 20.0

# `file:line: ` at the start of an Error line, as OpenOCD prints script errors.
_LOCATION = re.compile(r"^(?P<loc>\S+?):(?P<line>\d+): (?P<rest>.*)$")


@dataclass(frozen=True)
class Case:
    """One comparison: `group` and `name` identify it; each side gets its own argv tail."""

    group: str
    name: str
    ref_args: tuple[str, ...]
    cand_args: tuple[str, ...]
    # Candidate runs with its bundled cfg/ only, the reference with its own tree.
    own_tree: bool = False

    @property
    def id(self) -> str:
        return f"{self.group}:{self.name}"


@dataclass
class RunResult:
    """What one program did with one argument list, as a user would see it."""

    argv: list[str]
    exit_code: int | None  # None: killed after the timeout
    timed_out: bool
    oracle: str | None
    oracle_stream: str | None
    error: str | None  # normalised first line containing "Error"
    error_raw: str | None
    error_stream: str | None
    last_line: str | None  # last non-empty line printed, to explain odd failures
    stdout: str = field(repr=False, default="")
    stderr: str = field(repr=False, default="")

    @property
    def succeeded(self) -> bool:
        return self.exit_code == 0

    def summary(self) -> dict:
        return {
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "succeeded": self.succeeded,
            "oracle": self.oracle,
            "error": self.error,
            "error_raw": self.error_raw,
            "last_line": self.last_line,
            "argv": self.argv,
        }


@dataclass
class Outcome:
    case: Case
    reference: RunResult
    candidate: RunResult
    differences: list[str]

    @property
    def matched(self) -> bool:
        return not self.differences

    @property
    def cause(self) -> str:
        """A short label grouping mismatches of the same kind, for reports."""
        return classify(self.reference, self.candidate, self.differences)

    def describe(self) -> str:
        """Both sides' lines, for a test failure message."""
        ref, cand = self.reference, self.candidate
        lines = [f"{self.case.id}: {'; '.join(self.differences) or 'match'} [{self.cause}]"]
        for label, r in (("openocd", ref), ("ocdpy  ", cand)):
            lines.append(f"  {label} exit={r.exit_code}{' (timeout)' if r.timed_out else ''}")
            lines.append(f"    ORACLE: {r.oracle!r}")
            lines.append(f"    Error : {r.error!r}")
            if r.error is None and not r.succeeded:
                lines.append(f"    last  : {r.last_line!r}")
            lines.append(f"    cmd   : {shlex.join(r.argv)}")
        return "\n".join(lines)

    def summary(self) -> dict:
        return {
            "case": self.case.id,
            "cause": self.cause,
            "differences": self.differences,
            "openocd": self.reference.summary(),
            "ocdpy": self.candidate.summary(),
        }


# --- commands -----------------------------------------------------------------------


def reference_command() -> list[str] | None:
    """The OpenOCD command, or None when it is not installed."""
    override = os.environ.get("OCDPY_CONFIG_DIFF_REFERENCE")
    if override:
        return shlex.split(override)
    exe = shutil.which("openocd")
    return [exe] if exe else None


def candidate_command() -> list[str]:
    override = os.environ.get("OCDPY_CONFIG_DIFF_CANDIDATE")
    if override:
        return shlex.split(override)
    return [sys.executable, "-m", "ocdpy"]


def candidate_is_default() -> bool:
    return not os.environ.get("OCDPY_CONFIG_DIFF_CANDIDATE")


def run_timeout() -> float:
    try:
        return float(os.environ.get("OCDPY_CONFIG_DIFF_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT


def base_env(home: str) -> dict[str, str]:
    """The environment both programs run in: no user config, no script-path override."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("OPENOCD_SCRIPTS", "XDG_CONFIG_HOME", "OCDPY_NO_OPENOCD_SCRIPTS")
           and not k.startswith("OCDPY_CONFIG_DIFF_")}
    env["HOME"] = home
    env["XDG_CONFIG_HOME"] = os.path.join(home, ".config")
    env["LC_ALL"] = "C"
    # The candidate must be this checkout's ocdpy, not some other installed copy.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    # Compiled bytecode is cached outside the checkout and shared by all runs: without
    # it (PYTHONDONTWRITEBYTECODE=1 in some shells) every run recompiles ocdpy from
    # source, which costs more than the config load itself.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("PYTHONPYCACHEPREFIX", pycache_dir())
    return env


def pycache_dir() -> str:
    return os.path.join(tempfile.gettempdir(), f"ocdpy-cfgdiff-pycache-{os.getuid()}")


# --- running --------------------------------------------------------------------------


def run_program(argv: list[str], cwd: str, env: dict[str, str],
                timeout: float | None = None, script_roots: tuple[str, ...] = (),
                own_tree: bool = False) -> RunResult:
    """Run argv with stdin at EOF; collect the ORACLE line and the first Error line."""
    timeout = run_timeout() if timeout is None else timeout
    timed_out = False
    try:
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as e:
        return RunResult(argv=argv, exit_code=127, timed_out=False, oracle=None,
                         oracle_stream=None, error=None, error_raw=None,
                         error_stream=None, last_line=f"cannot run: {e}")
    try:
        out_b, err_b = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        _kill_group(proc)
        try:
            out_b, err_b = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            out_b, err_b = b"", b""
    code = None if timed_out else proc.returncode
    # A signal death shows as 128+N, as a shell would report it.
    if code is not None and code < 0:
        code = 128 - code
    stdout = out_b.decode("utf-8", "replace")
    stderr = err_b.decode("utf-8", "replace")
    streams = (("stderr", _lines(stderr)), ("stdout", _lines(stdout)))

    oracle = oracle_stream = None
    error_raw = error_stream = None
    for name, lines in streams:
        for line in lines:
            if oracle is None and line.startswith("ORACLE:"):
                oracle, oracle_stream = line, name
            if error_raw is None and "Error" in line:
                error_raw, error_stream = line, name
    last_line = None
    for _name, lines in streams:
        for line in reversed(lines):
            if line.strip():
                last_line = line
                break
        if last_line:
            break
    error = normalise_error(error_raw, cwd, script_roots, own_tree) if error_raw else None
    return RunResult(argv=argv, exit_code=code, timed_out=timed_out, oracle=oracle,
                     oracle_stream=oracle_stream, error=error, error_raw=error_raw,
                     error_stream=error_stream, last_line=last_line,
                     stdout=stdout, stderr=stderr)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.split("\n")]


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


def normalise_error(line: str, cwd: str, script_roots: tuple[str, ...] = (),
                    own_tree: bool = False) -> str:
    """Apply the normalisation described in the module docstring to one Error line."""
    m = _LOCATION.match(line)
    if not m:
        return line
    loc = m.group("loc")
    path = loc if os.path.isabs(loc) else os.path.join(cwd, loc)
    if not os.path.isfile(path):
        return line
    real = os.path.realpath(path)
    if own_tree:
        for root in script_roots:
            root_real = os.path.realpath(root)
            if real.startswith(root_real + os.sep):
                return f"<scripts>/{os.path.relpath(real, root_real)}: {m.group('rest')}"
    return f"{real}:{m.group('line')}: {m.group('rest')}"


def script_roots() -> tuple[str, ...]:
    """The script trees whose files count as "the same name" in own-tree cases."""
    roots = [OPENOCD_SCRIPTS, os.path.join(REPO_ROOT, "cfg")]
    try:
        from ocdpy.resources import cfg_dir

        roots.append(str(cfg_dir()))
    except Exception:  # noqa: BLE001 - the package may be mid-rewrite; cfg/ is enough
        pass
    return tuple(roots)


# --- comparing ------------------------------------------------------------------------


def compare(ref: RunResult, cand: RunResult) -> list[str]:
    """The differences a user would notice, as short sentences; empty when they agree."""
    diffs: list[str] = []
    if ref.succeeded != cand.succeeded:
        def state(r: RunResult) -> str:
            if r.timed_out:
                return "timed out"
            return "succeeded" if r.succeeded else f"failed (exit {r.exit_code})"
        diffs.append(f"openocd {state(ref)}, ocdpy {state(cand)}")
        return diffs
    if ref.succeeded:
        if ref.oracle != cand.oracle:
            diffs.append("ORACLE line differs")
        elif ref.oracle is not None and ref.oracle_stream != cand.oracle_stream:
            diffs.append(f"ORACLE line on {cand.oracle_stream}, openocd prints it on "
                         f"{ref.oracle_stream}")
    else:
        if ref.error != cand.error:
            diffs.append("first Error line differs")
        elif ref.error is not None and ref.error_stream != cand.error_stream:
            diffs.append(f"Error line on {cand.error_stream}, openocd prints it on "
                         f"{ref.error_stream}")
    return diffs


def classify(ref: RunResult, cand: RunResult, diffs: list[str]) -> str:
    if not diffs:
        return "match"
    if cand.timed_out:
        return "ocdpy timed out"
    if "Traceback (most recent call last)" in cand.stderr + cand.stdout:
        return "ocdpy printed a Python traceback"
    if ref.succeeded and not cand.succeeded:
        return "ocdpy failed where openocd succeeded"
    if cand.succeeded and not ref.succeeded:
        return "ocdpy succeeded where openocd failed"
    if diffs[0].startswith("ORACLE"):
        if cand.oracle is None:
            return "ocdpy printed no ORACLE line"
        r_t, _, r_f = (ref.oracle or "").partition("|")
        c_t, _, c_f = cand.oracle.partition("|")
        if r_t != c_t:
            return "target names differ"
        return "flash list differs"
    if "Error line differs" in diffs[0]:
        if cand.error is None:
            return "ocdpy printed no Error line"
        if ref.error is None:
            return "openocd printed no Error line"
        if _message(ref.error) == _message(cand.error):
            return "same message, different file:line location"
        return "different error message"
    return diffs[0]


def _message(line: str) -> str:
    m = _LOCATION.match(line)
    if m:
        line = m.group("rest")
    if line.startswith("<scripts>/"):
        line = line.split(": ", 1)[-1]
    return line


# --- whole cases ----------------------------------------------------------------------


def run_case(case: Case, reference: list[str] | None = None,
             candidate: list[str] | None = None, timeout: float | None = None) -> Outcome:
    """Run both sides of one case, each in its own fresh HOME and working directory."""
    reference = reference or reference_command()
    if reference is None:
        raise RuntimeError("openocd is not installed (apt-get install openocd)")
    candidate = candidate or candidate_command()
    roots = script_roots()
    results = []
    # Both sides share one fresh working directory and one fresh, empty HOME.
    with tempfile.TemporaryDirectory(prefix="ocdpy-cfgdiff-") as tmp:
        home = os.path.join(tmp, "home")
        work = os.path.join(tmp, "work")
        os.makedirs(os.path.join(home, ".config"))
        os.makedirs(work)
        for side, cmd, args in (("ref", reference, case.ref_args),
                                ("cand", candidate, case.cand_args)):
            env = base_env(home)
            if side == "cand" and case.own_tree:
                env["OCDPY_NO_OPENOCD_SCRIPTS"] = "1"
            results.append(run_program(list(cmd) + list(args), work, env, timeout,
                                       roots, case.own_tree))
    ref, cand = results
    return Outcome(case=case, reference=ref, candidate=cand, differences=compare(ref, cand))
