"""Probe-side fault switches: a USB transfer that fails, a probe pulled out of the port.

`usb-error-after=N`: the N-th USB transfer (counting command, data and reply
transfers from 1) fails with an I/O error; the probe stays on the bus.
`unplug-after=N`: the probe answers N commands, then disappears: every later
transfer fails as libusb reports a removed device (LIBUSB_ERROR_NO_DEVICE) and the
device is no longer enumerated.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy.errors import ConfigError

PROBE_FAULT_NAMES = ("usb-error-after=N", "unplug-after=N")


@dataclass
class ProbeFaults:
    usb_error_after: int | None = None
    unplug_after: int | None = None

    @staticmethod
    def is_probe_fault(name: str) -> bool:
        return name.split("=", 1)[0].strip() in ("usb-error-after", "unplug-after")

    def add(self, spec: str) -> None:
        """Switch on one fault given as `usb-error-after=N` or `unplug-after=N`."""
        key, sep, value = spec.partition("=")
        key = key.strip()
        if key not in ("usb-error-after", "unplug-after"):
            raise ConfigError(f"unknown probe fault {spec!r}; valid: {', '.join(PROBE_FAULT_NAMES)}")
        try:
            n = int(value, 0) if sep else -1
        except ValueError:
            n = -1
        if n < 1:
            raise ConfigError(f"probe fault {spec!r} needs a count: {key}=N with N >= 1")
        if key == "usb-error-after":
            self.usb_error_after = n
        else:
            self.unplug_after = n

    @classmethod
    def parse(cls, specs: list[str] | tuple[str, ...]) -> ProbeFaults:
        faults = cls()
        for spec in specs:
            faults.add(spec)
        return faults

    def names(self) -> list[str]:
        out = []
        if self.usb_error_after is not None:
            out.append(f"usb-error-after={self.usb_error_after}")
        if self.unplug_after is not None:
            out.append(f"unplug-after={self.unplug_after}")
        return out
