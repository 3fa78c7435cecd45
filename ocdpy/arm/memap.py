"""Memory access ports: `MemAP` drives an ADIv5 MEM-AP through CSW/TAR/DRW (or the
probe's block commands when it has them); `HlaMemAP` gives the same interface over a
high-level probe's memory commands. `CortexM` only ever uses this interface.

Auto-increment: after each DRW access TAR advances by the access size, but only its
low bits (the auto-increment block: at least 1 KiB, 4 KiB on Cortex-M3/M4 systems)
are guaranteed to carry, so a transfer is split at every block boundary and TAR is
rewritten there. CSW and TAR are cached so repeated accesses skip the writes.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

from ocdpy.adapter.base import HlaAccess
from ocdpy.errors import OcdError, TargetError, TransferFaultError

from .dap import AP_BASE, AP_CFG, AP_CSW, AP_DRW, AP_TAR, AccessPort

CSW_SIZE = {1: 0, 2: 1, 4: 2}
CSW_ADDRINC_SINGLE = 1 << 4
CSW_HPROT1 = 1 << 25  # data (not opcode) access
CSW_PROT_BITS = 0xFF000000
CFG_BIGENDIAN = 1


def split_transfer(address: int, size: int, width: int, block: int) -> Iterator[tuple[int, int, int]]:
    """(address, length, width) runs: bytes up to alignment, aligned `width` accesses
    that never cross a `block` boundary, bytes for a tail shorter than `width`."""
    pos, end = address, address + size
    while pos < end:
        if width > 1 and pos % width:
            n = min(width - pos % width, end - pos)
            yield pos, n, 1
        else:
            n = min(end - pos, block - (pos & (block - 1)))
            if width > 1:
                n -= n % width
                if n == 0:
                    yield pos, end - pos, 1
                    return
            yield pos, n, width
        pos += n


class MemAP:
    """A MEM-AP on a `DebugPort`. Call `init()` once the DP is connected."""

    hla: HlaAccess | None = None  # core-register shortcuts only high-level probes have

    def __init__(self, ap: AccessPort, tar_autoincr_block: int = 1024) -> None:
        self.ap = ap
        self.num = ap.num
        self.transport = ap.dp.transport
        self.tar_autoincr_block = tar_autoincr_block
        self.csw_default = CSW_HPROT1
        self.cfg = 0
        self.base = 0
        self._csw: int | None = None
        self._tar: int | None = None

    def init(self) -> None:
        """Check this is a MEM-AP and learn its CSW defaults, CFG and ROM table base."""
        if not self.ap.is_mem_ap:
            raise TargetError(f"access port {self.num} is not a MEM-AP (IDR {self.ap.read_idr():#010x}): "
                              "check -ap-num")
        self.cfg = self.ap.read(AP_CFG)
        self.base = self.ap.read(AP_BASE)
        csw = self.ap.read(AP_CSW)
        self.csw_default = (csw & CSW_PROT_BITS) or CSW_HPROT1
        self._csw = csw
        self._tar = None
        if self.cfg & CFG_BIGENDIAN:
            raise TargetError(f"MEM-AP {self.num} is big-endian, which ocdpy does not support")

    @property
    def fast(self) -> bool:
        return self.transport.mem_fast_path(self.num)

    # -- CSW/TAR/DRW -----------------------------------------------------------------------

    def _set_csw(self, value: int) -> None:
        if value != self._csw:
            self.ap.write(AP_CSW, value)
            self._csw = value

    def _set_tar(self, address: int) -> None:
        if address != self._tar:
            self.ap.write(AP_TAR, address)
            self._tar = address

    def _after_fault(self, exc: OcdError, address: int, what: str) -> OcdError:
        """Clear the sticky error a fault leaves and name the address that faulted."""
        self._csw = self._tar = None
        try:
            self.ap.dp.clear_sticky_errors()
        except OcdError:
            pass
        if isinstance(exc, TransferFaultError) and exc.address is None:
            return TransferFaultError(f"{what} at {address:#010x} failed: the target reported a bus fault; "
                                      "the address is not mapped, or the memory is protected", address)
        return exc

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes:
        if size <= 0:
            return b""
        if self.fast:
            return self.transport.mem_read(self.num, address, size, width, self.csw_default,
                                           self.tar_autoincr_block)
        out = bytearray()
        for pos, n, w in split_transfer(address, size, width, self.tar_autoincr_block):
            addr = pos
            try:
                self._set_csw(self.csw_default | CSW_SIZE[w] | CSW_ADDRINC_SINGLE)
                self._set_tar(pos)
                for addr in range(pos, pos + n, w):
                    word = self.ap.read(AP_DRW)
                    lane = addr & 3
                    out += ((word >> (8 * lane)) & ((1 << (8 * w)) - 1)).to_bytes(w, "little")
            except OcdError as exc:
                raise self._after_fault(exc, addr, "memory read") from None
            self._advance_tar(pos + n)
        return bytes(out)

    def write_memory(self, address: int, data: bytes, width: int = 4) -> None:
        if not data:
            return
        if self.fast:
            self.transport.mem_write(self.num, address, bytes(data), width, self.csw_default,
                                     self.tar_autoincr_block)
            return
        for pos, n, w in split_transfer(address, len(data), width, self.tar_autoincr_block):
            addr = pos
            try:
                self._set_csw(self.csw_default | CSW_SIZE[w] | CSW_ADDRINC_SINGLE)
                self._set_tar(pos)
                for addr in range(pos, pos + n, w):
                    value = int.from_bytes(data[addr - address : addr - address + w], "little")
                    self.ap.write(AP_DRW, value << (8 * (addr & 3)))
            except OcdError as exc:
                raise self._after_fault(exc, addr, "memory write") from None
            self._advance_tar(pos + n)

    def _advance_tar(self, end: int) -> None:
        # TAR wraps inside the block at its end: leave it unknown there
        self._tar = None if end % self.tar_autoincr_block == 0 else end

    def read_u32(self, address: int) -> int:
        return struct.unpack("<I", self.read_memory(address, 4, 4))[0]

    def write_u32(self, address: int, value: int) -> None:
        self.write_memory(address, struct.pack("<I", value & 0xFFFFFFFF), 4)

    def invalidate(self) -> None:
        """Forget cached CSW/TAR (after a reconnect or a reset of the debug port)."""
        self._csw = self._tar = None


class HlaMemAP:
    """The MemAP interface over a high-level probe (ST-Link `hla`): the probe splits and
    checks transfers itself and adds core-register commands."""

    def __init__(self, hla: HlaAccess, ap: int = 0) -> None:
        self.hla = hla
        self.num = ap

    @property
    def tar_autoincr_block(self) -> int:
        return self.hla.tar_autoincr_block

    @tar_autoincr_block.setter
    def tar_autoincr_block(self, value: int) -> None:
        self.hla.tar_autoincr_block = value

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes:
        return self.hla.read_memory(address, size, width, self.num) if size > 0 else b""

    def write_memory(self, address: int, data: bytes, width: int = 4) -> None:
        if data:
            self.hla.write_memory(address, bytes(data), width, self.num)

    def read_u32(self, address: int) -> int:
        if self.num == 0:
            return self.hla.read_u32(address)
        return struct.unpack("<I", self.read_memory(address, 4, 4))[0]

    def write_u32(self, address: int, value: int) -> None:
        if self.num == 0:
            self.hla.write_u32(address, value)
        else:
            self.write_memory(address, struct.pack("<I", value & 0xFFFFFFFF), 4)

    def invalidate(self) -> None:
        pass
