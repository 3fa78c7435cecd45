"""FakeTarget: a small memory-backed `SimTarget` for probe tests.

Flash at 0x08000000 (64 KiB, erased), SRAM at 0x20000000 (20 KiB), the ARMv7-M debug
registers (DHCSR with C_HALT/S_HALT/S_REGRDY, DCRSR/DCRDR over 21 core registers,
DEMCR), AIRCR SYSRESETREQ, CPUID and DBGMCU IDCODE. Everything else faults. A DP and
one MEM-AP (AP0) answer register accesses. Switches: `powered`, `swd_dead`,
`wait_next` (the next memory access gets a WAIT ack).
"""

from __future__ import annotations

from ocdpy.sim.port import SimBusFault, SimStats, SimSwdError

FLASH, FLASH_SIZE = 0x08000000, 64 * 1024
SRAM, SRAM_SIZE = 0x20000000, 20 * 1024
DHCSR, DCRSR, DCRDR, DEMCR, AIRCR, CPUID = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8, 0xE000EDFC, 0xE000ED0C, 0xE000ED00
DBGMCU_IDCODE = 0xE0042000
DPIDR = 0x1BA01477
AP0_IDR = 0x14770011


class FakeTarget:
    name = "fake"

    def __init__(self) -> None:
        self.stats = SimStats()
        self.flash = bytearray(b"\xff" * FLASH_SIZE)
        self.sram = bytearray(SRAM_SIZE)
        self.regs = [0] * 32
        self.halted = False
        self.debugen = False
        self.demcr = 0
        self.resets = 0
        self.steps = 0
        self.volts = 3.3
        self.powered = True
        self.swd_dead = False
        self.nrst_low = False
        self.nrst_events: list[bool] = []
        self.wait_next = False
        self.ctrl_stat = 0
        self.select = 0
        self.aborts: list[int] = []
        self.csw = 0x23000002
        self.tar = 0
        self.sticky = False
        self.run_time = 0.0
        self.writes: list[tuple[int, bytes, int]] = []

    # -- SimTarget ----------------------------------------------------------------------

    def target_voltage(self) -> float:
        return self.volts if self.powered else 0.0

    def set_nrst(self, asserted: bool) -> None:
        self.nrst_events.append(asserted)
        if self.nrst_low and not asserted:
            self._reset()
        self.nrst_low = asserted

    def _alive(self) -> None:
        if not self.powered or self.swd_dead:
            raise SimSwdError(SimSwdError.ACK_NONE)

    def swd_line_reset(self) -> int:
        self._alive()
        return DPIDR

    def dp_read(self, reg: int) -> int:
        self._alive()
        if reg == 0x0:
            return DPIDR
        if reg == 0x4:
            acks = (self.ctrl_stat & 0x50000000) << 1
            return self.ctrl_stat | acks | (0x20 if self.sticky else 0)
        if reg == 0xC:
            return 0
        return 0

    def dp_write(self, reg: int, value: int) -> None:
        self._alive()
        if reg == 0x0:
            self.aborts.append(value)
            if value & 0x4:
                self.sticky = False
        elif reg == 0x4:
            self.ctrl_stat = value & 0xF0000000
        elif reg == 0x8:
            self.select = value

    def ap_read(self, ap: int, reg: int) -> int:
        self._alive()
        if ap != 0:
            return 0
        if reg == 0xFC:
            return AP0_IDR
        if reg == 0x00:
            return self.csw
        if reg == 0x04:
            return self.tar
        if reg == 0x0C:
            try:
                value = int.from_bytes(self.mem_read(0, self.tar, 4, 4), "little")
            except SimBusFault:
                self.sticky = True
                raise SimSwdError(SimSwdError.ACK_FAULT) from None
            self.tar = (self.tar + 4) & 0xFFFFFFFF
            return value
        if reg == 0xF8:
            return 0xE00FF003
        return 0

    def ap_write(self, ap: int, reg: int, value: int) -> None:
        self._alive()
        if ap != 0:
            return
        if reg == 0x00:
            self.csw = value
        elif reg == 0x04:
            self.tar = value
        elif reg == 0x0C:
            self.mem_write(0, self.tar, value.to_bytes(4, "little"), 4)
            self.tar = (self.tar + 4) & 0xFFFFFFFF

    def mem_read(self, ap: int, addr: int, size: int, width: int) -> bytes:
        self._alive()
        self._maybe_wait()
        out = bytearray()
        for a in range(addr, addr + size, width):
            out += self._read(a, width)
        return bytes(out)

    def mem_write(self, ap: int, addr: int, data: bytes, width: int) -> None:
        self._alive()
        self._maybe_wait()
        self.writes.append((addr, bytes(data), width))
        for i in range(0, len(data), width):
            self._write(addr + i, data[i : i + width], width)

    def advance(self, seconds: float) -> None:
        self.stats.clock.advance(seconds)
        if not self.halted:
            self.run_time += seconds

    # -- model --------------------------------------------------------------------------

    def _maybe_wait(self) -> None:
        if self.wait_next:
            self.wait_next = False
            raise SimSwdError(SimSwdError.ACK_WAIT)

    def _reset(self) -> None:
        self.resets += 1
        self.regs = [0] * 32
        self.regs[13] = int.from_bytes(self.flash[0:4], "little")
        self.regs[15] = int.from_bytes(self.flash[4:8], "little") & ~1
        self.halted = bool(self.demcr & 1) and self.debugen

    def _dhcsr(self) -> int:
        value = 0x00010000  # S_REGRDY
        if self.debugen:
            value |= 1
        if self.halted:
            value |= 0x00020002
        return value

    def _read(self, a: int, width: int) -> bytes:
        if FLASH <= a < FLASH + FLASH_SIZE:
            return bytes(self.flash[a - FLASH : a - FLASH + width])
        if SRAM <= a < SRAM + SRAM_SIZE:
            return bytes(self.sram[a - SRAM : a - SRAM + width])
        word = {
            DHCSR: self._dhcsr(), DCRDR: self.regs[31], DEMCR: self.demcr,
            CPUID: 0x411FC231, AIRCR: 0xFA050000, DBGMCU_IDCODE: 0x20036410,
        }.get(a & ~3)
        if word is None:
            raise SimBusFault(a)
        return word.to_bytes(4, "little")[a & 3 : (a & 3) + width]

    def _write(self, a: int, chunk: bytes, width: int) -> None:
        if FLASH <= a < FLASH + FLASH_SIZE:
            raise SimBusFault(a)  # flash needs its controller; plain writes fault here
        if SRAM <= a < SRAM + SRAM_SIZE:
            self.sram[a - SRAM : a - SRAM + width] = chunk
            return
        value = int.from_bytes(chunk, "little")
        if a == DHCSR:
            if value >> 16 != 0xA05F:
                return
            self.debugen = bool(value & 1)
            if value & 2:
                self.halted = True
            elif value & 4:
                self.steps += 1
                self.regs[15] += 2
                self.halted = True
            else:
                self.halted = False
        elif a == DCRSR:
            sel = value & 0x7F
            idx = {16: 16, 17: 17, 18: 18, 0x14: 19}.get(sel, sel if sel < 16 else 20)
            if value & 0x10000:
                self.regs[idx] = self.regs[31]
            else:
                self.regs[31] = self.regs[idx]
        elif a == DCRDR:
            self.regs[31] = value
        elif a == DEMCR:
            self.demcr = value
        elif a == AIRCR:
            if value == 0x05FA0004:
                self._reset()
        else:
            raise SimBusFault(a)
