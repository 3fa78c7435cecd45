"""The flash layer's view of a Cortex-M (`ocdpy.flash.target_api.FlashTarget`): memory,
work area, and "run the routine at A with these registers until it halts".

Algorithms run as OpenOCD runs them: debug execution (user breakpoints not armed),
interrupts masked (C_MASKINTS, set while still halted), HardFault caught by vector
catch so a faulting routine halts instead of running the application's handler.
"""

from __future__ import annotations

import time

from ocdpy.errors import TargetError, TargetNotHaltedError

from . import armv7m as V7
from .cortex_m import CortexM, DebugReason, TargetState

STOP_POLLS = 100


class CortexFlashTarget:
    """Adapts a `CortexM` (with its work area) to the flash layer's FlashTarget."""

    def __init__(self, core: CortexM) -> None:
        self.core = core
        self.name = core.name

    # memory -------------------------------------------------------------------------------

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes:
        return self.core.mem.read_memory(address, size, width)

    def write_memory(self, address: int, data: bytes, width: int = 4) -> None:
        self.core.mem.write_memory(address, bytes(data), width)

    def read_u32(self, address: int) -> int:
        return self.core.read_u32(address)

    def write_u32(self, address: int, value: int) -> None:
        self.core.write_u32(address, value)

    # state --------------------------------------------------------------------------------

    def is_halted(self) -> bool:
        core = self.core
        if core.state == TargetState.HALTED:
            return True
        if core.state == TargetState.DEBUG_RUNNING:
            return self.algorithm_state() is not None and core.state == TargetState.HALTED
        return core.poll() == TargetState.HALTED

    def core_partno(self) -> int:
        info = self.core.info
        return info.part.partno if info else 0

    def target_voltage(self) -> float | None:
        adapter = self.core.adapter
        return adapter.target_voltage() if adapter is not None else None

    def read_core_register(self, name: str) -> int:
        return self.core.read_register(name)

    # work area ------------------------------------------------------------------------------

    def work_area_free(self) -> int:
        areas = self.core.work_areas
        return areas.available() if areas is not None else 0

    def alloc_work_area(self, size: int) -> int | None:
        areas = self.core.work_areas
        if areas is None or areas.available() < ((size + 3) & ~3):
            return None
        return areas.alloc(size).address

    def free_work_area(self, address: int) -> None:
        areas = self.core.work_areas
        if areas is None:
            return
        for area in areas.areas:
            if area.address == address and not area.free:
                areas.free(area)
                return

    # algorithms -----------------------------------------------------------------------------

    def start_algorithm(self, entry: int, registers: dict[str, int]) -> None:
        core = self.core
        if core.state != TargetState.HALTED:
            raise TargetNotHaltedError(f"[{core.name}] target not halted: cannot run a flash "
                                       "algorithm on a running core (run `reset halt` first)")
        core.mem.write_u32(V7.DEMCR, V7.TRCENA | V7.VC_HARDERR | core.demcr_user)
        for name, value in registers.items():
            core.write_register(name, value)
        core.write_register("pc", entry & ~1)
        xpsr = core.read_register("xPSR")
        if not xpsr & (1 << 24):  # Thumb state, or the first instruction faults
            core.write_register("xPSR", xpsr | (1 << 24))
        core._write_dhcsr(V7.C_HALT | V7.C_MASKINTS | V7.C_DEBUGEN)  # MASKINTS only while halted
        core._regs.clear()
        core._write_dhcsr(V7.C_MASKINTS | V7.C_DEBUGEN)
        core.debug_reason = DebugReason.NOTHALTED
        core.state = TargetState.DEBUG_RUNNING

    def algorithm_state(self):  # -> CoreState | None
        from ocdpy.flash.target_api import CoreState

        core = self.core
        dhcsr = core._read_dhcsr()
        if dhcsr & V7.S_HALT:
            if core.state != TargetState.HALTED:
                core.state = TargetState.HALTED
                core._debug_entry()
                core.mem.write_u32(V7.DEMCR, V7.TRCENA | core.demcr_user)
            dfsr = core.dfsr
            reason = ("breakpoint" if dfsr & V7.DFSR_BKPT else
                      "fault (vector catch)" if dfsr & V7.DFSR_VCATCH else "halted")
            pc, xpsr = core.read_register("pc"), core.read_register("xPSR")
            return CoreState(True, pc, xpsr, {"pc": pc, "xpsr": xpsr}, reason)
        if dhcsr & V7.S_LOCKUP:
            return CoreState(False, reason="core locked up")
        return None

    def stop_algorithm(self):  # -> CoreState
        core = self.core
        state = self.algorithm_state()
        if state is not None and state.halted:
            return state
        core._write_dhcsr(V7.C_HALT | V7.C_DEBUGEN)
        for _ in range(STOP_POLLS):
            after = self.algorithm_state()
            if after is not None and after.halted:
                after.reason = "halt request" if state is None else state.reason
                return after
        raise TargetError(f"[{core.name}] the core did not halt after a flash algorithm: run "
                          "`reset halt` and try again")

    # time -----------------------------------------------------------------------------------

    def now(self) -> float:
        return time.monotonic()

    def wait(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(min(seconds, 0.05))
