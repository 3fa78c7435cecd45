"""Debug adapter settings made in the config phase (`adapter ...`, `reset_config`,
driver commands such as `hla_vid_pid`), read by the adapter drivers at `init`.

`AdapterConfig` is plain data. `ResetConfig` keeps OpenOCD's reset_config flags and
renders them the way `reset_config` prints them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class ResetFlag(enum.IntFlag):
    """OpenOCD's reset_config bits (values as in its jtag.h)."""

    NONE = 0x0
    HAS_TRST = 0x1
    HAS_SRST = 0x2
    SRST_PULLS_TRST = 0x4
    TRST_PULLS_SRST = 0x8
    TRST_OPEN_DRAIN = 0x10
    SRST_PUSH_PULL = 0x20
    SRST_NO_GATING = 0x40
    CNCT_UNDER_SRST = 0x80


@dataclass
class ResetConfig:
    flags: ResetFlag = ResetFlag.NONE

    @property
    def has_srst(self) -> bool:
        return bool(self.flags & ResetFlag.HAS_SRST)

    @property
    def has_trst(self) -> bool:
        return bool(self.flags & ResetFlag.HAS_TRST)

    @property
    def srst_nogate(self) -> bool:
        return bool(self.flags & ResetFlag.SRST_NO_GATING)

    @property
    def connect_assert_srst(self) -> bool:
        return bool(self.flags & ResetFlag.CNCT_UNDER_SRST)

    def describe(self) -> str:
        """The line `reset_config` prints, e.g. `srst_only separate srst_nogate
        srst_open_drain connect_deassert_srst`."""
        f = self.flags
        signals = {ResetFlag.HAS_SRST: "srst_only", ResetFlag.HAS_TRST: "trst_only",
                   ResetFlag.HAS_SRST | ResetFlag.HAS_TRST: "trst_and_srst"}.get(
            f & (ResetFlag.HAS_SRST | ResetFlag.HAS_TRST), "none")
        combo = {ResetFlag.SRST_PULLS_TRST: "srst_pulls_trst",
                 ResetFlag.TRST_PULLS_SRST: "trst_pulls_srst",
                 ResetFlag.SRST_PULLS_TRST | ResetFlag.TRST_PULLS_SRST: "combined"}.get(
            f & (ResetFlag.SRST_PULLS_TRST | ResetFlag.TRST_PULLS_SRST), "separate")
        text = f"{signals} {combo}"
        if f & ResetFlag.HAS_SRST:
            text += " srst_nogate" if f & ResetFlag.SRST_NO_GATING else " srst_gates_jtag"
        if f & ResetFlag.HAS_TRST:
            text += " trst_open_drain" if f & ResetFlag.TRST_OPEN_DRAIN else " trst_push_pull"
        if f & ResetFlag.HAS_SRST:
            text += " srst_push_pull" if f & ResetFlag.SRST_PUSH_PULL else " srst_open_drain"
            text += (" connect_assert_srst" if f & ResetFlag.CNCT_UNDER_SRST
                     else " connect_deassert_srst")
        return text


@dataclass
class GpioConfig:
    """One `adapter gpio NAME ...` signal."""

    gpio_num: int = -1
    chip_num: int = -1
    active_low: bool = False
    drive: str = "push-pull"
    pull: str = "none"
    init_state: str = "inactive"


@dataclass
class AdapterConfig:
    driver: str | None = None
    # "unselected" until `adapter speed` (or jtag_rclk) is given; init then warns.
    clock_mode: str = "unselected"
    speed_khz: int = 0
    rclk_fallback_khz: int = 0
    serial: str | None = None
    usb_location: str | None = None
    srst_delay_ms: int = 0
    srst_pulse_width_ms: int = 0
    trst_delay_ms: int = 0
    trst_pulse_width_ms: int = 0
    reset: ResetConfig = field(default_factory=ResetConfig)
    gpios: dict[str, GpioConfig] = field(default_factory=dict)
    # hla / st-link / cmsis-dap settings the drivers of later issues read.
    usb_ids: list[tuple[int, int]] = field(default_factory=list)
    device_desc: str | None = None
    hla_layout: str | None = None
    backend: str = "usb"  # st-link: "usb" or "tcp"
    tcp_port: int = 7184
    # Every other driver command, in the order given: (full command name, args).
    driver_settings: list[tuple[str, list[str]]] = field(default_factory=list)

    def setting(self, name: str) -> list[str] | None:
        """The arguments of the last `name ...` driver command, if any."""
        for n, args in reversed(self.driver_settings):
            if n == name:
                return args
        return None
