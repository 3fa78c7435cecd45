"""The programming engine and the drivers on virtual chips: what ends up in flash,
what work was done to get there (the chip's erase/program counters), and the errors
for protected parts, a misread size register and a probe lost mid-write."""

from __future__ import annotations

import io
import random

import pytest

from ocdpy import log
from ocdpy.errors import FlashError, TransferFaultError
from ocdpy.flash.image import Image, load_image
from tests.flash.harness import FIRMWARE

pytest.importorskip("unicorn")


@pytest.fixture
def logged():
    stream = io.StringIO()
    log.set_output(stream)
    yield stream
    log.set_output(None)


def setup(chip_name, faults=(), work_area=None, voltage=None):
    from ocdpy.flash.bank import BankDecl, FlashBank
    from ocdpy.flash.simtarget import SimChipTarget
    from ocdpy.sim.chips import create_chip

    chip = create_chip(chip_name, faults=list(faults))
    target = SimChipTarget(chip, work_area=work_area)
    if voltage == "unknown":
        target.target_voltage = lambda: None
    target.reset_halt()
    driver = {"stm32f103c8": "stm32f1x", "stm32f407vg": "stm32f2x", "stm32h753xi": "stm32h7x"}[chip_name]
    bases = [0x08000000, 0x08100000] if driver == "stm32h7x" else [0x08000000]
    banks = [FlashBank(BankDecl(f"bank{i}", driver, base, 0, 0, 0, "cpu"), target, i)
             for i, base in enumerate(bases)]
    return chip, target, banks


def rand(n, seed=1):
    rng = random.Random(seed)
    return bytes(rng.getrandbits(8) for _ in range(n))


def counters(chip):
    s = chip.stats
    return {k: s.get(k) for k in ("flash_erases_page", "flash_erases_sector", "flash_erases_mass", "flash_programs")}


def test_probe_geometry_of_each_family(logged):
    chip, target, banks = setup("stm32f103c8")
    banks[0].probe()
    assert (banks[0].size, len(banks[0].sectors), len(banks[0].prot_blocks)) == (65536, 64, 16)
    assert banks[0].driver.info() == "STM32F10x (Medium Density) - Rev: Y"
    chip, target, banks = setup("stm32f407vg")
    banks[0].probe()
    assert [s.size // 1024 for s in banks[0].sectors] == [16] * 4 + [64] + [128] * 7
    assert banks[0].driver.info() == "STM32F4xx - Rev: 1"
    chip, target, banks = setup("stm32h753xi")
    for b in banks:
        b.probe()
    assert [(b.base, b.size, len(b.sectors)) for b in banks] == [(0x08000000, 1 << 20, 8), (0x08100000, 1 << 20, 8)]
    assert "Info : Bank (1) size is 1024 kb, base address is 0x08100000" in logged.getvalue()


@pytest.mark.parametrize("chip_name,size,whole", [("stm32f103c8", 65536, 64), ("stm32f407vg", 1 << 20, 1024),
                                                  ("stm32h753xi", 1 << 20, 2048)])
def test_an_implausible_size_register_falls_back_and_says_what_it_read(logged, chip_name, size, whole):
    chip, target, banks = setup(chip_name, faults=["flash-size-bad"])
    banks[0].probe()
    assert banks[0].size == size
    text = logged.getvalue()
    assert "reads 0x2d28 (11560 KiB), more than the" in text
    assert f"using {whole} KiB" in text and "put the size in the flash bank line" in text


def test_first_write_then_unchanged_then_one_page_changed(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    data = rand(65536)
    first = program.write_image(banks, Image([(0x08000000, data)]), erase=True)
    assert chip.flash_bytes() == data and first.written == 65536
    c0 = counters(chip)
    again = program.write_image(banks, Image([(0x08000000, data)]), erase=True)
    assert again.sectors_skipped == 64 and counters(chip) == c0  # nothing erased or programmed
    changed = bytearray(data)
    changed[5000] ^= 0x55
    program.write_image(banks, Image([(0x08000000, bytes(changed))]), erase=True)
    c1 = counters(chip)
    assert chip.flash_bytes() == bytes(changed)
    assert c1["flash_erases_page"] - c0["flash_erases_page"] == 1  # page 4 only
    assert c1["flash_programs"] - c0["flash_programs"] == 512


def test_a_whole_bank_image_uses_a_mass_erase_when_that_is_faster(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    program.write_image(banks, Image([(0x08000000, rand(65536, 2))]), erase=True)
    before = counters(chip)
    result = program.write_image(banks, Image([(0x08000000, rand(65536, 3))]), erase=True)
    assert result.plans[0].mass
    after = counters(chip)
    assert after["flash_erases_mass"] - before["flash_erases_mass"] == 1
    assert after["flash_erases_page"] == before["flash_erases_page"]


def test_mass_erase_needs_the_rest_of_the_bank_blank(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    program.write_image(banks, Image([(0x08000000, rand(65536, 2))]), erase=True)
    result = program.write_image(banks, Image([(0x08000000, rand(8192, 4))]), erase=True)
    assert not result.plans[0].mass  # the other 56 KiB hold data OpenOCD would keep
    assert chip.flash_bytes(8192) == rand(65536, 2)[8192:]


def test_skip_unchanged_off_erases_and_writes_everything_like_openocd(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    image = Image([(0x08000000, rand(8192))])
    program.write_image(banks, image, erase=True)
    c0 = counters(chip)
    result = program.write_image(banks, image, erase=True, skip_unchanged=False)
    c1 = counters(chip)
    assert result.sectors_skipped == 0
    assert c1["flash_erases_page"] - c0["flash_erases_page"] == 8
    assert c1["flash_programs"] - c0["flash_programs"] == 4096


def test_skip_unchanged_can_be_turned_off_from_the_environment(monkeypatch):
    from ocdpy.flash.program import skip_unchanged_default

    monkeypatch.setenv("OCDPY_FLASH_SKIP_UNCHANGED", "0")
    assert skip_unchanged_default() is False
    monkeypatch.setenv("OCDPY_FLASH_SKIP_UNCHANGED", "1")
    assert skip_unchanged_default() is True


def test_without_a_work_area_it_programs_through_the_probe(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8", work_area=(0x20000000, 0))
    data = rand(3000)
    program.write_image(banks, Image([(0x08000000, data)]), erase=True)
    assert chip.flash_bytes(0, 3000) == data
    assert "programming by single memory accesses (slower)" in logged.getvalue()


@pytest.mark.parametrize("chip_name,fw,command", [
    ("stm32f103c8", "blinky-f103.bin", "stm32f1x unlock 0"),
    ("stm32f407vg", "blinky-f407.bin", "stm32f2x unlock 0"),
    ("stm32h753xi", "blinky-h753.bin", "stm32h7x unlock 0"),
])
def test_read_out_protection_says_how_to_remove_it(logged, chip_name, fw, command):
    from ocdpy.flash import program

    chip, target, banks = setup(chip_name, faults=["rdp1"])
    image = load_image(FIRMWARE / fw, "bin", 0x08000000)
    with pytest.raises(FlashError) as info:
        program.write_image(banks[:1], image, erase=True)
    assert "device is read-out protected" in str(info.value) and f"`{command}`" in str(info.value)
    with pytest.raises(FlashError, match="read-out protected"):
        program.read_bank(banks[0], 0, 64)


@pytest.mark.parametrize("chip_name,fw,expect", [
    ("stm32f103c8", "blinky-f103.bin", "protection block 0 (pages 0-3, 0x08000000-0x08000fff)"),
    ("stm32f407vg", "blinky-f407.bin", "sector 0 (0x08000000)"),
    ("stm32h753xi", "blinky-h753.bin", "sector 0 (0x08000000)"),
])
def test_write_protected_sectors_are_named(logged, chip_name, fw, expect):
    from ocdpy.flash import program

    chip, target, banks = setup(chip_name, faults=["wrp=1"])
    with pytest.raises(FlashError) as info:
        program.write_image(banks[:1], load_image(FIRMWARE / fw, "bin", 0x08000000), erase=True)
    text = str(info.value)
    assert "write-protected" in text and expect in text and "`flash protect 0 0 0 off`" in text


def test_f4_uses_x32_at_3v3_and_x16_when_the_voltage_is_unknown(logged):
    chip, target, banks = setup("stm32f407vg")
    banks[0].probe()
    assert banks[0].driver.unit() == 4
    chip, target, banks = setup("stm32f407vg", voltage="unknown")
    banks[0].probe()
    assert banks[0].driver.unit() == 2


def test_h7_both_banks_in_one_image(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32h753xi")
    data = rand(64 * 1024)
    image = Image([(0x080F8000, data)])  # 32 KiB at the end of bank 1, 32 KiB in bank 2
    result = program.write_image(banks, image, erase=True)
    assert [p.bank.number for p in result.plans] == [0, 1]
    assert chip.flash_bytes(0xF8000, 65536) == data
    assert program.verify_image_flash(banks, image).verified == 65536


def test_probe_lost_mid_write_then_verify_names_the_sectors(logged):
    """The probe drops out after some data went over: a clear error, and the next
    verify says exactly which sectors differ."""
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f407vg")
    image = Image([(0x08000000, rand(96 * 1024))])  # sectors 0-4
    writes = {"n": 0}
    real = target.write_memory

    def unplug_after_some(address, data, width=4):
        writes["n"] += 1
        if writes["n"] > 12:
            raise TransferFaultError("USB error: no device (probe unplugged?)", address)
        real(address, data, width)

    target.write_memory = unplug_after_some
    with pytest.raises(FlashError) as info:
        program.write_image(banks, image, erase=True)
    assert "the probe lost the target while programming" in str(info.value)
    assert "verify_image names the sectors that differ" in str(info.value)
    target.write_memory = real
    target.stop_algorithm()
    with pytest.raises(FlashError) as info:
        program.verify_image_flash(banks, image)
    text = str(info.value)
    assert "flash contents differ from the image in" in text and "sector(s) of bank #0" in text
    assert "4 (0x08010000)" in text  # the last sector never got its data


def test_verify_bank_compares_the_file_length_not_the_whole_bank(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    fw = (FIRMWARE / "blinky-f103.bin").read_bytes()
    program.write_image(banks, Image([(0x08000000, fw)]), erase=True)
    whole = program.read_bank(banks[0])
    assert len(whole) == 65536 and whole[:len(fw)] == fw  # read_bank defaults to the bank
    assert program.verify_bank(banks[0], fw) == (len(fw), [])
    compared, diffs = program.verify_bank(banks[0], fw[:100] + b"\x00" + fw[101:])
    assert compared == len(fw) and diffs == [(100, fw[100], 0)]


def test_f1_lock_unlock_cycle(logged):
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    program.write_image(banks, load_image(FIRMWARE / "blinky-f103.bin", "bin", 0x08000000), erase=True)
    banks[0].probe()
    banks[0].driver.lock()
    assert chip.option_bytes()["option_bytes"].startswith("00ff")
    target.reset_halt()
    assert banks[0].driver.read_protected()
    banks[0].driver.unlock()
    target.reset_halt()
    assert not banks[0].driver.read_protected()
    assert chip.flash_bytes(0, 16) == b"\xff" * 16  # removing protection erased the flash


def test_a_rebuild_over_an_old_build_with_the_rest_blank_uses_one_mass_erase(logged):
    """The usual edit-build-flash loop on a small firmware: every page of the image
    changed, the rest of the flash blank. One mass erase (20 ms on an F1) replaces
    eight page erases, and the flash ends up as page erases would leave it."""
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    program.write_image(banks, Image([(0x08000000, rand(8192, 5))]), erase=True)
    before = counters(chip)
    result = program.write_image(banks, Image([(0x08000000, rand(8192, 6))]), erase=True)
    after = counters(chip)
    assert result.plans[0].mass
    assert after["flash_erases_mass"] - before["flash_erases_mass"] == 1
    assert after["flash_erases_page"] == before["flash_erases_page"]
    assert chip.flash_bytes() == rand(8192, 6) + b"\xff" * (65536 - 8192)


def test_blank_pages_are_programmed_without_an_erase_and_unchanged_ones_left_alone(logged):
    """One run decides per page from its own check pass: a page that already holds the
    image is not touched, a blank one is only programmed, a different one is erased
    and programmed."""
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    old = bytearray(rand(4096, 7))
    old[0x400:0x800] = b"\xff" * 1024  # page 1 blank
    chip.flash.write(0, bytes(old))
    chip.flash.write(0x8000, rand(1024, 8))  # the rest of the bank is not blank: no mass erase
    new = bytearray(old)
    new[0x400:0x800] = rand(1024, 9)  # page 1: programmed only
    new[0xC00 + 17] ^= 0x5A  # page 3: erased and programmed
    before = counters(chip)
    starts = []
    real_start = target.start_algorithm
    target.start_algorithm = lambda entry, regs: (starts.append(entry), real_start(entry, regs))[1]
    result = program.write_image(banks, Image([(0x08000000, bytes(new))]), erase=True)
    after = counters(chip)
    plan = result.plans[0]
    assert (plan.unchanged, plan.erase, sorted(plan.program)) == ([0, 2], [3], [1, 3])
    assert after["flash_erases_page"] - before["flash_erases_page"] == 1
    assert after["flash_programs"] - before["flash_programs"] == 1024  # two pages of half-words
    assert len(starts) == 1  # checks, erase and programming in one routine run
    assert chip.flash_bytes(0, 4096) == bytes(new)


def test_a_page_that_must_stay_blank_is_left_alone(logged):
    """Padding pages (all 0xff in the image) that are blank on the chip need no work."""
    from ocdpy.flash import program

    chip, target, banks = setup("stm32f103c8")
    chip.flash.write(0x8000, rand(1024, 8))
    image = rand(1024, 10) + b"\xff" * 1024 + rand(1024, 11)
    program.write_image(banks, Image([(0x08000000, image)]), erase=True)
    before = counters(chip)
    result = program.write_image(banks, Image([(0x08000000, image)]), erase=True)
    assert result.sectors_skipped == 3 and counters(chip) == before


def test_the_sector_hash_tells_apart_any_single_word_change():
    from ocdpy.flash.checksum import check_value, sector_hash

    data = bytearray(rand(1024, 12))
    base = sector_hash(bytes(data))
    rng = random.Random(13)
    for _ in range(200):
        pos = rng.randrange(0, 1024, 4)
        changed = bytearray(data)
        changed[pos:pos + 4] = rng.getrandbits(32).to_bytes(4, "little")
        if changed != data:
            assert sector_hash(bytes(changed)) != base
    assert check_value(b"\xff" * 1024) == 0xFFFFFFFF
    assert check_value(bytes(data)) == base
