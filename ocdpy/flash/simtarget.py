"""A FlashTarget wired straight to a virtual chip (ocdpy.sim), for tests and benchmarks
of the flash layer without a probe driver in between.

Every operation is charged to the chip's modeled clock as the ST-Link command(s) a
good driver would send for it (ocdpy.sim.stlink.timing: USB round trip, bytes, SWD
transfers), so loaders, BSY polling and ring-buffer streaming see realistic timing and
modeled durations are comparable with runs through the virtual probe. "A good driver"
is OpenOCD's way where it is lean: memory commands split where the MEM-AP's address
auto-increment wraps (4 KiB on Cortex-M3/M4, 1 KiB on others), the core state and the
registers read at a halt are remembered, and registers given back after a routine are
kept as dirty until the core next runs (armv7m_wait_algorithm does the same).

    from ocdpy.sim.chips import create_chip
    from ocdpy.flash.simtarget import SimChipTarget
    target = SimChipTarget(create_chip("stm32f103c8"))
    target.reset_halt()
"""

from __future__ import annotations

from ocdpy.errors import TargetError, TransferFaultError
from ocdpy.flash.target_api import CoreState

DHCSR, DCRSR, DCRDR, DEMCR, DFSR, CPUID, AIRCR = (
    0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC, 0xE000ED30, 0xE000ED00, 0xE000ED0C)
DBGKEY = 0xA05F << 16
C_DEBUGEN, C_HALT, C_MASKINTS = 1, 2, 8
S_HALT, S_LOCKUP = 1 << 17, 1 << 19
VC_CORERESET, VC_HARDERR, TRCENA = 1, 1 << 10, 1 << 24
REG_SEL = {f"r{i}": i for i in range(13)} | {"sp": 13, "lr": 14, "pc": 15, "xpsr": 16,
                                              "msp": 17, "psp": 18}
MAX_TRANSFER = 6144  # bytes per ST-Link memory command (the firmware's buffer)
XPSR_T = 1 << 24

# Work areas as the targets' config files lend them (stm32f1x/f4x/h7x.cfg).
DEFAULT_WORK_AREA = {"f1": (0x20000000, 0x1000), "f4": (0x20000000, 0x8000),
                     "h7": (0x20000000, 0x10000)}


class SimChipTarget:
    """FlashTarget over a `SimChip` (see module docstring)."""

    def __init__(self, chip, work_area: tuple[int, int] | None = None, probe: str = "stlink-v2",
                 swd_khz: float = 1000.0, name: str | None = None) -> None:
        from ocdpy.sim.stlink.kinds import probe_kind

        self.chip = chip
        self.name = name or f"{chip.name}.cpu"
        self.kind = probe_kind(probe)
        self.swd_khz = swd_khz
        base, size = work_area or DEFAULT_WORK_AREA[chip.spec.family]
        self.work_base, self.work_size = base, size
        self._allocs: dict[int, int] = {}
        self.commands = 0
        self._partno: int | None = None
        self._demcr_set = False  # VC_HARDERR armed since the last reset
        self._halted: bool | None = None  # known state; None: ask DHCSR
        self._regs: dict[str, int] = {}  # read while halted (one READALLREGS command)
        self._dirty: dict[str, int] = {}  # to write before the core next runs
        self._maskints = False  # C_MASKINTS set (it may only change while halted)

    # cost model ------------------------------------------------------------------
    # What the ST-Link commands cost in the sim's model (ocdpy.sim.stlink.timing); the
    # SWD transfer counts are those the virtual probe counts for each command (the
    # words plus the AP setup), so this target and the command line agree.

    def _command(self, data_bytes: int, transfers: int) -> None:
        from ocdpy.sim.stlink.timing import command_cost

        self.commands += 1
        self.chip.advance(command_cost(self.kind, 16 + data_bytes, transfers, self.swd_khz))

    def _pieces(self, address: int, size: int) -> list[int]:
        """Bytes per memory command: split where the MEM-AP's address auto-increment
        wraps, and at the firmware's buffer size."""
        block = 4096 if self._partno in (0xC23, 0xC24) else 1024
        out, pos, end = [], address, address + size
        while pos < end:
            n = min(end - pos, block - (pos & (block - 1)), MAX_TRANSFER)
            out.append(n)
            pos += n
        return out

    def _charge_memory(self, address: int, size: int, width: int, write: bool) -> None:
        if size == 4 and width == 4 and not address & 3:
            # READDEBUGREG / WRITEDEBUGREG: one command, the status in its reply.
            self._command(2 if write else 8, 3 if write else 4)
            return
        for n in self._pieces(address, size):
            # READMEM/WRITEMEM, then GETLASTRWSTATUS2 (12 bytes, no SWD) for the outcome.
            self._command(n, (n + width - 1) // width + (2 if write else 3))
            self._command(12, 0)

    # memory -------------------------------------------------------------------------

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes:
        from ocdpy.sim.port import SimBusFault, SimSwdError

        if size <= 0:
            return b""
        self._charge_memory(address, size, width, write=False)
        try:
            return self.chip.mem_read(0, address, size, width)
        except SimBusFault as exc:
            raise TransferFaultError(f"memory read at 0x{exc.addr:08x} faulted", exc.addr) from None
        except SimSwdError as exc:
            raise TransferFaultError(f"no answer from the target on SWD ({exc})", address) from None

    def write_memory(self, address: int, data: bytes, width: int = 4) -> None:
        from ocdpy.sim.port import SimBusFault, SimSwdError

        if not data:
            return
        self._charge_memory(address, len(data), width, write=True)
        try:
            self.chip.mem_write(0, address, bytes(data), width)
        except SimBusFault as exc:
            raise TransferFaultError(f"memory write at 0x{exc.addr:08x} faulted", exc.addr) from None
        except SimSwdError as exc:
            raise TransferFaultError(f"no answer from the target on SWD ({exc})", address) from None

    def read_u32(self, address: int) -> int:
        return int.from_bytes(self.read_memory(address, 4, 4), "little")

    def write_u32(self, address: int, value: int) -> None:
        self.write_memory(address, (value & 0xFFFFFFFF).to_bytes(4, "little"), 4)

    # core ------------------------------------------------------------------------------

    def is_halted(self) -> bool:
        if self._halted is None:
            halted = bool(self.read_u32(DHCSR) & S_HALT)
            if halted:
                self._halted = True
            return halted
        return self._halted

    def routine_halted(self) -> bool:
        """One DHCSR read; a halt keeps the registers the routine promises to keep."""
        if self._halted:
            return True
        if self.read_u32(DHCSR) & S_HALT:
            self._halted = True
            self._regs.pop("pc", None)
            return True
        return False

    def core_partno(self) -> int:
        if self._partno is None:
            self._partno = (self.read_u32(CPUID) >> 4) & 0xFFF
        return self._partno

    def target_voltage(self) -> float | None:
        return self.chip.target_voltage()

    def halt(self) -> None:
        self._regs = {}
        self.write_u32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT | (C_MASKINTS if self._maskints else 0))
        self._halted = True

    def resume(self) -> None:
        self._flush_dirty()
        self._regs = {}
        if self._maskints:
            self.write_u32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT)
            self._maskints = False
        self._halted = False
        self.write_u32(DHCSR, DBGKEY | C_DEBUGEN)

    def reset_halt(self) -> None:
        """reset halt: system reset with the core caught at the reset vector, then the
        debug entry a debugger makes (the registers read once)."""
        self._demcr_set = False
        self._regs, self._dirty = {}, {}
        self.write_u32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT)
        self.write_u32(DEMCR, TRCENA | VC_CORERESET | VC_HARDERR)
        self.write_u32(AIRCR, 0x05FA0004)
        self.chip.advance(1e-3)
        self._halted = None
        if not self.is_halted():
            raise TargetError("the core did not halt after reset")
        self.write_u32(DEMCR, TRCENA)  # as a debugger leaves it after reset: no vector catch
        self._maskints = False
        self.core_partno()
        self.read_core_register("pc")

    def reset_run(self) -> None:
        """reset run: system reset, debug requests cleared, the core runs."""
        self._demcr_set = self._maskints = False
        self._regs, self._dirty = {}, {}
        self._halted = False
        self.write_u32(DEMCR, TRCENA)
        self.write_u32(DHCSR, DBGKEY | C_DEBUGEN)
        self.write_u32(AIRCR, 0x05FA0004)

    def read_core_register(self, name: str) -> int:
        if name in self._dirty:
            return self._dirty[name]
        if name not in self._regs:
            # The ST-Link's read-all-registers command: one USB command, 21 words.
            self._command(88, 3 * 21)
            fresh = {n: self.chip.register(sel) for n, sel in REG_SEL.items()}
            self._regs = fresh | {n: v for n, v in self._regs.items() if n in fresh}
        return self._regs[name]

    def write_core_register(self, name: str, value: int) -> None:
        # The ST-Link WRITEREG command: one USB command (DCRDR, DCRSR, S_REGRDY).
        self._dirty.pop(name, None)
        self._command(2, 3)
        self.chip.mem_write(0, DCRDR, (value & 0xFFFFFFFF).to_bytes(4, "little"), 4)
        self.chip.mem_write(0, DCRSR, (REG_SEL[name] | 1 << 16).to_bytes(4, "little"), 4)
        self._regs[name] = value & 0xFFFFFFFF

    def restore_core_registers(self, values: dict[str, int]) -> None:
        """Kept as dirty: written when the core next runs, forgotten by a reset."""
        for name, value in values.items():
            if self._regs.get(name) != value & 0xFFFFFFFF or name not in self._regs:
                self._dirty[name] = value & 0xFFFFFFFF

    def flush_registers(self) -> None:
        """Write the registers given back (dirty) now, as a resume would."""
        self._flush_dirty()

    def _flush_dirty(self, skip: tuple[str, ...] = ()) -> None:
        dirty, self._dirty = self._dirty, {}
        for name, value in dirty.items():
            if name not in skip:
                self.write_core_register(name, value)

    # work area -----------------------------------------------------------------------------

    def work_area_free(self) -> int:
        used = sum(self._allocs.values())
        return self.work_size - used

    def alloc_work_area(self, size: int) -> int | None:
        size = (size + 3) & ~3
        pos = self.work_base
        for addr in sorted(self._allocs):
            if addr - pos >= size:
                break
            pos = addr + self._allocs[addr]
        if pos + size > self.work_base + self.work_size:
            return None
        self._allocs[pos] = size
        return pos

    def free_work_area(self, address: int) -> None:
        self._allocs.pop(address, None)

    # algorithms ----------------------------------------------------------------------

    def start_algorithm(self, entry: int, registers: dict[str, int]) -> None:
        if not self.is_halted():
            raise TargetError("target not halted")
        if not self._demcr_set:
            self.write_u32(DEMCR, TRCENA | VC_HARDERR)
            self._demcr_set = True
        self._flush_dirty(skip=(*registers, "pc"))
        for name, value in registers.items():
            self.write_core_register(name, value)
        self.write_core_register("pc", entry | 1)
        if not self.read_core_register("xpsr") & XPSR_T:
            self.write_core_register("xpsr", self.read_core_register("xpsr") | XPSR_T)
        # Interrupts stay masked while the routine runs: C_MASKINTS may only change while
        # halted, so it is set in a write of its own the first time.
        if not self._maskints:
            self.write_u32(DHCSR, DBGKEY | C_DEBUGEN | C_HALT | C_MASKINTS)
            self._maskints = True
        self._halted = None
        self.write_u32(DHCSR, DBGKEY | C_DEBUGEN | C_MASKINTS)

    def algorithm_state(self) -> CoreState | None:
        dhcsr = self.read_u32(DHCSR)
        if dhcsr & S_HALT:
            self._halted = True
            return self._state(True)
        if dhcsr & S_LOCKUP:
            return self._state(False, "core locked up")
        return None

    def stop_algorithm(self) -> CoreState:
        state = self.algorithm_state()
        if state is not None and state.halted:
            return state
        self.halt()
        return self._state(True, "halt request" if state is None else state.reason)

    def _state(self, halted: bool, reason: str = "") -> CoreState:
        if not halted:
            return CoreState(False, reason=reason)
        self._regs = {}
        pc = self.read_core_register("pc")
        xpsr = self.read_core_register("xpsr")
        if not reason:
            dfsr = self.read_u32(DFSR)
            reason = "breakpoint" if dfsr & 2 else "fault (vector catch)" if dfsr & 8 else "halted"
            self.write_u32(DFSR, dfsr)  # the reasons are sticky; clear them for next time
        return CoreState(True, pc, xpsr, {"pc": pc, "xpsr": xpsr}, reason)

    # time -------------------------------------------------------------------------------

    def now(self) -> float:
        return self.chip.clock.now

    def wait(self, seconds: float) -> None:
        self.chip.advance(max(seconds, 0.0))
