"""What the exec-phase target commands share: finding the live target a command acts
on (the one named in front of it, `stm32f1x.cpu mdw ...`, else the current one), and
OpenOCD's number parsing for addresses and counts (`addr option value ('x') is not
valid`)."""

from __future__ import annotations

from ocdpy.commands.registry import CommandContext, CommandFailed, parse_number
from ocdpy.errors import TargetConnectionError
from ocdpy.target.live import Target, live_target, poll_once, refresh


def target_of(ctx: CommandContext) -> Target:
    """The live target the command acts on, or a one-line error saying why there is none."""
    from ocdpy.commands.target import current_target

    cfg = current_target(ctx)
    if cfg is None:
        raise CommandFailed("no current target: declare one with `target create` (a target "
                            "config file does) and run `init`")
    require_probe(ctx.session)
    session = ctx.session
    # OpenOCD polls before every command; when the dispatcher does that already
    # (session.poll_before_commands), use its result instead of polling twice.
    target = live_target(session, cfg.name)
    if getattr(session, "poll_before_commands", False):
        failed = getattr(session, "last_poll_failures", {}).get(cfg.name)
        if target is not None and cfg.name in getattr(session, "last_poll_skipped", ()):
            failed = poll_once(target)  # backing off after failures: this command needs it now
    else:
        failed = refresh(session).get(cfg.name)
    if isinstance(failed, TargetConnectionError):
        # the link to the core is lost: say that, not what the command then trips over
        raise CommandFailed(failed.message)
    if target is None:
        if not ctx.session.initialized and not ctx.session.init_started:
            raise CommandFailed(f"target {cfg.name} is not available before `init`")
        raise CommandFailed(f"target {cfg.name} ({cfg.type_name}) has no live connection: ocdpy runs "
                            "hla_target and cortex_m targets; see the errors `init` printed")
    return target


def require_probe(session) -> None:
    """Once the probe has gone (unplugged, its USB link or the ST-LINK server lost),
    every target command says so in one line instead of failing on the closed
    connection."""
    adapter = session.adapter
    if adapter is None:
        return
    lost = getattr(adapter, "disconnected", None)
    if lost:
        raise CommandFailed(lost)
    link = getattr(adapter, "link", None)
    if link is not None and getattr(link, "is_open", True) is False:
        raise CommandFailed("the ST-Link was closed after an error: check the cable, then start ocdpy again")


def parse_address(text: str, what: str = "addr") -> int:
    """OpenOCD's COMMAND_PARSE_ADDRESS (a 64-bit target address)."""
    return parse_number(text, what, 64)


def parse_u32(text: str, what: str) -> int:
    return parse_number(text, what, 32)


def parse_u64(text: str, what: str) -> int:
    return parse_number(text, what, 64)


def addr_fmt(address: int) -> str:
    """OpenOCD's TARGET_ADDR_FMT (`0x%8.8` PRIx64)."""
    return f"0x{address:08x}"


def rate_text(nbytes: int, seconds: float) -> str:
    """`in 0.001234s (12.345 KiB/s)` as OpenOCD's duration helpers print it."""
    kib = nbytes / 1024.0 / seconds if seconds > 0 else 0.0
    return f"in {seconds:f}s ({kib:0.3f} KiB/s)"
