"""Targets in the config phase: `target create/names/current/types/smp/init`, `targets`,
and each target's own command (`NAME configure/cget/eventlist/invoke-event ...`).

`target create` follows OpenOCD's order of checks: name free, transport override (an
hla transport turns `cortex_m` into `hla_target` and refuses other types), known type,
then the options as `configure` parses them (the DAP-based types read `-dap`/`-ap-num`
first), then the type's own checks. A created target brings its type's commands
(`cortex_m reset_config`, `arm semihosting`, ...) from the command table.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands import table
from ocdpy.commands.config_args import (
    ap_num_option,
    cget_value,
    name_list,
    no_params,
    number_or_none,
    take_named,
)
from ocdpy.commands.jimargs import GetOpt, tcl_list, wrong_num_args
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSpec,
    CommandSyntaxError,
    JimError,
    command,
)
from ocdpy.target.target_config import (
    AP_NUM_INVALID,
    CONFIG_OPTIONS,
    DAP_TYPES,
    ENDIAN_NAMES,
    RTOS_TYPES,
    STM8_OPTIONS,
    TARGET_EVENTS,
    TARGET_TYPES,
    XTENSA_TYPES,
    TargetConfig,
)
from ocdpy.tcl import TclError

ADIV5_OPTIONS = ("-dap", "-ap-num", "-baseaddr", "-ctibase")
# hla layouts whose adapters take over a cortex_m target (all of OpenOCD's do).
HLA_TARGET_TYPES = ("cortex_m",)


def find_target(session, name: str) -> TargetConfig | None:
    """OpenOCD's get_target: by name, else by number (warning); a name that is not a
    number is logged as an invalid argument, as OpenOCD's number parse does."""
    target = session.config.target(name)
    if target is not None:
        return target
    n = number_or_none(name, "target")
    if n is None:
        return None
    for t in session.config.targets:
        if t.number == n:
            log.warning(f"use '{t.name}' as target identifier, not '{n}'")
            return t
    return None


def current_target(ctx: CommandContext) -> TargetConfig | None:
    """The target a command acts on: the one named in front of it, else the current one."""
    data = ctx.spec.data
    if isinstance(data, TargetConfig):
        return data
    return ctx.session.config.current_target


# -- target create -----------------------------------------------------------------------


@command("target create", mode=CommandMode.CONFIG,
         usage="name type '-chain-position' name [options ...]",
         help="Declare a target (a core or memory port) and make it the current one")
def target_create(ctx: CommandContext, args: list[str]) -> str:
    session = ctx.session
    if len(args) < 3:
        raise wrong_num_args(args, "<name> <target_type> [<target_options> ...]")
    name, type_name = args[0], args[1]
    if session.interp.has_command(name) or session.registry.has(name):
        raise TclError(f"Command/target: {name} Exists")
    requested = type_name
    transport = session.config.transport
    if transport.selected is None:
        # OpenOCD crashes here; say what is missing instead.
        raise JimError(
            f"target create {name}: no transport selected yet; select one (transport select "
            "..., or source target/swj-dp.tcl) before creating targets")
    if transport.is_hla:
        if type_name not in HLA_TARGET_TYPES:
            raise JimError("The selected transport doesn't support this target")
        type_name = "hla_target"
        log.info("The selected transport took over low-level target control. "
                 "The results might differ compared to plain JTAG/SWD")
    if type_name not in TARGET_TYPES:
        listing = "".join(f"{t}, " for t in TARGET_TYPES[:-1]) + f" or {TARGET_TYPES[-1]}"
        raise TclError(f"Unknown target type {type_name}, try one of {listing}")
    target = TargetConfig(name, type_name, session.config.next_target_number,
                          requested_type=requested)
    result = configure(session, target, GetOpt(args[2:], isconfigure=True))
    if target.has_dap:
        if not target.dap_configured:
            raise TclError("-dap ?name? required when creating target")
    elif not target.tap_configured:
        raise TclError("-chain-position ?name? required when creating target")
    # A failure from here on leaves the last option's value as the result (OpenOCD).
    if target.tap is None:
        raise TclError(result)
    if target.endian is None:
        target.endian = "little"
    try:
        _type_checks(target)
    except JimError as e:
        e.result = result
        raise
    except TclError:
        raise TclError(result) from None
    session.config.next_target_number += 1
    session.registry.add_all(table.specs(f"target {type_name}", owner=None))
    add_type_commands(session, type_name)
    add_instance_commands(session, target)
    session.config.targets.append(target)
    session.config.current_target = target
    # OpenOCD leaves the last option's value as the result.
    return result


def _type_checks(target: TargetConfig) -> None:
    """What each type's target_create refuses."""
    t = target.type_name
    if t == "hla_target" and target.ap_num not in (AP_NUM_INVALID, 0):
        raise JimError("hla_target: invalid parameter -ap-num (> 0)")
    if t in ("cortex_m", "cortex_r4", "aarch64") and target.dap is None:
        raise TclError("")
    if t == "mem_ap" and target.ap_num == AP_NUM_INVALID:
        raise JimError("AP number not specified")
    if t == "arm11" and target.tap is not None and target.tap.ir_length != 5:
        raise JimError("'target arm11' expects IR LENGTH = 5")
    if t == "esirisc" and target.tap is not None and target.tap.ir_length != 4:
        raise JimError(f"{target.name}: invalid IR length; expected 4")
    if t == "mem_ap" and target.gdb_port is None:
        target.gdb_port = "disabled"


# -- configure / cget ----------------------------------------------------------------


def configure(session, target: TargetConfig, opts: GetOpt) -> str:
    """OpenOCD's target_configure: options in order; returns the last value (cget)."""
    result = ""
    while opts.argc > 0:
        handled, value = _type_option(session, target, opts)
        if handled:
            result = value
            continue
        opt = opts.take_option(CONFIG_OPTIONS)
        if opt is None:
            raise opts.unknown_option(CONFIG_OPTIONS)
        result = _generic_option(session, target, opt, opts)
    return result


def _type_option(session, target: TargetConfig, opts: GetOpt) -> tuple[bool, str]:
    """The options a target type parses before the common ones."""
    t = target.type_name
    word = opts.peek() or ""
    if t in DAP_TYPES or t in XTENSA_TYPES:
        if t in DAP_TYPES:
            target.has_dap = True
        handled, value = _adiv5_option(session, target, opts, word)
        if t in XTENSA_TYPES:
            if handled:
                session.xtensa_dap_configured = True
            target.has_dap = session.xtensa_dap_configured
        if handled:
            return True, value
        if t == "aarch64" and word == "-cti":
            opts.take()
            if opts.isconfigure:
                target.cti, _ = take_named(opts, session.config.cti, "CTI name invalid!")
                return True, ""
            return True, cget_value(opts, target.cti, "CTI not configured")
    if t == "stm8" and word in STM8_OPTIONS:
        opts.take()
        if word in ("-enable_step_irq", "-enable_stm8l"):
            target.type_options[word] = "1"
            return True, ""
        if opts.argc == 0:
            what = "bytes" if word == "-blocksize" else "address"
            raise opts.wrong_num_args(f"{word} ?{what}? ...")
        target.type_options[word] = str(opts.take_int())
        return True, ""
    return False, ""


def _adiv5_option(session, target: TargetConfig, opts: GetOpt, word: str) -> tuple[bool, str]:
    """adiv5_jim_configure: -dap and -ap-num (no -baseaddr for targets)."""
    if word not in ("-dap", "-ap-num"):
        return False, ""
    opts.take()
    if word == "-dap":
        if opts.isconfigure:
            _, dap = take_named(opts, session.config.dap, "DAP name invalid!")
            if target.dap is not None and target.dap is not dap:
                raise TclError("DAP assignment cannot be changed!")
            target.dap = dap
            if not target.dap_configured:
                if target.tap_configured:
                    target.dap = None
                    raise TclError("-chain-position and -dap configparams are mutually exclusive!")
                target.tap = dap.tap
                target.dap_configured = True
            return True, ""
        return True, cget_value(opts, target.dap.name if target.dap else None, "DAP not configured")
    return True, ap_num_option(opts, target)


def _generic_option(session, target: TargetConfig, opt: str, opts: GetOpt) -> str:
    isconfigure = opts.isconfigure
    if opt == "-type":
        if isconfigure:
            raise TclError("not settable: -type")
        no_params(opts)
        return target.type_name
    if opt == "-event":
        return _event_option(target, opts)
    if opt in ("-work-area-virt", "-work-area-phys", "-work-area-size", "-work-area-backup",
               "-coreid", "-dbgbase"):
        attr = opt[1:].replace("-", "_")
        if isconfigure:
            value = opts.take_int()
            if opt == "-work-area-backup":
                target.work_area_backup = value != 0
            elif opt == "-coreid":
                target.coreid = _int32(value)
            else:
                setattr(target, attr, value)
                if opt in ("-work-area-virt", "-work-area-phys", "-dbgbase"):
                    setattr(target, attr + "_set", True)
        else:
            no_params(opts)
        value = getattr(target, attr)
        return str(int(value))
    if opt == "-endian":
        if isconfigure:
            word = opts.take()
            if word is None or word not in ENDIAN_NAMES:
                raise opts.unknown_option(tuple(ENDIAN_NAMES), hadprefix=True)
            target.endian = ENDIAN_NAMES[word]
        else:
            no_params(opts)
        if target.endian is None:
            target.endian = "little"
        return target.endian
    if opt == "-chain-position":
        if isconfigure:
            if target.has_dap:
                raise TclError("target requires -dap parameter instead of -chain-position!")
            word = opts.take()
            if word is None:
                raise TclError("")
            from ocdpy.commands.jtag import tap_by_word

            target.tap = tap_by_word(session, word)
            target.tap_configured = True
        else:
            no_params(opts)
        return target.tap.dotted_name if target.tap else ""
    if opt == "-rtos":
        if not isconfigure:
            no_params(opts)
        target.rtos = None
        word = opts.take()
        if word is None:
            raise TclError("")
        if word == "none":
            return ""
        if word != "auto" and word not in RTOS_TYPES:
            listing = "".join(f"{r}, " for r in RTOS_TYPES)
            raise TclError(f"Unknown RTOS type {word}, try one of: {listing}, auto or none")
        target.rtos = word
        if word == "hwthread":
            log.info("Hardware thread awareness created")
        return ""
    if opt == "-defer-examine":
        target.defer_examine = True
        return ""
    if opt == "-gdb-port":
        if isconfigure:
            if session.command_mode is not CommandMode.CONFIG:
                raise TclError("-gdb-port must be configured before 'init'")
            word = opts.take()
            if word is None:
                raise TclError("")
            target.gdb_port = word
        else:
            no_params(opts)
        return target.gdb_port or "undefined"
    if opt == "-gdb-max-connections":
        if isconfigure:
            if session.command_mode is not CommandMode.CONFIG:
                raise TclError("-gdb-max-connections must be configured before 'init'")
            value = opts.take_int()
            target.gdb_max_connections = -1 if value < 0 else _int32(value)
        else:
            no_params(opts)
        return str(target.gdb_max_connections)
    raise opts.unknown_option(CONFIG_OPTIONS)


def _event_option(target: TargetConfig, opts: GetOpt) -> str:
    if opts.argc == 0:
        raise opts.wrong_num_args("-event ?event-name? ...")
    event = opts.take_option(TARGET_EVENTS)
    if event is None:
        raise opts.unknown_option(TARGET_EVENTS, hadprefix=True)
    if opts.isconfigure:
        if opts.argc != 1:
            raise opts.wrong_num_args("-event ?event-name? ?EVENT-BODY?")
        if event == "trace-config":
            log.info(f"DEPRECATED target event {event}; use TPIU events "
                     "{pre,post}-{enable,disable}")
        target.set_event(event, opts.take() or "")
        return ""
    if opts.argc != 0:
        raise opts.wrong_num_args("-event ?event-name?")
    return target.event_body(event) or ""


def _int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


def _cmd_configure(ctx: CommandContext, args: list[str]) -> str:
    target = current_target(ctx)
    isconfigure = ctx.name.endswith(" configure")
    if not args:
        raise wrong_num_args([], "missing: -option ...")
    return configure(ctx.session, target, GetOpt(args, isconfigure))


# -- events ----------------------------------------------------------------------------


def fire_event(session, target: TargetConfig, event: str) -> None:
    """Run a target's handler for `event`, as OpenOCD's target_handle_event: with that
    target current; an error is reported and does not stop the caller. The session's
    event listeners hear of it too (ocdpy.target.events)."""
    from ocdpy.target import events

    events.fire(session, target, event)


def _cmd_invoke_event(ctx: CommandContext, args: list[str]) -> str:
    target = current_target(ctx)
    if len(args) != 1:
        raise TclError(f"{ctx.name} <eventname>")
    opts = GetOpt(args)
    event = opts.take_option(TARGET_EVENTS)
    if event is None:
        raise opts.unknown_option(TARGET_EVENTS, hadprefix=False)
    fire_event(ctx.session, target, event)
    return ""


def _cmd_eventlist(ctx: CommandContext, args: list[str]) -> None:
    target = current_target(ctx)
    ctx.print(f"Event actions for target ({target.number}) {target.name}\n")
    ctx.print(f"{'Event':<25} | Body")
    ctx.print("------------------------- | ----------------------------------------")
    for event, body in target.events.items():
        ctx.print(f"{event:<25} | {body}")
    ctx.print("***END***")


def _cmd_examine_deferred(ctx: CommandContext, args: list[str]) -> str:
    return "1" if current_target(ctx).defer_examine else "0"


INSTANCE_HANDLERS = {
    "configure": _cmd_configure,
    "cget": _cmd_configure,
    "invoke-event": _cmd_invoke_event,
    "eventlist": _cmd_eventlist,
    "examine_deferred": _cmd_examine_deferred,
}


def add_instance_commands(session, target: TargetConfig) -> None:
    """`NAME configure`, `NAME cget`, ... and the type's per-target commands."""
    prefix = target.name + " "
    registry = session.registry
    registry.add(CommandSpec(target.name, None, CommandMode.ANY, help="target command group",
                             owner=target, data=target))
    specs = table.specs("instance", prefix, owner=target, data=target)
    specs += table.specs(f"instance {target.type_name}", prefix, owner=target, data=target)
    for spec in specs:
        sub = spec.name[len(prefix):]
        if sub in INSTANCE_HANDLERS:
            spec.handler = INSTANCE_HANDLERS[sub]
        elif sub in TYPE_HANDLERS:
            spec.handler = TYPE_HANDLERS[sub]
        elif spec.handler is table.record_setting:
            spec.handler = record_target_setting
        registry.add(spec)


def add_type_commands(session, type_name: str) -> None:
    """Give the type's global commands (`cortex_m reset_config`, ...) their handlers."""
    registry = session.registry
    for name, _mode, _usage in table.entries(f"target {type_name}"):
        spec = registry.get(name)
        if spec is None or spec.handler is None:
            continue
        if name in TYPE_HANDLERS:
            spec.handler = TYPE_HANDLERS[name]
        elif spec.handler is table.record_setting:
            spec.handler = record_target_setting


def record_target_setting(ctx: CommandContext, args: list[str]) -> None:
    """A type's config command ocdpy does not act on yet: kept on the target."""
    target = current_target(ctx)
    name = ctx.name
    if isinstance(ctx.spec.data, TargetConfig):
        name = name[len(ctx.spec.data.name) + 1:]
    if target is not None:
        target.settings.append((name, list(args)))
    else:
        ctx.session.config.other_settings.append((ctx.name, list(args)))


def _cmd_cortex_m_reset_config(ctx: CommandContext, args: list[str]) -> None:
    target = current_target(ctx)
    if target is None or target.type_name != "cortex_m":
        ctx.print("target is not a Cortex-M")
        raise CommandFailed("", ctx.result_text())
    if args:
        if args[0] not in ("sysresetreq", "vectreset"):
            raise CommandSyntaxError()
        target.type_options["reset_config"] = args[0]
    ctx.print(f"cortex_m reset_config {target.type_options.get('reset_config', 'vectreset')}")


TYPE_HANDLERS = {
    "cortex_m reset_config": _cmd_cortex_m_reset_config,
}


# -- the target group ------------------------------------------------------------------


@command("target names", help="Names of all targets, as a list")
def target_names(ctx: CommandContext, args: list[str]) -> str:
    return name_list(ctx, args, ctx.session.config.targets)


@command("target current", help="Name of the current target")
def target_current(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise wrong_num_args(["target current"], "Too many parameters")
    target = ctx.session.config.current_target
    return target.name if target else ""


@command("target types", help="The target types ocdpy accepts, as a list")
def target_types(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise wrong_num_args(["target types"], "Too many parameters")
    return tcl_list(TARGET_TYPES)


@command("target smp", usage="targetname1 targetname2 ...",
         help="Group targets as the cores of one SMP system")
def target_smp(ctx: CommandContext, args: list[str]) -> str:
    config = ctx.session.config
    if not args:
        log.debug("Empty SMP target")
        return ""
    group = max((t.smp_group for t in config.targets), default=0) + 1
    for name in args:
        # Names that match no target are skipped (after OpenOCD's lookup messages).
        t = find_target(ctx.session, name)
        if t is not None:
            t.smp_group = group
    return ""


@command("target init", mode=CommandMode.CONFIG, help="initialize targets")
def target_init(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    session = ctx.session
    if session.targets_initialized:
        log.info("'target init' has already been called")
        return
    session.targets_initialized = True
    for hook in ("init_targets", "init_target_events", "init_board"):
        if not session.run_hook_proc(hook):
            raise CommandFailed("")


@command("targets", usage="[target]", help="With a name, make that target current; without, show the table of targets")
def targets(ctx: CommandContext, args: list[str]) -> None:
    config = ctx.session.config
    failed = False
    if len(args) == 1:
        target = find_target(ctx.session, args[0])
        if target is None:
            ctx.print(f"Target: {args[0]} is unknown, try one of:\n")
            failed = True
        elif target.tap is not None and not target.tap.enabled:
            ctx.print(f"Target: TAP {target.tap.dotted_name} is disabled, "
                      "can't be the current target\n")
            failed = True
        else:
            config.current_target = target
            return
    ctx.print("    TargetName         Type       Endian TapName            State       ")
    ctx.print("--  ------------------ ---------- ------ ------------------ ------------")
    for t in config.targets:
        marker = "*" if t is config.current_target else " "
        tap = t.tap.dotted_name if t.tap else ""
        state = "tap-disabled" if t.tap is not None and not t.tap.enabled else _live_state(ctx.session, t)
        ctx.print(f"{t.number:2d}{marker} {t.name:<18} {t.type_name:<10} {t.endianness:<6} "
                  f"{tap:<18} {state}")
    if failed:
        raise CommandFailed("", ctx.result_text())


def _live_state(session, target: TargetConfig) -> str:
    """The state of the target's live object once init made one (else unknown)."""
    live = session.runtime_targets.get(target.name) if hasattr(session, "runtime_targets") else None
    state = getattr(live, "state", None)
    return state if isinstance(state, str) else "unknown"
