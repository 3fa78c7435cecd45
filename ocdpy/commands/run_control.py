"""Run control as OpenOCD 0.12 offers it: `poll`, `halt`, `wait_halt`, `resume`, `step`,
`reset`, `soft_reset_halt`, and the `arp_*` commands of each target that the startup
script's reset procedure (`ocd_process_reset`, cfg/startup/target.tcl) drives, with
`curstate` and `was_examined`.

`reset [run|halt|init]` runs `ocd_process_reset MODE` as OpenOCD does: the script fires
reset-start, examines, asserts and deasserts reset through `$t arp_reset`, waits for the
halt and fires reset-init and reset-end; a failure prints the script's error as the
command's result. Afterwards every examined target is polled once, as OpenOCD's timer
callbacks do before the prompt comes back.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.jimargs import GetOpt, jim_int, wrong_num_args
from ocdpy.commands.live import parse_address, require_probe, target_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_bool,
    parse_number,
)
from ocdpy.errors import OcdError
from ocdpy.target import live as live_mod
from ocdpy.tcl import TclError

RESET_MODES = ("run", "halt", "init")
TARGET_STATES = ("unknown", "running", "halted", "reset", "debug-running")
ASSERT_WORDS = {"assert": True, "deassert": False, "T": True, "F": False, "t": True, "f": False}


def setup_session(session) -> None:
    """Live targets are made by an init step; `poll off` is remembered here."""
    session.background_polling = True
    session.add_init_step("targets", lambda: live_mod.create_targets(session))
    from ocdpy.commands import target as target_cmds

    target_cmds.INSTANCE_HANDLERS.update(INSTANCE_HANDLERS)


def _ms(text: str) -> int:
    try:
        return parse_number(text, "ms")
    except OcdError:
        raise CommandSyntaxError() from None


# -- poll, halt, wait_halt, resume, step ---------------------------------------------------------


@command("poll", mode=CommandMode.EXEC, usage="['on'|'off']",
         help="Poll the current target for its state (and show it); on/off switches background polling")
def poll(ctx: CommandContext, args: list[str]) -> None:
    session = ctx.session
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        session.background_polling = parse_bool(args[0])
        return
    target = target_of(ctx)
    ctx.print(f"background polling: {'on' if session.background_polling else 'off'}")
    tap = target.config.tap
    enabled = tap is None or tap.enabled
    ctx.print(f"TAP: {tap.dotted_name if tap else target.name} ({'enabled' if enabled else 'disabled'})")
    if not enabled:
        return
    try:
        target.poll()
    except OcdError as e:
        raise CommandFailed(e.message, ctx.result_text()) from None
    if target.halted:
        log.user(target.core.arch_state())


@command("halt", mode=CommandMode.EXEC, usage="[milliseconds]",
         help="Request the target to halt, then wait for it (5 s, or the milliseconds given; 0: no wait)")
def halt(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1:
        raise CommandSyntaxError()
    target = target_of(ctx)
    target.verbose_halt_msg = True
    ms = _ms(args[0]) if args else live_mod.DEFAULT_HALT_TIMEOUT_MS
    target.halt()
    if ms:
        target.wait_state("halted", ms)


@command("wait_halt", mode=CommandMode.EXEC, usage="[milliseconds]",
         help="Wait up to the milliseconds given (5 s by default) for the target to halt")
def wait_halt(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1:
        raise CommandSyntaxError()
    ms = _ms(args[0]) if args else live_mod.DEFAULT_HALT_TIMEOUT_MS
    target_of(ctx).wait_state("halted", ms)


@command("resume", mode=CommandMode.EXEC, usage="[address]",
         help="Resume the target at its current PC, or at the address given")
def resume(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1:
        raise CommandSyntaxError()
    address = parse_address(args[0]) if args else None
    target_of(ctx).resume(address, handle_breakpoints=True)


@command("step", mode=CommandMode.EXEC, usage="[address]",
         help="Step one instruction from the current PC or the address given")
def step(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1:
        raise CommandSyntaxError()
    address = parse_address(args[0]) if args else None
    target_of(ctx).step(address, handle_breakpoints=True)


@command("soft_reset_halt", mode=CommandMode.EXEC,
         help="Reset the core only (VECTRESET) and halt it at the reset vector")
def soft_reset_halt(ctx: CommandContext, args: list[str]) -> None:
    target = target_of(ctx)
    log.info(f"[{target.name}] requesting target halt and executing a soft reset")
    target.soft_reset_halt()


# -- reset -----------------------------------------------------------------------------------------


@command("reset", mode=CommandMode.EXEC, usage="[run|halt|init]",
         help="Reset all targets into the mode given (run by default) through ocd_process_reset")
def reset(ctx: CommandContext, args: list[str]) -> None:
    if len(args) > 1 or (args and args[0] not in RESET_MODES):
        raise CommandSyntaxError()
    require_probe(ctx.session)
    process_reset(ctx, args[0] if args else "run")


def process_reset(ctx: CommandContext, mode: str) -> None:
    """OpenOCD's target_process_reset: the startup script's reset, then a poll of every
    examined target."""
    session = ctx.session
    saved = session.background_polling
    session.background_polling = False
    try:
        session.interp.eval(f"ocd_process_reset {mode}")
    except TclError as e:
        ctx.print(e.format_trace())
        raise CommandFailed("", ctx.result_text()) from None
    finally:
        session.background_polling = saved
    for target in list(session.runtime_targets.values()):
        if isinstance(target, live_mod.Target) and target.examined:
            # a failure (firmware that cuts SWD once running) is the next command's to report
            live_mod.poll_once(target)


# -- the arp_* commands of each target -------------------------------------------------------------


def _no_params(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise wrong_num_args([ctx.name], "[no parameters]")


def _arp_examine(ctx: CommandContext, args: list[str]) -> str:
    if len(args) > 1:
        raise TclError(f"usage: {ctx.name} ['allow-defer']")
    allow_defer = bool(args) and args[0] == "allow-defer"
    target = target_of(ctx)
    if allow_defer and target.config.defer_examine:
        log.info(f"Deferring arp_examine of {target.name}")
        log.info("Use arp_examine command to examine it manually!")
        return ""
    try:
        target.examine()
    except OcdError as e:
        log.error(e.message)
        raise TclError("") from None
    return ""


def _was_examined(ctx: CommandContext, args: list[str]) -> str:
    return "1" if target_of(ctx).examined else "0"


def _arp_poll(ctx: CommandContext, args: list[str]) -> str:
    _no_params(ctx, args)
    target = target_of(ctx)
    if not target.examined:
        raise TclError("")
    try:
        target.core.poll()
    except OcdError as e:
        log.error(e.message)
        raise TclError("") from None
    return ""


def _arp_halt(ctx: CommandContext, args: list[str]) -> str:
    _no_params(ctx, args)
    try:
        target_of(ctx).halt()
    except OcdError as e:
        log.error(e.message)
        raise TclError("") from None
    return ""


def _arp_halt_gdb(ctx: CommandContext, args: list[str]) -> str:
    _no_params(ctx, args)
    target_of(ctx).fire("gdb-halt")
    return ""


def _arp_reset(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 2:
        raise wrong_num_args([], "([tT]|[fF]|assert|deassert) BOOL")
    opts = GetOpt(args)
    word = opts.take()
    if word not in ASSERT_WORDS:
        names = ("assert", "deassert", "T", "F", "t", "f")
        raise TclError(f"{ctx.name}: Unknown: {word}, try one of: " + "".join(f"{n}, " for n in names[:-1])
                       + f"or {names[-1]}")
    halt = jim_int(opts.take() or "") != 0
    target = target_of(ctx)
    try:
        if ASSERT_WORDS[word]:
            target.assert_reset(halt)
        else:
            target.deassert_reset(halt)
    except OcdError as e:
        log.error(e.message)
        raise TclError("") from None
    return ""


def _arp_waitstate(ctx: CommandContext, args: list[str]) -> str:
    if len(args) != 2:
        raise TclError(f"{ctx.name} <state_name> <timeout_in_msec>")
    state = args[0]
    if state not in TARGET_STATES:
        raise TclError(f"{ctx.name}: Unknown: {state}, try one of: "
                       + "".join(f"{s}, " for s in TARGET_STATES[:-1]) + f"or {TARGET_STATES[-1]}")
    timeout = jim_int(args[1])
    target = target_of(ctx)
    try:
        target.wait_state(state, timeout)
    except OcdError as e:
        log.error(e.message)
        # OpenOCD's text, with its error code for a failed wait (ERROR_FAIL).
        raise TclError(f"target: {target.name} wait {state} fails (-4) unknown") from None
    return ""


def _curstate(ctx: CommandContext, args: list[str]) -> str:
    _no_params(ctx, args)
    return target_of(ctx).state


INSTANCE_HANDLERS = {
    "arp_examine": _arp_examine,
    "was_examined": _was_examined,
    "arp_poll": _arp_poll,
    "arp_halt": _arp_halt,
    "arp_halt_gdb": _arp_halt_gdb,
    "arp_reset": _arp_reset,
    "arp_waitstate": _arp_waitstate,
    "curstate": _curstate,
}
