"""The committed blinky firmware loads to the same bytes at the same addresses from
each of its four files, and to what objcopy extracts."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ocdpy.flash.image import Segment, load_image, openocd_crc32
from tests import oracles

FIRMWARE = Path(__file__).resolve().parents[2] / "contrib" / "firmware"
BOARDS = ("f103", "f407", "h753")
FLASH = 0x08000000


@pytest.mark.parametrize("board", BOARDS)
def test_every_format_gives_the_same_image(board: str) -> None:
    stem = FIRMWARE / f"blinky-{board}"
    raw = stem.with_suffix(".bin").read_bytes()
    expected = [Segment(FLASH, raw)]
    elf = load_image(stem.with_suffix(".elf"))
    hex_ = load_image(stem.with_suffix(".hex"))
    srec = load_image(stem.with_suffix(".s19"))
    bin_ = load_image(stem.with_suffix(".bin"), None, FLASH)
    assert [i.type for i in (elf, hex_, srec, bin_)] == ["elf", "ihex", "s19", "bin"]
    for image in (elf, hex_, srec, bin_):
        assert image.segments == expected, image.type
    # explicit types load the same
    assert load_image(stem.with_suffix(".hex"), "ihex").segments == expected
    assert load_image(stem.with_suffix(".elf"), "elf").segments == expected
    assert load_image(stem.with_suffix(".bin"), "bin", FLASH).segments == expected
    # the entry point is Reset_Handler (Thumb bit set) in the three formats that carry one
    entry = int.from_bytes(raw[4:8], "little")
    assert elf.start_address == hex_.start_address == srec.start_address == entry
    assert bin_.start_address is None


@pytest.mark.parametrize("board", BOARDS)
def test_offset_moves_the_whole_image(board: str) -> None:
    stem = FIRMWARE / f"blinky-{board}"
    moved = load_image(stem.with_suffix(".elf"), None, 0x1000)
    assert moved.segments == [Segment(FLASH + 0x1000, stem.with_suffix(".bin").read_bytes())]


def test_load_image_window_on_blinky() -> None:
    """`load_image blinky-f103.elf 0 elf 0x08000100 0x8` writes 8 bytes from 0x08000100."""
    image = load_image(FIRMWARE / "blinky-f103.elf", "elf").clipped(0x08000100, 0x08000108)
    raw = (FIRMWARE / "blinky-f103.bin").read_bytes()
    assert image.segments == [Segment(0x08000100, raw[0x100:0x108])]


def test_verify_checksum_of_blinky() -> None:
    image = load_image(FIRMWARE / "blinky-f103.hex")
    raw = (FIRMWARE / "blinky-f103.bin").read_bytes()
    assert image.checksums() == [openocd_crc32(raw)]


@pytest.mark.parametrize("board", BOARDS)
def test_objcopy_agrees(board: str, tmp_path: Path) -> None:
    """objcopy's own conversions of the ELF load to the same image as the ELF."""
    objcopy = oracles.need("arm-none-eabi-objcopy")
    elf = FIRMWARE / f"blinky-{board}.elf"
    expected = load_image(elf).segments
    for fmt, name in (("binary", "o.bin"), ("ihex", "o.hex"), ("srec", "o.s19")):
        out = tmp_path / name
        subprocess.run([objcopy, "-O", fmt, str(elf), str(out)], check=True, timeout=60)
        base = FLASH if fmt == "binary" else 0
        assert load_image(out, None, base).segments == expected, fmt
