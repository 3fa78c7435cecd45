"""GDB's qCRC checksum: CRC-32 with polynomial 0x04C11DB7, MSB first, initial value
0xFFFFFFFF and no final inversion (what `compare-sections` expects).

zlib's CRC-32 is the same polynomial with the bits of every byte and of the result
reflected, so feeding it bit-reversed bytes and reversing its result gives GDB's value
at zlib's speed.
"""

from __future__ import annotations

import binascii

_REVERSE_BYTE = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def _reverse32(x: int) -> int:
    return int(f"{x:032b}"[::-1], 2)


class GdbCrc:
    """Incremental: feed chunks with `update`, read `value`."""

    def __init__(self) -> None:
        # zlib's running value is the complemented register; GDB's register starts all ones.
        self._z = 0

    def update(self, data: bytes) -> None:
        self._z = binascii.crc32(data.translate(_REVERSE_BYTE), self._z)

    @property
    def value(self) -> int:
        return _reverse32(self._z ^ 0xFFFFFFFF)


def gdb_crc32(data: bytes) -> int:
    crc = GdbCrc()
    crc.update(data)
    return crc.value
