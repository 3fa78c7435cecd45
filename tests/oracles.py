"""Finding the oracle programs (openocd, jimsh, tclsh, gdb-multiarch, arm-none-eabi-*).

A test that needs one calls `need("openocd")`: it returns the path, or skips the test
with the reason, or fails it when OCDPY_REQUIRE_ORACLES=1 (CI installs the oracles, so
an absent one there is a broken CI, not a reason to skip).
"""

from __future__ import annotations

import os
import shutil

import pytest

INSTALL_HINT = {
    "openocd": "apt-get install openocd",
    "jimsh": "apt-get install jimsh",
    "tclsh": "apt-get install tcl",
    "gdb-multiarch": "apt-get install gdb-multiarch",
    "arm-none-eabi-as": "apt-get install binutils-arm-none-eabi",
    "arm-none-eabi-objcopy": "apt-get install binutils-arm-none-eabi",
    "arm-none-eabi-gcc": "apt-get install gcc-arm-none-eabi",
}

OPENOCD_SCRIPTS = "/usr/share/openocd/scripts"


def required() -> bool:
    return os.environ.get("OCDPY_REQUIRE_ORACLES") == "1"


def need(name: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    reason = f"oracle {name!r} not installed ({INSTALL_HINT.get(name, 'install it')})"
    if required():
        pytest.fail(reason + " but OCDPY_REQUIRE_ORACLES=1")
    pytest.skip(reason)


def need_openocd_scripts() -> str:
    need("openocd")
    if os.path.isdir(OPENOCD_SCRIPTS):
        return OPENOCD_SCRIPTS
    reason = f"OpenOCD script tree not found at {OPENOCD_SCRIPTS}"
    if required():
        pytest.fail(reason + " but OCDPY_REQUIRE_ORACLES=1")
    pytest.skip(reason)
