"""GDB `load` of a 64 KiB image into the virtual STM32F103, through ocdpy and through
OpenOCD 0.12, on the same deterministic virtual chip; prints JSON.

    python3 benchmarks/gdb_load_bench.py [--server both|ocdpy|openocd] [--size 65536]

The image is the test firmware (contrib/firmware/blinky-f103.bin) followed by
pseudo-random bytes up to --size, as an ELF section at 0x08000000 (built with
arm-none-eabi-objcopy). For each debugger: serve the chip as an ST-LINK server in this
process, start the debugger with its GDB server on a free port, and run gdb-multiarch:
connect, `monitor reset halt`, `load`, `compare-sections`, `detach`. GDB's `shell`
signals this process right before and after `load`, so the figures are the load's
alone: probe commands, USB bytes, flash erases/programs and modeled seconds from the
virtual hardware's counters (deterministic), plus the wall-clock seconds of the load
(machine dependent). Goal: ocdpy not slower than OpenOCD.

`--server ocdpy-direct` runs ocdpy's GDB server in this process on the debug layer's
Cortex-M and the flash layer's bank without the `ocdpy` command line (no target
events), e.g. while the command line cannot serve a target yet.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ocdpy.sim.env import SimHardware, SimSpec  # noqa: E402
from ocdpy.sim.tcp_server import StlinkServer  # noqa: E402

FLASH_BASE = 0x08000000
FIRMWARE = ROOT / "contrib" / "firmware" / "blinky-f103.bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_elf(size: int, tmp: Path) -> Path:
    data = FIRMWARE.read_bytes()
    data += random.Random(1234).randbytes(size - len(data))
    raw = tmp / "image.bin"
    raw.write_bytes(data)
    elf = tmp / "image.elf"
    subprocess.run(["arm-none-eabi-objcopy", "-I", "binary", "-O", "elf32-littlearm", "-B", "arm",
                    "--rename-section", ".data=.text,alloc,load,readonly,code,contents",
                    "--change-section-address", f".data={FLASH_BASE:#x}", str(raw), str(elf)],
                   check=True, timeout=60)
    return elf


def debugger_command(kind: str, sim_port: int, gdb_port: int) -> list[str]:
    common = ["-c", f"gdb_port {gdb_port}", "-c", "telnet_port disabled", "-c", "tcl_port disabled"]
    if kind == "openocd":
        return ["openocd", "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {sim_port}",
                "-f", "target/stm32f1x.cfg", *common]
    return ["ocdpy", "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {sim_port}",
            "-f", "target/stm32f1x.cfg", *common]


def wait_listening(proc: subprocess.Popen, port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"debugger exited early ({proc.returncode}): {proc.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"debugger did not listen on port {port}")


def gdb_session(elf: Path, gdb_port: int) -> subprocess.CompletedProcess:
    mark = f"shell kill -USR1 {os.getpid()}"
    return subprocess.run(
        ["gdb-multiarch", "-q", "-batch", "-nx", str(elf),
         "-ex", f"target extended-remote :{gdb_port}", "-ex", "monitor reset halt",
         "-ex", mark, "-ex", "load", "-ex", mark, "-ex", "compare-sections", "-ex", "detach"],
        capture_output=True, text=True, timeout=600)


def run_direct(elf: Path) -> dict:
    """ocdpy's GDB server in this process on the debug layer's Cortex-M and the flash
    layer's stm32f1x bank, without the `ocdpy` command line (no target events)."""
    from tests.arm.bench import bench
    from tests.server.fakes import running_host
    from tests.server.test_target_adapter import core_session

    marks: list[tuple[float, dict]] = []
    with bench(firmware=False) as b:
        hardware = b.rig.hw

        def on_mark(signum: int, frame: object) -> None:
            marks.append((time.monotonic(), hardware.stats_dict()))

        previous = signal.signal(signal.SIGUSR1, on_mark)
        try:
            b.core.configure_work_area(0x20000000, 0x1000)
            b.core.reset(halt=True)
            with running_host(core_session(b.core)) as host:
                gdb = gdb_session(elf, host.port_of("gdb"))
        finally:
            signal.signal(signal.SIGUSR1, previous)
    return _result("ocdpy-direct", gdb, marks)


def _result(kind: str, gdb: subprocess.CompletedProcess, marks: list) -> dict:
    out = gdb.stdout + gdb.stderr
    if gdb.returncode != 0 or len(marks) != 2:
        raise RuntimeError(f"{kind}: gdb failed ({gdb.returncode}):\n{out}")
    (t0, before), (t1, after) = marks
    delta = {k: (round(v - before.get(k, 0), 9) if isinstance(v, float) else v - before.get(k, 0))
             for k, v in after.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return {
        "load_wall_s": round(t1 - t0, 3),
        "verified": "MIS-MATCHED" not in out and out.count("matched.") >= 1,
        "gdb_says": next((line for line in out.splitlines() if line.startswith("Transfer rate")), None),
        "load": delta,
    }


def run(kind: str, elf: Path) -> dict:
    if kind == "ocdpy-direct":
        return run_direct(elf)
    hardware = SimHardware(SimSpec(chip="stm32f103c8", probe="stlink-v2", deterministic=True))
    marks: list[tuple[float, dict]] = []

    def on_mark(signum: int, frame: object) -> None:
        marks.append((time.monotonic(), hardware.stats_dict()))

    previous = signal.signal(signal.SIGUSR1, on_mark)
    try:
        with StlinkServer([hardware.probe], port=0) as server:
            gdb_port = free_port()
            proc = subprocess.Popen(debugger_command(kind, server.port, gdb_port), cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            try:
                wait_listening(proc, gdb_port)
                gdb = gdb_session(elf, gdb_port)
            finally:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(10)
    finally:
        signal.signal(signal.SIGUSR1, previous)
    return _result(kind, gdb, marks)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", choices=("both", "ocdpy", "ocdpy-direct", "openocd", "all"),
                    default="both", help="both: ocdpy and openocd; all: also ocdpy-direct")
    ap.add_argument("--size", type=int, default=64 * 1024)
    args = ap.parse_args()
    for tool in ("gdb-multiarch", "arm-none-eabi-objcopy"):
        if not shutil.which(tool):
            sys.stderr.write(f"Error: {tool} not found (apt-get install gdb-multiarch binutils-arm-none-eabi)\n")
            return 1
    kinds = {"both": ["ocdpy", "openocd"], "all": ["ocdpy", "ocdpy-direct", "openocd"]}.get(
        args.server, [args.server])
    if "openocd" in kinds and not shutil.which("openocd"):
        sys.stderr.write("Error: openocd not found (apt-get install openocd)\n")
        return 1
    results: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as tmp:
        elf = build_elf(args.size, Path(tmp))
        for kind in kinds:
            try:
                results[kind] = run(kind, elf)
            except RuntimeError as e:
                results[kind] = {"error": str(e)[-2000:]}
    report = {"benchmark": "gdb_load", "chip": "stm32f103c8", "probe": "stlink-v2",
              "image_bytes": args.size, **results}
    b = results.get("openocd")
    for kind in ("ocdpy", "ocdpy-direct"):
        a = results.get(kind)
        if isinstance(a, dict) and isinstance(b, dict) and "load" in a and "load" in b:
            ma, mb = a["load"].get("modeled_seconds"), b["load"].get("modeled_seconds")
            if ma and mb:
                report[f"{kind}_vs_openocd_modeled"] = round(ma / mb, 3)
    print(json.dumps(report, indent=2))
    ok = all(isinstance(r, dict) and r.get("verified") for r in results.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
