"""The real GDB (gdb-multiarch) against the GDB server, on the fake target: `load`
through vFlash, breakpoints, run control, registers, memory, monitor, detach; over
TCP and over a pipe (`target remote | ...`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests import oracles

from .fakes import FLASH_BASE, FakeSession, FakeTarget, running_host

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "contrib" / "firmware" / "blinky-f103.elf"
BIN = ROOT / "contrib" / "firmware" / "blinky-f103.bin"

pytestmark = pytest.mark.oracle("gdb-multiarch")


def gdb(target_cmd: str, *commands: str, timeout: float = 60) -> subprocess.CompletedProcess:
    exe = oracles.need("gdb-multiarch")
    args = [exe, "-q", "-batch", "-nx", str(ELF), "-ex", "set confirm off", "-ex", target_cmd]
    for c in commands:
        args += ["-ex", c]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def test_load_break_continue_inspect_detach() -> None:
    target = FakeTarget()
    with running_host(FakeSession(target)) as host:
        r = gdb(f"target extended-remote :{host.port_of('gdb')}",
                "monitor reset halt", "load", "compare-sections", "break main", "continue",
                "info registers", "x/8xw 0x08000000", "print blink_count", "detach")
    out = r.stdout
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Start address 0x08000044, load size 272" in out
    for section in (".isr_vector", ".text", ".data"):
        assert f"Section {section}, range" in out and ": matched." in out
    assert "MIS-MATCHED" not in out
    assert "Breakpoint 1, main () at src/blinky.c:19" in out
    assert "pc             0x80000b4           0x80000b4 <main>" in out
    assert "0x8000000 <vector_table>:\t0x20005000\t0x08000045\t0x08000041\t0x08000041" in out
    assert "$1 = 0" in out
    assert "[Inferior 1 (Remote target) detached]" in out
    image = BIN.read_bytes()
    assert bytes(target.flash[:len(image)]) == image  # programmed through vFlash
    assert target.flash_ops[0] == ("erase", FLASH_BASE, 0x400)
    assert target.state() == "running"  # detached: the program runs
    assert "halted due to debug-request" in r.stderr  # `monitor reset halt` output, via O packets


def test_gdb_over_a_pipe() -> None:
    r = gdb(f"target remote | {sys.executable} -m tests.server.fake_server pipe",
            "monitor reg pc", "info registers pc", "x/2xw 0x20000000", "detach")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "pc (/32): 0x08000044" in r.stdout + r.stderr
    assert "pc             0x8000044" in r.stdout
    assert ":\t0x00000000\t0x00000000" in r.stdout  # the fake RAM is zero

