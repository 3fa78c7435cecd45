"""Images and target RAM as OpenOCD 0.12 moves them: `load_image` (write an image's
sections to target memory, optionally clipped to [min_address, min_address +
max_length)), `dump_image` (target memory to a binary file), `test_image` (list an
image's sections without touching the target). `verify_image` and
`verify_image_checksum` are in ocdpy.commands.flash (on-target CRC, read-back on a
mismatch).

Sections are OpenOCD's: one per ELF loadable segment, one per run of contiguous
HEX/S-record data, one for a binary file.
"""

from __future__ import annotations

import os
import time

from ocdpy.commands.live import addr_fmt, parse_address, rate_text, target_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
)
from ocdpy.session import fs_path

DUMP_CHUNK = 64 * 1024  # bytes read per piece (the probe splits further)


def image_sections(ctx: CommandContext, name: str, base: int | None, kind: str | None) -> list[tuple[int, bytes]]:
    """The sections OpenOCD's image layer would give for the file."""
    from ocdpy.flash.image import load_image

    image = load_image(name, kind, base or 0, search_dirs=ctx.session.search_dirs())
    if image.type == "elf" and image.path:
        from ocdpy.flash.image_elf import parse_elf

        with open(image.path, "rb") as f:
            pieces, _entry = parse_elf(f.read(), image.path)
        return [((addr + (base or 0)) & 0xFFFFFFFFFFFFFFFF, bytes(data)) for addr, data in pieces if data]
    return [(seg.address, bytes(seg.data)) for seg in image]


@command("load_image", mode=CommandMode.EXEC,
         usage="filename address ['bin'|'ihex'|'elf'|'s19'] [min_address] [max_length]",
         help="Load an image into target memory (RAM), optionally only the part in [min_address, "
         "min_address + max_length)")
def load_image(ctx: CommandContext, args: list[str]) -> None:
    if not 1 <= len(args) <= 5:
        raise CommandSyntaxError()
    base = parse_address(args[1]) if len(args) >= 2 else None
    min_address, max_address = 0, (1 << 64) - 1
    if len(args) >= 4:
        min_address = parse_address(args[3], "*min_address")
    if len(args) == 5:
        max_address = parse_address(args[4], "*max_address") + min_address
    if min_address > max_address:
        raise CommandSyntaxError()
    target = target_of(ctx)
    started = time.monotonic()
    sections = image_sections(ctx, args[0], base, args[2] if len(args) >= 3 else None)
    total = 0
    for address, data in sections:
        if address + len(data) < min_address or address >= max_address:
            continue
        offset = max(0, min_address - address)
        end = min(len(data), max_address - address)
        piece = data[offset:end]
        target.write_buffer(address + offset, piece)
        total += len(piece)
        ctx.print(f"{len(piece)} bytes written at address {addr_fmt(address + offset)}")
    ctx.print(f"downloaded {total} bytes {rate_text(total, time.monotonic() - started)}")


@command("dump_image", mode=CommandMode.EXEC, usage="filename address size",
         help="Write target memory to a binary file")
def dump_image(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 3:
        raise CommandSyntaxError()
    address = parse_address(args[1], "address")
    size = parse_address(args[2], "size")
    target = target_of(ctx)
    path = fs_path(args[0])
    try:
        out = open(path, "wb")  # noqa: SIM115 - closed below, also on errors
    except OSError as e:
        raise CommandFailed(f"couldn't open {args[0]}: {e.strerror}") from None
    started = time.monotonic()
    try:
        with out:
            remaining = size
            while remaining > 0:
                n = min(remaining, DUMP_CHUNK)
                out.write(target.read_buffer(address, n))
                address += n
                remaining -= n
    except OSError as e:
        raise CommandFailed(f"couldn't write {args[0]}: {e.strerror}") from None
    written = os.path.getsize(path)
    ctx.print(f"dumped {written} bytes {rate_text(written, time.monotonic() - started)}")


@command("test_image", mode=CommandMode.EXEC, usage="filename [offset [type]]",
         help="List the sections of an image (address and length) without touching the target")
def test_image(ctx: CommandContext, args: list[str]) -> None:
    if not args or len(args) > 3:
        raise CommandSyntaxError()
    started = time.monotonic()
    base = parse_address(args[1]) if len(args) >= 2 else None
    sections = image_sections(ctx, args[0], base, args[2] if len(args) == 3 else None)
    total = 0
    for address, data in sections:
        ctx.print(f"address {addr_fmt(address)} length 0x{len(data):08x}")
        total += len(data)
    ctx.print(f"verified {total} bytes {rate_text(total, time.monotonic() - started)}")
