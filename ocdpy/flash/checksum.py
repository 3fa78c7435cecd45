"""Checksums of target memory computed by the target itself.

`crc_ranges(target, [(address, length), ...])` returns OpenOCD's CRC-32 (the one
`verify_image` and GDB's `qCRC` use; `ocdpy.flash.image.openocd_crc32` on the host)
of each range, computed by a small routine in the work area (contrib/loaders/
crc32_v7m.S, or crc32_v6m.S on Cortex-M0) in one run for the whole list. The routine
builds its 1 KiB table itself; the work area holds code, the block (range list,
results), the table and the routine's own stack. Reading
flash back over SWD costs about 1 ms per KiB on a full-speed probe; the routine reads
it at core speed, so skipping unchanged sectors and verifying cost little.

Without a work area big enough, the ranges are read back and summed on the host.

`sector_hash(data)` is the hash the programming loaders compute in their check pass
(contrib/loaders/checks.inc): faster on the core than CRC-32, used only to tell
whether a sector already holds what it must.
"""

from __future__ import annotations

import struct
import time

from ocdpy import log
from ocdpy.errors import FlashError
from ocdpy.flash import loader_code
from ocdpy.flash.image import openocd_crc32
from ocdpy.flash.target_api import FlashTarget, is_armv6m, start_routine, wait_for_halt

TABLE_SIZE = 1024
STACK = 64
MAX_RANGES_PER_RUN = 256
# Cycles per byte of the routines (with margin) and the slowest core clock we expect
# at reset, for the timeout only.
CYCLES_PER_BYTE = {"v7m": 10, "v6m": 16}
SLOWEST_HZ = 4_000_000
READBACK_CHUNK = 16 * 1024


HASH_MUL = 0x9E3779B1
HASH_ROT = 15
BLOCK_HEADER = 20  # n, table, stack top, two scratch words (contrib/loaders/frame.inc)


def host_crc(data: bytes) -> int:
    return openocd_crc32(data)


def sector_hash(data: bytes) -> int:
    """The loaders' sector hash (contrib/loaders/checks.inc): h = 0xffffffff, then per
    little-endian word h = ror32(h ^ w, 15) * 0x9e3779b1. `data` is a multiple of 8 bytes."""
    h = 0xFFFFFFFF
    low = 32 - HASH_ROT
    mask = 0xFFFFFFFF
    for (w,) in struct.iter_unpack("<I", data):
        x = h ^ w
        h = (((x >> HASH_ROT) | (x << low)) & mask) * HASH_MUL & mask
    return h


def check_value(data: bytes) -> int:
    """What the check pass reports for a sector holding `data`: 0xffffffff if blank,
    else its sector hash (0xfffffffe where that is 0xffffffff)."""
    if data.count(0xFF) == len(data):
        return 0xFFFFFFFF
    h = sector_hash(data)
    return h - 1 if h == 0xFFFFFFFF else h


def and_of_words(data: bytes) -> int:
    """The AND of the little-endian words of `data`, as the check pass reports it."""
    value = 0xFFFFFFFF
    for (w,) in struct.iter_unpack("<I", data):
        value &= w
    return value


def crc_ranges(target: FlashTarget, ranges: list[tuple[int, int]], allow_readback: bool = True) -> list[int]:
    """CRC of each (address, length) range; see the module docstring."""
    if not ranges:
        return []
    out: list[int] = []
    for i in range(0, len(ranges), MAX_RANGES_PER_RUN):
        out += _crc_batch(target, ranges[i:i + MAX_RANGES_PER_RUN], allow_readback)
    return out


def _crc_batch(target: FlashTarget, ranges: list[tuple[int, int]], allow_readback: bool) -> list[int]:
    v6 = is_armv6m(target)
    code = loader_code.CRC32_V6M if v6 else loader_code.CRC32_V7M
    code_size = (len(code) + 7) & ~7
    block_size = BLOCK_HEADER + 8 * len(ranges) + 4 * len(ranges) + 4
    need = code_size + block_size + TABLE_SIZE + STACK
    base = target.alloc_work_area(need) if target.work_area_free() >= need else None
    if base is None:
        if not allow_readback:
            raise FlashError(f"no work area for the checksum routine ({need} bytes needed)")
        log.debug(f"checksum: no {need}-byte work area, reading {len(ranges)} range(s) back")
        return [_readback_crc(target, a, n) for a, n in ranges]
    try:
        block = base + code_size
        table = block + block_size
        results = block + BLOCK_HEADER + 8 * len(ranges)
        words = [len(ranges), table, table + TABLE_SIZE + STACK, 0, 0]
        for address, length in ranges:
            words += [address, length]
        words += [0] * (len(ranges) + 1)
        payload = code.ljust(code_size, b"\0") + b"".join(
            (w & 0xFFFFFFFF).to_bytes(4, "little") for w in words)
        target.write_memory(base, payload)
        start_routine(target, base, {"r0": block})
        total = sum(n for _, n in ranges)
        budget = 1.0 + 3.0 * total * CYCLES_PER_BYTE["v6m" if v6 else "v7m"] / SLOWEST_HZ
        started, wall = target.now(), time.monotonic()
        result_size = 4 * len(ranges) + 4
        # Ask the core for its state (a fault?) only once the routine is overdue: the
        # status word says when it is done, and each state query costs probe commands.
        overdue = 0.01 + 2.0 * total * CYCLES_PER_BYTE["v6m" if v6 else "v7m"] / 8_000_000
        while True:
            raw = target.read_memory(results, result_size)
            if int.from_bytes(raw[-4:], "little") == 1:
                break
            state = target.algorithm_state() if target.now() - started > overdue else None
            if state is not None:
                raw = target.read_memory(results, result_size)
                if int.from_bytes(raw[-4:], "little") == 1:
                    break
                raise FlashError(f"the checksum routine stopped early; core: {state.describe()}. "
                                 "If the flash is read-out protected, unlock it first; else run "
                                 "`reset halt` and try again")
            if target.now() - started > budget or time.monotonic() - wall > 60 + budget * 20:
                state = target.stop_algorithm()
                raise FlashError(f"the checksum routine did not finish ({total} bytes); core: "
                                 f"{state.describe()}. Run `reset halt` and try again")
        _wait_halted(target)
        return [int.from_bytes(raw[4 * i:4 * i + 4], "little") for i in range(len(ranges))]
    finally:
        target.free_work_area(base)


def _wait_halted(target: FlashTarget) -> None:
    if not wait_for_halt(target, 1.0):
        target.stop_algorithm()


def _readback_crc(target: FlashTarget, address: int, length: int) -> int:
    crc = 0xFFFFFFFF
    pos = 0
    while pos < length:
        n = min(READBACK_CHUNK, length - pos)
        crc = openocd_crc32(target.read_memory(address + pos, n), crc)
        pos += n
    return crc
