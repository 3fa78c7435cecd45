"""Telling a firmware binary from files that only look like one to OpenOCD.

OpenOCD loads anything it does not recognise as a raw binary, so a linker script or
a map file given by mistake is "written and verified" and nothing runs. Before a file
is loaded as `bin`, `check_binary` looks at it:

- Text is refused, with what kind of text it is (linker script, map file, C or
  assembly source, an OpenOCD script, a HEX/S-record file that auto-detection missed,
  a Git LFS pointer, a web page). A file is text when it has no NUL byte at all, its
  first 16 bytes are printable characters, tabs or line breaks, and so are at least
  95% of its first 64 KiB (valid UTF-8 counts as printable). Real firmware fails the
  first two tests: a Cortex-M vector table starts with the stack pointer and reset
  address (0x2000xxxx, 0x080xxxxx: NUL and 0x08 bytes), and practically every code or
  data block of any size holds a NUL. Type `raw` skips the check.
- Archives (zip, gzip, xz, 7z) are refused when the type was detected; with an
  explicit `bin` they load, with a warning.
- A detected `bin` whose name says .hex/.elf/.s19 loads, with a warning.
"""

from __future__ import annotations

import os
import re

from ocdpy import log
from ocdpy.errors import ImageError

_SAMPLE = 64 * 1024
_TEXT_BYTES = bytes([*range(0x20, 0x7F), 0x09, 0x0A, 0x0C, 0x0D])
_HIGH_BYTES = bytes(range(0x80, 0x100))

_ARCHIVES = (
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
)
_NAMED_SUFFIX = {
    ".hex": "Intel HEX", ".ihex": "Intel HEX", ".ihx": "Intel HEX",
    ".elf": "ELF", ".axf": "ELF", ".out": "ELF",
    ".s19": "S-record", ".srec": "S-record", ".mot": "S-record", ".s28": "S-record",
    ".s37": "S-record",
}
_BUILD_OUTPUT = "flash the .elf or .bin your build produced"


def looks_like_text(data: bytes) -> bool:
    """True when the bytes read as text (see the module docstring for the rule)."""
    if not data or b"\0" in data:
        return False
    if data[:16].translate(None, _TEXT_BYTES + _HIGH_BYTES):
        return False  # text starts with text; a vector table starts with 0x08, 0x00...
    sample = data[:_SAMPLE]
    texty = len(sample) - len(sample.translate(None, _TEXT_BYTES))
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    if high:
        try:
            sample.decode("utf-8")
            texty += high
        except UnicodeDecodeError as exc:
            # a multi-byte character cut by the sample boundary still counts
            if exc.start >= len(sample) - 3 and len(data) > _SAMPLE:
                texty += high
    return texty >= 0.95 * len(sample)


_LINKER_SCRIPT = re.compile(r"^\s*(SECTIONS|MEMORY)\s*(\{|$)", re.MULTILINE)
_MAP_FILE = re.compile(
    r"^(Memory Configuration|Linker script and memory map|Archive member included|"
    r"Discarded input sections|Allocating common symbols)", re.MULTILINE,
)
_C_SOURCE = re.compile(
    r"^\s*#\s*(include|define|ifn?def|if|pragma)\b|\b(int|void)\s+main\s*\(|"
    r"^\s*(static\s+|extern\s+)?(const\s+)?(void|int|char|unsigned|uint\d+_t|struct)\b.*[;{)]\s*$",
    re.MULTILINE,
)
_ASSEMBLY = re.compile(
    r"^\s*\.(syntax|thumb|thumb_func|section|global|globl|text|word|cpu|arch|align|equ|type)\b",
    re.MULTILINE,
)
_OPENOCD_SCRIPT = re.compile(
    r"^\s*(source\s+\[find|adapter\s|transport\s+select|interface\s|set\s+\w+|proc\s+\w+|"
    r"reset_config\s|flash\s+bank\s|target\s+create\s)",
    re.MULTILINE,
)
_HEX_RECORD = re.compile(r"^:[0-9A-Fa-f]{10,}$")
_SREC_RECORD = re.compile(r"^[Ss][0-9][0-9A-Fa-f]{6,}$")


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            line = line.strip()
            return line if len(line) <= 40 else line[:40] + "..."
    return ""


def describe_text(data: bytes, name: str, explicit_bin: bool) -> str:
    """The refusal message for a text file that was about to load as a binary."""
    text = data[:_SAMPLE].decode("utf-8", errors="replace")
    suffix = os.path.splitext(name)[1].lower()
    head = text.lstrip().lower()
    first = _first_line(text)
    as_bin = "was given type bin" if explicit_bin else "does not start with a record"

    if head.startswith("version https://git-lfs"):
        return (f"{name}: this is a Git LFS pointer file, not the firmware itself; run "
                "`git lfs pull` to fetch the real file")
    if head.startswith(("<!doctype html", "<html")):
        return (f"{name}: this is an HTML page, not firmware (a download that saved the web "
                "page instead of the file?); download the raw file")
    if suffix in (".ld", ".lds", ".x", ".icf", ".sct") or _LINKER_SCRIPT.search(text):
        return f"{name}: this is a linker script (.ld), not firmware; {_BUILD_OUTPUT}"
    if suffix == ".map" or _MAP_FILE.search(text):
        return f"{name}: this is a linker map file (.map), not firmware; {_BUILD_OUTPUT}"
    if _HEX_RECORD.match(first):
        return (f"{name}: this looks like an Intel HEX file but {as_bin}; give the image type "
                "ihex to read its records")
    if _SREC_RECORD.match(first):
        return (f"{name}: this looks like an S-record file but {as_bin}; give the image type "
                "s19 to read its records")
    if text.startswith("Disassembly of") or "\nDisassembly of section" in text:
        return f"{name}: this is a disassembly listing, not firmware; {_BUILD_OUTPUT}"
    if suffix in (".c", ".h", ".cpp", ".cc", ".cxx", ".hpp", ".hh", ".ino"):
        return f"{name}: this is C/C++ source code, not firmware; build it, then {_BUILD_OUTPUT}"
    if suffix in (".s", ".asm", ".inc") or _ASSEMBLY.search(text):
        return (f"{name}: this is assembly source code, not firmware; build it, then "
                f"{_BUILD_OUTPUT}")
    if suffix in (".cfg", ".tcl") or _OPENOCD_SCRIPT.search(text):
        return (f"{name}: this is an OpenOCD script, not firmware; run it with -f "
                f"{name}, and give the firmware file to the write command")
    if _C_SOURCE.search(text):
        return f"{name}: this is C/C++ source code, not firmware; build it, then {_BUILD_OUTPUT}"
    return (f"{name}: this is a text file, not a binary image (it starts {first!r}); flash the "
            ".elf, .hex or .bin your build produced, or, to write the file's bytes as they "
            "are, give the image type raw")


def check_binary(data: bytes, name: str, explicit: bool) -> None:
    """Raise ImageError if `data` is not plausibly a raw binary image; warn about
    doubtful cases. `explicit`: the user typed `bin` rather than letting it detect."""
    if looks_like_text(data):
        raise ImageError(describe_text(data, name, explicit))
    for magic, what in _ARCHIVES:
        if data.startswith(magic):
            if not explicit:
                raise ImageError(
                    f"{name}: this is {what}, not a firmware image; extract the .elf, .hex or "
                    "the .bin from it first"
                )
            log.warning(f"{name} is {what}; writing its compressed bytes as given (type bin)")
            return
    if data[:4] == b"\x7fELF":
        log.warning(
            f"{name} is an ELF file but type bin was given: its raw bytes, headers "
            "included, are loaded; omit the type to load its segments"
        )
        return
    suffix = os.path.splitext(name)[1].lower()
    if not explicit and suffix in _NAMED_SUFFIX:
        log.warning(
            f"{name} is named like an {_NAMED_SUFFIX[suffix]} file but is not one; loading "
            "it as a raw binary"
        )
