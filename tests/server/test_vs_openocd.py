"""The same GDB session against ocdpy's GDB server and against OpenOCD 0.12, each on
its own fresh virtual STM32F103: the same registers, memory and variables, and the
firmware runs after `detach` in both.

Registers r4-r12 hold whatever ran before a reset (ARMv7-M leaves them UNKNOWN; here
the flash loaders' leftovers, which differ between the two tools), so the session
zeroes them after `monitor reset halt`, as a test of a real board would.
"""

from __future__ import annotations

import re
import socket
import subprocess
import time
from pathlib import Path

import pytest

from tests import oracles
from tests.arm.bench import bench

from .fakes import running_host
from .test_target_adapter import core_session

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "contrib" / "firmware" / "blinky-f103.elf"

pytestmark = [pytest.mark.oracle("gdb-multiarch"), pytest.mark.oracle("openocd")]

# GDB does not know that a monitor command changed the registers: flush its cache, or
# it skips writing a register whose stale cached value equals the new one.
SESSION = ["monitor reset halt", "load", "compare-sections", "monitor reset halt",
           "maintenance flush register-cache", *[f"set $r{i} = 0" for i in range(4, 13)],
           "break main", "continue", "next", "step", "info registers", "x/8xw 0x08000000",
           "print blink_count", "print/x delay_loops", "detach"]


def run_gdb(port: int) -> str:
    exe = oracles.need("gdb-multiarch")
    args = [exe, "-q", "-batch", "-nx", str(ELF), "-ex", f"target extended-remote :{port}"]
    for c in SESSION:
        args += ["-ex", c]
    r = subprocess.run(args, capture_output=True, text=True, timeout=180, cwd=ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def registers(out: str) -> dict[str, str]:
    return dict(re.findall(r"^(\w+)\s+(0x[0-9a-f]+)\s", out, re.M))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ocdpy_side() -> tuple[str, bool]:
    with bench(firmware=False) as b:
        core = b.core
        core.configure_work_area(0x20000000, 0x1000)
        core.reset(halt=True)
        with running_host(core_session(core)) as host:
            out = run_gdb(host.port_of("gdb"))
        before = b.chip.stats.get("gpio_toggles")
        b.chip.advance(0.5)
        return out, b.chip.stats.get("gpio_toggles") > before


def openocd_side() -> tuple[str, bool]:
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    exe = oracles.need("openocd")
    oracles.need_openocd_scripts()
    hw = SimHardware(SimSpec(chip="stm32f103c8", probe="stlink-v2", deterministic=True))
    with StlinkServer([hw.probe], port=0) as server:
        port = free_port()
        proc = subprocess.Popen(
            [exe, "-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {server.port}",
             "-f", "target/stm32f1x.cfg", "-c", f"gdb_port {port}", "-c", "telnet_port disabled",
             "-c", "tcl_port disabled",
             # OpenOCD leaves the core halted after detach; ocdpy lets it run (docs/servers.md)
             "-c", "stm32f1x.cpu configure -event gdb-detach {resume}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    assert proc.poll() is None, proc.stderr.read()
                    time.sleep(0.1)
            out = run_gdb(port)
        finally:
            proc.terminate()
            proc.wait(30)
        before = hw.chip.stats.get("gpio_toggles")
        hw.chip.advance(0.5)
        return out, hw.chip.stats.get("gpio_toggles") > before


def test_same_session_same_results() -> None:
    ours, ours_runs = ocdpy_side()
    theirs, theirs_runs = openocd_side()
    assert "Breakpoint 1, main () at src/blinky.c:19" in ours
    assert "Breakpoint 1, main () at src/blinky.c:19" in theirs
    regs_ours, regs_theirs = registers(ours), registers(theirs)
    assert len(regs_ours) == 23
    assert regs_ours == regs_theirs
    memory = [line for line in ours.splitlines() if line.startswith("0x80000")]
    assert memory and memory == [line for line in theirs.splitlines() if line.startswith("0x80000")]
    values = [line for line in ours.splitlines() if line.startswith("$")]
    assert values == [v for v in theirs.splitlines() if v.startswith("$")]
    assert values[0] == "$1 = 0"
    assert ours_runs and theirs_runs
