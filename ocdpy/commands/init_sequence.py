"""What `init` does, in OpenOCD's order: `target init` (the init_targets,
init_target_events and init_board hooks), the adapter, `transport init`, `dap init`,
target examination, `flash init`, the GDB ports (bound here, as OpenOCD's
gdb_target_add_all does, when the session serves), the post-init command list.

ocdpy drives ST-Link probes (ocdpy.adapter). Any other adapter driver stops `init` here
with one line that names the driver and what ocdpy supports; the configuration itself
loaded fine. Other layers hook in through `Session.adapter_factory` (the probe object)
and `Session.add_init_step` (target examination and the like, run after the adapter
and transport are up).
"""

from __future__ import annotations

from ocdpy import log
from ocdpy.commands.registry import CommandMode
from ocdpy.errors import ConfigError, ProbeError
from ocdpy.tcl import TclError


def run(session) -> None:
    """Run the init sequence; raises TclError (already reported) or ConfigError."""
    _command(session, "target init")
    open_adapter(session)
    session.command_mode = CommandMode.EXEC
    _command(session, "transport init")
    _command(session, "dap init")
    for _name, step in session.init_steps:
        step()
    session.command_mode = CommandMode.CONFIG
    _command(session, "flash init")
    session.command_mode = CommandMode.EXEC
    from ocdpy.server.listeners import add_gdb_at_init

    add_gdb_at_init(session)
    if not session.run_hook_proc("_run_post_init_commands"):
        raise TclError("")


def _command(session, line: str) -> None:
    session.interp.eval(line)


def open_adapter(session) -> None:
    """OpenOCD's adapter_init: a driver must be chosen; the speed defaults with a
    warning; then the driver's implementation opens the probe."""
    from ocdpy.session import SUPPORTED_ADAPTERS, SUPPORTED_DRIVERS

    adapter = session.config.adapter
    if adapter.driver is None:
        raise ConfigError('Debug Adapter has to be specified, see "adapter driver" command')
    if adapter.driver not in SUPPORTED_DRIVERS:
        raise ConfigError(
            f"ocdpy cannot drive the '{adapter.driver}' adapter: it supports {SUPPORTED_ADAPTERS}; "
            "the configuration itself was read without errors")
    if adapter.clock_mode == "unselected":
        log.warning("An adapter speed is not selected in the init scripts. OpenOCD will try "
                    "to run the adapter at the low speed (100 kHz)")
        log.warning("To remove this warnings and achieve reasonable communication speed with "
                    'the target, set "adapter speed" or "jtag_rclk" in the init scripts.')
        adapter.clock_mode = "khz"
        adapter.speed_khz = 100
    factory = session.adapter_factory or default_adapter_factory
    probe = factory(session)
    hla = adapter.driver == "hla"
    if hla:
        # OpenOCD's hla driver is not open yet when adapter_init reports the clock, so
        # it reports the request; the probe then takes the nearest clock silently.
        log.info(clock_line(adapter.speed_khz))
    probe.open()
    session.adapter = probe
    session.shutdown_hooks.append(probe.close)
    if not hla:
        # adapter_init asks the open driver twice (converting kHz to its setting, then
        # back for the report), each time saying when the clock cannot be matched.
        try:
            probe.query_speed(adapter.speed_khz)
        except ProbeError as e:
            if adapter.speed_khz:
                raise
            log.error(e.message)  # "RCLK not supported": the driver has no adaptive clock
            raise ConfigError("RTCK not supported. Set nonzero adapter_khz.") from None
        log.info(clock_line(probe.query_speed(adapter.speed_khz)))


def clock_line(khz: int) -> str:
    """adapter_init's report of the clock in use."""
    return f"clock speed {khz} kHz" if khz else "RCLK (adaptive clock speed)"


def default_adapter_factory(session):
    """The ST-Link driver (ocdpy.adapter), configured from the session's settings."""
    from ocdpy.adapter import create_adapter, settings_from_config

    transport = session.config.transport.selected
    return create_adapter(settings_from_config(session.config.adapter, transport))
