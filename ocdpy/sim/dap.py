"""The chip's debug access port: an SW-DP and its MEM-APs (ADIv5).

SW-DP: DPIDR, CTRL/STAT (power-up requests mirrored in their ACK bits, STICKYERR /
STICKYORUN / WDATAERR cleared only through ABORT), SELECT (APSEL, APBANKSEL,
DPBANKSEL), RESEND and RDBUFF; on DPv2 also TARGETID, DLPIDR and EVENTSTAT.

MEM-AP: CSW (size 8/16/32, address increment off/single; packed transfers are not
implemented and read back as single), TAR with auto-increment that wraps inside the
1 KiB or 4 KiB block the AP supports, DRW with byte-lane placement for sub-word
sizes, the banked BD0-3, CFG, BASE and IDR.

AP reads on real SWD are posted: the data comes back with the next AP access or an
RDBUFF read. `ap_read` returns the register's own value (what a probe gets once the
read has been completed through RDBUFF) and leaves it in RDBUFF, as silicon does.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy.sim.bus import BusFault, BusView
from ocdpy.sim.port import SimSwdError

# CTRL/STAT bits
ORUNDETECT = 1 << 0
STICKYORUN = 1 << 1
STICKYCMP = 1 << 4
STICKYERR = 1 << 5
READOK = 1 << 6
WDATAERR = 1 << 7
CDBGRSTREQ, CDBGRSTACK = 1 << 26, 1 << 27
CDBGPWRUPREQ, CDBGPWRUPACK = 1 << 28, 1 << 29
CSYSPWRUPREQ, CSYSPWRUPACK = 1 << 30, 1 << 31
CTRL_WRITABLE = ORUNDETECT | (3 << 2) | (0xF << 8) | CDBGRSTREQ | CDBGPWRUPREQ | CSYSPWRUPREQ

# ABORT bits
DAPABORT, STKCMPCLR, STKERRCLR, WDERRCLR, ORUNERRCLR = 1, 2, 4, 8, 16

CSW_SIZE = 0x7
CSW_ADDRINC = 0x30
CSW_DEVICEEN = 1 << 6
CSW_TRINPROG = 1 << 7


@dataclass(frozen=True)
class ApSpec:
    """One access port: IDR, BASE, CSW reset value, TAR auto-increment block size and
    the name of the bus view it reaches (see SimChip)."""

    idr: int
    base: int
    csw_reset: int
    tar_block: int
    view: str


class MemAp:
    def __init__(self, spec: ApSpec, view: BusView) -> None:
        self.spec = spec
        self.view = view
        self.reset()

    def reset(self) -> None:
        self.csw = self.spec.csw_reset
        self.tar = 0

    def _size(self) -> int:
        return 1 << min(self.csw & CSW_SIZE, 2)

    def _increment(self, size: int) -> None:
        if self.csw & CSW_ADDRINC:
            block = self.spec.tar_block - 1
            self.tar = (self.tar & ~block) | ((self.tar + size) & block)

    def _read_at(self, addr: int, size: int) -> int:
        aligned = addr & ~(size - 1)
        data = int.from_bytes(self.view.read(aligned, size, size), "little")
        return data << (8 * (aligned & 3))  # byte lanes of DRW

    def _write_at(self, addr: int, size: int, value: int) -> None:
        aligned = addr & ~(size - 1)
        lane = (value >> (8 * (aligned & 3))) & ((1 << (8 * size)) - 1)
        self.view.write(aligned, lane.to_bytes(size, "little"), size)

    def read(self, reg: int) -> int:
        """Read AP register `reg` (0x00-0xFC); DRW/BDx access memory (BusFault)."""
        if reg == 0x00:
            return (self.csw & ~(CSW_TRINPROG | CSW_DEVICEEN)) | CSW_DEVICEEN
        if reg == 0x04:
            return self.tar
        if reg == 0x0C:
            size = self._size()
            value = self._read_at(self.tar, size)
            self._increment(size)
            return value & 0xFFFFFFFF
        if 0x10 <= reg <= 0x1C:
            return self._read_at((self.tar & ~0xF) | (reg & 0xC), 4) & 0xFFFFFFFF
        if reg == 0xF4:
            return 0  # CFG: little-endian, 32-bit addresses and data
        if reg == 0xF8:
            return self.spec.base
        if reg == 0xFC:
            return self.spec.idr
        return 0

    def write(self, reg: int, value: int) -> None:
        value &= 0xFFFFFFFF
        if reg == 0x00:
            size = value & CSW_SIZE
            addrinc = value & CSW_ADDRINC
            if addrinc == 0x20 or addrinc == 0x30:
                addrinc = 0x10  # no packed transfers
            self.csw = (value & ~(CSW_SIZE | CSW_ADDRINC | CSW_DEVICEEN | CSW_TRINPROG)) | min(size, 2) | addrinc
        elif reg == 0x04:
            self.tar = value
        elif reg == 0x0C:
            size = self._size()
            self._write_at(self.tar, size, value)
            self._increment(size)
        elif 0x10 <= reg <= 0x1C:
            self._write_at((self.tar & ~0xF) | (reg & 0xC), 4, value)


class SwDp:
    """SW-DP registers and AP routing. Power, pin and reset state is the chip's job."""

    def __init__(self, dpidr: int, targetid: int, aps: dict[int, MemAp]) -> None:
        self.dpidr = dpidr
        self.version = (dpidr >> 12) & 0xF
        self.targetid = targetid
        self.aps = aps
        self.power_on_reset()

    def power_on_reset(self) -> None:
        self.ctrl = 0
        self.sticky = 0
        self.select = 0
        self.rdbuff = 0
        self.dlcr = 0
        for ap in self.aps.values():
            ap.reset()

    def line_reset(self) -> int:
        return self.dpidr

    def ctrl_stat(self) -> int:
        req = self.ctrl
        acks = ((req & CDBGPWRUPREQ) << 1) | ((req & CSYSPWRUPREQ) << 1) | ((req & CDBGRSTREQ) << 1)
        return (req | acks | self.sticky | READOK) & 0xFFFFFFFF

    def read(self, reg: int) -> int:
        reg &= 0xC
        if reg == 0x0:
            return self.dpidr
        if reg == 0x4:
            bank = self.select & 0xF
            if bank == 0:
                return self.ctrl_stat()
            if bank == 1:
                return self.dlcr
            if self.version >= 2:
                return {2: self.targetid, 3: 0x00000001, 4: 0}.get(bank, 0)
            return 0
        # RESEND (0x8) and RDBUFF (0xC) both return the last AP read result here.
        return self.rdbuff

    def write(self, reg: int, value: int) -> None:
        reg &= 0xC
        value &= 0xFFFFFFFF
        if reg == 0x0:
            if value & STKCMPCLR:
                self.sticky &= ~STICKYCMP
            if value & STKERRCLR:
                self.sticky &= ~STICKYERR
            if value & WDERRCLR:
                self.sticky &= ~WDATAERR
            if value & ORUNERRCLR:
                self.sticky &= ~STICKYORUN
        elif reg == 0x4:
            if self.select & 0xF == 1:
                self.dlcr = value & 0x300
            elif self.select & 0xF == 0:
                self.ctrl = value & CTRL_WRITABLE
        elif reg == 0x8:
            self.select = value
        # 0xC is TARGETSEL on DPv2: single-drop, nothing to select.

    def _check_sticky(self) -> None:
        if self.sticky & (STICKYERR | WDATAERR) or (
            self.ctrl & ORUNDETECT and self.sticky & STICKYORUN
        ):
            raise SimSwdError(SimSwdError.ACK_FAULT, "sticky error set: clear it through ABORT")

    def ap_read(self, apsel: int, reg: int) -> int:
        self._check_sticky()
        self.select = (apsel << 24) | (reg & 0xF0) | (self.select & 0xF)
        ap = self.aps.get(apsel)
        if ap is None:
            value = 0  # no AP there: reads as zero, including IDR
        else:
            try:
                value = ap.read(reg & 0xFC)
            except BusFault as exc:
                self.sticky |= STICKYERR
                raise SimSwdError(SimSwdError.ACK_FAULT, f"AP{apsel} transfer fault at {exc.addr:#010x}") from None
        self.rdbuff = value
        return value

    def ap_write(self, apsel: int, reg: int, value: int) -> None:
        self._check_sticky()
        self.select = (apsel << 24) | (reg & 0xF0) | (self.select & 0xF)
        ap = self.aps.get(apsel)
        if ap is None:
            return
        try:
            ap.write(reg & 0xFC, value)
        except BusFault as exc:
            self.sticky |= STICKYERR
            raise SimSwdError(SimSwdError.ACK_FAULT, f"AP{apsel} transfer fault at {exc.addr:#010x}") from None

    def memory_fault(self) -> None:
        """A memory command through a MEM-AP faulted: the AP sets STICKYERR."""
        self.sticky |= STICKYERR

    def clear_sticky_for_command(self) -> None:
        """Probe firmware clears stale sticky errors before each memory command."""
        self.sticky &= ~(STICKYERR | WDATAERR | STICKYORUN)
