"""Details found while making the corpus pass, checked against jimsh.

Each script in jim_extras/ runs in jimsh and in `python -m ocdpy.tcl` (in-process here,
for speed) with the same working directory: stdout, the uncaught-error report and the
exit status must match. They pin down namespaces, Jim's library-proc traces (`dict
incr` ...), regexp syntax and errors, scan, lsearch/lsort -stride, `return` inside a
word, the recursion limit and the stack-trace helpers.
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest

from tests.oracles import need

HERE = Path(__file__).resolve().parent / "jim_extras"
SCRIPTS = sorted(HERE.glob("*.tcl"))


def _ours(script: Path, monkeypatch) -> tuple[str, str, int]:
    from ocdpy.tcl import cli

    out = io.BytesIO()
    err = io.BytesIO()

    class Std:
        def __init__(self, buf):
            self.buffer = buf

    monkeypatch.chdir(script.parent)
    monkeypatch.setattr(cli.sys, "stdout", Std(out))
    monkeypatch.setattr(cli.sys, "stderr", Std(err))
    rc = cli.main([script.name])
    return out.getvalue().decode("latin-1"), err.getvalue().decode("latin-1"), rc


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_matches_jimsh(script: Path, monkeypatch) -> None:
    jimsh = need("jimsh")
    done = subprocess.run([jimsh, script.name], cwd=script.parent, capture_output=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    want = (done.stdout.decode("latin-1"), done.stderr.decode("latin-1"), done.returncode)
    assert _ours(script, monkeypatch) == want
