"""A virtual STM32: core, memories, peripherals, flash controller and debug port.

`SimChip` implements ocdpy.sim.port.SimTarget: the probe drives it through the SWD
wires (DP/AP accesses and MEM-AP memory commands), the NRST line and the VREF pin,
and lets modeled time pass with `advance()`, during which the core executes.

Time. `stats.clock.now` is the probe's modeled time. The core keeps its own
`core_time`; `advance()` runs it in slices of at most 1 ms until it reaches the clock.
Instructions cost one cycle each at the reset clock. A core stalled by the flash (BSY
polling, bus stalls) may get ahead of the clock; a halt it reaches there only becomes
visible to the debugger once the clock gets to that time.
"""

from __future__ import annotations

import math

from ocdpy.sim import debug as dbg
from ocdpy.sim.bus import BusFault, BusView, CallbackRegion, DeviceRegion, RamRegion
from ocdpy.sim.chips import ST_ROM_PIDS, ChipSpec
from ocdpy.sim.core import (
    CORE_MODELS,
    HARDFAULT,
    STOP_BKPT,
    STOP_FAULT,
    STOP_FPB,
    STOP_WATCH,
    SimCore,
)
from ocdpy.sim.coresight import CLASS_CORESIGHT, Component, RomTable, tpiu
from ocdpy.sim.dap import MemAp, SwDp
from ocdpy.sim.faults import BAD_FLASH_SIZE_KB, ChipFaults
from ocdpy.sim.flash_common import FlashController
from ocdpy.sim.gpio import GpioF1, GpioV2, ToggleCounter
from ocdpy.sim.memory import MemoryBlock
from ocdpy.sim.periph import Dbgmcu, PwrH7, Reserved, rcc_f1, rcc_f4, rcc_h7
from ocdpy.sim.port import SimBusFault, SimStats, SimSwdError
from ocdpy.sim.regfile import Peripheral
from ocdpy.sim.scb import ScbIdentity, Scs
from ocdpy.sim.timing import RESET_CLOCK_HZ

FLASH_BASE = 0x08000000
PPB_BASE, PPB_SIZE = 0xE0000000, 0x100000
SLICE_SECONDS = 1e-3
# While the core works the flash, run it in short slices: a slice cannot stop at a
# stall, so short ones keep a flash loader from racing ahead of the probe's clock and
# spinning on an empty FIFO for the rest of a long slice.
FLASH_SLICE = 256
VREF_VOLTS = 3.3


class SimChip:
    """One virtual chip. See the module docstring and docs/sim.md "Virtual chips"."""

    def __init__(self, spec: ChipSpec, faults: ChipFaults, state_path: str | None = None) -> None:
        self.spec = spec
        self.name = spec.name
        self.faults = faults
        self.stats = SimStats()
        self.clock = self.stats.clock
        self.clock_hz = RESET_CLOCK_HZ[spec.family]
        self.state_path = state_path
        self.toggles = ToggleCounter(on_toggle=lambda n: self.stats.count("gpio_toggles", n))

        self.powered = not faults.no_power
        self.in_reset = False
        self.halted = False
        self.lockup = False
        self.debugger_attached = False
        self.swd_off = False
        self.core_time = 0.0
        self._halt_at = 0.0
        self._ran_since_reset = 0.0
        self._running_core = False
        self._run_t0 = 0.0
        self._stall = 0.0
        self._slice = FLASH_SLICE
        self._flash_activity = False
        self._hooks_dirty = False
        self._fixups: list[tuple[int, bytes]] = []
        self._dirty_code: tuple[int, int] | None = None
        self._reset_request: str | None = None
        self._flash_mapped = False

        self._build_memories()
        self._build_devices()
        self.debug = dbg.CoreDebug(self)
        self.core = SimCore(CORE_MODELS[spec.core], self._cpu_read32, self._cpu_write32)
        self._build_views()
        self._map_core()
        self._build_dap()

        if state_path:
            from ocdpy.sim.state import load_state_if_present

            load_state_if_present(self, state_path)
        self.flashctl.apply_faults(faults.rdp1, faults.wrp_mask)
        self.power_on()

    # construction ---------------------------------------------------------------

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

    def _clock_check(self, offset: int, bit: int):  # -> Callable[[], bool]
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

    def _cpu_reader(self, window: int, pages: dict[int, tuple[Peripheral, int]]):
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

    def _cpu_writer(self, window: int, pages: dict[int, tuple[Peripheral, int]]):
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

    def _bitband_reader(self, target: int):  # -> Callable[[int, int], int]
        def read(offset: int, size: int) -> int:
            addr = target + (offset >> 5)
            byte = self.cpu_view.read(addr, 1, 1)[0]
            return (byte >> ((offset >> 2) & 7)) & 1

        return read

    def _bitband_writer(self, target: int):  # -> Callable[[int, int, int], None]
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

    # power and reset ------------------------------------------------------------

    def power_on(self) -> None:
        """Power-on reset: everything, debug domain included, then the core starts."""
        self.debug.power_on_reset()
        self.dp.power_on_reset()
        self.dbgmcu.reset()
        for comp in self.debug_components:
            comp.reset()
        self.debugger_attached = False
        self.core.set_breakpoints(set())
        self.core.set_watchpoints([])
        if self.powered:
            self._system_reset()

    def _system_reset(self) -> None:
        for device in self.resettable:
            device.reset()
        self.flashctl.system_reset()
        self.scs.reset()
        self.debug.system_reset()
        self._core_reset()

    def boot_vtor(self) -> int:
        if self.spec.family == "h7":
            return self.flashctl.boot_address()  # type: ignore[attr-defined]
        return 0

    def _core_reset(self) -> None:
        self._update_flash_access()
        self.halted = False
        self.lockup = False
        self.scs.vtor = self.boot_vtor()
        self.core.reset(self.scs.vtor)
        self.core.stkalign = bool(self.scs.store[0xD14] & 0x200)
        self.core_time = max(self.core_time, self.clock.now)
        self._ran_since_reset = 0.0
        self.swd_off = False
        self.debug.reset_sticky = True
        if self.in_reset:
            return
        if self.debug.catches(dbg.VC_CORERESET):
            self._halt(dbg.DFSR_VCATCH)
        elif self.debug.control & dbg.C_HALT and self.debug.debug_enabled:
            self._halt(dbg.DFSR_HALTED)

    def request_system_reset(self) -> None:
        """AIRCR.SYSRESETREQ: from the core, at the end of the instruction."""
        self._request_reset("system")

    def request_core_reset(self) -> None:
        self._request_reset("core")

    def _request_reset(self, kind: str) -> None:
        if self._running_core:
            self._reset_request = kind
            self.core.request_stop()
        elif kind == "system":
            self._system_reset()
        else:
            self._core_reset()

    def _update_flash_access(self) -> None:
        """Read protection with a debugger attached takes flash away from the core too."""
        self._map_flash(not self.flashctl.read_protected())

    # SimTarget: pins ----------------------------------------------------------------

    def target_voltage(self) -> float:
        return VREF_VOLTS if self.powered else 0.0

    def set_nrst(self, asserted: bool) -> None:
        if self.faults.nrst_open or not self.powered or asserted == self.in_reset:
            return
        if asserted:
            self.in_reset = True
            for device in self.resettable:
                device.reset()
            self.flashctl.system_reset()
            self.scs.reset()
            self.debug.system_reset()
            self.halted = False
            self.lockup = False
            self.swd_off = False
        else:
            self.in_reset = False
            self._core_reset()

    # SimTarget: SWD -------------------------------------------------------------------

    def _swd_check(self) -> None:
        if not self.powered:
            raise SimSwdError(SimSwdError.ACK_NONE, "target not powered")
        if self.swd_off and not self.in_reset:
            raise SimSwdError(SimSwdError.ACK_NONE, "SWD pins reassigned by firmware")

    def _attach(self) -> None:
        if not self.debugger_attached:
            self.debugger_attached = True
            self._update_flash_access()

    def swd_line_reset(self) -> int:
        self._swd_check()
        self._attach()
        return self.dp.line_reset()

    def dp_read(self, reg: int) -> int:
        self._swd_check()
        self._attach()
        return self.dp.read(reg)

    def dp_write(self, reg: int, value: int) -> None:
        self._swd_check()
        self._attach()
        self.dp.write(reg, value)

    def ap_read(self, ap: int, reg: int) -> int:
        self._swd_check()
        self._attach()
        return self.dp.ap_read(ap, reg)

    def ap_write(self, ap: int, reg: int, value: int) -> None:
        self._swd_check()
        self._attach()
        self.dp.ap_write(ap, reg, value)

    def _memory_ap(self, ap: int, addr: int) -> BusView:
        self._swd_check()
        self._attach()
        self.dp.clear_sticky_for_command()
        memap = self.aps.get(ap)
        if memap is None:
            self.dp.memory_fault()
            raise BusFault(addr, f"no access port {ap}")
        return memap.view

    def mem_read(self, ap: int, addr: int, size: int, width: int) -> bytes:
        view = self._memory_ap(ap, addr)
        try:
            return view.read(addr, size, width)
        except SimBusFault:
            self.dp.memory_fault()
            raise

    def mem_write(self, ap: int, addr: int, data: bytes, width: int) -> None:
        view = self._memory_ap(ap, addr)
        try:
            view.write(addr, bytes(data), width)
        except SimBusFault:
            self.dp.memory_fault()
            raise

    # SimTarget: time ---------------------------------------------------------------

    def advance(self, seconds: float) -> None:
        if seconds > 0:
            self.clock.advance(seconds)
        self._run_until(self.clock.now)

    def _core_runs(self) -> bool:
        return self.powered and not (self.in_reset or self.halted or self.lockup)

    def _run_until(self, target: float) -> None:
        hz = self.clock_hz
        slice_max = max(FLASH_SLICE, int(hz * SLICE_SECONDS))
        while self._core_runs() and target - self.core_time > 0.5 / hz:
            count = min(self._slice, max(1, math.ceil((target - self.core_time) * hz - 1e-9)))
            self._flash_activity = False
            self._run_slice(count)
            self._slice = FLASH_SLICE if self._flash_activity else min(2 * self._slice, slice_max)
        if not self._core_runs():
            if self.lockup and self.powered and not self.in_reset and not self.halted:
                # a locked-up core stands for firmware that failed early: it still counts
                self._ran_since_reset += max(0.0, target - self.core_time)
                self._check_swd_disable()
            self.core_time = max(self.core_time, target)

    def _run_slice(self, count: int) -> int:
        hz = self.clock_hz
        if self._dirty_code is not None:
            self._flush_code()
        self._run_t0 = self.core_time
        self._stall = 0.0
        # Only the application can take the SWD pins; a debugger's loader in SRAM never does.
        from_boot_memory = not self._in_ram(self.core.pc)
        self._running_core = True
        try:
            result = self.core.run(count)
        finally:
            self._running_core = False
        if self._fixups:
            self._apply_fixups()
        if self._dirty_code is not None:
            self._flush_code()
        if self._hooks_dirty:
            self._update_hooks()
        executed = count if result.executed is None else result.executed
        elapsed = executed / hz + self._stall
        self.core_time = self._run_t0 + elapsed
        if from_boot_memory:
            self._ran_since_reset += elapsed
        if executed:
            self.stats.count("core_instructions", executed)
            self.debug.retire_sticky = True
        self._handle_stop(result)
        self._check_swd_disable()
        return executed

    def _in_ram(self, pc: int) -> bool:
        return any(block.base <= pc < block.end for block in self.rams)

    def _check_swd_disable(self) -> None:
        after = self.faults.swd_disable_after
        if after is not None and not self.swd_off and self._ran_since_reset >= after:
            self.swd_off = True

    def _handle_stop(self, result) -> None:  # result: core.RunResult
        request, self._reset_request = self._reset_request, None
        if request == "system":
            self._system_reset()
            return
        if request == "core":
            self._core_reset()
            return
        reason = result.reason
        if reason == STOP_BKPT:
            if self.debug.debug_enabled:
                self._halt(dbg.DFSR_BKPT)
            else:
                self._fault("undefinstr", None, pc=self.core.pc)
        elif reason == STOP_FPB:
            if self.debug.debug_enabled:
                self._halt(dbg.DFSR_BKPT)
        elif reason == STOP_WATCH:
            self.dwt.matched(result.fault_addr or 0)
            if self.debug.debug_enabled:
                self._halt(dbg.DFSR_DWTTRAP)
        elif reason == STOP_FAULT:
            self._fault(result.fault or "undefinstr", result.fault_addr, pc=self.core.pc)

    def _fault(self, kind: str, addr: int | None, pc: int) -> None:
        """Take HardFault for a fault at `pc` (all faults escalate: none is enabled)."""
        self.scs.fault(kind, addr, forced=True)
        if not self.core.take_exception(HARDFAULT, pc):
            self.lockup = True
            self.core.lock_up()
            return
        if self.debug.catches(dbg.VC_HARDERR):
            self._halt(dbg.DFSR_VCATCH)

    # halting ------------------------------------------------------------------------

    def _halt(self, dfsr: int) -> None:
        self.halted = True
        self.lockup = False
        self.debug.dfsr |= dfsr
        self._halt_at = self.core_time

    def debug_halt(self, dfsr: int) -> None:
        """C_HALT written by the debugger: halt now (also ends a lockup)."""
        if self.in_reset or not self.powered:
            return
        self._halt(dfsr)
        self._halt_at = self.clock.now

    def debug_resume(self) -> None:
        self.halted = False
        self.core_time = max(self.core_time, self.clock.now)

    def debug_step(self) -> None:
        """C_STEP with C_HALT clear: one instruction, then halt again."""
        self.halted = False
        self.core_time = max(self.core_time, self.clock.now)
        self._run_slice(1)
        if not self.halted and not self.lockup:
            self._halt(dbg.DFSR_HALTED)
        self._halt_at = self.clock.now

    def halt_visible(self) -> bool:
        return self.halted and self.clock.now >= self._halt_at

    def running_visible(self) -> bool:
        return self._core_runs() or (self.halted and self.clock.now < self._halt_at)

    def breakpoints_changed(self) -> None:
        self._hooks_dirty = True
        if self._running_core:
            self.core.request_stop()  # hooks are changed between runs, not inside one
        else:
            self._update_hooks()

    def watchpoints_changed(self) -> None:
        self.breakpoints_changed()

    def _update_hooks(self) -> None:
        if self._hooks_dirty:
            self._hooks_dirty = False
            self.core.set_breakpoints(self.fpb.breakpoints())
            self.core.set_watchpoints(self.dwt.watchpoints())

    # time as seen by devices -----------------------------------------------------------

    def cpu_time(self) -> float:
        if self._running_core:
            return self._run_t0 + self._stall
        return max(self.core_time, self.clock.now) if not self._core_runs() else self.core_time

    def access_time(self) -> float:
        """"Now" for the master doing the current access (core during a run, else probe)."""
        return self._run_t0 + self._stall if self._running_core else self.clock.now

    def stall_until(self, when: float) -> None:
        if self._running_core:
            self._flash_activity = True
            self._stall += max(0.0, when - (self._run_t0 + self._stall))
        elif when > self.clock.now:
            self.clock.advance(when - self.clock.now)

    def pc_sample(self) -> int:
        return 0xFFFFFFFF if self.halted or not self.powered else self.core.pc

    # memory paths -------------------------------------------------------------------------

    def _ram_written(self, addr: int, length: int) -> None:
        # Only writes from outside a run can change code the core already translated;
        # the core's own stacking writes during a run must not touch Unicorn's caches.
        if not self._running_core:
            self.core.invalidate_code(addr, length)

    def flash_changed(self, addr: int, length: int) -> None:
        """Flash cells changed: translated code there (and at the alias) is stale."""
        lo = addr - FLASH_BASE
        hi = lo + length
        dirty = self._dirty_code
        if dirty is None:
            self._dirty_code = (lo, hi)
        elif lo < dirty[0] or hi > dirty[1]:
            self._dirty_code = (min(lo, dirty[0]), max(hi, dirty[1]))
        if not self._running_core:
            self._flush_code()

    def _flush_code(self) -> None:
        dirty, self._dirty_code = self._dirty_code, None
        if dirty is None:
            return
        lo, hi = dirty
        self.core.invalidate_code(FLASH_BASE + lo, hi - lo)
        if self.spec.flash_alias:
            self.core.invalidate_code(lo, hi - lo)

    def _apply_fixups(self) -> None:
        fixups, self._fixups = self._fixups, []
        for offset, data in fixups:
            self.flash.write(offset, data)

    def _on_cpu_flash_write_alias(self, addr: int, size: int, value: int) -> None:
        self._on_cpu_flash_write(addr + FLASH_BASE, size, value)

    def _on_cpu_flash_write(self, addr: int, size: int, value: int) -> None:
        """A core store to flash; Unicorn stores `value` itself once this returns."""
        if self._fixups:
            self._apply_fixups()
        self._flash_activity = True
        value &= (1 << (8 * size)) - 1
        final = self.flashctl.write_flash(addr, size, value, from_cpu=True)
        if final != value.to_bytes(size, "little"):
            self._fixups.append((addr - FLASH_BASE, final))
        if not self._running_core:
            self._apply_fixups()

    def _dbg_flash_read(self, addr: int, length: int, width: int) -> bytes:
        self.flashctl.check_read(addr, length)
        return self.flash.read(addr - FLASH_BASE, length)

    def _dbg_flash_write(self, addr: int, data: bytes, width: int) -> None:
        pos = 0
        while pos < len(data):
            size = width
            while size > 1 and ((addr + pos) % size or pos + size > len(data)):
                size //= 2
            value = int.from_bytes(data[pos : pos + size], "little")
            self.flashctl.write_flash(addr + pos, size, value, from_cpu=False)
            pos += size

    def _cpu_flash_read(self, addr: int, length: int, width: int) -> bytes:
        if not self._flash_mapped:
            raise BusFault(addr, "flash not readable by the core (read protection)")
        return self.flash.read(addr - FLASH_BASE, length)

    def _cpu_flash_write_bus(self, addr: int, data: bytes, width: int) -> None:
        self.flashctl.write_flash(addr, len(data), int.from_bytes(data, "little"), from_cpu=True)

    def _cpu_read32(self, addr: int) -> int:
        return int.from_bytes(self.cpu_view.read(addr & 0xFFFFFFFF, 4, 4), "little")

    def _cpu_write32(self, addr: int, value: int) -> None:
        self.cpu_view.write(addr & 0xFFFFFFFF, value.to_bytes(4, "little"), 4)

    # state and introspection ------------------------------------------------------------

    def save_state(self, path: str | None = None) -> None:
        """Write flash, option bytes and protection to `path` (default: state_path)."""
        from ocdpy.sim.state import save_state

        target = path or self.state_path
        if not target:
            raise ValueError("no state file given")
        save_state(self, target)

    def load_state(self, path: str) -> None:
        """Load flash and option bytes from `path`, then power-cycle the chip."""
        from ocdpy.sim.state import load_state

        load_state(self, path)
        self.flashctl.apply_faults(self.faults.rdp1, self.faults.wrp_mask)
        self.power_on()

    def gpio_toggles(self, port: str, pin: int) -> int:
        """How many times output pin `pin` of GPIO port `port` ("A".."K") changed."""
        return self.toggles.get(port, pin)

    def gpio_output(self, port: str) -> int:
        """Current ODR of a GPIO port."""
        return int(getattr(self.gpio[port.upper()], "odr", 0))

    def flash_bytes(self, offset: int = 0, size: int | None = None) -> bytes:
        """Main flash contents, regardless of protection."""
        size = self.flash.size - offset if size is None else size
        return self.flash.read(offset, size)

    def option_bytes(self) -> dict[str, object]:
        """Option bytes and protection as stored (family-specific keys)."""
        return self.flashctl.option_state()

    def read_memory(self, addr: int, size: int) -> bytes:
        """Read through the debug AHB-AP's view without SWD side effects or counters."""
        return self.views["ahb"].read(addr, size, 4)

    def register(self, sel: int) -> int:
        """Core register by DCRSR selector (0-15 r0-pc, 16 xPSR, 17 MSP, 18 PSP, ...)."""
        return self.core.read_register(sel)

    @property
    def pc(self) -> int:
        return self.core.pc

    @property
    def state(self) -> str:
        """"off", "reset", "halted", "lockup" or "running" as the debugger would see it."""
        if not self.powered:
            return "off"
        if self.in_reset:
            return "reset"
        if self.halted:
            return "halted"
        return "lockup" if self.lockup else "running"


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
