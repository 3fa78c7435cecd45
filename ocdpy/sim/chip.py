"""A virtual STM32: core, memories, peripherals, flash controller and debug port.

`SimChip` implements ocdpy.sim.port.SimTarget: the probe drives it through the SWD
wires (DP/AP accesses and MEM-AP memory commands), the NRST line and the VREF pin,
and lets modeled time pass with `advance()`, during which the core executes.

Time. `stats.clock.now` is the probe's modeled time. The core keeps its own
`core_time`; `advance()` runs it in slices of at most 1 ms until it reaches the clock.
Instructions cost one cycle each at the reset clock. A core that waits on the flash
(BSY polling, bus stalls) takes the wait in one step. A long wait (an erase) that ends
past the clock stops the core before the access that waits: it makes that access, and
goes on, only once the clock has got there, so nothing it does after the wait shows
early. Short waits (programming), and any wait of an instruction with several accesses
(STM, PUSH), are taken inside the slice: the core may get ahead of the clock by about a
slice; a halt it reaches there becomes visible when the clock gets there.
"""

from __future__ import annotations

import math

from ocdpy.sim import debug as dbg
from ocdpy.sim.bus import BusFault, BusView
from ocdpy.sim.chips import ChipSpec
from ocdpy.sim.core import (
    CORE_MODELS,
    HARDFAULT,
    STOP_BKPT,
    STOP_FAULT,
    STOP_FPB,
    STOP_WATCH,
    CoreStalled,
    RunResult,
    SimCore,
)
from ocdpy.sim.faults import ChipFaults
from ocdpy.sim.gpio import ToggleCounter
from ocdpy.sim.layout import FLASH_BASE, ChipLayout
from ocdpy.sim.port import SimBusFault, SimStats, SimSwdError
from ocdpy.sim.timing import RESET_CLOCK_HZ

SLICE_SECONDS = 1e-3
# While the core works the flash, run it in short slices: a slice cannot stop at a
# stall, so short ones keep a flash loader from racing ahead of the probe's clock and
# spinning on an empty FIFO for the rest of a long slice.
FLASH_SLICE = 256
VREF_VOLTS = 3.3
# A flash wait longer than this (erases, option bytes; programming is shorter on every
# chip) that takes the core past the probe's clock ends the slice (see stall_until).
LONG_WAIT = SLICE_SECONDS


class SimChip(ChipLayout):
    """One virtual chip. See the module docstring and docs/sim.md "Virtual chips"."""

    def __init__(self, spec: ChipSpec, faults: ChipFaults, state_path: str | None = None) -> None:
        self.spec = spec
        self.name = spec.name
        self.faults = faults
        self.stats = SimStats()
        self.clock = self.stats.clock
        self.clock_hz = RESET_CLOCK_HZ[spec.family]
        self.state_path = state_path
        self.toggles = ToggleCounter(on_toggle=lambda n: self.stats.count("gpio_toggles", n))

        self.powered = not faults.no_power
        self.in_reset = False
        self.halted = False
        self.lockup = False
        self.debugger_attached = False
        self.swd_off = False
        self.core_time = 0.0
        self._halt_at = 0.0
        self._ran_since_reset = 0.0
        self._running_core = False
        self._run_t0 = 0.0
        self._run_target = math.inf  # a stall past this time ends the run
        self._stall = 0.0
        self._slice = FLASH_SLICE
        self._flash_activity = False
        self._hooks_dirty = False
        self._fixups: list[tuple[int, bytes]] = []
        self._dirty_code: tuple[int, int] | None = None
        self._reset_request: str | None = None
        self._flash_mapped = False

        self._build_memories()
        self._build_devices()
        self.debug = dbg.CoreDebug(self)
        self.core = SimCore(CORE_MODELS[spec.core], self._cpu_read32, self._cpu_write32)
        self._build_views()
        self._map_core()
        self._build_dap()

        if state_path:
            from ocdpy.sim.state import load_state_if_present

            load_state_if_present(self, state_path)
        self.flashctl.apply_faults(faults.rdp1, faults.wrp_mask)
        self.power_on()

    # construction ---------------------------------------------------------------

    # power and reset ------------------------------------------------------------

    def power_on(self) -> None:
        """Power-on reset: everything, debug domain included, then the core starts."""
        self.debug.power_on_reset()
        self.dp.power_on_reset()
        self.dbgmcu.reset()
        for comp in self.debug_components:
            comp.reset()
        self.debugger_attached = False
        self.core.set_breakpoints(set())
        self.core.set_watchpoints([])
        self._abandon_wait()
        if self.powered:
            self._system_reset()

    def _system_reset(self) -> None:
        for device in self.resettable:
            device.reset()
        self.flashctl.system_reset()
        self.scs.reset()
        self.debug.system_reset()
        self._core_reset()

    def boot_vtor(self) -> int:
        if self.spec.family == "h7":
            return self.flashctl.boot_address()  # type: ignore[attr-defined]
        return 0

    def _core_reset(self) -> None:
        self._update_flash_access()
        self.halted = False
        self.lockup = False
        self.scs.vtor = self.boot_vtor()
        self.core.reset(self.scs.vtor)
        self.core.stkalign = bool(self.scs.store[0xD14] & 0x200)
        self.core_time = max(self.core_time, self.clock.now)
        self._ran_since_reset = 0.0
        self.swd_off = False
        self.debug.reset_sticky = True
        if self.in_reset:
            return
        if self.debug.catches(dbg.VC_CORERESET):
            self._halt(dbg.DFSR_VCATCH)
        elif self.debug.control & dbg.C_HALT and self.debug.debug_enabled:
            self._halt(dbg.DFSR_HALTED)

    def request_system_reset(self) -> None:
        """AIRCR.SYSRESETREQ: from the core, at the end of the instruction."""
        self._request_reset("system")

    def request_core_reset(self) -> None:
        self._request_reset("core")

    def _request_reset(self, kind: str) -> None:
        if self._running_core:
            self._reset_request = kind
            self.core.request_stop()
            return
        self._abandon_wait()
        if kind == "system":
            self._system_reset()
        else:
            self._core_reset()

    def _abandon_wait(self) -> None:
        """Reset from outside the core: a flash wait it was in (core_time ahead of the
        clock, see stall_until) ends, and it restarts at the probe's time."""
        self.core_time = min(self.core_time, self.clock.now)

    def _update_flash_access(self) -> None:
        """Read protection with a debugger attached takes flash away from the core too."""
        self._map_flash(not self.flashctl.read_protected())

    # SimTarget: pins ----------------------------------------------------------------

    def target_voltage(self) -> float:
        return VREF_VOLTS if self.powered else 0.0

    def set_nrst(self, asserted: bool) -> None:
        if self.faults.nrst_open or not self.powered or asserted == self.in_reset:
            return
        if asserted:
            self._abandon_wait()
            self.in_reset = True
            for device in self.resettable:
                device.reset()
            self.flashctl.system_reset()
            self.scs.reset()
            self.debug.system_reset()
            self.halted = False
            self.lockup = False
            self.swd_off = False
        else:
            self.in_reset = False
            self._core_reset()

    # SimTarget: SWD -------------------------------------------------------------------

    def _swd_check(self) -> None:
        if not self.powered:
            raise SimSwdError(SimSwdError.ACK_NONE, "target not powered")
        if self.swd_off and not self.in_reset:
            raise SimSwdError(SimSwdError.ACK_NONE, "SWD pins reassigned by firmware")

    def _attach(self) -> None:
        if not self.debugger_attached:
            self.debugger_attached = True
            self._update_flash_access()

    def swd_line_reset(self) -> int:
        self._swd_check()
        self._attach()
        return self.dp.line_reset()

    def dp_read(self, reg: int) -> int:
        self._swd_check()
        self._attach()
        return self.dp.read(reg)

    def dp_write(self, reg: int, value: int) -> None:
        self._swd_check()
        self._attach()
        self.dp.write(reg, value)

    def ap_read(self, ap: int, reg: int) -> int:
        self._swd_check()
        self._attach()
        return self.dp.ap_read(ap, reg)

    def ap_write(self, ap: int, reg: int, value: int) -> None:
        self._swd_check()
        self._attach()
        self.dp.ap_write(ap, reg, value)

    def _memory_ap(self, ap: int, addr: int) -> BusView:
        self._swd_check()
        self._attach()
        self.dp.clear_sticky_for_command()
        memap = self.aps.get(ap)
        if memap is None:
            self.dp.memory_fault()
            raise BusFault(addr, f"no access port {ap}")
        return memap.view

    def mem_read(self, ap: int, addr: int, size: int, width: int) -> bytes:
        view = self._memory_ap(ap, addr)
        try:
            return view.read(addr, size, width)
        except SimBusFault:
            self.dp.memory_fault()
            raise

    def mem_write(self, ap: int, addr: int, data: bytes, width: int) -> None:
        view = self._memory_ap(ap, addr)
        try:
            view.write(addr, bytes(data), width)
        except SimBusFault:
            self.dp.memory_fault()
            raise

    # SimTarget: time ---------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.clock.advance(seconds)
        self._run_until(self.clock.now)

    def _core_runs(self) -> bool:
        return self.powered and not (self.in_reset or self.halted or self.lockup)

    def _run_until(self, target: float) -> None:
        hz = self.clock_hz
        slice_max = max(FLASH_SLICE, int(hz * SLICE_SECONDS))
        while self._core_runs() and target - self.core_time > 0.5 / hz:
            count = min(self._slice, max(1, math.ceil((target - self.core_time) * hz - 1e-9)))
            self._flash_activity = False
            self._run_slice(count, target)
            self._slice = FLASH_SLICE if self._flash_activity else min(2 * self._slice, slice_max)
        if not self._core_runs():
            if self.lockup and self.powered and not self.in_reset and not self.halted:
                # a locked-up core stands for firmware that failed early: it still counts
                self._ran_since_reset += max(0.0, target - self.core_time)
                self._check_swd_disable()
            self.core_time = max(self.core_time, target)

    def _run_slice(self, count: int, target: float = math.inf) -> int:
        hz = self.clock_hz
        if self._dirty_code is not None:
            self._flush_code()
        self._run_t0 = self.core_time
        self._run_target = target
        self._stall = 0.0
        # Only the application can take the SWD pins; a debugger's loader in SRAM never does.
        from_boot_memory = not self._in_ram(self.core.pc)
        self._running_core = True
        try:
            result = self.core.run(count)
        finally:
            self._running_core = False
        if self._fixups:
            self._apply_fixups()
        if self._dirty_code is not None:
            self._flush_code()
        if self._hooks_dirty:
            self._update_hooks()
        executed = count if result.executed is None else result.executed
        elapsed = executed / hz + self._stall
        self.core_time = self._run_t0 + elapsed
        if from_boot_memory:
            self._ran_since_reset += elapsed
        if executed:
            self.stats.count("core_instructions", executed)
            self.debug.retire_sticky = True
        self._handle_stop(result)
        self._check_swd_disable()
        return executed

    def _in_ram(self, pc: int) -> bool:
        return any(block.base <= pc < block.end for block in self.rams)

    def _check_swd_disable(self) -> None:
        after = self.faults.swd_disable_after
        if after is not None and not self.swd_off and self._ran_since_reset >= after:
            self.swd_off = True

    def _handle_stop(self, result: RunResult) -> None:
        request, self._reset_request = self._reset_request, None
        if request == "system":
            self._system_reset()
            return
        if request == "core":
            self._core_reset()
            return
        reason = result.reason
        if reason == STOP_BKPT:
            if self.debug.debug_enabled:
                self._halt(dbg.DFSR_BKPT)
            else:
                self._fault("undefinstr", None, pc=self.core.pc)
        elif reason == STOP_FPB:
            if self.debug.debug_enabled:
                self._halt(dbg.DFSR_BKPT)
        elif reason == STOP_WATCH:
            self.dwt.matched(result.fault_addr or 0)
            if self.debug.debug_enabled:
                self._halt(dbg.DFSR_DWTTRAP)
        elif reason == STOP_FAULT:
            self._fault(result.fault or "undefinstr", result.fault_addr, pc=self.core.pc)

    def _fault(self, kind: str, addr: int | None, pc: int) -> None:
        """Take HardFault for a fault at `pc` (all faults escalate: none is enabled)."""
        self.scs.fault(kind, addr, forced=True)
        if not self.core.take_exception(HARDFAULT, pc):
            self.lockup = True
            self.core.lock_up()
            return
        if self.debug.catches(dbg.VC_HARDERR):
            self._halt(dbg.DFSR_VCATCH)

    # halting ------------------------------------------------------------------------

    def _halt(self, dfsr: int) -> None:
        self.halted = True
        self.lockup = False
        self.debug.dfsr |= dfsr
        self._halt_at = self.core_time

    def debug_halt(self, dfsr: int) -> None:
        """C_HALT written by the debugger: halt now (also ends a lockup)."""
        if self.in_reset or not self.powered:
            return
        self._halt(dfsr)
        self._halt_at = self.clock.now
        # A core waiting on the flash (in the model, a polling loop taken in one step)
        # has not made its access yet; it halts now and waits again when resumed.
        self._abandon_wait()

    def debug_resume(self) -> None:
        self.halted = False
        self.core_time = max(self.core_time, self.clock.now)

    def debug_step(self) -> None:
        """C_STEP with C_HALT clear: one instruction, then halt again."""
        self.halted = False
        self.core_time = max(self.core_time, self.clock.now)
        self._run_slice(1)  # no target: a step completes, whatever it waits for
        if not self.halted and not self.lockup:
            self._halt(dbg.DFSR_HALTED)
        self._halt_at = self.clock.now

    def halt_visible(self) -> bool:
        return self.halted and self.clock.now >= self._halt_at

    def running_visible(self) -> bool:
        return self._core_runs() or (self.halted and self.clock.now < self._halt_at)

    def breakpoints_changed(self) -> None:
        self._hooks_dirty = True
        if self._running_core:
            self.core.request_stop()  # hooks are changed between runs, not inside one
        else:
            self._update_hooks()

    def watchpoints_changed(self) -> None:
        self.breakpoints_changed()

    def _update_hooks(self) -> None:
        if self._hooks_dirty:
            self._hooks_dirty = False
            self.core.set_breakpoints(self.fpb.breakpoints())
            self.core.set_watchpoints(self.dwt.watchpoints())

    # time as seen by devices -----------------------------------------------------------

    def cpu_time(self) -> float:
        if self._running_core:
            return self._run_t0 + self._stall
        if self._core_runs():
            return min(self.core_time, self.clock.now)  # waiting on the flash: the clock's time
        return max(self.core_time, self.clock.now)

    def access_time(self) -> float:
        """"Now" for the master doing the current access (core during a run, else probe)."""
        return self._run_t0 + self._stall if self._running_core else self.clock.now

    def stall_until(self, when: float) -> None:
        """The current master waits until `when` (flash busy). A core that would wait
        past the end of its run stops before the access instead (CoreStalled)."""
        if self._running_core:
            self._flash_activity = True
            start = self._run_t0 + self._stall
            if when <= start:
                return
            self._stall = when - self._run_t0
            # A long wait (an erase) past the clock ends the slice. Short ones (programming)
            # do not: a stopped run is charged whole (Unicorn cannot say how far it got),
            # and stopping at every half-word would cost that each time; the core then
            # gets ahead by at most one flash slice and its waits (about a millisecond).
            if when > self._run_target and when - start > LONG_WAIT and self.core.stop_before_access():
                raise CoreStalled
        elif when > self.clock.now:
            self.clock.advance(when - self.clock.now)

    def pc_sample(self) -> int:
        return 0xFFFFFFFF if self.halted or not self.powered else self.core.pc

    # memory paths -------------------------------------------------------------------------

    def _ram_written(self, addr: int, length: int) -> None:
        # Only writes from outside a run can change code the core already translated;
        # the core's own stacking writes during a run must not touch Unicorn's caches.
        if not self._running_core:
            self.core.invalidate_code(addr, length)

    def flash_changed(self, addr: int, length: int) -> None:
        """Flash cells changed: translated code there (and at the alias) is stale."""
        lo = addr - FLASH_BASE
        hi = lo + length
        dirty = self._dirty_code
        if dirty is None:
            self._dirty_code = (lo, hi)
        elif lo < dirty[0] or hi > dirty[1]:
            self._dirty_code = (min(lo, dirty[0]), max(hi, dirty[1]))
        if not self._running_core:
            self._flush_code()

    def _flush_code(self) -> None:
        dirty, self._dirty_code = self._dirty_code, None
        if dirty is None:
            return
        lo, hi = dirty
        self.core.invalidate_code(FLASH_BASE + lo, hi - lo)
        if self.spec.flash_alias:
            self.core.invalidate_code(lo, hi - lo)

    def _apply_fixups(self) -> None:
        fixups, self._fixups = self._fixups, []
        for offset, data in fixups:
            self.flash.write(offset, data)

    def _on_cpu_flash_write_alias(self, addr: int, size: int, value: int) -> None:
        self._on_cpu_flash_write(addr + FLASH_BASE, size, value)

    def _on_cpu_flash_write(self, addr: int, size: int, value: int) -> None:
        """A core store to flash; Unicorn stores `value` itself once this returns."""
        if self._fixups:
            self._apply_fixups()
        self._flash_activity = True
        value &= (1 << (8 * size)) - 1
        final = self.flashctl.write_flash(addr, size, value, from_cpu=True)
        if final != value.to_bytes(size, "little"):
            self._fixups.append((addr - FLASH_BASE, final))
        if not self._running_core:
            self._apply_fixups()

    def _dbg_flash_read(self, addr: int, length: int, width: int) -> bytes:
        self.flashctl.check_read(addr, length)
        return self.flash.read(addr - FLASH_BASE, length)

    def _dbg_flash_write(self, addr: int, data: bytes, width: int) -> None:
        pos = 0
        while pos < len(data):
            size = width
            while size > 1 and ((addr + pos) % size or pos + size > len(data)):
                size //= 2
            value = int.from_bytes(data[pos : pos + size], "little")
            self.flashctl.write_flash(addr + pos, size, value, from_cpu=False)
            pos += size

    def _cpu_flash_read(self, addr: int, length: int, width: int) -> bytes:
        if not self._flash_mapped:
            raise BusFault(addr, "flash not readable by the core (read protection)")
        return self.flash.read(addr - FLASH_BASE, length)

    def _cpu_flash_write_bus(self, addr: int, data: bytes, width: int) -> None:
        self.flashctl.write_flash(addr, len(data), int.from_bytes(data, "little"), from_cpu=True)

    def _cpu_read32(self, addr: int) -> int:
        return int.from_bytes(self.cpu_view.read(addr & 0xFFFFFFFF, 4, 4), "little")

    def _cpu_write32(self, addr: int, value: int) -> None:
        self.cpu_view.write(addr & 0xFFFFFFFF, value.to_bytes(4, "little"), 4)

    # state and introspection ------------------------------------------------------------

    def save_state(self, path: str | None = None) -> None:
        """Write flash, option bytes and protection to `path` (default: state_path)."""
        from ocdpy.sim.state import save_state

        target = path or self.state_path
        if not target:
            raise ValueError("no state file given")
        save_state(self, target)

    def load_state(self, path: str) -> None:
        """Load flash and option bytes from `path`, then power-cycle the chip."""
        from ocdpy.sim.state import load_state

        load_state(self, path)
        self.flashctl.apply_faults(self.faults.rdp1, self.faults.wrp_mask)
        self.power_on()

    def gpio_toggles(self, port: str, pin: int) -> int:
        """How many times output pin `pin` of GPIO port `port` ("A".."K") changed."""
        return self.toggles.get(port, pin)

    def gpio_output(self, port: str) -> int:
        """Current ODR of a GPIO port."""
        return int(getattr(self.gpio[port.upper()], "odr", 0))

    def flash_bytes(self, offset: int = 0, size: int | None = None) -> bytes:
        """Main flash contents, regardless of protection."""
        size = self.flash.size - offset if size is None else size
        return self.flash.read(offset, size)

    def option_bytes(self) -> dict[str, object]:
        """Option bytes and protection as stored (family-specific keys)."""
        return self.flashctl.option_state()

    def read_memory(self, addr: int, size: int) -> bytes:
        """Read through the debug AHB-AP's view without SWD side effects or counters."""
        return self.views["ahb"].read(addr, size, 4)

    def register(self, sel: int) -> int:
        """Core register by DCRSR selector (0-15 r0-pc, 16 xPSR, 17 MSP, 18 PSP, ...)."""
        return self.core.read_register(sel)

    @property
    def pc(self) -> int:
        return self.core.pc

    @property
    def state(self) -> str:
        """"off", "reset", "halted", "lockup" or "running" as the debugger would see it."""
        if not self.powered:
            return "off"
        if self.in_reset:
            return "reset"
        if self.halted:
            return "halted"
        return "lockup" if self.lockup else "running"
