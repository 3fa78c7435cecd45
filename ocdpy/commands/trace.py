"""Trace objects: `tpiu create`, `swo create`, `tpiu names`, `swo names`, and their
`configure`/`cget`; `cti create` and `cti names`. Enabling trace needs a target and
comes with a later layer."""

from __future__ import annotations

from ocdpy.commands import table
from ocdpy.commands.config_args import (
    ap_num_option,
    cget_value,
    name_list,
    new_object_name,
    no_params,
    take_named,
)
from ocdpy.commands.jimargs import GetOpt, wrong_num_args
from ocdpy.commands.registry import CommandContext, CommandMode, CommandSpec, command
from ocdpy.target.trace import TPIU_EVENTS, CtiConfig, TpiuSwoConfig
from ocdpy.tcl import TclError

SPOT_OPTIONS = ("-dap", "-ap-num", "-baseaddr", "-ctibase")
TPIU_OPTIONS = ("-port-width", "-protocol", "-formatter", "-traceclk", "-pin-freq", "-output",
                "-event", "-dap", "-ap-num", "-baseaddr")
TPIU_BOOL = {"on": 1, "yes": 1, "1": 1, "true": 1, "off": 0, "no": 0, "0": 0, "false": 0}
TPIU_DEFAULT_BASE = 0xE0040000
TPIU_PROTOCOLS = ("sync", "uart", "manchester")
TPIU_WORDS = {"-protocol": TPIU_PROTOCOLS, "-formatter": TPIU_BOOL}  # options taking one of these


def _spot(session, opts: GetOpt, obj, word: str, with_base: bool) -> tuple[bool, str]:
    """adiv5_jim_spot_configure: -dap, -ap-num, -baseaddr for TPIU/SWO/CTI objects."""
    if word not in SPOT_OPTIONS or (not with_base and word in ("-baseaddr", "-ctibase")):
        return False, ""
    opts.take()
    if word == "-dap":
        if opts.isconfigure:
            name, _ = take_named(opts, session.config.dap, "DAP name invalid!")
            if obj.dap is not None and obj.dap != name:
                raise TclError("DAP assignment cannot be changed!")
            obj.dap = name
            return True, ""
        return True, cget_value(opts, obj.dap, "DAP not configured")
    if word == "-ap-num":
        return True, ap_num_option(opts, obj)
    if word == "-ctibase":
        from ocdpy import log

        log.warning("DEPRECATED! use '-baseaddr' not '-ctibase'")
    if opts.isconfigure:
        obj.baseaddr = opts.take_int() & 0xFFFFFFFF
        return True, ""
    no_params(opts)
    return True, str(obj.baseaddr)


def _configure_unit(session, unit: TpiuSwoConfig, opts: GetOpt) -> str:
    """arm_tpiu_swo_configure."""
    if opts.isconfigure and unit.enabled:
        raise TclError(f"Cannot configure TPIU/SWO; {unit.name} is enabled!")
    result = ""
    while opts.argc:
        handled, value = _spot(session, opts, unit, opts.peek() or "", True)
        if handled:
            result = value
            continue
        opt = opts.take_option(TPIU_OPTIONS)
        if opt is None:
            raise opts.unknown_option(TPIU_OPTIONS)
        if opt == "-event":
            if opts.isconfigure and opts.argc < 2:
                raise opts.wrong_num_args("-event ?event-name? ?EVENT-BODY?")
            if not opts.isconfigure and opts.argc != 1:
                raise opts.wrong_num_args("-event ?event-name?")
            event = opts.take_option(TPIU_EVENTS)
            if event is None:
                raise opts.unknown_option(TPIU_EVENTS, hadprefix=True)
            if opts.isconfigure:
                unit.events[event] = opts.take() or ""
                result = ""
            else:
                result = unit.events.get(event, "")
            continue
        if not opts.isconfigure:
            no_params(opts)
            result = unit.options.get(opt, "")
            continue
        if opt == "-port-width":
            width = opts.take_int()
            if not 1 <= width <= 32:
                raise TclError("Invalid port width!")
            unit.options[opt] = str(width)
        elif opt in TPIU_WORDS:
            word = opts.take()
            if word is None or word not in TPIU_WORDS[opt]:
                raise TclError("")
            unit.options[opt] = word
        elif opt == "-output":
            word = opts.take()
            if word is None:
                raise TclError("")
            if word.startswith(":"):
                from ocdpy.commands.registry import _strtol

                port = _strtol(word[1:])
                if port is None or not 0 < port <= 0xFFFF:
                    raise TclError(f"Invalid TCP port '{word[1:]}'")
            unit.options[opt] = word
        else:
            unit.options[opt] = str(opts.take_int())
        result = ""
    return result


def _create_unit(ctx: CommandContext, args: list[str], kind: str) -> None:
    session = ctx.session
    if len(args) < 1:
        raise wrong_num_args([ctx.name], "name ?option option ...?")
    name = args[0]
    unit = TpiuSwoConfig(name, kind, baseaddr=TPIU_DEFAULT_BASE)
    unit.options["-port-width"] = "1"
    _configure_unit(session, unit, GetOpt(args[1:], True))
    if unit.dap is None or unit.ap_num < 0:
        raise TclError("-dap and -ap-num required when creating TPIU")
    if session.interp.has_command(name) or session.registry.has(name):
        raise TclError(f"cannot create TPIU object because a command with name '{name}' "
                       "already exists")
    session.config.trace_units.append(unit)
    registry = session.registry
    registry.add(CommandSpec(name, None, CommandMode.ANY, help="Commands of this TPIU/SWO unit",
                             owner=unit, data=unit))
    for sub, handler, mode, usage, help_text in (
        ("configure", _unit_configure, CommandMode.ANY, "[attribute value ...]",
         "Set the unit's options (-protocol, -traceclk, -pin-freq, -output, -event, ...)"),
        ("cget", _unit_configure, CommandMode.ANY, "attribute", "Show one of the unit's options"),
        ("enable", table.not_implemented, CommandMode.EXEC, "", table.GENERIC_HELP[CommandMode.EXEC]),
        ("disable", table.not_implemented, CommandMode.EXEC, "", table.GENERIC_HELP[CommandMode.EXEC]),
    ):
        registry.add(CommandSpec(f"{name} {sub}", handler, mode, usage, help_text, owner=unit,
                                 data=unit))


def _unit_configure(ctx: CommandContext, args: list[str]) -> str:
    unit = ctx.spec.data
    isconfigure = ctx.name.endswith(" configure")
    if not args:
        raise wrong_num_args([], "missing: -option ...")
    return _configure_unit(ctx.session, unit, GetOpt(args, isconfigure))  # type: ignore[arg-type]


@command("tpiu create", usage="name [-dap dap] [-ap-num num] [-baseaddr baseaddr]",
         help="Declare a TPIU or SWO trace unit on a DAP access port")
def tpiu_create(ctx: CommandContext, args: list[str]) -> None:
    _create_unit(ctx, args, "tpiu")


@command("swo create", usage="name [-dap dap] [-ap-num num] [-baseaddr baseaddr]",
         help="Declare a TPIU or SWO trace unit on a DAP access port")
def swo_create(ctx: CommandContext, args: list[str]) -> None:
    _create_unit(ctx, args, "swo")


@command("tpiu names", help="Names of the declared TPIU and SWO units, as a list")
@command("swo names", help="Names of the declared TPIU and SWO units, as a list")
def tpiu_names(ctx: CommandContext, args: list[str]) -> str:
    return name_list(ctx, args, ctx.session.config.trace_units)


@command("cti create", usage="name '-chain-position' name [options ...]",
         help="Creates a new CTI object")
def cti_create(ctx: CommandContext, args: list[str]) -> None:
    session = ctx.session
    name = new_object_name(session, args, "cti_options")
    cti = CtiConfig(name)
    opts = GetOpt(args[1:], True)
    while opts.argc:
        handled, _ = _spot(session, opts, cti, opts.peek() or "", True)
        if not handled:
            raise TclError(f"unknown option '{opts.peek()}'")
    if cti.dap is None:
        raise TclError("-dap required when creating CTI")
    session.config.ctis.append(cti)
    session.registry.add(CommandSpec(name, None, CommandMode.ANY, help="cti instance command group",
                                     owner=cti, data=cti))
    for sub in ("dump", "enable", "testmode", "write", "read", "ack", "channel", "pulse"):
        session.registry.add(CommandSpec(f"{name} {sub}", table.not_implemented,
                                         CommandMode.EXEC, help=table.GENERIC_HELP[CommandMode.EXEC],
                                         owner=cti, data=cti))
    if not 0 <= cti.ap_num <= 255:
        raise TclError("Cannot get AP")


@command("cti names", help="Names of the declared cross-trigger interfaces, as a list")
def cti_names(ctx: CommandContext, args: list[str]) -> str:
    return name_list(ctx, args, ctx.session.config.ctis)
