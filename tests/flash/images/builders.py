"""Writers of small image files for tests: Intel HEX, S-records and ELF files made
from (address, bytes) pieces, with knobs for the odd corners of each format.

Written from the format definitions, independently of the parsers under test; the
objcopy comparisons in the tests check both against a tool no one here wrote.
"""

from __future__ import annotations

import struct


def _ihex_record(rtype: int, offset: int, payload: bytes) -> str:
    body = bytes([len(payload), (offset >> 8) & 0xFF, offset & 0xFF, rtype]) + payload
    return ":" + (body + bytes([(-sum(body)) & 0xFF])).hex().upper()


def ihex(
    pieces: list[tuple[int, bytes]],
    start: int | None = None,
    width: int = 16,
    segment_mode: bool = False,
) -> str:
    """Intel HEX text: type 04 (or type 02 in segment mode) upper-address records
    whenever the upper part changes, data records of `width` bytes, optional start
    record (05, or 03 in segment mode), end record."""
    lines = []
    upper = None
    for address, data in pieces:
        pos = 0
        while pos < len(data):
            addr = address + pos
            if segment_mode:
                want = (addr >> 4) & 0xF000  # segment paragraph: 64 KiB aligned
                base = want << 4
            else:
                want = addr >> 16
                base = want << 16
            if want != upper:
                rtype = 0x02 if segment_mode else 0x04
                lines.append(_ihex_record(rtype, 0, want.to_bytes(2, "big")))
                upper = want
            room = min(width, len(data) - pos, 0x10000 - (addr - base))
            lines.append(_ihex_record(0x00, addr - base, data[pos:pos + room]))
            pos += room
    if start is not None:
        if segment_mode:
            lines.append(_ihex_record(0x03, 0, start.to_bytes(4, "big")))
        else:
            lines.append(_ihex_record(0x05, 0, start.to_bytes(4, "big")))
    lines.append(":00000001FF")
    return "\n".join(lines) + "\n"


def srec_record(rtype: int, address: int, payload: bytes) -> str:
    alen = {0: 2, 1: 2, 2: 3, 3: 4, 5: 2, 6: 3, 7: 4, 8: 3, 9: 2}[rtype]
    body = address.to_bytes(alen, "big") + payload
    body = bytes([len(body) + 1]) + body
    return f"S{rtype}" + (body + bytes([(~sum(body)) & 0xFF])).hex().upper()


def srec(
    pieces: list[tuple[int, bytes]],
    start: int = 0,
    address_bytes: int = 4,
    header: bytes = b"test",
    count_record: bool = False,
    width: int = 16,
) -> str:
    """S-record text: S0 header, S1/S2/S3 data by `address_bytes`, optional S5 count,
    S9/S8/S7 termination with `start`."""
    data_type = {2: 1, 3: 2, 4: 3}[address_bytes]
    lines = [srec_record(0, 0, header)]
    records = 0
    for address, data in pieces:
        for pos in range(0, len(data), width):
            lines.append(srec_record(data_type, address + pos, data[pos:pos + width]))
            records += 1
    if count_record:
        lines.append(srec_record(5, records, b""))
    lines.append(srec_record(10 - data_type, start, b""))
    return "\n".join(lines) + "\n"


PT_NULL, PT_LOAD, PT_NOTE = 0, 1, 4
ET_REL, ET_EXEC = 1, 2


def elf(
    segments: list[dict],
    entry: int = 0,
    e_type: int = ET_EXEC,
    bits: int = 32,
    endian: str = "<",
    machine: int = 40,  # EM_ARM
) -> bytes:
    """An ELF file with only a header, program headers and segment contents.

    Each segment dict: type (PT_LOAD), vaddr, paddr, data (file bytes), memsz
    (default len(data)).
    """
    ehsize, phentsize = (52, 32) if bits == 32 else (64, 56)
    phoff = ehsize
    offset = phoff + phentsize * len(segments)
    blobs, headers = [], []
    for seg in segments:
        data = seg.get("data", b"")
        memsz = seg.get("memsz", len(data))
        ptype = seg.get("type", PT_LOAD)
        if bits == 32:
            headers.append(struct.pack(
                endian + "8I", ptype, offset, seg["vaddr"], seg["paddr"], len(data), memsz,
                seg.get("flags", 5), 4,
            ))
        else:
            headers.append(struct.pack(
                endian + "IIQQQQQQ", ptype, seg.get("flags", 5), offset, seg["vaddr"],
                seg["paddr"], len(data), memsz, 4,
            ))
        blobs.append(data)
        offset += len(data)
    ident = b"\x7fELF" + bytes([1 if bits == 32 else 2, 1 if endian == "<" else 2, 1, 0])
    ident += bytes(8)
    if bits == 32:
        header = ident + struct.pack(
            endian + "HHIIIIIHHHHHH", e_type, machine, 1, entry, phoff if segments else 0, 0,
            0x5000200, ehsize, phentsize, len(segments), 40, 0, 0,
        )
    else:
        header = ident + struct.pack(
            endian + "HHIQQQIHHHHHH", e_type, machine, 1, entry, phoff if segments else 0, 0,
            0, ehsize, phentsize, len(segments), 64, 0, 0,
        )
    assert len(header) == ehsize
    return header + b"".join(headers) + b"".join(blobs)
