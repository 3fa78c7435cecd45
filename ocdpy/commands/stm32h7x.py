"""`stm32h7x ...`: the STM32H7 flash driver's own commands (lock, unlock, mass_erase,
option_read, option_write), with OpenOCD's output.

Registered when a `flash bank ... stm32h7x` is declared (commands/flash.py).
"""

from __future__ import annotations

from ocdpy.commands.flash import manager_of
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.commands.stm32f1x import driver_bank
from ocdpy.errors import FlashError


def _bank(ctx: CommandContext, args: list[str]):
    return driver_bank(ctx, args, "stm32h7x")


@command("stm32h7x lock", mode=CommandMode.EXEC, usage="bank_id", help="Lock entire flash device.")
def lock(ctx: CommandContext, args: list[str]) -> None:
    bank = _bank(ctx, args)
    try:
        bank.driver.lock()
    except FlashError as exc:
        ctx.print("stm32h7x failed to lock device")
        raise CommandFailed(exc.message) from None
    ctx.print("stm32h7x locked")


@command("stm32h7x unlock", mode=CommandMode.EXEC, usage="bank_id", help="Unlock entire protected flash device.")
def unlock(ctx: CommandContext, args: list[str]) -> None:
    bank = _bank(ctx, args)
    try:
        bank.driver.unlock()
    except FlashError as exc:
        ctx.print("stm32h7x failed to unlock device")
        raise CommandFailed(exc.message) from None
    manager_of(ctx).written_targets.add(bank.decl.target)
    ctx.print("stm32h7x unlocked")


@command("stm32h7x mass_erase", mode=CommandMode.EXEC, usage="bank_id", help="Erase entire flash device.")
def mass_erase(ctx: CommandContext, args: list[str]) -> None:
    if not args:
        ctx.print("stm32h7x mass_erase <bank>")
        raise CommandSyntaxError()
    bank = _bank(ctx, args)
    try:
        bank.driver.mass_erase()
    except FlashError as exc:
        ctx.print("stm32h7x mass erase failed")
        raise CommandFailed(exc.message) from None
    manager_of(ctx).written_targets.add(bank.decl.target)
    ctx.print("stm32h7x mass erase complete")


@command("stm32h7x option_read", mode=CommandMode.EXEC, usage="bank_id reg_offset",
         help="Read and display device option bytes.")
def option_read(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        ctx.print("stm32h7x option_read <bank> <option_reg offset>")
        raise CommandSyntaxError()
    bank = _bank(ctx, args)
    address, value = bank.driver.option_read(parse_uint(args[1], "reg_offset"))
    ctx.print(f"Option Register: <0x{address:x}> = 0x{value:x}")


@command("stm32h7x option_write", mode=CommandMode.EXEC, usage="bank_id reg_offset value [mask]",
         help="Write device option bit fields with provided value.")
def option_write(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 3:
        ctx.print("stm32h7x option_write <bank> <option_reg offset> <value> [mask]")
        raise CommandSyntaxError()
    bank = _bank(ctx, args)
    offset = parse_uint(args[1], "reg_offset")
    value = parse_uint(args[2], "value")
    mask = parse_uint(args[3], "mask") if len(args) > 3 else 0xFFFFFFFF
    bank.driver.require_halted()
    bank.driver.modify_option(offset, value, mask)
