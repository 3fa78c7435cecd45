"""The flash layer's view of a Cortex-M (`ocdpy.flash.target_api.FlashTarget`): memory,
work area, and "run the routine at A with these registers until it halts".

Algorithms run as OpenOCD runs them: debug execution (user breakpoints not armed),
interrupts masked (C_MASKINTS, set while still halted), HardFault caught by vector
catch so a faulting routine halts instead of running the application's handler.
"""

from __future__ import annotations

from ocdpy.errors import TargetError, TargetNotHaltedError

from . import armv7m as V7
from .cortex_m import CortexM, DebugReason, TargetState

STOP_POLLS = 100
XPSR_T = 1 << 24


class CortexFlashTarget:
    """Adapts a `CortexM` (with its work area) to the flash layer's FlashTarget."""

    def __init__(self, core: CortexM) -> None:
        self.core = core
        self.name = core.name
        # routine_halted saw the halt without the debug entry (DFSR, context)
        self._entry_owed = False
        # core.run_count of the routine run that had the Thumb bit set
        self._thumb_run = -1

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
            return self.routine_halted()
        return core.poll() == TargetState.HALTED

    def routine_halted(self) -> bool:
        """Has the routine reached its BKPT? One DHCSR read. The debug entry (halt
        reason, register context) is left for whoever needs it: a fault report
        (`algorithm_state`), a register read, or the next time the core runs."""
        core = self.core
        if core.state != TargetState.DEBUG_RUNNING:
            return self.is_halted()
        if not core._read_dhcsr() & V7.S_HALT:
            return False
        core.state = TargetState.HALTED
        core.debug_reason = DebugReason.BREAKPOINT
        core._dfsr_stale = True
        self._entry_owed = True
        return True

    def core_partno(self) -> int:
        info = self.core.info
        return info.part.partno if info else 0

    def target_voltage(self) -> float | None:
        adapter = self.core.adapter
        return adapter.target_voltage() if adapter is not None else None

    def read_core_register(self, name: str) -> int:
        return self.core.read_register(name)

    def write_core_register(self, name: str, value: int) -> None:
        self.core.write_register(name, value)

    def restore_core_registers(self, values: dict[str, int]) -> None:
        """Give registers back as OpenOCD's wait_algorithm does: cached and marked
        dirty, written when the core next runs (or at shutdown), dropped by a reset."""
        self.core.restore_registers(values)

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
        """Set the registers and run from `entry` with interrupts masked and HardFault
        caught. Writes only what differs from what the core is known to hold: DEMCR
        once (a reset or the application's resume changes it back), the Thumb bit
        only when not known set, C_MASKINTS (while halted) only when clear."""
        core = self.core
        if core.state != TargetState.HALTED:
            raise TargetNotHaltedError(f"[{core.name}] target not halted: cannot run a flash "
                                       "algorithm on a running core (run `reset halt` first)")
        core.write_demcr(V7.TRCENA | V7.VC_HARDERR | core.demcr_user)
        written = {core.register_regsel(name) for name in registers} | {15}
        core.prepare_to_run(keep=tuple(written))
        for name, value in registers.items():
            core.write_register(name, value)
        core.write_register("pc", entry & ~1)
        if self._thumb_run != core.run_count:
            xpsr = core.read_register("xPSR")
            if not xpsr & XPSR_T:  # Thumb state, or the first instruction faults
                core.write_register("xPSR", xpsr | XPSR_T)
        if not core._maskints:
            core._write_dhcsr(V7.C_HALT | V7.C_MASKINTS | V7.C_DEBUGEN)  # MASKINTS only while halted
        core._drop_registers()
        core._write_dhcsr(V7.C_MASKINTS | V7.C_DEBUGEN)
        core.run_count += 1
        self._thumb_run = core.run_count  # a BKPT halt keeps the Thumb bit the routine ran with
        self._entry_owed = False
        core.debug_reason = DebugReason.NOTHALTED
        core.state = TargetState.DEBUG_RUNNING

    def algorithm_state(self):  # -> CoreState | None
        """None while the routine runs; once halted, the full report (halt reason from
        DFSR, pc and xPSR), for fault and stall messages."""
        from ocdpy.flash.target_api import CoreState

        core = self.core
        dhcsr = core._read_dhcsr()
        if dhcsr & V7.S_HALT:
            if core.state != TargetState.HALTED or self._entry_owed:
                core.state = TargetState.HALTED
                core.debug_reason = DebugReason.NOTHALTED  # let DFSR tell
                core._debug_entry()
                self._entry_owed = False
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
        """The target's time: wall time on hardware, modeled time on a virtual chip."""
        return self._timebase().now()

    def wait(self, seconds: float) -> None:
        self._timebase().wait(seconds)

    def _timebase(self):  # -> ocdpy.adapter.base.Timebase
        from ocdpy.adapter.base import WALL_CLOCK

        return getattr(self.core.adapter, "timebase", None) or WALL_CLOCK
