"""The ST-Link command protocol: one method per probe command, replies checked, status
bytes turned into typed errors, memory moved in the sizes the firmware accepts.

`Stlink` works over any `StlinkTransport`. It holds no policy about sessions (that is
`StlinkAdapter`); it knows the probe: its firmware version and features, its buffer
limits, its WAIT retries, and which command does a job in the fewest round trips
(a single word goes through the debug-register command: one round trip instead of a
memory command plus a status query).
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable

from ocdpy import log
from ocdpy.errors import ProbeError, TargetConnectionError, TransferFaultError

from . import consts as C
from .transport import StlinkTransport
from .version import StlinkVersion

_READ_CMD = {1: C.READMEM_8BIT, 2: C.READMEM_16BIT, 4: C.READMEM_32BIT}
_WRITE_CMD = {1: C.WRITEMEM_8BIT, 2: C.WRITEMEM_16BIT, 4: C.WRITEMEM_32BIT}
_ALLREGS_ORDER = tuple(range(16)) + (C.REGSEL_XPSR, C.REGSEL_MSP, C.REGSEL_PSP)
DHCSR, DCRSR, DCRDR = 0xE000EDF0, 0xE000EDF4, 0xE000EDF8
S_REGRDY, DCRSR_WNR = 1 << 16, 1 << 16
REGRDY_POLLS = 10
SWD_PINS_HINT = ("if the firmware disables the SWD pins or sleeps, connect under reset: "
                 "`reset_config srst_only connect_assert_srst`")
# ... when NRST is configured already: a reset brings the target back
NRST_HINT = "if the firmware disables the SWD pins or sleeps, `reset halt` regains control through NRST"


def status_error(status: int, what: str, address: int | None = None,
                 hint: str = SWD_PINS_HINT) -> ProbeError:
    """The error for a failed command: what failed, why, and what to do."""
    text = C.STATUS_TEXT.get(status, "unknown status")
    where = f" at {address:#010x}" if address is not None else ""
    if status in (C.SWD_AP_FAULT, C.FAULT, C.SWD_AP_STICKY_ERROR):
        return TransferFaultError(
            f"{what}{where} failed: the target reported a bus fault (ST-Link status {status:#04x}, "
            f"{text}); the address is not mapped, or the memory is protected or powered down",
            address)
    if status in C.LINK_STATUSES or status in C.WAIT_STATUSES:
        error = TargetConnectionError(
            f"{what}{where} failed: {text} (ST-Link status {status:#04x}); the target does not "
            f"answer on SWD: check the wiring and the target power; {hint}")
        error.reason = f"{what}{where}: {text}, ST-Link status {status:#04x}"  # type: ignore[attr-defined]
        return error
    if status == C.UNKNOWN_CMD:
        return ProbeError(f"{what} failed: the ST-Link firmware does not know this command "
                          "(update the probe firmware)")
    return ProbeError(f"{what}{where} failed: ST-Link status {status:#04x} ({text})")


def _wait_retry(attempt: int) -> bool:
    """Back off before retrying a WAIT answer; False when the retries are used up."""
    if attempt >= C.MAX_WAIT_RETRIES:
        return False
    time.sleep(0.001 * (1 << attempt))
    return True


class Stlink:
    """One ST-Link probe speaking over `transport`."""

    def __init__(self, transport: StlinkTransport) -> None:
        self.transport = transport
        self.version: StlinkVersion | None = None
        self.commands = 0
        # TAR auto-increment range of the target's MEM-AP: memory commands never cross
        # it. 1 KiB is what ADIv5 guarantees; the core raises it (4 KiB on M3/M4).
        self.tar_autoincr_block = 1024
        self.opened_aps: set[int] = set()
        # What a lost-link error advises; the adapter knows whether NRST is configured.
        self.link_hint: Callable[[], str] = lambda: SWD_PINS_HINT

    # -- plumbing ----------------------------------------------------------------------

    def xfer(self, block: bytes, data_out: bytes = b"", read_size: int = 0) -> bytes:
        self.commands += 1
        if log.get_level() >= log.DEBUG_IO:
            log.debug_io(f"stlink cmd {block.hex()} out {len(data_out)} in {read_size}")
        return self.transport.xfer(block.ljust(C.CMD_SIZE, b"\0"), data_out, read_size)

    @staticmethod
    def _dbg(sub: int, payload: bytes = b"") -> bytes:
        return bytes([C.DEBUG_COMMAND, sub]) + payload

    def _checked(self, block: bytes, read_size: int, what: str, address: int | None = None) -> bytes:
        """A command whose reply starts with a status byte; WAIT is retried."""
        attempt = 0
        while True:
            reply = self.xfer(block, read_size=read_size)
            status = reply[0]
            if status == C.OK:
                return reply
            if status in C.WAIT_STATUSES and _wait_retry(attempt):
                attempt += 1
                continue
            raise status_error(status, what, address, self.link_hint())

    def has(self, feature: str) -> bool:
        return self.version is not None and self.version.has(feature)

    # -- identity and modes ---------------------------------------------------------------

    def read_version(self) -> StlinkVersion:
        reply = self.xfer(bytes([C.GET_VERSION]), read_size=6)
        reply_ex = None
        if StlinkVersion.needs_version_ex(reply):
            reply_ex = self.xfer(bytes([C.GET_VERSION_EX]), read_size=12)
        self.version = StlinkVersion.decode(reply, reply_ex)
        return self.version

    def current_mode(self) -> int:
        return self.xfer(bytes([C.GET_CURRENT_MODE]), read_size=2)[0]

    def leave_mode(self, mode: int) -> None:
        """Leave DFU, debug or SWIM mode (mass-storage mode needs nothing)."""
        if mode == C.MODE_DFU:
            self.xfer(bytes([C.DFU_COMMAND, C.DFU_EXIT]))
        elif mode == C.MODE_DEBUG:
            self.xfer(self._dbg(C.EXIT))
            self.opened_aps.clear()
        elif mode == C.MODE_SWIM:
            self.xfer(bytes([C.SWIM_COMMAND, C.SWIM_EXIT]))

    def enter_swd(self) -> int:
        """Enter SWD debug mode (the probe resets the SWD line and reads DPIDR); returns
        the status byte, `consts.OK` on success."""
        reply = self.xfer(self._dbg(C.APIV2_ENTER, bytes([C.ENTER_SWD_NO_RESET])), read_size=2)
        self.opened_aps.clear()
        return reply[0]

    def target_voltage(self) -> float | None:
        if not self.has("target_voltage"):
            return None
        adc_ref, adc_vdd = struct.unpack("<II", self.xfer(bytes([C.GET_TARGET_VOLTAGE]), read_size=8))
        return 2.0 * adc_vdd * 1.2 / adc_ref if adc_ref else 0.0

    # -- clocks ------------------------------------------------------------------------

    def swd_set_freq(self, divisor: int) -> None:
        self._checked(self._dbg(C.SWD_SET_FREQ, struct.pack("<H", divisor)), 2, "SWD clock setting")

    def get_com_freq(self, jtag: bool = False) -> list[int]:
        reply = self._checked(self._dbg(C.GET_COM_FREQ, bytes([int(jtag)])), 52, "clock list query")
        count = min(reply[8], 10)
        return list(struct.unpack_from(f"<{count}I", reply, 12))

    def set_com_freq(self, khz: int, jtag: bool = False) -> int:
        block = self._dbg(C.SET_COM_FREQ, bytes([int(jtag), 0]) + struct.pack("<I", khz))
        reply = self._checked(block, 8, "clock setting")
        return struct.unpack_from("<I", reply, 4)[0]

    # -- reset and identification ---------------------------------------------------------

    def drive_nrst(self, low: bool) -> None:
        level = C.NRST_LOW if low else C.NRST_HIGH
        self._checked(self._dbg(C.DRIVE_NRST, bytes([level])), 2, "NRST drive")

    def read_idcode(self) -> int:
        reply = self._checked(self._dbg(C.READ_IDCODES), 12, "DPIDR read")
        return struct.unpack_from("<I", reply, 4)[0]

    def reset_system(self) -> None:
        self._checked(self._dbg(C.RESETSYS), 2, "system reset")

    # -- single words and core registers --------------------------------------------------

    def read_u32(self, address: int) -> int:
        reply = self._checked(self._dbg(C.READDEBUGREG, struct.pack("<I", address)), 8,
                              "memory read", address)
        return struct.unpack_from("<I", reply, 4)[0]

    def write_u32(self, address: int, value: int) -> None:
        self._checked(self._dbg(C.WRITEDEBUGREG, struct.pack("<II", address, value & 0xFFFFFFFF)), 2,
                      "memory write", address)

    def idcode(self) -> int:
        return self.read_idcode()

    def _fpu_without_commands(self, regsel: int) -> bool:
        return (regsel == C.REGSEL_FPSCR or regsel >= C.REGSEL_S0) and not self.has("fpu_reg")

    def _regrdy(self) -> None:
        for _ in range(REGRDY_POLLS):
            if self.read_u32(DHCSR) & S_REGRDY:
                return
        raise ProbeError("core register transfer did not complete (DHCSR.S_REGRDY stayed clear): "
                         "is the core halted?")

    def read_core_reg(self, regsel: int) -> int:
        if self._fpu_without_commands(regsel):  # before J15 FPU registers go through DCRSR
            self.write_u32(DCRSR, regsel & 0x7F)
            self._regrdy()
            return self.read_u32(DCRDR)
        reply = self._checked(self._dbg(C.READREG, bytes([regsel])), 8, f"core register {regsel:#x} read")
        return struct.unpack_from("<I", reply, 4)[0]

    def write_core_reg(self, regsel: int, value: int) -> None:
        if self._fpu_without_commands(regsel):
            self.write_u32(DCRDR, value)
            self.write_u32(DCRSR, DCRSR_WNR | (regsel & 0x7F))
            self._regrdy()
            return
        self._checked(self._dbg(C.WRITEREG, bytes([regsel]) + struct.pack("<I", value & 0xFFFFFFFF)), 2,
                      f"core register {regsel:#x} write")

    def read_all_core_regs(self) -> dict[int, int]:
        """r0-r15, xPSR, MSP, PSP in one command (the special-register word is not part
        of the reply on every firmware, so it is read apart)."""
        reply = self._checked(self._dbg(C.READALLREGS), 88, "core register read")
        values = struct.unpack_from("<19I", reply, 4)
        return dict(zip(_ALLREGS_ORDER, values, strict=True))

    # -- memory --------------------------------------------------------------------------

    def last_rw_status(self) -> tuple[int, int | None]:
        """The status of the last memory command and, from J15, the faulting address."""
        if self.has("getlastrwstatus2"):
            reply = self.xfer(self._dbg(C.GETLASTRWSTATUS2), read_size=12)
            return reply[0], struct.unpack_from("<I", reply, 4)[0]
        return self.xfer(self._dbg(C.GETLASTRWSTATUS), read_size=2)[0], None

    def _mem_block(self, sub: int, address: int, length: int, ap: int, csw: int) -> bytes:
        if (ap or csw) and not self.has("csw"):
            if ap:
                raise ProbeError(f"ST-Link firmware {self.version} cannot reach access port {ap} with "
                                 "memory commands (needs V2J32 or V3J2): update the probe firmware")
            csw = 0  # the probe's own CSW then
        return self._dbg(sub, struct.pack("<IHB", address, length, ap) + ((csw >> 8) & 0xFFFFFF).to_bytes(3, "little"))

    def _read_one(self, width: int, address: int, length: int, ap: int, csw: int) -> bytes:
        block = self._mem_block(_READ_CMD[width], address, length, ap, csw)
        reply_size = 2 if (width == 1 and length == 1) else length
        attempt = 0
        while True:
            data = self.xfer(block, read_size=reply_size)[:length]
            status, fault = self.last_rw_status()
            if status == C.OK:
                return data
            if status in C.WAIT_STATUSES and _wait_retry(attempt):
                attempt += 1
                continue
            raise status_error(status, "memory read", fault if fault is not None else address, self.link_hint())

    def _write_one(self, width: int, address: int, data: bytes, ap: int, csw: int) -> None:
        block = self._mem_block(_WRITE_CMD[width], address, len(data), ap, csw)
        attempt = 0
        while True:
            self.xfer(block, data_out=data)
            status, fault = self.last_rw_status()
            if status == C.OK:
                return
            if status in C.WAIT_STATUSES and _wait_retry(attempt):
                attempt += 1
                continue
            raise status_error(status, "memory write", fault if fault is not None else address,
                               self.link_hint())

    def _pieces(self, address: int, size: int, width: int, block: int):  # -> Iterator[tuple[int, int, int]]
        """Split a transfer into (address, length, width) commands the firmware accepts:
        byte accesses up to one packet, 16/32-bit ones aligned, within the buffer and
        never across a TAR auto-increment block."""
        if width == 2 and not self.has("mem_16bit"):
            width = 1
        rw8 = self.version.rw8_max if self.version else C.RW8_MAX
        pos, end = address, address + size
        while pos < end:
            if width == 1:
                n = min(end - pos, rw8)
                yield pos, n, 1
                pos += n
                continue
            if pos % width:
                n = min(width - pos % width, end - pos)
                yield pos, n, 1
                pos += n
                continue
            n = min(end - pos, block - (pos & (block - 1)), C.DATA_SIZE)
            n -= n % width
            if n == 0:  # a tail shorter than one access
                yield pos, end - pos, 1
                return
            yield pos, n, width
            pos += n

    def read_memory(self, address: int, size: int, width: int = 4, ap: int = 0, csw: int = 0,
                    tar_block: int | None = None) -> bytes:
        """`size` bytes from `address` using `width`-byte accesses where alignment allows."""
        if size == 4 and width == 4 and address % 4 == 0 and ap == 0 and csw == 0:
            return struct.pack("<I", self.read_u32(address))
        out = bytearray()
        for pos, n, w in self._pieces(address, size, width, tar_block or self.tar_autoincr_block):
            out += self._read_one(w, pos, n, ap, csw)
        return bytes(out)

    def write_memory(self, address: int, data: bytes, width: int = 4, ap: int = 0, csw: int = 0,
                     tar_block: int | None = None) -> None:
        if len(data) == 4 and width == 4 and address % 4 == 0 and ap == 0 and csw == 0:
            self.write_u32(address, struct.unpack("<I", data)[0])
            return
        for pos, n, w in self._pieces(address, len(data), width, tar_block or self.tar_autoincr_block):
            self._write_one(w, pos, bytes(data[pos - address : pos - address + n]), ap, csw)

    # -- DAP registers (adapter driver st-link) --------------------------------------------

    def init_ap(self, ap: int) -> None:
        if not self.has("ap_init") or ap in self.opened_aps:
            return
        self._checked(self._dbg(C.INIT_AP, bytes([ap])), 2, f"access port {ap} init")
        self.opened_aps.add(ap)

    def close_ap(self, ap: int) -> None:
        if not self.has("ap_init") or ap not in self.opened_aps:
            return
        self.opened_aps.discard(ap)
        reply = self.xfer(self._dbg(C.CLOSE_AP_DBG, bytes([ap])), read_size=2)
        if reply[0] != C.OK and self.has("fix_close_ap"):
            raise status_error(reply[0], f"access port {ap} close")

    def read_dap_reg(self, port: int, reg: int) -> int:
        what = "DP register read" if port == C.DP_PORT else f"AP {port} register {reg:#04x} read"
        reply = self._checked(self._dbg(C.READ_DAP_REG, struct.pack("<HH", port, reg)), 8, what)
        return struct.unpack_from("<I", reply, 4)[0]

    def write_dap_reg(self, port: int, reg: int, value: int) -> None:
        what = "DP register write" if port == C.DP_PORT else f"AP {port} register {reg:#04x} write"
        self._checked(self._dbg(C.WRITE_DAP_REG, struct.pack("<HHI", port, reg, value & 0xFFFFFFFF)), 2, what)
