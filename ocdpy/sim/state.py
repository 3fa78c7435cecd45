"""Chip state files: flash contents, option bytes and protection kept between runs.

The file is JSON: format name and version, the chip name, the flash image (zlib then
base64; an erased 2 MiB flash takes a few KiB) and the family's option-byte state. It
is written to a temporary file in the same directory and renamed over the old one, so
a crash or a full disk never leaves a half-written state behind.
"""

from __future__ import annotations

import base64
import json
import os
import tempfile
import zlib
from typing import TYPE_CHECKING

from ocdpy.errors import ConfigError

if TYPE_CHECKING:
    from ocdpy.sim.chip import SimChip

FORMAT = "ocdpy-sim-chip-state"
VERSION = 1


def state_dict(chip: SimChip) -> dict[str, object]:
    flash = chip.flash.snapshot()
    return {
        "format": FORMAT,
        "version": VERSION,
        "chip": chip.name,
        "flash_size": len(flash),
        "flash": base64.b64encode(zlib.compress(flash, 6)).decode("ascii"),
        "options": chip.flashctl.option_state(),
    }


def save_state(chip: SimChip, path: str) -> None:
    """Atomically write the chip's non-volatile state to `path`."""
    text = json.dumps(state_dict(chip), indent=1, sort_keys=True)
    directory = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".ocdpy-state-", dir=directory)
    except OSError as exc:
        raise ConfigError(f"cannot write chip state to {path}: {exc.strerror}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise ConfigError(f"cannot write chip state to {path}: {exc.strerror}") from None


def load_state(chip: SimChip, path: str) -> None:
    """Restore flash and option bytes from `path` (the caller power-cycles the chip)."""
    try:
        with open(path, encoding="utf-8") as src:
            data = json.load(src)
    except OSError as exc:
        raise ConfigError(f"cannot read chip state {path}: {exc.strerror}") from None
    except ValueError:
        raise ConfigError(f"{path} is not a chip state file (not JSON); delete it or pick another --state file") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ConfigError(f"{path} is not an ocdpy-sim chip state file; delete it or pick another --state file")
    if data.get("version") != VERSION:
        raise ConfigError(f"{path}: state format version {data.get('version')} is not supported (expected {VERSION})")
    if data.get("chip") != chip.name:
        raise ConfigError(
            f"{path} holds the state of a {data.get('chip')}, not a {chip.name}; "
            f"use --chip {data.get('chip')} or another --state file"
        )
    try:
        flash = zlib.decompress(base64.b64decode(str(data["flash"])))
    except (KeyError, ValueError, zlib.error):
        raise ConfigError(f"{path}: flash image is damaged; delete the file to start from an erased chip") from None
    if len(flash) != chip.flash.size:
        raise ConfigError(f"{path}: flash image is {len(flash)} bytes, the chip has {chip.flash.size}")
    chip.flash.restore(flash)
    chip.flash_changed(chip.flash.base, chip.flash.size)
    options = data.get("options")
    if isinstance(options, dict):
        chip.flashctl.load_option_state(options)


def load_state_if_present(chip: SimChip, path: str) -> None:
    if os.path.exists(path):
        load_state(chip, path)
