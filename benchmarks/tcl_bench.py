"""Tcl engine speed: ocdpy vs jimsh vs tclsh, printed as JSON (seconds, ratios).

Cases: a 200,000-iteration `for` loop with expr and incr; a proc-call-heavy script;
parsing all of OpenOCD's script tree; starting on an empty script.
"""

from __future__ import annotations

import glob
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOOP = "set x 0; for {set i 0} {$i < 200000} {incr i} { set x [expr {$x + $i * 2}] }\nputs $x\n"
PROCS = ("proc add {a b} { return [expr {$a + $b}] }\n"
         "proc fib {n} { if {$n < 2} { return $n }; return [add [fib [expr {$n - 1}]] [fib [expr {$n - 2}]]] }\n"
         "puts [fib 20]\n")
TREE = "/usr/share/openocd/scripts"


def _time(cmd: list[str], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        best = min(best, time.perf_counter() - t0)
    return round(best, 4)


def _engines() -> dict[str, list[str]]:
    eng = {"ocdpy": [sys.executable, "-m", "ocdpy.tcl"]}
    for name in ("jimsh", "tclsh"):
        path = shutil.which(name)
        if path:
            eng[name] = [path]
    return eng


def main() -> None:
    out: dict = {}
    with tempfile.TemporaryDirectory() as d:
        files = {}
        for name, text in (("loop", LOOP), ("procs", PROCS), ("empty", "")):
            p = Path(d) / f"{name}.tcl"
            p.write_text(text)
            files[name] = str(p)
        for case, path in files.items():
            res = {eng: _time(cmd + [path]) for eng, cmd in _engines().items()}
            if "jimsh" in res and res["jimsh"] > 0:
                res["ratio_ocdpy_to_jimsh"] = round(res["ocdpy"] / res["jimsh"], 2)
            out[case] = res
        # what any Python program pays before running a line of its own
        out["empty"]["python_c_pass"] = _time([sys.executable, "-c", "pass"])
    tree = sorted(glob.glob(TREE + "/**/*.cfg", recursive=True) + glob.glob(TREE + "/**/*.tcl", recursive=True))
    if tree:
        from ocdpy.tcl.parser import check

        t0 = time.perf_counter()
        bad = 0
        for f in tree:
            if check(Path(f).read_bytes().decode("latin-1")) is not None:
                bad += 1
        parse_s = time.perf_counter() - t0
        res = {"files": len(tree), "ocdpy_parse_in_process": round(parse_s, 4), "syntax_errors": bad,
               "ocdpy_check_cli": _time([sys.executable, "-m", "ocdpy.tcl", "--check", *tree], 1)}
        jim = shutil.which("jimsh")
        if jim:
            # jimsh parses each file with `info complete` (no execution)
            with tempfile.NamedTemporaryFile("w", suffix=".tcl", delete=False) as s:
                s.write("foreach f $argv { set fh [open $f]; info complete [read $fh]; close $fh }\n")
            res["jimsh_info_complete"] = _time([jim, s.name, *tree], 1)
        out["parse_openocd_tree"] = res
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
