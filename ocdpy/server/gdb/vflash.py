"""GDB's `load` into flash: vFlashErase, vFlashWrite, vFlashDone.

GDB erases whole blocks of the memory map first, then sends the data in packets and
ends with vFlashDone, which programs what was collected through the flash layer
(no second erase, as OpenOCD's flash_write). The gdb-flash-erase-start/end and
gdb-flash-write-start/end target events run around the two steps.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.errors import OcdError
from ocdpy.server.gdb.reply import EIO, DropConnection, Reply, answer

# A vFlash image larger than this is refused (no STM32 has more flash); keeps a
# misbehaving client from growing the buffer without bound.
VFLASH_LIMIT = 64 * 1024 * 1024


class FlashPackets:
    """vFlash* handling for GdbSession (expects `target`, `vflash`, `vflash_size`)."""

    def _flash_erase(self, body: bytes) -> Reply:
        addr_text, sep, length_text = body.partition(b",")
        if not sep or not addr_text or not length_text:
            raise DropConnection("incomplete vFlashErase packet received")
        addr, length = int(addr_text, 16), int(length_text, 16)
        t = self.target
        t.fire_event("gdb-flash-erase-start")
        try:
            t.flash_erase(addr, length)
            failed = None
        except OcdError as e:
            failed = e.message
        t.fire_event("gdb-flash-erase-end")
        if failed is not None:
            log.error(f"flash erase of 0x{addr:08x}+0x{length:x} failed: {failed}")
            return answer(f"E{EIO:02X}")
        return answer("OK")

    def _flash_write(self, body: bytes) -> Reply:
        addr_text, sep, data = body.partition(b":")
        if not sep or not addr_text:
            raise DropConnection("incomplete vFlashWrite packet received")
        addr = int(addr_text, 16)
        if self.vflash_size + len(data) > VFLASH_LIMIT:
            log.error("GDB sent more flash data than any flash holds; refusing it")
            return answer(f"E{EIO:02X}")
        if self.vflash and self.vflash[-1][0] + len(self.vflash[-1][1]) == addr:
            self.vflash[-1][1].extend(data)  # GDB sends a section in consecutive packets
        else:
            self.vflash.append((addr, bytearray(data)))
        self.vflash_size += len(data)
        return answer("OK")

    def _flash_done(self) -> Reply:
        segments = [(addr, bytes(data)) for addr, data in self.vflash]
        self.vflash, self.vflash_size = [], 0
        t = self.target
        regions = t.flash_regions()
        for addr, data in segments:
            if not any(r.base <= addr and addr + len(data) <= r.base + r.size for r in regions):
                log.error(f"GDB wrote 0x{len(data):x} bytes at 0x{addr:08x}, outside the flash banks")
                return answer("E.memtype")
        t.fire_event("gdb-flash-write-start")
        try:
            t.flash_write(segments)
            failed = None
        except OcdError as e:
            failed = e.message
        t.fire_event("gdb-flash-write-end")
        if failed is not None:
            log.error(f"flash write failed: {failed}")
            return answer(f"E{EIO:02X}")
        log.debug(f"wrote {sum(len(d) for _, d in segments)} bytes from vFlash image to flash")
        return answer("OK")
