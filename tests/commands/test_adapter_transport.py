"""Adapter and transport configuration: `adapter ...`, `reset_config`, the ST-Link and
CMSIS-DAP driver settings, legacy spellings, and `transport select/list` rules, with
OpenOCD 0.12's texts."""

from __future__ import annotations

from ocdpy.target.adapter_config import ResetFlag
from tests.commands.helpers import run_ocdpy, session


def c(*commands: str) -> list[str]:
    args: list[str] = []
    for cmd in commands:
        args += ["-c", cmd]
    return args + ["-c", "shutdown"]


def test_adapter_settings_are_stored_and_shown():
    s, _log = session()
    ev = s.interp.eval
    assert ev("adapter speed 4000") == "adapter speed: 4000 kHz\n"
    assert ev("adapter speed 0") == "adapter speed: RCLK - adaptive\n"
    assert ev("adapter srst pulse_width 20") == "adapter srst pulse_width: 20\n"
    ev("adapter serial 066DFF49")
    assert ev("adapter usb location 1-2.3") == "adapter usb location: 1-2.3\n"
    a = s.config.adapter
    assert (a.speed_khz, a.clock_mode, a.srst_pulse_width_ms, a.serial, a.usb_location) == (
        0, "khz", 20, "066DFF49", "1-2.3")


def test_speed_query_before_any_speed_is_openocds_error():
    run = run_ocdpy(c("adapter speed"))
    assert run.code == 1
    assert run.first_error() == "Error: BUG: unknown adapter clock mode"


def test_adapter_driver_selects_driver_and_its_transports():
    s, log = session()
    s.interp.eval("adapter driver hla")
    assert s.interp.eval("adapter name") == "hla"
    assert s.config.transport.allowed == ("hla_swd", "hla_jtag")
    assert s.config.transport.selected is None
    s.interp.eval("adapter driver ftdi")
    assert "Warn : Interface already configured, ignoring" in log.getvalue()


def test_single_transport_driver_is_autoselected():
    run = run_ocdpy(c("adapter driver kitprog", "echo [transport select]"))
    assert "Info : only one transport option; autoselect 'swd'" in run.lines
    assert "swd" in run.lines


def test_unknown_driver_lists_the_known_ones():
    run = run_ocdpy(c("adapter driver usb-jtag-9000"))
    assert run.code == 1
    assert run.lines[0] == "Error: The specified debug interface was not found (usb-jtag-9000)"
    assert "Error: The following debug adapters are available:" in run.lines
    assert "19: hla" in run.lines and "27: st-link" in run.lines


def test_adapter_name_without_driver_and_with_extra_word():
    assert run_ocdpy(c("echo [adapter name]")).lines[0] == "undefined"
    run = run_ocdpy(c("adapter name x"))
    assert run.lines == ['Error: wrong # args: should be "adapter name (no params)"']


def test_reset_config_words_and_result_line():
    s, _log = session()
    ev = s.interp.eval
    assert ev("reset_config") == "none separate\n"
    assert ev("reset_config srst_only") == (
        "srst_only separate srst_gates_jtag srst_open_drain connect_deassert_srst\n")
    assert ev("reset_config srst_nogate connect_assert_srst") == (
        "srst_only separate srst_nogate srst_open_drain connect_assert_srst\n")
    assert ev("reset_config trst_and_srst combined trst_open_drain srst_push_pull") == (
        "trst_and_srst combined srst_nogate trst_open_drain srst_push_pull connect_assert_srst\n")
    flags = s.config.adapter.reset.flags
    assert flags & ResetFlag.HAS_SRST and flags & ResetFlag.SRST_NO_GATING
    assert s.config.adapter.reset.connect_assert_srst


def test_reset_config_refuses_two_words_of_a_kind_and_unknown_words():
    run = run_ocdpy(c("reset_config srst_only trst_only"))
    assert run.lines[0] == "Error: extra reset_config signal spec (trst_only)"
    assert run.lines[1].startswith("reset_config [none|trst_only")
    run = run_ocdpy(c("reset_config srst_nogat"))
    assert run.lines[0] == "Error: unknown reset_config flag (srst_nogat)"


def test_stlink_driver_settings():
    s, log = session()
    ev = s.interp.eval
    ev("adapter driver hla")
    ev("hla_layout stlink")
    ev("hla_device_desc ST-LINK")
    ev("hla_vid_pid 0x0483 0x3748 0x0483 0x374b")
    ev("hla_stlink_backend tcp 7184")
    a = s.config.adapter
    assert (a.hla_layout, a.device_desc, a.usb_ids, a.backend, a.tcp_port) == (
        "stlink", "ST-LINK", [(0x483, 0x3748), (0x483, 0x374B)], "tcp", 7184)
    s2, _ = session()
    s2.interp.eval("adapter driver st-link")
    s2.interp.eval("st-link vid_pid 0x0483 0x3754")
    s2.interp.eval("st-link backend usb")
    assert s2.config.adapter.usb_ids == [(0x483, 0x3754)]


def test_stlink_setting_errors():
    run = run_ocdpy(c("adapter driver hla", "hla_layout jlink"))
    assert run.lines == ["Error: No adapter layout 'jlink' found"]
    run = run_ocdpy(c("adapter driver hla", "hla_vid_pid 0x0483"))
    assert run.lines == ["Warn : incomplete hla_vid_pid configuration directive",
                         "Error: wrong arguments for 'hla_vid_pid'; its usage:",
                         "hla_vid_pid (vid pid)*"]
    run = run_ocdpy(c("adapter driver hla", "hla_stlink_backend serial"))
    assert run.lines == ["Error: wrong arguments for 'hla_stlink_backend'; its usage:",
                         "hla_stlink_backend usb | tcp [port]"]


def test_cmsis_dap_settings():
    s, log = session()
    s.interp.eval("adapter driver cmsis-dap")
    s.interp.eval("cmsis_dap_vid_pid 0xc251 0xf001 0x0d28")
    assert s.config.adapter.usb_ids == [(0xC251, 0xF001)]
    assert "Warn : incomplete cmsis_dap_vid_pid configuration directive" in log.getvalue()
    s.interp.eval("cmsis_dap_backend hid")
    assert s.config.adapter.backend == "hid"


def test_other_drivers_accept_and_record_their_commands():
    s, _log = session()
    s.interp.eval("adapter driver ftdi")
    s.interp.eval("ftdi vid_pid 0x0403 0x6010")
    s.interp.eval("ftdi layout_init 0x0808 0x0a1b")
    s.interp.eval("ftdi layout_signal nSRST -oe 0x0200")
    assert ("ftdi layout_init", ["0x0808", "0x0a1b"]) in s.config.adapter.driver_settings
    assert s.config.adapter.setting("ftdi vid_pid") == ["0x0403", "0x6010"]


def test_legacy_spellings_warn_and_work():
    run = run_ocdpy(c("interface hla", "adapter_khz 950", "echo [adapter name]"))
    assert run.lines[:4] == ["DEPRECATED! use 'adapter driver' not 'interface'",
                             "DEPRECATED! use 'adapter speed' not 'adapter_khz'",
                             "adapter speed: 950 kHz", ""]
    assert "hla" in run.lines
    run = run_ocdpy(c("interface hla", "hla_serial 123", "echo [adapter name]"))
    assert "DEPRECATED! use 'adapter serial' not 'hla_serial'" in run.lines


def test_transport_select_rules_and_messages():
    run = run_ocdpy(c("transport select"))
    assert run.lines == [
        "Error: Debug adapter does not support any transports? Check config file order."]
    run = run_ocdpy(c("transport select swd"))
    assert run.lines == ["Error: Debug adapter doesn't support any transports?"]
    run = run_ocdpy(c("adapter driver hla", "transport select swim"))
    assert run.lines == ["Error: Debug adapter doesn't support 'swim' transport"]
    run = run_ocdpy(c("adapter driver cmsis-dap", "transport select jtag",
                      "transport select jtag", "transport select swd"))
    # Each -c line's result is printed, as OpenOCD does.
    assert run.lines == ["jtag", 'Warn : Transport "jtag" was already selected', "jtag",
                         "Error: Can't change session's transport after the initial selection was made"]


def test_transport_autoselect_message():
    run = run_ocdpy(c("adapter driver cmsis-dap", "echo [transport select]"))
    assert run.lines[:2] == [
        "Info : auto-selecting first available session transport \"swd\". "
        "To override use 'transport select <transport>'.", "swd"]


def test_transport_list():
    run = run_ocdpy(c("transport list"))
    assert run.lines[:8] == ["The following transports are available:", "\tswd",
                             "\tdapdirect_swd", "\tdapdirect_jtag", "\tswim", "\thla_jtag",
                             "\thla_swd", "\tjtag"]


def test_jtag_commands_on_an_swd_transport_say_jtag_is_needed():
    run = run_ocdpy(c("adapter driver hla", "transport select hla_swd",
                      "jtag newtap chip cpu -irlen 4"))
    assert run.lines[1] == ('embedded:startup.tcl:154: Error: session transport is "hla_swd" '
                            "but your config requires JTAG")
    assert "in procedure 'default_to_jtag' called at file \"embedded:startup.tcl\", line 159" in run.lines


def test_using_procs_follow_the_transport():
    for driver, transport, expect in (("hla", "hla_jtag", "101"), ("cmsis-dap", "swd", "010"),
                                       ("st-link", "dapdirect_swd", "010")):
        run = run_ocdpy(c(f"adapter driver {driver}", f"transport select {transport}",
                          "echo [using_jtag][using_swd][using_hla]"))
        assert expect in run.lines, (driver, run.lines)


def test_adapter_transports_refuses_unknown_names():
    run = run_ocdpy(c("adapter transports swd spi"))
    assert run.lines == ["Error: no such transport 'spi'"]


def test_adapter_gpio_settings_and_report():
    s, _log = session()
    s.interp.eval("adapter gpio srst 24 -chip 1 -active-low -pull-up")
    assert s.interp.eval("adapter gpio srst") == (
        "adapter gpio srst (output): num 24, chip 1, active-low, pull-up, init-state inactive\n")
    run = run_ocdpy(c("adapter gpio tdo -push-pull"))
    assert run.lines[0] == "Error: illegal option for adapter gpio tdo: -push-pull"
