"""Shared pytest setup: the repo root on sys.path for `tests.*` helpers, and the
package's bytecode compiled once, so the hundreds of `ocdpy` / `python -m ocdpy.tcl`
subprocesses the differential suites start do not each compile it from source (the
test machines set PYTHONDONTWRITEBYTECODE=1, which stops imports from caching it)."""

from __future__ import annotations

import compileall
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def pytest_configure(config) -> None:
    # Only the controlling process: xdist workers find the files already written.
    if not hasattr(config, "workerinput"):
        compileall.compile_dir(str(ROOT / "ocdpy"), quiet=1, workers=1)
