"""Breakpoints and watchpoints on Cortex-M: the Flash Patch and Breakpoint unit (FPB
revision 1 and 2 comparator encodings), software BKPT instructions in writable
memory, and the DWT's address comparators.

FPB revision 1 (M3/M4) compares bits [28:2] of code addresses below 0x20000000 and
says which half-word to break on in REPLACE; revision 2 (M7, v8-M) takes any address
with bit 0 as enable. DWT comparators match an aligned power-of-two range
(ARMv7-M: COMP, MASK = log2(length), FUNCTION 5/6/7 for read/write/access; ARMv8-M:
FUNCTION with a match type and data size).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from ocdpy import log
from ocdpy.errors import TargetError

from . import armv7m as V7


class Memory(Protocol):
    def read_memory(self, address: int, size: int, width: int = 4) -> bytes: ...
    def write_memory(self, address: int, data: bytes, width: int = 4) -> None: ...
    def read_u32(self, address: int) -> int: ...
    def write_u32(self, address: int, value: int) -> None: ...


@dataclass
class Breakpoint:
    address: int
    length: int
    hw: bool
    comparator: int | None = None  # FPB comparator of a hardware breakpoint
    orig_instr: bytes = b""  # what a software breakpoint replaced
    is_set: bool = False

    @property
    def kind(self) -> str:
        return "hw" if self.hw else "sw"


@dataclass
class Watchpoint:
    address: int
    length: int
    rw: str  # "r", "w" or "a"
    value: int | None = None
    mask: int | None = None
    comparator: int | None = None
    is_set: bool = False


@dataclass
class Fpb:
    """The Flash Patch and Breakpoint unit: code comparators used for breakpoints."""

    mem: Memory
    target: str
    num_code: int = 0
    num_lit: int = 0
    rev: int = 0
    enabled: bool = False
    values: list[int] = field(default_factory=list)  # what each code comparator holds

    def probe(self) -> None:
        """Read FP_CTRL and clear every comparator left set by an earlier session."""
        fp_ctrl = self.mem.read_u32(V7.FP_CTRL)
        self.num_code = ((fp_ctrl >> 8) & 0x70) | ((fp_ctrl >> 4) & 0xF)
        self.num_lit = (fp_ctrl >> 8) & 0xF
        self.rev = (fp_ctrl >> 28) & 0xF
        self.enabled = bool(fp_ctrl & 1)
        self.values = [0] * self.num_code
        for index in range(self.num_code + self.num_lit):
            self.mem.write_u32(V7.FP_COMP0 + 4 * index, 0)
        log.debug(f"[{self.target}] FPB fpcr {fp_ctrl:#x}, numcode {self.num_code}, numlit {self.num_lit}")

    def encode(self, address: int) -> int:
        if self.rev == 0:
            if address > 0x1FFFFFFF:
                raise TargetError(f"[{self.target}] Cortex-M Flash Patch Breakpoint rev.1 cannot handle "
                                  f"HW breakpoint above address 0x1FFFFFFE (asked {address:#010x}): use "
                                  "a software breakpoint there")
            half = V7.FPCR_REPLACE_BKPT_HIGH if address & 2 else V7.FPCR_REPLACE_BKPT_LOW
            return (address & 0x1FFFFFFC) | half | 1
        if self.rev == 1:
            return (address & 0xFFFFFFFE) | 1
        raise TargetError(f"[{self.target}] Unhandled Cortex-M Flash Patch Breakpoint architecture "
                          f"revision {self.rev + 1}")

    def set(self, bp: Breakpoint) -> None:
        free = next((i for i, v in enumerate(self.values) if not v), None)
        if free is None:
            raise TargetError(f"[{self.target}] Can not find free FPB Comparator! All {self.num_code} "
                              "hardware breakpoints are in use: remove one (rbp) or use a software one")
        value = self.encode(bp.address)
        self.mem.write_u32(V7.FP_COMP0 + 4 * free, value)
        self.values[free] = value
        bp.comparator = free
        if not self.enabled:
            self.mem.write_u32(V7.FP_CTRL, V7.FP_CTRL_KEY_ENABLE)
            if not self.mem.read_u32(V7.FP_CTRL) & 1:
                raise TargetError(f"[{self.target}] Failed to enable the FPB")
            self.enabled = True

    def unset(self, bp: Breakpoint) -> None:
        if bp.comparator is None or bp.comparator >= self.num_code:
            return
        self.mem.write_u32(V7.FP_COMP0 + 4 * bp.comparator, 0)
        self.values[bp.comparator] = 0
        bp.comparator = None

    def restore(self) -> None:
        """Re-arm the comparators after a reset that may have cleared them."""
        if any(self.values):
            self.mem.write_u32(V7.FP_CTRL, V7.FP_CTRL_KEY_ENABLE)
            self.enabled = True
            for index, value in enumerate(self.values):
                if value:
                    self.mem.write_u32(V7.FP_COMP0 + 4 * index, value)


@dataclass
class Dwt:
    """The DWT comparators used as data watchpoints."""

    mem: Memory
    target: str
    num_comp: int = 0
    devarch: int = 0
    used: list[tuple[int, int, int] | None] = field(default_factory=list)  # (comp, mask, function)

    def probe(self) -> None:
        ctrl = self.mem.read_u32(V7.DWT_CTRL)
        if not ctrl:
            self.num_comp = 0
            self.used = []
            return
        self.devarch = self.mem.read_u32(V7.DWT_DEVARCH)
        self.num_comp = (ctrl >> 28) & 0xF
        self.used = [None] * self.num_comp
        for index in range(self.num_comp):
            self.mem.write_u32(V7.DWT_COMP0 + 0x10 * index + 8, 0)

    @property
    def v8m(self) -> bool:
        return (self.devarch & 0x1FFFFF) == V7.DWT_DEVARCH_ARMV8M

    def check(self, wp: Watchpoint, in_use: int) -> None:
        """Refuse what the hardware cannot watch, with the reason."""
        if in_use >= self.num_comp:
            raise TargetError(f"[{self.target}] no free DWT comparator: all {self.num_comp} "
                              "watchpoints are in use (rwp one first)")
        if wp.mask is not None and wp.mask != 0xFFFFFFFF:
            raise TargetError(f"[{self.target}] watchpoint value masks are not supported by the DWT")
        if wp.length <= 0 or wp.length & (wp.length - 1) or wp.length > 0x8000:
            raise TargetError(f"[{self.target}] unsupported watchpoint length {wp.length}: use a power "
                              "of two up to 32768")
        if wp.address & (wp.length - 1):
            raise TargetError(f"[{self.target}] watchpoint address {wp.address:#010x} is not aligned to "
                              f"its length {wp.length}")
        if wp.value:
            raise TargetError(f"[{self.target}] data value watchpoints are not supported")

    def set(self, wp: Watchpoint) -> None:
        index = next((i for i, u in enumerate(self.used) if u is None), None)
        if index is None:
            raise TargetError(f"[{self.target}] Can not find free DWT Comparator")
        if self.v8m:
            function = {"a": 4, "w": 5, "r": 6}[wp.rw] | (1 << 4) | ((wp.length >> 1) << 10)
            mask = (wp.length >> 1) | 1
        else:
            function = {"r": 5, "w": 6, "a": 7}[wp.rw]
            mask = wp.length.bit_length() - 1
        base = V7.DWT_COMP0 + 0x10 * index
        self.mem.write_u32(base, wp.address)
        if not self.v8m:
            self.mem.write_u32(base + 4, mask)
        self.mem.write_u32(base + 8, function)
        self.used[index] = (wp.address, mask, function)
        wp.comparator = index
        wp.is_set = True

    def unset(self, wp: Watchpoint) -> None:
        if wp.comparator is None:
            return
        self.mem.write_u32(V7.DWT_COMP0 + 0x10 * wp.comparator + 8, 0)
        self.used[wp.comparator] = None
        wp.comparator = None
        wp.is_set = False

    def restore(self) -> None:
        for index, entry in enumerate(self.used):
            if entry is None:
                continue
            comp, mask, function = entry
            base = V7.DWT_COMP0 + 0x10 * index
            self.mem.write_u32(base, comp)
            if not self.v8m:
                self.mem.write_u32(base + 4, mask)
            self.mem.write_u32(base + 8, function)


def set_software_breakpoint(mem: Memory, bp: Breakpoint, target: str) -> None:
    """Save the instruction at the address and put BKPT there; refuse unwritable memory."""
    address = bp.address & ~1
    bp.orig_instr = mem.read_memory(address, bp.length, 2)
    mem.write_memory(address, V7.BKPT_INSTRUCTION, 2)
    if mem.read_memory(address, 2, 2) != V7.BKPT_INSTRUCTION:
        raise TargetError(f"[{target}] cannot set a software breakpoint at {bp.address:#010x}: the memory "
                          f"there is not writable (flash?); use a hardware breakpoint: bp {bp.address:#x} "
                          f"{bp.length} hw")
    bp.is_set = True


def unset_software_breakpoint(mem: Memory, bp: Breakpoint) -> None:
    mem.write_memory(bp.address & ~1, bp.orig_instr, 2)
    bp.is_set = False
