"""Probe kinds: what tells an ST-Link/V2, a V2-1 and a STLINK-V3 apart on the bus.

Each kind has its USB identity (VID 0x0483 and its PID), its endpoints, its USB
speed, default firmware and serial, the interfaces its composite device exposes
(only interface 0, the debug interface, does anything here) and the costs the
timing model charges for a command round trip on that bus.

Timing figures (typical, host-dependent; kept here so they can be revisited):
  full-speed probes (V2, V2-1): a bulk OUT + IN command pair lands in one 1 ms USB
  frame, payload moves at about 1 MB/s (19 x 64-byte packets per frame at most);
  the STM32F103 firmware adds about 20 us per command.
  high-speed probes (V3): a round trip takes about two 125 us micro-frames, payload
  about 20 MB/s; the STM32F723 firmware adds about 5 us.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ocdpy.errors import ConfigError

ST_VID = 0x0483


@dataclass(frozen=True)
class Endpoint:
    address: int
    attributes: int  # 2 bulk, 3 interrupt
    max_packet: int
    interval: int = 0


@dataclass(frozen=True)
class Interface:
    number: int
    cls: int
    subclass: int
    protocol: int
    name: str
    endpoints: tuple[Endpoint, ...]
    extra: bytes = b""  # class-specific descriptors following the interface descriptor
    iad: tuple[int, int, int, int] | None = None  # (count, class, subclass, protocol)


@dataclass(frozen=True)
class ProbeKind:
    name: str
    pid: int
    product: str
    hw: int
    ep_out: int
    ep_in: int
    ep_trace: int
    high_speed: bool
    default_fw: str
    default_serial: str
    serial_quirk: bool  # the serial string descriptor carries 12 raw bytes, not 24 hex digits
    functions: tuple[str, ...]  # extra USB functions beside debug: "msd", "vcp", "bridge"
    round_trip_s: float
    bytes_per_s: float
    fw_overhead_s: float
    aliases: tuple[str, ...] = field(default=())

    @property
    def vid(self) -> int:
        return ST_VID

    @property
    def max_packet(self) -> int:
        return 512 if self.high_speed else 64

    @property
    def bcd_usb(self) -> int:
        return 0x0200

    @property
    def bcd_device(self) -> int:
        return 0x0100

    def interfaces(self) -> tuple[Interface, ...]:
        mp = self.max_packet
        bulk = 2
        debug = Interface(
            0, 0xFF, 0xFF, 0xFF, "ST-Link Debug",
            (Endpoint(self.ep_in, bulk, mp), Endpoint(self.ep_out, bulk, mp),
             Endpoint(self.ep_trace, bulk, mp)),
        )
        result = [debug]
        ep = 3
        for function in self.functions:
            n = len(result)
            if function == "msd":
                result.append(Interface(
                    n, 0x08, 0x06, 0x50, "ST-Link mass storage",
                    (Endpoint(0x80 | ep, bulk, mp), Endpoint(ep, bulk, mp)),
                ))
                ep += 1
            elif function == "vcp":
                # CDC ACM: header, call management, ACM, union functional descriptors
                cdc = bytes([5, 0x24, 0x00, 0x10, 0x01, 5, 0x24, 0x01, 0x00, n + 1,
                             4, 0x24, 0x02, 0x06, 5, 0x24, 0x06, n, n + 1])
                result.append(Interface(
                    n, 0x02, 0x02, 0x01, "ST-Link VCP Ctrl",
                    (Endpoint(0x80 | ep, 3, 16 if not self.high_speed else 8, 0x10),),
                    extra=cdc, iad=(2, 0x02, 0x02, 0x01),
                ))
                result.append(Interface(
                    n + 1, 0x0A, 0x00, 0x00, "ST-Link VCP Data",
                    (Endpoint(0x80 | (ep + 1), bulk, mp), Endpoint(ep + 1, bulk, mp)),
                ))
                ep += 2
            elif function == "bridge":
                result.append(Interface(
                    n, 0xFF, 0xFF, 0xFF, "ST-Link Bridge",
                    (Endpoint(0x80 | ep, bulk, mp), Endpoint(ep, bulk, mp)),
                ))
                ep += 1
        return tuple(result)


_FS = {"round_trip_s": 1.0e-3, "bytes_per_s": 1.0e6, "fw_overhead_s": 20e-6}
_HS = {"round_trip_s": 0.25e-3, "bytes_per_s": 20.0e6, "fw_overhead_s": 5e-6}

PROBE_KINDS: dict[str, ProbeKind] = {
    k.name: k
    for k in (
        ProbeKind("stlink-v2", 0x3748, "STM32 STLink", 2, 0x02, 0x81, 0x83, False,
                  "V2J37S7", "55FF6E064965535156522187", True, (), aliases=("v2",), **_FS),
        ProbeKind("stlink-v2-1", 0x374B, "STM32 STLink", 2, 0x01, 0x81, 0x82, False,
                  "V2J37M26", "066DFF535254887767221438", False, ("msd", "vcp"),
                  aliases=("v2-1", "stlink-v21"), **_FS),
        ProbeKind("stlink-v2-1-nomsd", 0x3752, "STM32 STLink", 2, 0x01, 0x81, 0x82, False,
                  "V2J37M26", "0669FF535254887767221901", False, ("vcp",), **_FS),
        ProbeKind("stlink-v3", 0x374F, "STLINK-V3", 3, 0x01, 0x81, 0x82, True,
                  "V3J7M3B5S1", "003A00283438510A33353533", False, ("msd", "vcp", "bridge"),
                  aliases=("v3", "stlink-v3set"), **_HS),
        ProbeKind("stlink-v3e", 0x374E, "STLINK-V3", 3, 0x01, 0x81, 0x82, True,
                  "V3J7M3", "002F00263438510B34313939", False, ("msd", "vcp"), **_HS),
        ProbeKind("stlink-v3-2vcp", 0x3753, "STLINK-V3", 3, 0x01, 0x81, 0x82, True,
                  "V3J7M3B5S1", "004800203438510B34313939", False, ("vcp", "vcp", "bridge"), **_HS),
        ProbeKind("stlink-v3e-nomsd", 0x3754, "STLINK-V3", 3, 0x01, 0x81, 0x82, True,
                  "V3J7M3", "0031003E3438510B34313939", False, ("vcp",), **_HS),
    )
}


def probe_kind(name: str) -> ProbeKind:
    """Look up a probe kind by name (stlink-v2, stlink-v2-1, stlink-v3, ...)."""
    key = name.strip().lower()
    for kind in PROBE_KINDS.values():
        if key == kind.name or key in kind.aliases:
            return kind
    raise ConfigError(f"unknown probe {name!r}; valid probes: {', '.join(PROBE_KINDS)}")
