"""STM32F1 flash program/erase controller (FPEC), per RM0008 and PM0075.

Registers at 0x40022000: ACR, KEYR, OPTKEYR, SR (BSY, PGERR, WRPRTERR, EOP), CR (PG,
PER, MER, OPTPG, OPTER, STRT, LOCK, OPTWRE), AR, OBR, WRPR. Option bytes live at
0x1FFFF800 as eight half-words, each a byte and its complement written by the FPEC;
OBR and WRPR are loaded from them at every reset.

Programming is by half-word only (other sizes: bus error). A half-word that is not
0xFFFF can only be overwritten with 0x0000; anything else sets PGERR and leaves the
cell alone. Protected pages set WRPRTERR. With read-out protection active and a
debugger attached, main flash cannot be read, programmed or page-erased; erasing the
option bytes then mass-erases main flash, which is how protection is removed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ocdpy.sim.bus import BusFault
from ocdpy.sim.flash_common import KEY1, KEY2, FlashController, KeyLock
from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.timing import F1_TIMING

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

SR_BSY, SR_PGERR, SR_WRPRTERR, SR_EOP = 1, 4, 0x10, 0x20
CR_PG, CR_PER, CR_MER, CR_OPTPG, CR_OPTER = 1, 2, 4, 0x10, 0x20
CR_STRT, CR_LOCK, CR_OPTWRE = 0x40, 0x80, 0x200
CR_WRITABLE = CR_PG | CR_PER | CR_MER | CR_OPTPG | CR_OPTER | CR_STRT | 0x1400

OB_BASE = 0x1FFFF800
RDP_UNPROTECTED = 0xA5
FACTORY_OPTION_BYTES = bytes([0xA5, 0x5A] + [0xFF, 0x00] * 7)


class F1Flash(FlashController):
    family = "f1"
    name = "FLASH"
    base_addr = 0x40022000

    def __init__(self, chip: SimChip, flash: MemoryBlock, page_size: int, pages_per_wrp: int) -> None:
        super().__init__(chip, flash)
        self.page_size = page_size
        self.pages_per_wrp = pages_per_wrp
        self.timing = F1_TIMING
        self.ob = MemoryBlock("option bytes", OB_BASE, 16)
        self.ob.restore(FACTORY_OPTION_BYTES)
        self.keys = KeyLock(KEY1, KEY2)
        self.opt_keys = KeyLock(KEY1, KEY2)
        self.reset()

    def reset(self) -> None:
        self.keys.reset()
        self.opt_keys.reset()
        self.cr = 0
        self.ar = 0
        self.acr = 0x30
        self.errors = 0
        self.eop_pending = False
        self.load_option_bytes()

    # option bytes -------------------------------------------------------------

    def _option_byte(self, index: int) -> tuple[int, bool]:
        """(value, complement error) of option byte pair `index`."""
        value, comp = self.ob.read(2 * index, 2)
        if value == 0xFF and comp == 0xFF:
            return 0xFF, False
        if value ^ comp != 0xFF:
            return 0xFF, True
        return value, False

    def load_option_bytes(self) -> None:
        """The option byte loader: OBR and WRPR from the option bytes."""
        values = []
        error = False
        for index in range(8):
            value, bad = self._option_byte(index)
            values.append(value)
            error |= bad
        rdp, user, data0, data1 = values[:4]
        self.rdp_active = rdp != RDP_UNPROTECTED
        self.obr = (int(error) | int(self.rdp_active) << 1 | user << 2 | data0 << 10 | data1 << 18)
        self.wrpr = values[4] | values[5] << 8 | values[6] << 16 | values[7] << 24

    def read_protected(self) -> bool:
        return self.rdp_active and self.chip.debugger_attached

    def _page_protected(self, offset: int) -> bool:
        group = min(offset // (self.page_size * self.pages_per_wrp), 31)
        return not self.wrpr >> group & 1

    # registers ----------------------------------------------------------------

    def _sr(self) -> int:
        sr = self.errors
        if self.busy():
            sr |= SR_BSY
        elif self.eop_pending:
            sr |= SR_EOP
        return sr

    def read_reg(self, offset: int) -> int:
        if offset == 0x00:
            return self.acr
        if offset == 0x0C:
            return self._sr()
        if offset == 0x10:
            cr = self.cr | (CR_LOCK if self.keys.locked else 0)
            if not self.opt_keys.locked:
                cr |= CR_OPTWRE
            if self.busy() and cr & (CR_PER | CR_MER | CR_OPTER):
                cr |= CR_STRT  # STRT reads 1 until the erase completes
            return cr
        if offset == 0x14:
            return self.ar
        if offset == 0x1C:
            return self.obr
        if offset == 0x20:
            return self.wrpr
        return 0

    def stall_on_read(self, offset: int) -> bool:
        return offset == 0x0C

    def write_reg(self, offset: int, value: int, mask: int) -> None:
        addr = self.base_addr + offset
        if offset == 0x00:
            self.acr = (self.acr & ~mask) | (value & mask & 0x1F)
        elif offset == 0x04:
            self.keys.write(value, addr)
        elif offset == 0x08:
            if not self.keys.locked:  # the FPEC must be unlocked first (PM0075)
                self.opt_keys.write(value, addr)
        elif offset == 0x0C:
            if not self.busy() and value & mask & SR_EOP:
                self.eop_pending = False
            self.errors &= ~(value & mask & (SR_PGERR | SR_WRPRTERR))
        elif offset == 0x10:
            self._write_cr(value, mask)
        elif offset == 0x14:
            if not self.keys.locked:
                self.ar = (self.ar & ~mask) | (value & mask)

    def _write_cr(self, value: int, mask: int) -> None:
        self.wait_idle()
        if value & mask & CR_LOCK:
            self.keys.lock()
            self.opt_keys.lock()
            self.cr = 0
            return
        if self.keys.locked:
            return
        if mask & CR_OPTWRE and not value & CR_OPTWRE:
            self.opt_keys.lock()
        self.cr = (self.cr & ~mask) | (value & mask & CR_WRITABLE)
        if self.cr & CR_STRT:
            self.cr &= ~CR_STRT
            self._start()

    def _start(self) -> None:
        cr = self.cr
        self.eop_pending = True
        if cr & CR_PER:
            self._erase_page()
        elif cr & CR_MER:
            self._mass_erase()
        elif cr & CR_OPTER and not self.opt_keys.locked:
            self._erase_options()

    def _erase_page(self) -> None:
        offset = (self.ar - self.flash.base) & 0xFFFFFFFF
        if offset >= self.flash.size:
            self.start_op(self.timing.page_erase)
            return
        if self.read_protected() or self._page_protected(offset):
            self.errors |= SR_WRPRTERR
            self.eop_pending = False
            return
        page = offset - offset % self.page_size
        self.erase(page, self.page_size)
        self.start_op(self.timing.page_erase, "flash_erases_page")

    def _mass_erase(self) -> None:
        if self.wrpr != 0xFFFFFFFF and any(
            self._page_protected(off) for off in range(0, self.flash.size, self.page_size)
        ):
            self.errors |= SR_WRPRTERR
            self.eop_pending = False
            return
        self.erase(0, self.flash.size)
        self.start_op(self.timing.mass_erase, "flash_erases_mass")

    def _erase_options(self) -> None:
        duration = self.timing.option_erase
        if self.rdp_active:
            # Removing read protection: main flash is mass-erased first (PM0075).
            self.erase(0, self.flash.size)
            self.chip.stats.count("flash_erases_mass")
            duration += self.timing.mass_erase
        self.ob.fill(0, 16, 0xFF)
        self.start_op(duration, "flash_erases_option")

    # flash and option byte writes ---------------------------------------------

    def write_flash(self, addr: int, size: int, value: int, from_cpu: bool) -> bytes:
        offset = addr - self.flash.base
        old = self.flash.read(offset, size)
        if not self.cr & CR_PG or self.keys.locked:
            return old  # not in programming mode: the write is ignored
        if size != 2 or addr & 1:
            raise BusFault(addr, "STM32F1 flash is programmed by half-words only")
        self.wait_idle()
        self.eop_pending = True
        if self.read_protected() or self._page_protected(offset):
            self.errors |= SR_WRPRTERR
            self.eop_pending = False
            return old
        value &= 0xFFFF
        current = int.from_bytes(old, "little")
        if current != 0xFFFF and value != 0:
            self.errors |= SR_PGERR
            self.eop_pending = False
            return old
        data = value.to_bytes(2, "little")
        self.program(offset, data)
        self.start_op(self.timing.halfword_program, "flash_programs")
        return data

    def read_option_area(self, offset: int, length: int) -> bytes:
        return self.ob.read(offset, length)

    def write_option_area(self, addr: int, size: int, value: int) -> None:
        offset = addr - OB_BASE
        if not self.cr & CR_OPTPG or self.opt_keys.locked or self.keys.locked:
            return
        if size != 2 or addr & 1:
            raise BusFault(addr, "option bytes are programmed by half-words only")
        self.wait_idle()
        self.eop_pending = True
        if self.ob.read(offset, 2) != b"\xff\xff":
            self.errors |= SR_PGERR
            self.eop_pending = False
            return
        byte = value & 0xFF
        self.ob.write(offset, bytes([byte, byte ^ 0xFF]))
        self.start_op(self.timing.option_program, "flash_programs_option")

    # faults and state -----------------------------------------------------------

    def apply_faults(self, rdp1: bool, wrp_mask: int) -> None:
        if rdp1:
            self.ob.write(0, bytes([0x00, 0xFF]))
        if wrp_mask:
            for index in range(4):
                byte = 0xFF & ~(wrp_mask >> (8 * index))
                self.ob.write(8 + 2 * index, bytes([byte, byte ^ 0xFF]))
        self.load_option_bytes()

    def option_state(self) -> dict[str, object]:
        return {"option_bytes": self.ob.snapshot().hex()}

    def load_option_state(self, state: dict[str, object]) -> None:
        data = state.get("option_bytes")
        if isinstance(data, str):
            self.ob.restore(bytes.fromhex(data))
            self.load_option_bytes()
