"""What the STM32 flash drivers' own commands (`stm32f1x ...`, `stm32f2x ...`,
`stm32h7x ...`) share: finding the driver's bank, running a driver call with OpenOCD's
failure line, and the lock / unlock / mass_erase trio, which differ only in their texts
and in what they check first.
"""

from __future__ import annotations

from collections.abc import Callable

from ocdpy.commands.flash import get_bank, manager_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
)
from ocdpy.errors import FlashError


def driver_bank(ctx: CommandContext, args: list[str], driver: str):
    """The bank named by `args[0]`, refused unless it uses `driver`."""
    if len(args) < 1:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0])
    if bank.decl.driver != driver:
        raise CommandFailed(f"flash bank {args[0]} uses the {bank.decl.driver} driver, not {driver}")
    return bank


def usage_error(ctx: CommandContext, line: str) -> CommandSyntaxError:
    """Print the driver's own usage line (as OpenOCD's drivers do before their usage)."""
    ctx.print(line)
    return CommandSyntaxError()


def run_driver(ctx: CommandContext, call: Callable[[], object], failed: str) -> None:
    """Run a driver call; a FlashError prints `failed` and fails with the driver's message."""
    try:
        call()
    except FlashError as exc:
        ctx.print(failed)
        raise CommandFailed(exc.message) from None


def mark_written(ctx: CommandContext, bank) -> None:
    """The target's flash changed: its registers are restored and caches dropped later."""
    manager_of(ctx).written_targets.add(bank.decl.target)


def define_protection_commands(module: str, driver: str, *, says: str, erase_says: str,
                               unlock_note: bool, erase_usage: bool,
                               check: Callable[[object], None] | None = None) -> None:
    """Declare `<driver> lock`, `unlock` and `mass_erase` as commands of `module`.

    `says` starts the lock/unlock lines and `erase_says` the mass erase lines (OpenOCD's
    drivers name themselves differently there); `unlock_note` adds the reset INFO line
    after unlocking; `erase_usage` prints the driver's usage line when the bank is
    missing; `check(bank)` runs before lock and unlock.
    """

    def lock(ctx: CommandContext, args: list[str]) -> None:
        bank = driver_bank(ctx, args, driver)
        if check is not None:
            check(bank)
        run_driver(ctx, bank.driver.lock, f"{says} failed to lock device")
        ctx.print(f"{says} locked")

    def unlock(ctx: CommandContext, args: list[str]) -> None:
        bank = driver_bank(ctx, args, driver)
        if check is not None:
            check(bank)
        run_driver(ctx, bank.driver.unlock, f"{says} failed to unlock device")
        mark_written(ctx, bank)
        note = "\nINFO: a reset or power cycle is required for the new settings to take effect."
        ctx.print(f"{says} unlocked" + (f".{note}" if unlock_note else ""))

    def mass_erase(ctx: CommandContext, args: list[str]) -> None:
        if erase_usage and not args:
            raise usage_error(ctx, f"{erase_says} mass_erase <bank>")
        bank = driver_bank(ctx, args, driver)
        run_driver(ctx, bank.driver.mass_erase, f"{erase_says} mass erase failed")
        mark_written(ctx, bank)
        ctx.print(f"{erase_says} mass erase complete")

    # The registry collects a module's commands by the handler's module.
    for fn, help_text in ((lock, "Lock entire flash device."),
                          (unlock, "Unlock entire protected flash device."),
                          (mass_erase, "Erase entire flash device.")):
        fn.__module__ = module
        command(f"{driver} {fn.__name__}", mode=CommandMode.EXEC, usage="bank_id", help=help_text)(fn)
