"""`stm32h7x ...`: the STM32H7 flash driver's own commands (lock, unlock, mass_erase,
option_read, option_write), with OpenOCD's output.

Registered when a `flash bank ... stm32h7x` is declared (commands/flash.py).
"""

from __future__ import annotations

from ocdpy.commands.registry import CommandContext, CommandMode, command, parse_uint
from ocdpy.commands.stm32_common import define_protection_commands, driver_bank, usage_error


def _bank(ctx: CommandContext, args: list[str]):
    return driver_bank(ctx, args, "stm32h7x")


define_protection_commands(__name__, "stm32h7x", says="stm32h7x", erase_says="stm32h7x",
                           unlock_note=False, erase_usage=True)


@command("stm32h7x option_read", mode=CommandMode.EXEC, usage="bank_id reg_offset",
         help="Read and display device option bytes.")
def option_read(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise usage_error(ctx, "stm32h7x option_read <bank> <option_reg offset>")
    bank = _bank(ctx, args)
    address, value = bank.driver.option_read(parse_uint(args[1], "reg_offset"))
    ctx.print(f"Option Register: <0x{address:x}> = 0x{value:x}")


@command("stm32h7x option_write", mode=CommandMode.EXEC, usage="bank_id reg_offset value [mask]",
         help="Write device option bit fields with provided value.")
def option_write(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 3:
        raise usage_error(ctx, "stm32h7x option_write <bank> <option_reg offset> <value> [mask]")
    bank = _bank(ctx, args)
    offset = parse_uint(args[1], "reg_offset")
    value = parse_uint(args[2], "value")
    mask = parse_uint(args[3], "mask") if len(args) > 3 else 0xFFFFFFFF
    bank.driver.require_halted()
    bank.driver.modify_option(offset, value, mask)
