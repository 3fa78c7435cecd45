"""Stats of a 64 KiB flash write to the virtual STM32F103 through the real OpenOCD 0.12.

    python3 benchmarks/sim_openocd_write.py [--probe stlink-v2] [--driver hla|dap] [--size 65536]

Serves a deterministic virtual chip (stm32f103c8 by default) behind a virtual ST-Link
as an ST-LINK server in this process, runs OpenOCD twice -- once to connect and halt
(baseline), once to connect, halt and `flash write_image erase` an image of --size
pseudo-random bytes -- and prints JSON: the session totals of the write run, and the
write alone (write run minus baseline): probe commands, USB bytes each way, SWD
transfers, flash erases/programs, modeled seconds and the modeled throughput, plus the
wall-clock seconds of each OpenOCD run. Modeled figures are deterministic; wall-clock
ones depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocdpy.sim.env import SimHardware, SimSpec  # noqa: E402
from ocdpy.sim.tcp_server import StlinkServer  # noqa: E402

TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f103cb": "target/stm32f1x.cfg",
              "stm32f407vg": "target/stm32f4x.cfg", "stm32h753xi": "target/stm32h7x.cfg"}
FLASH_BASE = 0x08000000


def run_openocd(port: int, chip: str, driver: str, commands: list[str]) -> tuple[float, str, int]:
    if driver == "hla":
        iface = ["-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {port}"]
    else:
        iface = ["-f", "interface/stlink-dap.cfg", "-c", f"st-link backend tcp {port}",
                 "-c", "transport select dapdirect_swd"]
    args = ["openocd", *iface, "-c", "gdb_port disabled", "-c", "tcl_port disabled",
            "-c", "telnet_port disabled", "-f", TARGET_CFG[chip], "-c", "init", "-c", "reset halt"]
    for c in commands:
        args += ["-c", c]
    args += ["-c", "shutdown"]
    t0 = time.monotonic()
    proc = subprocess.run(args, capture_output=True, text=True, timeout=600)
    return time.monotonic() - t0, proc.stderr, proc.returncode


def session(chip: str, probe: str, driver: str, commands: list[str]) -> tuple[dict, float, str]:
    hardware = SimHardware(SimSpec(chip=chip, probe=probe, deterministic=True))
    with StlinkServer([hardware.probe], port=0) as server:
        wall, log, code = run_openocd(server.port, chip, driver, commands)
    # a blank chip locks up at reset; the DAP-level driver reports it, as on silicon
    errors = [line for line in log.splitlines()
              if line.startswith("Error") and not line.endswith("clearing lockup after double fault")]
    if code != 0 or errors:
        sys.stderr.write(log)
        raise SystemExit(f"Error: OpenOCD failed (exit {code}); its log is above")
    return hardware.stats_dict(), wall, log


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chip", default="stm32f103c8", choices=sorted(TARGET_CFG))
    ap.add_argument("--probe", default="stlink-v2")
    ap.add_argument("--driver", default="hla", choices=("hla", "dap"))
    ap.add_argument("--size", type=int, default=64 * 1024)
    args = ap.parse_args()
    if not shutil.which("openocd"):
        sys.stderr.write("Error: openocd not found (apt-get install openocd)\n")
        return 1

    image = random.Random(1234).randbytes(args.size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "image.bin"
        path.write_bytes(image)
        base, base_wall, _ = session(args.chip, args.probe, args.driver, [])
        total, write_wall, log = session(
            args.chip, args.probe, args.driver,
            [f"flash write_image erase {path} {FLASH_BASE:#x}"],
        )
    delta = {k: round(v - base.get(k, 0), 9) if isinstance(v, float) else v - base.get(k, 0)
             for k, v in total.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    seconds = delta.get("modeled_seconds", 0.0)
    wrote = [line for line in log.splitlines() if line.startswith("wrote ")]
    print(json.dumps({
        "benchmark": "sim_openocd_write",
        "chip": args.chip, "probe": args.probe, "driver": args.driver,
        "firmware": total.get("firmware"), "image_bytes": args.size,
        "openocd_says": wrote[0] if wrote else None,
        "write": {**delta, "modeled_kib_per_s": round(args.size / 1024 / seconds, 2) if seconds else None},
        "session_total": total,
        "wall_seconds": {"baseline_run": round(base_wall, 3), "write_run": round(write_wall, 3)},
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
