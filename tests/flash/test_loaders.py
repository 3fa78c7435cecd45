"""The on-target routines: the committed bytes are what the sources assemble to, and
each routine does its job on a virtual chip (registers kept, errors reported)."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from tests import oracles
from tests.flash.harness import ROOT

pytest.importorskip("unicorn")


def test_committed_loader_bytes_match_the_sources():
    oracles.need("arm-none-eabi-as")
    oracles.need("arm-none-eabi-objcopy")
    proc = subprocess.run([sys.executable, str(ROOT / "contrib" / "loaders" / "build.py"), "--check"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_loader_sources_document_their_register_arguments():
    for name in ("stm32f1x.S", "stm32f2x.S", "stm32h7x.S", "crc32_v7m.S", "crc32_v6m.S"):
        text = (ROOT / "contrib" / "loaders" / name).read_text()
        assert " * In:" in text and "r0 = " in text and " * Out:" in text, name


def _target(chip_name: str):
    from ocdpy.flash.simtarget import SimChipTarget
    from ocdpy.sim.chips import create_chip

    chip = create_chip(chip_name)
    target = SimChipTarget(chip)
    target.reset_halt()
    return chip, target


@pytest.mark.parametrize("chip_name", ["stm32f103c8", "stm32f407vg", "stm32h753xi"])
def test_crc_routine_matches_openocds_crc(chip_name):
    from ocdpy.flash.checksum import crc_ranges
    from ocdpy.flash.image import openocd_crc32

    chip, target = _target(chip_name)
    rng = random.Random(7)
    data = bytes(rng.getrandbits(8) for _ in range(1000))
    ram = 0x20000800
    target.write_memory(ram, data, 1)
    ranges = [(ram, 1000), (ram + 1, 999), (ram + 3, 5), (ram + 2, 0), (0x08000000, 4096)]
    got = crc_ranges(target, ranges)
    want = [openocd_crc32(data), openocd_crc32(data[1:]), openocd_crc32(data[3:8]),
            openocd_crc32(b""), openocd_crc32(b"\xff" * 4096)]
    assert got == want


def test_armv6m_crc_routine_gives_the_same_results():
    from ocdpy.flash import checksum
    from ocdpy.flash.image import openocd_crc32

    chip, target = _target("stm32f103c8")
    target._partno = 0xC20  # pretend to be a Cortex-M0: the v6-M routine is chosen
    data = bytes(range(256)) * 3
    target.write_memory(0x20000800, data, 1)
    assert checksum.crc_ranges(target, [(0x20000800, len(data)), (0x20000801, 7)]) == [
        openocd_crc32(data), openocd_crc32(data[1:8])]


def test_routines_leave_the_cores_registers_as_they_were():
    """The routines park sp, keep r1-r12, lr and the flags on their own stack; r0 and
    pc come back through preserved_context, so a resume after flashing continues the
    program. Checked on the core itself, after the registers given back are written."""
    from ocdpy.flash.bank import BankDecl, FlashBank
    from ocdpy.flash.target_api import preserved_context

    chip, target = _target("stm32f103c8")
    names = [f"r{i}" for i in range(13)] + ["sp", "lr", "pc"]
    for i, name in enumerate(names):
        target.write_core_register(name, 0x20001000 + 4 * i if name != "pc" else 0x08000044)
    before = {n: target.read_core_register(n) for n in names + ["xpsr"]}
    bank = FlashBank(BankDecl("f", "stm32f1x", 0x08000000, 0, 0, 0, "t"), target, 0)
    bank.probe()
    target.write_core_register("xpsr", 0xF1000000)  # NZCV set: the routines' compares change them
    before["xpsr"] = 0xF1000000
    with preserved_context(target):
        bank.driver.erase_and_write([0], [(0, bytes(range(64)))])
        bank.driver.checksums([(0x08000000, 64)])
    target.flush_registers()
    from ocdpy.flash.simtarget import REG_SEL

    assert {n: chip.register(REG_SEL[n]) for n in names + ["xpsr"]} == before
    assert chip.flash_bytes(0, 64) == bytes(range(64))


def test_a_loader_that_stops_is_reported_with_the_core_state():
    """The data never arrives (the host's ring updates are lost): the loader waits
    forever; ocdpy halts it and says where the core was, the flash status and what to try."""
    from ocdpy.flash import loader_code
    from ocdpy.flash.loader import LoaderContext, LoaderError, ProgramJob, run_program_job

    chip, target = _target("stm32f103c8")
    real_write_u32 = target.write_u32

    def lose_ring_updates(address: int, value: int) -> None:
        if not 0x20000000 <= address < 0x20001000:  # the work area: wp never moves
            real_write_u32(address, value)

    target.write_u32 = lose_ring_updates
    job = ProgramJob(0x40022000, bytes(range(16)), 2, steps=[(0, 0x08000000, 16)],
                     erase_seconds=[0.0], unit_seconds=52.5e-6)
    ctx = LoaderContext("stm32f1x", lambda sr: "EOP" if sr & 0x20 else "no flags")
    with pytest.raises(LoaderError) as info:
        run_program_job(target, loader_code.STM32F1X, job, ctx)
    message = str(info.value)
    assert "stopped making progress after 0 of 16 bytes" in message
    assert re.search(r"core: pc 0x20000[0-9a-f]{3}, xPSR 0x[0-9a-f]{8}, halt request", message), message
    assert "FLASH_SR 0x" in message
    assert "Try: `reset halt`" in message
    assert target.is_halted()
    assert chip.flash_bytes(0, 16) == b"\xff" * 16


def test_a_loader_that_faults_is_reported_as_a_fault():
    """Programming an address with nothing behind it faults the core: the report names
    the HardFault and says what to check."""
    from ocdpy.flash import loader_code
    from ocdpy.flash.loader import LoaderContext, LoaderError, ProgramJob, run_program_job

    chip, target = _target("stm32f103c8")
    job = ProgramJob(0x40022000, bytes(16), 2, steps=[(0, 0x60000000, 16)],
                     erase_seconds=[0.0], unit_seconds=52.5e-6)
    with pytest.raises(LoaderError) as info:
        run_program_job(target, loader_code.STM32F1X, job, LoaderContext("stm32f1x", str))
    message = str(info.value)
    assert "stopped before finishing" in message
    assert "in exception 3 (HardFault)" in message
    assert "work area" in message


@pytest.mark.parametrize("chip_name,loader,regs,unit", [
    ("stm32f103c8", "STM32F1X", 0x40022000, 2), ("stm32f407vg", "STM32F2X", 0x40023C00, 4),
    ("stm32h753xi", "STM32H7X", 0x52002000, 32)])
def test_check_pass_reports_what_the_host_computes(chip_name, loader, regs, unit):
    """Every loader's check pass: per sector its check value (blank: 0xffffffff),
    per blank range the AND of its words, stopping at the first that is not blank."""
    from ocdpy.flash import loader_code
    from ocdpy.flash.checksum import check_value
    from ocdpy.flash.loader import CheckRun, LoaderContext, ProgramJob, run_program_job

    chip, target = _target(chip_name)
    rng = random.Random(5)
    size = 1024
    content = [rng.randbytes(size), b"\xff" * size, rng.randbytes(size - 4) + b"\xff" * 4]
    for i, data in enumerate(content):
        chip.flash.write(i * size, data)
    chip.flash.write(0x5000 + 100, b"\x00")  # in the second blank range
    seen = []

    def planner(results):
        seen.append(results)
        return ProgramJob(regs, b"", unit)

    checks = [CheckRun(0x08000000, size, 3), CheckRun(0x08004000, 4096, 1, blank=True),
              CheckRun(0x08005000, 4096, 1, blank=True), CheckRun(0x08006000, 4096, 1, blank=True)]
    job = ProgramJob(regs, b"", unit, checks=checks, wait=True, plan_room=1, planner=planner)
    run_program_job(target, getattr(loader_code, loader), job, LoaderContext(chip_name, str))
    (results,) = seen
    assert results.units == [check_value(d) for d in content]
    assert results.blank_ranges[0] == 0xFFFFFFFF and results.blank_ranges[1] != 0xFFFFFFFF
    assert len(results.blank_ranges) == 2  # the third range was not looked at
    assert target.is_halted()


def test_a_plan_that_cannot_be_made_leaves_the_core_halted():
    """The loader waits for the host's plan; if making it fails, the core is halted
    (not left spinning in the work area) and the error goes up."""
    from ocdpy.flash import loader_code
    from ocdpy.flash.loader import CheckRun, LoaderContext, ProgramJob, run_program_job
    from ocdpy.flash.simtarget import DHCSR, S_HALT

    chip, target = _target("stm32f103c8")

    def planner(results):
        raise ValueError("no plan")

    job = ProgramJob(0x40022000, b"", 2, checks=[CheckRun(0x08000000, 1024, 2)], wait=True,
                     plan_room=3, planner=planner)
    with pytest.raises(ValueError):
        run_program_job(target, loader_code.STM32F1X, job, LoaderContext("stm32f1x", str))
    assert chip.mem_read(0, DHCSR, 4, 4)[2] & (S_HALT >> 16)
