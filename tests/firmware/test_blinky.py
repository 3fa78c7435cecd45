"""The committed test firmware: rebuilt bytes match, symbols and vectors are what the
debugger and flash tests rely on."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from tests import oracles

FIRMWARE = Path(__file__).resolve().parents[2] / "contrib" / "firmware"

# board -> (RAM end = initial SP, delay_loops initial value, LED GPIO ODR address, pin)
BOARDS = {
    "f103": (0x20005000, 2667, 0x4001100C, 13),
    "f407": (0x20020000, 5333, 0x40020C14, 12),
    "h753": (0x20020000, 21333, 0x58020414, 0),
}
FLASH_BASE = 0x08000000
EXTS = ("elf", "bin", "hex", "s19")


def _symbols(elf_path: Path) -> dict[str, tuple[int, int, str]]:
    """name -> (value, size, section name) for functions and objects."""
    from elftools.elf.elffile import ELFFile

    with elf_path.open("rb") as f:
        elf = ELFFile(f)
        sections = [s.name for s in elf.iter_sections()]
        out = {}
        for sym in elf.get_section_by_name(".symtab").iter_symbols():
            if sym["st_info"]["type"] in ("STT_FUNC", "STT_OBJECT"):
                shndx = sym["st_shndx"]
                sec = sections[shndx] if isinstance(shndx, int) else str(shndx)
                out[sym.name] = (sym["st_value"], sym["st_size"], sec)
        return out


def test_rebuild_gives_the_committed_bytes(tmp_path: Path) -> None:
    oracles.need("arm-none-eabi-gcc")
    oracles.need("arm-none-eabi-objcopy")
    # Build from a copy at another path: the bytes must not depend on where the
    # checkout lives.
    copy = tmp_path / "elsewhere" / "contrib" / "firmware"
    shutil.copytree(FIRMWARE, copy, ignore=shutil.ignore_patterns("blinky-*"))
    out = tmp_path / "out"
    run = subprocess.run(
        ["bash", str(copy / "build.sh"), str(out)],
        capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stderr
    for board in BOARDS:
        for ext in EXTS:
            name = f"blinky-{board}.{ext}"
            assert (out / name).read_bytes() == (FIRMWARE / name).read_bytes(), (
                f"{name} rebuilt differs from the committed file: run "
                "contrib/firmware/build.sh and commit the result (or check the toolchain version)"
            )


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_committed_files_exist(board: str) -> None:
    for ext in EXTS:
        assert (FIRMWARE / f"blinky-{board}.{ext}").stat().st_size > 0


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_elf_symbols_the_debugger_tests_use(board: str) -> None:
    from elftools.elf.elffile import ELFFile

    ram_end, delay, _, _ = BOARDS[board]
    elf_path = FIRMWARE / f"blinky-{board}.elf"
    syms = _symbols(elf_path)
    for name in ("main", "Reset_Handler", "Default_Handler", "led_init", "led_toggle", "delay"):
        value, size, section = syms[name]
        assert section == ".text" and size > 0, name
        assert FLASH_BASE <= value < FLASH_BASE + 0x1000, name
        assert value & 1, f"{name} is a Thumb function"
    count_addr, count_size, count_sec = syms["blink_count"]
    assert (count_sec, count_size) == (".bss", 4)
    loops_addr, loops_size, loops_sec = syms["delay_loops"]
    assert (loops_sec, loops_size) == (".data", 4)
    assert 0x20000000 <= loops_addr < count_addr < ram_end
    with elf_path.open("rb") as f:
        elf = ELFFile(f)
        assert elf["e_machine"] == "EM_ARM"
        assert elf["e_entry"] == syms["Reset_Handler"][0]
        assert elf.get_section_by_name(".debug_info") is not None, "built with -g"
        loads = [s for s in elf.iter_segments() if s["p_type"] == "PT_LOAD"]
        data_seg = [s for s in loads if s["p_vaddr"] == 0x20000000]
        assert len(data_seg) == 1
        # .data lives in RAM but is stored in flash: the load address differs
        assert FLASH_BASE < data_seg[0]["p_paddr"] < FLASH_BASE + 0x1000
        assert data_seg[0]["p_filesz"] == 4 and data_seg[0]["p_memsz"] == 8


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_bin_vectors_and_data_initialiser(board: str) -> None:
    ram_end, delay, _, _ = BOARDS[board]
    syms = _symbols(FIRMWARE / f"blinky-{board}.elf")
    image = (FIRMWARE / f"blinky-{board}.bin").read_bytes()
    vectors = struct.unpack_from("<16I", image)
    assert vectors[0] == ram_end, "initial SP is the top of RAM"
    assert vectors[1] == syms["Reset_Handler"][0]
    default = syms["Default_Handler"][0]
    assert [v for i, v in enumerate(vectors) if i >= 2 and v != 0] == [default] * 9
    assert vectors[7:11] == (0, 0, 0, 0) and vectors[13] == 0
    # The .bin ends with .data's initial value, which Reset_Handler copies to RAM.
    assert struct.unpack_from("<I", image, len(image) - 4)[0] == delay


# board -> (Unicorn CPU model name, reset clock in Hz, RCC enable register, bit)
CORES = {
    "f103": ("UC_CPU_ARM_CORTEX_M3", 8_000_000, 0x40021018, 4),
    "f407": ("UC_CPU_ARM_CORTEX_M4", 16_000_000, 0x40023830, 3),
    "h753": ("UC_CPU_ARM_CORTEX_M7", 64_000_000, 0x580244E0, 1),
}


def _run_blinky(board: str, instructions: int) -> tuple[list[int], int, int]:
    """Run the .bin from its reset vector on a bare Unicorn core for a number of
    instructions; return the LED ODR values written, blink_count and the RCC register."""
    import unicorn
    from unicorn import arm_const

    ram_end, _, odr, _ = BOARDS[board]
    cpu, _, rcc_reg, _ = CORES[board]
    image = (FIRMWARE / f"blinky-{board}.bin").read_bytes()
    count_addr = _symbols(FIRMWARE / f"blinky-{board}.elf")["blink_count"][0]
    uc = unicorn.Uc(unicorn.UC_ARCH_ARM, unicorn.UC_MODE_THUMB | unicorn.UC_MODE_MCLASS)
    uc.ctl_set_cpu_model(getattr(arm_const, cpu))
    uc.mem_map(FLASH_BASE, 0x10000)
    uc.mem_write(FLASH_BASE, image)
    uc.mem_map(0x20000000, ram_end - 0x20000000)
    # RAM-like stand-ins for the two peripheral blocks the firmware touches
    for base in {rcc_reg & ~0xFFF, odr & ~0xFFF}:
        uc.mem_map(base, 0x1000)
    writes: list[int] = []
    uc.hook_add(
        unicorn.UC_HOOK_MEM_WRITE,
        lambda _uc, _access, _addr, _size, value, _data: writes.append(value),
        begin=odr, end=odr + 3,
    )
    sp, pc = struct.unpack_from("<2I", image)
    uc.reg_write(arm_const.UC_ARM_REG_SP, sp)
    uc.emu_start(pc, 0xFFFFFFFF, count=instructions)
    count = struct.unpack("<I", uc.mem_read(count_addr, 4))[0]
    rcc = struct.unpack("<I", uc.mem_read(rcc_reg, 4))[0]
    return writes, count, rcc


@pytest.mark.parametrize("board", sorted(BOARDS))
def test_blinky_toggles_the_led_several_times_in_50_ms(board: str) -> None:
    """At one instruction per cycle of the reset clock, 50 ms of run time toggles the
    LED pin tens of times, and blink_count counts every toggle."""
    _, _, _, pin = BOARDS[board]
    _, clock, _, rcc_bit = CORES[board]
    writes, count, rcc = _run_blinky(board, clock // 20)
    assert rcc & (1 << rcc_bit), "GPIO port clock enabled in RCC"
    assert 20 <= len(writes) <= 60
    assert count == len(writes)
    mask = 1 << pin
    assert [w & mask for w in writes[:4]] == [mask, 0, mask, 0]
    assert all(w & ~mask == 0 for w in writes), "only the LED pin changes"


def test_docs_list_every_file() -> None:
    doc = (FIRMWARE.parents[1] / "docs" / "images.md").read_text()
    for board in BOARDS:
        for ext in EXTS:
            assert f"blinky-{board}.{ext}" in doc
