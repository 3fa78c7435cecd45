"""How an image becomes flash writes: OpenOCD's rules for grouping, padding and
aligning image sections into "runs", one contiguous write per bank region.

`build_runs` follows OpenOCD 0.12's flash_write_unlock_verify: sections sorted by
address; sections in the same bank joined into one run, the gaps filled with the
bank's padded value, unless the gap spans a whole sector (then the run ends: "Flash
write discontinued"); a run cut at the end of its bank; the start and end padded to
the bank's write alignment; with erase (or unlock) and no alignment rule, the run
padded to the end of its last sector. The same rules decide what OpenOCD reports as
"wrote N bytes" and which bytes end up in flash, so ocdpy writes the same bytes.

Unlike OpenOCD, image bytes outside every flash bank are an error (OpenOCD warns
"no flash bank found" and writes the rest, which is how a truncated image gets
reported as written).
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy import log
from ocdpy.errors import FlashError
from ocdpy.flash.bank import FlashBank
from ocdpy.flash.image import Image


@dataclass
class Run:
    bank: FlashBank
    address: int
    data: bytes

    @property
    def end(self) -> int:
        return self.address + len(self.data)

    @property
    def offset(self) -> int:
        return self.address - self.bank.base


def bank_at(banks: list[FlashBank], address: int) -> FlashBank | None:
    for bank in banks:
        bank.auto_probe()
        if bank.contains(address):
            return bank
    return None


def _outside_error(banks: list[FlashBank], start: int, end: int, total: int) -> FlashError:
    listing = "; ".join(f"#{b.number} {b.name} 0x{b.base:08x}-0x{b.end - 1:08x}" for b in banks) or "none"
    return FlashError(
        f"{end - start} of the image's {total} bytes (0x{start:08x}-0x{end - 1:08x}) are outside "
        f"every flash bank (banks: {listing}). Is the image linked for this chip, or bigger than "
        "its flash? For a .bin, check the address given (0x08000000 on STM32); RAM parts of an "
        "image are loaded with load_image, not flash write_image")


def check_image_fits(banks: list[FlashBank], image: Image) -> None:
    """FlashError naming the bytes no bank holds (an image larger than flash, a wrong
    base address), before anything is erased."""
    for seg in image:
        pos = seg.address
        while pos < seg.end:
            bank = bank_at(banks, pos)
            if bank is None:
                nxt = min([b.base for b in banks if b.base > pos] + [seg.end])
                raise _outside_error(banks, pos, nxt, image.total_size)
            pos = min(seg.end, bank.end)


def build_runs(banks: list[FlashBank], image: Image, erase: bool, unlock: bool) -> list[Run]:
    """The runs OpenOCD would write for `image` (see module docstring), with its log lines."""
    check_image_fits(banks, image)
    sections = sorted(image, key=lambda s: s.address)
    runs: list[Run] = []
    index, offset = 0, 0
    while index < len(sections):
        sec = sections[index]
        run_address = sec.address + offset
        bank = bank_at(banks, run_address)
        assert bank is not None
        parts: list[bytes] = [sec.data[offset:]]
        run_end = sec.end
        last = index
        while run_end < bank.end and last + 1 < len(sections):
            nxt = sections[last + 1]
            if nxt.address >= bank.end:
                break
            if nxt.address < run_end:
                log.error(f"Section at 0x{nxt.address:08x} overlaps section ending at 0x{run_end:08x}")
                raise FlashError("Flash write aborted.")
            pad = nxt.address - run_end
            if pad and bank.gap_ends_run(run_end - 1, nxt.address):
                log.info(f"Flash write discontinued at 0x{run_end:08x}, next section at 0x{nxt.address:08x}")
                break
            if pad:
                log.info(f"Padding image section {last} at 0x{run_end:08x} with {pad} bytes")
                parts.append(bytes([bank.default_padded_value]) * pad)
            parts.append(nxt.data)
            run_end = nxt.end
            last += 1
        data = b"".join(parts)
        if run_address + len(data) > bank.end:
            keep = bank.end - run_address
            consumed_last = len(data) - keep  # bytes of the last section left for the next bank
            data = data[:keep]
            index = last
            offset = sections[last].size - consumed_last
        else:
            index, offset = last + 1, 0
        start_align = bank.write_start_alignment not in (0, 1)
        end_align = bank.write_end_alignment not in (0, 1)
        if start_align or end_align:
            aligned = bank.align_start(run_address)
            if aligned != run_address:
                log.warning(f"Section start address 0x{run_address:08x} breaks the required alignment "
                            f"of flash bank {bank.name}")
                log.warning(f"Padding {run_address - aligned} bytes from 0x{aligned:08x}")
                data = bytes([bank.default_padded_value]) * (run_address - aligned) + data
                run_address = aligned
            run_last = run_address + len(data) - 1
            pad = bank.align_end(run_last) - run_last
            if pad > 0:
                log.info(f"Padding image section {last} at 0x{run_last + 1:08x} with {pad} bytes "
                         "(bank write end alignment)")
                data += bytes([bank.default_padded_value]) * pad
        elif unlock or erase:
            end_off = run_address - bank.base + len(data)
            sector_end = next((s.end for s in bank.sectors if end_off <= s.end), end_off)
            data += bytes([bank.default_padded_value]) * (sector_end - end_off)
        runs.append(Run(bank, run_address, data))
    return runs


def erase_range(bank: FlashBank, address: int, length: int, pad_reason: str | None) -> tuple[int, int]:
    """Sector indices (first, last) covering [address, address+length) in `bank`, as
    OpenOCD's flash_iterate_address_range: with `pad_reason` ("erase", "unlock") a range
    that does not start or end on a sector boundary is widened with a warning; without,
    that is an error. length 0 means the whole bank."""
    if not bank.sectors or bank.size == 0:
        raise FlashError("Bank is invalid")
    if length == 0:
        if address != bank.base:
            raise FlashError("Whole bank access must start at beginning of bank.")
        return 0, len(bank.sectors) - 1
    last_addr = address + length - 1
    if last_addr > bank.end - 1:
        raise FlashError("Flash access does not fit into bank.")
    first = last = -1
    for i, s in enumerate(bank.sectors):
        start, end = bank.base + s.offset, bank.base + s.end - 1
        if first < 0:
            if address < start:
                break
            if address == start:
                first = i
            elif address <= end and pad_reason:
                log.warning(f"Adding extra {pad_reason} range, 0x{start:08x} .. 0x{address - 1:08x}")
                first = i
            else:
                continue
        if last_addr == end:
            last = i
            break
        if last_addr < end and pad_reason:
            log.warning(f"Adding extra {pad_reason} range, 0x{last_addr + 1:08x} .. 0x{end:08x}")
            last = i
            break
        if last_addr < start:
            break
    if first < 0 or last < 0:
        raise FlashError(f"address range 0x{address:08x} .. 0x{last_addr:08x} is not sector-aligned; "
                         "give `flash erase_address pad ...` to erase the whole sectors around it")
    return first, last
