"""Start-up: command modules load on first use, and work the same once loaded."""

from __future__ import annotations

import importlib
import io
import subprocess
import sys

from ocdpy.tcl import Interp
from ocdpy.tcl.commands import LAZY


def test_lazy_table_lists_every_command_of_its_module() -> None:
    for module, names in LAZY.items():
        table = importlib.import_module(f"ocdpy.tcl.commands.{module}").COMMANDS
        assert sorted(names.split()) == sorted(table), module


def test_empty_interp_loads_no_lazy_command_module() -> None:
    code = ("import sys; from ocdpy.tcl import Interp; i = Interp(); i.eval('set x 1');"
            "print(sorted(m for m in sys.modules if m.startswith('ocdpy.tcl.commands.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True).stdout
    assert out.strip() == "['ocdpy.tcl.commands.control', 'ocdpy.tcl.commands.util']"


def test_renamed_stub_becomes_the_real_command() -> None:
    out = io.StringIO()
    i = Interp(stdout=out)
    i.eval("rename llength count; puts [count {a b c}]; puts [lindex {x y} 1]")
    assert out.getvalue() == "3\ny\n"
    assert i.eval("info commands count") == "count"
    assert not i.has_command("llength")


def test_replacing_a_stub_with_a_proc_keeps_the_proc() -> None:
    i = Interp()
    i.eval("proc lsort {l} { return sorted }")
    assert i.eval("lindex [list a b] 0") == "a"  # loads the lists module
    assert i.eval("lsort {b a}") == "sorted"
