"""Running the real OpenOCD 0.12 against a virtual chip served over the ST-LINK server
protocol from this process."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests import oracles

ROOT = Path(__file__).resolve().parents[3]
FIRMWARE = ROOT / "contrib" / "firmware"
TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f103cb": "target/stm32f1x.cfg",
              "stm32f407vg": "target/stm32f4x.cfg", "stm32h753xi": "target/stm32h7x.cfg"}


@dataclass
class Run:
    returncode: int
    output: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.output.splitlines() if line.startswith("Error")]


@contextmanager
def served(chip: str, probe: str = "stlink-v2", faults: tuple[str, ...] = (), fw: str | None = None,
           deterministic: bool = True) -> Iterator[tuple[object, int]]:
    """A virtual `chip` behind a virtual probe, as an ST-LINK server; yields (hardware, port)."""
    pytest.importorskip("ocdpy.sim.chips", reason="virtual chips (ocdpy.sim.chips) not available")
    from ocdpy.sim.env import SimHardware, SimSpec
    from ocdpy.sim.tcp_server import StlinkServer

    hardware = SimHardware(SimSpec(chip=chip, probe=probe, faults=list(faults), fw=fw,
                                   deterministic=deterministic))
    with StlinkServer([hardware.probe], port=0) as server:
        yield hardware, server.port


def openocd(port: int, chip: str, commands: list[str], driver: str = "hla", pre: list[str] = (),
            timeout: float = 120) -> Run:
    exe = oracles.need("openocd")
    oracles.need_openocd_scripts()
    if driver == "hla":
        iface = ["-f", "interface/stlink.cfg", "-c", f"hla_stlink_backend tcp {port}"]
    else:
        iface = ["-f", "interface/stlink-dap.cfg", "-c", f"st-link backend tcp {port}",
                 "-c", "transport select dapdirect_swd"]
    # no servers: parallel tests (and other OpenOCDs on this machine) must not clash on ports
    args = [exe, *iface, "-c", "gdb_port disabled", "-c", "tcl_port disabled", "-c", "telnet_port disabled"]
    for c in pre:
        args += ["-c", c]
    args += ["-f", TARGET_CFG[chip]]
    for c in commands:
        args += ["-c", c]
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, cwd=ROOT)
    return Run(proc.returncode, proc.stdout + proc.stderr)


def symbol(elf: Path, name: str) -> int:
    from elftools.elf.elffile import ELFFile

    with elf.open("rb") as f:
        table = ELFFile(f).get_section_by_name(".symtab")
        sym = table.get_symbol_by_name(name)
        assert sym, f"{name} not in {elf}"
        return sym[0]["st_value"]
