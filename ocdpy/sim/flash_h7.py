"""STM32H74x/75x embedded flash (two banks), per RM0433 section 4.

Each bank has its own KEYR, CR, SR, CCR, WPSN and ECC registers (bank 1 at
0x52002000, bank 2 at 0x52002100) and works in parallel with the other; ACR, OPTKEYR,
OPTCR, OPTSR_CUR/PRG, OPTCCR and BOOT registers are shared and appear in both halves.

Programming goes through a 256-bit write buffer: with PG set, writes to one 32-byte
flash word fill the buffer (SR.WBNE); the eighth word (or CR.FW) starts programming
(SR.QW and BSY until done, then EOP). Writing a different flash word while the buffer
is partly filled sets INCERR, writing a buffered byte twice sets STRBERR, writing with
PG clear sets PGSERR, a protected sector sets WRPERR. Flash words carry ECC, so a word
is programmed once after erase: programming it again (other than with all zeros)
leaves cells and ECC inconsistent, and later reads of that word report a double ECC
error (SR.DBECCERR, bus error on the access).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy.sim.bus import BusFault
from ocdpy.sim.flash_common import KEY1, KEY2, OPTKEY1, OPTKEY2, FlashController, KeyLock
from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.timing import H7_TIMING

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

SR_BSY, SR_WBNE, SR_QW = 1, 2, 4
SR_EOP, SR_WRPERR, SR_PGSERR, SR_STRBERR = 1 << 16, 1 << 17, 1 << 18, 1 << 19
SR_INCERR, SR_OPERR, SR_RDPERR, SR_RDSERR = 1 << 21, 1 << 22, 1 << 23, 1 << 24
SR_SNECCERR, SR_DBECCERR, SR_CRCEND = 1 << 25, 1 << 26, 1 << 27
SR_FLAGS = 0x0FEF0000
CR_LOCK, CR_PG, CR_SER, CR_BER, CR_FW, CR_START = 1, 2, 4, 8, 0x40, 0x80
CR_WRITABLE = 0x0FEF87FE & ~(CR_FW | CR_START)
CR_RESET_PSIZE = 0x30
OPTCR_LOCK, OPTCR_START, OPTCR_MER = 1, 2, 0x10
OPTSR_BUSY, OPTSR_CHANGEERR = 1, 1 << 30
OPTSR_FACTORY = 0x0006AAD0  # RDP 0xAA, IWDG/NRST user bits set, BOR off
OPTSR_WRITABLE = 0x8FFEFFFC
BOOT_FACTORY = 0x1FF00800
FLASH_WORD = 32
BANK_SIZE = 1024 * 1024
SECTOR_SIZE = 128 * 1024


class H7Bank:
    """State of one bank's half of the controller."""

    def __init__(self, index: int, base: int) -> None:
        self.index = index
        self.base = base
        self.keys = KeyLock(KEY1, KEY2)
        self.wpsn = 0xFF  # option bytes: 1 = sector not write-protected
        self.wpsn_prg = 0xFF
        self.ecc_bad: set[int] = set()
        self.busy_until = 0.0
        self.reset()

    def reset(self) -> None:
        self.keys.reset()
        self.cr = CR_RESET_PSIZE
        self.errors = 0
        self.eop = False
        self.buffer: dict[int, int] = {}
        self.buffer_word = -1
        self.ecc_far = 0
        self.wpsn_prg = self.wpsn


class H7Flash(FlashController):
    family = "h7"
    name = "FLASH"
    base_addr = 0x52002000

    def __init__(self, chip: SimChip, flash: MemoryBlock) -> None:
        super().__init__(chip, flash)
        self.timing = H7_TIMING
        self.banks = [H7Bank(i, flash.base + i * BANK_SIZE) for i in range(flash.size // BANK_SIZE)]
        self.optsr = OPTSR_FACTORY
        self.boot = BOOT_FACTORY
        self.opt_keys = KeyLock(OPTKEY1, OPTKEY2)
        self.opt_busy_until = 0.0
        self.reset()

    def reset(self) -> None:
        for bank in self.banks:
            bank.reset()
        self.opt_keys.reset()
        self.acr = 0x37
        self.optsr_prg = self.optsr
        self.boot_prg = self.boot
        self.opt_error = False
        self.pending: tuple[int, int, list[int]] | None = None

    # time per bank --------------------------------------------------------------

    def _bank_busy(self, bank: H7Bank) -> bool:
        return self.now() < bank.busy_until

    def _bank_op(self, bank: H7Bank, duration: float, counter: str) -> None:
        start = max(self.now(), bank.busy_until)
        bank.busy_until = start + duration
        self.busy_until = max(self.busy_until, bank.busy_until)
        self.chip.stats.count(counter)

    def _wait_bank(self, bank: H7Bank) -> None:
        if self._bank_busy(bank):
            self.chip.stall_until(bank.busy_until)

    def _sync_options(self) -> None:
        if self.pending is not None and self.now() >= self.opt_busy_until:
            self.optsr, self.boot, wpsns = self.pending
            for bank, wpsn in zip(self.banks, wpsns, strict=True):
                bank.wpsn = wpsn
            self.pending = None

    # protection -------------------------------------------------------------------

    def rdp(self) -> int:
        return (self.optsr >> 8) & 0xFF

    def read_protected(self) -> bool:
        return self.rdp() != 0xAA and self.chip.debugger_attached

    def check_read(self, addr: int, length: int) -> None:
        if self.read_protected():
            bank = self.banks[min((addr - self.flash.base) // BANK_SIZE, len(self.banks) - 1)]
            bank.errors |= SR_RDPERR
            raise BusFault(addr, "flash read-out protected")
        first = (addr - self.flash.base) // FLASH_WORD
        last = (addr + length - 1 - self.flash.base) // FLASH_WORD
        for bank in self.banks:
            for word in bank.ecc_bad:
                if first <= word <= last:
                    bank.errors |= SR_DBECCERR
                    bank.ecc_far = word % (BANK_SIZE // FLASH_WORD)
                    raise BusFault(self.flash.base + word * FLASH_WORD, "double ECC error in flash word")

    # registers --------------------------------------------------------------------

    def read_reg(self, offset: int) -> int:
        self._sync_options()
        bank = self.banks[(offset >> 8) & 1] if len(self.banks) > 1 else self.banks[0]
        reg = offset & 0xFF
        if reg == 0x00:
            return self.acr
        if reg == 0x0C:
            return bank.cr | (CR_LOCK if bank.keys.locked else 0)
        if reg == 0x10:
            return self._sr(bank)
        if reg == 0x18:
            return OPTCR_LOCK if self.opt_keys.locked else 0
        if reg == 0x1C:
            busy = OPTSR_BUSY if self.now() < self.opt_busy_until else 0
            return self.optsr | busy | (OPTSR_CHANGEERR if self.opt_error else 0)
        if reg == 0x20:
            return self.optsr_prg
        if reg in (0x28, 0x30):
            return 0x000000FF  # PRAR/SCAR: start above end, no protected area
        if reg in (0x2C, 0x34):
            return 0x000000FF
        if reg == 0x38:
            return bank.wpsn
        if reg == 0x3C:
            return bank.wpsn_prg
        if reg == 0x40:
            return self.boot
        if reg == 0x44:
            return self.boot_prg
        if reg == 0x60:
            return bank.ecc_far
        return 0

    def _sr(self, bank: H7Bank) -> int:
        sr = bank.errors
        if self._bank_busy(bank):
            sr |= SR_BSY | SR_QW
        elif bank.eop:
            sr |= SR_EOP
        if bank.buffer:
            sr |= SR_WBNE
        return sr

    def stall_on_read(self, offset: int) -> bool:
        return offset & 0xFF in (0x10, 0x1C)

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        self._sync_options()
        bank = self.banks[(offset >> 8) & 1] if len(self.banks) > 1 else self.banks[0]
        reg = offset & 0xFF
        addr = self.base_addr + offset
        value &= mask
        if reg == 0x00:
            self.acr = (self.acr & ~mask) | (value & 0x3F)
        elif reg == 0x04:
            bank.keys.write(value, addr)
        elif reg == 0x08:
            self.opt_keys.write(value, addr)
        elif reg == 0x0C:
            self._write_cr(bank, value, mask)
        elif reg == 0x14:
            if value & SR_EOP:
                bank.eop = False
            bank.errors &= ~(value & SR_FLAGS)
        elif reg == 0x18:
            self._write_optcr(value, mask)
        elif reg == 0x20 and not self.opt_keys.locked:
            self.optsr_prg = (self.optsr_prg & ~(mask & OPTSR_WRITABLE)) | (value & OPTSR_WRITABLE)
        elif reg == 0x24:
            if value & (1 << 30):
                self.opt_error = False
        elif reg == 0x3C and not self.opt_keys.locked:
            bank.wpsn_prg = (bank.wpsn_prg & ~mask & 0xFF) | (value & 0xFF)
        elif reg == 0x44 and not self.opt_keys.locked:
            self.boot_prg = (self.boot_prg & ~mask) | value

    def _write_cr(self, bank: H7Bank, value: int, mask: int) -> None:
        if bank.keys.locked:
            return
        if value & CR_START or (value & CR_FW and bank.buffer):
            # wait before changing anything: a core stopped here makes this write again
            self._wait_bank(bank)
        if value & CR_LOCK:
            bank.keys.lock()
            bank.cr = value & CR_WRITABLE
            return
        bank.cr = (bank.cr & ~(mask & CR_WRITABLE)) | (value & CR_WRITABLE)
        if value & CR_FW and bank.buffer:
            self._program_buffer(bank)
        if value & CR_START:
            self._erase(bank)

    def _psize(self, bank: H7Bank) -> int:
        return (bank.cr >> 4) & 3

    def _erase(self, bank: H7Bank) -> None:
        cr = bank.cr
        if cr & CR_BER:
            if self.read_protected() or bank.wpsn != 0xFF:
                bank.errors |= SR_WRPERR
                return
            self._erase_bank(bank)
            self._bank_op(bank, self.timing.bank_erase[self._psize(bank)], "flash_erases_mass")
            bank.eop = True
        elif cr & CR_SER:
            sector = (cr >> 8) & 7
            if self.read_protected() or not bank.wpsn >> sector & 1:
                bank.errors |= SR_WRPERR
                return
            offset = bank.base - self.flash.base + sector * SECTOR_SIZE
            self.erase(offset, SECTOR_SIZE)
            first = offset // FLASH_WORD
            bank.ecc_bad = {w for w in bank.ecc_bad if not first <= w < first + SECTOR_SIZE // FLASH_WORD}
            self._bank_op(bank, self.timing.sector_erase[self._psize(bank)], "flash_erases_sector")
            bank.eop = True

    def _erase_bank(self, bank: H7Bank) -> None:
        self.erase(bank.base - self.flash.base, BANK_SIZE)
        bank.ecc_bad.clear()

    def _write_optcr(self, value: int, mask: int) -> None:
        if value & OPTCR_LOCK:
            self.opt_keys.lock()
            return
        if self.opt_keys.locked:
            return
        if value & OPTCR_MER:
            if self.read_protected() or any(b.wpsn != 0xFF for b in self.banks):
                self.banks[0].errors |= SR_WRPERR
            else:
                psize = self._psize(self.banks[0])
                for bank in self.banks:
                    self._erase_bank(bank)
                    self._bank_op(bank, self.timing.bank_erase[psize], "flash_erases_mass")
                    bank.eop = True
        if value & OPTCR_START:
            self._program_options()

    def _program_options(self) -> None:
        if self.rdp() == 0xCC:
            self.opt_error = True  # level 2 cannot be changed
            return
        duration = self.timing.option_program
        new_rdp = (self.optsr_prg >> 8) & 0xFF
        if self.rdp() != 0xAA and new_rdp == 0xAA:
            for bank in self.banks:  # regression to level 0 erases both banks
                self._erase_bank(bank)
            self.chip.stats.count("flash_erases_mass")
            duration += self.timing.bank_erase[3]
        start = max(self.now(), self.opt_busy_until)
        self.opt_busy_until = start + duration
        self.busy_until = max(self.busy_until, self.opt_busy_until)
        self.pending = (self.optsr_prg & OPTSR_WRITABLE & ~OPTSR_BUSY, self.boot_prg,
                        [b.wpsn_prg for b in self.banks])
        self.chip.stats.count("flash_programs_option")

    # programming through the write buffer -------------------------------------------

    def write_flash(self, addr: int, size: int, value: int, from_cpu: bool) -> bytes:
        offset = addr - self.flash.base
        bank = self.banks[offset // BANK_SIZE]
        old = self.flash.read(offset, size)
        if bank.keys.locked or not bank.cr & CR_PG:
            bank.errors |= SR_PGSERR
            return old
        word = offset // FLASH_WORD
        if bank.buffer and word != bank.buffer_word:
            bank.errors |= SR_INCERR
            bank.buffer.clear()
            return old
        data = value.to_bytes(size, "little")
        first = offset % FLASH_WORD
        if any(first + i in bank.buffer for i in range(size)):
            bank.errors |= SR_STRBERR
            return old
        if len(bank.buffer) + size == FLASH_WORD:
            # this write completes a flash word: wait for the previous one first, before
            # the buffer changes (a core stopped here makes this write again)
            self._wait_bank(bank)
        bank.buffer_word = word
        for i, byte in enumerate(data):
            bank.buffer[first + i] = byte
        if len(bank.buffer) == FLASH_WORD:
            self._program_buffer(bank)
        return self.flash.read(offset, size)

    def _program_buffer(self, bank: H7Bank) -> None:
        word = bank.buffer_word
        offset = word * FLASH_WORD
        self._wait_bank(bank)
        data = bytes(bank.buffer.get(i, 0xFF) for i in range(FLASH_WORD))
        bank.buffer.clear()
        sector = (offset % BANK_SIZE) // SECTOR_SIZE
        if self.read_protected() or not bank.wpsn >> sector & 1:
            bank.errors |= SR_WRPERR
            return
        old = self.flash.read(offset, FLASH_WORD)
        if old == b"\xff" * FLASH_WORD or data == bytes(FLASH_WORD):
            new = data
            if data == bytes(FLASH_WORD):
                bank.ecc_bad.discard(word)
        else:
            new = bytes(a & b for a, b in zip(old, data, strict=True))
            bank.ecc_bad.add(word)
        self.program(offset, new)
        self._bank_op(bank, self.timing.word_program[self._psize(bank)], "flash_programs")
        bank.eop = True

    # faults and state -----------------------------------------------------------------

    def boot_address(self) -> int:
        return (self.boot & 0xFFFF) << 16

    def apply_faults(self, rdp1: bool, wrp_mask: int) -> None:
        if rdp1:
            self.optsr = (self.optsr & ~0xFF00) | 0x5500
        if wrp_mask:
            self.banks[0].wpsn &= ~wrp_mask & 0xFF
            if len(self.banks) > 1:
                self.banks[1].wpsn &= ~(wrp_mask >> 8) & 0xFF
        self.reset()

    def option_state(self) -> dict[str, object]:
        self._sync_options()
        return {
            "optsr": self.optsr,
            "boot": self.boot,
            "wpsn": [b.wpsn for b in self.banks],
            "ecc_bad": sorted(w for b in self.banks for w in b.ecc_bad),
        }

    def load_option_state(self, state: dict[str, object]) -> None:
        if isinstance(state.get("optsr"), int):
            self.optsr = int(state["optsr"])  # type: ignore[arg-type]
        if isinstance(state.get("boot"), int):
            self.boot = int(state["boot"])  # type: ignore[arg-type]
        wpsn = state.get("wpsn")
        if isinstance(wpsn, list):
            for bank, value in zip(self.banks, wpsn, strict=False):
                bank.wpsn = int(value) & 0xFF
        bad = state.get("ecc_bad")
        if isinstance(bad, list):
            for bank in self.banks:
                bank.ecc_bad.clear()
            per_bank = BANK_SIZE // FLASH_WORD
            for word in bad:
                self.banks[min(int(word) // per_bank, len(self.banks) - 1)].ecc_bad.add(int(word))
        self.reset()
