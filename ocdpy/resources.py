"""Where the data shipped with ocdpy lives: the Tcl grammars and the bundled cfg/ tree.

In a source checkout these are the top-level `grammar/` and `cfg/` folders; in a wheel
they are `ocdpy/_data/grammar` and `ocdpy/_data/cfg` (symlinks in the checkout, copied
files in the wheel), so one lookup serves both.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """Return the directory of shipped data `name` ("grammar" or "cfg")."""
    inside = _PKG / "_data" / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name


def grammar_path(filename: str) -> Path:
    return data_dir("grammar") / filename


def cfg_dir() -> Path:
    return data_dir("cfg")
