#!/usr/bin/env python3
"""Flash programming speed on the virtual chips: ocdpy beside OpenOCD 0.12 and the
physical floor, in the sim's modeled time (deterministic: it moves only with probe
commands, flash operations and core cycles, so figures do not depend on this host).

    python3 benchmarks/flash_bench.py [--quick] [--only CHIP]

Prints one JSON document. Cases: 64 KiB and 8 KiB images on an STM32F103, 512 KiB on
an STM32F407, 1 MiB on an STM32H753 (bank 1); for each, a first flash over a chip that
holds other firmware, a second flash of the same image, and a flash where one page
(sector) changed. Every run is `flash write_image erase image.bin 0x08000000` after
`init` and `reset init` (which raises the SWD clock as the targets' configs do).

Time of the write itself: OpenOCD runs a session with the write and one without it on
the same chip state, and the difference is taken; ocdpy's flash layer runs the same
command on an identical chip and the modeled time of the command is taken. ocdpy's
path is noted per row in "ocdpy_path": "cli" is the ocdpy command line through its own
ST-Link driver on the in-process virtual probe (OCDPY_SIM), measured like OpenOCD
(difference of two sessions); "domain" is the flash layer driving the chip through
ocdpy.flash.simtarget, which charges each operation as the ST-Link command(s) a
driver sends (the sim's own timing model), used when the command line cannot run
flash commands on the chip.

Floor: the datasheet erase and program times alone (ocdpy.sim.timing's table, the
widest parallelism the part allows at 3.3 V): what no tool can beat.
Goals: first flash within 1.10x of the floor and not slower than OpenOCD; a second
flash, or one with one page changed, at least 10x faster than OpenOCD's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f407vg": "target/stm32f4x.cfg",
              "stm32h753xi": "target/stm32h7x.cfg"}
# The SWD clock after `reset init` with the targets' configs on an ST-Link/V2.
SWD_KHZ = {"stm32f103c8": 1000.0, "stm32f407vg": 4000.0, "stm32h753xi": 4000.0}
CASES = [("stm32f103c8", 64 * 1024), ("stm32f103c8", 8 * 1024), ("stm32f407vg", 512 * 1024),
         ("stm32h753xi", 1024 * 1024)]
BASE = 0x08000000
USE_CLI = True  # --domain: measure the flash layer on ocdpy.flash.simtarget instead


def failed(returncode: int, out: str) -> bool:
    """An Error line other than the lockup one both tools print when they first halt
    a chip whose old firmware is garbage (as the cases' starting flash is)."""
    errors = [line for line in out.splitlines()
              if line.startswith("Error") and "clearing lockup after double fault" not in line]
    return returncode != 0 or bool(errors)


def random_bytes(n: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(n)


# -- the floor ----------------------------------------------------------------------------

def floor_seconds(chip: str, size: int, changed_sector: int | None) -> float:
    """Datasheet erase + program of what must change."""
    from ocdpy.sim.timing import F1_TIMING, F4_TIMING, H7_TIMING

    if chip.startswith("stm32f1"):
        pages = size // 1024
        if changed_sector is not None:
            return F1_TIMING.page_erase + 512 * F1_TIMING.halfword_program
        erase = F1_TIMING.mass_erase if size == 64 * 1024 else pages * F1_TIMING.page_erase
        return erase + size // 2 * F1_TIMING.halfword_program
    if chip.startswith("stm32f4"):
        sizes = [16 * 1024] * 4 + [64 * 1024] + [128 * 1024] * 7
        if changed_sector is not None:
            s = sizes[changed_sector]
            return F4_TIMING.sector_erase(s, 2) + s // 4 * F4_TIMING.program
        erase, left = 0.0, size
        for s in sizes:
            if left <= 0:
                break
            erase += F4_TIMING.sector_erase(s, 2)
            left -= s
        return erase + size // 4 * F4_TIMING.program
    if changed_sector is not None:
        return H7_TIMING.sector_erase[3] + 128 * 1024 // 32 * H7_TIMING.word_program[3]
    erase = H7_TIMING.bank_erase[3] if size == 1024 * 1024 else size // (128 * 1024) * H7_TIMING.sector_erase[3]
    return erase + size // 32 * H7_TIMING.word_program[3]


def changes(chip: str, size: int) -> list[tuple[str, int, int]]:
    """(case name, byte offset to change, its sector index): one page (the smallest erase
    unit) changed; on an F4 also one byte in a 128 KiB sector, whose erase alone takes
    1 s of the floor."""
    if chip.startswith("stm32f1"):
        off = size // 2 + 100
        return [("one-page", off, off // 1024)]
    if chip.startswith("stm32f4"):
        return [("one-page", 0x4000 + 100, 1), ("one-128k-sector", 0x24000 + 100, 5)]
    return [("one-page", 3 * 128 * 1024 + 100, 3)]


# -- OpenOCD ---------------------------------------------------------------------------------

def openocd_session(chip: str, state: str, commands: list[str]) -> dict:
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    hardware = SimHardware(SimSpec(chip=chip, state=state, deterministic=True))
    with StlinkServer([hardware.probe], port=0) as server:
        args = ["openocd", "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {server.port}",
                "-f", TARGET_CFG[chip], "-c", "gdb_port disabled", "-c", "tcl_port disabled",
                "-c", "telnet_port disabled", "-c", "init", "-c", "reset init"]
        for c in commands:
            args += ["-c", c]
        args += ["-c", "shutdown"]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=1200)
    out = proc.stdout + proc.stderr
    if failed(proc.returncode, out):
        raise SystemExit(f"OpenOCD failed:\n{out}")
    hardware.save()
    stats = hardware.stats_dict()
    return {"seconds": float(stats["modeled_seconds"]), "commands": int(stats.get("probe_commands", 0))}


def openocd_write(chip: str, state: str, image: str) -> dict:
    scratch = state + ".base.json"
    Path(scratch).write_bytes(Path(state).read_bytes())
    base = openocd_session(chip, scratch, [])
    run = openocd_session(chip, state, [f"flash write_image erase {image} 0x{BASE:08x}"])
    os.unlink(scratch)
    return {"seconds": run["seconds"] - base["seconds"], "probe_commands": run["commands"] - base["commands"]}


# -- ocdpy -----------------------------------------------------------------------------------

def ocdpy_cli_session(chip: str, state: str, commands: list[str]) -> dict | None:
    """The ocdpy command line on the in-process virtual ST-Link (OCDPY_SIM); None if
    this build cannot run flash commands through it yet."""
    stats = state + ".stats.json"
    env = dict(os.environ, OCDPY_SIM=f"{chip},state={state},stats={stats},deterministic")
    args = [sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg", "-f", TARGET_CFG[chip],
            "-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled",
            "-c", "init", "-c", "reset init"]
    for c in commands:
        args += ["-c", c]
    args += ["-c", "shutdown"]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=1200, env=env, cwd=ROOT)
    out = proc.stdout + proc.stderr
    if failed(proc.returncode, out):
        sys.stderr.write(f"ocdpy command line failed, measuring the flash layer instead:\n{out}\n")
        return None
    data = json.loads(Path(stats).read_text())
    return {"seconds": float(data["modeled_seconds"]), "commands": int(data.get("probe_commands", 0))}


def ocdpy_cli_write(chip: str, state: str, image: str) -> dict | None:
    scratch = state + ".base.json"
    Path(scratch).write_bytes(Path(state).read_bytes())
    base = ocdpy_cli_session(chip, scratch, [])
    run = ocdpy_cli_session(chip, state, [f"flash write_image erase {image} 0x{BASE:08x}"]) if base else None
    os.unlink(scratch)
    if base is None or run is None:
        return None
    return {"seconds": run["seconds"] - base["seconds"], "probe_commands": run["commands"] - base["commands"]}


def ocdpy_write(chip: str, state: str, image: str) -> dict:
    if USE_CLI:
        result = ocdpy_cli_write(chip, state, image)
        if result is not None:
            result["path"] = "cli"
            return result
    return ocdpy_domain_write(chip, state, image)


def ocdpy_domain_write(chip: str, state: str, image: str) -> dict:
    from tests.flash.harness import sim_session

    with sim_session(chip, state_path=state, swd_khz=SWD_KHZ[chip]) as h:
        t0, c0 = h.chip.clock.now, h.target.commands
        h.run(f"flash write_image erase {image} 0x{BASE:08x}")
        seconds, commands = h.chip.clock.now - t0, h.target.commands - c0
        h.chip.save_state(state)
    return {"seconds": seconds, "probe_commands": commands, "path": "domain"}


# -- cases --------------------------------------------------------------------------------------

def run_case(chip: str, size: int, tmp: Path, with_openocd: bool) -> list[dict]:
    from ocdpy.sim.chips import create_chip

    old = create_chip(chip)
    old.flash.write(0, random_bytes(old.flash.size, 99))  # someone's old firmware everywhere
    start_state = tmp / f"{chip}-{size}-start.json"
    old.save_state(str(start_state))
    image = random_bytes(size, 1)
    files = {"first": (image, None), "second": (image, None)}
    changed = bytearray(image)
    for name, off, sector in changes(chip, size):  # each differs from the one before in one sector
        changed[off] ^= 0xA5
        files[name] = (bytes(changed), sector)
    results = []
    states = {tool: tmp / f"{chip}-{size}-{tool}.json" for tool in ("openocd", "ocdpy")}
    for tool in states:
        states[tool].write_bytes(start_state.read_bytes())
    for kind, (content, sector) in files.items():
        path = tmp / f"{chip}-{size}-{kind}.bin"
        path.write_bytes(content)
        row = {"chip": chip, "image_kib": size // 1024, "flash": kind,
               "floor_s": round(0.0 if kind == "second" else floor_seconds(chip, size, sector), 6)}
        ours = ocdpy_write(chip, str(states["ocdpy"]), str(path))
        row["ocdpy_path"] = ours["path"]
        row["ocdpy_s"] = round(ours["seconds"], 6)
        row["ocdpy_probe_commands"] = ours["probe_commands"]
        if with_openocd:
            theirs = openocd_write(chip, str(states["openocd"]), str(path))
            row["openocd_s"] = round(theirs["seconds"], 6)
            row["openocd_probe_commands"] = theirs["probe_commands"]
            row["openocd_over_ocdpy"] = round(theirs["seconds"] / ours["seconds"], 2) if ours["seconds"] else None
        if kind == "first":
            row["ocdpy_over_floor"] = round(ours["seconds"] / row["floor_s"], 3)
            row["goal"] = "ocdpy <= 1.10 x floor and <= openocd"
            row["goal_met"] = row["ocdpy_over_floor"] <= 1.10 and (
                not with_openocd or ours["seconds"] <= row["openocd_s"])
        else:
            row["goal"] = "openocd >= 10 x ocdpy"
            row["goal_met"] = (row.get("openocd_over_ocdpy") or 0) >= 10 if with_openocd else None
            if kind != "second" and with_openocd and row["floor_s"]:
                # What even a tool with no overhead at all could reach.
                row["best_possible_openocd_over_floor"] = round(row["openocd_s"] / row["floor_s"], 2)
        results.append(row)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="F103 cases only")
    parser.add_argument("--only", help="one chip (stm32f103c8, stm32f407vg, stm32h753xi)")
    parser.add_argument("--no-openocd", action="store_true", help="ocdpy and the floor only")
    parser.add_argument("--domain", action="store_true",
                        help="measure ocdpy's flash layer on ocdpy.flash.simtarget, not the command line")
    args = parser.parse_args(argv)
    global USE_CLI
    USE_CLI = not args.domain
    import shutil

    with_openocd = not args.no_openocd and shutil.which("openocd") is not None
    cases = [c for c in CASES if (not args.quick or c[0] == "stm32f103c8") and (not args.only or c[0] == args.only)]
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="ocdpy-flash-bench-") as tmp:
        for chip, size in cases:
            rows += run_case(chip, size, Path(tmp), with_openocd)
    doc = {
        "benchmark": "flash_bench",
        "time": "modeled seconds of the virtual hardware (deterministic)",
        "probe": "ST-Link/V2 (full speed USB), SWD clock after reset init: " +
                 ", ".join(f"{c} {k:g} kHz" for c, k in SWD_KHZ.items()),
        "ocdpy_paths": {"cli": "the ocdpy command line through its ST-Link driver on the virtual probe",
                        "domain": "ocdpy's flash layer on ocdpy.flash.simtarget (ST-Link command "
                                  "costs from the sim's timing model), used while the command line "
                                  "cannot reach the chip"},
        "openocd": "OpenOCD 0.12 over the ST-LINK server protocol" if with_openocd else "not run",
        "results": rows,
        "all_goals_met": all(r["goal_met"] for r in rows if r["goal_met"] is not None),
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
