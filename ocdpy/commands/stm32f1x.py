"""`stm32f1x ...`: the STM32F0/F1/F3 flash driver's own commands (lock, unlock,
mass_erase, options_read, options_write, options_load), with OpenOCD's output.

Registered when a `flash bank ... stm32f1x` is declared (commands/flash.py).
"""

from __future__ import annotations

from ocdpy.commands.flash import get_bank, manager_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.errors import FlashError


def driver_bank(ctx: CommandContext, args: list[str], driver: str = "stm32f1x"):
    if len(args) < 1:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0])
    if bank.decl.driver != driver:
        raise CommandFailed(f"flash bank {args[0]} uses the {bank.decl.driver} driver, not {driver}")
    return bank


def _option_bank(bank) -> None:
    if bank.driver.register_base != 0x40022000:
        raise CommandFailed("Option byte operations must use bank 0")


@command("stm32f1x lock", mode=CommandMode.EXEC, usage="bank_id", help="Lock entire flash device.")
def lock(ctx: CommandContext, args: list[str]) -> None:
    bank = driver_bank(ctx, args)
    _option_bank(bank)
    bank.driver.require_halted()
    try:
        bank.driver.lock()
    except FlashError as exc:
        ctx.print("stm32x failed to lock device")
        raise CommandFailed(exc.message) from None
    ctx.print("stm32x locked")


@command("stm32f1x unlock", mode=CommandMode.EXEC, usage="bank_id", help="Unlock entire protected flash device.")
def unlock(ctx: CommandContext, args: list[str]) -> None:
    bank = driver_bank(ctx, args)
    _option_bank(bank)
    bank.driver.require_halted()
    try:
        bank.driver.unlock()
    except FlashError as exc:
        ctx.print("stm32x failed to unlock device")
        raise CommandFailed(exc.message) from None
    manager_of(ctx).written_targets.add(bank.decl.target)
    ctx.print("stm32x unlocked.\nINFO: a reset or power cycle is required for the new settings to take effect.")


@command("stm32f1x mass_erase", mode=CommandMode.EXEC, usage="bank_id", help="Erase entire flash device.")
def mass_erase(ctx: CommandContext, args: list[str]) -> None:
    bank = driver_bank(ctx, args)
    try:
        bank.driver.mass_erase()
    except FlashError as exc:
        ctx.print("stm32x mass erase failed")
        raise CommandFailed(exc.message) from None
    manager_of(ctx).written_targets.add(bank.decl.target)
    ctx.print("stm32x mass erase complete")


@command("stm32f1x options_read", mode=CommandMode.EXEC, usage="bank_id", help="Read and display device option bytes.")
def options_read(ctx: CommandContext, args: list[str]) -> None:
    bank = driver_bank(ctx, args)
    bank.driver.require_halted()
    _option_bank(bank)
    for line in bank.driver.options_text():
        ctx.print(line)


@command("stm32f1x options_write", mode=CommandMode.EXEC,
         usage="bank_id ('SWWDG'|'HWWDG') ('RSTSTNDBY'|'NORSTSTNDBY') ('RSTSTOP'|'NORSTSTOP') ('USEROPT' user_data)",
         help="Replace bits in device option bytes.")
def options_write(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandSyntaxError()
    bank = driver_bank(ctx, args)
    bank.driver.require_halted()
    _option_bank(bank)
    driver = bank.driver
    known = driver.option_words()
    changes: dict[int, bool] = {}
    user_data = None
    words = args[1:]
    i = 0
    while i < len(words):
        if words[i] in known:
            bit, on = known[words[i]]
            changes[bit] = on
        elif words[i] == "USEROPT" and i + 1 < len(words):
            user_data = parse_uint(words[i + 1], "user_data", 16)
            i += 1
        else:
            raise CommandSyntaxError()
        i += 1
    try:
        driver.options_write(changes, user_data)
    except FlashError as exc:
        ctx.print("stm32x failed to write options")
        raise CommandFailed(exc.message) from None
    load = "'stm32f1x options_load' command or " if driver.part.f0_style else ""
    ctx.print(f"stm32x write options complete.\nINFO: {load}power cycle is required for the new "
              "settings to take effect.")


@command("stm32f1x options_load", mode=CommandMode.EXEC, usage="bank_id", help="Force re-load of device option bytes.")
def options_load(ctx: CommandContext, args: list[str]) -> None:
    bank = driver_bank(ctx, args)
    _option_bank(bank)
    bank.driver.options_load()
