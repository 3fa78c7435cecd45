"""Intel HEX and S-record loading: every record type, every bad-record error, and
agreement with arm-none-eabi-objcopy on the same files."""

from __future__ import annotations

import random
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ocdpy import log
from ocdpy.errors import ImageError
from ocdpy.flash.image import Image, Segment, load_image
from tests import oracles
from tests.flash.images import builders

PIECES = [
    (0x0800FFF0, bytes(range(40))),           # crosses a 64 KiB boundary
    (0x08020000, b"\xde\xad\xbe\xef"),
    (0x20000000, bytes(range(200, 256)) * 3),
]


@pytest.fixture
def warnings() -> Iterator[list[str]]:
    lines: list[str] = []

    def listen(level: int, line: str) -> None:
        if level == log.WARNING:
            lines.append(line)

    log.add_listener(listen)
    yield lines
    log.remove_listener(listen)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return path


def _expected(pieces: list[tuple[int, bytes]]) -> list[Segment]:
    return Image(pieces).segments


# --- Intel HEX ----------------------------------------------------------------------

def test_ihex_linear_addresses_and_start(tmp_path: Path) -> None:
    path = _write(tmp_path, "fw.hex", builders.ihex(PIECES, start=0x08000045))
    image = load_image(path)
    assert image.type == "ihex"
    assert image.segments == _expected(PIECES)
    assert image.start_address == 0x08000045


def test_ihex_segment_addresses_and_cs_ip_start(tmp_path: Path) -> None:
    pieces = [(0x0FFF8, bytes(range(16))), (0x30000, b"xyz")]
    text = builders.ihex(pieces, start=0x12340010, segment_mode=True)
    image = load_image(_write(tmp_path, "seg.hex", text))
    assert image.segments == _expected(pieces)
    assert image.start_address == (0x1234 << 4) + 0x0010
    assert ":02000002" in text  # the fixture really uses type 02 records


def test_ihex_tolerates_crlf_lowercase_comments_blank_lines_and_bom(tmp_path: Path) -> None:
    text = builders.ihex(PIECES).lower().replace("\n", "\r\n")
    text = "\ufeff# made by hand\r\n\r\n" + text.replace(":00000001ff", "\r\n:00000001ff")
    image = load_image(_write(tmp_path, "odd.hex", text), "ihex")
    assert image.segments == _expected(PIECES)


def test_ihex_records_after_eof_load_with_a_warning(tmp_path: Path,
                                                    warnings: list[str]) -> None:
    first = builders.ihex([(0x08000000, b"boot")])
    second = builders.ihex([(0x08004000, b"app!")])
    image = load_image(_write(tmp_path, "joined.hex", first + second))
    assert image.segments == [Segment(0x08000000, b"boot"), Segment(0x08004000, b"app!")]
    assert warnings == ["Warn : continuing after end-of-file record: :020000040800F2"]


GOOD_HEX = builders.ihex([(0x08000000, bytes(range(32)))]).splitlines()


@pytest.mark.parametrize("lines, message", [
    ([GOOD_HEX[0], GOOD_HEX[1][:-2] + "00", *GOOD_HEX[2:]],
     "bad.hex:2: bad checksum in Intel HEX record: 0x00, expected 0x78; the file is "
     "corrupt, generate it again"),
    ([GOOD_HEX[0], "10000000" + GOOD_HEX[1][9:], *GOOD_HEX[2:]],
     "bad.hex:2: not an Intel HEX record (records start with ':'): '10000000"),
    ([GOOD_HEX[0], GOOD_HEX[1][:20] + "zz" + GOOD_HEX[1][22:], *GOOD_HEX[2:]],
     "bad.hex:2: bad Intel HEX record: character 'z' is not a hex digit"),
    ([GOOD_HEX[0], GOOD_HEX[1][:-1], *GOOD_HEX[2:]],
     "bad.hex:2: bad Intel HEX record: odd number of hex digits (41)"),
    ([GOOD_HEX[0], GOOD_HEX[1][:-4] + GOOD_HEX[1][-2:], *GOOD_HEX[2:]],
     "bad.hex:2: bad Intel HEX record: its length byte says 16 data bytes but the line "
     "holds 15; the file is corrupt or was cut short"),
    ([GOOD_HEX[0], ":00000006FA", *GOOD_HEX[1:]],
     "bad.hex:2: unknown Intel HEX record type 06 (types are 00 to 05)"),
    ([":03000004080000F1", *GOOD_HEX[1:]],
     "bad.hex:1: bad Intel HEX record: type 04 needs 2 data bytes, has 3"),
    ([GOOD_HEX[0], ":020000050800F1", *GOOD_HEX[1:]],
     "bad.hex:2: bad Intel HEX record: type 05 needs 4 data bytes, has 2"),
    ([GOOD_HEX[0], ":0001", *GOOD_HEX[1:]],
     "bad.hex:2: bad Intel HEX record: too short (':0001')"),
    (GOOD_HEX[:-1],
     "bad.hex: no end-of-file record (:00000001FF) in Intel HEX file; it was cut short "
     "or is not Intel HEX"),
])
def test_ihex_bad_records(tmp_path: Path, lines: list[str], message: str) -> None:
    path = _write(tmp_path, "bad.hex", "\n".join(lines) + "\n")
    with pytest.raises(ImageError) as err:
        load_image(path, "ihex")
    assert str(err.value).startswith(str(tmp_path / message))


def test_ihex_overlapping_records(tmp_path: Path) -> None:
    text = builders.ihex([(0x08000000, bytes(16))])
    text = text.replace(":00000001FF", builders.ihex([(0x08000008, bytes(16))]).splitlines()[1]
                        + "\n:00000001FF")
    with pytest.raises(ImageError, match="overlapping segments 0x08000000-0x0800000f and "
                                         "0x08000008-0x08000017"):
        load_image(_write(tmp_path, "twice.hex", text))


# --- S-records ----------------------------------------------------------------------

@pytest.mark.parametrize("address_bytes", [2, 3, 4])
def test_srec_each_address_size(tmp_path: Path, address_bytes: int) -> None:
    top = 1 << (8 * address_bytes)
    pieces = [(top - 0x30, bytes(range(0x30))), (0x100, b"hello")]
    text = builders.srec(pieces, start=0x123 % top, address_bytes=address_bytes,
                         count_record=True)
    image = load_image(_write(tmp_path, "fw.s19", text))
    assert image.type == "s19"
    assert image.segments == _expected(pieces)
    assert image.start_address == 0x123
    assert f"\nS{10 - {2: 1, 3: 2, 4: 3}[address_bytes]}" in text


def test_srec_records_after_termination_load_with_a_warning(tmp_path: Path,
                                                            warnings: list[str]) -> None:
    text = builders.srec([(0x1000, b"ab")]) + builders.srec([(0x2000, b"cd")])
    image = load_image(_write(tmp_path, "two.s19", text))
    assert image.segments == [Segment(0x1000, b"ab"), Segment(0x2000, b"cd")]
    assert warnings == ["Warn : continuing after end-of-file record: S00700007465737438"]


GOOD_SREC = builders.srec([(0x08000000, bytes(range(32)))]).splitlines()


@pytest.mark.parametrize("lines, message", [
    ([GOOD_SREC[0], GOOD_SREC[1][:-2] + "00", *GOOD_SREC[2:]],
     "bad.s19:2: bad checksum in S-record: 0x00, expected 0x6A; the file is corrupt, "
     "generate it again"),
    ([GOOD_SREC[0], "X" + GOOD_SREC[1][1:], *GOOD_SREC[2:]],
     "bad.s19:2: not an S-record (records start with S0 to S9): 'X3150800"),
    ([GOOD_SREC[0], "S4030000FC", *GOOD_SREC[1:]],
     "bad.s19:2: unknown S-record type S4 (S4 is reserved)"),
    ([GOOD_SREC[0], GOOD_SREC[1][:-4] + GOOD_SREC[1][-2:], *GOOD_SREC[2:]],
     "bad.s19:2: bad S-record: its length byte says 21 bytes but the line holds 20"),
    ([GOOD_SREC[0], "S3020000", *GOOD_SREC[1:]],
     "bad.s19:2: bad S-record: S3 too short for its address"),
    ([GOOD_SREC[0], GOOD_SREC[1][:30] + "g" + GOOD_SREC[1][31:], *GOOD_SREC[2:]],
     "bad.s19:2: bad S-record record: character 'g' is not a hex digit"),
    (GOOD_SREC[:-1],
     "bad.s19: no termination record (S7, S8 or S9) in S-record file; it was cut short"),
])
def test_srec_bad_records(tmp_path: Path, lines: list[str], message: str) -> None:
    path = _write(tmp_path, "bad.s19", "\n".join(lines) + "\n")
    with pytest.raises(ImageError) as err:
        load_image(path, "s19")
    assert str(err.value).startswith(str(tmp_path / message))


# --- against objcopy ----------------------------------------------------------------

def _objcopy(*args: str) -> None:
    objcopy = oracles.need("arm-none-eabi-objcopy")
    run = subprocess.run([objcopy, *args], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


def test_objcopy_reads_our_fixtures_as_we_do(tmp_path: Path) -> None:
    """objcopy turns the fixture HEX and S-record files into flat binaries (gaps 0xFF):
    the same bytes as our loader's flattened image."""
    pieces = [(0x0800FFF0, bytes(range(40))), (0x08010100, b"\x55" * 70)]
    for name, text in (("f.hex", builders.ihex(pieces, width=32)),
                       ("f.s19", builders.srec(pieces, address_bytes=4))):
        path = _write(tmp_path, name, text)
        out = tmp_path / (name + ".bin")
        _objcopy("-I", "ihex" if name.endswith("hex") else "srec", "-O", "binary",
                 "--gap-fill", "0xff", str(path), str(out))
        base, flat = load_image(path).flatten()
        assert base == 0x0800FFF0
        assert flat == out.read_bytes(), name


def test_objcopy_written_hex_and_srec_load_like_the_binary(tmp_path: Path) -> None:
    """objcopy writes HEX and S-records of a random binary at 0x08000000; both load to
    the binary's bytes at that address."""
    blob = random.Random(7).randbytes(70_000)  # > 64 KiB: extended address records
    src = tmp_path / "blob.bin"
    src.write_bytes(blob)
    for fmt, name in (("ihex", "blob.hex"), ("srec", "blob.s19")):
        _objcopy("-I", "binary", "-O", fmt, "--change-addresses", "0x08000000",
                 str(src), str(tmp_path / name))
        image = load_image(tmp_path / name)
        assert image.segments == [Segment(0x08000000, blob)], name
