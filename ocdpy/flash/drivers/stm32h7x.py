"""stm32h7x: the embedded flash of STM32H74x/75x and H72x/73x parts, per RM0433 /
RM0468. Each bank (0x08000000 and, on dual-bank parts, 0x08100000) is its own flash
bank with its own register block (0x52002000 / 0x52002100); option bytes (RDP, write
protection per sector in WPSN) are shared and programmed through OPTSR_PRG/WPSN_PRG
and OPTCR.OPTSTART.

Programming is by 256-bit flash words, each written once after an erase (ECC); sectors
are 128 KiB. Erase and program use x64 parallelism, as OpenOCD does.
(H7A3/B3 parts, with 8 KiB sectors and 128-bit flash words, are not supported yet.)
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy import log
from ocdpy.errors import FlashError, TransferFaultError
from ocdpy.flash import loader_code
from ocdpy.flash.bank import sector_array
from ocdpy.flash.drivers.stm32_common import Stm32Flash, with_protection

BANK1_BASE, BANK2_BASE = 0x08000000, 0x08100000
REG_BASE_B1, REG_BASE_B2 = 0x52002000, 0x52002100
DBGMCU_IDCODE = 0x5C001000
CR, SR, CCR, OPTCR, OPTSR_CUR, OPTSR_PRG, OPTCCR = 0x0C, 0x10, 0x14, 0x18, 0x1C, 0x20, 0x24
WPSN_CUR, WPSN_PRG = 0x38, 0x3C
CR_LOCK, CR_PG, CR_SER, CR_BER, CR_FW, CR_START = 0x01, 0x02, 0x04, 0x08, 0x40, 0x80
PSIZE_X64 = 3 << 4
SR_BSY, SR_WBNE, SR_QW = 0x1, 0x2, 0x4
SR_EOP, SR_WRPERR, SR_PGSERR, SR_STRBERR, SR_INCERR, SR_OPERR = (
    1 << 16, 1 << 17, 1 << 18, 1 << 19, 1 << 21, 1 << 22)
SR_RDPERR, SR_RDSERR, SR_SNECCERR, SR_DBECCERR = 1 << 23, 1 << 24, 1 << 25, 1 << 26
SR_ERRORS = 0x07EE0000
CCR_CLEAR = 0x0FEF0000
OPTCR_LOCK, OPTCR_START = 0x1, 0x2
OPTSR_BUSY, OPTSR_CHANGEERR = 0x1, 1 << 30
OPTCCR_CLR_OPTCHANGEERR = 1 << 30
RDP_L0, RDP_L1, RDP_L2 = 0xAA, 0x00, 0xCC
SR_NAMES = {SR_BSY: "BSY", SR_QW: "QW", SR_WBNE: "WBNE",
            SR_WRPERR: "WRPERR: write-protected or read-out protected",
            SR_PGSERR: "PGSERR: programming sequence error", SR_STRBERR: "STRBERR: flash word written twice",
            SR_INCERR: "INCERR: inconsistent flash word write", SR_OPERR: "OPERR",
            SR_RDPERR: "RDPERR: read-out protected", SR_RDSERR: "RDSERR",
            SR_SNECCERR: "SNECCERR", SR_DBECCERR: "DBECCERR: double ECC error", SR_EOP: "EOP"}

# DS12117 "Flash memory programming", x64 column: 256-bit word 100 us, 128 KiB sector
# 1 s, bank erase 5 s.
WORD_SECONDS = 100e-6
SECTOR_ERASE_SECONDS = 1.0
BANK_ERASE_SECONDS = 5.0
OPTION_SECONDS = 0.25


@dataclass(frozen=True)
class H7Part:
    device: str
    sector_kb: int
    flash_word: int
    max_kb: int
    max_bank_kb: int
    dual_bank: bool
    size_reg: int
    revisions: dict[int, str]


PARTS: dict[int, H7Part] = {
    0x450: H7Part("STM32H74x/75x", 128, 32, 2048, 1024, True, 0x1FF1E880,
                  {0x1000: "A", 0x1001: "Z", 0x1003: "Y", 0x2001: "X", 0x2003: "V"}),
    0x483: H7Part("STM32H72x/73x", 128, 32, 1024, 1024, False, 0x1FF1E880, {0x1000: "A", 0x1001: "Z"}),
}
UNSUPPORTED = {0x480: "STM32H7Ax/7Bx"}


class Stm32h7xFlash(Stm32Flash):
    name = "stm32h7x"
    loader = loader_code.STM32H7X
    parts = PARTS
    unidentified = "Cannot identify target as a STM32H7x"
    cr_offset, cr_lock, cr_pg = CR, CR_LOCK, CR_PG
    clear_flags = (CCR, CCR_CLEAR)
    sr_offset = SR
    sr_busy, sr_errors, sr_protection_errors = SR_BSY | SR_QW, SR_ERRORS, SR_WRPERR | SR_RDPERR
    sr_names = SR_NAMES
    unlock_erases = "both banks (then reset or power-cycle the board)"

    def __init__(self, bank, options: list[str]) -> None:
        super().__init__(bank, options)
        self.part: H7Part | None = None
        self.idcode = 0
        self.register_base = REG_BASE_B1

    # identification -------------------------------------------------------------------------

    def read_idcode(self) -> int:
        return self.target.read_u32(DBGMCU_IDCODE)

    def probe(self) -> None:
        bank = self.bank
        self.idcode = self.read_idcode()
        device = self.idcode & 0xFFF
        if device in UNSUPPORTED:
            raise FlashError(f"{UNSUPPORTED[device]} flash (8 KiB sectors, 128-bit words) is not "
                             "supported by ocdpy's stm32h7x driver yet; use OpenOCD for this part")
        part = PARTS.get(device)
        if part is None:
            raise FlashError(f"Cannot identify target as a STM32H7xx family (device id 0x{device:03x}); "
                             "check that the target config matches the chip")
        log.info(f"Device: {part.device}")
        self.part = part
        if bank.base == BANK1_BASE:
            self.register_base = REG_BASE_B1
        elif bank.base == BANK2_BASE:
            self.register_base = REG_BASE_B2
        else:
            raise FlashError(f"Flash register base not defined for bank {bank.number}: its base "
                             f"0x{bank.base:08x} should be 0x{BANK1_BASE:08x} or 0x{BANK2_BASE:08x}")
        size_kb = self.probed_size_kb(part.size_reg, part)
        dual = part.dual_bank
        if device == 0x450:
            if size_kb == 128:
                dual = False
            else:
                size_kb //= 2
        if dual:
            log.info("STM32H7 flash has dual banks")
        else:
            log.info("STM32H7 flash has a single bank")
            if bank.base == BANK2_BASE:
                raise FlashError("this device has a single bank only: remove the flash bank at "
                                 f"0x{BANK2_BASE:08x} from your config")
        log.info(f"Bank ({bank.number}) size is {size_kb} kb, base address is 0x{bank.base:08x}")
        size_kb = self.configured_size_kb(size_kb)
        bank.size = size_kb * 1024
        bank.write_start_alignment = bank.write_end_alignment = part.flash_word
        count = size_kb // part.sector_kb
        bank.sectors = sector_array(count, part.sector_kb * 1024)
        bank.prot_blocks = sector_array(count, part.sector_kb * 1024)

    # family hooks ---------------------------------------------------------------------------

    def core_hz(self) -> float:
        return 64_000_000.0  # the reset clock (HSI, 64 MHz); faster after a PLL is set up

    def regs_base(self) -> int:
        return self.register_base

    def unit(self) -> int:
        return self.part.flash_word if self.part else 32

    def extra_cr(self) -> int:
        return PSIZE_X64

    def erase_entry(self, index: int) -> int:
        return CR_SER | index << 8

    def mass_entry(self) -> int:
        return CR_BER

    def sector_erase_seconds(self, index: int) -> float:
        return SECTOR_ERASE_SECONDS

    def mass_erase_seconds(self) -> float | None:
        return BANK_ERASE_SECONDS

    def program_seconds(self, nbytes: int) -> float:
        return (nbytes + 31) // 32 * WORD_SECONDS

    # protection ------------------------------------------------------------------------------

    def rdp(self) -> int:
        return (self.target.read_u32(self.register_base + OPTSR_CUR) >> 8) & 0xFF

    def read_protected(self) -> bool:
        return self.rdp() != RDP_L0

    def access_guard(self) -> tuple[int, int, int] | None:
        return self.register_base + OPTSR_CUR, 0xFF00, RDP_L0 << 8

    def read_fault_cause(self, exc: TransferFaultError) -> FlashError | None:
        cause = super().read_fault_cause(exc)
        if cause is None and self.reg(SR) & SR_DBECCERR:
            return FlashError(f"reading flash bank #{self.bank.number} failed: double ECC error "
                              f"at 0x{exc.address or 0:08x} (a flash word programmed twice "
                              "without an erase); erase the sector and program it again")
        return cause

    def write_protection(self) -> int:
        return self.target.read_u32(self.register_base + WPSN_CUR) & 0xFF

    def entry_sector(self, entry: int) -> int | None:
        return (entry >> 8) & 7 if entry & CR_SER else None

    # direct register programming ---------------------------------------------------------------

    def start_erase(self, entry: int) -> float:
        cr = entry | PSIZE_X64
        self.set_reg(CR, cr)
        self.set_reg(CR, cr | CR_START)
        return BANK_ERASE_SECONDS if entry & CR_BER else SECTOR_ERASE_SECONDS

    # option bytes --------------------------------------------------------------------------------

    def write_option(self, offset: int, value: int) -> None:
        """Program one option register (OPTSR_PRG, WPSN_PRG, ...) and wait for the load."""
        base = self.register_base
        target = self.target
        self.unlock_options(OPTCR, OPTCR_LOCK)
        try:
            target.write_u32(base + offset, value)
            target.write_u32(base + OPTCCR, OPTCCR_CLR_OPTCHANGEERR)
            target.write_u32(base + OPTCR, OPTCR_START)
            status = self.wait_idle(OPTSR_CUR, OPTSR_BUSY, OPTION_SECONDS + 2 * BANK_ERASE_SECONDS)
            if status & OPTSR_CHANGEERR:
                raise FlashError("error changing option bytes (OPTCHANGEERR=1)")
        finally:
            target.write_u32(base + OPTCR, OPTCR_LOCK)

    def modify_option(self, offset: int, value: int, mask: int = 0xFFFFFFFF) -> None:
        current = self.target.read_u32(self.register_base + offset)
        self.write_option(offset, (current & ~mask) | (value & mask))

    def set_rdp(self, level: int) -> bool:
        """Program RDP; False if it already had that value (OpenOCD then says so)."""
        self.require_halted()
        optsr = self.target.read_u32(self.register_base + OPTSR_PRG)
        if (optsr >> 8) & 0xFF == level:
            log.info("the requested RDP value is already programmed")
            return False
        log.warning({RDP_L0: "unlocking the entire flash device", RDP_L1: "locking the entire flash device",
                     RDP_L2: "locking the entire flash device, irreversible"}[level])
        self.write_option(OPTSR_PRG, (optsr & ~0xFF00) | level << 8)
        return True

    def lock(self) -> None:
        self.set_rdp(RDP_L1)

    def unlock(self) -> None:
        self.set_rdp(RDP_L0)
        for s in self.bank.sectors:
            s.is_erased = -1

    def protect(self, set_: bool, first: int, last: int) -> None:
        self.require_halted()
        wpsn = self.target.read_u32(self.register_base + WPSN_PRG) & 0xFF
        self.write_option(WPSN_PRG, with_protection(wpsn, set_, first, last))

    def option_read(self, offset: int) -> tuple[int, int]:
        address = self.register_base + offset
        return address, self.target.read_u32(address)
