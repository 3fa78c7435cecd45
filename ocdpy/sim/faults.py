"""Chip-side fault injection: the switches that make a virtual chip fail like a real one.

Names (as given to `--fault` or in the OCDPY_SIM spec):

  rdp1            read-out protection level 1 in the option bytes
  wrp[=MASK]      write protection in the option bytes; MASK is a bit mask of protection
                  groups (F1: 4-page groups, F4: sectors, H7: sectors of bank 1), default 1
                  (the first group, which holds the vector table)
  flash-size-bad  the flash size register reads 0x2D28 (11560 KiB) instead of the size
  no-power        target not powered: 0 V on VREF, nothing answers on SWD
  nrst-open       NRST not wired: driving it does nothing
  swd-disabled[=SECONDS]  the firmware reassigns the SWD pins after it has run for
                  SECONDS of modeled time since reset (default 0.001), counting the time
                  the core runs (or is locked up) outside SRAM, so a debugger's loader
                  in SRAM does not count; afterwards nothing answers until NRST is
                  asserted. The switch stands for such firmware whatever flash holds.

Probe faults (usb-error-after, unplug-after) belong to the virtual probe, not here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ocdpy.errors import ConfigError

CHIP_FAULT_NAMES: tuple[str, ...] = (
    "rdp1",
    "wrp",
    "flash-size-bad",
    "no-power",
    "nrst-open",
    "swd-disabled",
)
PROBE_FAULT_NAMES: tuple[str, ...] = ("usb-error-after", "unplug-after")

BAD_FLASH_SIZE_KB = 0x2D28


@dataclass
class ChipFaults:
    rdp1: bool = False
    wrp_mask: int = 0
    flash_size_bad: bool = False
    no_power: bool = False
    nrst_open: bool = False
    swd_disable_after: float | None = None

    def names(self) -> list[str]:
        out = []
        if self.rdp1:
            out.append("rdp1")
        if self.wrp_mask:
            out.append(f"wrp={self.wrp_mask:#x}")
        if self.flash_size_bad:
            out.append("flash-size-bad")
        if self.no_power:
            out.append("no-power")
        if self.nrst_open:
            out.append("nrst-open")
        if self.swd_disable_after is not None:
            out.append(f"swd-disabled={self.swd_disable_after:g}")
        return out


def _unknown(name: str) -> ConfigError:
    if name in PROBE_FAULT_NAMES:
        return ConfigError(
            f"fault '{name}' is a probe fault; give it to the virtual probe, not the chip"
        )
    return ConfigError(
        f"unknown chip fault '{name}'; valid chip faults: {', '.join(CHIP_FAULT_NAMES)}"
    )


def _number(name: str, text: str, kind: type) -> int | float:
    try:
        return int(text, 0) if kind is int else float(text)
    except ValueError:
        raise ConfigError(f"fault '{name}' needs a number, got '{text}'") from None


def parse_faults(spec: Mapping[str, object] | Iterable[str] | None) -> ChipFaults:
    """Turn `{"rdp1": True, "wrp": 3}` or `["rdp1", "wrp=3"]` into ChipFaults.

    Raises ConfigError naming the valid faults for anything unknown.
    """
    faults = ChipFaults()
    if spec is None:
        return faults
    items: list[tuple[str, object]] = []
    if isinstance(spec, Mapping):
        items = [(str(k), v) for k, v in spec.items()]
    else:
        if isinstance(spec, str):
            spec = [spec]
        for entry in spec:
            name, sep, value = str(entry).partition("=")
            items.append((name.strip(), value.strip() if sep else True))
    for name, value in items:
        if value is False or value is None:
            continue
        text = None if value is True else str(value)
        if name == "rdp1":
            faults.rdp1 = True
        elif name == "wrp":
            mask = 1 if text is None else int(_number(name, text, int))
            if mask <= 0:
                raise ConfigError("fault 'wrp' needs a non-zero protection group mask")
            faults.wrp_mask = mask
        elif name == "flash-size-bad":
            faults.flash_size_bad = True
        elif name == "no-power":
            faults.no_power = True
        elif name == "nrst-open":
            faults.nrst_open = True
        elif name == "swd-disabled":
            delay = 0.001 if text is None else float(_number(name, text, float))
            if delay < 0:
                raise ConfigError("fault 'swd-disabled' needs a delay >= 0 seconds")
            faults.swd_disable_after = delay
        else:
            raise _unknown(name)
    return faults
