"""A virtual chip behind a virtual ST-Link, reached by ocdpy's own ST-Link driver
through pyusb or over the ST-LINK server protocol: the bench the adapter and arm
tests run on."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ocdpy import log
from ocdpy.adapter import AdapterSettings, ResetConfig, create_adapter
from ocdpy.adapter.stlink import StlinkAdapter

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "contrib" / "firmware"
FIRMWARE_OF = {"stm32f103c8": "blinky-f103", "stm32f103cb": "blinky-f103",
               "stm32f407vg": "blinky-f407", "stm32h753xi": "blinky-h753"}
TARGET_NAME = {"stm32f103c8": "stm32f1x.cpu", "stm32f103cb": "stm32f1x.cpu",
               "stm32f407vg": "stm32f4x.cpu", "stm32h753xi": "stm32h7x.cpu0"}
LINKS = ("usb", "tcp")


def elf_symbol(chip: str, name: str) -> int:
    from elftools.elf.elffile import ELFFile

    with (FIRMWARE / f"{FIRMWARE_OF[chip]}.elf").open("rb") as f:
        sym = ELFFile(f).get_section_by_name(".symtab").get_symbol_by_name(name)
        assert sym, name
        return sym[0]["st_value"]


def vector(chip: str, index: int) -> int:
    data = (FIRMWARE / f"{FIRMWARE_OF[chip]}.bin").read_bytes()
    return int.from_bytes(data[4 * index : 4 * index + 4], "little")


@dataclass
class Rig:
    hw: object  # ocdpy.sim.env.SimHardware
    adapter: StlinkAdapter
    port: int | None

    @property
    def chip(self):  # -> SimChip
        return self.hw.chip  # type: ignore[attr-defined]

    @property
    def probe(self):  # -> SimStlink
        return self.hw.probe  # type: ignore[attr-defined]

    def commands(self) -> int:
        """Probe commands the virtual ST-Link has executed (its own count, not ours)."""
        return self.chip.stats.get("probe_commands")


def load_firmware(chip: object, name: str) -> None:
    data = (FIRMWARE / f"{name}.bin").read_bytes()
    chip.flash.write(0, data)  # type: ignore[attr-defined]
    chip.flash_changed(0x08000000, len(data))  # type: ignore[attr-defined]
    chip.power_on()  # type: ignore[attr-defined]


@contextlib.contextmanager
def rig(chip: str = "stm32f103c8", probe: str = "stlink-v2", link: str = "usb", driver: str = "hla",
        faults: tuple[str, ...] = (), fw: str | None = None, firmware: bool = True,
        reset: str = "", speed: int | None = None, serial: str | None = None,
        open_adapter: bool = True, run_s: float = 0.0, probes: int = 1) -> Iterator[Rig]:
    """A virtual `chip` (with its blinky firmware) behind `probes` virtual ST-Links and an
    ocdpy adapter for the first one, over `link` ("usb" or "tcp")."""
    from ocdpy.sim.env import SimHardware, SimSpec

    hw = SimHardware(SimSpec(chip=chip, probe=probe, faults=list(faults), fw=fw, deterministic=True))
    if firmware:
        load_firmware(hw.chip, FIRMWARE_OF[chip])
    if run_s:
        hw.chip.advance(run_s)
    probe_list = [hw.probe]
    for i in range(1, probes):
        from ocdpy.sim.stlink import SimStlink

        probe_list.append(SimStlink(hw.chip, probe, serial=f"{0x0F0000000000000000000000 + i:024X}",
                                    deterministic=True))
    settings = AdapterSettings(driver=driver, speed_khz=speed, serial=serial, reset=ResetConfig.parse(reset))
    with contextlib.ExitStack() as stack:
        port = None
        if link == "tcp":
            from ocdpy.sim.tcp_server import StlinkServer

            server = stack.enter_context(StlinkServer(probe_list, port=0))
            port = server.port
            settings.backend, settings.tcp_port = "tcp", port
        else:
            from ocdpy.sim.usb_backend import SimUsbBackend

            settings.usb_backend = SimUsbBackend(probe_list)
        adapter = create_adapter(settings)
        assert isinstance(adapter, StlinkAdapter)
        stack.callback(adapter.close)
        if open_adapter:
            adapter.open()
        yield Rig(hw, adapter, port)


@contextlib.contextmanager
def captured_log(level: int = log.INFO) -> Iterator[io.StringIO]:
    """Everything ocdpy.log prints while the block runs."""
    out = io.StringIO()
    old_level = log.get_level()
    log.set_output(out)
    log.set_level(level)
    try:
        yield out
    finally:
        log.set_output(None)
        log.set_level(old_level)
