"""The debug probe interface targets use, whatever the probe and its wire to the host.

A probe offers one of two levels of access, as in OpenOCD:

- `HlaAccess` ("high-level adapter", OpenOCD's `adapter driver hla`): the probe
  firmware itself runs the DAP; the host asks for memory blocks, core registers and
  single debug-register words. The ST-Link in `hla_swd` mode is one.
- `DapAccess` (`adapter driver st-link`, CMSIS-DAP later): the host drives the ADIv5
  Debug Port and Access Ports register by register (`ocdpy.arm.dap` builds MEM-APs on
  it); a probe may add block memory commands as a fast path.

`Adapter` is the probe object a session owns: open/close, clock, target voltage,
NRST, and whichever access it offers. One object per probe; nothing module-level.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

ST_VID = 0x0483
# The VID:PID pairs OpenOCD 0.12's interface/stlink.cfg lists: V1, V2, V2-1, V3 loader,
# V3E, V3S/SET, V2-1 without mass storage, V3 with two VCPs, V3E without mass storage.
STLINK_VID_PIDS: tuple[tuple[int, int], ...] = tuple(
    (ST_VID, pid) for pid in (0x3744, 0x3748, 0x374B, 0x374D, 0x374E, 0x374F, 0x3752, 0x3753, 0x3754)
)
STLINK_TCP_PORT = 7184


@dataclass
class ResetConfig:
    """The part of `reset_config` a probe and a core act on.

    `has_srst`: NRST is wired and may be used to reset (srst_only / srst_and_trst).
    `srst_nogate`: the debug port still answers while NRST is held low.
    `connect_assert_srst`: hold NRST low while connecting (firmware that disables the
    SWD pins or sleeps cannot stop the connection then).
    """

    has_srst: bool = False
    has_trst: bool = False
    srst_nogate: bool = False
    connect_assert_srst: bool = False

    @classmethod
    def parse(cls, words: list[str] | tuple[str, ...] | str) -> ResetConfig:
        """Build from `reset_config` words, e.g. "srst_only srst_nogate connect_assert_srst"."""
        if isinstance(words, str):
            words = words.split()
        cfg = cls()
        for word in words:
            if word in ("srst_only", "srst_and_trst"):
                cfg.has_srst = True
                cfg.has_trst = word == "srst_and_trst"
            elif word == "trst_only":
                cfg.has_trst = True
            elif word == "none":
                cfg.has_srst = cfg.has_trst = False
            elif word == "srst_nogate":
                cfg.srst_nogate = True
            elif word == "srst_gates_jtag":
                cfg.srst_nogate = False
            elif word == "connect_assert_srst":
                cfg.connect_assert_srst = True
            elif word == "connect_deassert_srst":
                cfg.connect_assert_srst = False
        return cfg


@dataclass
class AdapterSettings:
    """What the session's adapter configuration commands collected, for `open_adapter`.

    driver: "hla" (with hla_layout "stlink") or "st-link".
    transport: "hla_swd" / "dapdirect_swd" (the JTAG variants are refused at open).
    backend: "usb" or "tcp" (`hla_stlink_backend tcp [port]`, `st-link backend tcp [port]`).
    usb_backend: a pyusb backend object to use instead of $OCDPY_SIM / libusb (tests).
    """

    driver: str = "hla"
    hla_layout: str | None = "stlink"
    vid_pids: list[tuple[int, int]] = field(default_factory=lambda: list(STLINK_VID_PIDS))
    serial: str | None = None
    speed_khz: int | None = None
    backend: str = "usb"
    tcp_port: int = STLINK_TCP_PORT
    transport: str | None = None
    reset: ResetConfig = field(default_factory=ResetConfig)
    usb_backend: object | None = None


class Timebase(Protocol):
    """The clock the target runs on: what waits and timeouts around on-target routines
    are measured in."""

    def now(self) -> float:
        """Seconds, monotonic."""
        ...

    def wait(self, seconds: float) -> None:
        """Let the target run for about `seconds`."""
        ...


class WallClock:
    """Real time: a probe on real hardware."""

    def now(self) -> float:
        return time.monotonic()

    def wait(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(min(seconds, 0.05))


WALL_CLOCK = WallClock()


@runtime_checkable
class HlaAccess(Protocol):
    """Core and memory access done by the probe firmware (OpenOCD's hla layout API)."""

    tar_autoincr_block: int

    def read_memory(self, address: int, size: int, width: int, ap: int = 0) -> bytes:
        """`size` bytes from `address` with `width`-byte (1, 2, 4) accesses, any alignment."""
        ...

    def write_memory(self, address: int, data: bytes, width: int, ap: int = 0) -> None: ...

    def read_u32(self, address: int) -> int:
        """One aligned word (a debug register or any memory word) in one probe command."""
        ...

    def write_u32(self, address: int, value: int) -> None: ...

    def read_core_reg(self, regsel: int) -> int:
        """A core register by its DCRSR REGSEL number; the core must be halted."""
        ...

    def write_core_reg(self, regsel: int, value: int) -> None: ...

    def read_all_core_regs(self) -> dict[int, int] | None:
        """r0-r15, xPSR, MSP, PSP and the CONTROL/FAULTMASK/BASEPRI/PRIMASK word (REGSEL
        0x14) in one command, keyed by REGSEL; None if the probe cannot."""
        ...

    def reset_system(self) -> None:
        """Reset the system through the probe's own SYSRESETREQ command."""
        ...

    def idcode(self) -> int: ...


@runtime_checkable
class DapAccess(Protocol):
    """ADIv5 DP and AP register access (DP register addresses 0x0-0xC, banked as 0xN4)."""

    def connect(self) -> int:
        """Bring the debug port up (power-up requests, sticky errors cleared); returns DPIDR."""
        ...

    def dp_read(self, reg: int) -> int: ...

    def dp_write(self, reg: int, value: int) -> None: ...

    def ap_read(self, ap: int, reg: int) -> int: ...

    def ap_write(self, ap: int, reg: int, value: int) -> None: ...

    def mem_fast_path(self, ap: int) -> bool:
        """True when `mem_read`/`mem_write` can move blocks through MEM-AP `ap`."""
        ...

    def mem_read(self, ap: int, address: int, size: int, width: int, csw: int, tar_block: int) -> bytes:
        """Block read through MEM-AP `ap` with CSW `csw`, never crossing a `tar_block`."""
        ...

    def mem_write(self, ap: int, address: int, data: bytes, width: int, csw: int, tar_block: int) -> None: ...


class Adapter(ABC):
    """A debug probe as the session and the targets see it."""

    driver: str = ""  # the `adapter driver` name: "hla", "st-link"
    transport: str = ""  # "hla_swd", "dapdirect_swd"

    @abstractmethod
    def open(self) -> None:
        """Find and open the probe, bring it into debug mode and connect to the target."""

    @abstractmethod
    def close(self) -> None:
        """Leave debug mode and release the probe. Safe to call twice or after errors."""

    @property
    @abstractmethod
    def is_open(self) -> bool: ...

    @property
    @abstractmethod
    def speed_khz(self) -> int:
        """The SWD clock in use (kHz)."""

    @abstractmethod
    def query_speed(self, khz: int) -> int:
        """The clock the probe would use for `khz`; logs OpenOCD's "Unable to match
        requested speed" Info line when it is not exact. Changes nothing."""

    @abstractmethod
    def set_speed(self, khz: int) -> int:
        """Switch to the clock closest to `khz` (not above it when possible); returns it."""

    @abstractmethod
    def target_voltage(self) -> float | None:
        """Volts on the probe's target-sense pin, or None if the probe cannot tell."""

    @abstractmethod
    def assert_srst(self) -> None:
        """Drive NRST low."""

    @abstractmethod
    def deassert_srst(self) -> None:
        """Release NRST."""

    @property
    def srst_asserted(self) -> bool:
        return False

    @property
    def timebase(self) -> Timebase:
        """The target's clock: wall time, or a virtual chip's modeled time when the probe
        is one (there time passes only as the virtual hardware is driven)."""
        return WALL_CLOCK

    @property
    def disconnected(self) -> str | None:
        """Why the probe is gone, once it was lost mid-session (unplugged, USB link or
        server failed), as one line telling what to do; None while it is usable."""
        return None

    @property
    def hla(self) -> HlaAccess | None:
        """High-level core/memory access, for `hla_*` transports."""
        return None

    @property
    def dap(self) -> DapAccess | None:
        """DP/AP register access, for `dapdirect_*` transports."""
        return None

    @property
    def command_count(self) -> int:
        """Probe commands sent so far (for statistics and tests)."""
        return 0

    def __enter__(self) -> Adapter:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
