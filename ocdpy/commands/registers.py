"""Core registers as OpenOCD 0.12 shows them: `reg` (the table, one register by name
or cache number, `force` to re-read, a value to set), and the Tcl commands `get_reg` /
`set_reg` (also as `$target get_reg` / `$target set_reg`).

`reg` numbers registers by their place in OpenOCD's caches: the armv7m cache
(r0..fpscr, 59 entries, some of which do not exist on a core, e.g. the FPU ones on a
Cortex-M3) and then the DWT cache, whose registers OpenOCD never lists. Values print
with two hex digits per byte; a register set by `reg` shows "(dirty)" until the target
runs again, as OpenOCD writes it back only then.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.jimargs import split_list, tcl_list, wrong_num_args
from ocdpy.commands.live import target_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_number,
)
from ocdpy.errors import OcdError
from ocdpy.tcl import TclError

CACHE_NAMES = ("arm v7m registers", "Cortex-M DWT registers")


def setup_session(session) -> None:
    from ocdpy.commands import target as target_cmds

    target_cmds.INSTANCE_HANDLERS.update({"get_reg": get_reg, "set_reg": set_reg})


def _bits(reg) -> int:
    return 32 if isinstance(reg, str) else reg.bits


def _name(reg) -> str:
    return reg if isinstance(reg, str) else reg.name


def hex_value(value: int, bits: int) -> str:
    """OpenOCD's buf_to_hex_str: two digits per byte, the top byte masked to `bits`."""
    value &= (1 << bits) - 1
    return f"{value:0{2 * ((bits + 7) // 8)}x}"


def _lookup(target, word: str):
    """A register by name (as OpenOCD's register_get_by_name), or None."""
    if word == "pmsk_bpri_fltmsk_ctrl":
        return word
    return target.core.find_register(word)


@command("reg", mode=CommandMode.EXEC, usage="[(register_number|register_name) [(value|'force')]]",
         help="Display the register table, or one register (re-read with force), or set one")
def reg(ctx: CommandContext, args: list[str]) -> None:
    target = target_of(ctx)
    if not args:
        _list(ctx, target)
        return
    if len(args) > 2:
        raise CommandSyntaxError()
    word = args[0]
    if word[:1].isdigit():
        num = parse_number(word, "num")
        count = target.register_count()
        if num >= count:
            ctx.print(f"{num} is out of bounds, the current target has only {count} registers "
                      f"(0 - {count - 1})")
            return
        found = target.register_by_number(num)
    else:
        found = _lookup(target, word)
    if found is None:
        ctx.print(f"register {word} not found in current target")
        return
    name, bits = _name(found), _bits(found)
    if len(args) == 1 or not args[1][:1].isdigit():
        value = target.cached_register(name) if not (len(args) == 2 and args[1] == "force") else None
        if value is None:
            try:
                value = target.read_register(name)
            except OcdError as e:
                raise CommandFailed(f"Could not read register '{name}': {_why(e)}") from None
        ctx.print(f"{name} (/{bits}): 0x{hex_value(value, bits)}")
        return
    value = _parse_value(args[1])
    try:
        target.write_register(name, value & ((1 << bits) - 1))
    except OcdError as e:
        raise CommandFailed(f"Could not write to register '{name}': {_why(e)}") from None
    ctx.print(f"{name} (/{bits}): 0x{hex_value(target.cached_register(name) or 0, bits)}")


def _why(e: OcdError) -> str:
    if "not halted" in e.message:
        return "the target is not halted; halt it first (`halt`)"
    return e.message


def _parse_value(text: str) -> int:
    """OpenOCD's str_to_buf: 0x hex, leading 0 octal, else decimal."""
    return parse_number(text, "value", 64)


def _list(ctx: CommandContext, target) -> None:
    halted = target.halted
    ctx.print(f"===== {CACHE_NAMES[0]}")
    core_dirty = set(target.core.dirty_registers())  # given back after flash routines, as OpenOCD
    for r in target.core.register_list():
        value = target.cached_register(r.name)
        if value is None and halted:
            try:
                value = target.read_register(r.name)  # OpenOCD has them all after a halt
            except OcdError as e:
                log.debug(f"reading {r.name} failed: {e}")
        if value is None:
            ctx.print(f"({r.number}) {r.name} (/{r.bits})")
        else:
            dirty = " (dirty)" if r.name in target.dirty or r.name in core_dirty else ""
            ctx.print(f"({r.number}) {r.name} (/{r.bits}): 0x{hex_value(value, r.bits)}{dirty}")
    if target.register_count() > 59:
        ctx.print(f"===== {CACHE_NAMES[1]}")


# -- get_reg / set_reg ------------------------------------------------------------------------


def _tcl_lookup(target, name: str):
    """register_get_by_name without the hidden search: exact OpenOCD names."""
    if name == "pmsk_bpri_fltmsk_ctrl":
        return None
    found = target.core.find_register(name)
    return found if found is not None and found.name == name else None


@command("get_reg", mode=CommandMode.EXEC, usage="list",
         help="Get register values from the target, as a dict name -> 0x value")
def get_reg(ctx: CommandContext, args: list[str]) -> str:
    force = False
    if len(args) == 2:
        if args[0] != "-force":
            raise TclError(f"invalid option '{args[0]}'")
        force = True
        args = args[1:]
    if len(args) != 1:
        raise wrong_num_args([ctx.name], "[-force] list")
    target = target_of(ctx)
    out: list[str] = []
    for name in split_list(args[0]):
        r = _tcl_lookup(target, name)
        if r is None:
            raise TclError(f"unknown register '{name}'")
        value = None if force else target.cached_register(name)
        if value is None:
            try:
                value = target.read_register(name)
            except OcdError:
                if force:
                    raise TclError(f"failed to read register '{name}'") from None
                value = target.last_values.get(name, 0)  # OpenOCD hands out the stale value
        out += [name, "0x" + hex_value(value, r.bits)]
    return tcl_list(out)


@command("set_reg", mode=CommandMode.EXEC, usage="dict",
         help="Set register values of the target from a dict name -> value")
def set_reg(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 1:
        raise wrong_num_args([ctx.name], "dict")
    items = split_list(args[0])
    if len(items) % 2:
        raise TclError("missing value to go with key")
    target = target_of(ctx)
    for name, text in zip(items[::2], items[1::2], strict=True):
        r = _tcl_lookup(target, name)
        if r is None:
            raise TclError(f"unknown register '{name}'")
        try:
            value = _parse_value(text)
            target.write_register(name, value & ((1 << r.bits) - 1))
        except OcdError:
            raise TclError(f"failed to set '{text}' to register '{name}'") from None
    return ""
