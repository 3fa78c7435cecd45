"""ARM debug ports: `dap create/names/init/info`, `swj_newdap`'s counterpart for DAPs,
and each DAP's own command (`NAME apsel`, `NAME apcsw`, quirks).

As in OpenOCD, an hla transport creates the DAP object without its instance commands,
and on SWD only one DAP without multidrop selectors may exist.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands import table
from ocdpy.commands.config_args import name_list, new_object_name
from ocdpy.commands.jimargs import GetOpt, jim_int
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSpec,
    CommandSyntaxError,
    JimError,
    command,
    parse_uint,
)
from ocdpy.target.dap import DapConfig
from ocdpy.tcl import TclError

DAP_OPTIONS = ("-chain-position", "-ignore-syspwrupack", "-dp-id", "-instance-id", "-adiv6",
               "-adiv5")
CSW_SIZE_MASK = 0x7
CSW_ADDRINC_MASK = 0x3 << 4
CSW_AHB_DEFAULT = (1 << 25) | (1 << 29) | (1 << 31)
DP_APSEL_MAX = 255


@command("dap create", usage="name '-chain-position' name", help="Declare an ARM debug access port on a TAP or SWD port")
def dap_create(ctx: CommandContext, args: list[str]) -> None:
    session = ctx.session
    name = new_object_name(session, args, "dap_options")
    opts = GetOpt(args[1:])
    tap = None
    dap_opts: dict[str, object] = {}
    while opts.argc:
        opt = opts.take_option(DAP_OPTIONS)
        if opt is None:
            raise opts.unknown_option(DAP_OPTIONS)
        if opt == "-chain-position":
            word = opts.take()
            if word is None:
                raise TclError("")
            from ocdpy.commands.jtag import find_tap

            tap = find_tap(session, word)
            if tap is None:
                raise TclError("-chain-position is invalid")
        elif opt == "-ignore-syspwrupack":
            dap_opts["ignore_syspwrupack"] = True
        elif opt in ("-dp-id", "-instance-id"):
            word = opts.take()
            try:
                value = jim_int(word) if word is not None else None
            except TclError:
                value = None
            if value is None:
                raise TclError(f"create {name}: bad parameter {opt}")
            limit = 0x0FFFFFFF if opt == "-dp-id" else 15
            if not 0 <= value <= limit:
                raise TclError(f"create {name}: {opt} out of range")
            dap_opts["dp_id" if opt == "-dp-id" else "instance_id"] = value
        else:
            dap_opts["adi_version"] = 6 if opt == "-adiv6" else 5
    if tap is None:
        raise TclError("-chain-position required when creating DAP")
    dap = DapConfig(name, tap, **dap_opts)  # type: ignore[arg-type]
    _check_swd_daps(session, dap)
    transport = session.config.transport
    session.registry.add(CommandSpec(name, None, CommandMode.ANY, help="Commands of this debug access port",
                                     owner=dap, data=dap))
    if not transport.is_hla:
        for spec in table.specs("dap_instance", name + " ", owner=dap, data=dap):
            sub = spec.name[len(name) + 1:]
            handler = DAP_HANDLERS.get(sub)
            if handler is not None:
                spec.handler = handler
            elif spec.handler is table.record_setting:
                spec.handler = _record_dap_setting
            session.registry.add(spec)
    session.config.daps.append(dap)


def _check_swd_daps(session, new: DapConfig) -> None:
    """OpenOCD's dap_check_config: one plain DAP per SWD bus, or all multidrop."""
    transport = session.config.transport
    if transport.selected in ("jtag", "dapdirect_jtag", "hla_swd", "hla_jtag"):
        return
    multidrop = new.is_multidrop
    had_multidrop = multidrop
    plain = 0 if multidrop else 1
    for dap in session.config.daps:
        if transport.is_swd:
            if dap.is_multidrop:
                had_multidrop = True
                if multidrop and (dap.dp_id, dap.instance_id) == (new.dp_id, new.instance_id):
                    raise JimError(
                        f"{dap.name} and {new.name} have the same multidrop selectors -dp-id "
                        f"0x{new.dp_id:08x} and -instance-id 0x{new.instance_id:x}")
            else:
                plain += 1
        elif transport.selected == "dapdirect_swd":
            plain += 1
    if plain > 1:
        raise JimError("Two or more SWD non multidrop DAPs are not supported")
    if had_multidrop and plain:
        raise JimError("Mixing of SWD multidrop DAPs and non multidrop DAPs is not supported")


@command("dap names", help="Names of the declared DAPs, as a list")
def dap_names(ctx: CommandContext, args: list[str]) -> str:
    return name_list(ctx, args, ctx.session.config.daps)


@command("dap init", help="Connect to every declared DAP (run by init)")
def dap_init(ctx: CommandContext, args: list[str]) -> None:
    # The DAPs come up with the adapter (a later layer adds an init step for it).
    return None


def _dap(ctx: CommandContext) -> DapConfig:
    return ctx.spec.data  # type: ignore[return-value]


def _apsel(ctx: CommandContext, args: list[str]) -> None:
    dap = _dap(ctx)
    if not args:
        ctx.print(f"0x{dap.apsel:x}")
        return
    if len(args) > 1:
        raise CommandSyntaxError()
    apsel = parse_uint(args[0], "apsel", 64)
    if dap.adi_version != 6 and apsel > DP_APSEL_MAX or dap.adi_version == 6 and apsel & 0xFFF:
        ctx.print("Invalid AP number")
        raise CommandFailed("", ctx.result_text())
    dap.apsel = apsel


def _apcsw(ctx: CommandContext, args: list[str]) -> None:
    dap = _dap(ctx)
    if not args:
        value = dap.apcsw[0] if dap.apcsw else 0
        ctx.print(f"AP#0x{dap.apsel:x} selected, csw 0x{value:08x}")
        return
    if len(args) > 2:
        raise CommandSyntaxError()
    if len(args) == 1:
        value = CSW_AHB_DEFAULT if args[0] == "default" else parse_uint(args[0], "csw_val")
        if value & (CSW_SIZE_MASK | CSW_ADDRINC_MASK):
            log.error("CSW value cannot include 'Size' and 'AddrInc' bit-fields")
            raise TclError("")
        dap.apcsw = (value, 0xFFFFFFFF)
        return
    value = parse_uint(args[0], "csw_val")
    mask = parse_uint(args[1], "csw_mask")
    if mask & (CSW_SIZE_MASK | CSW_ADDRINC_MASK):
        log.error("CSW mask cannot include 'Size' and 'AddrInc' bit-fields")
        raise TclError("")
    dap.apcsw = (value, mask)


def _quirks(ctx: CommandContext, args: list[str]) -> None:
    dap = _dap(ctx)
    attr = "ti_be_32_quirks" if ctx.name.endswith("ti_be_32_quirks") else "nu_npcx_quirks"
    label = "TI BE-32 quirks mode" if attr == "ti_be_32_quirks" else "Nuvoton NPCX quirks mode"
    from ocdpy.commands.registry import BOOL_WORDS

    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        value = BOOL_WORDS.get(args[0].lower())
        if value is None:
            raise CommandSyntaxError(f"{ctx.name.split(' ')[-1]}: argument '{args[0]}' is not valid")
        setattr(dap, attr, value)
    log.info(f"{label} is {'enabled' if getattr(dap, attr) else 'disabled'}")


def _record_dap_setting(ctx: CommandContext, args: list[str]) -> None:
    dap = _dap(ctx)
    dap.settings.append((ctx.name[len(dap.name) + 1:], list(args)))


DAP_HANDLERS = {
    "apsel": _apsel,
    "apcsw": _apcsw,
    "ti_be_32_quirks": _quirks,
    "nu_npcx_quirks": _quirks,
}
