"""Each fault switch of the virtual hardware, met through `ocdpy` as a user runs it
(OCDPY_SIM=...,fault=NAME): the message it gives (one `Error:` line saying the cause
and what to do), the exit code, no traceback; and the recovery the message suggests
for firmware that disables the SWD pins (connect under reset), which then works."""

from __future__ import annotations

import pytest

from . import harness as H

COMMANDS = ["init", "reset halt", "reg pc", "mdw 0x08000000 2"]
RESET_HANDLER = H.elf_symbol("Reset_Handler") & ~1


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    return H.make_state(tmp_path_factory.mktemp("faults"))


def errors(run: H.Run) -> list[str]:
    assert "Traceback" not in run.output
    return [line for line in run.output.splitlines() if line.startswith("Error")]


def test_target_not_powered(state, tmp_path) -> None:
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("no-power",))
    assert run.returncode == 1
    assert "Info : Target voltage: 0.000000" in run.output
    assert errors(run) == [
        "Error: cannot connect to the target: the target voltage is 0.00 V, target not powered? Power "
        "the board and wire its supply to the ST-Link's VDD/T_VCC sense pin, then run again"]


def test_firmware_that_disables_swd_then_connect_under_reset(state, tmp_path) -> None:
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("swd-disabled",))
    assert run.returncode == 1
    (line,) = errors(run)
    assert line.startswith("Error: cannot connect to the target over SWD (no answer to the DPIDR read")
    assert line.endswith("connect under reset: `reset_config srst_only connect_assert_srst`")
    # What the message says, before the target config (which adds srst_nogate):
    firmware = H.FIRMWARE / "blinky-f103.bin"
    run = H.run_ocdpy_usb(state, tmp_path, [*COMMANDS, "flash write_image erase " + str(firmware) + " 0x08000000",
                                            f"verify_image {firmware} 0x08000000", "reset halt", "reg pc"],
                          faults=("swd-disabled",), before=["reset_config srst_only connect_assert_srst"])
    assert run.returncode == 0, run.output
    assert errors(run) == []
    assert run.output.count(f"pc (/32): {RESET_HANDLER:#010x}") == 2
    assert "0x08000000: 20005000 08000045" in run.output
    assert "verified 272 bytes" in run.output


def test_nrst_not_wired(state, tmp_path) -> None:
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("nrst-open",), before=["reset_config srst_only"])
    assert run.returncode == 1
    assert errors(run) == [
        "Error: [stm32f1x.cpu] NRST did not reset the target (DHCSR.S_RESET_ST stayed clear): the probe's "
        "NRST pin seems not connected to the chip's NRST; check that wire, or reset through SYSRESETREQ "
        "with `reset_config none`"]
    # Without NRST in reset_config the core is reset through SYSRESETREQ, which works.
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("nrst-open",))
    assert run.returncode == 0 and errors(run) == []
    assert f"pc (/32): {RESET_HANDLER:#010x}" in run.output


def test_read_out_protected_chip(state, tmp_path) -> None:
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("rdp1",))
    assert run.returncode == 1
    # The core cannot fetch its vectors from protected flash: it locks up, and reset
    # parks it at the all-ones vector.
    assert "pc (/32): 0xfffffffe" in run.output
    # ... which would look like blank flash; ocdpy tells the two apart and names the way out
    assert "the flash is blank" not in run.output
    assert ("Warn : [stm32f1x.cpu] pc 0xfffffffe: the core could not fetch its reset vector, and reading "
            "the vector table at 0x00000000 faults for the debugger too: the flash is read-out protected "
            "(RDP); `stm32f1x unlock 0` removes it and erases the whole flash; after a reset (or power "
            "cycle) program it again") in run.output.splitlines()
    assert errors(run)[-1] == (
        "Error: memory read at 0x08000000 failed: the target reported a bus fault (ST-Link status 0x11, "
        "AP FAULT); the address is not mapped, or the memory is protected or powered down")


def test_probe_unplugged_at_init(state, tmp_path) -> None:
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("unplug-after=25",))
    assert run.returncode == 1
    errs = errors(run)
    assert errs[0] == ("Error: ST-Link disconnected (USB error: No such device (it may have been "
                       "disconnected) [errno 19]): check the cable, then run again")
    assert errs[1:] == ["Error: the ST-Link was unplugged (or its USB link failed): reconnect it and run again"]


def test_usb_error_during_examination_is_recovered_by_reset(state, tmp_path) -> None:
    run = H.run_ocdpy_usb(state, tmp_path, COMMANDS, faults=("usb-error-after=40",))
    assert run.returncode == 0, run.output
    assert errors(run) == ["Error: ST-Link USB transfer failed (USB error: Input/Output Error [errno 5]): "
                           "check the cable and the USB port, then run again"]
    assert "Warn : target stm32f1x.cpu examination failed" in run.output
    assert f"pc (/32): {RESET_HANDLER:#010x}" in run.output


def test_old_probe_firmware_still_debugs(state, tmp_path) -> None:
    copy = H.fresh_copy(state, tmp_path, "old")
    import subprocess
    import sys

    spec = f"{H.CHIP},state={copy},deterministic,fw=V2J17S4"
    proc = subprocess.run([sys.executable, "-m", "ocdpy", "-f", "interface/stlink.cfg", *H.SERVER_OFF,
                           "-f", "target/stm32f1x.cfg", "-c", "init", "-c", "reset halt",
                           "-c", "mdh 0x08000000 2", "-c", "shutdown"],
                          capture_output=True, text=True, timeout=H.TIMEOUT_S, cwd=tmp_path,
                          env=H._env({"OCDPY_SIM": spec}))
    assert proc.returncode == 0, proc.stderr
    assert "Warn : ST-Link firmware V2J17S4 is old" in proc.stderr
    assert "0x08000000: 5000 2000 " in proc.stderr


def test_link_lost_after_reset_run_then_regained_by_reset_halt(state, tmp_path) -> None:
    """The firmware turns SWD off once it runs: commands then say the target does not
    answer (not "not halted"), and `reset halt` (NRST held) brings it back."""
    commands = ["init", "reset run", "sleep 50", "catch {reg pc}", "reset halt", "reg pc"]
    run = H.run_ocdpy_usb(state, tmp_path, commands, faults=("swd-disabled",),
                          before=["reset_config srst_only connect_assert_srst"])
    assert run.returncode == 0, run.output
    errs = errors(run)
    assert errs[0].startswith("Error: cannot connect to the target over SWD (no answer to the DPIDR read")
    # NRST is configured (connect under reset, as the first error advised): the way back
    # is a reset, not the configuration the user already has
    assert errs[0].endswith("`reset halt` regains control through NRST; otherwise check the SWDIO, "
                            "SWCLK and GND wiring")
    assert not any("connect_assert_srst" in e for e in errs)
    assert not any("not halted" in e for e in errs)
    assert run.output.rstrip().splitlines()[-3] == f"pc (/32): {RESET_HANDLER:#010x}"


def test_write_protected_pages_and_a_misread_flash_size(state, tmp_path) -> None:
    """The flash faults, met through the live target: protection named with the way
    out; a flash size register that reads garbage, worked around with a warning."""
    image = tmp_path / "image.bin"
    image.write_bytes(bytes((i * 7 + 3) & 0xFF for i in range(2048)))
    commands = ["init", "reset halt", f"flash write_image erase {image} 0x08000000"]
    run = H.run_ocdpy_usb(state, tmp_path, commands, faults=("wrp",))
    assert run.returncode == 1
    assert errors(run)[0] == (
        "Error: stm32f1x: erasing the page at 0x08000000 failed: write-protected: protection block 0 "
        "(pages 0-3, 0x08000000-0x08000fff). `flash protect 0 0 0 off` removes the protection (a reset "
        "then applies it)")
    run = H.run_ocdpy_usb(state, tmp_path, [*commands, "mdb 0x08000000 4"], faults=("flash-size-bad",))
    assert run.returncode == 0, run.output
    assert "Warn : stm32f1x: the flash size register at 0x1ffff7e0 reads 0x2d28 (11560 KiB)" in run.output
    assert "0x08000000: 03 0a 11 18 " in run.output


def test_the_way_out_of_read_out_protection_the_warning_gives_works(state, tmp_path) -> None:
    firmware = H.FIRMWARE / "blinky-f103.elf"
    run = H.run_ocdpy_usb(state, tmp_path, ["init", "reset halt", "stm32f1x unlock 0", "reset halt",
                                            f"flash write_image erase {firmware}", "reset halt", "reg pc"],
                          faults=("rdp1",))
    assert run.returncode == 0, run.output
    assert errors(run) == []
    assert "stm32x unlocked." in run.output
    # blank (0xfffffffe) until the new firmware is in, then at its reset handler
    assert [line for line in run.output.splitlines() if line.startswith("pc (/32)")] == [
        f"pc (/32): {RESET_HANDLER:#010x}"]
    assert run.output.count("pc: 0xfffffffe msp: 0xfffffffc") == 2
