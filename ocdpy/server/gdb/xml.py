"""The XML documents GDB reads with qXfer: the target description and the memory map.

Both are generated in the shape OpenOCD 0.12 sends (GDB only cares about the content,
but the same shape makes captures comparable). The memory map lists every flash bank
as runs of equal sectors with their block size and reports everything else as RAM, so
GDB's `load` uses vFlashErase/vFlashWrite for flash and plain writes elsewhere.
"""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from ocdpy.server.targets import FlashRegion, GdbRegister


def target_description(registers: list[GdbRegister], architecture: str = "arm") -> str:
    features: list[str] = []
    for reg in registers:
        if not reg.hidden and reg.feature and reg.feature not in features:
            features.append(reg.feature)
    out = [
        '<?xml version="1.0"?>\n',
        '<!DOCTYPE target SYSTEM "gdb-target.dtd">\n',
        '<target version="1.0">\n',
    ]
    if architecture:
        out.append(f"<architecture>{architecture}</architecture>\n")
    for feature in features:
        out.append(f"<feature name={quoteattr(feature)}>\n")
        for reg in registers:
            if reg.hidden or reg.feature != feature:
                continue
            group = f" group={quoteattr(reg.group)}" if reg.group else ""
            out.append(
                f"<reg name={quoteattr(reg.name)} bitsize=\"{reg.bitsize}\" regnum=\"{reg.number}\""
                f' save-restore="yes" type={quoteattr(reg.type)}{group}/>\n'
            )
        out.append("</feature>\n")
    out.append("</target>\n")
    return "".join(out)


def memory_map(regions: list[FlashRegion], address_bits: int = 32) -> str:
    out = ["<memory-map>\n"]
    ram_start = 0
    for bank in sorted(regions, key=lambda b: b.base):
        if ram_start < bank.base:
            out.append(_ram(ram_start, bank.base - ram_start))
        for start, length, block in _sector_runs(bank):
            out.append(
                f'<memory type="flash" start="0x{bank.base + start:08x}" length="0x{length:x}">\n'
                f'<property name="blocksize">0x{block:x}</property>\n'
                "</memory>\n"
            )
        ram_start = bank.base + bank.size
    top = 1 << address_bits
    if 0 < ram_start < top:
        out.append(_ram(ram_start, top - ram_start))
    out.append("</memory-map>\n")
    return "".join(out)


def _ram(start: int, length: int) -> str:
    return f'<memory type="ram" start="0x{start:08x}" length="0x{length:08x}"/>\n'


def _sector_runs(bank: FlashRegion) -> list[tuple[int, int, int]]:
    """(offset, length, sector size) for each run of adjacent equal sectors."""
    runs: list[tuple[int, int, int]] = []
    sectors = bank.sectors or [(0, bank.size)]
    for offset, size in sectors:
        if offset + size > bank.size:
            break  # a sector past the bank's end: OpenOCD stops the map there too
        if runs:
            r_off, r_len, r_size = runs[-1]
            if r_size == size and r_off + r_len == offset:
                runs[-1] = (r_off, r_len + size, size)
                continue
        runs.append((offset, size, size))
    return runs
