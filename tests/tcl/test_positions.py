"""Source positions of built scripts, without an oracle: the texts jimsh 0.81 prints.

A word made by substitution keeps the position of its first piece (a quoted word or
one starting with text: where it was written), so `eval $cmd` reports an error on the
line where the string was built and adds the eval line to the trace. Values made by
list, format, append... carry no position; a value used as a list, then as a script,
loses it. tests/tcl/jim_extras/eval_*.tcl compare the same with jimsh itself.
"""

from __future__ import annotations

import io

import pytest

from ocdpy.tcl import Interp, TclError


def _error(script: str) -> TclError:
    interp = Interp(stdout=io.StringIO())
    with pytest.raises(TclError) as ei:
        interp.eval(script, filename="ev.tcl")
    return ei.value


def test_quoted_word_reports_where_it_was_written() -> None:
    e = _error('set x 1\nset cmd "error \\\n   boom$x"\n\n\neval $cmd\n')
    assert e.format_trace() == ('ev.tcl:2: Error: boom1\n'
                                'at file "ev.tcl", line 6\n'
                                'at file "ev.tcl", line 2')


@pytest.mark.parametrize(("build", "stack"), [
    ('"\n  error q$x\n"', ["", "ev.tcl", 3, "", "ev.tcl", 7]),    # quoted: its line + 1
    ('"$braced"', ["", "ev.tcl", 2, "", "ev.tcl", 5]),             # quote's line, not $braced's
    ("error\\ bare$x", ["", "ev.tcl", 2, "", "ev.tcl", 5]),         # bare word starting with text
    ("$braced$x", ["", "ev.tcl", 1, "", "ev.tcl", 5]),              # first piece's own position
    ("[list error listed]", ["", "ev.tcl", 5]),                     # a list has none
    ('[format "error %s" f]', ["", "ev.tcl", 5]),
    ('[string trim "  error t$x "]', ["", "ev.tcl", 5]),
])
def test_position_of_built_script(build: str, stack: list) -> None:
    script = f"set x 1; set braced {{error b}}\nset cmd {build}\n\n\neval $cmd\n"
    assert _error(script).stack == stack


def test_proc_body_in_quotes_reports_its_lines() -> None:
    e = _error('set x 1\nproc q {} "\n  error inq$x\n"\nq\n')
    assert e.stack == ["", "ev.tcl", 3, "q", "ev.tcl", 5]


def test_value_used_as_list_then_script_has_no_position() -> None:
    e = _error("set s {\n  error shim}\nllength $s\neval $s\n")
    assert e.stack == ["", "ev.tcl", 4]
    interp = Interp()
    interp.eval("set a {x y}\nset n [llength $a]", filename="f.tcl")
    assert interp.eval("info source $a") == "{} 1"
    assert interp.eval('info source "$a$n"', filename="f.tcl", line=7) == "f.tcl 7"


def test_unstringed_list_runs_as_one_command_keeping_word_positions() -> None:
    # uplevel of [list eval $script] passes the script itself: its position survives
    e = _error("proc show {s} { uplevel 1 [list eval $s] }\nset b {\n  error in-b}\nshow $b\n")
    assert e.stack == ["", "ev.tcl", 3, "", "ev.tcl", 1, "show", "ev.tcl", 4]
