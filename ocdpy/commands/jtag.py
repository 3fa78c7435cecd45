"""Scan-chain declarations: `jtag newtap`, `swd newdap`, `swim newtap` and the `jtag`
group (names, configure, cget, tapisenabled, ...), as each transport provides them.

On plain JTAG, `jtag newtap` parses every option (`-irlen` is required); on SWD and the
dapdirect transports the same command only records the name; the hla transports parse
the options but ignore their values. Without a JTAG transport, `jtag ...` is the
startup proc that says the config needs JTAG.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.config_args import adapter_number, number_or_none
from ocdpy.commands.jimargs import GetOpt, tcl_list, wrong_num_args
from ocdpy.commands.registry import (
    CommandContext,
    CommandMode,
    CommandSpec,
    CommandSyntaxError,
    parse_uint,
)
from ocdpy.target.tap import TAP_EVENTS, TapConfig
from ocdpy.tcl import TclError

NEWTAP_OPTIONS = ("-irlen", "-irmask", "-ircapture", "-enable", "-disable", "-expected-id",
                  "-ignore-version", "-ignore-bypass")
TAP_CONFIG_OPTIONS = ("-event", "-idcode")
# -irmask / -ircapture: (name in errors, the two low bits IEEE 1149.1 expects, name in
# the warning when they differ, TapConfig attribute)
_IR_VALUES = {"-irmask": ("IR mask", 3, "IR mask", "ir_capture_mask"),
              "-ircapture": ("IR capture", 1, "IR value", "ir_capture_value")}


def find_tap(session, name: str) -> TapConfig | None:
    """OpenOCD's jtag_tap_by_string: by dotted name, else by chain position (with a
    warning); a name that is not a number is logged as an invalid argument."""
    tap = session.config.tap(name)
    if tap is not None:
        return tap
    n = number_or_none(name, "tap")
    if n is None:
        return None
    taps = session.config.taps
    if n < len(taps):
        log.warning(f"Specify TAP '{taps[n].dotted_name}' by name, not number {n}")
        return taps[n]
    return None


def tap_by_word(session, name: str) -> TapConfig:
    tap = find_tap(session, name)
    if tap is None:
        raise TclError(f"Tap '{name}' could not be found")
    return tap


# -- creating TAPs ---------------------------------------------------------------------


def newtap(session, args: list[str], parse_options: bool) -> None:
    """jim_newtap_cmd: CHIP TAP [options]. On non-JTAG transports nothing but the
    names is looked at."""
    if len(args) < 3:
        raise TclError("Missing CHIP TAP OPTIONS ....")
    tap = TapConfig(args[0], args[1])
    if not parse_options:
        session.config.taps.append(tap)
        return
    opts = GetOpt(args[2:])
    while opts.argc:
        opt = opts.take_option(NEWTAP_OPTIONS)
        if opt is None:
            raise opts.unknown_option(NEWTAP_OPTIONS)
        if opt == "-enable":
            tap.disabled_after_reset = False
        elif opt == "-disable":
            tap.disabled_after_reset = True
        elif opt == "-ignore-version":
            tap.ignore_version = True
        elif opt == "-ignore-bypass":
            tap.ignore_bypass = True
        else:
            value = _option_value(opts, opt)
            if opt == "-expected-id":
                tap.expected_ids.append(value & 0xFFFFFFFF)
            elif opt == "-irlen":
                if value > 32:
                    log.warning(f"{tap.dotted_name}: huge IR length {value}")
                tap.ir_length = value
            else:
                what, low_bits, odd, attr = _IR_VALUES[opt]
                if _bad_irval(tap.ir_length, value):
                    log.error(f"{tap.dotted_name}: {what} {value & 0xFFFFFFFF:x} too big")
                    raise TclError("")
                if value & 3 != low_bits:
                    log.warning(f"{tap.dotted_name}: nonstandard {odd}")
                setattr(tap, attr, value)
    tap.enabled = not tap.disabled_after_reset
    if tap.ir_length == 0:
        raise TclError(f"newtap: {tap.dotted_name} missing IR length")
    session.config.taps.append(tap)


def _option_value(opts: GetOpt, opt: str) -> int:
    word = opts.take()
    if word is None:
        raise TclError(f"option: {opt} bad parameter")
    try:
        from ocdpy.commands.jimargs import jim_int

        return jim_int(word)
    except TclError:
        raise TclError(f"option: {opt} bad parameter") from None


def _bad_irval(ir_length: int, value: int) -> bool:
    return (value & ~((1 << ir_length) - 1)) != 0


def hla_newtap(session, args: list[str]) -> None:
    """jim_hl_newtap: like newtap, but option values are read and dropped."""
    if len(args) < 3:
        raise TclError("Missing CHIP TAP OPTIONS ....")
    tap = TapConfig(args[0], args[1])
    opts = GetOpt(args[2:])
    while opts.argc:
        opt = opts.take_option(NEWTAP_OPTIONS)
        if opt is None:
            raise opts.unknown_option(NEWTAP_OPTIONS)
        if opt == "-expected-id":
            tap.expected_ids.append(_option_value(opts, opt) & 0xFFFFFFFF)
        elif opt in ("-irlen", "-irmask", "-ircapture"):
            opts.take()
    tap.enabled = True
    session.config.taps.append(tap)


def _cmd_newtap(ctx: CommandContext, args: list[str]) -> None:
    newtap(ctx.session, args, ctx.session.config.transport.is_jtag)


def _cmd_hla_newtap(ctx: CommandContext, args: list[str]) -> None:
    hla_newtap(ctx.session, args)


def _cmd_swim_newtap(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandSyntaxError()
    ctx.session.config.taps.append(TapConfig(args[0], args[1]))


# -- the jtag group ----------------------------------------------------------------------


def _cmd_names(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise wrong_num_args(["jtag names"] + args, "Too many parameters")
    return tcl_list([t.dotted_name for t in ctx.session.config.taps])


def _cmd_configure(ctx: CommandContext, args: list[str]) -> str:
    isconfigure = ctx.name.endswith("configure")
    if len(args) < 2 + isconfigure:
        raise wrong_num_args([], "<tap_name> <attribute> ...")
    opts = GetOpt(args, isconfigure)
    tap = tap_by_word(ctx.session, opts.take() or "")
    result = ""
    while opts.argc:
        opt = opts.take_option(TAP_CONFIG_OPTIONS)
        if opt is None:
            raise opts.unknown_option(TAP_CONFIG_OPTIONS)
        if opt == "-event":
            result = _tap_event(opts, tap)
        else:
            if isconfigure:
                raise TclError("not settable: -idcode")
            if opts.argc:
                raise opts.wrong_num_args("NO PARAMS")
            result = str(tap.idcode)
    return result


def _tap_event(opts: GetOpt, tap: TapConfig) -> str:
    if opts.argc == 0:
        raise opts.wrong_num_args("-event <event-name> ...")
    event = opts.take_option(TAP_EVENTS)
    if event is None:
        raise opts.unknown_option(TAP_EVENTS, hadprefix=True)
    if opts.isconfigure:
        if opts.argc != 1:
            raise opts.wrong_num_args("-event <event-name> <event-body>")
        body = opts.take() or ""
        if event in tap.events:
            tap.events[event] = body
        else:
            tap.events = {event: body, **tap.events}
        return ""
    if opts.argc != 0:
        raise opts.wrong_num_args("-event <event-name>")
    return tap.events.get(event, "")


def _cmd_tap_enabler(ctx: CommandContext, args: list[str]) -> str:
    sub = ctx.name.rsplit(" ", 1)[-1]
    if len(args) != 1:
        raise TclError(f"usage: {sub} <name>")
    tap = tap_by_word(ctx.session, args[0])
    if sub == "tapenable" and not tap.enabled:
        _tap_event_run(ctx.session, tap, "tap-enable")
    elif sub == "tapdisable" and tap.enabled:
        _tap_event_run(ctx.session, tap, "tap-disable")
    return "1" if tap.enabled else "0"


def _tap_event_run(session, tap: TapConfig, event: str) -> None:
    body = tap.events.get(event)
    if body is None:
        log.warning(f"failed to {'enable' if event == 'tap-enable' else 'disable'} tap {tap.dotted_name}")
        raise TclError("")
    from ocdpy.session import report_tcl_error

    try:
        session.interp.eval(body)
    except TclError as e:
        report_tcl_error(e)
        return
    tap.enabled = event == "tap-enable"
    log.info(f"JTAG tap: {tap.dotted_name} {'enabled' if tap.enabled else 'disabled'}")


def _cmd_nothing(ctx: CommandContext, args: list[str]) -> None:
    return None


def _cmd_arp(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise wrong_num_args([ctx.name], "(no params)")
    return None


def _cmd_ntrst_delay(ctx: CommandContext, args: list[str]) -> None:
    adapter_number(ctx, args, "trst_delay_ms", "delay", "jtag_ntrst_delay")


def _cmd_ntrst_assert_width(ctx: CommandContext, args: list[str]) -> None:
    adapter_number(ctx, args, "trst_pulse_width_ms", "delay", "jtag_ntrst_assert_width")


def _cmd_rclk(ctx: CommandContext, args: list[str]) -> None:
    adapter = ctx.session.config.adapter
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        adapter.clock_mode = "rclk"
        adapter.rclk_fallback_khz = parse_uint(args[0], "khz")
    if adapter.clock_mode == "rclk" or adapter.speed_khz == 0:
        ctx.print(f"RCLK not supported - fallback to {adapter.rclk_fallback_khz} kHz")
    else:
        ctx.print(f"{adapter.speed_khz} kHz")


def _cmd_scan_chain(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    ctx.print("   TapName             Enabled  IdCode     Expected   IrLen IrCap IrMask")
    ctx.print("-- ------------------- -------- ---------- ---------- ----- ----- ------")
    for i, tap in enumerate(ctx.session.config.taps):
        expected = f"0x{tap.expected_ids[0] if tap.expected_ids else 0:08x}"
        if tap.ignore_version:
            expected = expected[:2] + "*" + expected[3:]
        mask = (1 << min(tap.ir_length or 32, 32)) - 1
        ctx.print(f"{i:2d} {tap.dotted_name:<18}     {'Y' if tap.enabled else 'n'}     "
                  f"0x{tap.idcode:08x} {expected} {tap.ir_length:5d} "
                  f"0x{tap.ir_capture_value & mask:02x}  0x{tap.ir_capture_mask & mask:02x}")
        for extra in tap.expected_ids[1:]:
            text = f"0x{extra:08x}"
            if tap.ignore_version:
                text = text[:2] + "*" + text[3:]
            ctx.print(" " * 43 + text)


JTAG_COMMANDS = {
    "jtag newtap": (_cmd_newtap, CommandMode.CONFIG),
    "jtag names": (_cmd_names, CommandMode.ANY),
    "jtag configure": (_cmd_configure, CommandMode.ANY),
    "jtag cget": (_cmd_configure, CommandMode.EXEC),
    "jtag tapisenabled": (_cmd_tap_enabler, CommandMode.EXEC),
    "jtag tapenable": (_cmd_tap_enabler, CommandMode.EXEC),
    "jtag tapdisable": (_cmd_tap_enabler, CommandMode.EXEC),
    "jtag arp_init": (_cmd_arp, CommandMode.ANY),
    "jtag arp_init-reset": (_cmd_arp, CommandMode.ANY),
    "jtag_ntrst_delay": (_cmd_ntrst_delay, CommandMode.ANY),
    "jtag_ntrst_assert_width": (_cmd_ntrst_assert_width, CommandMode.ANY),
    "jtag_rclk": (_cmd_rclk, CommandMode.ANY),
    "scan_chain": (_cmd_scan_chain, CommandMode.ANY),
}

# hla and dapdirect JTAG: the chain is the adapter's business; most commands do nothing.
STANDIN_JTAG_COMMANDS = {
    "jtag names": (_cmd_nothing, CommandMode.ANY),
    "jtag init": (_cmd_nothing, CommandMode.ANY),
    "jtag arp_init": (_cmd_nothing, CommandMode.ANY),
    "jtag arp_init-reset": (_cmd_nothing, CommandMode.ANY),
    "jtag tapdisable": (_cmd_nothing, CommandMode.EXEC),
    "jtag cget": (_cmd_configure, CommandMode.EXEC),
    "jtag tapisenabled": (_cmd_tap_enabler, CommandMode.EXEC),
    "jtag tapenable": (_cmd_tap_enabler, CommandMode.EXEC),
    "jtag_ntrst_delay": (_cmd_nothing, CommandMode.ANY),
}


def add_transport_commands(session, transport: str) -> None:
    """Attach ocdpy's handlers to the commands a transport brings (see transport.py)."""
    table: dict = {}
    if transport == "jtag":
        table = JTAG_COMMANDS
    elif transport == "swd" or transport == "dapdirect_swd":
        table = {"swd newdap": (_cmd_newtap, CommandMode.CONFIG)}
    elif transport == "hla_swd":
        table = {"swd newdap": (_cmd_hla_newtap, CommandMode.CONFIG)}
    elif transport == "hla_jtag":
        table = dict(STANDIN_JTAG_COMMANDS)
        table["jtag newtap"] = (_cmd_hla_newtap, CommandMode.CONFIG)
        table["jtag configure"] = (_cmd_nothing, CommandMode.EXEC)
    elif transport == "dapdirect_jtag":
        table = dict(STANDIN_JTAG_COMMANDS)
        table["jtag newtap"] = (_cmd_newtap, CommandMode.CONFIG)
        table["jtag configure"] = (_cmd_nothing, CommandMode.ANY)
    elif transport == "swim":
        table = {"swim newtap": (_cmd_swim_newtap, CommandMode.CONFIG)}
    registry = session.registry
    for name, (fn, mode) in table.items():
        old = registry.get(name)
        registry.add(CommandSpec(name, fn, mode, old.usage if old else "",
                                 old.help if old else ""))
