"""The embedding API and core behaviour a user of ocdpy.tcl sees."""

from __future__ import annotations

import io

import pytest

from ocdpy.tcl import Interp, TclError, TclExit


def test_eval_returns_result_and_keeps_globals() -> None:
    i = Interp()
    assert i.eval("set x [expr {6 * 7}]") == "42"
    assert i.get_var("x") == "42"
    i.set_var("y", "5")
    assert i.eval("incr y 2") == "7"


def test_puts_goes_to_the_interp_stream() -> None:
    out = io.StringIO()
    i = Interp(stdout=out)
    i.eval('puts "hello"; puts -nonewline [list a {b c}]')
    assert out.getvalue() == "hello\na {b c}"


def test_register_python_command_and_error_location() -> None:
    i = Interp()
    seen = []

    def hello(interp, argv):
        seen.append(argv)
        if argv[1:] == ["bad"]:
            raise TclError("bad argument")
        return "hi " + argv[1]

    i.register("my cmd", hello)
    assert i.has_command("my cmd")
    assert i.command_kind("my cmd") == "python"
    assert i.eval("{my cmd} bob") == "hi bob"
    with pytest.raises(TclError) as ei:
        i.eval("proc p {} {\n  {my cmd} bad\n}\np\n", filename="x.cfg")
    e = ei.value
    assert e.result == "bad argument"
    assert (e.file, e.line) == ("x.cfg", 2)
    assert e.format_trace() == (
        'x.cfg:2: Error: bad argument\n'
        'in procedure \'p\' called at file "x.cfg", line 4\n'
        'at file "x.cfg", line 2')
    i.unregister("my cmd")
    assert not i.has_command("my cmd")


def test_procs_are_told_apart_from_python_commands() -> None:
    i = Interp()
    i.eval("proc f {} {}")
    assert i.is_proc("f")
    assert i.command_kind("set") == "builtin"
    assert "f" in i.command_names()


def test_call_with_presplit_words() -> None:
    i = Interp()
    assert i.call("list", "a b", "c") == "{a b} c"


def test_exit_raises_tclexit() -> None:
    with pytest.raises(TclExit) as ei:
        Interp().eval("exit 3")
    assert ei.value.code == 3


def test_recursion_limit_is_jims_message() -> None:
    with pytest.raises(TclError, match="Too many nested calls. Infinite recursion"):
        Interp().eval("proc r {n} { r [incr n] }; r 0")


def test_deep_nesting_does_not_crash() -> None:
    i = Interp()
    deep = "[" * 3000 + "list" + "]" * 3000
    try:
        i.eval("set x " + deep)
    except TclError:
        pass
    assert i.eval("set y {" + "{" * 5000 + "}" * 5000 + "}; string length $y") == "10000"


def test_source_resolver_and_info_script(tmp_path) -> None:
    (tmp_path / "a.tcl").write_text("set here [info script]\n")
    i = Interp()
    i.source_resolver = lambda p: str(tmp_path / p)
    i.eval("source a.tcl")
    assert i.get_var("here") == "a.tcl"


def test_value_semantics_survive_in_place_append() -> None:
    i = Interp()
    assert i.eval("set a {x}; set b $a; lappend a y; list $a $b") == "{x y} x"
    assert i.eval("set d(k) 1; set e $d; set d(k) 2; list $e $d") == "{k 1} {k 2}"


def test_integers_wrap_at_64_bits() -> None:
    i = Interp()
    assert i.eval("expr {9223372036854775807 + 1}") == "-9223372036854775808"
    assert i.eval("expr {-2 ** 2}") == "4"
    assert i.eval("expr {1/3.0}") == "0.333333333333"


def test_python_command_in_a_namespace_is_found_from_inside_it() -> None:
    i = Interp()
    i.register("board::reset", lambda interp, argv: "reset by " + argv[0])
    assert i.eval("namespace eval board { reset }") == "reset by reset"
    assert i.eval("board::reset") == "reset by board::reset"
    with pytest.raises(TclError, match='invalid command name "reset"'):
        i.eval("reset")


def test_namespace_variables_are_globals_with_qualified_names() -> None:
    i = Interp()
    i.eval("namespace eval cfg { variable speed 1000 }")
    assert i.get_var("cfg::speed") == "1000"
    i.set_var("cfg::speed", "4000")
    assert i.eval("proc show {} { return $::cfg::speed }; show") == "4000"
