"""TAPs and DAPs: `jtag newtap` on each transport, `swd newdap`, `swim newtap`, the
`jtag` group, `dap create` and a DAP's own commands."""

from __future__ import annotations

from tests.commands.helpers import run_ocdpy, session


def c(*commands: str) -> list[str]:
    args: list[str] = []
    for cmd in commands:
        args += ["-c", cmd]
    return args + ["-c", "shutdown"]


JTAG = ("adapter driver dummy",)


def test_newtap_on_jtag_parses_every_option():
    s, log = session()
    s.interp.eval("adapter driver dummy")
    s.interp.eval("jtag newtap stm32f1x cpu -irlen 4 -ircapture 0x1 -irmask 0xf "
                  "-expected-id 0x3ba00477 -expected-id 0x4ba00477 -disable -ignore-version")
    tap = s.config.tap("stm32f1x.cpu")
    assert (tap.ir_length, tap.ir_capture_value, tap.ir_capture_mask) == (4, 1, 0xF)
    assert tap.expected_ids == [0x3BA00477, 0x4BA00477]
    assert (tap.disabled_after_reset, tap.enabled, tap.ignore_version) == (True, False, True)
    assert s.interp.eval("jtag names") == "stm32f1x.cpu"


def test_newtap_errors_on_jtag():
    assert run_ocdpy(c(*JTAG, "jtag newtap a b")).lines[-1] == "Error: Missing CHIP TAP OPTIONS ...."
    assert run_ocdpy(c(*JTAG, "jtag newtap a b -irlen x")).lines[-1] == \
        "Error: option: -irlen bad parameter"
    assert run_ocdpy(c(*JTAG, "jtag newtap a b -expected_id 1")).lines[-1] == (
        "Error: Unknown param: -expected_id, try one of: -irlen, -irmask, -ircapture, -enable, "
        "-disable, -expected-id, -ignore-version, or -ignore-bypass")
    assert run_ocdpy(c(*JTAG, "jtag newtap a b -expected-id 1")).lines[-1] == \
        "Error: newtap: a.b missing IR length"
    run = run_ocdpy(c(*JTAG, "jtag newtap a b -irlen 4 -irmask 0x40"))
    assert run.lines[-1] == "Error: a.b: IR mask 40 too big"


def test_newdap_on_swd_takes_any_options():
    s, _log = session()
    s.interp.eval("adapter driver cmsis-dap")
    s.interp.eval("transport select swd")
    s.interp.eval("swd newdap chip cpu -irlen 4 -expected-id 0x2ba01477 -whatever")
    assert s.config.tap("chip.cpu") is not None


def test_newdap_on_hla_checks_option_names_only():
    run = run_ocdpy(c("adapter driver hla", "transport select hla_swd",
                      "swd newdap chip cpu -irlen 4 -expected-id 0x1ba01477",
                      "swd newdap chip two -bogus"))
    assert run.lines[-1].startswith("Error: Unknown param: -bogus, try one of: -irlen")


def test_hla_jtag_and_dapdirect_jtag_newtap():
    s, _log = session()
    s.interp.eval("adapter driver hla")
    s.interp.eval("transport select hla_jtag")
    s.interp.eval("jtag newtap chip cpu -irlen 4")
    # hla's "jtag names" is a no-op, as in OpenOCD
    assert s.interp.eval("jtag names") == ""
    assert s.config.tap("chip.cpu") is not None
    run = run_ocdpy(c("adapter driver st-link", "transport select dapdirect_jtag",
                      "jtag newtap chip cpu", "jtag newtap chip cpu2 -bogus 1"))
    assert run.code == 1 and run.lines[-1] == "Error: Missing CHIP TAP OPTIONS ...."


def test_swim_newtap():
    s, _log = session()
    s.interp.eval("adapter driver st-link")
    s.interp.eval("transport select swim")
    s.interp.eval("swim newtap stm8 cpu")
    assert s.config.tap("stm8.cpu") is not None
    run = run_ocdpy(c("adapter driver st-link", "transport select swim", "swim newtap stm8"))
    assert run.lines[-1] == "  swim newtap basename tap_type"


def test_tap_events_configure_and_unknown_tap():
    s, _log = session()
    s.interp.eval("adapter driver dummy")
    s.interp.eval("jtag newtap a b -irlen 4")
    s.interp.eval("jtag configure a.b -event setup {echo ready}")
    assert s.config.tap("a.b").events == {"setup": "echo ready"}
    run = run_ocdpy(c(*JTAG, "jtag newtap a b -irlen 4", "jtag configure a.b -event bogus x"))
    assert run.lines[-1] == ("Error: -event: Unknown: bogus, try one of: post-reset, setup, "
                             "tap-enable, or tap-disable")
    run = run_ocdpy(c(*JTAG, "jtag configure x.y -event setup x"))
    assert run.lines[-2:] == ["Error: Invalid command argument", "Error: Tap 'x.y' could not be found"]


def test_scan_chain_table():
    run = run_ocdpy(c(*JTAG, "jtag newtap a b -irlen 4 -expected-id 0x1234 -expected-id 0x5678",
                      "scan_chain"))
    # the result ends in a newline, which the command line prints as an empty line
    assert run.lines[-5:-2] == [
        "-- ------------------- -------- ---------- ---------- ----- ----- ------",
        " 0 a.b                    Y     0x00000000 0x00001234     4 0x01  0x03",
        "                                           0x00005678"]


def test_dap_create_names_and_settings():
    s, log = session()
    ev = s.interp.eval
    ev("adapter driver dummy")
    ev("jtag newtap chip cpu -irlen 4")
    ev("dap create chip.dap -chain-position chip.cpu -ignore-syspwrupack")
    assert ev("dap names") == "chip.dap"
    dap = s.config.dap("chip.dap")
    assert dap.tap is s.config.tap("chip.cpu") and dap.ignore_syspwrupack
    ev("chip.dap apsel 2")
    assert ev("chip.dap apsel") == "0x2\n"
    ev("chip.dap apcsw 0x08000000 0x08000000")
    assert dap.apcsw == (0x08000000, 0x08000000)
    ev("chip.dap ti_be_32_quirks enable")
    assert dap.ti_be_32_quirks and "Info : TI BE-32 quirks mode is enabled" in log.getvalue()


def test_dap_create_errors():
    base = (*JTAG, "jtag newtap chip cpu -irlen 4")
    assert run_ocdpy(c(*base, "dap create d")).lines[-1] == \
        'Error: wrong # args: should be "d <name> [<dap_options> ...]"'
    assert run_ocdpy(c(*base, "dap create d -chain-position")).lines[-1] == \
        'Error: wrong # args: should be "d ?name? ..options..."'
    assert run_ocdpy(c(*base, "dap create d -chain-position x.y")).lines[-2:] == [
        "Error: Invalid command argument", "Error: -chain-position is invalid"]
    assert run_ocdpy(c(*base, "dap create d -foo bar")).lines[-1] == (
        "Error: Unknown param: -foo, try one of: -chain-position, -ignore-syspwrupack, -dp-id, "
        "-instance-id, -adiv6, or -adiv5")
    assert run_ocdpy(c(*base, "dap create d -ignore-syspwrupack x")).lines[-1].startswith(
        "Error: Unknown param: x")
    run = run_ocdpy(c(*base, "dap create d -chain-position chip.cpu", "d apcsw 0x11"))
    assert run.lines[-1] == "Error: CSW value cannot include 'Size' and 'AddrInc' bit-fields"


def test_two_plain_daps_on_one_swd_bus_are_refused():
    run = run_ocdpy(c("adapter driver cmsis-dap", "transport select swd",
                      "swd newdap a cpu -irlen 4", "swd newdap b cpu -irlen 4",
                      "dap create a.dap -chain-position a.cpu",
                      "dap create b.dap -chain-position b.cpu"))
    assert run.lines[-1] == "Error: Two or more SWD non multidrop DAPs are not supported"
    run = run_ocdpy(c("adapter driver cmsis-dap", "transport select swd",
                      "swd newdap a cpu -irlen 4", "swd newdap b cpu -irlen 4",
                      "dap create a.dap -chain-position a.cpu -dp-id 0x01002927 -instance-id 0",
                      "dap create b.dap -chain-position b.cpu -dp-id 0x01002927 -instance-id 1",
                      "echo [dap names]"))
    assert run.code == 0 and "a.dap b.dap" in run.lines


def test_hla_dap_has_no_instance_commands():
    s, _log = session()
    ev = s.interp.eval
    ev("adapter driver hla")
    ev("transport select hla_swd")
    ev("swd newdap chip cpu -irlen 4")
    ev("dap create chip.dap -chain-position chip.cpu")
    assert s.registry.get("chip.dap apsel") is None
    run = run_ocdpy(c("adapter driver hla", "transport select hla_swd", "swd newdap chip cpu",
                      "dap create chip.dap -chain-position chip.cpu", "chip.dap apsel 1"))
    assert run.code == 1
