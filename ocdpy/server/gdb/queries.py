"""GDB's queries: qSupported, the qXfer documents, qCRC and qRcmd (`monitor`), and
the thread queries a target without an RTOS answers as OpenOCD does."""

from __future__ import annotations

from ocdpy import log
from ocdpy.errors import OcdError
from ocdpy.server.gdb import packets
from ocdpy.server.gdb.crc import GdbCrc
from ocdpy.server.gdb.reply import EFAULT, Reply, answer
from ocdpy.server.gdb.xml import memory_map, target_description

THREADS_XML = '<?xml version="1.0"?>\n<threads>\n</threads>\n'
CRC_CHUNK = 64 * 1024
CRC_LIMIT = 256 * 1024 * 1024


class QueryPackets:
    """q/Q packet handling for GdbSession (expects `host`, `target`, `settings`,
    `registers()`, `_addr_len`)."""

    def _query(self, payload: bytes) -> Reply:
        if payload.startswith(b"qRcmd,"):
            return self._monitor(payload[6:])
        if payload.startswith(b"qSupported"):
            return self._supported()
        if payload.startswith(b"qXfer:features:read:"):
            return self._xfer_features(payload[20:])
        if payload.startswith(b"qXfer:memory-map:read::"):
            return self._xfer_memory_map(payload[23:])
        if payload.startswith(b"qXfer:threads:read:"):
            annex, offset, length = _xfer_args(payload[19:])
            return self._chunk(THREADS_XML, offset, length)
        if payload.startswith(b"QStartNoAckMode"):
            return answer("OK", noack=True)
        if payload.startswith(b"qCRC:"):
            return self._crc(payload[5:])
        if payload.startswith(b"qC"):
            return answer("QC0")
        if payload.startswith(b"qAttached"):
            return answer("1")
        if payload.startswith(b"qOffsets"):
            return answer("Text=0;Data=0;Bss=0")
        if payload.startswith(b"qfThreadInfo") or payload.startswith(b"qsThreadInfo"):
            return answer("l")
        if payload.startswith(b"qSymbol"):
            return answer("OK")
        return answer("")

    def _flash_bank_count(self) -> int:
        try:
            return len(self.target.flash_regions())
        except OcdError:
            return 1  # banks exist but cannot be probed now; the map request will say why

    def _supported(self) -> Reply:
        tdesc = bool(self.settings.gdb_target_description and self.registers())
        if not self.settings.gdb_target_description and self.registers():
            log.warning("Target Descriptions Supported, but disabled")
        memory = bool(self.settings.gdb_memory_map and self._flash_bank_count() > 0)
        return answer(
            f"PacketSize={packets.PACKET_SIZE:x};"
            f"qXfer:memory-map:read{'+' if memory else '-'};"
            f"qXfer:features:read{'+' if tdesc else '-'};"
            "qXfer:threads:read+;QStartNoAckMode+;vContSupported+"
        )

    def _xfer_features(self, body: bytes) -> Reply:
        annex, offset, length = _xfer_args(body)
        if annex != b"target.xml":
            return answer("E00")
        if self._tdesc is None or offset == 0:
            self._tdesc = target_description(
                sorted(self.registers().values(), key=lambda r: r.number), self.target.architecture)
        reply = self._chunk(self._tdesc, offset, length)
        if reply.packets and reply.packets[0][:1] == b"l":
            self._tdesc = None
        return reply

    def _xfer_memory_map(self, body: bytes) -> Reply:
        if not self.settings.gdb_memory_map:
            return answer("")
        _annex, offset, length = _xfer_args(b":" + body)
        if self._memory_map is None or offset == 0:
            try:
                regions = self.target.flash_regions()
            except OcdError as e:
                log.error(e.message)
                return answer(f"E{EFAULT:02X}")
            if not regions:
                return answer("")
            self._memory_map = memory_map(regions)
        reply = self._chunk(self._memory_map, offset, length)
        if reply.packets and reply.packets[0][:1] == b"l":
            self._memory_map = None
        return reply

    @staticmethod
    def _chunk(document: str, offset: int, length: int) -> Reply:
        data = document.encode()
        part = data[offset:offset + length]
        mark = b"m" if offset + length < len(data) else b"l"
        return Reply([mark + part], binary=True)

    def _crc(self, body: bytes) -> Reply:
        addr, length = self._addr_len(body, "qCRC")
        if length > CRC_LIMIT:
            return answer(f"E{EFAULT:02X}")
        t = self.target
        value = t.checksum_memory(addr, length)
        if value is None:
            crc = GdbCrc()
            done = 0
            while done < length:
                n = min(CRC_CHUNK, length - done)
                crc.update(t.read_memory(addr + done, n))
                done += n
            value = crc.value
        return answer(f"C{value:08x}")

    def _monitor(self, hexcmd: bytes) -> Reply:
        if not hexcmd:
            return answer("OK")
        line = packets.unhexify(hexcmd).decode("utf-8", "replace")
        # As OpenOCD: a monitor command acts on this connection's target.
        config = getattr(self.host.session, "config", None)
        own = getattr(self.target, "config", None)
        saved = getattr(config, "current_target", None)
        if own is not None and config is not None:
            config.current_target = own
        try:
            outcome = self.host.execute(line)
        finally:
            if own is not None and config is not None and config.current_target is own:
                config.current_target = saved
        text = outcome.text
        if text and not text.endswith("\n"):
            text += "\n"
        encoded = text.encode("utf-8", "replace")
        if outcome.error:
            out = [b"O" + packets.hexify(encoded)] if encoded else []
            return Reply(out + [b"E01"])
        reply = Reply([packets.hexify(encoded) if encoded else b"OK"])
        reply.shutdown = outcome.shutdown
        return reply


def _xfer_args(body: bytes) -> tuple[bytes, int, int]:
    """`annex:offset,length` of a qXfer read."""
    annex, sep, rest = body.partition(b":")
    if not sep:
        raise ValueError("qXfer without ':'")
    offset, comma, length = rest.partition(b",")
    if not comma:
        raise ValueError("qXfer without ','")
    return annex, int(offset, 16), int(length, 16)
