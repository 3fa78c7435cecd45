"""Images and target RAM as OpenOCD 0.12 moves them: `load_image` (write an image's
sections to target memory, optionally clipped to [min_address, min_address +
max_length)), `fast_load_image` + `fast_load` (the same in two steps: read now, write
later), `dump_image` (target memory to a binary file), `test_image` (list an
image's sections without touching the target), `virt2phys`. `verify_image` and
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


def _clipped_sections(ctx: CommandContext, args: list[str]) -> list[tuple[int, bytes] | None]:
    """OpenOCD's parse_load_image_command: `filename [address [type [min_address
    [max_length]]]]`; each section clipped to [min_address, min_address + max_length),
    None where nothing of it is left."""
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
    clipped: list[tuple[int, bytes] | None] = []
    for address, data in image_sections(ctx, args[0], base, args[2] if len(args) >= 3 else None):
        if address + len(data) < min_address or address >= max_address:
            clipped.append(None)
            continue
        offset = max(0, min_address - address)
        end = min(len(data), max_address - address)
        clipped.append((address + offset, data[offset:end]))
    return clipped


@command("load_image", mode=CommandMode.EXEC,
         usage="filename address ['bin'|'ihex'|'elf'|'s19'] [min_address] [max_length]",
         help="Load an image into target memory (RAM), optionally only the part in [min_address, "
         "min_address + max_length)")
def load_image(ctx: CommandContext, args: list[str]) -> None:
    if not 1 <= len(args) <= 5:
        raise CommandSyntaxError()
    target = target_of(ctx)
    started = time.monotonic()
    total = 0
    for section in _clipped_sections(ctx, args):
        if section is None:
            continue
        address, piece = section
        target.write_buffer(address, piece)
        total += len(piece)
        ctx.print(f"{len(piece)} bytes written at address {addr_fmt(address)}")
    ctx.print(f"downloaded {total} bytes {rate_text(total, time.monotonic() - started)}")


@command("fast_load_image", mode=CommandMode.ANY,
         usage="filename [address ['bin'|'ihex'|'elf'|'s19'] [min_address [max_length]]]",
         help="Read an image into host memory for a later `fast_load` (nothing is written to the target yet)")
def fast_load_image(ctx: CommandContext, args: list[str]) -> None:
    started = time.monotonic()
    sections = _clipped_sections(ctx, args)
    total = 0
    for section in sections:
        if section is not None:
            ctx.print(f"{len(section[1])} bytes written at address {addr_fmt(section[0])}")
            total += len(section[1])
    # OpenOCD keeps an empty (address 0, length 0) entry for a section the clip dropped
    ctx.session.fast_load_sections = [s if s is not None else (0, b"") for s in sections]
    ctx.print(f"Loaded {total} bytes {rate_text(total, time.monotonic() - started)}")
    ctx.print("WARNING: image has not been loaded to target!You can issue a 'fast_load' to finish loading.")


@command("fast_load", mode=CommandMode.EXEC, help="Write the image `fast_load_image` read to target memory")
def fast_load(ctx: CommandContext, args: list[str]) -> None:
    sections = getattr(ctx.session, "fast_load_sections", None)
    if sections is None:
        raise CommandFailed("No image in memory: read one first with fast_load_image FILE [ADDRESS]")
    target = target_of(ctx)
    started_ms = int(time.monotonic() * 1000)
    size = 0
    for address, data in sections:
        ctx.print(f"Write to 0x{address & 0xFFFFFFFF:08x}, length 0x{len(data):08x}")
        target.write_buffer(address, data)
        size += len(data)
    # OpenOCD's figure: whole milliseconds, printed with %f (inf or nan when under 1 ms)
    ms = int(time.monotonic() * 1000) - started_ms
    rate = size / 1024.0 / (ms / 1000.0) if ms else (float("inf") if size else float("nan"))
    ctx.print(f"Loaded image {rate:f} kBytes/s".replace("nan kBytes", "-nan kBytes"))


@command("virt2phys", mode=CommandMode.ANY, usage="virtual_address",
         help="The physical address of a virtual one (the same on Cortex-M, which has no MMU)")
def virt2phys(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.commands.target import current_target

    if len(args) != 1:
        raise CommandSyntaxError()
    address = parse_address(args[0], "virtual_address")
    if current_target(ctx) is None:
        raise CommandFailed("no current target: declare one with `target create` (a target config file does)")
    ctx.print(f"Physical address {addr_fmt(address)}")


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
