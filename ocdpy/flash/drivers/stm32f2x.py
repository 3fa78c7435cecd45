"""stm32f2x: the flash interface of STM32F2, F4 and F7 parts, per RM0033 / RM0090 /
RM0385 / RM0410, including the one-time-programmable area as its own bank.

Sectors grow from 16 to 128 KiB (F7: 32 to 256 KiB); F42x/43x/469/479 and F76x/77x can
have two banks of them. Programming parallelism (PSIZE) follows the supply voltage:
x32 from 2.7 V, x16 from 2.1 V, x8 below; erase and program times shrink with it.
OpenOCD erases at x8 and programs at x16 whatever the supply; ocdpy reads the target
voltage from the probe and uses the widest the silicon allows (x16 when it cannot
tell), so F4 erases take about half as long. Option bytes live in FLASH_OPTCR (+OPTCR1
/OPTCR2): RDP, user bits, nWRP per sector.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy import log
from ocdpy.errors import FlashError, TransferFaultError
from ocdpy.flash import loader_code
from ocdpy.flash.bank import Sector
from ocdpy.flash.drivers.stm32_common import Stm32Flash, with_protection
from ocdpy.flash.target_api import PARTNO_M4

REG_BASE = 0x40023C00
SR, CR, OPTCR, OPTCR1, OPTCR2 = 0x0C, 0x10, 0x14, 0x18, 0x1C
SR_EOP, SR_OPERR, SR_WRPERR, SR_PGAERR, SR_PGPERR, SR_PGSERR, SR_BSY = (
    0x1, 0x2, 0x10, 0x20, 0x40, 0x80, 0x10000)
SR_ERRORS = SR_OPERR | SR_WRPERR | SR_PGAERR | SR_PGPERR | SR_PGSERR
CR_PG, CR_SER, CR_MER, CR_MER1, CR_STRT, CR_LOCK = 0x1, 0x2, 0x4, 0x8000, 0x10000, 0x80000000
OPTCR_LOCK, OPTCR_START, OPTCR_NDBANK, OPTCR_DB1M = 0x1, 0x2, 1 << 29, 1 << 30
OPTCR2_PCROP_RDP = 1 << 31
RDP_LEVEL0, RDP_LEVEL2 = 0xAA, 0xCC
SR_NAMES = {SR_BSY: "BSY", SR_PGSERR: "PGSERR: programming sequence error",
            SR_PGPERR: "PGPERR: access size does not match the parallelism",
            SR_PGAERR: "PGAERR: programming alignment error",
            SR_WRPERR: "WRPERR: write-protected or read-out protected",
            SR_OPERR: "OPERR", SR_EOP: "EOP"}

F2_OTP_BASE, F2_OTP_SIZE, F2_OTP_SECTOR = 0x1FFF7800, 512, 32
F7_OTP_BASE, F7_OTP_SIZE, F7_OTP_SECTOR = 0x1FF0F000, 1024, 64

# DS8626 "Flash memory programming" (F405/407, the same in the F2/F4/F7 datasheets):
# word program 16 us at every parallelism; erase by sector size and parallelism.
PROGRAM_SECONDS = 16e-6
ERASE_SECONDS = {  # sector KiB -> (x8, x16, x32)
    16: (0.400, 0.300, 0.250), 32: (0.600, 0.450, 0.400), 64: (1.200, 0.700, 0.550),
    128: (2.0, 1.3, 1.0), 256: (4.0, 2.6, 2.0),
}
MASS_ERASE_SECONDS = (16.0, 11.0, 8.0)
PSIZE_X8, PSIZE_X16, PSIZE_X32 = 0, 1, 2


@dataclass(frozen=True)
class F2Part:
    device: str
    max_kb: int
    revisions: dict[int, str]
    max_sector_kb: int = 128
    size_reg: int = 0x1FFF7A22
    extra_options: bool = False
    boot_addr: bool = False
    pcrop: bool = False
    protection_bits: int = 12
    dual_bank_option: str = ""  # "db1m" (F42x/43x/469/479) or "ndbank" (F76x/77x)


_F4_REVS = {0x1000: "A", 0x1001: "Z", 0x1003: "Y", 0x1007: "1", 0x2001: "3"}
_F4LP_REVS = {0x1000: "A", 0x1001: "Z", 0x2000: "B", 0x3000: "C"}
PARTS: dict[int, F2Part] = {
    0x411: F2Part("STM32F2xx", 1024, {0x1000: "A", 0x2000: "B", 0x1001: "Z", 0x2001: "Y",
                                      0x2003: "X", 0x2007: "1", 0x200F: "V", 0x201F: "2"}),
    0x413: F2Part("STM32F4xx", 1024, _F4_REVS),
    0x419: F2Part("STM32F4xx", 2048, _F4_REVS, extra_options=True, dual_bank_option="db1m"),
    0x434: F2Part("STM32F4xx", 2048, _F4_REVS, extra_options=True, dual_bank_option="db1m"),
    0x423: F2Part("STM32F4xx (Low Power)", 256, _F4LP_REVS),
    0x421: F2Part("STM32F446", 512, {0x1000: "A"}),
    0x431: F2Part("STM32F4xx (Low Power)", 512, _F4LP_REVS),
    0x433: F2Part("STM32F4xx (Low Power)", 512, _F4LP_REVS),
    0x441: F2Part("STM32F4xx (Low Power)", 512, _F4LP_REVS),
    0x458: F2Part("STM32F4xx (Low Power)", 128, _F4LP_REVS),
    0x449: F2Part("STM32F7[4|5]x", 1024, {0x1000: "A", 0x1001: "Z"}, 256, 0x1FF0F442, True, True),
    0x451: F2Part("STM32F7[6|7]x", 2048, {0x1000: "A", 0x1001: "Z"}, 256, 0x1FF0F442, True, True,
                  dual_bank_option="ndbank"),
    0x452: F2Part("STM32F7[2|3]x", 512, {0x1000: "A"}, 128, 0x1FF07A22, True, True, True),
    0x463: F2Part("STM32F4[1|2]3", 1536, {0x1000: "A"}, extra_options=True, protection_bits=15),
}


def sector_sizes_kb(size_kb: int, max_sector_kb: int) -> tuple[list[int], bool]:
    """Sector sizes of one bank (four of 1/8, one of 1/2, then full ones) and whether
    the last had to be clipped to fit."""
    out: list[int] = []
    left = size_kb
    clipped = False
    while left > 0:
        i = len(out)
        kb = max_sector_kb // 8 if i < 4 else max_sector_kb // 2 if i == 4 else max_sector_kb
        clipped = kb > left
        kb = min(kb, left)
        out.append(kb)
        left -= kb
    return out, clipped


class Stm32f2xFlash(Stm32Flash):
    name = "stm32f2x"
    loader = loader_code.STM32F2X
    parts = PARTS
    unidentified = "Cannot identify target as a STM32F2/4/7\n"
    cr_offset, cr_lock, cr_pg = CR, CR_LOCK, CR_PG
    clear_flags = (SR, SR_ERRORS | SR_EOP)
    sr_busy, sr_errors, sr_protection_errors = SR_BSY, SR_ERRORS, SR_WRPERR
    sr_names = SR_NAMES
    sr_advice = {SR_PGSERR: ". Run `reset halt` and try again"}

    def __init__(self, bank, options: list[str]) -> None:
        super().__init__(bank, options)
        self.part: F2Part | None = None
        self.idcode = 0
        self.dual_bank = False
        self.psize = PSIZE_X16
        self.otp_unlocked = False

    # identification ----------------------------------------------------------------------

    def is_otp(self) -> bool:
        return self.bank.base in (F2_OTP_BASE, F7_OTP_BASE)

    def read_idcode(self) -> int:
        idcode = self.target.read_u32(0xE0042000)
        # F4 rev A errata: the IDCODE reads as an F2's; the core tells them apart.
        if idcode & 0xFFF == 0x411 and self.target.core_partno() == PARTNO_M4:
            idcode = (0x1000 << 16) | 0x413
            log.info("stm32f4x errata detected - fixing incorrect MCU_IDCODE")
        return idcode

    def probe(self) -> None:
        bank = self.bank
        if self.is_otp():
            f7 = bank.base == F7_OTP_BASE
            size, sector = (F7_OTP_SIZE, F7_OTP_SECTOR) if f7 else (F2_OTP_SIZE, F2_OTP_SECTOR)
            log.info(f"flash size = {size} bytes")
            bank.size = size
            bank.sectors = [Sector(i * sector, sector, 1, 0) for i in range(size // sector)]
            bank.prot_blocks = []
            return
        self.idcode = self.read_idcode()
        self.part = part = self.identify(self.idcode)
        size_kb = self.configured_size_kb(self.probed_size_kb(part.size_reg, part))
        log.info(f"flash size = {size_kb} KiB")
        max_sector = part.max_sector_kb
        self.dual_bank = False
        if part.dual_bank_option:
            optcr = self.target.read_u32(REG_BASE + OPTCR)
            if part.dual_bank_option == "db1m":
                self.dual_bank = size_kb > 1024 or bool(optcr & OPTCR_DB1M)
                kind = "STM32F42x/43x/469/479"
            else:
                self.dual_bank = not optcr & OPTCR_NDBANK
                kind = "STM32F76x/77x"
                if self.dual_bank:
                    max_sector //= 2
            log.info(f"{'Dual' if self.dual_bank else 'Single'} Bank {size_kb} kiB {kind} found")
        halves = [size_kb // 2, size_kb // 2] if self.dual_bank else [size_kb]
        sectors: list[Sector] = []
        offset = 0
        for half in halves:
            sizes, clipped = sector_sizes_kb(half, max_sector)
            if clipped:
                log.info(f"{'Dual' if self.dual_bank else 'Single'} Bank {size_kb} kiB final sector "
                         f"clipped to {sizes[-1]} kiB")
            for kb in sizes:
                sectors.append(Sector(offset, kb * 1024))
                offset += kb * 1024
        bank.base = 0x08000000
        bank.size = offset
        bank.sectors = sectors
        bank.prot_blocks = []
        if part.protection_bits == 15:  # F413/423: sectors 14 and 15 share one bit
            bank.prot_blocks = [Sector(s.offset, s.size) for s in sectors[:15]]
            if len(sectors) > 15:
                bank.prot_blocks[14].size += sectors[15].size
        elif self.dual_bank and part.dual_bank_option == "ndbank":
            bank.prot_blocks = [Sector(sectors[2 * i].offset, sectors[2 * i].size + sectors[2 * i + 1].size)
                                for i in range(len(sectors) // 2)]
        self.psize = self._choose_psize()

    def _choose_psize(self) -> int:
        try:
            volts = self.target.target_voltage()
        except Exception:  # noqa: BLE001 - a probe that cannot tell the voltage
            volts = None
        if volts is None:
            return PSIZE_X16
        if volts >= 2.7:
            return PSIZE_X32
        return PSIZE_X16 if volts >= 2.1 else PSIZE_X8

    # family hooks --------------------------------------------------------------------------

    def core_hz(self) -> float:
        return 16_000_000.0  # the reset clock (HSI, 16 MHz); faster after a PLL is set up

    def regs_base(self) -> int:
        return REG_BASE

    def unit(self) -> int:
        return 1 << self.psize

    def extra_cr(self) -> int:
        return self.psize << 8

    def snb(self, index: int) -> int:
        half = len(self.bank.sectors) // 2
        if self.dual_bank and index >= half:
            return (index - half) | 0x10
        return index

    def erase_entry(self, index: int) -> int:
        return CR_SER | self.snb(index) << 3

    def mass_entry(self) -> int:
        return CR_MER | (CR_MER1 if self.dual_bank else 0)

    def sector_erase_seconds(self, index: int) -> float:
        kb = self.bank.sectors[index].size // 1024
        table = ERASE_SECONDS.get(kb, ERASE_SECONDS[128])
        return table[min(self.psize, 2)]

    def mass_erase_seconds(self) -> float | None:
        return None if self.is_otp() else MASS_ERASE_SECONDS[min(self.psize, 2)]

    def program_seconds(self, nbytes: int) -> float:
        unit = 1 << self.psize
        return (nbytes + unit - 1) // unit * PROGRAM_SECONDS

    # protection ------------------------------------------------------------------------------

    def read_options(self) -> dict[str, int]:
        optcr = self.target.read_u32(REG_BASE + OPTCR)
        part = self.part
        bits = part.protection_bits if part else 12
        opts = {"optcr": optcr, "user": optcr & 0xFC, "rdp": (optcr >> 8) & 0xFF,
                "protection": (optcr >> 16) & ((1 << min(bits, 12)) - 1), "optcr1": 0, "optcr2": 0}
        if part and part.extra_options:
            opts["user"] |= (optcr >> 20) & ((0xF00 << (bits - 12)) & 0xF00)
        if part and (part.dual_bank_option == "db1m" or part.boot_addr):
            opts["optcr1"] = self.target.read_u32(REG_BASE + OPTCR1)
            if not part.boot_addr:
                opts["protection"] |= (opts["optcr1"] >> 4) & 0x00FFF000
        if part and part.pcrop:
            opts["optcr2"] = self.target.read_u32(REG_BASE + OPTCR2)
        return opts

    def read_protected(self) -> bool:
        rdp = (self.target.read_u32(REG_BASE + OPTCR) >> 8) & 0xFF
        return rdp != RDP_LEVEL0

    def access_guard(self) -> tuple[int, int, int] | None:
        return None if self.is_otp() else (REG_BASE + OPTCR, 0xFF00, RDP_LEVEL0 << 8)

    def check_access(self, writing: bool) -> None:
        if self.is_otp():
            if writing and not self.otp_unlocked:
                raise FlashError(f"OTP memory bank #{self.bank.number} is disabled for write commands; "
                                 f"`stm32f2x otp {self.bank.number} enable` enables them (the bytes "
                                 "can never be erased)")
            return
        super().check_access(writing)

    def read_fault_cause(self, exc: TransferFaultError) -> FlashError | None:
        return None if self.is_otp() else super().read_fault_cause(exc)

    def write_protection(self) -> int:
        return self.read_options()["protection"]

    def protection_units(self) -> list[Sector]:
        return self.bank.prot_blocks or self.bank.sectors

    def entry_sector(self, entry: int) -> int | None:
        if not entry & CR_SER:
            return None
        snb = (entry >> 3) & 0x1F
        return snb if snb < 0x10 else snb - 0x10 + len(self.bank.sectors) // 2

    def protect_check(self) -> None:
        if self.is_otp():
            locks = self.target.read_memory(self.bank.base + self.bank.size, len(self.bank.sectors), 1)
            for sector, lock in zip(self.bank.sectors, locks, strict=True):
                sector.is_protected = 0 if lock else 1
            return
        super().protect_check()

    # direct register programming ---------------------------------------------------------------

    def start_erase(self, entry: int) -> float:
        cr = entry | self.extra_cr()
        self.set_reg(CR, cr)
        self.set_reg(CR, cr | CR_STRT)
        return (self.mass_erase_seconds() or 0.0) if entry & CR_MER else 2.0

    def direct_program_otp(self, offset: int, data: bytes) -> None:
        """OTP bytes are programmed one at a time at x8 (no loader: 512 bytes at most)."""
        self.require_halted()
        self.check_access(True)
        saved = self.psize
        self.psize = PSIZE_X8
        try:
            self.direct_write(offset, data)
        finally:
            self.psize = saved

    # option bytes --------------------------------------------------------------------------------

    def write_options(self, opts: dict[str, int]) -> None:
        part = self.part
        bits = part.protection_bits if part else 12
        optcr = opts["user"] & 0xFC
        optcr |= (opts["rdp"] & 0xFF) << 8
        optcr |= (opts["protection"] & ((1 << min(bits, 12)) - 1)) << 16
        if part and part.extra_options:
            optcr |= (opts["user"] & ((0xF00 << (bits - 12)) & 0xF00)) << 20
        self.unlock_options(OPTCR, OPTCR_LOCK)
        if part and (part.dual_bank_option == "db1m" or part.boot_addr):
            value = opts["optcr1"] if part.boot_addr else (opts["protection"] & 0x00FFF000) << 4
            self.set_reg(OPTCR1, value)
        if part and part.pcrop:
            self.set_reg(OPTCR2, opts["optcr2"])
        self.set_reg(OPTCR, optcr)
        self.set_reg(OPTCR, optcr | OPTCR_START)
        sr = self.wait_idle(SR, SR_BSY, MASS_ERASE_SECONDS[0])
        self.set_reg(OPTCR, optcr | OPTCR_LOCK)
        if sr & SR_ERRORS:
            raise FlashError(f"stm32f2x: programming the option bytes failed (FLASH_SR 0x{sr:08x}: "
                             f"{self.describe_sr(sr)})")

    def protect(self, set_: bool, first: int, last: int) -> None:
        self.require_halted()
        if self.is_otp():
            if not set_:
                raise FlashError("OTP memory cannot be unprotected")
            for i in range(first, last + 1):
                self.target.write_memory(self.bank.base + self.bank.size + i, b"\x00", 1)
            return
        opts = self.read_options()
        opts["protection"] = with_protection(opts["protection"], set_, first, last)
        self.write_options(opts)

    def lock(self) -> None:
        opts = self.read_options()
        opts["rdp"] = 0
        self.write_options(opts)

    def unlock(self) -> None:
        opts = self.read_options()
        opts["rdp"] = RDP_LEVEL0
        if self.part and self.part.pcrop:
            opts["optcr2"] = (OPTCR2_PCROP_RDP | (~1 << len(self.bank.sectors))) & 0xFFFFFFFF
        self.write_options(opts)
        for s in self.bank.sectors:
            s.is_erased = -1

    def options_read_text(self) -> str:
        opts = self.read_options()
        part = self.part
        if opts["rdp"] != RDP_LEVEL0:
            log.info("Device Security Bit Set")
        if part and part.extra_options:
            if part.boot_addr:
                boot = opts["optcr1"]
                text = (f"stm32f2x user_options 0x{opts['user']:03X}, boot_add0 0x{boot & 0xFFFF:04X}, "
                        f"boot_add1 0x{boot >> 16:04X}")
                if part.pcrop:
                    text += f"\nstm32f2x optcr2_pcrop 0x{opts['optcr2']:08X}"
                return text
            return f"stm32f2x user_options 0x{opts['user']:03X}"
        return f"stm32f2x user_options 0x{opts['user']:02X}"

    def options_write(self, user: int, boot0: int | None = None, boot1: int | None = None) -> None:
        part = self.part
        opts = self.read_options()
        bits = part.protection_bits if part else 12
        mask = ~0xFC if not (part and part.extra_options) else ~(((0xF00 << (bits - 12)) | 0xFF) & 0xFFC)
        if user & mask & 0xFFFF:
            raise FlashError("stm32f2x invalid user_options")
        if part and part.boot_addr:
            if boot0 is None or boot1 is None:
                raise FlashError("stm32f2x options_write <bank> <user_options> <boot_addr0> <boot_addr1>")
            opts["optcr1"] = (boot0 & 0xFFFF) | (boot1 & 0xFFFF) << 16
        opts["user"] = user
        self.write_options(opts)
        self.bank.probed = False

    def optcr2_write(self, value: int) -> None:
        if not (self.part and self.part.pcrop):
            raise FlashError("no optcr2 register")
        opts = self.read_options()
        opts["optcr2"] = value
        self.write_options(opts)
