"""Debug probes: the `Adapter` interface targets use and the drivers behind it.

The session builds an `AdapterSettings` from its configuration commands (`adapter
driver`, `hla_layout`, `hla_vid_pid` / `st-link vid_pid`, `hla_stlink_backend` /
`st-link backend`, `adapter serial`, `adapter speed`, `transport select`,
`reset_config`) and calls `create_adapter(settings)`; `init` then calls `open()`.
"""

from __future__ import annotations

from ocdpy.errors import ConfigError

from .base import (
    STLINK_TCP_PORT,
    STLINK_VID_PIDS,
    Adapter,
    AdapterSettings,
    DapAccess,
    HlaAccess,
    ResetConfig,
)

SUPPORTED = "`adapter driver hla` with `hla_layout stlink`, or `adapter driver st-link`"


def settings_from_config(config: object, transport: str | None = None,
                         usb_backend: object | None = None) -> AdapterSettings:
    """AdapterSettings from the session's adapter configuration object (duck-typed:
    driver, hla_layout, usb_ids, serial, clock_mode/speed_khz, backend, tcp_port, reset
    with has_srst/srst_nogate/connect_assert_srst)."""
    g = getattr
    reset = g(config, "reset", None)
    clock_mode = g(config, "clock_mode", "khz")
    speed = g(config, "speed_khz", None) if clock_mode != "unselected" else None
    return AdapterSettings(
        driver=g(config, "driver", None) or "hla",
        hla_layout=g(config, "hla_layout", None) or "stlink",
        vid_pids=list(g(config, "usb_ids", None) or STLINK_VID_PIDS),
        serial=g(config, "serial", None),
        speed_khz=speed or None,
        backend=g(config, "backend", "usb") or "usb",
        tcp_port=g(config, "tcp_port", STLINK_TCP_PORT) or STLINK_TCP_PORT,
        transport=transport,
        reset=ResetConfig(
            has_srst=bool(g(reset, "has_srst", False)), has_trst=bool(g(reset, "has_trst", False)),
            srst_nogate=bool(g(reset, "srst_nogate", False)),
            connect_assert_srst=bool(g(reset, "connect_assert_srst", False))),
        usb_backend=usb_backend,
    )


def create_adapter(settings: AdapterSettings) -> Adapter:
    """The adapter object for `settings` (not opened yet). Raises ConfigError for a
    driver, layout or transport ocdpy does not drive."""
    driver = settings.driver
    if driver == "hla":
        if (settings.hla_layout or "stlink") != "stlink":
            raise ConfigError(f"hla_layout {settings.hla_layout} is not supported by ocdpy ({SUPPORTED})")
    elif driver not in ("st-link", "stlink"):
        raise ConfigError(f"adapter driver '{driver}' is not supported by ocdpy ({SUPPORTED})")
    if settings.backend not in ("usb", "tcp"):
        raise ConfigError(f"unknown ST-Link backend '{settings.backend}': use usb or tcp [port]")
    transport = settings.transport
    expected = "hla_" if driver == "hla" else "dapdirect_"
    if transport and not transport.startswith(expected):
        raise ConfigError(f"transport {transport} does not go with adapter driver {driver}: "
                          f"use {expected}swd")
    from .stlink import StlinkAdapter

    if driver == "stlink":
        settings.driver = "st-link"
    return StlinkAdapter.from_settings(settings)


__all__ = ["STLINK_TCP_PORT", "STLINK_VID_PIDS", "Adapter", "AdapterSettings", "DapAccess", "HlaAccess",
           "ResetConfig", "create_adapter", "settings_from_config"]
