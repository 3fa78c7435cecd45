"""Adapter configuration: the `adapter` group, `reset_config`, and the configuration
commands of the ST-Link (hla, st-link) and CMSIS-DAP drivers.

`adapter driver NAME` accepts every driver OpenOCD 0.12 knows and adds that driver's
commands (from the command table), so a config written for an FTDI or J-Link probe
loads; `init` then says which drivers ocdpy can drive.
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands import table
from ocdpy.commands.config_args import adapter_number
from ocdpy.commands.jimargs import wrong_num_args
from ocdpy.commands.registry import (
    CommandContext,
    CommandFailed,
    CommandMode,
    CommandSpec,
    CommandSyntaxError,
    command,
    parse_uint,
)
from ocdpy.commands.transport import allow_transports
from ocdpy.target.adapter_config import GpioConfig, ResetFlag

# OpenOCD 0.12's adapter drivers (as Debian builds it), in `adapter list` order, with
# the transports each one offers.
ADAPTER_DRIVERS: dict[str, tuple[str, ...]] = {
    "parport": ("jtag",), "dummy": ("jtag",), "ftdi": ("jtag", "swd"),
    "usb_blaster": ("jtag",), "esp_usb_jtag": ("jtag",), "ft232r": ("jtag",),
    "amt_jtagaccel": ("jtag",), "gw16012": ("jtag",), "presto": ("jtag",),
    "usbprog": ("jtag",), "openjtag": ("jtag",), "jlink": ("jtag", "swd"),
    "vsllink": ("jtag", "swd"), "rlink": ("jtag",), "ulink": ("jtag",),
    "arm-jtag-ew": ("jtag",), "buspirate": ("jtag", "swd"), "remote_bitbang": ("jtag",),
    "hla": ("hla_swd", "hla_jtag"), "osbdm": ("jtag",), "opendous": ("jtag",),
    "sysfsgpio": ("jtag", "swd"), "linuxgpiod": ("swd", "jtag"), "cmsis-dap": ("swd", "jtag"),
    "kitprog": ("swd",), "xds110": ("swd", "jtag"),
    "st-link": ("dapdirect_swd", "dapdirect_jtag", "swim"), "rshim": ("dapdirect_swd",),
}

# hla layouts OpenOCD knows (hla_layout).
HLA_LAYOUTS = ("stlink", "ti-icdi", "nulink")

GPIO_SIGNALS = {  # name: (direction, drive option allowed, init-state option allowed)
    "tdo": ("input", False, True), "tdi": ("output", True, True),
    "tms": ("output", True, True), "tck": ("output", True, True),
    "swdio": ("bidirectional", True, True), "swdio_dir": ("output", True, False),
    "swclk": ("output", True, True), "trst": ("output", False, True),
    "srst": ("output", False, True), "led": ("output", True, True),
}


@command("adapter driver", mode=CommandMode.CONFIG, usage="driver_name",
         help="Choose the debug adapter driver (hla or st-link for an ST-Link)")
def adapter_driver(ctx: CommandContext, args: list[str]) -> None:
    session = ctx.session
    adapter = session.config.adapter
    if adapter.driver is not None:
        log.warning("Interface already configured, ignoring")
        return
    if len(args) != 1 or not args[0]:
        raise CommandSyntaxError()
    name = args[0]
    transports = ADAPTER_DRIVERS.get(name)
    if transports is None:
        log.error(f"The specified debug interface was not found ({name})")
        adapter_list(ctx, [])
        raise CommandFailed("", ctx.result_text())
    session.registry.add_all(table.specs(f"driver {name}"))
    add_driver_commands(session, name)
    adapter.driver = name
    allow_transports(session, transports)


@command("adapter list", help="List the adapter drivers ocdpy accepts")
def adapter_list(ctx: CommandContext, args: list[str]) -> None:
    if ctx.name == "adapter list" and args:
        raise CommandSyntaxError()
    ctx.print("The following debug adapters are available:")
    for i, name in enumerate(ADAPTER_DRIVERS, 1):
        ctx.print(f"{i}: {name}")


@command("adapter name", help="The name of the driver in use, or \"undefined\"")
def adapter_name(ctx: CommandContext, args: list[str]) -> str:
    if args:
        raise wrong_num_args(["adapter name"], "(no params)")
    return ctx.session.config.adapter.driver or "undefined"


@command("adapter speed", usage="[khz]", help="Set the adapter clock in kHz (0: adaptive clocking on JTAG); always shows the setting.")
def adapter_speed(ctx: CommandContext, args: list[str]) -> None:
    adapter = ctx.session.config.adapter
    if len(args) > 1:
        raise CommandSyntaxError()
    if args:
        adapter.speed_khz = parse_uint(args[0], "khz")
        adapter.clock_mode = "khz"
    elif adapter.clock_mode == "unselected":
        raise CommandFailed("BUG: unknown adapter clock mode")
    khz = adapter.speed_khz
    probe = _open_probe(ctx.session)
    if probe is not None:
        # As OpenOCD once the adapter is initialised: a new clock is converted to the
        # driver's setting (a query) and set; the report converts again (a query), and
        # each query logs when the request cannot be matched.
        if args:
            probe.query_speed(khz)
            probe.set_speed(khz)
        khz = probe.query_speed(khz)
    if khz:
        ctx.print(f"adapter speed: {khz} kHz")
    else:
        ctx.print("adapter speed: RCLK - adaptive")


def _open_probe(session):  # -> ocdpy.adapter.Adapter | None
    """The session's probe once `init` opened it (OpenOCD's is_adapter_initialized);
    a probe that has gone since says so."""
    probe = session.adapter
    if probe is None:
        return None
    from ocdpy.commands.live import require_probe

    require_probe(session)
    return probe if probe.is_open else None


@command("adapter serial", mode=CommandMode.CONFIG, usage="serial_string",
         help="Use the adapter with this serial number")
def adapter_serial(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        raise CommandSyntaxError()
    ctx.session.config.adapter.serial = args[0]


@command("adapter srst delay", usage="[milliseconds]", help="Wait this many milliseconds after releasing NRST")
def adapter_srst_delay(ctx: CommandContext, args: list[str]) -> None:
    adapter_number(ctx, args, "srst_delay_ms", "delay", "adapter srst delay")


@command("adapter srst pulse_width", usage="[milliseconds]",
         help="Hold NRST low at least this many milliseconds")
def adapter_srst_pulse_width(ctx: CommandContext, args: list[str]) -> None:
    adapter_number(ctx, args, "srst_pulse_width_ms", "width", "adapter srst pulse_width")


@command("adapter transports", mode=CommandMode.CONFIG, usage="transport ...",
         help="Set the transports the adapter offers (driver scripts use it)")
def adapter_transports(ctx: CommandContext, args: list[str]) -> None:
    from ocdpy.target.transport import TRANSPORT_NAMES

    if not args:
        raise CommandSyntaxError()
    for name in args:
        if name not in TRANSPORT_NAMES:
            raise CommandFailed(f"no such transport '{name}'")
    allow_transports(ctx.session, tuple(args))


@command("adapter usb location", mode=CommandMode.CONFIG, usage="[<bus>-port[.port]...]",
         help="Use the adapter at this USB bus location; without one, show it")
def adapter_usb_location(ctx: CommandContext, args: list[str]) -> None:
    adapter = ctx.session.config.adapter
    if len(args) == 1:
        if len(args[0]) >= 16:
            log.warning("usb location string is too long!!")
        adapter.usb_location = args[0][:16]
    ctx.print(f"adapter usb location: {adapter.usb_location or '(null)'}")


@command("adapter gpio", mode=CommandMode.CONFIG,
         usage="[ tdo|tdi|tms|tck|trst|swdio|swdio_dir|swclk|srst|led[gpio_number] "
         "[-chip chip_number] [-active-high|-active-low] [-push-pull|-open-drain|-open-source] "
         "[-pull-none|-pull-up|-pull-down][-init-inactive|-init-active|-init-input] ]",
         help="Configure or show the adapter's signal GPIOs (bit-banging drivers)")
def adapter_gpio(ctx: CommandContext, args: list[str]) -> None:
    adapter = ctx.session.config.adapter
    gpios = adapter.gpios
    if not gpios:
        for name, (direction, _d, _i) in GPIO_SIGNALS.items():
            gpios[name] = GpioConfig(init_state="input" if direction == "input" else "inactive")
        gpios["srst"].active_low = gpios["trst"].active_low = True
        gpios["tms"].init_state = "active"
    if not args:
        for name in GPIO_SIGNALS:
            _print_gpio(ctx, name, gpios[name])
        return
    name = args[0]
    if name not in GPIO_SIGNALS:
        raise CommandSyntaxError(f"adapter has no gpio named {name}")
    gpio = gpios[name]
    if len(args) == 1:
        _print_gpio(ctx, name, gpio)
        return
    direction, may_drive, may_init = GPIO_SIGNALS[name]
    flags = {"-active-high": ("active_low", False), "-active-low": ("active_low", True),
             "-pull-none": ("pull", "none"), "-pull-up": ("pull", "up"),
             "-pull-down": ("pull", "down")}
    if may_drive:
        flags.update({"-push-pull": ("drive", "push-pull"), "-open-drain": ("drive", "open-drain"),
                      "-open-source": ("drive", "open-source")})
    if may_init:
        flags.update({"-init-inactive": ("init_state", "inactive"),
                      "-init-active": ("init_state", "active")})
        if direction == "bidirectional":
            flags["-init-input"] = ("init_state", "input")
    i = 1
    while i < len(args):
        word = args[i]
        if word[:1].isdigit():
            gpio.gpio_num = parse_uint(word, "gpio_num")
            i += 1
        elif word == "-chip":
            if len(args) - i < 2:
                raise CommandFailed("-chip option requires a parameter")
            gpio.chip_num = parse_uint(args[i + 1], "chip_num")
            i += 2
        elif word in flags:
            attr, value = flags[word]
            setattr(gpio, attr, value)
            i += 1
        else:
            raise CommandSyntaxError(f"illegal option for adapter gpio {name}: {word}")
    if name == "swdio":
        gpios["swdio_dir"].init_state = "inactive" if gpio.init_state == "input" else "active"


def _print_gpio(ctx: CommandContext, name: str, gpio: GpioConfig) -> None:
    direction, may_drive, may_init = GPIO_SIGNALS[name]
    drive = f", {gpio.drive}" if may_drive else ""
    init = f", init-state {gpio.init_state}" if may_init else ""
    ctx.print(f"adapter gpio {name} ({direction}): num {gpio.gpio_num}, chip {gpio.chip_num}, "
              f"active-{'low' if gpio.active_low else 'high'}{drive}, pull-{gpio.pull}{init}")


# -- reset_config ------------------------------------------------------------------------

_RESET_WORDS = (
    # (kind, mask, {word: bits})
    ("gating", ResetFlag.SRST_NO_GATING,
     {"srst_gates_jtag": ResetFlag.NONE, "srst_nogate": ResetFlag.SRST_NO_GATING}),
    ("signal", ResetFlag.HAS_TRST | ResetFlag.HAS_SRST,
     {"none": ResetFlag.NONE, "trst_only": ResetFlag.HAS_TRST, "srst_only": ResetFlag.HAS_SRST,
      "trst_and_srst": ResetFlag.HAS_TRST | ResetFlag.HAS_SRST}),
    ("combination", ResetFlag.SRST_PULLS_TRST | ResetFlag.TRST_PULLS_SRST,
     {"separate": ResetFlag.NONE, "srst_pulls_trst": ResetFlag.SRST_PULLS_TRST,
      "trst_pulls_srst": ResetFlag.TRST_PULLS_SRST,
      "combined": ResetFlag.SRST_PULLS_TRST | ResetFlag.TRST_PULLS_SRST}),
    ("trst_type", ResetFlag.TRST_OPEN_DRAIN,
     {"trst_open_drain": ResetFlag.TRST_OPEN_DRAIN, "trst_push_pull": ResetFlag.NONE}),
    ("srst_type", ResetFlag.SRST_PUSH_PULL,
     {"srst_push_pull": ResetFlag.SRST_PUSH_PULL, "srst_open_drain": ResetFlag.NONE}),
    ("connect_type", ResetFlag.CNCT_UNDER_SRST,
     {"connect_assert_srst": ResetFlag.CNCT_UNDER_SRST, "connect_deassert_srst": ResetFlag.NONE}),
)


@command("reset_config",
         usage="[none|trst_only|srst_only|trst_and_srst] "
         "[srst_pulls_trst|trst_pulls_srst|combined|separate] [srst_gates_jtag|srst_nogate] "
         "[trst_push_pull|trst_open_drain] [srst_push_pull|srst_open_drain] "
         "[connect_deassert_srst|connect_assert_srst]",
         help="Which reset lines are wired and how they behave; shows the setting")
def reset_config(ctx: CommandContext, args: list[str]) -> None:
    """Words in any order; only the kinds given change; the result is the new setting."""
    reset = ctx.session.config.adapter.reset
    mask = ResetFlag.NONE
    new = ResetFlag.NONE
    for word in args:
        for kind, kind_mask, words in _RESET_WORDS:
            if word in words:
                if mask & kind_mask:
                    raise CommandSyntaxError(f"extra reset_config {kind} spec ({word})")
                mask |= kind_mask
                new |= words[word]
                break
        else:
            raise CommandSyntaxError(f"unknown reset_config flag ({word})")
    if mask:
        reset.flags = (reset.flags & ~mask) | new
    ctx.print(reset.describe())


# -- ST-Link (hla and st-link drivers) and CMSIS-DAP configuration ---------------------


def _vid_pid(ctx: CommandContext, args: list[str], label: str, max_ids: int,
             trim_odd: bool = False) -> list[tuple[int, int]]:
    if len(args) > max_ids * 2:
        log.warning(f"ignoring extra IDs in {label} (maximum is {max_ids} pairs)")
        args = args[:max_ids * 2]
    if len(args) < 2 or len(args) % 2:
        log.warning(f"incomplete {label} configuration directive")
        if len(args) < 2 or not trim_odd:
            raise CommandSyntaxError()
        args = args[:-1]
    ids = []
    for i in range(0, len(args), 2):
        ids.append((parse_uint(args[i], "vid", 16), parse_uint(args[i + 1], "pid", 16)))
    return ids


def hla_vid_pid(ctx: CommandContext, args: list[str]) -> None:
    ctx.session.config.adapter.usb_ids = _vid_pid(ctx, args, "hla_vid_pid", 16)


def stlink_vid_pid(ctx: CommandContext, args: list[str]) -> None:
    ctx.session.config.adapter.usb_ids = _vid_pid(ctx, args, "vid_pid", 16)


def cmsis_dap_vid_pid(ctx: CommandContext, args: list[str]) -> None:
    ctx.session.config.adapter.usb_ids = _vid_pid(ctx, args, "cmsis_dap_vid_pid", 8, True)


def hla_layout(ctx: CommandContext, args: list[str]) -> None:
    adapter = ctx.session.config.adapter
    if len(args) != 1:
        raise CommandSyntaxError("Need exactly one argument to stlink_layout")
    if adapter.hla_layout is not None:
        log.error(f"already specified hl_layout {adapter.hla_layout}")
        if adapter.hla_layout != args[0]:
            raise CommandFailed("")
        return
    if args[0] not in HLA_LAYOUTS:
        raise CommandFailed(f"No adapter layout '{args[0]}' found")
    adapter.hla_layout = args[0]


def hla_device_desc(ctx: CommandContext, args: list[str]) -> None:
    if len(args) == 1:
        ctx.session.config.adapter.device_desc = args[0]
    else:
        log.error("expected exactly one argument to hl_device_desc <description>")


def stlink_backend(ctx: CommandContext, args: list[str]) -> None:
    adapter = ctx.session.config.adapter
    if not 1 <= len(args) <= 2:
        raise CommandSyntaxError()
    port = 7184
    if args[0] == "usb":
        if len(args) > 1:
            raise CommandSyntaxError()
    elif args[0] == "tcp":
        if len(args) == 2:
            port = parse_uint(args[1], "stlink_tcp_port", 16)
    else:
        raise CommandSyntaxError()
    adapter.backend = args[0]
    adapter.tcp_port = port


def cmsis_dap_backend(ctx: CommandContext, args: list[str]) -> None:
    if len(args) != 1:
        log.error("expected exactly one argument to cmsis_dap_backend <backend>")
        return
    if args[0].lower() not in ("auto", "usb_bulk", "hid"):
        log.error("invalid backend argument to cmsis_dap_backend <backend>")
        return
    ctx.session.config.adapter.backend = args[0].lower()


# Argument counts other drivers insist on (min, max), where configs get them wrong.
DRIVER_ARITY = {
    "espusbjtag vid_pid": (2, 2), "espusbjtag caps_descriptor": (1, 1),
    "espusbjtag chip_id": (1, 1), "ftdi layout_init": (2, 2),
}


# What some drivers log when a setting is made ({0}, {1}: the arguments as numbers).
DRIVER_NOTES = {
    "espusbjtag vid_pid": "esp_usb_jtag: VID set to 0x{0:x} and PID to 0x{1:x}",
    "espusbjtag caps_descriptor": "esp_usb_jtag: capabilities descriptor set to 0x{0:x}",
    "espusbjtag chip_id": "esp_usb_jtag: target chip id set to {0}",
}


def record_driver_setting(ctx: CommandContext, args: list[str]) -> None:
    low, high = DRIVER_ARITY.get(ctx.name, (0, 1 << 30))
    if not low <= len(args) <= high:
        raise CommandSyntaxError()
    note = DRIVER_NOTES.get(ctx.name)
    if note is not None:
        from ocdpy.commands.registry import parse_int

        log.info(note.format(*(parse_int(a, "value") for a in args)))
    ctx.session.config.adapter.driver_settings.append((ctx.name, list(args)))


DRIVER_COMMANDS = {
    "hla": {"hla_vid_pid": hla_vid_pid, "hla_layout": hla_layout,
            "hla_device_desc": hla_device_desc, "hla_stlink_backend": stlink_backend},
    "st-link": {"st-link vid_pid": stlink_vid_pid, "st-link backend": stlink_backend},
    "cmsis-dap": {"cmsis_dap_vid_pid": cmsis_dap_vid_pid, "cmsis_dap_backend": cmsis_dap_backend},
}


def add_driver_commands(session, driver: str) -> None:
    """Replace the generic handlers of a driver's config commands with ocdpy's own:
    typed settings for the drivers ocdpy supports, recorded ones for the others."""
    registry = session.registry
    own = DRIVER_COMMANDS.get(driver, {})
    for name, _mode, _usage in table.entries(f"driver {driver}"):
        spec = registry.get(name)
        if spec is None or spec.handler is None or spec.mode is CommandMode.EXEC:
            continue
        handler = own.get(name, record_driver_setting)
        registry.add(CommandSpec(name, handler, spec.mode, spec.usage, spec.help))
