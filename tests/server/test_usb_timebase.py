"""SimUsbBackend publishes its chip's modeled clock as `timebase`, which the ST-Link
driver takes directly (ocdpy.adapter.stlink.usb.modeled_time looks for it first); with
probes on different chips it publishes none and the driver's per-device lookup finds
each chip's clock. (Here because the servers' helper owns ocdpy/sim/usb_backend.py's
timebase; the adapter's own tests cover the driver side.)"""

from __future__ import annotations

import pytest

pytest.importorskip("unicorn")
pytest.importorskip("usb")


def _probe(chip_name: str):
    from ocdpy.sim.chips import create_chip
    from ocdpy.sim.stlink import SimStlink

    chip = create_chip(chip_name)
    return chip, SimStlink(chip, "stlink-v2")


def test_one_chip_its_modeled_clock_is_the_backends_timebase() -> None:
    import usb.core

    from ocdpy.adapter.stlink.usb import modeled_time
    from ocdpy.sim.usb_backend import SimUsbBackend

    chip, probe = _probe("stm32f103c8")
    backend = SimUsbBackend([probe])
    assert backend.timebase is not None
    dev = usb.core.find(idVendor=0x0483, backend=backend)
    assert modeled_time(backend, dev) is backend.timebase
    clock = backend.timebase
    before = chip.stats.clock.now
    assert clock.now() == before
    clock.wait(0.25)
    assert chip.stats.clock.now == pytest.approx(before + 0.25)
    clock.wait(-1.0)  # never backwards
    assert chip.stats.clock.now == pytest.approx(before + 0.25)


def test_probes_on_two_chips_each_get_their_own_clock() -> None:
    import usb.core

    from ocdpy.adapter.stlink.usb import modeled_time
    from ocdpy.sim.usb_backend import SimUsbBackend

    f1, p1 = _probe("stm32f103c8")
    f4, p4 = _probe("stm32f407vg")
    backend = SimUsbBackend([p1, p4])
    assert backend.timebase is None  # which chip's? the driver asks per device
    devices = list(usb.core.find(find_all=True, idVendor=0x0483, backend=backend))
    assert len(devices) == 2
    clocks = [modeled_time(backend, dev) for dev in devices]
    assert all(c is not None for c in clocks)
    f1_before, f4_before = f1.stats.clock.now, f4.stats.clock.now
    assert clocks[0].now() == f1_before and clocks[1].now() == f4_before
    clocks[1].wait(0.5)
    assert f4.stats.clock.now == pytest.approx(f4_before + 0.5)
    assert f1.stats.clock.now == f1_before
