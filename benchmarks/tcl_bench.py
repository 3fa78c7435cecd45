"""Tcl engine speed: ocdpy vs jimsh vs tclsh, printed as JSON (seconds, ratios).

Cases: a 200,000-iteration `for` loop with expr and incr; a proc-call-heavy script;
parsing all of OpenOCD's script tree; starting on an empty script. Each engine run is
timed by wall clock and by the child's CPU time (best of 5); `cpu_ratio_*` is the
figure to trust on a busy machine.
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
    """Best wall-clock seconds of `runs` runs."""
    return _measure(cmd, runs)[0]


def _measure(cmd: list[str], runs: int = 5) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) of the child over `runs` runs.

    On a shared machine the wall time includes waiting for a core; the child's CPU
    time (user + system) does not, so the ratios are computed from it.
    """
    import resource

    best_wall = best_cpu = float("inf")
    for _ in range(runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=300)
        best_wall = min(best_wall, time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        best_cpu = min(best_cpu, r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return round(best_wall, 4), round(best_cpu, 4)


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
            res: dict = {}
            for eng, cmd in _engines().items():
                res[eng], res[eng + "_cpu"] = _measure(cmd + [path])
            if res.get("jimsh_cpu"):
                res["ratio_ocdpy_to_jimsh"] = round(res["ocdpy"] / res["jimsh"], 2)
                res["cpu_ratio_ocdpy_to_jimsh"] = round(res["ocdpy_cpu"] / res["jimsh_cpu"], 2)
            out[case] = res
        # what any Python program pays before running a line of its own
        out["empty"]["python_c_pass"], out["empty"]["python_c_pass_cpu"] = _measure(
            [sys.executable, "-c", "pass"])
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
