"""verify_image on memory that differs from the image: the byte-by-byte listing stops
after 128 differences with OpenOCD's line, as OpenOCD 0.12 does."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import harness as H

MORE = "More than 128 errors, the rest are not printed."


def _image(tmp_path: Path, size: int) -> Path:
    path = tmp_path / f"a5-{size}.bin"
    path.write_bytes(bytes([0xA5]) * size)
    return path


def _diff_lines(text: str) -> list[str]:
    return [line.removeprefix("Error: ") for line in text.splitlines()
            if line.removeprefix("Error: ").startswith(("diff ", "More than", "No more"))]


@pytest.mark.parametrize(("size", "listed", "last"), [(300, 128, MORE), (128, 128, MORE),
                                                       (100, 100, "No more differences found.")])
def test_at_most_128_differences_are_listed(tmp_path: Path, size: int, listed: int, last: str) -> None:
    with H.sim_session(tmp_path) as h:
        h.run("reset halt")
        out = h.fails(f"verify_image {_image(tmp_path, size)} 0x08000000")
        lines = _diff_lines(out)
        assert len(lines) == listed + 1
        assert lines[0].startswith("diff 0 address 0x08000000. Was 0x00 instead of 0xa5")
        assert lines[listed - 1].startswith(f"diff {listed - 1} address 0x{0x08000000 + listed - 1:08x}. ")
        assert lines[-1] == last


@pytest.mark.oracle("openocd")
def test_difference_listing_matches_openocd(tmp_path: Path) -> None:
    state = H.make_state(tmp_path)
    commands = ["init", "reset halt", f"verify_image {_image(tmp_path, 300)} 0x08000000"]
    ref = H.run_openocd(state, tmp_path, commands)
    got = H.run_ocdpy_usb(state, tmp_path, commands)
    assert ref.returncode == got.returncode == 1
    assert _diff_lines(got.output) == _diff_lines(ref.output)
    assert len(_diff_lines(ref.output)) == 129
