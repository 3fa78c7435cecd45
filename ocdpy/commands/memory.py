"""Target memory as OpenOCD 0.12 offers it: `mdw mdh mdb mdd` (dump, optionally
`phys`), `mww mwh mwb mwd` (fill `count` items with one value), the Tcl commands
`read_memory` / `write_memory` (lists of values, widths 8/16/32/64, optional `phys`),
and the same commands on a named target (`stm32f1x.cpu mdw ...`).

Dump lines hold 32 bytes: `0x20000000: 12345678 ... ` (each value followed by a space,
as OpenOCD prints them). Cortex-M has no MMU, so `phys` addresses are the same as the
others. `mmw`/`mrw` are procs of cfg/mem_helper.tcl built on these.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.jimargs import jim_int, split_list, tcl_list, wrong_num_args
from ocdpy.commands.live import addr_fmt, parse_address, parse_u64, target_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_number,
)
from ocdpy.errors import OcdError
from ocdpy.tcl import TclError

SIZES = {"d": 8, "w": 4, "h": 2, "b": 1}
LINE_BYTES = 32
MAX_ELEMENTS = 65536
CHUNK_BYTES = 4096  # read_memory/write_memory move memory in pieces of this size, as OpenOCD


def setup_session(session) -> None:
    from ocdpy.commands import target as target_cmds

    handlers = {f"md{k}": md for k in SIZES} | {f"mw{k}": mw for k in SIZES}
    handlers |= {"read_memory": read_memory, "write_memory": write_memory,
                 "mem2array": target_mem2array, "array2mem": target_array2mem}
    target_cmds.INSTANCE_HANDLERS.update(handlers)


def format_dump(address: int, size: int, data: bytes) -> list[str]:
    """OpenOCD's target_handle_md_output: 32 bytes a line, little-endian values."""
    per_line = LINE_BYTES // size
    lines = []
    count = len(data) // size
    for first in range(0, count, per_line):
        words = []
        for i in range(first, min(first + per_line, count)):
            value = int.from_bytes(data[i * size:(i + 1) * size], "little")
            words.append(f"{value:0{2 * size}x} ")
        lines.append(f"{addr_fmt((address + first * size) & 0xFFFFFFFFFFFFFFFF)}: {''.join(words)}")
    return lines


def _without_phys(args: list[str], least: int, most: int) -> list[str]:
    """The words after an optional leading `phys` (no MMU here: the same addresses)."""
    if len(args) < least:
        raise CommandSyntaxError()
    if args[0] == "phys":
        args = args[1:]
    if not least <= len(args) <= most:
        raise CommandSyntaxError()
    return args


def _size(ctx: CommandContext) -> int:
    return SIZES[ctx.name.rsplit(" ", 1)[-1][2]]


@command("mdw", mode=CommandMode.EXEC, usage="['phys'] address [count]", help="display memory words")
@command("mdh", mode=CommandMode.EXEC, usage="['phys'] address [count]", help="display memory half-words")
@command("mdb", mode=CommandMode.EXEC, usage="['phys'] address [count]", help="display memory bytes")
@command("mdd", mode=CommandMode.EXEC, usage="['phys'] address [count]", help="display memory double-words")
def md(ctx: CommandContext, args: list[str]) -> None:
    args = _without_phys(args, 1, 2)
    address = parse_address(args[0], "address")
    count = parse_number(args[1], "count") if len(args) == 2 else 1
    size = _size(ctx)
    target = target_of(ctx)
    data = target.read_memory(address, size, count) if count else b""
    for line in format_dump(address, size, data):
        ctx.print(line)


@command("mww", mode=CommandMode.EXEC, usage="['phys'] address value [count]", help="write memory word")
@command("mwh", mode=CommandMode.EXEC, usage="['phys'] address value [count]", help="write memory half-word")
@command("mwb", mode=CommandMode.EXEC, usage="['phys'] address value [count]", help="write memory byte")
@command("mwd", mode=CommandMode.EXEC, usage="['phys'] address value [count]", help="write memory double-word")
def mw(ctx: CommandContext, args: list[str]) -> None:
    args = _without_phys(args, 2, 3)
    address = parse_address(args[0], "address")
    value = parse_u64(args[1], "value")
    count = parse_number(args[2], "count") if len(args) == 3 else 1
    size = _size(ctx)
    target = target_of(ctx)
    if count:
        item = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")
        target.write_memory(address, size, item * count)


# -- read_memory / write_memory ---------------------------------------------------------------


def _list_args(ctx: CommandContext, args: list[str], third: str, parse):
    """address width THIRD ['phys'] of read_memory / write_memory: (address, bits, THIRD
    parsed), checked in OpenOCD's order."""
    if not 3 <= len(args) <= 4:
        raise wrong_num_args([ctx.name], f"address width {third} ['phys']")
    address = jim_int(args[0]) & 0xFFFFFFFFFFFFFFFF
    bits = jim_int(args[1])
    value = parse(args[2])
    if len(args) > 3 and args[3] != "phys":
        raise TclError(f"invalid argument '{args[3]}', must be 'phys'")
    if bits not in (8, 16, 32, 64):
        raise TclError("invalid width, must be 8, 16, 32 or 64")
    return address, bits, value


@command("read_memory", mode=CommandMode.EXEC, usage="address width count ['phys']",
         help="Read Tcl list of 8/16/32/64 bit numbers from target memory")
def read_memory(ctx: CommandContext, args: list[str]) -> str:
    address, bits, count = _list_args(ctx, args, "count", jim_int)
    width = bits // 8
    if count < 0:
        count &= 0xFFFFFFFFFFFFFFFF
    if address + count * width > 0xFFFFFFFFFFFFFFFF:
        raise TclError("read_memory: addr + count wraps to zero")
    if count > MAX_ELEMENTS:
        raise TclError("read_memory: too large read request, exeeds 64K elements")
    target = target_of(ctx)
    values: list[str] = []
    per_chunk = CHUNK_BYTES // width
    while count > 0:
        n = min(count, per_chunk)
        try:
            data = target.read_memory(address, width, n)
        except OcdError as e:
            log.error(f"read_memory: read at {addr_fmt(address)} with width={bits} and count={n} failed: "
                      f"{e.message}")
            raise TclError("read_memory: failed to read memory") from None
        values += [hex(int.from_bytes(data[i:i + width], "little")) for i in range(0, len(data), width)]
        count -= n
        address += n * width
    return tcl_list(values)


@command("write_memory", mode=CommandMode.EXEC, usage="address width data ['phys']",
         help="Write Tcl list of 8/16/32/64 bit numbers to target memory")
def write_memory(ctx: CommandContext, args: list[str]) -> str:
    address, bits, items = _list_args(ctx, args, "data", split_list)
    width = bits // 8
    if address + len(items) * width > 0xFFFFFFFFFFFFFFFF:
        raise TclError("write_memory: addr + len wraps to zero")
    if len(items) > MAX_ELEMENTS:
        raise TclError("write_memory: too large memory write request, exceeds 64K elements")
    mask = (1 << bits) - 1
    data = b"".join((jim_int(v) & mask).to_bytes(width, "little") for v in items)
    target = target_of(ctx)
    per_chunk = CHUNK_BYTES // width
    for start in range(0, len(items), per_chunk):
        n = min(per_chunk, len(items) - start)
        piece = data[start * width:(start + n) * width]
        try:
            target.write_memory(address, width, piece)
        except OcdError as e:
            log.error(f"write_memory: write at {addr_fmt(address)} with width={bits} and count={n} "
                      f"failed: {e.message}")
            raise TclError("write_memory: failed to write memory") from None
        address += n * width
    return ""


# -- $target mem2array / array2mem (deprecated, kept for old scripts) -----------------------


def _array_args(ctx: CommandContext, args: list[str], name: str) -> tuple[str, int, int, int]:
    log.warning(f"DEPRECATED! use '{'read' if name == 'mem2array' else 'write'}_memory' not '{name}'")
    if not 4 <= len(args) <= 5:
        raise wrong_num_args([], "varname width addr nelems [phys]")
    bits, address, count = jim_int(args[1]), jim_int(args[2]), jim_int(args[3])
    if len(args) == 5 and args[4] != "phys":
        raise TclError(f"invalid argument '{args[4]}', must be 'phys'")
    if bits not in (8, 16, 32):
        raise TclError("Invalid width param, must be 8/16/32")
    if count <= 0 or count > MAX_ELEMENTS:
        raise TclError(f"{name}: invalid count {count}")
    return args[0], bits // 8, address & 0xFFFFFFFF, count


def target_mem2array(ctx: CommandContext, args: list[str]) -> str:
    """`$target mem2array VAR WIDTH ADDR COUNT`: VAR(0..COUNT-1) = the values."""
    name, width, address, count = _array_args(ctx, args, "mem2array")
    data = target_of(ctx).read_memory(address, width, count)
    interp = ctx.interp
    for i in range(count):  # in the caller's frame, as `set` there would
        value = int.from_bytes(data[i * width:(i + 1) * width], "little")
        interp.set_var_f(interp.frame, f"{name}({i})", str(value))
    return ""


def target_array2mem(ctx: CommandContext, args: list[str]) -> str:
    """`$target array2mem VAR WIDTH ADDR COUNT`: write VAR(0..COUNT-1) to memory."""
    name, width, address, count = _array_args(ctx, args, "array2mem")
    mask = (1 << (8 * width)) - 1
    interp = ctx.interp
    values = [jim_int(str(interp.get_var_f(interp.frame, f"{name}({i})"))) for i in range(count)]
    data = b"".join((v & mask).to_bytes(width, "little") for v in values)
    target_of(ctx).write_memory(address, width, data)
    return ""
