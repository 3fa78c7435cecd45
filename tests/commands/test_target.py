"""Targets in the config phase: `target create` checks, every `configure`/`cget` option,
events, the `target` group, `targets`, and the commands a target type brings."""

from __future__ import annotations

from tests.commands.helpers import run_ocdpy, session

SWD = ("adapter driver cmsis-dap", "transport select swd", "swd newdap chip cpu -irlen 4",
       "dap create chip.dap -chain-position chip.cpu")
HLA = ("adapter driver hla", "hla_layout stlink", "transport select hla_swd",
       "swd newdap chip cpu -irlen 4", "dap create chip.dap -chain-position chip.cpu")
JTAG = ("adapter driver dummy", "jtag newtap chip cpu -irlen 4")


def c(*commands: str) -> list[str]:
    args: list[str] = []
    for cmd in commands:
        args += ["-c", cmd]
    return args + ["-c", "shutdown"]


def swd_session():
    s, log = session()
    for cmd in SWD:
        s.interp.eval(cmd)
    return s, log


def test_create_cortex_m_on_a_dap():
    s, _log = swd_session()
    ev = s.interp.eval
    ev("target create chip.cpu0 cortex_m -endian little -dap chip.dap -ap-num 0 "
       "-work-area-phys 0x20000000 -work-area-size 0x5000 -work-area-backup 0")
    t = s.config.target("chip.cpu0")
    assert (t.type_name, t.dap.name, t.ap_num, t.tap.dotted_name) == ("cortex_m", "chip.dap", 0, "chip.cpu")
    assert (t.work_area_phys, t.work_area_size, t.work_area_backup) == (0x20000000, 0x5000, False)
    assert ev("target names") == "chip.cpu0"
    assert ev("target current") == "chip.cpu0"
    assert ev("chip.cpu0 cget -type") == "cortex_m"
    assert ev("chip.cpu0 cget -work-area-phys") == "536870912"
    assert ev("chip.cpu0 cget -dap") == "chip.dap"
    assert ev("chip.cpu0 cget -chain-position") == "chip.cpu"


def test_hla_turns_cortex_m_into_hla_target_and_refuses_others():
    run = run_ocdpy(c(*HLA, "target create t cortex_m -dap chip.dap", "echo [t cget -type]"))
    assert ("Info : The selected transport took over low-level target control. The results "
            "might differ compared to plain JTAG/SWD") in run.lines
    assert run.lines[-2] == "hla_target"
    run = run_ocdpy(c(*HLA, "target create t cortex_a -dap chip.dap"))
    assert run.lines[-1] == "Error: The selected transport doesn't support this target"
    run = run_ocdpy(c(*HLA, "target create t cortex_m -dap chip.dap -ap-num 2"))
    assert run.lines[-1] == "Error: hla_target: invalid parameter -ap-num (> 0)"


def test_hla_target_has_no_cortex_m_commands():
    run = run_ocdpy(c(*HLA, "target create t cortex_m -dap chip.dap",
                      "cortex_m reset_config sysresetreq"))
    assert run.lines[-1] == 'Error: invalid command name "cortex_m"'


def test_create_errors():
    assert run_ocdpy(c(*SWD, "target create t")).lines[-1] == \
        'Error: wrong # args: should be "t <name> <target_type> [<target_options> ...]"'
    run = run_ocdpy(c(*SWD, "target create t cortex_m3 -dap chip.dap"))
    assert run.lines[-1].startswith("Error: Unknown target type cortex_m3, try one of arm7tdmi, ")
    assert run.lines[-1].endswith(", aarch64,  or mips_mips64")
    assert run_ocdpy(c(*SWD, "target create t cortex_m")).lines[-1] == \
        'Error: wrong # args: should be "t cortex_m <name> <target_type> [<target_options> ...]"'
    assert run_ocdpy(c(*SWD, "target create t arm7tdmi -endian little")).lines[-1] == \
        "Error: -chain-position ?name? required when creating target"
    assert run_ocdpy(c(*SWD, "target create t cortex_m -endian little")).lines[-1] == \
        "Error: -dap ?name? required when creating target"
    assert run_ocdpy(c(*SWD, "target create t cortex_m -chain-position chip.cpu")).lines[-1] == \
        "Error: target requires -dap parameter instead of -chain-position!"
    assert run_ocdpy(c(*SWD, "target create t cortex_m -dap nodap")).lines[-1] == \
        "Error: DAP name invalid!"
    assert run_ocdpy(c(*SWD, "target create t cortex_m -dap chip.dap -ap-num 300")).lines[-1] == \
        "Error: Invalid AP number!"
    assert run_ocdpy(c(*SWD, "target create t mem_ap -dap chip.dap")).lines[-1] == \
        "Error: AP number not specified"
    run = run_ocdpy(c(*SWD, "target create t cortex_m -dap chip.dap",
                      "target create t cortex_m -dap chip.dap"))
    assert run.lines[-1] == "Error: Command/target: t Exists"
    run = run_ocdpy(c(*JTAG, "target create t arm11 -chain-position chip.cpu"))
    # the result of a failed `target create` is its last option's value (OpenOCD)
    assert run.lines[-2:] == ["Error: 'target arm11' expects IR LENGTH = 5", "Error: chip.cpu"]


def test_target_create_needs_a_transport():
    run = run_ocdpy(c("adapter driver dummy", "target create t arm7tdmi -chain-position x"))
    # with a single transport, `adapter driver` selected it: the tap lookup fails instead
    assert run.lines[-2:] == ["Error: Invalid command argument", "Error: Tap 'x' could not be found"]
    run = run_ocdpy(c("adapter driver cmsis-dap", "target create t arm7tdmi -chain-position x"))
    assert run.lines[-1].startswith("Error: target create t: no transport selected yet")


def test_configure_and_cget_every_common_option():
    s, _log = session()
    for cmd in JTAG:
        s.interp.eval(cmd)
    ev = s.interp.eval
    assert ev("target create t arm7tdmi -chain-position chip.cpu -endian be") == "big"
    ev("t configure -work-area-virt 0x1000 -work-area-phys 0x2000 -work-area-size 0x400 "
       "-work-area-backup 5 -coreid 3 -dbgbase 0x80000000 -rtos FreeRTOS -defer-examine "
       "-gdb-port 4000 -gdb-max-connections -1")
    got = [ev(f"t cget {o}") for o in (
        "-work-area-virt", "-work-area-phys", "-work-area-size", "-work-area-backup",
        "-coreid", "-dbgbase", "-endian", "-gdb-port", "-gdb-max-connections", "-type")]
    assert got == ["4096", "8192", "1024", "1", "3", "2147483648", "big", "4000", "-1", "arm7tdmi"]
    t = s.config.target("t")
    assert (t.rtos, t.defer_examine) == ("FreeRTOS", True)


def test_configure_errors():
    base = (*JTAG, "target create t arm7tdmi -chain-position chip.cpu")
    cases = {
        "t configure": 'Error: wrong # args: should be "missing: -option ..."',
        "t configure -type x": "Error: not settable: -type",
        "t cget -type extra": 'Error: wrong # args: should be "extra NO PARAMS"',
        "t configure -endian middle":
            "Error: -endian: Unknown: middle, try one of: big, little, be, or le",
        "t configure -work-area-size big": 'Error: expected integer but got "big"',
        "t configure -foo 1": ("Error: Unknown param: -foo, try one of: -type, -event, "
                               "-work-area-virt, -work-area-phys, -work-area-size, "
                               "-work-area-backup, -endian, -coreid, -chain-position, -dbgbase, "
                               "-rtos, -defer-examine, -gdb-port, or -gdb-max-connections"),
        "t configure -rtos uCOS": ("Error: Unknown RTOS type uCOS, try one of: ThreadX, FreeRTOS, "
                                   "eCos, linux, chibios, Chromium-EC, embKernel, mqx, uCOS-III, "
                                   "nuttx, RIOT, Zephyr, hwthread, , auto or none"),
    }
    for command, error in cases.items():
        run = run_ocdpy(c(*base, command))
        assert run.code == 1 and run.lines[-1] == error, command


def test_events_are_stored_replaced_and_listed():
    s, _log = session()
    for cmd in (*JTAG, "target create t arm7tdmi -chain-position chip.cpu"):
        s.interp.eval(cmd)
    ev = s.interp.eval
    ev("t configure -event reset-init {adapter speed 8000}")
    ev("t configure -event examine-end {echo examined}")
    ev("t configure -event reset-init {adapter speed 4000}")
    assert ev("t cget -event reset-init") == "adapter speed 4000"
    assert ev("t cget -event halted") == ""
    assert list(s.config.target("t").events) == ["examine-end", "reset-init"]
    run = run_ocdpy(c(*JTAG, "target create t arm7tdmi -chain-position chip.cpu",
                      "t configure -event reset-nope {}"))
    assert run.lines[-1].startswith("Error: -event: Unknown: reset-nope, try one of: gdb-halt, "
                                    "halted, resumed,")
    run = run_ocdpy(c(*JTAG, "target create t arm7tdmi -chain-position chip.cpu",
                      "t configure -event reset-init"))
    assert run.lines[-1] == 'Error: wrong # args: should be "-event ?event-name? ?EVENT-BODY?"'


def test_default_target_events_after_target_init():
    s, _log = session()
    for cmd in (*JTAG, "target create t arm7tdmi -chain-position chip.cpu"):
        s.interp.eval(cmd)
    s.interp.eval("t configure -event gdb-attach {halt 500}")
    s.interp.eval("target init")
    t = s.config.target("t")
    assert t.events["gdb-attach"] == "halt 500"
    assert t.events["gdb-flash-erase-start"] == "reset init"
    assert t.events["gdb-flash-write-end"] == "reset halt"


def test_targets_table_and_current_target():
    run = run_ocdpy(c(*SWD, "target create a.cpu cortex_m -dap chip.dap",
                      "target create b.cpu mem_ap -dap chip.dap -ap-num 2", "targets a.cpu",
                      "targets"))
    assert run.lines[-5:-2] == [
        "--  ------------------ ---------- ------ ------------------ ------------",
        " 0* a.cpu              cortex_m   little chip.cpu           unknown",
        " 1  b.cpu              mem_ap     little chip.cpu           unknown"]
    run = run_ocdpy(c(*SWD, "target create a.cpu cortex_m -dap chip.dap", "targets zz"))
    assert run.code == 1
    assert "Error: Target: zz is unknown, try one of:" in run.lines


def test_target_types_list():
    s, _log = session()
    types = s.interp.eval("target types").split()
    assert types[0] == "arm7tdmi" and "cortex_m" in types and types[-1] == "mips_mips64"
    assert len(types) == 40


def test_cortex_m_reset_config_on_current_and_named_target():
    s, _log = swd_session()
    ev = s.interp.eval
    ev("target create t cortex_m -dap chip.dap")
    assert ev("cortex_m reset_config") == "cortex_m reset_config vectreset\n"
    assert ev("t cortex_m reset_config sysresetreq") == "cortex_m reset_config sysresetreq\n"
    assert s.config.target("t").type_options["reset_config"] == "sysresetreq"
    ev("target create ap mem_ap -dap chip.dap -ap-num 1")
    run = run_ocdpy(c(*SWD, "target create t cortex_m -dap chip.dap",
                      "target create ap mem_ap -dap chip.dap -ap-num 1",
                      "cortex_m reset_config sysresetreq"))
    assert run.lines[-1] == "Error: target is not a Cortex-M"


def test_type_commands_are_accepted_and_recorded():
    s, _log = session()
    for cmd in (*JTAG, "target create t arm926ejs -chain-position chip.cpu"):
        s.interp.eval(cmd)
    s.interp.eval("arm7_9 dcc_downloads enable")
    s.interp.eval("t arm7_9 fast_memory_access enable")
    assert ("arm7_9 dcc_downloads", ["enable"]) in s.config.target("t").settings
    assert ("arm7_9 fast_memory_access", ["enable"]) in s.config.target("t").settings
    run = run_ocdpy(c(*JTAG, "target create t arm926ejs -chain-position chip.cpu",
                      "arm926ejs cache_info"))
    assert run.lines[-1] == "Error: The 'arm926ejs cache_info' command must be used after 'init'."


def test_invoke_event_needs_init_and_instance_exec_commands_too():
    run = run_ocdpy(c(*SWD, "target create t cortex_m -dap chip.dap", "t invoke-event reset-init"))
    assert run.lines[-1] == "Error: The 't invoke-event' command must be used after 'init'."
    run = run_ocdpy(c(*SWD, "target create t cortex_m -dap chip.dap", "t mdw 0"))
    assert run.lines[-1] == "Error: The 't mdw' command must be used after 'init'."


def test_fire_event_runs_the_body_with_its_target_current():
    from ocdpy.commands.target import fire_event

    s, log = swd_session()
    s.interp.eval("target create a cortex_m -dap chip.dap")
    s.interp.eval("target create b mem_ap -dap chip.dap -ap-num 1")
    s.interp.eval("a configure -event examine-end {echo \"now [target current]\"}")
    s.interp.eval("a configure -event reset-end {error boom}")
    fire_event(s, s.config.target("a"), "examine-end")
    assert "now a" in log.getvalue()
    assert s.config.current_target.name == "b"
    fire_event(s, s.config.target("a"), "reset-end")
    assert "Error executing event reset-end on target a:" in log.getvalue()
