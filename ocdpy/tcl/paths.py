"""File names between Tcl strings and the operating system.

A Tcl string here holds one character per byte (the latin-1 model), so the bytes of
a file name are the string's characters: a UTF-8 name such as `1986ве1т.cfg` reaches
the engine as its 14 bytes. Python's file functions want the name decoded with the
file-system encoding instead; these two functions convert in each direction, so the
name a script sees, prints and reports in errors is byte for byte the one on disk.
"""

from __future__ import annotations

import os


def fs_path(name: str) -> str:
    """The path Python's `open`/`os` functions need for the Tcl string `name`.

    A string with characters above 0xFF cannot be bytes: it is taken to be a path
    already decoded (from an embedder that passed a Python path), and used as is.
    """
    try:
        raw = name.encode("latin-1")
    except UnicodeEncodeError:
        return name
    if raw.isascii():
        return name
    return os.fsdecode(raw)


def tcl_string(path: str | bytes) -> str:
    """A path (or any text) from the operating system as a Tcl string: its bytes."""
    if isinstance(path, bytes):
        return path.decode("latin-1")
    if path.isascii():
        return path
    return os.fsencode(path).decode("latin-1")
