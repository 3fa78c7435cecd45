"""ELF loading: load addresses (p_paddr, and OpenOCD's p_vaddr fallback), what is
skipped, and every malformed-file error."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ocdpy.errors import ImageError
from ocdpy.flash.image import Segment, load_image
from tests import oracles
from tests.flash.images import builders
from tests.flash.images.builders import ET_REL, PT_NOTE, PT_NULL

TEXT = bytes(range(64))
DATA = b"\x0b\x0a\x00\x00"


def _load(tmp_path: Path, content: bytes, kind: str | None = None):
    path = tmp_path / "fw.elf"
    path.write_bytes(content)
    return load_image(path, kind)


def test_data_loads_at_its_physical_address_not_its_ram_address(tmp_path: Path) -> None:
    content = builders.elf([
        dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT),
        dict(vaddr=0x20000000, paddr=0x08000040, data=DATA, memsz=0x100),  # .data + .bss
    ], entry=0x08000011)
    image = _load(tmp_path, content)
    assert image.type == "elf"
    assert image.segments == [Segment(0x08000000, TEXT + DATA)]
    assert image.start_address == 0x08000011


def test_segments_without_file_bytes_and_other_types_are_skipped(tmp_path: Path) -> None:
    content = builders.elf([
        dict(type=PT_NULL, vaddr=0, paddr=0x300, data=b"no"),
        dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT),
        dict(type=PT_NOTE, vaddr=0, paddr=0x400, data=b"note"),
        dict(vaddr=0x20000000, paddr=0x20000000, data=b"", memsz=0x400),  # .bss only
        dict(vaddr=0x08001000, paddr=0x08001000, data=b"x", memsz=0x10),
    ])
    assert _load(tmp_path, content).segments == [
        Segment(0x08000000, TEXT), Segment(0x08001000, b"x")]


def test_all_paddr_zero_with_several_loads_uses_vaddr(tmp_path: Path) -> None:
    content = builders.elf([
        dict(vaddr=0x08000000, paddr=0, data=TEXT),
        dict(vaddr=0x08000100, paddr=0, data=DATA),
    ])
    assert _load(tmp_path, content).segments == [
        Segment(0x08000000, TEXT), Segment(0x08000100, DATA)]


def test_paddr_zero_with_a_single_load_stays_at_zero(tmp_path: Path) -> None:
    content = builders.elf([dict(vaddr=0x08000000, paddr=0, data=TEXT)])
    assert _load(tmp_path, content).segments == [Segment(0, TEXT)]


def test_bss_counts_as_a_load_for_the_vaddr_rule(tmp_path: Path) -> None:
    # two PT_LOAD occupying memory (one only .bss): OpenOCD counts memsz, not filesz
    content = builders.elf([
        dict(vaddr=0x08000000, paddr=0, data=TEXT),
        dict(vaddr=0x20000000, paddr=0, data=b"", memsz=0x40),
    ])
    assert _load(tmp_path, content).segments == [Segment(0x08000000, TEXT)]


def test_one_nonzero_paddr_anywhere_keeps_paddr(tmp_path: Path) -> None:
    content = builders.elf([
        dict(type=PT_NOTE, vaddr=0, paddr=0x10, data=b"n"),
        dict(vaddr=0x08000000, paddr=0, data=TEXT),
        dict(vaddr=0x08000100, paddr=0x100, data=DATA),
    ])
    assert _load(tmp_path, content).segments == [Segment(0, TEXT), Segment(0x100, DATA)]


@pytest.mark.parametrize("bits, endian", [(32, ">"), (64, "<"), (64, ">")])
def test_other_classes_and_byte_orders(tmp_path: Path, bits: int, endian: str) -> None:
    content = builders.elf([
        dict(vaddr=0x80000000, paddr=0x80000000, data=TEXT),
        dict(vaddr=0x90000000, paddr=0x80000040, data=DATA),
    ], entry=0x80000000, bits=bits, endian=endian)
    image = _load(tmp_path, content)
    assert image.segments == [Segment(0x80000000, TEXT + DATA)]
    assert image.start_address == 0x80000000


def test_overlapping_load_segments(tmp_path: Path) -> None:
    content = builders.elf([
        dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT),
        dict(vaddr=0x20000000, paddr=0x08000020, data=DATA),
    ])
    with pytest.raises(ImageError, match="overlapping segments 0x08000000-0x0800003f and "
                                         "0x08000020-0x08000023"):
        _load(tmp_path, content)


GOOD = builders.elf([
    dict(vaddr=0x08000000, paddr=0x08000000, data=TEXT),
    dict(vaddr=0x20000000, paddr=0x08000040, data=DATA),
])


@pytest.mark.parametrize("cut, what, need", [
    (12, "the ELF identification", 16),
    (40, "the ELF header", 52),
    (52 + 40, "the program header table", 52 + 64),
    (len(GOOD) - 2, "the segment loaded at 0x08000040", len(GOOD)),
    (52 + 64 + 10, "the segment loaded at 0x08000000", 52 + 64 + 64),
])
def test_truncated_elf(tmp_path: Path, cut: int, what: str, need: int) -> None:
    with pytest.raises(ImageError) as err:
        _load(tmp_path, GOOD[:cut], "elf")
    assert str(err.value) == (
        f"{tmp_path / 'fw.elf'}: truncated ELF file: {what} needs {need} bytes but the file "
        f"has {cut}; it was cut short (copy it again or rebuild)")


def test_truncated_elf_is_detected_as_elf(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="truncated ELF file: the ELF header"):
        _load(tmp_path, GOOD[:30])


def test_object_file_is_not_a_program(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="this is an ELF object file \\(.o\\) with no program "
                                         "headers, not a linked program; flash the .elf"):
        _load(tmp_path, builders.elf([], e_type=ET_REL))


def test_no_program_headers(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="fw.elf: invalid ELF file, no program headers$"):
        _load(tmp_path, builders.elf([]))


def test_no_loadable_segments(tmp_path: Path) -> None:
    content = builders.elf([
        dict(type=PT_NOTE, vaddr=0, paddr=0, data=b"note"),
        dict(vaddr=0x20000000, paddr=0x20000000, data=b"", memsz=0x100),
    ])
    with pytest.raises(ImageError, match="invalid ELF file, no loadable segments: nothing in "
                                         "it is placed in memory"):
        _load(tmp_path, content)


@pytest.mark.parametrize("index, value, message", [
    (4, 3, "invalid ELF file, only 32/64 bit ELF files are supported"),
    (5, 0, "invalid ELF file, unknown endianness setting"),
])
def test_bad_identification(tmp_path: Path, index: int, value: int, message: str) -> None:
    content = bytearray(GOOD)
    content[index] = value
    with pytest.raises(ImageError, match=message):
        _load(tmp_path, bytes(content))


def test_real_object_file_from_gcc(tmp_path: Path) -> None:
    gcc = oracles.need("arm-none-eabi-gcc")
    src = tmp_path / "f.c"
    src.write_text("int f(int x) { return x + 1; }\n")
    obj = tmp_path / "f.o"
    run = subprocess.run([gcc, "-c", "-mthumb", "-mcpu=cortex-m3", str(src), "-o", str(obj)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    with pytest.raises(ImageError, match="ELF object file"):
        load_image(obj)


def test_linked_by_gcc_with_data_in_ram(tmp_path: Path) -> None:
    """A program linked here by arm-none-eabi-gcc loads to what objcopy -O binary
    extracts (objcopy also places sections at their load addresses)."""
    gcc = oracles.need("arm-none-eabi-gcc")
    objcopy = oracles.need("arm-none-eabi-objcopy")
    (tmp_path / "p.c").write_text(
        "int counter = 0x1234;\nint scratch[8];\n"
        "void _start(void) { for (;;) scratch[counter & 7]++; }\n")
    (tmp_path / "p.ld").write_text(
        "MEMORY { FLASH (rx) : ORIGIN = 0x00400000, LENGTH = 64K\n"
        "         RAM (rwx) : ORIGIN = 0x20400000, LENGTH = 8K }\n"
        "SECTIONS { .text : { *(.text*) *(.rodata*) } > FLASH\n"
        "  .data : { *(.data*) } > RAM AT > FLASH\n"
        "  .bss : { *(.bss*) *(COMMON) } > RAM }\n")
    elf = tmp_path / "p.elf"
    run = subprocess.run(
        [gcc, "-O1", "-mthumb", "-mcpu=cortex-m4", "-nostdlib", "-T", str(tmp_path / "p.ld"),
         str(tmp_path / "p.c"), "-o", str(elf), "-Wl,--no-warn-rwx-segments"],
        capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    flat = tmp_path / "p.bin"
    subprocess.run([objcopy, "-O", "binary", str(elf), str(flat)], check=True, timeout=60)
    image = load_image(elf)
    assert image.flatten() == (0x00400000, flat.read_bytes())
    assert flat.read_bytes().endswith(b"\x34\x12\x00\x00")  # .data initialiser in flash
