"""CoreSight identification: component ID/peripheral ID registers and ROM tables.

Every debug component occupies a 4 KiB block whose last 48 bytes identify it
(PIDR4-7 at 0xFD0, PIDR0-3 at 0xFE0, CIDR0-3 at 0xFF0). A debugger finds the
components by walking ROM tables from the MEM-AP's BASE register; `dap info` in
OpenOCD prints what it finds. The IDs used by the chips are those real STM32s report
(e.g. a J-Link "CoreSight components" listing of an STM32F103: SCS 0x001BB000,
DWT 0x001BB002, FPB 0x000BB003, ITM 0x001BB001, TPIU-Lite 0x001BB923).
"""

from __future__ import annotations

from ocdpy.sim.regfile import Peripheral, RegisterFile

CLASS_ROM = 0x1
CLASS_CORESIGHT = 0x9
CLASS_GENERIC = 0xE

ARM_PIDR4 = 0x04  # JEP106 continuation code 4 (ARM), one 4 KiB block


def st_pid(part: int) -> int:
    """Peripheral ID ST puts in its ROM tables: JEP106 0x20 (bank 0), part = DEV_ID."""
    return (0x0A << 16) | ((part >> 8) & 0xF) << 8 | (part & 0xFF)


def arm_pid(low: int) -> int:
    """ARM component PID from the 32-bit form debuggers print (e.g. 0x001BB000)."""
    return (ARM_PIDR4 << 32) | low


def id_register(offset: int, pid: int, cid_class: int) -> int | None:
    """Value of an ID register at `offset` (0xFD0-0xFFC) of a component, else None."""
    if 0xFD0 <= offset <= 0xFDC:
        return (pid >> (32 + 8 * ((offset - 0xFD0) // 4))) & 0xFF
    if 0xFE0 <= offset <= 0xFEC:
        return (pid >> (8 * ((offset - 0xFE0) // 4))) & 0xFF
    if 0xFF0 <= offset <= 0xFFC:
        cid = 0xB105000D | (cid_class << 12)
        return (cid >> (8 * ((offset - 0xFF0) // 4))) & 0xFF
    return None


class Component(RegisterFile):
    """A debug component: registers that hold what is written, plus its IDs.

    `lockable` components implement the Lock Access Register (LAR 0xFB0 takes the key
    0xC5ACCE55; LSR 0xFB4 reads 3 while locked, 1 once unlocked).
    """

    def __init__(
        self,
        name: str,
        pid: int,
        cid_class: int = CLASS_CORESIGHT,
        regs: dict[int, tuple[int, int]] | None = None,
        lockable: bool = False,
    ) -> None:
        self.pid = pid
        self.cid_class = cid_class
        self.lockable = lockable
        self.unlocked = False
        super().__init__(name, 0x1000, regs or {}, store_unlisted=True)

    def reset(self) -> None:
        super().reset()
        self.unlocked = False

    def read_reg(self, offset: int) -> int:
        value = id_register(offset, self.pid, self.cid_class)
        if value is not None:
            return value
        if offset == 0xFB4 and self.lockable:
            return 1 if self.unlocked else 3
        return super().read_reg(offset)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        if offset >= 0xFB0:
            if offset == 0xFB0 and self.lockable:
                self.unlocked = value == 0xC5ACCE55
            return
        super().write_reg(offset, value, mask)


class RomTable(Peripheral):
    """A class 0x1 ROM table at `base` listing components by absolute address.

    `entries` holds (address, present) pairs; the table stores them as offsets from
    its own base with the format bit set, then a zero end marker.
    """

    def __init__(self, name: str, base: int, pid: int, entries: list[tuple[int, bool]]) -> None:
        self.name = name
        self.size = 0x1000
        self.base = base
        self.pid = pid
        self.words = [((addr - base) & 0xFFFFF000) | (3 if present else 2) for addr, present in entries]

    def read_reg(self, offset: int) -> int:
        value = id_register(offset, self.pid, CLASS_ROM)
        if value is not None:
            return value
        if offset == 0xFCC:
            return 1  # MEMTYPE.SYSMEM: system memory is present on this bus
        index = offset // 4
        if index < len(self.words):
            return self.words[index]
        return 0


def tpiu(pid: int, devid: int, sspsr: int) -> Component:
    """Trace port interface unit registers OpenOCD's `tpiu` commands use: SSPSR/CSPSR
    (port sizes), ACPR (SWO prescaler), SPPR (protocol), FFSR/FFCR (formatter) and
    DEVID (0xFC8: bit 11 NRZ/UART and bit 10 Manchester supported)."""
    regs = {0x000: (sspsr, 0), 0x004: (1, 0xFFFFFFFF), 0x010: (0, 0x1FFF), 0x0F0: (1, 3),
            0x300: (0x8, 0), 0x304: (0x102, 0x373), 0xFC8: (devid, 0)}
    return Component("TPIU", pid, CLASS_CORESIGHT, regs, lockable=True)
