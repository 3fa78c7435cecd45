"""The System Control Space block (0xE000E000): SCB, NVIC, SysTick and the debug block.

The NVIC and SysTick are registers only (the core model takes no interrupts; the test
firmware polls). The SCB carries what debuggers and resets use: CPUID, VTOR, AIRCR
(SYSRESETREQ / VECTRESET with VECTKEY 0x05FA), CCR.STKALIGN, the fault status
registers the exception model fills, CPACR, MVFR0-2 and the FP control registers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ocdpy.sim.coresight import CLASS_GENERIC, Component

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

VECTKEY = 0x05FA
AIRCR_SYSRESETREQ, AIRCR_VECTCLRACTIVE, AIRCR_VECTRESET = 4, 2, 1

# CFSR bits set by the exception model.
CFSR_BITS = {
    "iaccviol": 1 << 0,
    "ibuserr": 1 << 8,
    "preciserr": (1 << 9) | (1 << 15),  # with BFARVALID
    "impreciserr": 1 << 10,
    "undefinstr": 1 << 16,
    "invstate": 1 << 17,
    "nocp": 1 << 19,
    "unaligned": 1 << 24,
    "divbyzero": 1 << 25,
}
HFSR_FORCED = 1 << 30


@dataclass(frozen=True)
class ScbIdentity:
    cpuid: int
    ictr: int
    ccr_reset: int
    vtor_mask: int
    mvfr: tuple[int, int, int]  # MVFR0-2; zeros without an FPU
    pid: int
    id_regs: dict[int, int]  # ID_PFR0.. (0xD40-0xD7C) and, on M7, CLIDR/CTR/CCSIDR
    syst_calib: int


class Scs(Component):
    """Registers of the 4 KiB System Control Space."""

    def __init__(self, chip: SimChip, ident: ScbIdentity) -> None:
        self.chip = chip
        self.ident = ident
        super().__init__("SCS", ident.pid, CLASS_GENERIC)

    def reset(self) -> None:
        """System reset values (the debug block at 0xDF0 is not touched here)."""
        super().reset()
        ident = self.ident
        self.store = {
            0xD14: ident.ccr_reset,
            0xD34: 0,
            0xD38: 0,
            0xD88: 0,
            0xF34: 0xC0000000 if ident.mvfr[0] else 0,
        }
        self.vtor = self.chip.boot_vtor()
        self.aircr_prigroup = 0
        self.cfsr = 0
        self.hfsr = 0
        self.syst = {0x010: 0, 0x014: 0, 0x018: 0}
        self._syst_start = 0.0
        self._syst_seen = 0

    def fault(self, kind: str, addr: int | None, forced: bool) -> None:
        self.cfsr |= CFSR_BITS.get(kind, 0)
        if kind == "preciserr" and addr is not None:
            self.store[0xD38] = addr
        if forced:
            self.hfsr |= HFSR_FORCED

    def read_reg(self, offset: int) -> int:
        chip = self.chip
        ident = self.ident
        dbg = chip.debug
        if offset == 0xDF0:
            return dbg.read_dhcsr()
        if offset == 0xDF4:
            return 0
        if offset == 0xDF8:
            return dbg.dcrdr
        if offset == 0xDFC:
            return dbg.demcr
        if offset == 0xD00:
            return ident.cpuid
        if offset == 0x004:
            return ident.ictr
        if offset == 0xD04:
            return chip.core.ipsr if chip.powered else 0
        if offset == 0xD08:
            return self.vtor
        if offset == 0xD0C:
            return 0xFA050000 | self.aircr_prigroup << 8
        if offset == 0xD28:
            return self.cfsr
        if offset == 0xD2C:
            return self.hfsr
        if offset == 0xD30:
            return dbg.dfsr
        if 0xF40 <= offset <= 0xF48:
            return ident.mvfr[(offset - 0xF40) // 4]
        if offset in ident.id_regs:
            return ident.id_regs[offset]
        if offset in self.syst:
            return self._read_systick(offset)
        if offset == 0x01C:
            return ident.syst_calib
        if offset in self.store:
            return self.store[offset]
        return super().read_reg(offset)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        chip = self.chip
        dbg = chip.debug
        full = mask == 0xFFFFFFFF
        if offset == 0xDF0:
            if full:
                dbg.write_dhcsr(value)
            return
        if offset == 0xDF4:
            if full:
                dbg.write_dcrsr(value)
            return
        if offset == 0xDF8:
            dbg.dcrdr = (dbg.dcrdr & ~mask) | (value & mask)
            return
        if offset == 0xDFC:
            dbg.write_demcr((dbg.demcr & ~mask) | (value & mask))
            return
        if offset == 0xD08:
            self.vtor = ((self.vtor & ~mask) | (value & mask)) & self.ident.vtor_mask
            chip.core.vtor = self.vtor
            return
        if offset == 0xD0C:
            self._write_aircr(value, mask)
            return
        if offset == 0xD28:
            self.cfsr &= ~(value & mask)
            return
        if offset == 0xD2C:
            self.hfsr &= ~(value & mask)
            return
        if offset == 0xD30:
            dbg.dfsr &= ~(value & mask)
            return
        if offset == 0xD14:
            self.store[offset] = (self.store[offset] & ~mask) | (value & mask & 0x0007031B)
            chip.core.stkalign = bool(self.store[offset] & 0x200)
            return
        if offset == 0xD88:
            if self.ident.mvfr[0]:
                self.store[offset] = (self.store[offset] & ~mask) | (value & mask & 0x00F00000)
            return
        if offset in self.syst:
            self._write_systick(offset, value, mask)
            return
        if offset in (0xD00, 0xD04, 0x004) or 0xF40 <= offset <= 0xF48 or offset in self.ident.id_regs:
            return  # read-only
        if offset in self.store:
            self.store[offset] = (self.store[offset] & ~mask) | (value & mask)
            return
        super().write_reg(offset, value, mask)

    def _write_aircr(self, value: int, mask: int) -> None:
        if mask != 0xFFFFFFFF or value >> 16 != VECTKEY:
            return
        self.aircr_prigroup = (value >> 8) & 7
        if value & AIRCR_SYSRESETREQ:
            self.chip.request_system_reset()
        elif value & AIRCR_VECTRESET:
            self.chip.request_core_reset()

    # SysTick: a 24-bit down-counter at the core clock, derived from modeled time.

    def _read_systick(self, offset: int) -> int:
        csr = self.syst[0x010]
        if offset == 0x010:
            value = csr
            if csr & 1 and self._systick_wrapped():
                value |= 1 << 16
            return value & 0x10007
        if offset == 0x014:
            return self.syst[0x014]
        if not csr & 1:
            return self.syst[0x018]
        reload = self.syst[0x014] + 1
        elapsed = int((self.chip.cpu_time() - self._syst_start) * self.chip.clock_hz)
        return (self.syst[0x018] - elapsed) % reload if reload > 1 else 0

    def _systick_wrapped(self) -> bool:
        elapsed = int((self.chip.cpu_time() - self._syst_start) * self.chip.clock_hz)
        wrapped = elapsed > self.syst[0x018] + self._syst_seen * (self.syst[0x014] + 1)
        if wrapped:
            self._syst_seen += 1
        return wrapped

    def _write_systick(self, offset: int, value: int, mask: int) -> None:
        if offset == 0x018:
            self.syst[0x018] = 0
            self._syst_start = self.chip.cpu_time()
            self._syst_seen = 0
            return
        if offset == 0x014:
            self.syst[0x014] = (value & mask) & 0xFFFFFF
            return
        was_on = self.syst[0x010] & 1
        self.syst[0x010] = (self.syst[0x010] & ~mask) | (value & mask & 0x7)
        if self.syst[0x010] & 1 and not was_on:
            self._syst_start = self.chip.cpu_time()
            self._syst_seen = 0
