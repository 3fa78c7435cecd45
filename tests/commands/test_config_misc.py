"""Flash bank declarations, server settings, trace units, core commands and ocdpy's
startup procs (find, script, init hooks, post-init and pre-shutdown lists)."""

from __future__ import annotations

import os

from tests.commands.helpers import run_ocdpy, session

SWD = ("adapter driver cmsis-dap", "transport select swd", "swd newdap chip cpu -irlen 4",
       "dap create chip.dap -chain-position chip.cpu", "target create chip.cpu cortex_m -dap chip.dap")


def c(*commands: str) -> list[str]:
    args: list[str] = []
    for cmd in commands:
        args += ["-c", cmd]
    return args + ["-c", "shutdown"]


# -- flash banks -------------------------------------------------------------------------


def test_flash_bank_declaration_list_and_banks():
    s, _log = session()
    for cmd in SWD:
        s.interp.eval(cmd)
    s.interp.eval("flash bank chip.flash stm32f1x 0x08000000 0x20000 0 0 chip.cpu")
    s.interp.eval("flash bank chip.otp stm32f2x 0x1fff7800 0 0 0 chip.cpu")
    assert s.interp.eval("flash list") == (
        "{name chip.flash driver stm32f1x base 134217728 size 131072 bus_width 0 chip_width 0 "
        "target chip.cpu} {name chip.otp driver stm32f2x base 536836096 size 0 bus_width 0 "
        "chip_width 0 target chip.cpu}")
    assert s.interp.eval("flash banks").splitlines() == [
        "#0 : chip.flash (stm32f1x) at 0x08000000, size 0x00020000, buswidth 0, chipwidth 0",
        "#1 : chip.otp (stm32f2x) at 0x1fff7800, size 0x00000000, buswidth 0, chipwidth 0"]
    bank = s.config.flash_bank("chip.flash")
    assert (bank.driver, bank.base, bank.size, bank.target, bank.number) == (
        "stm32f1x", 0x08000000, 0x20000, "chip.cpu", 0)
    # the driver's own commands exist now
    assert s.registry.get("stm32f1x mass_erase") is not None


def test_flash_bank_errors():
    run = run_ocdpy(c(*SWD, "flash bank f stm32f1x 0 0 0"))
    assert run.first_error() == ("Error: usage: flash bank <name> <driver> <base> <size> "
                                 "<chip_width> <bus_width> <target>")
    run = run_ocdpy(c(*SWD, "flash bank f stm32f1x 0 0 0 0 nocpu"))
    assert run.lines[-2:] == ["Error: Invalid command argument", "Error: target 'nocpu' not defined"]
    run = run_ocdpy(c(*SWD, "flash bank f stm32f9x 0 0 0 0 chip.cpu"))
    assert run.lines[-1] == "Error: flash driver 'stm32f9x' not found"
    run = run_ocdpy(c(*SWD, "flash bank f stm32f1x 0 0 0 0 chip.cpu",
                      "flash bank f stm32f1x 0 0 0 0 chip.cpu"))
    assert run.lines[-1] == "Error: flash bank name 'f' already exists"
    run = run_ocdpy(c(*SWD, "flash bank f cfi 0 0x1000 0 0 chip.cpu"))
    assert run.lines[-2:] == ["Error: chip and bus width have to specified in bytes",
                              "Error: 'cfi' driver rejected flash bank at 0x00000000; usage: (null)"]


def test_flash_drivers_that_fix_their_bank_addresses():
    s, _log = session()
    for cmd in SWD:
        s.interp.eval(cmd)
    s.interp.eval("flash bank a aduc702x 0 0 0 0 chip.cpu")
    s.interp.eval("flash bank b stm32l4x 0 0 0 0 chip.cpu")
    a, b = s.config.flash_banks
    assert (a.base, a.size) == (0x80000, 0xF800)
    assert b.base == 0x08000000


# -- servers -----------------------------------------------------------------------------


def test_server_ports_and_bindto():
    s, _log = session()
    ev = s.interp.eval
    assert ev("gdb_port") == "3333\n"
    ev("gdb_port pipe")
    ev("telnet_port disabled")
    ev("tcl_port 0")
    assert ev("bindto") == "bindto name: (null)\n"
    ev("bindto 0.0.0.0")
    sv = s.config.servers
    assert (sv.gdb_port, sv.telnet_port, sv.tcl_port, sv.bindto) == ("pipe", "disabled", "0", "0.0.0.0")


def test_gdb_switches():
    s, log = session()
    ev = s.interp.eval
    ev("gdb_memory_map disable")
    ev("gdb_flash_program disable")
    ev("gdb_breakpoint_override hard")
    sv = s.config.servers
    assert (sv.gdb_memory_map, sv.gdb_flash_program, sv.gdb_breakpoint_override) == (False, False, "hard")
    assert "force hard breakpoints" in log.getvalue()
    run = run_ocdpy(c("gdb_memory_map maybe"))
    assert run.code == 1 and run.lines[-1] == "gdb_memory_map ('enable'|'disable')"


def test_server_settings_are_config_commands():
    s, log = session()
    from ocdpy.commands.registry import CommandMode

    s.command_mode = CommandMode.EXEC
    try:
        s.interp.eval("gdb_port 5555")
    except Exception:  # noqa: BLE001
        pass
    assert "Error: The 'gdb_port' command must be used before 'init'." in log.getvalue()


# -- trace units -------------------------------------------------------------------------


def test_tpiu_and_swo_objects():
    s, _log = session()
    for cmd in SWD:
        s.interp.eval(cmd)
    ev = s.interp.eval
    ev("tpiu create chip.tpiu -dap chip.dap -ap-num 0 -baseaddr 0xE0040000")
    ev("swo create chip.swo -dap chip.dap -ap-num 0 -baseaddr 0xE00E3000")
    assert ev("tpiu names") == "chip.tpiu chip.swo"
    ev("chip.tpiu configure -protocol uart -traceclk 72000000 -pin-freq 2000000 -output :3344")
    assert ev("chip.tpiu cget -protocol") == "uart"
    ev("chip.tpiu configure -event pre-enable {echo on}")
    assert ev("chip.tpiu cget -event pre-enable") == "echo on"
    unit = s.config.trace_unit("chip.swo")
    assert (unit.kind, unit.baseaddr, unit.dap) == ("swo", 0xE00E3000, "chip.dap")


def test_trace_unit_errors():
    run = run_ocdpy(c(*SWD, "tpiu create t -dap chip.dap"))
    assert run.lines[-1] == "Error: -dap and -ap-num required when creating TPIU"
    run = run_ocdpy(c(*SWD, "tpiu create t -dap chip.dap -ap-num 0", "t configure -output :99999"))
    assert run.lines[-1] == "Error: Invalid TCP port '99999'"
    run = run_ocdpy(c(*SWD, "cti create c -dap chip.dap -ap-num 0 -foo 1"))
    assert run.lines[-1] == "Error: unknown option '-foo'"


# -- core commands and startup procs ---------------------------------------------------------


def test_find_and_script_use_the_search_path(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "board.cfg").write_text("set ::loaded yes\n")
    run = run_ocdpy(["-s", str(tmp_path), "-c", "echo [find mine/board.cfg]",
                     "-c", "script mine/board.cfg", "-c", "echo $loaded", "-c", "shutdown"])
    assert run.lines[0] == f"{tmp_path}/mine/board.cfg"
    assert "yes" in run.lines
    run = run_ocdpy(c("find no/such.cfg"))
    assert run.lines[-3:] == ["embedded:startup.tcl:28: Error: Can't find no/such.cfg"] or \
        "Error: Can't find no/such.cfg" in run.text


def test_find_tries_the_other_path_separator(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "b.cfg").write_text("")
    run = run_ocdpy(["-s", str(tmp_path), "-c", "echo [find {a\\b.cfg}]", "-c", "shutdown"])
    assert run.lines[0] == f"{tmp_path}/a/b.cfg"


def test_bundled_cfg_is_found_without_openocd():
    run = run_ocdpy(c("echo [find interface/stlink.cfg]"))
    assert run.lines[0].endswith("cfg/interface/stlink.cfg")
    assert os.path.isfile(run.lines[0])


def test_echo_capture_and_log_output(tmp_path):
    run = run_ocdpy(c("echo -n one", "echo two", "echo [string length [capture {echo inner}]]"))
    # capture returns what was logged; it is still shown, as in OpenOCD
    assert run.lines[:3] == ["onetwo", "inner", "6"]
    log_file = tmp_path / "log.txt"
    run = run_ocdpy(c(f"log_output {log_file}", "echo to-the-file", "log_output default",
                      "echo back"))
    assert "to-the-file" in log_file.read_text()
    assert "back" in run.lines and "to-the-file" not in run.lines


def test_debug_level_shows_and_sets():
    run = run_ocdpy(c("echo [debug_level]", "debug_level 1", "echo [debug_level]", "debug_level 9"))
    assert run.lines[:3] == ["debug_level: 2", "", "debug_level: 1"]
    assert "Error: level must be between -3 and 4" in run.lines


def test_init_runs_the_target_and_board_hooks_and_post_init_commands():
    run = run_ocdpy(c("proc init_targets {} {echo in-init-targets}",
                      "proc init_board {} {echo in-init-board}",
                      "lappend post_init_commands {echo post-init}", "init"))
    # no adapter: init stops at the adapter, after the target hooks
    error = 'Error: Debug Adapter has to be specified, see "adapter driver" command'
    assert run.code == 1
    assert run.lines.index("in-init-targets") < run.lines.index("in-init-board") < \
        run.lines.index(error)
    assert "post-init" not in run.lines


def test_pre_shutdown_commands_run_at_shutdown():
    run = run_ocdpy(c("lappend pre_shutdown_commands {echo bye}"))
    assert run.lines[-2:] == ["shutdown command invoked", "bye"]


def test_unsupported_driver_fails_init_with_one_clear_line():
    run = run_ocdpy(["-c", "adapter driver jlink", "-c", "transport select swd", "-c", "init"])
    assert run.code == 1
    errors = run.error_lines()
    assert errors == ["Error: ocdpy cannot drive the 'jlink' adapter: it supports ST-Link "
                      "(adapter driver hla with hla_layout stlink, or adapter driver st-link); "
                      "the configuration itself was read without errors"]


def test_program_proc_has_usage_text():
    run = run_ocdpy(c("usage program"))
    assert "program <filename> [address] [pre-verify] [verify] [reset] [exit]" in run.lines
