"""NAND flash declarations (`nand device`, `nand drivers`): accepted and recorded, as
ocdpy programs NOR flash only; a declaration names its target, which must exist."""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
)

NAND_DRIVERS = ("nonce", "davinci", "lpc3180", "lpc32xx", "orion", "s3c2410", "s3c2412",
                "s3c2440", "s3c2443", "s3c6400", "mxc", "imx31", "at91sam9", "nuc910")


@command("nand drivers", help="List the NAND flash controller drivers OpenOCD has")
def nand_drivers(ctx: CommandContext, args: list[str]) -> None:
    ctx.print("Available NAND flash controller drivers:")
    for name in NAND_DRIVERS:
        ctx.print(f"  {name}")


@command("nand device", mode=CommandMode.CONFIG, usage="bank_id driver target [driver_options ...]",
         help="Declare a NAND bank (recorded; ocdpy does not program NAND flash)")
def nand_device(ctx: CommandContext, args: list[str]) -> None:
    if len(args) < 2:
        raise CommandSyntaxError()
    if args[1] not in NAND_DRIVERS:
        log.error(f"No valid NAND flash driver found ({args[1]})")
        nand_drivers(ctx, [])
        return
    if len(args) < 3:
        raise CommandSyntaxError()
    from ocdpy.commands.target import find_target

    if find_target(ctx.session, args[2]) is None:
        raise CommandFailed(f"invalid target {args[2]}")
    ctx.session.config.other_settings.append((ctx.name, list(args)))
