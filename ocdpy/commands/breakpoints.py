"""Breakpoints and watchpoints as OpenOCD 0.12 takes them: `bp` (list, or set:
`bp ADDR LEN` software, `bp ADDR LEN hw` through the FPB), `rbp ADDR|all`, `wp` (list,
or set with r/w/a), `rwp ADDR`, with OpenOCD's listing format and messages
("breakpoint set at ...", "Duplicate Breakpoint address: ... (BP n)", "can't add
breakpoint: resource not available", ...). Ids come from one counter shared by
breakpoints and watchpoints, as in OpenOCD.

Where OpenOCD would write a software breakpoint into flash (which cannot work), ocdpy
refuses and names the `bp ... hw` to use instead.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.live import addr_fmt, parse_address, parse_u32, target_of
from ocdpy.commands.registers import hex_value
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
)
from ocdpy.errors import OcdError
from ocdpy.target.live import next_bpwp_id

RW_NUMBER = {"r": 0, "w": 1, "a": 2}  # OpenOCD's enum watchpoint_rw, as `wp` lists it
RW_NAME = {"r": "read", "w": "write", "a": "access"}
IGNORE_MASK = 0xFFFFFFFF


def _orig_text(orig: bytes, length: int) -> str:
    """What OpenOCD shows for a software breakpoint's saved instruction: its helper
    takes the length in bits, so only the low `length` bits of the first byte show."""
    nbytes = (length + 7) // 8
    return hex_value(int.from_bytes(orig[:nbytes].ljust(nbytes, b"\0"), "little"), length)


@command("bp", mode=CommandMode.EXEC, usage="[<address> [<asid>] <length> ['hw'|'hw_ctx']]",
         help="List breakpoints, or set one (software, or hw through the FPB)")
def bp(ctx: CommandContext, args: list[str]) -> None:
    n = len(args)
    if n == 0:
        _list_breakpoints(ctx)
        return
    if n == 2:
        _set(ctx, parse_address(args[0]), 0, parse_u32(args[1], "length"), hw=False)
        return
    if n == 3 and args[2] == "hw":
        _set(ctx, parse_address(args[0]), 0, parse_u32(args[1], "length"), hw=True)
        return
    if n == 3 and args[2] == "hw_ctx":
        asid = parse_u32(args[0], "asid")
        parse_u32(args[1], "length")
        _set(ctx, 0, asid, 2, hw=True)
        return
    if n in (3, 4):
        addr = parse_address(args[0])
        asid = parse_u32(args[1], "asid")
        length = parse_u32(args[2], "length")
        _set(ctx, addr, asid, length, hw=True)
        return
    raise CommandSyntaxError()


def _list_breakpoints(ctx: CommandContext) -> None:
    target = target_of(ctx)
    for b in target.core.breakpoints:
        if b.hw:
            ctx.print(f"Breakpoint(IVA): {addr_fmt(b.address)}, 0x{b.length:x}, {b.comparator or 0}")
        else:
            ctx.print(f"IVA breakpoint: {addr_fmt(b.address)}, 0x{b.length:x}, "
                      f"0x{_orig_text(b.orig_instr, b.length)}")


def _set(ctx: CommandContext, addr: int, asid: int, length: int, hw: bool) -> None:
    if asid:
        raise CommandFailed("Context breakpoint not available" if addr == 0 else
                            "Hybrid breakpoint not available")
    target = target_of(ctx)
    core = target.core
    existing = core.find_breakpoint(addr)
    if existing is not None:
        raise CommandFailed(f"Duplicate Breakpoint address: {addr_fmt(addr)} (BP {target.bp_ids.get(addr, 0)})")
    uid = next_bpwp_id(ctx.session)
    if not hw and not target.halted:
        log.warning(f"target {target.name} is not halted (add breakpoint)")
        raise CommandFailed("can't add breakpoint: target running")
    if length not in (2, 3):
        log.info(f"[{target.name}] only breakpoints of two bytes length supported")
        raise CommandFailed("can't add breakpoint: resource not available")
    try:
        core.add_breakpoint(addr, length, hw=hw)
    except OcdError as e:
        if "Comparator" not in e.message:
            raise CommandFailed(e.message) from None  # ocdpy's own refusal says what to do
        log.error(e.message)
        raise CommandFailed("can't add breakpoint: resource not available") from None
    target.bp_ids[addr] = uid
    ctx.print(f"breakpoint set at {addr_fmt(addr)}")


@command("rbp", mode=CommandMode.EXEC, usage="'all' | address", help="Remove a breakpoint, or all of them")
def rbp(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    target = target_of(ctx)
    if args[0] == "all":
        target.core.remove_all_breakpoints()
        target.bp_ids.clear()
        return
    addr = parse_address(args[0])
    if target.core.find_breakpoint(addr) is None:
        log.error(f"no breakpoint at address {addr_fmt(addr)} found")
        return
    target.core.remove_breakpoint(addr)
    target.bp_ids.pop(addr, None)


@command("wp", mode=CommandMode.EXEC, usage="[address length [('r'|'w'|'a') value [mask]]]",
         help="List watchpoints, or set one on a data address (DWT)")
def wp(ctx: CommandContext, args: list[str]) -> None:
    n = len(args)
    if n == 0:
        target = target_of(ctx)
        for w in target.core.watchpoints:
            ctx.print(f"address: {addr_fmt(w.address)}, len: 0x{w.length:08x}, r/w/a: {RW_NUMBER[w.rw]}, "
                      f"value: 0x{w.value or 0:08x}, mask: 0x{IGNORE_MASK if w.mask is None else w.mask:08x}")
        return
    if not 2 <= n <= 5:
        raise CommandSyntaxError()
    mask, value, rw = IGNORE_MASK, 0, "a"
    if n == 5:
        mask = parse_u32(args[4], "data_mask")
    if n >= 4:
        value = parse_u32(args[3], "data_value")
    if n >= 3:
        rw = args[2][:1]
        if rw not in RW_NAME:
            raise CommandSyntaxError(f"invalid watchpoint mode ('{rw}')")
    length = parse_u32(args[1], "length")
    addr = parse_address(args[0])
    target = target_of(ctx)
    core = target.core
    for w in core.watchpoints:
        if w.address == addr:
            same = (w.length == length and (w.value or 0) == value and w.rw == rw
                    and (IGNORE_MASK if w.mask is None else w.mask) == mask)
            if same:
                return
            log.error(f"address {addr_fmt(addr)} already has watchpoint {target.wp_ids.get(addr, 0)}")
            raise CommandFailed("Failure setting watchpoints")
    uid = next_bpwp_id(ctx.session)
    if not target.halted:
        log.warning(f"target {target.name} is not halted (add watchpoint)")
        log.error(f"can't add {RW_NAME[rw]} watchpoint at {addr_fmt(addr)}, target running")
        raise CommandFailed("Failure setting watchpoints")
    try:
        core.add_watchpoint(addr, length, rw, value or None, None if mask == IGNORE_MASK else mask)
    except OcdError as e:
        log.info(e.message)
        log.error(f"can't add {RW_NAME[rw]} watchpoint at {addr_fmt(addr)}, resource not available")
        raise CommandFailed("Failure setting watchpoints") from None
    target.wp_ids[addr] = uid


@command("rwp", mode=CommandMode.EXEC, usage="address", help="Remove a watchpoint")
def rwp(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    addr = parse_address(args[0])
    target = target_of(ctx)
    if not any(w.address == addr for w in target.core.watchpoints):
        log.error(f"no watchpoint at address {addr_fmt(addr)} found")
        return
    target.core.remove_watchpoint(addr)
    target.wp_ids.pop(addr, None)
