"""A stand-in for `ocdpy.sim.chips` built on FakeTarget, for CLI/env tests of the probe side."""

from __future__ import annotations

from types import SimpleNamespace

from .fake_target import FakeTarget

CHIP_NAMES = ("stm32f103c8", "stm32f407vg")
FAULT_NAMES = ("rdp1", "wrp", "no-power")


class SavingTarget(FakeTarget):
    def __init__(self, name: str, faults: list[str], state_path: str | None) -> None:
        super().__init__()
        self.name = name
        self.faults = faults
        self.saved: list[str] = []
        if "no-power" in faults:
            self.powered = False

    def save_state(self, path: str) -> None:
        self.saved.append(path)
        with open(path, "w") as f:
            f.write("{}")


def module(made: list[SavingTarget] | None = None) -> SimpleNamespace:
    def create_chip(name: str, faults: list[str], state_path: str | None) -> SavingTarget:
        chip = SavingTarget(name, faults, state_path)
        if made is not None:
            made.append(chip)
        return chip

    return SimpleNamespace(CHIP_NAMES=CHIP_NAMES, FAULT_NAMES=FAULT_NAMES, create_chip=create_chip)
