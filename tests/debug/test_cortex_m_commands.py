"""`cortex_m maskisr` and `cortex_m vector_catch` on the virtual F103 (DAP-level
driver, where OpenOCD has them): ocdpy beside the real OpenOCD 0.12 running the same
command list, compared line by line, DHCSR and DEMCR values included; and what the
commands do to the core (a caught HardFault halts it, C_MASKINTS follows the mode)."""

from __future__ import annotations

import re

import pytest

from . import harness as H

DHCSR, DEMCR = "0xE000EDF0", "0xE000EDFC"

COMMANDS = [
    "init", "reset halt",
    "cortex_m maskisr", f"mdw {DHCSR}",
    "cortex_m maskisr on", f"mdw {DHCSR}", "step", f"mdw {DHCSR}",
    "cortex_m maskisr steponly", f"mdw {DHCSR}", "step", f"mdw {DHCSR}",
    "cortex_m maskisr off", "step", "reg pc", f"mdw {DHCSR}",
    "cortex_m maskisr on", "resume", f"mdw {DHCSR}", "cortex_m maskisr", "halt", f"mdw {DHCSR}",
    "cortex_m maskisr auto",
    "cortex_m vector_catch", f"mdw {DEMCR}",
    "cortex_m vector_catch hard_err reset", f"mdw {DEMCR}",
    "cortex_m vector_catch all", "cortex_m vector_catch none", "cortex_m vector_catch reset reset bus_err",
    # `all` and `none` only alone; names are case-sensitive
    "echo rc=[catch {cortex_m vector_catch all reset}]",
    "echo rc=[catch {cortex_m maskisr ON}]",
    "echo rc=[catch {cortex_m vector_catch bogus hard_err}]",
    # a caught HardFault halts the core: an undefined instruction in SRAM escalates to it
    "cortex_m vector_catch hard_err", "mwh 0x20000200 0xde00", "resume 0x20000200", "wait_halt 1000",
    "reg pc", "reg xPSR",
    # the catch stays through resets (the reset's own catch bits come and go)
    "reset halt", f"mdw {DEMCR}", "reset run", f"mdw {DEMCR}", "reset halt",
    "cortex_m vector_catch none", f"mdw {DEMCR}",
]

# Where `halt` stops a running blinky depends on how long the programs took between
# their probe commands; the delay loop in main is all that is checked.
HALT_IN_MAIN = re.compile(r"^xPSR: 0x21000000 pc: 0x080000[ab][0-9a-f] msp: 0x20004ff0$")
# ocdpy names the failure of a syntax error on an Error line (docs/commands.md,
# "Deliberate differences"); OpenOCD prints only the usage.
OCDPY_ONLY = "Error: wrong arguments for 'cortex_m maskisr'; its usage:"


def _compared(run: H.Run, tmp, over_usb: bool) -> list[str]:
    lines = H.drop_known(H.normalise(run.output, tmp), over_usb=over_usb)
    return ["<halted in main>" if HALT_IN_MAIN.match(line) else line for line in lines if line != OCDPY_ONLY]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("cortex-m-cmds")
    state = H.make_state(base)
    out = {}
    for name, runner in (("openocd", H.run_openocd), ("ocdpy", H.run_ocdpy_usb)):
        tmp = base / name
        tmp.mkdir()
        out[name] = (runner(state, tmp, COMMANDS, driver="st-link"), tmp)
    return out


@pytest.mark.oracle("openocd")
def test_same_output_as_openocd(runs) -> None:
    ref, ref_tmp = runs["openocd"]
    got, got_tmp = runs["ocdpy"]
    assert ref.returncode == 0, ref.output
    assert got.returncode == 0, got.output
    assert _compared(got, got_tmp, False) == _compared(ref, ref_tmp, True)


@pytest.fixture(scope="module")
def ocdpy_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("cortex-m-ocdpy")
    return H.run_ocdpy_usb(H.make_state(base), base, COMMANDS, driver="st-link")


def _after(lines: list[str], command_output_start: str, nth: int = 0) -> list[str]:
    starts = [i for i, line in enumerate(lines) if line.startswith(command_output_start)]
    return lines[starts[nth]:]


def test_interrupt_mask_follows_the_mode(ocdpy_run) -> None:
    lines = H.normalise(ocdpy_run.output)
    dhcsr = [line.split(": ")[1] for line in lines if line.startswith("0xe000edf0:")]
    # auto, on, on after a step, steponly, steponly after a step, off after a step,
    # on while running (no S_HALT), on after the halt
    assert dhcsr == ["00030003", "0003000b", "0003000b", "00030003", "00030003", "00030003",
                     "01010009", "0003000b"]
    assert 'target must be stopped for "maskisr" command' in lines
    assert ocdpy_run.returncode == 0


def test_a_caught_hardfault_halts_the_core_in_its_handler(ocdpy_run) -> None:
    lines = H.normalise(ocdpy_run.output)
    at = lines.index("[stm32f1x.cpu] halted due to breakpoint, current mode: Handler HardFault")
    # blinky's vector table sends HardFault to Default_Handler
    assert lines[at + 2] == f"pc (/32): {H.elf_symbol('Default_Handler') & ~1:#010x}"
    assert lines[at + 4] == "xPSR (/32): 0x21000003"  # exception 3: HardFault


def test_bad_names_are_refused_with_the_usage(ocdpy_run) -> None:
    lines = H.normalise(ocdpy_run.output)
    assert "Error: [stm32f1x.cpu] No CM3 vector 'all'" in lines
    assert "Error: [stm32f1x.cpu] No CM3 vector 'bogus'" in lines
    assert lines.count("  cortex_m vector_catch ['all'|'none'|('bus_err'|'chk_err'|...)*]") == 2
    demcr = [line.split(": ")[1] for line in lines if line.startswith("0xe000edfc:")]
    # none, hard_err+reset, kept through `reset halt` and `reset run`, none again
    assert demcr == ["01000000", "01000401", "01000400", "01000400", "01000000"]


def test_hla_targets_have_no_cortex_m_group(tmp_path) -> None:
    run = H.run_ocdpy_usb(H.make_state(tmp_path), tmp_path, ["init", "cortex_m maskisr"])
    assert 'Error: invalid command name "cortex_m"' in H.normalise(run.output)
    assert run.returncode == 1
