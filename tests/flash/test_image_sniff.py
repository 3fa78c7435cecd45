"""Files that are not images are refused with what they are and what to pass
instead; real binaries, however odd, still load."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocdpy import log
from ocdpy.errors import ImageError
from ocdpy.flash.image import Segment, load_image
from ocdpy.flash.image_sniff import looks_like_text
from tests.flash.images import builders

REPO = Path(__file__).resolve().parents[2]

LINKER_SCRIPT = """\
/* Linker script for STM32F103C8 */
ENTRY(Reset_Handler)
MEMORY
{
  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K
  RAM (xrw)  : ORIGIN = 0x20000000, LENGTH = 20K
}
SECTIONS
{
  .isr_vector : { KEEP(*(.isr_vector)) } >FLASH
}
"""

MAP_FILE = """\
Archive member included to satisfy reference by file (symbol)

Memory Configuration

Name             Origin             Length             Attributes
FLASH            0x08000000         0x00010000         xr
*default*        0x00000000         0xffffffff

Linker script and memory map

                0x20005000                _estack = (ORIGIN (RAM) + LENGTH (RAM))
"""

C_SOURCE = '#include "stm32f1xx.h"\n\nint main(void)\n{\n\tfor (;;) {}\n}\n'
ASSEMBLY = "\t.syntax unified\n\t.cpu cortex-m3\n\t.thumb\n\t.global Reset_Handler\n"
OPENOCD_CFG = "source [find interface/stlink.cfg]\ntransport select hla_swd\n"
LFS_POINTER = ("version https://git-lfs.github.com/spec/v1\noid sha256:"
               + "0" * 64 + "\nsize 65536\n")
HTML = "<!DOCTYPE html>\n<html><head><title>firmware.bin</title></head></html>\n"


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    lines: list[str] = []

    def listen(level: int, line: str) -> None:
        if level == log.WARNING:
            lines.append(line)

    log.add_listener(listen)
    yield lines
    log.remove_listener(listen)


def _refusal(path: Path, kind: str | None = None) -> str:
    with pytest.raises(ImageError) as err:
        load_image(path, kind, 0x08000000)
    return str(err.value)


@pytest.mark.parametrize("kind", [None, "bin"])
@pytest.mark.parametrize("name, content, says", [
    ("STM32F103C8Tx_FLASH.ld", LINKER_SCRIPT,
     ": this is a linker script (.ld), not firmware; flash the .elf or .bin your build "
     "produced"),
    ("firmware.bin", LINKER_SCRIPT, ": this is a linker script (.ld), not firmware"),
    ("firmware.map", MAP_FILE,
     ": this is a linker map file (.map), not firmware; flash the .elf or .bin your build "
     "produced"),
    ("output.txt", MAP_FILE, ": this is a linker map file (.map)"),
    ("main.c", C_SOURCE,
     ": this is C/C++ source code, not firmware; build it, then flash the .elf or .bin "
     "your build produced"),
    ("main.txt", C_SOURCE, ": this is C/C++ source code"),
    ("startup.s", ASSEMBLY, ": this is assembly source code, not firmware; build it"),
    ("startup.bin", ASSEMBLY, ": this is assembly source code"),
    ("board.cfg", OPENOCD_CFG, ": this is an OpenOCD script, not firmware; run it with -f"),
    ("firmware.elf", LFS_POINTER,
     ": this is a Git LFS pointer file, not the firmware itself; run `git lfs pull`"),
    ("firmware.bin", HTML, ": this is an HTML page, not firmware"),
    ("blinky.lst", "\nblinky.elf:     file format elf32-littlearm\n\n\nDisassembly of section "
     ".text:\n\n08000040 <Default_Handler>:\n", ": this is a disassembly listing, not firmware"),
    ("notes.bin", "flash me please\nthanks\n",
     ": this is a text file, not a binary image (it starts 'flash me please'); flash the "
     ".elf, .hex or .bin your build produced, or, to write the file's bytes as they are, "
     "give the image type raw"),
    ("tiny.bin", "ABCD", ": this is a text file, not a binary image (it starts 'ABCD')"),
])
def test_text_is_refused(tmp_path: Path, kind: str | None, name: str, content: str,
                         says: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    assert _refusal(path, kind).startswith(f"{path}{says}")


def test_the_repositorys_own_linker_script_and_sources(tmp_path: Path) -> None:
    firmware = REPO / "contrib" / "firmware"
    assert "this is a linker script (.ld)" in _refusal(firmware / "ld" / "f103.ld")
    assert "this is a linker script (.ld)" in _refusal(firmware / "ld" / "sections.ld")
    assert "this is C/C++ source code" in _refusal(firmware / "src" / "blinky.c")
    assert "this is a text file" in _refusal(firmware / "build.sh")


def test_hex_given_as_bin_names_the_right_type(tmp_path: Path) -> None:
    path = tmp_path / "fw.hex"
    path.write_text(builders.ihex([(0x08000000, b"\x00\x10\x00\x20")]))
    assert _refusal(path, "bin") == (
        f"{path}: this looks like an Intel HEX file but was given type bin; give the image "
        "type ihex to read its records")


def test_hex_that_detection_misses_names_the_right_type(tmp_path: Path) -> None:
    """A blank first line defeats OpenOCD's 9-byte detection; the file would be written
    as ASCII. Refused, and the suggested type then loads it."""
    path = tmp_path / "fw.hex"
    path.write_text("\n" + builders.ihex([(0x08000000, b"\x00\x10\x00\x20")]))
    assert _refusal(path) == (
        f"{path}: this looks like an Intel HEX file but does not start with a record; give "
        "the image type ihex to read its records")
    assert load_image(path, "ihex").segments == [Segment(0x08000000, b"\x00\x10\x00\x20")]


def test_srec_that_detection_misses(tmp_path: Path) -> None:
    path = tmp_path / "fw.s19"
    path.write_text(builders.srec([(0x08000000, b"\x00\x10\x00\x20")]).lower())
    assert "this looks like an S-record file but does not start with a record; give the " \
           "image type s19" in _refusal(path)
    assert load_image(path, "s19").segments == [Segment(0x08000000, b"\x00\x10\x00\x20")]


def test_raw_type_forces_text_through(tmp_path: Path) -> None:
    path = tmp_path / "layout.ld"
    path.write_text(LINKER_SCRIPT)
    image = load_image(path, "raw", 0x20000000)
    assert image.type == "bin"
    assert image.segments == [Segment(0x20000000, LINKER_SCRIPT.encode())]


@pytest.mark.parametrize("magic, what", [
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b\x08\x00", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00\x00", "an xz-compressed file"),
])
def test_archives(tmp_path: Path, warnings: list[str], magic: bytes, what: str) -> None:
    path = tmp_path / "firmware.bin"
    path.write_bytes(magic + bytes(range(256)))
    assert _refusal(path) == (
        f"{path}: this is {what}, not a firmware image; extract the .elf, .hex or the .bin "
        "from it first")
    assert load_image(path, "bin").total_size == len(magic) + 256
    assert warnings == [f"Warn : {path} is {what}; writing its compressed bytes as given "
                        "(type bin)"]


def test_elf_given_as_bin_loads_raw_with_a_warning(tmp_path: Path, warnings: list[str]) -> None:
    path = REPO / "contrib" / "firmware" / "blinky-f103.elf"
    image = load_image(path, "bin", 0x08000000)
    assert image.segments == [Segment(0x08000000, path.read_bytes())]
    assert warnings == [
        f"Warn : {path} is an ELF file but type bin was given: its raw bytes, headers "
        "included, are loaded; omit the type to load its segments"]


def test_binary_with_an_image_suffix_loads_with_a_warning(tmp_path: Path,
                                                          warnings: list[str]) -> None:
    path = tmp_path / "firmware.hex"
    path.write_bytes(b"\x00\x50\x00\x20\x45\x00\x00\x08\x41\x00\x00\x08")
    assert load_image(path).segments == [Segment(0, path.read_bytes())]
    assert warnings == [f"Warn : {path} is named like an Intel HEX file but is not one; "
                        "loading it as a raw binary"]


def test_mostly_printable_firmware_still_loads(tmp_path: Path, warnings: list[str]) -> None:
    """Vector table (NUL bytes in SP and handler addresses), then code and a large
    block of string constants: a real firmware shape that is 97% printable."""
    vectors = struct.pack("<4I", 0x20005000, 0x08000101, 0x08000141, 0x08000141)
    strings = b"Hello from the blinky firmware, version 1.2.3\r\n" * 100
    path = tmp_path / "firmware.bin"
    path.write_bytes(vectors + strings)
    assert looks_like_text(path.read_bytes()) is False
    assert load_image(path).segments == [Segment(0, path.read_bytes())]
    assert load_image(path, "bin").total_size == len(vectors + strings)
    assert warnings == []


def test_binary_without_nul_but_not_text_loads(tmp_path: Path) -> None:
    path = tmp_path / "noise.bin"
    path.write_bytes(bytes(range(1, 256)) * 8)
    assert load_image(path, "bin").total_size == 255 * 8
    assert load_image(path).total_size == 255 * 8


def test_utf8_text_counts_as_text(tmp_path: Path) -> None:
    path = tmp_path / "LISEZMOI.bin"
    path.write_text("Déposez le micrologiciel ici — merci.\n" * 3, encoding="utf-8")
    assert "this is a text file" in _refusal(path)


@settings(max_examples=150, deadline=None)
@given(st.binary(min_size=1, max_size=2000), st.integers(min_value=0, max_value=1999))
def test_any_binary_with_a_nul_byte_loads_as_bin(blob: bytes, where: int) -> None:
    data = bytearray(blob)
    data[where % len(data)] = 0
    assert looks_like_text(bytes(data)) is False


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0x20000400, max_value=0x2001FFFC),
       st.integers(min_value=0x08000000, max_value=0x080FFFFF), st.binary(max_size=500))
def test_anything_that_starts_with_a_vector_table_loads(sp: int, reset: int,
                                                        rest: bytes) -> None:
    assert looks_like_text(struct.pack("<II", sp, reset | 1) + rest) is False
