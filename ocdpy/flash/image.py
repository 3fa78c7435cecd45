"""Firmware images: the bytes and addresses that `load_image`, `flash write_image`,
`verify_image`, `program` and GDB's `load` write to a target.

An `Image` is a sorted list of non-overlapping `Segment`s (address + bytes), with
contiguous pieces merged. `load_image(path, type, base_address)` reads one from a
file the way OpenOCD does:

- types `bin`, `ihex`, `elf`, `s19` (OpenOCD's keywords); with no type the kind is
  detected from the first 9 bytes exactly as OpenOCD's image.c does (ELF magic; ':'
  + 6 hex digits + record type 00-05; 'S' + a type digit 0-8 + 2 hex digits; else bin);
- `base_address` (the `offset` of `flash write_image` and the `address` of
  `load_image`) is added to every segment of every type, bin, HEX, S-record and ELF;
- ELF loads each PT_LOAD segment's file bytes at its physical address (p_paddr).

Unlike OpenOCD it refuses files that are not images (linker scripts, map files,
source code, other text, empty files, truncated ELF, corrupt HEX/S-records) with an
`ImageError` that says what the file looks like and what to pass instead. The extra
type keyword `raw` loads a file's bytes as `bin` does, without those checks.

One deliberate difference in detection: OpenOCD 0.12 fails, without a message, to
open a file shorter than 9 bytes unless a type is given; ocdpy takes it as `bin`, as
later OpenOCD versions do.
"""

from __future__ import annotations

import binascii
import os
from collections.abc import Iterable, Iterator

from ocdpy import log
from ocdpy.errors import ImageError

#: OpenOCD's file type keywords that ocdpy loads, plus `raw` (bin without checks).
IMAGE_TYPES = ("bin", "ihex", "elf", "s19")
RAW = "raw"
#: OpenOCD keywords that do not name a file format.
_NOT_FILE_TYPES = {
    "mem": "reads the image from a target's memory",
    "build": "is the image builder GDB's flash writes use internally",
}
_LIKELY_MEANT = {
    "hex": "ihex", "ihx": "ihex", "intelhex": "ihex", "srec": "s19", "s28": "s19",
    "s37": "s19", "mot": "s19", "srecord": "s19", "binary": "bin", "axf": "elf",
    "BIN": "bin", "IHEX": "ihex", "ELF": "elf", "S19": "s19",
}
# Larger than any flash ocdpy drives by far; a bigger file is a wrong path, not firmware.
MAX_FILE_SIZE = 256 * 1024 * 1024


class Segment:
    """Bytes to place at an address (treat as immutable)."""

    __slots__ = ("address", "data")

    def __init__(self, address: int, data: bytes) -> None:
        self.address = address
        self.data = data

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def end(self) -> int:
        """First address after the segment."""
        return self.address + len(self.data)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Segment):
            return NotImplemented
        return self.address == other.address and self.data == other.data

    def __hash__(self) -> int:
        return hash((self.address, self.data))

    def __repr__(self) -> str:
        return f"Segment(0x{self.address:08x}, {len(self.data)} bytes)"


def _range_text(seg: Segment) -> str:
    return f"0x{seg.address:08x}-0x{seg.end - 1:08x}"


class Image:
    """An ordered set of segments to write, with where they came from.

    Segments are sorted by address and merged where one ends exactly where the next
    starts; zero-length pieces are dropped; overlapping pieces raise `ImageError`
    naming both address ranges.
    """

    def __init__(
        self,
        segments: Iterable[Segment | tuple[int, bytes]] = (),
        *,
        type: str = "build",
        path: str | None = None,
        start_address: int | None = None,
    ) -> None:
        self.type = type
        self.path = path
        self.start_address = start_address
        self.segments: list[Segment] = self._normalise(segments)

    def _normalise(self, pieces: Iterable[Segment | tuple[int, bytes]]) -> list[Segment]:
        segs = []
        for piece in pieces:
            seg = piece if isinstance(piece, Segment) else Segment(piece[0], bytes(piece[1]))
            if seg.address < 0:
                raise ImageError(
                    f"{self._name()}: a segment would start at -0x{-seg.address:x}, below "
                    "address 0; check the offset/base address given with the image"
                )
            if seg.data:
                segs.append(seg)
        segs.sort(key=lambda s: s.address)
        merged: list[Segment] = []
        run: bytearray | None = None
        run_start = 0
        last: Segment | None = None
        for seg in segs:
            if last is not None and seg.address < last.end:
                raise ImageError(
                    f"{self._name()}: overlapping segments {_range_text(last)} and "
                    f"{_range_text(seg)}; the image writes some addresses twice, fix the "
                    "build or linker script that produced it"
                )
            if run is not None and last is not None and seg.address == last.end:
                run += seg.data
            else:
                if run is not None:
                    merged.append(Segment(run_start, bytes(run)))
                run, run_start = bytearray(seg.data), seg.address
            last = seg
        if run is not None:
            merged.append(Segment(run_start, bytes(run)))
        return merged

    def _name(self) -> str:
        return self.path if self.path is not None else "image"

    # --- reading -------------------------------------------------------------------

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    def __len__(self) -> int:
        return len(self.segments)

    def __repr__(self) -> str:
        where = f" from {self.path}" if self.path else ""
        return f"<Image {self.type}{where}: {self.segments!r}>"

    @property
    def total_size(self) -> int:
        """Bytes of data in all segments (gaps not counted)."""
        return sum(len(s.data) for s in self.segments)

    @property
    def min_address(self) -> int | None:
        return self.segments[0].address if self.segments else None

    @property
    def end_address(self) -> int | None:
        """First address after the last segment."""
        return self.segments[-1].end if self.segments else None

    def read(self, address: int, size: int, fill: int = 0xFF) -> bytes:
        """`size` bytes from `address`, with `fill` where the image has no data (the
        erased value of flash by default)."""
        out = bytearray([fill & 0xFF]) * size
        end = address + size
        for seg in self.segments:
            if seg.end <= address:
                continue
            if seg.address >= end:
                break
            lo, hi = max(seg.address, address), min(seg.end, end)
            out[lo - address:hi - address] = seg.data[lo - seg.address:hi - seg.address]
        return bytes(out)

    def flatten(self, fill: int = 0xFF) -> tuple[int, bytes]:
        """(lowest address, one block covering all segments, gaps filled)."""
        if not self.segments:
            return 0, b""
        lo = self.segments[0].address
        return lo, self.read(lo, self.segments[-1].end - lo, fill)

    def checksums(self) -> list[int]:
        """OpenOCD's CRC-32 of each segment, as `verify_image` compares them."""
        return [openocd_crc32(s.data) for s in self.segments]

    # --- derived images ------------------------------------------------------------

    def relocated(self, offset: int) -> Image:
        """The same image with `offset` added to every address (OpenOCD's base address)."""
        # OpenOCD relocates the sections only; the entry point stays as the file says.
        return Image(
            (Segment(s.address + offset, s.data) for s in self.segments),
            type=self.type, path=self.path, start_address=self.start_address,
        )

    def clipped(self, min_address: int = 0, max_address: int | None = None) -> Image:
        """Only the bytes in [min_address, max_address), as `load_image`'s `min_addr`
        and `max_length` (max_address = min_addr + max_length) select them."""
        pieces = []
        for seg in self.segments:
            lo = max(seg.address, min_address)
            hi = seg.end if max_address is None else min(seg.end, max_address)
            if lo < hi:
                pieces.append(Segment(lo, seg.data[lo - seg.address:hi - seg.address]))
        return Image(pieces, type=self.type, path=self.path, start_address=self.start_address)


# --- OpenOCD's checksum ------------------------------------------------------------

_BIT_REVERSED = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def _reverse32(value: int) -> int:
    return int(f"{value & 0xFFFFFFFF:032b}"[::-1], 2)


def openocd_crc32(data: bytes, seed: int = 0xFFFFFFFF) -> int:
    """The CRC-32 that OpenOCD's `verify_image` and GDB's `qCRC` use: polynomial
    0x04C11DB7 shifted MSB first, initial value `seed` (0xFFFFFFFF), no final XOR
    (the CRC-32/MPEG-2 parameters). Pass a previous result as `seed` to continue it.

    zlib's CRC-32 is the same polynomial shifted LSB first, so bit-reversing every
    input byte, the seed and the result turns one into the other at C speed.
    """
    reflected = binascii.crc32(data.translate(_BIT_REVERSED), _reverse32(seed) ^ 0xFFFFFFFF)
    return _reverse32(reflected ^ 0xFFFFFFFF)


# --- detection ---------------------------------------------------------------------

_HEX = frozenset(b"0123456789abcdefABCDEF")


def detect_image_type(head: bytes) -> str:
    """OpenOCD's guess from a file's first 9 bytes: 'elf', 'ihex', 's19' or 'bin'."""
    if len(head) < 9:
        return "bin"
    if head[:4] == b"\x7fELF":
        return "elf"
    if (head[0:1] == b":" and all(c in _HEX for c in head[1:7])
            and head[7:8] == b"0" and 0x30 <= head[8] < 0x36):
        return "ihex"
    if head[0:1] == b"S" and all(c in _HEX for c in head[1:4]) and 0x30 <= head[1] < 0x39:
        return "s19"
    return "bin"


def check_image_type(type: str | None) -> str | None:
    """Validate a type keyword (None: detect). Raises ImageError for others."""
    if type is None or type in IMAGE_TYPES or type == RAW:
        return type
    if type in _NOT_FILE_TYPES:
        raise ImageError(
            f"image type '{type}' {_NOT_FILE_TYPES[type]}, ocdpy does not load files as "
            f"'{type}'; use one of: bin, ihex, elf, s19"
        )
    hint = f" (did you mean '{_LIKELY_MEANT[type]}'?)" if type in _LIKELY_MEANT else ""
    raise ImageError(f"Unknown image type: {type}, use one of: bin, ihex, elf, s19{hint}")


# --- loading -----------------------------------------------------------------------

def find_image_file(path: str, search_dirs: Iterable[str] = ()) -> str:
    """Where OpenOCD would open `path`: as given (absolute, or relative to the current
    directory), else in each script search directory in turn. Returns `path` itself
    when nothing is found, so the caller reports the name the user typed."""
    if os.path.lexists(path) or os.path.isabs(path):
        return path
    for directory in search_dirs:
        candidate = os.path.join(directory, path)
        if os.path.exists(candidate):
            return candidate
    return path


def _read_file(path: str, searched: bool = False) -> bytes:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        where = (f"looked in {os.getcwd()} and the script search directories" if searched
                 else f"relative paths start at {os.getcwd()}")
        raise ImageError(f"couldn't open {path}: no such file ({where})") from None
    except OSError as exc:
        raise ImageError(f"couldn't open {path}: {exc.strerror}") from None
    if os.path.isdir(path):
        raise ImageError(
            f"couldn't open {path}: it is a directory, not an image file; pass the "
            ".elf, .hex or .bin file your build produced"
        )
    if st.st_size > MAX_FILE_SIZE:
        raise ImageError(
            f"{path} is {st.st_size // (1024 * 1024)} MiB, far larger than any flash; "
            "is it the right file?"
        )
    try:
        with open(path, "rb") as f:
            return f.read(MAX_FILE_SIZE + 1)
    except OSError as exc:
        raise ImageError(f"couldn't open {path}: {exc.strerror}") from None


def load_image(
    path: str | os.PathLike[str],
    type: str | None = None,
    base_address: int = 0,
    search_dirs: Iterable[str] = (),
) -> Image:
    """Read an image file as OpenOCD's `load_image`/`flash write_image` do.

    `type` is one of IMAGE_TYPES, `raw` (bin without the not-an-image checks) or None
    (detect from the content, as OpenOCD). `base_address` is added to every segment
    address, whatever the type (OpenOCD's relocation by the command's offset/address).
    `search_dirs`: OpenOCD's script search directories (`-s`), tried after the current
    directory, as OpenOCD opens image files. Raises ImageError when the file cannot be
    read or is not an image.
    """
    from ocdpy.flash import image_sniff

    search_dirs = tuple(search_dirs)
    name = find_image_file(os.fspath(path), search_dirs)
    kind = check_image_type(type)
    data = _read_file(name, searched=bool(search_dirs))
    if not data:
        raise ImageError(
            f"{name} is empty (0 bytes); nothing to load. Check that the build finished "
            "and that this is the file it wrote"
        )
    guessed = detect_image_type(data[:9])
    short_elf = kind == "elf" and data[:4] == b"\x7fELF"  # parse_elf says "truncated"
    if kind in ("ihex", "s19", "elf") and guessed != kind and not short_elf:
        _check_declared_type(kind, guessed, data, name)
    detected = guessed if kind is None else kind
    if detected == "bin":
        image_sniff.check_binary(data, name, explicit=kind == "bin")
        pieces, start = [(0, data)], None
    elif detected == RAW:
        pieces, start = [(0, data)], None
    elif detected == "ihex":
        from ocdpy.flash.image_records import parse_ihex

        pieces, start = parse_ihex(data, name)
    elif detected == "s19":
        from ocdpy.flash.image_records import parse_srec

        pieces, start = parse_srec(data, name)
    else:
        from ocdpy.flash.image_elf import parse_elf

        pieces, start = parse_elf(data, name)
    image = Image(pieces, type="bin" if detected == RAW else detected, path=name,
                  start_address=start)
    if not image.segments:
        raise ImageError(
            f"{name} holds no data: the {_TYPE_NAMES[image.type]} file has no data "
            "records, so there is nothing to write"
        )
    if base_address:
        image = image.relocated(base_address)
    log.debug(f"image {name}: {image.type}, {len(image)} segment(s), {image.total_size} bytes")
    return image


_TYPE_NAMES = {"bin": "binary", "ihex": "Intel HEX", "s19": "S-record", "elf": "ELF"}
_RECORD_START = {"ihex": (":",), "s19": ("S", "s")}


def _check_declared_type(kind: str, guessed: str, data: bytes, name: str) -> None:
    """The user named a format the content does not start like: say what it is."""
    from ocdpy.flash import image_sniff

    given = _TYPE_NAMES[kind]
    if guessed != "bin":
        raise ImageError(
            f"{name}: type {kind} was given but this is an {_TYPE_NAMES[guessed]} file; omit "
            f"the type to detect it, or give {guessed}"
        )
    if not image_sniff.looks_like_text(data):
        if kind == "elf":
            raise ImageError(
                f"{name}: type elf was given but the file has no ELF header (\\x7fELF); "
                "it looks like raw binary data: give type bin and the address to load it at"
            )
        raise ImageError(
            f"{name}: type {kind} was given but this is binary data, not {given} text; "
            "omit the type, or give bin"
        )
    if kind == "elf" or not _first_record_line(data).startswith(_RECORD_START[kind]):
        raise ImageError(image_sniff.describe_text(data, name, explicit_bin=False))


def _first_record_line(data: bytes) -> str:
    for raw in data.removeprefix(b"\xef\xbb\xbf").splitlines():
        line = raw.strip()
        if line and not line.startswith(b"#"):
            return line.decode("latin-1")
    return ""


def image_kind_name(type: str) -> str:
    """A person's name for a type keyword ('ihex' -> 'Intel HEX')."""
    return _TYPE_NAMES.get(type, type)


__all__ = [
    "IMAGE_TYPES",
    "RAW",
    "Image",
    "Segment",
    "check_image_type",
    "detect_image_type",
    "find_image_file",
    "image_kind_name",
    "load_image",
    "openocd_crc32",
]
