"""A Cortex-M target on the virtual hardware, built the way the session will build it:
adapter -> (HLA facade | DebugPort + MemAP) -> CortexM."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from ocdpy.arm import CortexM, DebugPort, HlaMemAP, MemAP
from tests.adapter.rig import TARGET_NAME, Rig, rig


@dataclass
class Bench:
    rig: Rig
    core: CortexM
    events: list[str]

    @property
    def chip(self):  # -> SimChip
        return self.rig.chip


def build_core(r: Rig, name: str, events: list[str], ap: int = 0) -> CortexM:
    adapter = r.adapter
    if adapter.hla is not None:
        mem = HlaMemAP(adapter.hla, ap)
    else:
        dp = DebugPort(adapter.dap)
        dp.connect()
        mem = MemAP(dp.ap(ap))
        mem.init()
    return CortexM(name, mem, adapter, on_event=events.append)


@contextlib.contextmanager
def bench(chip: str = "stm32f103c8", driver: str = "hla", link: str = "usb", probe: str | None = None,
          examine: bool = True, **kwargs: object) -> Iterator[Bench]:
    """An examined core on `chip`; the DAP-level driver needs a V2-1/V3 probe by default."""
    if probe is None:
        probe = "stlink-v2" if driver == "hla" else "stlink-v2-1"
    with rig(chip=chip, probe=probe, link=link, driver=driver, **kwargs) as r:  # type: ignore[arg-type]
        events: list[str] = []
        core = build_core(r, TARGET_NAME[chip], events)
        if examine:
            core.examine()
            core.poll()
        yield Bench(r, core, events)
