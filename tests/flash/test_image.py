"""The Image model, OpenOCD's type rules and CRC, and load_image's file handling."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ocdpy.errors import ImageError
from ocdpy.flash.image import (
    Image,
    Segment,
    check_image_type,
    detect_image_type,
    load_image,
    openocd_crc32,
)
from tests.flash.images import builders


def _crc_reference(data: bytes, crc: int = 0xFFFFFFFF) -> int:
    """Bit by bit, MSB first, polynomial 0x04C11DB7, no reflection, no final XOR."""
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else (crc << 1)
            crc &= 0xFFFFFFFF
    return crc


# --- Image -------------------------------------------------------------------------

def test_segments_are_sorted_and_contiguous_ones_merged() -> None:
    image = Image([(0x100, b"cd"), (0x0FE, b"ab"), (0x200, b"z"), (0x300, b"")])
    assert image.segments == [Segment(0x0FE, b"abcd"), Segment(0x200, b"z")]
    assert image.total_size == 5
    assert len(image) == 2
    assert [s.address for s in image] == [0x0FE, 0x200]
    assert (image.min_address, image.end_address) == (0x0FE, 0x201)


def test_overlapping_segments_name_both_ranges() -> None:
    with pytest.raises(ImageError) as err:
        Image([(0x08000000, bytes(0x100)), (0x080000F0, bytes(0x20))], path="fw.hex")
    assert str(err.value).startswith(
        "fw.hex: overlapping segments 0x08000000-0x080000ff and 0x080000f0-0x0800010f"
    )


def test_a_segment_below_zero_is_refused() -> None:
    image = Image([(0x10, b"x")], path="a.bin")
    with pytest.raises(ImageError, match="below address 0; check the offset"):
        image.relocated(-0x20)


def test_read_fills_gaps_and_flatten_covers_all() -> None:
    image = Image([(0x10, b"\x01\x02"), (0x14, b"\x03")])
    assert image.read(0x0E, 8) == b"\xff\xff\x01\x02\xff\xff\x03\xff"
    assert image.read(0x11, 1, fill=0) == b"\x02"
    assert image.flatten() == (0x10, b"\x01\x02\xff\xff\x03")
    assert image.flatten(fill=0) == (0x10, b"\x01\x02\x00\x00\x03")
    assert Image().flatten() == (0, b"")


def test_relocated_moves_every_segment_but_not_the_entry_point() -> None:
    image = Image([(0, b"ab"), (0x10, b"c")], type="ihex", start_address=0x45)
    moved = image.relocated(0x08000000)
    assert moved.segments == [Segment(0x08000000, b"ab"), Segment(0x08000010, b"c")]
    assert (moved.type, moved.start_address) == ("ihex", 0x45)


def test_clipped_keeps_the_window_load_image_selects() -> None:
    image = Image([(0x100, b"abcdef"), (0x200, b"ghij")])
    assert image.clipped(0x102, 0x202).segments == [
        Segment(0x102, b"cdef"), Segment(0x200, b"gh")]
    assert image.clipped(0x300).segments == []
    assert image.clipped(0, 0x101).segments == [Segment(0x100, b"a")]


def test_checksums_are_per_segment() -> None:
    image = Image([(0, b"123456789"), (0x100, b"")])
    assert image.checksums() == [0x0376E6E7]


# --- OpenOCD's CRC-32 ----------------------------------------------------------------

def test_crc32_known_values() -> None:
    # CRC-32/MPEG-2 check value (the catalogue's "123456789" test)
    assert openocd_crc32(b"123456789") == 0x0376E6E7
    assert openocd_crc32(b"") == 0xFFFFFFFF
    assert openocd_crc32(b"\x00" * 4) == _crc_reference(b"\x00" * 4)
    assert openocd_crc32(b"123456789") != zlib.crc32(b"123456789")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300), st.binary(max_size=300),
       st.integers(min_value=0, max_value=0xFFFFFFFF))
def test_crc32_matches_the_bitwise_definition_and_chains(a: bytes, b: bytes, seed: int) -> None:
    assert openocd_crc32(a, seed) == _crc_reference(a, seed)
    assert openocd_crc32(b, openocd_crc32(a)) == openocd_crc32(a + b)


# --- type keywords and detection --------------------------------------------------

@pytest.mark.parametrize("head, kind", [
    (b"\x7fELF\x01\x01\x01\x00\x00", "elf"),
    (b":10000000", "ihex"),
    (b":020000040800F2", "ihex"),
    (b":0400000508000045AA", "ihex"),
    (b":00000001FF", "ihex"),
    (b":10000006", "bin"),        # record type 06 does not exist
    (b":1000000G0", "bin"),
    (b"S00F000068", "s19"),
    (b"S315080000", "s19"),
    (b"S8aB0000000", "s19"),
    (b"S9030000FC", "bin"),       # OpenOCD wants a type digit 0-8 first
    (b"SX15080000", "bin"),
    (b"\x7fELF\x01\x01", "bin"),  # under 9 bytes: always bin
    (b"\x00\x50\x00\x20\x45\x00\x00\x08\x41", "bin"),
])
def test_detection_follows_openocd(head: bytes, kind: str) -> None:
    assert detect_image_type(head) == kind


def test_type_keywords() -> None:
    for kind in ("bin", "ihex", "elf", "s19", "raw", None):
        assert check_image_type(kind) == kind
    with pytest.raises(ImageError) as err:
        check_image_type("hex")
    assert str(err.value) == (
        "Unknown image type: hex, use one of: bin, ihex, elf, s19 (did you mean 'ihex'?)")
    with pytest.raises(ImageError, match=r"^Unknown image type: foo, use one of: bin, ihex, elf, s19$"):
        check_image_type("foo")
    with pytest.raises(ImageError, match="'mem' reads the image from a target's memory"):
        check_image_type("mem")
    with pytest.raises(ImageError, match="'build'"):
        check_image_type("build")


# --- load_image --------------------------------------------------------------------

def test_bin_is_placed_at_the_base_address(tmp_path: Path) -> None:
    path = tmp_path / "fw.bin"
    path.write_bytes(b"\x00\x50\x00\x20\x45\x00\x00\x08")
    image = load_image(path, base_address=0x08000000)
    assert image.segments == [Segment(0x08000000, path.read_bytes())]
    assert (image.type, image.path, image.start_address) == ("bin", str(path), None)
    assert load_image(path).segments[0].address == 0
    assert load_image(str(path), "bin", 0x20000000).segments[0].address == 0x20000000


def test_base_address_is_added_to_every_type(tmp_path: Path) -> None:
    pieces = [(0x08000000, b"\x00\x10\x00\x20"), (0x08000100, b"\x01\x02")]
    files = {
        "a.hex": builders.ihex(pieces).encode(),
        "a.s19": builders.srec(pieces).encode(),
        "a.elf": builders.elf([dict(vaddr=a, paddr=a, data=d) for a, d in pieces]),
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
        image = load_image(tmp_path / name, None, 0x1000)
        assert image.segments == [Segment(a + 0x1000, d) for a, d in pieces], name
        neg = load_image(tmp_path / name, None, -0x08000000)
        assert neg.segments[0].address == 0, name


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError) as err:
        load_image(tmp_path / "nope.bin")
    assert str(err.value) == (
        f"couldn't open {tmp_path / 'nope.bin'}: no such file (relative paths start at "
        f"{os.getcwd()})")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="it is a directory, not an image file; pass the .elf"):
        load_image(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.bin"
    path.write_bytes(b"\x00\x01")

    def denied(*_args: object, **_kw: object) -> None:
        raise PermissionError(13, "Permission denied")

    # the tests run as root on CI, where chmod 0 would not stop the read
    monkeypatch.setattr("builtins.open", denied)
    with pytest.raises(ImageError) as err:
        load_image(path)
    assert str(err.value) == f"couldn't open {path}: Permission denied"


@pytest.mark.parametrize("kind", [None, "bin", "ihex", "elf", "s19", "raw"])
def test_empty_file(tmp_path: Path, kind: str | None) -> None:
    path = tmp_path / "empty.bin"
    path.write_bytes(b"")
    with pytest.raises(ImageError) as err:
        load_image(path, kind)
    assert str(err.value) == (
        f"{path} is empty (0 bytes); nothing to load. Check that the build finished and "
        "that this is the file it wrote")


def test_hex_with_no_data_records(tmp_path: Path) -> None:
    path = tmp_path / "nodata.hex"
    path.write_text(":020000040800F2\n:00000001FF\n")
    with pytest.raises(ImageError, match="holds no data: the Intel HEX file has no data records"):
        load_image(path)


def test_unknown_type_is_refused_before_reading(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match="Unknown image type: s37"):
        load_image(tmp_path / "missing", "s37")


@pytest.mark.parametrize("given_type, content, message", [
    ("elf", builders.ihex([(0, b"ab")]).encode(),
     "type elf was given but this is an Intel HEX file; omit the type to detect it, or give ihex"),
    ("s19", builders.ihex([(0, b"ab")]).encode(),
     "type s19 was given but this is an Intel HEX file"),
    ("ihex", builders.srec([(0, b"ab")]).encode(),
     "type ihex was given but this is an S-record file; omit the type to detect it, or give s19"),
    ("ihex", b"\x00\x50\x00\x20\x45\x00\x00\x08\x41\x00",
     "type ihex was given but this is binary data, not Intel HEX text; omit the type, or give bin"),
    ("elf", b"\x00\x50\x00\x20\x45\x00\x00\x08\x41\x00",
     "type elf was given but the file has no ELF header"),
    ("ihex", b"MEMORY\n{\n  FLASH : ORIGIN = 0x08000000, LENGTH = 64K\n}\n",
     "this is a linker script (.ld), not firmware; flash the .elf or .bin your build produced"),
])
def test_declared_type_that_does_not_fit(tmp_path: Path, given_type: str, content: bytes,
                                         message: str) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    with pytest.raises(ImageError) as err:
        load_image(path, given_type)
    assert message in str(err.value)


def test_relative_path_is_searched_in_the_script_directories(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    scripts = tmp_path / "scripts"
    (scripts / "fw").mkdir(parents=True)
    (scripts / "fw" / "app.bin").write_bytes(b"\x00\x01\x02\x03")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    image = load_image("fw/app.bin", None, 0x100, search_dirs=[str(tmp_path / "x"), str(scripts)])
    assert image.path == str(scripts / "fw" / "app.bin")
    assert image.segments == [Segment(0x100, b"\x00\x01\x02\x03")]
    # the current directory wins, as in OpenOCD
    (elsewhere / "fw").mkdir()
    (elsewhere / "fw" / "app.bin").write_bytes(b"\x00\x09")
    assert load_image("fw/app.bin", search_dirs=[str(scripts)]).path == "fw/app.bin"
    with pytest.raises(ImageError) as err:
        load_image("fw/none.bin", search_dirs=[str(scripts)])
    assert str(err.value) == (
        f"couldn't open fw/none.bin: no such file (looked in {elsewhere} and the script "
        "search directories)")
