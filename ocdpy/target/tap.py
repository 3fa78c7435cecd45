"""JTAG TAPs and SWD/SWIM debug ports as declared by `jtag newtap`, `swd newdap`,
`swim newtap`: the scan-chain positions targets and DAPs refer to."""

from __future__ import annotations

from dataclasses import dataclass, field

# Events a TAP accepts in `jtag configure NAME -event EVENT BODY`, OpenOCD's order.
TAP_EVENTS = ("post-reset", "setup", "tap-enable", "tap-disable")


@dataclass
class TapConfig:
    chip: str
    tapname: str
    ir_length: int = 0
    ir_capture_mask: int = 0x03
    ir_capture_value: int = 0x01
    expected_ids: list[int] = field(default_factory=list)
    disabled_after_reset: bool = False
    enabled: bool = True
    ignore_version: bool = False
    ignore_bypass: bool = False
    idcode: int = 0
    events: dict[str, str] = field(default_factory=dict)

    @property
    def dotted_name(self) -> str:
        return f"{self.chip}.{self.tapname}"
