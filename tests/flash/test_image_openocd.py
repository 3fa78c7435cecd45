"""Differential: OpenOCD 0.12 opens the same files and reports the sections it would
write (`test_image`, run on a dummy adapter with OpenOCD's `testee` target, which
needs no hardware). Our Image must cover the same address ranges, and fail where
OpenOCD fails; where ocdpy refuses on purpose (text given as a binary), the test
shows what OpenOCD would have written instead."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from ocdpy.errors import ImageError
from ocdpy.flash.image import load_image
from tests import oracles
from tests.flash.images import builders
from tests.flash.images.builders import PT_NOTE

FIRMWARE = Path(__file__).resolve().parents[2] / "contrib" / "firmware"
TEXT = bytes(range(64))

PIECES = [(0x0800FFF0, bytes(range(40))), (0x08020000, b"\xde\xad\xbe\xef"),
          (0x20000000, bytes(range(200, 256)) * 3)]

# name -> (file content, type or None, offset or None)
CASES: dict[str, tuple[bytes, str | None, int | None]] = {
    "hex-linear": (builders.ihex(PIECES, start=0x08000045).encode(), None, None),
    "hex-linear-offset": (builders.ihex(PIECES).encode(), "ihex", 0x1000),
    "hex-segment": (builders.ihex([(0x10000, TEXT), (0x30010, b"abc")],
                                  segment_mode=True).encode(), None, None),
    "hex-lowercase-crlf-comment": (
        builders.ihex(PIECES).lower().replace("\n", "\r\n")
        .replace(":00000001ff", "# trailer\r\n\r\n:00000001ff").encode(), None, None),
    "hex-joined": ((builders.ihex([(0x08000000, b"boot")])
                    + builders.ihex([(0x08004000, b"app!")])).encode(), None, None),
    "s19-16bit": (builders.srec([(0xFF00, TEXT)], address_bytes=2, count_record=True).encode(),
                  None, None),
    "s19-24bit": (builders.srec([(0xFFFF00, TEXT), (0x10, b"x")], address_bytes=3).encode(),
                  None, None),
    "s19-32bit-offset": (builders.srec(PIECES).encode(), "s19", 0x100),
    "elf-data-at-paddr": (builders.elf([
        dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT),
        dict(vaddr=0x20000000, paddr=0x08000040, data=b"\x01\x02\x03\x04", memsz=0x100),
    ]), None, None),
    "elf-paddr-zero-two-loads": (builders.elf([
        dict(vaddr=0x08000000, paddr=0, data=TEXT),
        dict(vaddr=0x08000100, paddr=0, data=b"data"),
    ]), None, None),
    "elf-paddr-zero-one-load": (builders.elf([dict(vaddr=0x08000000, paddr=0, data=TEXT)]),
                                None, None),
    "elf-paddr-zero-bss-counts": (builders.elf([
        dict(vaddr=0x08000000, paddr=0, data=TEXT),
        dict(vaddr=0x20000000, paddr=0, data=b"", memsz=0x40),
    ]), None, None),
    "elf-note-paddr-keeps-paddr": (builders.elf([
        dict(type=PT_NOTE, vaddr=0, paddr=0x10, data=b"n"),
        dict(vaddr=0x08000000, paddr=0, data=TEXT),
        dict(vaddr=0x08000100, paddr=0x100, data=b"data"),
    ]), None, None),
    "elf-big-endian": (builders.elf([dict(vaddr=0x1000, paddr=0x1000, data=TEXT)],
                                    endian=">"), None, None),
    "elf64": (builders.elf([dict(vaddr=0x80000000, paddr=0x80000000, data=TEXT)], bits=64),
              None, None),
    "elf-offset": (builders.elf([dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT)]),
                   "elf", 0x2000),
    "bin-offset": (b"\x00\x50\x00\x20\x45\x00\x00\x08\x41\x00\x00\x08", None, 0x08000000),
    "bin-typed-elf-file": (builders.elf([dict(vaddr=0, paddr=0, data=TEXT)]), "bin", None),
}
for board in ("f103", "f407", "h753"):
    for ext in ("elf", "hex", "s19"):
        CASES[f"blinky-{board}.{ext}"] = ((FIRMWARE / f"blinky-{board}.{ext}").read_bytes(),
                                          None, None)
    CASES[f"blinky-{board}.bin"] = ((FIRMWARE / f"blinky-{board}.bin").read_bytes(),
                                    None, 0x08000000)

GOOD_HEX = builders.ihex([(0x08000000, TEXT)]).splitlines()
GOOD_SREC = builders.srec([(0x08000000, TEXT)]).splitlines()
ELF = builders.elf([dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT)])

# files both refuse
BAD: dict[str, tuple[bytes, str | None]] = {
    "bad-hex-checksum": (("\n".join([GOOD_HEX[0], GOOD_HEX[1][:-2] + "00", *GOOD_HEX[2:]])
                          + "\n").encode(), None),
    "bad-hex-no-eof": (("\n".join(GOOD_HEX[:-1]) + "\n").encode(), None),
    "bad-hex-type-06": (("\n".join([GOOD_HEX[0], ":00000006FA", *GOOD_HEX[1:]])
                         + "\n").encode(), None),
    "bad-s19-checksum": (("\n".join([GOOD_SREC[0], GOOD_SREC[1][:-2] + "00", *GOOD_SREC[2:]])
                          + "\n").encode(), None),
    "bad-s19-no-end": (("\n".join(GOOD_SREC[:-1]) + "\n").encode(), None),
    "bad-s19-type-4": (("\n".join([GOOD_SREC[0], "S4030000FC", *GOOD_SREC[1:]])
                        + "\n").encode(), None),
    "bad-elf-truncated-header": (ELF[:40], None),
    "bad-elf-no-program-headers": (builders.elf([]), None),
    "bad-elf-no-loadable": (builders.elf([dict(type=PT_NOTE, vaddr=0, paddr=0, data=b"n")]),
                            None),
    "bad-elf-class": (ELF[:4] + b"\x03" + ELF[5:], None),
    "bad-type-keyword": (b"\x00\x01\x02", "hex"),
}

# files OpenOCD writes as binaries and ocdpy refuses on purpose
TEXT_FILES = {
    "linker-script.ld": b"MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n}\n",
    "main.c": b"#include <stdint.h>\nint main(void) { for (;;) {} }\n",
    "notes.txt": b"flash this at 0x08000000 please\n",
    "fw-blank-first-line.hex": b"\n" + builders.ihex([(0x08000000, TEXT)]).encode(),
}

# Under 9 bytes: OpenOCD 0.12's detection fails with no message (its fileio read of the
# 9-byte header errors); later OpenOCD, like ocdpy, loads such a file as bin.
SHORT = b"\x7fELF\x01\x01"

_SECTION = re.compile(r"^address (0x[0-9a-f]+) length (0x[0-9a-f]+)$")


def _tcl_word(path: Path) -> str:
    return "{" + str(path) + "}"


@pytest.fixture(scope="module")
def openocd_results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """name -> list of (address, length) OpenOCD reported, or 'FAIL'."""
    openocd = oracles.need("openocd")
    work = tmp_path_factory.mktemp("images")
    commands = ["adapter driver dummy", "adapter speed 1000", "transport select jtag",
                "jtag newtap t cpu -irlen 4", "target create t.cpu testee -chain-position t.cpu",
                "init"]
    jobs: list[tuple[str, Path, str | None, int | None]] = []
    for name, (content, kind, offset) in CASES.items():
        jobs.append((name, work / name, kind, offset))
        (work / name).write_bytes(content)
    for name, (content, kind) in BAD.items():
        jobs.append((name, work / name, kind, None))
        (work / name).write_bytes(content)
    for name, content in TEXT_FILES.items():
        jobs.append((name, work / name, None, None))
        (work / name).write_bytes(content)
    jobs.append(("missing", work / "no-such-file.bin", None, None))
    (work / "short.bin").write_bytes(SHORT)
    jobs.append(("short", work / "short.bin", None, 0x20000000))
    jobs.append(("short-typed", work / "short.bin", "bin", 0x20000000))
    for name, path, kind, offset in jobs:
        args = [_tcl_word(path)]
        if offset is not None or kind is not None:
            args.append(hex(offset or 0))
        if kind is not None:
            args.append(kind)
        commands.append(f"echo {{==== {name}}}")
        commands.append(f"if {{[catch {{test_image {' '.join(args)}}} msg]}} "
                        "{echo FAIL} else {echo $msg}")
    commands.append("shutdown")
    argv = [openocd]
    for c in commands:
        argv += ["-c", c]
    run = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    output = run.stdout + run.stderr
    results: dict[str, object] = {}
    current = None
    for line in output.splitlines():
        if line.startswith("==== "):
            current = line[5:]
            results[current] = []
        elif current is not None:
            if line.strip() == "FAIL":
                results[current] = "FAIL"
            elif m := _SECTION.match(line.strip()):
                results[current].append((int(m[1], 16), int(m[2], 16)))  # type: ignore[union-attr]
    results["_paths"] = {name: (path, kind, offset) for name, path, kind, offset in jobs}
    assert len(results) == len(jobs) + 1, output[-3000:]
    return results


def _merged(sections: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for address, length in sorted(sections):
        if length == 0:
            continue
        if out and out[-1][0] + out[-1][1] == address:
            out[-1][1] += length
        else:
            out.append([address, length])
    return [(a, n) for a, n in out]


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_sections_as_openocd(openocd_results: dict, name: str) -> None:
    path, kind, offset = openocd_results["_paths"][name]
    theirs = openocd_results[name]
    assert theirs != "FAIL" and theirs, f"OpenOCD could not open {name}"
    image = load_image(path, kind, offset or 0)
    assert [(s.address, s.size) for s in image] == _merged(theirs)


@pytest.mark.parametrize("name", sorted(BAD) + ["missing"])
def test_both_refuse(openocd_results: dict, name: str) -> None:
    path, kind, offset = openocd_results["_paths"][name]
    assert openocd_results[name] == "FAIL"
    with pytest.raises(ImageError):
        load_image(path, kind, offset or 0)


@pytest.mark.parametrize("name", sorted(TEXT_FILES))
def test_text_openocd_would_write_is_refused(openocd_results: dict, name: str) -> None:
    path, _, _ = openocd_results["_paths"][name]
    assert openocd_results[name] == [(0, len(TEXT_FILES[name]))]
    with pytest.raises(ImageError, match="this (is|looks like)"):
        load_image(path)


def test_short_file_is_a_binary(openocd_results: dict) -> None:
    path, _, _ = openocd_results["_paths"]["short"]
    assert openocd_results["short"] == "FAIL"  # OpenOCD 0.12 without a type
    assert openocd_results["short-typed"] == [(0x20000000, len(SHORT))]
    for kind in (None, "bin"):
        image = load_image(path, kind, 0x20000000)
        assert [(s.address, s.data) for s in image] == [(0x20000000, SHORT)]
