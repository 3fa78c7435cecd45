"""OpenOCD's rules for turning image sections into flash writes (runs): joining,
gap padding, bank alignment, padding to the sector end with erase, and the errors for
overlapping sections and bytes outside every bank. No hardware needed."""

from __future__ import annotations

import io

import pytest

from ocdpy import log
from ocdpy.errors import FlashError
from ocdpy.flash.bank import BankDecl, FlashBank, sector_array
from ocdpy.flash.image import Image
from ocdpy.flash.runs import build_runs, erase_range


class FakeDriver:
    name = "fake"

    def __init__(self, bank, sectors):
        self.bank = bank
        self.layout = sectors

    def probe(self):
        self.bank.sectors = self.layout
        self.bank.size = sum(s.size for s in self.layout)


def make_bank(base=0x08000000, sectors=None, align=0, number=0):
    bank = FlashBank(BankDecl(f"b{number}", "fake", base, 0, 0, 0, "t"), None, number)
    bank.driver = FakeDriver(bank, sectors or sector_array(8, 1024))
    bank.write_start_alignment = bank.write_end_alignment = align
    return bank


@pytest.fixture
def logged():
    stream = io.StringIO()
    log.set_output(stream)
    yield stream
    log.set_output(None)


def test_one_section_with_erase_is_padded_to_the_end_of_its_sector(logged):
    bank = make_bank()
    runs = build_runs([bank], Image([(0x08000000, b"\x01" * 272)]), erase=True, unlock=False)
    assert [(r.address, len(r.data)) for r in runs] == [(0x08000000, 1024)]
    assert runs[0].data[272:] == b"\xff" * 752


def test_with_a_write_alignment_only_the_alignment_is_padded(logged):
    bank = make_bank(align=2)
    runs = build_runs([bank], Image([(0x08000001, b"\x01" * 5)]), erase=True, unlock=False)
    assert [(r.address, r.data) for r in runs] == [(0x08000000, b"\xff" + b"\x01" * 5)]
    assert "Warn : Section start address 0x08000001 breaks the required alignment of flash bank b0" in logged.getvalue()
    assert "Warn : Padding 1 bytes from 0x08000000" in logged.getvalue()


def test_end_alignment_padding_is_reported(logged):
    bank = make_bank(align=32)
    runs = build_runs([bank], Image([(0x08000000, b"\x02" * 40)]), erase=False, unlock=False)
    assert len(runs[0].data) == 64
    assert "Info : Padding image section 0 at 0x08000028 with 24 bytes (bank write end alignment)" in logged.getvalue()


def test_a_small_gap_is_filled_with_the_padded_value(logged):
    bank = make_bank()
    bank.default_padded_value = 0x00
    runs = build_runs([bank], Image([(0x08000000, b"\x01" * 16), (0x08000020, b"\x02" * 16)]),
                      erase=False, unlock=False)
    assert [(r.address, len(r.data)) for r in runs] == [(0x08000000, 48)]
    assert runs[0].data[16:32] == b"\x00" * 16
    assert "Info : Padding image section 0 at 0x08000010 with 16 bytes" in logged.getvalue()


def test_a_gap_of_a_whole_sector_starts_a_new_run(logged):
    bank = make_bank()
    runs = build_runs([bank], Image([(0x08000000, b"\x01" * 16), (0x08000800, b"\x02" * 16)]),
                      erase=False, unlock=False)
    assert [(r.address, len(r.data)) for r in runs] == [(0x08000000, 16), (0x08000800, 16)]
    assert "Info : Flash write discontinued at 0x08000010, next section at 0x08000800" in logged.getvalue()


def test_a_section_across_two_banks_is_split_at_the_bank_end(logged):
    b0 = make_bank(0x08000000, sector_array(2, 1024))
    b1 = make_bank(0x08000800, sector_array(2, 1024), number=1)
    data = bytes(range(256)) * 12  # 3 KiB from 0x08000000
    runs = build_runs([b0, b1], Image([(0x08000000, data)]), erase=False, unlock=False)
    assert [(r.bank.number, r.address, len(r.data)) for r in runs] == [(0, 0x08000000, 2048), (1, 0x08000800, 1024)]
    assert runs[0].data + runs[1].data == data


def test_bytes_outside_every_bank_are_an_error_before_anything_is_written(logged):
    bank = make_bank()  # 8 KiB
    with pytest.raises(FlashError) as info:
        build_runs([bank], Image([(0x08000000, b"\x01" * 10000)]), erase=True, unlock=False)
    text = str(info.value)
    assert "1808 of the image's 10000 bytes (0x08002000-0x0800270f)" in text
    assert "outside every flash bank" in text and "#0 b0 0x08000000-0x08001fff" in text
    with pytest.raises(FlashError, match="check the address given"):
        build_runs([bank], Image([(0x00000000, b"\x01" * 16)]), erase=True, unlock=False)


def test_erase_range_widens_with_pad_and_refuses_without(logged):
    bank = make_bank()
    bank.auto_probe()
    assert erase_range(bank, 0x08000000, 2048, None) == (0, 1)
    assert erase_range(bank, 0x08000010, 100, "erase") == (0, 0)
    assert "Warn : Adding extra erase range, 0x08000000 .. 0x0800000f" in logged.getvalue()
    assert "Warn : Adding extra erase range, 0x08000074 .. 0x080003ff" in logged.getvalue()
    with pytest.raises(FlashError, match="is not sector-aligned; give `flash erase_address pad"):
        erase_range(bank, 0x08000010, 100, None)
    with pytest.raises(FlashError, match="does not fit into bank"):
        erase_range(bank, 0x08001c00, 4096, None)
