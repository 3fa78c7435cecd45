"""Reset on the virtual chips: SYSRESETREQ and NRST (reset_config), vector catch for
`reset halt`, connect-under-reset for firmware that disables SWD, NRST not wired,
external resets, and soft_reset_halt."""

from __future__ import annotations

import pytest

from ocdpy.arm import TargetState
from ocdpy.errors import TargetConnectionError, TargetError
from tests.adapter.rig import captured_log, elf_symbol, vector

from .bench import bench


@pytest.mark.parametrize("driver", ["hla", "st-link"])
@pytest.mark.parametrize("reset", ["", "srst_only srst_nogate", "srst_only"])
def test_reset_halt_stops_at_the_reset_handler(driver: str, reset: str) -> None:
    chip = "stm32f103c8"
    with bench(chip, driver=driver, reset=reset) as b:
        b.core.reset(halt=True)
        assert b.core.read_register("pc") == elf_symbol(chip, "Reset_Handler") & ~1
        assert b.core.read_register("msp") == vector(chip, 0)
        assert not b.rig.probe.nrst_asserted
        assert b.chip.state == "halted"


@pytest.mark.parametrize("chip", ["stm32f407vg", "stm32h753xi"])
def test_reset_halt_on_f4_and_h7(chip: str) -> None:
    with bench(chip, probe="stlink-v3") as b:
        b.core.reset(halt=True)
        assert b.core.read_register("pc") == elf_symbol(chip, "Reset_Handler") & ~1
        assert b.core.read_register("sp") == vector(chip, 0)


@pytest.mark.parametrize("reset", ["", "srst_only"])
def test_reset_run_lets_the_firmware_blink(reset: str) -> None:
    with bench(reset=reset) as b:
        b.core.halt()
        b.core.wait_state()
        b.core.reset(halt=False)
        for _ in range(5):
            assert b.core.poll() == TargetState.RUNNING
        before = b.chip.gpio_toggles("C", 13)
        b.chip.advance(0.5)
        assert b.chip.gpio_toggles("C", 13) > before


def test_nrst_not_wired_is_named() -> None:
    with bench(reset="srst_only", faults=("nrst-open",)) as b:
        with pytest.raises(TargetError, match="NRST did not reset the target") as info:
            b.core.reset(halt=True)
        assert "`reset_config none`" in str(info.value)
        b.core.reset_config.has_srst = False  # as after `reset_config none`
        b.core.reset(halt=True)
        assert b.core.read_register("pc") == elf_symbol("stm32f103c8", "Reset_Handler") & ~1


def test_firmware_that_disables_swd_under_connect_assert_srst() -> None:
    chip = "stm32f103c8"
    with captured_log() as out, bench(chip, faults=("swd-disabled",), run_s=0.01,
                                      reset="srst_only connect_assert_srst") as b:
        core = b.core
        core.reset(halt=True)
        assert core.read_register("pc") == elf_symbol(chip, "Reset_Handler") & ~1
        core.resume()
        with pytest.raises(TargetConnectionError, match="lost contact with the target") as info:
            for _ in range(50):
                core.poll()
        # NRST is configured: the advice is the reset, not the configuration the user has
        assert "`reset halt` regains control through NRST" in str(info.value)
        assert "connect_assert_srst" not in str(info.value)
        assert core.state == TargetState.UNKNOWN
        with pytest.raises(TargetConnectionError, match="cannot connect to the target over SWD") as info:
            core.poll()  # the next poll re-enters SWD first, which cannot work either
        assert "`reset halt` regains control through NRST" in str(info.value)
        assert "connect_assert_srst" not in str(info.value)
        core.reset(halt=True)  # NRST brings the SWD pins back; the vector catch holds the core
        assert core.read_register("pc") == elf_symbol(chip, "Reset_Handler") & ~1
        assert core.poll() == TargetState.HALTED
    assert out.getvalue().count("Info : Previous state query failed, trying to reconnect") == 1


def test_external_reset_is_seen_by_the_poll() -> None:
    with captured_log() as out, bench(driver="st-link") as b:
        b.chip.set_nrst(True)
        b.chip.set_nrst(False)
        assert b.core.poll() == TargetState.RESET
        assert b.core.poll() == TargetState.RUNNING
    assert "Info : [stm32f1x.cpu] external reset detected" in out.getvalue().splitlines()


@pytest.mark.parametrize("driver", ["hla", "st-link"])
def test_soft_reset_halt(driver: str) -> None:
    """OpenOCD 0.12's cortex_m says it is discouraged at debug level only."""
    from ocdpy import log

    with captured_log(log.DEBUG) as out, bench(driver=driver) as b:
        b.core.soft_reset_halt()
        assert b.core.state == TargetState.HALTED
        assert b.core.read_register("pc") == elf_symbol("stm32f103c8", "Reset_Handler") & ~1
    lines = out.getvalue().splitlines()
    assert any(line.startswith("Debug: ") and line.endswith(
        "[stm32f1x.cpu] soft_reset_halt is discouraged, please use 'reset halt' instead.") for line in lines)
    assert not any(line.startswith("Warn") for line in lines)


def test_breakpoints_survive_a_reset() -> None:
    chip = "stm32f103c8"
    main = elf_symbol(chip, "main") & ~1
    with bench(chip) as b:
        b.core.add_breakpoint(main, 2, hw=True)
        b.core.reset(halt=False)
        b.core.wait_state(TargetState.HALTED, 2000)
        assert b.core.read_register("pc") == main


@pytest.mark.parametrize("driver", ["hla", "st-link"])
def test_halt_right_after_reset_run_halts(driver: str) -> None:
    """No poll between `reset run` and `halt`: the halt must not be taken for the
    reset's own vector catch (there is none on reset run)."""
    with bench(driver=driver) as b:
        core = b.core
        core.assert_reset(halt=False)
        core.deassert_reset()
        assert core.state == TargetState.RESET
        core.halt()
        core.wait_state(TargetState.HALTED, 1000)
        assert b.chip.state == "halted"
