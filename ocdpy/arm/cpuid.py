"""Cortex-M identification: CPUID part numbers, the name OpenOCD prints for each, the
architecture, the FPU each may carry, and its MEM-AP auto-increment range.
"""

from __future__ import annotations

from dataclasses import dataclass

from ocdpy.errors import TargetError


@dataclass(frozen=True)
class CorePart:
    partno: int
    name: str
    arch: str  # "v6m", "v7m", "v8m"
    fpu: str | None = None  # "fpv4" (single precision), "fpv5" (single or double)
    tar_block_4k: bool = False  # M3/M4 MEM-APs auto-increment over 4 KiB, others 1 KiB


PARTS: dict[int, CorePart] = {p.partno: p for p in (
    CorePart(0xC20, "Cortex-M0", "v6m"),
    CorePart(0xC60, "Cortex-M0+", "v6m"),
    CorePart(0xC21, "Cortex-M1", "v6m"),
    CorePart(0xC23, "Cortex-M3", "v7m", tar_block_4k=True),
    CorePart(0xC24, "Cortex-M4", "v7m", fpu="fpv4", tar_block_4k=True),
    CorePart(0xC27, "Cortex-M7", "v7m", fpu="fpv5"),
    CorePart(0xD20, "Cortex-M23", "v8m"),
    CorePart(0xD21, "Cortex-M33", "v8m", fpu="fpv5"),
    CorePart(0xD31, "Cortex-M35P", "v8m", fpu="fpv5"),
    CorePart(0xD22, "Cortex-M55", "v8m", fpu="fpv5"),
    CorePart(0x132, "STAR-MC1", "v8m", fpu="fpv5"),
)}

# MVFR0/MVFR1 of the FPU variants OpenOCD recognises
FPU_SIGNATURES = {
    "fpv4": {(0x10110021, 0x11000011): "FPv4_SP"},
    "fpv5": {(0x10110021, 0x11000011): "FPv5_SP", (0x10110221, 0x12000011): "FPv5_DP"},
}


@dataclass(frozen=True)
class Cpuid:
    value: int

    @property
    def partno(self) -> int:
        return (self.value >> 4) & 0xFFF

    @property
    def variant(self) -> int:
        return (self.value >> 20) & 0xF

    @property
    def revision(self) -> int:
        return self.value & 0xF

    @property
    def implementer(self) -> int:
        return self.value >> 24

    def part(self) -> CorePart:
        part = PARTS.get(self.partno)
        if part is None:
            raise TargetError(f"Cortex-M PARTNO {self.partno:#x} is unrecognized (CPUID {self.value:#010x}): "
                              "is this a Cortex-M core? Check -ap-num and the chip")
        return part

    def detected_line(self) -> str:
        return f"{self.part().name} r{self.variant}p{self.revision} processor detected"
