"""The flash commands as a user types them, on virtual chips: OpenOCD 0.12's output
lines, and clear errors for the mistakes people make."""

from __future__ import annotations

import re

import pytest

from tests.flash.harness import FIRMWARE, sim_session

pytest.importorskip("unicorn")

F1 = FIRMWARE / "blinky-f103.bin"
TIMING = r"in \d+\.\d{6}s \(\d+\.\d{3} KiB/s\)"


def test_write_image_lines_and_result():
    with sim_session("stm32f103c8") as h:
        out = h.run(f"flash write_image erase {F1} 0x08000000")
        assert re.fullmatch(rf"auto erase enabled\nwrote 272 bytes from file {re.escape(str(F1))} {TIMING}\n", out)
        assert h.chip.flash_bytes(0, 272) == F1.read_bytes()
        out = h.run(f"flash write_image erase unlock {F1} 0x08000000 bin")
        assert out.startswith("auto erase enabled\nauto unlock enabled\nwrote 272 bytes")


@pytest.mark.parametrize("chip_name,fw,written", [("stm32f407vg", "blinky-f407.bin", 16384),
                                                  ("stm32h753xi", "blinky-h753.bin", 288)])
def test_write_image_counts_what_openocd_counts(chip_name, fw, written):
    with sim_session(chip_name) as h:
        out = h.run(f"flash write_image erase {FIRMWARE / fw} 0x08000000")
        assert f"wrote {written} bytes from file" in out
        assert h.chip.flash_bytes(0, 288)[:len((FIRMWARE / fw).read_bytes())] == (FIRMWARE / fw).read_bytes()


def test_info_banks_list_probe():
    with sim_session("stm32f103c8") as h:
        assert h.run("flash banks") == ("#0 : stm32f1x.flash (stm32f1x) at 0x08000000, size 0x00000000, "
                                        "buswidth 0, chipwidth 0\n")
        info = h.run("flash info 0").split("\n")
        assert info[0] == "#0 : stm32f1x at 0x08000000, size 0x00010000, buswidth 0, chipwidth 0"
        assert info[1] == "\t#  0: 0x00000000 (0x1000 4kB) not protected"
        assert info[16] == "\t# 15: 0x0000f000 (0x1000 4kB) not protected"
        assert info[17] == "STM32F10x (Medium Density) - Rev: Y"
        sectors = h.run("flash info 0 sectors").split("\n")
        assert sectors[64] == "\t# 63: 0x0000fc00 (0x400 1kB) "
        assert h.run("flash banks").endswith("size 0x00010000, buswidth 0, chipwidth 0\n")
        assert h.run("flash list") == ("{name stm32f1x.flash driver stm32f1x base 134217728 size 65536 "
                                       "bus_width 0 chip_width 0 target stm32f1x.cpu}")
        assert h.run("flash probe 0") == "flash 'stm32f1x' found at 0x08000000\n"
        assert "Info : device id = 0x20036410\nInfo : flash size = 64 KiB" in h.logged()


def test_erase_check_erase_sector_erase_address():
    with sim_session("stm32f103c8") as h:
        assert h.run("flash erase_check 0") == "successfully checked erase state\n\tBank is erased\n"
        h.run(f"flash write_image erase {F1} 0x08000000")
        assert h.run("flash erase_check 0") == ("successfully checked erase state\n"
                                                "\t#  0: 0x00000000 (0x400 1kB) not erased\n")
        assert re.fullmatch(r"erased sectors 0 through 0 on flash bank 0 in \d+\.\d{6}s\n",
                            h.run("flash erase_sector 0 0 0"))
        assert h.chip.flash_bytes(0, 16) == b"\xff" * 16
        assert re.fullmatch(rf"erased address 0x08004000 \(length 2048\) {TIMING}\n",
                            h.run("flash erase_address 0x08004000 0x800"))
        log = h.fails("flash erase_address 0x08004010 0x100")
        assert "address range 0x08004010 .. 0x0800410f is not sector-aligned" in log
        h.run("flash erase_address pad 0x08004010 0x100")
        assert "Warn : Adding extra erase range, 0x08004000 .. 0x0800400f" in h.logged()
        assert h.run("flash erase_sector 0 3 last").startswith("erased sectors 3 through 63")


def test_erase_sector_range_errors_print_openocds_lines():
    from ocdpy.tcl import TclError

    with sim_session("stm32f103c8") as h:
        with pytest.raises(TclError) as info:
            h.run("flash erase_sector 0 5 2")
        assert "ERROR: first sector must be <= last" in str(info.value)
        with pytest.raises(TclError) as info:
            h.run("flash erase_sector 0 0 64")
        assert "ERROR: last sector must be <= 63" in str(info.value)


def test_read_bank_defaults_to_the_whole_bank_and_takes_a_length(tmp_path):
    with sim_session("stm32f103c8") as h:
        h.run(f"flash write_image erase {F1} 0x08000000")
        whole, part = tmp_path / "whole.bin", tmp_path / "part.bin"
        out = h.run(f"flash read_bank 0 {whole}")
        assert re.fullmatch(rf"wrote 65536 bytes to file {re.escape(str(whole))} from flash bank 0 at offset "
                            rf"0x00000000 {TIMING}\n", out)
        assert whole.read_bytes()[:272] == F1.read_bytes() and len(whole.read_bytes()) == 65536
        h.run(f"flash read_bank 0 {part} 0 272")
        assert part.read_bytes() == F1.read_bytes()
        log = h.fails(f"flash read_bank 0 {part} 0x10000 4")
        assert "Length of 4 bytes with offset 0x00010000 is out of range of the flash bank" in log
        assert "Offset 0x00020000 is out of range of the flash bank" in h.fails(f"flash read_bank 0 {part} 0x20000")


def test_verify_bank_match_and_differ(tmp_path):
    from ocdpy.tcl import TclError

    with sim_session("stm32f103c8") as h:
        h.run(f"flash write_image erase {F1} 0x08000000")
        out = h.run(f"flash verify_bank 0 {F1}")
        assert out.endswith("\ncontents match\n") and out.startswith(f"read 272 bytes from file {F1} and flash bank 0")
        bad = tmp_path / "bad.bin"
        data = bytearray(F1.read_bytes())
        data[4] ^= 0xFF
        bad.write_bytes(bytes(data))
        with pytest.raises(TclError) as info:
            h.run(f"flash verify_bank 0 {bad}")
        assert "contents differ\ndiff 0 address 0x00000004. Was 0x45 instead of 0xba\n" in str(info.value)


def test_verify_image_reports_differences_and_names_the_sectors(tmp_path):
    from ocdpy.tcl import TclError

    with sim_session("stm32f103c8") as h:
        h.run(f"flash write_image erase {F1} 0x08000000")
        assert re.fullmatch(rf"verified 272 bytes {TIMING}\n", h.run(f"verify_image {F1} 0x08000000"))
        h.run("flash fillh 0x08000100 0x0000 1")  # clear a half-word in page 0
        with pytest.raises(TclError) as info:
            h.run(f"verify_image {F1} 0x08000000")
        text = str(info.value)
        assert "diff 0 address 0x08000100." in text and "No more differences found." in text
        log = h.logged()
        assert "Error: checksum mismatch - attempting binary compare" in log
        assert "the flash differs from the image in bank #0 sector 0 (0x08000000)" in log
        assert "Error: checksum mismatch\n" in h.fails(f"verify_image_checksum {F1} 0x08000000")


def test_fill_write_bank_padded_value(tmp_path):
    with sim_session("stm32f103c8") as h:
        assert re.fullmatch(rf"wrote 16 bytes to 0x08004000 {TIMING}\n", h.run("flash fillw 0x08004000 0x12345678 4"))
        assert h.chip.flash_bytes(0x4000, 8) == bytes.fromhex("7856341278563412")
        from ocdpy.tcl import TclError

        with pytest.raises(TclError) as info:
            h.run("flash fillb 0x08004100 0x1ff 1")
        assert "Fill pattern 0x1ff does not fit within 1-byte word" in str(info.value)
        assert h.run("flash padded_value 0 0x00") == "Default padded value set to 0x0 for flash bank 0\n"
        blob = tmp_path / "blob.bin"
        blob.write_bytes(b"\x11\x22\x33")
        out = h.run(f"flash write_bank 0 {blob} 0x5000")
        assert out.startswith(f"wrote 3 bytes from file {blob} to flash bank 0 at offset 0x00005000 in ")
        assert h.chip.flash_bytes(0x5000, 4) == b"\x11\x22\x33\x00"  # padded with the padded value
        assert "Padding at 0x08005003 with 1 bytes (bank write end alignment)" in h.logged()


def test_flash_md_and_rmw():
    with sim_session("stm32f103c8") as h:
        h.run(f"flash write_image erase {F1} 0x08000000")
        assert h.run("flash mdw 0x08000000 3") == "0x08000000: 20005000 08000045 08000041 \n"
        assert h.run("flash mdb 0x08000000 3") == "0x08000000: 00 50 00 \n"
        h.run("flash rmw 0x08000010 cafe")
        assert h.chip.flash_bytes(0, 272) == F1.read_bytes()[:16] + b"\xca\xfe" + F1.read_bytes()[18:]


@pytest.mark.parametrize("content,expect", [
    ("MEMORY\n{\n  FLASH (rx) : ORIGIN = 0x08000000, LENGTH = 64K\n}\nSECTIONS\n{\n}\n", "this is a linker script"),
    ("", "is empty (0 bytes)"),
])
def test_files_that_are_not_images_are_refused(tmp_path, content, expect):
    path = tmp_path / ("app.ld" if content else "app.bin")
    path.write_text(content)
    with sim_session("stm32f103c8") as h:
        log = h.fails(f"flash write_image erase {path} 0x08000000")
        assert expect in log
        assert h.chip.stats.get("flash_erases_page") == 0


def test_bad_inputs_say_what_is_wrong(tmp_path):
    with sim_session("stm32f103c8") as h:
        assert "couldn't open" in h.fails("flash write_image erase /nonexistent/fw.bin 0x08000000")
        big = tmp_path / "big.bin"
        big.write_bytes(bytes(range(256)) * 300)  # 75 KiB for a 64 KiB part
        log = h.fails(f"flash write_image erase {big} 0x08000000")
        assert "are outside every flash bank" in log and "bigger than its flash" in log
        assert h.chip.stats.get("flash_erases_page") == 0  # refused before touching flash
        log = h.fails(f"flash write_image erase {F1} 0x20000000")
        assert "outside every flash bank" in log
        assert "flash bank 7 does not exist (banks: #0 stm32f1x.flash)" in h.fails("flash info 7")
        assert "usage" not in h.fails("flash info 7")
        log = h.fails("flash erase_sector 0 1")
        assert "flash erase_sector bank_id first_sector_num (last_sector_num|'last')" in log


def test_driver_commands_options_and_mass_erase():
    with sim_session("stm32f103c8") as h:
        assert h.run("stm32f1x options_read 0").split("\n")[:3] == [
            "option byte register = 0x3fffffc", "write protection register = 0xffffffff", "read protection: off"]
        out = h.run("stm32f1x options_write 0 HWWDG USEROPT 0x1234")
        assert out.startswith("stm32x write options complete.\nINFO: power cycle is required")
        # byte and complement pairs: RDP A5, user FE, data 34 12
        assert h.chip.option_bytes()["option_bytes"][:16] == "a55afe0134cb12ed"
        h.run(f"flash write_image erase {F1} 0x08000000")
        assert h.run("stm32f1x mass_erase 0") == "stm32x mass erase complete\n"
        assert h.chip.flash_bytes(0, 16) == b"\xff" * 16
    with sim_session("stm32f407vg") as h:
        assert h.run("stm32f2x options_read 0") == "stm32f2x user_options 0xEC\n"
        assert h.run("stm32f4x options_read 0") == "stm32f2x user_options 0xEC\n"  # alias proc
    with sim_session("stm32h753xi") as h:
        assert h.run("stm32h7x option_read 0 0x1c") == "Option Register: <0x5200201c> = 0x6aad0\n"


def test_f1_lock_and_unlock_commands():
    with sim_session("stm32f103c8") as h:
        assert h.run("stm32f1x lock 0") == "stm32x locked\n"
        h.target.reset_halt()
        log = h.fails(f"flash write_image erase {F1} 0x08000000")
        assert "device is read-out protected" in log and "`stm32f1x unlock 0`" in log
        out = h.run("stm32f1x unlock 0")
        assert out == ("stm32x unlocked.\nINFO: a reset or power cycle is required for the new "
                       "settings to take effect.\n")


def test_skip_unchanged_switch():
    with sim_session("stm32f103c8") as h:
        assert h.run("flash skip_unchanged") == "on"
        assert h.run("flash skip_unchanged off") == "off"
        h.run(f"flash write_image erase {F1} 0x08000000")
        h.run(f"flash write_image erase {F1} 0x08000000")
        # as OpenOCD: both writes erased page 0, blank or not
        assert h.chip.stats.get("flash_erases_page") == 2


def test_shutdown_warns_when_flash_was_written_and_the_core_stays_halted():
    from ocdpy.commands.flash import _warn_not_started

    with sim_session("stm32f103c8") as h:
        h.run(f"flash write_image erase {F1} 0x08000000")
        _warn_not_started(h.session)
        assert "flash was written but the target is still halted, so the new firmware is not running" in h.logged()
        assert "`reset run`" in h.logged()
    with sim_session("stm32f103c8") as h:
        h.run(f"flash write_image erase {F1} 0x08000000")
        h.target.reset_run()
        _warn_not_started(h.session)
        assert "still halted" not in h.logged()


def test_overlapping_segments_are_refused_before_anything_is_erased(tmp_path):
    def record(address, data):
        body = bytes([len(data), address >> 8, address & 0xFF, 0]) + data
        return ":" + (body + bytes([(-sum(body)) & 0xFF])).hex().upper() + "\n"

    hexfile = tmp_path / "overlap.hex"
    hexfile.write_text(":020000040800F2\n" + record(0x0000, bytes(16)) + record(0x0008, bytes(16)) +
                       ":00000001FF\n")
    with sim_session("stm32f103c8") as h:
        log = h.fails(f"flash write_image erase {hexfile}")
        assert "overlapping segments 0x08000000-0x0800000f and 0x08000008-0x08000017" in log
        assert h.chip.stats.get("flash_erases_page") == 0


def test_protect_lines_and_state():
    with sim_session("stm32f103c8") as h:
        assert h.run("flash protect 0 1 2 on") == "set protection for blocks 1 through 2 on flash bank 0\n"
        h.target.reset_halt()  # option bytes load at reset
        info = h.run("flash info 0").split("\n")
        assert info[2].endswith("protected") and not info[2].endswith("not protected")
        assert info[1].endswith("not protected")
        from ocdpy.tcl import TclError

        with pytest.raises(TclError) as err:
            h.run("flash protect 0 3 99 off")
        assert "ERROR: last block must be <= 15" in str(err.value)


def test_f4_and_h7_lock_unlock_mass_erase_lines():
    with sim_session("stm32f407vg") as h:
        assert h.run("stm32f2x lock 0") == "stm32f2x locked\n"
        assert h.chip.option_bytes()["optcr"] >> 8 & 0xFF == 0x00
        assert h.run("stm32f2x unlock 0").startswith("stm32f2x unlocked.\nINFO: a reset or power cycle")
        assert h.chip.option_bytes()["optcr"] >> 8 & 0xFF == 0xAA
        assert h.run("stm32f2x mass_erase 0") == "stm32x mass erase complete\n"
    with sim_session("stm32h753xi") as h:
        h.run(f"flash write_image erase {FIRMWARE / 'blinky-h753.bin'} 0x08000000")
        assert h.run("stm32h7x mass_erase 0") == "stm32h7x mass erase complete\n"
        assert h.chip.flash_bytes(0, 32) == b"\xff" * 32
        assert h.run("stm32h7x lock 0") == "stm32h7x locked\n"
        assert "Warn : locking the entire flash device" in h.logged()
        assert h.run("stm32h7x unlock 0") == "stm32h7x unlocked\n"
