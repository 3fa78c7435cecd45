"""The OCDPY_SIM environment spec: a virtual chip behind a virtual ST-Link, in-process.

    OCDPY_SIM=<chip>[,state=FILE][,probe=KIND][,fault=NAME]...[,deterministic]
              [,stats=FILE][,fw=VERSION][,serial=SERIAL]

e.g. `OCDPY_SIM=stm32f103c8,state=/tmp/bp.json,probe=stlink-v2-1,fault=wrp`.
`usb_backend_from_env()` turns it into a pyusb backend, so a driver that does
`usb.core.find(idVendor=0x0483, backend=usb_backend_from_env())` finds the probe.
The chip's state (flash, option bytes, protection) is saved to `state=FILE` when the
device is closed and at interpreter exit; `stats=FILE` gets the counters (JSON).

`SimSpec` / `SimHardware` are shared with the `ocdpy-sim` command line.
"""

from __future__ import annotations

import atexit
import json
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ocdpy.errors import ConfigError
from ocdpy.sim.stlink.faults import PROBE_FAULT_NAMES, ProbeFaults

if TYPE_CHECKING:
    import usb.backend

    from ocdpy.sim.stlink import SimStlink

ENV_VAR = "OCDPY_SIM"
SPEC_KEYS = ("state", "probe", "fault", "deterministic", "stats", "fw", "serial")
DEFAULT_PROBE = "stlink-v2"


def _chips_module() -> Any:
    try:
        from ocdpy.sim import chips
    except ImportError as exc:
        raise ConfigError(f"virtual chips are not available in this installation ({exc})") from exc
    return chips


def chip_names() -> tuple[str, ...]:
    return tuple(_chips_module().CHIP_NAMES)


def chip_fault_names() -> tuple[str, ...]:
    """Fault names the chip model accepts (empty if it does not publish them)."""
    names = getattr(_chips_module(), "FAULT_NAMES", None)
    if names is None:
        try:
            from ocdpy.sim.faults import CHIP_FAULT_NAMES as names
        except ImportError:
            names = ()
    return tuple(names)


def _create_chip(name: str, faults: list[str], state_path: str | None) -> Any:
    return _chips_module().create_chip(name, faults=faults, state_path=state_path)


@dataclass
class SimSpec:
    chip: str
    probe: str = DEFAULT_PROBE
    state: str | None = None
    stats: str | None = None
    faults: list[str] = field(default_factory=list)
    deterministic: bool = False
    fw: str | None = None
    serial: str | None = None

    @classmethod
    def parse(cls, text: str) -> SimSpec:
        """Parse an OCDPY_SIM value; a ConfigError names what is wrong and the valid keys."""
        items = [item.strip() for item in text.split(",")]
        if not items or not items[0] or "=" in items[0]:
            raise ConfigError(
                f"{ENV_VAR}={text!r}: the first item must be a chip name, e.g. "
                f"{ENV_VAR}=stm32f103c8,probe=stlink-v2; keys after it: {', '.join(SPEC_KEYS)}"
            )
        spec = cls(chip=items[0])
        for item in items[1:]:
            if not item:
                continue
            key, sep, value = item.partition("=")
            key = key.strip().lower()
            value = value.strip()
            if key == "deterministic" and not sep:
                spec.deterministic = True
                continue
            if key not in SPEC_KEYS:
                raise ConfigError(
                    f"{ENV_VAR}: unknown key {key!r} in {item!r}; valid keys: {', '.join(SPEC_KEYS)}"
                )
            if key == "deterministic":
                spec.deterministic = value.lower() not in ("0", "no", "false", "off")
                continue
            if not sep or not value:
                raise ConfigError(f"{ENV_VAR}: {key} needs a value ({key}=...)")
            if key == "fault":
                spec.faults.append(value)
            else:
                setattr(spec, key, value)
        return spec

    def split_faults(self) -> tuple[list[str], ProbeFaults]:
        """Chip fault names, and the probe faults (usb-error-after=N, unplug-after=N)."""
        chip_faults: list[str] = []
        probe_faults = ProbeFaults()
        known_chip = chip_fault_names()
        for name in self.faults:
            if ProbeFaults.is_probe_fault(name):
                probe_faults.add(name)
            elif known_chip and name.split("=", 1)[0].strip() not in known_chip:
                valid = ", ".join([*known_chip, *PROBE_FAULT_NAMES])
                raise ConfigError(f"unknown fault {name!r}; valid faults: {valid}")
            else:
                chip_faults.append(name)
        return chip_faults, probe_faults


class SimHardware:
    """A virtual chip and the virtual ST-Link wired to it, built from a `SimSpec`."""

    def __init__(self, spec: SimSpec) -> None:
        from ocdpy.sim.stlink import SimStlink, probe_kind

        names = chip_names()
        if spec.chip not in names:
            raise ConfigError(f"unknown chip {spec.chip!r}; valid chips: {', '.join(names)}")
        kind = probe_kind(spec.probe)
        chip_faults, probe_faults = spec.split_faults()
        self.spec = spec
        self.chip = _create_chip(spec.chip, chip_faults, spec.state)
        self.probe: SimStlink = SimStlink(
            self.chip, kind, fw=spec.fw, serial=spec.serial, faults=probe_faults,
            deterministic=spec.deterministic,
        )
        self._save_lock = threading.Lock()

    def stats_dict(self) -> dict[str, object]:
        return {
            "chip": self.spec.chip,
            "probe": self.probe.kind.name,
            "firmware": str(self.probe.fw),
            "deterministic": self.spec.deterministic,
            **self.chip.stats.as_dict(),
        }

    def save(self) -> None:
        """Write the chip state (state=FILE) and the stats (stats=FILE), if asked for."""
        with self._save_lock, self.probe.lock:
            if self.spec.state:
                self.chip.save_state(self.spec.state)
            if self.spec.stats:
                tmp = self.spec.stats + ".tmp"
                with open(tmp, "w", encoding="utf-8") as f:
                    json.dump(self.stats_dict(), f, indent=2)
                    f.write("\n")
                os.replace(tmp, self.spec.stats)


def _save_at_exit(hardware: SimHardware) -> None:
    try:
        hardware.save()
    except OSError as exc:
        import sys

        sys.stderr.write(f"Error: {ENV_VAR}: cannot save the virtual chip's state or stats: {exc}\n")


_cache: dict[str, tuple[SimHardware, usb.backend.IBackend]] = {}
_cache_lock = threading.Lock()


def hardware_from_env(environ: dict[str, str] | None = None) -> SimHardware | None:
    entry = _entry_from_env(environ)
    return entry[0] if entry else None


def usb_backend_from_env(environ: dict[str, str] | None = None) -> usb.backend.IBackend | None:
    """The pyusb backend for $OCDPY_SIM, or None when the variable is unset or empty.

    The same spec gives the same backend (and chip) for the life of the process.
    Raises ConfigError for a bad spec."""
    entry = _entry_from_env(environ)
    return entry[1] if entry else None


def _entry_from_env(environ: dict[str, str] | None) -> tuple[SimHardware, usb.backend.IBackend] | None:
    text = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    if not text:
        return None
    with _cache_lock:
        if text not in _cache:
            from ocdpy.sim.usb_backend import SimUsbBackend

            hardware = SimHardware(SimSpec.parse(text))
            backend = SimUsbBackend([hardware.probe], on_close=hardware.save)
            atexit.register(_save_at_exit, hardware)
            _cache[text] = (hardware, backend)
        return _cache[text]
