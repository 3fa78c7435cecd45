"""USB descriptors of a virtual ST-Link: device, configuration (with its interfaces and
endpoints) and string descriptors, as the bytes a GET_DESCRIPTOR request returns.

The serial number quirk of ST-Link/V2: its string descriptor holds the 12 raw bytes
of the serial, one per UTF-16 code unit (bLength 26), instead of the 24 hex digits
(bLength 50) other ST-Links send. Hosts read it as 12 mostly unprintable characters;
OpenOCD and pyOCD turn it back into hex.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from ocdpy.errors import ConfigError

from .kinds import Interface, ProbeKind

DT_DEVICE, DT_CONFIG, DT_STRING, DT_INTERFACE, DT_ENDPOINT, DT_IAD = 1, 2, 3, 4, 5, 11
LANGID_EN_US = 0x0409
MANUFACTURER = "STMicroelectronics"


def normalize_serial(serial: str) -> str:
    """A serial as tools print it: 24 upper-case hex digits when it is hex, else as given."""
    text = serial.strip()
    if not text or len(text) > 32 or not text.isprintable():
        raise ConfigError(f"bad probe serial {serial!r}: give up to 32 printable characters, e.g. 24 hex digits")
    if all(c in "0123456789abcdefABCDEF" for c in text):
        return text.upper()
    return text


@dataclass(frozen=True)
class Descriptors:
    kind: ProbeKind
    serial: str  # canonical form (hex digits)
    quirk: bool  # serial sent as raw bytes

    @classmethod
    def build(cls, kind: ProbeKind, serial: str, quirk: bool | None = None) -> Descriptors:
        serial = normalize_serial(serial)
        can_quirk = len(serial) == 24 and all(c in "0123456789ABCDEF" for c in serial)
        use_quirk = kind.serial_quirk if quirk is None else quirk
        return cls(kind, serial, bool(use_quirk and can_quirk))

    # -- strings ----------------------------------------------------------------------

    def strings(self) -> list[str]:
        """Index 1.. of the string table (index 0 is the LANGID list)."""
        table = [MANUFACTURER, self.kind.product, self.serial]
        for intf in self.kind.interfaces():
            if intf.name not in table:
                table.append(intf.name)
        return table

    def string_index(self, text: str) -> int:
        return self.strings().index(text) + 1

    def string_descriptor(self, index: int) -> bytes | None:
        if index == 0:
            return bytes([4, DT_STRING]) + struct.pack("<H", LANGID_EN_US)
        table = self.strings()
        if not 1 <= index <= len(table):
            return None
        if index == 3 and self.quirk:
            raw = bytes.fromhex(self.serial)
            body = b"".join(bytes([b, 0]) for b in raw)
        else:
            body = table[index - 1].encode("utf-16-le")
        return bytes([2 + len(body), DT_STRING]) + body

    # -- device and configuration -----------------------------------------------------

    def device_descriptor(self) -> bytes:
        composite = len(self.kind.interfaces()) > 1
        cls, sub, proto = (0xEF, 0x02, 0x01) if composite else (0, 0, 0)
        return struct.pack(
            "<BBHBBBBHHHBBBB", 18, DT_DEVICE, self.kind.bcd_usb, cls, sub, proto, 64,
            self.kind.vid, self.kind.pid, self.kind.bcd_device, 1, 2, 3, 1,
        )

    def interface_descriptor(self, intf: Interface) -> bytes:
        return struct.pack(
            "<BBBBBBBBB", 9, DT_INTERFACE, intf.number, 0, len(intf.endpoints),
            intf.cls, intf.subclass, intf.protocol, self.string_index(intf.name),
        )

    @staticmethod
    def endpoint_descriptor(ep_address: int, attributes: int, max_packet: int, interval: int) -> bytes:
        return struct.pack("<BBBBHB", 7, DT_ENDPOINT, ep_address, attributes, max_packet, interval)

    def config_descriptor(self) -> bytes:
        body = b""
        interfaces = self.kind.interfaces()
        for intf in interfaces:
            if intf.iad:
                count, cls, sub, proto = intf.iad
                body += struct.pack("<BBBBBBBB", 8, DT_IAD, intf.number, count, cls, sub, proto, 0)
            body += self.interface_descriptor(intf) + intf.extra
            for ep in intf.endpoints:
                body += self.endpoint_descriptor(ep.address, ep.attributes, ep.max_packet, ep.interval)
        header = struct.pack("<BBHBBBBB", 9, DT_CONFIG, 9 + len(body), len(interfaces), 1, 0, 0x80, 50)
        return header + body

    def get_descriptor(self, dtype: int, index: int) -> bytes | None:
        """The answer to a standard GET_DESCRIPTOR request, or None (the device stalls)."""
        if dtype == DT_DEVICE and index == 0:
            return self.device_descriptor()
        if dtype == DT_CONFIG and index == 0:
            return self.config_descriptor()
        if dtype == DT_STRING:
            return self.string_descriptor(index)
        return None
