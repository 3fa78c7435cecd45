"""`transport select/list/init` and the rules behind them.

The adapter driver declares its transports (`allow_transports`, run by `adapter driver`
and `adapter transports`); with only one, it is selected at once. `transport select`
without a name selects the first allowed one (saying so). Selecting a transport adds its
commands: `jtag newtap` and friends for jtag, `swd newdap` for swd, the stand-ins hla
and dapdirect transports provide, `swim newtap` for swim.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands import table
from ocdpy.commands.jimargs import wrong_num_args
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandSyntaxError,
    JimError,
    command,
)
from ocdpy.target.transport import TRANSPORT_NAMES
from ocdpy.tcl import TclError


def allow_transports(session, names: tuple[str, ...]) -> None:
    """The adapter's transports; select the only one at once. Raises CommandFailed."""
    state = session.config.transport
    if state.allowed is not None or state.selected is not None:
        raise CommandFailed("Can't modify the set of allowed transports.")
    state.allowed = tuple(names)
    if len(names) == 1:
        log.info(f"only one transport option; autoselect '{names[0]}'")
        select(session, names[0])


def select(session, name: str) -> None:
    """Make `name` the session transport and add its commands."""
    if name not in TRANSPORT_NAMES:
        raise JimError(f"No transport named '{name}' is available.")
    state = session.config.transport
    state.selected = name
    from ocdpy.commands import jtag

    session.registry.add_all(table.specs(f"transport {name}"))
    jtag.add_transport_commands(session, name)


def current(session, autoselect: bool = True) -> str:
    """The session transport, selecting the first allowed one if none is yet
    (what `transport select` without a name does)."""
    state = session.config.transport
    if state.selected is None and autoselect:
        if not state.allowed:
            raise JimError(
                "Debug adapter does not support any transports? Check config file order.")
        first = state.allowed[0]
        log.info(f'auto-selecting first available session transport "{first}". '
                 "To override use 'transport select <transport>'.")
        select(session, first)
    return state.selected or ""


@command("transport select", usage="[transport_name]", help="Select the transport (jtag, swd, hla_swd, ...); without a name, report it, selecting the adapter's first if none is yet")
def transport_select(ctx: CommandContext, args: list[str]) -> str:
    session = ctx.session
    state = session.config.transport
    if len(args) == 0:
        return current(session)
    if len(args) > 1:
        raise wrong_num_args(["transport select"], "[too many parameters]")
    name = args[0]
    if state.selected is not None:
        if state.selected == name:
            log.warning(f'Transport "{name}" was already selected')
            return name
        raise JimError("Can't change session's transport after the initial selection was made")
    if not state.allowed:
        raise JimError("Debug adapter doesn't support any transports?")
    if name not in state.allowed:
        raise JimError(f"Debug adapter doesn't support '{name}' transport")
    select(session, name)
    return name


@command("transport list", help="List the transports ocdpy knows")
def transport_list(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    ctx.print("The following transports are available:")
    for name in TRANSPORT_NAMES:
        ctx.print(f"\t{name}")


@command("transport init", help="Bring the selected transport up (run by init)")
def transport_init(ctx: CommandContext, args: list[str]) -> None:
    state = ctx.session.config.transport
    if state.selected is None:
        log.error("session transport was not selected. Use 'transport select <transport>'")
        log.error("Transports available:")
        for name in state.allowed or ():
            log.error(name)
        raise TclError("")
