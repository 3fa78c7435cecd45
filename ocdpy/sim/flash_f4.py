"""STM32F4 (F405/407) flash interface, per RM0090 section 3.

Registers at 0x40023C00: ACR, KEYR, OPTKEYR, SR (EOP, OPERR, WRPERR, PGAERR, PGPERR,
PGSERR, BSY), CR (PG, SER, MER, SNB, PSIZE, STRT, EOPIE, ERRIE, LOCK), OPTCR (own lock
and keys, OPTSTRT, BOR_LEV, user bits, RDP, nWRP).

Sectors 0-11: 4 x 16 KiB, 64 KiB, 7 x 128 KiB. Erase time depends on PSIZE (the
parallelism, which follows the supply voltage). Programming accesses must match PSIZE
(else PGPERR) and must not cross a 128-bit row (else PGAERR); a write with PG clear or
the controller locked sets PGSERR. Programming only clears bits (RM0090: successive
writes may change bits from 1 to 0 without an erase). EOP is only set when EOPIE is.
RDP level 1 with a debugger attached blocks reads of main flash (bus error) and makes
program/erase fail with WRPERR; setting RDP back to 0xAA mass-erases the flash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy.sim.flash_common import KEY1, KEY2, OPTKEY1, OPTKEY2, FlashController, KeyLock
from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.timing import F4_TIMING

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

SR_EOP, SR_OPERR, SR_WRPERR, SR_PGAERR, SR_PGPERR, SR_PGSERR = 1, 2, 0x10, 0x20, 0x40, 0x80
SR_ERRORS = SR_OPERR | SR_WRPERR | SR_PGAERR | SR_PGPERR | SR_PGSERR
SR_BSY = 1 << 16
CR_PG, CR_SER, CR_MER, CR_STRT, CR_EOPIE, CR_ERRIE, CR_LOCK = 1, 2, 4, 1 << 16, 1 << 24, 1 << 25, 1 << 31
CR_WRITABLE = CR_PG | CR_SER | CR_MER | (0xF << 3) | (3 << 8) | CR_STRT | CR_EOPIE | CR_ERRIE
OPTCR_LOCK, OPTCR_START = 1, 2
OPTCR_WRITABLE = 0x0FFFFFFC
OPTCR_FACTORY = 0x0FFFAAEC  # nWRP all ones, RDP 0xAA, user bits, BOR off

OTP_BASE, OTP_SIZE, OTP_BLOCK = 0x1FFF7800, 512, 32
OTP_LOCK_BASE = OTP_BASE + OTP_SIZE
SECTOR_SIZES = [16 * 1024] * 4 + [64 * 1024] + [128 * 1024] * 7


class F4Flash(FlashController):
    family = "f4"
    name = "FLASH"
    base_addr = 0x40023C00

    def __init__(self, chip: SimChip, flash: MemoryBlock) -> None:
        super().__init__(chip, flash)
        self.timing = F4_TIMING
        self.sectors: list[tuple[int, int]] = []
        offset = 0
        for size in SECTOR_SIZES:
            if offset >= flash.size:
                break
            self.sectors.append((offset, size))
            offset += size
        # Sector index of each 16 KiB block: sector lookups happen on every program.
        self._sector_by_16k = [i for i, (_start, size) in enumerate(self.sectors) for _ in range(size // 16384)]
        self.options = OPTCR_FACTORY  # what the option bytes hold
        self.otp = MemoryBlock("OTP", OTP_BASE, OTP_SIZE + 16, fill=0xFF)
        self.keys = KeyLock(KEY1, KEY2)
        self.opt_keys = KeyLock(OPTKEY1, OPTKEY2)
        self.reset()

    def reset(self) -> None:
        self.keys.reset()
        self.opt_keys.reset()
        self.acr = 0
        self.cr = 0
        self.errors = 0
        self.eop = False
        self.optcr = self.options
        self.pending_options: int | None = None

    # protection ---------------------------------------------------------------

    def rdp(self) -> int:
        return (self.options >> 8) & 0xFF

    def read_protected(self) -> bool:
        return self.rdp() != 0xAA and self.chip.debugger_attached

    def _sector_of(self, offset: int) -> int:
        return self._sector_by_16k[offset >> 14] if offset >= 0 else -1

    def _sector_protected(self, index: int) -> bool:
        return not (self.options >> (16 + index)) & 1

    # registers ----------------------------------------------------------------

    def _sync_options(self) -> None:
        if self.pending_options is not None and not self.busy():
            self.options = self.pending_options
            self.pending_options = None
            self.optcr = self.options | (self.optcr & OPTCR_LOCK)

    def read_reg(self, offset: int) -> int:
        if self.pending_options is not None:
            self._sync_options()
        if offset == 0x0C:
            if self.now() < self.busy_until:
                return self.errors | SR_BSY
            return self.errors | (SR_EOP if self.eop else 0)
        if offset == 0x00:
            return self.acr
        if offset == 0x10:
            return self.cr | (CR_LOCK if self.keys.locked else 0)
        if offset == 0x14:
            return (self.optcr & ~OPTCR_LOCK) | (OPTCR_LOCK if self.opt_keys.locked else 0)
        return 0

    def stall_on_read(self, offset: int) -> bool:
        return offset == 0x0C

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        addr = self.base_addr + offset
        if self.pending_options is not None:
            self._sync_options()
        if offset == 0x10:
            self._write_cr(value, mask)
        elif offset == 0x00:
            self.acr = (self.acr & ~mask) | (value & mask & 0x1F07)
        elif offset == 0x04:
            self.keys.write(value, addr)
        elif offset == 0x08:
            self.opt_keys.write(value, addr)
        elif offset == 0x0C:
            clear = value & mask
            if clear & SR_EOP:
                self.eop = False
            self.errors &= ~(clear & SR_ERRORS)
        elif offset == 0x14:
            self._write_optcr(value, mask)

    def _write_cr(self, value: int, mask: int) -> None:
        self.wait_idle()  # RM0090: writing CR while BSY stalls the AHB until it clears
        if value & mask & CR_LOCK:
            self.keys.lock()
            self.cr = 0
            return
        if self.keys.locked:
            return
        self.cr = (self.cr & ~mask) | (value & mask & CR_WRITABLE)
        if self.cr & CR_STRT:
            self.cr &= ~CR_STRT
            self._start()

    def _psize(self) -> int:
        return (self.cr >> 8) & 3

    def _start(self) -> None:
        cr = self.cr
        if cr & CR_SER and cr & CR_MER:
            return  # RM0090: neither erase is performed
        if cr & CR_MER:
            if self.read_protected() or any(self._sector_protected(i) for i in range(len(self.sectors))):
                self.errors |= SR_WRPERR
                return
            self.erase(0, self.flash.size)
            self.start_op(self.timing.mass_erase[self._psize()], "flash_erases_mass")
            self.eop = bool(cr & CR_EOPIE)
        elif cr & CR_SER:
            index = (cr >> 3) & 0xF
            if index >= len(self.sectors):
                self.errors |= SR_OPERR if cr & CR_ERRIE else 0
                return
            if self.read_protected() or self._sector_protected(index):
                self.errors |= SR_WRPERR
                return
            start, size = self.sectors[index]
            self.erase(start, size)
            self.start_op(self.timing.sector_erase(size, self._psize()), "flash_erases_sector")
            self.eop = bool(cr & CR_EOPIE)

    def _write_optcr(self, value: int, mask: int) -> None:
        if self.opt_keys.locked:
            return
        self.wait_idle()
        if value & mask & OPTCR_LOCK:
            self.opt_keys.lock()
        self.optcr = (self.optcr & ~(mask & OPTCR_WRITABLE)) | (value & mask & OPTCR_WRITABLE)
        if value & mask & OPTCR_START and not self.opt_keys.locked:
            self._program_options()

    def _program_options(self) -> None:
        new = self.optcr & OPTCR_WRITABLE
        if self.rdp() == 0xCC:
            return  # level 2 is final
        duration = self.timing.option_program
        new_rdp = (new >> 8) & 0xFF
        if self.rdp() != 0xAA and new_rdp == 0xAA:
            self.erase(0, self.flash.size)  # regression to level 0: mass erase
            self.chip.stats.count("flash_erases_mass")
            duration += self.timing.mass_erase[self._psize()]
        self.pending_options = new
        self.start_op(duration, "flash_programs_option")

    # flash and OTP writes -------------------------------------------------------

    def _check_program(self, addr: int, size: int, protected: bool) -> bool:
        if self.keys.locked or not self.cr & CR_PG:
            self.errors |= SR_PGSERR
            return False
        if size != 1 << min(self._psize(), 2):
            self.errors |= SR_PGPERR
            return False
        if (addr & 15) + size > 16:
            self.errors |= SR_PGAERR
            return False
        if protected:
            self.errors |= SR_WRPERR
            return False
        return True

    def write_flash(self, addr: int, size: int, value: int, from_cpu: bool) -> bytes:
        # Hot path of every flash loader: kept flat on purpose.
        chip = self.chip
        now = chip._run_t0 + chip._stall if chip._running_core else chip.clock.now
        if now < self.busy_until:
            chip.stall_until(self.busy_until)
            now = self.busy_until
        offset = addr - self.flash.base
        view = self.flash.view
        old = bytes(view[offset : offset + size])
        protected = not (self.options >> (16 + self._sector_by_16k[offset >> 14])) & 1
        if not self._check_program(addr, size, protected or self.read_protected()):
            return old
        new = (int.from_bytes(old, "little") & value).to_bytes(size, "little")
        view[offset : offset + size] = new
        chip.flash_changed(addr, size)
        self.busy_until = now + self.timing.program
        counters = chip.stats.counters
        counters["flash_programs"] = counters.get("flash_programs", 0) + 1
        self.eop = bool(self.cr & CR_EOPIE)
        return new

    def read_info(self, offset: int, length: int) -> bytes:
        return self.otp.read(offset, length)

    def write_otp(self, addr: int, size: int, value: int) -> None:
        offset = addr - OTP_BASE
        self.wait_idle()
        block_locked = offset < OTP_SIZE and self.otp.read(OTP_SIZE + offset // OTP_BLOCK, 1) == b"\x00"
        if not self._check_program(addr, size, block_locked):
            return
        old = int.from_bytes(self.otp.read(offset, size), "little")
        self.otp.write(offset, (old & value).to_bytes(size, "little"))
        self.start_op(self.timing.program, "flash_programs")
        self.eop = bool(self.cr & CR_EOPIE)

    def option_bytes_image(self) -> bytes:
        """The user option bytes as read at 0x1FFFC000 (RDP:USER, then nWRP)."""
        opts = self.options
        image = bytearray(b"\xff" * 16)
        image[0] = opts & 0xFC
        image[1] = (opts >> 8) & 0xFF
        image[8:10] = ((opts >> 16) & 0xFFF | 0xF000).to_bytes(2, "little")
        return bytes(image)

    # faults and state -----------------------------------------------------------

    def apply_faults(self, rdp1: bool, wrp_mask: int) -> None:
        if rdp1:
            self.options = (self.options & ~0xFF00) | 0x5500
        if wrp_mask:
            self.options &= ~((wrp_mask & 0xFFF) << 16)
        self.optcr = self.options

    def option_state(self) -> dict[str, object]:
        self._sync_options()
        return {"optcr": self.options, "otp": self.otp.snapshot().hex()}

    def load_option_state(self, state: dict[str, object]) -> None:
        optcr = state.get("optcr")
        if isinstance(optcr, int):
            self.options = optcr & OPTCR_WRITABLE
            self.optcr = self.options
        otp = state.get("otp")
        if isinstance(otp, str):
            self.otp.restore(bytes.fromhex(otp))
