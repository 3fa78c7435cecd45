"""The same run-control sequence done by the real OpenOCD 0.12 (over the ST-LINK server
protocol) and by ocdpy's domain API (over pyusb), each on a fresh virtual F103 with
the test firmware: the halt messages, registers and memory must agree."""

from __future__ import annotations

import re
import subprocess

import pytest

from ocdpy.arm import TargetState
from tests import oracles
from tests.adapter.rig import ROOT, elf_symbol, load_firmware

from .bench import bench

pytestmark = pytest.mark.oracle("openocd")

CHIP = "stm32f103c8"


def _openocd(commands: list[str], driver: str = "hla") -> str:
    exe = oracles.need("openocd")
    oracles.need_openocd_scripts()
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    hw = SimHardware(SimSpec(chip=CHIP, probe="stlink-v2-1", deterministic=True))
    load_firmware(hw.chip, "blinky-f103")
    with StlinkServer([hw.probe], port=0) as server:
        if driver == "hla":
            iface = ["-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {server.port}"]
        else:
            iface = ["-f", "interface/stlink-dap.cfg", "-c", f"st-link backend tcp {server.port}",
                     "-c", "transport select dapdirect_swd"]
        args = [exe, *iface, "-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled",
                "-f", "target/stm32f1x.cfg"]
        for c in [*commands, "shutdown"]:
            args += ["-c", c]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout + proc.stderr


def _halt_messages(output: str) -> list[str]:
    return re.findall(r"^\[stm32f1x\.cpu\] halted due to .*\n.*$", output, re.M)


def test_run_control_matches_openocd() -> None:
    main = elf_symbol(CHIP, "main") & ~1
    output = _openocd(["init", "reset halt", "step", f"bp {main:#x} 2 hw", "resume", "wait_halt 2000",
                       "mdw 0x08000000 8"])
    expected = _halt_messages(output)
    ours: list[str] = []
    with bench(CHIP, probe="stlink-v2-1", speed=1000) as b:
        core = b.core
        core.on_event = lambda event: ours.append(core.arch_state()) if event == "halted" else None
        core.reset(halt=True)
        core.step()
        core.add_breakpoint(main, 2, hw=True)
        core.resume()
        core.wait_state(TargetState.HALTED, 2000)
        words = [core.read_u32(0x08000000 + 4 * i) for i in range(8)]
    assert ours == expected
    dumped = re.search(r"^0x08000000: ((?:[0-9a-f]{8} ){8})", output, re.M)
    assert dumped is not None
    assert [int(w, 16) for w in dumped.group(1).split()] == words


@pytest.mark.parametrize("driver", ["hla", "st-link"])
def test_examine_lines_match_openocd(driver: str) -> None:
    from tests.adapter.rig import captured_log

    output = _openocd(["init"], driver)
    wanted = [line for line in output.splitlines()
              if line.startswith(("Info : STLINK", "Info : Target voltage", "Info : [stm32f1x.cpu]",
                                  "Info : stlink_dap_op_connect", "Info : SWD DPIDR"))]
    with captured_log() as out, bench(CHIP, driver=driver, probe="stlink-v2-1", speed=1000):
        pass
    assert out.getvalue().splitlines() == wanted
    assert len(wanted) == (4 if driver == "hla" else 6)
