"""The GDB server on the debug layer's Cortex-M and the flash layer's banks, on the
virtual STM32F103 (the session wiring aside): the real gdb-multiarch loads the test
firmware through vFlash, stops at main, steps, reads registers and memory."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from ocdpy.commands.registry import CommandSpec
from tests import oracles
from tests.arm.bench import bench

from .fakes import FakeSession, running_host

ROOT = Path(__file__).resolve().parents[2]
ELF = ROOT / "contrib" / "firmware" / "blinky-f103.elf"
BIN = ROOT / "contrib" / "firmware" / "blinky-f103.bin"

pytestmark = pytest.mark.oracle("gdb-multiarch")


def core_session(core) -> FakeSession:
    from ocdpy.flash.bank import BankDecl
    from ocdpy.flash.manager import FlashManager
    from ocdpy.flash.target_api import adapt

    session = FakeSession()
    session.targets = [core]
    manager = FlashManager(lambda name: adapt(core))
    manager.add(BankDecl("stm32f1x.flash", "stm32f1x", 0x08000000, 0, 0, 0, core.name), 0)
    session.flash = manager

    def reset(ctx, args):
        core.reset(halt=bool(args) and args[0] == "halt")

    session.registry.add(CommandSpec("reset", reset, usage="[halt]", help="reset"))
    session.registry.add(CommandSpec("reg", lambda c, a: f"pc (/32): {core.read_register('pc'):#010x}",
                                     usage="pc", help="pc"))
    return session


def test_gdb_on_the_cortex_m_core_and_flash_driver() -> None:
    exe = oracles.need("gdb-multiarch")
    with bench(firmware=False) as b:
        core = b.core
        core.configure_work_area(0x20000000, 0x1000)
        core.reset(halt=True)
        with running_host(core_session(core)) as host:
            r = subprocess.run(
                [exe, "-q", "-batch", "-nx", str(ELF), "-ex", f"target extended-remote :{host.port_of('gdb')}",
                 # (no target events in this session: the reset after load that OpenOCD's
                 # default gdb-flash-write-end handler does is done by hand)
                 "-ex", "monitor reset halt", "-ex", "load", "-ex", "monitor reset halt",
                 # compare-sections runs the CRC routine on the core; the continue after it
                 # must start from GDB's registers, not the routine's
                 "-ex", "compare-sections", "-ex", "break main", "-ex", "continue",
                 "-ex", "next", "-ex", "step", "-ex", "info registers", "-ex", "x/8xw 0x08000000",
                 "-ex", "print blink_count", "-ex", "detach"],
                capture_output=True, text=True, timeout=120, cwd=ROOT)
        out = r.stdout
        assert r.returncode == 0, out + r.stderr
        assert b.chip.flash_bytes(0, BIN.stat().st_size) == BIN.read_bytes()
        assert "MIS-MATCHED" not in out and out.count(": matched.") == 3
        assert "Breakpoint 1, main () at src/blinky.c:19" in out
        assert "led_init () at src/board_f103.c" in out  # `step` went into led_init
        assert "0x8000000 <vector_table>:\t0x20005000\t0x08000045\t0x08000041\t0x08000041" in out
        assert "$1 = 0" in out
        # detached: the firmware runs and toggles the LED
        before = b.chip.stats.get("gpio_toggles")
        b.chip.advance(0.5)
        assert b.chip.stats.get("gpio_toggles") > before


def test_watchpoints_on_the_cortex_m_dwt() -> None:
    exe = oracles.need("gdb-multiarch")
    with bench() as b:  # the firmware is in flash already
        core = b.core
        core.configure_work_area(0x20000000, 0x1000)
        core.reset(halt=True)
        with running_host(core_session(core)) as host:
            r = subprocess.run(
                [exe, "-q", "-batch", "-nx", str(ELF), "-ex", f"target extended-remote :{host.port_of('gdb')}",
                 "-ex", "break main", "-ex", "continue", "-ex", "watch blink_count", "-ex", "continue",
                 "-ex", "continue", "-ex", "delete", "-ex", "rwatch blink_count", "-ex", "continue",
                 "-ex", "detach"],
                capture_output=True, text=True, timeout=120, cwd=ROOT)
    out = r.stdout
    assert r.returncode == 0, out + r.stderr
    assert "Hardware watchpoint 2: blink_count\n\nOld value = 0\nNew value = 1" in out
    assert "Old value = 1\nNew value = 2" in out
    assert "Hardware read watchpoint 3: blink_count\n\nValue = 2" in out


def test_ctrl_c_halts_the_running_core() -> None:
    from .rsp import RspClient

    with bench() as b:
        core = b.core
        core.reset(halt=True)
        with running_host(core_session(core)) as host:
            gdb = RspClient(host.port_of("gdb"))
            gdb.handshake()
            gdb.send("vCont;c")
            time.sleep(0.3)
            assert core.poll().value == "running"
            gdb.sock.sendall(b"\x03")
            assert gdb.read_packet() == b"T02"
            assert core.state.value == "halted"
            pc = int.from_bytes(bytes.fromhex(gdb.ask("pf").decode()), "little")
            assert 0x08000044 <= pc < 0x08000110  # somewhere in the firmware
