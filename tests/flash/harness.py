"""Drive ocdpy's flash commands against a virtual chip without the probe layers:
a Session with the real interface/target config loaded, whose target is a
SimChipTarget (ocdpy.flash.simtarget) on a virtual chip.

    with sim_session("stm32f103c8") as h:
        out = h.run("flash write_image erase blinky.bin 0x08000000")
        h.chip.flash_bytes(0, 16)
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

import pytest

from ocdpy import log

ROOT = Path(__file__).resolve().parents[2]
FIRMWARE = ROOT / "contrib" / "firmware"
TARGET_CFG = {"stm32f103c8": "target/stm32f1x.cfg", "stm32f103cb": "target/stm32f1x.cfg",
              "stm32f407vg": "target/stm32f4x.cfg", "stm32h753xi": "target/stm32h7x.cfg"}


class Harness:
    def __init__(self, session, chip, target) -> None:
        self.session = session
        self.chip = chip
        self.target = target
        self.log = io.StringIO()

    def run(self, line: str) -> str:
        """Run a command line; returns its result text (what OpenOCD prints)."""
        return self.session.run_command(line)

    def fails(self, line: str) -> str:
        """Run a command that must fail; returns the log lines it wrote."""
        from ocdpy.tcl import TclError

        start = len(self.log.getvalue())
        with pytest.raises(TclError):
            self.session.run_command(line)
        return self.log.getvalue()[start:]

    def logged(self) -> str:
        return self.log.getvalue()


@contextmanager
def sim_session(chip_name: str, faults=(), state_path: str | None = None, swd_khz: float = 4000.0,
                work_area: tuple[int, int] | None = None, target_cfg: str | None = None,
                probe: str = "stlink-v2"):
    pytest.importorskip("unicorn")
    from ocdpy.commands.flash import build_banks
    from ocdpy.commands.registry import CommandMode
    from ocdpy.flash.simtarget import SimChipTarget
    from ocdpy.session import Session
    from ocdpy.sim.chips import create_chip

    chip = create_chip(chip_name, faults=list(faults), state_path=state_path)
    session = Session(use_installed_openocd=False)
    stream = io.StringIO()
    log.set_output(stream)
    try:
        session.run_script("interface/stlink.cfg")
        session.run_script(target_cfg or TARGET_CFG[chip_name])
        tcfg = session.config.targets[0]
        area = work_area or (tcfg.work_area_phys, tcfg.work_area_size)
        target = SimChipTarget(chip, work_area=area, probe=probe, swd_khz=swd_khz, name=tcfg.name)
        target.reset_halt()
        session.runtime_targets = {tcfg.name: target}
        session.command_mode = CommandMode.EXEC
        session.initialized = True
        build_banks(session)
        h = Harness(session, chip, target)
        h.log = stream
        yield h
    finally:
        log.set_output(None)
