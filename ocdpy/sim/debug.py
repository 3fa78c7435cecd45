"""Halting debug of the virtual Cortex-M: DHCSR/DCRSR/DCRDR/DEMCR, FPB and DWT.

These are the registers a debugger drives: halt and step through DHCSR (writes need
the key 0xA05F in the top half), core registers through DCRSR/DCRDR, vector catch
through DEMCR, hardware breakpoints through the FPB and watchpoints through the DWT.
They live in the debug power domain, so a system reset leaves them alone; only a
power-on reset clears them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy.sim.coresight import CLASS_GENERIC, Component

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

DBGKEY = 0xA05F
C_DEBUGEN, C_HALT, C_STEP, C_MASKINTS, C_SNAPSTALL = 1, 2, 4, 8, 0x20
S_REGRDY, S_HALT, S_SLEEP, S_LOCKUP = 1 << 16, 1 << 17, 1 << 18, 1 << 19
S_RETIRE_ST, S_RESET_ST = 1 << 24, 1 << 25

DFSR_HALTED, DFSR_BKPT, DFSR_DWTTRAP, DFSR_VCATCH, DFSR_EXTERNAL = 1, 2, 4, 8, 16

VC_CORERESET, VC_HARDERR = 1, 1 << 10
DEMCR_WRITABLE = 0x010F07F1


class CoreDebug:
    """The Debug Control Block: DHCSR, DCRSR, DCRDR, DEMCR (and the DFSR it feeds)."""

    def __init__(self, chip: SimChip) -> None:
        self.chip = chip
        self.power_on_reset()

    def power_on_reset(self) -> None:
        self.control = 0  # C_* bits as last written
        self.demcr = 0
        self.dcrdr = 0
        self.dfsr = 0
        self.regrdy = True
        self.reset_sticky = True
        self.retire_sticky = False

    def system_reset(self) -> None:
        # A system reset ends a halt request but keeps C_DEBUGEN (debug domain).
        self.control &= ~(C_HALT | C_STEP | C_MASKINTS)
        self.reset_sticky = True

    # DHCSR ------------------------------------------------------------------

    def read_dhcsr(self) -> int:
        chip = self.chip
        value = self.control & (C_DEBUGEN | C_HALT | C_STEP | C_MASKINTS | C_SNAPSTALL)
        if self.regrdy:
            value |= S_REGRDY
        if chip.halt_visible():
            # Entering Debug state sets C_HALT (ARMv7-M C1.6.2), whatever the cause: a
            # debugger writing back the value it read (C_MASKINTS added) stays halted.
            value |= S_HALT | C_HALT
        elif chip.lockup:
            value |= S_LOCKUP
        if self.retire_sticky or chip.running_visible():
            value |= S_RETIRE_ST
        if self.reset_sticky or chip.in_reset:
            value |= S_RESET_ST
        self.retire_sticky = False
        self.reset_sticky = False
        return value

    def write_dhcsr(self, value: int) -> None:
        if value >> 16 != DBGKEY:
            return
        chip = self.chip
        halted = chip.halted
        new = value & (C_DEBUGEN | C_HALT | C_STEP | C_MASKINTS | C_SNAPSTALL)
        if not new & C_DEBUGEN:
            self.control = 0
            if halted:
                chip.debug_resume()
            return
        if not (halted or new & C_HALT):
            # C_MASKINTS may only change while halted.
            new = (new & ~C_MASKINTS) | (self.control & C_MASKINTS)
        self.control = new
        if new & C_HALT:
            if not halted:
                chip.debug_halt(DFSR_HALTED)
            return
        if halted:
            if new & C_STEP:
                chip.debug_step()
            else:
                chip.debug_resume()

    @property
    def debug_enabled(self) -> bool:
        return bool(self.control & C_DEBUGEN)

    # DCRSR / DCRDR ----------------------------------------------------------

    def write_dcrsr(self, value: int) -> None:
        chip = self.chip
        if not chip.halted:
            self.regrdy = False  # transfers need debug state
            return
        sel = value & 0x7F
        if value & (1 << 16):
            chip.core.write_register(sel, self.dcrdr)
        else:
            self.dcrdr = chip.core.read_register(sel)
        self.regrdy = True

    # DEMCR --------------------------------------------------------------------

    def write_demcr(self, value: int) -> None:
        self.demcr = value & DEMCR_WRITABLE

    def catches(self, bit: int) -> bool:
        return self.debug_enabled and bool(self.demcr & bit)


class Fpb(Component):
    """Flash Patch and Breakpoint unit (FPB v1 on M3/M4, v2 on M7)."""

    def __init__(self, chip: SimChip, num_code: int, num_lit: int, rev: int, pid: int) -> None:
        self.chip = chip
        self.num_code = num_code
        self.num_lit = num_lit
        self.rev = rev
        super().__init__("FPB", pid, CLASS_GENERIC)

    def reset(self) -> None:
        super().reset()
        self.enabled = False
        self.comps = [0] * (self.num_code + self.num_lit)
        self.remap = 0

    def read_reg(self, offset: int) -> int:
        if offset == 0x000:
            nc = self.num_code
            return ((self.rev << 28) | ((nc >> 4) & 7) << 12 | self.num_lit << 8
                    | (nc & 0xF) << 4 | int(self.enabled))
        if offset == 0x004:
            return self.remap if self.rev == 0 else 0
        index = (offset - 0x008) // 4
        if 0 <= index < len(self.comps):
            return self.comps[index]
        return super().read_reg(offset)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        if offset == 0x000:
            if value & 2:  # KEY must be set for the write to take effect
                self.enabled = bool(value & 1)
                self.chip.breakpoints_changed()
            return
        if offset == 0x004:
            self.remap = value & 0x1FFFFFE0
            return
        index = (offset - 0x008) // 4
        if 0 <= index < len(self.comps):
            self.comps[index] = (self.comps[index] & ~mask) | (value & mask)
            self.chip.breakpoints_changed()
            return
        super().write_reg(offset, value, mask)

    def breakpoints(self) -> set[int]:
        """Instruction addresses at which an enabled comparator halts the core."""
        out: set[int] = set()
        if not self.enabled:
            return out
        for value in self.comps[: self.num_code]:
            if not value & 1:
                continue
            if self.rev:
                out.add(value & 0xFFFFFFFE)
                continue
            replace = value >> 30
            base = value & 0x1FFFFFFC
            if replace & 1:
                out.add(base)
            if replace & 2:
                out.add(base + 2)
        return out


class Dwt(Component):
    """Data Watchpoint and Trace unit: comparators, CYCCNT, PCSR (ARMv7-M layout)."""

    def __init__(self, chip: SimChip, num_comp: int, pid: int) -> None:
        self.chip = chip
        self.num_comp = num_comp
        super().__init__("DWT", pid, CLASS_GENERIC)

    def reset(self) -> None:
        super().reset()
        self.ctrl = 0
        self.cyc_base = 0.0  # modeled time at which CYCCNT was last written
        self.cyc_offset = 0
        self.comp = [0] * self.num_comp
        self.mask = [0] * self.num_comp
        self.function = [0] * self.num_comp

    def _cyccnt(self) -> int:
        if not self.ctrl & 1:
            return self.cyc_offset
        cycles = int((self.chip.cpu_time() - self.cyc_base) * self.chip.clock_hz)
        return (self.cyc_offset + cycles) & 0xFFFFFFFF

    def read_reg(self, offset: int) -> int:
        if offset == 0x000:
            return (self.num_comp << 28) | (self.ctrl & 0x0FFFFFFF)
        if offset == 0x004:
            return self._cyccnt()
        if offset == 0x01C:
            return self.chip.pc_sample()
        if 0x020 <= offset < 0x020 + 16 * self.num_comp:
            index, reg = divmod(offset - 0x020, 16)
            if reg == 0:
                return self.comp[index]
            if reg == 4:
                return self.mask[index]
            if reg == 8:
                value = self.function[index]
                self.function[index] &= ~(1 << 24)  # MATCHED clears on read
                return value
            return 0
        return super().read_reg(offset)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        if offset == 0x000:
            count = self._cyccnt()
            self.ctrl = (self.ctrl & ~mask) | (value & mask & 0x1FFF)
            self.cyc_offset, self.cyc_base = count, self.chip.cpu_time()
            return
        if offset == 0x004:
            self.cyc_offset = ((self._cyccnt() & ~mask) | (value & mask)) & 0xFFFFFFFF
            self.cyc_base = self.chip.cpu_time()
            return
        if 0x020 <= offset < 0x020 + 16 * self.num_comp:
            index, reg = divmod(offset - 0x020, 16)
            if reg == 0:
                self.comp[index] = (self.comp[index] & ~mask) | (value & mask)
            elif reg == 4:
                self.mask[index] = (value & mask) & 0x1F
            elif reg == 8:
                self.function[index] = (self.function[index] & ~(mask & 0xFFFFFF)) | (value & mask & 0xFFFFFF)
            self.chip.watchpoints_changed()
            return
        super().write_reg(offset, value, mask)

    def watchpoints(self) -> list[tuple[int, int, bool, bool]]:
        """Active data watchpoints as (first, last, on read, on write)."""
        out = []
        for index in range(self.num_comp):
            function = self.function[index] & 0xF
            if function not in (5, 6, 7):
                continue
            size = 1 << self.mask[index]
            first = self.comp[index] & ~(size - 1) & 0xFFFFFFFF
            out.append((first, first + size - 1, function in (5, 7), function in (6, 7)))
        return out

    def matched(self, addr: int) -> None:
        for index in range(self.num_comp):
            if self.function[index] & 0xF in (5, 6, 7):
                size = 1 << self.mask[index]
                if (addr & ~(size - 1)) == (self.comp[index] & ~(size - 1)):
                    self.function[index] |= 1 << 24
