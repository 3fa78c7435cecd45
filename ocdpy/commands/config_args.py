"""Argument handling the config-phase object commands share (targets, TAPs, DAPs,
TPIU/SWO units, CTIs, adapter settings), with OpenOCD's texts: an object named by
number, cget's "no parameters" rule, the `-dap` / `-ap-num` options of ADIv5 objects,
the checks on a new object's name, `... names` lists, and a setting that takes an
optional number and shows itself.
"""

from __future__ import annotations

from collections.abc import Callable

from ocdpy import log
from ocdpy.commands.jimargs import GetOpt, tcl_list, wrong_num_args
from ocdpy.commands.registry import ArgumentError, CommandContext, CommandSyntaxError, parse_uint
from ocdpy.tcl import TclError


def number_or_none(word: str, what: str) -> int | None:
    """`word` as a number (an object given by its position), else None after OpenOCD's
    log line for the failed number parse."""
    try:
        return parse_uint(word, what)
    except ArgumentError as e:
        if e.log_line:
            log.error(e.log_line)
        return None


def no_params(opts: GetOpt) -> None:
    """cget takes nothing after the option."""
    if opts.argc != 0:
        raise opts.wrong_num_args("NO PARAMS")


def cget_value(opts: GetOpt, value: str | None, missing: str) -> str:
    """A cget of an option that may not be set yet (`missing` is the error then)."""
    no_params(opts)
    if value is None:
        raise TclError(missing)
    return value


def take_named(opts: GetOpt, find: Callable[[str], object | None], invalid: str):
    """The object the next word names (`-dap NAME`, `-cti NAME`): (name, object)."""
    name = opts.take()
    if name is None:
        raise TclError("")
    found = find(name)
    if found is None:
        raise TclError(invalid)
    return name, found


def ap_num_option(opts: GetOpt, obj) -> str:
    """`-ap-num` of adiv5_jim_configure: set `obj.ap_num`, or show it (unset is < 0)."""
    if opts.isconfigure:
        ap_num = opts.take_int()
        if ap_num < 0 or (ap_num > 255 and ap_num & 0xFFF):
            raise TclError("Invalid AP number!")
        obj.ap_num = ap_num
        return ""
    return cget_value(opts, str(obj.ap_num) if obj.ap_num >= 0 else None, "AP number not configured")


def new_object_name(session, args: list[str], options: str) -> str:
    """NAME of `dap create` / `cti create NAME -option ...`: enough words, and no
    command of that name yet."""
    if len(args) < 2:
        raise wrong_num_args(args, f"<name> [<{options}> ...]")
    if len(args) < 3:
        raise wrong_num_args(args[:1], "?name? ..options...")
    name = args[0]
    if session.interp.has_command(name) or session.registry.has(name):
        raise TclError(f"Command: {name} Exists")
    return name


def name_list(ctx: CommandContext, args: list[str], objects) -> str:
    """`dap names`, `target names`, ...: the objects' names as a Tcl list."""
    if args:
        raise wrong_num_args([ctx.name], "Too many parameters")
    return tcl_list([o.name for o in objects])


def adapter_number(ctx: CommandContext, args: list[str], attr: str, what: str, label: str) -> None:
    """An adapter setting with an optional new value, shown as `label: value`."""
    adapter = ctx.session.config.adapter
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        setattr(adapter, attr, parse_uint(args[0], what))
    ctx.print(f"{label}: {getattr(adapter, attr)}")
