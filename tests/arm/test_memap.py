"""MEM-AP access through CSW/TAR/DRW (no probe block commands), against the virtual
chips' own SW-DP and MEM-AP models: TAR auto-increment wrapping, byte lanes, CSW/TAR
caching, faults and sticky errors; and the work-area allocator."""

from __future__ import annotations

import pytest

from ocdpy.arm import DebugPort, MemAP, WorkAreaAllocator
from ocdpy.arm.memap import split_transfer
from ocdpy.errors import TargetConnectionError, TargetError, TransferFaultError


class ChipDap:
    """A DapAccess straight onto a virtual chip's DP/APs: register by register, as a
    probe without memory commands would work."""

    def __init__(self, chip: object) -> None:
        self.chip = chip
        self.ap_writes: list[tuple[int, int, int]] = []

    def _call(self, fn, *args):  # noqa: ANN001, ANN202
        from ocdpy.sim.port import SimSwdError

        try:
            return fn(*args)
        except SimSwdError as exc:
            if exc.ack == SimSwdError.ACK_FAULT:
                raise TransferFaultError("AP transfer faulted") from None
            raise TargetConnectionError(f"no answer ({exc})") from None

    def connect(self) -> int:
        return self._call(self.chip.swd_line_reset)

    def dp_read(self, reg: int) -> int:
        return self._call(self.chip.dp_read, reg)

    def dp_write(self, reg: int, value: int) -> None:
        self._call(self.chip.dp_write, reg, value)

    def ap_read(self, ap: int, reg: int) -> int:
        return self._call(self.chip.ap_read, ap, reg)

    def ap_write(self, ap: int, reg: int, value: int) -> None:
        self.ap_writes.append((ap, reg, value))
        self._call(self.chip.ap_write, ap, reg, value)

    def mem_fast_path(self, ap: int) -> bool:
        return False


def _memap(chip_name: str, ap: int | None = None) -> tuple[object, ChipDap, MemAP]:
    from ocdpy.sim.chips import create_chip

    chip = create_chip(chip_name)
    dap = ChipDap(chip)
    dp = DebugPort(dap)
    assert dp.connect() == chip.spec.dpidr
    port = dp.find_mem_ap() if ap is None else dp.ap(ap)
    mem = MemAP(port)
    mem.init()
    return chip, dap, mem


def test_split_transfer() -> None:
    assert list(split_transfer(0x1001, 11, 4, 1024)) == [(0x1001, 3, 1), (0x1004, 8, 4)]
    assert list(split_transfer(0x3FE, 8, 4, 1024)) == [(0x3FE, 2, 1), (0x400, 4, 4), (0x404, 2, 1)]
    assert list(split_transfer(0x3F0, 0x20, 4, 1024)) == [(0x3F0, 0x10, 4), (0x400, 0x10, 4)]
    assert list(split_transfer(0x10, 5, 2, 1024)) == [(0x10, 4, 2), (0x14, 1, 1)]


@pytest.mark.parametrize("chip_name,block,ram", [
    ("stm32f103c8", 4096, 0x20000000),
    ("stm32h753xi", 1024, 0x24000000),
])
def test_blocks_across_tar_wrap_boundaries(chip_name: str, block: int, ram: int) -> None:
    chip, _, mem = _memap(chip_name)
    mem.tar_autoincr_block = block
    data = bytes((i * 7 + 3) & 0xFF for i in range(3 * block // 2))
    start = ram + block - 0x40  # the transfer crosses a block boundary
    mem.write_memory(start, data, 4)
    assert chip.read_memory(start, len(data)) == data
    assert mem.read_memory(start, len(data), 4) == data


@pytest.mark.parametrize("width", [1, 2, 4])
def test_byte_lanes_at_every_offset(width: int) -> None:
    chip, _, mem = _memap("stm32f103c8")
    for offset in range(4):
        data = bytes(range(0x40 + offset, 0x40 + offset + 4 * width + 3))
        mem.write_memory(0x20000100 + offset, data, width)
        assert mem.read_memory(0x20000100 + offset, len(data), width) == data
        assert chip.read_memory(0x20000100 + offset, len(data)) == data


def test_csw_and_tar_writes_are_cached() -> None:
    _, dap, mem = _memap("stm32f103c8")
    mem.read_memory(0x20000000, 16, 4)
    dap.ap_writes.clear()
    mem.read_memory(0x20000010, 16, 4)  # TAR already points there, CSW unchanged
    assert dap.ap_writes == []
    mem.read_memory(0x20000000, 2, 2)
    assert [reg for _, reg, _ in dap.ap_writes] == [0x00, 0x04]  # new size, new address


def test_fault_names_the_address_and_clears_the_sticky_error() -> None:
    _, _, mem = _memap("stm32f103c8")
    with pytest.raises(TransferFaultError, match="memory read at 0x20005000") as info:
        mem.read_memory(0x20004FF8, 16, 4)
    assert info.value.address == 0x20005000
    with pytest.raises(TransferFaultError, match="memory write at 0x60000000"):
        mem.write_u32(0x60000000, 1)
    mem.write_u32(0x20000000, 0x12345678)
    assert mem.read_u32(0x20000000) == 0x12345678


def test_h7_access_ports() -> None:
    chip, _, mem = _memap("stm32h753xi", ap=1)  # the D3 domain's AHB-AP
    mem.write_u32(0x38000000, 0xA5A5F00F)
    assert chip.read_memory(0x38000000, 4) == bytes.fromhex("0ff0a5a5")
    with pytest.raises(TargetError, match="is not a MEM-AP"):
        from ocdpy.sim.chips import create_chip

        dp = DebugPort(ChipDap(create_chip("stm32h753xi")))
        dp.connect()
        MemAP(dp.ap(5)).init()


class _Ram:
    def __init__(self) -> None:
        self.data = bytearray(range(256)) * 4

    def read_memory(self, address: int, size: int, width: int = 4) -> bytes:
        return bytes(self.data[address : address + size])

    def write_memory(self, address: int, data: bytes, width: int = 4) -> None:
        self.data[address : address + len(data)] = data


def test_work_areas_first_fit_merge_and_backup() -> None:
    ram = _Ram()
    original = bytes(ram.data)
    areas = WorkAreaAllocator(0x100, 0x200, backup=True, mem=ram)
    a = areas.alloc(10)
    b = areas.alloc(0x40)
    assert (a.address, a.size, b.address) == (0x100, 12, 0x10C)
    ram.write_memory(a.address, b"\xff" * 12)
    areas.free(a)
    assert bytes(ram.data) == original  # the backup went back
    c = areas.alloc(8)
    assert c.address == 0x100  # first fit reuses the hole
    with pytest.raises(TargetError, match="not enough working area available"):
        areas.alloc(0x200)
    areas.free_all()
    assert areas.available() == 0x200 and len(areas.areas) == 1
