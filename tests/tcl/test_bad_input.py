"""Any input gives a result or a TclError: never a Python exception, hang or crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ocdpy.tcl import Interp, TclError, TclExit

Interp()  # raises Python's recursion limit now, not inside a hypothesis test (it warns)

ALPHABET = st.sampled_from(list("{}[]$\"\\;\n #()*+-/<>=!~?:abcxyz019 \t") + [
    "set ", "proc ", "expr ", "if ", "while 0 ", "foreach ", "list ", "incr ", "{*}",
    "string ", "lindex ", "dict ", "catch ", "return ", "break", "\\x41", "0x", "1e3"])

SEEDS = ["set x 1; puts $x", "proc p {a} {return [expr {$a*2}]}; p 3",
         "foreach {k v} {a 1 b 2} {append s $k$v}", "dict set d a b 1",
         "if {1} {set y [string repeat a 3]} else {error no}",
         "catch {error boom} m o; lindex $o 1"]


def _run(src: str) -> None:
    i = Interp(stdout=_Null())
    i.stderr = _Null()
    try:
        i.eval(src)
    except (TclError, TclExit):
        pass


class _Null:
    def write(self, s: str) -> int:
        return len(s)

    def flush(self) -> None:
        pass


_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(st.lists(ALPHABET, max_size=40).map("".join))
def test_random_scripts(src: str) -> None:
    _run(src)


@_SETTINGS
@given(st.sampled_from(SEEDS), st.integers(0, 60), st.text(max_size=6))
def test_mutated_scripts(seed: str, pos: int, insert: str) -> None:
    k = min(pos, len(seed))
    _run(seed[:k] + insert + seed[k + 1:])


@_SETTINGS
@given(st.binary(max_size=80))
def test_random_bytes(data: bytes) -> None:
    _run(data.decode("latin-1"))
