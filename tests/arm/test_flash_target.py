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
