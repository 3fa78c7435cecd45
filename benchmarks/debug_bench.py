"""Probe commands and modeled time of two debug workloads, ocdpy beside OpenOCD 0.12 on
the same deterministic virtual STM32F103 (ST-Link/V2, hla); prints JSON.

    python3 benchmarks/debug_bench.py [--debugger both|ocdpy|openocd] [--link tcp|usb]

Workloads, each after `init` and `reset halt`:
  dump_image_64k   dump_image of the 64 KiB flash (0x08000000, 0x10000 bytes)
  mdw_x1000        1000 `mdw 0x20000000` commands (a Tcl loop)

Each debugger runs the command line twice on a fresh chip loaded with the test
firmware: once with the workload and once without (same commands otherwise); the
workload's figures are the difference of the virtual hardware's counters (probe
commands, USB bytes, SWD transfers, modeled seconds), exact because the timing model
is deterministic. OpenOCD reaches the chip over the ST-LINK server protocol (TCP);
ocdpy over the same (`--link tcp`, default, so both pay the same per-command costs) or
through pyusb (`--link usb`). Wall-clock seconds of the whole run are given for
information (machine dependent). Goal: ocdpy sends no more probe commands than OpenOCD.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocdpy.sim.chips import create_chip  # noqa: E402
from ocdpy.sim.env import SimHardware, SimSpec  # noqa: E402
from ocdpy.sim.tcp_server import StlinkServer  # noqa: E402

FIRMWARE = ROOT / "contrib" / "firmware" / "blinky-f103.bin"
SERVER_OFF = ["-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled"]
COUNTERS = ("probe_commands", "bytes_out", "bytes_in", "swd_transfers")


def workloads(tmp: Path) -> dict[str, list[str]]:
    return {
        "dump_image_64k": [f"dump_image {tmp}/dump.bin 0x08000000 0x10000"],
        "mdw_x1000": ["for {set i 0} {$i < 1000} {incr i} {mdw 0x20000000}"],
    }


def make_state(tmp: Path) -> Path:
    path = tmp / "f103.json"
    chip = create_chip("stm32f103c8", state_path=str(path))
    data = FIRMWARE.read_bytes()
    chip.flash.write(0, data)
    chip.flash_changed(0x08000000, len(data))
    chip.save_state()
    return path


def _commands(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        out += ["-c", line]
    return out


def run(debugger: str, link: str, state: Path, tmp: Path, work: list[str]) -> dict[str, float]:
    """One command-line run on a fresh chip; the chip's counters afterwards."""
    copy = tmp / f"run-{debugger}-{link}.json"
    shutil.copyfile(state, copy)
    commands = ["init", "reset halt", *work, "shutdown"]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    started = time.monotonic()
    if debugger == "ocdpy" and link == "usb":
        stats = tmp / "stats.json"
        env["OCDPY_SIM"] = f"stm32f103c8,state={copy},deterministic,stats={stats}"
        proc = subprocess.run([sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg", *SERVER_OFF,
                               "-f", "target/stm32f1x.cfg", *_commands(commands)],
                              capture_output=True, text=True, timeout=600, cwd=tmp, env=env)
        figures = json.loads(stats.read_text())
    else:
        hw = SimHardware(SimSpec(chip="stm32f103c8", state=str(copy), deterministic=True))
        exe = ["openocd"] if debugger == "openocd" else [sys.executable, "-m", "ocdpy"]
        with StlinkServer([hw.probe], port=0) as server:
            proc = subprocess.run([*exe, "-f", "interface/stlink.cfg", "-c",
                                   f"hla_stlink_backend tcp {server.port}", *SERVER_OFF,
                                   "-f", "target/stm32f1x.cfg", *_commands(commands)],
                                  capture_output=True, text=True, timeout=600, cwd=tmp, env=env)
        figures = hw.stats_dict()
    wall = time.monotonic() - started
    if proc.returncode != 0:
        raise SystemExit(f"{debugger} failed:\n{proc.stderr[-2000:]}")
    out = {name: int(figures.get(name, 0)) for name in COUNTERS}
    out["modeled_seconds"] = float(figures.get("modeled_seconds", 0.0))
    out["wall_seconds"] = wall
    return out


def measure(debugger: str, link: str, state: Path, tmp: Path) -> dict[str, dict[str, float]]:
    base = run(debugger, link, state, tmp, [])
    result = {}
    for name, work in workloads(tmp).items():
        with_work = run(debugger, link, state, tmp, work)
        diff = {k: with_work[k] - base[k] for k in (*COUNTERS, "modeled_seconds")}
        diff["modeled_seconds"] = round(diff["modeled_seconds"], 6)
        diff["run_wall_seconds"] = round(with_work["wall_seconds"], 3)
        result[name] = diff
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--debugger", choices=("both", "ocdpy", "openocd"), default="both")
    parser.add_argument("--link", choices=("tcp", "usb"), default="tcp", help="how ocdpy reaches the probe")
    args = parser.parse_args()
    out: dict[str, object] = {"chip": "stm32f103c8", "probe": "stlink-v2 (V2J37S7), hla, deterministic",
                              "figures": "differences of the virtual hardware's counters (with - without)"}
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        state = make_state(tmp)
        if args.debugger in ("both", "ocdpy"):
            out[f"ocdpy ({args.link})"] = measure("ocdpy", args.link, state, tmp)
        if args.debugger in ("both", "openocd"):
            if shutil.which("openocd") is None:
                out["openocd"] = "not installed"
            else:
                out["openocd 0.12 (tcp)"] = measure("openocd", "tcp", state, tmp)
    if args.debugger == "both" and isinstance(out.get("openocd 0.12 (tcp)"), dict):
        ours = out[f"ocdpy ({args.link})"]
        theirs = out["openocd 0.12 (tcp)"]
        out["goal_no_more_probe_commands"] = {
            name: ours[name]["probe_commands"] <= theirs[name]["probe_commands"]  # type: ignore[index]
            for name in ours  # type: ignore[union-attr]
        }
    json.dump(out, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
