"""The SWD clock: what `init` reports about it and what `adapter speed` does once the
probe is open, in OpenOCD 0.12's words and order, and the clock the (virtual) probe
then really runs at."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import harness as H

UNABLE = "Info : Unable to match requested speed {} kHz, using {} kHz\n"


def test_init_reports_the_clock_in_openocd_order_for_both_drivers(tmp_path: Path) -> None:
    for sub in ("hla", "dap"):
        (tmp_path / sub).mkdir()
    with H.sim_session(tmp_path / "hla") as h:
        lines = h.out.getvalue().splitlines()
        # hla: the request, before the probe is opened (it takes the nearest clock itself)
        assert lines.index("Info : clock speed 1000 kHz") < lines.index(
            "Info : STLINK V2J37S7 (API v2) VID:PID 0483:3748")
        assert not any("Unable to match" in line for line in lines)
        assert h.hw.probe.swd_khz == 950
    with H.sim_session(tmp_path / "dap", config=("interface/stlink-dap.cfg", "target/stm32f1x.cfg"),
                       probe="stlink-v2-1", before=("transport select dapdirect_swd",)) as h:
        lines = h.out.getvalue().splitlines()
        start = lines.index("Info : Target voltage: 3.300000") + 1
        assert lines[start:start + 5] == [
            "Info : Unable to match requested speed 1000 kHz, using 950 kHz",
            "Info : Unable to match requested speed 1000 kHz, using 950 kHz",
            "Info : clock speed 950 kHz",
            "Info : stlink_dap_op_connect(connect)",
            "Info : SWD DPIDR 0x1ba01477",
        ]
        assert h.hw.probe.swd_khz == 950


def test_adapter_speed_after_init_switches_the_probe(tmp_path: Path) -> None:
    with H.sim_session(tmp_path) as h:
        assert h.run("adapter speed") == UNABLE.format(1000, 950) + "adapter speed: 950 kHz\n\n"
        assert h.run("adapter speed 480") == "adapter speed: 480 kHz\n\n"
        assert h.hw.probe.swd_khz == 480
        assert h.run("adapter speed 5000") == UNABLE.format(5000, 4000) * 2 + "adapter speed: 4000 kHz\n\n"
        assert h.hw.probe.swd_khz == 4000
        assert h.run("adapter speed 3") == UNABLE.format(3, 5) * 2 + "adapter speed: 5 kHz\n\n"
        assert h.hw.probe.swd_khz == 5
        # the session goes on at the new clock
        assert h.run("mdw 0x08000000").startswith("0x08000000: ")


def test_adapter_speed_before_init_only_remembers_the_request(tmp_path: Path) -> None:
    with H.sim_session(tmp_path, init=False) as h:
        assert h.run("adapter speed 5000") == "adapter speed: 5000 kHz\n\n"
        h.session.init()
        assert "Info : clock speed 5000 kHz\n" in h.out.getvalue()
        assert h.hw.probe.swd_khz == 4000


@pytest.mark.parametrize(("probe", "khz", "unmatched"), [("stlink-v2", 4000, 2), ("stlink-v3", 8000, 0)])
def test_reset_init_handler_speeds_the_f4_link_up(tmp_path: Path, probe: str, khz: int, unmatched: int) -> None:
    """stm32f4x.cfg asks for 2000 kHz at reset-start and 8000 kHz at reset-init: the
    probe must follow, or flash writes crawl at the reset clock."""
    with H.sim_session(tmp_path, firmware=None, chip="stm32f407vg", probe=probe,
                       config=("interface/stlink.cfg", "target/stm32f4x.cfg")) as h:
        out = h.run("reset init")
        assert out.count(UNABLE.format(8000, 4000)) == unmatched
        assert h.hw.probe.swd_khz == khz
        h.run("reset halt")  # reset-start slows it down again
        assert h.hw.probe.swd_khz == (1800 if probe == "stlink-v2" else 1000)


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("driver", ["hla", "st-link"])
def test_clock_lines_match_openocd(tmp_path: Path, driver: str) -> None:
    state = H.make_state(tmp_path)
    commands = ["init", "adapter speed", "adapter speed 480", "adapter speed 5000", "adapter speed 3",
                "adapter speed 1800", "mdw 0x08000000 2"]
    ref = H.run_openocd(state, tmp_path, commands, driver=driver)
    got = H.run_ocdpy_usb(state, tmp_path, commands, driver=driver)
    assert ref.returncode == 0 and got.returncode == 0, got.output

    def speed_lines(run: H.Run) -> list[str]:
        return [line for line in H.normalise(run.output) if "speed" in line or line.startswith("0x0800")]

    assert speed_lines(got) == speed_lines(ref)
    assert "Info : clock speed" in "\n".join(speed_lines(got))


@pytest.mark.oracle("openocd")
@pytest.mark.parametrize("driver", ["hla", "st-link"])
@pytest.mark.parametrize("commands", [["adapter speed 0", "init", "adapter speed"],
                                      ["init", "adapter speed 0", "echo after"]])
def test_adaptive_clock_requests_as_openocd(tmp_path: Path, driver: str, commands: list[str]) -> None:
    """0 kHz (RCLK): the hla driver takes its slowest clock; the st-link driver refuses
    it (at init, or at run time) with OpenOCD's lines and exit code."""
    state = H.make_state(tmp_path)
    ref = H.run_openocd(state, tmp_path, commands, driver=driver)
    got = H.run_ocdpy_usb(state, tmp_path, commands, driver=driver)

    def lines(run: H.Run) -> list[str]:
        return [line for line in H.normalise(run.output) if "speed" in line or "RCLK" in line
                or line.startswith("Error") or line == "after"]

    assert got.returncode == ref.returncode
    assert lines(got) == lines(ref)
