"""Small system peripherals: RCC, PWR, DBGMCU and the catch-all reserved slot.

RCC and PWR hold what firmware and debug scripts write, and answer the "ready" flags
that start-up code waits for (oscillator, PLL, voltage scaling) as soon as the
matching enable bit is set; the sim does not change the core clock when the PLL is
selected, it keeps counting cycles at the reset clock. DBGMCU answers its IDCODE and
keeps CR and the freeze registers.
"""

from __future__ import annotations

from ocdpy.sim.regfile import Peripheral, RegisterFile


class Reserved(Peripheral):
    """An unused slot inside a decoded peripheral window: reads 0, ignores writes."""

    def __init__(self, size: int = 0x400) -> None:
        self.name = "reserved"
        self.size = size


class Rcc(RegisterFile):
    """RCC with oscillator/PLL ready bits and the SWS copy of SW in CFGR.

    `sw` = (CFGR offset, SW width): SWS sits right above SW and mirrors it.
    """

    def __init__(
        self,
        regs: dict[int, tuple[int, int]],
        ready: dict[int, list[tuple[int, int]]],
        sw: tuple[int, int],
    ) -> None:
        self.sw = sw
        super().__init__("RCC", 0x400, regs, ready, store_unlisted=True)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        super().write_reg(offset, value, mask)
        cfgr, width = self.sw
        if offset == cfgr:
            field = (1 << width) - 1
            sw = self.values[cfgr] & field
            self.values[cfgr] = (self.values[cfgr] & ~(field << width)) | (sw << width)

    def enabled(self, offset: int, bit: int) -> bool:
        return bool(self.values.get(offset, 0) >> bit & 1)


def rcc_f1() -> Rcc:
    """RM0008 section 7.3: CR, CFGR, ..., APB2ENR at 0x18 (IOPxEN bits 2-8)."""
    return Rcc(
        regs={0x00: (0x00000083, 0x010D00F9), 0x04: (0, 0x077FFFF3), 0x14: (0x14, 0x557),
              0x24: (0x0C000000, 0x01000001)},
        ready={0x00: [(1, 2), (1 << 16, 1 << 17), (1 << 24, 1 << 25)]},
        sw=(0x04, 2),
    )


def rcc_f4() -> Rcc:
    """RM0090 section 7.3: AHB1ENR at 0x30 (GPIOxEN bits 0-8)."""
    return Rcc(
        regs={0x00: (0x00000083, 0x150D00F9), 0x04: (0x24003010, 0x0F437FFF), 0x08: (0, 0xFFFFFCF3),
              0x30: (0x00100000, 0x7E6791FF), 0x74: (0x0E000000, 0x01000001),
              0x84: (0x20003000, 0x70007FC0)},
        ready={0x00: [(1, 2), (1 << 16, 1 << 17), (1 << 24, 1 << 25), (1 << 26, 1 << 27)]},
        sw=(0x08, 2),
    )


def rcc_h7() -> Rcc:
    """RM0433 section 8.7: AHB4ENR at 0xE0 (GPIOxEN bits 0-10); D1/D2 clocks always ready."""
    return Rcc(
        regs={0x00: (0x0000C025, 0x15051FBB), 0x10: (0, 0xFFFFFF07), 0x28: (0x02020200, 0x03F3F3F3),
              0x2C: (0x01FF0000, 0x01FF0FFF), 0x30: (0x01010280, 0x7F7FFFFF),
              0xD0: (0x00FE0000, 0x00010000)},
        ready={0x00: [(1, 1 << 2), (1 << 7, 1 << 8), (1 << 12, 1 << 13), (1 << 16, 1 << 17),
                      (1 << 24, 1 << 25), (1 << 26, 1 << 27), (1 << 28, 1 << 29)]},
        sw=(0x10, 3),
    )


class PwrH7(RegisterFile):
    """RM0433 section 6.8: ACTVOSRDY (CSR1) and VOSRDY (D3CR) read 1 once written."""

    def __init__(self) -> None:
        super().__init__(
            "PWR", 0x400,
            {0x00: (0xF000C000, 0x07F7C3FD), 0x04: (0x00006000, 0), 0x0C: (0x00000046, 0x0300033F),
             0x18: (0x00006000, 0x0000C000)},
            store_unlisted=True,
        )

    def read_reg(self, offset: int) -> int:
        value = super().read_reg(offset)
        if offset in (0x04, 0x18):
            value |= 1 << 13
        return value


class Dbgmcu(RegisterFile):
    """DBGMCU: IDCODE (read-only) and the writable CR/freeze registers."""

    def __init__(self, idcode: int, size: int = 0x400) -> None:
        self.idcode = idcode
        super().__init__("DBGMCU", size, {0x00: (idcode, 0)}, store_unlisted=True)

    def read_reg(self, offset: int) -> int:
        if offset == 0x00:
            return self.idcode
        return super().read_reg(offset)
