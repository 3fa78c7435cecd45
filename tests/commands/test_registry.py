"""The command registry: nested groups, phases, usage on syntax errors, help text,
argument parsing, and the three ways a command fails (logged error, argument error,
Tcl result error)."""

from __future__ import annotations

import pytest

from ocdpy.commands.registry import (
    ArgumentError,
    CommandMode,
    CommandSpec,
    CommandSyntaxError,
    parse_number,
    wrap_help,
)
from ocdpy.tcl import TclError
from tests.commands.helpers import run_ocdpy, session


def c(*commands: str) -> list[str]:
    args: list[str] = []
    for cmd in commands:
        args += ["-c", cmd]
    return args + ["-c", "shutdown"]


def test_nested_group_dispatch_and_result():
    s, _log = session()
    assert s.interp.eval("adapter speed 480") == "adapter speed: 480 kHz\n"
    assert s.interp.eval("adapter srst delay 7") == "adapter srst delay: 7\n"
    assert s.config.adapter.srst_delay_ms == 7


def test_multi_word_tcl_proc_takes_part_in_dispatch():
    s, log = session()
    s.interp.eval("adapter driver hla")
    s.interp.eval("transport select hla_swd")
    # "hla newtap" is a startup proc: it warns and runs swj_newdap's job.
    s.interp.eval('proc swj_newdap {args} {eval swd newdap $args}')
    s.interp.eval("hla newtap chip cpu -irlen 4")
    assert "DEPRECATED! use 'swj_newdap' not 'hla newtap'" in log.getvalue()
    assert s.config.tap("chip.cpu") is not None


def test_config_command_after_init_names_the_phase():
    s, log = session()
    s.command_mode = CommandMode.EXEC
    with pytest.raises(TclError) as e:
        s.interp.eval("adapter driver hla")
    assert e.value.result == ""
    assert "Error: The 'adapter driver' command must be used before 'init'." in log.getvalue()


def test_exec_command_before_init_says_it_needs_init():
    run = run_ocdpy(c("halt"))
    assert run.code == 1
    assert "Error: The 'halt' command must be used after 'init'." in run.lines
    run = run_ocdpy(c("flash write_image erase fw.bin 0x08000000"))
    assert "Error: The 'flash write_image' command must be used after 'init'." in run.lines


def test_syntax_error_says_so_on_an_error_line_then_prints_usage():
    run = run_ocdpy(c("adapter speed 1 2"))
    assert run.code == 1
    assert run.lines == ["Error: wrong arguments for 'adapter speed'; its usage:",
                         "  adapter speed [khz]"]


def test_bad_number_logs_invalid_argument_and_names_the_value():
    run = run_ocdpy(c("adapter speed fast"))
    assert run.code == 1
    assert run.lines == ["Error: Invalid command argument",
                         "khz option value ('fast') is not valid"]


def test_group_without_subcommand_lists_its_usage():
    run = run_ocdpy(c("adapter srst"))
    assert run.code == 1
    assert "    adapter srst delay [milliseconds]" in run.lines
    assert "    adapter srst pulse_width [milliseconds]" in run.lines


def test_unknown_command_is_tcls_error():
    run = run_ocdpy(c("no_such_command 1"))
    assert run.code == 1
    assert run.lines == ['Error: invalid command name "no_such_command"']


def test_command_mode_reports_phases():
    s, _log = session()
    ev = s.interp.eval
    assert ev("command mode") == "config"
    assert ev("command mode adapter speed") == "any"
    assert ev("command mode adapter driver") == "config"
    assert ev("command mode reset") == "exec"
    assert ev("command mode find") == "any"  # a Tcl proc
    assert ev("command mode nothing here") == "unknown"


def test_help_shows_usage_help_and_phase():
    run = run_ocdpy(c("help {adapter speed}"))
    assert run.lines[0] == "  adapter speed [khz]"
    assert run.lines[1].startswith("        Set the adapter clock in kHz")
    assert run.lines[-2].endswith("(command valid any time)")


def test_usage_lists_matching_commands_without_help():
    run = run_ocdpy(c("usage reset_config"))
    assert run.lines[0] == "reset_config [none|trst_only|srst_only|trst_and_srst]"
    assert run.lines[1] == "          [srst_pulls_trst|trst_pulls_srst|combined|separate]"


def test_add_help_and_usage_text_for_procs():
    run = run_ocdpy(c("proc blink {n} {}", "add_usage_text blink {<count>}",
                      "add_help_text blink {Blink the LED}", "help blink"))
    # `proc` returns the name, which the command line prints, as OpenOCD does.
    assert run.lines[:3] == ["blink", "blink <count>", "      Blink the LED (command valid any time)"]


def test_wrap_help_breaks_at_76_columns_less_two_per_level():
    text = " ".join(["word"] * 40)
    lines = wrap_help(text, 1, 6)
    assert lines[0].startswith("  word")
    assert all(len(line) <= 76 for line in lines)
    assert lines[1].startswith(" " * 12 + "word")


def test_parse_number_follows_c_rules():
    assert parse_number("0x10", "v") == 16
    assert parse_number("010", "v") == 8
    assert parse_number("-1", "v", 64) == (1 << 64) - 1
    with pytest.raises(ArgumentError) as e:
        parse_number("12k", "khz")
    assert e.value.message == "khz option value ('12k') is not valid"
    assert e.value.log_line == "Invalid command argument"
    with pytest.raises(ArgumentError) as e:
        parse_number("0x10000", "port", 16)
    assert e.value.log_line is None  # too big for the type: OpenOCD logs nothing


def test_python_command_can_raise_each_kind_of_failure():
    s, log = session()
    from ocdpy.commands.registry import CommandFailed

    def failing(ctx, args):
        if args[0] == "fail":
            ctx.print("partial output")
            raise CommandFailed("the probe said no")
        if args[0] == "syntax":
            raise CommandSyntaxError()
        raise TclError("a Tcl-style message")

    s.add_command(CommandSpec("demo run", failing, usage="what", help="demo"))
    with pytest.raises(TclError) as e:
        s.interp.eval("demo run fail")
    assert e.value.result == "partial output\n"
    assert "Error: the probe said no" in log.getvalue()
    with pytest.raises(TclError) as e:
        s.interp.eval("demo run syntax")
    assert e.value.result == "" and "demo run what" in log.getvalue()
    with pytest.raises(TclError) as e:
        s.interp.eval("demo run tcl")
    assert e.value.result == "a Tcl-style message"


def test_catch_sees_the_result_of_a_failed_command():
    run = run_ocdpy(c("echo <[catch {adapter speed x} msg]|$msg>"))
    assert "<1|khz option value ('x') is not valid\n>" in run.text


def test_every_command_has_help_text():
    s, _log = session()
    for cmd in ("adapter driver cmsis-dap", "transport select swd", "swd newdap c cpu -irlen 4",
                "dap create c.dap -chain-position c.cpu", "target create c.cpu cortex_m -dap c.dap",
                "flash bank f stm32f1x 0 0 0 0 c.cpu", "tpiu create t -dap c.dap -ap-num 0",
                "cti create x -dap c.dap -ap-num 0"):
        s.interp.eval(cmd)
    missing = sorted(n for n, spec in s.registry.specs.items() if not spec.help)
    assert missing == []
