"""The flash commands: bank declarations (`flash bank`, `flash banks`, `flash list`,
`flash init`) and everything that uses them (`flash write_image`, `flash info`,
`verify_image`, ...), with OpenOCD 0.12's output lines.

`flash bank NAME DRIVER BASE SIZE CHIP_WIDTH BUS_WIDTH TARGET [OPTIONS]` checks what
OpenOCD checks (target, driver, unique name, numbers) plus what each driver's own bank
command checks or adjusts (a fixed base or size, a required option, a valid address),
and adds the driver's commands (`stm32f1x unlock`, ...). `flash init` turns the
declarations into live banks (ocdpy.flash.manager); the handlers below turn words into
arguments, call ocdpy.flash.program and format the results.
"""

from __future__ import annotations

import os
import time

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
         help="Declare a NOR flash bank: its name, driver, address, size and target")
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
    add_driver_commands(session, driver)
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


def _live(session, b: FlashBankConfig):
    """The live bank of a declaration once `flash init` made it (probed values)."""
    manager = getattr(session, "flash", None)
    if manager is None:
        return b
    return next((x for x in manager.banks if x.number == b.number), b)


@command("flash banks", help="Show the declared flash banks, one line each")
def flash_banks(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    for b in ctx.session.config.flash_banks:
        live = _live(ctx.session, b)
        ctx.print(f"#{b.number} : {b.name} ({b.driver}) at 0x{live.base:08x}, size 0x{live.size:08x}, "
                  f"buswidth {b.bus_width}, chipwidth {b.chip_width}")


@command("flash list", help="The flash banks as a Tcl list of name/driver/base/size/... dicts")
def flash_list(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise wrong_num_args(["flash list"], "no arguments to 'flash list' command")
    items = []
    for b in ctx.session.config.flash_banks:
        live = _live(ctx.session, b)
        items.append(tcl_list(["name", b.name, "driver", b.driver, "base", live.base, "size", live.size,
                               "bus_width", b.bus_width, "chip_width", b.chip_width,
                               "target", b.target]))
    return tcl_list(items)


@command("flash init", mode=CommandMode.CONFIG, help="Make the declared banks usable (run by init)")
def flash_init(ctx: CommandContext, args: list[str]) -> None:
    if args:
        raise CommandSyntaxError()
    session = ctx.session
    if session.flash_initialized:
        log.info("'flash init' has already been called")
        return
    session.flash_initialized = True
    build_banks(session)


# Drivers whose own commands (stm32f1x unlock, ...) ocdpy implements; added when a bank
# first uses the driver, as OpenOCD does, replacing the generic table entries.
DRIVER_COMMAND_MODULES = {
    "stm32f1x": "ocdpy.commands.stm32f1x",
    "stm32f2x": "ocdpy.commands.stm32f2x",
    "stm32h7x": "ocdpy.commands.stm32h7x",
}


def add_driver_commands(session, driver: str) -> None:
    module = DRIVER_COMMAND_MODULES.get(driver)
    if module is None:
        return
    import importlib

    from ocdpy.commands.registry import module_specs

    importlib.import_module(module)
    session.registry.add_all(module_specs(module))


# -- live banks ---------------------------------------------------------------------------

def _runtime_target(session, name: str):
    """The live target of a target name as the flash layer uses it (None before init)."""
    obj = session.runtime_target(name)
    if obj is None:
        return None
    from ocdpy.flash.target_api import adapt

    return adapt(obj)


def build_banks(session) -> None:
    """`flash init`: a live FlashBank for every declaration."""
    from ocdpy.flash.bank import BankDecl
    from ocdpy.flash.manager import FlashManager

    manager = FlashManager(lambda name: _runtime_target(session, name))
    for b in session.config.flash_banks:
        manager.add(BankDecl(b.name, b.driver, b.base, b.size, b.chip_width, b.bus_width,
                             b.target, list(b.options)), b.number)
    session.flash = manager


def setup_session(session) -> None:
    session.flash = None
    session.shutdown_hooks.append(lambda: _warn_not_started(session))


def manager_of(ctx: CommandContext):
    manager = getattr(ctx.session, "flash", None)
    if manager is None:
        if not ctx.session.config.flash_banks:
            raise CommandFailed("no flash banks are declared (a target config declares them with "
                                "`flash bank ...`)")
        build_banks(ctx.session)
        manager = ctx.session.flash
    return manager


def get_bank(ctx: CommandContext, word: str, probe: bool = True):
    return manager_of(ctx).lookup(word, probe)


def current_target_name(ctx: CommandContext) -> str | None:
    current = ctx.session.config.current_target
    return current.name if current is not None else None


def target_banks(ctx: CommandContext):
    return manager_of(ctx).banks_of(current_target_name(ctx))


def _warn_not_started(session) -> None:
    """At shutdown: flash was written but the core is still halted, so the new firmware
    is not running (the user forgot `reset`)."""
    manager = getattr(session, "flash", None)
    if manager is None or not manager.written_targets:
        return
    for bank in manager.banks:
        name = bank.decl.target
        if name not in manager.written_targets or bank.target is None:
            continue
        manager.written_targets.discard(name)
        try:
            halted = bank.target.is_halted()
        except Exception:  # noqa: BLE001 - shutdown goes on whatever the probe says
            continue
        if halted:
            log.warning(f"[{name}] flash was written but the target is still halted, so the new "
                        "firmware is not running: run `reset run` (or `reset`) before `shutdown`, "
                        "or use `program <file> verify reset exit`")


# -- formatting -------------------------------------------------------------------------------

def _kibps(nbytes: int, seconds: float) -> float:
    return nbytes / 1024.0 / seconds if seconds > 0 else 0.0


def _timing(nbytes: int, seconds: float) -> str:
    return f"in {seconds:f}s ({_kibps(nbytes, seconds):0.3f} KiB/s)"


def _progress(label: str):
    from ocdpy.flash.progress import ProgressLine

    bar = ProgressLine(label, 1)
    return bar, (lambda done, total: bar.update(done, total))


def _parse_address(text: str, what: str = "address") -> int:
    return parse_uint(text, what, 64)


def _load(ctx: CommandContext, words: list[str]):
    """filename [offset [type]] as flash write_image / verify_image read them."""
    from ocdpy.flash.image import load_image

    offset = 0
    if len(words) >= 2:
        from ocdpy.commands.registry import parse_number

        offset = parse_number(words[1], "offset", 64, signed=True)
    kind = words[2] if len(words) == 3 else None
    return load_image(words[0], kind, offset, search_dirs=ctx.session.search_dirs())


def _mark_written(ctx: CommandContext, banks) -> None:
    manager = manager_of(ctx)
    for bank in banks:
        manager.written_targets.add(bank.decl.target)


# -- image commands ---------------------------------------------------------------------------

@command("flash write_image", mode=CommandMode.EXEC, usage="[erase] [unlock] filename [offset [file_type]]",
         help="Write an image to flash.  Optionally first unprotect and/or erase the region to "
         "be used.  Allow optional offset from beginning of bank (defaults to zero)")
def flash_write_image(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    erase = unlock = False
    while args and args[0] in ("erase", "unlock"):
        if args[0] == "erase":
            erase = True
            ctx.print("auto erase enabled")
        else:
            unlock = True
            ctx.print("auto unlock enabled")
        args = args[1:]
    if not args or len(args) > 3:
        raise CommandSyntaxError()
    started = time.monotonic()
    image = _load(ctx, args)
    banks = target_banks(ctx)
    bar, report = _progress("writing")
    try:
        result = program.write_image(banks, image, erase, unlock, manager_of(ctx).skip_unchanged, report)
    finally:
        bar.close()
    _mark_written(ctx, [p.bank for p in result.plans if p.erase or p.mass or p.writes])
    seconds = time.monotonic() - started
    skipped = result.sectors_skipped
    if skipped:
        total = sum(len(p.sectors) for p in result.plans)
        log.debug(f"flash write_image: {skipped} of {total} sectors already held the image")
    ctx.print(f"wrote {result.written} bytes from file {args[0]} {_timing(result.written, seconds)}")


@command("flash verify_image", mode=CommandMode.EXEC, usage="filename [offset [file_type]]",
         help="Verify an image against flash. Allow optional offset from beginning of bank "
         "(defaults to zero)")
def flash_verify_image(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    if not args or len(args) > 3:
        raise CommandSyntaxError()
    started = time.monotonic()
    image = _load(ctx, args)
    result = program.verify_image_flash(target_banks(ctx), image)
    seconds = time.monotonic() - started
    ctx.print(f"verified {result.verified} bytes from file {args[0]} {_timing(result.verified, seconds)}")


def _current_flash_target(ctx: CommandContext):
    name = current_target_name(ctx)
    target = _runtime_target(ctx.session, name) if name else None
    if target is None:
        manager = getattr(ctx.session, "flash", None)
        banks = manager.banks_of(name) if manager else []
        target = banks[0].target if banks else None
    if target is None:
        raise CommandFailed("no target selected" if name is None else
                            f"target '{name}' is not available; run `init` first")
    return target


def _verify_image(ctx: CommandContext, args: list[str], checksum_only: bool) -> None:
    from ocdpy.flash.checksum import host_crc
    from ocdpy.flash.program import checksum_memory

    if not args or len(args) > 3:
        raise CommandSyntaxError()
    started = time.monotonic()
    if len(args) >= 2:
        offset = _parse_address(args[1])
        args = [args[0], str(offset)] + args[2:]
    image = _load(ctx, args)
    target = _current_flash_target(ctx)
    segments = list(image)
    crcs = checksum_memory(target, [(s.address, s.size) for s in segments])
    diffs = 0
    differing: list[tuple[int, int]] = []
    for seg, crc in zip(segments, crcs, strict=True):
        if crc == host_crc(seg.data):
            continue
        if checksum_only:
            raise CommandFailed("checksum mismatch")
        if diffs == 0:
            log.error("checksum mismatch - attempting binary compare")
        data = target.read_memory(seg.address, seg.size, 4 if seg.size % 4 == 0 and seg.address % 4 == 0 else 1)
        first = None
        for i, (got, want) in enumerate(zip(data, seg.data, strict=True)):
            if got != want:
                first = seg.address + i if first is None else first
                ctx.print(f"diff {diffs} address 0x{seg.address + i:08x}. Was 0x{got:02x} instead of 0x{want:02x}")
                diffs += 1
                if diffs >= 128:  # OpenOCD stops after the 128th, saying so whether or not more follow
                    ctx.print("More than 128 errors, the rest are not printed.")
                    raise CommandFailed(_sectors_text(ctx, differing + [(seg.address, seg.end)]))
        differing.append((seg.address, seg.end))
    if diffs:
        ctx.print("No more differences found.")
        raise CommandFailed(_sectors_text(ctx, differing))
    total = sum(s.size for s in segments)
    seconds = time.monotonic() - started
    ctx.print(f"verified {total} bytes {_timing(total, seconds)}")


def _sectors_text(ctx: CommandContext, ranges: list[tuple[int, int]]) -> str:
    """Name the flash sectors holding the differing segments, so the user knows what to rewrite."""
    manager = getattr(ctx.session, "flash", None)
    names = []
    for bank in (manager.banks if manager else []):
        if not bank.probed:
            continue
        for i, s in enumerate(bank.sectors):
            lo, hi = bank.base + s.offset, bank.base + s.end
            if any(a < hi and lo < b for a, b in ranges):
                names.append(f"bank #{bank.number} sector {i} (0x{lo:08x})")
    if not names:
        return "the target memory differs from the image"
    return (f"the flash differs from the image in {', '.join(names[:16])}"
            f"{' and more' if len(names) > 16 else ''}; flash the image again")


@command("verify_image", mode=CommandMode.EXEC, usage="filename [offset [type]]",
         help="Verify an image against target memory")
def verify_image(ctx: CommandContext, args: list[str]) -> None:
    _verify_image(ctx, args, checksum_only=False)


@command("verify_image_checksum", mode=CommandMode.EXEC, usage="filename [offset [type]]",
         help="Verify an image against target memory by checksum only")
def verify_image_checksum(ctx: CommandContext, args: list[str]) -> None:
    _verify_image(ctx, args, checksum_only=True)


# -- bank commands ------------------------------------------------------------------------------

@command("flash probe", mode=CommandMode.EXEC, usage="bank_id", help="Identify a flash bank.")
def flash_probe(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0], probe=False)
    bank.probe()
    ctx.print(f"flash '{bank.driver.name}' found at 0x{bank.base:08x}")


@command("flash info", mode=CommandMode.EXEC, usage="bank_id ['sectors']",
         help="Print information about a flash bank.")
def flash_info(ctx: CommandContext, args: list[str]) -> None:
    if not 1 <= len(args) <= 2 or (len(args) == 2 and args[1] != "sectors"):
        raise CommandSyntaxError()
    show_sectors = len(args) == 2
    bank = get_bank(ctx, args[0])
    bank.driver.protect_check()
    ctx.print(f"#{bank.number} : {bank.driver.name} at 0x{bank.base:08x}, size 0x{bank.size:08x}, "
              f"buswidth {bank.bus_width}, chipwidth {bank.chip_width}")
    blocks_available = bool(bank.prot_blocks)
    blocks = bank.sectors if show_sectors or not blocks_available else bank.prot_blocks
    for i, b in enumerate(blocks):
        if b.is_protected == 0:
            state = "not protected"
        elif b.is_protected == 1:
            state = "protected"
        elif not show_sectors or not blocks_available:
            state = "protection state unknown"
        else:
            state = ""
        ctx.print(f"\t#{i:3d}: 0x{b.offset:08x} (0x{b.size:x} {b.size >> 10}kB) {state}")
    info = bank.driver.info()
    ctx.print_sameline(info)
    ctx.print_sameline("\n")


@command("flash erase_check", mode=CommandMode.EXEC, usage="bank_id",
         help="Check erase state of all blocks in a flash bank.")
def flash_erase_check(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    if len(args) != 1:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0])
    program.erase_check(bank)
    ctx.print("successfully checked erase state")
    blank = True
    for i, s in enumerate(bank.sectors):
        if s.is_erased == 1:
            continue
        blank = False
        state = "not erased" if s.is_erased == 0 else "erase state unknown"
        ctx.print(f"\t#{i:3d}: 0x{s.offset:08x} (0x{s.size:x} {s.size >> 10}kB) {state}")
    if blank:
        ctx.print("\tBank is erased")


def _check_range(ctx: CommandContext, first: int, last: int, count: int, what: str) -> None:
    """first..last must be a range of the bank's `count` sectors or blocks."""
    if first > last:
        ctx.print(f"ERROR: first {what} must be <= last")
        raise CommandFailed("")
    if last > count - 1:
        ctx.print(f"ERROR: last {what} must be <= {count - 1}")
        raise CommandFailed("")


@command("flash erase_sector", mode=CommandMode.EXEC, usage="bank_id first_sector_num (last_sector_num|'last')",
         help="Erase a range of sectors in a flash bank.")
def flash_erase_sector(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    if len(args) != 3:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0])
    first = parse_uint(args[1], "first")
    last = len(bank.sectors) - 1 if args[2] == "last" else parse_uint(args[2], "last")
    _check_range(ctx, first, last, len(bank.sectors), "sector")
    started = time.monotonic()
    program.erase_sectors(bank, first, last)
    _mark_written(ctx, [bank])
    ctx.print(f"erased sectors {first} through {last} on flash bank {bank.number} "
              f"in {time.monotonic() - started:f}s")


@command("flash erase_address", mode=CommandMode.EXEC, usage="['pad'] ['unlock'] address length",
         help="Erase flash sectors starting at address and continuing for length bytes.  If "
         "'pad' is specified, data outside that range may also be erased: the start address "
         "may be decreased, and length increased, so that all of the first and last sectors "
         "are erased. If 'unlock' is specified, then the flash is unprotected before erasing.")
def flash_erase_address(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    pad = unlock = False
    while len(args) >= 3:
        if args[0] == "pad":
            pad = True
        elif args[0] == "unlock":
            unlock = True
        else:
            raise CommandSyntaxError()
        args = args[1:]
    if len(args) != 2:
        raise CommandSyntaxError()
    address = _parse_address(args[0])
    length = parse_uint(args[1], "length")
    if length == 0:
        ctx.print("Length must be >0")
        raise CommandSyntaxError()
    started = time.monotonic()
    banks = target_banks(ctx)
    program.erase_address(banks, address, length, pad, unlock)
    _mark_written(ctx, banks)
    ctx.print(f"erased address 0x{address:08x} (length {length}) "
              f"{_timing(length, time.monotonic() - started)}")


@command("flash protect", mode=CommandMode.EXEC, usage="bank_id first_block [last_block|'last'] ('on'|'off')",
         help="Turn protection on or off for a range of protection blocks or sectors in a "
         "given flash bank. See 'flash info' output for a list of blocks.")
def flash_protect(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 4:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0])
    blocks = len(bank.prot_blocks) or len(bank.sectors)
    what = "block" if bank.prot_blocks else "sector"
    first = parse_uint(args[1], "first")
    last = blocks - 1 if args[2] == "last" else parse_uint(args[2], "last")
    on = {"on": True, "off": False}.get(args[3])
    if on is None:
        raise CommandSyntaxError()
    _check_range(ctx, first, last, blocks, what)
    bank.driver.protect(on, first, last)
    ctx.print(f"{'set' if on else 'cleared'} protection for {what}s {first} through {last} "
              f"on flash bank {bank.number}")


@command("flash padded_value", mode=CommandMode.EXEC, usage="bank_id value",
         help="Set default flash padded value")
def flash_padded_value(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 2:
        raise CommandSyntaxError()
    bank = get_bank(ctx, args[0], probe=False)
    bank.default_padded_value = parse_uint(args[1], "value", 8)
    ctx.print(f"Default padded value set to 0x{bank.default_padded_value:x} for flash bank {bank.number}")


def _bank_file_args(ctx: CommandContext, args: list[str], most: int):
    """bank_id filename [offset ...] of the *_bank commands: (start time, bank, offset)."""
    if not 2 <= len(args) <= most:
        raise CommandSyntaxError()
    started = time.monotonic()
    bank = get_bank(ctx, args[0])
    return started, bank, parse_uint(args[2], "offset") if len(args) > 2 else 0


@command("flash read_bank", mode=CommandMode.EXEC, usage="bank_id filename [offset [length]]",
         help="Read binary data from flash bank to file. Allow optional offset from beginning "
         "of the bank (defaults to zero).")
def flash_read_bank(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    started, bank, offset = _bank_file_args(ctx, args, 4)
    length = parse_uint(args[3], "length") if len(args) > 3 else None
    bar, report = _progress("reading")
    try:
        data = program.read_bank(bank, offset, length, report)
    finally:
        bar.close()
    try:
        with open(args[1], "wb") as f:
            f.write(data)
    except OSError as exc:
        raise CommandFailed(f"Could not open file {args[1]}: {exc.strerror}") from None
    ctx.print(f"wrote {len(data)} bytes to file {args[1]} from flash bank {bank.number} at offset "
              f"0x{offset:08x} {_timing(len(data), time.monotonic() - started)}")


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError as exc:
        raise CommandFailed(f"Could not open file {path}: {exc.strerror}") from None


@command("flash write_bank", mode=CommandMode.EXEC, usage="bank_id filename [offset]",
         help="Write binary data from file to flash bank. Allow optional offset from beginning "
         "of the bank (defaults to zero).")
def flash_write_bank(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    started, bank, offset = _bank_file_args(ctx, args, 3)
    data = _read_file(args[1])
    written = program.write_bank(bank, data, offset)
    if not written:
        return
    _mark_written(ctx, [bank])
    ctx.print(f"wrote {written} bytes from file {args[1]} to flash bank {bank.number} at offset "
              f"0x{offset:08x} {_timing(written, time.monotonic() - started)}")


@command("flash verify_bank", mode=CommandMode.EXEC, usage="bank_id filename [offset]",
         help="Compare the contents of a file with the contents of the flash bank. Allow "
         "optional offset from beginning of the bank (defaults to zero).")
def flash_verify_bank(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    started, bank, offset = _bank_file_args(ctx, args, 3)
    data = _read_file(args[1])
    if len(data) > bank.size - min(offset, bank.size):
        log.warning(f"{args[1]} is {len(data)} bytes, more than the {bank.size - offset} bytes of "
                    f"flash bank #{bank.number} from offset 0x{offset:x}: only that part is compared")
    compared, diffs = program.verify_bank(bank, data, offset)
    if not compared:
        return
    ctx.print(f"read {compared} bytes from file {args[1]} and flash bank {bank.number} at offset "
              f"0x{offset:08x} {_timing(compared, time.monotonic() - started)}")
    ctx.print(f"contents {'differ' if diffs else 'match'}")
    for n, (address, got, want) in enumerate(diffs[:128]):
        ctx.print(f"diff {n} address 0x{address:08x}. Was 0x{got:02x} instead of 0x{want:02x}")
    if len(diffs) > 128:
        ctx.print("More than 128 errors, the rest are not printed.")
    if diffs:
        raise CommandFailed("")


# The item size a `flash fillX` / `flash mdX` command's last letter names.
_ITEM_SIZES = {"d": 8, "w": 4, "h": 2, "b": 1}


@command("flash filld", mode=CommandMode.EXEC, usage="address value n",
         help="Fill n double-words with 64-bit value, starting at word address.  (No autoerase.)")
@command("flash fillw", mode=CommandMode.EXEC, usage="address value n",
         help="Fill n words with 32-bit value, starting at word address.  (No autoerase.)")
@command("flash fillh", mode=CommandMode.EXEC, usage="address value n",
         help="Fill n halfwords with 16-bit value, starting at word address.  (No autoerase.)")
@command("flash fillb", mode=CommandMode.EXEC, usage="address value n",
         help="Fill n bytes with 8-bit value, starting at word address.  (No autoerase.)")
def flash_fill(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program

    wordsize = _ITEM_SIZES[ctx.name[-1]]
    if len(args) != 3:
        raise CommandSyntaxError()
    address = _parse_address(args[0])
    pattern = parse_uint(args[1], "pattern", 64)
    count = parse_uint(args[2], "count")
    started = time.monotonic()
    banks = target_banks(ctx)
    if wordsize < 8 and pattern >> (8 * wordsize):
        ctx.print(f"Fill pattern 0x{pattern:x} does not fit within {wordsize}-byte word")
        raise CommandFailed("")
    written = program.fill(banks, address, pattern, count, wordsize)
    if written:
        _mark_written(ctx, banks)
        ctx.print(f"wrote {written} bytes to 0x{address:08x} {_timing(written, time.monotonic() - started)}")


@command("flash mdw", mode=CommandMode.EXEC, usage="address [count]", help="Display words from flash.")
@command("flash mdh", mode=CommandMode.EXEC, usage="address [count]", help="Display half-words from flash.")
@command("flash mdb", mode=CommandMode.EXEC, usage="address [count]", help="Display bytes from flash.")
def flash_md(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash.runs import bank_at

    size = _ITEM_SIZES[ctx.name[-1]]
    if not 1 <= len(args) <= 2:
        raise CommandSyntaxError()
    address = _parse_address(args[0])
    count = parse_uint(args[1], "count") if len(args) == 2 else 1
    if count == 0:
        return
    bank = bank_at(target_banks(ctx), address)
    if bank is None:
        raise CommandFailed(f"No flash at address 0x{address:08x}")
    if address - bank.base + count * size > bank.size:
        ctx.print("Cannot cross flash bank borders")
        raise CommandFailed("")
    data = bank.driver.read(address - bank.base, count * size)
    per_line = 32 // size
    for i in range(0, count, per_line):
        words = [int.from_bytes(data[(i + j) * size:(i + j + 1) * size], "little")
                 for j in range(min(per_line, count - i))]
        ctx.print(f"0x{address + i * size:08x}: " + " ".join(f"{w:0{2 * size}x}" for w in words) + " ")


@command("flash rmw", mode=CommandMode.EXEC, usage="address hex_bytes",
         help="(ocdpy) Read-modify-write: put the given bytes at address, keeping the rest of "
         "the sectors they fall in (erased and rewritten only if the cells cannot take the "
         "new bytes as they are).")
def flash_rmw(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.flash import program
    from ocdpy.flash.image import Image
    from ocdpy.flash.runs import bank_at

    if len(args) != 2:
        raise CommandSyntaxError()
    address = _parse_address(args[0])
    try:
        data = bytes.fromhex(args[1].removeprefix("0x"))
    except ValueError:
        raise CommandSyntaxError(f"'{args[1]}' is not hex bytes (e.g. deadbeef)") from None
    if not data:
        raise CommandSyntaxError()
    started = time.monotonic()
    banks = target_banks(ctx)
    bank = bank_at(banks, address)
    if bank is None or address + len(data) > bank.end:
        raise CommandFailed(f"0x{address:08x}..0x{address + len(data) - 1:08x} is not inside one flash bank")
    first = bank.sector_index(address - bank.base)
    last = bank.sector_index(address - bank.base + len(data) - 1)
    lo, hi = bank.sectors[first].offset, bank.sectors[last].end
    content = bytearray(program.read_bank(bank, lo, hi - lo))
    content[address - bank.base - lo:address - bank.base - lo + len(data)] = data
    program.write_image([bank], Image([(bank.base + lo, bytes(content))]), erase=True,
                        skip_unchanged=True)
    _mark_written(ctx, [bank])
    ctx.print(f"wrote {len(data)} bytes to 0x{address:08x} {_timing(len(data), time.monotonic() - started)}")


@command("flash skip_unchanged", mode=CommandMode.ANY, usage="['on'|'off']",
         help="(ocdpy) Leave flash sectors that already hold the image alone (on, the default), "
         "or erase and write every sector an image touches, as OpenOCD does (off). Same as "
         "OCDPY_FLASH_SKIP_UNCHANGED=0.")
def flash_skip_unchanged(ctx: CommandContext, args: list[str]) -> str:
    from ocdpy.flash.program import skip_unchanged_default

    manager = getattr(ctx.session, "flash", None)
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        value = {"on": True, "off": False, "enable": True, "disable": False}.get(args[0])
        if value is None:
            raise CommandSyntaxError()
        if manager is not None:
            manager.skip_unchanged = value
        else:
            os.environ["OCDPY_FLASH_SKIP_UNCHANGED"] = "1" if value else "0"
    current = manager.skip_unchanged if manager is not None else skip_unchanged_default()
    return "on" if current else "off"
