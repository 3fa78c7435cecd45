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
    entry = DRIVERS.get(name)
    if entry is None:
        raise ConfigError(f"flash driver '{name}' not found; ocdpy has: {', '.join(driver_names())}")
    module, cls = entry
    return getattr(importlib.import_module(module), cls)
