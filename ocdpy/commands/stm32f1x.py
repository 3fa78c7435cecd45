"""`stm32f1x ...`: the STM32F0/F1/F3 flash driver's own commands (lock, unlock,
mass_erase, options_read, options_write, options_load), with OpenOCD's output.

Registered when a `flash bank ... stm32f1x` is declared (commands/flash.py).
"""

from __future__ import annotations

from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.commands.stm32_common import define_protection_commands, driver_bank, run_driver


def _bank(ctx: CommandContext, args: list[str]):
    return driver_bank(ctx, args, "stm32f1x")


def _option_bank(bank) -> None:
    if bank.driver.register_base != 0x40022000:
        raise CommandFailed("Option byte operations must use bank 0")


def _halted_option_bank(bank) -> None:
    _option_bank(bank)
    bank.driver.require_halted()


define_protection_commands(__name__, "stm32f1x", says="stm32x", erase_says="stm32x",
                           unlock_note=True, erase_usage=False, check=_halted_option_bank)


@command("stm32f1x options_read", mode=CommandMode.EXEC, usage="bank_id", help="Read and display device option bytes.")
def options_read(ctx: CommandContext, args: list[str]) -> None:
    bank = _bank(ctx, args)
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
    bank = _bank(ctx, args)
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
    run_driver(ctx, lambda: driver.options_write(changes, user_data), "stm32x failed to write options")
    load = "'stm32f1x options_load' command or " if driver.part.f0_style else ""
    ctx.print(f"stm32x write options complete.\nINFO: {load}power cycle is required for the new "
              "settings to take effect.")


@command("stm32f1x options_load", mode=CommandMode.EXEC, usage="bank_id", help="Force re-load of device option bytes.")
def options_load(ctx: CommandContext, args: list[str]) -> None:
    bank = _bank(ctx, args)
    _option_bank(bank)
    bank.driver.options_load()
