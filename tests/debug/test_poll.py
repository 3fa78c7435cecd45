"""The poll OpenOCD runs before every command it dispatches (not before Tcl built-ins
such as `expr` or `set`): a halt since the last command is reported before the next
command's own output, whatever that command is; it costs one probe command per
examined target, none when no target is examined or polling is off; after failures
it backs off as OpenOCD does."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import harness as H

MAIN = H.elf_symbol("main") & ~1
HALT_AT_MAIN = (f"[stm32f1x.cpu] halted due to breakpoint, current mode: Thread \n"
                f"xPSR: 0x61000000 pc: {MAIN:#010x} msp: 0x20004ff8\n")


@pytest.fixture
def at_reset(tmp_path: Path):
    with H.sim_session(tmp_path) as h:
        h.run("reset halt")
        yield h


def test_a_breakpoint_hit_is_reported_before_the_next_commands_output(at_reset) -> None:
    h = at_reset
    h.run(f"bp {MAIN:#x} 2 hw")
    assert h.run("resume; echo x; wait_halt") == HALT_AT_MAIN + "x\n"
    assert h.chip.pc == MAIN


def test_tcl_builtins_do_not_poll_but_commands_do(at_reset) -> None:
    h = at_reset
    h.run(f"bp {MAIN:#x} 2 hw")
    h.run("resume")
    h.chip.advance(0.01)  # the firmware reaches main meanwhile
    before = h.commands()
    assert h.run("set a [expr {1 + 2}]") == "3\n"
    assert h.commands() == before  # expr and set are Tcl's own: no poll
    assert h.run("echo y") == HALT_AT_MAIN + "y\n"


def test_each_command_costs_one_status_read_per_examined_target(at_reset) -> None:
    h = at_reset
    before = h.commands()
    h.run("echo a; echo b; echo c")
    assert h.commands() == before + 3
    h.run("poll off")
    before = h.commands()
    h.run("echo a; echo b; echo c")
    assert h.commands() == before


def test_no_probe_traffic_without_an_examined_target(tmp_path: Path) -> None:
    with H.sim_session(tmp_path, before=("stm32f1x.cpu configure -defer-examine",)) as h:
        before = h.commands()
        assert h.run("echo a; echo b; adapter speed") .endswith("adapter speed: 950 kHz\n\n")
        assert h.commands() == before
        assert h.run("stm32f1x.cpu curstate") == "examine deferred\n"


def test_a_lost_link_is_retried_with_backoff_and_target_commands_still_report_it(tmp_path: Path) -> None:
    """The firmware turns SWD off once it runs. Plain commands poll the lost core less
    and less often (1, 3, 7, ... commands apart, as OpenOCD); a target command polls it
    itself and says the link is gone; `reset halt` (NRST held) brings it back and the
    poll before every command resumes."""
    with H.sim_session(tmp_path, faults=("swd-disabled",),
                       before=("reset_config srst_only connect_assert_srst",)) as h:
        h.run("reset run")
        h.chip.advance(0.05)
        out = h.run("; ".join(f"echo {i}" for i in range(12)))
        retries = out.count("Info : Previous state query failed, trying to reconnect")
        assert 2 <= retries <= 4, out
        assert out.splitlines()[-1] == "11"
        err = h.fails("reg pc")
        assert err.startswith("Info : Previous state query failed, trying to reconnect\n"
                              "Error: cannot connect to the target over SWD")
        h.run("reset halt")
        assert h.run("reg pc") == f"pc (/32): {H.elf_symbol('Reset_Handler') & ~1:#010x}\n\n"
        before = h.commands()
        h.run("echo a; echo b")
        assert h.commands() == before + 2


@pytest.mark.oracle("openocd")
def test_halt_report_order_matches_openocd(tmp_path: Path) -> None:
    state = H.make_state(tmp_path)
    commands = ["init", "reset halt", f"bp {MAIN:#x} 2 hw", "resume; echo x; wait_halt", "echo done"]
    ref = H.run_openocd(state, tmp_path, commands)
    got = H.run_ocdpy_usb(state, tmp_path, commands)
    assert ref.returncode == 0 and got.returncode == 0, got.output

    def tail(run: H.Run) -> list[str]:
        lines = H.normalise(run.output)
        return lines[lines.index(f"breakpoint set at {MAIN:#010x}"):]

    assert tail(got) == tail(ref)
    assert tail(got)[2:5] == [line.rstrip() for line in [*HALT_AT_MAIN.rstrip("\n").split("\n"), "x"]]
