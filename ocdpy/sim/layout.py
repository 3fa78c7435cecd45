"""How a virtual chip is put together from its ChipSpec: memories, devices, the memory
map each bus master sees, and the same map handed to Unicorn.

`ChipLayout` is the construction half of SimChip (kept apart so neither file grows
into a monolith); it relies on SimChip for the access paths it wires up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ocdpy.sim import debug as dbg
from ocdpy.sim.bus import BusView, CallbackRegion, DeviceRegion, RamRegion
from ocdpy.sim.chips import ST_ROM_PIDS
from ocdpy.sim.coresight import CLASS_CORESIGHT, Component, RomTable, tpiu
from ocdpy.sim.dap import MemAp, SwDp
from ocdpy.sim.faults import BAD_FLASH_SIZE_KB
from ocdpy.sim.flash_common import FlashController
from ocdpy.sim.gpio import GpioF1, GpioV2
from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.periph import Dbgmcu, PwrH7, Reserved, rcc_f1, rcc_f4, rcc_h7
from ocdpy.sim.regfile import Peripheral
from ocdpy.sim.scb import ScbIdentity, Scs

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

FLASH_BASE = 0x08000000
PPB_BASE, PPB_SIZE = 0xE0000000, 0x100000


class ChipLayout:
    """Construction of a SimChip's memories, devices, bus views and Unicorn mappings."""

    def _build_memories(self) -> None:
        spec = self.spec
        self.flash = MemoryBlock("flash", FLASH_BASE, spec.flash_size, fill=0xFF)
        self.rams = [MemoryBlock(name, base, size) for name, base, size in spec.rams]
        base, size = spec.sysmem
        self.sysmem = MemoryBlock("system memory", base, size)
        if spec.family in ("f1", "h7"):  # size register and UID live in system memory
            self.sysmem.write(spec.uid_addr - base, spec.uid)
            self._write_flash_size_reg()

    def _flash_size_value(self) -> int:
        if self.faults.flash_size_bad:
            return BAD_FLASH_SIZE_KB
        return self.spec.flash_size // 1024

    def _write_flash_size_reg(self) -> None:
        base = self.spec.sysmem[0]
        self.sysmem.write(self.spec.flash_size_reg - base, self._flash_size_value().to_bytes(2, "little"))

    def _build_devices(self) -> None:
        spec = self.spec
        fam = spec.family
        self.devices: list[tuple[int, Peripheral]] = []
        self.resettable: list[Peripheral] = []

        if fam == "f1":
            from ocdpy.sim.flash_f1 import F1Flash

            self.flashctl: FlashController = F1Flash(self, self.flash, spec.page_size, spec.pages_per_wrp)
            self.rcc = rcc_f1()
            gpio_cls: type = GpioF1
        elif fam == "f4":
            from ocdpy.sim.flash_f4 import F4Flash

            self.flashctl = F4Flash(self, self.flash)
            self.rcc = rcc_f4()
            gpio_cls = GpioV2
        else:
            from ocdpy.sim.flash_h7 import H7Flash

            self.flashctl = H7Flash(self, self.flash)
            self.rcc = rcc_h7()
            gpio_cls = GpioV2
        self._add(self.flashctl.base_addr, self.flashctl, reset=False)
        self._add(spec.rcc_base, self.rcc)

        enable_off, first_bit = spec.gpio_clock
        self.gpio: dict[str, Peripheral] = {}
        for index, (letter, base) in enumerate(spec.gpio):
            port = gpio_cls(letter, self.toggles, self._clock_check(enable_off, first_bit + index),
                            _gpio_resets(fam, letter))
            self.gpio[letter] = port
            self._add(base, port)
        if fam == "h7":
            self._add(0x58024800, PwrH7())

        self.dbgmcu = Dbgmcu(spec.idcode)
        self._build_ppb()
        if fam == "h7":
            self._add(spec.dbgmcu_addr, self.dbgmcu, reset=False)
            for offset, comp in self._apbd_components.items():
                if offset in (0x3000, 0x4000):  # SWO and SWTF, also on the system bus
                    self._add(0x5C000000 + offset, comp, reset=False)

    def _clock_check(self, offset: int, bit: int) -> Callable[[], bool]:
        rcc = self.rcc
        return lambda: rcc.enabled(offset, bit)

    def _add(self, base: int, device: Peripheral, reset: bool = True) -> None:
        self.devices.append((base, device))
        if reset:
            self.resettable.append(device)

    def _build_ppb(self) -> None:
        spec = self.spec
        pids = spec.pids
        num_code, num_lit, rev = spec.fpb
        self.fpb = dbg.Fpb(self, num_code, num_lit, rev, pids["fpb"])
        self.dwt = dbg.Dwt(self, spec.dwt_comparators, pids["dwt"])
        self.scs = Scs(self, ScbIdentity(spec.cpuid, spec.ictr, spec.ccr_reset, spec.vtor_mask,
                                         spec.mvfr, pids["scs"], spec.id_regs, spec.syst_calib))
        self.itm = Component("ITM", pids["itm"], 0xE, lockable=True)
        ppb: dict[int, Peripheral] = {
            0x00000: self.itm, 0x01000: self.dwt, 0x02000: self.fpb, 0x0E000: self.scs,
        }
        st_rom = ST_ROM_PIDS[spec.name]
        if spec.family == "h7":
            etm = Component("ETM", pids["etm"], CLASS_CORESIGHT, lockable=True)
            cti = Component("CTI", pids["cti"], CLASS_CORESIGHT, lockable=True)
            ppb[0x41000] = etm
            ppb[0x43000] = cti
            ppb[0xFE000] = RomTable("ROM", 0xE00FE000, st_rom,
                                    [(0xE00FF000, True), (0xE0041000, True), (0xE0043000, True)])
            ppb[0xFF000] = RomTable("M7 ROM", 0xE00FF000, pids["m7rom"], _core_rom_entries(False, False))
            self._apbd_components = {
                0x0000: RomTable("APB-D ROM", 0xE00E0000, st_rom,
                                 [(0xE00E3000, True), (0xE00E4000, True), (0xE00F5000, True)]),
                0x1000: self.dbgmcu,
                0x3000: Component("SWO", pids["swo"], CLASS_CORESIGHT, lockable=True),
                0x4000: Component("SWTF", pids["swtf"], CLASS_CORESIGHT, lockable=True),
                0x15000: tpiu(pids["tpiu"], 0xCA0, 0xFFFFFFFF),
            }
        else:
            has_etm = "etm" in pids
            ppb[0x40000] = tpiu(pids["tpiu"], 0xCA1, 0xF)  # DEVID/SSPSR of the M3/M4 TPIU
            if has_etm:
                ppb[0x41000] = Component("ETM", pids["etm"], CLASS_CORESIGHT, lockable=True)
            ppb[0x42000] = self.dbgmcu
            ppb[0xFF000] = RomTable("ROM", 0xE00FF000, st_rom, _core_rom_entries(True, has_etm))
            self._apbd_components = {}
        self.ppb = ppb
        self.debug_components = [self.itm, self.dwt, self.fpb] + [
            c for off, c in ppb.items() if off >= 0x40000 and isinstance(c, Component)
        ]

    def _build_views(self) -> None:
        """Bus views: the core's, and one per MEM-AP (see ApSpec.view)."""
        spec = self.spec
        system: list = []
        for block in self.rams:
            system.append(RamRegion(block, on_write=self._ram_written))
        system.append(RamRegion(self.sysmem, read_only=True))
        system.append(CallbackRegion("flash", FLASH_BASE, self.flash.size, self._dbg_flash_read,
                                     self._dbg_flash_write))
        self._info_devices = self._build_info_devices()
        for base, device in self._info_devices:
            system.append(DeviceRegion(device, base))
        for base, size in spec.windows:
            system.extend(self._window_regions(base, size))
        cpu: list = [r for r in system if r.name != "flash"]
        cpu.append(CallbackRegion("flash", FLASH_BASE, self.flash.size, self._cpu_flash_read,
                                  self._cpu_flash_write_bus))
        if spec.flash_alias:
            system.append(CallbackRegion("flash alias", 0, self.flash.size,
                                         lambda a, n, w: self._dbg_flash_read(a + FLASH_BASE, n, w),
                                         lambda a, d, w: self._dbg_flash_write(a + FLASH_BASE, d, w)))
            cpu.append(CallbackRegion("flash alias", 0, self.flash.size,
                                      lambda a, n, w: self._cpu_flash_read(a + FLASH_BASE, n, w),
                                      lambda a, d, w: self._cpu_flash_write_bus(a + FLASH_BASE, d, w)))
        ppb = self._ppb_regions()
        self.cpu_view = BusView("core", cpu + ppb)
        self.views = {
            "ahb": BusView("AHB-AP", system + ppb),
            "d3": BusView("D3 AHB-AP", list(system)),
            "apbd": BusView("APB-AP", self._apbd_regions()),
        }

    def _window_regions(self, base: int, size: int) -> list:
        """Device regions filling a decoded window; unused slots are Reserved (read 0)."""
        inside = sorted((b, d) for b, d in self.devices if base <= b < base + size)
        out = []
        pos = base
        for dev_base, device in inside:
            if dev_base > pos:
                out.append(DeviceRegion(Reserved(dev_base - pos), pos))
            out.append(DeviceRegion(device, dev_base))
            pos = dev_base + device.size
        if pos < base + size:
            out.append(DeviceRegion(Reserved(base + size - pos), pos))
        return out

    def _ppb_regions(self) -> list:
        out = []
        pos = PPB_BASE
        for offset in sorted(self.ppb):
            base = PPB_BASE + offset
            if base > pos:
                out.append(DeviceRegion(Reserved(base - pos), pos))
            out.append(DeviceRegion(self.ppb[offset], base, 0x1000))
            pos = base + 0x1000
        out.append(DeviceRegion(Reserved(PPB_BASE + PPB_SIZE - pos), pos))
        return out

    def _apbd_regions(self) -> list:
        if not self._apbd_components:
            return []
        base = 0xE00E0000
        out = []
        pos = base
        for offset in sorted(self._apbd_components):
            addr = base + offset
            if addr > pos:
                out.append(DeviceRegion(Reserved(addr - pos), pos))
            out.append(DeviceRegion(self._apbd_components[offset], addr, 0x1000))
            pos = addr + 0x1000
        out.append(DeviceRegion(Reserved(0xE0100000 - pos), pos))
        return out

    def _build_info_devices(self) -> list[tuple[int, Peripheral]]:
        """Option byte / OTP / device-signature pages that are not plain ROM."""
        fam = self.spec.family
        if fam == "f1":
            return [(0x1FFFF800, _InfoPage(self, 0x1FFFF800))]
        if fam == "f4":
            return [(0x1FFF7800, _InfoPage(self, 0x1FFF7800)), (0x1FFFC000, _InfoPage(self, 0x1FFFC000))]
        return []

    def _map_core(self) -> None:
        """Give Unicorn the same memories and devices the debugger sees."""
        core = self.core
        for block in self.rams:
            core.map_block(block.base, block.size, block.address)
        core.map_block(self.sysmem.base, self.sysmem.size, self.sysmem.address, writable=False)
        self._map_flash(True)
        core.hook_rom_writes(FLASH_BASE, self.flash.size, self._on_cpu_flash_write)
        if self.spec.flash_alias:
            core.hook_rom_writes(0, self.flash.size, self._on_cpu_flash_write_alias)
        regions = [r for r in self.cpu_view.regions if isinstance(r, DeviceRegion)]
        self._map_device_regions(regions)
        if self.spec.bitband:
            sram = self.rams[0]
            core.map_device(0x22000000, sram.size * 32, self._bitband_reader(sram.base),
                            self._bitband_writer(sram.base))
            core.map_device(0x42000000, 0x100000 * 32, self._bitband_reader(0x40000000),
                            self._bitband_writer(0x40000000))

    def _map_device_regions(self, regions: list) -> None:
        """Map device regions to Unicorn in 1 KiB-aligned windows with a page dispatcher."""
        pages: dict[int, tuple[Peripheral, int]] = {}
        for region in regions:
            first = region.base >> 10
            last = (region.base + region.size - 1) >> 10
            for page in range(first, last + 1):
                pages.setdefault(page, (region.device, region.base))
        spans: list[tuple[int, int]] = []
        for page in sorted(pages):
            if spans and spans[-1][1] == page:
                spans[-1] = (spans[-1][0], page + 1)
            else:
                spans.append((page, page + 1))
        for first, last in spans:
            base = first << 10
            self.core.map_device(base, (last - first) << 10, self._cpu_reader(base, pages),
                                 self._cpu_writer(base, pages))

    def _cpu_reader(self, window: int, pages: dict[int, tuple[Peripheral, int]]) -> Callable[[int, int], int]:
        flashctl = self.flashctl

        def read(offset: int, size: int) -> int:
            addr = window + offset
            if self._fixups:
                self._apply_fixups()
            device, base = pages[addr >> 10]
            offset = addr - base
            if device is flashctl and flashctl.stall_on_read(offset):
                flashctl.wait_idle()
            if size == 4 and not offset & 3:
                return device.read_reg(offset)
            return device.read(offset, size)

        return read

    def _cpu_writer(
        self, window: int, pages: dict[int, tuple[Peripheral, int]]
    ) -> Callable[[int, int, int], None]:
        def write(offset: int, size: int, value: int) -> None:
            addr = window + offset
            if self._fixups:
                self._apply_fixups()
            device, base = pages[addr >> 10]
            offset = addr - base
            if size == 4 and not offset & 3:
                device.write_reg(offset, value & 0xFFFFFFFF, 0xFFFFFFFF)
            else:
                device.write(offset, size, value & ((1 << (8 * size)) - 1))

        return write

    def _bitband_reader(self, target: int) -> Callable[[int, int], int]:
        def read(offset: int, size: int) -> int:
            addr = target + (offset >> 5)
            byte = self.cpu_view.read(addr, 1, 1)[0]
            return (byte >> ((offset >> 2) & 7)) & 1

        return read

    def _bitband_writer(self, target: int) -> Callable[[int, int, int], None]:
        def write(offset: int, size: int, value: int) -> None:
            addr = target + (offset >> 5)
            bit = (offset >> 2) & 7
            byte = self.cpu_view.read(addr, 1, 1)[0]
            byte = (byte | (1 << bit)) if value & 1 else (byte & ~(1 << bit))
            self.cpu_view.write(addr, bytes([byte]), 1)

        return write

    def _map_flash(self, mapped: bool) -> None:
        if mapped == self._flash_mapped:
            return
        core = self.core
        bases = [FLASH_BASE] + ([0] if self.spec.flash_alias else [])
        for base in bases:
            if mapped:
                core.map_block(base, self.flash.size, self.flash.address, writable=False)
            else:
                core.unmap(base, self.flash.size)
        self._flash_mapped = mapped

    def _build_dap(self) -> None:
        aps = {index: MemAp(spec, self.views[spec.view]) for index, spec in self.spec.aps.items()}
        self.aps = aps
        self.dp = SwDp(self.spec.dpidr, self.spec.targetid, aps)


class _InfoPage(Peripheral):
    """A 1 KiB page of option bytes, OTP and device signature (F1/F4)."""

    def __init__(self, chip: SimChip, base: int) -> None:
        self.chip = chip
        self.base = base
        self.name = "info"
        self.size = 0x400

    def _byte_source(self) -> bytes:
        chip = self.chip
        ctl = chip.flashctl
        spec = chip.spec
        page = bytearray(b"\xff" * self.size)
        if self.base == 0x1FFFF800:
            page[0:16] = ctl.read_option_area(0, 16)  # type: ignore[attr-defined]
        elif self.base == 0x1FFF7800:
            page[0:528] = ctl.read_info(0, 528)  # type: ignore[attr-defined]
            uid_off = spec.uid_addr - self.base
            page[uid_off : uid_off + 12] = spec.uid
            size_off = spec.flash_size_reg - self.base
            page[size_off : size_off + 2] = chip._flash_size_value().to_bytes(2, "little")
        elif self.base == 0x1FFFC000:
            page[0:16] = ctl.option_bytes_image()  # type: ignore[attr-defined]
        return bytes(page)

    def read(self, offset: int, size: int) -> int:
        return int.from_bytes(self._byte_source()[offset : offset + size], "little")

    def write(self, offset: int, size: int, value: int) -> None:
        addr = self.base + offset
        ctl = self.chip.flashctl
        if self.base == 0x1FFFF800 and offset < 16:
            ctl.write_option_area(addr, size, value)  # type: ignore[attr-defined]
        elif self.base == 0x1FFF7800 and offset < 528:
            ctl.write_otp(addr, size, value)  # type: ignore[attr-defined]


def _core_rom_entries(with_tpiu: bool, with_etm: bool) -> list[tuple[int, bool]]:
    return [(0xE000E000, True), (0xE0001000, True), (0xE0002000, True), (0xE0000000, True),
            (0xE0040000, with_tpiu), (0xE0041000, with_etm)]


def _gpio_resets(family: str, letter: str) -> dict[int, int]:
    """Reset values of configuration registers (RM0008 / RM0090 / RM0433)."""
    if family == "f1":
        return {0x00: 0x44444444, 0x04: 0x44444444}
    if family == "f4":
        moder = {"A": 0xA8000000, "B": 0x00000280}.get(letter, 0)
        speed = {"A": 0x0C000000, "B": 0x000000C0}.get(letter, 0)
        pupd = {"A": 0x64000000, "B": 0x00000100}.get(letter, 0)
        return {0x00: moder, 0x08: speed, 0x0C: pupd}
    moder = {"A": 0xABFFFFFF, "B": 0xFFFFFEBF}.get(letter, 0xFFFFFFFF)
    speed = {"A": 0x0C000000, "B": 0x000000C0}.get(letter, 0)
    pupd = {"A": 0x64000000, "B": 0x00000100}.get(letter, 0)
    return {0x00: moder, 0x08: speed, 0x0C: pupd}
