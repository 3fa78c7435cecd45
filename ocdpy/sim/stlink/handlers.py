"""ST-Link command handlers: for each command the firmware implements, how it reads
the 16-byte block (and data phase) and what reply it sends, with the firmware release
that introduced it. `TOP` holds top-level commands, `DEBUG` the 0xF2 sub-commands.

Reply layouts (status byte first unless said): 2 bytes [status, 0] for commands
without data; 8 bytes [status, 0, 0, 0, value] for single reads; memory reads reply
with the data only (a 1-byte 8-bit read replies 2 bytes) and report through
GETLASTRWSTATUS (2 bytes) / GETLASTRWSTATUS2 (12 bytes: status, fault address).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import protocol as P
from .swd import Outcome
from .timing import NRST_PULSE_S

if TYPE_CHECKING:
    from .firmware import SimStlink

VREF_ADC_REFERENCE = 1600  # GET_TARGET_VOLTAGE: ADC reading of the 1.2 V reference

Handler = Callable[["SimStlink", bytes, bytes], "bytes | None"]


@dataclass(frozen=True)
class Command:
    name: str
    handler: Handler
    target_access: bool = False
    feature: str | None = None  # FirmwareVersion property that must be true
    data_len: Callable[[bytes], int] | None = None  # length of the OUT data phase


def u16(b: bytes, off: int) -> int:
    return struct.unpack_from("<H", b, off)[0]


def u32(b: bytes, off: int) -> int:
    return struct.unpack_from("<I", b, off)[0]


def status2(code: int) -> bytes:
    return bytes([code, 0])


def status4(code: int) -> bytes:
    return bytes([code, 0, 0, 0])


def not_connected_reply(fw: SimStlink, cmd: Command, block: bytes) -> bytes | None:
    """What a target-access command answers before SWD mode is entered."""
    if cmd.name.startswith("READMEM"):
        fw.record_rw(Outcome(P.NO_DEVICE_CONNECTED))
        return bytes(max(u16(block, 6), 2 if u16(block, 6) == 1 else 0))
    if cmd.name.startswith("WRITEMEM") or cmd.name == "RW_MISC_OUT":
        fw.record_rw(Outcome(P.NO_DEVICE_CONNECTED))
        return None
    if cmd.name in ("READ_IDCODES",):
        return status4(P.NO_DEVICE_CONNECTED) + bytes(8)
    if cmd.name in ("READREG", "READDEBUGREG", "READ_DAP_REG"):
        return status4(P.NO_DEVICE_CONNECTED) + bytes(4)
    if cmd.name == "READALLREGS":
        return status4(P.NO_DEVICE_CONNECTED) + bytes(84)
    if cmd.name == "READCOREID":
        return bytes(4)
    if cmd.name == "RW_MISC_IN":
        return b""
    return status2(P.NO_DEVICE_CONNECTED)


# == handlers: top-level =============================================================


def _get_version(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return fw.fw.get_version_reply(fw.kind.vid, fw.kind.pid)


def _get_version_ex(fw: SimStlink, block: bytes, data: bytes) -> bytes | None:
    if fw.kind.hw < 3:
        return None
    return fw.fw.get_version_ex_reply(fw.kind.vid, fw.kind.pid)


def _get_current_mode(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return bytes([fw.mode, 0])


def _get_target_voltage(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    volts = max(0.0, float(fw.target.target_voltage()))
    reading = round(volts / 2.4 * VREF_ADC_REFERENCE)
    return struct.pack("<II", VREF_ADC_REFERENCE, reading)


def _dfu_exit(fw: SimStlink, block: bytes, data: bytes) -> None:
    if fw.mode == P.MODE_DFU:
        fw.mode = P.MODE_MASS
    return None


def _swim_enter(fw: SimStlink, block: bytes, data: bytes) -> None:
    if fw.fw.swim:
        fw.mode = P.MODE_SWIM
    return None


def _swim_exit(fw: SimStlink, block: bytes, data: bytes) -> None:
    if fw.mode == P.MODE_SWIM:
        fw.mode = P.MODE_MASS
    return None


# == handlers: debug mode ============================================================


def _enter(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    fw.mode = P.MODE_DEBUG
    fw.open_aps = set()
    if block[2] != P.ENTER_SWD_NO_RESET:
        return status2(P.GET_IDCODE_ERROR)  # JTAG: the virtual targets only wire SWD
    status = fw.swd.connect()
    if status == P.OK:
        fw.open_aps = {0}
    return status2(status)


def _exit(fw: SimStlink, block: bytes, data: bytes) -> None:
    if fw.mode == P.MODE_DEBUG:
        fw.mode = P.MODE_MASS
    fw.open_aps = set()
    return None


def _read_idcodes(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    status, idcode = fw.swd.read_idcode()
    return status4(status) + struct.pack("<II", idcode, 0)


def _read_coreid(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    _, idcode = fw.swd.read_idcode()
    return struct.pack("<I", idcode)


def _get_status(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    dhcsr, outcome = fw.swd.read32(P.DHCSR)
    if not outcome.ok:
        return status2(outcome.status)
    return status2(P.CORE_HALTED if dhcsr & P.S_HALT else P.CORE_RUNNING)


def _write_dhcsr(*values: int) -> Handler:
    def handler(fw: SimStlink, block: bytes, data: bytes) -> bytes:
        for value in values:
            outcome = fw.swd.write32(P.DHCSR, P.DBGKEY | value)
            if not outcome.ok:
                return status2(outcome.status)
        return status2(P.OK)

    return handler


def _resetsys(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return status2(fw.swd.write32(P.AIRCR, P.AIRCR_SYSRESETREQ).status)


def _drive_nrst(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    arg = block[2]
    if arg == P.NRST_LOW:
        fw.target.set_nrst(True)
        fw.nrst_asserted = True
    elif arg == P.NRST_HIGH:
        fw.target.set_nrst(False)
        fw.nrst_asserted = False
    elif arg == P.NRST_PULSE:
        fw.target.set_nrst(True)
        fw.target.advance(NRST_PULSE_S)
        fw.target.set_nrst(False)
        fw.nrst_asserted = False
    else:
        return status2(P.CMD_ERROR)
    return status2(P.OK)


def _read_debug_reg(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    value, outcome = fw.swd.read32(u32(block, 2))
    return status4(outcome.status) + struct.pack("<I", value)


def _write_debug_reg(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return status2(fw.swd.write32(u32(block, 2), u32(block, 6)).status)


def _read_reg(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    value, outcome = fw.swd.read_core_reg(block[2])
    return status4(outcome.status) + struct.pack("<I", value)


def _write_reg(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return status2(fw.swd.write_core_reg(block[2], u32(block, 3)).status)


_ALLREGS = tuple(range(16)) + (16, 17, 18, 0x14)


def _read_all_regs(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    values = []
    for regsel in _ALLREGS:
        value, outcome = fw.swd.read_core_reg(regsel)
        if not outcome.ok:
            return status4(outcome.status) + bytes(84)
        values.append(value)
    values.append(0)  # the second "rw" word: unused on Cortex-M3/M4 targets
    return status4(P.OK) + struct.pack("<21I", *values)


def _last_rw_status(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    outcome, fw.last_rw = fw.last_rw, Outcome()
    return status2(outcome.status)


def _last_rw_status2(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    outcome, fw.last_rw = fw.last_rw, Outcome()
    return status4(outcome.status) + struct.pack("<II", outcome.fault_addr, 0)


def _start_trace(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    fw.trace_enabled = True
    return status2(P.OK)


def _stop_trace(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    fw.trace_enabled = False
    return status2(P.OK)


def _get_trace_nb(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return struct.pack("<H", 0)  # the virtual targets emit no SWO


def _swd_set_freq(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    divisor = u16(block, 2)
    fw.swd_khz = float(P.SWD_DIVISOR_KHZ.get(divisor, 4000.0 / (divisor + 1.2)))
    return status2(P.OK)


def _jtag_set_freq(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    divisor = max(1, u16(block, 2))
    fw.jtag_khz = 36000.0 / divisor
    return status2(P.OK)


def _com_freqs(block: bytes) -> tuple[int, ...]:
    return P.V3_JTAG_KHZ if block[2] else P.V3_SWD_KHZ


def _get_com_freq(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    freqs = _com_freqs(block)
    current = fw.jtag_khz if block[2] else fw.swd_khz
    table = list(freqs) + [0] * (10 - len(freqs))
    return status4(P.OK) + struct.pack("<II", int(current), len(freqs)) + struct.pack("<10I", *table)


def _set_com_freq(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    freqs = _com_freqs(block)
    wanted = u32(block, 4)
    chosen = next((f for f in freqs if f <= wanted), freqs[-1])
    if block[2]:
        fw.jtag_khz = float(chosen)
    else:
        fw.swd_khz = float(chosen)
    return status4(P.OK) + struct.pack("<I", chosen)


def _blink_led(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    return status2(P.OK)


def _init_ap(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    ap = block[2]
    status, idr = fw.swd.ap_read(ap, P.AP_IDR)
    if status != P.OK:
        return status2(status)
    if idr == 0:
        return status2(P.BAD_AP_ERROR)
    fw.open_aps.add(ap)
    return status2(P.OK)


def _close_ap(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    fw.open_aps.discard(block[2])
    return status2(P.OK)


def _read_dap_reg(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    port, addr = u16(block, 2), u16(block, 4)
    if port == P.DP_PORT:
        status, value = fw.swd.dp_read(addr, fw.fw.has_dpbanksel)
    elif port > 0xFF or (addr != P.AP_IDR and not fw.ap_usable(port)):
        status, value = P.BAD_AP_ERROR, 0
    else:
        status, value = fw.swd.ap_read(port, addr & 0xFC)
    return status4(status) + struct.pack("<I", value)


def _write_dap_reg(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    port, addr, value = u16(block, 2), u16(block, 4), u32(block, 6)
    if port == P.DP_PORT:
        status = fw.swd.dp_write(addr, value, fw.fw.has_dpbanksel)
    elif port > 0xFF or not fw.ap_usable(port):
        status = P.BAD_AP_ERROR
    else:
        status = fw.swd.ap_write(port, addr & 0xFC, value)
    return status2(status)


# -- memory ---------------------------------------------------------------------------


def _mem_check(fw: SimStlink, addr: int, length: int, ap: int, width: int, limit: int) -> int:
    if not fw.ap_usable(ap):
        return P.BAD_AP_ERROR
    if length > limit:
        return P.CMD_ERROR
    if width > 1 and (addr % width or length % width):
        return P.ALIGNMENT_ERROR
    return P.OK


def _readmem(width: int, increment: bool = True) -> Handler:
    def handler(fw: SimStlink, block: bytes, data: bytes) -> bytes:
        addr, length, ap = fw.mem_args(block)
        limit = fw.fw.rw8_max if width == 1 else P.DATA_SIZE
        reply_len = 2 if (width == 1 and length == 1) else length
        status = _mem_check(fw, addr, length, ap, width, limit)
        if status != P.OK:
            fw.record_rw(Outcome(status, addr))
            return bytes(reply_len)
        if increment:
            payload, outcome = fw.swd.mem_read(ap, addr, length, width)
        else:
            chunks = []
            outcome = Outcome()
            for _ in range(length // 4):
                word, outcome = fw.swd.mem_read(ap, addr, 4, 4)
                if not outcome.ok:
                    break
                chunks.append(word)
            payload = b"".join(chunks).ljust(length, b"\0")
        fw.record_rw(outcome)
        return payload.ljust(reply_len, b"\0")

    return handler


def _writemem(width: int, increment: bool = True) -> Handler:
    def handler(fw: SimStlink, block: bytes, data: bytes) -> None:
        addr, length, ap = fw.mem_args(block)
        limit = fw.fw.rw8_max if width == 1 else P.DATA_SIZE
        status = _mem_check(fw, addr, length, ap, width, limit)
        if status != P.OK:
            fw.record_rw(Outcome(status, addr))
            return None
        if increment:
            fw.record_rw(fw.swd.mem_write(ap, addr, data, width))
        else:
            outcome = Outcome()
            for i in range(0, length, 4):
                outcome = fw.swd.mem_write(ap, addr, data[i : i + 4], 4)
                if not outcome.ok:
                    break
            fw.record_rw(outcome)
        return None

    return handler


def _mem_len(block: bytes) -> int:
    return u16(block, 6)


def _misc_len(block: bytes) -> int:
    items = u32(block, 2)
    return ((items + 3) & ~3) + 4 * items


def _rw_misc_out(fw: SimStlink, block: bytes, data: bytes) -> None:
    items = u32(block, 2)
    codes = data[:items]
    base = (items + 3) & ~3
    values = [u32(data, base + 4 * i) for i in range(items)]
    results = [0] * items
    statuses = [P.OK] * items
    ap, addr = 0, 0
    failed = None
    for i, (code, value) in enumerate(zip(codes, values, strict=True)):
        if failed is not None:
            statuses[i] = failed
            continue
        status = P.OK
        if code == P.MISC_APNUM:
            ap = value
            if not fw.ap_usable(ap):
                status = P.BAD_AP_ERROR
        elif code == P.MISC_ADDRESS:
            addr = value
        elif code == P.MISC_WRITE:
            status = fw.swd.write32(addr, value, ap).status
        elif code == P.MISC_READ:
            results[i], outcome = fw.swd.read32(value, ap)
            status = outcome.status
        else:
            status = P.CMD_ERROR
        statuses[i] = status
        if status != P.OK:
            failed = status
    fw.misc_results = struct.pack(f"<{items}I", *results) + struct.pack(f"<{items}I", *statuses)
    return None


def _rw_misc_in(fw: SimStlink, block: bytes, data: bytes) -> bytes:
    results, fw.misc_results = fw.misc_results, b""
    return results


TOP: dict[object, Command] = {
    P.GET_VERSION: Command("GET_VERSION", _get_version),
    P.GET_VERSION_EX: Command("GET_VERSION_EX", _get_version_ex),
    P.GET_CURRENT_MODE: Command("GET_CURRENT_MODE", _get_current_mode),
    P.GET_TARGET_VOLTAGE: Command("GET_TARGET_VOLTAGE", _get_target_voltage, feature="has_target_voltage"),
    (P.DFU_COMMAND, P.DFU_EXIT): Command("DFU_EXIT", _dfu_exit),
    (P.SWIM_COMMAND, P.SWIM_ENTER): Command("SWIM_ENTER", _swim_enter),
    (P.SWIM_COMMAND, P.SWIM_EXIT): Command("SWIM_EXIT", _swim_exit),
}

DEBUG: dict[int, Command] = {}


def _d(code: int, name: str, handler: Handler, target_access: bool = True, feature: str | None = None,
       data_len: Callable[[bytes], int] | None = None) -> None:
    DEBUG[code] = Command(name, handler, target_access, feature, data_len)


_d(P.GETSTATUS, "GETSTATUS", _get_status)
_d(P.FORCEDEBUG, "FORCEDEBUG", _write_dhcsr(P.C_HALT | P.C_DEBUGEN))
_d(P.READMEM_32BIT, "READMEM_32BIT", _readmem(4))
_d(P.WRITEMEM_32BIT, "WRITEMEM_32BIT", _writemem(4), data_len=_mem_len)
_d(P.RUNCORE, "RUNCORE", _write_dhcsr(P.C_DEBUGEN))
_d(P.STEPCORE, "STEPCORE", _write_dhcsr(P.C_HALT | P.C_MASKINTS | P.C_DEBUGEN,
                                        P.C_STEP | P.C_MASKINTS | P.C_DEBUGEN))
_d(P.READMEM_8BIT, "READMEM_8BIT", _readmem(1))
_d(P.WRITEMEM_8BIT, "WRITEMEM_8BIT", _writemem(1), data_len=_mem_len)
_d(P.EXIT, "EXIT", _exit, target_access=False)
_d(P.READCOREID, "READCOREID", _read_coreid)
_d(P.APIV2_ENTER, "APIV2_ENTER", _enter, target_access=False)
_d(P.READ_IDCODES, "READ_IDCODES", _read_idcodes)
_d(P.RESETSYS, "RESETSYS", _resetsys)
_d(P.READREG, "READREG", _read_reg)
_d(P.WRITEREG, "WRITEREG", _write_reg)
_d(P.WRITEDEBUGREG, "WRITEDEBUGREG", _write_debug_reg)
_d(P.READDEBUGREG, "READDEBUGREG", _read_debug_reg)
_d(P.READALLREGS, "READALLREGS", _read_all_regs)
_d(P.GETLASTRWSTATUS, "GETLASTRWSTATUS", _last_rw_status, target_access=False)
_d(P.DRIVE_NRST, "DRIVE_NRST", _drive_nrst, target_access=False)
_d(P.GETLASTRWSTATUS2, "GETLASTRWSTATUS2", _last_rw_status2, target_access=False,
   feature="has_getlastrwstatus2")
_d(P.START_TRACE_RX, "START_TRACE_RX", _start_trace, target_access=False, feature="has_trace")
_d(P.STOP_TRACE_RX, "STOP_TRACE_RX", _stop_trace, target_access=False, feature="has_trace")
_d(P.GET_TRACE_NB, "GET_TRACE_NB", _get_trace_nb, target_access=False, feature="has_trace")
_d(P.SWD_SET_FREQ, "SWD_SET_FREQ", _swd_set_freq, target_access=False, feature="has_swd_set_freq")
_d(P.JTAG_SET_FREQ, "JTAG_SET_FREQ", _jtag_set_freq, target_access=False, feature="has_jtag_set_freq")
_d(P.READ_DAP_REG, "READ_DAP_REG", _read_dap_reg, feature="has_dap_reg")
_d(P.WRITE_DAP_REG, "WRITE_DAP_REG", _write_dap_reg, feature="has_dap_reg")
_d(P.READMEM_16BIT, "READMEM_16BIT", _readmem(2), feature="has_mem_16bit")
_d(P.WRITEMEM_16BIT, "WRITEMEM_16BIT", _writemem(2), feature="has_mem_16bit", data_len=_mem_len)
_d(P.BLINK_LED, "BLINK_LED", _blink_led, target_access=False, feature="has_ap_init")
_d(P.INIT_AP, "INIT_AP", _init_ap, feature="has_ap_init")
_d(P.CLOSE_AP_DBG, "CLOSE_AP_DBG", _close_ap, feature="has_ap_init")
_d(P.WRITEMEM_32BIT_NO_ADDR_INC, "WRITEMEM_32BIT_NO_ADDR_INC", _writemem(4, increment=False),
   feature="has_mem_16bit", data_len=_mem_len)
_d(P.RW_MISC_OUT, "RW_MISC_OUT", _rw_misc_out, feature="has_dpbanksel", data_len=_misc_len)
_d(P.RW_MISC_IN, "RW_MISC_IN", _rw_misc_in, feature="has_dpbanksel")
_d(P.READMEM_32BIT_NO_ADDR_INC, "READMEM_32BIT_NO_ADDR_INC", _readmem(4, increment=False),
   feature="has_dpbanksel")
_d(P.SET_COM_FREQ, "SET_COM_FREQ", _set_com_freq, target_access=False, feature="has_com_freq")
_d(P.GET_COM_FREQ, "GET_COM_FREQ", _get_com_freq, target_access=False, feature="has_com_freq")
