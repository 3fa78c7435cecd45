"""Trace and cross-trigger units declared in the config phase: TPIU/SWO objects
(`tpiu create`, `swo create`) and CTIs (`cti create`)."""

from __future__ import annotations

from dataclasses import dataclass, field

# Events a TPIU/SWO object accepts, OpenOCD's order.
TPIU_EVENTS = ("pre-enable", "post-enable", "pre-disable", "post-disable")


@dataclass
class TpiuSwoConfig:
    name: str
    kind: str  # "tpiu" or "swo"
    dap: str | None = None
    ap_num: int = -1
    baseaddr: int = 0
    events: dict[str, str] = field(default_factory=dict)
    # `$obj configure` settings (-protocol, -traceclk, -pin-freq, -output, ...).
    options: dict[str, str] = field(default_factory=dict)
    enabled: bool = False


@dataclass
class CtiConfig:
    name: str
    dap: str | None = None
    ap_num: int = -1
    baseaddr: int = 0
