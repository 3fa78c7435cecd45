"""Flash drivers by the name `flash bank` gives them (a table, not name tests).

Each driver module is imported when a bank first uses it.
"""

from __future__ import annotations

import importlib

from ocdpy.errors import ConfigError

# driver name -> (module, class)
DRIVERS: dict[str, tuple[str, str]] = {
    "stm32f1x": ("ocdpy.flash.drivers.stm32f1x", "Stm32f1xFlash"),
    "stm32f2x": ("ocdpy.flash.drivers.stm32f2x", "Stm32f2xFlash"),
    "stm32h7x": ("ocdpy.flash.drivers.stm32h7x", "Stm32h7xFlash"),
}


def driver_names() -> list[str]:
    return sorted(DRIVERS)


def driver_class(name: str) -> type:
    """The driver class for `name`; OpenOCD drivers ocdpy does not have get a stand-in
    whose operations say so (a config that declares them still loads)."""
    entry = DRIVERS.get(name)
    if entry is None:
        from ocdpy.flash.drivers.base import UnsupportedFlash

        return UnsupportedFlash
    module, cls = entry
    return getattr(importlib.import_module(module), cls)


def check_driver(name: str, known: tuple[str, ...] = ()) -> None:
    if name not in DRIVERS and name not in known:
        raise ConfigError(f"flash driver '{name}' not found; ocdpy has: {', '.join(driver_names())}")
