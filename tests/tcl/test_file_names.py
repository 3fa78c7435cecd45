"""Non-ASCII file names: a Tcl string's characters are the bytes of the name.

OpenOCD's tree has target/1986ве1т.cfg; `source`, `file ...`, `cd`/`pwd`, `info script`,
argv and error traces must treat such a name byte for byte, as jimsh does.
"""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from ocdpy.tcl import Interp, TclError
from tests.oracles import need

NAME = "ве.tcl"  # written to disk as UTF-8 bytes
TCL_NAME = NAME.encode("utf-8").decode("latin-1")  # the same name as a Tcl string

INNER = "puts [info script]\nputs [string length [info script]]\nerror oops\n"
RUNNER = (f"puts [file exists {NAME}]\nputs [file isfile {NAME}]\nputs [file size {NAME}]\n"
          f"puts [file tail [file normalize {NAME}]]\n"
          f"puts [catch {{file normalize missing-{NAME}}} m]:$m\n"
          "puts [string length [pwd]]\nputs $argv\n"
          f"source {NAME}\n")


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    d = tmp_path / "dé"  # a non-ASCII working directory too (pwd)
    d.mkdir()
    (d / NAME).write_bytes(INNER.encode("utf-8"))
    (d / "run.tcl").write_bytes(RUNNER.encode("utf-8"))
    return d


def _ours(args: list[str], cwd: Path, monkeypatch) -> tuple[bytes, bytes, int]:
    from ocdpy.tcl import cli

    out, err = io.BytesIO(), io.BytesIO()

    class Std:
        def __init__(self, buf):
            self.buffer = buf

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(cli.sys, "stdout", Std(out))
    monkeypatch.setattr(cli.sys, "stderr", Std(err))
    rc = cli.main(args)
    return out.getvalue(), err.getvalue(), rc


def test_source_opens_utf8_name_and_reports_its_bytes(tree: Path, monkeypatch) -> None:
    out, err, rc = _ours(["run.tcl", "ж"], tree, monkeypatch)
    lines = out.decode("utf-8").splitlines()
    assert lines[:4] == ["1", "1", str(len(INNER)), NAME]
    assert lines[4] == f'1:can\'t normalize "missing-{NAME}": No such file or directory'
    assert lines[5] == str(len(str(tree).encode("utf-8")))
    assert lines[6:] == ["ж", NAME, "8"]  # `info script` is the name's 8 bytes
    assert err.decode("utf-8") == (f"{NAME}:3: Error: oops\nat file \"run.tcl\", line 8\n"
                                   f"at file \"{NAME}\", line 3\n")
    assert rc == 1


@pytest.mark.parametrize("script", ["run.tcl", NAME])
def test_same_as_jimsh(tree: Path, monkeypatch, script: str) -> None:
    jimsh = need("jimsh")
    done = subprocess.run([jimsh, script, "ж"], cwd=tree, capture_output=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert _ours([script, "ж"], tree, monkeypatch) == (done.stdout, done.stderr, done.returncode)


def test_cli_process_writes_name_bytes(tree: Path) -> None:
    # through a real process: the name in argv and on stderr stays UTF-8 bytes
    done = subprocess.run([sys.executable, "-m", "ocdpy.tcl", NAME], cwd=tree,
                          capture_output=True, timeout=60, stdin=subprocess.DEVNULL)
    assert done.stdout == f"{NAME}\n8\n".encode()
    assert done.stderr == f"{NAME}:3: Error: oops\nat file \"{NAME}\", line 3\n".encode()
    assert done.returncode == 1


def test_embedded_source_of_latin1_string(tree: Path, monkeypatch) -> None:
    monkeypatch.chdir(tree)
    out = io.StringIO()
    interp = Interp(stdout=out)
    with pytest.raises(TclError) as ei:
        interp.eval(f"source {TCL_NAME}")
    assert out.getvalue() == f"{TCL_NAME}\n8\n"
    assert (ei.value.file, ei.value.line, ei.value.result) == (TCL_NAME, 3, "oops")
    assert interp.eval(f"file exists {TCL_NAME}") == "1"
    interp.eval("cd ..")
    interp.eval(f"cd {tree.name.encode().decode('latin-1')}")
    assert interp.eval("pwd") == str(tree).encode().decode("latin-1")


def test_missing_file_error_names_the_bytes(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(TclError) as ei:
        Interp().eval(f"source {TCL_NAME}")
    assert ei.value.result == f'couldn\'t read file "{TCL_NAME}": No such file or directory'
