"""`fast_load_image` + `fast_load` and `virt2phys`, beside the real OpenOCD 0.12 on the
virtual F103 (same lines, timings aside, and the same RAM afterwards), and the error
when `fast_load` has nothing to write."""

from __future__ import annotations

import re

import pytest

from . import harness as H

BIN = H.FIRMWARE / "blinky-f103.bin"
ELF = H.FIRMWARE / "blinky-f103.elf"
COMMANDS = [
    "init", "reset halt", "virt2phys 0x08000000",
    f"fast_load_image {BIN} 0x20000100", "mdw 0x20000100 4", "fast_load", "mdw 0x20000100 4",
    # an ELF read whole (its sections are in flash: only listed here) ...
    f"fast_load_image {ELF}",
    # ... and clipped to a window none of it falls in: OpenOCD keeps empty entries
    f"fast_load_image {ELF} 0x20000000 elf 0x20000000 0x20", "fast_load",
    f"fast_load_image {BIN} 0x20000200 bin 0x20000208 8", "fast_load", "mdw 0x20000200 6",
]
RATE = re.compile(r"^Loaded image (inf|-nan|\d+\.\d+) kBytes/s$")


def _compared(run: H.Run, tmp, over_usb: bool) -> list[str]:
    lines = H.drop_known(H.normalise(run.output, tmp), over_usb=over_usb)
    return ["Loaded image <rate> kBytes/s" if RATE.match(line) else line for line in lines]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    base = tmp_path_factory.mktemp("fast-load")
    state = H.make_state(base)
    out = {}
    for name, runner in (("openocd", H.run_openocd), ("ocdpy", H.run_ocdpy_usb)):
        tmp = base / name
        tmp.mkdir()
        out[name] = (runner(state, tmp, COMMANDS), tmp)
    return out


@pytest.mark.oracle("openocd")
def test_same_output_as_openocd(runs) -> None:
    ref, ref_tmp = runs["openocd"]
    got, got_tmp = runs["ocdpy"]
    assert ref.returncode == 0, ref.output
    assert got.returncode == 0, got.output
    assert _compared(got, got_tmp, False) == _compared(ref, ref_tmp, True)


def test_fast_load_writes_what_fast_load_image_read(tmp_path) -> None:
    run = H.run_ocdpy_usb(H.make_state(tmp_path), tmp_path, COMMANDS)
    assert run.returncode == 0, run.output
    lines = H.normalise(run.output)
    assert "Physical address 0x08000000" in lines
    words = [line for line in lines if line.startswith("0x20000100:")]
    # untouched RAM before fast_load, the image's vector table after it
    assert words[0] != "0x20000100: 20005000 08000045 08000041 08000041"
    assert words[1] == "0x20000100: 20005000 08000045 08000041 08000041"
    assert "Write to 0x00000000, length 0x00000000" in lines
    # the window [0x20000208, +8) of the image placed at 0x20000200: its words 2 and 3
    assert [line for line in lines if line.startswith("0x20000200:")][0].split()[3:5] == ["08000041", "08000041"]


def test_fast_load_without_an_image_says_what_to_do_first(tmp_path) -> None:
    run = H.run_ocdpy_usb(H.make_state(tmp_path), tmp_path, ["init", "fast_load"])
    assert run.returncode == 1
    assert "Error: No image in memory: read one first with fast_load_image FILE [ADDRESS]" in run.output
