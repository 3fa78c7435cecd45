"""Everything the config phase declares, in one place per session: adapter settings,
transport, TAPs, DAPs, targets, flash banks, trace units and server settings.

Plain data with lookups; the commands in ocdpy/commands/ fill it in, and `init` hands
it to the adapter, target and flash code. Nothing here is global: each Session has its
own `Configuration`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ocdpy.target.adapter_config import AdapterConfig
from ocdpy.target.dap import DapConfig
from ocdpy.target.flash_bank import FlashBankConfig
from ocdpy.target.server_config import ServerConfig
from ocdpy.target.tap import TapConfig
from ocdpy.target.target_config import TargetConfig
from ocdpy.target.trace import CtiConfig, TpiuSwoConfig
from ocdpy.target.transport import TransportState


@dataclass
class Configuration:
    adapter: AdapterConfig = field(default_factory=AdapterConfig)
    transport: TransportState = field(default_factory=TransportState)
    taps: list[TapConfig] = field(default_factory=list)
    daps: list[DapConfig] = field(default_factory=list)
    targets: list[TargetConfig] = field(default_factory=list)
    current_target: TargetConfig | None = None
    flash_banks: list[FlashBankConfig] = field(default_factory=list)
    trace_units: list[TpiuSwoConfig] = field(default_factory=list)
    ctis: list[CtiConfig] = field(default_factory=list)
    servers: ServerConfig = field(default_factory=ServerConfig)
    # Target-type and driver commands ocdpy accepts without acting on them yet:
    # (full command name, args), in order.
    other_settings: list[tuple[str, list[str]]] = field(default_factory=list)
    next_target_number: int = 0

    def tap(self, dotted_name: str) -> TapConfig | None:
        for t in self.taps:
            if t.dotted_name == dotted_name:
                return t
        return None

    def dap(self, name: str) -> DapConfig | None:
        for d in self.daps:
            if d.name == name:
                return d
        return None

    def target(self, name: str) -> TargetConfig | None:
        for t in self.targets:
            if t.name == name:
                return t
        return None

    def flash_bank(self, name: str) -> FlashBankConfig | None:
        for b in self.flash_banks:
            if b.name == name:
                return b
        return None

    def trace_unit(self, name: str) -> TpiuSwoConfig | None:
        for t in self.trace_units:
            if t.name == name:
                return t
        return None

    def cti(self, name: str) -> CtiConfig | None:
        for c in self.ctis:
            if c.name == name:
                return c
        return None
