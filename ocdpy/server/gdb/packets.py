"""GDB remote serial protocol framing: `$payload#xx`, acks, Ctrl-C and escapes.

`PacketReader` takes bytes as they arrive and returns what they complete: packets
(with `}` escapes undone), acknowledgements, the Ctrl-C interrupt byte, packets whose
checksum is wrong, and packets too long to accept. What it holds is bounded by the
packet size, whatever a client sends. `frame` builds the bytes of a reply.
"""

from __future__ import annotations

from dataclasses import dataclass

# OpenOCD's GDB_BUFFER_SIZE: what qSupported offers as PacketSize.
PACKET_SIZE = 16384

PACKET = "packet"
ACK = "ack"
NAK = "nak"
INTERRUPT = "interrupt"
BAD_CHECKSUM = "bad-checksum"
TOO_LONG = "too-long"


@dataclass
class Event:
    kind: str
    data: bytes = b""


_SPECIAL = frozenset(b"$+-\x03")


class PacketReader:
    def __init__(self, max_packet: int = PACKET_SIZE) -> None:
        self.max_packet = max_packet
        self._buf = bytearray()
        self._skipping = False  # inside an over-long packet, waiting for its end
        self.junk = 0  # bytes ignored outside packets

    def feed(self, data: bytes) -> list[Event]:
        buf = self._buf
        buf += data
        events: list[Event] = []
        pos = 0
        n = len(buf)
        while pos < n:
            if self._skipping:
                end = buf.find(b"#", pos)
                if end < 0:
                    pos = n
                    break
                if end + 3 > n:
                    pos = end
                    break
                pos = end + 3
                self._skipping = False
                continue
            c = buf[pos]
            if c == 0x24:  # $
                end = buf.find(b"#", pos + 1)
                if end < 0:
                    # Escaped bytes take two characters on the wire.
                    if n - pos > 2 * self.max_packet + 4:
                        events.append(Event(TOO_LONG))
                        self._skipping = True
                        pos = n
                    break
                if end + 3 > n:
                    break
                raw = bytes(buf[pos + 1:end])
                digits = bytes(buf[end + 1:end + 3])
                pos = end + 3
                try:
                    expected = int(digits, 16)
                except ValueError:
                    expected = -1
                if sum(raw) & 0xFF != expected:
                    events.append(Event(BAD_CHECKSUM, raw))
                    continue
                payload = unescape(raw) if 0x7D in raw else raw
                if len(payload) > self.max_packet:
                    events.append(Event(TOO_LONG))
                    continue
                events.append(Event(PACKET, payload))
            elif c == 0x2B:  # +
                events.append(Event(ACK))
                pos += 1
            elif c == 0x2D:  # -
                events.append(Event(NAK))
                pos += 1
            elif c == 0x03:
                events.append(Event(INTERRUPT))
                pos += 1
            else:
                start = pos
                while pos < n and buf[pos] not in _SPECIAL:
                    pos += 1
                self.junk += pos - start
        del buf[:pos]
        return events


def unescape(raw: bytes) -> bytes:
    """Undo the `}` escapes of binary data (X, vFlashWrite)."""
    parts = raw.split(b"}")
    out = bytearray(parts[0])
    for part in parts[1:]:
        if part:
            out.append(part[0] ^ 0x20)
            out += part[1:]
    return bytes(out)


def escape(data: bytes) -> bytes:
    """Escape the bytes GDB would misread in a binary reply."""
    if not any(b in data for b in (b"#", b"$", b"}", b"*")):
        return data
    out = bytearray()
    for b in data:
        if b in (0x23, 0x24, 0x7D, 0x2A):
            out.append(0x7D)
            out.append(b ^ 0x20)
        else:
            out.append(b)
    return bytes(out)


def frame(payload: bytes, binary: bool = False) -> bytes:
    if binary:
        payload = escape(payload)
    return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xFF)


def hexify(data: bytes) -> bytes:
    return data.hex().encode()


def unhexify(text: bytes) -> bytes:
    return bytes.fromhex(text.decode("ascii"))
