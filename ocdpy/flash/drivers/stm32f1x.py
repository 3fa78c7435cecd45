"""stm32f1x: the flash of STM32F0, F1 and F3 parts (and the GD32 clones OpenOCD treats
alike), per RM0008 / PM0075 / RM0091 / RM0316.

Pages of 1 or 2 KiB programmed by half-words; write protection in groups of 2 or 4
pages (bit 31 covers the rest of the bank); read-out protection in the RDP option
byte, removed by erasing the option bytes, which mass-erases the flash. The part is
identified by its DBGMCU IDCODE; where that register and the flash size register live
depends on the core (Cortex-M0 parts keep them elsewhere).
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy import log
from ocdpy.errors import FlashError
from ocdpy.flash import loader_code
from ocdpy.flash.bank import sector_array
from ocdpy.flash.drivers.stm32_common import KEY1, KEY2, KEYR, OPTKEYR, Stm32Flash, with_protection
from ocdpy.flash.loader import LoaderError
from ocdpy.flash.target_api import PARTNO_M0, PARTNO_M0P, PARTNO_M3, PARTNO_M4, PARTNO_M23

REG_BASE_B0, REG_BASE_B1 = 0x40022000, 0x40022040
SR, CR, AR, OBR, WRPR = 0x0C, 0x10, 0x14, 0x1C, 0x20
SR_BSY, SR_PGERR, SR_WRPRTERR, SR_EOP = 0x01, 0x04, 0x10, 0x20
CR_PG, CR_PER, CR_MER, CR_OPTPG, CR_OPTER, CR_STRT, CR_LOCK, CR_OPTWRE, CR_OBL_LAUNCH = (
    0x01, 0x02, 0x04, 0x10, 0x20, 0x40, 0x80, 0x200, 0x2000)
OB_BASE = 0x1FFFF800
OBR_OPTERR, OBR_RDPRT = 0x1, 0x2
SR_NAMES = {SR_BSY: "BSY", SR_PGERR: "PGERR: a half-word was not erased before programming",
            SR_WRPRTERR: "WRPRTERR: write-protected or read-out protected", SR_EOP: "EOP"}

# Datasheet typical times (DS5319 and siblings: t_prog 52.5 us per half-word, page and
# mass erase 20 ms minimum, no typical given).
HALFWORD_SECONDS = 52.5e-6
PAGE_ERASE_SECONDS = 20e-3
MASS_ERASE_SECONDS = 20e-3


@dataclass(frozen=True)
class F1Part:
    device: str
    page_size: int
    pages_per_wrp: int
    max_kb: int
    revisions: dict[int, str]
    f0_style: bool = False  # F0/F3 option layout: user byte at 8+, data at 16+, RDP 0xAA
    dual_bank: bool = False

    @property
    def user_data_offset(self) -> int:
        return 16 if self.f0_style else 10

    @property
    def option_offset(self) -> int:
        return 6 if self.f0_style else 0

    @property
    def default_rdp(self) -> int:
        return 0xAA if self.f0_style else 0xA5


_F0_REVS = {0x1000: "1.0", 0x2000: "2.0"}
# DBGMCU IDCODE device id -> part (RM0008/RM0091/RM0316 "MCU device ID code").
PARTS: dict[int, F1Part] = {
    0x410: F1Part("STM32F10x (Medium Density)", 1024, 4, 128,
                  {0x0000: "A", 0x2000: "B", 0x2001: "Z", 0x2003: "Y"}),
    0x412: F1Part("STM32F10x (Low Density)", 1024, 4, 32, {0x1000: "A"}),
    0x414: F1Part("STM32F10x (High Density)", 2048, 2, 512, {0x1000: "A", 0x1001: "Z", 0x1003: "Y"}),
    0x418: F1Part("STM32F10x (Connectivity)", 2048, 2, 256, {0x1000: "A", 0x1001: "Z"}),
    0x420: F1Part("STM32F100 (Low/Medium Density)", 1024, 4, 128, {0x1000: "A", 0x1001: "Z"}),
    0x428: F1Part("STM32F100 (High Density)", 2048, 4, 512, {0x1000: "A", 0x1001: "Z"}),
    0x430: F1Part("STM32F10x (XL Density)", 2048, 2, 1024, {0x1000: "A"}, dual_bank=True),
    0x422: F1Part("STM32F302xB/C", 2048, 2, 256, {0x1000: "A", 0x1001: "Z", 0x1003: "Y", 0x2000: "B"}, True),
    0x446: F1Part("STM32F303xD/E", 2048, 2, 512, {0x1000: "A"}, True),
    0x432: F1Part("STM32F37x", 2048, 2, 256, {0x1000: "A", 0x2000: "B"}, True),
    0x438: F1Part("STM32F33x", 2048, 2, 64, {0x1000: "A"}, True),
    0x439: F1Part("STM32F302x6/8", 2048, 2, 64, {0x1000: "A", 0x1001: "Z"}, True),
    0x440: F1Part("STM32F05x", 1024, 4, 64, _F0_REVS, True),
    0x444: F1Part("STM32F03x", 1024, 4, 32, _F0_REVS, True),
    0x445: F1Part("STM32F04x", 1024, 4, 32, _F0_REVS, True),
    0x448: F1Part("STM32F07x", 2048, 4, 128, _F0_REVS, True),
    0x442: F1Part("STM32F09x", 2048, 4, 256, _F0_REVS, True),
}

# Core part number -> (DBGMCU IDCODE address, flash size register address).
PROPERTY_ADDRESSES = {
    PARTNO_M0: (0x40015800, 0x1FFFF7CC),
    PARTNO_M0P: (0x40015800, 0x1FFFF7CC),
    PARTNO_M3: (0xE0042000, 0x1FFFF7E0),
    PARTNO_M4: (0xE0042000, 0x1FFFF7CC),
    PARTNO_M23: (0x40015800, 0x1FFFF7E0),
}


class Stm32f1xFlash(Stm32Flash):
    name = "stm32f1x"
    usage = ""
    loader = loader_code.STM32F1X
    parts = PARTS
    unidentified = "Cannot identify target as a STM32F0/1/3\n"
    cr_offset, cr_lock, cr_pg = CR, CR_LOCK, CR_PG
    clear_flags = (SR, SR_EOP | SR_WRPRTERR | SR_PGERR)
    sr_busy, sr_errors, sr_protection_errors = SR_BSY, SR_PGERR | SR_WRPRTERR, SR_WRPRTERR
    sr_names = SR_NAMES
    sr_advice = {SR_PGERR: ". The flash there was not erased: use `flash write_image erase ...` "
                           "(or erase the sectors first)"}
    unlock_erases = "the whole flash (after it, power-cycle the board)"

    def __init__(self, bank, options: list[str]) -> None:
        super().__init__(bank, options)
        self.part: F1Part | None = None
        self.idcode = 0
        self.register_base = REG_BASE_B0

    # identification ------------------------------------------------------------------

    def _addresses(self) -> tuple[int, int]:
        partno = self.target.core_partno()
        addrs = PROPERTY_ADDRESSES.get(partno)
        if addrs is None:
            raise FlashError(f"Cannot identify target as a stm32x (core part number 0x{partno:03x} "
                             "is not a Cortex-M0/M3/M4/M23); is the stm32f1x flash driver the "
                             "right one for this chip?")
        return addrs

    def read_idcode(self) -> int:
        return self.target.read_u32(self._addresses()[0])

    def probe(self) -> None:
        bank = self.bank
        bank_base = bank.base
        idcode_addr, size_addr = self._addresses()
        self.idcode = self.target.read_u32(idcode_addr)
        self.part = part = self.identify(self.idcode)
        size_kb = self.probed_size_kb(size_addr, part)
        base = 0x08000000
        self.register_base = REG_BASE_B0
        if part.dual_bank:
            if bank_base != 0x08080000:
                size_kb = 512
            else:
                size_kb -= 512
                self.register_base = REG_BASE_B1
                base = 0x08080000
        size_kb = self.configured_size_kb(size_kb)
        log.info(f"flash size = {size_kb} KiB")
        pages = size_kb * 1024 // part.page_size
        bank.base = base
        bank.size = pages * part.page_size
        bank.sectors = sector_array(pages, part.page_size)
        blocks = min(32, pages // part.pages_per_wrp)
        bank.prot_blocks = sector_array(blocks, part.pages_per_wrp * part.page_size)
        if blocks == 32:
            bank.prot_blocks[31].size = (pages - 31 * part.pages_per_wrp) * part.page_size
        bank.write_start_alignment = bank.write_end_alignment = 2

    # family hooks ----------------------------------------------------------------------

    def core_hz(self) -> float:
        return 8_000_000.0  # the reset clock (HSI, 8 MHz); faster after a PLL is set up

    def regs_base(self) -> int:
        return self.register_base

    def unit(self) -> int:
        return 2

    def erase_entry(self, index: int) -> int:
        return self.bank.base + self.bank.sectors[index].offset

    def mass_entry(self) -> int:
        return 0xFFFFFFFF

    def sector_erase_seconds(self, index: int) -> float:
        return PAGE_ERASE_SECONDS

    def mass_erase_seconds(self) -> float | None:
        return MASS_ERASE_SECONDS

    def program_seconds(self, nbytes: int) -> float:
        return (nbytes + 1) // 2 * HALFWORD_SECONDS

    # protection ----------------------------------------------------------------------------

    def _part(self) -> F1Part:
        if self.part is None:
            self.bank.auto_probe()
        assert self.part is not None
        return self.part

    def read_protected(self) -> bool:
        return bool(self.target.read_u32(REG_BASE_B0 + OBR) & OBR_RDPRT)

    def access_guard(self) -> tuple[int, int, int] | None:
        return REG_BASE_B0 + OBR, OBR_RDPRT, 0

    def write_protection(self) -> int:
        return self.target.read_u32(REG_BASE_B0 + WRPR)

    def protected_blocks_text(self, address: int | None = None) -> str:
        wrpr = self.write_protection()
        bank = self.bank
        names = []
        for i, block in enumerate(bank.prot_blocks):
            if not wrpr >> i & 1:
                first = block.offset // self._part().page_size
                last = (block.end - 1) // self._part().page_size
                names.append((i, first, last, block))
        if address is not None:
            off = address - bank.base
            hit = [n for n in names if n[3].offset <= off < n[3].end]
            names = hit or names
        if not names:
            return ""
        text = "; ".join(f"protection block {i} (pages {a}-{b}, 0x{bank.base + blk.offset:08x}-"
                         f"0x{bank.base + blk.end - 1:08x})" for i, a, b, blk in names[:8])
        blocks = [n[0] for n in names]
        return (f"write-protected: {text}. `flash protect {bank.number} {min(blocks)} "
                f"{max(blocks)} off` removes the protection (a reset then applies it)")

    def protection_detail(self, exc: LoaderError) -> str:
        return self.protected_blocks_text(exc.address)

    # direct register programming (no work area) ----------------------------------------------

    def start_erase(self, entry: int) -> float:
        if entry == 0xFFFFFFFF:
            self.set_reg(CR, CR_MER)
            self.set_reg(CR, CR_MER | CR_STRT)
            return MASS_ERASE_SECONDS
        self.set_reg(CR, CR_PER)
        self.set_reg(AR, entry)
        self.set_reg(CR, CR_PER | CR_STRT)
        return PAGE_ERASE_SECONDS

    # option bytes ---------------------------------------------------------------------------------

    def read_options(self) -> dict[str, int]:
        part = self._part()
        obr = self.target.read_u32(REG_BASE_B0 + OBR)
        wrpr = self.target.read_u32(REG_BASE_B0 + WRPR)
        return {
            "obr": obr, "wrpr": wrpr,
            "rdp": 0 if obr & OBR_RDPRT else part.default_rdp,
            "user": (obr >> part.option_offset >> 2) & 0xFF,
            "data": (obr >> part.user_data_offset) & 0xFFFF,
        }

    def _option_sequence_unlock(self) -> None:
        self.set_reg(KEYR, KEY1)
        self.set_reg(KEYR, KEY2)
        self.set_reg(OPTKEYR, KEY1)
        self.set_reg(OPTKEYR, KEY2)

    def erase_options(self) -> dict[str, int]:
        """Erase the option bytes (mass-erasing the flash if read-out protected); returns
        the options as they were, with RDP set to the unprotected value."""
        self.require_halted()
        opts = self.read_options()
        self._option_sequence_unlock()
        try:
            self.set_reg(CR, CR_OPTER | CR_OPTWRE)
            self.set_reg(CR, CR_OPTER | CR_STRT | CR_OPTWRE)
            sr = self.wait_idle(SR, SR_BSY, PAGE_ERASE_SECONDS + MASS_ERASE_SECONDS)
            if sr & SR_WRPRTERR:
                raise FlashError(f"stm32f1x: erasing the option bytes failed (FLASH_SR 0x{sr:08x})")
        except Exception:
            self.set_reg(CR, CR_LOCK)
            raise
        opts["rdp"] = self._part().default_rdp
        return opts

    def write_options(self, opts: dict[str, int]) -> None:
        values = [opts["rdp"], opts["user"], opts["data"] & 0xFF, (opts["data"] >> 8) & 0xFF]
        values += [(opts["wrpr"] >> (8 * i)) & 0xFF for i in range(4)]
        try:
            if self.reg(CR) & CR_LOCK:
                self._option_sequence_unlock()
            self.set_reg(CR, CR_OPTPG | CR_OPTWRE)
            payload = b"".join(v.to_bytes(2, "little") for v in values)
            self.target.write_memory(OB_BASE, payload, 2)
            sr = self.wait_idle(SR, SR_BSY, 8 * HALFWORD_SECONDS)
            if sr & (SR_PGERR | SR_WRPRTERR):
                raise FlashError(f"stm32f1x: programming the option bytes failed (FLASH_SR 0x{sr:08x}: "
                                 f"{self.describe_sr(sr)})")
        finally:
            self.set_reg(CR, CR_LOCK)

    def protect(self, set_: bool, first: int, last: int) -> None:
        self.require_halted()
        opts = self.erase_options()
        opts["wrpr"] = with_protection(opts["wrpr"], set_, first, last)
        self.write_options(opts)

    def lock(self) -> None:
        opts = self.erase_options()
        opts["rdp"] = 0
        self.write_options(opts)

    def unlock(self) -> None:
        opts = self.erase_options()
        self.write_options(opts)
        for s in self.bank.sectors:
            s.is_erased = -1

    OPTION_WORDS = {"SWWDG": (0, True), "HWWDG": (0, False), "NORSTSTOP": (1, True),
                    "RSTSTOP": (1, False), "NORSTSTNDBY": (2, True), "RSTSTNDBY": (2, False)}
    DUAL_BANK_WORDS = {"BOOT0": (3, True), "BOOT1": (3, False)}

    def option_words(self) -> dict[str, tuple[int, bool]]:
        """`stm32f1x options_write` keywords -> (user option bit, value)."""
        words = dict(self.OPTION_WORDS)
        if self._part().dual_bank:
            words.update(self.DUAL_BANK_WORDS)
        return words

    def options_write(self, changes: dict[int, bool], user_data: int | None) -> None:
        """Set user option bits and the user data half-word; like OpenOCD, the option
        bytes are erased and rewritten, which also clears read-out protection."""
        self.require_halted()
        opts = self.read_options()
        user, data = opts["user"], opts["data"] if user_data is None else user_data & 0xFFFF
        for bit, on in changes.items():
            user = user | (1 << bit) if on else user & ~(1 << bit)
        new = self.erase_options()
        new["user"], new["data"] = user, data
        self.write_options(new)

    def options_load(self) -> None:
        part = self._part()
        if not part.f0_style:
            raise FlashError("Command not applicable to stm32f1x devices - power cycle is "
                             "required instead.")
        self.require_halted()
        self.set_reg(KEYR, KEY1)
        self.set_reg(KEYR, KEY2)
        self.set_reg(CR, CR_OBL_LAUNCH)

    def options_text(self) -> list[str]:
        part = self._part()
        opts = self.read_options()
        obr, lines = opts["obr"], []
        if obr & OBR_OPTERR:
            lines.append("option byte complement error")
        lines.append(f"option byte register = 0x{obr:x}")
        lines.append(f"write protection register = 0x{opts['wrpr']:x}")
        lines.append(f"read protection: {'on' if obr & OBR_RDPRT else 'off'}")
        user = obr >> part.option_offset
        lines.append(f"watchdog: {'soft' if user & (1 << 2) else 'hard'}ware")
        lines.append(f"stop mode: {'no ' if user & (1 << 3) else ''}reset generated upon entry")
        lines.append(f"standby mode: {'no ' if user & (1 << 4) else ''}reset generated upon entry")
        if part.dual_bank:
            lines.append(f"boot: bank {0 if user & (1 << 5) else 1}")
        lines.append(f"user data = 0x{(obr >> part.user_data_offset) & 0xFFFF:02x}")
        return lines
