"""Flash bank declarations: `flash bank`, `flash banks`, `flash list`, `flash init`.

`flash bank NAME DRIVER BASE SIZE CHIP_WIDTH BUS_WIDTH TARGET [OPTIONS]` checks what
OpenOCD checks (target, driver, unique name, numbers) plus what each driver's own bank
command checks or adjusts (a fixed base or size, a required option, a valid address),
and adds the driver's commands (`stm32f1x unlock`, ...). Programming comes with the
flash drivers of a later layer, which read `session.config.flash_banks`.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands import table
from ocdpy.commands.jimargs import tcl_list, wrong_num_args
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.target.flash_bank import FLASH_DRIVERS, FlashBankConfig

# Drivers that need more than the seven common words (OpenOCD's own checks).
MIN_ARGS = {"fm4": 7, "jtagspi": 7, "lpc2000": 8, "lpc2900": 7, "mdr": 9, "mrvlqspi": 7,
            "esirisc": 9, "stmqspi": 7, "str7x": 7, "virtual": 7}


def _fixed(base: int | None = None, size: int | None = None):
    def rule(session, bank: FlashBankConfig) -> None:
        if base is not None:
            bank.base = base
        if size is not None:
            bank.size = size
    return rule


def _base_in(valid: tuple[int, ...], message):
    def rule(session, bank: FlashBankConfig) -> None:
        if bank.base not in valid:
            raise CommandFailed(message(bank))
    return rule


def _cfi(session, bank: FlashBankConfig) -> None:
    if bank.chip_width == 0 or bank.chip_width > 4 or bank.bus_width == 0 or bank.bus_width > 4:
        raise CommandFailed("chip and bus width have to specified in bytes")


FM3_VARIANTS = tuple(f"mb9{s}fxx{n}.cpu" for s in "ba" for n in range(1, 9))


def _fm3(session, bank: FlashBankConfig) -> None:
    if bank.target not in FM3_VARIANTS:
        raise CommandFailed(f"unknown fm3 variant: {bank.target}")


LPC2000_VARIANTS = ("lpc2000_v1", "lpc2000_v2", "lpc1700", "lpc4000", "lpc1800", "lpc4300",
                    "lpc800", "lpc1100", "lpc1500", "lpc54100", "auto")


def _lpc2000(session, bank: FlashBankConfig) -> None:
    if bank.options[0] not in LPC2000_VARIANTS:
        raise CommandFailed(f"unknown LPC2000 variant: {bank.options[0]}")


def _stm32l4x(session, bank: FlashBankConfig) -> None:
    if bank.base == 0:
        bank.base = 0x08000000


def _at91sam7(session, bank: FlashBankConfig) -> None:
    """With its geometry given, one declaration covers several banks."""
    if len(bank.options) < 6:
        return
    nums = [parse_uint(w, "value") for w in bank.options[1:6]]
    banks_num, num_sectors, pages_per_sector, page_size, nvmbits = nums
    if 0 in nums:
        return
    bank_size = num_sectors * pages_per_sector * page_size
    base = parse_uint(str(bank.base), "base_address")
    bank.base, bank.size = base, bank_size
    for n in range(1, banks_num):
        session.pending_flash_banks.append(FlashBankConfig(
            "sam7_probed", bank.driver, base + n * bank_size, bank_size, bank.chip_width,
            bank.bus_width, bank.target, list(bank.options)))


def _sam3_message(bank) -> str:
    return (f"Address 0x{bank.base:08x} invalid bank address (try 0x00080000 or 0x00100000 "
            "[at91sam3u series] or 0x00400000 [at91sam3s series] or 0x00400000 [at91sam3n "
            "series] or 0x00080000 or 0x000a0000 or 0x000c0000[at91sam3ax series] )")


DRIVER_RULES = {
    "aduc702x": _fixed(0x80000, 0xF800),
    "aducm360": _fixed(0x0, 0x20000),
    "dsp5680xx_flash": _fixed(0x0, 0x4000),
    "msp432": _fixed(base=0x0),
    "stellaris": _fixed(base=0x0),
    "swm050": _fixed(size=0x200 * 16),
    "stm32l4x": _stm32l4x,
    "at91sam7": _at91sam7,
    "at91sam3": _base_in((0x80000, 0x100000, 0x400000, 0xA0000, 0xC0000), _sam3_message),
    "at91sam4": _base_in((0x400000, 0x480000, 0x500000, 0x1000000, 0x1100000),
                         lambda b: f"Address 0x{b.base:08x} invalid bank address (try "
                         "0x00400000[at91sam4s series] )"),
    "at91sam4l": _base_in((0,), lambda b: f"Address 0x{b.base:08x} invalid bank address "
                          "(try 0x00000000[at91sam4l series] )"),
    "at91samd": _base_in((0,), lambda b: f"Address 0x{b.base:08x} invalid bank address (try "
                         "0x00000000[at91samd series] )"),
    "atsame5": _base_in((0,), lambda b: f"Address 0x{b.base:08x} invalid bank address (try "
                        "0x00000000[atsame5] )"),
    "nrf5": _base_in((0x0, 0x10001000), lambda b: f"Invalid bank address 0x{b.base:08x}"),
    "nrf51": _base_in((0x0, 0x10001000), lambda b: f"Invalid bank address 0x{b.base:08x}"),
    "efm32": _base_in((0x0, 0x0FE00000, 0x0FE04000),
                      lambda b: f"Flash bank with base address {b.base:x} is not supported"),
    "cfi": _cfi,
    "rpchf": _cfi,
    "fm3": _fm3,
    "lpc2000": _lpc2000,
}


@command("flash bank", mode=CommandMode.CONFIG,
         usage="bank_id driver_name base_address size_bytes chip_width_bytes bus_width_bytes "
         "target [driver_options ...]",
         help="Define a new bank with the given name, using the specified NOR flash driver.")
def flash_bank(ctx: CommandContext, args: list[str]) -> None:
    session = ctx.session
    config = session.config
    if len(args) < 7:
        raise CommandSyntaxError(
            "usage: flash bank <name> <driver> <base> <size> <chip_width> <bus_width> <target>")
    name, driver, base_s, size_s, cw_s, bw_s, target_name = args[:7]
    from ocdpy.commands.target import find_target

    target = find_target(session, target_name)
    if target is None:
        raise CommandFailed(f"target '{target_name}' not defined")
    if driver not in FLASH_DRIVERS:
        raise CommandFailed(f"flash driver '{driver}' not found")
    if config.flash_bank(name) is not None:
        raise CommandFailed(f"flash bank name '{name}' already exists")
    session.registry.add_all(table.specs(f"flash {driver}"))
    bank = FlashBankConfig(
        name, driver,
        parse_uint(base_s, "c->base", 64), parse_uint(size_s, "c->size"),
        parse_uint(cw_s, "c->chip_width"), parse_uint(bw_s, "c->bus_width"),
        target.name, list(args[7:]))
    rule = DRIVER_RULES.get(driver)
    session.pending_flash_banks = []
    try:
        if len(args) - 1 < MIN_ARGS.get(driver, 6):
            raise CommandSyntaxError()
        if rule is not None:
            rule(session, bank)
    except (CommandFailed, CommandSyntaxError) as e:
        if e.message:
            log.error(e.message)
        log.error(f"'{driver}' driver rejected flash bank at 0x{bank.base:08x}; usage: (null)")
        if isinstance(e, CommandSyntaxError):
            raise CommandSyntaxError() from None
        raise CommandFailed("") from None
    for b in [bank, *session.pending_flash_banks]:
        b.number = len(config.flash_banks)
        config.flash_banks.append(b)


@command("flash banks", help="Display table with information about flash banks.")
def flash_banks(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    for b in ctx.session.config.flash_banks:
        ctx.print(f"#{b.number} : {b.name} ({b.driver}) at 0x{b.base:08x}, size 0x{b.size:08x}, "
                  f"buswidth {b.bus_width}, chipwidth {b.chip_width}")


@command("flash list", help="Returns a list of details about the flash banks.")
def flash_list(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise wrong_num_args(["flash list"], "no arguments to 'flash list' command")
    items = []
    for b in ctx.session.config.flash_banks:
        items.append(tcl_list(["name", b.name, "driver", b.driver, "base", b.base, "size", b.size,
                               "bus_width", b.bus_width, "chip_width", b.chip_width,
                               "target", b.target]))
    return tcl_list(items)


@command("flash init", mode=CommandMode.CONFIG, help="Initialize flash devices.")
def flash_init(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    session = ctx.session
    if session.flash_initialized:
        log.info("'flash init' has already been called")
        return
    session.flash_initialized = True
