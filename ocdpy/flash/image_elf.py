"""ELF images: the file bytes of each PT_LOAD segment at its load address.

As OpenOCD: segments with no file bytes (.bss) are skipped; the load address is the
physical address p_paddr, except when every program header has p_paddr 0 and more
than one PT_LOAD segment occupies memory, when p_vaddr is used instead (some linkers
leave p_paddr zero, and BFD works around it the same way). The entry point is
e_entry. pyelftools reads the headers; this module checks sizes first, so a cut-short
file gets a plain "truncated" message rather than a parser's complaint.
"""

from __future__ import annotations

import io
import struct

from ocdpy.errors import ImageError

Pieces = list[tuple[int, bytes]]

# (ELF header size, program header entry size) for ELFCLASS32 / ELFCLASS64
_SIZES = {1: (52, 32), 2: (64, 56)}


def _truncated(name: str, what: str, need: int, have: int) -> ImageError:
    return ImageError(
        f"{name}: truncated ELF file: {what} needs {need} bytes but the file has {have}; "
        "it was cut short (copy it again or rebuild)"
    )


def _check_layout(data: bytes, name: str) -> None:
    """The header and program header table fit in the file."""
    if len(data) < 16:
        raise _truncated(name, "the ELF identification", 16, len(data))
    eclass, edata = data[4], data[5]
    if eclass not in _SIZES:
        raise ImageError(f"{name}: invalid ELF file, only 32/64 bit ELF files are supported")
    if edata not in (1, 2):
        raise ImageError(f"{name}: invalid ELF file, unknown endianness setting")
    ehsize, phentsize_min = _SIZES[eclass]
    if len(data) < ehsize:
        raise _truncated(name, "the ELF header", ehsize, len(data))
    end = "<" if edata == 1 else ">"
    if eclass == 1:
        e_type, = struct.unpack_from(end + "H", data, 16)
        phoff, = struct.unpack_from(end + "I", data, 28)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 42)
    else:
        e_type, = struct.unpack_from(end + "H", data, 16)
        phoff, = struct.unpack_from(end + "Q", data, 32)
        phentsize, phnum = struct.unpack_from(end + "HH", data, 54)
    if phnum == 0:
        if e_type == 1:  # ET_REL
            raise ImageError(
                f"{name}: this is an ELF object file (.o) with no program headers, not a "
                "linked program; flash the .elf the link step produced"
            )
        raise ImageError(f"{name}: invalid ELF file, no program headers")
    if phentsize < phentsize_min:
        raise ImageError(f"{name}: invalid ELF file, program header entries of {phentsize} bytes")
    table_end = phoff + phnum * phentsize
    if table_end > len(data):
        raise _truncated(name, "the program header table", table_end, len(data))


def parse_elf(data: bytes, name: str) -> tuple[Pieces, int | None]:
    """The loadable pieces of an ELF file and its entry point."""
    if data[:4] != b"\x7fELF":
        raise ImageError(f"{name}: invalid ELF file, bad magic number (no \\x7fELF header)")
    _check_layout(data, name)
    from elftools.elf.elffile import ELFFile

    try:
        elf = ELFFile(io.BytesIO(data))
        headers = [seg.header for seg in elf.iter_segments()]
        entry = elf.header["e_entry"]
    # pyelftools reports malformed input through several exception types (its own,
    # struct's, construct's stream errors); all mean the same thing here.
    except Exception as exc:
        raise ImageError(f"{name}: invalid ELF file, cannot read its headers ({exc})") from None

    loads = [h for h in headers if h["p_type"] == "PT_LOAD" and h["p_filesz"] > 0]
    if not loads:
        raise ImageError(
            f"{name}: invalid ELF file, no loadable segments: nothing in it is placed in "
            "memory (was it linked with a linker script for this chip?)"
        )
    all_paddr_zero = all(h["p_paddr"] == 0 for h in headers)
    occupied = sum(1 for h in headers if h["p_type"] == "PT_LOAD" and h["p_memsz"] > 0)
    use_vaddr = all_paddr_zero and occupied > 1

    pieces: Pieces = []
    for h in loads:
        offset, size = h["p_offset"], h["p_filesz"]
        if offset + size > len(data):
            raise _truncated(
                name, f"the segment loaded at 0x{h['p_paddr']:08x}", offset + size, len(data)
            )
        address = h["p_vaddr"] if use_vaddr else h["p_paddr"]
        pieces.append((address, data[offset:offset + size]))
    return pieces, entry
