"""Start-up time of ocdpy beside OpenOCD: `--version`, and a config load to shutdown.

    python3 benchmarks/startup.py [--runs N]

Prints JSON. Each command runs once to warm the file cache, then N times (default 15);
the figure is the median wall time of those runs, with min and max beside it. Runs use
a fresh working directory and HOME, stdin at EOF, and a 30 s timeout. A command that
exits non-zero is still timed but marked "ok": false, because a fast failure is not a
fast start. The issue's goal: the config load under 0.25 s. `cpu_median_s` (user+sys
of the child) is given too: on a shared machine it moves less than wall time.

ocdpy runs with its bytecode cached, as a wheel install has it;
`ocdpy_config_load_no_bytecode_cache` is the same load with PYTHONDONTWRITEBYTECODE=1 and
no cache (every module compiled from source on every run), for comparison.

`ocdpy` is the console script installed beside this Python (what `pip install` gives a
user) or, when there is none, `python -m ocdpy`. `python -c pass` is the floor no
Python program can go below.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
GOAL_CONFIG_LOAD_S = 0.25
CONFIG_LOAD = ["-f", "interface/stlink.cfg", "-f", "target/stm32f1x.cfg", "-c", "shutdown"]


def ocdpy_command() -> list[str]:
    script = Path(sys.executable).parent / "ocdpy"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "ocdpy"]


def time_command(argv: list[str], runs: int, cwd: str, env: dict[str, str]) -> dict:
    times, cpus, codes = [], [], []
    for i in range(runs + 1):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        try:
            proc = subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=30)
            code = proc.returncode
            last = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
        except subprocess.TimeoutExpired:
            code, last = None, ["timed out after 30 s"]
        except OSError as e:
            return {"argv": argv, "ok": False, "error": str(e)}
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if i:  # the first run only warms caches
            times.append(elapsed)
            cpus.append(cpu)
            codes.append(code)
    ok = all(c == 0 for c in codes)
    result = {
        "argv": argv,
        "median_s": round(statistics.median(times), 4),
        "min_s": round(min(times), 4),
        "max_s": round(max(times), 4),
        "cpu_median_s": round(statistics.median(cpus), 4),
        "runs": runs,
        "ok": ok,
        "exit_codes": sorted(set(codes), key=str),
    }
    if not ok:
        result["last_line"] = last[0] if last else ""
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args(argv)

    ocdpy = ocdpy_command()
    openocd = shutil.which("openocd")
    with tempfile.TemporaryDirectory(prefix="ocdpy-startup-") as tmp:
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        env = {k: v for k, v in os.environ.items() if k != "OPENOCD_SCRIPTS"}
        env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"), LC_ALL="C")
        env["PYTHONPATH"] = os.pathsep.join(
            [str(REPO_ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
        # As installed from a wheel: bytecode compiled once (by the warm-up run, into a
        # temporary cache so the checkout is not touched), then reused.
        cold = dict(env, PYTHONDONTWRITEBYTECODE="1")
        cold.pop("PYTHONPYCACHEPREFIX", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = os.path.join(tmp, "pycache")
        results = {
            "python_floor": time_command([sys.executable, "-c", "pass"], args.runs, tmp, env),
            "ocdpy_version": time_command(ocdpy + ["--version"], args.runs, tmp, env),
            "ocdpy_config_load": time_command(ocdpy + CONFIG_LOAD, args.runs, tmp, env),
            "ocdpy_config_load_no_bytecode_cache": time_command(ocdpy + CONFIG_LOAD,
                                                                args.runs, tmp, cold),
        }
        if openocd:
            results["openocd_version"] = time_command([openocd, "--version"], args.runs,
                                                      tmp, env)
            results["openocd_config_load"] = time_command([openocd] + CONFIG_LOAD,
                                                          args.runs, tmp, env)
        else:
            results["openocd"] = "not installed (apt-get install openocd)"
    load = results["ocdpy_config_load"]
    report = {
        "benchmark": "startup",
        "python": sys.version.split()[0],
        "results": results,
        "goal_config_load_s": GOAL_CONFIG_LOAD_S,
        "meets_goal": bool(load.get("ok") and load["median_s"] < GOAL_CONFIG_LOAD_S),
    }
    json.dump(report, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
