"""Running ocdpy sessions in-process for the command-layer tests, and OpenOCD beside them.

`run_ocdpy(args)` runs the command line through `ocdpy.cli.run` in this process and
returns what a user would see: the exit code and the log text (OpenOCD's stderr).
`run_openocd(args)` runs the real OpenOCD 0.12 the same way.
"""

from __future__ import annotations

import io
import os
import subprocess
import tempfile
from dataclasses import dataclass

from ocdpy import log

OPENOCD_SCRIPTS = "/usr/share/openocd/scripts"


@dataclass
class Run:
    code: int
    text: str

    @property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def error_lines(self) -> list[str]:
        return [ln for ln in self.lines if "Error" in ln]

    def first_error(self) -> str | None:
        errors = self.error_lines()
        return errors[0] if errors else None


def run_ocdpy(args: list[str], cwd: str | None = None) -> Run:
    """`ocdpy ARGS` in this process (no OpenOCD tree unless -s names it)."""
    from ocdpy import cli

    buf = io.StringIO()
    level = log.get_level()
    old_cwd = os.getcwd()
    old_env = os.environ.get("OCDPY_NO_OPENOCD_SCRIPTS")
    os.environ["OCDPY_NO_OPENOCD_SCRIPTS"] = "1"
    log.set_output(buf)
    try:
        if cwd:
            os.chdir(cwd)
        code = cli.run(cli.parse_args(args), buf)
    finally:
        os.chdir(old_cwd)
        log.set_output(None)
        log.set_level(level)
        if old_env is None:
            del os.environ["OCDPY_NO_OPENOCD_SCRIPTS"]
        else:
            os.environ["OCDPY_NO_OPENOCD_SCRIPTS"] = old_env
    return Run(code, buf.getvalue())


def run_openocd(args: list[str], cwd: str | None = None) -> Run:
    """The real OpenOCD with the same arguments; its banner lines are dropped."""
    with tempfile.TemporaryDirectory() as home:
        env = {k: v for k, v in os.environ.items() if k != "OPENOCD_SCRIPTS"}
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = home
        proc = subprocess.run(["openocd", *args], capture_output=True, timeout=30,
                              cwd=cwd or home, env=env, stdin=subprocess.DEVNULL)
    text = proc.stderr.decode("utf-8", "replace")
    lines = text.splitlines(keepends=True)
    # "Open On-Chip Debugger 0.12.0", licence, bug-report lines
    return Run(proc.returncode, "".join(lines[4:]))


def session():
    """A fresh Session with its log captured; returns (session, log buffer)."""
    from ocdpy.session import Session

    buf = io.StringIO()
    log.set_output(buf)
    return Session(use_installed_openocd=False), buf
