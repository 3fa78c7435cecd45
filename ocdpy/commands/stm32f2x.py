"""`stm32f2x ...`: the STM32F2/F4/F7 flash driver's own commands (lock, unlock,
mass_erase, options_read, options_write, optcr2_write, otp), with OpenOCD's output.

Registered when a `flash bank ... stm32f2x` is declared (commands/flash.py); the
startup procs make `stm32f4x` and `stm32f7x` names for them.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.commands.stm32_common import (
    define_protection_commands,
    driver_bank,
    run_driver,
    usage_error,
)
from ocdpy.errors import FlashError


def _bank(ctx: CommandContext, args: list[str]):
    return driver_bank(ctx, args, "stm32f2x")


def _halted_note(bank) -> None:
    # OpenOCD's stm32f2x lock/unlock only say so, and carry on.
    if not bank.driver.target.is_halted():
        log.info("Target not halted")


define_protection_commands(__name__, "stm32f2x", says="stm32f2x", erase_says="stm32x",
                           unlock_note=True, erase_usage=True, check=_halted_note)


@command("stm32f2x options_read", mode=CommandMode.EXEC, usage="bank_id", help="Read and display device option bytes.")
def options_read(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise usage_error(ctx, "stm32f2x options_read <bank>")
    bank = _bank(ctx, args)
    for line in bank.driver.options_read_text().split("\n"):
        ctx.print(line)


@command("stm32f2x options_write", mode=CommandMode.EXEC, usage="bank_id user_options [ boot_add0 boot_add1 ]",
         help="Write option bytes")
def options_write(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise usage_error(ctx, "stm32f2x options_write <bank> ...")
    bank = _bank(ctx, args)
    driver = bank.driver
    boot = driver.part is not None and driver.part.boot_addr
    if boot and len(args) != 4:
        raise usage_error(ctx, "stm32f2x options_write <bank> <user_options> <boot_addr0> <boot_addr1>")
    if not boot and len(args) != 2:
        raise usage_error(ctx, "stm32f2x options_write <bank> <user_options>")
    user = parse_uint(args[1], "user_options", 16)
    boot0 = parse_uint(args[2], "boot_addr0", 16) if boot else None
    boot1 = parse_uint(args[3], "boot_addr1", 16) if boot else None
    try:
        driver.options_write(user, boot0, boot1)
    except FlashError as exc:
        if exc.message == "stm32f2x invalid user_options":
            ctx.print(exc.message)
            raise CommandFailed("") from None
        ctx.print("stm32f2x failed to write options")
        raise CommandFailed(exc.message) from None
    ctx.print("stm32f2x write options complete.\nINFO: a reset or power cycle is required for the new "
              "settings to take effect.")


@command("stm32f2x optcr2_write", mode=CommandMode.EXEC, usage="bank_id optcr2", help="Write optcr2 word")
def optcr2_write(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 2:
        raise usage_error(ctx, "stm32f2x optcr2_write <bank> <optcr2_value>")
    bank = _bank(ctx, args)
    value = parse_uint(args[1], "optcr2")
    if not (bank.driver.part and bank.driver.part.pcrop):
        ctx.print("no optcr2 register")
        raise CommandFailed("")
    ctx.print("INFO: To disable PCROP, set PCROP_RDP with PCROPi bits in OPTCR2, then change RDP "
              "level from 1 to 0.")
    run_driver(ctx, lambda: bank.driver.optcr2_write(value), "stm32f2x failed to write options")
    ctx.print("stm32f2x optcr2_write complete.")


@command("stm32f2x otp", mode=CommandMode.EXEC, usage="bank_id",
         help="OTP (One Time Programmable) memory write enable/disable.")
def otp(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 2:
        raise usage_error(ctx, "stm32x otp <bank> (enable|disable|show)")
    bank = _bank(ctx, args[:1])
    driver = bank.driver
    if not driver.is_otp():
        ctx.print("Failed: not an OTP bank.")
        raise CommandFailed("")
    if args[1] == "enable":
        if driver.otp_unlocked:
            log.warning(f"OTP memory bank #{bank.number} is is already enabled for write commands.")
        else:
            log.info(f"OTP memory bank #{bank.number} is is enabled for write commands.")
        driver.otp_unlocked = True
    elif args[1] == "disable":
        driver.otp_unlocked = False
        log.info(f"OTP memory bank #{bank.number} is disabled for write commands.")
    elif args[1] == "show":
        ctx.print(f"OTP memory bank #{bank.number} is {'enabled' if driver.otp_unlocked else 'disabled'} "
                  "for write commands.")
    else:
        raise CommandSyntaxError()
