"""The core as the flash layer's FlashTarget: on-target CRC through the work area and
flash programming with the stm32f1x driver's loader, through ocdpy's ST-Link driver."""

from __future__ import annotations

import pytest

from ocdpy.arm import TargetState
from ocdpy.errors import TargetNotHaltedError

from .bench import bench


def test_on_target_crc_matches_the_host() -> None:
    from ocdpy.flash.checksum import crc_ranges, host_crc
    from ocdpy.flash.target_api import FlashTarget, adapt

    with bench() as b:
        core = b.core
        core.configure_work_area(0x20000000, 0x1000)
        target = adapt(core)
        assert isinstance(target, FlashTarget)
        with pytest.raises(TargetNotHaltedError, match="reset halt"):
            target.start_algorithm(0x20000000, {})
        core.reset(halt=True)
        start = b.rig.commands()
        crcs = crc_ranges(target, [(0x08000000, 0x10000), (0x08000010, 301)])
        assert b.rig.commands() - start < 100  # not a read-back: 64 KiB alone would take 32
        flash = b.chip.flash_bytes(0, 0x10000)
        assert crcs == [host_crc(flash), host_crc(flash[0x10:0x10 + 301])]
        assert core.state == TargetState.HALTED
        assert target.work_area_free() == 0x1000  # the routine's area was given back


def test_flash_programming_through_the_loader() -> None:
    from ocdpy.flash.bank import BankDecl, FlashBank
    from ocdpy.flash.target_api import adapt

    data = bytes((i * 13 + 7) & 0xFF for i in range(3000))
    with bench(firmware=False) as b:
        core = b.core
        core.configure_work_area(0x20000000, 0x1000)
        core.reset(halt=True)
        bank = FlashBank(BankDecl("f", "stm32f1x", 0x08000000, 0, 0, 0, "t"), adapt(core), 0)
        bank.probe()
        bank.driver.erase_and_write([0, 1, 2], [(0, data)])
        assert b.chip.flash_bytes(0, len(data)) == data
        assert bank.driver.verify(0, data)


ROUTINE = 0x20000200
# movs r0, #42; bkpt #0 | nop; b . (where the "application" sits)
CODE = bytes.fromhex("2a2000be") + bytes.fromhex("00bffee7")
APP = ROUTINE + 4


@pytest.mark.parametrize("driver", ["hla", "st-link"])
def test_routine_start_and_halt_check_cost_what_they_must(driver: str) -> None:
    """start_algorithm writes only what it must (DEMCR and C_MASKINTS once; the Thumb
    bit when not known); the "halted yet?" check is one DHCSR read; the registers a
    routine changed are read only when asked for."""
    with bench(driver=driver) as b:
        core = b.core
        core.reset(halt=True)
        target = core.flash_target()
        assert target is core.flash_target()
        core.write_memory(ROUTINE, 2, CODE)
        regs = 1 if driver == "hla" else 3  # WRITEREG, or DCRDR + DCRSR + an S_REGRDY poll
        # DEMCR, r0, pc, DHCSR twice (C_MASKINTS while halted, then run); then r0, pc, run
        for run, expected in ((1, 1 + 2 * regs + 2), (2, 2 * regs + 1)):
            start = b.rig.commands()
            target.start_algorithm(ROUTINE, {"r0": 5})
            assert b.rig.commands() - start == expected, (run, b.rig.commands() - start)
            b.chip.advance(0.001)
            start = b.rig.commands()
            assert target.routine_halted()
            assert b.rig.commands() - start == 1
            assert target.is_halted() and core.state == TargetState.HALTED
        assert target.read_core_register("r0") == 42
        state = target.algorithm_state()  # a report still gets the full story
        assert state.halted and state.reason == "breakpoint" and state.pc == ROUTINE + 2


@pytest.mark.parametrize("driver", ["hla", "st-link"])
def test_registers_given_back_are_written_before_the_core_runs(driver: str) -> None:
    with bench(driver=driver) as b:
        core = b.core
        core.reset(halt=True)
        core.write_memory(ROUTINE, 2, CODE)
        target = core.flash_target()
        target.start_algorithm(ROUTINE, {"r0": 5})
        b.chip.advance(0.001)
        assert target.routine_halted()
        start = b.rig.commands()
        target.restore_core_registers({"r0": 7, "pc": APP})
        assert b.rig.commands() == start  # kept dirty, as OpenOCD's register cache
        assert (core.read_register("r0"), core.read_register("pc")) == (7, APP)
        assert b.chip.register(0) == 42 and b.chip.pc == ROUTINE + 2
        assert core.dirty_registers() == ["r0", "pc"]
        core.step()  # the nop at APP, from the registers given back
        assert (b.chip.register(0), b.chip.pc) == (7, APP + 2)
        assert core.dirty_registers() == []
        target.write_core_register("r0", 9)  # written at once
        assert b.chip.register(0) == 9


def test_preserved_context_through_the_cores_own_flash_target() -> None:
    """CortexM.flash_target() (not only the session's target) gives the registers
    back after the on-target CRC, so the core continues where it was."""
    from ocdpy.flash.checksum import crc_ranges
    from ocdpy.flash.target_api import preserved_context

    with bench() as b:
        core = b.core
        core.configure_work_area(0x20000000, 0x1000)
        core.reset(halt=True)
        core.step()
        pc, r0, sp = (core.read_register(n) for n in ("pc", "r0", "sp"))
        target = core.flash_target()
        with preserved_context(target):
            crc_ranges(target, [(0x08000000, 0x400)])
        assert (core.read_register("pc"), core.read_register("r0"), core.read_register("sp")) == (pc, r0, sp)
        core.flush_registers()
        assert (b.chip.pc, b.chip.register(0)) == (pc, r0)
